/*===- test_wire.c - Tests of the baseline codecs of collaboration -*- C -*-===*
 *
 * float32, uniform and top-k packets (runtime/collab/mote_wire.h): a known
 * packet byte for byte, round trips with their error bounds, top-k's
 * selection against a brute-force reference (ties included), and hostile
 * packets (every truncation, every single bit flip, lying fields), all
 * under ASan/UBSan.
 *===----------------------------------------------------------------------===*/

#include "mote_test.h"
#include "mote_wire.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static mote_test_counts counts;

static uint32_t rng = 12345;
static float random_value(void) {
  rng = rng * 1664525u + 1013904223u;
  return (float)((int32_t)(rng >> 8) - (1 << 23)) / (float)(1 << 20);
}

static mote_wire_config make(uint8_t codec, uint8_t bits, uint32_t k) {
  mote_wire_config c;
  c.codec = codec;
  c.bits = bits;
  c.k = k;
  return c;
}

/* A uniform packet written out by hand: 4 values in [-0.5, 2.5] at 2 bits,
 * step 1. The zero point is 1 (0.5 steps above -0.5, rounded), so 0 is a
 * code: min/max quantization without a zero point would decode 0 to 0.5. */
static void test_known_packet(void) {
  const float values[4] = {-0.5f, 0.0f, 2.5f, 1.2f};
  const uint8_t expected[] = {'M', 'W', 'I',  'R',  1, 1, 2, 0, 7,   0,
                              0,   0,   4,    0,    0, 0, 0, 0, 0,   0,
                              0,   0,   0x80, 0x3f, 1, 0, 0, 0, 0xb5};
  mote_wire_config c = make(MOTE_WIRE_UNIFORM, 2, 0);
  uint8_t out[64];
  size_t bytes = 0;
  float back[4];
  const char *error = 0;
  /* codes 1 1 3 2: -0.5 rounds up to the zero point, 2.5 clamps to 3. */
  MOTE_CHECK(
      &counts,
      mote_wire_encode(&c, values, 4, 7, out, sizeof out, &bytes, &error) == 0,
      "%s", error);
  MOTE_CHECK(&counts, bytes == sizeof expected, "%zu bytes", bytes);
  MOTE_CHECK(&counts, memcmp(out, expected, sizeof expected) == 0,
             "bytes differ");
  MOTE_CHECK(&counts, mote_wire_decode(out, bytes, back, 4, &error) == 0, "%s",
             error);
  MOTE_CHECK(&counts,
             back[0] == 0.0f && back[1] == 0.0f && back[2] == 2.0f &&
                 back[3] == 1.0f,
             "decoded %g %g %g %g", back[0], back[1], back[2], back[3]);
}

static void test_round_trips(void) {
  enum { N = 1000 };
  static float values[N], back[N];
  static uint8_t out[8192];
  const uint8_t bits[3] = {2, 4, 8};
  size_t bytes;
  int b, i;
  for (i = 0; i < N; ++i)
    values[i] = i % 7 == 0 ? 0.0f : random_value();
  {
    mote_wire_config c = make(MOTE_WIRE_FLOAT32, 32, 0);
    int same = 1;
    MOTE_CHECK(&counts,
               mote_wire_encode(&c, values, N, 1, out, sizeof out, &bytes, 0) ==
                       0 &&
                   bytes == (size_t)(20 + 4 * N) &&
                   mote_wire_decode(out, bytes, back, N, 0) == 0,
               "float32 round trip");
    for (i = 0; i < N; ++i)
      same &= back[i] == values[i];
    MOTE_CHECK(&counts, same, "float32 values changed");
  }
  for (b = 0; b < 3; ++b) {
    mote_wire_config c = make(MOTE_WIRE_UNIFORM, bits[b], 0);
    float low = 0.0f, high = 0.0f, step, worst = 0.0f;
    int zeros = 1;
    mote_wire_header h;
    for (i = 0; i < N; ++i) {
      low = values[i] < low ? values[i] : low;
      high = values[i] > high ? values[i] : high;
    }
    step = (high - low) / (float)((1 << bits[b]) - 1);
    MOTE_CHECK(
        &counts,
        mote_wire_encode(&c, values, N, 9, out, sizeof out, &bytes, 0) == 0 &&
            bytes == mote_wire_packet_bytes(&c, N) &&
            bytes == (size_t)(28 + (N * bits[b] + 7) / 8) &&
            mote_wire_read_header(out, bytes, &h, 0) == 0 && h.sequence == 9 &&
            h.elements == N && mote_wire_decode(out, bytes, back, N, 0) == 0,
        "uniform %d-bit round trip", bits[b]);
    for (i = 0; i < N; ++i) {
      float e = fabsf(back[i] - values[i]);
      worst = e > worst ? e : worst;
    }
    for (i = 0; i < N; ++i)
      zeros &= values[i] != 0.0f || back[i] == 0.0f;
    MOTE_CHECK(&counts, zeros, "%d bits: a zero decoded to another value",
               bits[b]);
    /* Half a step, and half a step more where the zero point's rounding
     * moved the grid and an end value clamps. */
    MOTE_CHECK(&counts, worst <= step * 1.0001f, "%d bits: error %g, step %g",
               bits[b], worst, step);
  }
  {
    /* All equal values: a zero step, every code 0. */
    float flat[4] = {3.0f, 3.0f, 3.0f, 3.0f};
    mote_wire_config c = make(MOTE_WIRE_UNIFORM, 4, 0);
    MOTE_CHECK(&counts,
               mote_wire_encode(&c, flat, 4, 0, out, sizeof out, &bytes, 0) ==
                       0 &&
                   mote_wire_decode(out, bytes, back, 4, 0) == 0 &&
                   back[0] == 3.0f && back[3] == 3.0f,
               "flat tensor");
  }
}

/* Top-k against a brute-force reference: the k largest magnitudes, ties
 * to the lower index, every other value 0. */
static void test_topk(void) {
  enum { N = 300 };
  static float values[N], back[N];
  static uint8_t out[4096];
  /* 250 ends inside the 60 values of magnitude 0.5: ties at the threshold. */
  const uint32_t ks[6] = {1, 7, 30, 250, 299, 300};
  int t, i, j;
  for (i = 0; i < N; ++i)
    values[i] = i % 5 == 0 ? 0.5f * (i % 2 ? -1.0f : 1.0f) : random_value();
  for (t = 0; t < 6; ++t) {
    mote_wire_config c = make(MOTE_WIRE_TOPK, 32, ks[t]);
    size_t bytes = 0;
    int same = 1;
    MOTE_CHECK(&counts,
               mote_wire_encode(&c, values, N, 0, out, sizeof out, &bytes, 0) ==
                       0 &&
                   bytes == (size_t)(20 + (ks[t] * 9 + 7) / 8 + 4 * ks[t]) &&
                   mote_wire_decode(out, bytes, back, N, 0) == 0,
               "top-%u round trip", ks[t]);
    for (i = 0; i < N; ++i) {
      /* Rank of i: values with larger magnitude, or equal and earlier. */
      uint32_t rank = 0;
      for (j = 0; j < N; ++j)
        rank += fabsf(values[j]) > fabsf(values[i]) ||
                (fabsf(values[j]) == fabsf(values[i]) && j < i);
      same &= back[i] == (rank < ks[t] ? values[i] : 0.0f);
    }
    MOTE_CHECK(&counts, same, "top-%u selection differs from the reference",
               ks[t]);
  }
}

static void test_refusals(void) {
  float values[16], back[16];
  uint8_t out[256], copy[256];
  size_t bytes, n, bit;
  mote_wire_config c;
  const char *error = 0;
  int i;
  for (i = 0; i < 16; ++i)
    values[i] = random_value();
  /* Configurations. */
  c = make(MOTE_WIRE_UNIFORM, 3, 0);
  MOTE_CHECK(&counts, mote_wire_packet_bytes(&c, 16) == 0, "3 bits taken");
  c = make(MOTE_WIRE_TOPK, 32, 17);
  MOTE_CHECK(&counts, mote_wire_packet_bytes(&c, 16) == 0, "k > n taken");
  c = make(MOTE_WIRE_FLOAT32, 32, 0);
  MOTE_CHECK(&counts, mote_wire_packet_bytes(&c, 0) == 0, "0 values taken");
  MOTE_CHECK(&counts,
             mote_wire_encode(&c, values, 16, 0, out, 83, &bytes, &error) != 0,
             "small buffer taken");
  values[3] = NAN;
  MOTE_CHECK(
      &counts,
      mote_wire_encode(&c, values, 16, 0, out, sizeof out, &bytes, &error) != 0,
      "NaN encoded");
  values[3] = 0.25f;

  /* Every truncation and every bit flip of each codec's packet: refused, or
   * decoded to finite values within the buffer (ASan watches). */
  for (i = 0; i < 3; ++i) {
    c = i == 0   ? make(MOTE_WIRE_FLOAT32, 32, 0)
        : i == 1 ? make(MOTE_WIRE_UNIFORM, 4, 0)
                 : make(MOTE_WIRE_TOPK, 32, 5);
    mote_wire_encode(&c, values, 16, 3, out, sizeof out, &bytes, 0);
    {
      int refused = 1, finite = 1;
      for (n = 0; n < bytes; ++n) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, out, n);
        refused &= mote_wire_decode(cut, n, back, 16, 0) != 0;
        free(cut);
      }
      MOTE_CHECK(&counts, refused, "codec %d: a truncation decoded", i);
      for (bit = 0; bit < 8 * bytes; ++bit) {
        uint8_t *flipped = malloc(bytes);
        int k;
        memcpy(flipped, out, bytes);
        flipped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (mote_wire_decode(flipped, bytes, back, 16, 0) == 0)
          for (k = 0; k < 16; ++k)
            finite &= isfinite(back[k]) != 0;
        free(flipped);
      }
      MOTE_CHECK(&counts, finite, "codec %d: a flip decoded to non-finite", i);
    }
  }

  /* Lying fields, one at a time, on a top-k packet of 5 of 16. */
  c = make(MOTE_WIRE_TOPK, 32, 5);
  mote_wire_encode(&c, values, 16, 3, out, sizeof out, &bytes, 0);
  memcpy(copy, out, bytes);
  MOTE_CHECK(&counts, mote_wire_decode(out, bytes, back, 15, &error) != 0,
             "another element count decoded");
  copy[20] = 0xff; /* first two 4-bit indices 15, 15: not increasing */
  MOTE_CHECK(&counts, mote_wire_decode(copy, bytes, back, 16, &error) != 0,
             "repeated index decoded");
  memcpy(copy, out, bytes);
  copy[22] |= 0xf0; /* padding nibble after the 5 indices */
  MOTE_CHECK(&counts, mote_wire_decode(copy, bytes, back, 16, &error) != 0,
             "padding decoded");
  memcpy(copy, out, bytes);
  copy[16] = 6; /* k = 6 with the length of k = 5 */
  MOTE_CHECK(&counts, mote_wire_decode(copy, bytes, back, 16, &error) != 0,
             "lying k decoded");
  memcpy(copy, out, bytes);
  copy[26] = 0xff, copy[25] = 0xc0; /* the first value a NaN */
  MOTE_CHECK(&counts, mote_wire_decode(copy, bytes, back, 16, &error) != 0,
             "NaN value decoded");
  memcpy(copy, out, bytes);
  copy[4] = 2;
  MOTE_CHECK(&counts,
             mote_wire_decode(copy, bytes, back, 16, &error) != 0 &&
                 strstr(error, "version"),
             "version 2 decoded");

  /* Uniform: a negative step, an infinite range, a zero point above the
   * largest code. */
  c = make(MOTE_WIRE_UNIFORM, 8, 0);
  mote_wire_encode(&c, values, 16, 3, out, sizeof out, &bytes, 0);
  memcpy(copy, out, bytes);
  copy[23] ^= 0x80;
  MOTE_CHECK(&counts, mote_wire_decode(copy, bytes, back, 16, &error) != 0,
             "negative step decoded");
  memcpy(copy, out, bytes);
  copy[23] = 0x7f, copy[22] = 0x7f; /* step ~3e38: 255 steps overflow */
  MOTE_CHECK(&counts, mote_wire_decode(copy, bytes, back, 16, &error) != 0,
             "overflowing range decoded");
  memcpy(copy, out, bytes);
  copy[25] = 1; /* zero point 256 and more, at 8 bits */
  MOTE_CHECK(&counts, mote_wire_decode(copy, bytes, back, 16, &error) != 0,
             "zero point above 255 decoded");
}

int main(void) {
  test_known_packet();
  test_round_trips();
  test_topk();
  test_refusals();
  return mote_test_summary(&counts);
}
