/*===- mote_wire.h - Baseline codecs of collaborative learning -*- C -*-===*
 *
 * The codecs SGQ is compared with in the collaborative-learning harness
 * (docs/Collaborative.md): the cut's float values sent as they are
 * (float32), per-tensor uniform B-bit quantization over the tensor's
 * range and 0, with an integer zero point as affine quantization has it
 * (uniform), and the K values largest in magnitude
 * with their positions (top-k). The device program and the server
 * (python/mote_collab/wire.py, through ctypes) run this same file, so both
 * sides see the same bytes and the same decoded values.
 *
 * A packet, all fields little-endian:
 *
 *   offset  0  "MWIR"
 *           4  version (1), codec, bits, 0
 *           8  sequence number (uint32)
 *          12  elements (uint32)
 *          16  k (uint32): top-k's count, 0 for the other codecs
 *          20  float32: elements x float32
 *              uniform: step (float32), zero point (uint32), then the
 *                       codes, `bits` each, packed from the low bit of each
 *                       byte; a code q stands for (q - zero point) x step,
 *                       and the range always holds 0 exactly
 *              top-k:   k indices, strictly increasing, packed at the
 *                       bits that `elements - 1` needs, then k float32
 *                       values
 *
 * Every packet is untrusted: a reader checks the magic, version, codec,
 * the length the fields imply, that every float is finite, every code and
 * index in range, and never reads or writes outside the buffers it is
 * given. No heap, no globals.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_WIRE_H
#define MOTE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  MOTE_WIRE_FLOAT32 = 0,
  MOTE_WIRE_UNIFORM = 1,
  MOTE_WIRE_TOPK = 2,
  MOTE_WIRE_HEADER_BYTES = 20
};

typedef struct {
  uint8_t codec; /* MOTE_WIRE_* */
  uint8_t bits;  /* uniform: 2, 4 or 8; float32 and top-k: 32 */
  uint32_t k;    /* top-k: values kept, 1 to the element count */
} mote_wire_config;

typedef struct {
  uint8_t codec, bits;
  uint32_t sequence, elements, k;
} mote_wire_header;

/* The bytes of a packet of `elements` values under `config`, or 0 when the
 * configuration is invalid for that many elements. */
size_t mote_wire_packet_bytes(const mote_wire_config *config,
                              uint32_t elements);

/* Encodes `values` (finite) into `out` (`capacity` bytes); the packet's
 * length in `*bytes`. Returns 0, or -1 with `*error` set (error may be
 * NULL). */
int mote_wire_encode(const mote_wire_config *config, const float *values,
                     uint32_t elements, uint32_t sequence, uint8_t *out,
                     size_t capacity, size_t *bytes, const char **error);

/* Reads and checks the header of a packet of `length` bytes, including
 * that `length` is exactly what its fields imply. Returns 0 or -1. */
int mote_wire_read_header(const uint8_t *packet, size_t length,
                          mote_wire_header *header, const char **error);

/* Decodes a packet into `values` (`elements` floats: the packet must hold
 * exactly that many). Returns 0, or -1 with `values` unspecified. */
int mote_wire_decode(const uint8_t *packet, size_t length, float *values,
                     uint32_t elements, const char **error);

/* The little-endian 32-bit fields of this layout, also used by the device
 * program's state file. */
void mote_wire_store32(uint8_t *bytes, uint32_t value);
uint32_t mote_wire_load32(const uint8_t *bytes);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_WIRE_H */
