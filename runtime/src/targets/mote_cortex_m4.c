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
/* Single rounding (mote_requant.h): x * multiplier / 2^total rounded, with
 * total = 31 - shift. Made non-negative by a bias of 2^62, the 64-bit sum
 * S = x * multiplier + 2^62 + 2^(total - 1) needs only a shift and a
 * subtraction: the result is (S >> total) - 2^(62 - total). */
typedef struct {
  /* Mode M4_HIGH (total in [32, 62]): the high word of S = x * multiplier
   * + (add_high:add_low), shifted right by `shift`, minus `subtract`
   * (which includes the output zero point). Mode M4_BELOW_ONE (total in
   * [31, 62]): S shifted right by 31 first (the high word doubled plus
   * the low word's top bit), then by `shift` = total - 31, minus
   * `subtract` (2^(62 - total) modulo 2^32: the output zero point is added
   * after the clamp, as the result may use all 32 bits). */
  int32_t multiplier;
  uint32_t add_low, add_high;
  int32_t shift;
  uint32_t subtract;
} m4_channel;

enum { M4_SUMS = 0, M4_HIGH = 1, M4_BELOW_ONE = 2 };

typedef struct {
  int32_t acc[4];      /* 0: where the sums start (the bias); the sums, out */
  m4_channel q[4];     /* 16 */
  int8_t *out;         /* 96: channel r's output at out[r * stride] */
  int32_t stride;      /* 100 */
  int32_t lo, hi;      /* 104, 108: the clamp (minus the zero point in
                          M4_BELOW_ONE) */
  int32_t requantize;  /* 112: M4_SUMS returns the sums in acc */
  int32_t zero_point;  /* 116: M4_BELOW_ONE adds it after the clamp */
} m4_tile;

/* Prepares the four channels of a group for `mode`; returns whether every
 * channel's total is in the mode's range. */
static int m4_prepare(m4_tile *tile, int mode, const int32_t *multiplier,
                      const int32_t *shift, int32_t zero_point) {
  int r;
  for (r = 0; r < 4; ++r) {
    const int32_t total = 31 - shift[r];
    m4_channel *q = &tile->q[r];
    if (total < (mode == M4_HIGH ? 32 : 31) || total > 62)
      return 0;
    /* 2^62 + 2^(total - 1), in 32-bit halves. */
    q->multiplier = multiplier[r];
    q->add_low = total <= 32 ? (uint32_t)1 << (total - 1) : 0u;
    q->add_high = 0x40000000u + (total > 32 ? (uint32_t)1 << (total - 33) : 0u);
    q->shift = mode == M4_HIGH ? total - 32 : total - 31;
    q->subtract = (uint32_t)1 << (62 - total);
    if (mode == M4_HIGH)
      q->subtract -= (uint32_t)zero_point;
  }
  return 1;
}

#if MOTE_ARM_DSP && defined(__thumb2__)
/* One channel's output in the epilogue: accumulator ACC times the next
 * m4_channel's multiplier at r3 (LDM) plus its rounding constant into
 * r2:r1; the result in r2 clamped to [r10, r11]; the byte stored at r8,
 * which moves on by r9. */
#define M4_MULTIPLY(ACC)                                                       \
  "ldmia  r3!, {r0, r1, r2, r12, lr}\n\t"                                      \
  "smlal  r1, r2, " ACC ", r0\n\t"
#define M4_CLAMP                                                               \
  "cmp    r2, r10\n\t"                                                         \
  "it     lt\n\t"                                                              \
  "movlt  r2, r10\n\t"                                                         \
  "cmp    r2, r11\n\t"                                                         \
  "it     gt\n\t"                                                              \
  "movgt  r2, r11\n\t"
#define M4_STORE                                                               \
  "strb   r2, [r8]\n\t"                                                        \
  "add    r8, r8, r9\n\t"
/* M4_HIGH: the high word shifted, minus the subtrahend (zero point in). */
#define M4_REQUANTIZE(ACC)                                                     \
  M4_MULTIPLY(ACC)                                                             \
  "lsr    r2, r2, r12\n\t"                                                     \
  "sub    r2, r2, lr\n\t" M4_CLAMP M4_STORE
/* M4_BELOW_ONE: the sum shifted by 31 first; the zero point (r4 once the
 * first channel's accumulator is consumed; ZP_LOAD loads it) is added
 * after the clamp. */
#define M4_REQUANTIZE_BELOW_ONE(ACC, ZP_LOAD)                                  \
  M4_MULTIPLY(ACC) ZP_LOAD                                                     \
  "lsl    r2, r2, #1\n\t"                                                      \
  "orr    r2, r2, r1, lsr #31\n\t"                                             \
  "lsr    r2, r2, r12\n\t"                                                     \
  "sub    r2, r2, lr\n\t" M4_CLAMP                                             \
  "add    r2, r2, r4\n\t" M4_STORE
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
      "cmp    r0, #2\n\t"
      "beq    5f\n\t"
      M4_REQUANTIZE("r4") M4_REQUANTIZE("r5") M4_REQUANTIZE("r6")
      M4_REQUANTIZE("r7")
      "pop    {r4-r11, pc}\n\t"
      "4:\n\t"
      "stm    r3, {r4-r7}\n\t"
      "pop    {r4-r11, pc}\n\t"
      "5:\n\t"
      /* r3 is 36 past the tile after the first LDM: the zero point is at
       * 116 - 36. */
      M4_REQUANTIZE_BELOW_ONE("r4", "ldr    r4, [r3, #80]\n\t")
      M4_REQUANTIZE_BELOW_ONE("r5", "") M4_REQUANTIZE_BELOW_ONE("r6", "")
      M4_REQUANTIZE_BELOW_ONE("r7", "")
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
    const uint64_t sum = (uint64_t)((int64_t)a[r] * q->multiplier) +
                         ((uint64_t)q->add_high << 32 | q->add_low);
    int32_t v;
    if (tile->requantize == M4_SUMS) {
      tile->acc[r] = a[r];
      continue;
    }
    v = (int32_t)(((uint32_t)(tile->requantize == M4_HIGH ? sum >> 32
                                                            : sum >> 31) >>
                   q->shift) -
                  q->subtract);
    v = v < tile->lo ? tile->lo : v;
    v = v > tile->hi ? tile->hi : v;
    if (tile->requantize == M4_BELOW_ONE)
      v += tile->zero_point;
    tile->out[r * tile->stride] = (int8_t)v;
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
  tile.zero_point = p->output_offset;
  for (oc = 0; oc < grouped; oc += 4, w += 4 * words) {
    const int32_t zp = p->output_offset;
    /* The requantization of the group: in the kernel when every channel's
     * scale is below 1 (the common case), else in C on the sums. TFLite's
     * numerics round twice: always in C. */
    int mode = M4_HIGH;
    if (MOTE_NUMERICS_TFLITE)
      mode = M4_SUMS;
    else if (!m4_prepare(&tile, M4_HIGH, multiplier + oc, shift + oc, zp))
      mode = m4_prepare(&tile, M4_BELOW_ONE, multiplier + oc, shift + oc, zp)
                 ? M4_BELOW_ONE
                 : M4_SUMS;
    tile.requantize = mode;
    tile.lo = mode == M4_BELOW_ONE ? p->act_min - zp : p->act_min;
    tile.hi = mode == M4_BELOW_ONE ? p->act_max - zp : p->act_max;
    for (j = 0; j < count; ++j) {
      int8_t *out = output + (ptrdiff_t)oc * output_stride + j;
      __builtin_memcpy(tile.acc, bias + oc, sizeof tile.acc);
      tile.out = out;
      gemm_block_dot4(cols + (ptrdiff_t)j * words, w, words / 2, &tile);
      if (mode == M4_SUMS)
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
