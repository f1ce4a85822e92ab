// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// A reduction over axes 0 and 2 of a 2x3x4 tensor: the output's strides
// are 0 on the reduced axes and 1 on the kept one; 8 elements reduce into
// each output; kind 0 is the mean.
// CHECK-DAG: memref.global "private" constant @{{.*}}_dims : memref<3xi32> = dense<[2, 3, 4]>
// CHECK-DAG: memref.global "private" constant @{{.*}}_out_strides : memref<3xi32> = dense<[0, 1, 0]>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_reduce_f32({{.*}}) {scalars = [0 : i32, 3 : i32, 8 : i32]}
func.func @net(%x: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %y = mote.reduce %x {axes = array<i64: 0, 2>, kind = "mean"} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  return %y : tensor<1x3x1xf32>
}

// -----

// The int8 maximum (kind 1) over the last axis.
// CHECK-DAG: memref.global "private" constant @{{.*}}_out_strides : memref<2xi32> = dense<[1, 0]>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_reduce_s8({{.*}}) {scalars = [1 : i32, 2 : i32, 5 : i32]}
!q = !quant.uniform<i8:f32, 0.5:3>
func.func @net(%x: tensor<2x5x!q>) -> tensor<2x1x!q> {
  %y = mote.reduce %x {axes = array<i64: 1>, kind = "max"} : (tensor<2x5x!q>) -> tensor<2x1x!q>
  return %y : tensor<2x1x!q>
}
