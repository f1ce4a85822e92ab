// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -cse | FileCheck %s

// Data movement takes its shapes as constant int32 arrays and the element
// size as a scalar, so one kernel serves f32 and int8: a transpose of
// floats (4 bytes), a concat one input at a time, a constant pad of int8
// whose value 1.0 quantizes to 3 + 2 = 5, a strided slice of int8.
// CHECK-DAG: memref.global "private" constant @net_l0_perm : memref<4xi32> = dense<[0, 3, 1, 2]>
// CHECK-DAG: memref.global "private" constant @net_l3_pads : memref<8xi32> = dense<[0, 0, 1, 1, 0, 0, 1, 1]>
// CHECK-DAG: memref.global "private" constant @net_l3_value : memref<1xi8> = dense<5>
// CHECK-DAG: memref.global "private" constant @net_l4_steps : memref<4xi32> = dense<[1, 1, 2, 2]>
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_transpose(%{{.*}}) {scalars = [4 : i32, 4 : i32]}
// CHECK: mote_kernel.call @mote_concat_part(%{{.*}}) {scalars = [4 : i32, 1 : i32, 24 : i32, 0 : i32, 36 : i32]}
// CHECK: mote_kernel.call @mote_concat_part(%{{.*}}) {scalars = [4 : i32, 1 : i32, 12 : i32, 24 : i32, 36 : i32]}
// CHECK: mote_kernel.call @mote_pad(%{{.*}}) {scalars = [1 : i32, 4 : i32, 0 : i32]}
// CHECK: mote_kernel.call @mote_slice(%{{.*}}) {scalars = [1 : i32, 4 : i32]}
!q = !quant.uniform<i8:f32, 0.5:3>
func.func @main(%x: tensor<1x2x3x4xf32>, %y: tensor<1x1x3x4xf32>) -> (tensor<1x4x2x3xf32>, tensor<1x3x3x4xf32>, tensor<1x2x5x6xf32>, tensor<1x1x2x2xf32>) {
  %t = mote.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x2x3x4xf32>) -> tensor<1x4x2x3xf32>
  %c = mote.concat %x, %y {axis = 1} : (tensor<1x2x3x4xf32>, tensor<1x1x3x4xf32>) -> tensor<1x3x3x4xf32>
  %q = mote.quantize %x : (tensor<1x2x3x4xf32>) -> tensor<1x2x3x4x!q>
  %p = mote.pad %q {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", value = 1.0 : f32} : (tensor<1x2x3x4x!q>) -> tensor<1x2x5x6x!q>
  %s = mote.slice %q {starts = array<i64: 0, 1, 0, 1>, steps = array<i64: 1, 1, 2, 2>} : (tensor<1x2x3x4x!q>) -> tensor<1x1x2x2x!q>
  %dp = mote.dequantize %p : (tensor<1x2x5x6x!q>) -> tensor<1x2x5x6xf32>
  %ds = mote.dequantize %s : (tensor<1x1x2x2x!q>) -> tensor<1x1x2x2xf32>
  return %t, %c, %dp, %ds : tensor<1x4x2x3xf32>, tensor<1x3x3x4xf32>, tensor<1x2x5x6xf32>, tensor<1x1x2x2xf32>
}

// -----

// The pad mode is the runtime's enumeration (mote_abi.h): reflect is 1.
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_pad(%{{.*}}) {scalars = [4 : i32, 2 : i32, 1 : i32]}
func.func @main(%x: tensor<3x4xf32>) -> tensor<5x6xf32> {
  %p = mote.pad %x {pads = array<i64: 1, 1, 1, 1>, mode = "reflect"} : (tensor<3x4xf32>) -> tensor<5x6xf32>
  return %p : tensor<5x6xf32>
}

// -----

// A gather by run-time indices: one call whatever the element type; the
// scalars are the element bytes, index bytes, outer, extent, count, inner.
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_gather(%{{.*}}) {scalars = [4 : i32, 8 : i32, 1 : i32, 5 : i32, 6 : i32, 3 : i32]}
// CHECK: mote_kernel.call @mote_gather(%{{.*}}) {scalars = [1 : i32, 4 : i32, 2 : i32, 4 : i32, 2 : i32, 1 : i32]}
!q = !quant.uniform<i8:f32, 0.5:3>
func.func @main(%ids: tensor<2x3xi64>, %x: tensor<2x4xf32>, %j: tensor<2xi32>) -> (tensor<2x3x3xf32>, tensor<2x2xf32>) {
  %table = arith.constant dense<1.0> : tensor<5x3xf32>
  %e = mote.gather %table, %ids {axis = 0} : (tensor<5x3xf32>, tensor<2x3xi64>) -> tensor<2x3x3xf32>
  %q = mote.quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!q>
  %g = mote.gather %q, %j {axis = 1} : (tensor<2x4x!q>, tensor<2xi32>) -> tensor<2x2x!q>
  %d = mote.dequantize %g : (tensor<2x2x!q>) -> tensor<2x2xf32>
  return %e, %d : tensor<2x3x3xf32>, tensor<2x2xf32>
}

// -----

// A comparison writes a byte per element (mote_compare_f32, predicate gt =
// 3); Where copies 4-byte floats with the condition's own strides (0 on
// its broadcast axes); a constant mask is stored as bytes.
// CHECK-DAG: memref.global "private" constant @net_l2_const{{[0-9]+}} : memref<2xi8> = dense<[1, 0]>
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_compare_f32(%{{.*}}) {params = {dim0 = 1 : i64, dim1 = 1 : i64, dim2 = 2 : i64, dim3 = 3 : i64, {{.*}}rhs_stride2 = 0 : i64, rhs_stride3 = 0 : i64}, params_type = "mote_broadcast_params", scalars = [3 : i32]} : memref<2x3xf32>, memref<1xf32>, memref<2x3xi8>
// CHECK: mote_kernel.call @mote_where(%{{.*}}) {params = {{{.*}}cond_stride2 = 3 : i64, cond_stride3 = 1 : i64, {{.*}}element_bytes = 4 : i64
// CHECK: mote_kernel.call @mote_where(%{{.*}}) {params = {{{.*}}cond_stride2 = 1 : i64, cond_stride3 = 0 : i64, {{.*}}element_bytes = 4 : i64
func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %t = arith.constant dense<0.5> : tensor<f32>
  %z = arith.constant dense<0.0> : tensor<1xf32>
  %mask = arith.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %g = mote.compare %x, %t {predicate = "gt"} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  %r = mote.where %g, %x, %z : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  %m = mote.where %mask, %x, %z : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %r, %m : tensor<2x3xf32>, tensor<2x3xf32>
}
