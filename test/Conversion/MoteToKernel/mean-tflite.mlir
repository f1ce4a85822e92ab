// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -cse | FileCheck %s

// An int8 mean in TFLite's numerics rescales the sum minus the input zero
// point times the count (20) once, with TFLite's multiplier: 0.05 / 0.02 =
// 2.5 is 0.625 * 2^31 (1342177280) shifted by 2, and the count folds in as
// (1342177280 << 4) / 20 = 1073741824 with the shift 2 - 4.
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_mean_s8(%{{.*}}) {params = {count = 20 : i64, input_offset = 3 : i64, output_multiplier = 1073741824 : i64, output_offset = -1 : i64, output_shift = -2 : i64, rank = 4 : i64}

!qx = !quant.uniform<i8:f32, 0.05:-3>
!qy = !quant.uniform<i8:f32, 0.02:-1>

module attributes {mote.numerics = "tflite"} {
func.func @main(%x: tensor<1x4x5x4xf32>) -> tensor<1x4x1x1xf32> {
  %q = mote.quantize %x : (tensor<1x4x5x4xf32>) -> tensor<1x4x5x4x!qx>
  %m = mote.reduce %q {axes = array<i64: 2, 3>, kind = "mean"} : (tensor<1x4x5x4x!qx>) -> tensor<1x4x1x1x!qy>
  %d = mote.dequantize %m : (tensor<1x4x1x1x!qy>) -> tensor<1x4x1x1xf32>
  return %d : tensor<1x4x1x1xf32>
}
}

// -----

// In Mote's numerics a mean between two quantizations rescales its sum once
// by 0.05 / (0.02 * 20) = 0.125: 2^30 shifted by -2; one of a single
// quantization rounds the mean of the integers (mote_reduce_s8).
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_mean_s8(%{{.*}}) {params = {count = 20 : i64, input_offset = 3 : i64, output_multiplier = 1073741824 : i64, output_offset = -1 : i64, output_shift = -2 : i64, rank = 4 : i64}
// CHECK: mote_kernel.call @mote_reduce_s8

!qx = !quant.uniform<i8:f32, 0.05:-3>
!qy = !quant.uniform<i8:f32, 0.02:-1>

func.func @main(%x: tensor<1x4x5x4xf32>) -> (tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) {
  %q = mote.quantize %x : (tensor<1x4x5x4xf32>) -> tensor<1x4x5x4x!qx>
  %m = mote.reduce %q {axes = array<i64: 2, 3>, kind = "mean"} : (tensor<1x4x5x4x!qx>) -> tensor<1x4x1x1x!qy>
  %s = mote.reduce %q {axes = array<i64: 2, 3>, kind = "mean"} : (tensor<1x4x5x4x!qx>) -> tensor<1x4x1x1x!qx>
  %d = mote.dequantize %m : (tensor<1x4x1x1x!qy>) -> tensor<1x4x1x1xf32>
  %e = mote.dequantize %s : (tensor<1x4x1x1x!qx>) -> tensor<1x4x1x1xf32>
  return %d, %e : tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>
}
