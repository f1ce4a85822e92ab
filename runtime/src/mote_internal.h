/*===- mote_internal.h - Helpers shared by the portable kernels -------===*
 *
 * Private to runtime/src: small inline helpers more than one kernel family
 * uses. Never included by generated code.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_INTERNAL_H
#define MOTE_INTERNAL_H

#include "mote/mote_compiler.h"

#include <float.h>
#include <stdint.h>

/* The longest sum of products of two offset int8 values (each within
 * [-255, 255]) that cannot leave int32: 33025 * 255 * 255 < 2^31. */
#define MOTE_S8_DEPTH_MAX 33025

static inline int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

static inline float clamp_f32(float v, float lo, float hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* The window of output `o` along one axis of a convolution or pooling:
 * tap k reads input `origin + k * dilation` with origin = o * stride - pad;
 * the taps in [*lo, *hi) are those inside [0, size), in order (empty when
 * *hi <= *lo). Returns the origin. Every window loop of the runtime walks
 * its taps with this, so none tests bounds per tap. */
static inline int32_t mote_window(int32_t o, int32_t stride, int32_t pad,
                                  int32_t dilation, int32_t kernel,
                                  int32_t size, int32_t *lo, int32_t *hi) {
  const int32_t origin = o * stride - pad;
  int32_t first = 0, last = kernel;
  if (origin < 0)
    first = (dilation - 1 - origin) / dilation;
  if (origin + (kernel - 1) * dilation >= size) {
    const int32_t room = size - origin;
    last = room > 0 ? (room + dilation - 1) / dilation : 0;
  }
  *lo = first;
  *hi = last;
  return origin;
}

/* The dual walk, outputs of one tap: of the outputs first + i, i in
 * [0, count), those whose input (first + i) * stride + offset lies in
 * [0, size) are i in [*lo, *hi) (offset = k * dilation - pad for tap k). */
static inline void mote_tap_outputs(int32_t first, int32_t count,
                                    int32_t stride, int32_t offset,
                                    int32_t size, int32_t *lo, int32_t *hi) {
  int32_t i = 0, j = count;
  while (i < count && (first + i) * stride + offset < 0)
    ++i;
  while (j > i && (first + j - 1) * stride + offset >= size)
    --j;
  *lo = i;
  *hi = j;
}

/* Rounds to the nearest integer, ties to even, saturating to +-2^30. */
static inline int32_t round_half_even(float x) {
  int32_t t;
  float frac;
  if (!(x == x))
    return 0; /* NaN */
  if (x > 1073741824.0f)
    return 1073741824;
  if (x < -1073741824.0f)
    return -1073741824;
  t = (int32_t)x; /* truncates toward zero */
  frac = x - (float)t;
  if (frac > 0.5f || (frac == 0.5f && (t & 1)))
    ++t;
  else if (frac < -0.5f || (frac == -0.5f && (t & 1)))
    --t;
  return t;
}

/* num / den (den > 0) rounded to the nearest integer, ties to even, in
 * integer arithmetic only (the int8 kernels use no floating point). */
static inline int64_t div_round_half_even(int64_t num, int64_t den) {
  int64_t q = num / den, r = num % den;
  if (r < 0) {
    q -= 1;
    r += den;
  }
  if (2 * r > den || (2 * r == den && (q & 1)))
    ++q;
  return q;
}

#endif /* MOTE_INTERNAL_H */
