/*===- mote_cortex_m55.c - Helium (MVE) block (Cortex-M55) ---------------===*
 *
 * One step is one VMLADAVA per (channel, pixel) pair: 16 int8 products
 * summed into a 32-bit general-purpose register. Without MVE the portable
 * block runs on the same packed layout.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_gemm.h"
#include "mote/mote_requant.h"

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>

#define MOTE_COL_T int8_t
#define MOTE_W_T int8_t
#define MOTE_VEC int8x16_t
#define MOTE_ACC int32_t
#define MOTE_ACC_ZERO 0
#define MOTE_STEP 16
#define MOTE_LOAD(ptr) vldrbq_s8(ptr)
#define MOTE_DOT(acc, x, w) vmladavaq_s8(acc, x, w)
#define MOTE_REDUCE(acc) (acc)
#define MOTE_PREPARE(columns, count, kp, work) ((void)(work), (columns))
#include "mote_gemm_tile.inc"

int mote_cortex_m55_uses_feature(void) { return 1; }
#else
#define gemm_block mote_gemm_block_s8
int mote_cortex_m55_uses_feature(void) { return 0; }
#endif

MOTE_GEMM_TARGET_DEFINE(mote_cortex_m55_conv2d_s8, int8_t, 16)
