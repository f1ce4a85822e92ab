/*===- mote_aarch64_neon.c - ARMv8.0 NEON block (Cortex-A53/A72) --------===*
 *
 * One step multiplies 16 int8 pairs with SMULL/SMULL2 into int16 and adds
 * them pairwise into four int32 lanes (SADALP): exact for any int8 values.
 * Without NEON (e.g. the host's unit test) the portable block runs on the
 * same packed layout.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_gemm.h"
#include "mote/mote_requant.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>

#define MOTE_COL_T int8_t
#define MOTE_W_T int8_t
#define MOTE_VEC int8x16_t
#define MOTE_ACC int32x4_t
#define MOTE_ACC_ZERO vdupq_n_s32(0)
#define MOTE_STEP 16
#define MOTE_LOAD(ptr) vld1q_s8(ptr)
#define MOTE_DOT(acc, x, w)                                                    \
  vpadalq_s16(vpadalq_s16(acc, vmull_s8(vget_low_s8(x), vget_low_s8(w))),    \
              vmull_high_s8(x, w))
#define MOTE_REDUCE(acc) vaddvq_s32(acc)
#define MOTE_PREPARE(columns, count, kp, work) ((void)(work), (columns))
#include "mote_gemm_tile.inc"

int mote_aarch64_neon_uses_feature(void) { return 1; }
#else
#define gemm_block mote_gemm_block_s8
int mote_aarch64_neon_uses_feature(void) { return 0; }
#endif

MOTE_GEMM_TARGET_DEFINE(mote_aarch64_neon_conv2d_s8, int8_t, 16)
