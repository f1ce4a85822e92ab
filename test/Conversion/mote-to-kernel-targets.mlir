// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory="target=cortex-m4" -convert-mote-to-kernel="model-name=net target=cortex-m4" -cse | FileCheck %s --check-prefix=M4
// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory="target=aarch64-dotprod" -convert-mote-to-kernel="model-name=net target=aarch64-dotprod" -cse | FileCheck %s --check-prefix=DOT
// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory="target=aarch64-neon" -convert-mote-to-kernel="model-name=net target=aarch64-neon" -cse | FileCheck %s --check-prefix=NEON
// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory="target=cortex-m55" -convert-mote-to-kernel="model-name=net target=cortex-m55" -cse | FileCheck %s --check-prefix=M55
// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory="target=generic-c" -convert-mote-to-kernel="model-name=net target=generic-c" -cse | FileCheck %s --check-prefix=GENERIC
// RUN: not mote-opt %s -split-input-file -convert-mote-to-kernel="target=cortex-m7" 2>&1 | FileCheck %s --check-prefix=BAD

// The target decides the convolution's kernel and its packed constants.
// Input zero point -1 (offset +1), weight rows [1, 2] and [3, 4]:
// - cortex-m4: rows padded to 4 and stored as int16 pairs (w0, w2),
//   (w1, w3) in 32-bit words; bias 10 + 1 * (1 + 2) = 13, -10 + 7 = -3;
//   a scratch buffer of 4 pixels (all of them: up to 8 per block) x 4 x 3
//   bytes in the arena;
// - aarch64-dotprod: rows padded to 16 int8 values, 4 pixels per block
//   (all of them; up to 8);
// - generic-c: the portable kernel on the weights as they are.

!qx = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.125}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.0625}>
!qy = !quant.uniform<i8:f32, 0.5:-128>

// M4: module attributes {mote.kernel_headers = ["mote/mote_gemm.h"]}
// M4-DAG: memref.global "private" constant @net_l1_weights : memref<4xi32> = dense<[1, 2, 3, 4]>
// M4-DAG: memref.global "private" constant @net_l1_bias : memref<2xi32> = dense<[13, -3]>
// M4-LABEL: func.func @net_run
// M4: %[[S:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<{{[0-9]+}}xi8> to memref<48xi8>
// M4: mote_kernel.call @mote_cortex_m4_conv2d_s8(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[S]], %{{.*}}) {num_outputs = 2 : i64, params = {{{.*}} block = 4 : i64, depth = 2 : i64, depth_padded = 4 : i64, {{.*}} gather = 1 : i64, {{.*}} input_zero_point = -1 : i64, {{.*}}}, params_type = "mote_gemm_conv_params"}
// DOT-DAG: memref.global "private" constant @net_l1_weights : memref<32xi8> = dense<[1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// DOT-DAG: memref.global "private" constant @net_l1_bias : memref<2xi32> = dense<[13, -3]>
// DOT: memref<64xi8>
// DOT: mote_kernel.call @mote_aarch64_dotprod_conv2d_s8({{.*}}) {num_outputs = 2 : i64, params = {{{.*}} block = 4 : i64, depth = 2 : i64, depth_padded = 16 : i64, {{.*}} gather = 1 : i64, {{.*}} input_zero_point = -1 : i64, {{.*}}}, params_type = "mote_gemm_conv_params"}
// - aarch64-neon: rows padded to 16 as for SDOT, 4 pixels per block;
// - cortex-m55: rows padded to 16 for Helium, 4 pixels per block.
// NEON: memref.global "private" constant @net_l1_weights : memref<32xi8> = dense<[1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// NEON: mote_kernel.call @mote_aarch64_neon_conv2d_s8({{.*}}) {num_outputs = 2 : i64, params = {{{.*}} block = 4 : i64, depth = 2 : i64, depth_padded = 16 : i64, {{.*}}}, params_type = "mote_gemm_conv_params"}
// M55: memref.global "private" constant @net_l1_weights : memref<32xi8> = dense<[1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// M55: mote_kernel.call @mote_cortex_m55_conv2d_s8({{.*}}) {num_outputs = 2 : i64, params = {{{.*}} block = 4 : i64, depth = 2 : i64, depth_padded = 16 : i64, {{.*}}}, params_type = "mote_gemm_conv_params"}
// GENERIC-NOT: mote.kernel_headers
// GENERIC-DAG: memref.global "private" constant @net_l1_weights : memref<4xi8> = dense<[1, 2, 3, 4]>
// GENERIC: mote_kernel.call @mote_conv2d_s8(
func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[1]], [[2]]], [[[3]], [[4]]]]> : tensor<2x2x1x1xi8>
  %b = arith.constant dense<[10, -10]> : tensor<2xi32>
  %wq = quant.scast %w : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!qw>
  %bq = quant.scast %b : tensor<2xi32> to tensor<2x!qb>
  %q = mote.quantize %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2x!qx>
  %c = mote.conv2d %q, %wq, %bq {clamp_min = 0.0 : f32}
      : (tensor<1x2x2x2x!qx>, tensor<2x2x1x1x!qw>, tensor<2x!qb>) -> tensor<1x2x2x2x!qy>
  %d = mote.dequantize %c : (tensor<1x2x2x2x!qy>) -> tensor<1x2x2x2xf32>
  return %d : tensor<1x2x2x2xf32>
}

// -----

// A 3x3 depthwise convolution: Cortex-M4's own kernel, with a scratch
// buffer for one padded channel ((4 - 1) + 3 rows of (4 - 1) + 4 bytes);
// the other targets keep the portable kernel.

!qx = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.125}>
!qy = !quant.uniform<i8:f32, 0.5:-128>

// M4: memref<42xi8>
// M4: mote_kernel.call @mote_arm_dsp_depthwise_conv2d_s8({{.*}}) {num_outputs = 2 : i64, params = {{{.*}} groups = 2 : i64, {{.*}} input_offset = 1 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, {{.*}} pad_left = 1 : i64, pad_top = 1 : i64, {{.*}}}, params_type = "mote_conv2d_s8_params"}
// DOT: mote_kernel.call @mote_conv2d_s8(
func.func @main(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1> : tensor<2x1x3x3xi8>
  %wq = quant.scast %w : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!qw>
  %q = mote.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!qx>
  %c = mote.conv2d %q, %wq {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x2x4x4x!qx>, tensor<2x1x3x3x!qw>) -> tensor<1x2x4x4x!qy>
  %d = mote.dequantize %c : (tensor<1x2x4x4x!qy>) -> tensor<1x2x4x4xf32>
  return %d : tensor<1x2x4x4xf32>
}

// -----

// A 3x3 convolution (2 -> 4 channels, padding 1) on the matrix-product
// kernels: the weights are stored OHWI, the order in which the kernels
// gather a column from the channels-last band (weight o, c, tap t is
// 18 o + 9 c + t). Rows are padded to 16 (SDOT; printed in hex),
// [0, 9, 1, 10, ...]; on
// Cortex-M4, to 20 as int16 pairs, and the four rows are interleaved per
// step of four values: the rows' (k0, k2) words, then their (k1, k3)
// words ((0, 1), (18, 19), (36, 37), (54, 55), then (9, 10), ...).
// The scratch holds the band first: 3 rows of ((3 - 1) + (3 - 1) + 1) = 5
// pixels x 2 channels, 30 bytes rounded up to 32; then the columns:
// 8 pixels x 20 x 3 bytes on Cortex-M4, 8 pixels x 32 bytes for SDOT.

!qx = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.125, 0.25, 0.125}>
!qy = !quant.uniform<i8:f32, 0.5:-128>

// M4: memref.global "private" constant @net_l1_weights : memref<40xi32> = dense<[65536, 1245202, 2424868, 3604534, 655369, 1835035, 3014701, 4194367, {{.*}}]>
// M4: memref<512xi8>
// M4: mote_kernel.call @mote_cortex_m4_conv2d_s8({{.*}}) {num_outputs = 2 : i64, params = {{{.*}} block = 8 : i64, depth = 18 : i64, depth_padded = 20 : i64, {{.*}} gather = 1 : i64, {{.*}}}, params_type = "mote_gemm_conv_params"}
// DOT: memref.global "private" constant @net_l1_weights : memref<128xi8> = dense<"0x0009010A020B030C040D050E060F071008110000000000000000000000000000121B131C{{.*}}">
// DOT: memref<288xi8>
// DOT: mote_kernel.call @mote_aarch64_dotprod_conv2d_s8({{.*}}) {num_outputs = 2 : i64, params = {{{.*}} block = 8 : i64, depth = 18 : i64, depth_padded = 32 : i64, {{.*}}}, params_type = "mote_gemm_conv_params"}
// GENERIC: memref.global "private" constant @net_l1_weights : memref<72xi8> = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, {{.*}}]>
func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %w = arith.constant dense<[[[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[9, 10, 11], [12, 13, 14], [15, 16, 17]]], [[[18, 19, 20], [21, 22, 23], [24, 25, 26]], [[27, 28, 29], [30, 31, 32], [33, 34, 35]]], [[[36, 37, 38], [39, 40, 41], [42, 43, 44]], [[45, 46, 47], [48, 49, 50], [51, 52, 53]]], [[[54, 55, 56], [57, 58, 59], [60, 61, 62]], [[63, 64, 65], [66, 67, 68], [69, 70, 71]]]]> : tensor<4x2x3x3xi8>
  %wq = quant.scast %w : tensor<4x2x3x3xi8> to tensor<4x2x3x3x!qw>
  %q = mote.quantize %x : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3x!qx>
  %c = mote.conv2d %q, %wq {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x2x3x3x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qy>
  %d = mote.dequantize %c : (tensor<1x4x3x3x!qy>) -> tensor<1x4x3x3xf32>
  return %d : tensor<1x4x3x3xf32>
}

// BAD: unknown target 'cortex-m7' (known: generic-c, aarch64-neon, aarch64-dotprod, cortex-m4, cortex-m55)
