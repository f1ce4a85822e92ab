/*===- mote_board_hosted.c - mote_board.h on a hosted C library ---------===*/

#include "mote_board.h"

#include <stdio.h>

static int board_argc;
static char **board_argv;

int main(int argc, char **argv) {
  extern int mote_main(int argc, char **argv);
  board_argc = argc;
  board_argv = argv;
  return mote_main(argc, argv);
}

int mote_board_args(char ***argv) {
  *argv = board_argv;
  return board_argc;
}

mote_board_file *mote_board_open(const char *path, int write) {
  return (mote_board_file *)fopen(path, write ? "wb" : "rb");
}

long mote_board_read(mote_board_file *file, void *data, long bytes) {
  return (long)fread(data, 1, (size_t)bytes, (FILE *)file);
}

int mote_board_write(mote_board_file *file, const void *data, long bytes) {
  return fwrite(data, 1, (size_t)bytes, (FILE *)file) == (size_t)bytes ? 0 : 1;
}

int mote_board_close(mote_board_file *file) { return fclose((FILE *)file); }

void mote_board_print(const char *text) { fputs(text, stdout); }

__attribute__((noinline)) void mote_bench_begin(void) { __asm__ volatile(""); }
__attribute__((noinline)) void mote_bench_end(void) { __asm__ volatile(""); }
