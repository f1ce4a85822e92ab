// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s

// Each recurrent layer is one kernel call over the whole sequence: scalars
// seq, batch, input, hidden, direction (1 reverse, 2 bidirectional), clip
// (and the GRU's linear_before_reset); absent biases, initial states and
// peepholes are arrays of zeros in flash. The LSTM's unused last hidden and
// cell states still get arena buffers (its kernel keeps the cell state
// there).
// CHECK-DAG: memref.global "private" constant @net_l0_bias : memref<32xf32> = dense<0.000000e+00>
// CHECK-DAG: memref.global "private" constant @net_l0_h0 : memref<4xf32> = dense<0.000000e+00>
// CHECK-DAG: memref.global "private" constant @net_l0_c0 : memref<4xf32> = dense<0.000000e+00>
// CHECK-DAG: memref.global "private" constant @net_l0_peephole : memref<12xf32> = dense<0.000000e+00>
// CHECK-DAG: memref.global "private" constant @net_l1_h0 : memref<8xf32> = dense<0.000000e+00>
// CHECK-LABEL: func.func @net_run(
// CHECK: mote_kernel.call @mote_lstm_f32({{.*}}) {num_outputs = 3 : i64, scalars = [5 : i32, 1 : i32, 3 : i32, 4 : i32, 1 : i32, 3.000000e+00 : f32]}
// CHECK: mote_kernel.call @mote_gru_f32({{.*}}) {num_outputs = 2 : i64, scalars = [5 : i32, 1 : i32, 3 : i32, 4 : i32, 2 : i32, 0.000000e+00 : f32, 1 : i32]}
func.func @net(%x: tensor<5x1x3xf32>) -> (tensor<1x1x4xf32>, tensor<5x2x1x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x16x3xf32>
  %r = arith.constant dense<0.25> : tensor<1x16x4xf32>
  %gw = arith.constant dense<0.5> : tensor<2x12x3xf32>
  %gr = arith.constant dense<0.25> : tensor<2x12x4xf32>
  %b = arith.constant dense<0.1> : tensor<2x24xf32>
  %y, %yh, %yc = mote.lstm %x, %w, %r {clip = 3.0 : f32, direction = "reverse"}
      : (tensor<5x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>)
      -> (tensor<5x1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>)
  %gy, %gh = mote.gru %x, %gw, %gr bias %b {direction = "bidirectional", linear_before_reset = true}
      : (tensor<5x1x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32>, tensor<2x24xf32>)
      -> (tensor<5x2x1x4xf32>, tensor<2x1x4xf32>)
  return %yh, %gy : tensor<1x1x4xf32>, tensor<5x2x1x4xf32>
}
