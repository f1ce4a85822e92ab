// RUN: mote-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// The PASS ops: the gate over the state's reference, flags and counters,
// a tile's store into the cache, the propagation to a later span.
ml_program.global private mutable @ref : tensor<1x2x8x8xi8>
ml_program.global private mutable @cells : tensor<4xi8>
ml_program.global private mutable @tiles : tensor<2xi8>
ml_program.global private mutable @counters : tensor<4xi32>
ml_program.global private mutable @cache : tensor<1x4x8x8xi8>
// CHECK-LABEL: func @pass
func.func @pass(%x: tensor<1x2x8x8x!quant.uniform<i8:f32, 0.5>>, %t: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1>>) {
  // CHECK: mote.pass_gate %{{.*}} {cell = array<i64: 4, 4>
  mote.pass_gate %x {reference = @ref, cells = @cells, tiles = @tiles, counters = @counters, cell = array<i64: 4, 4>, threshold = 0 : i64, ranges = array<i64: 0, 2, 0, 2, 1, 2, 0, 2>} : tensor<1x2x8x8x!quant.uniform<i8:f32, 0.5>>
  // CHECK: mote.pass_store %{{.*}} {cache = @cache, flags = @tiles, offsets = array<i64: 0, 0, 4, 0>, threshold = 0 : i64, tile = 1 : i64}
  mote.pass_store %t {cache = @cache, flags = @tiles, offsets = array<i64: 0, 0, 4, 0>, tile = 1, threshold = 0} : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1>>
  // CHECK: mote.pass_propagate {counters = @counters, ranges = array<i64: 0, 1, 0, 1, 0, 2, 0, 1, 1, 2, 0, 1, 0, 1, 0, 1>, source = @tiles, source_grid = array<i64: 2, 1>, tiles = @cells}
  mote.pass_propagate {source = @tiles, tiles = @cells, counters = @counters, source_grid = array<i64: 2, 1>, ranges = array<i64: 0, 1, 0, 1, 0, 2, 0, 1, 1, 2, 0, 1, 0, 1, 0, 1>}
  return
}

// -----

ml_program.global private mutable @ref : tensor<1x2x8x8xi8>
ml_program.global private mutable @cells : tensor<4xi8>
ml_program.global private mutable @tiles : tensor<1xi8>
ml_program.global private mutable @counters : tensor<4xi32>
func.func @range(%x: tensor<1x2x8x8xi8>) {
  // expected-error @+1 {{the cells of tile 0 are not a non-empty range of the 2x2 grid}}
  mote.pass_gate %x {reference = @ref, cells = @cells, tiles = @tiles, counters = @counters, cell = array<i64: 4, 4>, threshold = 0 : i64, ranges = array<i64: 0, 3, 0, 2>} : tensor<1x2x8x8xi8>
  return
}

// -----

ml_program.global private mutable @ref : tensor<1x2x8x8xi8>
ml_program.global private mutable @cells : tensor<9xi8>
ml_program.global private mutable @tiles : tensor<1xi8>
ml_program.global private mutable @counters : tensor<4xi32>
func.func @cell_count(%x: tensor<1x2x8x8xi8>) {
  // expected-error @+1 {{cells 'cells' has type 'tensor<9xi8>', expected 'tensor<4xi8>'}}
  mote.pass_gate %x {reference = @ref, cells = @cells, tiles = @tiles, counters = @counters, cell = array<i64: 4, 4>, threshold = 0 : i64, ranges = array<i64: 0, 2, 0, 2>} : tensor<1x2x8x8xi8>
  return
}

// -----

func.func @float(%x: tensor<1x2x8x8xf32>) {
  // expected-error @+1 {{expects an int8 NCHW input of batch 1}}
  mote.pass_gate %x {reference = @ref, cells = @cells, tiles = @tiles, counters = @counters, cell = array<i64: 4, 4>, threshold = 0 : i64, ranges = array<i64: 0, 2, 0, 2>} : tensor<1x2x8x8xf32>
  return
}

// -----

ml_program.global private mutable @cache : tensor<1x4x8x8xi8>
ml_program.global private mutable @tiles : tensor<2xi8>
func.func @window(%t: tensor<1x4x4x8xi8>) {
  // expected-error @+1 {{window of dimension 2 (offset 6, extent 4) leaves the cache's extent 8}}
  mote.pass_store %t {cache = @cache, flags = @tiles, offsets = array<i64: 0, 0, 6, 0>, tile = 0, threshold = 0} : tensor<1x4x4x8xi8>
  return
}

// -----

ml_program.global private @cache(dense<0> : tensor<1x4x8x8xi8>) : tensor<1x4x8x8xi8>
ml_program.global private mutable @tiles : tensor<2xi8>
func.func @immutable(%t: tensor<1x4x4x8xi8>) {
  // expected-error @+1 {{cache 'cache' is not a mutable int8 global of the patch's channels}}
  mote.pass_store %t {cache = @cache, flags = @tiles, offsets = array<i64: 0, 0, 0, 0>, tile = 0, threshold = 0} : tensor<1x4x4x8xi8>
  return
}

// -----

ml_program.global private mutable @cache : tensor<1x4x8x8xi8>
ml_program.global private mutable @tiles : tensor<2xi8>
func.func @flag(%t: tensor<1x4x4x8xi8>) {
  // expected-error @+1 {{flags 'tiles' is not a mutable i8 global with an element 2}}
  mote.pass_store %t {cache = @cache, flags = @tiles, offsets = array<i64: 0, 0, 0, 0>, tile = 2, threshold = 0} : tensor<1x4x4x8xi8>
  return
}
