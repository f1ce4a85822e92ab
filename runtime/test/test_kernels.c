/*===- test_kernels.c - Tests of the portable microkernels ---------------===*
 *
 * Each kernel against a reference written here with different loop
 * structure (direct index arithmetic over the output), on pseudo-random
 * shapes and data: grouped, strided, dilated and padded convolutions,
 * broadcasting element-wise ops, pooling with and without padding, and the
 * float boundary and softmax against libm.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"
#include "mote/mote_requant.h"
#include "mote_test.h"
#include "../src/mote_internal.h"

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static uint32_t seed = 2026u;
static int32_t rnd(int32_t lo, int32_t hi) { /* in [lo, hi] */
  seed = seed * 1664525u + 1013904223u;
  return lo + (int32_t)((seed >> 8) % (uint32_t)(hi - lo + 1));
}

static int8_t in_buf[32768], w_buf[4096], out_buf[32768], ref_buf[4096];
static int32_t bias_buf[64], mult_buf[64], shift_buf[64], offset_buf[64];
static int32_t sum_buf[32768];

/* The int8 convolution (and, on the same geometry, its raw int32 form with
 * weight zero points) against a direct per-tap reference. */
static void test_conv(mote_test_counts *t, int trial) {
  mote_conv2d_s8_params p;
  mote_conv2d_s32_params q;
  int32_t groups = rnd(1, 3), ipg = rnd(1, 3), opg = rnd(1, 3);
  int32_t n, oc, oy, ox, i, mismatches = 0, sum_mismatches = 0;
  memset(&p, 0, sizeof p);
  p.batch = rnd(1, 2);
  p.groups = groups;
  p.in_channels = groups * ipg;
  p.out_channels = groups * opg;
  p.in_h = rnd(3, 7);
  p.in_w = trial % 50 == 7 ? rnd(60, 140) : rnd(3, 7); /* rows over one chunk */
  p.kernel_h = rnd(1, 3);
  p.kernel_w = rnd(1, 3);
  p.stride_h = rnd(1, 2);
  p.stride_w = rnd(1, 2);
  p.dilation_h = rnd(1, 2);
  p.dilation_w = rnd(1, 2);
  p.pad_top = rnd(0, p.kernel_h - 1);
  p.pad_left = rnd(0, p.kernel_w - 1);
  if (trial < 40) { /* the pointwise fast path: 1x1, stride 1, no padding */
    p.kernel_h = p.kernel_w = p.stride_h = p.stride_w = 1;
    p.pad_top = p.pad_left = 0;
  } else if (trial < 100) { /* the depthwise path, 3x3 windows half the time */
    p.groups = p.in_channels = p.out_channels = rnd(1, 4);
    ipg = opg = 1;
    if (trial % 2) {
      p.kernel_h = p.kernel_w = 3;
      p.dilation_h = p.dilation_w = 1;
      p.pad_top = rnd(0, 2);
      p.pad_left = rnd(0, 2);
    }
  }
  p.out_h = (p.in_h + 2 * p.pad_top - (p.kernel_h - 1) * p.dilation_h - 1) / p.stride_h + 1;
  p.out_w = (p.in_w + 2 * p.pad_left - (p.kernel_w - 1) * p.dilation_w - 1) / p.stride_w + 1;
  p.input_offset = rnd(-127, 128);
  p.output_offset = rnd(-128, 127);
  p.act_min = rnd(-128, 0);
  p.act_max = rnd(0, 127);
  for (i = 0; i < p.batch * p.in_channels * p.in_h * p.in_w; ++i)
    in_buf[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < p.out_channels * ipg * p.kernel_h * p.kernel_w; ++i)
    w_buf[i] = (int8_t)rnd(-127, 127);
  for (i = 0; i < p.out_channels; ++i) {
    bias_buf[i] = rnd(-5000, 5000);
    mult_buf[i] = rnd(1 << 30, 0x7fffffff);
    shift_buf[i] = rnd(-12, -6);
    offset_buf[i] = rnd(-127, 128);
  }
  MOTE_CHECK(t, mote_conv2d_s8(&p, in_buf, w_buf, bias_buf, mult_buf, shift_buf,
                               out_buf) == MOTE_OK, "conv status");
#define MOTE_COPY_GEOMETRY(F) q.F = p.F;
  MOTE_FIELDS_CONV_SHAPE(MOTE_COPY_GEOMETRY)
  MOTE_FIELDS_WINDOW(MOTE_COPY_GEOMETRY)
#undef MOTE_COPY_GEOMETRY
  q.groups = p.groups;
  q.input_offset = p.input_offset;
  MOTE_CHECK(t, mote_conv2d_s8_s32(&q, in_buf, w_buf, offset_buf, sum_buf) ==
                    MOTE_OK, "conv s32 status");
  for (n = 0; n < p.batch; ++n)
    for (oc = 0; oc < p.out_channels; ++oc)
      for (oy = 0; oy < p.out_h; ++oy)
        for (ox = 0; ox < p.out_w; ++ox) {
          int32_t g = oc / opg, acc = bias_buf[oc], c, ky, kx, v;
          int64_t sum = 0;
          for (c = 0; c < ipg; ++c)
            for (ky = 0; ky < p.kernel_h; ++ky)
              for (kx = 0; kx < p.kernel_w; ++kx) {
                int32_t y = oy * p.stride_h + ky * p.dilation_h - p.pad_top;
                int32_t x = ox * p.stride_w + kx * p.dilation_w - p.pad_left;
                if (y >= 0 && y < p.in_h && x >= 0 && x < p.in_w) {
                  int32_t in = in_buf[((n * p.in_channels + g * ipg + c) * p.in_h + y) * p.in_w + x] +
                               p.input_offset;
                  int32_t w = w_buf[((oc * ipg + c) * p.kernel_h + ky) * p.kernel_w + kx];
                  acc += in * w;
                  sum += (int64_t)in * (w + offset_buf[oc]);
                }
              }
          if (sum_buf[((n * p.out_channels + oc) * p.out_h + oy) * p.out_w + ox] != sum)
            ++sum_mismatches;
          v = mote_requantize(acc, mult_buf[oc], shift_buf[oc]) + p.output_offset;
          v = v < p.act_min ? p.act_min : (v > p.act_max ? p.act_max : v);
          if (out_buf[((n * p.out_channels + oc) * p.out_h + oy) * p.out_w + ox] != v)
            ++mismatches;
        }
  MOTE_CHECK(t, mismatches == 0, "conv trial %d: %d mismatches", trial, mismatches);
  MOTE_CHECK(t, sum_mismatches == 0, "conv s32 trial %d: %d mismatches", trial,
             sum_mismatches);
  if (trial == 0) {
    q.in_channels = q.groups * 33026;
    q.kernel_h = q.kernel_w = 1;
    MOTE_CHECK(t, mote_conv2d_s8_s32(&q, in_buf, w_buf, offset_buf, sum_buf) ==
                      MOTE_ERROR_ARGUMENT,
               "a depth that could overflow int32 is refused");
  }
}

/* The two window walks against a per-tap bounds test, over every small
 * geometry: the taps of each output, and the outputs of each tap. */
static void test_window_walks(mote_test_counts *t) {
  int32_t size, kernel, stride, dilation, pad, o, k, mismatches = 0;
  for (size = 1; size <= 9; ++size)
    for (kernel = 1; kernel <= 5; ++kernel)
      for (stride = 1; stride <= 3; ++stride)
        for (dilation = 1; dilation <= 3; ++dilation)
          for (pad = 0; pad <= 4; ++pad) {
            const int32_t span = (kernel - 1) * dilation + 1;
            const int32_t outputs = (size + 2 * pad - span) / stride + 1;
            for (o = 0; o < outputs + 2; ++o) {
              int32_t lo, hi, first = -1, last = -1;
              const int32_t origin =
                  mote_window(o, stride, pad, dilation, kernel, size, &lo, &hi);
              for (k = 0; k < kernel; ++k) {
                const int32_t x = o * stride - pad + k * dilation;
                if (x >= 0 && x < size) {
                  if (first < 0)
                    first = k;
                  last = k;
                }
              }
              if (origin != o * stride - pad ||
                  (first < 0 ? hi > lo : lo != first || hi != last + 1))
                ++mismatches;
            }
            for (k = 0; k < kernel; ++k) {
              int32_t lo, hi, first = -1, last = -1;
              const int32_t offset = k * dilation - pad;
              mote_tap_outputs(0, outputs, stride, offset, size, &lo, &hi);
              for (o = 0; o < outputs; ++o) {
                const int32_t x = o * stride + offset;
                if (x >= 0 && x < size) {
                  if (first < 0)
                    first = o;
                  last = o;
                }
              }
              if (first < 0 ? hi > lo : lo != first || hi != last + 1)
                ++mismatches;
            }
          }
  MOTE_CHECK(t, mismatches == 0, "%d window walks differ from the bounds test",
             (int)mismatches);
}

static void test_fully_connected(mote_test_counts *t) {
  mote_fully_connected_s8_params p = {2, 7, 5, 3, -4, -100, 100};
  int32_t m, n, k, i, mismatches = 0;
  for (i = 0; i < 14; ++i)
    in_buf[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < 35; ++i)
    w_buf[i] = (int8_t)rnd(-127, 127);
  for (i = 0; i < 5; ++i) {
    bias_buf[i] = rnd(-999, 999);
    mult_buf[i] = rnd(1 << 30, 0x7fffffff);
    shift_buf[i] = -7;
  }
  MOTE_CHECK(t, mote_fully_connected_s8(&p, in_buf, w_buf, NULL, mult_buf, shift_buf,
                                        out_buf) == MOTE_OK, "fc status");
  for (m = 0; m < 2; ++m)
    for (n = 0; n < 5; ++n) {
      int32_t acc = 0, v;
      for (k = 0; k < 7; ++k)
        acc += (in_buf[m * 7 + k] + 3) * w_buf[n * 7 + k];
      v = mote_requantize(acc, mult_buf[n], -7) - 4;
      v = v < -100 ? -100 : (v > 100 ? 100 : v);
      mismatches += out_buf[m * 5 + n] != v;
    }
  MOTE_CHECK(t, mismatches == 0, "fc: %d mismatches", mismatches);
}

static void test_add_broadcast(mote_test_counts *t) {
  /* lhs [2, 3] + rhs [3] broadcast over rows; scales 0.5 and 0.25, out 0.5:
   * the real sum rounded to the output grid, within 1 LSB. */
  mote_binary_s8_params p = {1, 1, 2, 3, 0, 0, 3, 1, 0, 0, 0, 1,
                             0, 0, 0, 20, 1073741824, 0, 1073741824, -1,
                             1073741824, -18, -128, 127};
  int32_t i, j, worst = 0;
  for (i = 0; i < 6; ++i)
    in_buf[i] = (int8_t)rnd(-100, 100);
  for (i = 0; i < 3; ++i)
    w_buf[i] = (int8_t)rnd(-100, 100);
  MOTE_CHECK(t, mote_add_s8(&p, in_buf, w_buf, out_buf) == MOTE_OK, "add status");
  for (i = 0; i < 2; ++i)
    for (j = 0; j < 3; ++j) {
      double real = 0.5 * in_buf[i * 3 + j] + 0.25 * w_buf[j];
      int32_t want = (int32_t)floor(real / 0.5 + 0.5), d;
      want = want < -128 ? -128 : (want > 127 ? 127 : want);
      d = abs(out_buf[i * 3 + j] - want);
      worst = d > worst ? d : worst;
    }
  MOTE_CHECK(t, worst <= 1, "add: off by %d", worst);
}

/* Contiguous int8 adds and subtracts with random offsets, left shifts and
 * scales (shifts from -31 to 1 on each side: the fast path of scales
 * below 1, the 0.5 of a residual add's larger input, and the general path
 * above 1), against the op's definition element by element with
 * mote_requantize: bit for bit. */
static void test_add_sub_exact(mote_test_counts *t) {
  /* Its own draws: the tests after it keep their inputs. */
  const uint32_t saved = seed;
  int32_t trial, i, mismatches = 0;
  seed = 77u;
  for (trial = 0; trial < 300; ++trial) {
    mote_binary_s8_params p;
    const int sub = trial % 3 == 2;
    memset(&p, 0, sizeof p);
    p.dim0 = p.dim1 = 1, p.dim2 = 2, p.dim3 = 24;
    p.lhs_stride2 = p.rhs_stride2 = 24, p.lhs_stride3 = p.rhs_stride3 = 1;
    p.lhs_offset = rnd(-127, 128), p.rhs_offset = rnd(-127, 128);
    p.output_offset = rnd(-128, 127);
    p.left_shift = rnd(0, 20);
    p.lhs_multiplier = rnd(1 << 30, 0x7fffffff);
    p.rhs_multiplier = trial % 4 ? rnd(1 << 30, 0x7fffffff) : 1 << 30;
    p.output_multiplier = rnd(1 << 30, 0x7fffffff);
    p.lhs_shift = rnd(-31, trial % 5 ? 0 : 1);
    p.rhs_shift = trial % 4 ? rnd(-31, 0) : 0;
    p.output_shift = rnd(-31, trial % 7 ? -1 : 1);
    p.act_min = rnd(-128, 0), p.act_max = rnd(0, 127);
    for (i = 0; i < 48; ++i) {
      in_buf[i] = (int8_t)rnd(-128, 127);
      w_buf[i] = (int8_t)rnd(-128, 127);
    }
    MOTE_CHECK(t, (sub ? mote_sub_s8 : mote_add_s8)(&p, in_buf, w_buf,
                                                    out_buf) == MOTE_OK,
               "add/sub status");
    for (i = 0; i < 48; ++i) {
      const int32_t a = mote_requantize(
          (in_buf[i] + p.lhs_offset) * (1 << p.left_shift), p.lhs_multiplier,
          p.lhs_shift);
      const int32_t b = mote_requantize(
          (w_buf[i] + p.rhs_offset) * (1 << p.left_shift), p.rhs_multiplier,
          p.rhs_shift);
      const int32_t v = mote_requantize(sub ? a - b : a + b,
                                        p.output_multiplier, p.output_shift);
      mismatches += out_buf[i] != mote_clamp_to_i8(v, p.output_offset,
                                                   p.act_min, p.act_max);
    }
  }
  seed = saved;
  MOTE_CHECK(t, mismatches == 0, "add/sub: %d of 14400 differ", mismatches);
}

/* int8 PReLU of [2, 4, 5] with a per-channel slope [4, 1] (stride 1 over
 * channels, 0 along the rows): input scale 0.05, zero point 7; slope
 * scale 0.01, zero point -20; output scale 0.04, zero point -3. Against
 * the real value rounded to the output grid: within 1 LSB, and exact
 * wherever the real value is not within 1e-6 of a rounding tie. */
static void test_prelu_s8(mote_test_counts *t) {
  mote_binary_s8_params p;
  int32_t i, worst = 0, inexact = 0;
  memset(&p, 0, sizeof p);
  p.dim0 = 1, p.dim1 = 2, p.dim2 = 4, p.dim3 = 5;
  p.lhs_stride1 = 20, p.lhs_stride2 = 5, p.lhs_stride3 = 1;
  p.rhs_stride2 = 1;
  p.lhs_offset = -7, p.rhs_offset = 20, p.output_offset = -3;
  /* 0.05 / 0.04 = 1.25 = 2^30 * 1.25 * 2^-30 (shift 1 of 0.625);
   * 0.05 * 0.01 / 0.04 = 0.0125 = 0.8 * 2^-6. */
  p.lhs_multiplier = 1342177280, p.lhs_shift = 1;
  p.output_multiplier = 1717986918, p.output_shift = -6;
  p.act_min = -128, p.act_max = 127;
  for (i = 0; i < 40; ++i)
    in_buf[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < 4; ++i)
    w_buf[i] = (int8_t)rnd(-128, 127);
  MOTE_CHECK(t, mote_prelu_s8(&p, in_buf, w_buf, out_buf) == MOTE_OK, "prelu s8");
  for (i = 0; i < 40; ++i) {
    const double x = 0.05 * (in_buf[i] - 7);
    const double real = x >= 0 ? x : x * 0.01 * (w_buf[(i / 5) % 4] + 20);
    double grid = real / 0.04 - 3;
    int32_t want = (int32_t)floor(grid + 0.5), d;
    want = want < -128 ? -128 : (want > 127 ? 127 : want);
    d = abs(out_buf[i] - want);
    worst = d > worst ? d : worst;
    inexact += d != 0 && fabs(grid - floor(grid) - 0.5) > 1e-6;
  }
  MOTE_CHECK(t, worst <= 1 && inexact == 0, "prelu s8: off by %d, %d not at a tie",
             worst, inexact);
}

static void test_pools(mote_test_counts *t) {
  /* 1 x 2 x 5 x 5, 3x3 windows, stride 2, padding 1, padding excluded. */
  mote_pool2d_s8_params p = {1, 2, 5, 5, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1,
                             0, 0, 0, -128, 127, 10, 0};
  int32_t mult[10], shift[10], c, oy, ox, i, max_bad = 0, avg_worst = 0;
  for (i = 0; i < 50; ++i)
    in_buf[i] = (int8_t)rnd(-128, 127);
  mult[0] = 0;
  shift[0] = 0;
  for (i = 1; i < 10; ++i) { /* 1 / i as Q31 */
    int e = 0;
    double f = frexp(1.0 / i, &e);
    mult[i] = (int32_t)llround(f * 2147483648.0);
    shift[i] = e;
    if (mult[i] == INT32_MIN) { mult[i] = 1 << 30; ++shift[i]; }
  }
  MOTE_CHECK(t, mote_avg_pool2d_s8(&p, in_buf, mult, shift, out_buf) == MOTE_OK, "avg");
  MOTE_CHECK(t, mote_max_pool2d_s8(&p, in_buf, ref_buf) == MOTE_OK, "max");
  for (c = 0; c < 2; ++c)
    for (oy = 0; oy < 3; ++oy)
      for (ox = 0; ox < 3; ++ox) {
        int32_t sum = 0, count = 0, best = -128, ky, kx, d;
        for (ky = 0; ky < 3; ++ky)
          for (kx = 0; kx < 3; ++kx) {
            int32_t y = oy * 2 - 1 + ky, x = ox * 2 - 1 + kx;
            if (y < 0 || y >= 5 || x < 0 || x >= 5)
              continue;
            sum += in_buf[(c * 5 + y) * 5 + x];
            best = in_buf[(c * 5 + y) * 5 + x] > best ? in_buf[(c * 5 + y) * 5 + x] : best;
            ++count;
          }
        d = abs(out_buf[(c * 3 + oy) * 3 + ox] - (int32_t)floor((double)sum / count + 0.5));
        avg_worst = d > avg_worst ? d : avg_worst;
        max_bad += ref_buf[(c * 3 + oy) * 3 + ox] != best;
      }
  /* 1/count is a 31-bit multiplier: exact ties (sum/count = k + 1/2) may
   * round either way. */
  MOTE_CHECK(t, avg_worst <= 1, "avg pool off by %d", avg_worst);
  MOTE_CHECK(t, max_bad == 0, "max pool: %d mismatches", max_bad);
}

static void test_boundary(mote_test_counts *t) {
  /* ONNX QuantizeLinear rounds half to even and saturates. */
  const float x[8] = {0.25f, 0.75f, -0.25f, -0.75f, 1000.0f, -1000.0f, 1.25f, 0.0f};
  const int8_t want[8] = {0, 2, 0, -2, 127, -128, 2, 0};
  float back[8];
  int i, bad = 0;
  MOTE_CHECK(t, mote_quantize_f32_s8(8, 0.5f, 0, -128, 127, x, out_buf) == MOTE_OK, "q");
  for (i = 0; i < 8; ++i)
    bad += out_buf[i] != want[i];
  MOTE_CHECK(t, bad == 0, "quantize: %d wrong", bad);
  MOTE_CHECK(t, mote_dequantize_s8_f32(8, 0.5f, 1, out_buf, back) == MOTE_OK, "dq");
  MOTE_CHECK(t, back[1] == 0.5f && back[5] == -64.5f, "dequantize %g %g", back[1], back[5]);
  MOTE_CHECK(t, mote_quantize_f32_s8(1, 0.0f, 0, -128, 127, x, out_buf) == MOTE_ERROR_ARGUMENT,
             "zero scale rejected");
}

static void test_softmax_and_exp(mote_test_counts *t) {
  float in[6] = {1.0f, 2.0f, 3.0f, -1.0f, 0.0f, 50.0f}, out[6];
  double worst = 0.0;
  float x;
  int i;
  for (x = -80.0f; x < 80.0f; x += 0.173f) {
    double rel = fabs(mote_expf(x) - exp(x)) / exp(x);
    worst = rel > worst ? rel : worst;
  }
  MOTE_CHECK(t, worst < 1e-6, "expf relative error %g", worst);
  MOTE_CHECK(t, mote_softmax_f32(2, 3, in, out) == MOTE_OK, "softmax");
  for (i = 0; i < 2; ++i) {
    double m = in[3 * i] > in[3 * i + 1] ? in[3 * i] : in[3 * i + 1], s = 0;
    int j;
    m = in[3 * i + 2] > m ? in[3 * i + 2] : m;
    for (j = 0; j < 3; ++j)
      s += exp(in[3 * i + j] - m);
    for (j = 0; j < 3; ++j)
      MOTE_CHECK(t, fabs(out[3 * i + j] - exp(in[3 * i + j] - m) / s) < 1e-6,
                 "softmax[%d][%d]", i, j);
  }
}

static void test_transpose(mote_test_counts *t) {
  const int32_t dims[3] = {2, 3, 4}, perm[3] = {2, 0, 1};
  int32_t a, b, c, bad = 0;
  for (a = 0; a < 24; ++a)
    in_buf[a] = (int8_t)a;
  MOTE_CHECK(t, mote_transpose(1, 3, dims, perm, in_buf, out_buf) == MOTE_OK, "transpose");
  for (a = 0; a < 4; ++a)     /* output dim 0 = input dim 2 */
    for (b = 0; b < 2; ++b)   /* output dim 1 = input dim 0 */
      for (c = 0; c < 3; ++c) /* output dim 2 = input dim 1 */
        bad += out_buf[(a * 2 + b) * 3 + c] != in_buf[(b * 3 + c) * 4 + a];
  MOTE_CHECK(t, bad == 0, "transpose: %d wrong", bad);
}

static float fin[4096], fw[1024], fout[4096];

static void test_lut_and_slice(mote_test_counts *t) {
  /* Table lookup: index = value + 128, every entry reachable. */
  int8_t table[256];
  int32_t i, a, b, c, bad = 0;
  const int32_t dims[3] = {3, 4, 5}, starts[3] = {1, 0, 1}, steps[3] = {1, 2, 3},
                out_dims[3] = {2, 2, 2};
  for (i = 0; i < 256; ++i) {
    table[i] = (int8_t)(127 - i);
    in_buf[i] = (int8_t)(i - 128);
  }
  MOTE_CHECK(t, mote_lut_s8(256, table, in_buf, out_buf) == MOTE_OK, "lut");
  for (i = 0; i < 256; ++i)
    bad += out_buf[i] != (int8_t)(127 - i);
  MOTE_CHECK(t, bad == 0, "lut: %d wrong", bad);
  /* Slice of a 3 x 4 x 5 tensor: rows 1..2, columns 0 and 2, depth 1 and 4. */
  for (i = 0; i < 60; ++i)
    in_buf[i] = (int8_t)i;
  MOTE_CHECK(t, mote_slice(1, 3, dims, starts, steps, out_dims, in_buf, out_buf) == MOTE_OK,
             "slice");
  bad = 0;
  for (a = 0; a < 2; ++a)
    for (b = 0; b < 2; ++b)
      for (c = 0; c < 2; ++c)
        bad += out_buf[(a * 2 + b) * 2 + c] !=
               in_buf[((1 + a) * 4 + 2 * b) * 5 + 1 + 3 * c];
  MOTE_CHECK(t, bad == 0, "slice: %d wrong", bad);
  /* A window whose innermost step is 1 (copied a run at a time). */
  {
    const int32_t st[3] = {1, 1, 2}, sp[3] = {1, 1, 1}, od[3] = {2, 3, 3};
    int8_t win[18];
    MOTE_CHECK(t, mote_slice(1, 3, dims, st, sp, od, in_buf, win) == MOTE_OK,
               "slice, contiguous rows");
    bad = 0;
    for (a = 0; a < 2; ++a)
      for (b = 0; b < 3; ++b)
        for (c = 0; c < 3; ++c)
          bad += win[(a * 3 + b) * 3 + c] != in_buf[((1 + a) * 4 + 1 + b) * 5 + 2 + c];
    MOTE_CHECK(t, bad == 0, "slice, contiguous rows: %d wrong", bad);
  }
  /* Backward windows (negative steps): the last rows reversed, every other
   * column from the last. */
  {
    const int32_t st[3] = {2, 3, 4}, sp[3] = {-1, -2, -2}, od[3] = {2, 2, 3};
    int8_t win[12];
    MOTE_CHECK(t, mote_slice(1, 3, dims, st, sp, od, in_buf, win) == MOTE_OK,
               "slice, negative steps");
    bad = 0;
    for (a = 0; a < 2; ++a)
      for (b = 0; b < 2; ++b)
        for (c = 0; c < 3; ++c)
          bad += win[(a * 2 + b) * 3 + c] !=
                 in_buf[((2 - a) * 4 + 3 - 2 * b) * 5 + 4 - 2 * c];
    MOTE_CHECK(t, bad == 0, "slice, negative steps: %d wrong", bad);
  }
  /* The 2 x 2 x 2 patch back into a 3 x 4 x 5 tensor at (1, 2, 3), in place
   * and into another buffer (dest copied first); bad windows refused. */
  {
    const int32_t at[3] = {1, 2, 3}, past[3] = {1, 2, 4};
    int8_t dest[60], other[60];
    for (i = 0; i < 60; ++i)
      dest[i] = (int8_t)(100 + i);
    MOTE_CHECK(t, mote_insert_slice(1, 3, dims, at, out_dims, out_buf, dest,
                                    other) == MOTE_OK, "insert_slice");
    MOTE_CHECK(t, mote_insert_slice(1, 3, dims, at, out_dims, out_buf, dest,
                                    dest) == MOTE_OK, "insert_slice in place");
    bad = 0;
    for (a = 0; a < 3; ++a)
      for (b = 0; b < 4; ++b)
        for (c = 0; c < 5; ++c) {
          int inside = a >= 1 && b >= 2 && c >= 3;
          int8_t want = inside ? out_buf[((a - 1) * 2 + b - 2) * 2 + c - 3]
                               : (int8_t)(100 + (a * 4 + b) * 5 + c);
          bad += dest[(a * 4 + b) * 5 + c] != want;
          bad += other[(a * 4 + b) * 5 + c] != want;
        }
    MOTE_CHECK(t, bad == 0, "insert_slice: %d wrong", bad);
    MOTE_CHECK(t, mote_insert_slice(1, 3, dims, past, out_dims, out_buf, dest,
                                    dest) == MOTE_ERROR_ARGUMENT,
               "insert_slice past the end");
  }
}

static void test_matmul_and_softmax_axis(mote_test_counts *t) {
  /* [2, 3, 4] x [4, 5] (rhs broadcast over the batch) against a double
   * reference. */
  mote_matmul_params p = {1, 1, 1, 2, 0, 0, 0, 1, 0, 0, 0, 0, 3, 4, 5};
  int32_t bt, r, c, k, bad = 0;
  for (k = 0; k < 24; ++k)
    fin[k] = (float)((k * 7) % 11) * 0.25f - 1.0f;
  for (k = 0; k < 20; ++k)
    fw[k] = (float)((k * 5) % 9) * 0.5f - 2.0f;
  MOTE_CHECK(t, mote_matmul_f32(&p, fin, fw, fout) == MOTE_OK, "matmul");
  for (bt = 0; bt < 2; ++bt)
    for (r = 0; r < 3; ++r)
      for (c = 0; c < 5; ++c) {
        double want = 0.0;
        for (k = 0; k < 4; ++k)
          want += (double)fin[bt * 12 + r * 4 + k] * fw[k * 5 + c];
        bad += fabs(fout[bt * 15 + r * 5 + c] - want) > 1e-5;
      }
  MOTE_CHECK(t, bad == 0, "matmul: %d wrong", bad);
  /* Softmax over the middle axis of [2, 3, 2]: each (outer, inner) column
   * sums to 1 and keeps the order of its inputs. */
  for (k = 0; k < 12; ++k)
    fin[k] = (float)k * 0.5f;
  MOTE_CHECK(t, mote_softmax_axis_f32(2, 3, 2, fin, fout) == MOTE_OK, "softmax axis");
  bad = 0;
  for (bt = 0; bt < 2; ++bt)
    for (c = 0; c < 2; ++c) {
      double sum = 0.0;
      for (r = 0; r < 3; ++r)
        sum += fout[bt * 6 + r * 2 + c];
      bad += fabs(sum - 1.0) > 1e-6 || !(fout[bt * 6 + c] < fout[bt * 6 + 2 + c]);
    }
  MOTE_CHECK(t, bad == 0, "softmax axis: %d wrong", bad);
}

/* LeakyReLU, ELU / SELU, erf and GELU against libm over [-10, 10] (and a
 * few points near 0, where erf must stay accurate relative to x), and
 * PReLU with a per-channel slope broadcast against a plain loop. */
static void test_smooth_activations(mote_test_counts *t) {
  enum { N = 2001 + 6 };
  static float x[N], y[N];
  const float tiny[6] = {1e-6f, -3e-5f, 2e-3f, -0.01f, 0.49f, -0.51f};
  double worst_abs = 0.0, worst_rel = 0.0;
  int32_t i;
  for (i = 0; i < 2001; ++i)
    x[i] = -10.0f + 0.01f * (float)i;
  for (i = 0; i < 6; ++i)
    x[2001 + i] = tiny[i];
  MOTE_CHECK(t, mote_activation_f32(MOTE_ERF, N, 0, 0, x, y) == MOTE_OK, "erf");
  for (i = 0; i < N; ++i) {
    double want = erf(x[i]), err = fabs(y[i] - want);
    worst_abs = fmax(worst_abs, err);
    if (fabs(want) > 0)
      worst_rel = fmax(worst_rel, err / fabs(want));
  }
  MOTE_CHECK(t, worst_abs < 3e-7 && worst_rel < 1e-5, "erf off by %g (relative %g)",
             worst_abs, worst_rel);
  worst_rel = 0.0;
  MOTE_CHECK(t, mote_activation_f32(MOTE_GELU, N, 0, 0, x, y) == MOTE_OK, "gelu");
  for (i = 0; i < N; ++i) {
    double want = 0.5 * x[i] * (1.0 + erf(x[i] / sqrt(2.0)));
    worst_rel = fmax(worst_rel, fabs(y[i] - want) / fmax(fabs(want), 1e-3));
  }
  MOTE_CHECK(t, mote_activation_f32(MOTE_GELU, N, 1, 0, x, y) == MOTE_OK, "gelu tanh");
  for (i = 0; i < N; ++i) {
    double u = sqrt(2.0 / 3.14159265358979) * (x[i] + 0.044715 * pow(x[i], 3));
    double want = 0.5 * x[i] * (1.0 + tanh(u));
    worst_rel = fmax(worst_rel, fabs(y[i] - want) / fmax(fabs(want), 1e-3));
  }
  MOTE_CHECK(t, mote_activation_f32(MOTE_ELU, N, 1.6732632f, 1.050701f, x, y) == MOTE_OK,
             "selu");
  for (i = 0; i < N; ++i) {
    double want = 1.050701 * (x[i] > 0 ? x[i] : 1.6732632 * (exp(x[i]) - 1.0));
    worst_rel = fmax(worst_rel, fabs(y[i] - want) / fmax(fabs(want), 1e-3));
  }
  MOTE_CHECK(t, mote_activation_f32(MOTE_LEAKY_RELU, N, 0.1f, 0, x, y) == MOTE_OK, "leaky");
  for (i = 0; i < N; ++i)
    worst_rel = fmax(worst_rel, fabs(y[i] - (x[i] >= 0 ? x[i] : 0.1f * x[i])));
  MOTE_CHECK(t, worst_rel < 1e-5, "gelu/elu/leaky off by %g (relative)", worst_rel);
  {
    /* [1, 3, 2, 2] against a [3, 1, 1] slope. */
    const float in[12] = {-1, 2, -3, 4, -5, 6, -7, 8, -9, 10, -11, 12};
    const float slope[3] = {0.5f, -1.0f, 0.0f};
    float out[12];
    mote_broadcast_params p;
    int ok = 1;
    memset(&p, 0, sizeof p);
    p.dim0 = 1, p.dim1 = 3, p.dim2 = 2, p.dim3 = 2;
    p.lhs_stride1 = 4, p.lhs_stride2 = 2, p.lhs_stride3 = 1;
    p.rhs_stride1 = 1;
    MOTE_CHECK(t, mote_prelu_f32(&p, in, slope, out) == MOTE_OK, "prelu");
    for (i = 0; i < 12; ++i)
      ok &= out[i] == (in[i] >= 0 ? in[i] : slope[i / 4] * in[i]);
    MOTE_CHECK(t, ok, "prelu per channel");
  }
}

static void test_float_kernels(mote_test_counts *t) {
  /* Grouped, padded, strided float convolution against a double reference. */
  mote_conv2d_f32_params p = {1, 4, 6, 5, 6, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 2};
  float bias[6], act[8] = {-3.0f, -0.5f, 0.0f, 0.3f, 2.0f, 9.0f, -9.0f, 0.7f}, y[8];
  int32_t oc, oy, ox, i;
  double worst = 0.0;
  for (i = 0; i < 4 * 6 * 5; ++i)
    fin[i] = (float)rnd(-1000, 1000) / 500.0f;
  for (i = 0; i < 6 * 2 * 9; ++i)
    fw[i] = (float)rnd(-1000, 1000) / 700.0f;
  for (i = 0; i < 6; ++i)
    bias[i] = (float)rnd(-100, 100) / 50.0f;
  MOTE_CHECK(t, mote_conv2d_f32(&p, -1e30f, 1e30f, fin, fw, bias, fout) == MOTE_OK, "conv f32");
  for (oc = 0; oc < 6; ++oc)
    for (oy = 0; oy < 3; ++oy)
      for (ox = 0; ox < 3; ++ox) {
        double acc = bias[oc];
        int32_t c, ky, kx;
        for (c = 0; c < 2; ++c)
          for (ky = 0; ky < 3; ++ky)
            for (kx = 0; kx < 3; ++kx) {
              int32_t yy = oy * 2 - 1 + ky, xx = ox * 2 - 1 + kx;
              if (yy >= 0 && yy < 6 && xx >= 0 && xx < 5)
                acc += (double)fin[((oc / 3) * 2 + c) * 30 + yy * 5 + xx] *
                       fw[((oc * 2 + c) * 3 + ky) * 3 + kx];
            }
        acc = fabs(acc - fout[(oc * 3 + oy) * 3 + ox]);
        worst = acc > worst ? acc : worst;
      }
  MOTE_CHECK(t, worst < 1e-4, "conv f32 off by %g", worst);
  {
    /* A transposed convolution against a double reference (scatter
     * formula), clamped: the parameters are those of the convolution it
     * transposes, whose input (6 x 9 x 8) is this one's output. Groups 2,
     * strides 2 x 3, dilation 2 x 1, pads top 1 left 2, and the bottom row
     * and two right columns only output_padding reaches. */
    mote_conv2d_f32_params q;
    double ref[6 * 9 * 8];
    int32_t ic, iy, ix, ky, kx;
    memset(&q, 0, sizeof q);
    q.batch = 1, q.in_channels = 6, q.in_h = 9, q.in_w = 8;
    q.out_channels = 4, q.out_h = 3, q.out_w = 3;
    q.kernel_h = 3, q.kernel_w = 2, q.stride_h = 2, q.stride_w = 3;
    q.dilation_h = 2, q.dilation_w = 1, q.pad_top = 1, q.pad_left = 2, q.groups = 2;
    for (i = 0; i < 6; ++i)
      bias[i] = (float)rnd(-100, 100) / 50.0f;
    for (i = 0; i < 6 * 9 * 8; ++i)
      ref[i] = bias[i / 72];
    for (ic = 0; ic < 4; ++ic)
      for (iy = 0; iy < 3; ++iy)
        for (ix = 0; ix < 3; ++ix)
          for (oc = 0; oc < 3; ++oc)
            for (ky = 0; ky < 3; ++ky)
              for (kx = 0; kx < 2; ++kx) {
                int32_t yy = iy * 2 - 1 + ky * 2, xx = ix * 3 - 2 + kx;
                if (yy >= 0 && yy < 9 && xx >= 0 && xx < 8)
                  ref[((ic / 2) * 3 + oc) * 72 + yy * 8 + xx] +=
                      (double)fin[(ic * 3 + iy) * 3 + ix] *
                      fw[((ic * 3 + oc) * 3 + ky) * 2 + kx];
              }
    MOTE_CHECK(t, mote_conv_transpose2d_f32(&q, -1.0f, 1.5f, fin, fw, bias, fout) == MOTE_OK,
               "conv transpose f32");
    worst = 0.0;
    for (i = 0; i < 6 * 9 * 8; ++i)
      worst = fmax(worst, fabs(fmin(fmax(ref[i], -1.0), 1.5) - fout[i]));
    MOTE_CHECK(t, worst < 1e-5, "conv transpose f32 off by %g", worst);
    MOTE_CHECK(t, mote_conv_transpose2d_f32(&q, -1.0f, 1.5f, fin, fw, NULL, fout) == MOTE_OK &&
                      fout[0] == fmaxf(fminf(fout[0], 1.5f), -1.0f),
               "conv transpose without bias");
    q.groups = 4;
    MOTE_CHECK(t, mote_conv_transpose2d_f32(&q, -1.0f, 1.5f, fin, fw, bias, fout) ==
                      MOTE_ERROR_ARGUMENT,
               "conv transpose groups must divide the channels");
  }
  /* Activations against libm. */
  worst = 0.0;
  MOTE_CHECK(t, mote_activation_f32(MOTE_SIGMOID, 8, 0, 0, act, y) == MOTE_OK, "sigmoid");
  for (i = 0; i < 8; ++i)
    worst = fmax(worst, fabs(y[i] - 1.0 / (1.0 + exp(-act[i]))));
  MOTE_CHECK(t, mote_activation_f32(MOTE_TANH, 8, 0, 0, act, y) == MOTE_OK, "tanh");
  for (i = 0; i < 8; ++i)
    worst = fmax(worst, fabs(y[i] - tanh(act[i])));
  MOTE_CHECK(t, mote_activation_f32(MOTE_HARD_SWISH, 8, 0, 0, act, y) == MOTE_OK, "hswish");
  for (i = 0; i < 8; ++i)
    worst = fmax(worst, fabs(y[i] - act[i] * fmin(fmax(act[i] / 6.0 + 0.5, 0.0), 1.0)));
  MOTE_CHECK(t, worst < 1e-6, "activations off by %g", worst);
  MOTE_CHECK(t, mote_activation_f32(MOTE_CLAMP, 8, 0.0f, 6.0f, act, y) == MOTE_OK &&
                    y[0] == 0.0f && y[5] == 6.0f && y[3] == 0.3f, "relu6");
  MOTE_CHECK(t, mote_activation_f32(MOTE_GELU + 1, 8, 0, 0, act, y) == MOTE_ERROR_ARGUMENT,
             "bad kind");
  test_smooth_activations(t);
}

static void test_resize(mote_test_counts *t) {
  /* Two 2 x 3 planes to 3 x 4 through hand-made tables (the compiler's
   * job): bilinear weights against the formula, nearest as a gather, and
   * the int8 form rounding half to even. */
  const int32_t rows[6] = {0, 1, 1, 1, 0, 0}, cols[8] = {0, 1, 1, 2, 2, 2, 0, 0};
  const float rw[6] = {0.25f, 0.75f, 0.5f, 0.5f, 1.0f, 0.0f};
  const float cw[8] = {0.5f, 0.5f, 0.9f, 0.1f, 0.5f, 0.5f, 1.0f, 0.0f};
  /* The int8 kernel's weights: the same in Q15 (0.9 rounds to 29491). */
  const int32_t rwq[6] = {8192, 24576, 16384, 16384, 32768, 0};
  const int32_t cwq[8] = {16384, 16384, 29491, 3277, 16384, 16384, 32768, 0};
  const float x[12] = {1, 2, 4, 8, 16, 32, -1, -3, -5, -7, -9, -11};
  const int8_t xq[12] = {1, 2, 4, 8, 16, 32, -1, -3, -5, -7, -9, -11};
  float y[24];
  int8_t yq[24];
  int32_t p, i, j, ok_f = 1, ok_q = 1, ok_n = 1;
  MOTE_CHECK(t, mote_resize_f32(2, 2, 3, 3, 4, 2, rows, cols, rw, cw, x, y) == MOTE_OK,
             "resize linear f32");
  MOTE_CHECK(t, mote_resize_s8(2, 2, 3, 3, 4, 2, rows, cols, rwq, cwq, xq, yq) == MOTE_OK,
             "resize linear s8");
  for (p = 0; p < 2; ++p)
    for (i = 0; i < 3; ++i)
      for (j = 0; j < 4; ++j) {
        const float *in = x + p * 6;
        double want = 0.0;
        int32_t a, b;
        for (a = 0; a < 2; ++a)
          for (b = 0; b < 2; ++b)
            want += (double)rw[2 * i + a] * cw[2 * j + b] *
                    in[rows[2 * i + a] * 3 + cols[2 * j + b]];
        ok_f &= fabs(y[(p * 3 + i) * 4 + j] - want) < 1e-5;
        ok_q &= yq[(p * 3 + i) * 4 + j] == (int8_t)lrint(want) ||
                fabs(fabs(want - floor(want)) - 0.5) < 1e-4;
      }
  MOTE_CHECK(t, ok_f, "resize linear f32 against the formula");
  MOTE_CHECK(t, ok_q, "resize linear s8 rounds to nearest");
  /* Row 0 of plane 1, column 1: 0.25 * (0.9 * -3 + 0.1 * -5) + 0.75 *
   * (0.9 * -9 + 0.1 * -11) = -7.7, rounds to -8. */
  MOTE_CHECK(t, yq[12 + 1] == -8, "resize linear s8 value %d", yq[13]);
  MOTE_CHECK(t, mote_resize_nearest(2, 2, 3, 3, 4, 4, rows, cols, x, y) == MOTE_OK &&
                    mote_resize_nearest(2, 2, 3, 3, 4, 1, rows, cols, xq, yq) == MOTE_OK,
             "resize nearest");
  for (p = 0; p < 2; ++p)
    for (i = 0; i < 3; ++i)
      for (j = 0; j < 4; ++j) {
        const int32_t src = p * 6 + rows[2 * i] * 3 + cols[2 * j];
        ok_n &= y[(p * 3 + i) * 4 + j] == x[src] && yq[(p * 3 + i) * 4 + j] == xq[src];
      }
  MOTE_CHECK(t, ok_n, "resize nearest gathers");
  MOTE_CHECK(t, mote_resize_nearest(2, 2, 3, 3, 4, 2, rows, cols, x, y) == MOTE_ERROR_ARGUMENT,
             "resize nearest refuses 2-byte elements");
  {
    /* Bicubic: 4 taps per row and column, random tables with negative
     * weights (Q15 sums of 32768 for int8), against the double sum; int8
     * saturates where the overshoot leaves the range. */
    int32_t r4[12], c4[16], rq4[12], cq4[16], sat = 0;
    float rw4[12], cw4[16];
    int8_t big[12];
    ok_f = ok_q = 1;
    for (i = 0; i < 12; ++i)
      r4[i] = rnd(0, 1);
    for (i = 0; i < 16; ++i)
      c4[i] = rnd(0, 2);
    for (i = 0; i < 7; ++i) {
      /* Rows then columns: 3 rows and 4 columns of 4 taps each. */
      int32_t *q = i < 3 ? rq4 + 4 * i : cq4 + 4 * (i - 3);
      float *w = i < 3 ? rw4 + 4 * i : cw4 + 4 * (i - 3);
      q[0] = rnd(-6000, 0), q[1] = rnd(10000, 30000), q[2] = rnd(0, 20000);
      q[3] = 32768 - q[0] - q[1] - q[2];
      for (j = 0; j < 4; ++j)
        w[j] = (float)q[j] / 32768.0f;
    }
    for (i = 0; i < 12; ++i)
      big[i] = (int8_t)(i % 2 ? 127 : -128);
    MOTE_CHECK(t, mote_resize_f32(2, 2, 3, 3, 4, 4, r4, c4, rw4, cw4, x, y) == MOTE_OK &&
                      mote_resize_s8(2, 2, 3, 3, 4, 4, r4, c4, rq4, cq4, xq, yq) == MOTE_OK,
               "resize cubic");
    for (p = 0; p < 2; ++p)
      for (i = 0; i < 3; ++i)
        for (j = 0; j < 4; ++j) {
          double want = 0.0;
          int32_t a, b;
          for (a = 0; a < 4; ++a)
            for (b = 0; b < 4; ++b)
              want += (double)rw4[4 * i + a] * cw4[4 * j + b] *
                      x[p * 6 + r4[4 * i + a] * 3 + c4[4 * j + b]];
          ok_f &= fabs(y[(p * 3 + i) * 4 + j] - want) < 1e-4;
          ok_q &= yq[(p * 3 + i) * 4 + j] == (int8_t)lrint(want) ||
                  fabs(fabs(want - floor(want)) - 0.5) < 1e-4;
        }
    MOTE_CHECK(t, ok_f, "resize cubic f32 against the sum");
    MOTE_CHECK(t, ok_q, "resize cubic s8 rounds to nearest");
    MOTE_CHECK(t, mote_resize_s8(2, 2, 3, 3, 4, 4, r4, c4, rq4, cq4, big, yq) == MOTE_OK,
               "resize cubic s8 of extremes");
    for (i = 0; i < 24; ++i)
      sat += yq[i] == 127 || yq[i] == -128;
    MOTE_CHECK(t, sat > 0, "resize cubic s8 saturates overshoot");
    MOTE_CHECK(t, mote_resize_f32(2, 2, 3, 3, 4, 5, r4, c4, rw4, cw4, x, y) ==
                      MOTE_ERROR_ARGUMENT,
               "resize refuses more than 4 taps");
  }
}

static void test_reduce(mote_test_counts *t) {
  /* A 2 x 3 x 4 tensor reduced over axes 0 and 2 (output strides 0, 1, 0)
   * and over axis 1 (strides 4, 0, 1), against direct loops. */
  const int32_t dims[3] = {2, 3, 4}, keep1[3] = {0, 1, 0}, keep02[3] = {4, 0, 1};
  float x[24], mean[3], mx[8];
  int8_t q[24], qmean[3], qmin[8];
  int32_t a, b, c, ok = 1;
  for (a = 0; a < 24; ++a) {
    x[a] = (float)rnd(-1000, 1000) / 100.0f;
    q[a] = (int8_t)rnd(-128, 127);
  }
  MOTE_CHECK(t, mote_reduce_f32(MOTE_REDUCE_MEAN, 3, 8, dims, keep1, x, mean) == MOTE_OK &&
                    mote_reduce_f32(MOTE_REDUCE_MAX, 3, 3, dims, keep02, x, mx) == MOTE_OK &&
                    mote_reduce_s8(MOTE_REDUCE_MEAN, 3, 8, dims, keep1, q, qmean) == MOTE_OK &&
                    mote_reduce_s8(MOTE_REDUCE_MIN, 3, 3, dims, keep02, q, qmin) == MOTE_OK,
             "reduce");
  for (b = 0; b < 3; ++b) {
    double sum = 0.0;
    int32_t qsum = 0;
    for (a = 0; a < 2; ++a)
      for (c = 0; c < 4; ++c) {
        sum += x[(a * 3 + b) * 4 + c];
        qsum += q[(a * 3 + b) * 4 + c];
      }
    ok &= fabs(mean[b] - sum / 8.0) < 1e-5;
    /* Half-way means (an odd sum of eighths ending in .5) round to even. */
    ok &= qmean[b] == (int8_t)lrint(qsum / 8.0);
  }
  for (a = 0; a < 2; ++a)
    for (c = 0; c < 4; ++c) {
      float m = -1e30f;
      int8_t lo = 127;
      for (b = 0; b < 3; ++b) {
        m = x[(a * 3 + b) * 4 + c] > m ? x[(a * 3 + b) * 4 + c] : m;
        lo = q[(a * 3 + b) * 4 + c] < lo ? q[(a * 3 + b) * 4 + c] : lo;
      }
      ok &= mx[a * 4 + c] == m && qmin[a * 4 + c] == lo;
    }
  MOTE_CHECK(t, ok, "reduce against direct loops");
  MOTE_CHECK(t, mote_reduce_f32(3, 3, 8, dims, keep1, x, mean) == MOTE_ERROR_ARGUMENT &&
                    mote_reduce_s8(MOTE_REDUCE_MAX, 7, 8, dims, keep1, q, qmean) ==
                        MOTE_ERROR_ARGUMENT,
             "reduce refuses a bad kind or rank");
  {
    /* The int8 mean of 2^25 elements of 127: their sum passes 2^31. */
    const int32_t big[1] = {1 << 25}, none[1] = {0};
    int8_t *ones = (int8_t *)malloc((size_t)1 << 25), m = 0;
    if (ones) {
      memset(ones, 127, (size_t)1 << 25);
      MOTE_CHECK(t, mote_reduce_s8(MOTE_REDUCE_MEAN, 1, 1 << 25, big, none, ones, &m) == MOTE_OK &&
                        m == 127,
                 "int8 mean over 2^25 elements is %d, not 127", (int)m);
      free(ones);
    }
  }
}

/* Q31 multiplier and shift of a real factor (negative for a negative one),
 * as the compiler derives them. */
static void q31_of(double real, int32_t *multiplier, int32_t *shift) {
  int e;
  double f = frexp(fabs(real), &e);
  int64_t q = (int64_t)llround(f * 2147483648.0);
  if (real == 0.0) {
    *multiplier = 0, *shift = 0;
    return;
  }
  if (q == ((int64_t)1 << 31))
    q /= 2, ++e;
  *multiplier = (int32_t)(real < 0 ? -q : q);
  *shift = e;
}

/* The int8 layer normalization against the real-valued definition rounded,
 * on random rows (lengths 1 to 300 and 8192), scales, zero points, negative
 * and zero column scales, and epsilons from 0 (a constant row) to large. */
static void test_layer_norm_s8(mote_test_counts *t) {
  static int8_t x[3 * 8192], y[3 * 8192];
  static int32_t mult[8192], shift[8192], bias[8192];
  static double g[8192], b[8192];
  mote_layer_norm_s8_params p;
  int32_t trial, r, i;
  long exact = 0, total = 0, worse = 0;
  for (trial = 0; trial < 120; ++trial) {
    const double sx = (double)rnd(1, 1000) / 4000.0, sy = (double)rnd(1, 1000) / 8000.0;
    const double eps = trial % 4 == 0 ? 0.0 : pow(10.0, -(double)rnd(1, 8));
    const int32_t zx = rnd(-128, 127), zy = rnd(-128, 127);
    double e;
    int64_t eq;
    memset(&p, 0, sizeof p);
    p.outer = rnd(1, 3);
    p.inner = trial == 7 ? 8192 : rnd(1, 300);
    p.input_offset = -zx;
    p.output_offset = zy;
    e = (double)p.inner * p.inner * eps / (sx * sx) * 65536.0;
    eq = (int64_t)llround(e < 2e18 ? e : 2e18);
    p.epsilon_high = (int32_t)(eq >> 31);
    p.epsilon_low = (int32_t)(eq & 0x7fffffff);
    for (i = 0; i < p.inner; ++i) {
      g[i] = i % 17 == 3 ? 0.0 : (double)rnd(-400, 400) / 100.0 * sy * 20.0;
      b[i] = (double)rnd(-400, 400) / 100.0 * sy * 10.0;
      q31_of(g[i] / sy, &mult[i], &shift[i]);
      bias[i] = (int32_t)llround(b[i] / sy * 65536.0);
    }
    for (i = 0; i < p.outer * p.inner; ++i)
      x[i] = (int8_t)(trial % 9 == 5 ? zx / 2 : rnd(-128, 127)); /* a constant row */
    MOTE_CHECK(t, mote_layer_norm_s8(&p, x, mult, shift, bias, y) == MOTE_OK,
               "layer norm s8 status");
    for (r = 0; r < p.outer; ++r) {
      /* Mean and variance from exact integer sums (a constant row has
       * variance 0, not a rounding residue). */
      int64_t sum = 0, squares = 0;
      double var;
      for (i = 0; i < p.inner; ++i) {
        int64_t d = x[r * p.inner + i] - zx;
        sum += d;
        squares += d * d;
      }
      var = (double)(p.inner * squares - sum * sum) * sx * sx / ((double)p.inner * p.inner);
      for (i = 0; i < p.inner; ++i) {
        double d = sx * ((double)(x[r * p.inner + i] - zx) - (double)sum / p.inner);
        double norm = var + eps > 0.0 ? d / sqrt(var + eps) : 0.0;
        double ref = floor((norm * g[i] + b[i]) / sy + 0.5) + zy;
        int32_t diff;
        ref = ref < -128 ? -128 : (ref > 127 ? 127 : ref);
        diff = y[r * p.inner + i] - (int32_t)ref;
        exact += diff == 0;
        worse += diff > 1 || diff < -1;
        ++total;
      }
    }
  }
  MOTE_CHECK(t, worse == 0, "layer norm s8: %ld of %ld off by more than 1", worse, total);
  MOTE_CHECK(t, exact * 1000 >= total * 995, "layer norm s8: %ld of %ld exact", exact,
             total);
  p.inner = 8193;
  MOTE_CHECK(t, mote_layer_norm_s8(&p, x, mult, shift, bias, y) == MOTE_ERROR_ARGUMENT,
             "a row past 8192 is refused");
}

static void test_layer_norm(mote_test_counts *t) {
  /* Three rows of 7 against a double reference (two-pass variance). */
  float x[21], g[7], b[7], y[21], mean_out[3], inv_out[3];
  int32_t r, i;
  double worst = 0.0, worst_stat = 0.0;
  for (i = 0; i < 21; ++i)
    x[i] = (float)rnd(-1000, 1000) / 50.0f;
  for (i = 0; i < 7; ++i) {
    g[i] = (float)rnd(-100, 100) / 40.0f;
    b[i] = (float)rnd(-100, 100) / 80.0f;
  }
  MOTE_CHECK(t, mote_layer_norm_f32(3, 7, 1e-3f, x, g, b, y) == MOTE_OK, "layer norm");
  MOTE_CHECK(t, mote_layer_norm_stats_f32(3, 7, 1e-3f, x, mean_out, inv_out) == MOTE_OK,
             "layer norm statistics");
  for (r = 0; r < 3; ++r) {
    double mean = 0.0, var = 0.0;
    for (i = 0; i < 7; ++i)
      mean += x[r * 7 + i] / 7.0;
    for (i = 0; i < 7; ++i)
      var += (x[r * 7 + i] - mean) * (x[r * 7 + i] - mean) / 7.0;
    for (i = 0; i < 7; ++i)
      worst = fmax(worst, fabs(y[r * 7 + i] - ((x[r * 7 + i] - mean) / sqrt(var + 1e-3) * g[i] + b[i])));
    worst_stat = fmax(worst_stat, fabs(mean_out[r] - mean) / (fabs(mean) + 1.0));
    worst_stat = fmax(worst_stat, fabs(inv_out[r] - 1.0 / sqrt(var + 1e-3)) * sqrt(var + 1e-3));
  }
  MOTE_CHECK(t, worst < 1e-5, "layer norm off by %g", worst);
  MOTE_CHECK(t, worst_stat < 1e-6, "layer norm statistics off by %g (relative)", worst_stat);
  MOTE_CHECK(t, mote_layer_norm_f32(3, 7, -1.0f, x, g, b, y) == MOTE_ERROR_ARGUMENT,
             "layer norm refuses a negative epsilon");
}

/* Recurrent layers against a double reference that computes each step's
 * whole gate vectors first, then the new state into a separate array.
 * cell: 0 RNN, 1 GRU (linear_before_reset `lbr`), 2 LSTM with peepholes.
 * x [S, B, I]; outputs y [S, D, B, H] and the last hidden and cell states. */
enum { RS = 4, RB = 2, RI = 3, RH = 5, RD = 2 };
static double sig_ref(double v) { return 1.0 / (1.0 + exp(-v)); }
static void recurrent_ref(int cell, int lbr, const float *x, const float *w,
                          const float *r, const float *b, const float *h0,
                          const float *c0, const float *p, double *y,
                          double *yh, double *yc) {
  const int G = cell == 0 ? 1 : (cell == 1 ? 3 : 4);
  int d, s, n, g, j, k;
  for (d = 0; d < RD; ++d)
    for (n = 0; n < RB; ++n) {
      double h[RH], c[RH], hn[RH];
      for (j = 0; j < RH; ++j) {
        h[j] = h0[(d * RB + n) * RH + j];
        c[j] = c0 ? c0[(d * RB + n) * RH + j] : 0.0;
      }
      for (s = 0; s < RS; ++s) {
        int t = d == 1 ? RS - 1 - s : s;
        double gx[4 * RH], gh[4 * RH];
        for (g = 0; g < G * RH; ++g) {
          gx[g] = b[d * 2 * G * RH + g];
          gh[g] = b[d * 2 * G * RH + G * RH + g];
          for (k = 0; k < RI; ++k)
            gx[g] += w[(d * G * RH + g) * RI + k] * x[(t * RB + n) * RI + k];
          for (k = 0; k < RH; ++k)
            gh[g] += r[(d * G * RH + g) * RH + k] * h[k];
        }
        for (j = 0; j < RH; ++j) {
          if (cell == 0) {
            hn[j] = tanh(gx[j] + gh[j]);
          } else if (cell == 1) {
            double z = sig_ref(gx[j] + gh[j]);
            double rg = sig_ref(gx[RH + j] + gh[RH + j]), cand;
            if (lbr) {
              cand = gx[2 * RH + j] + rg * gh[2 * RH + j];
            } else {
              cand = gx[2 * RH + j] + b[d * 6 * RH + 5 * RH + j];
              for (k = 0; k < RH; ++k)
                cand += r[(d * 3 * RH + 2 * RH + j) * RH + k] * h[k] *
                        sig_ref(gx[RH + k] + gh[RH + k]);
            }
            hn[j] = (1.0 - z) * tanh(cand) + z * h[j];
          } else {
            const float *pp = p + d * 3 * RH;
            double i = sig_ref(gx[j] + gh[j] + pp[j] * c[j]);
            double f = sig_ref(gx[2 * RH + j] + gh[2 * RH + j] +
                               pp[2 * RH + j] * c[j]);
            double cn = f * c[j] + i * tanh(gx[3 * RH + j] + gh[3 * RH + j]);
            double o = sig_ref(gx[RH + j] + gh[RH + j] + pp[RH + j] * cn);
            c[j] = cn;
            hn[j] = o * tanh(cn);
          }
        }
        for (j = 0; j < RH; ++j) {
          h[j] = hn[j];
          y[((t * RD + d) * RB + n) * RH + j] = hn[j];
        }
      }
      for (j = 0; j < RH; ++j) {
        yh[(d * RB + n) * RH + j] = h[j];
        yc[(d * RB + n) * RH + j] = c[j];
      }
    }
}

static void test_recurrent(mote_test_counts *t) {
  static float x[RS * RB * RI], w[RD * 4 * RH * RI], r[RD * 4 * RH * RH],
      b[RD * 8 * RH], h0[RD * RB * RH], c0[RD * RB * RH], p[RD * 3 * RH];
  static float y[RS * RD * RB * RH], yh[RD * RB * RH], yc[RD * RB * RH];
  static double ry[RS * RD * RB * RH], ryh[RD * RB * RH], ryc[RD * RB * RH];
  static int8_t wq[RD * 4 * RH * RI], rq[RD * 4 * RH * RH];
  static float ws[RD * 4 * RH], rs[RD * 4 * RH];
  const char *names[4] = {"RNN", "GRU", "GRU (linear before reset)", "LSTM"};
  int32_t i, variant, pass;
  float *all[7] = {x, w, r, b, h0, c0, p};
  const int32_t sizes[7] = {RS * RB * RI, RD * 4 * RH * RI, RD * 4 * RH * RH,
                            RD * 8 * RH, RD * RB * RH, RD * RB * RH, RD * 3 * RH};
  for (i = 0; i < 7; ++i) {
    int32_t k;
    for (k = 0; k < sizes[i]; ++k)
      all[i][k] = (float)rnd(-100, 100) / 70.0f;
  }
  /* Pass 0: the float kernels. Pass 1: the int8-weight kernels, after the
   * weights are quantized (one symmetric scale per row) and w, r replaced
   * by their dequantized values, which the reference then reads. */
  for (pass = 0; pass < 2; ++pass) {
    if (pass == 1) {
      int32_t row, k;
      for (row = 0; row < RD * 4 * RH; ++row) {
        float *mats[2] = {w + row * RI, r + row * RH};
        int8_t *qs[2] = {wq + row * RI, rq + row * RH};
        float *scales[2] = {ws + row, rs + row};
        const int32_t cols[2] = {RI, RH};
        int m;
        for (m = 0; m < 2; ++m) {
          float big = 0.0f;
          for (k = 0; k < cols[m]; ++k)
            big = fmaxf(big, fabsf(mats[m][k]));
          *scales[m] = big > 0.0f ? big / 127.0f : 1.0f;
          for (k = 0; k < cols[m]; ++k) {
            qs[m][k] = (int8_t)lrintf(mats[m][k] / *scales[m]);
            mats[m][k] = (float)qs[m][k] * *scales[m];
          }
        }
      }
    }
    for (variant = 0; variant < 4; ++variant) {
      int cell = variant == 0 ? 0 : (variant == 3 ? 2 : 1);
      const char *form = pass ? " with int8 weights" : "";
      double worst = 0.0;
      mote_status st;
      if (cell == 0)
        st = pass ? mote_rnn_f32_w8(RS, RB, RI, RH, 2, 0.0f, x, wq, ws, rq, rs, b, h0, y, yh)
                  : mote_rnn_f32(RS, RB, RI, RH, 2, 0.0f, x, w, r, b, h0, y, yh);
      else if (cell == 1)
        st = pass ? mote_gru_f32_w8(RS, RB, RI, RH, 2, 0.0f, variant == 2, x, wq, ws, rq,
                                    rs, b, h0, y, yh)
                  : mote_gru_f32(RS, RB, RI, RH, 2, 0.0f, variant == 2, x, w, r, b, h0,
                                 y, yh);
      else
        st = pass ? mote_lstm_f32_w8(RS, RB, RI, RH, 2, 0.0f, x, wq, ws, rq, rs, b, h0,
                                     c0, p, y, yh, yc)
                  : mote_lstm_f32(RS, RB, RI, RH, 2, 0.0f, x, w, r, b, h0, c0, p, y,
                                  yh, yc);
      MOTE_CHECK(t, st == MOTE_OK, "%s%s runs", names[variant], form);
      recurrent_ref(cell, variant == 2, x, w, r, b, h0, cell == 2 ? c0 : NULL, p,
                    ry, ryh, ryc);
      for (i = 0; i < RS * RD * RB * RH; ++i)
        worst = fmax(worst, fabs(y[i] - ry[i]));
      for (i = 0; i < RD * RB * RH; ++i) {
        worst = fmax(worst, fabs(yh[i] - ryh[i]));
        if (cell == 2)
          worst = fmax(worst, fabs(yc[i] - ryc[i]));
      }
      MOTE_CHECK(t, worst < 2e-6, "%s%s off by %g", names[variant], form, worst);
    }
  }
  MOTE_CHECK(t, mote_gru_f32_w8(RS, RB, RI, RH, 0, 0.0f, 0, x, wq, NULL, rq, rs, b,
                                h0, y, yh) == MOTE_ERROR_ARGUMENT,
             "int8 weights need their scales");
  MOTE_CHECK(t, mote_lstm_f32(RS, RB, RI, RH, 3, 0.0f, x, w, r, b, h0, c0, p, y,
                              yh, yc) == MOTE_ERROR_ARGUMENT,
             "LSTM refuses direction 3");
  MOTE_CHECK(t, mote_gru_f32(0, RB, RI, RH, 0, 0.0f, 0, x, w, r, b, h0, y,
                             yh) == MOTE_ERROR_ARGUMENT,
             "GRU refuses an empty sequence");
}

/* The integer-only recurrent layers against the real-valued recurrence
 * (recurrent_ref, no peepholes) on the dequantized inputs, weights, Q3.12
 * biases and initial states, its outputs rounded to the int8 grid: 400
 * random layers per cell, bidirectional, 4 steps, states scaled to hold
 * [-1, 1]. The kernel keeps its state in int8 between steps, so one step's
 * rounding feeds the next; still no output is more than one step off. */
static void test_recurrent_s8(mote_test_counts *t) {
  static float x[RS * RB * RI], w[RD * 4 * RH * RI], r[RD * 4 * RH * RH],
      b[RD * 8 * RH], h0[RD * RB * RH], c0[RD * RB * RH], p[RD * 3 * RH];
  static double ry[RS * RD * RB * RH], ryh[RD * RB * RH], ryc[RD * RB * RH];
  static int8_t xq[RS * RB * RI], wq[RD * 4 * RH * RI], rq[RD * 4 * RH * RH],
      h0q[RD * RB * RH], y[RS * RD * RB * RH], yh[RD * RB * RH];
  static int32_t gates[RD * 4 * RH * 6], c0q[RD * RB * RH], yc[RD * RB * RH];
  const char *names[4] = {"RNN", "GRU", "GRU (linear before reset)", "LSTM"};
  mote_recurrent_s8_params prm;
  int32_t variant, trial, i;
  memset(p, 0, sizeof p);
  for (variant = 0; variant < 4; ++variant) {
    const int cell = variant == 0 ? 0 : (variant == 3 ? 2 : 1);
    const int32_t G = cell == 0 ? 1 : (cell == 1 ? 3 : 4);
    long total = 0, exact = 0, within1 = 0;
    int32_t worst = 0, status_ok = 1;
    double worst_c = 0.0;
    for (trial = 0; trial < 400; ++trial) {
      const double sx = (double)rnd(1, 100) / 4000.0;
      const double sy = (double)rnd(80, 160) / 10000.0;
      const int32_t zx = rnd(-100, 100), zy = rnd(-3, 3);
      mote_status st;
      memset(&prm, 0, sizeof prm);
      prm.seq = RS, prm.batch = RB, prm.input = RI, prm.hidden = RH;
      prm.direction = 2, prm.linear_before_reset = variant == 2;
      prm.input_offset = -zx, prm.output_offset = zy;
      q31_of(1.0 / (32768.0 * sy), &prm.output_multiplier, &prm.output_shift);
      q31_of(sy * 32768.0, &prm.state_multiplier, &prm.state_shift);
      for (i = 0; i < RS * RB * RI; ++i) {
        xq[i] = (int8_t)rnd(-128, 127);
        x[i] = (float)(sx * (xq[i] - zx));
      }
      for (i = 0; i < RD * RB * RH; ++i) {
        h0q[i] = (int8_t)rnd(-128, 127);
        h0[i] = (float)(sy * (h0q[i] - zy));
        c0q[i] = cell == 2 ? rnd(-65536, 65536) : 0;
        c0[i] = (float)(c0q[i] / 32768.0);
      }
      for (i = 0; i < RD * G * RH; ++i) {
        const double sw = (double)rnd(1, 100) / 12700.0;
        const double sr = (double)rnd(1, 100) / 12700.0;
        int32_t k, bin = rnd(-4096, 4096), brec = rnd(-4096, 4096);
        for (k = 0; k < RI; ++k) {
          wq[i * RI + k] = (int8_t)rnd(-127, 127);
          w[i * RI + k] = (float)(sw * wq[i * RI + k]);
        }
        for (k = 0; k < RH; ++k) {
          rq[i * RH + k] = (int8_t)rnd(-127, 127);
          r[i * RH + k] = (float)(sr * rq[i * RH + k]);
        }
        q31_of(sw * sx * 4096.0, &gates[6 * i], &gates[6 * i + 1]);
        q31_of(sr * sy * 4096.0, &gates[6 * i + 2], &gates[6 * i + 3]);
        gates[6 * i + 4] = bin, gates[6 * i + 5] = brec;
        /* ONNX's bias layout: the direction's input biases, then its
         * recurrence biases. */
        b[(i / (G * RH)) * 2 * G * RH + i % (G * RH)] = (float)(bin / 4096.0);
        b[(i / (G * RH)) * 2 * G * RH + G * RH + i % (G * RH)] =
            (float)(brec / 4096.0);
      }
      st = cell == 0 ? mote_rnn_s8(&prm, xq, wq, rq, gates, h0q, y, yh)
           : cell == 1 ? mote_gru_s8(&prm, xq, wq, rq, gates, h0q, y, yh)
                       : mote_lstm_s8(&prm, xq, wq, rq, gates, h0q, c0q, y, yh, yc);
      status_ok &= st == MOTE_OK;
      recurrent_ref(cell, variant == 2, x, w, r, b, h0, cell == 2 ? c0 : NULL,
                    p, ry, ryh, ryc);
      for (i = 0; i < RS * RD * RB * RH + RD * RB * RH; ++i) {
        const int last = i >= RS * RD * RB * RH;
        const int32_t k = last ? i - RS * RD * RB * RH : i;
        double ref = floor((last ? ryh[k] : ry[k]) / sy + 0.5) + zy;
        int32_t diff;
        ref = ref < -128 ? -128 : (ref > 127 ? 127 : ref);
        diff = (last ? yh[k] : y[k]) - (int32_t)ref;
        diff = diff < 0 ? -diff : diff;
        exact += diff == 0;
        within1 += diff <= 1;
        worst = diff > worst ? diff : worst;
        ++total;
      }
      if (cell == 2)
        for (i = 0; i < RD * RB * RH; ++i)
          worst_c = fmax(worst_c, fabs(yc[i] / 32768.0 - ryc[i]));
    }
    printf("  %s int8: %.1f%% of %ld outputs exact, %.1f%% within 1 step, "
           "max %d steps", names[variant], 100.0 * exact / total, total,
           100.0 * within1 / total, worst);
    if (cell == 2)
      printf(", cell state off by %.4f at most", worst_c);
    printf("\n");
    MOTE_CHECK(t, status_ok, "%s int8 runs", names[variant]);
    MOTE_CHECK(t, worst <= 1,
               "%s int8: %ld of %ld outputs within 1 step, max %d", names[variant],
               within1, total, worst);
    if (cell == 2)
      MOTE_CHECK(t, worst_c < 0.02, "LSTM int8 cell state off by %g", worst_c);
  }
  prm.hidden = 33026;
  MOTE_CHECK(t, mote_gru_s8(&prm, xq, wq, rq, gates, h0q, y, yh) == MOTE_ERROR_ARGUMENT,
             "GRU int8 refuses sums that could leave int32");
  prm.hidden = RH, prm.seq = 32768;
  MOTE_CHECK(t, mote_lstm_s8(&prm, xq, wq, rq, gates, h0q, c0q, y, yh, yc) == MOTE_ERROR_ARGUMENT,
             "LSTM int8 refuses sequences whose cell state could leave int32");
}

static void test_quantize_axis(mote_test_counts *t) {
  /* [2][3][4] with a scale and zero point per channel, against the
   * per-tensor kernels run channel by channel; int8 and uint8. */
  const float scales[3] = {0.05f, 0.5f, 0.125f};
  const int32_t zp_s8[3] = {-3, 0, 7}, zp_u8[3] = {84, 128, 200};
  float x[24], back[24], ref_back[4];
  uint8_t q[24], ref_q[4];
  int32_t i, o, c, u, bad = 0;
  for (i = 0; i < 24; ++i)
    x[i] = (float)rnd(-400, 400) / 16.0f;
  for (u = 0; u < 2; ++u) {
    const int32_t *zp = u ? zp_u8 : zp_s8;
    MOTE_CHECK(t, mote_quantize_axis_f32(2, 3, 4, u, scales, zp, x, q) == MOTE_OK,
               "per-axis quantize");
    MOTE_CHECK(t, mote_dequantize_axis_f32(2, 3, 4, u, scales, zp, q, back) == MOTE_OK,
               "per-axis dequantize");
    for (o = 0; o < 2; ++o)
      for (c = 0; c < 3; ++c) {
        const float *xc = x + (o * 3 + c) * 4;
        if (u) {
          mote_quantize_f32_u8(4, scales[c], zp[c], xc, ref_q);
          mote_dequantize_u8_f32(4, scales[c], zp[c], ref_q, ref_back);
        } else {
          mote_quantize_f32_s8(4, scales[c], zp[c], -128, 127, xc, (int8_t *)ref_q);
          mote_dequantize_s8_f32(4, scales[c], zp[c], (const int8_t *)ref_q, ref_back);
        }
        for (i = 0; i < 4; ++i)
          bad += q[(o * 3 + c) * 4 + i] != ref_q[i] ||
                 back[(o * 3 + c) * 4 + i] != ref_back[i];
      }
  }
  MOTE_CHECK(t, bad == 0, "per-axis (de)quantization differs from per-channel runs in %d places", (int)bad);
  MOTE_CHECK(t, mote_quantize_axis_f32(2, 3, 4, 0, scales, zp_u8, x, q) == MOTE_ERROR_ARGUMENT,
             "per-axis quantize refuses an int8 zero point of 200");
}

static void test_requantize_mixed(mote_test_counts *t) {
  /* uint8 in or out against the int8 kernel on the signed forms (values
   * and zero points 128 lower). */
  int8_t s_in[256], s_out[256], m_out[256];
  uint8_t u_in[256], u_out[256];
  int32_t i, bad = 0;
  for (i = 0; i < 256; ++i) {
    u_in[i] = (uint8_t)i;
    s_in[i] = (int8_t)(i - 128);
  }
  /* from uint8 (zero point 140) to int8 (zero point -5), scale ratio 0.75 */
  mote_requantize_s8(256, -(140 - 128), 1610612736, 0, -5, -128, 127, s_in, s_out);
  MOTE_CHECK(t, mote_requantize_mixed_s8(256, -140, 1610612736, 0, -5, -128, 127, 1, 0,
                                         u_in, m_out) == MOTE_OK, "requantize u8 -> s8");
  for (i = 0; i < 256; ++i)
    bad += m_out[i] != s_out[i];
  /* from int8 (zero point 3) to uint8 (zero point 100, range 20..250) */
  mote_requantize_s8(256, -3, 1610612736, 0, 100 - 128, 20 - 128, 250 - 128, s_in, s_out);
  MOTE_CHECK(t, mote_requantize_mixed_s8(256, -3, 1610612736, 0, 100, 20, 250, 0, 1,
                                         s_in, u_out) == MOTE_OK, "requantize s8 -> u8");
  for (i = 0; i < 256; ++i)
    bad += (int32_t)u_out[i] - 128 != s_out[i];
  MOTE_CHECK(t, bad == 0, "mixed requantize differs from the int8 kernel in %d places", (int)bad);
  MOTE_CHECK(t, mote_requantize_mixed_s8(4, 0, 1610612736, 0, 0, -1, 255, 0, 1, s_in,
                                         u_out) == MOTE_ERROR_ARGUMENT,
             "mixed requantize refuses a uint8 range below 0");
}

static void test_concat_pad(mote_test_counts *t) {
  /* [2, 2] and [2, 3] floats along axis 1 -> [2, 5]. */
  const float a[4] = {1, 2, 3, 4}, b[6] = {5, 6, 7, 8, 9, 10};
  const float want[10] = {1, 2, 5, 6, 7, 3, 4, 8, 9, 10};
  /* [2, 3] int8 padded by (1, 0) begins and (0, 2) ends. */
  const int8_t x[6] = {1, 2, 3, 4, 5, 6}, zero = -7;
  const int32_t dims[2] = {2, 3}, pads[4] = {1, 0, 0, 2};
  const int8_t constant[15] = {-7, -7, -7, -7, -7, 1, 2, 3, -7, -7, 4, 5, 6, -7, -7};
  const int8_t edge[15] = {1, 2, 3, 3, 3, 1, 2, 3, 3, 3, 4, 5, 6, 6, 6};
  const int32_t rpads[4] = {1, 1, 0, 1}, wide[4] = {2, 0, 0, 0};
  const int8_t reflect[15] = {5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5};
  float out[10];
  int8_t q[16];
  int i, bad = 0;
  MOTE_CHECK(t, mote_concat_part(4, 2, 2, 0, 5, a, out) == MOTE_OK &&
                    mote_concat_part(4, 2, 3, 2, 5, b, out) == MOTE_OK, "concat");
  for (i = 0; i < 10; ++i)
    bad += out[i] != want[i];
  MOTE_CHECK(t, bad == 0, "concat: %d wrong", bad);
  MOTE_CHECK(t, mote_concat_part(4, 2, 3, 3, 5, b, out) == MOTE_ERROR_ARGUMENT, "overflow");
  MOTE_CHECK(t, mote_pad(1, 2, MOTE_PAD_CONSTANT, dims, pads, &zero, x, q) == MOTE_OK &&
                    memcmp(q, constant, 15) == 0, "constant pad");
  MOTE_CHECK(t, mote_pad(1, 2, MOTE_PAD_EDGE, dims, pads, NULL, x, q) == MOTE_OK &&
                    memcmp(q, edge, 15) == 0, "edge pad");
  /* Reflect: one row before, one column on each side: [3, 5]. */
  MOTE_CHECK(t, mote_pad(1, 2, MOTE_PAD_REFLECT, dims, rpads, NULL, x, q) == MOTE_OK &&
                    memcmp(q, reflect, 15) == 0, "reflect pad");
  MOTE_CHECK(t, mote_pad(1, 2, MOTE_PAD_REFLECT, dims, wide, NULL, x, q) == MOTE_ERROR_ARGUMENT,
             "reflect as wide as the input");
}

/* Gather against a direct index of the table: data [2][4][3] floats on
 * axis 1 with int64 and int32 indices (negative ones count from the end),
 * int8 rows, and an index out of range refused before any write. */
static void test_gather(mote_test_counts *t) {
  float data[24], out[2 * 5 * 3];
  const int64_t ids64[5] = {3, 0, -1, 2, -4};
  const int32_t ids32[5] = {3, 0, -1, 2, -4};
  const int8_t table[8] = {10, 11, 20, 21, 30, 31, 40, 41};
  const int32_t rows[3] = {2, -1, 0};
  const int8_t want8[6] = {30, 31, 40, 41, 10, 11};
  const int64_t bad_ids[2] = {1, 4};
  int8_t q[6];
  int i, o, j, c, bad = 0;
  for (i = 0; i < 24; ++i)
    data[i] = (float)i * 0.5f - 3;
  MOTE_CHECK(t, mote_gather(4, 8, 2, 4, 5, 3, data, ids64, out) == MOTE_OK,
             "gather int64");
  for (o = 0; o < 2; ++o)
    for (j = 0; j < 5; ++j)
      for (c = 0; c < 3; ++c) {
        int64_t index = ids64[j] < 0 ? ids64[j] + 4 : ids64[j];
        bad += out[(o * 5 + j) * 3 + c] != data[(o * 4 + index) * 3 + c];
      }
  MOTE_CHECK(t, bad == 0, "gather int64: %d wrong", bad);
  for (i = 0; i < 30; ++i)
    out[i] = 0;
  MOTE_CHECK(t, mote_gather(4, 4, 2, 4, 5, 3, data, ids32, out) == MOTE_OK,
             "gather int32");
  for (o = 0, bad = 0; o < 2; ++o)
    for (j = 0; j < 5; ++j)
      for (c = 0; c < 3; ++c) {
        int32_t index = ids32[j] < 0 ? ids32[j] + 4 : ids32[j];
        bad += out[(o * 5 + j) * 3 + c] != data[(o * 4 + index) * 3 + c];
      }
  MOTE_CHECK(t, bad == 0, "gather int32: %d wrong", bad);
  MOTE_CHECK(t, mote_gather(1, 4, 1, 4, 3, 2, table, rows, q) == MOTE_OK &&
                    memcmp(q, want8, 6) == 0, "gather int8 rows");
  for (i = 0; i < 6; ++i)
    q[i] = 99;
  MOTE_CHECK(t, mote_gather(1, 8, 1, 4, 2, 2, table, bad_ids, q) == MOTE_ERROR_ARGUMENT,
             "index 4 of 4 rows refused");
  for (i = 0, bad = 0; i < 6; ++i)
    bad += q[i] != 99;
  MOTE_CHECK(t, bad == 0, "refused gather wrote %d bytes", bad);
  MOTE_CHECK(t, mote_gather(1, 2, 1, 4, 2, 2, table, bad_ids, q) == MOTE_ERROR_ARGUMENT,
             "index size 2 refused");
}

/* Comparisons of [2, 3] against a broadcast [3] row (NaN compares false)
 * and Where over a [2, 1] condition, a [2, 3] and a scalar choice, of
 * floats and of int8, against the obvious loops. */
static void test_compare_where(mote_test_counts *t) {
  const float a[6] = {1.0f, -2.0f, 3.0f, 0.5f, 0.0f, -1.0f};
  float b[3] = {1.0f, 0.0f, 3.5f}, out[6], scalar = -9.0f;
  const int8_t qa[6] = {1, 2, 3, 4, 5, 6}, qs = -7;
  const uint8_t cond[2] = {1, 0};
  uint8_t mask[6];
  int8_t q[6];
  mote_broadcast_params p;
  mote_where_params w;
  int predicate, i, bad = 0;
  b[1] = (float)NAN;
  memset(&p, 0, sizeof p);
  p.dim0 = 1, p.dim1 = 1, p.dim2 = 2, p.dim3 = 3;
  p.lhs_stride2 = 3, p.lhs_stride3 = 1, p.rhs_stride3 = 1;
  for (predicate = MOTE_COMPARE_EQ; predicate <= MOTE_COMPARE_GE; ++predicate) {
    MOTE_CHECK(t, mote_compare_f32(&p, predicate, a, b, mask) == MOTE_OK,
               "compare %d", predicate);
    for (i = 0; i < 6; ++i) {
      float x = a[i], y = b[i % 3];
      int want = predicate == MOTE_COMPARE_EQ   ? x == y
                 : predicate == MOTE_COMPARE_LT ? x < y
                 : predicate == MOTE_COMPARE_LE ? x <= y
                 : predicate == MOTE_COMPARE_GT ? x > y
                                                : x >= y;
      bad += mask[i] != want || (i % 3 == 1 && mask[i] != 0);
    }
  }
  MOTE_CHECK(t, bad == 0, "compare: %d wrong", bad);
  MOTE_CHECK(t, mote_compare_f32(&p, 5, a, b, mask) == MOTE_ERROR_ARGUMENT,
             "unknown predicate refused");
  memset(&w, 0, sizeof w);
  w.dim0 = 1, w.dim1 = 1, w.dim2 = 2, w.dim3 = 3;
  w.lhs_stride2 = 3, w.lhs_stride3 = 1, w.cond_stride2 = 1;
  w.element_bytes = 4;
  MOTE_CHECK(t, mote_where(&w, cond, a, &scalar, out) == MOTE_OK, "where f32");
  for (i = 0, bad = 0; i < 6; ++i)
    bad += out[i] != (cond[i / 3] ? a[i] : scalar);
  MOTE_CHECK(t, bad == 0, "where f32: %d wrong", bad);
  w.element_bytes = 1;
  MOTE_CHECK(t, mote_where(&w, cond, qa, &qs, q) == MOTE_OK, "where int8");
  for (i = 0, bad = 0; i < 6; ++i)
    bad += q[i] != (cond[i / 3] ? qa[i] : qs);
  MOTE_CHECK(t, bad == 0, "where int8: %d wrong", bad);
  {
    /* Integer comparisons of each width, values beyond 2^53 for int64 (no
     * detour through floating point) and negative ones (signed). */
    const int64_t la[6] = {INT64_MAX, -5, 7, (int64_t)1 << 60, 0, -1};
    const int64_t lb[3] = {INT64_MAX - 1, -5, 8};
    const int32_t ia[6] = {-3, 4, INT32_MIN, 0, 9, -2}, ib[3] = {-3, 5, 0};
    const int8_t ba[6] = {1, 0, 1, 0, -128, 127}, bb[3] = {1, 1, 0};
    for (predicate = MOTE_COMPARE_EQ, bad = 0; predicate <= MOTE_COMPARE_GE; ++predicate) {
      uint8_t m64[6], m32[6], m8[6];
      MOTE_CHECK(t, mote_compare_int(&p, predicate, 8, la, lb, m64) == MOTE_OK &&
                        mote_compare_int(&p, predicate, 4, ia, ib, m32) == MOTE_OK &&
                        mote_compare_int(&p, predicate, 1, ba, bb, m8) == MOTE_OK,
                 "compare int %d", predicate);
      for (i = 0; i < 6; ++i) {
#define MOTE_WANT(x, y)                                                        \
  (predicate == MOTE_COMPARE_EQ   ? (x) == (y)                                 \
   : predicate == MOTE_COMPARE_LT ? (x) < (y)                                  \
   : predicate == MOTE_COMPARE_LE ? (x) <= (y)                                 \
   : predicate == MOTE_COMPARE_GT ? (x) > (y)                                  \
                                  : (x) >= (y))
        bad += m64[i] != MOTE_WANT(la[i], lb[i % 3]);
        bad += m32[i] != MOTE_WANT(ia[i], ib[i % 3]);
        bad += m8[i] != MOTE_WANT(ba[i], bb[i % 3]);
#undef MOTE_WANT
      }
    }
    MOTE_CHECK(t, bad == 0, "compare int: %d wrong", bad);
    MOTE_CHECK(t, mote_compare_int(&p, MOTE_COMPARE_EQ, 2, ia, ib, mask) ==
                      MOTE_ERROR_ARGUMENT,
               "2-byte integers refused");
  }
}

/* The int8 product of a [2, 1, 3, 5] by a broadcast [4, 5, 2] tensor
 * against an int64 accumulation of (a - za)(b - zb) per output, requantized
 * by the same fixed-point step (itself tested in test_requant.c). */
static void test_matmul_s8(mote_test_counts *t) {
  int8_t a[2 * 3 * 5], b[4 * 5 * 2], y[2 * 4 * 3 * 2];
  mote_matmul_s8_params p;
  int i, n0, n1, r, c, k, bad = 0;
  for (i = 0; i < 30; ++i)
    a[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < 40; ++i)
    b[i] = (int8_t)rnd(-128, 127);
  memset(&p, 0, sizeof p);
  /* Batch dims [2, 4]: a repeats along the second, b along the first. */
  p.dim0 = 1, p.dim1 = 1, p.dim2 = 2, p.dim3 = 4;
  p.lhs_stride2 = 1, p.rhs_stride3 = 1;
  p.m = 3, p.k = 5, p.n = 2;
  p.lhs_offset = 7, p.rhs_offset = -3;
  p.output_multiplier = 1518500250, p.output_shift = -7; /* ~0.0055 */
  p.output_offset = -4, p.act_min = -100, p.act_max = 127;
  MOTE_CHECK(t, mote_matmul_s8(&p, a, b, y) == MOTE_OK, "matmul s8");
  for (n0 = 0; n0 < 2; ++n0)
    for (n1 = 0; n1 < 4; ++n1)
      for (r = 0; r < 3; ++r)
        for (c = 0; c < 2; ++c) {
          int64_t acc = 0;
          for (k = 0; k < 5; ++k)
            acc += (int64_t)(a[n0 * 15 + r * 5 + k] + 7) * (b[n1 * 10 + k * 2 + c] - 3);
          bad += y[((n0 * 4 + n1) * 3 + r) * 2 + c] !=
                 mote_requantize_to_i8((int32_t)acc, p.output_multiplier, p.output_shift,
                                       p.output_offset, p.act_min, p.act_max);
        }
  MOTE_CHECK(t, bad == 0, "matmul s8: %d wrong", bad);
  {
    /* The raw int32 form on the same operands. */
    mote_matmul_s32_params q;
    int32_t sums[2 * 4 * 3 * 2];
    memset(&q, 0, sizeof q);
    q.dim0 = 1, q.dim1 = 1, q.dim2 = 2, q.dim3 = 4;
    q.lhs_stride2 = 1, q.rhs_stride3 = 1;
    q.m = 3, q.k = 5, q.n = 2;
    q.lhs_offset = 128, q.rhs_offset = -127; /* the extreme offsets */
    MOTE_CHECK(t, mote_matmul_s8_s32(&q, a, b, sums) == MOTE_OK, "matmul s32");
    bad = 0;
    for (n0 = 0; n0 < 2; ++n0)
      for (n1 = 0; n1 < 4; ++n1)
        for (r = 0; r < 3; ++r)
          for (c = 0; c < 2; ++c) {
            int64_t acc = 0;
            for (k = 0; k < 5; ++k)
              acc += (int64_t)(a[n0 * 15 + r * 5 + k] + 128) * (b[n1 * 10 + k * 2 + c] - 127);
            bad += sums[((n0 * 4 + n1) * 3 + r) * 2 + c] != acc;
          }
    MOTE_CHECK(t, bad == 0, "matmul s32: %d wrong", bad);
    q.k = 33026;
    MOTE_CHECK(t, mote_matmul_s8_s32(&q, a, b, sums) == MOTE_ERROR_ARGUMENT,
               "a depth that could overflow int32 is refused");
  }
  p.k = 33026;
  MOTE_CHECK(t, mote_matmul_s8(&p, a, b, y) == MOTE_ERROR_ARGUMENT,
             "a depth that could overflow int32 is refused");
}

/* The int8 transposed convolution against a scatter-form reference (each
 * input pixel adds its window into an int64 image), on random geometry:
 * groups, strides and dilations with and without common factors, pads,
 * and output_padding rows only the bias reaches. */
static void test_conv_transpose_s8(mote_test_counts *t, int trial) {
  static int64_t acc[16384];
  mote_conv2d_s8_params p;
  int32_t n, ic, iy, ix, o, ky, kx, i, g, icg, ocg, bad = 0;
  memset(&p, 0, sizeof p);
  p.groups = rnd(1, 2);
  p.batch = rnd(1, 2);
  p.out_channels = p.groups * rnd(1, 3); /* our input channels */
  p.in_channels = p.groups * rnd(1, 3);  /* our output channels */
  p.out_h = rnd(1, 4), p.out_w = rnd(1, 5);
  p.kernel_h = rnd(1, 4), p.kernel_w = rnd(1, 3);
  p.stride_h = rnd(1, 3), p.stride_w = rnd(1, 3);
  p.dilation_h = rnd(1, 2), p.dilation_w = rnd(1, 3);
  p.pad_top = rnd(0, (p.kernel_h - 1) * p.dilation_h);
  p.pad_left = rnd(0, (p.kernel_w - 1) * p.dilation_w);
  /* Full extent minus the top / left pads, minus a bottom / right pad or
   * plus output padding (below the stride). */
  p.in_h = p.stride_h * (p.out_h - 1) + (p.kernel_h - 1) * p.dilation_h + 1 -
           p.pad_top + rnd(-1, p.stride_h - 1);
  p.in_w = p.stride_w * (p.out_w - 1) + (p.kernel_w - 1) * p.dilation_w + 1 -
           p.pad_left + rnd(-1, p.stride_w - 1);
  if (p.in_h < 1)
    p.in_h = 1;
  if (p.in_w < 1)
    p.in_w = 1;
  p.input_offset = rnd(-20, 20);
  p.output_offset = rnd(-10, 10);
  p.act_min = rnd(-128, -100), p.act_max = rnd(100, 127);
  icg = p.out_channels / p.groups;
  ocg = p.in_channels / p.groups;
  for (i = 0; i < p.batch * p.out_channels * p.out_h * p.out_w; ++i)
    in_buf[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < p.out_channels * ocg * p.kernel_h * p.kernel_w; ++i)
    w_buf[i] = (int8_t)rnd(-127, 127);
  for (i = 0; i < p.in_channels; ++i) {
    bias_buf[i] = rnd(-5000, 5000);
    mult_buf[i] = rnd(1 << 30, 0x7fffffff);
    shift_buf[i] = rnd(-12, -6);
  }
  for (i = 0; i < p.batch * p.in_channels * p.in_h * p.in_w; ++i)
    acc[i] = bias_buf[(i / (p.in_h * p.in_w)) % p.in_channels];
  for (n = 0; n < p.batch; ++n)
    for (ic = 0; ic < p.out_channels; ++ic)
      for (iy = 0; iy < p.out_h; ++iy)
        for (ix = 0; ix < p.out_w; ++ix) {
          const int32_t x =
              in_buf[((n * p.out_channels + ic) * p.out_h + iy) * p.out_w + ix] +
              p.input_offset;
          g = ic / icg;
          for (o = 0; o < ocg; ++o)
            for (ky = 0; ky < p.kernel_h; ++ky)
              for (kx = 0; kx < p.kernel_w; ++kx) {
                const int32_t yy = iy * p.stride_h - p.pad_top + ky * p.dilation_h;
                const int32_t xx = ix * p.stride_w - p.pad_left + kx * p.dilation_w;
                if (yy < 0 || yy >= p.in_h || xx < 0 || xx >= p.in_w)
                  continue;
                acc[((n * p.in_channels + g * ocg + o) * p.in_h + yy) * p.in_w + xx] +=
                    (int64_t)x *
                    w_buf[((ic * ocg + o) * p.kernel_h + ky) * p.kernel_w + kx];
              }
        }
  MOTE_CHECK(t, mote_conv_transpose2d_s8(&p, in_buf, w_buf, bias_buf, mult_buf,
                                         shift_buf, out_buf) == MOTE_OK,
             "conv transpose s8 (trial %d)", trial);
  for (i = 0; i < p.batch * p.in_channels * p.in_h * p.in_w; ++i) {
    const int32_t c = (i / (p.in_h * p.in_w)) % p.in_channels;
    bad += out_buf[i] != mote_requantize_to_i8((int32_t)acc[i], mult_buf[c],
                                               shift_buf[c], p.output_offset,
                                               p.act_min, p.act_max);
  }
  MOTE_CHECK(t, bad == 0, "conv transpose s8 (trial %d): %d of %d wrong", trial,
             bad, p.batch * p.in_channels * p.in_h * p.in_w);
  if (trial == 0) {
    p.groups = 5;
    MOTE_CHECK(t, mote_conv_transpose2d_s8(&p, in_buf, w_buf, bias_buf, mult_buf,
                                           shift_buf, out_buf) == MOTE_ERROR_ARGUMENT,
               "conv transpose s8: groups must divide the channels");
  }
}

int main(void) {
  mote_test_counts t = {0, 0};
  int trial;
  for (trial = 0; trial < 300; ++trial)
    test_conv(&t, trial);
  test_window_walks(&t);
  test_fully_connected(&t);
  test_add_broadcast(&t);
  test_add_sub_exact(&t);
  test_prelu_s8(&t);
  test_pools(&t);
  test_boundary(&t);
  test_softmax_and_exp(&t);
  test_transpose(&t);
  test_float_kernels(&t);
  test_lut_and_slice(&t);
  test_matmul_and_softmax_axis(&t);
  test_concat_pad(&t);
  test_gather(&t);
  test_compare_where(&t);
  test_matmul_s8(&t);
  for (trial = 0; trial < 200; ++trial)
    test_conv_transpose_s8(&t, trial);
  test_resize(&t);
  test_reduce(&t);
  test_layer_norm(&t);
  test_layer_norm_s8(&t);
  test_recurrent(&t);
  test_recurrent_s8(&t);
  test_quantize_axis(&t);
  test_requantize_mixed(&t);
  return mote_test_summary(&t);
}
