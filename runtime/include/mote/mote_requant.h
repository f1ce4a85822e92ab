/*===- mote_requant.h - Integer requantization (Q31 multipliers) -*- C -*-===*
 *
 * The one implementation of the requantization arithmetic (see
 * docs/Numerics.md). Generated code and microkernels of every target call
 * these functions, so all targets round identically; mote_numerics.h picks
 * Mote's single rounding or TensorFlow Lite's double rounding.
 *
 * C99, freestanding headers only, no globals, no allocation.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_REQUANT_H
#define MOTE_REQUANT_H

#include <stdint.h>

#include "mote/mote_numerics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The requantization of one channel (a multiplier and a shift), prepared
 * once for loops that requantize many values with it. */
typedef struct {
  int32_t multiplier, shift;
  /* The common case, total = 31 - shift in [32, 62] (multipliers below
   * 1): add_high:add_low is 2^62 plus the rounding constant 2^(total-1),
   * high_shift = total - 32 and subtract = 2^(62 - total). */
  int32_t fast;
  uint32_t add_high, add_low;
  int32_t high_shift, subtract;
  /* TFLite's numerics: the left and right shifts. */
  int32_t tfl_left, tfl_right;
} mote_requant_channel;

static inline mote_requant_channel mote_requant_prepare(int32_t multiplier,
                                                        int32_t shift) {
  mote_requant_channel c;
  const int total = 31 - shift;
  c.multiplier = multiplier;
  c.shift = shift;
  c.fast = total >= 32 && total <= 62;
  c.add_high = 0x40000000u + (c.fast && total > 32 ? 1u << (total - 33) : 0u);
  c.add_low = c.fast && total == 32 ? 0x80000000u : 0u;
  c.high_shift = c.fast ? total - 32 : 0;
  c.subtract = c.fast ? (int32_t)(1u << (62 - total)) : 0;
  c.tfl_left = shift > 0 ? shift : 0;
  c.tfl_right = shift > 0 ? 0 : -shift;
  if (c.tfl_right > 31) { /* below 2^-31 of the range: 0, as TFLite's */
    c.multiplier = 0;
    c.tfl_right = 0;
  }
  return c;
}

/*--- TensorFlow Lite's arithmetic (docs/Numerics.md, "TFLite numerics") ---*/

/* round(a * b / 2^31) with ties up (toward +infinity), saturated: the
 * only overflow, INT32_MIN * INT32_MIN, gives INT32_MAX. TFLite adds a
 * nudge and divides, truncating toward zero; here the truncation is a
 * shift of the magnitude, so 32-bit cores need no 64-bit division. */
static inline int32_t mote_tflite_doubling_high_mul(int32_t a, int32_t b) {
  const int64_t ab = (int64_t)a * (int64_t)b;
  const int64_t v = ab >= 0 ? ab + ((int64_t)1 << 30) : ab + 1 - ((int64_t)1 << 30);
  if (a == INT32_MIN && b == INT32_MIN)
    return INT32_MAX;
  /* |v| < 2^63: the magnitude shifts as unsigned, the sign comes back. */
  return v >= 0 ? (int32_t)((uint64_t)v >> 31)
                : (int32_t)-(int64_t)((uint64_t)-v >> 31);
}

/* x / 2^exponent rounded to nearest, ties away from zero, for exponent in
 * [0, 31]. The floor is computed without shifting a negative value
 * (implementation-defined in C99): a negative x's floor is minus the
 * ceiling of its magnitude. */
static inline int32_t mote_tflite_rounding_divide_by_pot(int32_t x,
                                                         int32_t exponent) {
  const uint32_t ux = (uint32_t)x;
  const uint32_t mask = exponent ? 0xFFFFFFFFu >> (32 - exponent) : 0u;
  const uint32_t remainder = ux & mask;
  const uint32_t threshold = (mask >> 1) + (x < 0 ? 1u : 0u);
  const int64_t floor = x >= 0 ? (int64_t)(ux >> exponent)
                               : -(int64_t)(((0u - ux) + mask) >> exponent);
  return (int32_t)(floor + (remainder > threshold ? 1 : 0));
}

/* TFLite's MultiplyByQuantizedMultiplier: x * 2^max(shift, 0) (wrapping in
 * 32 bits, as TFLite's int32 product does on every target it runs on),
 * then the doubling high multiply, then a rounding shift right by
 * max(-shift, 0). Two roundings: the result may differ from the exactly
 * rounded product by one. */
static inline int32_t mote_tflite_multiply(int32_t x, int32_t multiplier,
                                           int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int32_t shifted = (int32_t)((uint32_t)x << left);
  if (right > 31)
    return 0; /* below 2^-31 of the range: TFLite's quantizer gives 0 */
  return mote_tflite_rounding_divide_by_pot(
      mote_tflite_doubling_high_mul(shifted, multiplier), right);
}

/* x * multiplier * 2^shift / 2^31, rounded once to the nearest integer with
 * ties toward +infinity, saturated to int32 (in TFLite's numerics:
 * mote_tflite_multiply's two roundings). `multiplier` is a Q31 value in
 * [2^30, 2^31) (or 0) and `shift` is in [-31, 30], as the compiler's
 * quantizeMultiplier produces them. The product is exact in 64 bits, so the
 * result is the correctly rounded value of x times the multiplier (the
 * single-rounding mode of CMSIS-NN's arm_nn_requantize). */
static inline int32_t mote_requantize_prepared(int32_t x,
                                               const mote_requant_channel *c) {
#if MOTE_NUMERICS_TFLITE
  /* mote_tflite_multiply without branches on the product's sign:
   * SRDHM(a, b) equals floor((a * b + 2^30) / 2^31) (its truncation of a
   * nudged negative product is that floor), a shift of the product made
   * non-negative by a bias of 2^62; RDBP stays in 32 bits. */
  const int64_t product =
      (int64_t)(int32_t)((uint32_t)x << c->tfl_left) * (int64_t)c->multiplier;
  const uint64_t biased =
      (uint64_t)product + ((uint64_t)1 << 62) + ((uint64_t)1 << 30);
  if (biased >> 63) /* y = 2^31: INT32_MIN * INT32_MIN saturates */
    return INT32_MAX;
  /* (biased >> 31) is y + 2^31, below 2^32. */
  return mote_tflite_rounding_divide_by_pot(
      (int32_t)((uint32_t)(biased >> 31) - 0x80000000u), c->tfl_right);
#else
  int64_t product = (int64_t)x * (int64_t)c->multiplier;
  int total = 31 - c->shift;
  int64_t result;
  if (c->fast) {
    /* |product| < 2^62, so adding 2^62 makes it non-negative and the shift
     * an unsigned floor division (exact: 2^62 is a multiple of 2^total);
     * only the high word needs shifting, and the result needs no
     * saturation: a multiply, a 64-bit add, a shift and a subtraction on
     * 32-bit cores, and no implementation-defined shift of a negative
     * value. */
    const uint64_t biased = (uint64_t)product +
                            ((uint64_t)c->add_high << 32 | c->add_low);
    const uint32_t high = (uint32_t)(biased >> 32);
    return (int32_t)((int64_t)(high >> c->high_shift) - c->subtract);
  }
  if (total <= 0)
    total = 1; /* shift is at most 30; keep the shift defined regardless */
  if (total > 62)
    return 0; /* |x * multiplier| < 2^62: rounds to 0 */
  /* An arithmetic right shift of a negative int64 is implementation-defined
   * in C99; floor division by hand keeps every compiler on the same result. */
  product += (int64_t)1 << (total - 1);
  result = product >= 0 ? product >> total
                        : -((-product + (((int64_t)1 << total) - 1)) >> total);
  if (result > INT32_MAX)
    return INT32_MAX;
  if (result < INT32_MIN)
    return INT32_MIN;
  return (int32_t)result;
#endif
}

static inline int32_t mote_requantize(int32_t x, int32_t multiplier,
                                      int32_t shift) {
  const mote_requant_channel c = mote_requant_prepare(multiplier, shift);
  return mote_requantize_prepared(x, &c);
}

/* Requantizes an int32 accumulator to int8: scale, add the output zero
 * point, clamp to [act_min, act_max] (the fused activation, in the output's
 * integer domain, within [-128, 127]). Compared before adding the zero
 * point, so the sum cannot overflow and everything stays in 32 bits. */
static inline int8_t mote_clamp_to_i8(int32_t v, int32_t zero_point,
                                      int32_t act_min, int32_t act_max) {
  if (v < act_min - zero_point)
    return (int8_t)act_min;
  if (v > act_max - zero_point)
    return (int8_t)act_max;
  return (int8_t)(v + zero_point);
}

static inline int8_t mote_requantize_to_i8(int32_t acc, int32_t multiplier,
                                           int32_t shift, int32_t zero_point,
                                           int32_t act_min, int32_t act_max) {
  return mote_clamp_to_i8(mote_requantize(acc, multiplier, shift), zero_point,
                          act_min, act_max);
}

#ifdef __cplusplus
}
#endif

#endif /* MOTE_REQUANT_H */
