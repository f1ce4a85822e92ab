// RUN: mote-opt %s -split-input-file -mote-insert-optimizer -verify-diagnostics

// expected-error @below {{has no gradient results to apply (run mote-autodiff first)}}
module {
  func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}

// -----

ml_program.global private @w(dense<0.0> : tensor<3xf32>) : tensor<3xf32>
// expected-error @below {{result 1 is the gradient of 'w', which is not mutable state}}
func.func @step(%g: tensor<3xf32>, %l: tensor<1xf32>)
    -> (tensor<1xf32>, tensor<3xf32> {mote.gradient_of = @w}) {
  return %l, %g : tensor<1xf32>, tensor<3xf32>
}
