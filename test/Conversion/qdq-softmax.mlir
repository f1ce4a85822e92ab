// RUN: mote-opt %s -mote-graph-pipeline --mote-lower-to-kernel-pipeline="model-name=net" | FileCheck %s

// A classifier exported with a quantized softmax output (scale 1/256, as
// TFLite-converted models have): the softmax has no int8 kernel, so it
// runs in float between the dequantize and the quantize and the model
// compiles.
// CHECK: mote_kernel.call @mote_dequantize_s8_f32
// CHECK: mote_kernel.call @mote_softmax_f32
// CHECK: mote_kernel.call @mote_quantize_f32_s8
!q = !quant.uniform<i8:f32, 0.1:-3>
!p = !quant.uniform<i8:f32, 0.00390625:-128>
func.func @m(%x: tensor<1x10x!q>) -> tensor<1x10x!p> {
  %d = mote.dequantize %x : (tensor<1x10x!q>) -> tensor<1x10xf32>
  %s = mote.softmax %d : (tensor<1x10xf32>) -> tensor<1x10xf32>
  %q = mote.quantize %s : (tensor<1x10xf32>) -> tensor<1x10x!p>
  return %q : tensor<1x10x!p>
}
