// RUN: mote-opt %s -mote-strip-quantization | FileCheck %s

// A QDQ pair at the boundary disappears; a dequantized per-axis weight
// becomes the float constant it denotes ((q - zp) * scale per channel).
!qx = !quant.uniform<i8:f32, 0.5:1>
!qw = !quant.uniform<i8:f32:0, {0.5, 0.25}>
// CHECK-LABEL: func.func @qdq
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x2xf32>)
// The quantize left without users goes too.
// CHECK-NOT: mote.quantize
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}-5.000000e-01]]], {{\[\[\[}}7.500000e-01]], {{\[\[}}2.500000e-01]]]]> : tensor<2x2x1x1xf32>
// CHECK: mote.conv2d %[[X]], %[[W]] : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>)
// CHECK-NOT: mote.dequantize
func.func @qdq(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[2]], [[-1]]], [[[3]], [[1]]]]> : tensor<2x2x1x1xi8>
  %wq = quant.scast %w : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!qw>
  %wd = mote.dequantize %wq : (tensor<2x2x1x1x!qw>) -> tensor<2x2x1x1xf32>
  %q = mote.quantize %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2x!qx>
  %d = mote.dequantize %q : (tensor<1x2x2x2x!qx>) -> tensor<1x2x2x2xf32>
  %c = mote.conv2d %d, %wd : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}
