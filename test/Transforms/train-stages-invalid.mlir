// RUN: mote-opt %s -split-input-file -mote-autodiff -verify-diagnostics

// Autodiff without promoted state has nothing to differentiate.
// expected-error @below {{reads no trained state (run mote-promote-trainable-state first)}}
func.func @frozen(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.1> : tensor<3x4xf32>
  %y = mote.fully_connected %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A trained tensor whose value the loss does not see.
ml_program.global private mutable @l0_weight(dense<0.1> : tensor<3x4xf32>) : tensor<3x4xf32> {mote.trained}
func.func @unused(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{trained tensor 'l0_weight' does not reach the loss}}
  %w = ml_program.global_load @l0_weight : tensor<3x4xf32>
  %y = mote.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
