// RUN: mote-opt %s -mote-quantize -split-input-file -verify-diagnostics | FileCheck %s
// RUN: mote-opt %s -mote-quantize -mote-fold-qdq -canonicalize -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=FOLDED

// A conv with a fused relu, max pool, flatten and FC. The input range
// [0, 2.55] gives scale 0.01, zero point -128; weights are symmetric per
// output channel (max |w| / 127), biases int32 at input x weight scale.
// CHECK-LABEL: func @cnn
func.func @cnn(%x: tensor<1x1x4x4xf32> {mote.range = array<f32: 0.0, 2.55>}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[[[1.27]]], [[[-0.254]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  // CHECK: %[[XQ:.*]] = mote.quantize %arg0 {{.*}}-> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>
  // CHECK: %[[XD:.*]] = mote.dequantize %[[XQ]]
  // CHECK-DAG: %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-127]]]]> : tensor<2x1x1x1xi8>
  // CHECK-DAG: quant.scast %[[WI]] {{.*}} to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.0099999997764825821,0.0020000000949949026}>>
  // CHECK-DAG: %[[BI:.*]] = arith.constant dense<[5000, -25000]> : tensor<2xi32>
  // CHECK-DAG: quant.scast %[[BI]] {{.*}} to tensor<2x!quant.uniform<i32:f32:0, {9.9999997473787516E-5,2.0000001313746907E-5}>>
  // CHECK: %[[C:.*]] = mote.conv2d %[[XD]]
  %c = mote.conv2d %x, %w, %b {clamp_min = 0.0 : f32, mote.range = array<f32: 0.0, 5.1>}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  // CHECK: mote.quantize %[[C]] {{.*}}-> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.019999999552965164:-128>>
  // Data movement shares its input's type: no range of its own needed.
  // CHECK: %[[P:.*]] = mote.max_pool2d
  // CHECK: mote.quantize %[[P]] {{.*}}-> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.019999999552965164:-128>>
  %p = mote.max_pool2d %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %r = mote.reshape %p : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %fw = arith.constant dense<1.0> : tensor<2x8xf32>
  // CHECK: mote.fully_connected
  // A range that does not contain 0 is widened to it: [-2.55, 0].
  // CHECK: mote.quantize {{.*}}-> tensor<1x2x!quant.uniform<i8:f32, 0.0099999997764825821:127>>
  %y = mote.fully_connected %r, %fw {mote.range = array<f32: -2.55, -1.0>}
      : (tensor<1x8xf32>, tensor<2x8xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// FOLDED-LABEL: func @cnn
// FOLDED: mote.quantize %arg0
// FOLDED-NOT: mote.dequantize
// FOLDED: mote.conv2d {{.*}}!quant.uniform
// FOLDED: mote.max_pool2d {{.*}}!quant.uniform
// FOLDED: mote.reshape {{.*}}!quant.uniform
// FOLDED: mote.fully_connected {{.*}}!quant.uniform
// FOLDED: mote.dequantize
// FOLDED: return

// -----

// Concat inputs made only for the concat take the concat's range; an
// input with other users keeps its own and is requantized on the way in.
// CHECK-LABEL: func @concat
// FOLDED-LABEL: func @concat
func.func @concat(%x: tensor<1x2xf32> {mote.range = array<f32: -1.0, 1.0>}) -> (tensor<1x4xf32>, tensor<1x2xf32>) {
  %a = mote.relu %x {mote.range = array<f32: 0.0, 1.0>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %b = mote.sigmoid %x {mote.range = array<f32: 0.0, 1.0>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  // CHECK: %[[A:.*]] = mote.relu
  // CHECK: mote.quantize %[[A]] {{.*}}<i8:f32, 0.0078431377187371254:-128>
  // CHECK: %[[B:.*]] = mote.sigmoid
  // CHECK: mote.quantize %[[B]] {{.*}}<i8:f32, 0.0039215688593685627:-128>
  // CHECK: %[[BQ:.*]] = mote.quantize {{.*}}<i8:f32, 0.0078431377187371254:-128>
  // CHECK: mote.concat
  // FOLDED: mote.relu {{.*}}0.0078431377187371254:-128>>
  // FOLDED: %[[S:.*]] = mote.sigmoid {{.*}}0.0039215688593685627:-128>>
  // FOLDED: mote.requantize %[[S]] {{.*}}0.0078431377187371254:-128>>
  // FOLDED: mote.concat {{.*}}0.0078431377187371254:-128>>
  %c = mote.concat %a, %b {axis = 1 : i64, mote.range = array<f32: 0.0, 2.0>}
      : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return %c, %b : tensor<1x4xf32>, tensor<1x2xf32>
}

// -----

// Ops without an integer kernel keep float tensors between a dequantize and
// the next quantize.
// FOLDED-LABEL: func @softmax
func.func @softmax(%x: tensor<1x4xf32> {mote.range = array<f32: -1.0, 1.0>}) -> tensor<1x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x4xf32>
  %y = mote.fully_connected %x, %w {mote.range = array<f32: -2.0, 2.0>}
      : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  // FOLDED: mote.fully_connected {{.*}}!quant.uniform
  // FOLDED: %[[D:.*]] = mote.dequantize
  // FOLDED: mote.softmax %[[D]] {{.*}}-> tensor<1x4xf32>
  %s = mote.softmax %y : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// -----

// expected-error @+1 {{no calibrated range (mote.range) for a tensor an integer kernel reads}}
func.func @missing_range(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %y = mote.relu %x {mote.range = array<f32: 0.0, 1.0>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// An embedding table is quantized per tensor over its own range [-1, 1.55]
// (scale 0.01, zero point -28) and read through a dequantize, which
// mote-fold-qdq then moves after the lookup: the table stays int8 in flash.
// CHECK-LABEL: func @embedding
// CHECK: %[[T:.*]] = arith.constant dense<{{\[\[}}-128, -28], [72, 127]]> : tensor<2x2xi8>
// CHECK: %[[S:.*]] = quant.scast %[[T]] {{.*}} to tensor<2x2x!quant.uniform<i8:f32, 0.0099999997764825821:-28>>
// CHECK: %[[D:.*]] = mote.dequantize %[[S]]
// CHECK: mote.gather %[[D]], %arg0
// FOLDED-LABEL: func @embedding
// FOLDED: %[[G:.*]] = mote.gather {{.*}} -> tensor<3x2x!quant.uniform<i8:f32, 0.0099999997764825821:-28>>
// FOLDED: mote.dequantize %[[G]]
func.func @embedding(%ids: tensor<3xi64>) -> tensor<3x2xf32> {
  %t = arith.constant dense<[[-1.0, 0.0], [1.0, 1.55]]> : tensor<2x2xf32>
  %e = mote.gather %t, %ids {axis = 0 : i64} : (tensor<2x2xf32>, tensor<3xi64>) -> tensor<3x2xf32>
  return %e : tensor<3x2xf32>
}

// -----

// A transposed convolution's weights are symmetric per output channel,
// which is the weight's axis 1 ([C_in, C_out, kH, kW]): channel 0's largest
// magnitude is 1.27, channel 1's 0.254. With two groups axis 1 holds only
// a group's share of the outputs, so the weights are per tensor.
// CHECK-LABEL: func @deconv
// FOLDED-LABEL: func @deconv
func.func @deconv(%x: tensor<1x2x2x2xf32> {mote.range = array<f32: 0.0, 2.55>}) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = arith.constant dense<[[[[1.27, 0.0], [0.0, 0.0]], [[0.254, 0.0], [0.0, 0.0]]],
                             [[[-0.635, 0.0], [0.0, 0.0]], [[-0.1, 0.0], [0.0, 0.0]]]]> : tensor<2x2x2x2xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  // CHECK-DAG: arith.constant dense<{{\[\[\[\[}}127, 0], [0, 0]], {{\[\[}}127, 0], [0, 0]]], {{\[\[\[}}-64, 0], [0, 0]], {{\[\[}}-50, 0], [0, 0]]]]> : tensor<2x2x2x2xi8>
  // CHECK-DAG: to tensor<2x2x2x2x!quant.uniform<i8:f32:1, {0.0099999997764825821,0.0020000000949949026}>>
  // CHECK-DAG: arith.constant dense<[5000, -25000]> : tensor<2xi32>
  // CHECK: mote.conv_transpose2d
  %y = mote.conv_transpose2d %x, %w, %b {mote.range = array<f32: -1.0, 1.0>}
      : (tensor<1x2x2x2xf32>, tensor<2x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  // CHECK-DAG: to tensor<2x1x2x2x!quant.uniform<i8:f32, 0.0099999997764825821>>
  // CHECK: mote.conv_transpose2d
  %w2 = arith.constant dense<[[[[1.27, 0.0], [0.0, 0.0]]], [[[0.254, 0.0], [0.0, 0.0]]]]> : tensor<2x1x2x2xf32>
  %y2 = mote.conv_transpose2d %x, %w2 {group = 2, mote.range = array<f32: -1.0, 1.0>}
      : (tensor<1x2x2x2xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x3x3xf32>
  return %y, %y2 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// FOLDED: mote.conv_transpose2d {{.*}}!quant.uniform<i8:f32:1, {{.*}} -> tensor<1x2x3x3x!quant.uniform<i8:f32
// FOLDED: mote.conv_transpose2d {{.*}}!quant.uniform<i8:f32, {{.*}} -> tensor<1x2x3x3x!quant.uniform<i8:f32

// -----

// A layer norm has an int8 form with its float scale and bias kept as
// constants; one that returns its statistics stays float.
// CHECK-LABEL: func @layer_norm
// FOLDED-LABEL: func @layer_norm
func.func @layer_norm(%x: tensor<2x4xf32> {mote.range = array<f32: -1.0, 1.0>}) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x1xf32>) {
  %g = arith.constant dense<1.5> : tensor<4xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  // CHECK: mote.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64{{.*}}} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK: mote.layer_norm %{{.*}}, %{{.*}} {axis = 1 : i64{{.*}}} : (tensor<2x4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  %y = mote.layer_norm %x, %g, %b {axis = 1 : i64, mote.range = array<f32: -2.0, 2.0>} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %s:3 = mote.layer_norm %x, %g {axis = 1 : i64, mote.range = array<f32: -2.0, 2.0>} : (tensor<2x4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %y, %s#0, %s#1 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x1xf32>
}

// FOLDED: mote.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64{{.*}}} : (tensor<2x4x!quant.uniform<i8:f32, {{.*}}>>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x!quant.uniform<i8:f32
// FOLDED: mote.layer_norm %{{.*}}, %{{.*}} {axis = 1 : i64{{.*}}} : (tensor<2x4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>)

// -----

// A recurrent layer's constant weight and recurrence become int8 with a
// scale per row (axis 1: row 0's largest magnitude 1.27, row 1's 0.254;
// -0.127 / 0.002 rounds to -63 in float); its input and output are
// quantized (one range per result), and mote-fold-qdq gives it the integer
// form, the last state in the output's type.
// CHECK-LABEL: func @recurrent
// FOLDED-LABEL: func @recurrent
func.func @recurrent(%x: tensor<2x1x2xf32> {mote.range = array<f32: -1.0, 1.0>}) -> tensor<2x1x1x2xf32> {
  %w = arith.constant dense<[[[1.27, 0.0], [0.254, -0.127]]]> : tensor<1x2x2xf32>
  %r = arith.constant dense<[[[0.5, 0.0], [-1.0, 0.5]]]> : tensor<1x2x2xf32>
  // CHECK-DAG: arith.constant dense<{{\[\[\[}}127, 0], [127, -63]]]> : tensor<1x2x2xi8>
  // CHECK-DAG: to tensor<1x2x2x!quant.uniform<i8:f32:1, {0.0099999997764825821,0.0020000000949949026}>>
  // CHECK: mote.rnn
  %y, %h = mote.rnn %x, %w, %r {mote.range = array<f32: -1.0, 1.0, -1.0, 1.0>} : (tensor<2x1x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> (tensor<2x1x1x2xf32>, tensor<1x1x2xf32>)
  return %y : tensor<2x1x1x2xf32>
}

// FOLDED: mote.rnn %{{.*}}, %{{.*}}, %{{.*}} {{.*}}: (tensor<2x1x2x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>, tensor<1x2x2x!quant.uniform<i8:f32:1, {{.*}}>>, tensor<1x2x2x!quant.uniform<i8:f32:1, {{.*}}>>) -> (tensor<2x1x1x2x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>, tensor<1x1x2x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>)
