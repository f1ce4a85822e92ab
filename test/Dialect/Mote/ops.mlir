// RUN: mote-opt %s | mote-opt | FileCheck %s
// RUN: mote-opt %s --mlir-print-op-generic | mote-opt | FileCheck %s

// Round trip of every op of the dialect, float and quantized forms.

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:1>
!qw = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!qbias = !quant.uniform<i32:f32:0, {0.05, 0.1}>

// CHECK-LABEL: func @conv
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>,
                %dw: tensor<3x1x3x3xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x3x8x8xf32>) {
  // CHECK: mote.conv2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>}
  %0 = mote.conv2d %x, %w, %b {pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>,
                               clamp_min = 0.0 : f32, clamp_max = 6.0 : f32}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  // CHECK: mote.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, group = 3 : i64, pads = array<i64: 2, 2, 2, 2>}
  %1 = mote.conv2d %x, %dw {group = 3, dilations = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>}
      : (tensor<1x3x8x8xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3x8x8xf32>
  return %0, %1 : tensor<1x4x4x4xf32>, tensor<1x3x8x8xf32>
}

// CHECK-LABEL: func @conv_transpose
func.func @conv_transpose(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>)
    -> (tensor<1x4x6x6xf32>, tensor<1x2x3x3xf32>) {
  // CHECK: mote.conv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} {group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  %0 = mote.conv_transpose2d %x, %w, %b {group = 2, output_padding = array<i64: 1, 1>,
                                         pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
      : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  // CHECK: mote.conv_transpose2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>}
  %1 = mote.conv_transpose2d %x, %w {dilations = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>}
      : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %0, %1 : tensor<1x4x6x6xf32>, tensor<1x2x3x3xf32>
}

// The quantized form: weights per output channel along axis 1.
// CHECK-LABEL: func @qconv_transpose
func.func @qconv_transpose(%x: tensor<1x4x3x3x!quant.uniform<i8:f32, 0.5:3>>,
                           %w: tensor<4x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>,
                           %b: tensor<2x!quant.uniform<i32:f32:0, {0.05, 0.1}>>)
    -> tensor<1x2x5x5x!quant.uniform<i8:f32, 0.25:-1>> {
  // CHECK: mote.conv_transpose2d {{.*}} -> tensor<1x2x5x5x!quant.uniform<i8:f32, 2.500000e-01:-1>>
  %0 = mote.conv_transpose2d %x, %w, %b
      : (tensor<1x4x3x3x!quant.uniform<i8:f32, 0.5:3>>, tensor<4x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>,
         tensor<2x!quant.uniform<i32:f32:0, {0.05, 0.1}>>) -> tensor<1x2x5x5x!quant.uniform<i8:f32, 0.25:-1>>
  return %0 : tensor<1x2x5x5x!quant.uniform<i8:f32, 0.25:-1>>
}

// CHECK-LABEL: func @layer_norm
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %g2: tensor<3x4xf32>)
    -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  // CHECK: mote.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %0 = mote.layer_norm %x, %g, %b {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  // CHECK: mote.layer_norm %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 1.000000e-03 : f32}
  %1 = mote.layer_norm %x, %g2 {axis = 1 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  // CHECK: mote.layer_norm %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  %2:3 = mote.layer_norm %x, %g2 {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %0, %1 : tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// Recurrent layers may store their weights as int8, a scale per row.
// CHECK-LABEL: func @recurrent_int8_weights
func.func @recurrent_int8_weights(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>>, %r: tensor<1x4x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<5x1x2x4xf32> {
  // CHECK: mote.rnn {{.*}} : (tensor<5x2x3xf32>, tensor<1x4x3x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>, tensor<1x4x4x!quant.uniform<i8:f32, 5.000000e-01>>)
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x2x3xf32>, tensor<1x4x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3, 0.4}>>, tensor<1x4x4x!quant.uniform<i8:f32, 0.5>>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y : tensor<5x1x2x4xf32>
}

// The quantized form keeps a float scale and bias.
// CHECK-LABEL: func @quantized_layer_norm
func.func @quantized_layer_norm(%x: tensor<2x4x!quant.uniform<i8:f32, 0.5:3>>, %g: tensor<4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.25>> {
  // CHECK: mote.layer_norm {{.*}} : (tensor<2x4x!quant.uniform<i8:f32, 5.000000e-01:3>>, tensor<4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 2.500000e-01>>
  %0 = mote.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4x!quant.uniform<i8:f32, 0.5:3>>, tensor<4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.25>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32, 0.25>>
}

// CHECK-LABEL: func @reduce
func.func @reduce(%x: tensor<2x3x4xf32>, %q: tensor<2x3x4x!qa>)
    -> (tensor<2x1x1xf32>, tensor<1x3x4x!qa>) {
  // CHECK: mote.reduce %{{.*}} {axes = array<i64: 1, 2>, kind = "mean"} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  %0 = mote.reduce %x {axes = array<i64: 1, 2>, kind = "mean"} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  // CHECK: mote.reduce %{{.*}} {axes = array<i64: 0>, kind = "max"}
  %1 = mote.reduce %q {axes = array<i64: 0>, kind = "max"} : (tensor<2x3x4x!qa>) -> tensor<1x3x4x!qa>
  return %0, %1 : tensor<2x1x1xf32>, tensor<1x3x4x!qa>
}

// CHECK-LABEL: func @resize
func.func @resize(%x: tensor<1x2x3x4xf32>, %q: tensor<1x2x3x4x!qa>)
    -> (tensor<1x2x6x8xf32>, tensor<1x2x6x8x!qa>) {
  // CHECK: mote.resize %{{.*}} {coordinate_transformation_mode = "align_corners", mode = "linear", scales = array<f32: 2.000000e+00, 2.000000e+00>}
  %0 = mote.resize %x {mode = "linear", coordinate_transformation_mode = "align_corners",
                       scales = array<f32: 2.0, 2.0>} : (tensor<1x2x3x4xf32>) -> tensor<1x2x6x8xf32>
  // CHECK: mote.resize %{{.*}} {nearest_mode = "floor", scales = array<f32: 2.000000e+00, 2.000000e+00>} : (tensor<1x2x3x4x!quant.uniform
  %1 = mote.resize %q {nearest_mode = "floor", scales = array<f32: 2.0, 2.0>}
      : (tensor<1x2x3x4x!qa>) -> tensor<1x2x6x8x!qa>
  return %0, %1 : tensor<1x2x6x8xf32>, tensor<1x2x6x8x!qa>
}

// CHECK-LABEL: func @quantized_conv
func.func @quantized_conv(%x: tensor<1x3x4x4x!qa>, %w: tensor<2x3x1x1x!qw>,
                          %b: tensor<2x!qbias>) -> tensor<1x2x4x4x!qb> {
  // CHECK: mote.conv2d {{.*}} -> tensor<1x2x4x4x!quant.uniform<i8:f32, 2.500000e-01:1>>
  %0 = mote.conv2d %x, %w, %b
      : (tensor<1x3x4x4x!qa>, tensor<2x3x1x1x!qw>, tensor<2x!qbias>) -> tensor<1x2x4x4x!qb>
  return %0 : tensor<1x2x4x4x!qb>
}

// ConvInteger: quantized operands, raw i32 accumulators.
// CHECK-LABEL: func @conv_integer
func.func @conv_integer(%x: tensor<1x3x4x4x!qa>, %w: tensor<2x3x1x1x!qw>) -> tensor<1x2x4x4xi32> {
  // CHECK: mote.conv2d {{.*}} -> tensor<1x2x4x4xi32>
  %0 = mote.conv2d %x, %w : (tensor<1x3x4x4x!qa>, tensor<2x3x1x1x!qw>) -> tensor<1x2x4x4xi32>
  return %0 : tensor<1x2x4x4xi32>
}

// Raw sums are not requantized, so per-axis weight zero points are allowed.
!qwz = !quant.uniform<i8:f32:0, {1.0:-3, 1.0:127}>
// CHECK-LABEL: func @conv_integer_weight_zero_points
func.func @conv_integer_weight_zero_points(%x: tensor<1x3x4x4x!qa>, %w: tensor<2x3x1x1x!qwz>) -> tensor<1x2x4x4xi32> {
  // CHECK: mote.conv2d {{.*}} -> tensor<1x2x4x4xi32>
  %0 = mote.conv2d %x, %w : (tensor<1x3x4x4x!qa>, tensor<2x3x1x1x!qwz>) -> tensor<1x2x4x4xi32>
  return %0 : tensor<1x2x4x4xi32>
}

// CHECK-LABEL: func @dense
func.func @dense(%x: tensor<2x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>,
                 %l: tensor<3x2x8xf32>, %r: tensor<8x5xf32>,
                 %qx: tensor<1x3x!qa>, %qw: tensor<2x3x!qw>, %qb: tensor<2x!qbias>)
    -> (tensor<2x4xf32>, tensor<3x2x5xf32>, tensor<1x2x!qb>) {
  // CHECK: mote.fully_connected
  %0 = mote.fully_connected %x, %w, %b {clamp_min = 0.0 : f32}
      : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // CHECK: mote.matmul
  %1 = mote.matmul %l, %r : (tensor<3x2x8xf32>, tensor<8x5xf32>) -> tensor<3x2x5xf32>
  // CHECK: mote.fully_connected {{.*}} -> tensor<1x2x!quant.uniform
  %2 = mote.fully_connected %qx, %qw, %qb
      : (tensor<1x3x!qa>, tensor<2x3x!qw>, tensor<2x!qbias>) -> tensor<1x2x!qb>
  return %0, %1, %2 : tensor<2x4xf32>, tensor<3x2x5xf32>, tensor<1x2x!qb>
}

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<1x4x2x2xf32>, %b: tensor<4x1x1xf32>,
                       %qa: tensor<1x4x!qa>, %qb: tensor<1x4x!qb>) -> tensor<1x4x!qa> {
  // CHECK: mote.add
  %0 = mote.add %a, %b {clamp_min = 0.0 : f32} : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.sub
  %1 = mote.sub %0, %b : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.mul
  %2 = mote.mul %1, %a : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.relu
  %3 = mote.relu %2 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.clamp %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  %4 = mote.clamp %3 {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.sigmoid
  %5 = mote.sigmoid %4 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.hard_sigmoid %{{.*}} {alpha = 1.000000e-01 : f32}
  %6 = mote.hard_sigmoid %5 {alpha = 0.1 : f32} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.hard_swish
  %7 = mote.hard_swish %6 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.tanh
  %8 = mote.tanh %7 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.softmax %{{.*}} {axis = 1 : i64}
  %9 = mote.softmax %8 {axis = 1} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32}
  %l = mote.leaky_relu %9 {alpha = 0.2 : f32} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.elu %{{.*}} {alpha = 1.500000e+00 : f32, scale = 2.000000e+00 : f32}
  %e = mote.elu %l {alpha = 1.5 : f32, scale = 2.0 : f32} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.erf
  %f = mote.erf %e : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.gelu %{{.*}} {approximate = "tanh"}
  %g = mote.gelu %f {approximate = "tanh"} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: mote.prelu %{{.*}}, %{{.*}} : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>)
  %p = mote.prelu %g, %b : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // Quantized operands with different scales.
  // CHECK: mote.add {{.*}} -> tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
  %10 = mote.add %qa, %qb : (tensor<1x4x!qa>, tensor<1x4x!qb>) -> tensor<1x4x!qa>
  return %10 : tensor<1x4x!qa>
}

// CHECK-LABEL: func @pooling
func.func @pooling(%x: tensor<1x2x6x6xf32>, %q: tensor<1x2x6x6x!qa>)
    -> (tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>, tensor<1x2x3x3x!qa>) {
  // CHECK: mote.max_pool2d %{{.*}} {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
  %0 = mote.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
  // CHECK: mote.avg_pool2d %{{.*}} {count_include_pad = true, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 3, 3>}
  %1 = mote.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 3, 3>,
                           pads = array<i64: 1, 1, 1, 1>, count_include_pad = true}
      : (tensor<1x2x6x6xf32>) -> tensor<1x2x2x2xf32>
  // CHECK: mote.global_avg_pool
  %2 = mote.global_avg_pool %x : (tensor<1x2x6x6xf32>) -> tensor<1x2x1x1xf32>
  // CHECK: mote.max_pool2d {{.*}} -> tensor<1x2x3x3x!quant.uniform
  %3 = mote.max_pool2d %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<1x2x6x6x!qa>) -> tensor<1x2x3x3x!qa>
  return %0, %1, %2, %3 : tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>, tensor<1x2x3x3x!qa>
}

// CHECK-LABEL: func @movement
func.func @movement(%x: tensor<1x2x3x4xf32>, %y: tensor<1x5x3x4xf32>, %ids: tensor<2x5xi64>, %t: tensor<3x1xf32>)
    -> (tensor<2x12xf32>, tensor<1x4x2x3xf32>, tensor<1x7x3x4xf32>, tensor<1x2x5x6xf32>) {
  // CHECK: mote.reshape
  %0 = mote.reshape %x : (tensor<1x2x3x4xf32>) -> tensor<2x12xf32>
  // CHECK: mote.transpose %{{.*}} {perm = array<i64: 0, 3, 1, 2>}
  %1 = mote.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x2x3x4xf32>) -> tensor<1x4x2x3xf32>
  // CHECK: mote.concat %{{.*}}, %{{.*}} {axis = 1 : i64}
  %2 = mote.concat %x, %y {axis = 1} : (tensor<1x2x3x4xf32>, tensor<1x5x3x4xf32>) -> tensor<1x7x3x4xf32>
  // CHECK: mote.slice %{{.*}} {starts = array<i64: 0, 1, 0, 2>, steps = array<i64: 1, 1, 2, 1>}
  %s = mote.slice %x {starts = array<i64: 0, 1, 0, 2>, steps = array<i64: 1, 1, 2, 1>}
      : (tensor<1x2x3x4xf32>) -> tensor<1x1x2x2xf32>
  // CHECK: %[[M:.*]] = mote.compare %{{.*}}, %{{.*}} {predicate = "ge"} : (tensor<1x2x3x4xf32>, tensor<3x1xf32>) -> tensor<1x2x3x4xi1>
  %m = mote.compare %x, %t {predicate = "ge"} : (tensor<1x2x3x4xf32>, tensor<3x1xf32>) -> tensor<1x2x3x4xi1>
  // CHECK: mote.where %[[M]], %{{.*}}, %{{.*}} : (tensor<1x2x3x4xi1>, tensor<1x2x3x4xf32>, tensor<3x1xf32>) -> tensor<1x2x3x4xf32>
  %w = mote.where %m, %x, %t : (tensor<1x2x3x4xi1>, tensor<1x2x3x4xf32>, tensor<3x1xf32>) -> tensor<1x2x3x4xf32>
  // CHECK: mote.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<1x2x3x4xf32>, tensor<2x5xi64>) -> tensor<1x2x5x3x4xf32>
  %g = mote.gather %x, %ids {axis = 1} : (tensor<1x2x3x4xf32>, tensor<2x5xi64>) -> tensor<1x2x5x3x4xf32>
  // CHECK: mote.pad %{{.*}} {mode = "reflect", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>}
  %3 = mote.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "reflect"}
      : (tensor<1x2x3x4xf32>) -> tensor<1x2x5x6xf32>
  return %0, %1, %2, %3 : tensor<2x12xf32>, tensor<1x4x2x3xf32>, tensor<1x7x3x4xf32>, tensor<1x2x5x6xf32>
}

// CHECK-LABEL: func @batch_norm
func.func @batch_norm(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  // CHECK: mote.batch_norm {{.*}} {epsilon = 1.000000e-03 : f32}
  %0 = mote.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-3 : f32}
      : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
      -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func @quantization
func.func @quantization(%x: tensor<2x4xf32>, %w: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x3xf32>) {
  // CHECK: mote.quantize {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
  %0 = mote.quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!qa>
  // CHECK: mote.requantize
  %1 = mote.requantize %0 : (tensor<2x4x!qa>) -> tensor<2x4x!qb>
  // CHECK: mote.dequantize
  %2 = mote.dequantize %1 : (tensor<2x4x!qb>) -> tensor<2x4xf32>
  // Per-axis quantization along dimension 0.
  // CHECK: mote.quantize {{.*}} -> tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>>
  %3 = mote.quantize %w : (tensor<2x3xf32>) -> tensor<2x3x!qw>
  %4 = mote.dequantize %3 : (tensor<2x3x!qw>) -> tensor<2x3xf32>
  return %2, %4 : tensor<2x4xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func @recurrent
func.func @recurrent(%x: tensor<5x2x3xf32>, %h: tensor<2x2x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<2x2x4xf32>, tensor<1x2x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x16x3xf32>
  %r = arith.constant dense<0.25> : tensor<1x16x4xf32>
  %b = arith.constant dense<0.1> : tensor<1x32xf32>
  %gw = arith.constant dense<0.5> : tensor<2x12x3xf32>
  %gr = arith.constant dense<0.25> : tensor<2x12x4xf32>
  %rw = arith.constant dense<0.5> : tensor<1x4x3xf32>
  %rr = arith.constant dense<0.25> : tensor<1x4x4xf32>
  %p = arith.constant dense<0.1> : tensor<1x12xf32>
  // CHECK: mote.lstm %{{.*}}, %{{.*}}, %{{.*}} bias %{{.*}} peephole %{{.*}} {clip = 3.000000e+00 : f32}
  %y, %yh, %yc = mote.lstm %x, %w, %r bias %b peephole %p {clip = 3.0 : f32}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x32xf32>, tensor<1x12xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  // CHECK: mote.gru %{{.*}}, %{{.*}}, %{{.*}} initial_h %{{.*}} {direction = "bidirectional", linear_before_reset = true}
  %gy, %gh = mote.gru %x, %gw, %gr initial_h %h {direction = "bidirectional", linear_before_reset = true}
      : (tensor<5x2x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32>, tensor<2x2x4xf32>)
      -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>)
  // CHECK: mote.rnn %{{.*}}, %{{.*}}, %{{.*}} {direction = "reverse"}
  %ry, %rh = mote.rnn %x, %rw, %rr {direction = "reverse"}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y, %gh, %rh : tensor<5x1x2x4xf32>, tensor<2x2x4xf32>, tensor<1x2x4xf32>
}

// The integer form: int8 input, states and output of one type, int8
// weights, float bias and initial cell, the cell state in Q0.15.
!rqx = !quant.uniform<i8:f32, 0.05:3>
!rqy = !quant.uniform<i8:f32, 0.0078125:-1>
!rqc = !quant.uniform<i32:f32, 3.0517578125E-5>
!rqw = !quant.uniform<i8:f32:1, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>
// CHECK-LABEL: func @recurrent_s8
// CHECK: mote.lstm %{{.*}}, %{{.*}}, %{{.*}} bias %{{.*}} initial_h %{{.*}} initial_c %{{.*}} : {{.*}} -> (tensor<5x1x2x4x!quant.uniform<i8:f32, 7.812500e-03:-1>>, tensor<1x2x4x!quant.uniform<i8:f32, 7.812500e-03:-1>>, tensor<1x2x4x!quant.uniform<i32:f32, 3.0517578125E-5>>)
func.func @recurrent_s8(%x: tensor<5x2x3x!rqx>, %w: tensor<1x16x3x!rqw>, %r: tensor<1x16x4x!rqw>, %b: tensor<1x32xf32>, %h: tensor<1x2x4x!rqy>, %c: tensor<1x2x4xf32>) -> tensor<5x1x2x4x!rqy> {
  %y, %yh, %yc = mote.lstm %x, %w, %r bias %b initial_h %h initial_c %c
      : (tensor<5x2x3x!rqx>, tensor<1x16x3x!rqw>, tensor<1x16x4x!rqw>, tensor<1x32xf32>, tensor<1x2x4x!rqy>, tensor<1x2x4xf32>)
      -> (tensor<5x1x2x4x!rqy>, tensor<1x2x4x!rqy>, tensor<1x2x4x!rqc>)
  return %y : tensor<5x1x2x4x!rqy>
}
