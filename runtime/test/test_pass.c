/*===- test_pass.c - Tests of PASS change detection ---------------*- C -*-===*
 *
 * The gate of mote_pass.h against a brute-force reference on random video
 * of small changes (every cell's flag, which references move), its
 * accumulation of change below the threshold, forced frames, uneven cells,
 * the tile mask and refused arguments, under ASan/UBSan.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_pass.h"
#include "mote_test.h"

#include <stdlib.h>
#include <string.h>

static mote_test_counts counts;

static uint32_t rng = 4242;
static uint32_t next(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}

enum { C = 2, H = 7, W = 5 };

/* The sum of absolute differences of cell (r, c), computed in full. */
static int64_t cell_sad(const mote_pass_params *p, const int8_t *a,
                        const int8_t *b, int32_t r, int32_t c) {
  int64_t sad = 0;
  int32_t ch, y, x;
  for (ch = 0; ch < p->channels; ++ch)
    for (y = r * p->cell_h; y < (r + 1) * p->cell_h && y < p->height; ++y)
      for (x = c * p->cell_w; x < (c + 1) * p->cell_w && x < p->width; ++x) {
        int32_t i = (ch * p->height + y) * p->width + x;
        sad += abs((int32_t)a[i] - (int32_t)b[i]);
      }
  return sad;
}

static void test_cells_and_one_change(void) {
  mote_pass_params p = {C, H, W, 3, 2, 0, 0};
  int8_t frame[C * H * W], ref[C * H * W];
  int8_t dirty[9];
  int32_t i;
  MOTE_CHECK(&counts, mote_pass_cell_rows(&p) == 3 && mote_pass_cell_cols(&p) == 3,
             "uneven cells: %d x %d", mote_pass_cell_rows(&p), mote_pass_cell_cols(&p));
  for (i = 0; i < C * H * W; ++i)
    frame[i] = (int8_t)(i - 30);
  memset(ref, 0, sizeof ref);
  /* The first frame: everything is recomputed and becomes the reference. */
  MOTE_CHECK(&counts, mote_pass_gate_s8(&p, frame, ref, 1, dirty) == 9, "forced");
  MOTE_CHECK(&counts, memcmp(ref, frame, sizeof ref) == 0, "forced reference");
  MOTE_CHECK(&counts, mote_pass_gate_s8(&p, frame, ref, 0, dirty) == 0, "same frame");
  /* One step in channel 1, row 4, column 4: cell (1, 2) only. */
  frame[(1 * H + 4) * W + 4] += 1;
  MOTE_CHECK(&counts, mote_pass_gate_s8(&p, frame, ref, 0, dirty) == 1, "one change");
  for (i = 0; i < 9; ++i)
    MOTE_CHECK(&counts, dirty[i] == (i == 1 * 3 + 2), "cell %d: %d", i, dirty[i]);
  MOTE_CHECK(&counts, memcmp(ref, frame, sizeof ref) == 0, "reference moved");
}

static void test_accumulation(void) {
  mote_pass_params p = {C, H, W, 3, 2, 5, 0};
  int8_t frame[C * H * W], ref[C * H * W];
  int8_t dirty[9];
  int32_t step, expect[6] = {0, 0, 1, 0, 0, 1};
  memset(frame, 0, sizeof frame);
  mote_pass_gate_s8(&p, frame, ref, 1, dirty);
  /* +2 per frame at one pixel: 2 and 4 stay under the threshold 5, the
   * third frame's 6 crosses it (against the reference, not the previous
   * frame, which differs by 2 only). */
  for (step = 0; step < 6; ++step) {
    frame[0] = (int8_t)(frame[0] + 2);
    MOTE_CHECK(&counts, mote_pass_gate_s8(&p, frame, ref, 0, dirty) == expect[step],
               "frame %d", step);
    MOTE_CHECK(&counts, cell_sad(&p, frame, ref, 0, 0) <= p.threshold,
               "frame %d: lag %lld", step, (long long)cell_sad(&p, frame, ref, 0, 0));
  }
}

/* Random video of small, sparse changes against a brute-force gate. */
static void test_random_video(void) {
  mote_pass_params p = {C, H, W, 2, 3, 7, 0};
  int8_t frame[C * H * W], ref[C * H * W], want_ref[C * H * W];
  int8_t dirty[12];
  int32_t t, i, r, c, rows = mote_pass_cell_rows(&p), cols = mote_pass_cell_cols(&p);
  int32_t wrong = 0, lag = 0, changed_total = 0;
  for (i = 0; i < C * H * W; ++i)
    frame[i] = (int8_t)(next() % 256 - 128);
  mote_pass_gate_s8(&p, frame, ref, 1, dirty);
  for (t = 0; t < 500; ++t) {
    int32_t changes = (int32_t)(next() % 4), count = 0;
    for (i = 0; i < changes; ++i) {
      int32_t at = (int32_t)(next() % (C * H * W)), v = frame[at] + (int32_t)(next() % 7) - 3;
      frame[at] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
    }
    memcpy(want_ref, ref, sizeof ref);
    for (r = 0; r < rows; ++r)
      for (c = 0; c < cols; ++c)
        if (cell_sad(&p, frame, want_ref, r, c) > p.threshold) {
          int32_t ch, y, x;
          ++count;
          for (ch = 0; ch < C; ++ch)
            for (y = r * p.cell_h; y < (r + 1) * p.cell_h && y < H; ++y)
              for (x = c * p.cell_w; x < (c + 1) * p.cell_w && x < W; ++x)
                want_ref[(ch * H + y) * W + x] = frame[(ch * H + y) * W + x];
        }
    {
      int32_t got = mote_pass_gate_s8(&p, frame, ref, 0, dirty);
      wrong += got != count || memcmp(ref, want_ref, sizeof ref) != 0;
      changed_total += got;
    }
    for (r = 0; r < rows; ++r)
      for (c = 0; c < cols; ++c)
        lag += cell_sad(&p, frame, ref, r, c) > p.threshold;
  }
  MOTE_CHECK(&counts, wrong == 0, "%d of 500 frames differ from the brute-force gate", wrong);
  MOTE_CHECK(&counts, lag == 0, "%d cells lag past the threshold", lag);
  MOTE_CHECK(&counts, changed_total > 0, "the video changed no cell");
}

static void test_tile_mask(void) {
  /* A 3 x 3 grid of cells; tile 0 reads rows 0-1 x columns 0-1, tile 1
   * rows 1-2 x column 2, tile 2 row 2 x columns 0-2. */
  const int32_t ranges[12] = {0, 2, 0, 2, 1, 3, 2, 3, 2, 3, 0, 3};
  const int32_t outside[4] = {0, 4, 0, 1}, empty[4] = {1, 1, 0, 1};
  int8_t cells[9] = {0}, tiles[3];
  cells[1 * 3 + 2] = 1; /* row 1, column 2 */
  MOTE_CHECK(&counts, mote_pass_tile_mask(3, ranges, 3, 3, cells, tiles) == 1, "mask");
  MOTE_CHECK(&counts, tiles[0] == 0 && tiles[1] == 1 && tiles[2] == 0, "tiles %d %d %d",
             tiles[0], tiles[1], tiles[2]);
  cells[1 * 3 + 2] = 0;
  cells[1 * 3 + 1] = 1; /* row 1, column 1: tile 0 only */
  MOTE_CHECK(&counts, mote_pass_tile_mask(3, ranges, 3, 3, cells, tiles) == 1 &&
                          tiles[0] == 1 && tiles[1] == 0 && tiles[2] == 0,
             "halo of tile 0");
  MOTE_CHECK(&counts, mote_pass_tile_mask(1, outside, 3, 3, cells, tiles) == -1,
             "a range outside the grid");
  MOTE_CHECK(&counts, mote_pass_tile_mask(1, empty, 3, 3, cells, tiles) == -1,
             "an empty range");
}

static void test_frame(void) {
  /* Cells of 3 x 2 on the 7 x 5 frame: a 3 x 3 grid; tile 0 reads cell
   * rows 0-1, tile 1 cell row 2 (all columns). */
  mote_pass_params p = {C, H, W, 3, 2, 0, 2};
  const int32_t ranges[8] = {0, 2, 0, 3, 2, 3, 0, 3};
  int8_t frame[C * H * W] = {0}, ref[C * H * W] = {0}, cells[9], tiles[2];
  int32_t counters[MOTE_PASS_COUNTERS] = {0};
  /* The first frame recomputes everything though it equals the (zero)
   * reference; the same frame again nothing; a change in the last row
   * tile 1 only. */
  MOTE_CHECK(&counts, mote_pass_frame_s8(&p, ranges, frame, ref, cells, counters, tiles) == MOTE_OK &&
                          tiles[0] == 1 && tiles[1] == 1 && counters[MOTE_PASS_LAST_TILES] == 2,
             "first frame");
  MOTE_CHECK(&counts, mote_pass_frame_s8(&p, ranges, frame, ref, cells, counters, tiles) == MOTE_OK &&
                          tiles[0] == 0 && tiles[1] == 0 && counters[MOTE_PASS_LAST_TILES] == 0,
             "unchanged frame");
  frame[(1 * H + 6) * W + 4] = 3;
  MOTE_CHECK(&counts, mote_pass_frame_s8(&p, ranges, frame, ref, cells, counters, tiles) == MOTE_OK &&
                          tiles[0] == 0 && tiles[1] == 1,
             "change in the last row");
  MOTE_CHECK(&counts, counters[MOTE_PASS_FRAMES] == 3 && counters[MOTE_PASS_TILES_RECOMPUTED] == 3 &&
                          counters[MOTE_PASS_CELLS_CHANGED] == 10,
             "counters %d %d %d", counters[MOTE_PASS_FRAMES],
             counters[MOTE_PASS_TILES_RECOMPUTED], counters[MOTE_PASS_CELLS_CHANGED]);
  p.tiles = 0;
  MOTE_CHECK(&counts, mote_pass_frame_s8(&p, ranges, frame, ref, cells, counters, tiles) ==
                          MOTE_ERROR_ARGUMENT,
             "no tiles");
}

static void test_propagate(void) {
  /* The span before has 2 x 2 tiles; tile 0 of this span reads its row 0,
   * tile 1 its column 1, tile 2 all of it. */
  mote_pass_propagate_params p = {2, 2, 3};
  const int32_t ranges[12] = {0, 1, 0, 2, 0, 2, 1, 2, 0, 2, 0, 2};
  int8_t source[4] = {0, 0, 1, 0}, tiles[3];
  int32_t counters[MOTE_PASS_COUNTERS] = {5, 10, 1, 0};
  MOTE_CHECK(&counts, mote_pass_propagate(&p, ranges, source, counters, tiles) == MOTE_OK &&
                          tiles[0] == 0 && tiles[1] == 0 && tiles[2] == 1,
             "tiles %d %d %d", tiles[0], tiles[1], tiles[2]);
  MOTE_CHECK(&counts, counters[MOTE_PASS_TILES_RECOMPUTED] == 11 && counters[MOTE_PASS_LAST_TILES] == 2 &&
                          counters[MOTE_PASS_FRAMES] == 5,
             "counters");
  p.source_rows = 1; /* ranges now leave the grid */
  MOTE_CHECK(&counts, mote_pass_propagate(&p, ranges, source, counters, tiles) == MOTE_ERROR_ARGUMENT,
             "a range outside the span before");
}

static void test_store(void) {
  /* A 2 x 4 x 5 cache; the tile is 2 x 3 at (1, 2), tile 1 of its span. */
  mote_pass_store_params p = {2, 4, 5, 2, 3, 1, 2, 1, 0};
  int8_t cache[2 * 4 * 5] = {0}, patch[2 * 2 * 3] = {0}, tiles[2] = {1, 1};
  int8_t want[2 * 4 * 5] = {0};
  int i;
  MOTE_CHECK(&counts, mote_pass_store_s8(&p, patch, cache, tiles) == MOTE_OK && tiles[1] == 0 &&
                          tiles[0] == 1,
             "an equal tile is not stored");
  patch[1 * 6 + 1 * 3 + 2] = 4; /* channel 1, row 1, column 2 */
  tiles[1] = 1;
  p.threshold = 4;
  MOTE_CHECK(&counts, mote_pass_store_s8(&p, patch, cache, tiles) == MOTE_OK && tiles[1] == 0 &&
                          memcmp(cache, want, sizeof cache) == 0,
             "a change at the threshold is kept back");
  p.threshold = 3;
  for (i = 0; i < 6; ++i)
    patch[i] = (int8_t)(i - 3);
  MOTE_CHECK(&counts, mote_pass_store_s8(&p, patch, cache, tiles) == MOTE_OK && tiles[1] == 1,
             "a change past the threshold is stored");
  for (i = 0; i < 12; ++i)
    want[((i / 6) * 4 + 1 + (i % 6) / 3) * 5 + 2 + i % 3] = patch[i];
  MOTE_CHECK(&counts, memcmp(cache, want, sizeof cache) == 0, "the window written");
  p.left = 3; /* past the width */
  MOTE_CHECK(&counts, mote_pass_store_s8(&p, patch, cache, tiles) == MOTE_ERROR_ARGUMENT,
             "a window outside the cache");
}

static void test_refused(void) {
  mote_pass_params bad = {C, H, W, 0, 2, 0, 0}, neg = {C, H, W, 2, 2, -1, 0};
  int8_t a[C * H * W] = {0}, b[C * H * W] = {0};
  int8_t d[64];
  MOTE_CHECK(&counts, mote_pass_gate_s8(&bad, a, b, 0, d) == -1, "zero cell");
  MOTE_CHECK(&counts, mote_pass_gate_s8(&neg, a, b, 0, d) == -1, "negative threshold");
  MOTE_CHECK(&counts, mote_pass_cell_rows(&bad) == 0, "no cells");
  MOTE_CHECK(&counts, mote_pass_gate_s8(NULL, a, b, 0, d) == -1, "no parameters");
}

int main(void) {
  test_cells_and_one_change();
  test_accumulation();
  test_random_video();
  test_tile_mask();
  test_frame();
  test_propagate();
  test_store();
  test_refused();
  return mote_test_summary(&counts);
}
