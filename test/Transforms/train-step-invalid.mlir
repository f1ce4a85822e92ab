// RUN: mote-opt %s -split-input-file -mote-promote-trainable-state -mote-autodiff -verify-diagnostics

// expected-error @below {{training needs f32 logits [N, K], got 'tensor<2x3x1xf32>'}}
func.func @rank(%x: tensor<2x4xf32>) -> tensor<2x3x1xf32> {
  %w = arith.constant dense<0.1> : tensor<3x4xf32>
  %y = mote.fully_connected %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %r = mote.reshape %y : (tensor<2x3xf32>) -> tensor<2x3x1xf32>
  return %r : tensor<2x3x1xf32>
}

// -----

func.func @no_backward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.1> : tensor<3x4xf32>
  %y = mote.fully_connected %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  // expected-error @below {{'mote.sigmoid' op has no backward yet (training through it is not supported)}}
  %s = mote.sigmoid %y : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %w2 = arith.constant dense<0.1> : tensor<3x3xf32>
  %z = mote.fully_connected %s, %w2 : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}


// -----

// expected-error @below {{expects one inference function, found 2}}
module {
  func.func @a(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
  func.func @b(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}
