/*===- mote_pass.h - PASS change detection for patch skipping ----*- C -*-===*
 *
 * The runtime half of PASS (patch skipping on video, docs/PatchInference.md):
 * a frame is split into cells; the gate decides per cell whether the input
 * changed against the reference the cached results were computed from, and
 * the mask of output tiles to recompute follows from the cells each tile's
 * receptive field covers (a table the compiler computes with the same
 * region arithmetic as patch-based inference).
 *
 * C99, freestanding headers only, no allocation, no globals: the reference
 * and the masks are the caller's (the model's state and arena).
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_PASS_H
#define MOTE_PASS_H

#include "mote/mote_kernels.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The frame and its cells are described by a mote_pass_params block
 * (mote_abi.h); the gate ignores its `tiles`. */

/* Cells of a frame: rows and columns (0 when the parameters are invalid). */
int32_t mote_pass_cell_rows(const mote_pass_params *p);
int32_t mote_pass_cell_cols(const mote_pass_params *p);

/* The gate: `dirty[cell]` (cell rows x cell columns, row-major) is 1 when
 * the cell's sum of absolute differences between `input` and `reference`
 * exceeds the threshold, or for every cell when `force` is non-zero (the
 * first frame, or after a reset). A changed cell's reference becomes the
 * input; an unchanged cell keeps its reference, so change below the
 * threshold adds up against it until it crosses the threshold instead of
 * being lost (DeltaCNN's accumulation): a cached result never lags the
 * input by more than twice the threshold per cell. Returns the number of
 * changed cells, or -1 for invalid arguments. */
int32_t mote_pass_gate_s8(const mote_pass_params *p, const int8_t *input,
                          int8_t *reference, int32_t force, int8_t *dirty);

/* Output tiles to recompute: tile t reads cells [ranges[4t], ranges[4t+1])
 * of rows by [ranges[4t+2], ranges[4t+3]) of columns of a grid of
 * `cell_rows` x `cell_cols` cells; `dirty_tiles[t]` is 1 when any of them
 * changed. Returns the number of tiles to recompute, or -1 for invalid
 * arguments (a range outside the grid). */
int32_t mote_pass_tile_mask(int32_t tiles, const int32_t *ranges,
                            int32_t cell_rows, int32_t cell_cols,
                            const int8_t *dirty_cells, int8_t *dirty_tiles);

/* Counters a model with PASS keeps in its state (MOTE_PASS_COUNTERS of
 * them, int32): frames seen, tiles recomputed over all frames, tiles
 * recomputed in the last frame, cells changed over all frames. A zero
 * frame count (a fresh or reset state) forces every cell. */
#define MOTE_PASS_FRAMES 0
#define MOTE_PASS_TILES_RECOMPUTED 1
#define MOTE_PASS_LAST_TILES 2
#define MOTE_PASS_CELLS_CHANGED 3
#define MOTE_PASS_COUNTERS 4

/* One frame of PASS, as the generated code calls it: the gate of `input`
 * against `reference` into `cells`, the mask of `p->tiles` output tiles
 * from `ranges` (as mote_pass_tile_mask) into `tiles`, and the counters.
 * The tiles whose flag is 0 keep their cached results. */
mote_status mote_pass_frame_s8(const mote_pass_params *p, const int32_t *ranges,
                               const int8_t *input, int8_t *reference,
                               int8_t *cells, int32_t *counters, int8_t *tiles);

/* The tiles of a later span of a chain: tile t of this span is to
 * recompute when a tile of the span before in rows [ranges[4t],
 * ranges[4t+1]) and columns [ranges[4t+2], ranges[4t+3]) of its grid was
 * recomputed (the others are equal to their cached values, so the input
 * region of t did not change). Adds the count to the counters' tiles. */
mote_status mote_pass_propagate(const mote_pass_propagate_params *p,
                                const int32_t *ranges, const int8_t *source,
                                int32_t *counters, int8_t *tiles);

/* Stores a recomputed tile into its cache when it changed: the sum of
 * absolute differences between `patch` and the cache's window exceeds the
 * threshold (any difference at 0). Otherwise the cache keeps its values,
 * so small changes add up against them across frames as at the gate.
 * `tiles[p->tile]`, the flag that ran the tile, becomes whether it
 * changed: a later span of a chain recomputes only what a changed tile
 * reaches. */
mote_status mote_pass_store_s8(const mote_pass_store_params *p,
                               const int8_t *patch, int8_t *cache,
                               int8_t *tiles);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_PASS_H */
