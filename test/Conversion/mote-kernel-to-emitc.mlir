// RUN: mote-opt %s -convert-mote-kernel-to-emitc | FileCheck %s
// RUN: mote-opt %s -convert-mote-kernel-to-emitc | mote-translate --mlir-to-c | FileCheck %s --check-prefix=C

// The kernel level prints mechanically: constant globals become static
// const arrays, arena views pointer arithmetic, kernel calls C calls whose
// status is ORed into the return value.

// CHECK-DAG: emitc.include "mote/mote_kernels.h"
// CHECK-DAG: emitc.global static const @net_w : !emitc.array<4xi8> = dense<[1, 2, 3, 4]>
// CHECK-DAG: emitc.global static const @net_run_params0 : !emitc.opaque<"mote_fully_connected_s8_params"> = #emitc.opaque<"{.batch = 1, .in_features = 4, .out_features = 1, .input_offset = 1, .output_offset = 0, .act_min = -128, .act_max = 127}">
// CHECK: emitc.func @net_run(%{{.*}}: !emitc.ptr<!emitc.opaque<"const float">>, %{{.*}}: !emitc.ptr<f32>, %{{.*}}: !emitc.ptr<ui8>) -> i32

// C: static const int8_t net_w[4] = {1, 2, 3, 4};
// Parameter blocks print as designated initializers in the struct's field
// order, whatever the order of the attribute.
// C: static const mote_fully_connected_s8_params net_run_params0 = {.batch = 1, .in_features = 4, .out_features = 1, .input_offset = 1, .output_offset = 0, .act_min = -128, .act_max = 127};
// C: int32_t net_run(const float* [[IN:v[0-9]+]], float* [[OUT:v[0-9]+]], uint8_t* [[ARENA:v[0-9]+]]) {
// C: [[X:v[0-9]+]] = (float*) [[IN]];
// C: uint8_t* [[P:v[0-9]+]] = [[ARENA]] + {{v[0-9]+}};
// C: int8_t* [[Q:v[0-9]+]] = (int8_t*) [[P]];
// C: mote_quantize_f32_s8(4, 5.000000000e-01f, 0, -128, 127, [[X]], [[Q]]);
// C: /* fc */
// C: mote_fully_connected_s8({{v[0-9]+}}, [[Q]], net_w, net_b, net_m, net_s, {{v[0-9]+}});
// C: mote_dequantize_s8_f32(1, 2.500000000e-01f, 0, {{v[0-9]+}}, [[OUT]]);
// C: return

memref.global "private" constant @net_w : memref<4xi8> = dense<[1, 2, 3, 4]>
memref.global "private" constant @net_b : memref<1xi32> = dense<0>
memref.global "private" constant @net_m : memref<1xi32> = dense<1073741824>
memref.global "private" constant @net_s : memref<1xi32> = dense<-1>
func.func @net_run(%in: memref<1x4xf32>, %out: memref<1x1xf32>, %arena: memref<32xi8>)
    attributes {mote.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %q = memref.view %arena[%c0][] : memref<32xi8> to memref<1x4xi8>
  mote_kernel.call @mote_quantize_f32_s8(%in, %q) {scalars = [4 : i32, 0.5 : f32, 0 : i32, -128 : i32, 127 : i32]} : memref<1x4xf32>, memref<1x4xi8>
  %w = memref.get_global @net_w : memref<4xi8>
  %b = memref.get_global @net_b : memref<1xi32>
  %m = memref.get_global @net_m : memref<1xi32>
  %s = memref.get_global @net_s : memref<1xi32>
  %y = memref.view %arena[%c16][] : memref<32xi8> to memref<1x1xi8>
  mote_kernel.call @mote_fully_connected_s8(%q, %w, %b, %m, %s, %y) {params_type = "mote_fully_connected_s8_params", params = {act_max = 127, act_min = -128, batch = 1, in_features = 4, input_offset = 1, out_features = 1, output_offset = 0}} : memref<1x4xi8>, memref<4xi8>, memref<1xi32>, memref<1xi32>, memref<1xi32>, memref<1x1xi8> loc("fc")
  mote_kernel.call @mote_dequantize_s8_f32(%y, %out) {scalars = [1 : i32, 0.25 : f32, 0 : i32]} : memref<1x1xi8>, memref<1x1xf32>
  return
}
