// RUN: mote-opt %s | mote-opt | FileCheck %s

// CHECK-LABEL: func @call
func.func @call(%a: memref<1x4xi8>, %b: memref<4xi32>) {
  // CHECK: mote_kernel.call @mote_copy(%{{.*}}, %{{.*}}) {scalars = [4 : i32]} : memref<1x4xi8>, memref<4xi32>
  mote_kernel.call @mote_copy(%a, %b) {scalars = [4 : i32]} : memref<1x4xi8>, memref<4xi32>
  // CHECK: mote_kernel.call @k(%{{.*}}) {num_outputs = 0 : i64, params = array<i64: 1, 2>, params_type = "k_params"}
  mote_kernel.call @k(%a) {params_type = "k_params", params = array<i64: 1, 2>, num_outputs = 0} : memref<1x4xi8>
  return
}
