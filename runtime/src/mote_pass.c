/*===- mote_pass.c - PASS change detection for patch skipping -----------===*
 *
 * See mote_pass.h.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_pass.h"

static int valid(const mote_pass_params *p) {
  return p && p->channels > 0 && p->height > 0 && p->width > 0 &&
         p->cell_h > 0 && p->cell_w > 0 && p->threshold >= 0;
}

int32_t mote_pass_cell_rows(const mote_pass_params *p) {
  return valid(p) ? (p->height + p->cell_h - 1) / p->cell_h : 0;
}

int32_t mote_pass_cell_cols(const mote_pass_params *p) {
  return valid(p) ? (p->width + p->cell_w - 1) / p->cell_w : 0;
}

int32_t mote_pass_gate_s8(const mote_pass_params *p, const int8_t *input,
                          int8_t *reference, int32_t force, int8_t *dirty) {
  int32_t rows, cols, r, c, ch, y, x, changed = 0;
  if (!valid(p) || !input || !reference || !dirty)
    return -1;
  rows = mote_pass_cell_rows(p);
  cols = mote_pass_cell_cols(p);
  for (r = 0; r < rows; ++r)
    for (c = 0; c < cols; ++c) {
      int32_t y0 = r * p->cell_h, x0 = c * p->cell_w;
      int32_t y1 = y0 + p->cell_h < p->height ? y0 + p->cell_h : p->height;
      int32_t x1 = x0 + p->cell_w < p->width ? x0 + p->cell_w : p->width;
      /* The sum stops growing once it is past the threshold. */
      int64_t sad = 0;
      int is_dirty = force != 0;
      for (ch = 0; ch < p->channels && !is_dirty; ++ch)
        for (y = y0; y < y1 && !is_dirty; ++y) {
          int64_t row = ((int64_t)ch * p->height + y) * p->width;
          for (x = x0; x < x1; ++x) {
            int32_t d = (int32_t)input[row + x] - (int32_t)reference[row + x];
            sad += d < 0 ? -d : d;
          }
          is_dirty = sad > p->threshold;
        }
      dirty[r * cols + c] = (int8_t)is_dirty;
      if (!is_dirty)
        continue;
      ++changed;
      for (ch = 0; ch < p->channels; ++ch)
        for (y = y0; y < y1; ++y) {
          int64_t row = ((int64_t)ch * p->height + y) * p->width;
          for (x = x0; x < x1; ++x)
            reference[row + x] = input[row + x];
        }
    }
  return changed;
}

int32_t mote_pass_tile_mask(int32_t tiles, const int32_t *ranges,
                            int32_t cell_rows, int32_t cell_cols,
                            const int8_t *dirty_cells, int8_t *dirty_tiles) {
  int32_t t, r, c, count = 0;
  if (tiles < 0 || !ranges || !dirty_cells || !dirty_tiles || cell_rows < 1 ||
      cell_cols < 1)
    return -1;
  for (t = 0; t < tiles; ++t) {
    const int32_t *g = ranges + 4 * t;
    int8_t any = 0;
    if (g[0] < 0 || g[1] > cell_rows || g[0] >= g[1] || g[2] < 0 ||
        g[3] > cell_cols || g[2] >= g[3])
      return -1;
    for (r = g[0]; r < g[1] && !any; ++r)
      for (c = g[2]; c < g[3] && !any; ++c)
        any = dirty_cells[r * cell_cols + c] != 0;
    dirty_tiles[t] = any;
    count += any;
  }
  return count;
}

mote_status mote_pass_frame_s8(const mote_pass_params *p, const int32_t *ranges,
                               const int8_t *input, int8_t *reference,
                               int8_t *cells, int32_t *counters,
                               int8_t *tiles) {
  int32_t changed, recompute;
  if (!p || !counters || p->tiles < 1)
    return MOTE_ERROR_ARGUMENT;
  changed = mote_pass_gate_s8(p, input, reference,
                              counters[MOTE_PASS_FRAMES] == 0, cells);
  if (changed < 0)
    return MOTE_ERROR_ARGUMENT;
  recompute = mote_pass_tile_mask(p->tiles, ranges, mote_pass_cell_rows(p),
                                  mote_pass_cell_cols(p), cells, tiles);
  if (recompute < 0)
    return MOTE_ERROR_ARGUMENT;
  counters[MOTE_PASS_FRAMES] += 1;
  counters[MOTE_PASS_TILES_RECOMPUTED] += recompute;
  counters[MOTE_PASS_LAST_TILES] = recompute;
  counters[MOTE_PASS_CELLS_CHANGED] += changed;
  return MOTE_OK;
}

mote_status mote_pass_propagate(const mote_pass_propagate_params *p,
                                const int32_t *ranges, const int8_t *source,
                                int32_t *counters, int8_t *tiles) {
  int32_t recompute;
  if (!p || !counters || p->tiles < 1)
    return MOTE_ERROR_ARGUMENT;
  recompute = mote_pass_tile_mask(p->tiles, ranges, p->source_rows,
                                  p->source_cols, source, tiles);
  if (recompute < 0)
    return MOTE_ERROR_ARGUMENT;
  counters[MOTE_PASS_TILES_RECOMPUTED] += recompute;
  counters[MOTE_PASS_LAST_TILES] += recompute;
  return MOTE_OK;
}

mote_status mote_pass_store_s8(const mote_pass_store_params *p,
                               const int8_t *patch, int8_t *cache,
                               int8_t *tiles) {
  int32_t ch, y, x;
  int64_t sad = 0;
  int changed = 0;
  if (!p || !patch || !cache || !tiles || p->channels < 1 || p->patch_h < 1 ||
      p->patch_w < 1 || p->top < 0 || p->left < 0 ||
      p->top + p->patch_h > p->height || p->left + p->patch_w > p->width ||
      p->tile < 0 || p->threshold < 0)
    return MOTE_ERROR_ARGUMENT;
  /* The sum stops growing once it is past the threshold. */
  for (ch = 0; ch < p->channels && !changed; ++ch)
    for (y = 0; y < p->patch_h && !changed; ++y) {
      const int8_t *in = patch + ((int64_t)ch * p->patch_h + y) * p->patch_w;
      const int8_t *old =
          cache + ((int64_t)ch * p->height + p->top + y) * p->width + p->left;
      for (x = 0; x < p->patch_w; ++x) {
        int32_t d = (int32_t)in[x] - (int32_t)old[x];
        sad += d < 0 ? -d : d;
      }
      changed = sad > p->threshold;
    }
  tiles[p->tile] = (int8_t)changed;
  if (!changed)
    return MOTE_OK;
  for (ch = 0; ch < p->channels; ++ch)
    for (y = 0; y < p->patch_h; ++y) {
      const int8_t *in = patch + ((int64_t)ch * p->patch_h + y) * p->patch_w;
      int8_t *out =
          cache + ((int64_t)ch * p->height + p->top + y) * p->width + p->left;
      for (x = 0; x < p->patch_w; ++x)
        out[x] = in[x];
    }
  return MOTE_OK;
}
