// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

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
