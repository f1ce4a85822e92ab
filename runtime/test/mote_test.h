/*===- mote_test.h - A tiny C test harness ------------------------*- C -*-===*
 *
 * MOTE_CHECK records a failure with its line; mote_test_summary prints the
 * closing line "N passed, N failed" and returns the exit code. Built with
 * -DMOTE_TEST_BOARD for a Cortex-M board, it prints through the board's
 * semihosting (runtime/boards/mote_board.h) instead of stdio, and the test
 * names its entry point MOTE_TEST_MAIN.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_TEST_H
#define MOTE_TEST_H

#include <stdio.h>

#ifdef MOTE_TEST_BOARD
#include "mote_board.h"
#define MOTE_TEST_PRINT(...)                                                   \
  do {                                                                         \
    char mote_test_line_[256];                                                 \
    snprintf(mote_test_line_, sizeof mote_test_line_, __VA_ARGS__);            \
    mote_board_print(mote_test_line_);                                         \
  } while (0)
#define MOTE_TEST_ERROR MOTE_TEST_PRINT
#define MOTE_TEST_MAIN int mote_main(int argc, char **argv)
#else
#define MOTE_TEST_PRINT(...) printf(__VA_ARGS__)
#define MOTE_TEST_ERROR(...) fprintf(stderr, __VA_ARGS__)
#define MOTE_TEST_MAIN int main(int argc, char **argv)
#endif

typedef struct {
  long passed;
  long failed;
} mote_test_counts;

#define MOTE_CHECK(counts, cond, ...)                                          \
  do {                                                                         \
    if (cond) {                                                                \
      (counts)->passed++;                                                      \
    } else {                                                                   \
      (counts)->failed++;                                                      \
      MOTE_TEST_ERROR("%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      MOTE_TEST_ERROR(__VA_ARGS__);                                            \
      MOTE_TEST_ERROR("\n");                                                   \
    }                                                                          \
  } while (0)

static int mote_test_summary(const mote_test_counts *counts) {
  MOTE_TEST_PRINT("%ld passed, %ld failed\n", counts->passed, counts->failed);
  return counts->failed ? 1 : 0;
}

#endif /* MOTE_TEST_H */
