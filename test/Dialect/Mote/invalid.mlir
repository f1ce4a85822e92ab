// RUN: mote-opt %s -split-input-file -verify-diagnostics

// One case per verifier diagnostic.

func.func @conv_input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects a 4-D NCHW input, got rank 3}}
  %0 = mote.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+1 {{expects a 4-D OIHW weight, got rank 3}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects 2 strides of at least 1}}
  %0 = mote.conv2d %x, %w {strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_dilations(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects 2 dilations of at least 1}}
  %0 = mote.conv2d %x, %w {dilations = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects 4 non-negative pads [top, left, bottom, right]}}
  %0 = mote.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{group 3 must divide input channels (4) and output channels (4)}}
  %0 = mote.conv2d %x, %w {group = 3} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{weight expects 2 input channels (2 per group x 1 groups), input has 3}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_kernel_fit(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{kernel 3x3 does not fit the padded input 2x2}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @conv_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{result shape [1,4,8,8] does not match the inferred shape [1,4,6,6]}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias must have shape [4]}}
  %0 = mote.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.5>
func.func @conv_mixed(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3x!q>) {
  // expected-error @+1 {{operand 1 is 'tensor<4x3x3x3x!quant.uniform<i8:f32, 5.000000e-01>>' but operand 0 is f32: mixed float and quantized operands}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3x!q>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_result_kind(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{result 'tensor<1x4x6x6xi32>' must be f32 like operand 0}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xi32>
  return
}

// -----

func.func @conv_operand_kind(%x: tensor<1x3x8x8xi32>, %w: tensor<4x3x3x3xi32>) {
  // expected-error @+1 {{operand 0 must be f32 or quantized, got 'tensor<1x3x8x8xi32>'}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x8x8xi32>, tensor<4x3x3x3xi32>) -> tensor<1x4x6x6xi32>
  return
}

// -----

func.func @conv_clamp(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{clamp_min 6.000000e+00 exceeds clamp_max 0.000000e+00}}
  %0 = mote.conv2d %x, %w {clamp_min = 6.0 : f32, clamp_max = 0.0 : f32} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32:1, {0.5, 0.5, 0.5}>
!qw = !quant.uniform<i8:f32, 0.1>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_input_per_axis(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>) {
  // expected-error @+1 {{input must be quantized per tensor}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.1>
!qy = !quant.uniform<i8:f32:1, {0.2, 0.2}>
func.func @qconv_result_per_axis(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>) {
  // expected-error @+1 {{result must be quantized per tensor}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i16:f32, 0.1>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_weight_width(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>) {
  // expected-error @+1 {{weight must be quantized with 8-bit storage}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:1, {0.1, 0.1, 0.1}>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_weight_axis(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>) {
  // expected-error @+1 {{per-axis weight must be quantized along dimension 0, got dimension 1}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:0, {0.1:1, 0.1}>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_weight_zero_point(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>) {
  // expected-error @+1 {{per-axis weight zero points must all be 0}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

// Raw int32 sums (ConvInteger) have no bias.
!qx = !quant.uniform<i8:f32, 1.0:3>
!qw = !quant.uniform<i8:f32, 1.0:-2>
!qb = !quant.uniform<i32:f32, 1.0>
func.func @conv_integer_bias(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>, %b: tensor<2x!qb>) {
  // expected-error @+1 {{a layer with raw int32 sums takes no bias}}
  %0 = mote.conv2d %x, %w, %b : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>, tensor<2x!qb>) -> tensor<1x2x1x1xi32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.1>
!qy = !quant.uniform<i8:f32, 0.2>
!qb = !quant.uniform<i8:f32, 0.05>
func.func @qconv_bias_storage(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>, %b: tensor<2x!qb>) {
  // expected-error @+1 {{bias of a quantized layer must be quantized with i32 storage}}
  %0 = mote.conv2d %x, %w, %b : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>, tensor<2x!qb>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!qb = !quant.uniform<i32:f32:0, {0.05, 0.2}>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_bias_scale(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>, %b: tensor<2x!qb>) {
  // expected-error @+1 {{bias scale 2.000000e-01 of channel 1 must equal input scale x weight scale (1.000000e-01)}}
  %0 = mote.conv2d %x, %w, %b : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>, tensor<2x!qb>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.1>
!qb = !quant.uniform<i32:f32, 0.05:3>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_bias_zero_point(%x: tensor<1x3x1x1x!qx>, %w: tensor<2x3x1x1x!qw>, %b: tensor<2x!qb>) {
  // expected-error @+1 {{bias zero points must be 0}}
  %0 = mote.conv2d %x, %w, %b : (tensor<1x3x1x1x!qx>, tensor<2x3x1x1x!qw>, tensor<2x!qb>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

func.func @fc_input_rank(%x: tensor<8xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{expects a 2-D input [M, K], got rank 1}}
  %0 = mote.fully_connected %x, %w : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @fc_weight_rank(%x: tensor<1x8xf32>, %w: tensor<32xf32>) {
  // expected-error @+1 {{expects a 2-D weight [N, K], got rank 1}}
  %0 = mote.fully_connected %x, %w : (tensor<1x8xf32>, tensor<32xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @fc_k(%x: tensor<1x8xf32>, %w: tensor<4x7xf32>) {
  // expected-error @+1 {{input has K = 8 but weight [N, K] has K = 7}}
  %0 = mote.fully_connected %x, %w : (tensor<1x8xf32>, tensor<4x7xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @fc_bias(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{bias must have shape [4]}}
  %0 = mote.fully_connected %x, %w, %b : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<8xf32>, %b: tensor<8x2xf32>) {
  // expected-error @+1 {{expects operands of rank at least 2}}
  %0 = mote.matmul %a, %b : (tensor<8xf32>, tensor<8x2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @matmul_k(%a: tensor<3x8xf32>, %b: tensor<7x2xf32>) {
  // expected-error @+1 {{contracting dimensions differ: lhs has 8, rhs has 7}}
  %0 = mote.matmul %a, %b : (tensor<3x8xf32>, tensor<7x2xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @broadcast(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) {
  // expected-error @+1 {{shapes do not broadcast: dimension 0 is 2 and 4}}
  %0 = mote.add %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

!qa = !quant.uniform<i8:f32:0, {0.5, 0.5}>
!qb = !quant.uniform<i8:f32, 0.5>
func.func @binary_per_axis(%a: tensor<2x3x!qa>, %b: tensor<2x3x!qb>) {
  // expected-error @+1 {{every operand must be quantized per tensor}}
  %0 = mote.mul %a, %b : (tensor<2x3x!qa>, tensor<2x3x!qb>) -> tensor<2x3x!qb>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.5>
func.func @unary_kind(%x: tensor<4xf32>) {
  // expected-error @+1 {{result 'tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>' must be f32 like operand 0}}
  %0 = mote.relu %x : (tensor<4xf32>) -> tensor<4x!q>
  return
}

// -----

func.func @unary_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = mote.tanh %x : (tensor<4xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @clamp_bounds(%x: tensor<4xf32>) {
  // expected-error @+1 {{min 1.000000e+00 exceeds max 0.000000e+00}}
  %0 = mote.clamp %x {min = 1.0 : f32, max = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = mote.softmax %x {axis = 2} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @pool_kernel(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{expects a 2-D kernel of positive extents}}
  %0 = mote.max_pool2d %x {kernel = array<i64: 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @pool_pads(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{pads must be smaller than the kernel}}
  %0 = mote.avg_pool2d %x {kernel = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x5x3xf32>
  return
}

// -----

func.func @pool_fit(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{kernel 5x5 does not fit the padded input 4x4}}
  %0 = mote.max_pool2d %x {kernel = array<i64: 5, 5>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  return
}

// -----

func.func @pool_rank(%x: tensor<2x4x4xf32>) {
  // expected-error @+1 {{expects a 4-D NCHW input, got rank 3}}
  %0 = mote.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<2x4x4xf32>) -> tensor<2x3x3xf32>
  return
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qb = !quant.uniform<i8:f32, 0.25>
func.func @max_pool_types(%x: tensor<1x2x4x4x!qa>) {
  // expected-error @+1 {{input and result element types must be equal}}
  %0 = mote.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4x!qa>) -> tensor<1x2x3x3x!qb>
  return
}

// -----

func.func @global_pool_rank(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{expects a 4-D NCHW input, got rank 2}}
  %0 = mote.global_avg_pool %x : (tensor<2x4xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{cannot reshape 8 elements into 9}}
  %0 = mote.reshape %x : (tensor<2x4xf32>) -> tensor<3x3xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32:0, {0.5, 0.5}>
func.func @reshape_per_axis(%x: tensor<2x4x!q>) {
  // expected-error @+1 {{cannot reshape a per-axis quantized tensor}}
  %0 = mote.reshape %x : (tensor<2x4x!q>) -> tensor<8x!q>
  return
}

// -----

func.func @reshape_element(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{operand element type 'f32' differs from the result element type 'i32'}}
  %0 = mote.reshape %x : (tensor<2x4xf32>) -> tensor<8xi32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{perm is not a permutation of 0..1}}
  %0 = mote.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_size(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{perm has 3 entries for an input of rank 2}}
  %0 = mote.transpose %x {perm = array<i64: 0, 1, 2>} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x4xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = mote.concat %a, %a {axis = 2} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @concat_extent(%a: tensor<2x4xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{input 1 has extent 3 in dimension 0, expected 2}}
  %0 = mote.concat %a, %b {axis = 1} : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2x4xf32>, %b: tensor<2x4x1xf32>) {
  // expected-error @+1 {{input 1 has rank 3, expected 2}}
  %0 = mote.concat %a, %b {axis = 1} : (tensor<2x4xf32>, tensor<2x4x1xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @gather_shape(%x: tensor<5x3xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{result shape [2,5] does not match the inferred shape [2,3]}}
  %0 = mote.gather %x, %i {axis = 0} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<5x3xf32>, %i: tensor<2xi32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = mote.gather %x, %i {axis = 2} : (tensor<5x3xf32>, tensor<2xi32>) -> tensor<5x3xf32>
  return
}

// -----

func.func @gather_type(%x: tensor<5x3xf32>, %i: tensor<2xi32>) {
  // expected-error @+1 {{result element type must be the data's}}
  %0 = mote.gather %x, %i {axis = 0} : (tensor<5x3xf32>, tensor<2xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @gather_index_type(%x: tensor<5x3xf32>, %i: tensor<2xi8>) {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = mote.gather %x, %i {axis = 0} : (tensor<5x3xf32>, tensor<2xi8>) -> tensor<2x3xf32>
  return
}

// -----

func.func @compare_predicate(%x: tensor<4xf32>) {
  // expected-error @+1 {{predicate must be eq, lt, le, gt or ge, not 'ne'}}
  %0 = mote.compare %x, %x {predicate = "ne"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return
}

// -----

func.func @compare_shape(%x: tensor<4xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{shapes do not broadcast: dimension 0 is 4 and 3}}
  %0 = mote.compare %x, %y {predicate = "lt"} : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xi1>
  return
}

// -----

func.func @where_shape(%c: tensor<2x1xi1>, %x: tensor<4xf32>) {
  // expected-error @+1 {{result shape [4] does not match the inferred shape [2,4]}}
  %0 = mote.where %c, %x, %x : (tensor<2x1xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.5:3>
func.func @where_types(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4x!q>) {
  // expected-error @+1 {{choices and result must have one element type}}
  %0 = mote.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4x!q>) -> tensor<4xf32>
  return
}

// -----

func.func @slice_rank(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{expects the result, starts and steps to have the input's rank 2}}
  %0 = mote.slice %x {starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_step(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{step of dimension 1 must not be 0}}
  %0 = mote.slice %x {starts = array<i64: 0, 3>, steps = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return
}

// -----

// A backward window must end inside the input too.
func.func @slice_backward_window(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{window of dimension 1 (start 1, step -1, extent 3) leaves the input's extent 4}}
  %0 = mote.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, -1>} : (tensor<2x4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_window(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{window of dimension 1 (start 2, step 2, extent 2) leaves the input's extent 4}}
  %0 = mote.slice %x {starts = array<i64: 0, 2>, steps = array<i64: 1, 2>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @pad_count(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{expects 4 pads (begins then ends), got 2}}
  %0 = mote.pad %x {pads = array<i64: 1, 1>} : (tensor<2x4xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{expects non-negative pads}}
  %0 = mote.pad %x {pads = array<i64: -1, 0, 0, 0>} : (tensor<2x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{mode must be constant, reflect or edge, got 'wrap'}}
  %0 = mote.pad %x {pads = array<i64: 0, 0, 0, 0>, mode = "wrap"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @pad_reflect(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{reflect padding of dimension 0 must be smaller than its extent 2}}
  %0 = mote.pad %x {pads = array<i64: 2, 0, 0, 0>, mode = "reflect"} : (tensor<2x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @batch_norm_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{expects an input of rank at least 2, got rank 1}}
  %0 = mote.batch_norm %x, %p, %p, %p, %p : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<1x4x2x2xf32>, %p: tensor<3xf32>) {
  // expected-error @+1 {{expects parameters of shape [4]}}
  %0 = mote.batch_norm %x, %p, %p, %p, %p : (tensor<1x4x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @batch_norm_epsilon(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{epsilon must be non-negative}}
  %0 = mote.batch_norm %x, %p, %p, %p, %p {epsilon = -1.0 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

!q = !quant.uniform<i8:f16, 0.5>
func.func @quantize_expressed(%x: tensor<4xf32>) {
  // expected-error @+1 {{result expresses 'f16' but the input is 'f32'}}
  %0 = mote.quantize %x : (tensor<4xf32>) -> tensor<4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32:0, {0.5, 0.5, 0.5}>
func.func @quantize_axis_scales(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{per-axis type has 3 scales for dimension 0 of extent 2}}
  %0 = mote.quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32:2, {0.5, 0.5}>
func.func @quantize_axis_range(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{quantized dimension 2 is out of range for rank 2}}
  %0 = mote.quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f16, 0.5>
func.func @dequantize_expressed(%x: tensor<4x!q>) {
  // expected-error @+1 {{input expresses 'f16' but the result is 'f32'}}
  %0 = mote.dequantize %x : (tensor<4x!q>) -> tensor<4xf32>
  return
}

// -----

!qa = !quant.uniform<i8:f32:0, {0.5, 0.5}>
!qb = !quant.uniform<i8:f32, 0.5>
func.func @requantize_per_axis(%x: tensor<2x!qa>) {
  // expected-error @+1 {{input must be quantized per tensor}}
  %0 = mote.requantize %x : (tensor<2x!qa>) -> tensor<2x!qb>
  return
}

// -----

!qa = !quant.uniform<i8:f16, 0.5>
!qb = !quant.uniform<i8:f32, 0.5>
func.func @requantize_expressed(%x: tensor<2x!qa>) {
  // expected-error @+1 {{input and result must express the same type}}
  %0 = mote.requantize %x : (tensor<2x!qa>) -> tensor<2x!qb>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:0, {0.1, 0.1, 0.1}>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_weight_scale_count(%x: tensor<1x3x1x1x!qx>, %w: tensor<3x3x1x1x!qw>) {
  // expected-error @+1 {{result shape [1,2,1,1] does not match the inferred shape [1,3,1,1]}}
  %0 = mote.conv2d %x, %w : (tensor<1x3x1x1x!qx>, tensor<3x3x1x1x!qw>) -> tensor<1x2x1x1x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!qb = !quant.uniform<i32:f32:0, {0.05, 0.1, 0.1}>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qfc_bias_scale_count(%x: tensor<1x3x!qx>, %w: tensor<2x3x!qw>, %b: tensor<2x!qb>) {
  // expected-error @+1 {{bias has 3 scales for 2 channels}}
  %0 = mote.fully_connected %x, %w, %b : (tensor<1x3x!qx>, tensor<2x3x!qw>, tensor<2x!qb>) -> tensor<1x2x!qy>
  return
}

// -----

func.func @fc_result(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{result shape [1,5] does not match the inferred shape [1,4]}}
  %0 = mote.fully_connected %x, %w : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x5xf32>
  return
}

// -----

func.func @global_pool_result(%x: tensor<1x4x3x3xf32>) {
  // expected-error @+1 {{result shape [1,4,3,3] does not match the inferred shape [1,4,1,1]}}
  %0 = mote.global_avg_pool %x : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qb = !quant.uniform<i8:f32:0, {0.5, 0.5}>
func.func @requantize_result_per_axis(%x: tensor<2x!qa>) {
  // expected-error @+1 {{result must be quantized per tensor}}
  %0 = mote.requantize %x : (tensor<2x!qa>) -> tensor<2x!qb>
  return
}

// -----

!qa = !quant.uniform<i8:f32:1, {0.5, 0.5}>
func.func @transpose_per_axis(%x: tensor<2x2x!qa>) {
  // expected-error @+1 {{input must be quantized per tensor}}
  %0 = mote.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x2x!qa>) -> tensor<2x2x!qa>
  return
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qb = !quant.uniform<i8:f32:1, {0.5, 0.5}>
func.func @concat_per_axis(%a: tensor<2x2x!qa>, %b: tensor<2x2x!qb>) {
  // expected-error @+1 {{every input must be quantized per tensor}}
  %0 = mote.concat %a, %b {axis = 0} : (tensor<2x2x!qa>, tensor<2x2x!qb>) -> tensor<4x2x!qa>
  return
}

// -----

func.func @concat_mixed(%a: tensor<2x2xf32>, %b: tensor<2x2xi32>) {
  // expected-error @+1 {{operand 1 is 'tensor<2x2xi32>' but operand 0 is f32: mixed float and quantized operands}}
  %0 = mote.concat %a, %b {axis = 0} : (tensor<2x2xf32>, tensor<2x2xi32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @gelu_approximate(%x: tensor<2xf32>) {
  // expected-error @+1 {{approximate must be 'none' or 'tanh', got 'fast'}}
  %0 = mote.gelu %x {approximate = "fast"} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @prelu_slope_grows(%x: tensor<1x3xf32>, %s: tensor<2x3xf32>) {
  // expected-error @+1 {{slope must broadcast to the input's shape}}
  %0 = mote.prelu %x, %s : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x3xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.5>
func.func @prelu_mixed(%x: tensor<4x!q>, %s: tensor<1xf32>) {
  // expected-error @+1 {{mixed float and quantized operands}}
  %0 = mote.prelu %x, %s : (tensor<4x!q>, tensor<1xf32>) -> tensor<4x!q>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.5>
!qs = !quant.uniform<i8:f32:0, {0.1, 0.2}>
func.func @prelu_per_axis_slope(%x: tensor<1x2x3x!q>, %s: tensor<2x1x!qs>) {
  // expected-error @+1 {{every operand must be quantized per tensor}}
  %0 = mote.prelu %x, %s : (tensor<1x2x3x!q>, tensor<2x1x!qs>) -> tensor<1x2x3x!q>
  return
}

// -----

func.func @conv_transpose_shape(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{result shape [1,2,6,6] does not match the inferred shape [1,2,5,5]}}
  %0 = mote.conv_transpose2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  return
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{output_padding 2 must be below the stride or the dilation}}
  %0 = mote.conv_transpose2d %x, %w {strides = array<i64: 2, 2>, output_padding = array<i64: 2, 0>}
      : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x9x7xf32>
  return
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x3x3x3xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{weight is for 4 input channels, input has 3}}
  %0 = mote.conv_transpose2d %x, %w : (tensor<1x3x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x5x5xf32>
  return
}

// -----

func.func @conv_transpose_bias(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{bias must have shape [2]}}
  %0 = mote.conv_transpose2d %x, %w, %b
      : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x2x5x5xf32>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:0, {0.1, 0.1, 0.1, 0.1}>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_transpose_weight_axis(%x: tensor<1x4x3x3x!qx>, %w: tensor<4x2x3x3x!qw>) {
  // The output channels of a transposed convolution's weight are axis 1.
  // expected-error @+1 {{per-axis weight must be quantized along dimension 1, got dimension 0}}
  %0 = mote.conv_transpose2d %x, %w : (tensor<1x4x3x3x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x2x5x5x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:1, {0.1, 0.1}>
!qy = !quant.uniform<i8:f32, 0.2>
func.func @qconv_transpose_grouped_axis(%x: tensor<1x4x3x3x!qx>, %w: tensor<4x2x3x3x!qw>) {
  // With two groups axis 1 holds half the output channels.
  // expected-error @+1 {{weight has 2 scales for 4 output channels}}
  %0 = mote.conv_transpose2d %x, %w {group = 2} : (tensor<1x4x3x3x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x5x5x!qy>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.5>
func.func @qconv_transpose_mixed(%x: tensor<1x4x3x3x!qx>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{mixed float and quantized operands}}
  %0 = mote.conv_transpose2d %x, %w : (tensor<1x4x3x3x!qx>, tensor<4x2x3x3xf32>) -> tensor<1x2x5x5xf32>
  return
}

// -----

func.func @resize_channels(%x: tensor<1x2x3x3xf32>) {
  // expected-error @+1 {{resizes only the spatial axes: batch and channels must stay}}
  %0 = mote.resize %x {scales = array<f32: 2.0, 2.0>} : (tensor<1x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @resize_mode(%x: tensor<1x2x3x3xf32>) {
  // expected-error @+1 {{mode must be 'nearest', 'linear' or 'cubic', got 'area'}}
  %0 = mote.resize %x {mode = "area", scales = array<f32: 2.0, 2.0>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  return
}

// -----

func.func @resize_scales(%x: tensor<1x2x3x3xf32>) {
  // expected-error @+1 {{expects 2 positive scales}}
  %0 = mote.resize %x {scales = array<f32: 2.0, 0.0>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.5>
!r = !quant.uniform<i8:f32, 0.25>
func.func @resize_requantizes(%x: tensor<1x2x3x3x!q>) {
  // expected-error @+1 {{result must have the input's element type}}
  %0 = mote.resize %x {scales = array<f32: 2.0, 2.0>} : (tensor<1x2x3x3x!q>) -> tensor<1x2x6x6x!r>
  return
}

// -----

func.func @reduce_kind(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{kind must be 'mean', 'max' or 'min', got 'sum'}}
  %0 = mote.reduce %x {axes = array<i64: 1>, kind = "sum"} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_axes(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axes must be sorted, distinct and below the rank 2}}
  %0 = mote.reduce %x {axes = array<i64: 1, 0>, kind = "max"} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @reduce_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape [2] does not match the inferred shape [2,1]}}
  %0 = mote.reduce %x {axes = array<i64: 1>, kind = "min"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x3x4xf32>, %g: tensor<3xf32>) {
  // expected-error @+1 {{scale and bias must have the normalized axes' shape}}
  %0 = mote.layer_norm %x, %g {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @layer_norm_statistics(%x: tensor<2x3x4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{expects no statistics or a mean and an inverse deviation of shape [2, 3, 1]}}
  %0:3 = mote.layer_norm %x, %g {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x3x4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{axis 3 is outside the input's rank 3}}
  %0 = mote.layer_norm %x, %g {axis = 3 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.5>
func.func @layer_norm_mixed(%x: tensor<2x4x!q>, %g: tensor<4xf32>) {
  // expected-error @+1 {{input and result must both be f32 or both be quantized}}
  %0 = mote.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4x!q>, tensor<4xf32>) -> tensor<2x4xf32>
  return
}

// -----

!q = !quant.uniform<i8:f32, 0.5>
func.func @layer_norm_quantized_statistics(%x: tensor<2x4x!q>, %g: tensor<4xf32>) {
  // expected-error @+1 {{has statistics only in its float form}}
  %0:3 = mote.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x4x!q>, tensor<4xf32>) -> (tensor<2x4x!q>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @recurrent_mixed_weights(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3x!quant.uniform<i8:f32, 0.5>>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{weight and recurrence must both be f32 or both be int8}}
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x2x3xf32>, tensor<1x4x3x!quant.uniform<i8:f32, 0.5>>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_weight_zero_point(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3x!quant.uniform<i8:f32, 0.5:1>>, %r: tensor<1x4x4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{quantized weights must be int8 with zero point 0, per tensor or per row (axis 1)}}
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x2x3xf32>, tensor<1x4x3x!quant.uniform<i8:f32, 0.5:1>>, tensor<1x4x4x!quant.uniform<i8:f32, 0.5>>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_direction(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{direction must be forward, reverse or bidirectional, not 'backward'}}
  %y, %h = mote.rnn %x, %w, %r {direction = "backward"} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_clip(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{clip must be non-negative}}
  %y, %h = mote.rnn %x, %w, %r {clip = -1.0 : f32} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_input(%x: tensor<5x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{input must be [seq, batch, input]}}
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_weight(%x: tensor<5x2x3xf32>, %w: tensor<1x10x3xf32>, %r: tensor<1x10x4xf32>) {
  // expected-error @+1 {{weight must be [1, 3 * hidden, 3]}}
  %y, %h = mote.gru %x, %w, %r : (tensor<5x2x3xf32>, tensor<1x10x3xf32>, tensor<1x10x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_recurrence(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x3xf32>) {
  // expected-error @+1 {{recurrence must be [1, 4, 4]}}
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x3xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_bias(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{bias must be [1, 8]}}
  %y, %h = mote.rnn %x, %w, %r bias %b : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<1x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_state(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %h0: tensor<1x1x4xf32>) {
  // expected-error @+1 {{initial states must be [1, 2, 4]}}
  %y, %h = mote.rnn %x, %w, %r initial_h %h0 : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<1x1x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_output(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{output must be [5, 1, 2, 4]}}
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrent_last_state(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{last states must be [1, 2, 4]}}
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<2x4xf32>)
  return
}

// -----

func.func @lstm_peephole(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %p: tensor<1x8xf32>) {
  // expected-error @+1 {{peephole must be [1, 12]}}
  %y, %h, %c = mote.lstm %x, %w, %r peephole %p : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x8xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @compare_mixed_types(%a: tensor<4xi64>, %b: tensor<4xi32>) {
  // expected-error @+1 {{operands must have one element type, got 'i64' and 'i32'}}
  %0 = mote.compare %a, %b {predicate = "eq"} : (tensor<4xi64>, tensor<4xi32>) -> tensor<4xi1>
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.05:3>
!qy = !quant.uniform<i8:f32, 0.0078125:-1>
func.func @rnn_s8_float_weights(%x: tensor<5x2x3x!qx>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{an int8 layer needs int8 weights}}
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x2x3x!qx>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4x!qy>, tensor<1x2x4x!qy>)
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.05:3>
!qy = !quant.uniform<i8:f32, 0.0078125:-1>
!qh = !quant.uniform<i8:f32, 0.01:2>
!qw = !quant.uniform<i8:f32, 0.5>
func.func @gru_s8_state_type(%x: tensor<5x2x3x!qx>, %w: tensor<1x12x3x!qw>, %r: tensor<1x12x4x!qw>) {
  // expected-error @+1 {{an int8 layer's hidden states must have the output's type}}
  %y, %h = mote.gru %x, %w, %r : (tensor<5x2x3x!qx>, tensor<1x12x3x!qw>, tensor<1x12x4x!qw>) -> (tensor<5x1x2x4x!qy>, tensor<1x2x4x!qh>)
  return
}

// -----

!qy = !quant.uniform<i8:f32, 0.0078125:-1>
func.func @rnn_float_input_int8_output(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{a float layer's input and hidden states must be f32}}
  %y, %h = mote.rnn %x, %w, %r : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4x!qy>, tensor<1x2x4xf32>)
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.05:3>
!qy = !quant.uniform<i8:f32, 0.0078125:-1>
!qw = !quant.uniform<i8:f32, 0.5>
func.func @lstm_s8_cell(%x: tensor<5x2x3x!qx>, %w: tensor<1x16x3x!qw>, %r: tensor<1x16x4x!qw>) {
  // expected-error @+1 {{an int8 LSTM's last cell state must be int32 in Q0.15}}
  %y, %h, %c = mote.lstm %x, %w, %r : (tensor<5x2x3x!qx>, tensor<1x16x3x!qw>, tensor<1x16x4x!qw>) -> (tensor<5x1x2x4x!qy>, tensor<1x2x4x!qy>, tensor<1x2x4x!qy>)
  return
}

// -----

!qx = !quant.uniform<i8:f32, 0.05:3>
!qy = !quant.uniform<i8:f32, 0.0078125:-1>
!qc = !quant.uniform<i32:f32, 3.0517578125E-5>
!qw = !quant.uniform<i8:f32, 0.5>
func.func @lstm_s8_peephole(%x: tensor<5x2x3x!qx>, %w: tensor<1x16x3x!qw>, %r: tensor<1x16x4x!qw>, %p: tensor<1x12xf32>) {
  // expected-error @+1 {{an int8 LSTM has no peepholes}}
  %y, %h, %c = mote.lstm %x, %w, %r peephole %p : (tensor<5x2x3x!qx>, tensor<1x16x3x!qw>, tensor<1x16x4x!qw>, tensor<1x12xf32>) -> (tensor<5x1x2x4x!qy>, tensor<1x2x4x!qy>, tensor<1x2x4x!qc>)
  return
}
