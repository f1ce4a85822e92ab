/* The example of docs/TFLiteImport.md ("Coming from TensorFlow Lite
 * Micro"): int8 features in, int8 scores out, through the package's float
 * boundary. Reads 490 int8 values from argv[1], writes 12 to argv[2]. */
#include <math.h>
#include <stdio.h>

#include "kws.h"

static _Alignas(16) uint8_t arena[KWS_ARENA_BYTES];

int classify(const int8_t features[490], int8_t scores[12]) {
  kws_context ctx;
  float x[490], y[12];
  if (kws_init(&ctx, arena, sizeof arena) != 0)
    return -1;
  for (int i = 0; i < 490; ++i)
    x[i] = KWS_INPUT0_SCALE * (float)(features[i] - KWS_INPUT0_ZERO_POINT);
  if (kws_invoke(&ctx, x, y) != 0)
    return -1;
  for (int i = 0; i < 12; ++i)
    scores[i] = (int8_t)(lroundf(y[i] / KWS_OUTPUT0_SCALE) + KWS_OUTPUT0_ZERO_POINT);
  return 0;
}

int main(int argc, char **argv) {
  int8_t features[490], scores[12];
  FILE *in, *out;
  if (argc != 3 || !(in = fopen(argv[1], "rb")) ||
      fread(features, 1, sizeof features, in) != sizeof features)
    return 2;
  fclose(in);
  if (classify(features, scores) != 0 || !(out = fopen(argv[2], "wb")))
    return 1;
  fwrite(scores, 1, sizeof scores, out);
  fclose(out);
  return 0;
}
