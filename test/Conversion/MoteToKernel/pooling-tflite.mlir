// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -cse | FileCheck %s

// In TFLite's numerics (the module's mote.numerics, set by the TFLite
// importer or motec --numerics=tflite), an int8 average pooling whose input
// and output share scale and zero point divides the window's sum by its
// count (divide = 1, its one-entry table unused), as TFLite's integer
// kernel does; padding never counts there. Between two quantizations it
// requantizes as in Mote's numerics (divide = 0, a table of 1 / c).
// CHECK-LABEL: func.func @net_run
// CHECK: mote_kernel.call @mote_avg_pool2d_s8(%{{.*}}) {params = {{{.*}}dilation_w = 1 : i64, divide = 1 : i64, {{.*}}pad_left = 1 : i64, {{.*}}table_size = 1 : i64}
// CHECK: mote_kernel.call @mote_avg_pool2d_s8(%{{.*}}) {params = {{{.*}}dilation_w = 1 : i64, divide = 0 : i64, {{.*}}table_size = 10 : i64}

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qy = !quant.uniform<i8:f32, 0.25:2>

module attributes {mote.numerics = "tflite"} {
func.func @main(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %q = mote.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!qx>
  %s = mote.avg_pool2d %q {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x2x4x4x!qx>) -> tensor<1x2x4x4x!qx>
  %a = mote.avg_pool2d %q {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x2x4x4x!qx>) -> tensor<1x2x4x4x!qy>
  %ds = mote.dequantize %s : (tensor<1x2x4x4x!qx>) -> tensor<1x2x4x4xf32>
  %da = mote.dequantize %a : (tensor<1x2x4x4x!qy>) -> tensor<1x2x4x4xf32>
  return %ds, %da : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
}
