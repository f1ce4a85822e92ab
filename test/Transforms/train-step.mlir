// The four stages of mote-train-pipeline, run one after the other.
// RUN: mote-opt %s -split-input-file -mote-promote-trainable-state -mote-autodiff -mote-insert-optimizer="optimizer=sgd momentum=0.9 lr=0.05" | FileCheck %s
// RUN: mote-opt %s -split-input-file -mote-promote-trainable-state="train-layers=last:1" -mote-autodiff -mote-insert-optimizer | FileCheck %s --check-prefix=LAST
// RUN: mote-opt %s -split-input-file -mote-promote-trainable-state="train-layers=bias" -mote-autodiff -mote-insert-optimizer="optimizer=adam" | FileCheck %s --check-prefix=BIAS
// RUN: mote-opt %s -mote-promote-trainable-state -mote-octo-rewrite="seed=7" -mote-autodiff -mote-insert-optimizer | FileCheck %s --check-prefix=INT8
// RUN: mote-opt %s -mote-promote-trainable-state -mote-octo-rewrite="lac=false stochastic-rounding=false prc=1" -mote-autodiff -mote-insert-optimizer | FileCheck %s --check-prefix=PLAIN
// RUN: not mote-opt %s -mote-promote-trainable-state="train-layers=some" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not mote-opt %s -mote-promote-trainable-state="train-layers=last:0" 2>&1 | FileCheck %s --check-prefix=BADK
// RUN: not mote-opt %s --mote-train-pipeline="precision=int4" 2>&1 | FileCheck %s --check-prefix=BADP
// RUN: not mote-opt %s --mote-train-pipeline="optimizer=rmsprop" 2>&1 | FileCheck %s --check-prefix=BADO
// RUN: not mote-opt %s -mote-promote-trainable-state -mote-octo-rewrite="prc=0" 2>&1 | FileCheck %s --check-prefix=BADC

// conv (fused ReLU) -> max pool -> flatten -> FC -> softmax.
// CHECK-DAG: ml_program.global private mutable @l0_weight(dense<1.000000e-01> : tensor<4x1x3x3xf32>) : tensor<4x1x3x3xf32> {mote.role = "weight", mote.trained}
// CHECK-DAG: ml_program.global private mutable @l0_weight_momentum(dense<0.000000e+00> : tensor<4x1x3x3xf32>) : tensor<4x1x3x3xf32>{{$}}
// CHECK-DAG: ml_program.global private mutable @l1_bias(dense<0.000000e+00> : tensor<3xf32>) : tensor<3xf32> {mote.role = "bias", mote.trained}
// The model reads the trained state.
// CHECK-LABEL: func.func @m(
// CHECK: %[[W:.*]] = ml_program.global_load @l0_weight
// CHECK: mote.conv2d %{{.*}}, %[[W]]
// CHECK: mote.softmax
// The train step: forward up to the logits, the loss, the backward in
// reverse order, then the updates.
// CHECK-LABEL: func.func @m_train_step(
// CHECK-SAME: %[[X:.*]]: tensor<2x1x6x6xf32>, %[[L:.*]]: tensor<2xi32> {mote.c_name = "labels", mote.name = "labels"}) -> (tensor<1xf32> {mote.c_name = "loss", mote.name = "loss"})
// CHECK: %[[C:.*]] = mote.conv2d %[[X]]
// CHECK: %[[P:.*]] = mote.max_pool2d %[[C]]
// CHECK: %[[F:.*]] = mote.reshape %[[P]]
// CHECK: %[[Y:.*]] = mote.fully_connected %[[F]], %[[FW:[^,]*]],
// CHECK-NOT: mote.softmax
// CHECK: %[[LOSS:.*]], %[[DY:.*]] = mote.softmax_cross_entropy %[[Y]], %[[L]]
// CHECK: %[[DFW:.*]] = mote.fully_connected_backward_weight %[[F]], %[[DY]]
// CHECK: %[[DFB:.*]] = mote.bias_backward %[[DY]]
// CHECK: %[[DF:.*]] = mote.fully_connected_backward_input %[[DY]], %[[FW]]
// CHECK: %[[DP:.*]] = mote.reshape %[[DF]] : (tensor<2x36xf32>) -> tensor<2x4x3x3xf32>
// CHECK: %[[DC:.*]] = mote.max_pool2d_backward %[[DP]], %[[C]]
// The fused ReLU, undone from the conv's output.
// CHECK: %[[DR:.*]] = mote.clamp_backward %[[DC]], %[[C]] {min = 0.000000e+00 : f32}
// CHECK: %[[DW:.*]] = mote.conv2d_backward_weight %[[X]], %[[DR]] {pads = array<i64: 1, 1, 1, 1>}
// CHECK: %[[DB:.*]] = mote.bias_backward %[[DR]]
// No error for the input: nothing before it trains.
// CHECK-NOT: mote.conv2d_backward_input
// CHECK: mote.sgd_update %[[DW]] {lr = 5.000000e-02 : f32, momentum = 0.899999976 : f32, momentum_state = @l0_weight_momentum, param = @l0_weight}
// CHECK: mote.sgd_update %[[DB]]
// CHECK: mote.sgd_update %[[DFW]]
// CHECK: mote.sgd_update %[[DFB]]
// CHECK: return %[[LOSS]]

// Only the last layer trains: the conv keeps its constants and no error
// flows into it.
// LAST-NOT: @l0_weight
// LAST-LABEL: func.func @m_train_step(
// LAST-NOT: mote.max_pool2d_backward
// LAST: mote.sgd_update {{.*}}param = @l1_weight
// LAST: mote.sgd_update {{.*}}param = @l1_bias
// LAST-NOT: mote.sgd_update

// Biases only, with Adam: moments per bias and one shared step counter,
// incremented by the first update.
// BIAS-DAG: ml_program.global private mutable @adam_step(dense<0.000000e+00> : tensor<1xf32>)
// BIAS-DAG: ml_program.global private mutable @l0_bias_m(
// BIAS-DAG: ml_program.global private mutable @l0_bias_v(
// BIAS-LABEL: func.func @m_train_step(
// BIAS-NOT: conv2d_backward_weight
// BIAS: mote.adam_update {{.*}}increment_step = true{{.*}}param = @l0_bias
// BIAS-NOT: increment_step
// BIAS: mote.adam_update {{.*}}param = @l1_bias

// INT8 (Octo): int8 layers with PRC (clip 0.95) in both functions, LAC
// state per trained layer, stochastic rounding of the errors from a seeded
// generator.
// INT8-DAG: ml_program.global private mutable @rng_state(dense<7> : tensor<1xi32>)
// INT8-DAG: ml_program.global private mutable @l0_lac_scale(dense<1.000000e+00> : tensor<4xf32>) : tensor<4xf32> {{.*}}mote.trained}
// INT8-DAG: ml_program.global private mutable @l0_lac_shift(dense<0.000000e+00> : tensor<4xf32>) : tensor<4xf32> {{.*}}mote.trained}
// INT8-LABEL: func.func @m(
// INT8: %[[XQ:.*]], %[[SX:.*]] = mote.dynamic_quantize %arg0 {clip = 0.949999988 : f32}
// INT8: %[[WQ:.*]], %[[SW:.*]] = mote.dynamic_quantize %{{.*}} {axis = 0 : i64, clip = 0.949999988 : f32}
// INT8: %[[Y:.*]] = mote.int8_conv2d %[[XQ]], %[[SX]], %[[WQ]], %[[SW]]
// INT8: mote.channel_affine %[[Y]], {{.*}} {clamp_min = 0.000000e+00 : f32}
// INT8: mote.int8_fully_connected
// INT8-LABEL: func.func @m_train_step(
// INT8: %[[TXQ:.*]], %[[TSX:.*]] = mote.dynamic_quantize %arg0
// INT8: %[[OUT:.*]] = mote.channel_affine
// The backward keeps the layer's output as int8 only.
// INT8: %[[OQ:.*]], %[[OS:.*]] = mote.dynamic_quantize %[[OUT]] {mote.saved}
// INT8: mote.softmax_cross_entropy
// INT8: %[[E1:.*]], %[[GS1:.*]], %[[GB1:.*]] = mote.channel_affine_backward
// INT8: %[[EQ1:.*]], %[[SE1:.*]] = mote.dynamic_quantize %[[E1]] {clip = 0.949999988 : f32, rng = @rng_state}
// INT8: mote.int8_fully_connected_backward_weight %{{.*}}, %{{.*}}, %[[EQ1]], %[[SE1]]
// INT8: %[[WT:.*]], %[[SWT:.*]] = mote.dynamic_quantize %{{.*}} : (tensor<3x36xf32>) -> (tensor<3x36xi8>, tensor<1xf32>)
// INT8: mote.int8_fully_connected_backward_input %[[EQ1]], %[[SE1]], %[[WT]], %[[SWT]]
// INT8: mote.max_pool2d_backward %{{.*}}, %[[OQ]] {{.*}} -> tensor<2x4x6x6xf32>
// INT8: %[[E0:.*]], %[[GS0:.*]], %[[GB0:.*]] = mote.channel_affine_backward %{{.*}}, %[[OQ]], %{{.*}}, %{{.*}}, %[[OS]] {clamp_min = 0.000000e+00 : f32, l2 = 9.99999974E-5 : f32}
// INT8: %[[EQ0:.*]], %[[SE0:.*]] = mote.dynamic_quantize %[[E0]]
// INT8: mote.int8_conv2d_backward_weight %[[TXQ]], %[[TSX]], %[[EQ0]], %[[SE0]]
// INT8-NOT: int8_conv2d_backward_input
// INT8: mote.sgd_update %[[GS0]] {{.*}}param = @l0_lac_scale
// INT8: mote.sgd_update %[[GB0]] {{.*}}param = @l0_lac_shift

// Without LAC, PRC and stochastic rounding: plain clipping-free int8, the
// ReLU kept by an identity affine.
// PLAIN-NOT: rng_state
// PLAIN-NOT: lac_scale
// PLAIN-LABEL: func.func @m_train_step(
// PLAIN: mote.dynamic_quantize %arg0 :
// PLAIN: mote.channel_affine %{{.*}}, %cst{{.*}}, %cst{{.*}} {clamp_min = 0.000000e+00 : f32}
// PLAIN-NOT: rng =

// BAD: unknown train-layers 'some' (expected all, last:K or bias)
// BADK: train-layers 'last:K' needs a positive K, got '0'
// BADP: for the --precision option: Cannot find option named 'int4'
// BADO: for the --optimizer option: Cannot find option named 'rmsprop'
// BADC: prc must be in (0, 1], got 0

func.func @m(%x: tensor<2x1x6x6xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.1> : tensor<4x1x3x3xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %c = mote.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, clamp_min = 0.0 : f32}
      : (tensor<2x1x6x6xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x6xf32>
  %p = mote.max_pool2d %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<2x4x6x6xf32>) -> tensor<2x4x3x3xf32>
  %r = mote.reshape %p : (tensor<2x4x3x3xf32>) -> tensor<2x36xf32>
  %fw = arith.constant dense<0.01> : tensor<3x36xf32>
  %fb = arith.constant dense<0.0> : tensor<3xf32>
  %y = mote.fully_connected %r, %fw, %fb
      : (tensor<2x36xf32>, tensor<3x36xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %s = mote.softmax %y : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}
