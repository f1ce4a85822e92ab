// RUN: mote-opt %s -split-input-file -mote-form-fully-connected | FileCheck %s

// x @ w + b: the weight transposed to [N, K], the bias vector taken in.
// CHECK-LABEL: func.func @layer
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[5.000000e-01, -5.000000e-01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = mote.fully_connected %arg0, %[[W]], %[[B]] : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @layer(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %b = arith.constant dense<[[0.5, -0.5]]> : tensor<1x2xf32>
  %h = mote.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %y = mote.add %b, %h : (tensor<1x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Tokens [B, T, K] by a constant: the layer sees [B * T, K], the bias is
// taken in through the reshape back.
// CHECK-LABEL: func.func @tokens
// CHECK: %[[X:.*]] = mote.reshape %arg0 : (tensor<2x4x3xf32>) -> tensor<8x3xf32>
// CHECK: %[[F:.*]] = mote.fully_connected %[[X]], %{{[^,]*}}, %{{.*}} : (tensor<8x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<8x2xf32>
// CHECK: %[[Y:.*]] = mote.reshape %[[F]] : (tensor<8x2xf32>) -> tensor<2x4x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @tokens(%x: tensor<2x4x3xf32>) -> tensor<2x4x2xf32> {
  %w = arith.constant dense<1.0> : tensor<3x2xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %h = mote.matmul %x, %w : (tensor<2x4x3xf32>, tensor<3x2xf32>) -> tensor<2x4x2xf32>
  %y = mote.add %h, %b : (tensor<2x4x2xf32>, tensor<2xf32>) -> tensor<2x4x2xf32>
  return %y : tensor<2x4x2xf32>
}

// -----

// Not a layer: a product of two activations, a constant that is not a
// matrix, a bias that is not a vector, a layer whose result has another
// user.
// CHECK-LABEL: func.func @kept
// CHECK: mote.matmul %arg0, %arg1
// CHECK: mote.matmul %arg0, %{{.*}} : (tensor<4x3xf32>, tensor<2x3x2xf32>)
// CHECK: %[[F:.*]] = mote.fully_connected %arg0, %{{[^,]*}} :
// CHECK: mote.add %[[F]], %{{.*}} : (tensor<4x2xf32>, tensor<4x2xf32>)
// CHECK: %[[G:.*]] = mote.fully_connected %arg0, %{{[^,]*}} :
// CHECK: mote.add %[[G]]
func.func @kept(%x: tensor<4x3xf32>, %y: tensor<3x2xf32>)
    -> (tensor<4x2xf32>, tensor<2x4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant dense<1.0> : tensor<3x2xf32>
  %w3 = arith.constant dense<1.0> : tensor<2x3x2xf32>
  %full = arith.constant dense<2.0> : tensor<4x2xf32>
  %b = arith.constant dense<3.0> : tensor<2xf32>
  %a = mote.matmul %x, %y : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %c = mote.matmul %x, %w3 : (tensor<4x3xf32>, tensor<2x3x2xf32>) -> tensor<2x4x2xf32>
  %d = mote.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %e = mote.add %d, %full : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %f = mote.matmul %x, %w : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %g = mote.add %f, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %a, %c, %e, %f, %g : tensor<4x2xf32>, tensor<2x4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}
