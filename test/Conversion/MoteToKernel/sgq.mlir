// RUN: mote-opt %s -split-input-file -mote-graph-pipeline --mote-lower-to-kernel-pipeline="model-name=net" | FileCheck %s

// SGQ encode and decode become calls of the runtime's codec: the grouping
// as int16 constants, the configuration and the feature shape as an
// mote_sgq_params block sized by the packet buffer; int8 features pass
// their scale and zero point.

// CHECK: module attributes {mote.kernel_headers = ["mote/mote_sgq.h"]}
// CHECK-DAG: memref.global "private" constant @net_l1_permutation : memref<4xi16> = dense<[1, 0, 2, 3]>
// CHECK-DAG: memref.global "private" constant @net_l1_group_ends : memref<2xi16> = dense<[2, 4]>
// CHECK: func.func @net_run(%arg0: memref<1x4x8x8xf32> {{.*}}, %arg1: memref<1xi32> {{.*}}, %arg2: memref<312xi8> {{.*}}, %arg3: memref<1xi32> {{.*}}, %arg4: memref<1024xi8>)
// CHECK: mote_kernel.call @mote_sgq_encode_f32_kernel(%{{.*}}, %{{.*}}, %view, %arg1, %arg2, %arg3) {num_outputs = 2 : i64, params = {bits = 4 : i64, capacity = 312 : i64, dim0 = 1 : i64, dim1 = 4 : i64, dim2 = 8 : i64, dim3 = 8 : i64, dim4 = 1 : i64, dim5 = 1 : i64, embed_grouping = 0 : i64, grouping_id = 0 : i64, groups = 2 : i64, rank = 4 : i64, rounding = 0 : i64, stripe = 64 : i64}, params_type = "mote_sgq_params"}
func.func @device(%x: tensor<1x4x8x8xf32>, %s: tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>) {
  %r = mote.relu %x : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %p, %n = mote.sgq_encode %r, %s {bits = 4 : i64, stripe = 64 : i64,
      permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>}
      : (tensor<1x4x8x8xf32>, tensor<1xi32>) -> (tensor<312xi8>, tensor<1xi32>)
  return %p, %n : tensor<312xi8>, tensor<1xi32>
}

// -----

// CHECK: func.func @net_run
// CHECK: mote_kernel.call @mote_sgq_encode_s8_kernel({{.*}}) {num_outputs = 2 : i64, params = {bits = 8 : i64, capacity = 324 : i64, dim0 = 2 : i64, dim1 = 3 : i64, dim2 = 16 : i64, {{.*}}embed_grouping = 1 : i64, grouping_id = 3 : i64, groups = 2 : i64, rank = 3 : i64, rounding = 1 : i64, stripe = 8 : i64}, params_type = "mote_sgq_params", scalars = [5.000000e-02 : f32, -3 : i32]}
!q = !quant.uniform<i8:f32, 0.05:-3>
func.func @int8(%x: tensor<2x3x16x!q>, %s: tensor<1xi32>) -> (tensor<324xi8>, tensor<1xi32>) {
  %p, %n = mote.sgq_encode %x, %s {bits = 8 : i64, stripe = 8 : i64,
      rounding = "stochastic", grouping_id = 3 : i64, embed_grouping = true,
      permutation = array<i64: 2, 0, 1>, group_ends = array<i64: 1, 3>}
      : (tensor<2x3x16x!q>, tensor<1xi32>) -> (tensor<324xi8>, tensor<1xi32>)
  return %p, %n : tensor<324xi8>, tensor<1xi32>
}

// -----

// The server side (and a device decoding a gradient): decode, then layers.
// CHECK: func.func @net_run
// CHECK: mote_kernel.call @mote_sgq_decode_f32_kernel(%{{.*}}, %{{.*}}, %arg0, %arg1, %[[F:[a-z0-9_]+]]) {params = {bits = 4 : i64, capacity = 312 : i64, {{.*}}}, params_type = "mote_sgq_params"}
// CHECK: mote_kernel.call @mote_activation_f32(%[[F]], %arg2)
func.func @server(%p: tensor<312xi8>, %n: tensor<1xi32>) -> tensor<1x4x8x8xf32> {
  %y = mote.sgq_decode %p, %n {bits = 4 : i64, stripe = 64 : i64,
      permutation = array<i64: 1, 0, 2, 3>, group_ends = array<i64: 2, 4>}
      : (tensor<312xi8>, tensor<1xi32>) -> tensor<1x4x8x8xf32>
  %r = mote.relu %y : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// A grouping read at run time: its buffers replace the constant arrays.
// CHECK: func.func @net_run(%arg0: memref<2x3x16xi8> {{.*}}, %arg1: memref<1xi32> {{.*}}, %arg2: memref<1xi32> {{.*}}, %arg3: memref<5xi16> {{.*}},
// CHECK-NOT: memref.get_global @net_l0_permutation
// CHECK: mote_kernel.call @mote_sgq_encode_s8_grouping_kernel(%arg2, %arg3, %arg0, %arg1, %{{.*}}, %{{.*}}) {num_outputs = 2 : i64, params = {{{.*}}grouping_id = 3 : i64, groups = 2 : i64{{.*}}}, params_type = "mote_sgq_params", scalars = [5.000000e-02 : f32, -3 : i32]}
// CHECK: mote_kernel.call @mote_sgq_decode_f32_grouping_kernel(%arg2, %arg3,
!q = !quant.uniform<i8:f32, 0.05:-3>
func.func @runtime(%x: tensor<2x3x16x!q>, %s: tensor<1xi32>, %id: tensor<1xi32>, %g: tensor<5xi16>) -> tensor<2x3x16xf32> {
  %p, %n = mote.sgq_encode %x, %s grouping(%id, %g) {bits = 8 : i64, stripe = 8 : i64,
      grouping_id = 3 : i64, permutation = array<i64: 2, 0, 1>, group_ends = array<i64: 1, 3>}
      : (tensor<2x3x16x!q>, tensor<1xi32>, tensor<1xi32>, tensor<5xi16>) -> (tensor<304xi8>, tensor<1xi32>)
  %y = mote.sgq_decode %p, %n grouping(%id, %g) {bits = 8 : i64, stripe = 8 : i64,
      grouping_id = 3 : i64, permutation = array<i64: 2, 0, 1>, group_ends = array<i64: 1, 3>}
      : (tensor<304xi8>, tensor<1xi32>, tensor<1xi32>, tensor<5xi16>) -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}
