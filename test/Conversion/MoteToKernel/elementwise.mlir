// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// The element-wise family beyond add: int8 sub and mul with broadcasting
// (rhs row stride 0), float sub and mul, and the float matmul and max
// pooling.

// int8 sub, as TFLite rescales: both inputs to twice the larger scale
// (1.0) after a left shift of 20, lhs 0.5 / 1.0 = 2^30 * 2^0, rhs 0.25 /
// 1.0 = 2^30 * 2^-1, the output 1.0 / (2^20 * 1.0) = 2^30 * 2^-19; the
// zero points -3 and 2 become offsets 3 and -2.
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_sub_s8({{.*}}) {params = {act_max = 127 : i64, act_min = -128 : i64, dim0 = 1 : i64, dim1 = 1 : i64, dim2 = 2 : i64, dim3 = 4 : i64, left_shift = 20 : i64, lhs_multiplier = 1073741824 : i64, lhs_offset = 3 : i64, lhs_shift = 0 : i64, {{.*}}output_multiplier = 1073741824 : i64, output_offset = 0 : i64, output_shift = -19 : i64, rhs_multiplier = 1073741824 : i64, rhs_offset = -2 : i64, rhs_shift = -1 : i64, rhs_stride0 = 4 : i64, rhs_stride1 = 4 : i64, rhs_stride2 = 0 : i64, rhs_stride3 = 1 : i64}
// int8 mul: one rescale, 0.5 * 0.25 / 1.0 = 2^30 * 2^-2; the fused ReLU
// clamps at the output zero point.
// CHECK: mote_kernel.call @mote_mul_s8({{.*}}) {params = {act_max = 127 : i64, act_min = 0 : i64, {{.*}}left_shift = 0 : i64, {{.*}}output_multiplier = 1073741824 : i64, output_offset = 0 : i64, output_shift = -2 : i64,
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:2>
!qc = !quant.uniform<i8:f32, 1.0:0>
func.func @net(%a: tensor<2x4x!qa>, %b: tensor<4x!qb>) -> (tensor<2x4x!qc>, tensor<2x4x!qc>) {
  %s = mote.sub %a, %b : (tensor<2x4x!qa>, tensor<4x!qb>) -> tensor<2x4x!qc>
  %m = mote.mul %a, %b {clamp_min = 0.0 : f32} : (tensor<2x4x!qa>, tensor<4x!qb>) -> tensor<2x4x!qc>
  return %s, %m : tensor<2x4x!qc>, tensor<2x4x!qc>
}

// -----

// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_sub_f32({{.*}}) {params = {dim0 = 1 : i64, dim1 = 1 : i64, dim2 = 2 : i64, dim3 = 4 : i64, {{.*}}rhs_stride2 = 0 : i64, rhs_stride3 = 1 : i64}, params_type = "mote_broadcast_params", scalars = [-3.40282347E+38 : f32, 3.40282347E+38 : f32]}
// CHECK: mote_kernel.call @mote_mul_f32({{.*}}) {params = {{{.*}}}, params_type = "mote_broadcast_params"
// CHECK: mote_kernel.call @mote_matmul_f32({{.*}}) {params = {{{.*}}k = 4 : i64, {{.*}}m = 2 : i64, n = 3 : i64, {{.*}}}, params_type = "mote_matmul_params"} : memref<2x4xf32>, memref<12xf32>, memref<2x3xf32>
// CHECK: mote_kernel.call @mote_max_pool2d_f32({{.*}}) {params = {{{.*}}channels = 2 : i64, {{.*}}in_h = 4 : i64, in_w = 4 : i64, {{.*}}kernel_h = 2 : i64, kernel_w = 2 : i64, out_h = 2 : i64, out_w = 2 : i64, {{.*}}stride_h = 2 : i64, stride_w = 2 : i64
func.func @net(%a: tensor<2x4xf32>, %b: tensor<4xf32>, %x: tensor<1x2x4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x3xf32>, tensor<1x2x2x2xf32>) {
  %s = mote.sub %a, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %m = mote.mul %a, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %w = arith.constant dense<0.5> : tensor<4x3xf32>
  %y = mote.matmul %a, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %p = mote.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %s, %m, %y, %p : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x3xf32>, tensor<1x2x2x2xf32>
}

// -----

// The product of two int8 tensors: minus the zero points as offsets, one
// multiplier for 0.5 * 0.25 / 0.1 = 1.25 (0.625 x 2^1), the output zero point.
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_matmul_s8({{.*}}) {params = {act_max = 127 : i64, act_min = -128 : i64, {{.*}}k = 4 : i64, lhs_offset = 3 : i64, {{.*}}m = 2 : i64, n = 3 : i64, output_multiplier = 1342177280 : i64, output_offset = 5 : i64, output_shift = 1 : i64, {{.*}}rhs_offset = -1 : i64, {{.*}}}, params_type = "mote_matmul_s8_params"} : memref<2x4xi8>, memref<1x4x3xi8>, memref<1x2x3xi8>
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:1>
!qy = !quant.uniform<i8:f32, 0.1:5>
func.func @main(%a: tensor<2x4x!qa>, %b: tensor<1x4x3x!qb>) -> tensor<1x2x3x!qy> {
  %y = mote.matmul %a, %b : (tensor<2x4x!qa>, tensor<1x4x3x!qb>) -> tensor<1x2x3x!qy>
  return %y : tensor<1x2x3x!qy>
}

// -----

// int8 PReLU: the slope [2, 1] broadcasts along the rows (stride 1 across
// channels, 0 along the last axis); x >= 0 is rescaled by 0.5 / 1.0 (lhs
// multiplier 2^30 * 2^0), x < 0 times the slope by 0.5 * 0.25 / 1.0.
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_prelu_s8({{.*}}) {params = {act_max = 127 : i64, act_min = -128 : i64, dim0 = 1 : i64, dim1 = 1 : i64, dim2 = 2 : i64, dim3 = 3 : i64, left_shift = 0 : i64, lhs_multiplier = 1073741824 : i64, lhs_offset = 3 : i64, lhs_shift = 0 : i64, {{.*}}output_multiplier = 1073741824 : i64, output_offset = 0 : i64, output_shift = -2 : i64, {{.*}}rhs_offset = -2 : i64, {{.*}}rhs_stride2 = 1 : i64, rhs_stride3 = 0 : i64}
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:2>
!qc = !quant.uniform<i8:f32, 1.0:0>
func.func @net(%x: tensor<1x2x3x!qa>, %s: tensor<2x1x!qb>) -> tensor<1x2x3x!qc> {
  %y = mote.prelu %x, %s : (tensor<1x2x3x!qa>, tensor<2x1x!qb>) -> tensor<1x2x3x!qc>
  return %y : tensor<1x2x3x!qc>
}

// -----

// A comparison of int64 token ids against a scalar padding id calls the
// integer kernel with the element size (8 bytes); one of bools reads bytes.
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_compare_int({{.*}}) {params = {{.*}}, params_type = "mote_broadcast_params", scalars = [0 : i32, 8 : i32]}
// CHECK: mote_kernel.call @mote_compare_int({{.*}}) {params = {{.*}}, params_type = "mote_broadcast_params", scalars = [0 : i32, 1 : i32]}
func.func @net(%ids: tensor<2x5xi64>) -> tensor<2x5xi1> {
  %pad = arith.constant dense<0> : tensor<i64>
  %f = arith.constant dense<false> : tensor<i1>
  %m = mote.compare %ids, %pad {predicate = "eq"} : (tensor<2x5xi64>, tensor<i64>) -> tensor<2x5xi1>
  %n = mote.compare %m, %f {predicate = "eq"} : (tensor<2x5xi1>, tensor<i1>) -> tensor<2x5xi1>
  return %n : tensor<2x5xi1>
}
