/*===- mote_arm_dsp_depthwise.c - Depthwise 3x3 with SMLAD (Cortex-M) -===*
 *
 * Used by the cortex-m4 and cortex-m55 targets (both have the DSP
 * extension); built without it, the same code runs on portable C
 * (mote_arm_dsp.h) for the unit tests.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_gemm.h"
#include "mote/mote_requant.h"
#include "mote_arm_dsp.h"

#include <stddef.h>

int mote_arm_dsp_uses_feature(void) { return MOTE_ARM_DSP; }

/* Depthwise convolution (one input channel per output channel) with the
 * DSP extension (Cortex-M4, Cortex-M55), 3x3 windows of unit dilation. Each channel is first copied
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
static MOTE_NOINLINE void
m4_depthwise_plane(const int8_t *plane, int32_t width, int32_t stride_h,
                   int32_t stride_w, int32_t out_h, int32_t out_w,
                   const m4_depthwise_channel *MOTE_RESTRICT k,
                   int8_t *out) {
  const int32_t w02a = k->pairs[0], w1a = k->pairs[1], w02b = k->pairs[2];
  const int32_t w1b = k->pairs[3], w02c = k->pairs[4], w1c = k->pairs[5];
  /* k is restrict: the int8 stores below cannot change it. */
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

mote_status mote_arm_dsp_depthwise_conv2d_s8(
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
