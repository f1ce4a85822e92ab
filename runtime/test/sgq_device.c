/*===- sgq_device.c - The SGQ codec as a device runs it ------------*- C -*-===*
 *
 * Encodes float features read from a file with a grouping message (as a
 * server or `motec sgq encode --write-grouping` writes it), writes the
 * packet, decodes it again and writes the values: the cross-target test
 * compares both files with motec's, byte for byte. Static buffers only, so
 * the same program runs on the host, on aarch64 Linux and on the Cortex-M
 * boards (files through semihosting). mote_bench_begin/end bracket the
 * encoder for the instruction-count benchmark.
 *
 * Usage: sgq_device FEATURES.f32 GROUPING.msgg BITS STRIPE ROUNDING SEED
 *                   OUT.sgq OUT.f32 BATCH CHANNELS [SPATIAL...]
 *===----------------------------------------------------------------------===*/

#include "mote/mote_sgq.h"
#include "mote_board.h"

#define MAX_ELEMENTS 16384
#define MAX_PACKET 81920

static float features[MAX_ELEMENTS], decoded[MAX_ELEMENTS];
static uint8_t packet[MAX_PACKET], message[8192];
static uint16_t permutation[MOTE_SGQ_MAX_CHANNELS / 8],
    ends[MOTE_SGQ_MAX_CHANNELS / 8];

static uint32_t number(const char *s) {
  uint32_t v = 0;
  while (*s >= '0' && *s <= '9')
    v = v * 10u + (uint32_t)(*s++ - '0');
  return v;
}

static int write_file(const char *path, const void *data, long bytes) {
  mote_board_file *f = mote_board_open(path, 1);
  int status;
  if (!f)
    return 1;
  status = mote_board_write(f, data, bytes);
  return mote_board_close(f) || status;
}

static int fail(const char *what, mote_sgq_error error) {
  mote_board_print("sgq_device: ");
  mote_board_print(what);
  if (error) {
    mote_board_print(": ");
    mote_board_print(error);
  }
  mote_board_print("\n");
  return 1;
}

int mote_main(int argc, char **argv) {
  mote_sgq_config config;
  mote_sgq_shape shape;
  mote_sgq_error error = 0;
  uint32_t elements = 1, i, seed;
  long got;
  size_t bytes = 0;
  if (argc < 11 || argc - 9 > MOTE_SGQ_MAX_RANK)
    return fail("usage: FEATURES GROUPING BITS STRIPE ROUNDING SEED OUT.sgq "
                "OUT.f32 BATCH CHANNELS [SPATIAL...]",
                0);
  shape.rank = (uint32_t)(argc - 9);
  for (i = 0; i < shape.rank; ++i) {
    shape.dims[i] = number(argv[9 + i]);
    elements *= shape.dims[i];
  }
  if (elements > MAX_ELEMENTS)
    return fail("features larger than the program's buffer", 0);
  got = mote_board_read_file(argv[1], features, (long)sizeof features);
  if (got != (long)(elements * sizeof(float)))
    return fail("cannot read the features (or wrong size)", 0);
  got = mote_board_read_file(argv[2], message, (long)sizeof message);
  if (got <= 0)
    return fail("cannot read the grouping message", 0);
  config.bits = (uint8_t)number(argv[3]);
  config.stripe = number(argv[4]);
  config.rounding = (uint8_t)number(argv[5]);
  config.embed_grouping = 1;
  seed = number(argv[6]);
  if (mote_sgq_read_grouping(message, (size_t)got, shape.dims[1], permutation,
                             ends, sizeof permutation / sizeof *permutation,
                             &config.grouping, &error) != MOTE_OK)
    return fail("grouping message refused", error);
  if (mote_sgq_get_buffer_size(&config, &shape) > sizeof packet)
    return fail("packet larger than the program's buffer", 0);
  mote_bench_begin();
  if (mote_sgq_encode_f32(&config, &shape, features, 0, &seed, packet,
                          sizeof packet, &bytes, &error) != MOTE_OK)
    return fail("encode", error);
  mote_bench_end();
  if (mote_sgq_decode_f32(packet, bytes, 0, decoded, MAX_ELEMENTS, &error) !=
      MOTE_OK)
    return fail("decode", error);
  if (write_file(argv[7], packet, (long)bytes) ||
      write_file(argv[8], decoded, (long)(elements * sizeof(float))))
    return fail("cannot write the outputs", 0);
  mote_board_print("sgq_device: encoded and decoded\n");
  return 0;
}
