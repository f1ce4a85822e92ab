// RUN: mote-opt %s -mote-fuse-activations -split-input-file | FileCheck %s

// ReLU after a conv becomes the conv's clamp_min.
// CHECK-LABEL: func @relu_into_conv
func.func @relu_into_conv(%x: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32> {
  // CHECK: %[[C:.*]] = mote.conv2d %{{.*}}, %{{.*}} {clamp_min = 0.000000e+00 : f32}
  // CHECK-NOT: mote.relu
  // CHECK: return %[[C]]
  %0 = mote.conv2d %x, %w : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = mote.relu %0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// ReLU6 (clamp) after a fully-connected layer; a second clamp intersects.
// CHECK-LABEL: func @clamp_into_fc
func.func @clamp_into_fc(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>) -> tensor<1x4xf32> {
  // CHECK: mote.fully_connected {{.*}} {clamp_max = 5.000000e+00 : f32, clamp_min = 1.000000e+00 : f32}
  // CHECK-NOT: mote.clamp
  %0 = mote.fully_connected %x, %w : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  %1 = mote.clamp %0 {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %2 = mote.clamp %1 {min = 1.0 : f32, max = 5.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}

// -----

// A residual add followed by ReLU (ResNet blocks).
// CHECK-LABEL: func @relu_into_add
func.func @relu_into_add(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: mote.add {{.*}} {clamp_min = 0.000000e+00 : f32}
  %0 = mote.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = mote.relu %0 : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// The conv result is also used unactivated: fusing would change that use.
// CHECK-LABEL: func @other_user
func.func @other_user(%x: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  // CHECK: mote.conv2d
  // CHECK-NOT: clamp_min
  // CHECK: mote.relu
  %0 = mote.conv2d %x, %w : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = mote.relu %0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// GELU as exporters write it without a Gelu op: x * (1 + erf(x / sqrt(2)))
// * 0.5, the division imported as a multiplication, becomes mote.gelu.
// CHECK-LABEL: func @gelu_from_erf
func.func @gelu_from_erf(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK-NEXT: %[[G:.*]] = mote.gelu %{{.*}} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // CHECK-NEXT: return %[[G]]
  %r = arith.constant dense<0.707106769> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %0 = mote.mul %x, %r : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %1 = mote.erf %0 : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = mote.add %one, %1 : (tensor<1xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %3 = mote.mul %x, %half : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %4 = mote.mul %2, %3 : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return %4 : tensor<1x8xf32>
}

// -----

// Not GELU: the scale inside erf is not 1 / sqrt(2), or an intermediate
// value has another use.
// CHECK-LABEL: func @not_gelu
func.func @not_gelu(%x: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
  // CHECK-NOT: mote.gelu
  // CHECK: mote.erf
  %r = arith.constant dense<0.5> : tensor<f32>
  %s = arith.constant dense<0.707106769> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %0 = mote.mul %x, %r : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %1 = mote.erf %0 : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = mote.add %1, %one : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %3 = mote.mul %x, %2 : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %4 = mote.mul %3, %half : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %5 = mote.mul %x, %s : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %6 = mote.erf %5 : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %7 = mote.add %6, %one : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %8 = mote.mul %x, %7 : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %9 = mote.mul %8, %half : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %10 = mote.add %9, %7 : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return %4, %10 : tensor<1x8xf32>, tensor<1x8xf32>
}
