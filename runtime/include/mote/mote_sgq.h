/*===- mote_sgq.h - Stripe-wise group quantization codec ----------*- C -*-===*
 *
 * SGQ compresses the features a device sends at the cut of a split model,
 * and the gradients that come back (docs/SGQ.md). Channels are taken in the
 * order of a permutation and cut into groups; per sample, a group has an
 * origin (its smallest value) and a step. Each channel plane is cut into
 * stripes of `stripe` elements: an all-zero stripe costs a 2-bit flag, a
 * flat one a flag and a base (of the bits the packet's largest base needs,
 * at most 16), any other a flag, `bits` bits per element and a base unless
 * the base is 0. An element decodes to origin + (base + 4 * code) * step /
 * 4, where the step has at most 7 significant bits so that this is
 * exact arithmetic on every target: the packets and the decoded values are
 * bit-identical everywhere.
 *
 * The packet is a FlatBuffers message of schema/mote_sgq.fbs, written into
 * a caller buffer of at least mote_sgq_get_buffer_size() bytes and read
 * back with every offset, length and count checked. No allocation, no
 * globals, no libm.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_SGQ_H
#define MOTE_SGQ_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_SGQ_MAX_RANK 6
/* The permutation marks visited entries in their top bit when it is
 * checked, so channel indices stay below 2^15. */
#define MOTE_SGQ_MAX_CHANNELS 32767

#define MOTE_SGQ_NEAREST 0
#define MOTE_SGQ_STOCHASTIC 1

#define MOTE_SGQ_SOURCE_F32 0
#define MOTE_SGQ_SOURCE_S8 1

/* The channel order and groups, as the compiler (or a server's grouping
 * message) chose them: position p holds channel permutation[p]; group g
 * holds positions [group_ends[g - 1], group_ends[g]), the last end being
 * the channel count. */
typedef struct {
  uint32_t id;
  uint32_t channels;
  uint32_t groups;
  const uint16_t *permutation;
  const uint16_t *group_ends;
} mote_sgq_grouping;

typedef struct {
  uint32_t rank; /* 2 to MOTE_SGQ_MAX_RANK: batch, channels, spatial... */
  uint32_t dims[MOTE_SGQ_MAX_RANK];
} mote_sgq_shape;

typedef struct {
  uint8_t bits;     /* 2, 4 or 8 */
  uint8_t rounding; /* MOTE_SGQ_NEAREST or MOTE_SGQ_STOCHASTIC */
  /* Write the grouping into each packet (a receiver without it can then
   * decode); otherwise packets carry only its id. */
  uint8_t embed_grouping;
  uint32_t stripe; /* elements per stripe, at least 1 */
  mote_sgq_grouping grouping;
} mote_sgq_config;

/* What a packet's header says. */
typedef struct {
  uint8_t source; /* MOTE_SGQ_SOURCE_F32 or MOTE_SGQ_SOURCE_S8 */
  uint8_t bits;
  uint8_t rounding;
  uint8_t has_grouping;
  uint32_t groups;
  uint32_t stripe;
  uint32_t grouping_id;
  uint32_t sequence;
  float scale; /* int8 source: real = scale * (q - zero_point) */
  int32_t zero_point;
  mote_sgq_shape shape;
  uint32_t elements; /* product of the shape */
  /* Bytes of the packet's payload: codes, and the metadata (flags, bases,
   * origins, steps, grouping and the FlatBuffers header). */
  uint32_t code_bytes;
  uint32_t metadata_bytes;
  uint32_t zero_stripes, flat_stripes, coded_stripes;
} mote_sgq_header;

/* Why the last call failed: a constant string, or NULL. */
typedef const char *mote_sgq_error;

/* The grouping of `groups` groups of (nearly) equal size in channel order:
 * fills `group_ends` (groups entries); the permutation is the identity. */
mote_status mote_sgq_equal_groups(uint32_t channels, uint32_t groups,
                                  uint16_t *group_ends);

/* Largest packet `config` can produce for features of `shape`, or 0 when
 * the configuration or the shape is invalid. */
size_t mote_sgq_get_buffer_size(const mote_sgq_config *config,
                                const mote_sgq_shape *shape);

/* Encodes `features` (C order, `shape`) into `packet` (capacity bytes) and
 * sets `*packet_bytes`. `seed` is the state of the stochastic rounding's
 * generator (updated; unused when rounding to nearest). Non-finite
 * features are refused. */
mote_status mote_sgq_encode_f32(const mote_sgq_config *config,
                                const mote_sgq_shape *shape,
                                const float *features, uint32_t sequence,
                                uint32_t *seed, uint8_t *packet,
                                size_t capacity, size_t *packet_bytes,
                                mote_sgq_error *error);
/* The same for int8 features q with real value scale * (q - zero_point);
 * with 8 bits the int8 values survive exactly. */
mote_status mote_sgq_encode_s8(const mote_sgq_config *config,
                               const mote_sgq_shape *shape,
                               const int8_t *features, float scale,
                               int32_t zero_point, uint32_t sequence,
                               uint32_t *seed, uint8_t *packet, size_t capacity,
                               size_t *packet_bytes, mote_sgq_error *error);

/* Checks the packet's structure and header (not yet the payload). */
mote_status mote_sgq_read_header(const uint8_t *packet, size_t bytes,
                                 mote_sgq_header *header,
                                 mote_sgq_error *error);

/* Decodes a packet into `output` (capacity elements, at least the shape's
 * product). `grouping` is used when the packet carries none; it must then
 * have the packet's grouping id, channels and groups. The real values are
 * written (an int8 source's scale applied). Every length and count is
 * checked; a bad packet leaves `output` unspecified but touches nothing
 * outside it. */
mote_status mote_sgq_decode_f32(const uint8_t *packet, size_t bytes,
                                const mote_sgq_grouping *grouping,
                                float *output, size_t capacity,
                                mote_sgq_error *error);
/* The int8 values of an int8-source packet (its zero point added). */
mote_status mote_sgq_decode_s8(const uint8_t *packet, size_t bytes,
                               const mote_sgq_grouping *grouping,
                               int8_t *output, size_t capacity,
                               mote_sgq_error *error);

/* A grouping message (identifier "MSGG") for `grouping`. */
size_t mote_sgq_grouping_size(uint32_t channels, uint32_t groups);
mote_status mote_sgq_write_grouping(const mote_sgq_grouping *grouping,
                                    uint8_t *message, size_t capacity,
                                    size_t *message_bytes,
                                    mote_sgq_error *error);
/* Reads and checks a grouping message for `channels` channels into the
 * caller's arrays (capacity entries each); `*grouping` points at them. */
mote_status mote_sgq_read_grouping(const uint8_t *message, size_t bytes,
                                   uint32_t channels, uint16_t *permutation,
                                   uint16_t *group_ends, uint32_t capacity,
                                   mote_sgq_grouping *grouping,
                                   mote_sgq_error *error);

/*--- Kernel entry points ----------------------------------------------------*
 * What generated code calls for `mote.sgq_encode` and `mote.sgq_decode`:
 * the configuration as an ABI parameter block, the grouping as constant
 * arrays (channel indices below 2^15, so int16 and uint16 agree), buffers
 * last. Stochastic rounding is seeded from an FNV-1a hash of the features
 * and the sequence number: runs reproduce, packets differ. */
mote_status mote_sgq_encode_f32_kernel(const mote_sgq_params *p,
                                       const int16_t *permutation,
                                       const int16_t *group_ends,
                                       const float *features,
                                       const int32_t *sequence, int8_t *packet,
                                       int32_t *packet_bytes);
mote_status mote_sgq_encode_s8_kernel(const mote_sgq_params *p, float scale,
                                      int32_t zero_point,
                                      const int16_t *permutation,
                                      const int16_t *group_ends,
                                      const int8_t *features,
                                      const int32_t *sequence, int8_t *packet,
                                      int32_t *packet_bytes);
/* Decodes `*packet_bytes` bytes of `packet`, which must hold features of
 * exactly the block's shape (and the block's grouping id unless the packet
 * carries its grouping). */
mote_status
mote_sgq_decode_f32_kernel(const mote_sgq_params *p, const int16_t *permutation,
                           const int16_t *group_ends, const int8_t *packet,
                           const int32_t *packet_bytes, float *features);

/* The same with a grouping read at run time (a server's grouping message
 * replacing the compiled one): its id, and `grouping` holding the
 * permutation (channels entries) then the group ends (the block's group
 * count). The codec checks it: an entry that is not a channel or ends that
 * do not increase to the channel count fail the call. */
mote_status mote_sgq_encode_f32_grouping_kernel(
    const mote_sgq_params *p, const int32_t *grouping_id,
    const int16_t *grouping, const float *features, const int32_t *sequence,
    int8_t *packet, int32_t *packet_bytes);
mote_status mote_sgq_encode_s8_grouping_kernel(
    const mote_sgq_params *p, float scale, int32_t zero_point,
    const int32_t *grouping_id, const int16_t *grouping, const int8_t *features,
    const int32_t *sequence, int8_t *packet, int32_t *packet_bytes);
mote_status mote_sgq_decode_f32_grouping_kernel(const mote_sgq_params *p,
                                                const int32_t *grouping_id,
                                                const int16_t *grouping,
                                                const int8_t *packet,
                                                const int32_t *packet_bytes,
                                                float *features);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_SGQ_H */
