/*===- mote_sgq.c - Stripe-wise group quantization codec ------------------===*
 *
 * Encoder, decoder and the FlatBuffers reading and writing of SGQ packets
 * (runtime/include/mote/mote_sgq.h, schema/mote_sgq.fbs, docs/SGQ.md).
 *
 * Determinism: the encoder computes with subtractions, divisions,
 * comparisons and truncations of non-negative floats only, and products by
 * powers of two (exact, so contracting them into a fused multiply-add
 * changes nothing); the decoder's one product, (base + 4 * code) * q, is
 * exact because q has at most 7 significant bits and the integer at most
 * 17. Every IEEE-754 target therefore computes the same bits.
 *
 * Layout (version 3): steps travel as the high 16 bits of their float
 * bits, bases packed at the fewest bits the packet's largest base needs,
 * and a coded stripe whose base is 0 (its minimum at the group's origin,
 * as most stripes of a post-ReLU group are) says so by its flag and
 * carries no base.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_sgq.h"

#define SGQ_VERSION 3u
#define SGQ_FIELDS 19u
/* Field ids of table Packet, in schema order. */
enum {
  F_VERSION,
  F_SOURCE,
  F_BITS,
  F_ROUNDING,
  F_GROUPS,
  F_STRIPE,
  F_GROUPING_ID,
  F_SEQUENCE,
  F_SCALE,
  F_ZERO_POINT,
  F_SHAPE,
  F_PERMUTATION,
  F_GROUP_ENDS,
  F_ORIGINS,
  F_STEPS,
  F_FLAGS,
  F_BASES,
  F_CODES,
  F_BASE_BITS
};
/* The writer's fixed layout: root offset, identifier, vtable (42 bytes and
 * 2 of padding), table. */
#define SGQ_VTABLE 8u
#define SGQ_TABLE 52u
#define SGQ_TABLE_BYTES 68u
#define SGQ_VECTORS (SGQ_TABLE + SGQ_TABLE_BYTES)
static const uint8_t field_slot[SGQ_FIELDS] = {
    60, 61, 62, 63, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 64};

/* Grouping message: fields grouping_id, permutation, group_ends. */
#define SGG_VTABLE 8u
#define SGG_TABLE 20u
#define SGG_TABLE_BYTES 16u

#define FLAG_ZERO 0u
#define FLAG_FLAT 1u
#define FLAG_CODED 2u
#define FLAG_CODED_AT_ORIGIN 3u

/* Bases are counts of quarter steps of at most 16 bits. */
#define BASE_LIMIT 65535u
#define MAX_BASE_BITS 16u
#define MAX_ELEMENTS (1u << 28)
#define MIN_STEP 0x1p-100f

#define FAIL(message)                                                          \
  do {                                                                         \
    if (error)                                                                 \
      *error = (message);                                                      \
    return MOTE_ERROR_ARGUMENT;                                                \
  } while (0)

/*===--- Bytes ------------------------------------------------------------===*/

typedef union {
  float f;
  uint32_t u;
} bits32;

static uint32_t get_u16(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static float get_f32(const uint8_t *p) {
  bits32 b;
  b.u = get_u32(p);
  return b.f;
}
static void put_u16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void put_u32(uint8_t *p, uint32_t v) {
  put_u16(p, v);
  put_u16(p + 2, v >> 16);
}
static void put_f32(uint8_t *p, float v) {
  bits32 b;
  b.f = v;
  put_u32(p, b.u);
}
static size_t align4(size_t v) { return (v + 3u) & ~(size_t)3u; }
/* Copies n bytes from `from` to `to` <= `from` (overlap allowed). */
static void move_down(uint8_t *p, size_t from, size_t to, size_t n) {
  size_t i;
  for (i = 0; i < n && to != from; ++i)
    p[to + i] = p[from + i];
}
static void zero_bytes(uint8_t *p, size_t from, size_t to) {
  for (; from < to; ++from)
    p[from] = 0;
}

static int is_finite(float v) { return v == v && v - v == 0.0f; }

/* Rounds a positive finite step up to at most 7 significant bits. */
static float round_step(float step) {
  bits32 b;
  b.f = step;
  if (b.u & 0x1ffffu)
    b.u = (b.u | 0x1ffffu) + 1u;
  return b.f;
}
static int is_valid_step(float step) {
  bits32 b;
  b.f = step;
  return is_finite(step) && step >= MIN_STEP && (b.u & 0x1ffffu) == 0;
}

/* Whether every value a block can decode to, up to the largest base and
 * code, is finite. */
static int block_is_finite(float origin, float step, uint32_t levels) {
  return is_finite(origin) &&
         is_finite(origin + (float)(BASE_LIMIT + 4u * levels) * step * 0.25f);
}

/* floor of a non-negative float below 2^31. */
static uint32_t floor_nonneg(float v) { return (uint32_t)v; }

static int32_t round_to_int(float v) {
  int32_t i;
  v += 0.5f;
  if (v > 1e9f)
    return 1000000000;
  if (v < -1e9f)
    return -1000000000;
  i = (int32_t)v;
  return (float)i > v ? i - 1 : i;
}

/* xorshift32: the stochastic rounding's uniform in [0, 1). */
static float next_uniform(uint32_t *state) {
  uint32_t x = *state ? *state : 0x9e3779b9u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return (float)(x >> 8) * 0x1p-24f;
}

/*===--- Shapes and groupings ---------------------------------------------===*/

typedef struct {
  uint32_t batch, channels, plane, stripe, stripes_per_channel;
  uint32_t elements, stripes;
} sgq_dims;

static int dims_of(const mote_sgq_shape *shape, uint32_t stripe, sgq_dims *d,
                   mote_sgq_error *error) {
  uint64_t elements = 1;
  uint32_t i;
  if (shape->rank < 2 || shape->rank > MOTE_SGQ_MAX_RANK)
    FAIL("shape rank must be 2 to 6 (batch, channels, spatial...)");
  for (i = 0; i < shape->rank; ++i) {
    if (shape->dims[i] == 0)
      FAIL("shape has a zero dimension");
    elements *= shape->dims[i];
    if (elements > MAX_ELEMENTS)
      FAIL("shape has more than 2^28 elements");
  }
  if (shape->dims[1] > MOTE_SGQ_MAX_CHANNELS)
    FAIL("more than 32767 channels");
  if (stripe == 0 || stripe > MAX_ELEMENTS)
    FAIL("stripe must be 1 to 2^28 elements");
  d->batch = shape->dims[0];
  d->channels = shape->dims[1];
  d->elements = (uint32_t)elements;
  d->plane = d->elements / d->batch / d->channels;
  d->stripe = stripe;
  d->stripes_per_channel = (d->plane + stripe - 1u) / stripe;
  d->stripes = d->batch * d->channels * d->stripes_per_channel;
  return MOTE_OK;
}

static int valid_bits(uint32_t bits) {
  return bits == 2u || bits == 4u || bits == 8u;
}

/* Group ends increasing to `channels`; permutation entries in range. The
 * duplicate check needs scratch and is done where data arrives from
 * outside (the decoder, mote_sgq_read_grouping). */
static int check_ends(const uint8_t *ends, const uint16_t *ends16,
                      uint32_t groups, uint32_t channels,
                      mote_sgq_error *error) {
  uint32_t g, previous = 0;
  if (groups == 0 || groups > channels)
    FAIL("groups must be 1 to the channel count");
  for (g = 0; g < groups; ++g) {
    uint32_t end = ends ? get_u16(ends + 2u * g) : ends16[g];
    if (end <= previous || end > channels)
      FAIL("group ends must increase strictly to the channel count");
    previous = end;
  }
  if (previous != channels)
    FAIL("the last group end is not the channel count");
  return MOTE_OK;
}

/* Every channel exactly once; `scratch` holds `channels` bytes. */
static int check_permutation(const uint8_t *perm, const uint16_t *perm16,
                             uint32_t channels, uint8_t *scratch,
                             mote_sgq_error *error) {
  uint32_t p;
  zero_bytes(scratch, 0, channels);
  for (p = 0; p < channels; ++p) {
    uint32_t c = perm ? get_u16(perm + 2u * p) : perm16[p];
    if (c >= channels)
      FAIL("permutation entry is not a channel");
    if (scratch[c])
      FAIL("permutation repeats a channel");
    scratch[c] = 1;
  }
  return MOTE_OK;
}

mote_status mote_sgq_equal_groups(uint32_t channels, uint32_t groups,
                                  uint16_t *group_ends) {
  uint32_t g;
  if (!group_ends || groups == 0 || groups > channels ||
      channels > MOTE_SGQ_MAX_CHANNELS)
    return MOTE_ERROR_ARGUMENT;
  for (g = 0; g < groups; ++g)
    group_ends[g] = (uint16_t)((uint64_t)channels * (g + 1u) / groups);
  return MOTE_OK;
}

/*===--- Layout -----------------------------------------------------------===*/

/* Byte positions of the vectors (their length words). With origins,
 * `stripes` and `coded_elements` at their maxima this is the worst case. */
typedef struct {
  size_t shape, permutation, group_ends, origins, steps, flags, bases, codes,
      end;
} sgq_layout;

static void layout_of(const sgq_dims *d, uint32_t rank, uint32_t bits,
                      uint32_t groups, int embed, int origins, uint32_t bases,
                      uint32_t base_bits, uint64_t coded_elements,
                      sgq_layout *l) {
  size_t pos = SGQ_VECTORS;
  size_t blocks = (size_t)d->batch * groups;
  l->shape = pos;
  pos = align4(pos + 4u + 4u * rank);
  l->permutation = l->group_ends = 0;
  if (embed) {
    l->permutation = pos;
    pos = align4(pos + 4u + 2u * (size_t)d->channels);
    l->group_ends = pos;
    pos = align4(pos + 4u + 2u * (size_t)groups);
  }
  l->origins = 0;
  if (origins) {
    l->origins = pos;
    pos += 4u + 4u * blocks;
  }
  l->steps = pos;
  pos = align4(pos + 4u + 2u * blocks);
  l->flags = pos;
  pos = align4(pos + 4u + ((size_t)d->stripes + 3u) / 4u);
  l->bases = pos;
  pos = align4(pos + 4u + ((uint64_t)bases * base_bits + 7u) / 8u);
  l->codes = pos;
  l->end = pos + 4u + (size_t)((coded_elements * bits + 7u) / 8u);
}

static int check_config(const mote_sgq_config *config,
                        const mote_sgq_shape *shape, sgq_dims *d,
                        mote_sgq_error *error) {
  const mote_sgq_grouping *g = &config->grouping;
  uint32_t p;
  if (!valid_bits(config->bits))
    FAIL("bits must be 2, 4 or 8");
  if (config->rounding > MOTE_SGQ_STOCHASTIC)
    FAIL("rounding must be nearest or stochastic");
  if (dims_of(shape, config->stripe, d, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if (g->channels != d->channels)
    FAIL("the grouping is for another channel count");
  if (!g->group_ends)
    FAIL("the grouping has no group ends");
  if (check_ends(0, g->group_ends, g->groups, d->channels, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if (g->permutation)
    for (p = 0; p < d->channels; ++p)
      if (g->permutation[p] >= d->channels)
        FAIL("permutation entry is not a channel");
  return MOTE_OK;
}

size_t mote_sgq_get_buffer_size(const mote_sgq_config *config,
                                const mote_sgq_shape *shape) {
  sgq_dims d;
  sgq_layout l;
  if (!config || !shape || check_config(config, shape, &d, 0) != MOTE_OK)
    return 0;
  layout_of(&d, shape->rank, config->bits, config->grouping.groups,
            config->embed_grouping, 1, d.stripes, MAX_BASE_BITS, d.elements,
            &l);
  return l.end;
}

/*===--- Encoder ----------------------------------------------------------===*/

typedef struct {
  const float *f32;
  const int8_t *s8;
  float zero_point;
} sgq_source;

static float load(const sgq_source *s, uint32_t i) {
  return s->f32 ? s->f32[i] : (float)s->s8[i] - s->zero_point;
}

/* Smallest and largest value of elements [from, to); 0 if one of them is
 * not finite (checked when `check` is set). */
static int stripe_range(const sgq_source *s, uint32_t from, uint32_t to,
                        int check, float *lo, float *hi) {
  float mn = load(s, from), mx = mn, sum = 0.0f;
  uint32_t i;
  for (i = from; i < to; ++i) {
    float v = load(s, i);
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
    if (check)
      sum += v - v; /* NaN once any element is a NaN or an infinity */
  }
  *lo = mn;
  *hi = mx;
  return sum == 0.0f;
}

typedef struct {
  uint8_t *out;
  size_t pos;
  uint32_t acc, count;
} bit_writer;

static void put_bits(bit_writer *w, uint32_t value, uint32_t bits) {
  w->acc |= value << w->count;
  w->count += bits;
  while (w->count >= 8u) {
    w->out[w->pos++] = (uint8_t)w->acc;
    w->acc >>= 8;
    w->count -= 8u;
  }
}
static void flush_bits(bit_writer *w) {
  if (w->count)
    w->out[w->pos++] = (uint8_t)w->acc;
  w->acc = w->count = 0;
}

static void put_vector_offset(uint8_t *packet, uint32_t field, size_t vector) {
  size_t slot = SGQ_TABLE + field_slot[field];
  put_u32(packet + slot, (uint32_t)(vector - slot));
}

static void write_header(uint8_t *packet, const mote_sgq_config *config,
                         const mote_sgq_shape *shape, uint8_t source,
                         float scale, int32_t zero_point, uint32_t sequence,
                         const sgq_layout *l) {
  uint32_t i;
  put_u32(packet, SGQ_TABLE);
  packet[4] = 'M';
  packet[5] = 'S';
  packet[6] = 'G';
  packet[7] = 'Q';
  put_u16(packet + SGQ_VTABLE, 4u + 2u * SGQ_FIELDS);
  put_u16(packet + SGQ_VTABLE + 2u, SGQ_TABLE_BYTES);
  for (i = 0; i < SGQ_FIELDS; ++i)
    put_u16(
        packet + SGQ_VTABLE + 4u + 2u * i,
        (!config->embed_grouping && (i == F_PERMUTATION || i == F_GROUP_ENDS))
            ? 0u
            : field_slot[i]);
  put_u32(packet + SGQ_TABLE, SGQ_TABLE - SGQ_VTABLE);
  put_u32(packet + SGQ_TABLE + field_slot[F_GROUPS], config->grouping.groups);
  put_u32(packet + SGQ_TABLE + field_slot[F_STRIPE], config->stripe);
  put_u32(packet + SGQ_TABLE + field_slot[F_GROUPING_ID], config->grouping.id);
  put_u32(packet + SGQ_TABLE + field_slot[F_SEQUENCE], sequence);
  put_f32(packet + SGQ_TABLE + field_slot[F_SCALE], scale);
  put_u32(packet + SGQ_TABLE + field_slot[F_ZERO_POINT], (uint32_t)zero_point);
  zero_bytes(packet, SGQ_TABLE + field_slot[F_PERMUTATION],
             SGQ_TABLE + field_slot[F_VERSION]);
  packet[SGQ_TABLE + field_slot[F_VERSION]] = SGQ_VERSION;
  packet[SGQ_TABLE + field_slot[F_SOURCE]] = source;
  packet[SGQ_TABLE + field_slot[F_BITS]] = config->bits;
  packet[SGQ_TABLE + field_slot[F_ROUNDING]] = config->rounding;
  zero_bytes(packet, SGQ_TABLE + field_slot[F_BASE_BITS], SGQ_VECTORS);
  zero_bytes(packet, SGQ_VTABLE + 4u + 2u * SGQ_FIELDS, SGQ_TABLE);

  put_vector_offset(packet, F_SHAPE, l->shape);
  put_u32(packet + l->shape, shape->rank);
  for (i = 0; i < shape->rank; ++i)
    put_u32(packet + l->shape + 4u + 4u * i, shape->dims[i]);
  if (config->embed_grouping) {
    const mote_sgq_grouping *g = &config->grouping;
    size_t p = l->permutation;
    zero_bytes(packet, l->shape + 4u + 4u * shape->rank, p);
    put_vector_offset(packet, F_PERMUTATION, p);
    put_u32(packet + p, g->channels);
    for (i = 0; i < g->channels; ++i)
      put_u16(packet + p + 4u + 2u * i, g->permutation ? g->permutation[i] : i);
    zero_bytes(packet, p + 4u + 2u * g->channels, l->group_ends);
    put_vector_offset(packet, F_GROUP_ENDS, l->group_ends);
    put_u32(packet + l->group_ends, g->groups);
    for (i = 0; i < g->groups; ++i)
      put_u16(packet + l->group_ends + 4u + 2u * i, g->group_ends[i]);
    zero_bytes(packet, l->group_ends + 4u + 2u * g->groups, l->origins);
  } else {
    zero_bytes(packet, l->shape + 4u + 4u * shape->rank, l->origins);
  }
}

static mote_status encode(const mote_sgq_config *config,
                          const mote_sgq_shape *shape, const sgq_source *src,
                          uint8_t source, float scale, int32_t zero_point,
                          uint32_t sequence, uint32_t *seed, uint8_t *packet,
                          size_t capacity, size_t *packet_bytes,
                          mote_sgq_error *error) {
  const mote_sgq_grouping *grouping = &config->grouping;
  const uint32_t levels = (1u << config->bits) - 1u;
  const int stochastic = config->rounding == MOTE_SGQ_STOCHASTIC;
  /* With stochastic rounding the largest stripe must round up to the
   * top code at most, which keeps the rounding unbiased. */
  const float denominator = stochastic ? (float)levels - 0.25f : (float)levels;
  const uint32_t base_max = BASE_LIMIT - 4u * levels;
  uint32_t local_seed = 0x2545f491u;
  sgq_dims d;
  sgq_layout worst, l;
  bit_writer flags, codes;
  bit_writer packed;
  size_t bases_pos, blocks, flag_bytes, i;
  uint32_t b, g, bases = 0, largest_base = 0, base_bits = 1;
  uint64_t coded_elements = 0;
  int zero_origins = 1;

  if (!config || !shape || !packet || !packet_bytes)
    FAIL("null argument");
  if (check_config(config, shape, &d, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if (!seed)
    seed = &local_seed;
  layout_of(&d, shape->rank, config->bits, grouping->groups,
            config->embed_grouping, 1, d.stripes, MAX_BASE_BITS, d.elements,
            &worst);
  if (capacity < worst.end)
    FAIL("packet buffer smaller than mote_sgq_get_buffer_size()");

  write_header(packet, config, shape, source, scale, zero_point, sequence,
               &worst);
  flags.out = packet;
  flags.pos = worst.flags + 4u;
  flags.acc = flags.count = 0;
  codes.out = packet;
  codes.pos = worst.codes + 4u;
  codes.acc = codes.count = 0;
  bases_pos = worst.bases + 4u;

  for (b = 0; b < d.batch; ++b) {
    uint32_t start = 0;
    for (g = 0; g < grouping->groups; ++g) {
      uint32_t end = grouping->group_ends[g], p, s;
      size_t block = (size_t)b * grouping->groups + g;
      float origin = 0.0f, top = 0.0f, widest = 0.0f, step, quarter, spread;
      int first = 1, spans_zero, zero_on_grid;
      /* Pass 1: the group's extent and its widest stripe. */
      for (p = start; p < end; ++p) {
        uint32_t c = grouping->permutation ? grouping->permutation[p] : p;
        uint32_t plane = (b * d.channels + c) * d.plane;
        for (s = 0; s < d.plane; s += d.stripe) {
          uint32_t to = s + d.stripe < d.plane ? s + d.stripe : d.plane;
          float lo, hi;
          if (!stripe_range(src, plane + s, plane + to, src->f32 != 0, &lo,
                            &hi))
            FAIL("features hold a NaN or an infinity");
          if (first || lo < origin)
            origin = lo;
          if (first || hi > top)
            top = hi;
          if (hi - lo > widest)
            widest = hi - lo;
          first = 0;
        }
      }
      spread = top - origin;
      if (!is_finite(spread))
        FAIL("features span more than the float range");
      /* A group whose range holds 0 inside keeps 0 on its grid (below),
       * which moves a stripe's base down by up to 3 quarter steps: its
       * step leaves room for them. */
      spans_zero = origin < 0.0f && top > 0.0f;
      step = widest / (spans_zero ? denominator - 0.75f : denominator);
      /* Bases must stay below 2^16 quarter steps. */
      if (spread / ((float)base_max * 0.25f) > step)
        step = spread / ((float)base_max * 0.25f);
      if (src->s8 && step < 1.0f)
        step = 1.0f;
      if (step < MIN_STEP)
        step = MIN_STEP;
      step = round_step(step);
      /* A group whose range holds 0 inside starts a whole number of steps
       * below 0 (n x step is exact: n < 2^16, the step has 8 significant
       * bits), and its stripes that hold 0 take bases a whole number of
       * steps from there: 0 is then on their grid and decodes to exactly
       * 0, so a gradient, mostly near 0, gets no bias from the codec. */
      zero_on_grid = spans_zero && is_finite(step) && -origin / step < 65536.0f;
      if (zero_on_grid) {
        uint32_t n = floor_nonneg(-origin / step);
        if ((float)n * step < -origin)
          ++n;
        origin = -((float)n * step);
      }
      if (!is_finite(step) || !block_is_finite(origin, step, levels))
        FAIL("features span more than the float range");
      quarter = step * 0.25f;
      put_f32(packet + worst.origins + 4u + 4u * block, origin);
      zero_origins &= origin == 0.0f;
      {
        bits32 sb;
        sb.f = step;
        put_u16(packet + worst.steps + 4u + 2u * block, sb.u >> 16);
      }

      /* Pass 2: flags, bases and codes. */
      for (p = start; p < end; ++p) {
        uint32_t c = grouping->permutation ? grouping->permutation[p] : p;
        uint32_t plane = (b * d.channels + c) * d.plane;
        for (s = 0; s < d.plane; s += d.stripe) {
          uint32_t to = s + d.stripe < d.plane ? s + d.stripe : d.plane;
          float lo, hi, tlo, thi, kf;
          uint32_t k, e;
          stripe_range(src, plane + s, plane + to, 0, &lo, &hi);
          if (lo == 0.0f && hi == 0.0f) {
            put_bits(&flags, FLAG_ZERO, 2u);
            continue;
          }
          tlo = (lo - origin) / quarter;
          thi = (hi - origin) / quarter;
          k = floor_nonneg(tlo);
          if (k > base_max)
            k = base_max;
          if (zero_on_grid && lo <= 0.0f && hi >= 0.0f)
            k &= ~3u; /* the origin is at 0 minus whole steps */
          kf = (float)k;
          if (stochastic ? lo == hi
                         : floor_nonneg((tlo - kf) * 0.25f + 0.5f) ==
                               floor_nonneg((thi - kf) * 0.25f + 0.5f)) {
            uint32_t base =
                stochastic ? k + floor_nonneg(tlo - kf + next_uniform(seed))
                           : k + 4u * floor_nonneg((tlo - kf) * 0.25f + 0.5f);
            put_bits(&flags, FLAG_FLAT, 2u);
            put_u16(packet + bases_pos, base);
            largest_base = base > largest_base ? base : largest_base;
            bases_pos += 2u;
            ++bases;
            continue;
          }
          if (k == 0) {
            put_bits(&flags, FLAG_CODED_AT_ORIGIN, 2u);
          } else {
            put_bits(&flags, FLAG_CODED, 2u);
            put_u16(packet + bases_pos, k);
            largest_base = k > largest_base ? k : largest_base;
            bases_pos += 2u;
            ++bases;
          }
          for (e = plane + s; e < plane + to; ++e) {
            float t = (load(src, e) - origin) / quarter - kf;
            uint32_t code = floor_nonneg(
                t * 0.25f + (stochastic ? next_uniform(seed) : 0.5f));
            put_bits(&codes, code > levels ? levels : code, config->bits);
          }
          coded_elements += to - s;
        }
      }
      start = end;
    }
  }
  flush_bits(&flags);
  flush_bits(&codes);

  /* Close the gaps the worst case left. Origins that are all zero (any
   * group holding a zero, as after a ReLU) are left out, and the steps and
   * flags move down; the bases are packed at the bits the largest needs
   * (in place: base i is read before bits up to its own end are written);
   * the codes move down behind them. Every move is to a lower position of
   * bytes not read again. */
  while (base_bits < MAX_BASE_BITS && (largest_base >> base_bits))
    ++base_bits;
  layout_of(&d, shape->rank, config->bits, grouping->groups,
            config->embed_grouping, !zero_origins, bases, base_bits,
            coded_elements, &l);
  blocks = (size_t)d.batch * grouping->groups;
  flag_bytes = ((size_t)d.stripes + 3u) / 4u;
  if (zero_origins) {
    put_u16(packet + SGQ_VTABLE + 4u + 2u * F_ORIGINS, 0u);
    put_u32(packet + SGQ_TABLE + field_slot[F_ORIGINS], 0u);
  } else {
    put_vector_offset(packet, F_ORIGINS, l.origins);
    put_u32(packet + l.origins, (uint32_t)blocks);
  }
  move_down(packet, worst.steps + 4u, l.steps + 4u, 2u * blocks);
  put_vector_offset(packet, F_STEPS, l.steps);
  put_u32(packet + l.steps, (uint32_t)blocks);
  zero_bytes(packet, l.steps + 4u + 2u * blocks, l.flags);
  move_down(packet, worst.flags + 4u, l.flags + 4u, flag_bytes);
  put_vector_offset(packet, F_FLAGS, l.flags);
  put_u32(packet + l.flags, (uint32_t)flag_bytes);
  zero_bytes(packet, l.flags + 4u + flag_bytes, l.bases);
  packed.out = packet;
  packed.pos = l.bases + 4u;
  packed.acc = packed.count = 0;
  for (i = 0; i < bases; ++i)
    put_bits(&packed, get_u16(packet + worst.bases + 4u + 2u * i), base_bits);
  flush_bits(&packed);
  packet[SGQ_TABLE + field_slot[F_BASE_BITS]] = (uint8_t)base_bits;
  put_vector_offset(packet, F_BASES, l.bases);
  put_u32(packet + l.bases, (uint32_t)(packed.pos - (l.bases + 4u)));
  zero_bytes(packet, packed.pos, l.codes);
  move_down(packet, worst.codes + 4u, l.codes + 4u,
            codes.pos - (worst.codes + 4u));
  put_vector_offset(packet, F_CODES, l.codes);
  put_u32(packet + l.codes, (uint32_t)(codes.pos - (worst.codes + 4u)));
  *packet_bytes = l.end;
  return MOTE_OK;
}

mote_status mote_sgq_encode_f32(const mote_sgq_config *config,
                                const mote_sgq_shape *shape,
                                const float *features, uint32_t sequence,
                                uint32_t *seed, uint8_t *packet,
                                size_t capacity, size_t *packet_bytes,
                                mote_sgq_error *error) {
  sgq_source src;
  if (!features)
    FAIL("null features");
  src.f32 = features;
  src.s8 = 0;
  src.zero_point = 0.0f;
  return encode(config, shape, &src, MOTE_SGQ_SOURCE_F32, 1.0f, 0, sequence,
                seed, packet, capacity, packet_bytes, error);
}

mote_status mote_sgq_encode_s8(const mote_sgq_config *config,
                               const mote_sgq_shape *shape,
                               const int8_t *features, float scale,
                               int32_t zero_point, uint32_t sequence,
                               uint32_t *seed, uint8_t *packet, size_t capacity,
                               size_t *packet_bytes, mote_sgq_error *error) {
  sgq_source src;
  if (!features)
    FAIL("null features");
  if (!is_finite(scale) || !(scale > 0.0f))
    FAIL("int8 scale must be positive and finite");
  if (zero_point < -128 || zero_point > 127)
    FAIL("int8 zero point out of range");
  src.f32 = 0;
  src.s8 = features;
  src.zero_point = (float)zero_point;
  return encode(config, shape, &src, MOTE_SGQ_SOURCE_S8, scale, zero_point,
                sequence, seed, packet, capacity, packet_bytes, error);
}

/*===--- Reader -----------------------------------------------------------===*/

/* A FlatBuffers table inside `bytes`, every access checked. */
typedef struct {
  const uint8_t *buffer;
  size_t bytes, table, vtable;
  uint32_t vtable_bytes, table_bytes;
} fb_table;

static int fb_root(const uint8_t *buffer, size_t bytes, const char *ident,
                   fb_table *t, mote_sgq_error *error) {
  uint32_t root;
  int64_t vtable;
  if (!buffer || bytes < 8u)
    FAIL("packet shorter than a FlatBuffers header");
  if (buffer[4] != (uint8_t)ident[0] || buffer[5] != (uint8_t)ident[1] ||
      buffer[6] != (uint8_t)ident[2] || buffer[7] != (uint8_t)ident[3])
    FAIL("wrong file identifier");
  root = get_u32(buffer);
  if ((uint64_t)root + 4u > bytes)
    FAIL("root table offset outside the packet");
  vtable = (int64_t)root - (int32_t)get_u32(buffer + root);
  if (vtable < 0 || (uint64_t)vtable + 4u > bytes)
    FAIL("vtable outside the packet");
  t->buffer = buffer;
  t->bytes = bytes;
  t->table = root;
  t->vtable = (size_t)vtable;
  t->vtable_bytes = get_u16(buffer + t->vtable);
  t->table_bytes = get_u16(buffer + t->vtable + 2u);
  if (t->vtable_bytes < 4u || (t->vtable_bytes & 1u) ||
      (uint64_t)t->vtable + t->vtable_bytes > bytes)
    FAIL("vtable size inconsistent");
  if (t->table_bytes < 4u || (uint64_t)t->table + t->table_bytes > bytes)
    FAIL("table size outside the packet");
  return MOTE_OK;
}

/* Position of field `id` of `size` bytes, or 0 when absent or bad. */
static size_t fb_field(const fb_table *t, uint32_t id, uint32_t size) {
  uint32_t slot = 4u + 2u * id, offset;
  if (slot + 2u > t->vtable_bytes)
    return 0;
  offset = get_u16(t->buffer + t->vtable + slot);
  if (offset == 0 || offset + size > t->table_bytes)
    return 0;
  return t->table + offset;
}
static uint32_t fb_u8(const fb_table *t, uint32_t id, uint32_t fallback) {
  size_t f = fb_field(t, id, 1u);
  return f ? t->buffer[f] : fallback;
}
static uint32_t fb_u32(const fb_table *t, uint32_t id, uint32_t fallback) {
  size_t f = fb_field(t, id, 4u);
  return f ? get_u32(t->buffer + f) : fallback;
}

typedef struct {
  const uint8_t *data;
  uint32_t length;
} fb_vector;

/* 1: present and inside the packet; 0: absent; -1: bad. */
static int fb_vector_of(const fb_table *t, uint32_t id, uint32_t element,
                        fb_vector *v) {
  size_t f = fb_field(t, id, 4u);
  uint64_t at;
  v->data = 0;
  v->length = 0;
  if (!f)
    return 0;
  at = (uint64_t)f + get_u32(t->buffer + f);
  if (at + 4u > t->bytes)
    return -1;
  v->length = get_u32(t->buffer + at);
  if (at + 4u + (uint64_t)v->length * element > t->bytes)
    return -1;
  v->data = t->buffer + at + 4u;
  return 1;
}

typedef struct {
  mote_sgq_header h;
  sgq_dims d;
  uint32_t base_bits;
  fb_vector permutation, group_ends, origins, steps, flags, bases, codes;
} sgq_packet;

/* A step as it travels: the high half of its float bits. */
static float step_of(const fb_vector *steps, size_t block) {
  bits32 b;
  b.u = get_u16(steps->data + 2u * block) << 16;
  return b.f;
}

/* Absent origins are all zero. */
static float origin_of(const sgq_packet *q, size_t block) {
  return q->origins.data ? get_f32(q->origins.data + 4u * block) : 0.0f;
}

static int required_vector(const fb_table *t, uint32_t id, uint32_t element,
                           fb_vector *v, const char *missing,
                           mote_sgq_error *error) {
  int r = fb_vector_of(t, id, element, v);
  if (r < 0)
    FAIL("a vector runs past the end of the packet");
  if (r == 0)
    FAIL(missing);
  return MOTE_OK;
}

static mote_status parse_packet(const uint8_t *packet, size_t bytes,
                                sgq_packet *q, mote_sgq_error *error) {
  mote_sgq_header *h = &q->h;
  fb_table t;
  fb_vector shape;
  uint32_t i, zero = 0, flat = 0, coded = 0, at_origin = 0;
  uint64_t coded_elements = 0;
  int rp, re;

  if (fb_root(packet, bytes, "MSGQ", &t, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if (fb_u8(&t, F_VERSION, SGQ_VERSION) != SGQ_VERSION)
    FAIL("unknown packet version");
  h->source = (uint8_t)fb_u8(&t, F_SOURCE, 0);
  h->bits = (uint8_t)fb_u8(&t, F_BITS, 0);
  h->rounding = (uint8_t)fb_u8(&t, F_ROUNDING, 0);
  h->groups = fb_u32(&t, F_GROUPS, 0);
  h->stripe = fb_u32(&t, F_STRIPE, 0);
  h->grouping_id = fb_u32(&t, F_GROUPING_ID, 0);
  h->sequence = fb_u32(&t, F_SEQUENCE, 0);
  {
    bits32 scale;
    scale.f = 1.0f;
    scale.u = fb_u32(&t, F_SCALE, scale.u);
    h->scale = scale.f;
  }
  h->zero_point = (int32_t)fb_u32(&t, F_ZERO_POINT, 0);
  if (h->source > MOTE_SGQ_SOURCE_S8)
    FAIL("unknown source type");
  if (!valid_bits(h->bits))
    FAIL("bits must be 2, 4 or 8");
  if (h->rounding > MOTE_SGQ_STOCHASTIC)
    FAIL("unknown rounding mode");
  if (!is_finite(h->scale) || !(h->scale > 0.0f))
    FAIL("scale must be positive and finite");
  if (h->source == MOTE_SGQ_SOURCE_S8 &&
      (h->zero_point < -128 || h->zero_point > 127))
    FAIL("int8 zero point out of range");

  if (required_vector(&t, F_SHAPE, 4u, &shape, "packet has no shape", error) !=
      MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if (shape.length < 2u || shape.length > MOTE_SGQ_MAX_RANK)
    FAIL("shape rank must be 2 to 6 (batch, channels, spatial...)");
  h->shape.rank = shape.length;
  for (i = 0; i < shape.length; ++i)
    h->shape.dims[i] = get_u32(shape.data + 4u * i);
  if (dims_of(&h->shape, h->stripe, &q->d, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  h->elements = q->d.elements;
  if (h->groups == 0 || h->groups > q->d.channels)
    FAIL("groups must be 1 to the channel count");

  rp = fb_vector_of(&t, F_PERMUTATION, 2u, &q->permutation);
  re = fb_vector_of(&t, F_GROUP_ENDS, 2u, &q->group_ends);
  if (rp < 0 || re < 0)
    FAIL("a vector runs past the end of the packet");
  if (rp != re)
    FAIL("packet carries a permutation without group ends or the reverse");
  h->has_grouping = (uint8_t)rp;
  if (rp) {
    if (q->permutation.length != q->d.channels)
      FAIL("permutation length is not the channel count");
    if (q->group_ends.length != h->groups)
      FAIL("group ends length is not the group count");
    if (check_ends(q->group_ends.data, 0, h->groups, q->d.channels, error) !=
        MOTE_OK)
      return MOTE_ERROR_ARGUMENT;
  }

  if (fb_vector_of(&t, F_ORIGINS, 4u, &q->origins) < 0)
    FAIL("a vector runs past the end of the packet");
  if (required_vector(&t, F_STEPS, 2u, &q->steps, "packet has no steps",
                      error) != MOTE_OK ||
      required_vector(&t, F_FLAGS, 1u, &q->flags, "packet has no flags",
                      error) != MOTE_OK ||
      required_vector(&t, F_BASES, 1u, &q->bases, "packet has no bases",
                      error) != MOTE_OK ||
      required_vector(&t, F_CODES, 1u, &q->codes, "packet has no codes",
                      error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if ((q->origins.data && q->origins.length != q->d.batch * h->groups) ||
      q->steps.length != q->d.batch * h->groups)
    FAIL("origins or steps are not one per sample and group");
  for (i = 0; i < q->steps.length; ++i) {
    float step = step_of(&q->steps, i);
    float origin = origin_of(q, i);
    if (!is_valid_step(step))
      FAIL("a step is not a positive float of 7 significant bits");
    if (!block_is_finite(origin, step, (1u << h->bits) - 1u))
      FAIL("an origin is not finite or its range overflows");
  }
  if (q->flags.length != (q->d.stripes + 3u) / 4u)
    FAIL("flags length does not match the stripes of the shape");
  for (i = 0; i < q->d.stripes; ++i) {
    uint32_t flag = (q->flags.data[i / 4u] >> (2u * (i % 4u))) & 3u;
    uint32_t in_plane = i % q->d.stripes_per_channel;
    if (flag == FLAG_ZERO) {
      ++zero;
    } else if (flag == FLAG_FLAT) {
      ++flat;
    } else {
      ++coded;
      at_origin += flag == FLAG_CODED_AT_ORIGIN;
      coded_elements += in_plane + 1u < q->d.stripes_per_channel
                            ? q->d.stripe
                            : q->d.plane - in_plane * q->d.stripe;
    }
  }
  if ((q->d.stripes % 4u) &&
      (q->flags.data[q->flags.length - 1u] >> (2u * (q->d.stripes % 4u))))
    FAIL("flag padding bits are not zero");
  q->base_bits = fb_u8(&t, F_BASE_BITS, MAX_BASE_BITS);
  if (q->base_bits < 1u || q->base_bits > MAX_BASE_BITS)
    FAIL("base bits must be 1 to 16");
  {
    uint64_t base_bits = (uint64_t)(flat + coded - at_origin) * q->base_bits;
    if (q->bases.length != (base_bits + 7u) / 8u)
      FAIL("bases length is not the count of flat and coded stripes with a "
           "base");
    if ((base_bits % 8u) &&
        (q->bases.data[q->bases.length - 1u] >> (base_bits % 8u)))
      FAIL("base padding bits are not zero");
  }
  if (q->codes.length != (coded_elements * h->bits + 7u) / 8u)
    FAIL("codes length does not match the coded stripes");
  h->zero_stripes = zero;
  h->flat_stripes = flat;
  h->coded_stripes = coded;
  h->code_bytes = q->codes.length;
  h->metadata_bytes = (uint32_t)bytes - q->codes.length;
  return MOTE_OK;
}

mote_status mote_sgq_read_header(const uint8_t *packet, size_t bytes,
                                 mote_sgq_header *header,
                                 mote_sgq_error *error) {
  sgq_packet q;
  if (!header)
    FAIL("null header");
  if (parse_packet(packet, bytes, &q, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  *header = q.h;
  return MOTE_OK;
}

/*===--- Decoder ----------------------------------------------------------===*/

static mote_status decode(const uint8_t *packet, size_t bytes,
                          const mote_sgq_grouping *grouping, float *out_f32,
                          int8_t *out_s8, size_t capacity,
                          mote_sgq_error *error) {
  sgq_packet q;
  const uint8_t *perm = 0, *ends = 0;
  const uint16_t *perm16 = 0, *ends16 = 0;
  uint32_t b, g, stripe = 0;
  uint32_t code_acc = 0, code_count = 0, base_acc = 0, base_count = 0;
  size_t code_pos = 0, base_pos = 0;
  uint32_t mask, base_mask;
  float scale;

  if (parse_packet(packet, bytes, &q, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if (capacity < q.d.elements)
    FAIL("output smaller than the packet's shape");
  if (out_s8 && q.h.source != MOTE_SGQ_SOURCE_S8)
    FAIL("int8 output asked of a float packet");
  if (q.h.has_grouping) {
    perm = q.permutation.data;
    ends = q.group_ends.data;
  } else {
    if (!grouping)
      FAIL("packet carries no grouping and none was given");
    if (grouping->id != q.h.grouping_id)
      FAIL("packet was encoded with another grouping id");
    if (grouping->channels != q.d.channels || grouping->groups != q.h.groups)
      FAIL("grouping does not match the packet's channels and groups");
    if (!grouping->group_ends)
      FAIL("grouping has no group ends");
    perm16 = grouping->permutation;
    ends16 = grouping->group_ends;
    if (check_ends(0, ends16, q.h.groups, q.d.channels, error) != MOTE_OK)
      return MOTE_ERROR_ARGUMENT;
  }
  /* The output doubles as the permutation check's scratch. */
  if ((perm || perm16) &&
      check_permutation(perm, perm16, q.d.channels,
                        out_f32 ? (uint8_t *)out_f32 : (uint8_t *)out_s8,
                        error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;

  mask = (1u << q.h.bits) - 1u;
  base_mask = (1u << q.base_bits) - 1u;
  scale = q.h.source == MOTE_SGQ_SOURCE_S8 ? q.h.scale : 1.0f;
  for (b = 0; b < q.d.batch; ++b) {
    uint32_t start = 0;
    for (g = 0; g < q.h.groups; ++g) {
      uint32_t end = ends ? get_u16(ends + 2u * g) : ends16[g], p, s;
      size_t block = (size_t)b * q.h.groups + g;
      float origin = origin_of(&q, block);
      float quarter = step_of(&q.steps, block) * 0.25f;
      for (p = start; p < end; ++p) {
        uint32_t c = perm ? get_u16(perm + 2u * p) : perm16 ? perm16[p] : p;
        uint32_t plane = (b * q.d.channels + c) * q.d.plane;
        for (s = 0; s < q.d.plane; s += q.d.stripe, ++stripe) {
          uint32_t to = s + q.d.stripe < q.d.plane ? s + q.d.stripe : q.d.plane;
          uint32_t flag =
              (q.flags.data[stripe / 4u] >> (2u * (stripe % 4u))) & 3u;
          uint32_t e, base = 0;
          if (flag == FLAG_FLAT || flag == FLAG_CODED) {
            while (base_count < q.base_bits) {
              base_acc |= (uint32_t)q.bases.data[base_pos++] << base_count;
              base_count += 8u;
            }
            base = base_acc & base_mask;
            base_acc >>= q.base_bits;
            base_count -= q.base_bits;
          }
          for (e = plane + s; e < plane + to; ++e) {
            float v = 0.0f;
            if (flag == FLAG_FLAT) {
              v = origin + (float)base * quarter;
            } else if (flag != FLAG_ZERO) {
              uint32_t code;
              if (code_count < q.h.bits) {
                code_acc |= (uint32_t)q.codes.data[code_pos++] << code_count;
                code_count += 8u;
              }
              code = code_acc & mask;
              code_acc >>= q.h.bits;
              code_count -= q.h.bits;
              v = origin + (float)(base + 4u * code) * quarter;
            }
            if (out_s8) {
              int32_t r = round_to_int(v) + q.h.zero_point;
              out_s8[e] = (int8_t)(r < -128 ? -128 : r > 127 ? 127 : r);
            } else {
              out_f32[e] = v * scale;
            }
          }
        }
      }
      start = end;
    }
  }
  return MOTE_OK;
}

mote_status mote_sgq_decode_f32(const uint8_t *packet, size_t bytes,
                                const mote_sgq_grouping *grouping,
                                float *output, size_t capacity,
                                mote_sgq_error *error) {
  if (!output)
    FAIL("null output");
  return decode(packet, bytes, grouping, output, 0, capacity, error);
}

mote_status mote_sgq_decode_s8(const uint8_t *packet, size_t bytes,
                               const mote_sgq_grouping *grouping,
                               int8_t *output, size_t capacity,
                               mote_sgq_error *error) {
  if (!output)
    FAIL("null output");
  return decode(packet, bytes, grouping, 0, output, capacity, error);
}

/*===--- Grouping messages ------------------------------------------------===*/

size_t mote_sgq_grouping_size(uint32_t channels, uint32_t groups) {
  return align4(SGG_TABLE + SGG_TABLE_BYTES + 4u + 2u * (size_t)channels) + 4u +
         2u * (size_t)groups;
}

mote_status mote_sgq_write_grouping(const mote_sgq_grouping *grouping,
                                    uint8_t *message, size_t capacity,
                                    size_t *message_bytes,
                                    mote_sgq_error *error) {
  size_t perm, ends, i;
  if (!grouping || !message || !message_bytes || !grouping->group_ends)
    FAIL("null argument");
  if (grouping->channels == 0 || grouping->channels > MOTE_SGQ_MAX_CHANNELS)
    FAIL("channel count must be 1 to 32767");
  if (check_ends(0, grouping->group_ends, grouping->groups, grouping->channels,
                 error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if (capacity < mote_sgq_grouping_size(grouping->channels, grouping->groups))
    FAIL("message buffer smaller than mote_sgq_grouping_size()");
  put_u32(message, SGG_TABLE);
  message[4] = 'M';
  message[5] = 'S';
  message[6] = 'G';
  message[7] = 'G';
  put_u16(message + SGG_VTABLE, 10u);
  put_u16(message + SGG_VTABLE + 2u, SGG_TABLE_BYTES);
  put_u16(message + SGG_VTABLE + 4u, 4u);
  put_u16(message + SGG_VTABLE + 6u, 8u);
  put_u16(message + SGG_VTABLE + 8u, 12u);
  put_u16(message + SGG_VTABLE + 10u, 0u);
  put_u32(message + SGG_TABLE, SGG_TABLE - SGG_VTABLE);
  put_u32(message + SGG_TABLE + 4u, grouping->id);
  perm = SGG_TABLE + SGG_TABLE_BYTES;
  put_u32(message + SGG_TABLE + 8u, (uint32_t)(perm - (SGG_TABLE + 8u)));
  put_u32(message + perm, grouping->channels);
  for (i = 0; i < grouping->channels; ++i)
    put_u16(message + perm + 4u + 2u * i,
            grouping->permutation ? grouping->permutation[i] : (uint32_t)i);
  ends = align4(perm + 4u + 2u * (size_t)grouping->channels);
  zero_bytes(message, perm + 4u + 2u * (size_t)grouping->channels, ends);
  put_u32(message + SGG_TABLE + 12u, (uint32_t)(ends - (SGG_TABLE + 12u)));
  put_u32(message + ends, grouping->groups);
  for (i = 0; i < grouping->groups; ++i)
    put_u16(message + ends + 4u + 2u * i, grouping->group_ends[i]);
  *message_bytes = ends + 4u + 2u * (size_t)grouping->groups;
  return MOTE_OK;
}

mote_status mote_sgq_read_grouping(const uint8_t *message, size_t bytes,
                                   uint32_t channels, uint16_t *permutation,
                                   uint16_t *group_ends, uint32_t capacity,
                                   mote_sgq_grouping *grouping,
                                   mote_sgq_error *error) {
  fb_table t;
  fb_vector perm, ends;
  uint32_t i;
  if (!permutation || !group_ends || !grouping)
    FAIL("null argument");
  if (fb_root(message, bytes, "MSGG", &t, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  if (fb_vector_of(&t, 1u, 2u, &perm) != 1 ||
      fb_vector_of(&t, 2u, 2u, &ends) != 1)
    FAIL("grouping message lacks its permutation or group ends, or they run "
         "past its end");
  if (perm.length != channels)
    FAIL("grouping message is for another channel count");
  if (channels == 0 || channels > MOTE_SGQ_MAX_CHANNELS || capacity < channels)
    FAIL("grouping arrays smaller than the channel count");
  if (check_ends(ends.data, 0, ends.length, channels, error) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  /* group_ends (2 * capacity >= channels bytes) is the scratch of the
   * permutation check before it receives the ends. */
  if (check_permutation(perm.data, 0, channels, (uint8_t *)group_ends, error) !=
      MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < channels; ++i)
    permutation[i] = (uint16_t)get_u16(perm.data + 2u * i);
  for (i = 0; i < ends.length; ++i)
    group_ends[i] = (uint16_t)get_u16(ends.data + 2u * i);
  grouping->id = fb_u32(&t, 0u, 0u);
  grouping->channels = channels;
  grouping->groups = ends.length;
  grouping->permutation = permutation;
  grouping->group_ends = group_ends;
  return MOTE_OK;
}

/*===--- Kernel entry points ----------------------------------------------===*/

static void kernel_config(const mote_sgq_params *p, const int16_t *permutation,
                          const int16_t *group_ends, mote_sgq_config *config,
                          mote_sgq_shape *shape) {
  const int32_t dims[MOTE_SGQ_MAX_RANK] = {p->dim0, p->dim1, p->dim2,
                                           p->dim3, p->dim4, p->dim5};
  uint32_t i;
  config->bits = (uint8_t)p->bits;
  config->rounding = (uint8_t)p->rounding;
  config->embed_grouping = (uint8_t)p->embed_grouping;
  config->stripe = (uint32_t)p->stripe;
  config->grouping.id = (uint32_t)p->grouping_id;
  config->grouping.channels = (uint32_t)p->dim1;
  config->grouping.groups = (uint32_t)p->groups;
  config->grouping.permutation = (const uint16_t *)permutation;
  config->grouping.group_ends = (const uint16_t *)group_ends;
  shape->rank =
      p->rank >= 2 && p->rank <= MOTE_SGQ_MAX_RANK ? (uint32_t)p->rank : 0u;
  for (i = 0; i < MOTE_SGQ_MAX_RANK; ++i)
    shape->dims[i] = dims[i] > 0 ? (uint32_t)dims[i] : 0u;
}

static uint32_t kernel_seed(const void *features, uint32_t bytes,
                            int32_t sequence) {
  const uint8_t *x = (const uint8_t *)features;
  uint32_t h = 2166136261u ^ (uint32_t)sequence, i;
  for (i = 0; i < bytes; ++i)
    h = (h ^ x[i]) * 16777619u;
  return h;
}

static mote_status kernel_encode(const mote_sgq_params *p,
                                 const int32_t *grouping_id,
                                 const int16_t *permutation,
                                 const int16_t *group_ends, const float *f32,
                                 const int8_t *s8, float scale,
                                 int32_t zero_point, const int32_t *sequence,
                                 int8_t *packet, int32_t *packet_bytes) {
  mote_sgq_config config;
  mote_sgq_shape shape;
  size_t bytes = 0, elements = 1;
  uint32_t seed, i;
  mote_status status;
  kernel_config(p, permutation, group_ends, &config, &shape);
  if (grouping_id)
    config.grouping.id = (uint32_t)*grouping_id;
  for (i = 0; i < shape.rank; ++i)
    elements *= shape.dims[i];
  seed = p->rounding
             ? kernel_seed(f32 ? (const void *)f32 : (const void *)s8,
                           (uint32_t)(elements * (f32 ? 4u : 1u)), *sequence)
             : 0u;
  status =
      f32 ? mote_sgq_encode_f32(&config, &shape, f32, (uint32_t)*sequence,
                                &seed, (uint8_t *)packet, (size_t)p->capacity,
                                &bytes, 0)
          : mote_sgq_encode_s8(&config, &shape, s8, scale, zero_point,
                               (uint32_t)*sequence, &seed, (uint8_t *)packet,
                               (size_t)p->capacity, &bytes, 0);
  *packet_bytes = status == MOTE_OK ? (int32_t)bytes : 0;
  return status;
}

mote_status mote_sgq_encode_f32_kernel(const mote_sgq_params *p,
                                       const int16_t *permutation,
                                       const int16_t *group_ends,
                                       const float *features,
                                       const int32_t *sequence, int8_t *packet,
                                       int32_t *packet_bytes) {
  return kernel_encode(p, 0, permutation, group_ends, features, 0, 1.0f, 0,
                       sequence, packet, packet_bytes);
}

mote_status mote_sgq_encode_f32_grouping_kernel(
    const mote_sgq_params *p, const int32_t *grouping_id,
    const int16_t *grouping, const float *features, const int32_t *sequence,
    int8_t *packet, int32_t *packet_bytes) {
  return kernel_encode(p, grouping_id, grouping, grouping + p->dim1, features,
                       0, 1.0f, 0, sequence, packet, packet_bytes);
}

mote_status mote_sgq_encode_s8_kernel(const mote_sgq_params *p, float scale,
                                      int32_t zero_point,
                                      const int16_t *permutation,
                                      const int16_t *group_ends,
                                      const int8_t *features,
                                      const int32_t *sequence, int8_t *packet,
                                      int32_t *packet_bytes) {
  return kernel_encode(p, 0, permutation, group_ends, 0, features, scale,
                       zero_point, sequence, packet, packet_bytes);
}

mote_status mote_sgq_encode_s8_grouping_kernel(
    const mote_sgq_params *p, float scale, int32_t zero_point,
    const int32_t *grouping_id, const int16_t *grouping, const int8_t *features,
    const int32_t *sequence, int8_t *packet, int32_t *packet_bytes) {
  return kernel_encode(p, grouping_id, grouping, grouping + p->dim1, 0,
                       features, scale, zero_point, sequence, packet,
                       packet_bytes);
}

static mote_status kernel_decode(const mote_sgq_params *p,
                                 const int32_t *grouping_id,
                                 const int16_t *permutation,
                                 const int16_t *group_ends,
                                 const int8_t *packet,
                                 const int32_t *packet_bytes, float *features) {
  mote_sgq_config config;
  mote_sgq_shape shape;
  mote_sgq_header header;
  size_t elements = 1;
  uint32_t i;
  kernel_config(p, permutation, group_ends, &config, &shape);
  if (grouping_id)
    config.grouping.id = (uint32_t)*grouping_id;
  if (*packet_bytes < 0 || *packet_bytes > p->capacity || shape.rank == 0 ||
      mote_sgq_read_header((const uint8_t *)packet, (size_t)*packet_bytes,
                           &header, 0) != MOTE_OK ||
      header.shape.rank != shape.rank)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < shape.rank; ++i) {
    if (header.shape.dims[i] != shape.dims[i])
      return MOTE_ERROR_ARGUMENT;
    elements *= shape.dims[i];
  }
  return mote_sgq_decode_f32((const uint8_t *)packet, (size_t)*packet_bytes,
                             &config.grouping, features, elements, 0);
}

mote_status
mote_sgq_decode_f32_kernel(const mote_sgq_params *p, const int16_t *permutation,
                           const int16_t *group_ends, const int8_t *packet,
                           const int32_t *packet_bytes, float *features) {
  return kernel_decode(p, 0, permutation, group_ends, packet, packet_bytes,
                       features);
}

mote_status mote_sgq_decode_f32_grouping_kernel(const mote_sgq_params *p,
                                                const int32_t *grouping_id,
                                                const int16_t *grouping,
                                                const int8_t *packet,
                                                const int32_t *packet_bytes,
                                                float *features) {
  return kernel_decode(p, grouping_id, grouping, grouping + p->dim1, packet,
                       packet_bytes, features);
}
