/*===- test_gemm.c - The Arm targets' convolution kernels vs the generic one -===*
 *
 * Random int8 convolutions (strides, dilations, padding, depths that need
 * padding, several images) and fully-connected layers (gather = 0) run
 * through each target's entry point, and random depthwise convolutions
 * through the Cortex-M DSP depthwise kernel, on weights packed here the way the
 * compiler packs them (docs/CodeGeneration.md, "Targets"), and must equal
 * mote_conv2d_s8 exactly. Built for the host (every target file takes its
 * portable path), for aarch64 with and without the dot-product extension,
 * and for Cortex-M4 and Cortex-M55 boards: each target file reports whether
 * it was compiled with its CPU feature. Uses mote_board.h only, so the same
 * program runs hosted and on semihosting boards.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_gemm.h"
#include "mote_board.h"

#define MAX_IN 2048
#define MAX_OUT 2048
#define MAX_WEIGHTS 4096
#define MAX_CHANNELS 32
#define MAX_SCRATCH (3 * 4 * 512 + 1024)

static uint32_t seed = 12345u;
static int32_t rnd(int32_t lo, int32_t hi) { /* inclusive */
  seed = seed * 1664525u + 1013904223u;
  return lo + (int32_t)((seed >> 8) % (uint32_t)(hi - lo + 1));
}

static int8_t input[MAX_IN], weight[MAX_WEIGHTS];
static int8_t packed8[MAX_WEIGHTS * 2];
static int32_t packed32[MAX_WEIGHTS];
static int32_t bias[MAX_CHANNELS], folded[MAX_CHANNELS];
static int32_t multiplier[MAX_CHANNELS], shift[MAX_CHANNELS];
static int8_t expected[MAX_OUT], got[MAX_OUT];
static _Alignas(16) int8_t scratch[MAX_SCRATCH];
static long passed, failed;

static void print_number(long v) {
  char text[24];
  int n = sizeof text - 1;
  unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
  text[n] = '\0';
  do {
    text[--n] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0)
    text[--n] = '-';
  mote_board_print(text + n);
}

/* Packs OIHW weights for a target: OHWI when the kernel has more than one
 * tap (`taps` = kernel_h * kernel_w), rows padded to `multiple`, int8 or
 * int16 pairs (w0 | w2 << 16, w1 | w3 << 16) with the rows of each full
 * group of four interleaved per step (the four even words, then the four
 * odd ones); folds the input offset. */
static void pack(int32_t rows, int32_t depth, int32_t taps, int32_t padded,
                 int pairs, int32_t input_offset) {
  const int32_t channels = depth / taps;
  int32_t r, k;
  for (r = 0; r < rows; ++r) {
    int32_t sum = 0;
    for (k = 0; k < padded; ++k) {
      /* Kernels larger than 1x1 store OHWI: k = tap * channels + channel. */
      int8_t w = k >= depth ? 0
                 : taps > 1 ? weight[r * depth + (k % channels) * taps + k / channels]
                            : weight[r * depth + k];
      packed8[r * padded + k] = w;
      sum += w;
    }
    folded[r] = bias[r] + input_offset * sum;
  }
  if (pairs) {
    static int32_t words[MAX_WEIGHTS];
    const int32_t row_words = padded / 2;
    int32_t first, step, half, n = 0;
    for (k = 0; k < rows * padded; k += 4) {
      words[k / 2] = (int32_t)((uint32_t)(uint16_t)packed8[k] |
                               (uint32_t)(uint16_t)packed8[k + 2] << 16);
      words[k / 2 + 1] = (int32_t)((uint32_t)(uint16_t)packed8[k + 1] |
                                   (uint32_t)(uint16_t)packed8[k + 3] << 16);
    }
    for (first = 0; first + 4 <= rows; first += 4)
      for (step = 0; step < row_words; step += 2)
        for (half = 0; half < 2; ++half)
          for (r = first; r < first + 4; ++r)
            packed32[n++] = words[r * row_words + step + half];
    for (k = n; k < rows * row_words; ++k)
      packed32[k] = words[k];
  }
}

typedef mote_status (*entry8)(const mote_gemm_conv_params *, const int8_t *,
                              const int8_t *, const int32_t *, const int32_t *,
                              const int32_t *, int8_t *, int8_t *);

static void check(const char *target, int ok, int trial) {
  if (ok) {
    ++passed;
    return;
  }
  ++failed;
  mote_board_print("FAILED: ");
  mote_board_print(target);
  mote_board_print(" trial ");
  print_number(trial);
  mote_board_print("\n");
}

/* The scratch bytes a layer may use, as the compiler plans them: the band
 * (kernels larger than 1x1), then the columns, times `per_element` (1, or
 * 3 on Cortex-M4, which widens them). Past them the buffer is filled with
 * a canary that must survive the call. */
static int32_t scratch_bytes(const mote_gemm_conv_params *g,
                             int32_t per_element) {
  int32_t band = 0;
  if (!g->gather)
    return g->block * g->depth_padded * (per_element - 1);
  if (MOTE_GEMM_USES_BAND(g->kernel_h, g->kernel_w))
    band = MOTE_GEMM_BAND_BYTES(g->kernel_h, g->kernel_w, g->in_channels,
                                g->out_w, g->stride_w, g->dilation_w);
  return band + g->block * g->depth_padded * per_element;
}

static void fill_canary(int32_t used) {
  int32_t i;
  for (i = used; i < MAX_SCRATCH; ++i)
    scratch[i] = (int8_t)0x77;
}

static int canary_intact(int32_t used) {
  int32_t i;
  for (i = used; i < MAX_SCRATCH; ++i)
    if (scratch[i] != (int8_t)0x77)
      return 0;
  return 1;
}

static int same(int32_t count) {
  int32_t i;
  for (i = 0; i < count; ++i)
    if (expected[i] != got[i])
      return 0;
  return 1;
}

static void trial(int t) {
  mote_conv2d_s8_params c;
  mote_gemm_conv_params g;
  int32_t i, depth, outputs, fc = t % 5 == 4;
  int32_t kh, kw;
  c.batch = rnd(1, 2);
  c.in_channels = fc ? 16 * rnd(1, 4) : rnd(1, 12);
  c.in_h = fc ? 1 : rnd(1, 8);
  c.in_w = fc ? 1 : rnd(1, 8);
  kh = fc ? 1 : rnd(1, 3);
  kw = fc ? 1 : rnd(1, 3);
  c.kernel_h = kh;
  c.kernel_w = kw;
  c.stride_h = fc ? 1 : rnd(1, 2);
  c.stride_w = fc ? 1 : rnd(1, 2);
  c.dilation_h = fc ? 1 : rnd(1, 2);
  c.dilation_w = fc ? 1 : rnd(1, 2);
  c.pad_top = fc ? 0 : rnd(0, 2);
  c.pad_left = fc ? 0 : rnd(0, 2);
  c.out_h = (c.in_h + 2 * c.pad_top - c.dilation_h * (kh - 1) - 1) / c.stride_h + 1;
  c.out_w = (c.in_w + 2 * c.pad_left - c.dilation_w * (kw - 1) - 1) / c.stride_w + 1;
  c.out_channels = rnd(1, 11);
  c.groups = 1;
  c.input_offset = rnd(-127, 128);
  c.output_offset = rnd(-128, 127);
  c.act_min = rnd(-128, 0);
  c.act_max = rnd(0, 127);
  if (c.out_h < 1 || c.out_w < 1)
    return;
  depth = c.in_channels * kh * kw;
  outputs = c.batch * c.out_channels * c.out_h * c.out_w;
  if (c.batch * c.in_channels * c.in_h * c.in_w > MAX_IN || outputs > MAX_OUT ||
      c.out_channels * (depth + 16) > MAX_WEIGHTS)
    return;
  for (i = 0; i < c.batch * c.in_channels * c.in_h * c.in_w; ++i)
    input[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < c.out_channels * depth; ++i)
    weight[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < c.out_channels; ++i) {
    /* Every seventh trial: scales in [0.5, 1) and sums far beyond the
     * int8 range, so requantization uses all 32 bits before the clamp. */
    const int wide = t % 7 == 3;
    bias[i] = wide ? rnd(-(1 << 29), 1 << 29) : rnd(-20000, 20000);
    multiplier[i] = rnd(1 << 30, 0x7fffffff);
    shift[i] = wide ? 0 : rnd(-12, 0);
  }
  if (mote_conv2d_s8(&c, input, weight, bias, multiplier, shift, expected))
    return;

  g.batch = c.batch;
  g.in_channels = c.in_channels;
  g.in_h = c.in_h;
  g.in_w = c.in_w;
  g.out_channels = c.out_channels;
  g.out_h = c.out_h;
  g.out_w = c.out_w;
  g.kernel_h = kh;
  g.kernel_w = kw;
  g.stride_h = c.stride_h;
  g.stride_w = c.stride_w;
  g.dilation_h = c.dilation_h;
  g.dilation_w = c.dilation_w;
  g.pad_top = c.pad_top;
  g.pad_left = c.pad_left;
  g.input_zero_point = -c.input_offset;
  g.output_offset = c.output_offset;
  g.act_min = c.act_min;
  g.act_max = c.act_max;
  g.depth = depth;
  g.gather = !fc;
  {
    static const struct {
      const char *name;
      entry8 run;
    } int8_targets[] = {
        {"aarch64-neon", mote_aarch64_neon_conv2d_s8},
        {"aarch64-dotprod", mote_aarch64_dotprod_conv2d_s8},
        {"cortex-m55", mote_cortex_m55_conv2d_s8},
    };
    unsigned n;
    g.depth_padded = (depth + 15) / 16 * 16;
    g.block = rnd(1, 4);
    pack(c.out_channels, depth, kh * kw, g.depth_padded, 0, c.input_offset);
    for (n = 0; n < sizeof int8_targets / sizeof int8_targets[0]; ++n) {
      for (i = 0; i < outputs; ++i)
        got[i] = (int8_t)0x5a;
      fill_canary(scratch_bytes(&g, 1));
      check(int8_targets[n].name,
            int8_targets[n].run(&g, input, packed8, folded, multiplier, shift,
                                scratch, got) == MOTE_OK &&
                same(outputs) && canary_intact(scratch_bytes(&g, 1)),
            t);
    }
  }
  g.depth_padded = (depth + 3) / 4 * 4;
  if (fc && g.depth_padded != depth)
    return;
  pack(c.out_channels, depth, kh * kw, g.depth_padded, 1, c.input_offset);
  for (i = 0; i < outputs; ++i)
    got[i] = (int8_t)0x5a;
  fill_canary(scratch_bytes(&g, 3));
  check("cortex-m4",
        mote_cortex_m4_conv2d_s8(&g, input, packed32, folded, multiplier, shift,
                                 scratch, got) == MOTE_OK &&
            same(outputs) && canary_intact(scratch_bytes(&g, 3)),
        t);
}

/* Depthwise convolutions through the Cortex-M DSP kernel (3x3 windows of
 * unit dilation take its SMLAD path on a padded copy of each channel). */
static void depthwise_trial(int t) {
  static int8_t dw_scratch[MAX_SCRATCH];
  mote_conv2d_s8_params c;
  int32_t i, outputs;
  c.batch = rnd(1, 2);
  c.groups = c.in_channels = c.out_channels = rnd(1, 6);
  c.in_h = rnd(1, 9);
  c.in_w = rnd(1, 9);
  c.kernel_h = c.kernel_w = t % 4 ? 3 : rnd(1, 3);
  c.stride_h = rnd(1, 2);
  c.stride_w = rnd(1, 2);
  c.dilation_h = c.dilation_w = t % 4 ? 1 : rnd(1, 2);
  c.pad_top = rnd(0, 2);
  c.pad_left = rnd(0, 2);
  c.out_h = (c.in_h + 2 * c.pad_top - c.dilation_h * (c.kernel_h - 1) - 1) / c.stride_h + 1;
  c.out_w = (c.in_w + 2 * c.pad_left - c.dilation_w * (c.kernel_w - 1) - 1) / c.stride_w + 1;
  c.input_offset = rnd(-127, 128);
  c.output_offset = rnd(-128, 127);
  c.act_min = rnd(-128, 0);
  c.act_max = rnd(0, 127);
  if (c.out_h < 1 || c.out_w < 1 ||
      MOTE_DEPTHWISE_SCRATCH(c.out_h, c.out_w, c.stride_h, c.stride_w) > MAX_SCRATCH)
    return;
  outputs = c.batch * c.out_channels * c.out_h * c.out_w;
  for (i = 0; i < c.batch * c.in_channels * c.in_h * c.in_w; ++i)
    input[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < c.out_channels * c.kernel_h * c.kernel_w; ++i)
    weight[i] = (int8_t)rnd(-128, 127);
  for (i = 0; i < c.out_channels; ++i) {
    bias[i] = rnd(-20000, 20000);
    multiplier[i] = rnd(1 << 30, 0x7fffffff);
    shift[i] = rnd(-12, 1);
  }
  if (mote_conv2d_s8(&c, input, weight, bias, multiplier, shift, expected))
    return;
  for (i = 0; i < outputs; ++i)
    got[i] = (int8_t)0x5a;
  check("arm-dsp depthwise",
        mote_arm_dsp_depthwise_conv2d_s8(&c, input, weight, bias, multiplier,
                                           shift, dw_scratch, got) == MOTE_OK &&
            same(outputs),
        t);
}

int mote_main(int argc, char **argv) {
  int t;
  (void)argc;
  (void)argv;
  mote_board_print("features: aarch64-neon ");
  print_number(mote_aarch64_neon_uses_feature());
  mote_board_print(" aarch64-dotprod ");
  print_number(mote_aarch64_dotprod_uses_feature());
  mote_board_print(" cortex-m4 ");
  print_number(mote_cortex_m4_uses_feature());
  mote_board_print(" cortex-m55 ");
  print_number(mote_cortex_m55_uses_feature());
  mote_board_print(" arm-dsp ");
  print_number(mote_arm_dsp_uses_feature());
  mote_board_print("\n");
  for (t = 0; t < 400; ++t)
    trial(t);
  for (t = 0; t < 300; ++t)
    depthwise_trial(t);
  print_number(passed);
  mote_board_print(" passed, ");
  print_number(failed);
  mote_board_print(" failed\n");
  return failed != 0 || passed < 400;
}
