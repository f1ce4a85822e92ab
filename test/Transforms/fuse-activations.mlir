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
