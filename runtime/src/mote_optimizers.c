/*===- mote_optimizers.c - Optimizer updates -----------------------------===*
 *
 * SGD (with momentum and weight decay) and Adam updates of FP32 state, in
 * a fixed order, with the runtime's own square root.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_train.h"

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
