/*===- mote_train.c - Training microkernels -------------------------------===*
 *
 * Plain loops in a fixed order: the FP32 reference of the train step, and
 * the code every target runs bit-identically (no libm, no contraction).
 *===----------------------------------------------------------------------===*/

#include "mote/mote_train.h"

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
  int32_t n, g, oc, ic, oy, ox, ky, kx, icg, ocg;
  if (!p || !grad_output || !weight || !grad_input || p->groups < 1)
    return MOTE_ERROR_ARGUMENT;
  icg = p->in_channels / p->groups;
  ocg = p->out_channels / p->groups;
  zero_f32(grad_input,
           (int64_t)p->batch * p->in_channels * p->in_h * p->in_w);
  for (n = 0; n < p->batch; ++n)
    for (g = 0; g < p->groups; ++g)
      for (oc = g * ocg; oc < (g + 1) * ocg; ++oc) {
        const float *go =
            grad_output + ((int64_t)n * p->out_channels + oc) * p->out_h * p->out_w;
        for (ic = 0; ic < icg; ++ic) {
          const float *w =
              weight + ((int64_t)oc * icg + ic) * p->kernel_h * p->kernel_w;
          float *gi = grad_input + ((int64_t)n * p->in_channels + g * icg + ic) *
                                       p->in_h * p->in_w;
          for (ky = 0; ky < p->kernel_h; ++ky)
            for (kx = 0; kx < p->kernel_w; ++kx) {
              float wv = w[ky * p->kernel_w + kx];
              for (oy = 0; oy < p->out_h; ++oy) {
                int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
                if (iy < 0 || iy >= p->in_h)
                  continue;
                for (ox = 0; ox < p->out_w; ++ox) {
                  int32_t ix =
                      ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                  if (ix < 0 || ix >= p->in_w)
                    continue;
                  gi[iy * p->in_w + ix] += go[oy * p->out_w + ox] * wv;
                }
              }
            }
        }
      }
  return MOTE_OK;
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
              float sum = 0.0f;
              for (oy = 0; oy < p->out_h; ++oy) {
                int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
                if (iy < 0 || iy >= p->in_h)
                  continue;
                for (ox = 0; ox < p->out_w; ++ox) {
                  int32_t ix =
                      ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                  if (ix < 0 || ix >= p->in_w)
                    continue;
                  sum += go[oy * p->out_w + ox] * x[iy * p->in_w + ix];
                }
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
          int32_t at = -1, count = 0;
          for (ky = 0; ky < p->kernel_h; ++ky) {
            int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
            if (iy < 0 || iy >= p->in_h)
              continue;
            for (kx = 0; kx < p->kernel_w; ++kx) {
              int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
              float v;
              if (ix < 0 || ix >= p->in_w)
                continue;
              ++count;
              if (!max)
                continue;
              v = kept_at(f32, s8, in + iy * p->in_w + ix);
              if (at < 0 || v > best) {
                best = v;
                at = iy * p->in_w + ix;
              }
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
          for (ky = 0; ky < p->kernel_h; ++ky) {
            int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
            if (iy < 0 || iy >= p->in_h)
              continue;
            for (kx = 0; kx < p->kernel_w; ++kx) {
              int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
              if (ix >= 0 && ix < p->in_w)
                gi[iy * p->in_w + ix] += share;
            }
          }
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

float mote_sqrtf(float x) {
  /* Newton's iteration for 1/sqrt(x) from the exponent-halving guess, then
   * one correction of x / sqrt(x): within an ulp or two. */
  union {
    float f;
    uint32_t u;
  } bits;
  float y, r;
  int i;
  if (!(x > 0.0f))
    return x == 0.0f ? 0.0f : 0.0f * (x - x) / 0.0f;
  if (x > 3.4028235e38f)
    return x;
  bits.f = x;
  bits.u = 0x5f3759dfu - (bits.u >> 1);
  y = bits.f;
  for (i = 0; i < 4; ++i)
    y = y * (1.5f - 0.5f * x * y * y);
  r = x * y;
  return r + 0.5f * (x - r * r) * y;
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

mote_status mote_sgd_update_f32(int32_t count, float lr, float weight_decay,
                                const float *grad, float *param) {
  int32_t i;
  if (!grad || !param || count < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    param[i] -= lr * (grad[i] + weight_decay * param[i]);
  return MOTE_OK;
}

mote_status mote_sgd_momentum_update_f32(int32_t count, float lr,
                                         float momentum, float weight_decay,
                                         const float *grad, float *param,
                                         float *moment) {
  int32_t i;
  if (!grad || !param || !moment || count < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i) {
    moment[i] = momentum * moment[i] + (grad[i] + weight_decay * param[i]);
    param[i] -= lr * moment[i];
  }
  return MOTE_OK;
}

/* base^t for a whole number t >= 0, by squaring. */
static float pow_count(float base, float t) {
  float result = 1.0f;
  uint32_t e = (uint32_t)t;
  while (e) {
    if (e & 1u)
      result *= base;
    base *= base;
    e >>= 1;
  }
  return result;
}

mote_status mote_adam_update_f32(int32_t count, float lr, float beta1,
                                 float beta2, float epsilon,
                                 float weight_decay, int32_t increment_step,
                                 const float *grad, float *param, float *m,
                                 float *v, float *step) {
  int32_t i;
  float correction1, correction2_sqrt, step_size;
  if (!grad || !param || !m || !v || !step || count < 0)
    return MOTE_ERROR_ARGUMENT;
  if (increment_step)
    step[0] += 1.0f;
  if (step[0] < 1.0f)
    return MOTE_ERROR_ARGUMENT;
  correction1 = 1.0f - pow_count(beta1, step[0]);
  correction2_sqrt = mote_sqrtf(1.0f - pow_count(beta2, step[0]));
  step_size = lr / correction1;
  for (i = 0; i < count; ++i) {
    float g = grad[i] + weight_decay * param[i];
    m[i] = beta1 * m[i] + (1.0f - beta1) * g;
    v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
    param[i] -= step_size * m[i] / (mote_sqrtf(v[i]) / correction2_sqrt + epsilon);
  }
  return MOTE_OK;
}

/*===- INT8 training (Octo) ------------------------------------------------===*/

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
            int32_t acc = 0;
            for (ic = 0; ic < icg; ++ic) {
              const int8_t *x = input + ((int64_t)n * p->in_channels + g * icg + ic) *
                                            p->in_h * p->in_w;
              const int8_t *w =
                  weight + ((int64_t)oc * icg + ic) * p->kernel_h * p->kernel_w;
              for (ky = 0; ky < p->kernel_h; ++ky) {
                int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
                if (iy < 0 || iy >= p->in_h)
                  continue;
                for (kx = 0; kx < p->kernel_w; ++kx) {
                  int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                  if (ix >= 0 && ix < p->in_w)
                    acc += (int32_t)x[iy * p->in_w + ix] * w[ky * p->kernel_w + kx];
                }
              }
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
            int32_t acc = 0;
            for (n = 0; n < p->batch; ++n) {
              const int8_t *e = grad_output +
                  ((int64_t)n * p->out_channels + oc) * p->out_h * p->out_w;
              const int8_t *x = input + ((int64_t)n * p->in_channels + g * icg + ic) *
                                            p->in_h * p->in_w;
              for (oy = 0; oy < p->out_h; ++oy) {
                int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
                if (iy < 0 || iy >= p->in_h)
                  continue;
                for (ox = 0; ox < p->out_w; ++ox) {
                  int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                  if (ix >= 0 && ix < p->in_w)
                    acc += (int32_t)e[oy * p->out_w + ox] * x[iy * p->in_w + ix];
                }
              }
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
              int32_t wv = w[ky * p->kernel_w + kx];
              if (wv == 0)
                continue;
              for (oy = 0; oy < p->out_h; ++oy) {
                int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
                if (iy < 0 || iy >= p->in_h)
                  continue;
                for (ox = 0; ox < p->out_w; ++ox) {
                  int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                  if (ix >= 0 && ix < p->in_w)
                    a[iy * p->in_w + ix] += e[oy * p->out_w + ox] * wv;
                }
              }
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

/*===- State images --------------------------------------------------------===*/

#define MOTE_STATE_MAGIC 0x53544f4du /* "MOTS" little-endian */
#define MOTE_STATE_VERSION 1u
#define MOTE_STATE_HEADER_WORDS 6u

static uint32_t name_length(const char *name) {
  uint32_t n = 0;
  while (name[n])
    ++n;
  return n;
}

static uint32_t fnv1a(uint32_t h, const void *data, uint32_t bytes) {
  const uint8_t *p = (const uint8_t *)data;
  uint32_t i;
  for (i = 0; i < bytes; ++i)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static uint32_t crc32(const uint8_t *data, uint32_t bytes) {
  uint32_t crc = 0xffffffffu, i;
  int k;
  for (i = 0; i < bytes; ++i) {
    crc ^= data[i];
    for (k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void put_word(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_word(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint32_t fingerprint(const char *model, const mote_state_tensor *table,
                            int32_t count) {
  uint32_t h = fnv1a(2166136261u, model, name_length(model) + 1);
  int32_t i;
  for (i = 0; i < count; ++i) {
    uint8_t words[12];
    h = fnv1a(h, table[i].name, name_length(table[i].name) + 1);
    put_word(words, table[i].offset);
    put_word(words + 4, table[i].elements);
    put_word(words + 8, table[i].trained);
    h = fnv1a(h, words, sizeof words);
  }
  return h;
}

uint32_t mote_state_image_bytes(const char *model,
                                const mote_state_tensor *table, int32_t count,
                                uint32_t state_bytes) {
  uint32_t bytes = 4 * MOTE_STATE_HEADER_WORDS + state_bytes;
  int32_t i;
  (void)model;
  for (i = 0; i < count; ++i)
    bytes += 16 + (name_length(table[i].name) + 3) / 4 * 4;
  return bytes;
}

mote_status mote_state_export(const char *model,
                              const mote_state_tensor *table, int32_t count,
                              uint32_t state_bytes, const uint8_t *arena,
                              uint8_t *image, uint32_t capacity,
                              uint32_t *size) {
  uint32_t bytes, at, i, n;
  int32_t t;
  if (!model || !table || count < 0 || !arena || !image || !size)
    return MOTE_ERROR_ARGUMENT;
  bytes = mote_state_image_bytes(model, table, count, state_bytes);
  if (capacity < bytes)
    return MOTE_ERROR_ARGUMENT;
  put_word(image, MOTE_STATE_MAGIC);
  put_word(image + 4, MOTE_STATE_VERSION);
  put_word(image + 8, fingerprint(model, table, count));
  put_word(image + 12, (uint32_t)count);
  put_word(image + 16, state_bytes);
  put_word(image + 20, crc32(arena, state_bytes));
  at = 4 * MOTE_STATE_HEADER_WORDS;
  for (t = 0; t < count; ++t) {
    n = name_length(table[t].name);
    put_word(image + at, n);
    at += 4;
    for (i = 0; i < (n + 3) / 4 * 4; ++i)
      image[at + i] = i < n ? (uint8_t)table[t].name[i] : 0;
    at += (n + 3) / 4 * 4;
    put_word(image + at, table[t].offset);
    put_word(image + at + 4, table[t].elements);
    put_word(image + at + 8, table[t].trained);
    at += 12;
  }
  for (i = 0; i < state_bytes; ++i)
    image[at + i] = arena[i];
  *size = bytes;
  return MOTE_OK;
}

mote_status mote_state_import(const char *model,
                              const mote_state_tensor *table, int32_t count,
                              uint32_t state_bytes, uint8_t *arena,
                              const uint8_t *image, uint32_t size) {
  uint32_t bytes, at, i;
  if (!model || !table || count < 0 || !arena || (!image && size))
    return MOTE_ERROR_ARGUMENT;
  if (size < 4 * MOTE_STATE_HEADER_WORDS ||
      get_word(image) != MOTE_STATE_MAGIC ||
      get_word(image + 4) != MOTE_STATE_VERSION)
    return MOTE_ERROR_FORMAT;
  if (get_word(image + 8) != fingerprint(model, table, count) ||
      get_word(image + 12) != (uint32_t)count ||
      get_word(image + 16) != state_bytes)
    return MOTE_ERROR_MODEL;
  bytes = mote_state_image_bytes(model, table, count, state_bytes);
  if (size != bytes)
    return MOTE_ERROR_CORRUPT;
  /* The directory must be this model's, entry by entry (the fingerprint
   * could collide). */
  at = 4 * MOTE_STATE_HEADER_WORDS;
  for (i = 0; i < (uint32_t)count; ++i) {
    uint32_t n = name_length(table[i].name), k;
    if (get_word(image + at) != n)
      return MOTE_ERROR_MODEL;
    at += 4;
    for (k = 0; k < n; ++k)
      if (image[at + k] != (uint8_t)table[i].name[k])
        return MOTE_ERROR_MODEL;
    at += (n + 3) / 4 * 4;
    if (get_word(image + at) != table[i].offset ||
        get_word(image + at + 4) != table[i].elements ||
        get_word(image + at + 8) != table[i].trained)
      return MOTE_ERROR_MODEL;
    at += 12;
  }
  if (crc32(image + at, state_bytes) != get_word(image + 20))
    return MOTE_ERROR_CORRUPT;
  for (i = 0; i < state_bytes; ++i)
    arena[i] = image[at + i];
  return MOTE_OK;
}
