/*===- mote_gemm.h - Convolution as a matrix product, per-target blocks -*- C -*-===*
 *
 * The kernels of the Arm targets run an int8 convolution (and a
 * fully-connected layer, a 1x1 convolution of a 1x1 image) as a matrix
 * product: a block of output pixels gathers its input patches into columns
 * of `depth_padded` int8 values (im2col, in a scratch buffer the compiler
 * plans in the arena), and the target's block function multiplies them by
 * the weight rows the compiler packed for it.
 *
 * Packing is done at compile time (see docs/CodeGeneration.md, "Targets"):
 * each weight row is OIHW order padded with zeros to `depth_padded`, and
 * the bias already holds `input_offset * sum(weights of the channel)`, so a
 * block computes `bias + sum(column * weight)` on raw int8 values. Padding
 * taps of the image hold the input zero point (the real value 0), which the
 * folded bias cancels exactly. Integer sums are exact, so every target's
 * result is bit-identical to mote_conv2d_s8.
 *
 * C99, freestanding headers only, no allocation, no globals.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_GEMM_H
#define MOTE_GEMM_H

#include "mote/mote_compiler.h"
#include "mote/mote_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mote_gemm_conv_params: see mote_abi.h. */

/* Convolutions with a kernel larger than 1x1 (and `gather` set) first stage,
 * for each output row, the input rows its kernel rows read, channels last
 * and padded with the input zero point ("the band", at the start of the
 * scratch buffer): each column is then kernel_h contiguous runs of
 * kernel_w * in_channels bytes (unit dilation), gathered in the order
 * (kernel row, kernel column, channel), and the weight rows of these
 * layers are stored in that order (OHWI). The band is kernel_h rows of
 * MOTE_GEMM_BAND_WIDTH pixels, rounded up to 16 bytes. */
#define MOTE_GEMM_USES_BAND(kernel_h, kernel_w) ((kernel_h) * (kernel_w) > 1)
#define MOTE_GEMM_BAND_WIDTH(out_w, stride_w, kernel_w, dilation_w)            \
  (((out_w)-1) * (stride_w) + ((kernel_w)-1) * (dilation_w) + 1)
#define MOTE_GEMM_BAND_BYTES(kernel_h, kernel_w, in_channels, out_w, stride_w, \
                             dilation_w)                                       \
  (((kernel_h) * (in_channels) *                                               \
        MOTE_GEMM_BAND_WIDTH(out_w, stride_w, kernel_w, dilation_w) +          \
    15) / 16 * 16)

/* Computes `count` (<= p->block) output pixels of every output channel from
 * their columns (`columns[j * depth_padded + k]`), writing channel c of
 * pixel j to output[c * output_stride + j]. `work` is the target's part of
 * the scratch buffer. */
typedef void (*mote_gemm_block_fn)(const mote_gemm_conv_params *p,
                                   int32_t count, const int8_t *columns,
                                   const void *weight, const int32_t *bias,
                                   const int32_t *multiplier,
                                   const int32_t *shift, int8_t *output,
                                   int32_t output_stride, void *work);

/* The shared driver: for each image and block of output pixels, gathers
 * the columns into `scratch` and calls `block`. */
mote_status mote_gemm_conv_s8(const mote_gemm_conv_params *p,
                              const int8_t *input, const void *weight,
                              const int32_t *bias, const int32_t *multiplier,
                              const int32_t *shift, int8_t *scratch,
                              int8_t *output, mote_gemm_block_fn block);

/* Portable block on int8 weight rows: the reference every target's block
 * is tested against, and each target file's path when compiled without
 * its CPU feature. */
void mote_gemm_block_s8(const mote_gemm_conv_params *p, int32_t count,
                        const int8_t *columns, const void *weight,
                        const int32_t *bias, const int32_t *multiplier,
                        const int32_t *shift, int8_t *output,
                        int32_t output_stride, void *work);

/* Entry points of the targets (runtime/src/targets/). All take int8 weight
 * rows except Cortex-M4's, whose rows are int16 pairs in the order SMLAD
 * wants: each group of 4 weights w0 w1 w2 w3 is stored as the 32-bit words
 * (w0 | w2 << 16) and (w1 | w3 << 16); the rows of each full group of four
 * output channels are interleaved per such step (the four rows' first
 * words, then their second words), the remaining rows follow one after
 * another. The scratch buffer holds
 * the band when the layer uses one (MOTE_GEMM_BAND_BYTES), then
 * `block * depth_padded` bytes of columns (none when `gather` is 0), then
 * on Cortex-M4 twice that for the columns widened the same way. */
#define MOTE_GEMM_TARGET_ENTRY(name, weight_type)                              \
  mote_status name(const mote_gemm_conv_params *p, const int8_t *input,        \
                   const weight_type *weight, const int32_t *bias,             \
                   const int32_t *multiplier, const int32_t *shift,            \
                   int8_t *scratch, int8_t *output)
/* Defines a target's entry: checks the depth padding its block needs and
 * runs the shared driver with the file's `gemm_block`. */
#define MOTE_GEMM_TARGET_DEFINE(name, weight_type, multiple)                   \
  MOTE_GEMM_TARGET_ENTRY(name, weight_type) {                                  \
    if (p && p->depth_padded % (multiple))                                     \
      return MOTE_ERROR_ARGUMENT;                                              \
    return mote_gemm_conv_s8(p, input, weight, bias, multiplier, shift,        \
                             scratch, output, gemm_block);                     \
  }
MOTE_GEMM_TARGET_ENTRY(mote_aarch64_neon_conv2d_s8, int8_t);
MOTE_GEMM_TARGET_ENTRY(mote_aarch64_dotprod_conv2d_s8, int8_t);
MOTE_GEMM_TARGET_ENTRY(mote_cortex_m4_conv2d_s8, int32_t);
MOTE_GEMM_TARGET_ENTRY(mote_cortex_m55_conv2d_s8, int8_t);

/* Depthwise convolution (groups == channels, one output per input
 * channel) with the DSP extension (the cortex-m4 and cortex-m55 targets,
 * runtime/src/targets/mote_arm_dsp_depthwise.c), same parameters and
 * result as mote_conv2d_s8:
 * 3x3 windows of unit dilation use SMLAD on int16 pairs over a padded copy
 * of each channel in `scratch`, whose size is
 * MOTE_DEPTHWISE_SCRATCH(out_h, out_w, stride_h, stride_w); other shapes
 * take the portable kernel. */
#define MOTE_DEPTHWISE_SCRATCH(out_h, out_w, stride_h, stride_w)               \
  (((out_h)-1) * (stride_h) + 3) * (((out_w)-1) * (stride_w) + 4)
mote_status mote_arm_dsp_depthwise_conv2d_s8(
    const mote_conv2d_s8_params *p, const int8_t *input, const int8_t *weight,
    const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
    int8_t *scratch, int8_t *output);

/* Whether a target file was compiled with its CPU feature (1) or with the
 * portable path (0); the tests print it. */
int mote_aarch64_neon_uses_feature(void);
int mote_aarch64_dotprod_uses_feature(void);
int mote_cortex_m4_uses_feature(void);
int mote_cortex_m55_uses_feature(void);
int mote_arm_dsp_uses_feature(void);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_GEMM_H */
