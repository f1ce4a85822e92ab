// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -cse | FileCheck %s

// An int8 softmax (TFLite's numerics) calls TFLite's fixed-point kernel over
// its axis: here the channels of 1x3x2x2, so 1 row group of n = 3 with 4
// interleaved rows. Input scale 0.5 times 2^26 is 2^25: the Q31 multiplier
// 2^30 with a left shift of 26, and differences below -31 (31 * 2^26 /
// 2^26) give 0.
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_softmax_s8(%{{.*}}) {params = {diff_min = -31 : i64, inner = 4 : i64, input_left_shift = 26 : i64, input_multiplier = 1073741824 : i64, n = 3 : i64, outer = 1 : i64}

!qx = !quant.uniform<i8:f32, 0.5:3>
!qs = !quant.uniform<i8:f32, 0.00390625:-128>

module attributes {mote.numerics = "tflite"} {
func.func @main(%x: tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32> {
  %q = mote.quantize %x : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2x!qx>
  %s = mote.softmax %q {axis = 1 : i64} : (tensor<1x3x2x2x!qx>) -> tensor<1x3x2x2x!qs>
  %d = mote.dequantize %s : (tensor<1x3x2x2x!qs>) -> tensor<1x3x2x2xf32>
  return %d : tensor<1x3x2x2xf32>
}
}
