// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s
// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -convert-mote-kernel-to-emitc | mote-translate --mlir-to-c | FileCheck %s --check-prefix=CSRC

// How values get buffers in the conversion: a result is replaced by its
// planned arena view, or by the caller's output buffer when it is returned;
// a reshape reinterprets its operand's buffer; a reshaped constant is one
// flash array; a returned view of an input is copied out by the return.

// CHECK-LABEL: func.func @net_run
// CHECK-SAME: (%[[X:.*]]: memref<1x8xf32>{{( \{[^}]*\})?}}, %[[Y:.*]]: memref<1x8xf32>{{( \{[^}]*\})?}}, %[[XV:.*]]: memref<2x4xf32>{{( \{[^}]*\})?}}, %[[ARENA:.*]]: memref<32xi8>)
// CHECK: %[[R:.*]] = memref.view %[[ARENA]]
// CHECK: mote_kernel.call @mote_activation_f32(%[[X]], %[[R]])
// CHECK: %[[V:.*]] = memref.reinterpret_cast %[[R]] to offset: [0], sizes: [2, 4], strides: [4, 1]
// CHECK: %[[C:.*]] = memref.get_global @net_l1_const0 : memref<8xf32>
// CHECK: %[[A:.*]] = memref.view %[[ARENA]]
// CHECK: mote_kernel.call @mote_add_f32(%[[V]], %[[C]], %[[A]])
// CHECK: %[[B:.*]] = memref.reinterpret_cast %[[A]] {{.*}} to memref<1x8xf32>
// The last kernel writes the caller's buffer; no copy follows.
// CHECK: mote_kernel.call @mote_activation_f32(%[[B]], %[[Y]])
// CHECK: %[[IV:.*]] = memref.reinterpret_cast %[[X]] {{.*}} to memref<2x4xf32>
// CHECK: mote_kernel.call @mote_copy(%[[IV]], %[[XV]]) {scalars = [32 : i32]}
// CHECK-NEXT: return
// CHECK-NOT: mote.
// CHECK-NOT: tensor<

// The reinterpreted buffers print as the same C pointers.
// CSRC-LABEL: int32_t net_run(
// CSRC-SAME: const float* [[X:v[0-9]+]], float* [[Y:v[0-9]+]], float* [[XV:v[0-9]+]], uint8_t* [[ARENA:v[0-9]+]])
// CSRC: float* [[XF:v[0-9]+]] = (float*) [[X]];
// CSRC: mote_activation_f32(0, 8, {{.*}}, [[XF]], [[R:v[0-9]+]]);
// CSRC: mote_add_f32({{.*}}, [[R]], net_l1_const0, [[A:v[0-9]+]]);
// CSRC: mote_activation_f32(0, 8, {{.*}}, [[A]], [[Y]]);
// CSRC: /* func.return */
// CSRC-NEXT: mote_copy(32, [[XF]], [[XV]]);
func.func @main(%x: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<2x4xf32>) {
  %r = mote.relu %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %v = mote.reshape %r : (tensor<1x8xf32>) -> tensor<2x4xf32>
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  %cv = mote.reshape %c : (tensor<8xf32>) -> tensor<2x4xf32>
  %a = mote.add %v, %cv : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %b = mote.reshape %a : (tensor<2x4xf32>) -> tensor<1x8xf32>
  %y = mote.relu %b : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %xv = mote.reshape %x : (tensor<1x8xf32>) -> tensor<2x4xf32>
  return %y, %xv : tensor<1x8xf32>, tensor<2x4xf32>
}

// -----

// One value returned twice: the kernel writes the first output buffer, the
// return copies it to the second.
// CHECK-LABEL: func.func @net_run
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>{{( \{[^}]*\})?}}, %[[Y0:.*]]: memref<4xf32>{{( \{[^}]*\})?}}, %[[Y1:.*]]: memref<4xf32>{{( \{[^}]*\})?}}, %{{.*}}: memref<1xi8>)
// CHECK: mote_kernel.call @mote_activation_f32(%[[X]], %[[Y0]])
// CHECK-NEXT: mote_kernel.call @mote_copy(%[[Y0]], %[[Y1]]) {scalars = [16 : i32]}
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %r = mote.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %r, %r : tensor<4xf32>, tensor<4xf32>
}
