// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// A recurrent layer with int8 weights (symmetric, a scale per row, as
// mote-quantize makes them) calls the `_w8` kernel: each int8 matrix is
// followed by its row scales, repeated for each direction (2 x 6 rows).
// CHECK-DAG: memref.global "private" constant @net_l0_weight_scale : memref<12xf32> = dense<[1.000000e-01, 2.000000e-01, 1.000000e-01, 2.000000e-01, 1.000000e-01, 2.000000e-01, 1.000000e-01, 2.000000e-01, 1.000000e-01, 2.000000e-01, 1.000000e-01, 2.000000e-01]>
// CHECK-DAG: memref.global "private" constant @net_l0_recurrence_scale : memref<12xf32> = dense<5.000000e-01>
// CHECK-LABEL: func.func @net_run(
// CHECK: %[[WS:.*]] = memref.get_global @net_l0_weight_scale
// CHECK: %[[RS:.*]] = memref.get_global @net_l0_recurrence_scale
// CHECK: mote_kernel.call @mote_gru_f32_w8(%{{.*}}, %{{.*}}, %[[WS]], %{{.*}}, %[[RS]], {{.*}}) {num_outputs = 2 : i64, scalars = [5 : i32, 1 : i32, 3 : i32, 2 : i32, 2 : i32, 0.000000e+00 : f32, 0 : i32]} : memref<5x1x3xf32>, memref<36xi8>, memref<12xf32>, memref<24xi8>, memref<12xf32>
!qw = !quant.uniform<i8:f32:1, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>
!qr = !quant.uniform<i8:f32, 0.5>
func.func @net(%x: tensor<5x1x3xf32>) -> tensor<5x2x1x2xf32> {
  %wraw = arith.constant dense<3> : tensor<2x6x3xi8>
  %rraw = arith.constant dense<-2> : tensor<2x6x2xi8>
  %w = quant.scast %wraw : tensor<2x6x3xi8> to tensor<2x6x3x!qw>
  %r = quant.scast %rraw : tensor<2x6x2xi8> to tensor<2x6x2x!qr>
  %y, %h = mote.gru %x, %w, %r {direction = "bidirectional"} : (tensor<5x1x3xf32>, tensor<2x6x3x!qw>, tensor<2x6x2x!qr>) -> (tensor<5x2x1x2xf32>, tensor<2x1x2xf32>)
  return %y : tensor<5x2x1x2xf32>
}
