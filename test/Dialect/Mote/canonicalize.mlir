// RUN: mote-opt %s -canonicalize -split-input-file | FileCheck %s

// A reshape to the same type folds away; a chain of reshapes collapses to
// one.
// CHECK-LABEL: func @reshape_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>)
func.func @reshape_chain(%x: tensor<2x6xf32>) -> (tensor<2x6xf32>, tensor<12xf32>) {
  %0 = mote.reshape %x : (tensor<2x6xf32>) -> tensor<2x6xf32>
  %1 = mote.reshape %x : (tensor<2x6xf32>) -> tensor<3x4xf32>
  // CHECK: %[[R:.*]] = mote.reshape %[[X]] : (tensor<2x6xf32>) -> tensor<12xf32>
  %2 = mote.reshape %1 : (tensor<3x4xf32>) -> tensor<12xf32>
  // CHECK: return %[[X]], %[[R]]
  return %0, %2 : tensor<2x6xf32>, tensor<12xf32>
}

// -----

// The identity permutation is no transpose.
// CHECK-LABEL: func @identity_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>)
func.func @identity_transpose(%x: tensor<2x6xf32>) -> tensor<2x6xf32> {
  // CHECK-NOT: mote.transpose
  %0 = mote.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  // CHECK: return %[[X]]
  return %0 : tensor<2x6xf32>
}

// -----

// Requantizing to the same type is a no-op.
!q = !quant.uniform<i8:f32, 0.5:1>
// CHECK-LABEL: func @requantize_same
// CHECK-SAME: (%[[X:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:1>>)
func.func @requantize_same(%x: tensor<4x!q>) -> tensor<4x!q> {
  // CHECK-NOT: mote.requantize
  %0 = mote.requantize %x : (tensor<4x!q>) -> tensor<4x!q>
  // CHECK: return %[[X]]
  return %0 : tensor<4x!q>
}
