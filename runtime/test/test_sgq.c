/*===- test_sgq.c - The SGQ codec against its contract ------------*- C -*-===*
 *
 * Round trips within half a step of each element's (group, stripe) block,
 * exact 8-bit int8 round trips, zero and flat stripes, unbiased stochastic
 * rounding, deterministic packets, grouping messages, and hostile packets
 * (every truncation, every single-bit flip, lying lengths) that must be
 * refused or decoded without leaving the output buffer (ASan watches).
 *===----------------------------------------------------------------------===*/

#include "mote/mote_sgq.h"
#include "mote_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng_state = 12345u;
static uint32_t next_u32(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}
static float uniform(float lo, float hi) {
  return lo + (hi - lo) * (float)(next_u32() >> 8) * (1.0f / 16777216.0f);
}

/* Feature kinds: post-ReLU with smooth regions and zeros, signed, and
 * channels of very different ranges (where grouping matters). */
static void make_features(float *x, uint32_t batch, uint32_t channels,
                          uint32_t plane, int kind) {
  uint32_t b, c, i;
  for (b = 0; b < batch; ++b)
    for (c = 0; c < channels; ++c) {
      float range = kind == 2 ? (float)(1u << (c % 7u)) * 0.1f : 1.0f;
      for (i = 0; i < plane; ++i) {
        /* A triangle wave plus noise. */
        uint32_t phase = (i * 3u + 7u * c) % 64u;
        float wave = (float)(phase < 32u ? phase : 64u - phase) / 16.0f - 1.0f;
        float v = range * (wave + uniform(-0.2f, 0.2f));
        x[(b * channels + c) * plane + i] =
            kind == 0 ? (v > 0.3f ? v : 0.0f) : v;
      }
    }
}

static uint32_t read_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
/* Flag `stripe` of a packet the runtime wrote (the flags offset in table
 * slot 48). */
static uint32_t packet_flag(const uint8_t *packet, uint32_t stripe) {
  uint32_t slot = 52u + 48u, at = slot + read_u32(packet + slot);
  return (packet[at + 4u + stripe / 4u] >> (2u * (stripe % 4u))) & 3u;
}
/* The steps vector of a packet the runtime wrote (its fixed layout: the
 * table at byte 52, the steps offset in table slot 44; a step is the high
 * half of its float bits). */
static float packet_step(const uint8_t *packet, uint32_t block) {
  uint32_t slot = 52u + 44u, at = slot + read_u32(packet + slot);
  uint32_t bits = ((uint32_t)packet[at + 4u + 2u * block] |
                   (uint32_t)packet[at + 5u + 2u * block] << 8)
                  << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

typedef struct {
  uint32_t batch, channels, plane, stripe, groups, bits, rounding;
  int kind, permuted, embed;
} sgq_case;

static void config_of(const sgq_case *k, mote_sgq_config *config,
                      mote_sgq_shape *shape, uint16_t *perm, uint16_t *ends) {
  uint32_t c;
  memset(config, 0, sizeof *config);
  config->bits = (uint8_t)k->bits;
  config->rounding = (uint8_t)k->rounding;
  config->embed_grouping = (uint8_t)k->embed;
  config->stripe = k->stripe;
  config->grouping.id = 7u;
  config->grouping.channels = k->channels;
  config->grouping.groups = k->groups;
  mote_sgq_equal_groups(k->channels, k->groups, ends);
  for (c = 0; c < k->channels; ++c)
    perm[c] =
        (uint16_t)(k->permuted ? (2u * k->channels + 2u - c) % k->channels : c);
  config->grouping.permutation = perm;
  config->grouping.group_ends = ends;
  shape->rank = 3;
  shape->dims[0] = k->batch;
  shape->dims[1] = k->channels;
  shape->dims[2] = k->plane;
}

/* Position of channel c in the permutation, and its group. */
static uint32_t group_of(const mote_sgq_config *config, uint32_t c) {
  uint32_t p = 0, g = 0;
  while (config->grouping.permutation[p] != c)
    ++p;
  while (config->grouping.group_ends[g] <= p)
    ++g;
  return g;
}

static void check_round_trip(mote_test_counts *t, const sgq_case *k) {
  mote_sgq_config config;
  mote_sgq_shape shape;
  mote_sgq_header header;
  mote_sgq_error error = 0;
  uint16_t perm[64], ends[64];
  uint32_t n = k->batch * k->channels * k->plane, i, seed = 99u, worst = 0;
  float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  size_t capacity, bytes = 0;
  uint8_t *packet;
  mote_status st;

  config_of(k, &config, &shape, perm, ends);
  make_features(x, k->batch, k->channels, k->plane, k->kind);
  capacity = mote_sgq_get_buffer_size(&config, &shape);
  packet = malloc(capacity);
  st = mote_sgq_encode_f32(&config, &shape, x, 5u, &seed, packet, capacity,
                           &bytes, &error);
  MOTE_CHECK(t, st == MOTE_OK, "encode: %s", error ? error : "");
  MOTE_CHECK(t, bytes <= capacity, "%zu > %zu", bytes, capacity);
  st = mote_sgq_read_header(packet, bytes, &header, &error);
  MOTE_CHECK(t, st == MOTE_OK, "header: %s", error ? error : "");
  MOTE_CHECK(t,
             header.sequence == 5u && header.bits == k->bits &&
                 header.elements == n && header.has_grouping == k->embed,
             "header fields");
  st = mote_sgq_decode_f32(packet, bytes, k->embed ? 0 : &config.grouping, y, n,
                           &error);
  MOTE_CHECK(t, st == MOTE_OK, "decode: %s", error ? error : "");
  for (i = 0; i < n && st == MOTE_OK; ++i) {
    uint32_t c = (i / k->plane) % k->channels, b = i / k->plane / k->channels;
    float step = packet_step(packet, b * k->groups + group_of(&config, c));
    /* Half a step, and the one rounding of the decoder's addition. */
    float bound =
        0.5f * step * (k->rounding ? 2.0f : 1.0f) + fabsf(x[i]) * 1.2e-7f;
    if (fabsf(x[i] - y[i]) > bound) {
      ++worst;
      if (worst < 4)
        fprintf(stderr, "element %u: %g decoded %g, step %g\n", i, x[i], y[i],
                step);
    }
  }
  MOTE_CHECK(t, worst == 0, "%u elements beyond the bound (bits %u, stripe %u)",
             worst, k->bits, k->stripe);
  /* The same input and seed give the same bytes. */
  {
    uint8_t *again = malloc(capacity);
    size_t again_bytes = 0;
    seed = 99u;
    mote_sgq_encode_f32(&config, &shape, x, 5u, &seed, again, capacity,
                        &again_bytes, &error);
    MOTE_CHECK(t, again_bytes == bytes && !memcmp(again, packet, bytes),
               "packets differ between two identical encodes");
    free(again);
  }
  free(packet);
  free(x);
  free(y);
}

static void check_int8_exact(mote_test_counts *t) {
  enum { B = 2, C = 6, N = 50 };
  int8_t q[B * C * N], back[B * C * N];
  float real[B * C * N];
  uint16_t ends[3];
  mote_sgq_config config;
  mote_sgq_shape shape = {3, {B, C, N}};
  mote_sgq_error error = 0;
  uint8_t packet[4096];
  size_t bytes = 0;
  uint32_t i, bad = 0;
  memset(&config, 0, sizeof config);
  config.bits = 8;
  config.stripe = 16;
  config.embed_grouping = 1;
  config.grouping.channels = C;
  config.grouping.groups = 3;
  config.grouping.group_ends = ends;
  mote_sgq_equal_groups(C, 3, ends);
  for (i = 0; i < B * C * N; ++i)
    q[i] = (int8_t)(i % 3u == 0 ? -5 : (int32_t)(next_u32() % 256u) - 128);
  MOTE_CHECK(t, mote_sgq_get_buffer_size(&config, &shape) <= sizeof packet,
             "buffer size");
  MOTE_CHECK(t,
             mote_sgq_encode_s8(&config, &shape, q, 0.125f, -5, 0, 0, packet,
                                sizeof packet, &bytes, &error) == MOTE_OK,
             "encode: %s", error ? error : "");
  MOTE_CHECK(t,
             mote_sgq_decode_s8(packet, bytes, 0, back, B * C * N, &error) ==
                 MOTE_OK,
             "decode: %s", error ? error : "");
  MOTE_CHECK(t,
             mote_sgq_decode_f32(packet, bytes, 0, real, B * C * N, &error) ==
                 MOTE_OK,
             "decode f32: %s", error ? error : "");
  for (i = 0; i < B * C * N; ++i)
    bad += back[i] != q[i] || real[i] != 0.125f * (float)(q[i] + 5);
  MOTE_CHECK(t, bad == 0, "%u int8 values changed at 8 bits", bad);
  MOTE_CHECK(t,
             mote_sgq_decode_s8(packet, bytes, 0, back, B * C * N - 1,
                                &error) != MOTE_OK,
             "output smaller than the shape accepted");
}

static void check_zero_and_flat(mote_test_counts *t) {
  enum { C = 4, N = 64 };
  float x[C * N], y[C * N];
  uint16_t ends[1] = {C};
  mote_sgq_config config;
  mote_sgq_shape shape = {4, {1, C, 8, 8}};
  mote_sgq_header h;
  mote_sgq_error error = 0;
  uint8_t packet[2048];
  size_t bytes = 0;
  uint32_t i;
  memset(&config, 0, sizeof config);
  config.bits = 4;
  config.stripe = 16;
  config.grouping.channels = C;
  config.grouping.groups = 1;
  config.grouping.group_ends = ends;
  /* Channel 0 zero, channel 1 constant 2.5, channels 2-3 a ramp. */
  for (i = 0; i < C * N; ++i)
    x[i] = i < N ? 0.0f : i < 2 * N ? 2.5f : (float)(i % N) * 0.1f;
  mote_sgq_encode_f32(&config, &shape, x, 0, 0, packet, sizeof packet, &bytes,
                      &error);
  MOTE_CHECK(t, mote_sgq_read_header(packet, bytes, &h, &error) == MOTE_OK,
             "header: %s", error ? error : "");
  MOTE_CHECK(t,
             h.zero_stripes == 4 && h.flat_stripes == 4 && h.coded_stripes == 8,
             "stripes zero %u flat %u coded %u", h.zero_stripes, h.flat_stripes,
             h.coded_stripes);
  MOTE_CHECK(t, h.code_bytes == 8u * 16u * 4u / 8u, "code bytes %u",
             h.code_bytes);
  /* The group's origin is 0, so the packet has no origins vector (vtable
   * entry 13 at byte 8 + 4 + 2 * 13 is 0). */
  MOTE_CHECK(t, packet[38] == 0 && packet[39] == 0, "origins written");
  /* The ramps' first stripes start at the group's origin (0): flag 3 and
   * no base; their other stripes have flag 2. */
  for (i = 0; i < 16u; ++i) {
    uint32_t want = i < 4u ? 0u : i < 8u ? 1u : i % 4u == 0u ? 3u : 2u;
    MOTE_CHECK(t, packet_flag(packet, i) == want, "stripe %u flag %u not %u", i,
               packet_flag(packet, i), want);
  }
  mote_sgq_decode_f32(packet, bytes, &config.grouping, y, C * N, &error);
  for (i = 0; i < N; ++i)
    MOTE_CHECK(t, y[i] == 0.0f, "zero stripe decoded %g", y[i]);
  /* A flat stripe lands within half a step of its value. */
  MOTE_CHECK(t, fabsf(y[N] - 2.5f) <= 0.5f * packet_step(packet, 0), "flat %g",
             y[N]);
  /* Without the grouping, or with another id, decoding is refused. */
  MOTE_CHECK(t, mote_sgq_decode_f32(packet, bytes, 0, y, C * N, &error) != 0,
             "decoded without a grouping");
  config.grouping.id = 3;
  MOTE_CHECK(t,
             mote_sgq_decode_f32(packet, bytes, &config.grouping, y, C * N,
                                 &error) != 0 &&
                 strstr(error, "grouping id"),
             "decoded with another grouping id");
  x[5] = NAN;
  MOTE_CHECK(t,
             mote_sgq_encode_f32(&config, &shape, x, 0, 0, packet,
                                 sizeof packet, &bytes, &error) != 0,
             "NaN encoded");
  MOTE_CHECK(t,
             mote_sgq_encode_f32(&config, &shape, y, 0, 0, packet, 64, &bytes,
                                 &error) != 0,
             "small buffer accepted");
}

/* Stochastic rounding is unbiased: the mean over many seeds of the decoded
 * value approaches the input much closer than half a step. */
/* A signed tensor (a gradient) with zeros scattered in it: at every width
 * and both roundings, every 0 decodes to exactly 0 (docs/SGQ.md, "zero
 * stays zero"); check_round_trip's signed cases hold the error bound. */
static void check_zero_exact(mote_test_counts *t) {
  enum { C = 6, N = 49 };
  float x[C * N], y[C * N];
  uint16_t ends[2] = {3, C};
  mote_sgq_config config;
  mote_sgq_shape shape = {4, {1, C, 7, 7}};
  mote_sgq_error error = 0;
  uint8_t packet[4096];
  uint32_t i, bi, r, seed = 9u, zeros = 0, exact = 0;
  static const uint32_t bits[3] = {2, 4, 8};
  for (i = 0; i < C * N; ++i)
    x[i] = next_u32() % 3u == 0u ? 0.0f : uniform(-1e-3f, 2e-3f);
  for (bi = 0; bi < 3; ++bi)
    for (r = 0; r < 2; ++r) {
      size_t bytes = 0;
      memset(&config, 0, sizeof config);
      config.bits = (uint8_t)bits[bi];
      config.rounding = (uint8_t)r;
      config.stripe = 16;
      config.grouping.channels = C;
      config.grouping.groups = 2;
      config.grouping.group_ends = ends;
      if (mote_sgq_encode_f32(&config, &shape, x, 0, &seed, packet,
                              sizeof packet, &bytes, &error) != MOTE_OK ||
          mote_sgq_decode_f32(packet, bytes, &config.grouping, y, C * N,
                              &error) != MOTE_OK) {
        MOTE_CHECK(t, 0, "%u bits: %s", bits[bi], error ? error : "");
        continue;
      }
      for (i = 0; i < C * N; ++i)
        if (x[i] == 0.0f) {
          ++zeros;
          exact += y[i] == 0.0f;
        }
    }
  MOTE_CHECK(t, zeros > 0 && exact == zeros, "%u of %u zeros decoded to 0",
             exact, zeros);
}

static void check_unbiased(mote_test_counts *t) {
  enum { C = 2, N = 32, RUNS = 400 };
  float x[C * N], y[C * N], mean[C * N];
  uint16_t ends[1] = {C};
  mote_sgq_config config;
  mote_sgq_shape shape = {3, {1, C, N}};
  uint8_t packet[1024];
  size_t bytes;
  uint32_t i, r, seed = 1u;
  float step, worst = 0.0f, worst_nearest = 0.0f;
  memset(&config, 0, sizeof config);
  config.bits = 2;
  config.stripe = N;
  config.grouping.channels = C;
  config.grouping.groups = 1;
  config.grouping.group_ends = ends;
  for (i = 0; i < C * N; ++i) {
    x[i] = uniform(-1.0f, 1.0f);
    mean[i] = 0.0f;
  }
  config.rounding = MOTE_SGQ_STOCHASTIC;
  for (r = 0; r < RUNS; ++r) {
    mote_sgq_encode_f32(&config, &shape, x, r, &seed, packet, sizeof packet,
                        &bytes, 0);
    mote_sgq_decode_f32(packet, bytes, &config.grouping, y, C * N, 0);
    for (i = 0; i < C * N; ++i)
      mean[i] += y[i] / RUNS;
  }
  step = packet_step(packet, 0);
  config.rounding = MOTE_SGQ_NEAREST;
  mote_sgq_encode_f32(&config, &shape, x, 0, 0, packet, sizeof packet, &bytes,
                      0);
  mote_sgq_decode_f32(packet, bytes, &config.grouping, y, C * N, 0);
  for (i = 0; i < C * N; ++i) {
    float e = fabsf(mean[i] - x[i]), en = fabsf(y[i] - x[i]);
    worst = e > worst ? e : worst;
    worst_nearest = en > worst_nearest ? en : worst_nearest;
  }
  /* The standard error of 400 draws is at most step / 40. */
  MOTE_CHECK(t, worst < 0.15f * step && worst_nearest > 2.0f * worst,
             "stochastic mean error %g, nearest %g, step %g", worst,
             worst_nearest, step);
}

static void check_grouping_messages(mote_test_counts *t) {
  uint16_t perm[5] = {4, 0, 3, 1, 2}, ends[2] = {2, 5};
  uint16_t got_perm[5], got_ends[5];
  mote_sgq_grouping g = {11, 5, 2, perm, ends}, got;
  uint8_t message[64];
  size_t bytes = 0;
  mote_sgq_error error = 0;
  MOTE_CHECK(t, mote_sgq_grouping_size(5, 2) <= sizeof message, "size");
  MOTE_CHECK(t,
             mote_sgq_write_grouping(&g, message, sizeof message, &bytes,
                                     &error) == MOTE_OK,
             "write: %s", error ? error : "");
  MOTE_CHECK(t,
             mote_sgq_read_grouping(message, bytes, 5, got_perm, got_ends, 5,
                                    &got, &error) == MOTE_OK &&
                 got.id == 11 && got.groups == 2 &&
                 !memcmp(got_perm, perm, sizeof perm) &&
                 !memcmp(got_ends, ends, sizeof ends),
             "read: %s", error ? error : "");
  MOTE_CHECK(t,
             mote_sgq_read_grouping(message, bytes, 6, got_perm, got_ends, 6,
                                    &got, &error) != 0,
             "grouping for another channel count accepted");
  perm[1] = 4;
  mote_sgq_write_grouping(&g, message, sizeof message, &bytes, &error);
  MOTE_CHECK(t,
             mote_sgq_read_grouping(message, bytes, 5, got_perm, got_ends, 5,
                                    &got, &error) != 0 &&
                 strstr(error, "repeats"),
             "repeated channel accepted");
}

/* Every truncation and every single-bit flip of a packet: refused, or
 * decoded inside the output (ASan and UBSan watch). */
static void check_hostile(mote_test_counts *t) {
  enum { C = 6, N = 20 };
  float x[2 * C * N], y[2 * C * N];
  uint16_t perm[C], ends[C];
  sgq_case k = {2, C, N, 8, 3, 4, 0, 0, 1, 1};
  mote_sgq_config config;
  mote_sgq_shape shape;
  uint8_t packet[2048], bad[2048];
  size_t bytes = 0, cut, bit;
  uint32_t refused = 0, decoded = 0;
  int8_t s8[2 * C * N];
  config_of(&k, &config, &shape, perm, ends);
  make_features(x, 2, C, N, 0);
  mote_sgq_encode_f32(&config, &shape, x, 0, 0, packet, sizeof packet, &bytes,
                      0);
  for (cut = 0; cut < bytes; ++cut) {
    /* At the end of a heap block: ASan sees any read past the cut. */
    uint8_t *copy = malloc(cut ? cut : 1);
    memcpy(copy, packet, cut);
    refused += mote_sgq_decode_f32(copy, cut, 0, y, 2 * C * N, 0) != 0;
    free(copy);
  }
  MOTE_CHECK(t, refused == bytes, "%u of %zu truncations refused", refused,
             bytes);
  refused = 0;
  for (bit = 0; bit < 8u * bytes; ++bit) {
    memcpy(bad, packet, bytes);
    bad[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
    if (mote_sgq_decode_f32(bad, bytes, 0, y, 2 * C * N, 0) == 0)
      ++decoded;
    else
      ++refused;
    mote_sgq_decode_s8(bad, bytes, 0, s8, 2 * C * N, 0);
  }
  /* Most flips hit codes, which decode to other values; header flips are
   * refused. */
  MOTE_CHECK(t, refused > 100 && decoded > 100, "flips: %u refused, %u decoded",
             refused, decoded);
  /* A packet claiming a huge shape is refused before any output. */
  memcpy(bad, packet, bytes);
  {
    uint32_t shape_at = 52u + 28u + read_u32(packet + 52u + 28u);
    bad[shape_at + 4u + 11u] = 0x7f; /* dims[2] = 2^30 + ... */
    MOTE_CHECK(t, mote_sgq_decode_f32(bad, bytes, 0, y, 2 * C * N, 0) != 0,
               "huge shape accepted");
  }
}

/* The entry points generated code calls: the parameter block, int16
 * grouping arrays, a decode that insists on its shape and capacity. */
static void check_kernels(mote_test_counts *t) {
  enum { C = 4, N = 64, CAP = 400 };
  static const int16_t perm[C] = {1, 0, 2, 3}, ends[2] = {2, 4};
  mote_sgq_params p = {4, 64, 1, 0, 9, 2, 4, 1, C, 8, 8, 1, 1, CAP};
  float x[C * N], y[C * N];
  int8_t packet[CAP];
  int32_t sequence = 5, bytes = 0, i, bad = 0;
  mote_sgq_header h;
  make_features(x, 1, C, N, 0);
  MOTE_CHECK(t,
             mote_sgq_encode_f32_kernel(&p, perm, ends, x, &sequence, packet,
                                        &bytes) == MOTE_OK,
             "kernel encode");
  MOTE_CHECK(t, bytes > 0 && bytes <= CAP, "bytes %d", (int)bytes);
  MOTE_CHECK(t,
             mote_sgq_read_header((const uint8_t *)packet, (size_t)bytes, &h,
                                  0) == MOTE_OK &&
                 h.sequence == 5 && h.grouping_id == 9 && h.shape.rank == 4 &&
                 h.rounding == MOTE_SGQ_STOCHASTIC,
             "kernel packet header");
  MOTE_CHECK(t,
             mote_sgq_decode_f32_kernel(&p, perm, ends, packet, &bytes, y) ==
                 MOTE_OK,
             "kernel decode");
  for (i = 0; i < C * N; ++i)
    bad += fabsf(x[i] - y[i]) > packet_step((const uint8_t *)packet, 0) &&
           fabsf(x[i] - y[i]) > packet_step((const uint8_t *)packet, 1);
  MOTE_CHECK(t, bad == 0, "%d elements beyond a step", (int)bad);
  /* Another shape, a length beyond the buffer, another grouping id. */
  p.dim2 = 4;
  p.dim3 = 16;
  MOTE_CHECK(t,
             mote_sgq_decode_f32_kernel(&p, perm, ends, packet, &bytes, y) !=
                 MOTE_OK,
             "decoded into another shape");
  p.dim2 = 8;
  p.dim3 = 8;
  bytes = CAP + 1;
  MOTE_CHECK(t,
             mote_sgq_decode_f32_kernel(&p, perm, ends, packet, &bytes, y) !=
                 MOTE_OK,
             "length beyond the capacity accepted");
  bytes = (int32_t)(h.code_bytes + h.metadata_bytes);
  p.grouping_id = 10;
  MOTE_CHECK(t,
             mote_sgq_decode_f32_kernel(&p, perm, ends, packet, &bytes, y) !=
                 MOTE_OK,
             "decoded with another grouping id");
  /* The same features and sequence give the same packet; another
   * sequence another seed. */
  {
    int8_t again[CAP];
    int32_t again_bytes = 0;
    p.grouping_id = 9;
    mote_sgq_encode_f32_kernel(&p, perm, ends, x, &sequence, again,
                               &again_bytes);
    MOTE_CHECK(t, again_bytes == bytes && !memcmp(again, packet, (size_t)bytes),
               "kernel packets not reproducible");
    sequence = 6;
    mote_sgq_encode_f32_kernel(&p, perm, ends, x, &sequence, again,
                               &again_bytes);
    MOTE_CHECK(t, memcmp(again + 60, packet + 60, (size_t)bytes - 60) != 0,
               "another sequence number, the same stochastic codes");
  }
  /* A grouping read at run time: the same packet as the compiled arrays
   * with its id; checked before use. */
  {
    int16_t grouping[C + 2] = {1, 0, 2, 3, 2, 4};
    int32_t id = 9, run_bytes = 0;
    int8_t run[CAP];
    sequence = 5;
    mote_sgq_encode_f32_kernel(&p, perm, ends, x, &sequence, packet, &bytes);
    MOTE_CHECK(t,
               mote_sgq_encode_f32_grouping_kernel(&p, &id, grouping, x,
                                                   &sequence, run,
                                                   &run_bytes) == MOTE_OK &&
                   run_bytes == bytes && !memcmp(run, packet, (size_t)bytes),
               "run-time grouping differs from the compiled one");
    MOTE_CHECK(t,
               mote_sgq_decode_f32_grouping_kernel(&p, &id, grouping, run,
                                                   &run_bytes, y) == MOTE_OK,
               "decode with a run-time grouping");
    id = 11;
    mote_sgq_encode_f32_grouping_kernel(&p, &id, grouping, x, &sequence, run,
                                        &run_bytes);
    MOTE_CHECK(t,
               mote_sgq_read_header((const uint8_t *)run, (size_t)run_bytes, &h,
                                    0) == MOTE_OK &&
                   h.grouping_id == 11,
               "run-time grouping id not in the packet");
    grouping[2] = 4; /* not a channel */
    MOTE_CHECK(t,
               mote_sgq_encode_f32_grouping_kernel(
                   &p, &id, grouping, x, &sequence, run, &run_bytes) != MOTE_OK,
               "a permutation entry beyond the channels accepted");
    grouping[2] = -3; /* 65533 as uint16 */
    MOTE_CHECK(t,
               mote_sgq_encode_f32_grouping_kernel(
                   &p, &id, grouping, x, &sequence, run, &run_bytes) != MOTE_OK,
               "a negative permutation entry accepted");
    grouping[2] = 2;
    grouping[4] = 5; /* ends beyond the channels */
    MOTE_CHECK(t,
               mote_sgq_encode_f32_grouping_kernel(
                   &p, &id, grouping, x, &sequence, run, &run_bytes) != MOTE_OK,
               "group ends beyond the channels accepted");
  }
}

int main(void) {
  mote_test_counts t = {0, 0};
  static const uint32_t bits[3] = {2, 4, 8};
  uint32_t bi, r, kind;
  for (kind = 0; kind < 3; ++kind)
    for (bi = 0; bi < 3; ++bi)
      for (r = 0; r < 2; ++r) {
        sgq_case a = {1, 8, 64, 16, 2, bits[bi], r, (int)kind, 0, 0};
        sgq_case b = {3, 10, 49, 8, 4, bits[bi], r, (int)kind, 1, 1};
        sgq_case c = {2, 5, 7, 100, 5, bits[bi], r, (int)kind, 1, 0};
        sgq_case d = {1, 16, 256, 64, 1, bits[bi], r, (int)kind, 0, 1};
        check_round_trip(&t, &a);
        check_round_trip(&t, &b);
        check_round_trip(&t, &c);
        check_round_trip(&t, &d);
      }
  check_int8_exact(&t);
  check_zero_and_flat(&t);
  check_zero_exact(&t);
  check_unbiased(&t);
  check_grouping_messages(&t);
  check_hostile(&t);
  check_kernels(&t);
  return mote_test_summary(&t);
}
