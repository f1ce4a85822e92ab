// RUN: mote-opt %s --mote-train-pipeline="optimizer=sgd momentum=0.9" -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// RUN: mote-opt %s --mote-train-pipeline="precision=int8" -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s --check-prefix=INT8

// INT8: mote.state = [{{.*}}name = "rng_state"
// INT8-LABEL: func.func @net_train_step(
// INT8: %[[RNG:.*]] = memref.view %{{.*}} : memref<{{[0-9]+}}xi8> to memref<1xi32>
// INT8: mote_kernel.call @mote_dynamic_quantize_s8({{.*}}, %[[RNG]]) {num_outputs = 3 : i64, scalars = [1 : i32, 16 : i32, 0.949999988 : f32, 0 : i32]}
// INT8: mote_kernel.call @mote_dynamic_quantize_s8({{.*}}) {num_outputs = 3 : i64, scalars = [3 : i32, 8 : i32, 0.949999988 : f32, 0 : i32]}
// INT8: mote_kernel.call @mote_int8_fully_connected_f32
// INT8: mote_kernel.call @mote_channel_affine_f32
// INT8: mote_kernel.call @mote_softmax_cross_entropy_f32
// INT8: mote_kernel.call @mote_channel_affine_backward_f32({{.*}}) {num_outputs = 3 : i64
// Stochastic rounding of the error reads and advances the generator state.
// INT8: mote_kernel.call @mote_dynamic_quantize_s8({{.*}}) {num_outputs = 3 : i64, scalars = [1 : i32, 6 : i32, 0.949999988 : f32, 1 : i32]}
// INT8: mote_kernel.call @mote_int8_fully_connected_backward_weight_f32

// The state (weight, momentum, bias, momentum: 4 x 16-byte aligned
// tensors = 160 B) comes first in the arena; both functions read the
// weights there and plan their scratch after it.
// CHECK: module attributes {mote.kernel_headers = ["mote/mote_train.h"], mote.state = [{elements = 24 : i64, name = "l0_weight", offset = 0 : i64, trained = true}, {elements = 24 : i64, name = "l0_weight_momentum", offset = 96 : i64, trained = false}, {elements = 3 : i64, name = "l0_bias", offset = 192 : i64, trained = true}, {elements = 3 : i64, name = "l0_bias_momentum", offset = 208 : i64, trained = false}], mote.state_bytes = 224 : i64}
// CHECK-LABEL: func.func @net_infer(
// CHECK-SAME: %[[X:.*]]: memref<2x8xf32>{{( \{[^}]*\})?}}, %[[Y:.*]]: memref<2x3xf32>{{( \{[^}]*\})?}}, %[[A:.*]]: memref<[[N:[0-9]+]]xi8>)
// CHECK: %[[W:.*]] = memref.view %[[A]][%c0{{.*}}] : memref<[[N]]xi8> to memref<3x8xf32>
// CHECK: %[[B:.*]] = memref.view %[[A]][%c192{{.*}}] : memref<[[N]]xi8> to memref<3xf32>
// CHECK: mote_kernel.call @mote_fully_connected_f32(%[[X]], %[[W]], %[[B]], %[[Y]])
// CHECK-LABEL: func.func @net_train_step(
// CHECK-SAME: %[[TX:.*]]: memref<2x8xf32>{{( \{[^}]*\})?}}, %[[TL:.*]]: memref<2xi32>{{( \{[^}]*\})?}}, %[[LOSS:.*]]: memref<1xf32>{{( \{[^}]*\})?}}, %[[TA:.*]]: memref<[[N]]xi8>)
// CHECK: mote_kernel.call @mote_fully_connected_f32
// CHECK: mote_kernel.call @mote_softmax_cross_entropy_f32({{.*}}, %[[TL]], %[[LOSS]], {{.*}}) {num_outputs = 2 : i64, scalars = [2 : i32, 3 : i32]}
// CHECK: mote_kernel.call @mote_fully_connected_backward_weight_f32({{.*}}) {params = {batch = 2 : i64, in_features = 8 : i64, out_features = 3 : i64}
// CHECK: mote_kernel.call @mote_bias_backward_f32({{.*}}) {scalars = [2 : i32, 3 : i32, 1 : i32]}
// CHECK: %[[PW:.*]] = memref.view %[[TA]][%c0{{.*}}] : memref<[[N]]xi8> to memref<3x8xf32>
// CHECK: %[[MW:.*]] = memref.view %[[TA]][%c96{{.*}}] : memref<[[N]]xi8> to memref<3x8xf32>
// CHECK: mote_kernel.call @mote_sgd_momentum_update_f32(%{{.*}}, %[[PW]], %[[MW]]) {commits_state, num_outputs = 2 : i64, scalars = [24 : i32, 0.00999999977 : f32, 0.899999976 : f32, 0.000000e+00 : f32]}
// CHECK: mote_kernel.call @mote_sgd_momentum_update_f32
// The initial weights are stored once in flash, the moments are zeroed.
// CHECK: memref.global "private" constant @net_l0_weight_init : memref<24xf32>
// CHECK-LABEL: func.func @net_init_state(
// CHECK: mote_kernel.call @mote_copy({{.*}}) {scalars = [96 : i32]}
// CHECK: mote_kernel.call @mote_zero({{.*}}) {scalars = [96 : i32]}
// CHECK: mote_kernel.call @mote_copy({{.*}}) {scalars = [12 : i32]}
// CHECK: mote_kernel.call @mote_zero({{.*}}) {scalars = [12 : i32]}
// CHECK-NOT: ml_program.global
func.func @net(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]]> : tensor<3x8xf32>
  %b = arith.constant dense<[0.5, 0.25, 0.125]> : tensor<3xf32>
  %y = mote.fully_connected %x, %w, %b : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
