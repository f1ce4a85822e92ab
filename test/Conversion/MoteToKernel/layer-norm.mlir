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
