/*===- test_requant.c - Tests of the requantization arithmetic -----------===*
 *
 * Edge cases by hand (saturation, ties, negative and positive shifts) and,
 * for many pseudo-random operands, agreement with an exact reference that
 * computes floor(x * M * 2^shift / 2^31 + 1/2) with long division.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_requant.h"
#include "mote_test.h"

#include <stdint.h>

/* floor(n / 2^t) for t in [1, 62], by division and remainder. */
static int64_t floor_div_pow2(int64_t n, int t) {
  int64_t d = (int64_t)1 << t;
  int64_t q = n / d;
  if (n % d != 0 && n < 0)
    --q;
  return q;
}

static int32_t reference(int32_t x, int32_t m, int32_t shift) {
  int t = 31 - shift;
  int64_t q;
  if (t > 62)
    return 0;
  q = floor_div_pow2((int64_t)x * m + ((int64_t)1 << (t - 1)), t);
  if (q > INT32_MAX)
    q = INT32_MAX;
  if (q < INT32_MIN)
    q = INT32_MIN;
  return (int32_t)q;
}

static uint32_t lcg(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

int main(void) {
  mote_test_counts t = {0, 0};
  uint32_t seed = 12345u;
  const int32_t half = 1 << 30; /* Q31 0.5 */
  long i;

  /* Multiplier 0.5: exact halves and ties toward +infinity. */
  MOTE_CHECK(&t, mote_requantize(100, half, 0) == 50, "x0.5");
  MOTE_CHECK(&t, mote_requantize(5, half, 0) == 3, "2.5 -> 3");
  MOTE_CHECK(&t, mote_requantize(-5, half, 0) == -2, "-2.5 -> -2");
  MOTE_CHECK(&t, mote_requantize(-7, half, 0) == -3, "-3.5 -> -3");
  MOTE_CHECK(&t, mote_requantize(-6, half, -1) == -1, "-1.5 -> -1");
  MOTE_CHECK(&t, mote_requantize(100, half, 1) == 100, "x0.5 x2");
  MOTE_CHECK(&t, mote_requantize(100, half, -2) == 13, "12.5 -> 13");
  MOTE_CHECK(&t, mote_requantize(-100, half, -2) == -12, "-12.5 -> -12");
  /* One rounding, not two: 3 * 0.5 * 2^-2 = 0.375 rounds to 0, where
   * rounding 3 * 0.5 = 1.5 first (to 2) and then 2 / 4 = 0.5 (up, to 1)
   * would give 1, as TFLite's doubly rounded SRDHM + RDBPOT does. */
  MOTE_CHECK(&t, mote_requantize(3, half, -1) == 1, "0.75 -> 1");
  MOTE_CHECK(&t, mote_requantize(3, half, -2) == 0, "0.375 -> 0");
  /* Saturation at the int32 limits. */
  MOTE_CHECK(&t, mote_requantize(INT32_MAX, INT32_MAX, 30) == INT32_MAX, "saturate high");
  MOTE_CHECK(&t, mote_requantize(INT32_MIN, INT32_MAX, 30) == INT32_MIN, "saturate low");
  MOTE_CHECK(&t, mote_requantize(INT32_MIN, INT32_MAX, 0) == -INT32_MAX, "%d",
             mote_requantize(INT32_MIN, INT32_MAX, 0));
  MOTE_CHECK(&t, mote_requantize(INT32_MAX, INT32_MAX, -31) == 1, "%d",
             mote_requantize(INT32_MAX, INT32_MAX, -31));
  MOTE_CHECK(&t, mote_requantize(12345, 0, -5) == 0, "zero multiplier");
  MOTE_CHECK(&t, mote_requantize(INT32_MIN, INT32_MIN, -40) == 0, "tiny multiplier");

  /* Activation clamp and zero point. */
  MOTE_CHECK(&t, mote_requantize_to_i8(1000, half, 0, -128, -128, 127) == 127, "clamp high");
  MOTE_CHECK(&t, mote_requantize_to_i8(-1000, half, 0, 10, -128, 127) == -128, "clamp low");
  MOTE_CHECK(&t, mote_requantize_to_i8(-20, half, 0, 3, 3, 127) == 3, "relu in output domain");
  MOTE_CHECK(&t, mote_requantize_to_i8(20, half, 0, 3, 3, 127) == 13, "13");

  /* Random operands against the reference, over the whole shift range. */
  for (i = 0; i < 300000; ++i) {
    int32_t x = (int32_t)lcg(&seed);
    int32_t m = (int32_t)((lcg(&seed) >> 1) | 0x40000000u); /* [2^30, 2^31) */
    int32_t shift = (int32_t)(lcg(&seed) % 62u) - 31;
    int32_t got, want;
    if (i % 3 == 0)
      x >>= (lcg(&seed) % 24u); /* small accumulators too */
    got = mote_requantize(x, m, shift);
    want = reference(x, m, shift);
    if (got != want) {
      MOTE_CHECK(&t, got == want, "requantize(%d, %d, %d) = %d, want %d", x, m,
                 shift, got, want);
      break;
    }
  }
  MOTE_CHECK(&t, i == 300000, "random operands");
  return mote_test_summary(&t);
}
