/*===- mote_requant.h - Integer requantization (Q31 multipliers) -*- C -*-===*
 *
 * The one implementation of Mote's requantization arithmetic (see
 * docs/Numerics.md). Generated code and microkernels of every target call
 * these functions, so all targets round identically.
 *
 * C99, freestanding headers only, no globals, no allocation.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_REQUANT_H
#define MOTE_REQUANT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Saturating rounding doubling high multiply: floor(a * b / 2^31 + 1/2),
 * i.e. round to nearest with ties toward +infinity (the nudge of
 * 1 - 2^30 for negative products followed by a truncating division makes
 * -0.5 round to 0); the single overflow case a = b = INT32_MIN saturates to
 * INT32_MAX. Bit-identical to gemmlowp's SaturatingRoundingDoublingHighMul,
 * which TFLite and CMSIS-NN use. */
static inline int32_t mote_srdhm(int32_t a, int32_t b) {
  int64_t product;
  int64_t nudge;
  if (a == INT32_MIN && b == INT32_MIN)
    return INT32_MAX;
  product = (int64_t)a * (int64_t)b;
  nudge = product >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
  /* Division truncates toward zero, as gemmlowp's does. */
  return (int32_t)((product + nudge) / ((int64_t)1 << 31));
}

/* Rounding divide by 2^exponent (0 <= exponent <= 31): round to nearest,
 * ties away from zero. */
static inline int32_t mote_rdbpot(int32_t x, int exponent) {
  int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * multiplier * 2^shift / 2^31 with a Q31 multiplier in [2^30, 2^31)
 * (or 0) and shift in [-31, 30]: left shifts (shift > 0) are applied before
 * the multiply and saturate, right shifts after it with rounding. */
static inline int32_t mote_requantize(int32_t x, int32_t multiplier,
                                      int32_t shift) {
  int left = shift > 0 ? shift : 0;
  int right = shift > 0 ? 0 : -shift;
  int64_t shifted = (int64_t)x * ((int64_t)1 << left);
  if (shifted > INT32_MAX)
    shifted = INT32_MAX;
  if (shifted < INT32_MIN)
    shifted = INT32_MIN;
  return mote_rdbpot(mote_srdhm((int32_t)shifted, multiplier), right);
}

/* Requantizes an int32 accumulator to int8: scale, add the output zero
 * point, clamp to [act_min, act_max] (the fused activation, in the output's
 * integer domain, within [-128, 127]). */
static inline int8_t mote_requantize_to_i8(int32_t acc, int32_t multiplier,
                                           int32_t shift, int32_t zero_point,
                                           int32_t act_min, int32_t act_max) {
  int64_t v = (int64_t)mote_requantize(acc, multiplier, shift) + zero_point;
  if (v < act_min)
    v = act_min;
  if (v > act_max)
    v = act_max;
  return (int8_t)v;
}

#ifdef __cplusplus
}
#endif

#endif /* MOTE_REQUANT_H */
