// RUN: mote-opt %s -mote-layout-state -mote-plan-memory -convert-mote-to-kernel="model-name=net" -verify-diagnostics -o /dev/null
// RUN: not mote-opt %s -mote-plan-memory -convert-mote-to-kernel="model-name=net" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LAYOUT

// What the training and optimizer lowering refuses: state read after its
// update in the same step (the backward pass must see the forward
// weights), and state that mote-layout-state has not placed.

// LAYOUT: error: the state has no layout (run mote-layout-state)

ml_program.global private mutable @w(dense<0.5> : tensor<4xf32>) : tensor<4xf32>
func.func @net_train_step(%x: tensor<4xf32>, %g: tensor<4xf32>) -> tensor<4xf32> {
  mote.sgd_update %g {lr = 1.000000e-01 : f32, param = @w} : tensor<4xf32>
  %w = ml_program.global_load @w : tensor<4xf32>
  // expected-error @+1 {{'mote.add' op reads state 'w' after an update of it}}
  %y = mote.add %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
