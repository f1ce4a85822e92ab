// RUN: mote-opt %s -convert-mote-kernel-to-emitc | mote-translate --mlir-to-c | FileCheck %s

// A state update (commits_state) runs only if every call before it
// succeeded: a failed step returns its error with the state unchanged.
// The guard comes once, before the first update.

// CHECK: int32_t net_step(
// CHECK: [[S1:v[0-9]+]] = mote_softmax_cross_entropy_f32(
// CHECK: if ([[ST:v[0-9]+]] != 0) return [[ST]];
// CHECK-NEXT: {{.*}} = mote_sgd_update_f32(
// CHECK-NOT: != 0) return
// CHECK: mote_sgd_update_f32(
// CHECK: return

func.func @net_step(%logits: memref<1x4xf32>, %labels: memref<1xi32>, %loss: memref<1xf32>, %arena: memref<64xi8>)
    attributes {mote.num_inputs = 2 : i64} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %g = memref.view %arena[%c0][] : memref<64xi8> to memref<1x4xf32>
  %w = memref.view %arena[%c16][] : memref<64xi8> to memref<4xf32>
  %b = memref.view %arena[%c32][] : memref<64xi8> to memref<4xf32>
  mote_kernel.call @mote_softmax_cross_entropy_f32(%logits, %labels, %loss, %g) {num_outputs = 2 : i64, scalars = [1 : i32, 4 : i32]} : memref<1x4xf32>, memref<1xi32>, memref<1xf32>, memref<1x4xf32>
  mote_kernel.call @mote_sgd_update_f32(%g, %w) {commits_state, scalars = [4 : i32, 0.1 : f32, 0.0 : f32]} : memref<1x4xf32>, memref<4xf32>
  mote_kernel.call @mote_sgd_update_f32(%g, %b) {commits_state, scalars = [4 : i32, 0.1 : f32, 0.0 : f32]} : memref<1x4xf32>, memref<4xf32>
  return
}
