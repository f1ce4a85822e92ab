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
  // expected-error @below {{'mote.elu' op has no backward yet (training through it is not supported)}}
  %s = mote.elu %y : (tensor<2x3xf32>) -> tensor<2x3xf32>
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

// -----

func.func @strided_slice(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.1> : tensor<6x4xf32>
  %y = mote.fully_connected %x, %w : (tensor<2x4xf32>, tensor<6x4xf32>) -> tensor<2x6xf32>
  // expected-error @below {{'mote.slice' op has no backward for steps other than 1}}
  %s = mote.slice %y {starts = array<i64: 0, 0>, steps = array<i64: 1, 2>} : (tensor<2x6xf32>) -> tensor<2x3xf32>
  %w2 = arith.constant dense<0.1> : tensor<3x3xf32>
  %z = mote.fully_connected %s, %w2 : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// -----

func.func @reflect_pad(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.1> : tensor<4x4xf32>
  %y = mote.fully_connected %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  // expected-error @below {{'mote.pad' op has no backward for reflect padding}}
  %p = mote.pad %y {pads = array<i64: 0, 1, 0, 1>, mode = "reflect"} : (tensor<2x4xf32>) -> tensor<2x6xf32>
  %w2 = arith.constant dense<0.1> : tensor<3x6xf32>
  %z = mote.fully_connected %p, %w2 : (tensor<2x6xf32>, tensor<3x6xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}
