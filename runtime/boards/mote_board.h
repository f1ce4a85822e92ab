/*===- mote_board.h - The little a model's test program needs from a board -*- C -*-===*
 *
 * Files, text output, the command line and benchmark markers, implemented
 * twice: with stdio on hosted systems (mote_board_hosted.c: the host,
 * aarch64 Linux under qemu-aarch64) and with Arm semihosting on bare-metal
 * Cortex-M boards (mote_board_semihost.c, which also holds the startup
 * code: under QEMU, semihosting reads and writes the host's files).
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_BOARD_H
#define MOTE_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mote_board_file mote_board_file;

/* The program's arguments (argv[0] is the program). */
int mote_board_args(char ***argv);
/* Opens a file for reading (write = 0) or writing (write = 1); 0 on error. */
mote_board_file *mote_board_open(const char *path, int write);
/* Reads up to `bytes`; returns the number read (short at end of file). */
long mote_board_read(mote_board_file *file, void *data, long bytes);
/* Writes `bytes`; returns 0 on success. */
int mote_board_write(mote_board_file *file, const void *data, long bytes);
int mote_board_close(mote_board_file *file);
/* Reads up to `capacity` bytes of the file at `path` into `data`: the
 * number read, or -1 if the file cannot be opened. */
static inline long mote_board_read_file(const char *path, void *data,
                                        long capacity) {
  mote_board_file *file = mote_board_open(path, 0);
  long bytes;
  if (!file)
    return -1;
  bytes = mote_board_read(file, data, capacity);
  mote_board_close(file);
  return bytes;
}
/* Writes text to the console. */
void mote_board_print(const char *text);

/* Empty functions called right before and after the model runs, so that an
 * instruction-counting emulator plugin can measure the run alone
 * (bench/qemu-insn-count). */
void mote_bench_begin(void);
void mote_bench_end(void);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_BOARD_H */
