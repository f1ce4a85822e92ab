// RUN: mote-opt %s -split-input-file -verify-diagnostics

func.func @outputs(%a: memref<4xi8>) {
  // expected-error @+1 {{num_outputs 2 exceeds the 1 buffers}}
  mote_kernel.call @k(%a) {num_outputs = 2} : memref<4xi8>
  return
}

// -----

func.func @params(%a: memref<4xi8>) {
  // expected-error @+1 {{has params but no params_type}}
  mote_kernel.call @k(%a) {params = {batch = 1}} : memref<4xi8>
  return
}

// -----

func.func @scalars(%a: memref<4xi8>) {
  // expected-error @+1 {{scalars must be integer or float attributes, got "x"}}
  mote_kernel.call @k(%a) {scalars = ["x"]} : memref<4xi8>
  return
}

// -----

// A struct the runtime does not define.
func.func @unknown_type(%a: memref<4xi8>) {
  // expected-error @+1 {{params_type 'k_params' is not a parameter block of the runtime ABI}}
  mote_kernel.call @k(%a) {params_type = "k_params", params = {}} : memref<4xi8>
  return
}

// -----

func.func @no_params(%a: memref<4xf32>) {
  // expected-error @+1 {{has params_type 'mote_fully_connected_f32_params' but no params}}
  mote_kernel.call @k(%a) {params_type = "mote_fully_connected_f32_params"} : memref<4xf32>
  return
}

// -----

// A field of the struct left out would be zero in C: refused.
func.func @missing_field(%a: memref<4xf32>) {
  // expected-error @+1 {{params lack the integer field 'out_features' of mote_fully_connected_f32_params}}
  mote_kernel.call @k(%a) {params_type = "mote_fully_connected_f32_params", params = {batch = 1, in_features = 4}} : memref<4xf32>
  return
}

// -----

func.func @float_field(%a: memref<4xf32>) {
  // expected-error @+1 {{params lack the integer field 'batch' of mote_fully_connected_f32_params}}
  mote_kernel.call @k(%a) {params_type = "mote_fully_connected_f32_params", params = {batch = 1.0, in_features = 4, out_features = 1}} : memref<4xf32>
  return
}

// -----

func.func @extra_field(%a: memref<4xf32>) {
  // expected-error @+1 {{params field 'groups' is not a field of mote_fully_connected_f32_params}}
  mote_kernel.call @k(%a) {params_type = "mote_fully_connected_f32_params", params = {batch = 1, in_features = 4, out_features = 1, groups = 1}} : memref<4xf32>
  return
}

// -----

func.func @wide_field(%a: memref<4xf32>) {
  // expected-error @+1 {{params field 'batch' = 4294967296 does not fit in int32}}
  mote_kernel.call @k(%a) {params_type = "mote_fully_connected_f32_params", params = {batch = 4294967296, in_features = 4, out_features = 1}} : memref<4xf32>
  return
}

// -----

func.func @input_size(%x: memref<2x4xf32>, %y: memref<2x3xf32>) {
  // expected-error @+1 {{input buffer has 8 elements but mote_fully_connected_f32_params describes 10}}
  mote_kernel.call @mote_fully_connected_f32(%x, %y) {params_type = "mote_fully_connected_f32_params", params = {batch = 2, in_features = 5, out_features = 3}} : memref<2x4xf32>, memref<2x3xf32>
  return
}

// -----

func.func @output_size(%x: memref<1x2x4x4xi8>, %y: memref<1x2x2x2xi8>) {
  // expected-error @+1 {{output buffer has 8 elements but mote_pool2d_s8_params describes 18}}
  mote_kernel.call @mote_max_pool2d_s8(%x, %y) {params_type = "mote_pool2d_s8_params", params = {batch = 1, channels = 2, in_h = 4, in_w = 4, out_h = 3, out_w = 3, kernel_h = 2, kernel_w = 2, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1, pad_top = 0, pad_left = 0, count_include_pad = 0, input_offset = 0, output_offset = 0, act_min = -128, act_max = 127, table_size = 1, divide = 0}} : memref<1x2x4x4xi8>, memref<1x2x2x2xi8>
  return
}

// -----

// A guarded call (PASS) names an element of its i8 flags.
func.func @guard_index(%a: memref<4xi8>, %g: memref<2xi8>) {
  // expected-error @+1 {{guard index 2 is outside the guard's 2 elements}}
  mote_kernel.call @k(%a) if %g[2] : memref<2xi8> : memref<4xi8>
  return
}

// -----

func.func @guard_without_index(%a: memref<4xi8>, %g: memref<2xi8>) {
  // expected-error @+1 {{expects a guard and its index together}}
  mote_kernel.call @k(%a) {guard_index = 0 : i64} : memref<4xi8>
  return
}
