// RUN: mote-opt %s -split-input-file -verify-diagnostics

func.func @conv_input(%dy: tensor<2x8x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @below {{grad_output shape [2,8,8,8] does not match the forward op's shape [2,8,6,6]}}
  %0 = mote.conv2d_backward_input %dy, %w
      : (tensor<2x8x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<2x4x8x8xf32>
  return
}

// -----

func.func @fc_weight(%x: tensor<2x64xf32>, %dy: tensor<2x10xf32>) {
  // expected-error @below {{expects grad_output [M, N], weight [N, K] and input [M, K], got [2,10], [10,32], [2,64]}}
  %0 = mote.fully_connected_backward_weight %x, %dy
      : (tensor<2x64xf32>, tensor<2x10xf32>) -> tensor<10x32xf32>
  return
}

// -----

func.func @bias(%dy: tensor<2x8x4x4xf32>) {
  // expected-error @below {{result shape [4] does not match the inferred shape [8]}}
  %0 = mote.bias_backward %dy : (tensor<2x8x4x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @loss(%z: tensor<2x10xf32>, %labels: tensor<3xi32>) {
  // expected-error @below {{expects labels [2]}}
  %l, %g = mote.softmax_cross_entropy %z, %labels
      : (tensor<2x10xf32>, tensor<3xi32>) -> (tensor<1xf32>, tensor<2x10xf32>)
  return
}

// -----

func.func @max_pool(%dy: tensor<1x8x4x4xf32>, %x: tensor<1x8x8x8xf32>) {
  // expected-error @below {{result shape [1,8,4,4] does not match the inferred shape [1,8,8,8]}}
  %0 = mote.max_pool2d_backward %dy, %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<1x8x4x4xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

ml_program.global private @frozen(dense<0.0> : tensor<4xf32>) : tensor<4xf32>
func.func @immutable(%g: tensor<4xf32>) {
  // expected-error @below {{param 'frozen' is not mutable}}
  mote.sgd_update %g {param = @frozen, lr = 0.1 : f32} : tensor<4xf32>
  return
}

// -----

ml_program.global private mutable @w(dense<0.0> : tensor<8xf32>) : tensor<8xf32>
func.func @type(%g: tensor<4xf32>) {
  // expected-error @below {{param 'w' has type 'tensor<8xf32>', expected 'tensor<4xf32>'}}
  mote.sgd_update %g {param = @w, lr = 0.1 : f32} : tensor<4xf32>
  return
}

// -----

func.func @missing(%g: tensor<4xf32>) {
  // expected-error @below {{param 'nowhere' is not an ml_program.global}}
  mote.sgd_update %g {param = @nowhere, lr = 0.1 : f32} : tensor<4xf32>
  return
}

// -----

func.func @clip(%x: tensor<4xf32>) {
  // expected-error @below {{clip must be in (0, 1], got 1.5}}
  %q, %s = mote.dynamic_quantize %x {clip = 1.5 : f32}
      : (tensor<4xf32>) -> (tensor<4xi8>, tensor<1xf32>)
  return
}

// -----

func.func @axis_scale(%w: tensor<8x4xf32>) {
  // expected-error @below {{scale must have shape [8]}}
  %q, %s = mote.dynamic_quantize %w {axis = 0 : i64}
      : (tensor<8x4xf32>) -> (tensor<8x4xi8>, tensor<1xf32>)
  return
}

// -----

func.func @int8_conv(%xq: tensor<1x4x8x8xi8>, %s: tensor<1xf32>,
                     %wq: tensor<8x4x3x3xi8>, %b: tensor<8xf32>) {
  // expected-error @below {{weight_scale must have shape [8]}}
  %y = mote.int8_conv2d %xq, %s, %wq, %s, %b {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x4x8x8xi8>, tensor<1xf32>, tensor<8x4x3x3xi8>, tensor<1xf32>,
         tensor<8xf32>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @affine(%x: tensor<2x8xf32>, %s: tensor<4xf32>) {
  // expected-error @below {{scale must have shape [8]}}
  %y = mote.channel_affine %x, %s, %s
      : (tensor<2x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @activation_kind(%x: tensor<2x8xf32>) {
  // expected-error @below {{kind must be sigmoid, tanh, hard_sigmoid, hard_swish, leaky_relu, gelu or gelu_tanh, got 'swish'}}
  %y = mote.activation_backward %x, %x {kind = "swish"}
      : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @elementwise_loss_kind(%x: tensor<2x3xf32>, %t: tensor<2x3xf32>) {
  // expected-error @below {{kind must be mse, l1 or bce_with_logits, got 'hinge'}}
  %l, %g = mote.elementwise_loss %x, %t {kind = "hinge"}
      : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<1xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @elementwise_loss_shape(%x: tensor<2x3xf32>, %t: tensor<3x2xf32>) {
  // expected-error @below {{all of {output, target, grad_output} have same type}}
  %l, %g = mote.elementwise_loss %x, %t {kind = "mse"}
      : (tensor<2x3xf32>, tensor<3x2xf32>) -> (tensor<1xf32>, tensor<2x3xf32>)
  return
}
