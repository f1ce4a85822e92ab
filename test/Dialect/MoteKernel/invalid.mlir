// RUN: mote-opt %s -split-input-file -verify-diagnostics

func.func @outputs(%a: memref<4xi8>) {
  // expected-error @+1 {{num_outputs 2 exceeds the 1 buffers}}
  mote_kernel.call @k(%a) {num_outputs = 2} : memref<4xi8>
  return
}

// -----

func.func @params(%a: memref<4xi8>) {
  // expected-error @+1 {{has params but no params_type}}
  mote_kernel.call @k(%a) {params = array<i64: 1>} : memref<4xi8>
  return
}

// -----

func.func @scalars(%a: memref<4xi8>) {
  // expected-error @+1 {{scalars must be integer or float attributes, got "x"}}
  mote_kernel.call @k(%a) {scalars = ["x"]} : memref<4xi8>
  return
}
