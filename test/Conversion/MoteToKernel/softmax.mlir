// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -cse | FileCheck %s

// Float softmax over the last axis is rows of `inner` elements; over a
// middle axis the input is viewed as [outer][n][inner].
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_softmax_f32(%{{.*}}) {scalars = [6 : i32, 4 : i32]}
// CHECK: mote_kernel.call @mote_softmax_axis_f32(%{{.*}}) {scalars = [2 : i32, 3 : i32, 4 : i32]}
func.func @main(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %a = mote.softmax %x {axis = -1} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %b = mote.softmax %x {axis = 1} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %a, %b : tensor<2x3x4xf32>, tensor<2x3x4xf32>
}
