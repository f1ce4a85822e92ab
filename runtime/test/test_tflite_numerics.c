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
 * pooling (TFLite's rounded division). Last the fixed-point exp, 1 / (1 + x),
 * logistic and tanh of mote_fixedpoint.h and the int8 softmax kernel
 * against a transcription of the gemmlowp functions TFLite's reference
 * softmax, logistic and tanh kernels call (written as gemmlowp writes them:
 * masks and selects), and rows whose bytes TFLite Micro's own kernels
 * produced; the int8 mean kernel against TFLite's MEAN.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_fixedpoint.h"
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

/*--- gemmlowp's fixed point, transcribed ---------------------------------*/

/* A raw int32 with `ib` integer bits; masks are all ones or all zeros. */
static int32_t g_mask(int c) { return c ? ~0 : 0; }
static int32_t g_select(int32_t mask, int32_t a, int32_t b) {
  return (mask & a) ^ (~mask & b);
}
static int32_t g_add(int32_t a, int32_t b) { return (int32_t)((int64_t)a + b); }
static int32_t g_sub(int32_t a, int32_t b) { return (int32_t)((int64_t)a - b); }

/* SaturatingRoundingMultiplyByPOT<exponent>. */
static int32_t g_srmbpot(int32_t x, int exponent) {
  int32_t threshold, result;
  if (exponent == 0)
    return x;
  if (exponent < 0)
    return tfl_rdbpot(x, -exponent);
  threshold = (int32_t)((1ll << (31 - exponent)) - 1);
  result = (int32_t)((int64_t)x * ((int64_t)1 << exponent));
  result = g_select(g_mask(x > threshold), INT32_MAX, result);
  return g_select(g_mask(x < -threshold), INT32_MIN, result);
}

/* Rescale<dst>(FixedPoint<src>). */
static int32_t g_rescale(int32_t x, int src, int dst) {
  return g_srmbpot(x, src - dst);
}

static int32_t g_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

static int32_t g_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668, constant_1_over_3 = 715827883;
  const int32_t x = g_add(a, 1 << 28);
  const int32_t x2 = tfl_srdhm(x, x), x3 = tfl_srdhm(x2, x);
  const int32_t x4 = tfl_srdhm(x2, x2);
  const int32_t x4_over_4 = g_srmbpot(x4, -2);
  const int32_t poly = g_srmbpot(
      g_add(tfl_srdhm(g_add(x4_over_4, x3), constant_1_over_3), x2), -1);
  return g_add(constant_term, tfl_srdhm(constant_term, g_add(x, poly)));
}

static int32_t g_exp_on_negative_values(int32_t a, int ib) {
  const int fb = 31 - ib;
  const int32_t one_quarter = (int32_t)1 << (fb - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = g_sub(a & mask, one_quarter);
  int32_t result = g_exp_quarter(g_rescale(a_mod_quarter_minus_one_quarter, ib, 0));
  const int32_t remainder = g_sub(a_mod_quarter_minus_one_quarter, a);
#define G_BARREL(E, M)                                                         \
  if (ib > (E))                                                                \
    result = g_select(g_mask(remainder & ((int32_t)1 << (fb + (E)))),          \
                      tfl_srdhm(result, (M)), result);
  G_BARREL(-2, 1672461947)
  G_BARREL(-1, 1302514674)
  G_BARREL(0, 790015084)
  G_BARREL(1, 290630308)
  G_BARREL(2, 39332535)
  G_BARREL(3, 720401)
  G_BARREL(4, 242)
#undef G_BARREL
  if (ib > 5)
    result = g_select(g_mask(a < -((int32_t)1 << (36 - ib))), 0, result);
  return g_select(g_mask(a == 0), INT32_MAX, result);
}

/* The Newton-Raphson division both functions below share: x ~ 1 / d in
 * Q2 for the Q0 half denominator d = (1 + a) / 2. */
static int32_t g_newton_raphson(int32_t a) {
  const int32_t half_denominator = g_rounding_half_sum(a, INT32_MAX);
  int32_t x = g_add(1515870810, tfl_srdhm(half_denominator, -1010580540));
  int i;
  for (i = 0; i < 3; i++) {
    const int32_t half_denominator_times_x = tfl_srdhm(half_denominator, x);
    const int32_t one_minus = g_sub(1 << 29, half_denominator_times_x);
    x = g_add(x, g_rescale(tfl_srdhm(x, one_minus), 4, 2));
  }
  return x;
}

static int32_t g_one_over_one_plus_x(int32_t a) {
  /* ExactMulByPot<-1>: the Q2 value read as Q1. */
  return g_rescale(g_newton_raphson(a), 1, 0);
}

static int32_t g_one_minus_x_over_one_plus_x(int32_t a) {
  return g_rescale(g_sub(g_newton_raphson(a), 1 << 29), 2, 0);
}

static int32_t g_logistic(int32_t a, int ib) {
  const int32_t mask_if_positive = g_mask(a > 0), mask_if_zero = g_mask(a == 0);
  const int32_t abs_input = g_select(mask_if_positive, a, g_sub(0, a));
  const int32_t result_if_positive =
      g_one_over_one_plus_x(g_exp_on_negative_values(g_sub(0, abs_input), ib));
  const int32_t result_if_negative = g_sub(INT32_MAX, result_if_positive);
  return g_select(mask_if_zero, 1 << 30,
                  g_select(mask_if_positive, result_if_positive,
                           result_if_negative));
}

static int32_t g_tanh(int32_t a, int ib) {
  const int32_t mask_if_negative = g_mask(a < 0), mask_if_zero = g_mask(a == 0);
  const int32_t n = g_select(mask_if_negative, a, g_sub(0, a));
  const int32_t t =
      g_one_minus_x_over_one_plus_x(g_exp_on_negative_values(n, ib + 1));
  return g_select(mask_if_zero, 0, g_select(mask_if_negative, g_sub(0, t), t));
}

/* TFLite's GetReciprocal. */
static int32_t g_get_reciprocal(int32_t x, int x_integer_digits,
                                int *num_bits_over_unit) {
  int headroom_plus_one = 0;
  while (headroom_plus_one < 32 &&
         !((uint32_t)x & (0x80000000u >> headroom_plus_one)))
    ++headroom_plus_one;
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  return g_one_over_one_plus_x(
      (int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31)));
}

/* TFLite's PreprocessSoftmaxScaling and CalculateInputRadius for 5 integer
 * bits and beta 1. */
static void g_softmax_params(float input_scale, int32_t *m, int32_t *shift,
                             int32_t *diff_min) {
  double real = (double)input_scale * (double)(1 << 26);
  if (real > (double)((1ll << 31) - 1))
    real = (double)((1ll << 31) - 1);
  tfl_quantize_multiplier(real, m, shift);
  *diff_min = -(int32_t)floor(31.0 * (double)(1ll << 26) / (double)(1ll << *shift));
}

/* TFLite's reference_ops::Softmax for int8 input and output, one row. */
static void g_softmax(int32_t m, int32_t shift, int32_t diff_min, int n,
                      const int8_t *in, int8_t *out) {
  int8_t max_in_row = -128;
  int32_t sum_of_exps = 0, shifted_scale;
  int c, num_bits_over_unit, exponent;
  for (c = 0; c < n; ++c)
    max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
  for (c = 0; c < n; ++c) {
    const int32_t input_diff = (int32_t)in[c] - max_in_row;
    if (input_diff >= diff_min) {
      const int32_t rescaled =
          tfl_srdhm((int32_t)((int64_t)input_diff * ((int64_t)1 << shift)), m);
      sum_of_exps = g_add(sum_of_exps,
                          g_rescale(g_exp_on_negative_values(rescaled, 5), 0, 12));
    }
  }
  shifted_scale = g_get_reciprocal(sum_of_exps, 12, &num_bits_over_unit);
  exponent = num_bits_over_unit + 31 - 8;
  for (c = 0; c < n; ++c) {
    const int32_t input_diff = (int32_t)in[c] - max_in_row;
    if (input_diff >= diff_min) {
      const int32_t rescaled =
          tfl_srdhm((int32_t)((int64_t)input_diff * ((int64_t)1 << shift)), m);
      const int32_t exp_in_0 = g_exp_on_negative_values(rescaled, 5);
      const int32_t unsat =
          tfl_rdbpot(tfl_srdhm(shifted_scale, exp_in_0), exponent);
      out[c] = (int8_t)clamp(unsat - 128, -128, 127);
    } else {
      out[c] = -128;
    }
  }
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

static void test_fixed_point(mote_test_counts *t) {
  uint32_t seed = 7;
  long bad_exp = 0, bad_recip = 0, bad_act = 0;
  int i, ib;
  /* Edges: 0, the smallest steps, the quarter boundaries, the most
   * negative value. */
  static const int32_t edges[] = {0, -1, -2, -(1 << 24), -(1 << 25) - 1,
                                  -(1 << 26), -(1 << 27) + 1, INT32_MIN,
                                  INT32_MIN + 1};
  for (ib = 0; ib <= 6; ++ib)
    for (i = 0; i < (int)(sizeof(edges) / sizeof(edges[0])); ++i)
      MOTE_CHECK(t,
                 mote_fp_exp_negative(edges[i], ib) ==
                     g_exp_on_negative_values(edges[i], ib),
                 "exp(%d) in Q%d: %d, gemmlowp %d", (int)edges[i], ib,
                 (int)mote_fp_exp_negative(edges[i], ib),
                 (int)g_exp_on_negative_values(edges[i], ib));
  MOTE_CHECK(t, mote_fp_exp_negative(0, 5) == INT32_MAX, "exp(0) is one");
  MOTE_CHECK(t, mote_fp_logistic(0, 4) == 1 << 30, "logistic(0) is 1/2");
  MOTE_CHECK(t, mote_fp_tanh(0, 4) == 0, "tanh(0) is 0");
  for (i = 0; i < 200000; ++i) {
    const int32_t r = (int32_t)lcg(&seed);
    const int32_t negative = r > 0 ? -r : r;
    ib = (int)(lcg(&seed) % 7);
    bad_exp += mote_fp_exp_negative(negative, ib) !=
               g_exp_on_negative_values(negative, ib);
    if (r > 0) {
      int32_t bits_mine;
      int bits_ref;
      const int32_t mine = mote_fp_reciprocal(r, 12, &bits_mine);
      bad_recip += mine != g_get_reciprocal(r, 12, &bits_ref) ||
                   bits_mine != bits_ref;
    }
    ib = (int)(lcg(&seed) % 5);
    bad_act += mote_fp_logistic(r, ib) != g_logistic(r, ib);
    bad_act += mote_fp_tanh(r, ib) != g_tanh(r, ib);
  }
  MOTE_CHECK(t, bad_exp == 0, "exp: %ld of 200000 differ from gemmlowp's", bad_exp);
  MOTE_CHECK(t, bad_recip == 0, "reciprocal: %ld differ from TFLite's", bad_recip);
  MOTE_CHECK(t, bad_act == 0, "logistic / tanh: %ld of 400000 differ", bad_act);
}

static int softmax_row(float scale, int n, int inner, const int8_t *in,
                       int8_t *out) {
  mote_softmax_s8_params p;
  int32_t m, shift, diff_min;
  g_softmax_params(scale, &m, &shift, &diff_min);
  p.outer = 1;
  p.n = n;
  p.inner = inner;
  p.input_multiplier = m;
  p.input_left_shift = shift;
  p.diff_min = diff_min;
  return mote_softmax_s8(&p, in, out) == MOTE_OK;
}

static void test_softmax(mote_test_counts *t) {
  /* Rows where TFLite Micro's reference kernel (built from its source)
   * and a correctly rounded float softmax disagree; TFLM's bytes. */
  static const int8_t row3[3] = {-28, 3, 4}, want3[3] = {-127, -10, 10};
  static const int8_t row2[2] = {55, -2}, want2[2] = {86, -85};
  int8_t out[64], ref[64], strided_in[3 * 64], strided_out[3 * 64];
  uint32_t seed = 11;
  int row, c, bad = 0, rows = 0;
  MOTE_CHECK(t, softmax_row(0.15810251235961914f, 3, 1, row3, out) &&
                    memcmp(out, want3, 3) == 0,
             "softmax row3: %d %d %d", out[0], out[1], out[2]);
  MOTE_CHECK(t, softmax_row(0.028318120166659355f, 2, 1, row2, out) &&
                    memcmp(out, want2, 2) == 0,
             "softmax row2: %d %d", out[0], out[1]);
  for (row = 0; row < 3000; ++row) {
    const int n = 1 + (int)(lcg(&seed) % 64);
    /* Scales from 2^-12 to 32 (the multiplier capped at 2^31 - 1). */
    const float scale = ldexpf(1.0f + (float)(lcg(&seed) % 1000) / 1000.0f,
                               (int)(lcg(&seed) % 18) - 12);
    int8_t in[64];
    int32_t m, shift, diff_min;
    const int base = (int)(lcg(&seed) % 256) - 128;
    for (c = 0; c < n; ++c)
      in[c] = row % 2 ? random_i8(&seed)
                      : (int8_t)clamp(base - (int32_t)(lcg(&seed) % 12), -128, 127);
    g_softmax_params(scale, &m, &shift, &diff_min);
    g_softmax(m, shift, diff_min, n, in, ref);
    /* The row along a middle axis: element c at c * 3 + 1. */
    for (c = 0; c < 3 * n; ++c)
      strided_in[c] = random_i8(&seed);
    for (c = 0; c < n; ++c)
      strided_in[c * 3 + 1] = in[c];
    if (!softmax_row(scale, n, 1, in, out) ||
        !softmax_row(scale, n, 3, strided_in, strided_out)) {
      ++bad;
      continue;
    }
    for (c = 0; c < n; ++c)
      if (out[c] != ref[c] || strided_out[c * 3 + 1] != ref[c]) {
        ++bad;
        break;
      }
    ++rows;
  }
  MOTE_CHECK(t, bad == 0, "softmax: %d of %d rows differ from TFLite's", bad, rows);
}

/* TFLite's MEAN (reference QuantizedMeanOrSum with its prepare step): the
 * multiplier of input / output scale with 1 / count folded in, applied to
 * the int32 sum minus the input zero point times the count. */
static void tfl_mean_multiplier(double in_scale, double out_scale, int count,
                                int32_t *m, int32_t *shift) {
  int s = 0;
  tfl_quantize_multiplier(in_scale / out_scale, m, shift);
  while (((uint64_t)count >> (s + 1)) != 0) /* 63 - clz64(count) */
    ++s;
  s = s < 32 ? s : 32;
  s = s < 31 + *shift ? s : 31 + *shift;
  *m = (int32_t)(((int64_t)*m << s) / count);
  *shift -= s;
}

static void test_mean(mote_test_counts *t) {
  enum { N = 2, C = 3, H = 4, W = 5 };
  static const int32_t dims[4] = {N, C, H, W};
  /* Mean over H and W: the output [N, C, 1, 1] steps by 0 there. */
  static const int32_t strides[4] = {C, 1, 0, 0};
  int8_t x[N * C * H * W], y[N * C];
  uint32_t seed = 23;
  int trial, bad = 0;
  for (trial = 0; trial < 2000; ++trial) {
    const double in_scale = ldexp(1.0 + (double)(lcg(&seed) % 1000) / 1000.0,
                                  (int)(lcg(&seed) % 10) - 9);
    const double out_scale = trial % 4 == 0 ? in_scale
                             : ldexp(1.0 + (double)(lcg(&seed) % 1000) / 1000.0,
                                     (int)(lcg(&seed) % 10) - 9);
    const int32_t zin = (int32_t)(lcg(&seed) % 256) - 128;
    const int32_t zout = (int32_t)(lcg(&seed) % 256) - 128;
    mote_mean_s8_params p;
    int32_t m, shift, k, o;
    for (k = 0; k < N * C * H * W; ++k)
      x[k] = random_i8(&seed);
    tfl_mean_multiplier(in_scale, out_scale, H * W, &m, &shift);
    p.rank = 4;
    p.count = H * W;
    p.input_offset = -zin;
    p.output_multiplier = m;
    p.output_shift = shift;
    p.output_offset = zout;
    if (mote_mean_s8(&p, dims, strides, x, y) != MOTE_OK) {
      ++bad;
      continue;
    }
    for (o = 0; o < N * C; ++o) {
      int32_t sum = 0;
      for (k = 0; k < H * W; ++k)
        sum += x[o * H * W + k];
      sum = clamp(tfl_mbqm(sum - zin * H * W, m, shift) + zout, -128, 127);
      bad += sum != y[o];
    }
  }
  MOTE_CHECK(t, bad == 0, "mean: %d outputs differ from TFLite's", bad);
}

MOTE_TEST_MAIN {
  mote_test_counts t = {0, 0};
  (void)argc;
  (void)argv;
  test_requantization(&t);
  test_fully_connected(&t);
  test_add_mul(&t);
  test_average_pool(&t);
  test_fixed_point(&t);
  test_softmax(&t);
  test_mean(&t);
  return mote_test_summary(&t);
}
