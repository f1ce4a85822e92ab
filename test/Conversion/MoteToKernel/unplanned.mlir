// RUN: mote-opt %s -split-input-file -convert-mote-to-kernel -verify-diagnostics -o /dev/null

// The lowering uses the memory plan and state layout made before it; it
// never plans on its own.

// expected-error @+1 {{'func.func' op has no memory plan (run mote-plan-memory)}}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = mote.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{the state has no layout (run mote-layout-state)}}
module {
  ml_program.global private mutable @w(dense<1.0> : tensor<4xf32>) : tensor<4xf32>
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> attributes {mote.arena_bytes = 16 : i64, mote.arena_lower_bound = 16 : i64} {
    %w = ml_program.global_load @w : tensor<4xf32>
    %r = mote.add %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    return %r : tensor<4xf32>
  }
}

// -----

// A plan whose buffer leaves the arena is refused.
// expected-error @+1 {{'func.func' op has a memory plan whose buffers leave its arena}}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> attributes {mote.arena_bytes = 16 : i64, mote.arena_lower_bound = 16 : i64} {
  %r = mote.relu %x {mote.arena_offsets = array<i64: 8>} : (tensor<4xf32>) -> tensor<4xf32>
  %s = mote.relu %r : (tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}
