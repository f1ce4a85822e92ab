// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// Per-axis quantization at the model's boundary (ONNX's per-axis
// QuantizeLinear / DequantizeLinear): one scale and zero point per channel
// of axis 1, the tensor as [outer = 2, channels = 3, inner = 4]; uint8
// storage flagged by the last scalar.
!qu = !quant.uniform<u8:f32:1, {2.0:84, 4.0:24, 5.0:196}>
!qs = !quant.uniform<i8:f32:1, {0.5:-3, 0.25:0, 1.0:7}>
// CHECK-DAG: memref.global "private" constant @net_l0_scales : memref<3xf32> = dense<[2.000000e+00, 4.000000e+00, 5.000000e+00]>
// CHECK-DAG: memref.global "private" constant @net_l0_zero_points : memref<3xi32> = dense<[84, 24, 196]>
// CHECK-DAG: memref.global "private" constant @net_l1_zero_points : memref<3xi32> = dense<[-3, 0, 7]>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_quantize_axis_f32({{.*}}) {scalars = [2 : i32, 3 : i32, 4 : i32, 1 : i32]}
// CHECK: mote_kernel.call @mote_dequantize_axis_f32({{.*}}) {scalars = [2 : i32, 3 : i32, 4 : i32, 0 : i32]}
func.func @net(%x: tensor<2x3x4xf32>, %q: tensor<2x3x4x!qs>) -> (tensor<2x3x4x!qu>, tensor<2x3x4xf32>) {
  %0 = mote.quantize %x : (tensor<2x3x4xf32>) -> tensor<2x3x4x!qu>
  %1 = mote.dequantize %q : (tensor<2x3x4x!qs>) -> tensor<2x3x4xf32>
  return %0, %1 : tensor<2x3x4x!qu>, tensor<2x3x4xf32>
}
