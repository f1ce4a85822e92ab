// RUN: mote-opt %s -mote-strip-quantization -verify-diagnostics -o /dev/null

// An op on quantized values (an integer operator form) has no float form.
!q = !quant.uniform<i8:f32, 0.5:0>
func.func @integer_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = mote.quantize %x : (tensor<4xf32>) -> tensor<4x!q>
  // expected-error @+1 {{computes on integers and has no float form here (stripping the model's quantization)}}
  %r = mote.relu %q : (tensor<4x!q>) -> tensor<4x!q>
  %d = mote.dequantize %r : (tensor<4x!q>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}
