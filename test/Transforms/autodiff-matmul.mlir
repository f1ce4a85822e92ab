// The backward of a product of two activations (attention's q k^T):
// dA = dY B^T and dB = A^T dY, each summed back over the batch dimensions
// its operand was broadcast along.
// RUN: mote-opt %s -mote-promote-trainable-state -mote-autodiff | FileCheck %s

func.func @m(%x: tensor<2x3x4xf32>) -> tensor<2x3xf32> {
  %wq = arith.constant dense<0.1> : tensor<4x4xf32>
  %wk = arith.constant dense<0.2> : tensor<4x4xf32>
  %wo = arith.constant dense<0.3> : tensor<3x12xf32>
  %x2 = mote.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %q2 = mote.fully_connected %x2, %wq : (tensor<6x4xf32>, tensor<4x4xf32>) -> tensor<6x4xf32>
  %q = mote.reshape %q2 : (tensor<6x4xf32>) -> tensor<2x3x4xf32>
  // A key shared by the batch: broadcast along dimension 0.
  %k = mote.fully_connected %x2, %wk : (tensor<6x4xf32>, tensor<4x4xf32>) -> tensor<6x4xf32>
  %k1 = mote.slice %k {starts = array<i64: 0, 0>, sizes = array<i64: 4, 4>, steps = array<i64: 1, 1>} : (tensor<6x4xf32>) -> tensor<4x4xf32>
  %kt = mote.reshape %k1 : (tensor<4x4xf32>) -> tensor<1x4x4xf32>
  %s = mote.matmul %q, %kt : (tensor<2x3x4xf32>, tensor<1x4x4xf32>) -> tensor<2x3x4xf32>
  %f = mote.reshape %s : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %z = mote.fully_connected %f, %wo : (tensor<2x12xf32>, tensor<3x12xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @m_train_step(
// CHECK: %[[Q:.*]] = mote.reshape %{{.*}} : (tensor<6x4xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[K:.*]] = mote.reshape %{{.*}} : (tensor<4x4xf32>) -> tensor<1x4x4xf32>
// CHECK: mote.matmul %[[Q]], %[[K]]
// CHECK: %[[DS:.*]] = mote.reshape %{{.*}} : (tensor<2x12xf32>) -> tensor<2x3x4xf32>
// dQ = dS K^T.
// CHECK: %[[KT:.*]] = mote.transpose %[[K]] {perm = array<i64: 0, 2, 1>} : (tensor<1x4x4xf32>) -> tensor<1x4x4xf32>
// CHECK: %[[DQ:.*]] = mote.matmul %[[DS]], %[[KT]] : (tensor<2x3x4xf32>, tensor<1x4x4xf32>) -> tensor<2x3x4xf32>
// dK = Q^T dS, summed over the batch the key was broadcast along.
// CHECK: %[[QT:.*]] = mote.transpose %[[Q]] {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
// CHECK: %[[DK:.*]] = mote.matmul %[[QT]], %[[DS]] : (tensor<2x4x3xf32>, tensor<2x3x4xf32>) -> tensor<2x4x4xf32>
// CHECK: mote.reduce %[[DK]] {axes = array<i64: 0>, kind = "mean"} : (tensor<2x4x4xf32>) -> tensor<1x4x4xf32>
