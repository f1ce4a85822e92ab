// RUN: mote-opt %s -mote-fold-qdq -split-input-file | FileCheck %s

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!qb = !quant.uniform<i32:f32:0, {0.05, 0.1}>
!qy = !quant.uniform<i8:f32, 0.25:1>

// The QDQ form of a quantized conv becomes a conv on quantized tensors.
// CHECK-LABEL: func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>, %[[W:.*]]: tensor<2x3x1x1x{{.*}}>, %[[B:.*]]: tensor<2x
func.func @conv(%x: tensor<1x3x4x4x!qa>, %w: tensor<2x3x1x1x!qw>, %b: tensor<2x!qb>) -> tensor<1x2x4x4x!qy> {
  %xf = mote.dequantize %x : (tensor<1x3x4x4x!qa>) -> tensor<1x3x4x4xf32>
  %wf = mote.dequantize %w : (tensor<2x3x1x1x!qw>) -> tensor<2x3x1x1xf32>
  %bf = mote.dequantize %b : (tensor<2x!qb>) -> tensor<2xf32>
  %c = mote.conv2d %xf, %wf, %bf {clamp_min = 0.0 : f32}
      : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  // CHECK: %[[C:.*]] = mote.conv2d %[[X]], %[[W]], %[[B]] {clamp_min = 0.000000e+00 : f32}
  // CHECK-SAME: -> tensor<1x2x4x4x!quant.uniform<i8:f32, 2.500000e-01:1>>
  // CHECK-NOT: mote.quantize
  // CHECK: return %[[C]]
  %q = mote.quantize %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!qy>
  return %q : tensor<1x2x4x4x!qy>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!qb = !quant.uniform<i32:f32:0, {0.05, 0.3}>
!qy = !quant.uniform<i8:f32, 0.25:1>

// A bias whose scale is not input x weight cannot feed the integer conv:
// the float form stays.
// CHECK-LABEL: func @conv_bad_bias
func.func @conv_bad_bias(%x: tensor<1x3x4x4x!qa>, %w: tensor<2x3x1x1x!qw>, %b: tensor<2x!qb>) -> tensor<1x2x4x4x!qy> {
  %xf = mote.dequantize %x : (tensor<1x3x4x4x!qa>) -> tensor<1x3x4x4xf32>
  %wf = mote.dequantize %w : (tensor<2x3x1x1x!qw>) -> tensor<2x3x1x1xf32>
  %bf = mote.dequantize %b : (tensor<2x!qb>) -> tensor<2xf32>
  // CHECK: mote.conv2d {{.*}} -> tensor<1x2x4x4xf32>
  // CHECK: mote.quantize
  %c = mote.conv2d %xf, %wf, %bf : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %q = mote.quantize %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!qy>
  return %q : tensor<1x2x4x4x!qy>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:1>

// Residual add of two differently scaled tensors.
// CHECK-LABEL: func @add
func.func @add(%a: tensor<4x!qa>, %b: tensor<4x!qb>) -> tensor<4x!qa> {
  // CHECK: %[[S:.*]] = mote.add %{{.*}}, %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<4x!quant.uniform<i8:f32, 2.500000e-01:1>>) -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
  // CHECK: return %[[S]]
  %af = mote.dequantize %a : (tensor<4x!qa>) -> tensor<4xf32>
  %bf = mote.dequantize %b : (tensor<4x!qb>) -> tensor<4xf32>
  %s = mote.add %af, %bf : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = mote.quantize %s : (tensor<4xf32>) -> tensor<4x!qa>
  return %q : tensor<4x!qa>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>

// Reshape of a dequantized tensor moves below the dequantize, and the
// following quantize with the same parameters cancels it.
// CHECK-LABEL: func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x1x1x
func.func @reshape(%x: tensor<1x4x1x1x!qa>) -> tensor<1x4x!qa> {
  // CHECK: %[[R:.*]] = mote.reshape %[[X]] : (tensor<1x4x1x1x!quant.uniform<i8:f32, 5.000000e-01:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
  // CHECK-NOT: mote.quantize
  // CHECK: return %[[R]]
  %xf = mote.dequantize %x : (tensor<1x4x1x1x!qa>) -> tensor<1x4x1x1xf32>
  %r = mote.reshape %xf : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  %q = mote.quantize %r : (tensor<1x4xf32>) -> tensor<1x4x!qa>
  return %q : tensor<1x4x!qa>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:1>

// A dequantize / quantize pair with different parameters is a requantize.
// CHECK-LABEL: func @requantize
func.func @requantize(%x: tensor<4x!qa>) -> tensor<4x!qb> {
  // CHECK: mote.requantize %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>) -> tensor<4x!quant.uniform<i8:f32, 2.500000e-01:1>>
  %xf = mote.dequantize %x : (tensor<4x!qa>) -> tensor<4xf32>
  %q = mote.quantize %xf : (tensor<4xf32>) -> tensor<4x!qb>
  return %q : tensor<4x!qb>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>

// The float result has another user: the float op must stay.
// CHECK-LABEL: func @shared_float
func.func @shared_float(%a: tensor<4x!qa>) -> (tensor<4x!qa>, tensor<4xf32>) {
  // CHECK: mote.relu {{.*}} -> tensor<4xf32>
  // CHECK: mote.quantize
  %af = mote.dequantize %a : (tensor<4x!qa>) -> tensor<4xf32>
  %r = mote.relu %af : (tensor<4xf32>) -> tensor<4xf32>
  %q = mote.quantize %r : (tensor<4xf32>) -> tensor<4x!qa>
  return %q, %r : tensor<4x!qa>, tensor<4xf32>
}

// -----

// A QAT export leaves the bias float: it becomes int32 at input x weight
// scale (1.0 / (0.5 * 0.1) = 20, -1.0 / (0.5 * 0.2) = -10) and the layer
// folds into an integer conv.
// CHECK-LABEL: func @float_bias
func.func @float_bias(%x: tensor<1x3x4x4x!quant.uniform<i8:f32, 0.5:-3>>, %w: tensor<2x3x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>)
    -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:1>> {
  %xf = mote.dequantize %x : (tensor<1x3x4x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x3x4x4xf32>
  %wf = mote.dequantize %w : (tensor<2x3x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x3x1x1xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  // CHECK: %[[B:.*]] = arith.constant dense<[20, -10]> : tensor<2xi32>
  // CHECK: %[[BQ:.*]] = quant.scast %[[B]]
  // CHECK: mote.conv2d %arg0, %arg1, %[[BQ]] {{.*}}-> tensor<1x2x4x4x!quant.uniform<i8:f32, 2.500000e-01:1>>
  %c = mote.conv2d %xf, %wf, %b : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %q = mote.quantize %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:1>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:1>>
}

// -----

// Softmax has no integer form (no int8 kernel): a QDQ chain around it
// stays, so the model compiles as mixed precision (float between the
// dequantize and the quantize) instead of an int8 op no lowering accepts.
// A product of two int8 tensors folds (mote_matmul_s8); one of uint8
// operands (a QLinearMatMul's) stays float.
// CHECK-LABEL: func @no_integer_form
func.func @no_integer_form(%x: tensor<1x10x!quant.uniform<i8:f32, 0.1:-3>>, %a: tensor<2x4x!quant.uniform<i8:f32, 0.5:0>>, %b: tensor<4x3x!quant.uniform<i8:f32, 0.5:0>>, %u: tensor<4x3x!quant.uniform<u8:f32, 0.5:128>>)
    -> (tensor<1x10x!quant.uniform<i8:f32, 0.00390625:-128>>, tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>, tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>) {
  // CHECK: %[[D:.*]] = mote.dequantize %arg0
  // CHECK: %[[S:.*]] = mote.softmax %[[D]] : (tensor<1x10xf32>) -> tensor<1x10xf32>
  // CHECK: mote.quantize %[[S]]
  %d = mote.dequantize %x : (tensor<1x10x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x10xf32>
  %s = mote.softmax %d : (tensor<1x10xf32>) -> tensor<1x10xf32>
  %q = mote.quantize %s : (tensor<1x10xf32>) -> tensor<1x10x!quant.uniform<i8:f32, 0.00390625:-128>>
  // CHECK: mote.matmul %arg1, %arg2 : (tensor<2x4x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<4x3x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<2x3x!quant.uniform<i8:f32, 2.500000e-01>>
  // CHECK: %[[U:.*]] = mote.matmul %{{.*}}, %{{.*}} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  // CHECK: mote.quantize %[[U]]
  %af = mote.dequantize %a : (tensor<2x4x!quant.uniform<i8:f32, 0.5:0>>) -> tensor<2x4xf32>
  %bf = mote.dequantize %b : (tensor<4x3x!quant.uniform<i8:f32, 0.5:0>>) -> tensor<4x3xf32>
  %uf = mote.dequantize %u : (tensor<4x3x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<4x3xf32>
  %m = mote.matmul %af, %bf : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %mq = mote.quantize %m : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>
  %mu = mote.matmul %af, %uf : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %muq = mote.quantize %mu : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>
  return %q, %mq, %muq : tensor<1x10x!quant.uniform<i8:f32, 0.00390625:-128>>, tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>, tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>
}

// A conv whose result stays float (a float cut of a QDQ model): its
// per-channel weight and bias become float constants, per channel
// scale * (q - zero point); a per-tensor input keeps its dequantize.
// CHECK-LABEL: func @float_conv_per_axis_constants
func.func @float_conv_per_axis_constants(%x: tensor<1x2x1x1x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x1x1xf32> {
  %wq = arith.constant dense<[[[[4]], [[-2]]], [[[10]], [[1]]]]> : tensor<2x2x1x1xi8>
  %ws = quant.scast %wq : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %wf = mote.dequantize %ws : (tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) -> tensor<2x2x1x1xf32>
  %bq = arith.constant dense<[3, -8]> : tensor<2xi32>
  %bs = quant.scast %bq : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %bf = mote.dequantize %bs : (tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>) -> tensor<2xf32>
  %xf = mote.dequantize %x : (tensor<1x2x1x1x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x1x1xf32>
  %c = mote.conv2d %xf, %wf, %bf : (tensor<1x2x1x1xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
  // CHECK-DAG: arith.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}-1.000000e+00]]], {{\[\[\[}}2.500000e+00]], {{\[\[}}2.500000e-01]]]]> : tensor<2x2x1x1xf32>
  // CHECK-DAG: arith.constant dense<[3.750000e-01, -5.000000e-01]> : tensor<2xf32>
  // CHECK: mote.dequantize %{{.*}} : (tensor<1x2x1x1x!quant.uniform<i8:f32, 5.000000e-01:-3>>)
  // CHECK-NOT: mote.dequantize
  // CHECK: mote.conv2d
  return %c : tensor<1x2x1x1xf32>
}

// -----

// A fully-connected layer whose input was never quantized (PyTorch's QAT
// export leaves the classifier after a float pooling): its per-tensor
// weight becomes a float constant, scale * (q - zero point); a per-tensor
// dequantize read by anything else stays.
// CHECK-LABEL: func @float_fc_per_tensor_weight
func.func @float_fc_per_tensor_weight(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<2x2xf32>) {
  %wq = arith.constant dense<[[4, -2], [10, 1]]> : tensor<2x2xi8>
  %ws = quant.scast %wq : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 0.5:2>>
  %wf = mote.dequantize %ws : (tensor<2x2x!quant.uniform<i8:f32, 0.5:2>>) -> tensor<2x2xf32>
  %vq = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %vs = quant.scast %vq : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 0.25>>
  %vf = mote.dequantize %vs : (tensor<2x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2xf32>
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, -2.000000e+00], [4.000000e+00, -5.000000e-01]]> : tensor<2x2xf32>
  // CHECK-DAG: %[[V:.*]] = mote.dequantize %{{.*}} : (tensor<2x2x!quant.uniform<i8:f32, 2.500000e-01>>)
  // CHECK: mote.fully_connected %{{.*}}, %[[W]]
  %y = mote.fully_connected %x, %wf : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y, %vf : tensor<1x2xf32>, tensor<2x2xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:1>

// Gather and Where only copy values: an int8 embedding table and int8
// choices of one type stay int8, the dequantize moves after them. Choices
// of two types stay float.
// CHECK-LABEL: func @selection
// CHECK: %[[G:.*]] = mote.gather %arg0, %arg1 {axis = 0 : i64} : (tensor<5x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<2xi64>) -> tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: mote.dequantize %[[G]]
// CHECK: %[[W:.*]] = mote.where %arg2, %arg0, %arg0 : (tensor<5x3xi1>, tensor<5x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<5x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>) -> tensor<5x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: mote.dequantize %[[W]]
// CHECK: mote.where %arg2, %{{.*}}, %{{.*}} : (tensor<5x3xi1>, tensor<5x3xf32>, tensor<5x3xf32>) -> tensor<5x3xf32>
func.func @selection(%t: tensor<5x3x!qa>, %ids: tensor<2xi64>, %c: tensor<5x3xi1>, %u: tensor<5x3x!qb>) -> (tensor<2x3xf32>, tensor<5x3xf32>, tensor<5x3xf32>) {
  %tf = mote.dequantize %t : (tensor<5x3x!qa>) -> tensor<5x3xf32>
  %uf = mote.dequantize %u : (tensor<5x3x!qb>) -> tensor<5x3xf32>
  %g = mote.gather %tf, %ids {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %w = mote.where %c, %tf, %tf : (tensor<5x3xi1>, tensor<5x3xf32>, tensor<5x3xf32>) -> tensor<5x3xf32>
  %m = mote.where %c, %tf, %uf : (tensor<5x3xi1>, tensor<5x3xf32>, tensor<5x3xf32>) -> tensor<5x3xf32>
  return %g, %w, %m : tensor<2x3xf32>, tensor<5x3xf32>, tensor<5x3xf32>
}

// -----

!qx = !quant.uniform<i8:f32, 0.05:3>
!qy = !quant.uniform<i8:f32, 0.0078125:-1>
!qh = !quant.uniform<i8:f32, 0.01:2>
!qw = !quant.uniform<i8:f32:1, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>

// An LSTM on int8 weights between a dequantized input and a quantized
// output takes the integer form: the initial state of another type is
// requantized to the output's, the last hidden state is dequantized for
// its float reader, the cell state is Q0.15 in int32 and the bias and
// initial cell stay float constants.
// CHECK-LABEL: func @lstm_s8
// CHECK: %[[H0:.*]] = mote.requantize %arg1 : (tensor<1x1x2x!quant.uniform<i8:f32, 1.000000e-02:2>>) -> tensor<1x1x2x!quant.uniform<i8:f32, 7.812500e-03:-1>>
// CHECK: %[[Y:.*]], %[[H:.*]], %{{.*}} = mote.lstm %arg0, %{{.*}}, %{{.*}} bias %{{.*}} initial_h %[[H0]] initial_c %{{.*}} : (tensor<3x1x2x!quant.uniform<i8:f32, 5.000000e-02:3>>, tensor<1x8x2x!quant.uniform<i8:f32:1, {{.*}}>>, tensor<1x8x2x!quant.uniform<i8:f32:1, {{.*}}>>, tensor<1x16xf32>, tensor<1x1x2x!quant.uniform<i8:f32, 7.812500e-03:-1>>, tensor<1x1x2xf32>) -> (tensor<3x1x1x2x!quant.uniform<i8:f32, 7.812500e-03:-1>>, tensor<1x1x2x!quant.uniform<i8:f32, 7.812500e-03:-1>>, tensor<1x1x2x!quant.uniform<i32:f32, 3.0517578125E-5>>)
// CHECK: mote.dequantize %[[H]]
// An LSTM whose last cell state is read keeps float arithmetic.
// CHECK: mote.lstm %{{.*}} : (tensor<3x1x2xf32>,
// CHECK: return %[[Y]]
func.func @lstm_s8(%x: tensor<3x1x2x!qx>, %h0: tensor<1x1x2x!qh>) -> (tensor<3x1x1x2x!qy>, tensor<1x1x2xf32>, tensor<1x1x2xf32>) {
  %xf = mote.dequantize %x : (tensor<3x1x2x!qx>) -> tensor<3x1x2xf32>
  %h0f = mote.dequantize %h0 : (tensor<1x1x2x!qh>) -> tensor<1x1x2xf32>
  %wraw = arith.constant dense<3> : tensor<1x8x2xi8>
  %w = quant.scast %wraw : tensor<1x8x2xi8> to tensor<1x8x2x!qw>
  %b = arith.constant dense<0.25> : tensor<1x16xf32>
  %c0 = arith.constant dense<0.5> : tensor<1x1x2xf32>
  %y, %h, %c = mote.lstm %xf, %w, %w bias %b initial_h %h0f initial_c %c0 : (tensor<3x1x2xf32>, tensor<1x8x2x!qw>, tensor<1x8x2x!qw>, tensor<1x16xf32>, tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> (tensor<3x1x1x2xf32>, tensor<1x1x2xf32>, tensor<1x1x2xf32>)
  %yq = mote.quantize %y : (tensor<3x1x1x2xf32>) -> tensor<3x1x1x2x!qy>
  %y2, %h2, %c2 = mote.lstm %xf, %w, %w : (tensor<3x1x2xf32>, tensor<1x8x2x!qw>, tensor<1x8x2x!qw>) -> (tensor<3x1x1x2xf32>, tensor<1x1x2xf32>, tensor<1x1x2xf32>)
  %y2q = mote.quantize %y2 : (tensor<3x1x1x2xf32>) -> tensor<3x1x1x2x!qy>
  return %yq, %h, %c2 : tensor<3x1x1x2x!qy>, tensor<1x1x2xf32>, tensor<1x1x2xf32>
}

// -----

// In TFLite's numerics a softmax to TFLite's int8 softmax output (scale
// 1/256, zero point -128) folds into an int8 softmax; to another output, or
// in Mote's numerics (next case), it stays float.
!qx = !quant.uniform<i8:f32, 0.5:3>
!qs = !quant.uniform<i8:f32, 0.00390625:-128>
!qo = !quant.uniform<i8:f32, 0.00390625:-127>
// CHECK-LABEL: func @softmax_tflite
// CHECK: mote.softmax %arg0 {axis = 1 : i64} : (tensor<2x5x!quant.uniform<i8:f32, 5.000000e-01:3>>) -> tensor<2x5x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// CHECK: mote.softmax %{{.*}} : (tensor<2x5xf32>) -> tensor<2x5xf32>
module attributes {mote.numerics = "tflite"} {
func.func @softmax_tflite(%x: tensor<2x5x!qx>) -> (tensor<2x5x!qs>, tensor<2x5x!qo>) {
  %f = mote.dequantize %x : (tensor<2x5x!qx>) -> tensor<2x5xf32>
  %s = mote.softmax %f {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %q = mote.quantize %s : (tensor<2x5xf32>) -> tensor<2x5x!qs>
  %s2 = mote.softmax %f {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %q2 = mote.quantize %s2 : (tensor<2x5xf32>) -> tensor<2x5x!qo>
  return %q, %q2 : tensor<2x5x!qs>, tensor<2x5x!qo>
}
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:3>
!qs = !quant.uniform<i8:f32, 0.00390625:-128>
// CHECK-LABEL: func @softmax_mote
// CHECK: mote.softmax %{{.*}} : (tensor<2x5xf32>) -> tensor<2x5xf32>
func.func @softmax_mote(%x: tensor<2x5x!qx>) -> tensor<2x5x!qs> {
  %f = mote.dequantize %x : (tensor<2x5x!qx>) -> tensor<2x5xf32>
  %s = mote.softmax %f {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %q = mote.quantize %s : (tensor<2x5xf32>) -> tensor<2x5x!qs>
  return %q : tensor<2x5x!qs>
}

// -----

// In TFLite's numerics a mean followed by a requantize (through the reshape
// of a MEAN without keep_dims) becomes one mean into the requantize's type:
// TFLite rescales the sum once.
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qy = !quant.uniform<i8:f32, 0.02:-1>
// CHECK-LABEL: func @mean_tflite
// CHECK: %[[M:.*]] = mote.reduce %arg0 {axes = array<i64: 2, 3>, kind = "mean"} : (tensor<1x4x5x6x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<1x4x1x1x!quant.uniform<i8:f32, 2.000000e-02:-1>>
// CHECK: %[[R:.*]] = mote.reshape %[[M]] : (tensor<1x4x1x1x!quant.uniform<i8:f32, 2.000000e-02:-1>>) -> tensor<1x4x!quant.uniform<i8:f32, 2.000000e-02:-1>>
// CHECK: return %[[R]]
module attributes {mote.numerics = "tflite"} {
func.func @mean_tflite(%x: tensor<1x4x5x6x!qx>) -> tensor<1x4x!qy> {
  %m = mote.reduce %x {axes = array<i64: 2, 3>, kind = "mean"} : (tensor<1x4x5x6x!qx>) -> tensor<1x4x1x1x!qx>
  %r = mote.reshape %m : (tensor<1x4x1x1x!qx>) -> tensor<1x4x!qx>
  %q = mote.requantize %r : (tensor<1x4x!qx>) -> tensor<1x4x!qy>
  return %q : tensor<1x4x!qy>
}
}

// -----

// In Mote's numerics the mean and the requantize stay two steps.
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qy = !quant.uniform<i8:f32, 0.02:-1>
// CHECK-LABEL: func @mean_mote
// CHECK: mote.reduce %arg0 {{.*}} -> tensor<1x4x1x1x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK: mote.requantize
func.func @mean_mote(%x: tensor<1x4x5x6x!qx>) -> tensor<1x4x1x1x!qy> {
  %m = mote.reduce %x {axes = array<i64: 2, 3>, kind = "mean"} : (tensor<1x4x5x6x!qx>) -> tensor<1x4x1x1x!qx>
  %q = mote.requantize %m : (tensor<1x4x1x1x!qx>) -> tensor<1x4x1x1x!qy>
  return %q : tensor<1x4x1x1x!qy>
}
