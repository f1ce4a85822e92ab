// RUN: mote-opt %s --mote-train-pipeline="optimizer=sgd" -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s --check-prefix=FP32
// RUN: mote-opt %s --mote-train-pipeline="optimizer=adam lr=0.5" -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s --check-prefix=ADAM
// RUN: mote-opt %s --mote-train-pipeline="precision=int8" -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s --check-prefix=INT8

// The training and optimizer families: every backward kernel the train
// step of conv (3x3, fused ReLU) -> max pool -> conv 1x1 -> avg pool ->
// FC calls, with its parameter block or scalars, in reverse layer order.

// FP32-LABEL: func.func @net_train_step(
// FP32: mote_kernel.call @mote_softmax_cross_entropy_f32({{.*}}) {num_outputs = 2 : i64, scalars = [2 : i32, 3 : i32]}
// FP32: mote_kernel.call @mote_fully_connected_backward_weight_f32({{.*}}) {params = {batch = 2 : i64, in_features = 4 : i64, out_features = 3 : i64}
// FP32: mote_kernel.call @mote_fully_connected_backward_input_f32({{.*}}) {params = {batch = 2 : i64, in_features = 4 : i64, out_features = 3 : i64}
// FP32: mote_kernel.call @mote_avg_pool2d_backward_f32({{.*}}) {params = {{{.*}}channels = 4 : i64, count_include_pad = 0 : i64, {{.*}}kernel_h = 3 : i64, kernel_w = 3 : i64, out_h = 1 : i64
// The 1x1 conv: its weight's gradient and its input's error.
// FP32: mote_kernel.call @mote_conv2d_backward_weight_f32({{.*}}) {params = {{{.*}}in_channels = 2 : i64, in_h = 3 : i64, in_w = 3 : i64, kernel_h = 1 : i64, kernel_w = 1 : i64, out_channels = 4 : i64
// FP32: mote_kernel.call @mote_conv2d_backward_input_f32({{.*}}) {params = {{{.*}}in_channels = 2 : i64, in_h = 3 : i64, in_w = 3 : i64, kernel_h = 1 : i64
// FP32: mote_kernel.call @mote_max_pool2d_backward_f32({{.*}}) {params = {{{.*}}channels = 2 : i64, {{.*}}in_h = 6 : i64, in_w = 6 : i64, {{.*}}kernel_h = 2 : i64, kernel_w = 2 : i64, out_h = 3 : i64
// The fused ReLU of the first conv, from its output (144 values).
// FP32: mote_kernel.call @mote_clamp_backward_f32({{.*}}) {scalars = [144 : i32, 0.000000e+00 : f32, 3.40282347E+38 : f32]}
// Nothing before the first conv trains: no error for its input.
// FP32-NOT: mote_conv2d_backward_input_f32
// FP32: mote_kernel.call @mote_conv2d_backward_weight_f32({{.*}}) {params = {{{.*}}in_channels = 1 : i64, in_h = 6 : i64, in_w = 6 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, out_channels = 2 : i64, out_h = 6 : i64, out_w = 6 : i64, pad_left = 1 : i64
// FP32: mote_kernel.call @mote_bias_backward_f32({{.*}}) {scalars = [2 : i32, 2 : i32, 36 : i32]}
// Plain SGD: count, lr, weight decay; weights of 18, 2, 8 and 12 values.
// FP32: mote_kernel.call @mote_sgd_update_f32({{.*}}) {commits_state, scalars = [18 : i32, 0.00999999977 : f32, 0.000000e+00 : f32]}
// FP32: mote_kernel.call @mote_sgd_update_f32({{.*}}) {commits_state, scalars = [2 : i32, 0.00999999977 : f32, 0.000000e+00 : f32]}
// FP32: mote_kernel.call @mote_sgd_update_f32({{.*}}) {commits_state, scalars = [8 : i32, 0.00999999977 : f32, 0.000000e+00 : f32]}
// FP32: mote_kernel.call @mote_sgd_update_f32({{.*}}) {commits_state, scalars = [12 : i32, 0.00999999977 : f32, 0.000000e+00 : f32]}

// Adam: count, lr, beta1, beta2, epsilon, weight decay, and whether the
// update advances the shared step (the first only).
// ADAM-LABEL: func.func @net_train_step(
// ADAM: mote_kernel.call @mote_adam_update_f32({{.*}}) {commits_state, num_outputs = 4 : i64, scalars = [18 : i32, 5.000000e-01 : f32, 0.899999976 : f32, 9.990000e-01 : f32, 9.99999993E-9 : f32, 0.000000e+00 : f32, 1 : i32]}
// ADAM: mote_kernel.call @mote_adam_update_f32({{.*}}) {commits_state, num_outputs = 4 : i64, scalars = [2 : i32, {{.*}}, 0 : i32]}

// INT8 (Octo): int8 products forward and backward, LAC terms, and the
// backward reading int8 copies of the layer outputs.
// INT8-LABEL: func.func @net_train_step(
// INT8: mote_kernel.call @mote_dynamic_quantize_s8
// INT8: mote_kernel.call @mote_int8_conv2d_f32({{.*}}) {params = {{{.*}}in_channels = 1 : i64
// INT8: mote_kernel.call @mote_channel_affine_f32({{.*}}) {scalars = [2 : i32, 2 : i32, 36 : i32, 0.000000e+00 : f32, 3.40282347E+38 : f32]}
// INT8: mote_kernel.call @mote_int8_fully_connected_f32({{.*}}) {{.*}} : memref<2x4xi8>, memref<1xf32>, memref<3x4xi8>
// INT8: mote_kernel.call @mote_softmax_cross_entropy_f32
// INT8: mote_kernel.call @mote_channel_affine_backward_f32({{.*}}) {num_outputs = 3 : i64, scalars = [2 : i32, 3 : i32, 1 : i32, {{.*}}, 9.99999974E-5 : f32]}
// INT8: mote_kernel.call @mote_int8_fully_connected_backward_weight_f32({{.*}}) {{.*}} : memref<2x4xi8>, memref<1xf32>, memref<2x3xi8>
// INT8: mote_kernel.call @mote_int8_fully_connected_backward_input_f32({{.*}}) {{.*}} : memref<2x3xi8>, memref<1xf32>, memref<3x4xi8>
// INT8: mote_kernel.call @mote_channel_affine_backward_s8_f32({{.*}}) {{.*}} : memref<2x4x3x3xf32>, memref<2x4x3x3xi8>
// INT8: mote_kernel.call @mote_int8_conv2d_backward_weight_f32({{.*}}) {params = {{{.*}}in_channels = 2 : i64
// INT8: mote_kernel.call @mote_int8_conv2d_backward_input_f32({{.*}}) {params = {{{.*}}in_channels = 2 : i64
// INT8: mote_kernel.call @mote_max_pool2d_backward_s8({{.*}}) {{.*}} : memref<2x2x3x3xf32>, memref<2x2x6x6xi8>
// INT8: mote_kernel.call @mote_channel_affine_backward_s8_f32({{.*}}) {{.*}} : memref<2x2x6x6xf32>, memref<2x2x6x6xi8>
// INT8: mote_kernel.call @mote_int8_conv2d_backward_weight_f32({{.*}}) {params = {{{.*}}in_channels = 1 : i64
// INT8-NOT: mote_int8_conv2d_backward_input_f32

func.func @net(%x: tensor<2x1x6x6xf32>) -> tensor<2x3xf32> {
  %w0 = arith.constant dense<0.1> : tensor<2x1x3x3xf32>
  %b0 = arith.constant dense<0.0> : tensor<2xf32>
  %c0 = mote.conv2d %x, %w0, %b0 {pads = array<i64: 1, 1, 1, 1>, clamp_min = 0.0 : f32}
      : (tensor<2x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<2x2x6x6xf32>
  %p0 = mote.max_pool2d %c0 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<2x2x6x6xf32>) -> tensor<2x2x3x3xf32>
  %w1 = arith.constant dense<0.05> : tensor<4x2x1x1xf32>
  %c1 = mote.conv2d %p0, %w1 : (tensor<2x2x3x3xf32>, tensor<4x2x1x1xf32>) -> tensor<2x4x3x3xf32>
  %p1 = mote.avg_pool2d %c1 {kernel = array<i64: 3, 3>, strides = array<i64: 3, 3>}
      : (tensor<2x4x3x3xf32>) -> tensor<2x4x1x1xf32>
  %r = mote.reshape %p1 : (tensor<2x4x1x1xf32>) -> tensor<2x4xf32>
  %fw = arith.constant dense<0.01> : tensor<3x4xf32>
  %y = mote.fully_connected %r, %fw : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
