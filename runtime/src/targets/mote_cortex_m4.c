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

#include "mote_arm_dsp.h"

int mote_cortex_m4_uses_feature(void) { return MOTE_ARM_DSP; }

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
  const int8_t *end = columns + (ptrdiff_t)count * kp;
  for (; columns != end; columns += 4, out += 2) {
    uint32_t x;
    __builtin_memcpy(&x, columns, 4); /* one LDR */
    out[0] = (int32_t)M4_SXTB16(x);
    out[1] = (int32_t)M4_SXTB16_ODD(x);
  }
  return (const int32_t *)work;
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

MOTE_GEMM_TARGET_DEFINE(mote_cortex_m4_conv2d_s8, int32_t, 4)
