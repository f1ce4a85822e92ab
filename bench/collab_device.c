/*===- collab_device.c - A collaborative device's step, counted ---*- C -*-===*
 *
 * The benchmark harness of bench/collab_bench.py: one sample of the split
 * model `net` (motec compile --split-at --train) as a device runs it, the
 * head's forward with the SGQ encoder between one pair of markers, then
 * the gradient packet's decoding with the head's training step between
 * another, so the instruction-counting plugin prints one total for each.
 * Static buffers only; files through semihosting.
 *
 * Usage: collab_device INPUT.f32 GRADIENT.sgq
 *===----------------------------------------------------------------------===*/

#include "mote_board.h"
#include "net.h"

static _Alignas(16) uint8_t arena[NET_ARENA_BYTES];
static float input[28 * 28];
static int8_t packet[16384], gradient[16384];

int mote_main(int argc, char **argv) {
  int32_t sequence = 1, bytes = 0, gradient_bytes;
  int32_t forward, backward;
  if (argc != 3 || mote_board_read_file(argv[1], input, sizeof input) != sizeof input)
    return 1;
  gradient_bytes = (int32_t)mote_board_read_file(argv[2], gradient, sizeof gradient);
  if (gradient_bytes <= 0 || net_init_state(arena) != 0)
    return 2;
  mote_bench_begin();
  forward = net_device_forward(input, &sequence, packet, &bytes, arena);
  mote_bench_end();
  mote_bench_begin();
  backward = net_device_backward(input, gradient, &gradient_bytes, arena);
  mote_bench_end();
  if (forward != 0 || backward != 0)
    return 3;
  mote_board_print("collab device step done\n");
  return 0;
}
