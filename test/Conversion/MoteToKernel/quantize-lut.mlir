// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -cse | FileCheck %s

// Quantization at the boundary and the int8 element-wise functions: a
// sigmoid is a 256-entry table of quantize(sigmoid(dequantize(q))); a
// standalone clamp or ReLU is a requantization (scale 0.0625 -> 0.125: Q31
// 2^30 with shift 0) whose range is the clamp in the output's integer
// domain: 0 -> zero point -10, 6 / 0.125 = 48 -> 38.

// CHECK: memref.global "private" constant @net_l1_table : memref<256xi8> = dense<"0x8080
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_quantize_f32_s8(%{{.*}}, %[[Q:.*]]) {scalars = [8 : i32, 6.250000e-02 : f32, 0 : i32, -128 : i32, 127 : i32]}
// CHECK: %[[T:.*]] = memref.get_global @net_l1_table
// CHECK: mote_kernel.call @mote_lut_s8(%[[T]], %[[Q]], %{{.*}}) {scalars = [8 : i32]}
// CHECK: mote_kernel.call @mote_requantize_s8(%[[Q]], %{{.*}}) {scalars = [8 : i32, 0 : i32, 1073741824 : i32, 0 : i32, -10 : i32, -10 : i32, 38 : i32]}
// CHECK: mote_kernel.call @mote_requantize_s8(%[[Q]], %[[Q]]) {scalars = [8 : i32, 0 : i32, 1073741824 : i32, 0 : i32, -10 : i32, -10 : i32, 127 : i32]}
// CHECK: mote_kernel.call @mote_dequantize_s8_f32(%{{.*}}) {scalars = [8 : i32, 3.906250e-03 : f32, -128 : i32]}
!qx = !quant.uniform<i8:f32, 0.0625:0>
!qy = !quant.uniform<i8:f32, 0.00390625:-128>
!qr = !quant.uniform<i8:f32, 0.125:-10>

func.func @main(%x: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>) {
  %q = mote.quantize %x : (tensor<1x8xf32>) -> tensor<1x8x!qx>
  %s = mote.sigmoid %q : (tensor<1x8x!qx>) -> tensor<1x8x!qy>
  %c = mote.clamp %q {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x8x!qx>) -> tensor<1x8x!qr>
  %r = mote.relu %q : (tensor<1x8x!qx>) -> tensor<1x8x!qr>
  %ds = mote.dequantize %s : (tensor<1x8x!qy>) -> tensor<1x8xf32>
  %dc = mote.dequantize %c : (tensor<1x8x!qr>) -> tensor<1x8xf32>
  %dr = mote.dequantize %r : (tensor<1x8x!qr>) -> tensor<1x8xf32>
  return %ds, %dc, %dr : tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>
}

// -----

// A uint8 boundary (models with uint8 inputs) quantizes to uint8.
!qu = !quant.uniform<u8:f32, 0.5:128>
!qs = !quant.uniform<i8:f32, 0.5:0>
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_quantize_f32_u8(%{{.*}}) {scalars = [4 : i32, 5.000000e-01 : f32, 128 : i32]}
// CHECK: mote_kernel.call @mote_dequantize_u8_f32(%{{.*}}) {scalars = [4 : i32, 5.000000e-01 : f32, 128 : i32]}
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mote.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!qu>
  %d = mote.dequantize %q : (tensor<1x4x!qu>) -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}
