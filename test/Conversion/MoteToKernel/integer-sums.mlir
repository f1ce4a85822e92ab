// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// Layers whose result is the raw int32 sums (ONNX's ConvInteger and
// MatMulInteger) call the int8 kernels' unrequantized forms: minus the
// input zero point as the input offset, and minus each output channel's
// weight zero point in a weight_offset array (here per axis: -3 and 128).
// CHECK-LABEL: memref.global "private" constant @net_l0_weight_offset : memref<2xi32> = dense<[3, -127]>
// CHECK-LABEL: func.func @net_run(
// CHECK: %[[OFF:.*]] = memref.get_global @net_l0_weight_offset : memref<2xi32>
// CHECK: mote_kernel.call @mote_conv2d_s8_s32(%{{.*}}, %{{.*}}, %[[OFF]], %{{.*}}) {params = {batch = 1 : i64, dilation_h = 1 : i64, dilation_w = 1 : i64, groups = 1 : i64, in_channels = 2 : i64, in_h = 4 : i64, in_w = 4 : i64, input_offset = -5 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, out_channels = 2 : i64, out_h = 2 : i64, out_w = 2 : i64, pad_left = 1 : i64, pad_top = 1 : i64, stride_h = 2 : i64, stride_w = 2 : i64}, params_type = "mote_conv2d_s32_params"} : memref<1x2x4x4xi8>, memref<36xi8>, memref<2xi32>, memref<1x2x2x2xi32>
!qx = !quant.uniform<i8:f32, 1.0:5>
!qw = !quant.uniform<i8:f32:0, {1.0:-3, 1.0:127}>
func.func @net(%x: tensor<1x2x4x4x!qx>) -> tensor<1x2x2x2xi32> {
  %raw = arith.constant dense<1> : tensor<2x2x3x3xi8>
  %w = quant.scast %raw : tensor<2x2x3x3xi8> to tensor<2x2x3x3x!qw>
  %y = mote.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4x!qx>, tensor<2x2x3x3x!qw>) -> tensor<1x2x2x2xi32>
  return %y : tensor<1x2x2x2xi32>
}

// -----

// A weight zero point per tensor fills every channel's offset; the batch
// dims of a product broadcast as for the requantized form.
// CHECK-LABEL: memref.global "private" constant @net_l1_weight_offset : memref<3xi32> = dense<-7>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_matmul_s8_s32({{.*}}) {params = {dim0 = 1 : i64, dim1 = 1 : i64, dim2 = 1 : i64, dim3 = 2 : i64, k = 4 : i64, lhs_offset = 3 : i64, lhs_stride0 = 0 : i64, lhs_stride1 = 0 : i64, lhs_stride2 = 0 : i64, lhs_stride3 = 1 : i64, m = 2 : i64, n = 3 : i64, rhs_offset = -1 : i64, rhs_stride0 = 0 : i64, rhs_stride1 = 0 : i64, rhs_stride2 = 0 : i64, rhs_stride3 = 0 : i64}, params_type = "mote_matmul_s32_params"} : memref<2x2x4xi8>, memref<4x3xi8>, memref<2x2x3xi32>
// CHECK: mote_kernel.call @mote_conv2d_s8_s32({{.*}}input_offset = -1 : i64
!qa = !quant.uniform<i8:f32, 1.0:-3>
!qb = !quant.uniform<i8:f32, 1.0:1>
!qw = !quant.uniform<i8:f32, 1.0:7>
func.func @net(%a: tensor<2x2x4x!qa>, %b: tensor<4x3x!qb>, %x: tensor<1x1x2x2x!qb>) -> (tensor<2x2x3xi32>, tensor<1x3x2x2xi32>) {
  %y = mote.matmul %a, %b : (tensor<2x2x4x!qa>, tensor<4x3x!qb>) -> tensor<2x2x3xi32>
  %raw = arith.constant dense<2> : tensor<3x1x1x1xi8>
  %w = quant.scast %raw : tensor<3x1x1x1xi8> to tensor<3x1x1x1x!qw>
  %c = mote.conv2d %x, %w : (tensor<1x1x2x2x!qb>, tensor<3x1x1x1x!qw>) -> tensor<1x3x2x2xi32>
  return %y, %c : tensor<2x2x3xi32>, tensor<1x3x2x2xi32>
}
