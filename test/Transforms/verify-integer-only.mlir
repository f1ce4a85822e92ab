// RUN: mote-opt %s -split-input-file -mote-verify-integer-only -verify-diagnostics | FileCheck %s

// Integer layers between the boundary quantize and dequantize pass, and the
// IR is unchanged.
!q = !quant.uniform<i8:f32, 0.5:0>
// CHECK-LABEL: func.func @integer
// CHECK: mote.relu %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>)
func.func @integer(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = mote.quantize %x : (tensor<4xf32>) -> tensor<4x!q>
  %r = mote.relu %q : (tensor<4x!q>) -> tensor<4x!q>
  %d = mote.dequantize %r : (tensor<4x!q>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// A float layer is reported.
func.func @float(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{computes in float, but every layer must compute on integers (quantize the model first)}}
  %r = mote.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
