// RUN: mote-opt %s -mote-plan-memory -split-input-file | FileCheck %s

!q = !quant.uniform<i8:f32, 0.5>

// A chain: the quantized input (64 B) and the conv result (128 B) are live
// together, the ReLU works in place, the reshape is a view, the second
// conv's result may reuse the first input's bytes once that is dead.
// CHECK-LABEL: func @chain
// CHECK-SAME: mote.arena_bytes = 256 : i64, mote.arena_lower_bound = 256 : i64
func.func @chain(%x: tensor<1x4x4x4xf32>, %w: tensor<8x4x1x1x!quant.uniform<i8:f32, 0.1>>,
                 %w2: tensor<8x8x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x128xf32> {
  // CHECK: mote.quantize {{.*}}mote.arena_offsets = array<i64: [[IN:[0-9]+]]>
  %q = mote.quantize %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4x!q>
  // CHECK: mote.conv2d {{.*}}mote.arena_offsets = array<i64: [[C1:[0-9]+]]>
  %c = mote.conv2d %q, %w : (tensor<1x4x4x4x!q>, tensor<8x4x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x8x4x4x!q>
  // In place: the conv result dies at the ReLU.
  // CHECK: mote.relu {{.*}}mote.arena_offsets = array<i64: [[C1]]>
  %r = mote.relu %c : (tensor<1x8x4x4x!q>) -> tensor<1x8x4x4x!q>
  // CHECK: mote.conv2d {{.*}}mote.arena_offsets = array<i64: [[C2:[0-9]+]]>
  %c2 = mote.conv2d %r, %w2 : (tensor<1x8x4x4x!q>, tensor<8x8x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x8x4x4x!q>
  // A view of the second conv's buffer.
  // CHECK: mote.reshape {{.*}}mote.arena_offsets = array<i64: [[C2]]>
  %f = mote.reshape %c2 : (tensor<1x8x4x4x!q>) -> tensor<1x128x!q>
  // The result goes to the caller's buffer: no offset.
  // CHECK: mote.dequantize
  // CHECK-NOT: mote.arena_offsets
  // CHECK-SAME: -> tensor<1x128xf32>
  %d = mote.dequantize %f : (tensor<1x128x!q>) -> tensor<1x128xf32>
  return %d : tensor<1x128xf32>
}

// -----

!q = !quant.uniform<i8:f32, 0.5>

// A residual add: the skip connection keeps %a alive across the branch, so
// three 64-byte buffers are live at the second conv; the add then writes in
// place into one of its dying inputs.
// CHECK-LABEL: func @residual
// CHECK-SAME: mote.arena_bytes = 192 : i64, mote.arena_lower_bound = 192 : i64
func.func @residual(%x: tensor<1x4x4x4xf32>, %w: tensor<4x4x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x4x4xf32> {
  %a = mote.quantize %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4x!q>
  %b = mote.conv2d %a, %w : (tensor<1x4x4x4x!q>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x4x4x!q>
  // CHECK: %[[C:.*]] = mote.conv2d {{.*}}mote.arena_offsets = array<i64: [[OC:[0-9]+]]>
  %c = mote.conv2d %b, %w : (tensor<1x4x4x4x!q>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x4x4x!q>
  // CHECK: mote.add {{.*}}mote.arena_offsets = array<i64: {{[0-9]+}}>
  %s = mote.add %a, %c : (tensor<1x4x4x4x!q>, tensor<1x4x4x4x!q>) -> tensor<1x4x4x4x!q>
  %d = mote.dequantize %s : (tensor<1x4x4x4x!q>) -> tensor<1x4x4x4xf32>
  return %d : tensor<1x4x4x4xf32>
}
