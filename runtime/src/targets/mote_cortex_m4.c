/*===- mote_cortex_m4.c - DSP-extension block (Cortex-M4, ARMv7E-M) -----===*
 *
 * SMLAD multiplies two int16 pairs and adds both products to an int32. The
 * compiler stores weights as int16, each group of four w0 w1 w2 w3 as
 * w0 w2 w1 w3; a block widens its int8 columns the same way with SXTB16
 * (even bytes) and SXTB16 ROR #8 (odd bytes) once, into the work space, so
 * one step (4 elements) is two word loads per operand and two SMLADs.
 * Without the DSP extension the same layout runs through portable C that
 * computes what SXTB16 and SMLAD compute.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_gemm.h"
#include "mote/mote_requant.h"

typedef struct {
  int32_t even, odd; /* int16 pairs (k0, k2) and (k1, k3) */
} mote_m4_pairs;

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#define M4_SXTB16(x) ((uint32_t)__sxtb16(x))
#define M4_SXTB16_ODD(x) ((uint32_t)__sxtb16((x) >> 8 | (x) << 24))
#define M4_SMLAD(x, y, acc) __smlad(x, y, acc)
int mote_cortex_m4_uses_feature(void) { return 1; }
#else
static uint32_t m4_sxtb16(uint32_t x) {
  return (uint32_t)(uint16_t)(int16_t)(int8_t)(x & 0xff) |
         (uint32_t)(uint16_t)(int16_t)(int8_t)((x >> 16) & 0xff) << 16;
}
static int32_t m4_smlad(int32_t x, int32_t y, int32_t acc) {
  const uint32_t a = (uint32_t)x, b = (uint32_t)y;
  return acc + (int32_t)(int16_t)(a & 0xffff) * (int16_t)(b & 0xffff) +
         (int32_t)(int16_t)(a >> 16) * (int16_t)(b >> 16);
}
#define M4_SXTB16(x) m4_sxtb16(x)
#define M4_SXTB16_ODD(x) m4_sxtb16((x) >> 8 | (x) << 24)
#define M4_SMLAD(x, y, acc) m4_smlad(x, y, acc)
int mote_cortex_m4_uses_feature(void) { return 0; }
#endif

static inline mote_m4_pairs m4_load(const int32_t *ptr) {
  mote_m4_pairs v;
  v.even = ptr[0];
  v.odd = ptr[1];
  return v;
}

/* Widens `count` columns of kp int8 values into int16 pairs in `work`
 * (word-aligned: the compiler plans scratch buffers at 16-byte offsets). */
static const int32_t *m4_widen(const int8_t *columns, int32_t count,
                               int32_t kp, void *work) {
  int32_t *out = (int32_t *)work;
  int32_t i;
  for (i = 0; i < count * kp; i += 4) {
    uint32_t x;
    __builtin_memcpy(&x, columns + i, 4); /* one LDR */
    out[i / 2] = (int32_t)M4_SXTB16(x);
    out[i / 2 + 1] = (int32_t)M4_SXTB16_ODD(x);
  }
  return out;
}

/* Rows and widened columns are int32 words, two elements each. */
#define MOTE_COL_T int32_t
#define MOTE_W_T int32_t
#define MOTE_ROW_LENGTH(kp) ((kp) / 2)
#define MOTE_VEC mote_m4_pairs
#define MOTE_ACC int32_t
#define MOTE_ACC_ZERO 0
#define MOTE_STEP 2
#define MOTE_TILE_ROWS 2
#define MOTE_LOAD(ptr) m4_load(ptr)
#define MOTE_DOT(acc, x, w)                                                    \
  M4_SMLAD((x).odd, (w).odd, M4_SMLAD((x).even, (w).even, acc))
#define MOTE_REDUCE(acc) (acc)
#define MOTE_PREPARE(columns, count, kp, work)                                 \
  m4_widen(columns, count, kp, work)
#include "mote_gemm_tile.inc"

MOTE_GEMM_TARGET_ENTRY(mote_cortex_m4_conv2d_s8, int32_t) {
  if (p && p->depth_padded % 4)
    return MOTE_ERROR_ARGUMENT;
  return mote_gemm_conv_s8(p, input, weight, bias, multiplier, shift, scratch,
                           output, gemm_block);
}

/* Depthwise convolution (one input channel per output channel) on
 * Cortex-M4, 3x3 windows of unit dilation. Each channel is first copied
 * into the scratch buffer with its padding made explicit (the input zero
 * point, the real zero), so every window is an interior one: one word load
 * per window row, SXTB16 splits it into the pairs (x0, x2) and (x1, x3),
 * and SMLAD with (w0, w2) plus SMLABB with w1 make the row's three
 * products, on a bias holding input_offset * sum(weights). 15 instructions
 * for 9 MACs. Other shapes take the portable kernel; results are equal. */
static inline int32_t m4_pack16(int32_t lo, int32_t hi) {
  return (int32_t)((uint32_t)(uint16_t)(int16_t)lo |
                   (uint32_t)(uint16_t)(int16_t)hi << 16);
}

#if defined(__ARM_FEATURE_DSP)
#define M4_SMLABB(x, y, acc) __smlabb(x, y, acc)
#else
#define M4_SMLABB(x, y, acc)                                                   \
  ((acc) + (int32_t)(int16_t)((uint32_t)(x)&0xffff) *                          \
               (int16_t)((uint32_t)(y)&0xffff))
#endif

/* One window row: three products of x[0..2] with (w0, w2) and w1. */
static inline int32_t m4_row3(const int8_t *x, int32_t w02, int32_t w1,
                              int32_t acc) {
  uint32_t word;
  __builtin_memcpy(&word, x, 4); /* one unaligned LDR (x[3] is unused) */
  acc = M4_SMLAD((int32_t)M4_SXTB16(word), w02, acc);
  return M4_SMLABB((int32_t)M4_SXTB16_ODD(word), w1, acc);
}

typedef struct {
  int32_t pairs[6]; /* (w0, w2), w1, (w3, w5), w4, (w6, w8), w7 */
  int32_t folded, multiplier, shift;
  int32_t output_offset, act_min, act_max;
} m4_depthwise_channel;

/* All outputs of one channel from its padded plane (`width` bytes a row). */
static __attribute__((noinline)) void
m4_depthwise_plane(const int8_t *plane, int32_t width, int32_t stride_h,
                   int32_t stride_w, int32_t out_h, int32_t out_w,
                   const m4_depthwise_channel *k, int8_t *out) {
  const int32_t w02a = k->pairs[0], w1a = k->pairs[1], w02b = k->pairs[2];
  const int32_t w1b = k->pairs[3], w02c = k->pairs[4], w1c = k->pairs[5];
  /* Locals: the int8 stores below may alias *k. */
  const int32_t folded = k->folded, output_offset = k->output_offset;
  const int32_t act_min = k->act_min, act_max = k->act_max;
  const mote_requant_channel rq =
      mote_requant_prepare(k->multiplier, k->shift);
  int32_t oy, ox;
  for (oy = 0; oy < out_h; ++oy) {
    const int8_t *x = plane + (ptrdiff_t)oy * stride_h * width;
    for (ox = 0; ox < out_w; ++ox, x += stride_w) {
      int32_t acc = m4_row3(x, w02a, w1a, folded);
      acc = m4_row3(x + width, w02b, w1b, acc);
      acc = m4_row3(x + 2 * width, w02c, w1c, acc);
      *out++ = mote_clamp_to_i8(mote_requantize_prepared(acc, &rq),
                                output_offset, act_min, act_max);
    }
  }
}

mote_status mote_cortex_m4_depthwise_conv2d_s8(
    const mote_conv2d_s8_params *p, const int8_t *input, const int8_t *weight,
    const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
    int8_t *scratch, int8_t *output) {
  int32_t n, c, y, k, width, height;
  int8_t pad;
  if (!p || !input || !weight || !multiplier || !shift || !output ||
      p->groups != p->in_channels || p->groups != p->out_channels)
    return MOTE_ERROR_ARGUMENT;
  if (p->kernel_h != 3 || p->kernel_w != 3 || p->dilation_h != 1 ||
      p->dilation_w != 1 || !scratch)
    return mote_conv2d_s8(p, input, weight, bias, multiplier, shift, output);
  /* The padded plane: every window's rows, plus one byte for the last
   * word load. */
  width = (p->out_w - 1) * p->stride_w + 3 + 1;
  height = (p->out_h - 1) * p->stride_h + 3;
  pad = (int8_t)-p->input_offset;
  for (n = 0; n < p->batch; ++n)
    for (c = 0; c < p->out_channels; ++c) {
      const ptrdiff_t plane = (ptrdiff_t)p->in_h * p->in_w;
      const int8_t *in = input + ((ptrdiff_t)n * p->in_channels + c) * plane;
      const int8_t *w = weight + (ptrdiff_t)c * 9;
      m4_depthwise_channel ch;
      for (y = 0; y < height; ++y) {
        const int32_t iy = y - p->pad_top;
        int8_t *row = scratch + (ptrdiff_t)y * width;
        int32_t x = 0, first = p->pad_left, end;
        if (iy < 0 || iy >= p->in_h) {
          __builtin_memset(row, pad, (size_t)width);
          continue;
        }
        /* Columns [first, end) come from the image row. */
        end = first + p->in_w < width ? first + p->in_w : width;
        for (; x < first && x < width; ++x)
          row[x] = pad;
        if (end > first)
          __builtin_memcpy(row + first, in + (ptrdiff_t)iy * p->in_w,
                           (size_t)(end - first));
        for (x = end > first ? end : first; x < width; ++x)
          row[x] = pad;
      }
      ch.folded = bias ? bias[c] : 0;
      for (k = 0; k < 9; ++k)
        ch.folded += p->input_offset * w[k];
      ch.pairs[0] = m4_pack16(w[0], w[2]);
      ch.pairs[1] = w[1];
      ch.pairs[2] = m4_pack16(w[3], w[5]);
      ch.pairs[3] = w[4];
      ch.pairs[4] = m4_pack16(w[6], w[8]);
      ch.pairs[5] = w[7];
      ch.multiplier = multiplier[c];
      ch.shift = shift[c];
      ch.output_offset = p->output_offset;
      ch.act_min = p->act_min;
      ch.act_max = p->act_max;
      m4_depthwise_plane(scratch, width, p->stride_h, p->stride_w, p->out_h,
                         p->out_w, &ch,
                         output + ((ptrdiff_t)n * p->out_channels + c) *
                                      p->out_h * p->out_w);
    }
  return MOTE_OK;
}
