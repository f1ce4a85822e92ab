/*===- mote_int8_training.c - INT8 training (Octo) -----------------------===*
 *
 * Dynamic quantization with PRC and stochastic rounding, int8 x int8 ->
 * int32 forward and backward products, and the LAC channel affine.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_train.h"
#include "mote_internal.h"

/* xorshift32: a full-period generator of nonzero 32-bit states. */
static uint32_t next_random(int32_t *rng) {
  uint32_t x = (uint32_t)rng[0];
  if (x == 0)
    x = 0x9e3779b9u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rng[0] = (int32_t)x;
  return x;
}

mote_status mote_dynamic_quantize_s8(int32_t slices, int32_t inner, float clip,
                                     int32_t stochastic, const float *input,
                                     int8_t *output, float *scale,
                                     int32_t *rng) {
  int32_t s, i;
  if (!input || !output || !scale || slices < 1 || inner < 0 ||
      !(clip > 0.0f) || (stochastic && !rng))
    return MOTE_ERROR_ARGUMENT;
  for (s = 0; s < slices; ++s) {
    const float *x = input + (int64_t)s * inner;
    int8_t *q = output + (int64_t)s * inner;
    float max = 0.0f, inv;
    for (i = 0; i < inner; ++i) {
      float a = x[i] < 0.0f ? -x[i] : x[i];
      max = a > max ? a : max;
    }
    max *= clip;
    scale[s] = max > 0.0f ? max / 127.0f : 1.0f;
    inv = 1.0f / scale[s];
    for (i = 0; i < inner; ++i) {
      float t = x[i] * inv;
      int32_t r;
      t = t > 127.0f ? 127.0f : (t < -127.0f ? -127.0f : t);
      if (stochastic) {
        float u = (float)(next_random(rng) >> 8) * (1.0f / 16777216.0f);
        float v = t + u;
        r = (int32_t)v;
        r -= (float)r > v; /* floor */
      } else {
        r = t >= 0.0f ? (int32_t)(t + 0.5f) : -(int32_t)(0.5f - t);
      }
      q[i] = (int8_t)(r > 127 ? 127 : (r < -127 ? -127 : r));
    }
  }
  return MOTE_OK;
}

mote_status mote_int8_conv2d_f32(const mote_conv2d_f32_params *p,
                                 const int8_t *input, const float *input_scale,
                                 const int8_t *weight,
                                 const float *weight_scale, const float *bias,
                                 float *output) {
  int32_t n, g, oc, ic, oy, ox, ky, kx, icg, ocg;
  if (!p || !input || !input_scale || !weight || !weight_scale || !bias ||
      !output || p->groups < 1)
    return MOTE_ERROR_ARGUMENT;
  icg = p->in_channels / p->groups;
  ocg = p->out_channels / p->groups;
  for (n = 0; n < p->batch; ++n)
    for (g = 0; g < p->groups; ++g)
      for (oc = g * ocg; oc < (g + 1) * ocg; ++oc) {
        float scale = input_scale[0] * weight_scale[oc];
        float *y = output + ((int64_t)n * p->out_channels + oc) * p->out_h * p->out_w;
        for (oy = 0; oy < p->out_h; ++oy)
          for (ox = 0; ox < p->out_w; ++ox) {
            int32_t acc = 0, ky_lo, ky_hi, kx_lo, kx_hi;
            const int32_t y0 =
                mote_window(oy, p->stride_h, p->pad_top, p->dilation_h,
                            p->kernel_h, p->in_h, &ky_lo, &ky_hi);
            const int32_t x0 =
                mote_window(ox, p->stride_w, p->pad_left, p->dilation_w,
                            p->kernel_w, p->in_w, &kx_lo, &kx_hi);
            for (ic = 0; ic < icg; ++ic) {
              const int8_t *x = input + ((int64_t)n * p->in_channels + g * icg + ic) *
                                            p->in_h * p->in_w;
              const int8_t *w =
                  weight + ((int64_t)oc * icg + ic) * p->kernel_h * p->kernel_w;
              for (ky = ky_lo; ky < ky_hi; ++ky)
                for (kx = kx_lo; kx < kx_hi; ++kx)
                  acc += (int32_t)x[(y0 + ky * p->dilation_h) * p->in_w + x0 +
                                    kx * p->dilation_w] *
                         w[ky * p->kernel_w + kx];
            }
            y[oy * p->out_w + ox] = (float)acc * scale + bias[oc];
          }
      }
  return MOTE_OK;
}

/* Sums of 127 x 127 products stay within int32 for fewer than 2^31 / 16129
 * terms. */
#define MOTE_INT8_MAX_TERMS 133143

mote_status mote_int8_conv2d_backward_weight_f32(
    const mote_conv2d_f32_params *p, const int8_t *input,
    const float *input_scale, const int8_t *grad_output,
    const float *grad_scale, float *grad_weight) {
  int32_t n, g, oc, ic, oy, ox, ky, kx, icg, ocg;
  float scale;
  if (!p || !input || !input_scale || !grad_output || !grad_scale ||
      !grad_weight || p->groups < 1 ||
      (int64_t)p->batch * p->out_h * p->out_w > MOTE_INT8_MAX_TERMS)
    return MOTE_ERROR_ARGUMENT;
  icg = p->in_channels / p->groups;
  ocg = p->out_channels / p->groups;
  scale = input_scale[0] * grad_scale[0];
  for (g = 0; g < p->groups; ++g)
    for (oc = g * ocg; oc < (g + 1) * ocg; ++oc)
      for (ic = 0; ic < icg; ++ic)
        for (ky = 0; ky < p->kernel_h; ++ky)
          for (kx = 0; kx < p->kernel_w; ++kx) {
            const int32_t y0 = ky * p->dilation_h - p->pad_top;
            const int32_t x0 = kx * p->dilation_w - p->pad_left;
            int32_t acc = 0, oy_lo, oy_hi, ox_lo, ox_hi;
            mote_tap_outputs(0, p->out_h, p->stride_h, y0, p->in_h, &oy_lo,
                             &oy_hi);
            mote_tap_outputs(0, p->out_w, p->stride_w, x0, p->in_w, &ox_lo,
                             &ox_hi);
            for (n = 0; n < p->batch; ++n) {
              const int8_t *e = grad_output +
                  ((int64_t)n * p->out_channels + oc) * p->out_h * p->out_w;
              const int8_t *x = input + ((int64_t)n * p->in_channels + g * icg + ic) *
                                            p->in_h * p->in_w;
              for (oy = oy_lo; oy < oy_hi; ++oy)
                for (ox = ox_lo; ox < ox_hi; ++ox)
                  acc += (int32_t)e[oy * p->out_w + ox] *
                         x[(oy * p->stride_h + y0) * p->in_w +
                           ox * p->stride_w + x0];
            }
            grad_weight[(((int64_t)oc * icg + ic) * p->kernel_h + ky) * p->kernel_w + kx] =
                (float)acc * scale;
          }
  return MOTE_OK;
}

mote_status mote_int8_conv2d_backward_input_f32(
    const mote_conv2d_f32_params *p, const int8_t *grad_output,
    const float *grad_scale, const int8_t *weight, const float *weight_scale,
    float *grad_input) {
  int32_t n, g, oc, ic, oy, ox, ky, kx, icg, ocg;
  int64_t i, count;
  int32_t *acc = (int32_t *)(void *)grad_input;
  float scale;
  if (!p || !grad_output || !grad_scale || !weight || !weight_scale ||
      !grad_input || p->groups < 1 ||
      (int64_t)p->out_channels * p->kernel_h * p->kernel_w > MOTE_INT8_MAX_TERMS)
    return MOTE_ERROR_ARGUMENT;
  icg = p->in_channels / p->groups;
  ocg = p->out_channels / p->groups;
  count = (int64_t)p->batch * p->in_channels * p->in_h * p->in_w;
  for (i = 0; i < count; ++i)
    acc[i] = 0;
  for (n = 0; n < p->batch; ++n)
    for (g = 0; g < p->groups; ++g)
      for (oc = g * ocg; oc < (g + 1) * ocg; ++oc) {
        const int8_t *e =
            grad_output + ((int64_t)n * p->out_channels + oc) * p->out_h * p->out_w;
        for (ic = 0; ic < icg; ++ic) {
          const int8_t *w =
              weight + ((int64_t)oc * icg + ic) * p->kernel_h * p->kernel_w;
          int32_t *a = acc + ((int64_t)n * p->in_channels + g * icg + ic) *
                                 p->in_h * p->in_w;
          for (ky = 0; ky < p->kernel_h; ++ky)
            for (kx = 0; kx < p->kernel_w; ++kx) {
              const int32_t wv = w[ky * p->kernel_w + kx];
              const int32_t y0 = ky * p->dilation_h - p->pad_top;
              const int32_t x0 = kx * p->dilation_w - p->pad_left;
              int32_t oy_lo, oy_hi, ox_lo, ox_hi;
              if (wv == 0)
                continue;
              mote_tap_outputs(0, p->out_h, p->stride_h, y0, p->in_h, &oy_lo,
                               &oy_hi);
              mote_tap_outputs(0, p->out_w, p->stride_w, x0, p->in_w, &ox_lo,
                               &ox_hi);
              for (oy = oy_lo; oy < oy_hi; ++oy)
                for (ox = ox_lo; ox < ox_hi; ++ox)
                  a[(oy * p->stride_h + y0) * p->in_w + ox * p->stride_w +
                    x0] += e[oy * p->out_w + ox] * wv;
            }
        }
      }
  scale = grad_scale[0] * weight_scale[0];
  for (i = 0; i < count; ++i)
    grad_input[i] = (float)acc[i] * scale;
  return MOTE_OK;
}

mote_status mote_int8_fully_connected_f32(
    const mote_fully_connected_f32_params *p, const int8_t *input,
    const float *input_scale, const int8_t *weight, const float *weight_scale,
    const float *bias, float *output) {
  int32_t m, n, k;
  if (!p || !input || !input_scale || !weight || !weight_scale || !bias ||
      !output || p->in_features > MOTE_INT8_MAX_TERMS)
    return MOTE_ERROR_ARGUMENT;
  for (m = 0; m < p->batch; ++m) {
    const int8_t *x = input + (int64_t)m * p->in_features;
    for (n = 0; n < p->out_features; ++n) {
      const int8_t *w = weight + (int64_t)n * p->in_features;
      int32_t acc = 0;
      for (k = 0; k < p->in_features; ++k)
        acc += (int32_t)x[k] * w[k];
      output[(int64_t)m * p->out_features + n] =
          (float)acc * (input_scale[0] * weight_scale[n]) + bias[n];
    }
  }
  return MOTE_OK;
}

mote_status mote_int8_fully_connected_backward_weight_f32(
    const mote_fully_connected_f32_params *p, const int8_t *input,
    const float *input_scale, const int8_t *grad_output,
    const float *grad_scale, float *grad_weight) {
  int32_t m, n, k;
  float scale;
  if (!p || !input || !input_scale || !grad_output || !grad_scale ||
      !grad_weight || p->batch > MOTE_INT8_MAX_TERMS)
    return MOTE_ERROR_ARGUMENT;
  scale = input_scale[0] * grad_scale[0];
  for (n = 0; n < p->out_features; ++n)
    for (k = 0; k < p->in_features; ++k) {
      int32_t acc = 0;
      for (m = 0; m < p->batch; ++m)
        acc += (int32_t)grad_output[(int64_t)m * p->out_features + n] *
               input[(int64_t)m * p->in_features + k];
      grad_weight[(int64_t)n * p->in_features + k] = (float)acc * scale;
    }
  return MOTE_OK;
}

mote_status mote_int8_fully_connected_backward_input_f32(
    const mote_fully_connected_f32_params *p, const int8_t *grad_output,
    const float *grad_scale, const int8_t *weight, const float *weight_scale,
    float *grad_input) {
  int32_t m, n, k;
  float scale;
  if (!p || !grad_output || !grad_scale || !weight || !weight_scale ||
      !grad_input || p->out_features > MOTE_INT8_MAX_TERMS)
    return MOTE_ERROR_ARGUMENT;
  scale = grad_scale[0] * weight_scale[0];
  for (m = 0; m < p->batch; ++m)
    for (k = 0; k < p->in_features; ++k) {
      int32_t acc = 0;
      for (n = 0; n < p->out_features; ++n)
        acc += (int32_t)grad_output[(int64_t)m * p->out_features + n] *
               weight[(int64_t)n * p->in_features + k];
      grad_input[(int64_t)m * p->in_features + k] = (float)acc * scale;
    }
  return MOTE_OK;
}

mote_status mote_channel_affine_f32(int32_t batch, int32_t channels,
                                    int32_t inner, float lo, float hi,
                                    const float *input, const float *scale,
                                    const float *shift, float *output) {
  int32_t n, c, i;
  if (!input || !scale || !shift || !output || batch < 0 || channels < 0 ||
      inner < 0)
    return MOTE_ERROR_ARGUMENT;
  for (n = 0; n < batch; ++n)
    for (c = 0; c < channels; ++c) {
      int64_t base = ((int64_t)n * channels + c) * inner;
      for (i = 0; i < inner; ++i) {
        float y = input[base + i] * scale[c] + shift[c];
        output[base + i] = y < lo ? lo : (y > hi ? hi : y);
      }
    }
  return MOTE_OK;
}

/* The backward of a channel affine from its output, kept as f32 or as int8
 * times out_scale. */
static mote_status channel_affine_backward(
    int32_t batch, int32_t channels, int32_t inner, float lo, float hi,
    float l2, const float *grad_output, const float *f32, const int8_t *s8,
    float out_scale, const float *scale, const float *shift,
    float *grad_input, float *grad_scale, float *grad_shift) {
  int32_t n, c, i;
  if (!grad_output || !(f32 || s8) || !scale || !shift || !grad_input ||
      !grad_scale || !grad_shift || batch < 0 || channels < 0 || inner < 0)
    return MOTE_ERROR_ARGUMENT;
  for (c = 0; c < channels; ++c) {
    float gs = 0.0f, gb = 0.0f;
    float inv = scale[c] != 0.0f ? 1.0f / scale[c] : 0.0f;
    for (n = 0; n < batch; ++n) {
      int64_t base = ((int64_t)n * channels + c) * inner;
      for (i = 0; i < inner; ++i) {
        float y = f32 ? f32[base + i] : (float)s8[base + i] * out_scale;
        float g = y > lo && y < hi ? grad_output[base + i] : 0.0f;
        grad_input[base + i] = g * scale[c];
        gb += g;
        gs += g * ((y - shift[c]) * inv);
      }
    }
    grad_scale[c] = gs + l2 * (scale[c] - 1.0f);
    grad_shift[c] = gb + l2 * shift[c];
  }
  return MOTE_OK;
}

mote_status mote_channel_affine_backward_f32(
    int32_t batch, int32_t channels, int32_t inner, float lo, float hi,
    float l2, const float *grad_output, const float *output,
    const float *scale, const float *shift, float *grad_input,
    float *grad_scale, float *grad_shift) {
  if (!output)
    return MOTE_ERROR_ARGUMENT;
  return channel_affine_backward(batch, channels, inner, lo, hi, l2,
                                 grad_output, output, 0, 0.0f, scale, shift,
                                 grad_input, grad_scale, grad_shift);
}

mote_status mote_channel_affine_backward_s8_f32(
    int32_t batch, int32_t channels, int32_t inner, float lo, float hi,
    float l2, const float *grad_output, const int8_t *output,
    const float *output_scale, const float *scale, const float *shift,
    float *grad_input, float *grad_scale, float *grad_shift) {
  if (!output || !output_scale)
    return MOTE_ERROR_ARGUMENT;
  return channel_affine_backward(batch, channels, inner, lo, hi, l2,
                                 grad_output, 0, output, output_scale[0],
                                 scale, shift, grad_input, grad_scale,
                                 grad_shift);
}
