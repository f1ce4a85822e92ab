// What each stage of mote-train-pipeline leaves for the next one.
// RUN: mote-opt %s -mote-promote-trainable-state="train-layers=last:1" | FileCheck %s --check-prefix=STATE
// RUN: mote-opt %s -mote-promote-trainable-state -mote-octo-rewrite="prc=0.9 seed=3 lac-l2=0.5" | FileCheck %s --check-prefix=OCTO
// RUN: mote-opt %s -mote-promote-trainable-state="train-layers=last:1" -mote-autodiff | FileCheck %s --check-prefix=GRAD
// RUN: mote-opt %s -mote-promote-trainable-state="train-layers=last:1" -mote-autodiff -mote-insert-optimizer="optimizer=adam lr=0.5" | FileCheck %s --check-prefix=ADAM
// RUN: mote-opt %s -mote-promote-trainable-state="train-layers=last:1" -mote-autodiff="seed=output-gradient" | FileCheck %s --check-prefix=SEED
// The pipeline is the stages in order, then canonicalization.
// RUN: mote-opt %s -mote-promote-trainable-state="train-layers=last:1" -mote-autodiff -mote-insert-optimizer -canonicalize > %t.stages
// RUN: mote-opt %s --mote-train-pipeline="train-layers=last:1" > %t.pipeline
// RUN: diff %t.stages %t.pipeline

// Promoted state: the last layer's weight and bias become globals named
// after the layer's position and its ONNX node, loaded by the model.
// STATE: ml_program.global private mutable @l1_weight({{.*}}) : tensor<3x8xf32> {mote.role = "weight", mote.source = "fc", mote.trained}
// STATE: ml_program.global private mutable @l1_bias({{.*}}) : tensor<3xf32> {mote.role = "bias", mote.source = "fc", mote.trained}
// STATE-LABEL: func.func @m(
// STATE: mote.conv2d %{{.*}}, %cst
// STATE: %[[W:.*]] = ml_program.global_load @l1_weight
// STATE: %[[B:.*]] = ml_program.global_load @l1_bias
// STATE: mote.fully_connected %{{.*}}, %[[W]], %[[B]]
// STATE-NOT: func.func

// The Octo rewrite records how the backward quantizes; every layer is
// int8, the trained ones with LAC state.
// OCTO: module attributes {mote.int8_training = {error_clip = 0.899999976 : f32, lac_l2 = 5.000000e-01 : f32, rng = @rng_state}}
// OCTO: @rng_state(dense<3> : tensor<1xi32>)
// OCTO: @l0_lac_scale(
// OCTO: @l1_lac_shift(
// OCTO: mote.int8_conv2d
// OCTO: mote.int8_fully_connected
// OCTO-NOT: mote.fully_connected

// Autodiff returns the loss and the gradient of each trained global, in
// the order the forward pass reads them.
// GRAD-LABEL: func.func @m_train_step(
// GRAD-SAME: -> (tensor<1xf32> {mote.c_name = "loss", mote.name = "loss"}, tensor<3x8xf32> {mote.gradient_of = @l1_weight}, tensor<3xf32> {mote.gradient_of = @l1_bias})
// GRAD: %[[LOSS:.*]], %[[DY:.*]] = mote.softmax_cross_entropy
// GRAD: %[[DW:.*]] = mote.fully_connected_backward_weight %{{.*}}, %[[DY]]
// GRAD: %[[DB:.*]] = mote.bias_backward %[[DY]]
// GRAD-NOT: backward_input
// GRAD: return %[[LOSS]], %[[DW]], %[[DB]]

// Seeded by a given gradient of the output (split learning's device half,
// whose loss is on the server): no loss, no labels.
// SEED-LABEL: func.func @m_train_step(
// SEED-SAME: %[[G:[a-z0-9]+]]: tensor<2x3xf32> {mote.c_name = "output_gradient", mote.name = "output_gradient"})
// SEED-SAME: -> (tensor<3x8xf32> {mote.gradient_of = @l1_weight}, tensor<3xf32> {mote.gradient_of = @l1_bias})
// SEED-NOT: softmax_cross_entropy
// SEED: %[[DW:.*]] = mote.fully_connected_backward_weight %{{.*}}, %[[G]]
// SEED: %[[DB:.*]] = mote.bias_backward %[[G]]
// SEED: return %[[DW]], %[[DB]]

// The optimizer consumes the gradient results.
// ADAM: @l1_weight_m(
// ADAM: @l1_weight_v(
// ADAM: @adam_step(
// ADAM-LABEL: func.func @m_train_step(
// ADAM-SAME: -> (tensor<1xf32> {mote.c_name = "loss", mote.name = "loss"}) {
// ADAM: mote.adam_update %{{.*}} {{{.*}}increment_step = true, lr = 5.000000e-01 : f32, {{.*}}param = @l1_weight
// ADAM: mote.adam_update %{{.*}}param = @l1_bias
// ADAM: return %{{[^,]*}} : tensor<1xf32>

func.func @m(%x: tensor<2x1x4x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.1> : tensor<2x1x3x3xf32>
  %c = mote.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>}
      : (tensor<2x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<2x2x4x4xf32>
  %p = mote.max_pool2d %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<2x2x4x4xf32>) -> tensor<2x2x2x2xf32>
  %r = mote.reshape %p : (tensor<2x2x2x2xf32>) -> tensor<2x8xf32>
  %fw = arith.constant dense<0.01> : tensor<3x8xf32>
  %fb = arith.constant dense<0.0> : tensor<3xf32>
  %y = mote.fully_connected %r, %fw, %fb
      : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("fc")
  return %y : tensor<2x3xf32>
}
