/*===- mote_compiler.h - Compiler attributes of the runtime -----------===*
 *
 * The few compiler-specific spellings the runtime uses, in one place, with
 * plain C99 fallbacks: a kernel never writes __attribute__ itself.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_COMPILER_H
#define MOTE_COMPILER_H

#if defined(__GNUC__) || defined(__clang__)
/* Inlined wherever it is called: gives each caller its own specialized loop. */
#define MOTE_ALWAYS_INLINE inline __attribute__((always_inline))
/* Kept out of line: its few values stay in registers across its loop. */
#define MOTE_NOINLINE __attribute__((noinline))
#else
#define MOTE_ALWAYS_INLINE inline
#define MOTE_NOINLINE
#endif

/* Its copy loops stay loops: GCC would otherwise turn them into calls of
 * the C library's memmove, which costs more than the copy for the short
 * runs of the kernels (and is byte by byte in size-optimized libcs). */
#if defined(__GNUC__) && !defined(__clang__)
#define MOTE_NO_LIBC_CALLS                                                     \
  __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define MOTE_NO_LIBC_CALLS
#endif

/* Nothing else is read or written through the memory of this pointer
 * during the call: parameter blocks and buffers never overlap, so the
 * compiler may keep parameters in registers across stores to the output. */
#if defined(__cplusplus)
#define MOTE_RESTRICT __restrict
#else
#define MOTE_RESTRICT restrict
#endif

#endif /* MOTE_COMPILER_H */
