/*===- test_tflite_numerics.c - The runtime in TFLite numerics -----------===*
 *
 * Built with -DMOTE_NUMERICS_TFLITE=1 (the mode of `motec compile
 * --numerics=tflite`). The requantization is checked against a direct
 * transcription of TensorFlow Lite's fixed-point definitions
 * (SaturatingRoundingDoublingHighMul, RoundingDivideByPOT,
 * MultiplyByQuantizedMultiplier, written as TFLite writes them, arithmetic
 * shifts included): the edge cases (saturation at the int32 limits, ties,
 * negative and positive shifts) and many pseudo-random operands. Then the
 * kernels of the portable runtime in this mode against transcriptions of
 * TFLite's reference int8 kernels: fully connected, add, mul and average
 * pooling (TFLite's rounded division).
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"
#include "mote/mote_requant.h"
#include "mote_test.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if !MOTE_NUMERICS_TFLITE
#error "build this test with -DMOTE_NUMERICS_TFLITE=1"
#endif

/*--- The transcription --------------------------------------------------*/

static int32_t tfl_srdhm(int32_t a, int32_t b) {
  const int overflow = a == b && a == INT32_MIN;
  const int64_t ab_64 = (int64_t)a * (int64_t)b;
  const int32_t nudge = ab_64 >= 0 ? (1 << 30) : (1 - (1 << 30));
  const int32_t ab_x2_high32 = (int32_t)((ab_64 + nudge) / (1ll << 31));
  return overflow ? INT32_MAX : ab_x2_high32;
}

static int32_t tfl_rdbpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)((1ll << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * (1 << left_shift) is only called where it does not overflow (the
 * transcription's int32 product would be undefined behaviour in C). */
static int32_t tfl_mbqm(int32_t x, int32_t m, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return tfl_rdbpot(tfl_srdhm(x * (1 << left_shift), m), right_shift);
}

/* TFLite's QuantizeMultiplier (tensorflow/lite/kernels/internal). */
static void tfl_quantize_multiplier(double real, int32_t *m, int32_t *shift) {
  int exponent;
  double q;
  int64_t q_fixed;
  if (real == 0.0) {
    *m = 0;
    *shift = 0;
    return;
  }
  q = frexp(real, &exponent);
  q_fixed = (int64_t)llround(q * (double)(1ll << 31));
  if (q_fixed == (1ll << 31)) {
    q_fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    q_fixed = 0;
  }
  *m = (int32_t)q_fixed;
  *shift = exponent;
}

static int32_t clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

static uint32_t lcg(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

static int8_t random_i8(uint32_t *seed) { return (int8_t)(lcg(seed) >> 24); }

/*--- Requantization -----------------------------------------------------*/

static void test_requantization(mote_test_counts *t) {
  uint32_t seed = 777u;
  const int32_t half = 1 << 30;
  long i, mismatches = 0;
  /* Two roundings: 3 * 0.5 = 1.5 rounds to 2, then 2 / 4 = 0.5 rounds
   * away from zero to 1 (Mote's single rounding of 0.375 gives 0). */
  MOTE_CHECK(t, mote_requantize(3, half, -2) == 1, "%d", (int)mote_requantize(3, half, -2));
  /* Ties: the high multiply rounds them up (toward +infinity), the
   * rounding shift away from zero. */
  MOTE_CHECK(t, mote_requantize(5, half, 0) == 3, "2.5 -> 3");
  MOTE_CHECK(t, mote_requantize(-5, half, 0) == -2, "-2.5 -> -2");
  MOTE_CHECK(t, mote_requantize(-6, half, -1) == -2, "-1.5 -> -2");
  MOTE_CHECK(t, mote_requantize(-100, half, -2) == -13, "-12.5 -> -13");
  /* The doubling high multiply's one overflow, and the int32 limits. */
  MOTE_CHECK(t, mote_tflite_doubling_high_mul(INT32_MIN, INT32_MIN) == INT32_MAX,
             "INT32_MIN squared saturates");
  MOTE_CHECK(t, mote_requantize(INT32_MIN, INT32_MIN, 0) == INT32_MAX, "saturate");
  MOTE_CHECK(t, mote_requantize(INT32_MAX, INT32_MAX, 0) == INT32_MAX - 1, "%d",
             (int)mote_requantize(INT32_MAX, INT32_MAX, 0));
  MOTE_CHECK(t, mote_requantize(INT32_MIN, INT32_MAX, 0) == -INT32_MAX, "%d",
             (int)mote_requantize(INT32_MIN, INT32_MAX, 0));
  MOTE_CHECK(t, mote_requantize(INT32_MAX, INT32_MAX, -31) == 1, "%d",
             (int)mote_requantize(INT32_MAX, INT32_MAX, -31));
  MOTE_CHECK(t, mote_tflite_rounding_divide_by_pot(INT32_MIN, 31) == -1, "%d",
             (int)mote_tflite_rounding_divide_by_pot(INT32_MIN, 31));
  MOTE_CHECK(t, mote_tflite_rounding_divide_by_pot(-3, 1) == -2, "-1.5 -> -2");
  MOTE_CHECK(t, mote_tflite_rounding_divide_by_pot(3, 1) == 2, "1.5 -> 2");
  MOTE_CHECK(t, mote_requantize(12345, 0, -5) == 0, "zero multiplier");
  /* A positive shift: (x << shift) first, exact while it fits. */
  MOTE_CHECK(t, mote_requantize(1000, half, 3) == 4000, "%d", (int)mote_requantize(1000, half, 3));

  for (i = 0; i < 400000; ++i) {
    int32_t x = (int32_t)lcg(&seed);
    const int32_t m = (int32_t)((lcg(&seed) >> 1) | 0x40000000u);
    const int32_t shift = (int32_t)(lcg(&seed) % 48u) - 31; /* [-31, 16] */
    int32_t got, want;
    if (i % 3 == 0)
      x >>= (lcg(&seed) % 24u);
    if (shift > 0) /* keep the transcription's x << shift defined */
      x = x / (1 << shift) / 2;
    got = mote_requantize(x, m, shift);
    want = tfl_mbqm(x, m, shift);
    /* The prepared form and the step-by-step definition. */
    if (mote_tflite_multiply(x, m, shift) != want)
      got = ~want;
    if (got != want && mismatches++ == 0)
      MOTE_CHECK(t, got == want, "requantize(%d, %d, %d) = %d, TFLite %d", (int)x, (int)m,
                 (int)shift, (int)got, (int)want);
  }
  MOTE_CHECK(t, mismatches == 0, "%ld of 400000 random operands differ", mismatches);
}

/*--- Kernels ------------------------------------------------------------*/

static void test_fully_connected(mote_test_counts *t) {
  enum { B = 3, IN = 37, OUT = 11 };
  uint32_t seed = 99u;
  int8_t x[B * IN], w[OUT * IN], y[B * OUT];
  int32_t bias[OUT], m[OUT], s[OUT];
  const double in_scale = 0.037, out_scale = 0.11;
  mote_fully_connected_s8_params p;
  int b, o, k, bad = 0;
  for (k = 0; k < B * IN; ++k)
    x[k] = random_i8(&seed);
  for (k = 0; k < OUT * IN; ++k)
    w[k] = random_i8(&seed);
  for (o = 0; o < OUT; ++o) {
    const float w_scale = 0.001f + 0.0007f * (float)o;
    bias[o] = (int32_t)(lcg(&seed) % 20001u) - 10000;
    /* TFLite: double(input scale) * double(filter scale) / output scale. */
    tfl_quantize_multiplier((double)(float)in_scale * (double)w_scale /
                                (double)(float)out_scale,
                            &m[o], &s[o]);
  }
  memset(&p, 0, sizeof p);
  p.batch = B;
  p.in_features = IN;
  p.out_features = OUT;
  p.input_offset = 7; /* input zero point -7 */
  p.output_offset = -3;
  p.act_min = -128;
  p.act_max = 100;
  MOTE_CHECK(t, mote_fully_connected_s8(&p, x, w, bias, m, s, y) == MOTE_OK, "fc");
  for (b = 0; b < B; ++b)
    for (o = 0; o < OUT; ++o) {
      int32_t acc = bias[o];
      for (k = 0; k < IN; ++k)
        acc += (x[b * IN + k] + 7) * w[o * IN + k];
      acc = tfl_mbqm(acc, m[o], s[o]) - 3;
      bad += clamp(acc, -128, 100) != y[b * OUT + o];
    }
  MOTE_CHECK(t, bad == 0, "fully connected: %d of %d outputs differ from TFLite's", bad,
             B * OUT);
}

/* TFLite's int8 Add (left shift 20, both inputs to twice the larger
 * scale) and Mul, parameters computed as its Prepare computes them. */
static void test_add_mul(mote_test_counts *t) {
  enum { N = 4096 };
  static int8_t a[N], b[N], y[N];
  uint32_t seed = 4242u;
  const float sa = 0.0431f, sb = 0.0173f, so = 0.0512f;
  const int32_t za = -9, zb = 14, zo = 3;
  const double twice_max = 2 * (double)(sa > sb ? sa : sb);
  mote_binary_s8_params p;
  int i, bad_add = 0, bad_mul = 0;
  for (i = 0; i < N; ++i) {
    a[i] = random_i8(&seed);
    b[i] = random_i8(&seed);
  }
  memset(&p, 0, sizeof p);
  p.dim0 = p.dim1 = p.dim2 = 1;
  p.dim3 = N;
  p.lhs_stride3 = p.rhs_stride3 = 1;
  p.lhs_offset = -za;
  p.rhs_offset = -zb;
  p.output_offset = zo;
  p.act_min = -128;
  p.act_max = 127;
  p.left_shift = 20;
  tfl_quantize_multiplier((double)sa / twice_max, &p.lhs_multiplier, &p.lhs_shift);
  tfl_quantize_multiplier((double)sb / twice_max, &p.rhs_multiplier, &p.rhs_shift);
  tfl_quantize_multiplier(twice_max / ((1 << 20) * (double)so), &p.output_multiplier,
                          &p.output_shift);
  MOTE_CHECK(t, mote_add_s8(&p, a, b, y) == MOTE_OK, "add");
  for (i = 0; i < N; ++i) {
    const int32_t x1 = tfl_mbqm((a[i] - za) * (1 << 20), p.lhs_multiplier, p.lhs_shift);
    const int32_t x2 = tfl_mbqm((b[i] - zb) * (1 << 20), p.rhs_multiplier, p.rhs_shift);
    const int32_t r = tfl_mbqm(x1 + x2, p.output_multiplier, p.output_shift) + zo;
    bad_add += clamp(r, -128, 127) != y[i];
  }
  MOTE_CHECK(t, bad_add == 0, "add: %d of %d outputs differ from TFLite's", bad_add, N);

  p.left_shift = 0;
  tfl_quantize_multiplier((double)sa * (double)sb / (double)so, &p.output_multiplier,
                          &p.output_shift);
  MOTE_CHECK(t, mote_mul_s8(&p, a, b, y) == MOTE_OK, "mul");
  for (i = 0; i < N; ++i) {
    const int32_t r =
        tfl_mbqm((a[i] - za) * (b[i] - zb), p.output_multiplier, p.output_shift) + zo;
    bad_mul += clamp(r, -128, 127) != y[i];
  }
  MOTE_CHECK(t, bad_mul == 0, "mul: %d of %d outputs differ from TFLite's", bad_mul, N);
}

/* Average pooling by division: TFLite's reference int8 AveragePool sums
 * the in-bounds int8 values and divides with rounding half away from zero
 * (padding never counts). */
static void test_average_pool(mote_test_counts *t) {
  enum { C = 3, H = 9, W = 7, K = 3, S = 2, OH = 5, OW = 4 };
  uint32_t seed = 31u;
  int8_t x[C * H * W], y[C * OH * OW];
  mote_pool2d_s8_params p;
  int c, oy, ox, bad = 0, k;
  for (k = 0; k < C * H * W; ++k)
    x[k] = random_i8(&seed);
  memset(&p, 0, sizeof p);
  p.batch = 1;
  p.channels = C;
  p.in_h = H;
  p.in_w = W;
  p.out_h = OH;
  p.out_w = OW;
  p.kernel_h = p.kernel_w = K;
  p.stride_h = p.stride_w = S;
  p.dilation_h = p.dilation_w = 1;
  p.pad_top = p.pad_left = 1;
  p.input_offset = 5; /* ignored by the division: zero points match */
  p.output_offset = -5;
  p.act_min = -100;
  p.act_max = 127;
  p.divide = 1;
  MOTE_CHECK(t, mote_avg_pool2d_s8(&p, x, NULL, NULL, y) == MOTE_OK, "avg pool");
  for (c = 0; c < C; ++c)
    for (oy = 0; oy < OH; ++oy)
      for (ox = 0; ox < OW; ++ox) {
        int32_t acc = 0, count = 0, ky, kx;
        for (ky = 0; ky < K; ++ky)
          for (kx = 0; kx < K; ++kx) {
            const int iy = oy * S - 1 + ky, ix = ox * S - 1 + kx;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W)
              continue;
            acc += x[(c * H + iy) * W + ix];
            ++count;
          }
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        bad += clamp(acc, -100, 127) != y[(c * OH + oy) * OW + ox];
      }
  MOTE_CHECK(t, bad == 0, "average pool: %d of %d outputs differ from TFLite's", bad,
             C * OH * OW);
}

MOTE_TEST_MAIN {
  mote_test_counts t = {0, 0};
  (void)argc;
  (void)argv;
  test_requantization(&t);
  test_fully_connected(&t);
  test_add_mul(&t);
  test_average_pool(&t);
  return mote_test_summary(&t);
}
