// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// A transposed convolution calls its kernel with the parameter block of the
// convolution it transposes: that one's input (in_*) is the result here,
// 1x2x6x6, and its output (out_*) the operand, 1x4x3x3; the weight keeps
// ONNX's [C_in, C_out / group, kH, kW] layout, a missing bias is zeros, and
// with no fused clamp the bounds are +-FLT_MAX.
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_conv_transpose2d_f32({{.*}}) {params = {batch = 1 : i64, dilation_h = 1 : i64, dilation_w = 1 : i64, groups = 2 : i64, in_channels = 2 : i64, in_h = 6 : i64, in_w = 6 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, out_channels = 4 : i64, out_h = 3 : i64, out_w = 3 : i64, pad_left = 1 : i64, pad_top = 1 : i64, stride_h = 2 : i64, stride_w = 2 : i64}, params_type = "mote_conv2d_f32_params", scalars = [-3.40282347E+38 : f32, 3.40282347E+38 : f32]}
func.func @net(%x: tensor<1x4x3x3xf32>) -> tensor<1x2x6x6xf32> {
  %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32>
  %y = mote.conv_transpose2d %x, %w {group = 2, output_padding = array<i64: 1, 1>,
                                     pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
      : (tensor<1x4x3x3xf32>, tensor<4x1x3x3xf32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// The int8 form: the same parameter block with the input offset (minus the
// input zero point 3) and the output's zero point and range, per output
// channel multipliers from input x weight / output scale (0.5 * 0.1 / 0.25
// and 0.5 * 0.2 / 0.25) and the int32 bias.
// CHECK: memref.global "private" constant @net_l0_bias : memref<2xi32> = dense<[7, -9]>
// CHECK: memref.global "private" constant @net_l0_multiplier : memref<2xi32> = dense<1717986918>
// CHECK: memref.global "private" constant @net_l0_shift : memref<2xi32> = dense<[-2, -1]>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_conv_transpose2d_s8({{.*}}) {params = {act_max = 127 : i64, act_min = -128 : i64, batch = 1 : i64, dilation_h = 1 : i64, dilation_w = 1 : i64, groups = 1 : i64, in_channels = 2 : i64, in_h = 5 : i64, in_w = 5 : i64, input_offset = -3 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, out_channels = 4 : i64, out_h = 3 : i64, out_w = 3 : i64, output_offset = -1 : i64, pad_left = 0 : i64, pad_top = 0 : i64, stride_h = 1 : i64, stride_w = 1 : i64}, params_type = "mote_conv2d_s8_params"}
func.func @qnet(%x: tensor<1x4x3x3x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x2x5x5x!quant.uniform<i8:f32, 0.25:-1>> {
  %wi = arith.constant dense<1> : tensor<4x2x3x3xi8>
  %w = quant.scast %wi : tensor<4x2x3x3xi8> to tensor<4x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  %bi = arith.constant dense<[7, -9]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.05, 0.1}>>
  %y = mote.conv_transpose2d %x, %w, %b
      : (tensor<1x4x3x3x!quant.uniform<i8:f32, 0.5:3>>, tensor<4x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>,
         tensor<2x!quant.uniform<i32:f32:0, {0.05, 0.1}>>) -> tensor<1x2x5x5x!quant.uniform<i8:f32, 0.25:-1>>
  return %y : tensor<1x2x5x5x!quant.uniform<i8:f32, 0.25:-1>>
}
