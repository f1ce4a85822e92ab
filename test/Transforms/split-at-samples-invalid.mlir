// RUN: mote-opt %s --verify-diagnostics --mote-split-at="tensor=b bits=4 samples=2" -mlir-print-op-on-diagnostic=false

// Samples are stacked on the batch axis, which a batch-2 model already has.
// expected-error @+1 {{samples=2 stacks samples on the batch axis: the model's inputs, outputs and the cut 'b' must have batch 1}}
func.func @f(%x: tensor<2x4x4x4xf32> {mote.name = "x"}) -> tensor<2x4x4x4xf32> {
  %b = mote.relu %x : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32> loc(#b)
  %c = mote.sigmoid %b : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  return %c : tensor<2x4x4x4xf32>
}
#b = loc(fused<{mote.result = 0 : i64, mote.tensor = "b"}>["relu_node"])
