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
  return c;
}

/* x * multiplier * 2^shift / 2^31, rounded once to the nearest integer with
 * ties toward +infinity, saturated to int32. `multiplier` is a Q31 value in
 * [2^30, 2^31) (or 0) and `shift` is in [-31, 30], as the compiler's
 * quantizeMultiplier produces them. The product is exact in 64 bits, so the
 * result is the correctly rounded value of x times the multiplier (the
 * single-rounding mode of CMSIS-NN's arm_nn_requantize). */
static inline int32_t mote_requantize_prepared(int32_t x,
                                               const mote_requant_channel *c) {
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
