/*===- mote_arm_dsp.h - ARMv7E-M DSP operations, or their portable C -*- C -*-===*
 *
 * SXTB16 (sign-extend bytes 0 and 2 into two int16 halves), the same of
 * bytes 1 and 3 (SXTB16 ROR #8), SMLAD (two int16 products added to an
 * int32) and SMLABB (the bottom halves' product added): ACLE intrinsics
 * when the compiler targets the DSP extension (Cortex-M4, M7, M33, M55),
 * otherwise portable C computing the same values, so the kernels that use
 * them can be tested on any machine. MOTE_ARM_DSP says which.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_ARM_DSP_H
#define MOTE_ARM_DSP_H

#include <stdint.h>

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#define MOTE_ARM_DSP 1
#define M4_SXTB16(x) ((uint32_t)__sxtb16(x))
/* SXTB16 with its rotation operand: one instruction (GCC does not fold a
 * rotate into it). */
static inline uint32_t m4_sxtb16_ror8(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
#define M4_SXTB16_ODD(x) m4_sxtb16_ror8(x)
#define M4_SMLAD(x, y, acc) __smlad(x, y, acc)
#define M4_SMLABB(x, y, acc) __smlabb(x, y, acc)
#else
#define MOTE_ARM_DSP 0
static inline uint32_t m4_sxtb16(uint32_t x) {
  return (uint32_t)(uint16_t)(int16_t)(int8_t)(x & 0xff) |
         (uint32_t)(uint16_t)(int16_t)(int8_t)((x >> 16) & 0xff) << 16;
}
static inline int32_t m4_smlad(int32_t x, int32_t y, int32_t acc) {
  const uint32_t a = (uint32_t)x, b = (uint32_t)y;
  return acc + (int32_t)(int16_t)(a & 0xffff) * (int16_t)(b & 0xffff) +
         (int32_t)(int16_t)(a >> 16) * (int16_t)(b >> 16);
}
static inline int32_t m4_smlabb(int32_t x, int32_t y, int32_t acc) {
  return acc + (int32_t)(int16_t)((uint32_t)x & 0xffff) *
                   (int16_t)((uint32_t)y & 0xffff);
}
#define M4_SXTB16(x) m4_sxtb16(x)
#define M4_SXTB16_ODD(x) m4_sxtb16((x) >> 8 | (x) << 24)
#define M4_SMLAD(x, y, acc) m4_smlad(x, y, acc)
#define M4_SMLABB(x, y, acc) m4_smlabb(x, y, acc)
#endif

#endif /* MOTE_ARM_DSP_H */
