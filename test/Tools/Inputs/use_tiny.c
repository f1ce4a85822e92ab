/* Uses the generated API of the tiny example: init rejects a small or
 * misaligned arena, accepts a good one, invoke runs the model. */
#include "tiny_qdq_cnn.h"
#include <stdio.h>
static _Alignas(16) uint8_t arena[TINY_QDQ_CNN_ARENA_BYTES];
int main(void) {
  tiny_qdq_cnn_context ctx;
  float img[64] = {0}, scores[4];
  if (tiny_qdq_cnn_init(&ctx, arena, 8) != 1) return 1;
  if (tiny_qdq_cnn_init(&ctx, arena + 1, sizeof arena) != 1) return 2;
  if (tiny_qdq_cnn_init(&ctx, arena, sizeof arena) != 0) return 3;
  if (tiny_qdq_cnn_invoke(&ctx, img, scores) != 0) return 4;
  printf("%g %d\n", TINY_QDQ_CNN_INPUT0_SCALE, TINY_QDQ_CNN_OUTPUT0_ZERO_POINT);
  return 0;
}
