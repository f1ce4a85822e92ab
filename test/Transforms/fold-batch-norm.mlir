// RUN: mote-opt %s -mote-fold-batch-norm -split-input-file | FileCheck %s

// Batch norm after a conv with constant weights folds into the conv:
// s = gamma / sqrt(var + eps) = 2 / sqrt(3 + 1) = 1 for channel 0 and
// 3 / sqrt(8 + 1) = 1 for channel 1 with gamma (2, 3), var (3, 8), eps 1;
// bias' = (b - mean) * s + beta = (1 - 0.5) * 1 + 1 = 1.5 and
// (2 - 1) * 1 + 0 = 1.
// CHECK-LABEL: func @into_conv
func.func @into_conv(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[2.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %gamma = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
  // CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.500000e+00, 1.000000e+00]> : tensor<2xf32>
  // CHECK: %[[C:.*]] = mote.conv2d %{{.*}}, %[[W]], %[[B]]
  // CHECK-NOT: mote.batch_norm
  // CHECK: return %[[C]]
  %c = mote.conv2d %x, %w, %b : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %y = mote.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Without a conv to fold into (here: the conv has a second user), the batch
// norm becomes a per-channel multiply and add broadcast over [C, 1, 1].
// CHECK-LABEL: func @decompose
func.func @decompose(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %gamma = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  // CHECK-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<2x1x1xf32>
  // CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[\[}}5.000000e-01]], {{\[\[}}-1.000000e+00]]]> : tensor<2x1x1xf32>
  // CHECK: %[[M:.*]] = mote.mul %{{.*}}, %[[S]]
  // CHECK: mote.add %[[M]], %[[T]]
  %y = mote.batch_norm %x, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Non-constant parameters leave the op alone.
// CHECK-LABEL: func @dynamic_params
func.func @dynamic_params(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  // CHECK: mote.batch_norm
  %y = mote.batch_norm %x, %p, %p, %p, %p
      : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// The QAT form (conv of dequantized int8 weights, batch norm left unfused)
// folds exactly: channel 0's factor 2 / sqrt(3 + 1) = 1 doubles nothing,
// channel 1's factor -4 / sqrt(15 + 1) = -1 negates its integers; the
// weight scales become 0.1 * |1| and 0.2 * |-1|, and the folded biases
// (b - mean) * f + beta = 0.5 and 1.5 stay float (mote-fold-qdq quantizes
// them once, after every fold).
// CHECK-LABEL: func @qat
func.func @qat(%xq: tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x2x2xf32> {
  %x = mote.dequantize %xq : (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x1x2x2xf32>
  %raw = arith.constant dense<[[[[10]]], [[[-128]]]]> : tensor<2x1x1x1xi8>
  %wq = quant.scast %raw : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %w = mote.dequantize %wq : (tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x1x1x1xf32>
  %c = mote.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %gamma = arith.constant dense<[2.0, -4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 0.5]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 15.0]> : tensor<2xf32>
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}10]]], {{\[\[\[}}127]]]]> : tensor<2x1x1x1xi8>
  // CHECK-DAG: quant.scast %[[W]] : {{.*}} to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.10000000149011612,0.20000000298023224}>>
  // CHECK-DAG: arith.constant dense<[5.000000e-01, 1.500000e+00]> : tensor<2xf32>
  // CHECK: mote.conv2d
  // CHECK-NOT: mote.batch_norm
  %y = mote.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// PyTorch's QAT export of a ConvBn module: conv(x, w_fq) / factor + bias,
// then the batch norm. The division (a multiplication by the reciprocal
// after import) and the addition are per-channel affine maps too and fold
// in turn: the weight scales become 0.1 x 2 and 0.2 x 4, the biases
// (0 + [1, -1]) x f + shift after the batch norm (f = 1, -1 as above):
// 1 + 0.5 = 1.5 and -(-1 - 0.5) + 1 = 2.5.
// CHECK-LABEL: func @qat_conv_bn_export
func.func @qat_conv_bn_export(%xq: tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x2x2xf32> {
  %x = mote.dequantize %xq : (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x1x2x2xf32>
  %raw = arith.constant dense<[[[[10]]], [[[-20]]]]> : tensor<2x1x1x1xi8>
  %wq = quant.scast %raw : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %w = mote.dequantize %wq : (tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x1x1x1xf32>
  %c = mote.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %factor = arith.constant dense<[[[[2.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %bias = arith.constant dense<[[[[1.0]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %d = mote.mul %c, %factor : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %a = mote.add %d, %bias : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %gamma = arith.constant dense<[2.0, -4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 0.5]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 15.0]> : tensor<2xf32>
  // CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}10]]], {{\[\[\[}}20]]]]> : tensor<2x1x1x1xi8>
  // CHECK-DAG: quant.scast %[[W]] : {{.*}} to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.20000000298023224,0.80000001192092896}>>
  // CHECK-DAG: arith.constant dense<[1.500000e+00, 2.500000e+00]> : tensor<2xf32>
  // CHECK: mote.conv2d
  // CHECK-NOT: mote.mul
  // CHECK-NOT: mote.add
  // CHECK-NOT: mote.batch_norm
  %y = mote.batch_norm %a, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A float conv followed by a per-channel multiplication and addition folds
// into its weights and bias; one that varies along another axis does not.
// CHECK-LABEL: func @float_affine
func.func @float_affine(%x: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %s = arith.constant dense<[[[3.0]], [[-1.0]]]> : tensor<2x1x1xf32>
  %t = arith.constant dense<0.5> : tensor<f32>
  %row = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  // CHECK-DAG: arith.constant dense<{{\[\[\[\[}}3.000000e+00]]], {{\[\[\[}}-2.000000e+00]]]]> : tensor<2x1x1x1xf32>
  // CHECK-DAG: arith.constant dense<5.000000e-01> : tensor<2xf32>
  // CHECK: %[[C:.*]] = mote.conv2d
  // CHECK-NEXT: mote.conv2d
  // CHECK-NEXT: mote.mul {{.*}}tensor<1x2xf32>
  %c = mote.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %m = mote.mul %c, %s : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %a = mote.add %t, %m : (tensor<f32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c2 = mote.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %m2 = mote.mul %c2, %row : (tensor<1x2x2x2xf32>, tensor<1x2xf32>) -> tensor<1x2x2x2xf32>
  return %a, %m2 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
