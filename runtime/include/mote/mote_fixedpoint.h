/*===- mote_fixedpoint.h - TFLite's fixed-point exp, 1/x, logistic, tanh -*- C -*-===*
 *
 * The fixed-point functions of TensorFlow Lite's reference integer kernels
 * (the gemmlowp library's): exp of a negative value, 1 / (1 + x) and
 * (1 - x) / (1 + x) by Newton-Raphson, logistic and tanh, each step
 * rounded as TFLite rounds it, so `--numerics=tflite` softmax, logistic
 * and tanh give TFLite Micro's bytes (docs/Numerics.md). The int8 softmax
 * kernel calls them at run time; the compiler includes this header too and
 * evaluates logistic and tanh for the 256 int8 inputs into a lookup table,
 * so the table holds TFLite's results by construction.
 *
 * A value "Qm" is an int32 with m integer bits and 31 - m fraction bits:
 * raw / 2^(31 - m). Sums wrap as the int32 arithmetic of TFLite's targets
 * does (computed unsigned here: no undefined behaviour).
 *
 * C99, freestanding headers only, no globals, no allocation.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_FIXEDPOINT_H
#define MOTE_FIXEDPOINT_H

#include <stdint.h>

#include "mote/mote_requant.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline int32_t mote_fp_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t mote_fp_sub(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* The product of a Qm and a Qn value as a Q(m+n) value: the doubling high
 * multiply of the raw values. */
static inline int32_t mote_fp_mul(int32_t a, int32_t b) {
  return mote_tflite_doubling_high_mul(a, b);
}

/* x * 2^exponent: a left shift saturated to the int32 range, or for a
 * negative exponent a right shift rounded to nearest, ties away from zero.
 * Changing a value from Qm to Qn is this with exponent m - n. */
static inline int32_t mote_fp_scale_pot(int32_t x, int32_t exponent) {
  int32_t threshold;
  if (exponent <= 0)
    return mote_tflite_rounding_divide_by_pot(x, -exponent);
  threshold = (int32_t)((1u << (31 - exponent)) - 1u);
  if (x > threshold)
    return INT32_MAX;
  if (x < -threshold)
    return INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}

/* (a + b) / 2 rounded to nearest, ties away from zero. */
static inline int32_t mote_fp_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* exp(a) of a Q0 value a in [-1/4, 0), as Q0: a Taylor series around -1/8
 * to the fourth power. */
static inline int32_t mote_fp_exp_quarter(int32_t a) {
  const int32_t exp_minus_eighth = 1895147668; /* exp(-1/8) in Q0 */
  const int32_t one_third = 715827883;         /* 1/3 in Q0 */
  const int32_t x = mote_fp_add(a, 1 << 28);   /* a + 1/8 */
  const int32_t x2 = mote_fp_mul(x, x), x3 = mote_fp_mul(x2, x);
  const int32_t x4 = mote_fp_mul(x2, x2);
  const int32_t x4_over_4 = mote_fp_scale_pot(x4, -2);
  /* x^4 / 24 + x^3 / 6 + x^2 / 2 */
  const int32_t tail = mote_fp_scale_pot(
      mote_fp_add(mote_fp_mul(mote_fp_add(x4_over_4, x3), one_third), x2), -1);
  return mote_fp_add(exp_minus_eighth,
                     mote_fp_mul(exp_minus_eighth, mote_fp_add(x, tail)));
}

/* exp(a) of a Q`integer_bits` value a <= 0 (integer_bits in [0, 6]), as
 * Q0: exp of a modulo 1/4 by the series, then one multiplication by
 * exp(-2^k) for each bit k of the rest; exp(0) is the largest Q0 value. */
static inline int32_t mote_fp_exp_negative(int32_t a, int32_t integer_bits) {
  /* exp(-2^k) in Q0 for k = -2 .. 4 */
  static const int32_t factors[7] = {1672461947, 1302514674, 790015084,
                                     290630308,  39332535,   720401,
                                     242};
  const int32_t fraction_bits = 31 - integer_bits;
  const int32_t quarter = (int32_t)1 << (fraction_bits - 2);
  const int32_t a_mod = mote_fp_sub(a & (quarter - 1), quarter);
  const int32_t rest = mote_fp_sub(a_mod, a);
  int32_t result = mote_fp_exp_quarter(mote_fp_scale_pot(a_mod, integer_bits));
  int32_t k;
  for (k = -2; k <= 4; ++k)
    if (integer_bits > k && (rest & ((int32_t)1 << (fraction_bits + k))))
      result = mote_fp_mul(result, factors[k + 2]);
  /* Below -32 the result is 0 (only reachable with more than 5 integer
   * bits). */
  if (integer_bits > 5 && a < -((int32_t)1 << (36 - integer_bits)))
    result = 0;
  return a == 0 ? INT32_MAX : result;
}

/* The Newton-Raphson reciprocal of d = (1 + a) / 2 for a Q0 value a in
 * (0, 1), as Q2: three iterations from 48/17 - 32/17 * d. */
static inline int32_t mote_fp_half_reciprocal(int32_t half_denominator) {
  const int32_t one_q2 = 1 << 29;
  int32_t x = mote_fp_add(1515870810, /* 48/17 in Q2 */
                          mote_fp_mul(half_denominator, -1010580540));
  int i;
  for (i = 0; i < 3; ++i) {
    const int32_t error = mote_fp_sub(one_q2, mote_fp_mul(half_denominator, x));
    x = mote_fp_add(x, mote_fp_scale_pot(mote_fp_mul(x, error), 2));
  }
  return x;
}

/* 1 / (1 + a) of a Q0 value a in [0, 1), as Q0. */
static inline int32_t mote_fp_one_over_one_plus(int32_t a) {
  /* x = 1 / d = 2 / (1 + a) in Q2; halved, it is the Q1 value of the
   * result, changed to Q0. */
  const int32_t x =
      mote_fp_half_reciprocal(mote_fp_rounding_half_sum(a, INT32_MAX));
  return mote_fp_scale_pot(x, 1);
}

/* (1 - a) / (1 + a) of a Q0 value a in [0, 1), as Q0. */
static inline int32_t mote_fp_one_minus_over_one_plus(int32_t a) {
  const int32_t x =
      mote_fp_half_reciprocal(mote_fp_rounding_half_sum(a, INT32_MAX));
  return mote_fp_scale_pot(mote_fp_sub(x, 1 << 29), 2);
}

/* 1 / (1 + exp(-a)) of a Q`integer_bits` value (integer_bits in [0, 5]),
 * as Q0; exactly 1/2 at 0. */
static inline int32_t mote_fp_logistic(int32_t a, int32_t integer_bits) {
  const int32_t magnitude = a > 0 ? a : (int32_t)(0u - (uint32_t)a);
  const int32_t positive = mote_fp_one_over_one_plus(
      mote_fp_exp_negative((int32_t)(0u - (uint32_t)magnitude), integer_bits));
  if (a == 0)
    return 1 << 30;
  return a > 0 ? positive : mote_fp_sub(INT32_MAX, positive);
}

/* tanh(a) of a Q`integer_bits` value (integer_bits in [0, 4]), as Q0:
 * (1 - exp(-2|a|)) / (1 + exp(-2|a|)) with the sign of a; the doubling
 * only reads the raw value as one more integer bit. */
static inline int32_t mote_fp_tanh(int32_t a, int32_t integer_bits) {
  const int32_t negative_magnitude = a < 0 ? a : (int32_t)(0u - (uint32_t)a);
  const int32_t t = mote_fp_one_minus_over_one_plus(
      mote_fp_exp_negative(negative_magnitude, integer_bits + 1));
  if (a == 0)
    return 0;
  return a < 0 ? (int32_t)(0u - (uint32_t)t) : t;
}

/* The Q0 reciprocal of a positive Q`integer_bits` value x, as TFLite's
 * GetReciprocal: x normalized to [1, 2) by a left shift, then
 * 1 / (1 + (x - 1)); *bits_over_unit receives the scale of the result
 * (the reciprocal is result / 2^bits_over_unit). */
static inline int32_t mote_fp_reciprocal(int32_t x, int32_t integer_bits,
                                         int32_t *bits_over_unit) {
  uint32_t v = (uint32_t)x;
  int32_t headroom_plus_one = 0;
  while (headroom_plus_one < 32 && !(v & 0x80000000u)) {
    v <<= 1;
    ++headroom_plus_one;
  }
  *bits_over_unit = integer_bits - headroom_plus_one;
  return mote_fp_one_over_one_plus((int32_t)(v - 0x80000000u));
}

#ifdef __cplusplus
}
#endif

#endif /* MOTE_FIXEDPOINT_H */
