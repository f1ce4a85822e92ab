/*===- mote_cortex_m4.c - DSP-extension block (Cortex-M4, ARMv7E-M) -----===*
 *
 * SMLAD multiplies two int16 pairs and adds both products to an int32. The
 * compiler stores weights as int16 pairs, each group of four depth values
 * w0 w1 w2 w3 as the words (w0, w2) and (w1, w3); a block widens its int8
 * columns the same way with SXTB16 (even bytes) and SXTB16 ROR #8 (odd
 * bytes) once, into the work space.
 *
 * Output channels are computed four at a time, and the compiler
 * interleaves the weight rows of each such group: per step of four depth
 * values, the four rows' even words, then their four odd words. One step of
 * a column against a group is then one LDRD (the column's two words), two
 * LDMs (four weight words each) and eight SMLADs: 16 products in 11
 * instructions, the loop counted every second step. The inner loop is
 * written in assembly because it needs 13 registers (four accumulators,
 * two column words, four weight words, two pointers and the end), which
 * GCC does not allocate without spilling. Channels after the last group of
 * four are stored row after row (even, odd words per step) and take a C
 * loop.
 *
 * Without the DSP extension (or outside Thumb-2) the same layout runs
 * through portable C that computes what SXTB16 and SMLAD compute.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_gemm.h"
#include "mote/mote_requant.h"

#include "mote_arm_dsp.h"

int mote_cortex_m4_uses_feature(void) { return MOTE_ARM_DSP; }

/* Widens `count` columns of kp int8 values into int16 pairs in `work`
 * (word-aligned: the compiler plans scratch buffers at 16-byte offsets). */
static const int32_t *m4_widen(const int8_t *columns, int32_t count,
                               int32_t kp, void *work) {
  int32_t *out = (int32_t *)work;
  const int8_t *end = columns + (ptrdiff_t)count * kp;
  for (; columns != end; columns += 4, out += 2) {
    uint32_t x;
    __builtin_memcpy(&x, columns, 4); /* one LDR */
    out[0] = (int32_t)M4_SXTB16(x);
    out[1] = (int32_t)M4_SXTB16_ODD(x);
  }
  return (const int32_t *)work;
}

#if MOTE_ARM_DSP && defined(__thumb2__)
/* acc[r] = sum over `steps` steps of column . weight row r, for the four
 * interleaved rows at `weights` (steps >= 1). r0 column, r1 weights, r2
 * steps then the weights' end, r3 acc; accumulators r4-r7, column words
 * r8 r9, weight words r10 r11 r12 lr. */
#define M4_ASM_ARG __attribute__((unused)) /* read by the assembly */
__attribute__((naked, noinline)) static void
gemm_block_dot4(const int32_t *column M4_ASM_ARG, const int32_t *weights M4_ASM_ARG,
        int32_t steps M4_ASM_ARG, int32_t *acc M4_ASM_ARG) {
  __asm__ volatile(
      "push   {r4-r11, lr}\n\t"
      "movs   r4, #0\n\t"
      "movs   r5, #0\n\t"
      "movs   r6, #0\n\t"
      "movs   r7, #0\n\t"
      "add    r12, r1, r2, lsl #5\n\t"
      "tst    r2, #1\n\t"
      "mov    r2, r12\n\t"
      "beq    2f\n\t"
      /* An odd count: one step first. */
      "ldrd   r8, r9, [r0], #8\n\t"
      "ldmia  r1!, {r10, r11, r12, lr}\n\t"
      "smlad  r4, r8, r10, r4\n\t"
      "smlad  r5, r8, r11, r5\n\t"
      "smlad  r6, r8, r12, r6\n\t"
      "smlad  r7, r8, lr, r7\n\t"
      "ldmia  r1!, {r10, r11, r12, lr}\n\t"
      "smlad  r4, r9, r10, r4\n\t"
      "smlad  r5, r9, r11, r5\n\t"
      "smlad  r6, r9, r12, r6\n\t"
      "smlad  r7, r9, lr, r7\n\t"
      "2:\n\t"
      "cmp    r1, r2\n\t"
      "beq    3f\n\t"
      /* Two steps per iteration. */
      "1:\n\t"
      "ldrd   r8, r9, [r0], #8\n\t"
      "ldmia  r1!, {r10, r11, r12, lr}\n\t"
      "smlad  r4, r8, r10, r4\n\t"
      "smlad  r5, r8, r11, r5\n\t"
      "smlad  r6, r8, r12, r6\n\t"
      "smlad  r7, r8, lr, r7\n\t"
      "ldmia  r1!, {r10, r11, r12, lr}\n\t"
      "smlad  r4, r9, r10, r4\n\t"
      "smlad  r5, r9, r11, r5\n\t"
      "smlad  r6, r9, r12, r6\n\t"
      "smlad  r7, r9, lr, r7\n\t"
      "ldrd   r8, r9, [r0], #8\n\t"
      "ldmia  r1!, {r10, r11, r12, lr}\n\t"
      "smlad  r4, r8, r10, r4\n\t"
      "smlad  r5, r8, r11, r5\n\t"
      "smlad  r6, r8, r12, r6\n\t"
      "smlad  r7, r8, lr, r7\n\t"
      "ldmia  r1!, {r10, r11, r12, lr}\n\t"
      "smlad  r4, r9, r10, r4\n\t"
      "smlad  r5, r9, r11, r5\n\t"
      "smlad  r6, r9, r12, r6\n\t"
      "smlad  r7, r9, lr, r7\n\t"
      "cmp    r1, r2\n\t"
      "bne    1b\n\t"
      "3:\n\t"
      "stm    r3, {r4-r7}\n\t"
      "pop    {r4-r11, pc}\n\t");
}
#else
/* The same sums in C, on the same layout. */
static void gemm_block_dot4(const int32_t *column, const int32_t *weights,
                    int32_t steps, int32_t *acc) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, s;
  for (s = 0; s < steps; ++s, column += 2, weights += 8) {
    const int32_t even = column[0], odd = column[1];
    a0 = M4_SMLAD(odd, weights[4], M4_SMLAD(even, weights[0], a0));
    a1 = M4_SMLAD(odd, weights[5], M4_SMLAD(even, weights[1], a1));
    a2 = M4_SMLAD(odd, weights[6], M4_SMLAD(even, weights[2], a2));
    a3 = M4_SMLAD(odd, weights[7], M4_SMLAD(even, weights[3], a3));
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}
#endif

/* One row stored alone (even, odd words per step) against a column. */
static int32_t m4_dot1(const int32_t *column, const int32_t *row,
                       int32_t words) {
  int32_t acc = 0, k;
  for (k = 0; k < words; k += 2)
    acc = M4_SMLAD(column[k + 1], row[k + 1], M4_SMLAD(column[k], row[k], acc));
  return acc;
}

/* The target's mote_gemm_block_fn. */
static void gemm_block(const mote_gemm_conv_params *p, int32_t count,
                       const int8_t *columns, const void *weight,
                       const int32_t *bias, const int32_t *multiplier,
                       const int32_t *shift, int8_t *output,
                       int32_t output_stride, void *work) {
  const int32_t words = p->depth_padded / 2; /* per row and per column */
  const int32_t *cols = m4_widen(columns, count, p->depth_padded, work);
  const int32_t *w = (const int32_t *)weight;
  const int32_t grouped = p->out_channels / 4 * 4;
  int32_t oc, j, r;
  for (oc = 0; oc < grouped; oc += 4, w += 4 * words) {
    mote_requant_channel rq[4];
    for (r = 0; r < 4; ++r)
      rq[r] = mote_requant_prepare(multiplier[oc + r], shift[oc + r]);
    for (j = 0; j < count; ++j) {
      int32_t acc[4];
      int8_t *out = output + (ptrdiff_t)oc * output_stride + j;
      gemm_block_dot4(cols + (ptrdiff_t)j * words, w, words / 2, acc);
#if !MOTE_NUMERICS_TFLITE
      if (rq[0].fast & rq[1].fast & rq[2].fast & rq[3].fast) {
        const int32_t zp = p->output_offset, lo = p->act_min, hi = p->act_max;
        out[0] = mote_requantize_fast_to_i8(bias[oc] + acc[0], &rq[0], zp, lo,
                                            hi);
        out[output_stride] = mote_requantize_fast_to_i8(bias[oc + 1] + acc[1],
                                                        &rq[1], zp, lo, hi);
        out[2 * output_stride] = mote_requantize_fast_to_i8(
            bias[oc + 2] + acc[2], &rq[2], zp, lo, hi);
        out[3 * output_stride] = mote_requantize_fast_to_i8(
            bias[oc + 3] + acc[3], &rq[3], zp, lo, hi);
        continue;
      }
#endif
      for (r = 0; r < 4; ++r)
        out[r * output_stride] = mote_clamp_to_i8(
            mote_requantize_prepared(bias[oc + r] + acc[r], &rq[r]),
            p->output_offset, p->act_min, p->act_max);
    }
  }
  for (; oc < p->out_channels; ++oc, w += words) {
    const mote_requant_channel rq =
        mote_requant_prepare(multiplier[oc], shift[oc]);
    for (j = 0; j < count; ++j)
      output[(ptrdiff_t)oc * output_stride + j] = mote_clamp_to_i8(
          mote_requantize_prepared(
              bias[oc] + m4_dot1(cols + (ptrdiff_t)j * words, w, words), &rq),
          p->output_offset, p->act_min, p->act_max);
  }
}

MOTE_GEMM_TARGET_DEFINE(mote_cortex_m4_conv2d_s8, int32_t, 4)
