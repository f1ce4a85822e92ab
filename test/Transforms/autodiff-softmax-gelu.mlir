// The backward of leaky ReLU and GELU (from their inputs) and of a softmax
// inside the model: dx = y (dy - sum(dy y)) along its axis.
// RUN: mote-opt %s -mote-promote-trainable-state -mote-autodiff | FileCheck %s

func.func @m(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w1 = arith.constant dense<0.1> : tensor<4x4xf32>
  %w2 = arith.constant dense<0.2> : tensor<3x4xf32>
  %h = mote.fully_connected %x, %w1 : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %l = mote.leaky_relu %h {alpha = 0.1 : f32} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %g = mote.gelu %l {approximate = "tanh"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %s = mote.softmax %g {axis = 0 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %e = mote.gelu %s : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %z = mote.fully_connected %e, %w2 : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @m_train_step(
// CHECK: %[[H:.*]] = mote.fully_connected
// CHECK: %[[L:.*]] = mote.leaky_relu %[[H]]
// CHECK: %[[G:.*]] = mote.gelu %[[L]] {approximate = "tanh"}
// CHECK: %[[S:.*]] = mote.softmax %[[G]] {axis = 0 : i64}
// CHECK: %[[E:.*]] = mote.gelu %[[S]] :
// CHECK: %[[DE:.*]] = mote.fully_connected_backward_input
// CHECK: %[[DS:.*]] = mote.activation_backward %[[DE]], %[[S]] {kind = "gelu"}
// The softmax along axis 0, from its output.
// CHECK: %[[P:.*]] = mote.mul %[[DS]], %[[S]] : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[SUM:.*]] = mote.reduce %[[P]] {axes = array<i64: 0>, kind = "mean"} : (tensor<2x4xf32>) -> tensor<1x4xf32>
// CHECK: %[[TWO:.*]] = arith.constant dense<2.000000e+00> : tensor<1x4xf32>
// CHECK: %[[TOTAL:.*]] = mote.mul %[[SUM]], %[[TWO]]
// CHECK: %[[C:.*]] = mote.sub %[[DS]], %[[TOTAL]] : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
// CHECK: %[[DG:.*]] = mote.mul %[[S]], %[[C]]
// CHECK: %[[DL:.*]] = mote.activation_backward %[[DG]], %[[L]] {kind = "gelu_tanh"}
// CHECK: mote.activation_backward %[[DL]], %[[H]] {alpha = 1.000000e-01 : f32, kind = "leaky_relu"}
