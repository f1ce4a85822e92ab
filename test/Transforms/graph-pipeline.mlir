// RUN: mote-opt %s -mote-graph-pipeline | FileCheck %s

// The pipeline motec runs: batch norm folds into the conv, the ReLU fuses,
// and the QDQ chain around the result becomes an integer conv; dead
// dequantize ops and constants disappear.

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qy = !quant.uniform<i8:f32, 0.25:-128>

// CHECK-LABEL: func @float_conv_bn_relu
func.func @float_conv_bn_relu(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[2.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %g = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  // CHECK: %[[C:.*]] = mote.conv2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_min = 0.000000e+00 : f32}
  // CHECK-NEXT: return %[[C]]
  %c = mote.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %n = mote.batch_norm %c, %g, %b, %m, %v {epsilon = 1.0 : f32}
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %r = mote.relu %n : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func @qdq_relu_add
func.func @qdq_relu_add(%a: tensor<4x!qa>, %b: tensor<4x!qa>) -> tensor<4xf32> {
  // CHECK: %[[S:.*]] = mote.add %{{.*}}, %{{.*}} {clamp_min = 0.000000e+00 : f32} : {{.*}} -> tensor<4x!quant.uniform<i8:f32, 2.500000e-01:-128>>
  // CHECK: %[[D:.*]] = mote.dequantize %[[S]]
  // CHECK-NEXT: return %[[D]]
  %af = mote.dequantize %a : (tensor<4x!qa>) -> tensor<4xf32>
  %bf = mote.dequantize %b : (tensor<4x!qa>) -> tensor<4xf32>
  %s = mote.add %af, %bf : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = mote.relu %s : (tensor<4xf32>) -> tensor<4xf32>
  %q = mote.quantize %r : (tensor<4xf32>) -> tensor<4x!qy>
  %d = mote.dequantize %q : (tensor<4x!qy>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}
