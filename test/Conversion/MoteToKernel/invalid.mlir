// RUN: mote-opt %s -split-input-file -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -verify-diagnostics -o /dev/null

// What the lowering refuses, one case per op family, each naming the op.

// 16-bit storage has no kernel: reported naming the op and the type.
!q16 = !quant.uniform<i16:f32, 0.5:0>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'mote.quantize' op has no C lowering for '!quant.uniform<i16:f32, 5.000000e-01>' yet (expected int8 storage)}}
  %q = mote.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!q16>
  %d = mote.dequantize %q : (tensor<1x4x!q16>) -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

// Concatenated inputs must share the result's quantization.
!qa = !quant.uniform<i8:f32, 0.5:0>
!qb = !quant.uniform<i8:f32, 0.25:0>
func.func @main(%x: tensor<1x2x!qa>, %y: tensor<1x2x!qb>) -> tensor<1x4x!qa> {
  // expected-error @+1 {{'mote.concat' op has no C lowering for inputs quantized unlike the result yet}}
  %c = mote.concat %x, %y {axis = 1} : (tensor<1x2x!qa>, tensor<1x2x!qb>) -> tensor<1x4x!qa>
  return %c : tensor<1x4x!qa>
}

// -----

// Convolution: weights must be constants (trained weights are state
// globals, see mote-to-kernel-train.mlir) and symmetric.
!qx = !quant.uniform<i8:f32, 0.5:0>
!qw = !quant.uniform<i8:f32, 0.25:0>
func.func @main(%x: tensor<1x1x2x2x!qx>, %w: tensor<1x1x1x1x!qw>) -> tensor<1x1x2x2x!qx> {
  // expected-error @+1 {{'mote.conv2d' op has no C lowering for a non-constant weight}}
  %c = mote.conv2d %x, %w : (tensor<1x1x2x2x!qx>, tensor<1x1x1x1x!qw>) -> tensor<1x1x2x2x!qx>
  return %c : tensor<1x1x2x2x!qx>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:0>
!qw = !quant.uniform<i8:f32, 0.25:3>
func.func @main(%x: tensor<1x1x2x2x!qx>) -> tensor<1x1x2x2x!qx> {
  %w = arith.constant dense<1> : tensor<1x1x1x1xi8>
  %wq = quant.scast %w : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!qw>
  // expected-error @+1 {{'mote.conv2d' op has no C lowering for a weight zero point yet}}
  %c = mote.conv2d %x, %wq : (tensor<1x1x2x2x!qx>, tensor<1x1x1x1x!qw>) -> tensor<1x1x2x2x!qx>
  return %c : tensor<1x1x2x2x!qx>
}

// -----

// Element-wise: broadcasting covers up to 4 dims.
!q = !quant.uniform<i8:f32, 0.5:0>
func.func @main(%x: tensor<1x1x2x2x2x!q>) -> tensor<1x1x2x2x2x!q> {
  // expected-error @+1 {{'mote.add' op has no C lowering for rank above 4}}
  %a = mote.add %x, %x : (tensor<1x1x2x2x2x!q>, tensor<1x1x2x2x2x!q>) -> tensor<1x1x2x2x2x!q>
  return %a : tensor<1x1x2x2x2x!q>
}

// -----

// Pooling: per-axis quantized input has no int8 pooling kernel.
!qa = !quant.uniform<i8:f32:1, {0.5, 0.25}>
func.func @main(%x: tensor<1x2x2x2x!qa>) -> tensor<1x2x1x1x!qa> {
  // expected-error @+1 {{'mote.max_pool2d' op has no C lowering for operand type}}
  %m = mote.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x2x2x!qa>) -> tensor<1x2x1x1x!qa>
  return %m : tensor<1x2x1x1x!qa>
}

// -----

// Data movement: up to 6 dims.
func.func @main(%x: tensor<1x1x1x1x1x1x2xf32>) -> tensor<2x1x1x1x1x1x1xf32> {
  // expected-error @+1 {{'mote.transpose' op has no C lowering for rank above 6}}
  %t = mote.transpose %x {perm = array<i64: 6, 0, 1, 2, 3, 4, 5>} : (tensor<1x1x1x1x1x1x2xf32>) -> tensor<2x1x1x1x1x1x1xf32>
  return %t : tensor<2x1x1x1x1x1x1xf32>
}

// -----

// Raw int32 sums: a depth past 33025 could overflow int32.
!qx = !quant.uniform<i8:f32, 1.0:3>
!qw = !quant.uniform<i8:f32, 1.0:-2>
func.func @main(%x: tensor<1x33026x1x1x!qx>) -> tensor<1x1x1x1xi32> {
  %raw = arith.constant dense<1> : tensor<1x33026x1x1xi8>
  %w = quant.scast %raw : tensor<1x33026x1x1xi8> to tensor<1x33026x1x1x!qw>
  // expected-error @+1 {{'mote.conv2d' op has no C lowering for a depth above 33025 (an int32 sum could overflow)}}
  %y = mote.conv2d %x, %w : (tensor<1x33026x1x1x!qx>, tensor<1x33026x1x1x!qw>) -> tensor<1x1x1x1xi32>
  return %y : tensor<1x1x1x1xi32>
}

// -----

!qa = !quant.uniform<i8:f32, 1.0:3>
func.func @main(%a: tensor<1x33026x!qa>, %b: tensor<33026x1x!qa>) -> tensor<1x1xi32> {
  // expected-error @+1 {{'mote.matmul' op has no C lowering for a depth above 33025 (an int32 sum could overflow)}}
  %y = mote.matmul %a, %b : (tensor<1x33026x!qa>, tensor<33026x1x!qa>) -> tensor<1x1xi32>
  return %y : tensor<1x1xi32>
}

// -----

// uint8 operands reach the kernels in their signed form (the importer makes
// it); left unsigned, they are refused.
!qx = !quant.uniform<i8:f32, 1.0:3>
!qw = !quant.uniform<u8:f32, 1.0:128>
func.func @main(%x: tensor<1x1x1x1x!qx>, %w: tensor<1x1x1x1x!qw>) -> tensor<1x1x1x1xi32> {
  // expected-error @+1 {{'mote.conv2d' op has no C lowering for '!quant.uniform<u8:f32, 1.000000e+00:128>' weights (expected int8 storage)}}
  %y = mote.conv2d %x, %w : (tensor<1x1x1x1x!qx>, tensor<1x1x1x1x!qw>) -> tensor<1x1x1x1xi32>
  return %y : tensor<1x1x1x1xi32>
}

// -----

// An int8 layer norm folds scale / output scale into a Q31 multiplier of
// shift at most 15.
!qx = !quant.uniform<i8:f32, 0.5>
!qy = !quant.uniform<i8:f32, 1.0e-6>
func.func @main(%x: tensor<2x4x!qx>) -> tensor<2x4x!qy> {
  %g = arith.constant dense<[1.0, 1.0, 1.0, 100.0]> : tensor<4xf32>
  // expected-error @+1 {{'mote.layer_norm' op has no int8 C lowering for column 0: scale 1.000000e+00 and bias 0.000000e+00 are too large for the output scale 1.000000e-06}}
  %y = mote.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4x!qx>, tensor<4xf32>) -> tensor<2x4x!qy>
  return %y : tensor<2x4x!qy>
}

// -----

// An int8 recurrent layer turns its bias into Q3.12 constants at compile
// time, so the bias must be constant.
!qx = !quant.uniform<i8:f32, 0.05:3>
!qy = !quant.uniform<i8:f32, 0.0078125:-1>
!qw = !quant.uniform<i8:f32, 0.5>
func.func @main(%x: tensor<5x1x3x!qx>, %b: tensor<1x8xf32>) -> tensor<5x1x1x4x!qy> {
  %wraw = arith.constant dense<3> : tensor<1x4x3xi8>
  %rraw = arith.constant dense<-2> : tensor<1x4x4xi8>
  %w = quant.scast %wraw : tensor<1x4x3xi8> to tensor<1x4x3x!qw>
  %r = quant.scast %rraw : tensor<1x4x4xi8> to tensor<1x4x4x!qw>
  // expected-error @+1 {{'mote.rnn' op has no int8 C lowering for a non-constant bias}}
  %y, %h = mote.rnn %x, %w, %r bias %b : (tensor<5x1x3x!qx>, tensor<1x4x3x!qw>, tensor<1x4x4x!qw>, tensor<1x8xf32>) -> (tensor<5x1x1x4x!qy>, tensor<1x1x4x!qy>)
  return %y : tensor<5x1x1x4x!qy>
}

// -----

// The int8 softmax kernel writes TFLite's output quantization only.
!qx = !quant.uniform<i8:f32, 0.5:3>
!qy = !quant.uniform<i8:f32, 0.01:-128>
func.func @main(%x: tensor<2x4x!qx>) -> tensor<2x4x!qy> {
  // expected-error @+1 {{'mote.softmax' op has no C lowering for an int8 result of scale 1.000000e-02 and zero point -128 (int8 softmax needs scale 1/256 and zero point -128)}}
  %y = mote.softmax %x : (tensor<2x4x!qx>) -> tensor<2x4x!qy>
  return %y : tensor<2x4x!qy>
}
