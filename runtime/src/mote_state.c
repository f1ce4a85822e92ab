/*===- mote_state.c - State images ---------------------------------------===*
 *
 * Export and import of a trainable model's state as a checked image
 * (magic, version, layout fingerprint, CRC-32).
 *===----------------------------------------------------------------------===*/

#include "mote/mote_train.h"

#define MOTE_STATE_MAGIC 0x53544f4du /* "MOTS" little-endian */
#define MOTE_STATE_VERSION 1u
#define MOTE_STATE_HEADER_WORDS 6u

static uint32_t name_length(const char *name) {
  uint32_t n = 0;
  while (name[n])
    ++n;
  return n;
}

static uint32_t fnv1a(uint32_t h, const void *data, uint32_t bytes) {
  const uint8_t *p = (const uint8_t *)data;
  uint32_t i;
  for (i = 0; i < bytes; ++i)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static uint32_t crc32(const uint8_t *data, uint32_t bytes) {
  uint32_t crc = 0xffffffffu, i;
  int k;
  for (i = 0; i < bytes; ++i) {
    crc ^= data[i];
    for (k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void put_word(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_word(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint32_t fingerprint(const char *model, const mote_state_tensor *table,
                            int32_t count) {
  uint32_t h = fnv1a(2166136261u, model, name_length(model) + 1);
  int32_t i;
  for (i = 0; i < count; ++i) {
    uint8_t words[12];
    h = fnv1a(h, table[i].name, name_length(table[i].name) + 1);
    put_word(words, table[i].offset);
    put_word(words + 4, table[i].elements);
    put_word(words + 8, table[i].trained);
    h = fnv1a(h, words, sizeof words);
  }
  return h;
}

uint32_t mote_state_image_bytes(const char *model,
                                const mote_state_tensor *table, int32_t count,
                                uint32_t state_bytes) {
  uint32_t bytes = 4 * MOTE_STATE_HEADER_WORDS + state_bytes;
  int32_t i;
  (void)model;
  for (i = 0; i < count; ++i)
    bytes += 16 + (name_length(table[i].name) + 3) / 4 * 4;
  return bytes;
}

mote_status mote_state_export(const char *model,
                              const mote_state_tensor *table, int32_t count,
                              uint32_t state_bytes, const uint8_t *arena,
                              uint8_t *image, uint32_t capacity,
                              uint32_t *size) {
  uint32_t bytes, at, i, n;
  int32_t t;
  if (!model || !table || count < 0 || !arena || !image || !size)
    return MOTE_ERROR_ARGUMENT;
  bytes = mote_state_image_bytes(model, table, count, state_bytes);
  if (capacity < bytes)
    return MOTE_ERROR_ARGUMENT;
  put_word(image, MOTE_STATE_MAGIC);
  put_word(image + 4, MOTE_STATE_VERSION);
  put_word(image + 8, fingerprint(model, table, count));
  put_word(image + 12, (uint32_t)count);
  put_word(image + 16, state_bytes);
  put_word(image + 20, crc32(arena, state_bytes));
  at = 4 * MOTE_STATE_HEADER_WORDS;
  for (t = 0; t < count; ++t) {
    n = name_length(table[t].name);
    put_word(image + at, n);
    at += 4;
    for (i = 0; i < (n + 3) / 4 * 4; ++i)
      image[at + i] = i < n ? (uint8_t)table[t].name[i] : 0;
    at += (n + 3) / 4 * 4;
    put_word(image + at, table[t].offset);
    put_word(image + at + 4, table[t].elements);
    put_word(image + at + 8, table[t].trained);
    at += 12;
  }
  for (i = 0; i < state_bytes; ++i)
    image[at + i] = arena[i];
  *size = bytes;
  return MOTE_OK;
}

mote_status mote_state_import(const char *model,
                              const mote_state_tensor *table, int32_t count,
                              uint32_t state_bytes, uint8_t *arena,
                              const uint8_t *image, uint32_t size) {
  uint32_t bytes, at, i;
  if (!model || !table || count < 0 || !arena || (!image && size))
    return MOTE_ERROR_ARGUMENT;
  if (size < 4 * MOTE_STATE_HEADER_WORDS ||
      get_word(image) != MOTE_STATE_MAGIC ||
      get_word(image + 4) != MOTE_STATE_VERSION)
    return MOTE_ERROR_FORMAT;
  if (get_word(image + 8) != fingerprint(model, table, count) ||
      get_word(image + 12) != (uint32_t)count ||
      get_word(image + 16) != state_bytes)
    return MOTE_ERROR_MODEL;
  bytes = mote_state_image_bytes(model, table, count, state_bytes);
  if (size != bytes)
    return MOTE_ERROR_CORRUPT;
  /* The directory must be this model's, entry by entry (the fingerprint
   * could collide). */
  at = 4 * MOTE_STATE_HEADER_WORDS;
  for (i = 0; i < (uint32_t)count; ++i) {
    uint32_t n = name_length(table[i].name), k;
    if (get_word(image + at) != n)
      return MOTE_ERROR_MODEL;
    at += 4;
    for (k = 0; k < n; ++k)
      if (image[at + k] != (uint8_t)table[i].name[k])
        return MOTE_ERROR_MODEL;
    at += (n + 3) / 4 * 4;
    if (get_word(image + at) != table[i].offset ||
        get_word(image + at + 4) != table[i].elements ||
        get_word(image + at + 8) != table[i].trained)
      return MOTE_ERROR_MODEL;
    at += 12;
  }
  if (crc32(image + at, state_bytes) != get_word(image + 20))
    return MOTE_ERROR_CORRUPT;
  for (i = 0; i < state_bytes; ++i)
    arena[i] = image[at + i];
  return MOTE_OK;
}
