/*===- mote_abi.h - The compiler-runtime ABI, defined once --------*- C -*-===*
 *
 * Everything the compiler and the runtime must agree on bit for bit: the
 * fields of every kernel's parameter block and the enumerations passed as
 * kernel arguments. The runtime expands the tables below into its C
 * structs (mote_kernels.h, mote_gemm.h); the compiler includes this header
 * too and expands the same tables into its builders and into the checks of
 * the `mote_kernel.call` verifier, then prints each block as a C99
 * designated initializer. A field added, removed or reordered here changes
 * both sides at once, so neither can fall out of step with the other.
 *
 * This header holds macros only: no declarations, no includes. The runtime
 * never includes compiler headers; the compiler may include this one.
 *
 * Each block is a list macro `MOTE_PARAMS_<type>(F)` calling F(field) for
 * its fields in layout order (every field is an int32_t). Blocks compose
 * from shared field groups (`MOTE_FIELDS_*`) rather than repeating fields.
 * `MOTE_PARAMS_LIST(P)` calls P(type) for every block.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_ABI_H
#define MOTE_ABI_H

/*--- Field groups ----------------------------------------------------------*/

/* The tensors of a 2-D convolution, NCHW input and output. */
#define MOTE_FIELDS_CONV_SHAPE(F)                                              \
  F(batch) F(in_channels) F(in_h) F(in_w) F(out_channels) F(out_h) F(out_w)

/* A 2-D window (convolution or pooling): input pixel of output (oy, ox) and
 * tap (ky, kx) is (oy * stride_h - pad_top + ky * dilation_h, likewise x). */
#define MOTE_FIELDS_WINDOW(F)                                                  \
  F(kernel_h) F(kernel_w) F(stride_h) F(stride_w) F(dilation_h)              \
  F(dilation_w) F(pad_top) F(pad_left)

/* An int8 result: its zero point, then the clamp of the activation range
 * (in the integer domain, after the zero point is added). */
#define MOTE_FIELDS_INT8_OUTPUT(F) F(output_offset) F(act_min) F(act_max)

/* Broadcasting over up to 4 dims: element (i0..i3) of an operand is at
 * sum(i_d * stride_d); a broadcast dimension has stride 0. */
#define MOTE_FIELDS_BROADCAST(F)                                               \
  F(dim0) F(dim1) F(dim2) F(dim3) F(lhs_stride0) F(lhs_stride1)                \
  F(lhs_stride2) F(lhs_stride3) F(rhs_stride0) F(rhs_stride1)                  \
  F(rhs_stride2) F(rhs_stride3)

/*--- Parameter blocks ------------------------------------------------------*/

/* int8 convolution; `input_offset` is minus the input zero point. */
#define MOTE_PARAMS_mote_conv2d_s8_params(F)                                   \
  MOTE_FIELDS_CONV_SHAPE(F) MOTE_FIELDS_WINDOW(F) F(groups) F(input_offset)    \
  MOTE_FIELDS_INT8_OUTPUT(F)

/* float convolution, and the float training convolutions. */
#define MOTE_PARAMS_mote_conv2d_f32_params(F)                                  \
  MOTE_FIELDS_CONV_SHAPE(F) MOTE_FIELDS_WINDOW(F) F(groups)

/* int8 convolution as a matrix product on the targets' kernels
 * (mote_gemm.h): padding taps hold `input_zero_point`; `depth` is
 * in_channels * kernel_h * kernel_w and `depth_padded` that rounded up to
 * the target's multiple; `block` output pixels are gathered at a time
 * (`gather` 0: the input rows are the columns). */
#define MOTE_PARAMS_mote_gemm_conv_params(F)                                   \
  MOTE_FIELDS_CONV_SHAPE(F) MOTE_FIELDS_WINDOW(F) F(input_zero_point)          \
  MOTE_FIELDS_INT8_OUTPUT(F) F(depth) F(depth_padded) F(block) F(gather)

/* int8 convolution to raw int32 sums (ONNX's ConvInteger): no bias, no
 * requantization; `input_offset` is minus the input zero point. */
#define MOTE_PARAMS_mote_conv2d_s32_params(F)                                  \
  MOTE_FIELDS_CONV_SHAPE(F) MOTE_FIELDS_WINDOW(F) F(groups) F(input_offset)

#define MOTE_PARAMS_mote_fully_connected_s8_params(F)                          \
  F(batch) F(in_features) F(out_features) F(input_offset)                      \
  MOTE_FIELDS_INT8_OUTPUT(F)

#define MOTE_PARAMS_mote_fully_connected_f32_params(F)                         \
  F(batch) F(in_features) F(out_features)

/* int8 element-wise binary ops (TFLite's add scheme: both inputs shifted
 * left by `left_shift` and rescaled to a common scale). */
#define MOTE_PARAMS_mote_binary_s8_params(F)                                   \
  MOTE_FIELDS_BROADCAST(F) F(lhs_offset) F(rhs_offset) F(output_offset)        \
  F(left_shift) F(lhs_multiplier) F(lhs_shift) F(rhs_multiplier)               \
  F(rhs_shift) F(output_multiplier) F(output_shift) F(act_min) F(act_max)

#define MOTE_PARAMS_mote_broadcast_params(F) MOTE_FIELDS_BROADCAST(F)

/* mote_where: the broadcast of the two choices (lhs: on_true, rhs:
 * on_false), the condition's strides, the element size of the choices. */
#define MOTE_PARAMS_mote_where_params(F)                                       \
  MOTE_FIELDS_BROADCAST(F) F(cond_stride0) F(cond_stride1) F(cond_stride2)     \
  F(cond_stride3) F(element_bytes)

/* Pooling, int8 and float (float kernels ignore the quantization fields);
 * average pooling requantizes with entry c of a `table_size` table, c the
 * number of elements averaged (entry 0 when the table has one entry), or,
 * with `divide` set (input and output of one quantization), divides the
 * sum of the window's int8 values by c, rounding half away from zero
 * (TFLite's integer average pooling; no table). */
#define MOTE_PARAMS_mote_pool2d_s8_params(F)                                   \
  F(batch) F(channels) F(in_h) F(in_w) F(out_h) F(out_w)                       \
  MOTE_FIELDS_WINDOW(F) F(count_include_pad) F(input_offset)                   \
  MOTE_FIELDS_INT8_OUTPUT(F) F(table_size) F(divide)

/* Batched float matrix product [m, k] x [k, n]; the strides count
 * matrices. */
#define MOTE_PARAMS_mote_matmul_params(F) MOTE_FIELDS_BROADCAST(F) F(m) F(k) F(n)

/* int8 product of two tensors: acc = sum (a + lhs_offset) (b + rhs_offset)
 * over k, requantized by one multiplier and shift to the int8 output. */
#define MOTE_PARAMS_mote_matmul_s8_params(F)                                   \
  MOTE_FIELDS_BROADCAST(F) F(m) F(k) F(n) F(lhs_offset) F(rhs_offset)          \
  F(output_multiplier) F(output_shift) MOTE_FIELDS_INT8_OUTPUT(F)

/* int8 product of two tensors to raw int32 sums (ONNX's MatMulInteger):
 * acc = sum (a + lhs_offset) (b + rhs_offset) over k, stored as is. */
#define MOTE_PARAMS_mote_matmul_s32_params(F)                                  \
  MOTE_FIELDS_BROADCAST(F) F(m) F(k) F(n) F(lhs_offset) F(rhs_offset)

/* int8 layer normalization of `outer` rows of `inner` elements: minus the
 * input zero point as `input_offset`, the output zero point, and the
 * epsilon term round(inner^2 * epsilon / input_scale^2 * 2^16) split as
 * epsilon_high * 2^31 + epsilon_low. */
#define MOTE_PARAMS_mote_layer_norm_s8_params(F)                               \
  F(outer) F(inner) F(input_offset) F(output_offset) F(epsilon_high)           \
  F(epsilon_low)

/* Integer-only RNN, GRU and LSTM (mote_recurrent.c): the geometry of the
 * float kernels, GRU's linear_before_reset, minus the input zero point,
 * the zero point of the states and output, the gates' clip in Q3.12 (0:
 * none), the Q0.15-to-output requantization and the GRU's state-to-Q0.15
 * one. */
#define MOTE_PARAMS_mote_recurrent_s8_params(F)                                \
  F(seq) F(batch) F(input) F(hidden) F(direction) F(linear_before_reset)       \
  F(input_offset) F(output_offset) F(clip) F(output_multiplier)                \
  F(output_shift) F(state_multiplier) F(state_shift)

/* SGQ encode and decode at a cut (mote_sgq.h): features of shape
 * dim0..dim{rank-1} ([batch, channels, spatial...], unused dims 1), the
 * codec's configuration (rounding: 0 nearest, 1 stochastic), the grouping's
 * id and group count, and the packet buffer's bytes. */
#define MOTE_PARAMS_mote_sgq_params(F)                                         \
  F(bits) F(stripe) F(rounding) F(embed_grouping) F(grouping_id) F(groups)     \
  F(rank) F(dim0) F(dim1) F(dim2) F(dim3) F(dim4) F(dim5) F(capacity)

/* PASS patch skipping (mote_pass.h): an int8 CHW frame of `channels` x
 * `height` x `width` in cells of `cell_h` x `cell_w` pixels (the last row
 * and column of cells may be smaller), the sum of absolute differences
 * above which a cell changed, and the number of output tiles. */
#define MOTE_PARAMS_mote_pass_params(F)                                        \
  F(channels) F(height) F(width) F(cell_h) F(cell_w) F(threshold) F(tiles)

/* PASS's propagation from one span to the next: the flags of the
 * `source_rows` x `source_cols` tiles of the span before, and this span's
 * number of tiles. */
#define MOTE_PARAMS_mote_pass_propagate_params(F)                              \
  F(source_rows) F(source_cols) F(tiles)

/* PASS's store of a recomputed tile into its cache: the cache is an int8
 * CHW tensor of `channels` x `height` x `width`; the tile, `patch_h` x
 * `patch_w` at (`top`, `left`), is tile `tile` of its span, written only
 * when it differs from the cache by more than `threshold` (sum of absolute
 * differences). */
#define MOTE_PARAMS_mote_pass_store_params(F)                                  \
  F(channels) F(height) F(width) F(patch_h) F(patch_w) F(top) F(left) F(tile) \
  F(threshold)

/* int8 softmax in TensorFlow Lite's fixed-point arithmetic
 * (mote_fixedpoint.h): the input viewed as [outer][n][inner], normalized
 * over n; an input difference d = x - max with d >= diff_min becomes the
 * Q5 value d * 2^input_left_shift times the Q31 `input_multiplier` (input
 * scale times 2^26), anything lower gives 0. The output has scale 1/256 and
 * zero point -128. */
#define MOTE_PARAMS_mote_softmax_s8_params(F)                                  \
  F(outer) F(n) F(inner) F(input_multiplier) F(input_left_shift) F(diff_min)

/* int8 mean with a requantization: each output is the sum of its `count`
 * inputs plus `input_offset` (minus the input zero point) times the count,
 * requantized by `output_multiplier` and `output_shift` (which carry the
 * division by the count), plus `output_offset`; `rank` dimensions walked as
 * mote_reduce_s8 walks them. */
#define MOTE_PARAMS_mote_mean_s8_params(F)                                     \
  F(rank) F(count) F(input_offset) F(output_multiplier) F(output_shift)        \
  F(output_offset)

#define MOTE_PARAMS_LIST(P)                                                    \
  P(mote_conv2d_s8_params)                                                     \
  P(mote_conv2d_f32_params)                                                    \
  P(mote_conv2d_s32_params)                                                    \
  P(mote_gemm_conv_params)                                                     \
  P(mote_fully_connected_s8_params)                                            \
  P(mote_fully_connected_f32_params)                                           \
  P(mote_binary_s8_params)                                                     \
  P(mote_broadcast_params)                                                     \
  P(mote_where_params)                                                         \
  P(mote_pool2d_s8_params)                                                     \
  P(mote_softmax_s8_params)                                                    \
  P(mote_mean_s8_params)                                                       \
  P(mote_matmul_params)                                                        \
  P(mote_matmul_s8_params)                                                     \
  P(mote_matmul_s32_params)                                                    \
  P(mote_layer_norm_s8_params)                                                 \
  P(mote_recurrent_s8_params)                                                  \
  P(mote_sgq_params)                                                           \
  P(mote_pass_params)                                                          \
  P(mote_pass_propagate_params)                                                \
  P(mote_pass_store_params)

/*--- Enumerations ----------------------------------------------------------*/

/* `kind` of mote_activation_f32. */
#define MOTE_CLAMP 0        /* min(max(x, a), b) */
#define MOTE_SIGMOID 1      /* 1 / (1 + exp(-x)) */
#define MOTE_TANH 2         /* tanh(x) */
#define MOTE_HARD_SIGMOID 3 /* max(0, min(1, a * x + b)) */
#define MOTE_HARD_SWISH 4   /* x * max(0, min(1, x / 6 + 1 / 2)) */
#define MOTE_LEAKY_RELU 5   /* x >= 0 ? x : a * x */
#define MOTE_ELU 6          /* b * (x > 0 ? x : a * (exp(x) - 1)) (SELU too) */
#define MOTE_ERF 7          /* erf(x) */
#define MOTE_GELU 8         /* x / 2 * (1 + erf(x / sqrt(2))); a = 1: tanh form */

/* `mode` of mote_pad. */
#define MOTE_PAD_CONSTANT 0 /* fill with the element at `value` */
#define MOTE_PAD_REFLECT 1  /* mirror, without repeating the edge */
#define MOTE_PAD_EDGE 2     /* repeat the edge element */

/* `kind` of mote_reduce_f32 / mote_reduce_s8. */
#define MOTE_REDUCE_MEAN 0
#define MOTE_REDUCE_MAX 1
#define MOTE_REDUCE_MIN 2

/* `predicate` of mote_compare_f32 (false for a NaN operand). */
#define MOTE_COMPARE_EQ 0 /* a == b */
#define MOTE_COMPARE_LT 1 /* a < b */
#define MOTE_COMPARE_LE 2 /* a <= b */
#define MOTE_COMPARE_GT 3 /* a > b */
#define MOTE_COMPARE_GE 4 /* a >= b */

#endif /* MOTE_ABI_H */
