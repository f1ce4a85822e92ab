// RUN: mote-opt %s -convert-mote-to-emitc="model-name=net" | FileCheck %s
// RUN: mote-opt %s -convert-mote-to-emitc="model-name=net" | mote-translate --mlir-to-c | FileCheck %s --check-prefix=C

// A quantized conv with a fused ReLU, a residual add and the float
// boundary. Input scale 0.5, weight scales 0.25 / 0.125, output scale 0.5:
// the conv's real multipliers 0.25 and 0.125 are 2^30 * 2^-1 / 2^31 and
// 2^30 * 2^-2 / 2^31 in Q31.

!qx = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.125}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.0625}>
!qy = !quant.uniform<i8:f32, 0.5:-128>

// CHECK-DAG: emitc.include "mote/mote_kernels.h"
// CHECK-DAG: emitc.global static const @net_l1_params : !emitc.opaque<"mote_conv2d_s8_params"> = #emitc.opaque<"{1, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, -128, -128, 127}">
// CHECK-DAG: emitc.global static const @net_l1_weights : !emitc.array<4xi8> = dense<[1, 2, 3, 4]>
// CHECK-DAG: emitc.global static const @net_l1_multiplier : !emitc.array<2xi32> = dense<1073741824>
// CHECK-DAG: emitc.global static const @net_l1_shift : !emitc.array<2xi32> = dense<[-1, -2]>
// CHECK: emitc.func @net_run(%[[IN:.*]]: !emitc.ptr<!emitc.opaque<"const float">>, %[[OUT:.*]]: !emitc.ptr<f32>, %[[ARENA:.*]]: !emitc.ptr<ui8>) -> i32
// CHECK: call_opaque "mote_quantize_f32_s8"({{.*}}) {args = [8 : i32, 5.000000e-01 : f32, -1 : i32, -128 : i32, 127 : i32, 0 : index, 1 : index]}
// CHECK: call_opaque "mote_conv2d_s8"
// CHECK: call_opaque "mote_add_s8"
// CHECK: call_opaque "mote_dequantize_s8_f32"(%{{.*}}, %[[OUT]])
// CHECK: return
func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[1]], [[2]]], [[[3]], [[4]]]]> : tensor<2x2x1x1xi8>
  %b = arith.constant dense<[10, -10]> : tensor<2xi32>
  %wq = quant.scast %w : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!qw>
  %bq = quant.scast %b : tensor<2xi32> to tensor<2x!qb>
  %q = mote.quantize %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2x!qx>
  %c = mote.conv2d %q, %wq, %bq {clamp_min = 0.0 : f32}
      : (tensor<1x2x2x2x!qx>, tensor<2x2x1x1x!qw>, tensor<2x!qb>) -> tensor<1x2x2x2x!qy>
  %s = mote.add %c, %q : (tensor<1x2x2x2x!qy>, tensor<1x2x2x2x!qx>) -> tensor<1x2x2x2x!qy>
  %d = mote.dequantize %s : (tensor<1x2x2x2x!qy>) -> tensor<1x2x2x2xf32>
  return %d : tensor<1x2x2x2xf32>
}

// The add's parameters: TFLite's scheme with 20 bits of headroom.
// C: static const mote_binary_s8_params net_l2_params = {{[{][{]}}1, 2, 2, 2}, {8, 4, 2, 1}, {8, 4, 2, 1}, 128, 1, -128, 20, 1073741824, 0, 1073741824, 0, 1073741824, -18, -128, 127};
// C: int32_t net_run(const float* [[IN:v[0-9]+]], float* [[OUT:v[0-9]+]], uint8_t* [[ARENA:v[0-9]+]]) {
// C: mote_conv2d_s8(
// C: return
