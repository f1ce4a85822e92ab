// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// Layer normalization over the last two axes of 2x3x4: 2 rows of 12; no
// bias is an array of zeros.
// CHECK-DAG: memref.global "private" constant @{{.*}}_bias : memref<12xf32> = dense<0.000000e+00>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_layer_norm_f32({{.*}}) {scalars = [2 : i32, 12 : i32, 1.000000e-03 : f32]}
func.func @net(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %g = arith.constant dense<1.5> : tensor<3x4xf32>
  %y = mote.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// With ONNX's Mean and InvStdDev outputs, a second call writes them.
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_layer_norm_f32({{.*}}) {scalars = [6 : i32, 4 : i32, 9.99999974E-6 : f32]}
// CHECK: mote_kernel.call @mote_layer_norm_stats_f32({{.*}}) {num_outputs = 2 : i64, scalars = [6 : i32, 4 : i32, 9.99999974E-6 : f32]} : memref<2x3x4xf32>, memref<2x3x1xf32>, memref<2x3x1xf32>
func.func @net(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>) {
  %g = arith.constant dense<1.5> : tensor<4xf32>
  %y:3 = mote.layer_norm %x, %g {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  return %y#0, %y#1, %y#2 : tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>
}

// -----

// The int8 form: per column, scale / output scale as a signed Q31
// multiplier (6 = 0.75 x 2^3, -2 = -0.5 x 2^2, 0, 8 = 0.5 x 2^4) and bias /
// output scale in Q16 (0.25 / 0.25 = 65536); epsilon in the kernel's units,
// 4^2 x 1e-3 / 0.5^2 x 2^16 = 4194.3, rounded (high word 0); minus the
// input zero point, the output zero point.
// CHECK-DAG: memref.global "private" constant @net_l0_multiplier : memref<4xi32> = dense<[1610612736, -1073741824, 0, 1073741824]>
// CHECK-DAG: memref.global "private" constant @net_l0_shift : memref<4xi32> = dense<[3, 2, 0, 4]>
// CHECK-DAG: memref.global "private" constant @net_l0_bias : memref<4xi32> = dense<65536>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_layer_norm_s8({{.*}}) {params = {epsilon_high = 0 : i64, epsilon_low = 4194 : i64, inner = 4 : i64, input_offset = -3 : i64, outer = 6 : i64, output_offset = -2 : i64}, params_type = "mote_layer_norm_s8_params"} : memref<2x3x4xi8>, memref<4xi32>, memref<4xi32>, memref<4xi32>, memref<2x3x4xi8>
!qx = !quant.uniform<i8:f32, 0.5:3>
!qy = !quant.uniform<i8:f32, 0.25:-2>
func.func @net(%x: tensor<2x3x4x!qx>) -> tensor<2x3x4x!qy> {
  %g = arith.constant dense<[1.5, -0.5, 0.0, 2.0]> : tensor<4xf32>
  %b = arith.constant dense<0.25> : tensor<4xf32>
  %y = mote.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3x4x!qx>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4x!qy>
  return %y : tensor<2x3x4x!qy>
}
