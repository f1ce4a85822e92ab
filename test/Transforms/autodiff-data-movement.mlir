// The backward of the data-movement ops (concat, slice, pad, transpose):
// each routes the error back with another data-movement op.
// RUN: mote-opt %s -mote-promote-trainable-state -mote-autodiff | FileCheck %s

func.func @m(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w1 = arith.constant dense<0.1> : tensor<6x4xf32>
  %w2 = arith.constant dense<0.2> : tensor<2x4xf32>
  %w3 = arith.constant dense<0.3> : tensor<3x8xf32>
  %a = mote.fully_connected %x, %w1 : (tensor<2x4xf32>, tensor<6x4xf32>) -> tensor<2x6xf32>
  %b = mote.fully_connected %x, %w2 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x2xf32>
  %c = mote.concat %a, %b {axis = 1 : i64} : (tensor<2x6xf32>, tensor<2x2xf32>) -> tensor<2x8xf32>
  %s = mote.slice %c {starts = array<i64: 0, 2>, steps = array<i64: 1, 1>} : (tensor<2x8xf32>) -> tensor<2x5xf32>
  %p = mote.pad %s {pads = array<i64: 0, 1, 0, 2>} : (tensor<2x5xf32>) -> tensor<2x8xf32>
  %r = mote.reshape %p : (tensor<2x8xf32>) -> tensor<2x2x4xf32>
  %t = mote.transpose %r {perm = array<i64: 1, 2, 0>} : (tensor<2x2x4xf32>) -> tensor<2x4x2xf32>
  %f = mote.reshape %t : (tensor<2x4x2xf32>) -> tensor<2x8xf32>
  %z = mote.fully_connected %f, %w3 : (tensor<2x8xf32>, tensor<3x8xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @m_train_step(
// CHECK: %[[G:.*]] = mote.fully_connected_backward_input
// The transpose by the inverse permutation of (1, 2, 0).
// CHECK: %[[R:.*]] = mote.reshape %[[G]] : (tensor<2x8xf32>) -> tensor<2x4x2xf32>
// CHECK: %[[T:.*]] = mote.transpose %[[R]] {perm = array<i64: 2, 0, 1>} : (tensor<2x4x2xf32>) -> tensor<2x2x4xf32>
// CHECK: %[[F:.*]] = mote.reshape %[[T]] : (tensor<2x2x4xf32>) -> tensor<2x8xf32>
// The pad: the window its input filled.
// CHECK: %[[S:.*]] = mote.slice %[[F]] {starts = array<i64: 0, 1>, steps = array<i64: 1, 1>} : (tensor<2x8xf32>) -> tensor<2x5xf32>
// The slice: zeros around the window.
// CHECK: %[[P:.*]] = mote.pad %[[S]] {pads = array<i64: 0, 2, 0, 1>} : (tensor<2x5xf32>) -> tensor<2x8xf32>
// The concat: each input's part.
// CHECK-DAG: %[[A:.*]] = mote.slice %[[P]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<2x8xf32>) -> tensor<2x6xf32>
// CHECK-DAG: %[[B:.*]] = mote.slice %[[P]] {starts = array<i64: 0, 6>, steps = array<i64: 1, 1>} : (tensor<2x8xf32>) -> tensor<2x2xf32>
// CHECK-DAG: mote.fully_connected_backward_weight %arg0, %[[B]]
// CHECK-DAG: mote.fully_connected_backward_weight %arg0, %[[A]]
