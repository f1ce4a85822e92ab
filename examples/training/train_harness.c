/* Trains a model compiled with `motec compile --train --name net` on a
 * dataset held in memory (host program: stdio and malloc are the
 * harness's, not the generated code's), in a given sample order, and
 * prints the loss and test accuracy after every epoch.
 *
 *   harness TRAIN_X TRAIN_Y ORDER EPOCHS TEST_X TEST_Y [STATE_IMAGE]
 *
 * TRAIN_X, TEST_X: float32 samples of SAMPLE floats; TRAIN_Y, TEST_Y: int32
 * labels; ORDER: int32 sample indices, EPOCHS x (a multiple of BATCH).
 * Build with -DBATCH=N -DSAMPLE=M -DCLASSES=K (the model's batch, sample
 * size and classes). */
#include "net.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Alignas(16) uint8_t arena[NET_ARENA_BYTES];

static void *load(const char *path, long *bytes) {
  FILE *f = fopen(path, "rb");
  void *data;
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  *bytes = ftell(f);
  fseek(f, 0, SEEK_SET);
  data = malloc(*bytes ? *bytes : 1);
  if (!data || fread(data, 1, *bytes, f) != (size_t)*bytes) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  return data;
}

static float batch_x[BATCH * SAMPLE];
static int32_t batch_y[BATCH];
static float logits[BATCH * CLASSES];

/* Top-1 accuracy of the arena's current weights on the test set. */
static double evaluate(const float *x, const int32_t *y, long count) {
  long i, correct = 0;
  for (i = 0; i < count; i += BATCH) {
    long j, k, n = count - i < BATCH ? count - i : BATCH;
    for (j = 0; j < BATCH; ++j) /* a short last batch repeats samples */
      memcpy(batch_x + j * SAMPLE, x + (i + (j < n ? j : 0)) * SAMPLE,
             sizeof(float) * SAMPLE);
    if (net_infer(batch_x, logits, arena) != 0) {
      fprintf(stderr, "inference failed\n");
      exit(3);
    }
    for (j = 0; j < n; ++j) {
      long best = 0;
      for (k = 1; k < CLASSES; ++k)
        if (logits[j * CLASSES + k] > logits[j * CLASSES + best])
          best = k;
      correct += best == y[i + j];
    }
  }
  return 100.0 * correct / count;
}

int main(int argc, char **argv) {
  long bytes, train_n, test_n, order_n, epochs, per_epoch, e, b, j;
  float *train_x, *test_x;
  int32_t *train_y, *test_y, *order;
  if (argc != 7 && argc != 8) {
    fprintf(stderr, "usage: %s TRAIN_X TRAIN_Y ORDER EPOCHS TEST_X TEST_Y "
                    "[STATE_OUT]\n", argv[0]);
    return 1;
  }
  train_x = load(argv[1], &bytes);
  train_n = bytes / (sizeof(float) * SAMPLE);
  train_y = load(argv[2], &bytes);
  order = load(argv[3], &bytes);
  order_n = bytes / sizeof(int32_t);
  epochs = atol(argv[4]);
  test_x = load(argv[5], &bytes);
  test_n = bytes / (sizeof(float) * SAMPLE);
  test_y = load(argv[6], &bytes);
  per_epoch = epochs > 0 ? order_n / epochs / BATCH : 0;
  net_init_state(arena);
  printf("epoch 0 loss nan accuracy %.2f\n", evaluate(test_x, test_y, test_n));
  for (e = 0; e < epochs; ++e) {
    double total = 0.0;
    for (b = 0; b < per_epoch; ++b) {
      float loss;
      const int32_t *idx = order + (e * per_epoch + b) * BATCH;
      for (j = 0; j < BATCH; ++j) {
        if (idx[j] < 0 || idx[j] >= train_n) {
          fprintf(stderr, "bad index %d\n", idx[j]);
          return 2;
        }
        memcpy(batch_x + j * SAMPLE, train_x + (long)idx[j] * SAMPLE,
               sizeof(float) * SAMPLE);
        batch_y[j] = train_y[idx[j]];
      }
      if (net_train_step(batch_x, batch_y, &loss, arena) != 0) {
        fprintf(stderr, "train step failed\n");
        return 3;
      }
      total += loss;
    }
    printf("epoch %ld loss %.6f accuracy %.2f\n", e + 1,
           per_epoch ? total / per_epoch : 0.0,
           evaluate(test_x, test_y, test_n));
    fflush(stdout);
  }
  if (argc == 8) { /* the checked state image (motec weights reads it) */
    static uint8_t image[NET_STATE_BYTES + 64 * NET_STATE_TENSORS + 64];
    uint32_t size;
    FILE *f = fopen(argv[7], "wb");
    if (net_export_state(arena, image, sizeof image, &size) != 0 || !f ||
        fwrite(image, 1, size, f) != size)
      return 4;
    fclose(f);
  }
  return 0;
}
