// RUN: mote-opt %s | FileCheck %s
// RUN: mote-opt %s | mote-opt | FileCheck %s
// RUN: mote-opt %s --mlir-print-op-generic | mote-opt | FileCheck %s

// The two ends of a cut: float features, int8 features, a decode with the
// grouping embedded in the packet and stochastic rounding.

// CHECK-LABEL: func.func @float_cut
// CHECK: %[[P:.*]], %[[N:.*]] = mote.sgq_encode %{{.*}}, %{{.*}} {bits = 4 : i64, group_ends = array<i64: 2, 4>, permutation = array<i64: 1, 0, 2, 3>, stripe = 64 : i64} : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
// CHECK: mote.sgq_decode %[[P]], %[[N]] {bits = 4 : i64, group_ends = array<i64: 2, 4>, permutation = array<i64: 1, 0, 2, 3>, stripe = 64 : i64} : (tensor<312xi8>, tensor<1xi32>) -> tensor<1x4x8x8xf32>
func.func @float_cut(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) -> tensor<1x4x8x8xf32> {
  %p, %n = mote.sgq_encode %x, %s {bits = 4 : i64, stripe = 64 : i64,
      permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>}
      : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  %y = mote.sgq_decode %p, %n {bits = 4 : i64, stripe = 64 : i64,
      permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>}
      : (tensor<312xi8>, tensor<1xi32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @int8_features
// CHECK: mote.sgq_encode {{.*}}embed_grouping = true{{.*}}rounding = "stochastic"{{.*}} : (tensor<2x3x16x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<1xi32>) -> (tensor<[[CAP:[0-9]+]]xi8>, tensor<1xi32>)
// CHECK: mote.sgq_decode {{.*}} : (tensor<[[CAP]]xi8>, tensor<1xi32>) -> tensor<2x3x16xf32>
func.func @int8_features(%x: tensor<2x3x16x!quant.uniform<i8:f32, 0.05:-3>>, %s: tensor<1xi32>) -> tensor<2x3x16xf32> {
  %p, %n = mote.sgq_encode %x, %s {bits = 8 : i64, stripe = 8 : i64,
      rounding = "stochastic", grouping_id = 3 : i64, embed_grouping = true,
      permutation = array<i64: 2, 0, 1>, group_ends = array<i64: 1, 3>}
      : (tensor<2x3x16x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1xi32>) -> (tensor<324xi8>, tensor<1xi32>)
  %y = mote.sgq_decode %p, %n {bits = 8 : i64, stripe = 8 : i64,
      rounding = "stochastic", grouping_id = 3 : i64, embed_grouping = true,
      permutation = array<i64: 2, 0, 1>, group_ends = array<i64: 1, 3>}
      : (tensor<324xi8>, tensor<1xi32>) -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}

// A grouping read at run time: its id and the permutation then the group
// ends.
// CHECK-LABEL: func.func @runtime_grouping
// CHECK: %[[P:.*]], %[[N:.*]] = mote.sgq_encode %{{.*}}, %{{.*}} grouping(%[[ID:.*]], %[[G:.*]]) {bits = 4 : i64, {{.*}}} : (tensor<1x4x8x8xf32>, tensor<1xi32>, tensor<1xi32>, tensor<6xi16>) -> (tensor<312xi8>, tensor<1xi32>)
// CHECK: mote.sgq_decode %[[P]], %[[N]] grouping(%[[ID]], %[[G]]) {{.*}} : (tensor<312xi8>, tensor<1xi32>, tensor<1xi32>, tensor<6xi16>) -> tensor<1x4x8x8xf32>
func.func @runtime_grouping(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>, %id: tensor<1xi32>, %g: tensor<6xi16>) -> tensor<1x4x8x8xf32> {
  %p, %n = mote.sgq_encode %x, %s grouping(%id, %g) {bits = 4 : i64, stripe = 64 : i64,
      permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>}
      : (tensor<1x4x8x8xf32>, tensor<1xi32>, tensor<1xi32>, tensor<6xi16>) -> (tensor<312xi8>, tensor<1xi32>)
  %y = mote.sgq_decode %p, %n grouping(%id, %g) {bits = 4 : i64, stripe = 64 : i64,
      permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>}
      : (tensor<312xi8>, tensor<1xi32>, tensor<1xi32>, tensor<6xi16>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}
