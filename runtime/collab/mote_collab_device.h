/*===- mote_collab_device.h - A device of collaborative learning --*- C -*-===*
 *
 * The loop of a device in split learning (docs/Collaborative.md): per
 * sample, the generated `<name>_device_forward` writes the cut's SGQ
 * packet, the device publishes it with the sample's label to
 * `mote/<device>/features`, waits for the server's gradient packet on
 * `mote/<device>/gradient` (the one with its sequence number) and runs
 * `<name>_device_backward` to train its layers. The generated `collab.c`
 * of a split package fills in the model and calls mote_collab_run.
 *
 * Wire format of a features message: one byte K (labels, 1 to 255), K
 * bytes of class labels, then the SGQ packet. A gradient message is an SGQ
 * packet whose sequence number is that of the features it answers.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_COLLAB_DEVICE_H
#define MOTE_COLLAB_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const char *name;
  size_t input_bytes; /* one sample's float32 input */
  size_t packet_capacity;
  size_t gradient_capacity;
  int32_t (*init_state)(uint8_t *arena);
  int32_t (*forward)(const float *input, const int32_t *sequence,
                     int8_t *packet, int32_t *packet_bytes, uint8_t *arena);
  /* NULL for a device whose layers are frozen. */
  int32_t (*backward)(const float *input, const int8_t *gradient,
                      const int32_t *gradient_bytes, uint8_t *arena);
  /* The cut entries (`--sgq=...,cut_entries`; 0 and NULL without): the
   * cut's float values and the step from a float gradient of the cut, for
   * the baseline codecs of mote_wire.h. */
  size_t cut_elements;
  int32_t (*cut)(const float *input, float *features, uint8_t *arena);
  int32_t (*backward_cut)(const float *input, const float *gradient,
                          uint8_t *arena);
  /* The state image functions of the generated header (--state). */
  uint32_t (*state_image_bytes)(void);
  int32_t (*export_state)(const uint8_t *arena, uint8_t *image,
                          uint32_t capacity, uint32_t *size);
  int32_t (*import_state)(uint8_t *arena, const uint8_t *image, uint32_t size);
  uint8_t *arena;
} mote_collab_model;

/* Runs the device program:
 *
 *   collab HOST PORT DEVICE INPUTS LABELS [--epochs=E] [--limit=N]
 *          [--start=SEQUENCE] [--frozen] [--timeout-ms=T]
 *          [--codec=sgq|float32|uniform:B|topk:P] [--state=FILE]
 *          [--eval=INPUTS,OUT] [--link-bps=N]
 *
 * INPUTS holds float32 samples back to back, LABELS int32 class labels.
 * `--codec` other than sgq (the generated codec) sends the cut's float
 * values with a baseline codec of mote_wire.h: float32, per-tensor
 * uniform B-bit, or the top P percent by magnitude; the server answers in
 * kind. `--state=FILE` keeps the device's weights and its place in the
 * data in FILE after every sample (written whole, then renamed) and
 * resumes from it when it exists, so a device killed mid-run and started
 * again with the same arguments goes on where it stopped. `--eval` writes,
 * after training, the packets the device would send for each sample of
 * INPUTS to OUT (each a 4-byte little-endian length, then the bytes).
 * `--link-bps=N` paces the program as if every MQTT byte, both ways,
 * crossed one link of N bits per second (a radio shared by both
 * directions): the benchmark's constrained link.
 * Prints a line per epoch and the final counts; returns 0 when every
 * sample got its gradient. */
int mote_collab_run(const mote_collab_model *model, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_COLLAB_DEVICE_H */
