// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// The integer-only GRU: its gate constants are six int32 per gate row
// (2 directions x 6 rows). Row 0: the weight scale 0.1 x input scale 0.05
// x 4096 = 20.48 is 0.64 x 2^5, 1374389535 x 2^5 / 2^31 (row 1, twice as
// much, has shift 6); the recurrence scale 0.5 x
// state scale 0.0078125 x 4096 = 16 is 2^30 x 2^5 / 2^31; biases 0.25 and
// -0.5 are 1024 and -2048 in Q3.12. Absent, the initial state is the
// output's zero point (-1). The parameters: output multiplier 1 / (32768
// x 0.0078125) = 2^-8 (2^30 x 2^-7 / 2^31), state multiplier 256 (2^30 x
// 2^9 / 2^31), clip 2.0 is 8192 in Q3.12.
// CHECK-DAG: memref.global "private" constant @net_l0_gates : memref<72xi32> = dense<[1374389535, 5, 1073741824, 5, 1024, -2048, 1374389535, 6, 1073741824, 5, 1024, -2048,
// CHECK-DAG: memref.global "private" constant @net_l0_h0 : memref<4xi8> = dense<-1>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_gru_s8({{.*}}) {num_outputs = 2 : i64, params = {batch = 1 : i64, clip = 8192 : i64, direction = 2 : i64, hidden = 2 : i64, input = 3 : i64, input_offset = -3 : i64, linear_before_reset = 1 : i64, output_multiplier = 1073741824 : i64, output_offset = -1 : i64, output_shift = -7 : i64, seq = 5 : i64, state_multiplier = 1073741824 : i64, state_shift = 9 : i64}, params_type = "mote_recurrent_s8_params"} : memref<5x1x3xi8>, memref<36xi8>, memref<24xi8>, memref<72xi32>, memref<4xi8>, memref<5x2x1x2xi8>, memref<2x1x2xi8>
!qx = !quant.uniform<i8:f32, 0.05:3>
!qy = !quant.uniform<i8:f32, 0.0078125:-1>
!qw = !quant.uniform<i8:f32:1, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>
!qr = !quant.uniform<i8:f32, 0.5>
func.func @net(%x: tensor<5x1x3x!qx>) -> tensor<5x2x1x2x!qy> {
  %wraw = arith.constant dense<3> : tensor<2x6x3xi8>
  %rraw = arith.constant dense<-2> : tensor<2x6x2xi8>
  %w = quant.scast %wraw : tensor<2x6x3xi8> to tensor<2x6x3x!qw>
  %r = quant.scast %rraw : tensor<2x6x2xi8> to tensor<2x6x2x!qr>
  %b = arith.constant dense<[[0.25, 0.25, 0.25, 0.25, 0.25, 0.25, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5], [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5]]> : tensor<2x12xf32>
  %y, %h = mote.gru %x, %w, %r bias %b {direction = "bidirectional", linear_before_reset = true, clip = 2.0 : f32} : (tensor<5x1x3x!qx>, tensor<2x6x3x!qw>, tensor<2x6x2x!qr>, tensor<2x12xf32>) -> (tensor<5x2x1x2x!qy>, tensor<2x1x2x!qy>)
  return %y : tensor<5x2x1x2x!qy>
}
