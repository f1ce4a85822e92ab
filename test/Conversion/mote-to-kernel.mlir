// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -cse | FileCheck %s --check-prefixes=CHECK,FLOAT

// A quantized conv with a fused ReLU, a residual add and the float
// boundary. Input scale 0.5, weight scales 0.25 / 0.125, output scale 0.5:
// the conv's real multipliers 0.25 and 0.125 are 2^30 * 2^-1 / 2^31 and
// 2^30 * 2^-2 / 2^31 in Q31; the ReLU is the activation range
// [zero point -128, 127]; the add uses TFLite's 20-bit headroom scheme.

!qx = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.125}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.0625}>
!qy = !quant.uniform<i8:f32, 0.5:-128>

// CHECK-DAG: memref.global "private" constant @net_l1_weights : memref<4xi8> = dense<[1, 2, 3, 4]>
// CHECK-DAG: memref.global "private" constant @net_l1_bias : memref<2xi32> = dense<[10, -10]>
// CHECK-DAG: memref.global "private" constant @net_l1_multiplier : memref<2xi32> = dense<1073741824>
// CHECK-DAG: memref.global "private" constant @net_l1_shift : memref<2xi32> = dense<[-1, -2]>
// CHECK-LABEL: func.func @net_run
// CHECK-SAME: (%[[IN:[a-z0-9]+]]: memref<1x2x2x2xf32>{{( \{[^}]*\})?}}, %[[OUT:[a-z0-9]+]]: memref<1x2x2x2xf32>{{( \{[^}]*\})?}}, %[[ARENA:[a-z0-9]+]]: memref<32xi8>)
// CHECK-SAME: mote.arena_bytes = 32 : i64, mote.entry, mote.num_inputs = 1 : i64
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[Q:.*]] = memref.view %[[ARENA]][%[[C0]]][] : memref<32xi8> to memref<1x2x2x2xi8>
// CHECK: mote_kernel.call @mote_quantize_f32_s8(%[[IN]], %[[Q]]) {scalars = [8 : i32, 5.000000e-01 : f32, -1 : i32, -128 : i32, 127 : i32]}
// CHECK: %[[C16:.*]] = arith.constant 16 : index
// CHECK: %[[C:.*]] = memref.view %[[ARENA]][%[[C16]]][] : memref<32xi8> to memref<1x2x2x2xi8>
// CHECK: mote_kernel.call @mote_conv2d_s8(%[[Q]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[C]]) {params = {act_max = 127 : i64, act_min = -128 : i64, batch = 1 : i64, dilation_h = 1 : i64, dilation_w = 1 : i64, groups = 1 : i64, in_channels = 2 : i64, in_h = 2 : i64, in_w = 2 : i64, input_offset = 1 : i64, kernel_h = 1 : i64, kernel_w = 1 : i64, out_channels = 2 : i64, out_h = 2 : i64, out_w = 2 : i64, output_offset = -128 : i64, pad_left = 0 : i64, pad_top = 0 : i64, stride_h = 1 : i64, stride_w = 1 : i64}, params_type = "mote_conv2d_s8_params"}
// The add writes in place into the conv's buffer (its last use).
// CHECK: mote_kernel.call @mote_add_s8(%[[C]], %[[Q]], %[[C]]) {params = {act_max = 127 : i64, act_min = -128 : i64, dim0 = 1 : i64, dim1 = 2 : i64, dim2 = 2 : i64, dim3 = 2 : i64, left_shift = 20 : i64, lhs_multiplier = 1073741824 : i64, lhs_offset = 128 : i64, lhs_shift = 0 : i64, lhs_stride0 = 8 : i64, lhs_stride1 = 4 : i64, lhs_stride2 = 2 : i64, lhs_stride3 = 1 : i64, output_multiplier = 1073741824 : i64, output_offset = -128 : i64, output_shift = -18 : i64, rhs_multiplier = 1073741824 : i64, rhs_offset = 1 : i64, rhs_shift = 0 : i64, rhs_stride0 = 8 : i64, rhs_stride1 = 4 : i64, rhs_stride2 = 2 : i64, rhs_stride3 = 1 : i64}, params_type = "mote_binary_s8_params"}
// CHECK: mote_kernel.call @mote_dequantize_s8_f32(%[[C]], %[[OUT]]) {scalars = [8 : i32, 5.000000e-01 : f32, -128 : i32]}
// CHECK: return
func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[1]], [[2]]], [[[3]], [[4]]]]> : tensor<2x2x1x1xi8>
  %b = arith.constant dense<[10, -10]> : tensor<2xi32>
  %wq = quant.scast %w : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!qw>
  %bq = quant.scast %b : tensor<2xi32> to tensor<2x!qb>
  %q = mote.quantize %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2x!qx>
  %c = mote.conv2d %q, %wq, %bq {clamp_min = 0.0 : f32}
      : (tensor<1x2x2x2x!qx>, tensor<2x2x1x1x!qw>, tensor<2x!qb>) -> tensor<1x2x2x2x!qy>
  %s = mote.add %c, %q : (tensor<1x2x2x2x!qy>, tensor<1x2x2x2x!qx>) -> tensor<1x2x2x2x!qy>
  %d = mote.dequantize %s : (tensor<1x2x2x2x!qy>) -> tensor<1x2x2x2xf32>
  return %d : tensor<1x2x2x2xf32>
}

// -----

// Float models lower to the float kernels: a conv with a fused ReLU6 gets
// its bounds as scalars, a standalone sigmoid is an activation call.
// FLOAT-LABEL: func.func @net_run
// FLOAT: mote_kernel.call @mote_conv2d_f32(%{{.*}}) {params = {batch = 1 : i64, dilation_h = 1 : i64, dilation_w = 1 : i64, groups = 1 : i64, in_channels = 1 : i64, in_h = 4 : i64, in_w = 4 : i64, kernel_h = 1 : i64, kernel_w = 1 : i64, out_channels = 2 : i64, out_h = 4 : i64, out_w = 4 : i64, pad_left = 0 : i64, pad_top = 0 : i64, stride_h = 1 : i64, stride_w = 1 : i64}, params_type = "mote_conv2d_f32_params", scalars = [0.000000e+00 : f32, 6.000000e+00 : f32]}
// FLOAT: mote_kernel.call @mote_activation_f32(%{{.*}}) {scalars = [1 : i32, 32 : i32, 0.000000e+00 : f32, 0.000000e+00 : f32]}
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[0.5]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %c = mote.conv2d %x, %w {clamp_min = 0.0 : f32, clamp_max = 6.0 : f32}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = mote.sigmoid %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %s : tensor<1x2x4x4xf32>
}
