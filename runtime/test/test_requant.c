/*===- test_requant.c - Tests of the requantization arithmetic -----------===*
 *
 * Edge cases by hand (saturation at INT32_MIN, ties, negative and zero
 * shifts) and, for many pseudo-random operands, agreement with an exact
 * reference computed in wide integer arithmetic.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_requant.h"
#include "mote_test.h"

#include <stdint.h>

/* Exact floor(a * b / 2^31 + 1/2), saturated: computed as a floor
 * division of p + 2^30 by 2^31 (the sum cannot overflow int64). */
static int32_t ref_srdhm(int32_t a, int32_t b) {
  int64_t p = (int64_t)a * (int64_t)b + ((int64_t)1 << 30);
  int64_t d = (int64_t)1 << 31;
  int64_t q = p / d;
  if (p % d != 0 && p < 0)
    q--;
  if (q > INT32_MAX)
    q = INT32_MAX;
  return (int32_t)q;
}

/* Exact round(x / 2^e), ties away from zero. */
static int32_t ref_rdbpot(int32_t x, int e) {
  int64_t d = (int64_t)1 << e;
  int64_t q = (int64_t)x / d, r = (int64_t)x % d;
  if (2 * r >= d)
    q++;
  else if (2 * r <= -d)
    q--;
  return (int32_t)q;
}

static uint32_t lcg(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

int main(void) {
  mote_test_counts t = {0, 0};
  uint32_t seed = 12345u;
  long i;

  /* The one overflowing product saturates. */
  MOTE_CHECK(&t, mote_srdhm(INT32_MIN, INT32_MIN) == INT32_MAX, "saturation");
  MOTE_CHECK(&t, mote_srdhm(INT32_MIN, INT32_MAX) == -INT32_MAX, "%d",
             mote_srdhm(INT32_MIN, INT32_MAX));
  MOTE_CHECK(&t, mote_srdhm(INT32_MAX, INT32_MAX) == INT32_MAX - 1, "%d",
             mote_srdhm(INT32_MAX, INT32_MAX));
  /* Ties: 1 * 2^30 / 2^31 = 0.5; ties go toward +infinity, as gemmlowp's
   * do (0.5 -> 1, -0.5 -> 0, 1.5 -> 2, -1.5 -> -1). */
  MOTE_CHECK(&t, mote_srdhm(1, 1 << 30) == 1, "%d", mote_srdhm(1, 1 << 30));
  MOTE_CHECK(&t, mote_srdhm(-1, 1 << 30) == 0, "%d", mote_srdhm(-1, 1 << 30));
  MOTE_CHECK(&t, mote_srdhm(3, 1 << 30) == 2, "1.5 -> 2");
  MOTE_CHECK(&t, mote_srdhm(-3, 1 << 30) == -1, "-1.5 -> -1");
  MOTE_CHECK(&t, mote_srdhm(-5, 1 << 30) == -2, "-2.5 -> -2");
  MOTE_CHECK(&t, mote_srdhm(0, INT32_MIN) == 0, "zero");

  /* Rounding divide: ties away from zero. */
  MOTE_CHECK(&t, mote_rdbpot(5, 1) == 3, "2.5 -> 3");
  MOTE_CHECK(&t, mote_rdbpot(-5, 1) == -3, "-2.5 -> -3");
  MOTE_CHECK(&t, mote_rdbpot(-4, 1) == -2, "-2");
  MOTE_CHECK(&t, mote_rdbpot(7, 0) == 7, "exponent 0");
  MOTE_CHECK(&t, mote_rdbpot(INT32_MIN, 31) == -1, "%d", mote_rdbpot(INT32_MIN, 31));
  MOTE_CHECK(&t, mote_rdbpot(INT32_MAX, 31) == 1, "%d", mote_rdbpot(INT32_MAX, 31));
  MOTE_CHECK(&t, mote_rdbpot(-(1 << 29), 30) == -1, "-0.5 -> -1");
  MOTE_CHECK(&t, mote_rdbpot((1 << 29) - 1, 30) == 0, "just below 0.5");

  /* Shifts: multiplier 2^30 is 0.5. */
  MOTE_CHECK(&t, mote_requantize(100, 1 << 30, 0) == 50, "x0.5");
  MOTE_CHECK(&t, mote_requantize(100, 1 << 30, 1) == 100, "x0.5 x2");
  MOTE_CHECK(&t, mote_requantize(100, 1 << 30, -2) == 13, "12.5 -> 13");
  /* -100 * 0.5 = -50 exactly, then -50 / 4 = -12.5 rounds away from 0. */
  MOTE_CHECK(&t, mote_requantize(-100, 1 << 30, -2) == -13, "-12.5 -> -13");
  MOTE_CHECK(&t, mote_requantize(INT32_MAX, INT32_MAX, 1) == INT32_MAX - 1,
             "%d", mote_requantize(INT32_MAX, INT32_MAX, 1));
  /* A left shift that overflows int32 saturates before the multiply. */
  MOTE_CHECK(&t, mote_requantize(INT32_MIN, INT32_MIN, 4) == INT32_MAX,
             "left-shift saturation");
  MOTE_CHECK(&t, mote_requantize(12345, 0, -5) == 0, "zero multiplier");

  /* Activation clamp and zero point. */
  MOTE_CHECK(&t, mote_requantize_to_i8(1000, 1 << 30, 0, -128, -128, 127) == 127, "clamp high");
  MOTE_CHECK(&t, mote_requantize_to_i8(-1000, 1 << 30, 0, 10, -128, 127) == -128, "clamp low");
  MOTE_CHECK(&t, mote_requantize_to_i8(-20, 1 << 30, 0, 3, 3, 127) == 3, "relu in output domain");
  MOTE_CHECK(&t, mote_requantize_to_i8(20, 1 << 30, 0, 3, 3, 127) == 13, "13");

  /* Random operands against the exact references. */
  for (i = 0; i < 200000; ++i) {
    int32_t a = (int32_t)lcg(&seed), b = (int32_t)lcg(&seed);
    int e = (int)(lcg(&seed) % 32u);
    int32_t got = mote_srdhm(a, b), want = ref_srdhm(a, b);
    if (got != want) {
      MOTE_CHECK(&t, got == want, "srdhm(%d, %d) = %d, want %d", a, b, got, want);
      break;
    }
    got = mote_rdbpot(a, e);
    want = ref_rdbpot(a, e);
    if (got != want) {
      MOTE_CHECK(&t, got == want, "rdbpot(%d, %d) = %d, want %d", a, e, got, want);
      break;
    }
  }
  MOTE_CHECK(&t, i == 200000, "random operands");
  return mote_test_summary(&t);
}
