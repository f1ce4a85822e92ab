/*===- mote_elementwise.c - Element-wise kernels -------------------------===*
 *
 * Broadcasting binary ops (int8 and float), requantization, activations,
 * softmax (float, and int8 in TFLite's fixed point) and the runtime's exp
 * (no libm).
 *===----------------------------------------------------------------------===*/

#include "mote/mote_fixedpoint.h"
#include "mote/mote_kernels.h"
#include "mote/mote_requant.h"
#include "mote_internal.h"

enum { MOTE_BINARY_ADD, MOTE_BINARY_SUB, MOTE_BINARY_MUL, MOTE_BINARY_PRELU };

/* The three requantizations of a binary op, prepared once per call. */
typedef struct {
  mote_requant_channel lhs, rhs, out;
} binary_channels;

static MOTE_ALWAYS_INLINE int32_t binary_one(const mote_binary_s8_params *p,
                                             const binary_channels *q, int op,
                                             int32_t a, int32_t b) {
  int32_t sa, sb;
  if (op == MOTE_BINARY_PRELU) {
    /* lhs is x, rhs the slope: x >= 0 rescales x (lhs multiplier), x < 0
     * the product x * slope (output multiplier). */
    const int32_t x = a + p->lhs_offset;
    return x >= 0 ? mote_requantize_prepared(x, &q->lhs)
                  : mote_requantize_prepared(x * (b + p->rhs_offset), &q->out);
  }
  if (op == MOTE_BINARY_MUL)
    return mote_requantize_prepared((a + p->lhs_offset) * (b + p->rhs_offset),
                                    &q->out);
  sa = mote_requantize_prepared((a + p->lhs_offset) * (1 << p->left_shift),
                                &q->lhs);
  sb = mote_requantize_prepared((b + p->rhs_offset) * (1 << p->left_shift),
                                &q->rhs);
  return mote_requantize_prepared(op == MOTE_BINARY_ADD ? sa + sb : sa - sb,
                                  &q->out);
}

/* A requantization whose total = 31 - shift is in [31, 62], the case of
 * every scale below 1 (a residual add's larger input has exactly 0.5):
 * |x * multiplier| < 2^62, so adding 2^62 makes the rounded product
 * non-negative and its shift an unsigned floor division, and the result
 * fits in 32 bits. Equal to mote_requantize_prepared there. */
typedef struct {
  int32_t multiplier;
  uint64_t add;      /* 2^62 + 2^(total - 1) */
  int32_t shift;     /* total - 31 */
  int64_t subtract;  /* 2^(62 - total) */
} scale_below_one;

static int prepare_below_one(scale_below_one *c, int32_t multiplier,
                             int32_t shift) {
  const int32_t total = 31 - shift;
  if (total < 31 || total > 62)
    return 0;
  c->multiplier = multiplier;
  c->add = ((uint64_t)1 << 62) + ((uint64_t)1 << (total - 1));
  c->shift = total - 31;
  c->subtract = (int64_t)1 << (62 - total);
  return 1;
}

/* The biased sum is below 2^63, so its shift by 31 fits in 32 bits: the
 * high word doubled plus the low word's top bit (no 64-bit shift on
 * 32-bit cores), then a 32-bit shift by the rest. */
static MOTE_ALWAYS_INLINE int32_t requantize_below_one(
    int32_t x, const scale_below_one *c) {
  const uint64_t biased = (uint64_t)((int64_t)x * c->multiplier) + c->add;
  const uint32_t by31 =
      (uint32_t)(biased >> 32) << 1 | (uint32_t)biased >> 31;
  return (int32_t)((int64_t)(by31 >> c->shift) - c->subtract);
}

static MOTE_ALWAYS_INLINE mote_status binary_s8(const mote_binary_s8_params *p,
                                                const int8_t *lhs,
                                                const int8_t *rhs,
                                                int8_t *output, int op) {
  int32_t i0, i1, i2, i3;
  binary_channels q;
  mote_binary_s8_params k;
  scale_below_one fl = {0, 0, 0, 0}, fr = {0, 0, 0, 0}, fo = {0, 0, 0, 0};
  int below_one;
  if (!p || !lhs || !rhs || !output || p->left_shift < 0 || p->left_shift > 20)
    return MOTE_ERROR_ARGUMENT;
  /* A local copy: the int8 stores below may alias *p. */
  k = *p;
  q.lhs = mote_requant_prepare(k.lhs_multiplier, k.lhs_shift);
  q.rhs = mote_requant_prepare(k.rhs_multiplier, k.rhs_shift);
  q.out = mote_requant_prepare(k.output_multiplier, k.output_shift);
  below_one = !MOTE_NUMERICS_TFLITE &&
              (op == MOTE_BINARY_ADD || op == MOTE_BINARY_SUB) &&
              prepare_below_one(&fl, k.lhs_multiplier, k.lhs_shift) &&
              prepare_below_one(&fr, k.rhs_multiplier, k.rhs_shift) &&
              prepare_below_one(&fo, k.output_multiplier, k.output_shift);
  for (i0 = 0; i0 < k.dim0; ++i0)
    for (i1 = 0; i1 < k.dim1; ++i1)
      for (i2 = 0; i2 < k.dim2; ++i2) {
        const int8_t *l = lhs + (int64_t)i0 * k.lhs_stride0 +
                          (int64_t)i1 * k.lhs_stride1 +
                          (int64_t)i2 * k.lhs_stride2;
        const int8_t *r = rhs + (int64_t)i0 * k.rhs_stride0 +
                          (int64_t)i1 * k.rhs_stride1 +
                          (int64_t)i2 * k.rhs_stride2;
        if (k.lhs_stride3 == 1 && k.rhs_stride3 == 1 && below_one) {
          /* Both rows contiguous and the three scales below 1: a residual
           * add, the common case, without the general path's tests. */
          for (i3 = 0; i3 < k.dim3; ++i3) {
            const int32_t sa = requantize_below_one(
                (l[i3] + k.lhs_offset) * (1 << k.left_shift), &fl);
            const int32_t sb = requantize_below_one(
                (r[i3] + k.rhs_offset) * (1 << k.left_shift), &fr);
            output[i3] = mote_clamp_to_i8(
                requantize_below_one(op == MOTE_BINARY_ADD ? sa + sb : sa - sb,
                                     &fo),
                k.output_offset, k.act_min, k.act_max);
          }
        } else if (k.lhs_stride3 == 1 && k.rhs_stride3 == 1) {
          /* Both rows contiguous: the common, non-broadcast case. */
          for (i3 = 0; i3 < k.dim3; ++i3)
            output[i3] = mote_clamp_to_i8(binary_one(&k, &q, op, l[i3], r[i3]),
                                          k.output_offset, k.act_min,
                                          k.act_max);
        } else {
          for (i3 = 0; i3 < k.dim3; ++i3)
            output[i3] = mote_clamp_to_i8(
                binary_one(&k, &q, op, l[(int64_t)i3 * k.lhs_stride3],
                           r[(int64_t)i3 * k.rhs_stride3]),
                k.output_offset, k.act_min, k.act_max);
        }
        output += k.dim3;
      }
  return MOTE_OK;
}

mote_status mote_add_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output) {
  return binary_s8(p, lhs, rhs, output, MOTE_BINARY_ADD);
}

mote_status mote_sub_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output) {
  return binary_s8(p, lhs, rhs, output, MOTE_BINARY_SUB);
}

mote_status mote_mul_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output) {
  return binary_s8(p, lhs, rhs, output, MOTE_BINARY_MUL);
}

mote_status mote_prelu_s8(const mote_binary_s8_params *p, const int8_t *input,
                          const int8_t *slope, int8_t *output) {
  return binary_s8(p, input, slope, output, MOTE_BINARY_PRELU);
}

mote_status mote_requantize_s8(int32_t count, int32_t input_offset,
                               int32_t multiplier, int32_t shift,
                               int32_t output_offset, int32_t act_min,
                               int32_t act_max, const int8_t *input,
                               int8_t *output) {
  int32_t i;
  if (!input || !output || count < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    output[i] = mote_requantize_to_i8((int32_t)input[i] + input_offset, multiplier,
                                      shift, output_offset, act_min, act_max);
  return MOTE_OK;
}

mote_status mote_requantize_mixed_s8(int32_t count, int32_t input_offset,
                                     int32_t multiplier, int32_t shift,
                                     int32_t output_offset, int32_t act_min,
                                     int32_t act_max, int32_t input_unsigned,
                                     int32_t output_unsigned, const void *input,
                                     void *output) {
  int32_t i;
  if (!input || !output || count < 0 || act_min > act_max ||
      act_min < (output_unsigned ? 0 : -128) ||
      act_max > (output_unsigned ? 255 : 127))
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i) {
    int32_t x = input_unsigned ? (int32_t)((const uint8_t *)input)[i]
                               : (int32_t)((const int8_t *)input)[i];
    int32_t y = clamp_i32(
        mote_requantize(x + input_offset, multiplier, shift) + output_offset,
        act_min, act_max);
    if (output_unsigned)
      ((uint8_t *)output)[i] = (uint8_t)y;
    else
      ((int8_t *)output)[i] = (int8_t)y;
  }
  return MOTE_OK;
}

float mote_expf(float x) {
  /* exp(x) = 2^k * exp(r), r = x - k ln2 in [-ln2/2, ln2/2]; exp(r) by a
   * degree-6 Taylor polynomial (error < 2e-8 relative on that range). */
  const float ln2_hi = 0.693145751953125f, ln2_lo = 1.428606765330187e-06f;
  union {
    float f;
    uint32_t u;
  } scale;
  float r, p, kf;
  int32_t k;
  if (x > 88.72f)
    return 3.4028235e38f;
  if (x < -87.33f)
    return 0.0f;
  kf = x * 1.44269504088896341f;
  k = (int32_t)(kf + (kf >= 0.0f ? 0.5f : -0.5f));
  r = (x - (float)k * ln2_hi) - (float)k * ln2_lo;
  p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6.0f + r * (1.0f / 24.0f +
      r * (1.0f / 120.0f + r * (1.0f / 720.0f))))));
  scale.u = (uint32_t)(k + 127) << 23;
  return p * scale.f;
}

mote_status mote_softmax_f32(int32_t outer, int32_t inner, const float *input,
                             float *output) {
  int32_t i, j;
  if (!input || !output || outer < 0 || inner < 1)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < outer; ++i) {
    const float *in = input + (int64_t)i * inner;
    float *out = output + (int64_t)i * inner;
    float max = in[0], sum = 0.0f;
    for (j = 1; j < inner; ++j)
      if (in[j] > max)
        max = in[j];
    for (j = 0; j < inner; ++j) {
      out[j] = mote_expf(in[j] - max);
      sum += out[j];
    }
    for (j = 0; j < inner; ++j)
      out[j] /= sum;
  }
  return MOTE_OK;
}

mote_status mote_softmax_axis_f32(int32_t outer, int32_t n, int32_t inner,
                                  const float *input, float *output) {
  int32_t o, i, j;
  if (!input || !output || outer < 0 || n < 1 || inner < 1)
    return MOTE_ERROR_ARGUMENT;
  for (o = 0; o < outer; ++o)
    for (i = 0; i < inner; ++i) {
      const float *in = input + (int64_t)o * n * inner + i;
      float *out = output + (int64_t)o * n * inner + i;
      float max = in[0], sum = 0.0f;
      for (j = 1; j < n; ++j)
        if (in[(int64_t)j * inner] > max)
          max = in[(int64_t)j * inner];
      for (j = 0; j < n; ++j) {
        out[(int64_t)j * inner] = mote_expf(in[(int64_t)j * inner] - max);
        sum += out[(int64_t)j * inner];
      }
      for (j = 0; j < n; ++j)
        out[(int64_t)j * inner] /= sum;
    }
  return MOTE_OK;
}

static mote_status broadcast_f32(const mote_broadcast_params *p, float act_min,
                                 float act_max, const float *lhs,
                                 const float *rhs, float *output, int op) {
  int32_t i0, i1, i2, i3;
  int64_t o = 0;
  if (!p || !lhs || !rhs || !output)
    return MOTE_ERROR_ARGUMENT;
  for (i0 = 0; i0 < p->dim0; ++i0)
    for (i1 = 0; i1 < p->dim1; ++i1)
      for (i2 = 0; i2 < p->dim2; ++i2)
        for (i3 = 0; i3 < p->dim3; ++i3) {
          float a = lhs[(int64_t)i0 * p->lhs_stride0 + (int64_t)i1 * p->lhs_stride1 +
                        (int64_t)i2 * p->lhs_stride2 + (int64_t)i3 * p->lhs_stride3];
          float b = rhs[(int64_t)i0 * p->rhs_stride0 + (int64_t)i1 * p->rhs_stride1 +
                        (int64_t)i2 * p->rhs_stride2 + (int64_t)i3 * p->rhs_stride3];
          float v = op == 0   ? a + b
                    : op == 1 ? a - b
                    : op == 2 ? a * b
                              : (a >= 0.0f ? a : a * b);
          output[o++] = clamp_f32(v, act_min, act_max);
        }
  return MOTE_OK;
}

/* The comparison of two values of one kind: floats (a NaN compares false)
 * or signed integers. */
static int compare_values(int32_t predicate, int is_float, float fa, float fb,
                          int64_t ia, int64_t ib) {
  if (is_float)
    return predicate == MOTE_COMPARE_EQ   ? fa == fb
           : predicate == MOTE_COMPARE_LT ? fa < fb
           : predicate == MOTE_COMPARE_LE ? fa <= fb
           : predicate == MOTE_COMPARE_GT ? fa > fb
                                          : fa >= fb;
  return predicate == MOTE_COMPARE_EQ   ? ia == ib
         : predicate == MOTE_COMPARE_LT ? ia < ib
         : predicate == MOTE_COMPARE_LE ? ia <= ib
         : predicate == MOTE_COMPARE_GT ? ia > ib
                                        : ia >= ib;
}

/* Element i of a tensor of `element_bytes`-byte signed integers (0 for
 * floats), or of floats. */
static int64_t load_int(const void *data, int64_t i, int32_t element_bytes) {
  return element_bytes == 1   ? ((const int8_t *)data)[i]
         : element_bytes == 4 ? ((const int32_t *)data)[i]
                              : ((const int64_t *)data)[i];
}

/* The broadcast walk of a comparison; `element_bytes` 0 reads floats. */
static mote_status compare_walk(const mote_broadcast_params *p,
                                int32_t predicate, int32_t element_bytes,
                                const void *lhs, const void *rhs,
                                uint8_t *output) {
  int32_t i0, i1, i2, i3;
  int64_t o = 0;
  if (!p || !lhs || !rhs || !output || predicate < MOTE_COMPARE_EQ ||
      predicate > MOTE_COMPARE_GE)
    return MOTE_ERROR_ARGUMENT;
  for (i0 = 0; i0 < p->dim0; ++i0)
    for (i1 = 0; i1 < p->dim1; ++i1)
      for (i2 = 0; i2 < p->dim2; ++i2)
        for (i3 = 0; i3 < p->dim3; ++i3) {
          const int64_t l = (int64_t)i0 * p->lhs_stride0 + (int64_t)i1 * p->lhs_stride1 +
                            (int64_t)i2 * p->lhs_stride2 + (int64_t)i3 * p->lhs_stride3;
          const int64_t r = (int64_t)i0 * p->rhs_stride0 + (int64_t)i1 * p->rhs_stride1 +
                            (int64_t)i2 * p->rhs_stride2 + (int64_t)i3 * p->rhs_stride3;
          output[o++] = (uint8_t)(
              element_bytes == 0
                  ? compare_values(predicate, 1, ((const float *)lhs)[l],
                                   ((const float *)rhs)[r], 0, 0)
                  : compare_values(predicate, 0, 0.0f, 0.0f,
                                   load_int(lhs, l, element_bytes),
                                   load_int(rhs, r, element_bytes)));
        }
  return MOTE_OK;
}

mote_status mote_compare_f32(const mote_broadcast_params *p,
                             int32_t predicate, const float *lhs,
                             const float *rhs, uint8_t *output) {
  return compare_walk(p, predicate, 0, lhs, rhs, output);
}

mote_status mote_compare_int(const mote_broadcast_params *p,
                             int32_t predicate, int32_t element_bytes,
                             const void *lhs, const void *rhs,
                             uint8_t *output) {
  if (element_bytes != 1 && element_bytes != 4 && element_bytes != 8)
    return MOTE_ERROR_ARGUMENT;
  return compare_walk(p, predicate, element_bytes, lhs, rhs, output);
}

mote_status mote_add_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output) {
  return broadcast_f32(p, act_min, act_max, lhs, rhs, output, 0);
}

mote_status mote_sub_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output) {
  return broadcast_f32(p, act_min, act_max, lhs, rhs, output, 1);
}

mote_status mote_prelu_f32(const mote_broadcast_params *p, const float *input,
                           const float *slope, float *output) {
  return broadcast_f32(p, -3.4028235e38f, 3.4028235e38f, input, slope, output, 3);
}

mote_status mote_mul_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output) {
  return broadcast_f32(p, act_min, act_max, lhs, rhs, output, 2);
}

/* erfc(z) for z >= 1/2: t exp(-z^2 + P(t)), t = 1 / (1 + z / 2), the
 * Chebyshev fit of Numerical Recipes (fractional error below 1.2e-7). */
static float erfc_tail(float z) {
  float t;
  if (z > 10.0f)
    return 0.0f;
  t = 1.0f / (1.0f + 0.5f * z);
  return t * mote_expf(-z * z - 1.26551223f +
                       t * (1.00002368f +
                       t * (0.37409196f +
                       t * (0.09678418f +
                       t * (-0.18628806f +
                       t * (0.27886807f +
                       t * (-1.13520398f +
                       t * (1.48851587f +
                       t * (-0.82215223f + t * 0.17087277f)))))))));
}

float mote_erff(float x) {
  float z = x < 0.0f ? -x : x;
  if (z < 0.5f) { /* Taylor series: accurate relative to x near 0 */
    float x2 = x * x;
    return 1.1283791671f * x *
           (1.0f + x2 * (-1.0f / 3.0f + x2 * (1.0f / 10.0f + x2 * (-1.0f / 42.0f +
           x2 * (1.0f / 216.0f + x2 * (-1.0f / 1320.0f + x2 * (1.0f / 9360.0f)))))));
  }
  return x < 0.0f ? erfc_tail(z) - 1.0f : 1.0f - erfc_tail(z);
}

/* exp(x) - 1, by its Taylor series near 0 where the difference would
 * cancel. */
static float expm1_f32(float x) {
  if (x > -0.5f && x < 0.5f)
    return x * (1.0f + x * (0.5f + x * (1.0f / 6.0f + x * (1.0f / 24.0f +
           x * (1.0f / 120.0f + x * (1.0f / 720.0f + x * (1.0f / 5040.0f)))))));
  return mote_expf(x) - 1.0f;
}

/* x / 2 * (1 + erf(x / sqrt(2))); for x well below 0 through erfc, so the
 * small results keep their relative accuracy. */
static float gelu_erf(float x) {
  float z = x * 0.70710678118654752f;
  if (z <= -0.5f)
    return 0.5f * x * erfc_tail(-z);
  return 0.5f * x * (1.0f + mote_erff(z));
}

mote_status mote_activation_f32(int32_t kind, int32_t count, float a, float b,
                                const float *input, float *output) {
  int32_t i;
  if (!input || !output || count < 0 || kind < MOTE_CLAMP || kind > MOTE_GELU)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i) {
    float x = input[i], y;
    switch (kind) {
    case MOTE_CLAMP:
      y = clamp_f32(x, a, b);
      break;
    case MOTE_SIGMOID:
      y = 1.0f / (1.0f + mote_expf(-x));
      break;
    case MOTE_TANH: {
      /* tanh(x) = 1 - 2 / (exp(2x) + 1), saturating for large |x|. */
      float e = mote_expf(2.0f * clamp_f32(x, -20.0f, 20.0f));
      y = 1.0f - 2.0f / (e + 1.0f);
      break;
    }
    case MOTE_HARD_SIGMOID:
      y = clamp_f32(a * x + b, 0.0f, 1.0f);
      break;
    case MOTE_HARD_SWISH:
      y = x * clamp_f32(x / 6.0f + 0.5f, 0.0f, 1.0f);
      break;
    case MOTE_LEAKY_RELU:
      y = x >= 0.0f ? x : a * x;
      break;
    case MOTE_ELU:
      y = b * (x > 0.0f ? x : a * expm1_f32(x));
      break;
    case MOTE_ERF:
      y = mote_erff(x);
      break;
    default:
      if (a != 0.0f) {
        /* tanh form: 1 + tanh(u) = 2 e / (e + 1), e = exp(2u), u =
         * sqrt(2 / pi) (x + 0.044715 x^3). */
        float u = 0.7978845608f * (x + 0.044715f * x * x * x);
        float e = mote_expf(2.0f * clamp_f32(u, -40.0f, 40.0f));
        y = x * e / (e + 1.0f);
      } else {
        y = gelu_erf(x);
      }
      break;
    }
    output[i] = y;
  }
  return MOTE_OK;
}

/* 1 / sqrt(x) for x > 0 without libm: a guess from the exponent bits, then
 * Newton steps (each squares the relative error) to float precision. */
static float rsqrt_f32(float x) {
  union {
    float f;
    uint32_t u;
  } v;
  float y;
  int i;
  v.f = x;
  v.u = 0x5f375a86u - (v.u >> 1);
  y = v.f;
  for (i = 0; i < 4; ++i)
    y = y * (1.5f - 0.5f * x * y * y);
  return y;
}

/* The mean of a row and 1 / sqrt(variance + epsilon) (two passes). */
static void row_statistics(const float *x, int32_t inner, float epsilon,
                           float *mean_out, float *inv_out) {
  float mean = 0.0f, var = 0.0f;
  int32_t i;
  for (i = 0; i < inner; ++i)
    mean += x[i];
  mean /= (float)inner;
  for (i = 0; i < inner; ++i)
    var += (x[i] - mean) * (x[i] - mean);
  var /= (float)inner;
  *mean_out = mean;
  *inv_out = var + epsilon > 0.0f ? rsqrt_f32(var + epsilon) : 0.0f;
}

mote_status mote_layer_norm_f32(int32_t outer, int32_t inner, float epsilon,
                                const float *input, const float *scale,
                                const float *bias, float *output) {
  int32_t r, i;
  if (!input || !scale || !bias || !output || outer < 0 || inner < 1 ||
      !(epsilon >= 0.0f))
    return MOTE_ERROR_ARGUMENT;
  for (r = 0; r < outer; ++r) {
    const float *x = input + (int64_t)r * inner;
    float *y = output + (int64_t)r * inner;
    float mean, inv;
    row_statistics(x, inner, epsilon, &mean, &inv);
    for (i = 0; i < inner; ++i)
      y[i] = (x[i] - mean) * inv * scale[i] + bias[i];
  }
  return MOTE_OK;
}

/* floor(sqrt(v)), bit by bit: no floating point, one result on every
 * target. */
static uint64_t isqrt_u64(uint64_t v) {
  uint64_t root = 0, bit = (uint64_t)1 << 62;
  while (bit > v)
    bit >>= 2;
  while (bit) {
    if (v >= root + bit) {
      v -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return root;
}

/* v / 2^r rounded to the nearest integer, ties toward +infinity, for
 * |v| < 2^62 and r >= 0 (the rounding of mote_requantize; floor division by
 * hand, since a right shift of a negative value is implementation-defined
 * in C99). */
static int64_t round_shift_s64(int64_t v, int32_t r) {
  if (r == 0)
    return v;
  if (r > 62)
    return 0;
  v += (int64_t)1 << (r - 1);
  return v >= 0 ? v >> r : -((-v + (((int64_t)1 << r) - 1)) >> r);
}

#define MOTE_LAYER_NORM_MAX_INNER 8192

mote_status mote_layer_norm_s8(const mote_layer_norm_s8_params *p,
                               const int8_t *input, const int32_t *multiplier,
                               const int32_t *shift, const int32_t *bias,
                               int8_t *output) {
  int32_t r, i;
  int64_t epsilon;
  if (!p || !input || !multiplier || !shift || !bias || !output ||
      p->outer < 0 || p->inner < 1 || p->inner > MOTE_LAYER_NORM_MAX_INNER ||
      p->epsilon_high < 0 || p->epsilon_high >= (1 << 30) ||
      p->epsilon_low < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < p->inner; ++i)
    if (shift[i] > 15)
      return MOTE_ERROR_ARGUMENT;
  epsilon = ((int64_t)p->epsilon_high << 31) + p->epsilon_low;
  for (r = 0; r < p->outer; ++r) {
    const int8_t *x = input + (int64_t)r * p->inner;
    int8_t *y = output + (int64_t)r * p->inner;
    const int64_t n = p->inner;
    int64_t sum = 0, squares = 0, total, inv = 0;
    int32_t m = 0;
    for (i = 0; i < p->inner; ++i) {
      const int64_t d = (int64_t)x[i] + p->input_offset;
      sum += d;
      squares += d * d;
    }
    /* n^2 (variance + epsilon) in units of the input scale squared, Q16:
     * below 2^59 + 2^61. */
    total = ((n * squares - sum * sum) << 16) + epsilon;
    if (total > 0) {
      /* total * 4^m in [2^60, 2^62): its root s is in [2^30, 2^31), and
       * the factor 1 / sqrt(total) is 2^m / s = 2^(m - 61) * inv. */
      uint64_t s;
      while (total < ((int64_t)1 << 60)) {
        total <<= 2;
        ++m;
      }
      s = isqrt_u64((uint64_t)total);
      inv = (int64_t)((((uint64_t)1 << 61) + s / 2) / s);
    }
    for (i = 0; i < p->inner; ++i) {
      /* n (x - mean) / sqrt(n^2 (var + eps)) = c 2^8 / sqrt(total) with
       * |c| < 2^22: a = c * inv / 2^22 fits int32, and the normalized value
       * is a * 2^(m - 31); times the column's multiplier, in Q16. */
      const int64_t c = n * ((int64_t)x[i] + p->input_offset) - sum;
      const int64_t a = round_shift_s64(c * inv, 22);
      const int64_t q16 =
          round_shift_s64(a * multiplier[i], 46 - m - shift[i]) + bias[i];
      const int64_t v = round_shift_s64(q16, 16) + p->output_offset;
      y[i] = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
    }
  }
  return MOTE_OK;
}

mote_status mote_layer_norm_stats_f32(int32_t outer, int32_t inner,
                                      float epsilon, const float *input,
                                      float *mean, float *inv_std_dev) {
  int32_t r;
  if (!input || !mean || !inv_std_dev || outer < 0 || inner < 1 ||
      !(epsilon >= 0.0f))
    return MOTE_ERROR_ARGUMENT;
  for (r = 0; r < outer; ++r)
    row_statistics(input + (int64_t)r * inner, inner, epsilon, mean + r,
                   inv_std_dev + r);
  return MOTE_OK;
}

/* exp(d * input scale) of an int8 input difference d = x - max >= diff_min,
 * as Q0 (TFLite's reference softmax: d becomes Q5 by the input multiplier,
 * with no overflow as |d| is within the radius diff_min). */
static int32_t softmax_exp(const mote_softmax_s8_params *p, int32_t d) {
  const int32_t scaled = mote_tflite_doubling_high_mul(
      (int32_t)((uint32_t)d << p->input_left_shift), p->input_multiplier);
  return mote_fp_exp_negative(scaled, 5);
}

mote_status mote_softmax_s8(const mote_softmax_s8_params *p,
                            const int8_t *input, int8_t *output) {
  int32_t o, i, j;
  if (!p || !input || !output || p->outer < 0 || p->n < 1 || p->inner < 1 ||
      p->input_left_shift < 0 || p->input_left_shift > 31)
    return MOTE_ERROR_ARGUMENT;
  for (o = 0; o < p->outer; ++o)
    for (i = 0; i < p->inner; ++i) {
      const int8_t *in = input + ((int64_t)o * p->n) * p->inner + i;
      int8_t *out = output + ((int64_t)o * p->n) * p->inner + i;
      int32_t max = -128, sum = 0, bits_over_unit, scale, exponent;
      for (j = 0; j < p->n; ++j)
        if (in[(int64_t)j * p->inner] > max)
          max = in[(int64_t)j * p->inner];
      /* The sum of the exps in Q12 (wrapping, as TFLite's). */
      for (j = 0; j < p->n; ++j) {
        const int32_t d = in[(int64_t)j * p->inner] - max;
        if (d >= p->diff_min)
          sum = mote_fp_add(sum,
                            mote_fp_scale_pot(softmax_exp(p, d), -12));
      }
      scale = mote_fp_reciprocal(sum, 12, &bits_over_unit);
      /* exp * scale / 2^(bits_over_unit + 23) is the probability times
       * 256; TFLite requires the exponent within [0, 31], which holds for
       * rows where fewer than 2^8 entries tie at the maximum. */
      exponent = bits_over_unit + 31 - 8;
      if (exponent < 0)
        exponent = 0;
      for (j = 0; j < p->n; ++j) {
        const int32_t d = in[(int64_t)j * p->inner] - max;
        int32_t v = -128;
        if (d >= p->diff_min) {
          const int32_t product = mote_fp_mul(scale, softmax_exp(p, d));
          v = (exponent > 31 ? 0
                             : mote_tflite_rounding_divide_by_pot(product,
                                                                  exponent)) -
              128;
          v = v > 127 ? 127 : v;
        }
        out[(int64_t)j * p->inner] = (int8_t)v;
      }
    }
  return MOTE_OK;
}
