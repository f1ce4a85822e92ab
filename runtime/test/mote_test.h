/*===- mote_test.h - A tiny C test harness ------------------------*- C -*-===*
 *
 * MOTE_CHECK records a failure with its line; mote_test_summary prints the
 * closing line "N passed, N failed" and returns the exit code.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_TEST_H
#define MOTE_TEST_H

#include <stdio.h>

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
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);  \
      fprintf(stderr, __VA_ARGS__);                                            \
      fprintf(stderr, "\n");                                                   \
    }                                                                          \
  } while (0)

static int mote_test_summary(const mote_test_counts *counts) {
  printf("%ld passed, %ld failed\n", counts->passed, counts->failed);
  return counts->failed ? 1 : 0;
}

#endif /* MOTE_TEST_H */
