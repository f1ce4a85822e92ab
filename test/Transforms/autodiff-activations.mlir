// The backward of activations and broadcasting arithmetic (a squeeze-excite
// gate): mote.activation_backward from what the forward kept, and errors
// summed back over the axes an operand was broadcast along.
// RUN: mote-opt %s -mote-promote-trainable-state -mote-autodiff | FileCheck %s

func.func @m(%x: tensor<2x4x3x3xf32>) -> tensor<2x3xf32> {
  %w1 = arith.constant dense<0.1> : tensor<4x4x1x1xf32>
  %w2 = arith.constant dense<0.2> : tensor<4x4x1x1xf32>
  %w3 = arith.constant dense<0.3> : tensor<3x36xf32>
  %c = mote.conv2d %x, %w1 : (tensor<2x4x3x3xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x3x3xf32>
  %h = mote.hard_swish %c : (tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  %p = mote.global_avg_pool %h : (tensor<2x4x3x3xf32>) -> tensor<2x4x1x1xf32>
  %g0 = mote.conv2d %p, %w2 : (tensor<2x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %g = mote.hard_sigmoid %g0 {alpha = 0.25 : f32} : (tensor<2x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %m = mote.mul %h, %g : (tensor<2x4x3x3xf32>, tensor<2x4x1x1xf32>) -> tensor<2x4x3x3xf32>
  %s = mote.sigmoid %m : (tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  %d = mote.sub %s, %p : (tensor<2x4x3x3xf32>, tensor<2x4x1x1xf32>) -> tensor<2x4x3x3xf32>
  %t = mote.tanh %d : (tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  %f = mote.reshape %t : (tensor<2x4x3x3xf32>) -> tensor<2x36xf32>
  %z = mote.fully_connected %f, %w3 : (tensor<2x36xf32>, tensor<3x36xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @m_train_step(
// CHECK: %[[H:.*]] = mote.hard_swish %[[C:[^ ]*]]
// CHECK: %[[P:.*]] = mote.global_avg_pool %[[H]]
// CHECK: %[[G:.*]] = mote.hard_sigmoid
// CHECK: %[[S:.*]] = mote.sigmoid
// CHECK: %[[T:.*]] = mote.tanh
// tanh and sigmoid from their outputs.
// CHECK: %[[DT:.*]] = mote.activation_backward %{{.*}}, %[[T]] {kind = "tanh"}
// The subtracted operand: the error negated, summed over H and W.
// CHECK: %[[NEG:.*]] = mote.mul %[[DT]], %{{.*}} : (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>)
// CHECK: %[[MEAN:.*]] = mote.reduce %[[NEG]] {axes = array<i64: 2, 3>, kind = "mean"} : (tensor<2x4x3x3xf32>) -> tensor<2x4x1x1xf32>
// CHECK: %[[NINE:.*]] = arith.constant dense<9.000000e+00> : tensor<2x4x1x1xf32>
// CHECK: mote.mul %[[MEAN]], %[[NINE]]
// CHECK: %[[DS:.*]] = mote.activation_backward %[[DT]], %[[S]] {kind = "sigmoid"}
// The gated map: the error times the gate; the gate: times the map, summed.
// CHECK: mote.mul %[[DS]], %[[G]] : (tensor<2x4x3x3xf32>, tensor<2x4x1x1xf32>) -> tensor<2x4x3x3xf32>
// CHECK: mote.mul %[[DS]], %[[H]] : (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
// CHECK: mote.reduce
// The hard sigmoid from its output with its alpha; hard swish from its input.
// CHECK: mote.activation_backward %{{.*}}, %[[G]] {alpha = 2.500000e-01 : f32, kind = "hard_sigmoid"}
// CHECK: mote.activation_backward %{{.*}}, %[[C]] {kind = "hard_swish"}
