//===- MotePassOps.td - PASS patch skipping on video ---------*- tablegen -*-===//
//
// PASS (docs/PatchInference.md): a span of layers computed tile by tile
// whose results are kept in the model's state from frame to frame. Per
// frame, the gate compares the span's int8 input with the reference the
// cached tiles were computed from, cell by cell, and marks the output
// tiles whose receptive field covers a changed cell; the ops of the other
// tiles do not run. The ops of tile t carry the discardable attribute
// `mote.pass_tile = {mask = @tiles, tile = t}`; a tile's ops feed only the
// ones of the same tile, ending at the `mote.pass_store` that writes the
// tile into the cached output, so skipping them is not observable but
// through the cached values.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_PASS_OPS
#define MOTE_PASS_OPS

def Mote_PassGateOp : Mote_Op<"pass_gate",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Decide which output tiles of a PASS span a frame changes";
  let description = [{
    Compares the int8 NCHW `input` (batch 1) with the state global
    `reference` in cells of `cell` (rows, columns) pixels: a cell whose sum
    of absolute differences (in int8 steps, over its pixels and channels)
    exceeds `threshold` changed, and its reference becomes the input (an
    unchanged cell keeps its reference, so small changes add up until they
    cross the threshold). `cells` receives the changed-cell flags; tile t
    of `tiles` is set when a cell of rows `[ranges[4t], ranges[4t+1])` and
    columns `[ranges[4t+2], ranges[4t+3])` changed. `counters`
    (`MOTE_PASS_COUNTERS` i32, runtime/include/mote/mote_pass.h) counts
    frames and recomputed tiles; while its frame count is 0 (a fresh
    state) every cell counts as changed.

    Example:

    ```mlir
    mote.pass_gate %x {reference = @pass_reference, cells = @pass_cells,
        tiles = @pass_tiles, counters = @pass_counters,
        cell = array<i64: 8, 8>, threshold = 0 : i64,
        ranges = array<i64: 0, 2, 0, 4, 1, 4, 0, 4>}
        : tensor<1x3x32x32x!quant.uniform<i8:f32, 0.5>>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input,
      FlatSymbolRefAttr:$reference, FlatSymbolRefAttr:$cells,
      FlatSymbolRefAttr:$tiles, FlatSymbolRefAttr:$counters,
      DenseI64ArrayAttr:$cell, I64Attr:$threshold,
      DenseI64ArrayAttr:$ranges);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDeclaration = [{
    /// Rows and columns of the grid of cells.
    std::pair<int64_t, int64_t> getCellGrid();
  }];
  let hasVerifier = 1;
}

def Mote_PassPropagateOp : Mote_Op<"pass_propagate",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Mark the tiles of a later PASS span from the span before";
  let description = [{
    In a chain of PASS spans, a span after the first reads the cached
    output of the span before, which changes only where that span
    recomputed tiles. Tile t of this span is set in `tiles` when a flag of
    `source` (the span before's tiles, a `source_grid` of rows x columns)
    in rows `[ranges[4t], ranges[4t+1])` and columns
    `[ranges[4t+2], ranges[4t+3])` of that grid is set; `counters` count
    the tiles.

    Example:

    ```mlir
    mote.pass_propagate {source = @pass_tiles0, tiles = @pass_tiles1,
        counters = @pass_counters, source_grid = array<i64: 2, 2>,
        ranges = array<i64: 0, 1, 0, 2, 1, 2, 0, 2>}
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$source, FlatSymbolRefAttr:$tiles,
      FlatSymbolRefAttr:$counters, DenseI64ArrayAttr:$source_grid,
      DenseI64ArrayAttr:$ranges);
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def Mote_PassStoreOp : Mote_Op<"pass_store",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Store a recomputed PASS tile into its cache if it changed";
  let description = [{
    Writes the int8 `patch` (batch 1, NCHW) into the state global `cache`
    at `offsets` when its sum of absolute differences from the cache's
    window exceeds `threshold` (any difference at 0); otherwise the cache
    keeps its values. Element `tile` of the state global `flags` (the flag
    that ran the tile) becomes whether the tile changed, so that a later
    span of a chain recomputes only what a changed tile reaches.

    Example:

    ```mlir
    mote.pass_store %p {cache = @pass_cache0, flags = @pass_tiles0,
        offsets = array<i64: 0, 0, 8, 0>, tile = 2 : i64,
        threshold = 0 : i64} : tensor<1x16x8x16x!quant.uniform<i8:f32, 0.1>>
    ```
  }];
  let arguments = (ins Mote_Tensor:$patch, FlatSymbolRefAttr:$cache,
      FlatSymbolRefAttr:$flags, DenseI64ArrayAttr:$offsets, I64Attr:$tile,
      I64Attr:$threshold);
  let assemblyFormat = "$patch attr-dict `:` type($patch)";
  let hasVerifier = 1;
}

#endif // MOTE_PASS_OPS
