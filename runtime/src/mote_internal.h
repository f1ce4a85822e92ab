/*===- mote_internal.h - Helpers shared by the portable kernels -------===*
 *
 * Private to runtime/src: small inline helpers more than one kernel family
 * uses. Never included by generated code.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_INTERNAL_H
#define MOTE_INTERNAL_H

#include "mote/mote_compiler.h"

#include <stdint.h>

static inline int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

static inline float clamp_f32(float v, float lo, float hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

#endif /* MOTE_INTERNAL_H */
