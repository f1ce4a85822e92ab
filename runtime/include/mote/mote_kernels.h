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

#include "mote/mote_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t mote_status;
#define MOTE_OK 0
#define MOTE_ERROR_ARGUMENT 1

/* The parameter blocks of the kernels, one struct of int32_t fields each,
 * expanded from the tables of mote_abi.h (which documents every field). */
#define MOTE_ABI_FIELD_(name) int32_t name;
#define MOTE_ABI_STRUCT_(type)                                                 \
  typedef struct {                                                             \
    MOTE_PARAMS_##type(MOTE_ABI_FIELD_)                                        \
  } type;
MOTE_PARAMS_LIST(MOTE_ABI_STRUCT_)
#undef MOTE_ABI_STRUCT_
#undef MOTE_ABI_FIELD_

/* 2-D convolution, int8 x int8 -> int32 -> int8, per-output-channel
 * requantization. `input_offset` is minus the input zero point. */
mote_status mote_conv2d_s8(const mote_conv2d_s8_params *p, const int8_t *input,
                           const int8_t *weight, const int32_t *bias,
                           const int32_t *multiplier, const int32_t *shift,
                           int8_t *output);

/* 2-D convolution of int8 tensors to raw int32 sums (ONNX's ConvInteger):
 * output = sum (input + input_offset) (weight + weight_offset[oc]) over the
 * taps inside the input (padding taps are the input zero point, so they add
 * nothing). `weight_offset` has p->out_channels entries (minus each output
 * channel's weight zero point). A depth in_channels / groups x kernel_h x
 * kernel_w above 33025 is refused, since a sum could leave int32. */
mote_status mote_conv2d_s8_s32(const mote_conv2d_s32_params *p,
                               const int8_t *input, const int8_t *weight,
                               const int32_t *weight_offset, int32_t *output);

/* Fully-connected: output[m][n] = sum_k input[m][k] * weight[n][k] + bias[n],
 * per-output-channel requantization. */
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
mote_status mote_add_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output);
mote_status mote_sub_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output);
mote_status mote_mul_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output);
/* int8 PReLU: x = input + lhs_offset; x >= 0 gives x requantized by the lhs
 * multiplier and shift (input / output scale), x < 0 the product x *
 * (slope + rhs_offset) requantized by the output multiplier and shift
 * (input x slope / output scale). The slope broadcasts as rhs. */
mote_status mote_prelu_s8(const mote_binary_s8_params *p, const int8_t *input,
                          const int8_t *slope, int8_t *output);

/* Pooling over NCHW int8. Average pooling sums (x - input zero point) over
 * the window and requantizes with multiplier[c], shift[c] where c is the
 * number of elements averaged (c = kernel_h * kernel_w when the table has
 * one entry: no window is cut by padding, or padding counts); with
 * p->divide it divides the window's sum of int8 values by c instead
 * (rounding half away from zero; multiplier and shift may be null). */
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

/* The same between int8 and uint8 (`input_unsigned`, `output_unsigned`):
 * a uint8 graph input or output of an int8 graph. */
mote_status mote_requantize_mixed_s8(int32_t count, int32_t input_offset,
                                     int32_t multiplier, int32_t shift,
                                     int32_t output_offset, int32_t act_min,
                                     int32_t act_max, int32_t input_unsigned,
                                     int32_t output_unsigned, const void *input,
                                     void *output);

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
/* Per-axis QuantizeLinear / DequantizeLinear at a model's boundary: the
 * tensor viewed as [outer][channels][inner], channel c with its own scale
 * and zero point; int8 storage, or uint8 when `is_unsigned`. */
mote_status mote_quantize_axis_f32(int32_t outer, int32_t channels,
                                   int32_t inner, int32_t is_unsigned,
                                   const float *scales,
                                   const int32_t *zero_points,
                                   const float *input, void *output);
mote_status mote_dequantize_axis_f32(int32_t outer, int32_t channels,
                                     int32_t inner, int32_t is_unsigned,
                                     const float *scales,
                                     const int32_t *zero_points,
                                     const void *input, float *output);

/*===- Float kernels (FP32 models) ----------------------------------------===*
 * Plain IEEE single precision in a fixed order of operations, so every C99
 * compiler gives the same results without -ffast-math. `act_min`/`act_max`
 * clamp the result (a fused ReLU / ReLU6), +-FLT_MAX when there is none. */

mote_status mote_conv2d_f32(const mote_conv2d_f32_params *p, float act_min,
                            float act_max, const float *input,
                            const float *weight, const float *bias,
                            float *output);

/* The transpose of the convolution `p` describes (the input error of
 * mote_conv2d_f32, ONNX ConvTranspose): `input` has p's output shape,
 * `output` p's input shape; `weight` is p's OIHW weight, `bias` (or NULL)
 * has p->in_channels entries. */
mote_status mote_conv_transpose2d_f32(const mote_conv2d_f32_params *p,
                                      float act_min, float act_max,
                                      const float *input, const float *weight,
                                      const float *bias, float *output);

/* The int8 form of mote_conv_transpose2d_f32: `weight` is p's OIHW weight
 * in ONNX ConvTranspose's [C_in, C_out / groups, kH, kW] reading, `bias`,
 * `multiplier` and `shift` have p->in_channels entries. Each output pixel
 * gathers the input pixels that reach it, so no int32 image is kept. */
mote_status mote_conv_transpose2d_s8(const mote_conv2d_s8_params *p,
                                     const int8_t *input, const int8_t *weight,
                                     const int32_t *bias,
                                     const int32_t *multiplier,
                                     const int32_t *shift, int8_t *output);

mote_status mote_fully_connected_f32(const mote_fully_connected_f32_params *p,
                                     float act_min, float act_max,
                                     const float *input, const float *weight,
                                     const float *bias, float *output);

/* Broadcasting over up to 4 dims, as for the int8 element-wise ops. */
mote_status mote_add_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output);
mote_status mote_sub_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output);
mote_status mote_mul_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output);
/* Comparison with broadcasting: output[i] = lhs[i] <predicate> rhs[i] as
 * 1 or 0 (one byte each); `predicate` is a MOTE_COMPARE_* value. */
mote_status mote_compare_f32(const mote_broadcast_params *p,
                             int32_t predicate, const float *lhs,
                             const float *rhs, uint8_t *output);
/* The same on signed integers of `element_bytes` 1 (int8, and bool bytes),
 * 4 (int32) or 8 (int64). */
mote_status mote_compare_int(const mote_broadcast_params *p,
                             int32_t predicate, int32_t element_bytes,
                             const void *lhs, const void *rhs,
                             uint8_t *output);

/* PReLU: x >= 0 ? x : slope * x, the slope broadcast to x's shape. */
mote_status mote_prelu_f32(const mote_broadcast_params *p, const float *input,
                           const float *slope, float *output);

/* Pooling over NCHW floats; the geometry fields of the params are used,
 * the quantization fields are ignored. */
mote_status mote_avg_pool2d_f32(const mote_pool2d_s8_params *p,
                                const float *input, float *output);
mote_status mote_max_pool2d_f32(const mote_pool2d_s8_params *p,
                                const float *input, float *output);

/* Resize (ONNX Resize over H and W) of `planes` in_h x in_w planes to
 * out_h x out_w. The compiler tabulates, per output row and column, the
 * source indices and weights of its taps, so the kernels do no coordinate
 * arithmetic. mote_resize_nearest takes two indices per row and column
 * (the second unused), reads the first and copies `element_bytes` (1 or 4)
 * per element. mote_resize_f32 / _s8 take `taps` indices and weights per
 * row and column (`taps * out_h` and `taps * out_w` entries: 2 for
 * bilinear, 4 for bicubic) and sum row taps times column taps. The int8
 * form takes the weights in Q15 (each output's taps summing to 32768),
 * interpolates the integers of one quantization, rounds half to even and
 * saturates, in integer arithmetic. */
#define MOTE_RESIZE_MAX_TAPS 4
mote_status mote_resize_nearest(int32_t planes, int32_t in_h, int32_t in_w,
                                int32_t out_h, int32_t out_w,
                                int32_t element_bytes, const int32_t *rows,
                                const int32_t *cols, const void *input,
                                void *output);
mote_status mote_resize_f32(int32_t planes, int32_t in_h, int32_t in_w,
                            int32_t out_h, int32_t out_w, int32_t taps,
                            const int32_t *rows, const int32_t *cols,
                            const float *row_weights, const float *col_weights,
                            const float *input, float *output);
mote_status mote_resize_s8(int32_t planes, int32_t in_h, int32_t in_w,
                           int32_t out_h, int32_t out_w, int32_t taps,
                           const int32_t *rows, const int32_t *cols,
                           const int32_t *row_weights,
                           const int32_t *col_weights, const int8_t *input,
                           int8_t *output);

/* Element-wise activations. */
/* `kind` is one of MOTE_CLAMP .. MOTE_GELU (mote_abi.h). */
mote_status mote_activation_f32(int32_t kind, int32_t count, float a, float b,
                                const float *input, float *output);

/* Layer normalization of `outer` rows of `inner` elements: each row by its
 * mean and variance, times `scale` plus `bias` (`inner` each). */
mote_status mote_layer_norm_f32(int32_t outer, int32_t inner, float epsilon,
                                const float *input, const float *scale,
                                const float *bias, float *output);

/* The int8 form, in integers only: per row the sums of the offset inputs
 * d and of their squares give n * d - sum (n times the centered value) and
 * n^2 times the variance, to which the epsilon term is added; an integer
 * square root and one division per row give the normalization factor.
 * Column i is then scaled by scale[i] / output_scale, the Q31 `multiplier`
 * (negative for a negative scale) and `shift` (at most 15), plus `bias`,
 * bias[i] / output_scale in Q16 (see docs/Numerics.md). `inner` is at most
 * 8192, so every sum stays exact in 64 bits. */
mote_status mote_layer_norm_s8(const mote_layer_norm_s8_params *p,
                               const int8_t *input, const int32_t *multiplier,
                               const int32_t *shift, const int32_t *bias,
                               int8_t *output);

/* The statistics mote_layer_norm_f32 normalizes each row by, as ONNX's
 * optional outputs: its mean and 1 / sqrt(variance + epsilon). */
mote_status mote_layer_norm_stats_f32(int32_t outer, int32_t inner,
                                      float epsilon, const float *input,
                                      float *mean, float *inv_std_dev);

/* Recurrent layers (mote_recurrent.c), ONNX's RNN, GRU and LSTM with
 * layout 0: x [seq, batch, input], weights w [dirs, G * hidden, input] and
 * r [dirs, G * hidden, hidden] in ONNX's gate order (GRU z r h, LSTM i o f
 * c), biases b [dirs, 2 * G * hidden] (input, then recurrence), initial
 * states [dirs, batch, hidden], peepholes p [dirs, 3 * hidden] (i o f);
 * outputs y [seq, dirs, batch, hidden] and the last states [dirs, batch,
 * hidden]. `direction`: 0 forward, 1 reverse, 2 both. `clip` > 0 bounds
 * the gates' pre-activations. Default activations (sigmoid, tanh). */
mote_status mote_rnn_f32(int32_t seq, int32_t batch, int32_t input,
                         int32_t hidden, int32_t direction, float clip,
                         const float *x, const float *w, const float *r,
                         const float *b, const float *h0, float *y,
                         float *y_h);
mote_status mote_gru_f32(int32_t seq, int32_t batch, int32_t input,
                         int32_t hidden, int32_t direction, float clip,
                         int32_t linear_before_reset, const float *x,
                         const float *w, const float *r, const float *b,
                         const float *h0, float *y, float *y_h);
mote_status mote_lstm_f32(int32_t seq, int32_t batch, int32_t input,
                          int32_t hidden, int32_t direction, float clip,
                          const float *x, const float *w, const float *r,
                          const float *b, const float *h0, const float *c0,
                          const float *p, float *y, float *y_h, float *y_c);
/* The same layers with int8 weights and recurrences (symmetric): row k of
 * w is dequantized with w_scale[k], row k of r with r_scale[k] (dirs * G *
 * hidden rows each). A quarter of the float weights' bytes; the arithmetic
 * is still float. */
mote_status mote_rnn_f32_w8(int32_t seq, int32_t batch, int32_t input,
                        int32_t hidden, int32_t direction, float clip,
                        const float *x, const int8_t *w, const float *w_scale,
                        const int8_t *r, const float *r_scale, const float *b,
                        const float *h0, float *y, float *y_h);
mote_status mote_gru_f32_w8(int32_t seq, int32_t batch, int32_t input,
                        int32_t hidden, int32_t direction, float clip,
                        int32_t linear_before_reset, const float *x,
                        const int8_t *w, const float *w_scale, const int8_t *r,
                        const float *r_scale, const float *b, const float *h0,
                        float *y, float *y_h);
mote_status mote_lstm_f32_w8(int32_t seq, int32_t batch, int32_t input,
                         int32_t hidden, int32_t direction, float clip,
                         const float *x, const int8_t *w, const float *w_scale,
                         const int8_t *r, const float *r_scale, const float *b,
                         const float *h0, const float *c0, const float *p,
                         float *y, float *y_h, float *y_c);

/* The same layers in integers only (docs/Numerics.md, "Recurrent
 * layers"): int8 x, states and y (y_h the last state, in y's scale),
 * symmetric int8 w and r, and per gate row six int32 `gates` values
 * (input multiplier and shift, recurrence multiplier and shift to Q3.12,
 * input and recurrence biases in Q3.12). The LSTM's cell state is int32
 * Q0.15: c0 in, y_c out. No peepholes. */
mote_status mote_rnn_s8(const mote_recurrent_s8_params *p, const int8_t *x,
                        const int8_t *w, const int8_t *r, const int32_t *gates,
                        const int8_t *h0, int8_t *y, int8_t *y_h);
mote_status mote_gru_s8(const mote_recurrent_s8_params *p, const int8_t *x,
                        const int8_t *w, const int8_t *r, const int32_t *gates,
                        const int8_t *h0, int8_t *y, int8_t *y_h);
mote_status mote_lstm_s8(const mote_recurrent_s8_params *p, const int8_t *x,
                         const int8_t *w, const int8_t *r, const int32_t *gates,
                         const int8_t *h0, const int32_t *c0, int8_t *y,
                         int8_t *y_h, int32_t *y_c);

/* Softmax of float rows: `outer` rows of `inner` elements, axis last. */
mote_status mote_softmax_f32(int32_t outer, int32_t inner, const float *input,
                             float *output);

/* Softmax over a middle axis: the input viewed as [outer][n][inner]
 * elements, normalized over n. */
mote_status mote_softmax_axis_f32(int32_t outer, int32_t n, int32_t inner,
                                  const float *input, float *output);

/* int8 softmax over a middle axis (TFLite's reference integer kernel, bit
 * for bit): see mote_softmax_s8_params in mote_abi.h. */
mote_status mote_softmax_s8(const mote_softmax_s8_params *p,
                            const int8_t *input, int8_t *output);

/* Batched float matrix product y[b] = a[b] x b[b], [m, k] x [k, n], with
 * up to 4 batch dims; the strides count matrices (0 where an operand is
 * broadcast). */
mote_status mote_matmul_f32(const mote_matmul_params *p, const float *a,
                            const float *b, float *output);

/* The int8 form of mote_matmul_f32 (two int8 tensors, int32 accumulation:
 * k is at most 33025 so that no sum overflows). */
mote_status mote_matmul_s8(const mote_matmul_s8_params *p, const int8_t *a,
                           const int8_t *b, int8_t *output);

/* mote_matmul_s8 without the requantization: the int32 sums themselves
 * (ONNX's MatMulInteger), with the same depth limit. */
mote_status mote_matmul_s8_s32(const mote_matmul_s32_params *p,
                               const int8_t *a, const int8_t *b,
                               int32_t *output);

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

/* Gather by run-time indices (an embedding lookup): `data` viewed as
 * [outer][extent][inner] elements of `element_bytes` bytes, `indices` as
 * `count` integers of `index_bytes` (4: int32_t, 8: int64_t); output
 * [outer][count][inner] takes row indices[j] of each outer block. A
 * negative index counts from the end. Any index outside [-extent, extent)
 * returns MOTE_ERROR_ARGUMENT before anything is written. */
mote_status mote_gather(int32_t element_bytes, int32_t index_bytes,
                        int32_t outer, int32_t extent, int32_t count,
                        int32_t inner, const void *data, const void *indices,
                        void *output);

/* Element-wise choice with broadcasting over up to 4 dims: output
 * element i is on_true's if cond's is non-zero, else on_false's; elements
 * of `element_bytes` bytes are copied. */
mote_status mote_where(const mote_where_params *p, const uint8_t *cond,
                       const void *on_true, const void *on_false,
                       void *output);

/* Writes `patch` (`patch_dims`) into a tensor of `rank` <= 6 dims at
 * `offsets`: `output` is `dest` with the window replaced. `output` may be
 * `dest` itself (the patch is then all that is written, as the memory plan
 * of patch-based inference arranges); otherwise `dest` is copied first. */
mote_status mote_insert_slice(int32_t element_bytes, int32_t rank,
                              const int32_t *dims, const int32_t *offsets,
                              const int32_t *patch_dims, const void *patch,
                              const void *dest, void *output);

/* Pads a tensor of `rank` <= 6 dims: `pads` holds all the begins, then all
 * the ends. `mode` is a MOTE_PAD_* value (mote_abi.h); constant padding
 * fills with the element at `value`. */
mote_status mote_pad(int32_t element_bytes, int32_t rank, int32_t mode,
                     const int32_t *dims, const int32_t *pads,
                     const void *value, const void *input, void *output);

/* Reduction (`kind` MOTE_REDUCE_MEAN, _MAX or _MIN) of a tensor of `rank`
 * (at most 6) dimensions `dims` over the axes whose `out_strides` entry is
 * 0; the other entries are the output's strides. `count` is the number of
 * elements reduced into each output. The int8 form reads and writes one
 * quantization: the mean of the integers is rounded half to even. */
mote_status mote_reduce_f32(int32_t kind, int32_t rank, int32_t count,
                            const int32_t *dims, const int32_t *out_strides,
                            const float *input, float *output);
mote_status mote_reduce_s8(int32_t kind, int32_t rank, int32_t count,
                           const int32_t *dims, const int32_t *out_strides,
                           const int8_t *input, int8_t *output);

/* int8 mean into another quantization (TFLite's MEAN): see
 * mote_mean_s8_params in mote_abi.h; `dims` and `out_strides` as above. */
mote_status mote_mean_s8(const mote_mean_s8_params *p, const int32_t *dims,
                         const int32_t *out_strides, const int8_t *input,
                         int8_t *output);

/* Copies `bytes` bytes (for views returned to the caller). */
mote_status mote_copy(int32_t bytes, const void *input, void *output);

/* The exponential of float `x`, to about 1 ulp, without libm. */
float mote_expf(float x);
/* erf(x) to within 2e-7 absolute, without libm. */
float mote_erff(float x);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_KERNELS_H */
