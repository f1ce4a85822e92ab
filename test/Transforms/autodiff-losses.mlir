// The element-wise losses: the train step takes targets of the output's
// type, mote.elementwise_loss starts the error; with bce a final sigmoid
// is part of the loss and is left out of the step.
// RUN: mote-opt %s -mote-promote-trainable-state -mote-autodiff="seed=bce" | FileCheck %s --check-prefix=BCE
// RUN: mote-opt %s -mote-promote-trainable-state -mote-autodiff="seed=mse" | FileCheck %s --check-prefix=MSE
// RUN: mote-opt %s -mote-promote-trainable-state -mote-autodiff="seed=l1" | FileCheck %s --check-prefix=L1
// RUN: mote-opt %s --mote-train-pipeline="loss=mse" -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" | FileCheck %s --check-prefix=KERNEL
// RUN: not mote-opt %s -mote-promote-trainable-state -mote-autodiff="seed=hinge" 2>&1 | FileCheck %s --check-prefix=BAD

func.func @m(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.1> : tensor<3x4xf32>
  %z = mote.fully_connected %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %y = mote.sigmoid %z : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// BCE-LABEL: func.func @m_train_step(
// BCE-SAME: %{{.*}}: tensor<2x4xf32>, %[[T:.*]]: tensor<2x3xf32> {mote.c_name = "targets", mote.name = "targets"}) -> (tensor<1xf32> {mote.c_name = "loss", mote.name = "loss"}, tensor<3x4xf32> {mote.gradient_of = @l0_weight})
// BCE: %[[Z:.*]] = mote.fully_connected
// BCE-NOT: mote.sigmoid
// BCE: %[[LOSS:.*]], %[[DZ:.*]] = mote.elementwise_loss %[[Z]], %[[T]] {kind = "bce_with_logits"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<1xf32>, tensor<2x3xf32>)
// BCE: %[[DW:.*]] = mote.fully_connected_backward_weight %{{.*}}, %[[DZ]]
// BCE: return %[[LOSS]], %[[DW]]

// MSE and L1 compare the model's output itself: the sigmoid stays, and
// the error goes back through it.
// MSE-LABEL: func.func @m_train_step(
// MSE: %[[Y:.*]] = mote.sigmoid
// MSE: %{{.*}}, %[[DY:.*]] = mote.elementwise_loss %[[Y]], %{{.*}} {kind = "mse"}
// MSE: mote.activation_backward %[[DY]], %[[Y]] {kind = "sigmoid"}
// L1-LABEL: func.func @m_train_step(
// L1: mote.elementwise_loss %{{.*}}, %{{.*}} {kind = "l1"}

// KERNEL: mote_kernel.call @mote_elementwise_loss_f32({{.*}}) {num_outputs = 2 : i64, scalars = [6 : i32, 0 : i32]}

// BAD: unknown seed 'hinge' (expected softmax-cross-entropy, bce, mse, l1 or output-gradient)
