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
  uint8_t *arena;
} mote_collab_model;

/* Runs the device program:
 *
 *   collab HOST PORT DEVICE INPUTS LABELS [--epochs=E] [--limit=N]
 *          [--start=SEQUENCE] [--frozen] [--timeout-ms=T]
 *
 * INPUTS holds float32 samples back to back, LABELS int32 class labels.
 * Prints a line per epoch and the final counts; returns 0 when every
 * sample got its gradient. */
int mote_collab_run(const mote_collab_model *model, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_COLLAB_DEVICE_H */
