// RUN: mote-opt %s | mote-opt | FileCheck %s

// CHECK-LABEL: func @call
func.func @call(%a: memref<1x4xi8>, %b: memref<4xi32>) {
  // CHECK: mote_kernel.call @mote_copy(%{{.*}}, %{{.*}}) {scalars = [4 : i32]} : memref<1x4xi8>, memref<4xi32>
  mote_kernel.call @mote_copy(%a, %b) {scalars = [4 : i32]} : memref<1x4xi8>, memref<4xi32>
  return
}

// A parameter block names the fields of its runtime struct (mote_abi.h).
// CHECK-LABEL: func @params
func.func @params(%x: memref<2x4xf32>, %w: memref<12xf32>, %b: memref<3xf32>, %y: memref<2x3xf32>) {
  // CHECK: mote_kernel.call @mote_fully_connected_f32(%{{.*}}) {params = {batch = 2 : i64, in_features = 4 : i64, out_features = 3 : i64}, params_type = "mote_fully_connected_f32_params"
  mote_kernel.call @mote_fully_connected_f32(%x, %w, %b, %y) {params_type = "mote_fully_connected_f32_params", params = {out_features = 3, batch = 2, in_features = 4}, scalars = [0.0 : f32, 6.0 : f32]} : memref<2x4xf32>, memref<12xf32>, memref<3xf32>, memref<2x3xf32>
  return
}

// A guarded call runs only when its flag is set (PASS tiles).
// CHECK-LABEL: func @guarded
func.func @guarded(%a: memref<4xi8>, %b: memref<4xi8>, %g: memref<3xi8>) {
  // CHECK: mote_kernel.call @mote_copy(%{{.*}}, %{{.*}}) if %{{.*}}[2] : memref<3xi8> {scalars = [4 : i32]} : memref<4xi8>, memref<4xi8>
  mote_kernel.call @mote_copy(%a, %b) if %g[2] : memref<3xi8> {scalars = [4 : i32]} : memref<4xi8>, memref<4xi8>
  return
}
