/*===- mote_kernels.h - Portable C microkernels -------------------*- C -*-===*
 *
 * The kernels generated code calls. C99, freestanding headers only, no
 * allocation, no globals, reentrant: all memory is the caller's. Tensors are
 * dense, row-major, NCHW for images, OIHW for convolution weights. Every
 * function returns MOTE_OK or MOTE_ERROR_ARGUMENT and writes its output last
 * in its argument list.
 *
 * Requantization follows docs/Numerics.md through mote_requant.h.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_KERNELS_H
#define MOTE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t mote_status;
#define MOTE_OK 0
#define MOTE_ERROR_ARGUMENT 1

/* 2-D convolution, int8 x int8 -> int32 -> int8, per-output-channel
 * requantization. `input_offset` is minus the input zero point. */
typedef struct {
  int32_t batch, in_channels, in_h, in_w;
  int32_t out_channels, out_h, out_w;
  int32_t kernel_h, kernel_w;
  int32_t stride_h, stride_w, dilation_h, dilation_w;
  int32_t pad_top, pad_left;
  int32_t groups;
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
} mote_conv2d_s8_params;

mote_status mote_conv2d_s8(const mote_conv2d_s8_params *p, const int8_t *input,
                           const int8_t *weight, const int32_t *bias,
                           const int32_t *multiplier, const int32_t *shift,
                           int8_t *output);

/* Fully-connected: output[m][n] = sum_k input[m][k] * weight[n][k] + bias[n],
 * per-output-channel requantization. */
typedef struct {
  int32_t batch, in_features, out_features;
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
} mote_fully_connected_s8_params;

mote_status mote_fully_connected_s8(const mote_fully_connected_s8_params *p,
                                    const int8_t *input, const int8_t *weight,
                                    const int32_t *bias,
                                    const int32_t *multiplier,
                                    const int32_t *shift, int8_t *output);

/* Element-wise binary ops on int8 with broadcasting over up to 4 dims:
 * element (i0..i3) of an operand is at sum(i_d * stride_d); a broadcast
 * dimension has stride 0. (Scalar fields, not arrays, so that every
 * parameter struct takes a flat initializer.) Add and sub use TFLite's scheme: both inputs
 * shifted left by `left_shift`, scaled to a common scale, summed and
 * requantized. Mul requantizes the product of the offset inputs with the
 * output multiplier. */
typedef struct {
  int32_t dim0, dim1, dim2, dim3;
  int32_t lhs_stride0, lhs_stride1, lhs_stride2, lhs_stride3;
  int32_t rhs_stride0, rhs_stride1, rhs_stride2, rhs_stride3;
  int32_t lhs_offset, rhs_offset, output_offset;
  int32_t left_shift;
  int32_t lhs_multiplier, lhs_shift, rhs_multiplier, rhs_shift;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
} mote_binary_s8_params;

mote_status mote_add_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output);
mote_status mote_sub_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output);
mote_status mote_mul_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output);

/* Pooling over NCHW int8. Average pooling sums (x - input zero point) over
 * the window and requantizes with multiplier[c], shift[c] where c is the
 * number of elements averaged (c = kernel_h * kernel_w when the table has
 * one entry: no window is cut by padding, or padding counts). */
typedef struct {
  int32_t batch, channels, in_h, in_w, out_h, out_w;
  int32_t kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w;
  int32_t pad_top, pad_left;
  int32_t count_include_pad;
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
  int32_t table_size;
} mote_pool2d_s8_params;

mote_status mote_avg_pool2d_s8(const mote_pool2d_s8_params *p,
                               const int8_t *input, const int32_t *multiplier,
                               const int32_t *shift, int8_t *output);
mote_status mote_max_pool2d_s8(const mote_pool2d_s8_params *p,
                               const int8_t *input, int8_t *output);

/* Requantize int8 to int8: out = requant(x - zp_in, M, n) + zp_out. */
mote_status mote_requantize_s8(int32_t count, int32_t input_offset,
                               int32_t multiplier, int32_t shift,
                               int32_t output_offset, int32_t act_min,
                               int32_t act_max, const int8_t *input,
                               int8_t *output);

/* Table lookup: output[i] = table[input[i] + 128]. The compiler fills the
 * 256 entries with quantize(f(dequantize(q))) for int8 sigmoid, tanh,
 * hard-sigmoid and hard-swish, so the result equals the float function on
 * the dequantized input, rounded once. */
mote_status mote_lut_s8(int32_t count, const int8_t *table,
                        const int8_t *input, int8_t *output);

/* Float <-> int8 at the model boundary, as ONNX QuantizeLinear (round half
 * to even, saturate) and DequantizeLinear. */
mote_status mote_quantize_f32_s8(int32_t count, float scale,
                                 int32_t zero_point, int32_t qmin,
                                 int32_t qmax, const float *input,
                                 int8_t *output);
mote_status mote_dequantize_s8_f32(int32_t count, float scale,
                                   int32_t zero_point, const int8_t *input,
                                   float *output);

/* The same for uint8 tensors at the boundary (models that take or return
 * uint8 data, such as ONNX QuantizeLinear without a signed zero point). */
mote_status mote_quantize_f32_u8(int32_t count, float scale,
                                 int32_t zero_point, const float *input,
                                 void *output);
mote_status mote_dequantize_u8_f32(int32_t count, float scale,
                                   int32_t zero_point, const void *input,
                                   float *output);

/*===- Float kernels (FP32 models) ----------------------------------------===*
 * Plain IEEE single precision in a fixed order of operations, so every C99
 * compiler gives the same results without -ffast-math. `act_min`/`act_max`
 * clamp the result (a fused ReLU / ReLU6), +-FLT_MAX when there is none. */

typedef struct {
  int32_t batch, in_channels, in_h, in_w;
  int32_t out_channels, out_h, out_w;
  int32_t kernel_h, kernel_w;
  int32_t stride_h, stride_w, dilation_h, dilation_w;
  int32_t pad_top, pad_left;
  int32_t groups;
} mote_conv2d_f32_params;

mote_status mote_conv2d_f32(const mote_conv2d_f32_params *p, float act_min,
                            float act_max, const float *input,
                            const float *weight, const float *bias,
                            float *output);

typedef struct {
  int32_t batch, in_features, out_features;
} mote_fully_connected_f32_params;

mote_status mote_fully_connected_f32(const mote_fully_connected_f32_params *p,
                                     float act_min, float act_max,
                                     const float *input, const float *weight,
                                     const float *bias, float *output);

/* Broadcasting over up to 4 dims, as for the int8 element-wise ops. */
typedef struct {
  int32_t dim0, dim1, dim2, dim3;
  int32_t lhs_stride0, lhs_stride1, lhs_stride2, lhs_stride3;
  int32_t rhs_stride0, rhs_stride1, rhs_stride2, rhs_stride3;
} mote_broadcast_params;

mote_status mote_add_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output);
mote_status mote_sub_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output);
mote_status mote_mul_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output);

/* Pooling over NCHW floats; the geometry fields of the params are used,
 * the quantization fields are ignored. */
mote_status mote_avg_pool2d_f32(const mote_pool2d_s8_params *p,
                                const float *input, float *output);
mote_status mote_max_pool2d_f32(const mote_pool2d_s8_params *p,
                                const float *input, float *output);

/* Element-wise activations. */
#define MOTE_CLAMP 0        /* min(max(x, a), b) */
#define MOTE_SIGMOID 1      /* 1 / (1 + exp(-x)) */
#define MOTE_TANH 2         /* tanh(x) */
#define MOTE_HARD_SIGMOID 3 /* max(0, min(1, a * x + b)) */
#define MOTE_HARD_SWISH 4   /* x * max(0, min(1, x / 6 + 1 / 2)) */
mote_status mote_activation_f32(int32_t kind, int32_t count, float a, float b,
                                const float *input, float *output);

/* Softmax of float rows: `outer` rows of `inner` elements, axis last. */
mote_status mote_softmax_f32(int32_t outer, int32_t inner, const float *input,
                             float *output);

/* Softmax over a middle axis: the input viewed as [outer][n][inner]
 * elements, normalized over n. */
mote_status mote_softmax_axis_f32(int32_t outer, int32_t n, int32_t inner,
                                  const float *input, float *output);

/* Batched float matrix product y[b] = a[b] x b[b], [m, k] x [k, n], with
 * up to 4 batch dims; the strides count matrices (0 where an operand is
 * broadcast). */
typedef struct {
  int32_t dim0, dim1, dim2, dim3;
  int32_t a_stride0, a_stride1, a_stride2, a_stride3;
  int32_t b_stride0, b_stride1, b_stride2, b_stride3;
  int32_t m, k, n;
} mote_matmul_params;

mote_status mote_matmul_f32(const mote_matmul_params *p, const float *a,
                            const float *b, float *output);

/* Permutes the dims of a tensor of `rank` <= 6 dims of `element_bytes`
 * bytes each: output dim i is input dim perm[i]. */
mote_status mote_transpose(int32_t element_bytes, int32_t rank,
                           const int32_t *dims, const int32_t *perm,
                           const void *input, void *output);

/* Concatenation, one input at a time: input i, viewed as [outer][inner]
 * elements of `element_bytes` bytes, is copied into columns
 * [offset, offset + inner) of the output viewed as [outer][total]. */
mote_status mote_concat_part(int32_t element_bytes, int32_t outer,
                             int32_t inner, int32_t offset, int32_t total,
                             const void *input, void *output);

/* Strided window of a tensor of `rank` <= 6 dims: output element
 * (i0, i1, ...) of `out_dims` is input element (starts[d] + i_d * steps[d]). */
mote_status mote_slice(int32_t element_bytes, int32_t rank,
                       const int32_t *dims, const int32_t *starts,
                       const int32_t *steps, const int32_t *out_dims,
                       const void *input, void *output);

/* Pads a tensor of `rank` <= 6 dims: `pads` holds all the begins, then all
 * the ends. `mode` 0 fills with the element at `value`, 1 reflects, 2
 * repeats the edge. */
#define MOTE_PAD_CONSTANT 0
#define MOTE_PAD_REFLECT 1
#define MOTE_PAD_EDGE 2
mote_status mote_pad(int32_t element_bytes, int32_t rank, int32_t mode,
                     const int32_t *dims, const int32_t *pads,
                     const void *value, const void *input, void *output);

/* Copies `bytes` bytes (for views returned to the caller). */
mote_status mote_copy(int32_t bytes, const void *input, void *output);

/* The exponential of float `x`, to about 1 ulp, without libm. */
float mote_expf(float x);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_KERNELS_H */
