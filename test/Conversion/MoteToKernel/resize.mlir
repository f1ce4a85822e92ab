// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// Resize tabulates, per output row and column, two source indices and
// their weights at compile time. 2x bilinear, half_pixel, of 2 rows:
// output row 0 reads x = -0.25, clamped to 0 (rows 0 and 1, weights 1 and
// 0); row 1 reads 0.25 (weights 0.75 and 0.25); row 2 reads 0.75; row 3
// reads 1.25, clamped to the last row (row 1 twice, 0.5 each).
// CHECK-DAG: memref.global "private" constant @{{.*}}_rows : memref<8xi32> = dense<[0, 1, 0, 1, 0, 1, 1, 1]>
// CHECK-DAG: memref.global "private" constant @{{.*}}_row_weights : memref<8xf32> = dense<[1.000000e+00, 0.000000e+00, 7.500000e-01, 2.500000e-01, 2.500000e-01, 7.500000e-01, 5.000000e-01, 5.000000e-01]>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_resize_f32({{.*}}) {scalars = [2 : i32, 2 : i32, 3 : i32, 4 : i32, 6 : i32, 2 : i32]}
func.func @net(%x: tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %y = mote.resize %x {mode = "linear", scales = array<f32: 2.0, 2.0>} : (tensor<1x2x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %y : tensor<1x2x4x6xf32>
}

// -----

// Nearest on int8: one kernel for any element size (1 byte here);
// asymmetric floor maps output column c to input column c / 2 (each index
// written twice, the second unused).
// CHECK-DAG: memref.global "private" constant @{{.*}}_cols : memref<8xi32> = dense<[0, 0, 0, 0, 1, 1, 1, 1]>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_resize_nearest({{.*}}) {scalars = [1 : i32, 1 : i32, 2 : i32, 1 : i32, 4 : i32, 1 : i32]}
!q = !quant.uniform<i8:f32, 0.5:3>
func.func @net(%x: tensor<1x1x1x2x!q>) -> tensor<1x1x1x4x!q> {
  %y = mote.resize %x {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor",
                       scales = array<f32: 1.0, 2.0>} : (tensor<1x1x1x2x!q>) -> tensor<1x1x1x4x!q>
  return %y : tensor<1x1x1x4x!q>
}

// -----

// Bicubic, 2x, asymmetric, one row: output column c reads x = c / 2, taps
// floor(x) - 1 ... floor(x) + 2 at the edge when outside. At x = 0 the
// weights are Keys's kernel (a = -0.75) at distances 1, 0, 1, 2: 0, 1, 0,
// 0; at x = 0.5 at distances 1.5, 0.5, 0.5, 1.5: -0.09375, 0.59375,
// 0.59375, -0.09375. Int8 takes them in Q15, the last tap the rounding.
// CHECK-DAG: memref.global "private" constant @{{.*}}_cols : memref<16xi32> = dense<[0, 0, 1, 2, 0, 0, 1, 2, 0, 1, 2, 2, 0, 1, 2, 2]>
// CHECK-DAG: memref.global "private" constant @{{.*}}_col_weights : memref<16xi32> = dense<[0, 32768, 0, 0, -3072, 19456, 19456, -3072, 0, 32768, 0, 0, -3072, 19456, 19456, -3072]>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_resize_s8({{.*}}) {scalars = [1 : i32, 1 : i32, 3 : i32, 1 : i32, 4 : i32, 4 : i32]}
!q = !quant.uniform<i8:f32, 0.5:3>
func.func @net(%x: tensor<1x1x1x3x!q>) -> tensor<1x1x1x4x!q> {
  %y = mote.resize %x {mode = "cubic", coordinate_transformation_mode = "asymmetric",
                       scales = array<f32: 1.0, 2.0>} : (tensor<1x1x1x3x!q>) -> tensor<1x1x1x4x!q>
  return %y : tensor<1x1x1x4x!q>
}

// -----

// With exclude_outside the taps outside the input get no weight and the
// others are renormalized: at x = 0 (half_pixel of 2x: x = -0.25 for
// column 0, floor -1) taps -2 and -1 are dropped.
// CHECK-DAG: memref.global "private" constant @{{.*}}_col_weights : memref<16xf32> = dense<[0.000000e+00, 0.000000e+00, {{.*}}]>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_resize_f32({{.*}}) {scalars = [1 : i32, 1 : i32, 2 : i32, 1 : i32, 4 : i32, 4 : i32]}
func.func @net(%x: tensor<1x1x1x2xf32>) -> tensor<1x1x1x4xf32> {
  %y = mote.resize %x {mode = "cubic", exclude_outside = true, cubic_coeff_a = -0.5 : f32,
                       scales = array<f32: 1.0, 2.0>} : (tensor<1x1x1x2xf32>) -> tensor<1x1x1x4xf32>
  return %y : tensor<1x1x1x4xf32>
}
