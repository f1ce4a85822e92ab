/*===- mote_backward.c - Backward kernels and the loss -------------------===*
 *
 * The FP32 backward of convolutions, fully-connected layers, biases,
 * clamps and pooling, and the fused softmax cross-entropy: plain loops in a
 * fixed order, the code every target runs bit-identically (no libm, no
 * contraction).
 *===----------------------------------------------------------------------===*/

#include "mote/mote_train.h"
#include "mote_internal.h"

static void zero_f32(float *x, int64_t count) {
  int64_t i;
  for (i = 0; i < count; ++i)
    x[i] = 0.0f;
}

mote_status mote_zero(int32_t bytes, void *output) {
  int32_t i;
  if (!output || bytes < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < bytes; ++i)
    ((uint8_t *)output)[i] = 0;
  return MOTE_OK;
}

mote_status mote_conv2d_backward_input_f32(const mote_conv2d_f32_params *p,
                                           const float *grad_output,
                                           const float *weight,
                                           float *grad_input) {
  /* The input error of a convolution is its transpose applied to the
   * output error. */
  if (!p || !grad_output || !weight || !grad_input)
    return MOTE_ERROR_ARGUMENT;
  return mote_conv_transpose2d_f32(p, -FLT_MAX, FLT_MAX, grad_output, weight,
                                   NULL, grad_input);
}

mote_status mote_conv2d_backward_weight_f32(const mote_conv2d_f32_params *p,
                                            const float *input,
                                            const float *grad_output,
                                            float *grad_weight) {
  int32_t n, g, oc, ic, oy, ox, ky, kx, icg, ocg;
  if (!p || !input || !grad_output || !grad_weight || p->groups < 1)
    return MOTE_ERROR_ARGUMENT;
  icg = p->in_channels / p->groups;
  ocg = p->out_channels / p->groups;
  zero_f32(grad_weight, (int64_t)p->out_channels * icg * p->kernel_h * p->kernel_w);
  for (n = 0; n < p->batch; ++n)
    for (g = 0; g < p->groups; ++g)
      for (oc = g * ocg; oc < (g + 1) * ocg; ++oc) {
        const float *go =
            grad_output + ((int64_t)n * p->out_channels + oc) * p->out_h * p->out_w;
        for (ic = 0; ic < icg; ++ic) {
          float *gw = grad_weight + ((int64_t)oc * icg + ic) * p->kernel_h * p->kernel_w;
          const float *x = input + ((int64_t)n * p->in_channels + g * icg + ic) *
                                       p->in_h * p->in_w;
          for (ky = 0; ky < p->kernel_h; ++ky)
            for (kx = 0; kx < p->kernel_w; ++kx) {
              const int32_t y0 = ky * p->dilation_h - p->pad_top;
              const int32_t x0 = kx * p->dilation_w - p->pad_left;
              int32_t oy_lo, oy_hi, ox_lo, ox_hi;
              float sum = 0.0f;
              mote_tap_outputs(0, p->out_h, p->stride_h, y0, p->in_h, &oy_lo,
                               &oy_hi);
              mote_tap_outputs(0, p->out_w, p->stride_w, x0, p->in_w, &ox_lo,
                               &ox_hi);
              for (oy = oy_lo; oy < oy_hi; ++oy) {
                const int32_t iy = oy * p->stride_h + y0;
                for (ox = ox_lo; ox < ox_hi; ++ox)
                  sum += go[oy * p->out_w + ox] *
                         x[iy * p->in_w + ox * p->stride_w + x0];
              }
              gw[ky * p->kernel_w + kx] += sum;
            }
        }
      }
  return MOTE_OK;
}

mote_status
mote_fully_connected_backward_input_f32(const mote_fully_connected_f32_params *p,
                                        const float *grad_output,
                                        const float *weight, float *grad_input) {
  int32_t m, n, k;
  if (!p || !grad_output || !weight || !grad_input)
    return MOTE_ERROR_ARGUMENT;
  zero_f32(grad_input, (int64_t)p->batch * p->in_features);
  for (m = 0; m < p->batch; ++m) {
    float *gi = grad_input + (int64_t)m * p->in_features;
    for (n = 0; n < p->out_features; ++n) {
      float go = grad_output[(int64_t)m * p->out_features + n];
      const float *w = weight + (int64_t)n * p->in_features;
      for (k = 0; k < p->in_features; ++k)
        gi[k] += go * w[k];
    }
  }
  return MOTE_OK;
}

mote_status
mote_fully_connected_backward_weight_f32(const mote_fully_connected_f32_params *p,
                                         const float *input,
                                         const float *grad_output,
                                         float *grad_weight) {
  int32_t m, n, k;
  if (!p || !input || !grad_output || !grad_weight)
    return MOTE_ERROR_ARGUMENT;
  zero_f32(grad_weight, (int64_t)p->out_features * p->in_features);
  for (m = 0; m < p->batch; ++m) {
    const float *x = input + (int64_t)m * p->in_features;
    for (n = 0; n < p->out_features; ++n) {
      float go = grad_output[(int64_t)m * p->out_features + n];
      float *gw = grad_weight + (int64_t)n * p->in_features;
      for (k = 0; k < p->in_features; ++k)
        gw[k] += go * x[k];
    }
  }
  return MOTE_OK;
}

mote_status mote_bias_backward_f32(int32_t batch, int32_t channels,
                                   int32_t inner, const float *grad_output,
                                   float *grad_bias) {
  int32_t n, c, i;
  if (!grad_output || !grad_bias || batch < 0 || channels < 0 || inner < 0)
    return MOTE_ERROR_ARGUMENT;
  for (c = 0; c < channels; ++c) {
    float sum = 0.0f;
    for (n = 0; n < batch; ++n) {
      const float *go = grad_output + ((int64_t)n * channels + c) * inner;
      for (i = 0; i < inner; ++i)
        sum += go[i];
    }
    grad_bias[c] = sum;
  }
  return MOTE_OK;
}

mote_status mote_clamp_backward_f32(int32_t count, float lo, float hi,
                                    const float *grad_output,
                                    const float *output, float *grad_input) {
  int32_t i;
  if (!grad_output || !output || !grad_input || count < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    grad_input[i] = output[i] > lo && output[i] < hi ? grad_output[i] : 0.0f;
  return MOTE_OK;
}

mote_status mote_activation_backward_f32(int32_t count, int32_t kind,
                                         float alpha, const float *grad_output,
                                         const float *value, float *grad_input) {
  int32_t i;
  if (!grad_output || !value || !grad_input || count < 0 || kind < 0 ||
      kind > 6)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i) {
    float v = value[i], d;
    switch (kind) {
    case 0:
      d = (1.0f - v) * v;
      break;
    case 1:
      d = 1.0f - v * v;
      break;
    case 2:
      d = v > 0.0f && v < 1.0f ? alpha : 0.0f;
      break;
    case 3:
      d = v < -3.0f ? 0.0f : v <= 3.0f ? v / 3.0f + 0.5f : 1.0f;
      break;
    case 4: /* leaky ReLU, from its input */
      d = v > 0.0f ? 1.0f : alpha;
      break;
    case 5: /* GELU: Phi(x) + x phi(x) */
      d = 0.5f * (1.0f + mote_erff(v * 0.70710678f)) +
          v * 0.39894228f * mote_expf(-0.5f * v * v);
      break;
    default: { /* GELU with tanh: u = sqrt(2/pi) (x + 0.044715 x^3) */
      float u = 0.79788456f * (v + 0.044715f * v * v * v), t;
      u = u > 10.0f ? 10.0f : u < -10.0f ? -10.0f : u;
      t = 1.0f - 2.0f / (mote_expf(2.0f * u) + 1.0f);
      d = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * 0.79788456f *
                                  (1.0f + 0.134145f * v * v);
      break;
    }
    }
    grad_input[i] = grad_output[i] * d;
  }
  return MOTE_OK;
}

/* The forward value at index i of a kept input: f32, or an int8 copy (max
 * pooling commutes with the monotonic quantization, so int8 values route
 * the error as the floats would). */
static float kept_at(const float *f32, const int8_t *s8, int64_t i) {
  return f32 ? f32[i] : (float)s8[i];
}

/* Average pooling (no kept input) or max pooling (input in `f32` or `s8`):
 * the error of each output goes to its window's first maximum, or is spread
 * over the window. */
static mote_status pool2d_backward(const mote_pool2d_s8_params *p,
                                   const float *grad_output, const float *f32,
                                   const int8_t *s8, float *grad_input) {
  int32_t n, c, oy, ox, ky, kx;
  int max = f32 || s8;
  if (!p || !grad_output || !grad_input)
    return MOTE_ERROR_ARGUMENT;
  zero_f32(grad_input, (int64_t)p->batch * p->channels * p->in_h * p->in_w);
  for (n = 0; n < p->batch; ++n)
    for (c = 0; c < p->channels; ++c) {
      int64_t plane = (int64_t)n * p->channels + c;
      int64_t in = plane * p->in_h * p->in_w;
      const float *go = grad_output + plane * p->out_h * p->out_w;
      float *gi = grad_input + in;
      for (oy = 0; oy < p->out_h; ++oy)
        for (ox = 0; ox < p->out_w; ++ox) {
          float best = 0.0f, share;
          int32_t at = -1, count, ky_lo, ky_hi, kx_lo, kx_hi;
          const int32_t y0 =
              mote_window(oy, p->stride_h, p->pad_top, p->dilation_h,
                          p->kernel_h, p->in_h, &ky_lo, &ky_hi);
          const int32_t x0 =
              mote_window(ox, p->stride_w, p->pad_left, p->dilation_w,
                          p->kernel_w, p->in_w, &kx_lo, &kx_hi);
          count = ky_hi > ky_lo && kx_hi > kx_lo
                      ? (ky_hi - ky_lo) * (kx_hi - kx_lo)
                      : 0;
          for (ky = ky_lo; max && ky < ky_hi; ++ky)
            for (kx = kx_lo; kx < kx_hi; ++kx) {
              const int32_t i = (y0 + ky * p->dilation_h) * p->in_w + x0 +
                                kx * p->dilation_w;
              const float v = kept_at(f32, s8, in + i);
              if (at < 0 || v > best) {
                best = v;
                at = i;
              }
            }
          if (max) {
            if (at >= 0)
              gi[at] += go[oy * p->out_w + ox];
            continue;
          }
          if (p->count_include_pad)
            count = p->kernel_h * p->kernel_w;
          if (count == 0)
            continue;
          share = go[oy * p->out_w + ox] / (float)count;
          for (ky = ky_lo; ky < ky_hi; ++ky)
            for (kx = kx_lo; kx < kx_hi; ++kx)
              gi[(y0 + ky * p->dilation_h) * p->in_w + x0 +
                 kx * p->dilation_w] += share;
        }
    }
  return MOTE_OK;
}

mote_status mote_max_pool2d_backward_f32(const mote_pool2d_s8_params *p,
                                         const float *grad_output,
                                         const float *input, float *grad_input) {
  if (!input)
    return MOTE_ERROR_ARGUMENT;
  return pool2d_backward(p, grad_output, input, 0, grad_input);
}

mote_status mote_max_pool2d_backward_s8(const mote_pool2d_s8_params *p,
                                        const float *grad_output,
                                        const int8_t *input, float *grad_input) {
  if (!input)
    return MOTE_ERROR_ARGUMENT;
  return pool2d_backward(p, grad_output, 0, input, grad_input);
}

mote_status mote_avg_pool2d_backward_f32(const mote_pool2d_s8_params *p,
                                         const float *grad_output,
                                         float *grad_input) {
  return pool2d_backward(p, grad_output, 0, 0, grad_input);
}

float mote_logf(float x) {
  /* x = m 2^e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s),
   * s = (m - 1) / (m + 1), |s| < 0.172: five odd terms (error < 1e-9). */
  union {
    float f;
    uint32_t u;
  } bits;
  float m, s, s2;
  int32_t e;
  if (!(x > 0.0f))
    return x == 0.0f ? -3.4028235e38f : 0.0f * (x - x) / 0.0f;
  if (x > 3.4028235e38f)
    return x;
  bits.f = x;
  e = (int32_t)((bits.u >> 23) & 0xff);
  if (e == 0) { /* subnormal: scale into the normal range */
    bits.f = x * 8388608.0f;
    e = (int32_t)((bits.u >> 23) & 0xff) - 23;
  }
  e -= 127;
  bits.u = (bits.u & 0x007fffffu) | 0x3f800000u; /* m in [1, 2) */
  m = bits.f;
  if (m > 1.41421356f) {
    m *= 0.5f;
    ++e;
  }
  s = (m - 1.0f) / (m + 1.0f);
  s2 = s * s;
  return (float)e * 0.693147180559945f +
         2.0f * s * (1.0f + s2 * (1.0f / 3.0f + s2 * (1.0f / 5.0f +
                     s2 * (1.0f / 7.0f + s2 * (1.0f / 9.0f)))));
}

mote_status mote_softmax_cross_entropy_f32(int32_t batch, int32_t classes,
                                           const float *logits,
                                           const int32_t *labels, float *loss,
                                           float *grad_logits) {
  int32_t n, k;
  float total = 0.0f;
  if (!logits || !labels || !loss || !grad_logits || batch < 1 || classes < 1)
    return MOTE_ERROR_ARGUMENT;
  for (n = 0; n < batch; ++n)
    if (labels[n] < 0 || labels[n] >= classes)
      return MOTE_ERROR_ARGUMENT;
  for (n = 0; n < batch; ++n) {
    const float *z = logits + (int64_t)n * classes;
    float *g = grad_logits + (int64_t)n * classes;
    float max = z[0], sum = 0.0f, inv;
    for (k = 1; k < classes; ++k)
      max = z[k] > max ? z[k] : max;
    for (k = 0; k < classes; ++k) {
      g[k] = mote_expf(z[k] - max);
      sum += g[k];
    }
    total += mote_logf(sum) - (z[labels[n]] - max);
    inv = 1.0f / (sum * (float)batch);
    for (k = 0; k < classes; ++k)
      g[k] *= inv;
    g[labels[n]] -= 1.0f / (float)batch;
  }
  loss[0] = total / (float)batch;
  return MOTE_OK;
}

mote_status mote_elementwise_loss_f32(int32_t count, int32_t kind,
                                      const float *output, const float *target,
                                      float *loss, float *grad_output) {
  int32_t i;
  double total = 0.0;
  float inv;
  if (!output || !target || !loss || !grad_output || count < 1 || kind < 0 ||
      kind > 2)
    return MOTE_ERROR_ARGUMENT;
  inv = 1.0f / (float)count;
  for (i = 0; i < count; ++i) {
    float x = output[i], t = target[i], d = x - t, e, sig;
    switch (kind) {
    case 0:
      total += (double)(d * d);
      grad_output[i] = 2.0f * d * inv;
      break;
    case 1:
      total += (double)(d < 0.0f ? -d : d);
      grad_output[i] = (d > 0.0f ? inv : d < 0.0f ? -inv : 0.0f);
      break;
    default:
      /* exp(-|x|) never overflows; the sigmoid is taken from it on the
       * side where it does not cancel. */
      e = mote_expf(x < 0.0f ? x : -x);
      sig = x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
      total += (double)((x > 0.0f ? x : 0.0f) - x * t + mote_logf(1.0f + e));
      grad_output[i] = (sig - t) * inv;
      break;
    }
  }
  loss[0] = (float)(total / (double)count);
  return MOTE_OK;
}
