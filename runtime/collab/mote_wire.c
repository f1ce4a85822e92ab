/*===- mote_wire.c - Baseline codecs of collaborative learning --*- C -*-===*
 *
 * float32, per-tensor uniform and top-k packets (the layout is in
 * mote_wire.h). Deterministic on every target: the uniform decode's
 * product is exact in double, so fused or separate multiply-adds give the
 * same value, and top-k's ties go to the lower index.
 *===----------------------------------------------------------------------===*/

#include "mote_wire.h"

#include <math.h>
#include <string.h>

#define FAIL(message)                                                          \
  do {                                                                         \
    if (error)                                                                 \
      *error = (message);                                                      \
    return -1;                                                                 \
  } while (0)

void mote_wire_store32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

uint32_t mote_wire_load32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static void put_float(uint8_t *p, float v) {
  uint32_t u;
  memcpy(&u, &v, 4);
  mote_wire_store32(p, u);
}

static float get_float(const uint8_t *p) {
  uint32_t u = mote_wire_load32(p);
  float v;
  memcpy(&v, &u, 4);
  return v;
}

/* The bits that hold every index below `elements`. */
static unsigned index_bits(uint32_t elements) {
  unsigned bits = 1;
  while (bits < 32 && (elements - 1) >> bits)
    ++bits;
  return bits;
}

/* Packing `bits`-wide values from the low bit of each byte. */
static void put_bits(uint8_t *out, uint64_t position, unsigned bits,
                     uint32_t value) {
  unsigned i;
  for (i = 0; i < bits; ++i, ++position)
    if (value >> i & 1u)
      out[position >> 3] |= (uint8_t)(1u << (position & 7));
}

static uint32_t get_bits(const uint8_t *in, uint64_t position, unsigned bits) {
  uint32_t value = 0;
  unsigned i;
  for (i = 0; i < bits; ++i, ++position)
    value |= (uint32_t)(in[position >> 3] >> (position & 7) & 1u) << i;
  return value;
}

/* Whether a uniform packet's step and zero point describe finite values at
 * every code (the encoder and the reader ask the same). */
static int uniform_range_ok(float step, uint32_t zero_point, uint32_t levels) {
  return isfinite(step) && step >= 0.0f && zero_point <= levels &&
         (step > 0.0f || zero_point == 0) &&
         isfinite((float)((double)levels * step));
}

static int valid_config(const mote_wire_config *c, uint32_t elements) {
  if (!c || elements == 0)
    return 0;
  switch (c->codec) {
  case MOTE_WIRE_FLOAT32:
    return c->bits == 32 && c->k == 0;
  case MOTE_WIRE_UNIFORM:
    return (c->bits == 2 || c->bits == 4 || c->bits == 8) && c->k == 0;
  case MOTE_WIRE_TOPK:
    return c->bits == 32 && c->k >= 1 && c->k <= elements;
  default:
    return 0;
  }
}

/* The payload's bytes after the fixed header (in 64 bits: no overflow for
 * any uint32 element count). */
static uint64_t payload_bytes(const mote_wire_config *c, uint32_t elements) {
  switch (c->codec) {
  case MOTE_WIRE_FLOAT32:
    return 4 * (uint64_t)elements;
  case MOTE_WIRE_UNIFORM:
    return 8 + ((uint64_t)elements * c->bits + 7) / 8;
  default:
    return ((uint64_t)c->k * index_bits(elements) + 7) / 8 + 4 * (uint64_t)c->k;
  }
}

size_t mote_wire_packet_bytes(const mote_wire_config *config,
                              uint32_t elements) {
  uint64_t total;
  if (!valid_config(config, elements))
    return 0;
  total = MOTE_WIRE_HEADER_BYTES + payload_bytes(config, elements);
  return total > (uint64_t)(size_t)-1 ? 0 : (size_t)total;
}

/* The smallest magnitude (as the bit pattern of |v|, which orders finite
 * non-negative floats like their values) that at least k values reach. */
static uint32_t topk_threshold(const float *values, uint32_t elements,
                               uint32_t k) {
  uint32_t low = 0, high = 0x7f800000u; /* answer in [low, high) */
  while (high - low > 1) {
    uint32_t middle = low + (high - low) / 2, count = 0, i;
    for (i = 0; i < elements; ++i) {
      uint32_t u;
      memcpy(&u, &values[i], 4);
      count += (u & 0x7fffffffu) >= middle;
    }
    if (count >= k)
      low = middle;
    else
      high = middle;
  }
  return low;
}

int mote_wire_encode(const mote_wire_config *config, const float *values,
                     uint32_t elements, uint32_t sequence, uint8_t *out,
                     size_t capacity, size_t *bytes, const char **error) {
  size_t total = mote_wire_packet_bytes(config, elements);
  uint8_t *payload = out + MOTE_WIRE_HEADER_BYTES;
  uint32_t i;
  if (total == 0)
    FAIL("invalid codec configuration");
  if (!values || !out || !bytes)
    FAIL("null buffer");
  if (capacity < total)
    FAIL("packet buffer too small");
  for (i = 0; i < elements; ++i)
    if (!isfinite(values[i]))
      FAIL("a value to encode is not finite");
  memset(out, 0, total);
  memcpy(out, "MWIR", 4);
  out[4] = 1;
  out[5] = config->codec;
  out[6] = config->bits;
  mote_wire_store32(out + 8, sequence);
  mote_wire_store32(out + 12, elements);
  mote_wire_store32(out + 16, config->k);
  if (config->codec == MOTE_WIRE_FLOAT32) {
    for (i = 0; i < elements; ++i)
      put_float(payload + 4 * (size_t)i, values[i]);
  } else if (config->codec == MOTE_WIRE_UNIFORM) {
    /* The range always holds 0, at an integer zero point: a zero (a
     * ReLU's output, most of a gradient) decodes to exactly 0. */
    uint32_t levels = (1u << config->bits) - 1, zero_point = 0;
    float low = 0.0f, high = 0.0f, step;
    for (i = 0; i < elements; ++i) {
      low = values[i] < low ? values[i] : low;
      high = values[i] > high ? values[i] : high;
    }
    step = (float)(((double)high - (double)low) / levels);
    if (step > 0.0f) {
      double z = floor(-(double)low / step + 0.5);
      zero_point = z > levels ? levels : (uint32_t)z;
    }
    if (!uniform_range_ok(step, zero_point, levels))
      FAIL("the values' range is too wide for float32");
    put_float(payload, step);
    mote_wire_store32(payload + 4, zero_point);
    for (i = 0; i < elements && step > 0.0f; ++i) {
      double q = floor((double)values[i] / step + 0.5) + zero_point;
      uint32_t code = q < 0 ? 0 : q > levels ? levels : (uint32_t)q;
      put_bits(payload + 8, (uint64_t)i * config->bits, config->bits, code);
    }
  } else {
    unsigned ib = index_bits(elements);
    uint8_t *floats = payload + ((uint64_t)config->k * ib + 7) / 8;
    uint32_t threshold = topk_threshold(values, elements, config->k);
    uint32_t above = 0, taken = 0;
    /* All values above the threshold, then those at it from the lowest
     * index, until k. */
    for (i = 0; i < elements; ++i) {
      uint32_t u;
      memcpy(&u, &values[i], 4);
      above += (u & 0x7fffffffu) > threshold;
    }
    for (i = 0; i < elements && taken < config->k; ++i) {
      uint32_t u;
      memcpy(&u, &values[i], 4);
      u &= 0x7fffffffu;
      if (u > threshold || (u == threshold && above < config->k)) {
        if (u == threshold)
          ++above;
        put_bits(payload, (uint64_t)taken * ib, ib, i);
        put_float(floats + 4 * (size_t)taken, values[i]);
        ++taken;
      }
    }
  }
  *bytes = total;
  return 0;
}

int mote_wire_read_header(const uint8_t *packet, size_t length,
                          mote_wire_header *header, const char **error) {
  mote_wire_config c;
  size_t total;
  if (!packet || !header)
    FAIL("null buffer");
  if (length < MOTE_WIRE_HEADER_BYTES || memcmp(packet, "MWIR", 4) != 0)
    FAIL("not a baseline codec packet");
  if (packet[4] != 1 || packet[7] != 0)
    FAIL("unsupported packet version");
  c.codec = packet[5];
  c.bits = packet[6];
  c.k = mote_wire_load32(packet + 16);
  header->codec = c.codec;
  header->bits = c.bits;
  header->sequence = mote_wire_load32(packet + 8);
  header->elements = mote_wire_load32(packet + 12);
  header->k = c.k;
  total = mote_wire_packet_bytes(&c, header->elements);
  if (total == 0)
    FAIL("invalid codec, bits, count or k");
  if (length != total)
    FAIL("packet length does not match its header");
  return 0;
}

int mote_wire_decode(const uint8_t *packet, size_t length, float *values,
                     uint32_t elements, const char **error) {
  mote_wire_header h;
  const uint8_t *payload = packet + MOTE_WIRE_HEADER_BYTES;
  uint32_t i;
  if (mote_wire_read_header(packet, length, &h, error) != 0)
    return -1;
  if (!values)
    FAIL("null buffer");
  if (h.elements != elements)
    FAIL("packet holds another number of values");
  if (h.codec == MOTE_WIRE_FLOAT32) {
    for (i = 0; i < elements; ++i) {
      values[i] = get_float(payload + 4 * (size_t)i);
      if (!isfinite(values[i]))
        FAIL("a value is not finite");
    }
  } else if (h.codec == MOTE_WIRE_UNIFORM) {
    uint32_t levels = (1u << h.bits) - 1;
    uint64_t used = (uint64_t)elements * h.bits;
    float step = get_float(payload);
    uint32_t zero_point = mote_wire_load32(payload + 4);
    if (!uniform_range_ok(step, zero_point, levels))
      FAIL("invalid step or zero point");
    if (used % 8 && payload[8 + used / 8] >> (used % 8))
      FAIL("padding bits are not zero");
    for (i = 0; i < elements; ++i) {
      uint32_t code = get_bits(payload + 8, (uint64_t)i * h.bits, h.bits);
      if (step == 0.0f && code != 0)
        FAIL("a code above zero with a zero step");
      /* (code - zero point) x step is exact in double: the same value with
       * or without a fused multiply-add, and exactly 0 at the zero point. */
      values[i] =
          (float)((double)((int32_t)code - (int32_t)zero_point) * (double)step);
    }
  } else {
    unsigned ib = index_bits(elements);
    uint64_t used = (uint64_t)h.k * ib;
    const uint8_t *floats = payload + (used + 7) / 8;
    uint32_t next = 0;
    if (used % 8 && payload[used / 8] >> (used % 8))
      FAIL("padding bits are not zero");
    memset(values, 0, (size_t)elements * sizeof *values);
    for (i = 0; i < h.k; ++i) {
      uint32_t index = get_bits(payload, (uint64_t)i * ib, ib);
      float v = get_float(floats + 4 * (size_t)i);
      if (index < next || index >= elements)
        FAIL("indices are not increasing within the tensor");
      if (!isfinite(v))
        FAIL("a value is not finite");
      values[index] = v;
      next = index + 1;
    }
  }
  return 0;
}
