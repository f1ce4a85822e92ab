// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -cse | FileCheck %s

// Pooling over NCHW. Max pooling moves int8 values (the output keeps the
// input's zero point). Average pooling with padding that is not counted
// divides by 1..9 elements: one Q31 multiplier per count c of
// 0.5 / (0.25 * c) = 2 / c (entry 0 unused), e.g. c = 1 is 2^30 * 2^2 / 2^31
// and c = 3 is 0x55555555 * 2^0 / 2^31. Global average pooling of floats is
// a window of the whole image; the float kernels ignore the int8 fields.
// CHECK-DAG: memref.global "private" constant @net_l2_multiplier : memref<10xi32> = dense<[0, 1073741824, 1073741824, 1431655765, 1073741824, 1717986918, 1431655765, 1227133513, 1073741824, 1908874354]>
// CHECK-DAG: memref.global "private" constant @net_l2_shift : memref<10xi32> = dense<[0, 2, 1, 0, 0, -1, -1, -1, -1, -2]>
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_max_pool2d_s8(%{{.*}}) {params = {act_max = 127 : i64, act_min = -128 : i64, batch = 1 : i64, channels = 2 : i64, count_include_pad = 0 : i64, dilation_h = 1 : i64, dilation_w = 1 : i64, divide = 0 : i64, in_h = 4 : i64, in_w = 4 : i64, input_offset = 3 : i64, kernel_h = 2 : i64, kernel_w = 2 : i64, out_h = 2 : i64, out_w = 2 : i64, output_offset = -3 : i64, pad_left = 0 : i64, pad_top = 0 : i64, stride_h = 2 : i64, stride_w = 2 : i64, table_size = 1 : i64}, params_type = "mote_pool2d_s8_params"}
// CHECK: mote_kernel.call @mote_avg_pool2d_s8(%{{.*}}) {params = {act_max = 127 : i64, act_min = -128 : i64, batch = 1 : i64, channels = 2 : i64, count_include_pad = 0 : i64, dilation_h = 1 : i64, dilation_w = 1 : i64, divide = 0 : i64, in_h = 4 : i64, in_w = 4 : i64, input_offset = 3 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, out_h = 4 : i64, out_w = 4 : i64, output_offset = 2 : i64, pad_left = 1 : i64, pad_top = 1 : i64, stride_h = 1 : i64, stride_w = 1 : i64, table_size = 10 : i64}, params_type = "mote_pool2d_s8_params"}
// CHECK: mote_kernel.call @mote_avg_pool2d_f32(%{{.*}}) {params = {act_max = 0 : i64, act_min = 0 : i64, batch = 1 : i64, channels = 2 : i64, count_include_pad = 0 : i64, dilation_h = 1 : i64, dilation_w = 1 : i64, divide = 0 : i64, in_h = 4 : i64, in_w = 4 : i64, input_offset = 0 : i64, kernel_h = 4 : i64, kernel_w = 4 : i64, out_h = 1 : i64, out_w = 1 : i64, output_offset = 0 : i64, pad_left = 0 : i64, pad_top = 0 : i64, stride_h = 1 : i64, stride_w = 1 : i64, table_size = 1 : i64}, params_type = "mote_pool2d_s8_params"}

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qy = !quant.uniform<i8:f32, 0.25:2>

func.func @main(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) {
  %q = mote.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!qx>
  %m = mote.max_pool2d %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<1x2x4x4x!qx>) -> tensor<1x2x2x2x!qx>
  %a = mote.avg_pool2d %q {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x2x4x4x!qx>) -> tensor<1x2x4x4x!qy>
  %g = mote.global_avg_pool %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  %dm = mote.dequantize %m : (tensor<1x2x2x2x!qx>) -> tensor<1x2x2x2xf32>
  %da = mote.dequantize %a : (tensor<1x2x4x4x!qy>) -> tensor<1x2x4x4xf32>
  return %dm, %da, %g : tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>
}
