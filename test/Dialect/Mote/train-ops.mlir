// RUN: mote-opt %s | mote-opt | FileCheck %s

// Every training op round-trips.
ml_program.global private mutable @w(dense<0.0> : tensor<8x4x3x3xf32>) : tensor<8x4x3x3xf32>
ml_program.global private mutable @w_m(dense<0.0> : tensor<8x4x3x3xf32>) : tensor<8x4x3x3xf32>
ml_program.global private mutable @w_v(dense<0.0> : tensor<8x4x3x3xf32>) : tensor<8x4x3x3xf32>
ml_program.global private mutable @step(dense<0.0> : tensor<1xf32>) : tensor<1xf32>

// CHECK-LABEL: func @ops
func.func @ops(%x: tensor<2x4x8x8xf32>, %dy: tensor<2x8x8x8xf32>,
               %w: tensor<8x4x3x3xf32>, %fx: tensor<2x64xf32>,
               %fdy: tensor<2x10xf32>, %fw: tensor<10x64xf32>,
               %labels: tensor<2xi32>) {
  // CHECK: mote.conv2d_backward_input
  %0 = mote.conv2d_backward_input %dy, %w {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<2x8x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<2x4x8x8xf32>
  // CHECK: mote.conv2d_backward_weight
  %1 = mote.conv2d_backward_weight %x, %dy {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<2x4x8x8xf32>, tensor<2x8x8x8xf32>) -> tensor<8x4x3x3xf32>
  // CHECK: mote.fully_connected_backward_input
  %2 = mote.fully_connected_backward_input %fdy, %fw
      : (tensor<2x10xf32>, tensor<10x64xf32>) -> tensor<2x64xf32>
  // CHECK: mote.fully_connected_backward_weight
  %3 = mote.fully_connected_backward_weight %fx, %fdy
      : (tensor<2x64xf32>, tensor<2x10xf32>) -> tensor<10x64xf32>
  // CHECK: mote.bias_backward
  %4 = mote.bias_backward %dy : (tensor<2x8x8x8xf32>) -> tensor<8xf32>
  // CHECK: mote.clamp_backward {{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  %5 = mote.clamp_backward %dy, %dy {min = 0.0 : f32, max = 6.0 : f32}
      : (tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  // CHECK: mote.activation_backward {{.*}} {alpha = 2.500000e-01 : f32, kind = "hard_sigmoid"}
  %a = mote.activation_backward %dy, %dy {kind = "hard_sigmoid", alpha = 0.25 : f32}
      : (tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  // CHECK: mote.activation_backward {{.*}} {kind = "tanh"}
  %b = mote.activation_backward %dy, %dy {kind = "tanh"}
      : (tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  // CHECK: mote.avg_pool2d_backward
  %7 = mote.avg_pool2d_backward %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<2x4x8x8xf32>) -> tensor<2x4x16x16xf32>
  // CHECK: mote.max_pool2d_backward
  %6 = mote.max_pool2d_backward %x, %7 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<2x4x8x8xf32>, tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
  // CHECK: mote.softmax_cross_entropy
  %loss, %g = mote.softmax_cross_entropy %fdy, %labels
      : (tensor<2x10xf32>, tensor<2xi32>) -> (tensor<1xf32>, tensor<2x10xf32>)
  // CHECK: mote.elementwise_loss %{{.*}}, %{{.*}} {kind = "bce_with_logits"}
  %bl, %bg = mote.elementwise_loss %fdy, %fdy {kind = "bce_with_logits"}
      : (tensor<2x10xf32>, tensor<2x10xf32>) -> (tensor<1xf32>, tensor<2x10xf32>)
  // CHECK: mote.sgd_update {{.*}}momentum_state = @w_m, param = @w
  mote.sgd_update %1 {param = @w, momentum_state = @w_m, lr = 0.1 : f32,
                      momentum = 0.9 : f32} : tensor<8x4x3x3xf32>
  // CHECK: mote.adam_update {{.*}}first_moment = @w_m, increment_step = true
  mote.adam_update %1 {param = @w, first_moment = @w_m, second_moment = @w_v,
                       step = @step, lr = 0.001 : f32, increment_step = true}
      : tensor<8x4x3x3xf32>
  return
}

// CHECK-LABEL: func @int8_ops
func.func @int8_ops(%x: tensor<2x4x8x8xf32>, %w: tensor<8x4x3x3xf32>,
                    %b: tensor<8xf32>, %fx: tensor<2x64xf32>,
                    %fw: tensor<10x64xf32>, %fb: tensor<10xf32>) {
  // CHECK: mote.dynamic_quantize {{.*}} {clip = 0.949999988 : f32, rng = @step}
  %xq, %sx = mote.dynamic_quantize %x {clip = 0.95 : f32, rng = @step}
      : (tensor<2x4x8x8xf32>) -> (tensor<2x4x8x8xi8>, tensor<1xf32>)
  %wq, %sw = mote.dynamic_quantize %w {axis = 0 : i64}
      : (tensor<8x4x3x3xf32>) -> (tensor<8x4x3x3xi8>, tensor<8xf32>)
  // CHECK: mote.int8_conv2d
  %y = mote.int8_conv2d %xq, %sx, %wq, %sw, %b {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<2x4x8x8xi8>, tensor<1xf32>, tensor<8x4x3x3xi8>, tensor<8xf32>,
         tensor<8xf32>) -> tensor<2x8x8x8xf32>
  // CHECK: mote.channel_affine
  %a = mote.channel_affine %y, %b, %b {clamp_min = 0.0 : f32}
      : (tensor<2x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
  // CHECK: mote.channel_affine_backward
  %gx, %gs, %gb = mote.channel_affine_backward %a, %a, %b, %b {clamp_min = 0.0 : f32, l2 = 1.0e-4 : f32}
      : (tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>)
      -> (tensor<2x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>)
  %eq, %se = mote.dynamic_quantize %gx
      : (tensor<2x8x8x8xf32>) -> (tensor<2x8x8x8xi8>, tensor<1xf32>)
  // CHECK: mote.int8_conv2d_backward_weight
  %dw = mote.int8_conv2d_backward_weight %xq, %sx, %eq, %se {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<2x4x8x8xi8>, tensor<1xf32>, tensor<2x8x8x8xi8>, tensor<1xf32>)
      -> tensor<8x4x3x3xf32>
  // CHECK: mote.int8_conv2d_backward_input
  %dx = mote.int8_conv2d_backward_input %eq, %se, %wq, %se {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<2x8x8x8xi8>, tensor<1xf32>, tensor<8x4x3x3xi8>, tensor<1xf32>)
      -> tensor<2x4x8x8xf32>
  %fxq, %fsx = mote.dynamic_quantize %fx
      : (tensor<2x64xf32>) -> (tensor<2x64xi8>, tensor<1xf32>)
  %fwq, %fsw = mote.dynamic_quantize %fw {axis = 0 : i64}
      : (tensor<10x64xf32>) -> (tensor<10x64xi8>, tensor<10xf32>)
  // CHECK: mote.int8_fully_connected
  %fy = mote.int8_fully_connected %fxq, %fsx, %fwq, %fsw, %fb
      : (tensor<2x64xi8>, tensor<1xf32>, tensor<10x64xi8>, tensor<10xf32>,
         tensor<10xf32>) -> tensor<2x10xf32>
  %feq, %fse = mote.dynamic_quantize %fy
      : (tensor<2x10xf32>) -> (tensor<2x10xi8>, tensor<1xf32>)
  // CHECK: mote.int8_fully_connected_backward_weight
  %fdw = mote.int8_fully_connected_backward_weight %fxq, %fsx, %feq, %fse
      : (tensor<2x64xi8>, tensor<1xf32>, tensor<2x10xi8>, tensor<1xf32>)
      -> tensor<10x64xf32>
  // CHECK: mote.int8_fully_connected_backward_input
  %fdx = mote.int8_fully_connected_backward_input %feq, %fse, %fwq, %fse
      : (tensor<2x10xi8>, tensor<1xf32>, tensor<10x64xi8>, tensor<1xf32>)
      -> tensor<2x64xf32>
  return
}
