// The activations' backward lowers to one mote_activation_backward_f32 call
// each: element count, kind (0 sigmoid, 1 tanh, 2 hard sigmoid, 3 hard
// swish) and alpha.
// RUN: mote-opt %s --mote-train-pipeline="optimizer=sgd" -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

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

// CHECK-LABEL: func.func @net_train_step(
// CHECK: mote_kernel.call @mote_activation_backward_f32({{.*}}) {scalars = [72 : i32, 1 : i32, 2.000000e-01 : f32]}
// CHECK: mote_kernel.call @mote_activation_backward_f32({{.*}}) {scalars = [72 : i32, 0 : i32, 2.000000e-01 : f32]}
// CHECK: mote_kernel.call @mote_activation_backward_f32({{.*}}) {scalars = [8 : i32, 2 : i32, 2.500000e-01 : f32]}
// CHECK: mote_kernel.call @mote_activation_backward_f32({{.*}}) {scalars = [72 : i32, 3 : i32, 2.000000e-01 : f32]}
