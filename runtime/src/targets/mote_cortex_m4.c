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
  if (((ptrdiff_t)count * kp) & 4) { /* an odd number of words */
    uint32_t x;
    __builtin_memcpy(&x, columns, 4); /* one LDR */
    out[0] = (int32_t)M4_SXTB16(x);
    out[1] = (int32_t)M4_SXTB16_ODD(x);
    columns += 4;
    out += 2;
  }
  for (; columns != end; columns += 8, out += 4) { /* LDRD, 4 SXTB16 */
    uint32_t x, y;
    __builtin_memcpy(&x, columns, 4);
    __builtin_memcpy(&y, columns + 4, 4);
    out[0] = (int32_t)M4_SXTB16(x);
    out[1] = (int32_t)M4_SXTB16_ODD(x);
    out[2] = (int32_t)M4_SXTB16(y);
    out[3] = (int32_t)M4_SXTB16_ODD(y);
  }
  return (const int32_t *)work;
}

/* What the inner kernel needs for one tile: four channels against one
 * column. The assembly below reads it at fixed offsets. */
typedef struct {
  /* A channel's requantization in the fast case (mote_requant.h): the
   * high word of x * multiplier + (add_high:add_low), shifted right by
   * high_shift, minus `subtract` (which includes the output zero point). */
  int32_t multiplier;
  uint32_t add_low, add_high;
  int32_t high_shift, subtract;
} m4_channel;

typedef struct {
  int32_t acc[4];    /* 0: where the sums start (the bias); the sums, out */
  m4_channel q[4];   /* 16 */
  int8_t *out;       /* 96: channel r's output at out[r * stride] */
  int32_t stride;    /* 100 */
  int32_t lo, hi;    /* 104, 108: the clamp, zero point included */
  int32_t requantize; /* 112: 1 to write the outputs, 0 to return acc */
} m4_tile;

/* Prepares channel q of the tile from its multiplier and shift; returns
 * whether it takes the fast case. */
static MOTE_ALWAYS_INLINE int m4_prepare(m4_channel *q, int32_t multiplier,
                                         int32_t shift, int32_t zero_point) {
  const mote_requant_channel c = mote_requant_prepare(multiplier, shift);
  q->multiplier = c.multiplier;
  q->add_low = c.add_low;
  q->add_high = c.add_high;
  q->high_shift = c.high_shift;
  q->subtract = c.subtract - zero_point;
  return c.fast;
}

#if MOTE_ARM_DSP && defined(__thumb2__)
/* One channel's output in the epilogue: accumulator ACC requantized with
 * the next m4_channel at r3 (LDM), clamped to [r10, r11], stored at r8,
 * which moves on by r9. */
#define M4_REQUANTIZE(ACC)                                                     \
  "ldmia  r3!, {r0, r1, r2, r12, lr}\n\t"                                      \
  "smlal  r1, r2, " ACC ", r0\n\t"                                             \
  "lsr    r2, r2, r12\n\t"                                                     \
  "sub    r2, r2, lr\n\t"                                                      \
  "cmp    r2, r10\n\t"                                                         \
  "it     lt\n\t"                                                              \
  "movlt  r2, r10\n\t"                                                         \
  "cmp    r2, r11\n\t"                                                         \
  "it     gt\n\t"                                                              \
  "movgt  r2, r11\n\t"                                                         \
  "strb   r2, [r8]\n\t"                                                        \
  "add    r8, r8, r9\n\t"
/* One step: the column's two words against the group's eight. */
#define M4_STEP                                                                \
  "ldrd   r8, r9, [r0], #8\n\t"                                                \
  "ldmia  r1!, {r10, r11, r12, lr}\n\t"                                        \
  "smlad  r4, r8, r10, r4\n\t"                                                 \
  "smlad  r5, r8, r11, r5\n\t"                                                 \
  "smlad  r6, r8, r12, r6\n\t"                                                 \
  "smlad  r7, r8, lr, r7\n\t"                                                  \
  "ldmia  r1!, {r10, r11, r12, lr}\n\t"                                        \
  "smlad  r4, r9, r10, r4\n\t"                                                 \
  "smlad  r5, r9, r11, r5\n\t"                                                 \
  "smlad  r6, r9, r12, r6\n\t"                                                 \
  "smlad  r7, r9, lr, r7\n\t"

/* The tile: the four channels' sums over `steps` steps (>= 1) of the
 * column against the four interleaved rows at `weights`, from tile->acc,
 * then requantized into tile->out, or stored back into tile->acc.
 * r0 column, r1 weights, r2 steps then the weights' end, r3 the tile;
 * accumulators r4-r7, column words r8 r9, weight words r10 r11 r12 lr. */
#define M4_ASM_ARG __attribute__((unused)) /* read by the assembly */
__attribute__((naked, noinline)) static void
gemm_block_dot4(const int32_t *column M4_ASM_ARG,
                const int32_t *weights M4_ASM_ARG, int32_t steps M4_ASM_ARG,
                m4_tile *tile M4_ASM_ARG) {
  __asm__ volatile(
      "push   {r4-r11, lr}\n\t"
      "ldm    r3, {r4-r7}\n\t"
      "add    r12, r1, r2, lsl #5\n\t"
      "tst    r2, #1\n\t"
      "mov    r2, r12\n\t"
      "beq    2f\n\t"
      M4_STEP /* an odd count: one step first */
      "2:\n\t"
      "cmp    r1, r2\n\t"
      "beq    3f\n\t"
      "1:\n\t"
      M4_STEP M4_STEP /* two steps per iteration */
      "cmp    r1, r2\n\t"
      "bne    1b\n\t"
      "3:\n\t"
      "ldr    r0, [r3, #112]\n\t"
      "cmp    r0, #0\n\t"
      "beq    4f\n\t"
      "ldrd   r8, r9, [r3, #96]\n\t"
      "ldrd   r10, r11, [r3, #104]\n\t"
      "add    r3, r3, #16\n\t"
      M4_REQUANTIZE("r4") M4_REQUANTIZE("r5") M4_REQUANTIZE("r6")
      M4_REQUANTIZE("r7")
      "pop    {r4-r11, pc}\n\t"
      "4:\n\t"
      "stm    r3, {r4-r7}\n\t"
      "pop    {r4-r11, pc}\n\t");
}
#else
/* The same in C, on the same layout. */
static void gemm_block_dot4(const int32_t *column, const int32_t *weights,
                            int32_t steps, m4_tile *tile) {
  int32_t a[4], s, r;
  for (r = 0; r < 4; ++r)
    a[r] = tile->acc[r];
  for (s = 0; s < steps; ++s, column += 2, weights += 8)
    for (r = 0; r < 4; ++r)
      a[r] = M4_SMLAD(column[1], weights[4 + r],
                      M4_SMLAD(column[0], weights[r], a[r]));
  for (r = 0; r < 4; ++r) {
    const m4_channel *q = &tile->q[r];
    int32_t v;
    if (!tile->requantize) {
      tile->acc[r] = a[r];
      continue;
    }
    v = (int32_t)((uint32_t)(((uint64_t)((int64_t)a[r] * q->multiplier) +
                              ((uint64_t)q->add_high << 32 | q->add_low)) >>
                             32) >>
                  q->high_shift) -
        q->subtract;
    v = v < tile->lo ? tile->lo : v;
    tile->out[r * tile->stride] = (int8_t)(v > tile->hi ? tile->hi : v);
  }
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
  m4_tile tile;
  tile.stride = output_stride;
  tile.lo = p->act_min;
  tile.hi = p->act_max;
  for (oc = 0; oc < grouped; oc += 4, w += 4 * words) {
    const int32_t zp = p->output_offset;
    int fast = 1;
    for (r = 0; r < 4; ++r)
      fast &= m4_prepare(&tile.q[r], multiplier[oc + r], shift[oc + r], zp);
#if MOTE_NUMERICS_TFLITE
    fast = 0; /* two roundings: the general path */
#endif
    tile.requantize = fast;
    for (j = 0; j < count; ++j) {
      int8_t *out = output + (ptrdiff_t)oc * output_stride + j;
      __builtin_memcpy(tile.acc, bias + oc, sizeof tile.acc);
      tile.out = out;
      gemm_block_dot4(cols + (ptrdiff_t)j * words, w, words / 2, &tile);
      if (!fast)
        for (r = 0; r < 4; ++r)
          out[r * output_stride] = mote_clamp_to_i8(
              mote_requantize(tile.acc[r], multiplier[oc + r], shift[oc + r]),
              zp, p->act_min, p->act_max);
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
