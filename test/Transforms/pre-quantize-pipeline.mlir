// RUN: mote-opt %s -mote-pre-quantize-pipeline | FileCheck %s

// What motec calibrates before mote-quantize: batch norm folded into the
// conv and the ReLU fused, so the observed range is the fused layer's, but
// the model stays float (no QDQ folding, nothing quantized).

// CHECK-LABEL: func @conv_bn_relu
func.func @conv_bn_relu(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[2.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %g = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  // CHECK-NOT: mote.batch_norm
  // CHECK: %[[C:.*]] = mote.conv2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_min = 0.000000e+00 : f32} : {{.*}} -> tensor<1x2x2x2xf32>
  // CHECK-NEXT: return %[[C]]
  %c = mote.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %n = mote.batch_norm %c, %g, %b, %m, %v {epsilon = 1.0 : f32}
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %r = mote.relu %n : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}
