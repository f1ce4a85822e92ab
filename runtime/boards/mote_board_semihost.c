/*===- mote_board_semihost.c - Cortex-M startup and semihosting I/O -----===*
 *
 * Reset handler (copy .data, zero .bss, enable the FPU/MVE coprocessors,
 * call mote_main, exit through semihosting with its status), the vector
 * table, and mote_board.h on Arm semihosting (BKPT 0xAB), which QEMU's
 * -semihosting-config enable=on,target=native serves from the host.
 * Needs only a linker script defining the symbols below (mps2_an386.ld,
 * mps3_an547.ld).
 *===----------------------------------------------------------------------===*/

#include "mote_board.h"

#include <stddef.h>
#include <string.h>

extern uint32_t __stack_top[], __data_load[], __data_start[], __data_end[],
    __bss_start[], __bss_end[];
extern int mote_main(int argc, char **argv);

enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE0 = 0x04,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_GET_CMDLINE = 0x15,
  SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static int semihost(int operation, const void *argument) {
  register int r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static __attribute__((noreturn)) void board_exit(int status) {
  const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
  semihost(SYS_EXIT_EXTENDED, block);
  semihost(SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
  for (;;)
    ;
}

__attribute__((noreturn)) void mote_reset(void) {
  uint32_t *from = __data_load, *to = __data_start;
  while (to < __data_end)
    *to++ = *from++;
  for (to = __bss_start; to < __bss_end;)
    *to++ = 0;
  /* CPACR: full access to CP10/CP11 (FPU and, on Armv8.1-M, MVE). */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  {
    char **argv;
    int argc = mote_board_args(&argv);
    board_exit(mote_main(argc, argv));
  }
}

static __attribute__((noreturn)) void mote_fault(void) {
  mote_board_print("mote: fault\n");
  board_exit(99);
}

/* Words, not function pointers: the first entry is the stack's address,
 * and ISO C has no conversion from an object to a function pointer. */
__attribute__((section(".vectors"), used)) static const uintptr_t vectors[16] = {
    (uintptr_t)__stack_top, (uintptr_t)mote_reset, (uintptr_t)mote_fault,
    (uintptr_t)mote_fault, (uintptr_t)mote_fault, (uintptr_t)mote_fault,
    (uintptr_t)mote_fault, 0, 0, 0, 0, (uintptr_t)mote_fault,
    (uintptr_t)mote_fault, 0, (uintptr_t)mote_fault, (uintptr_t)mote_fault};

#define MAX_ARGS 16
static char command_line[1024];
static char *arguments[MAX_ARGS + 1];

int mote_board_args(char ***argv) {
  struct {
    char *buffer;
    int size;
  } block = {command_line, (int)sizeof command_line - 1};
  int argc = 0;
  char *c = command_line;
  if (semihost(SYS_GET_CMDLINE, &block) != 0)
    command_line[0] = '\0';
  while (*c && argc < MAX_ARGS) {
    while (*c == ' ')
      *c++ = '\0';
    if (!*c)
      break;
    arguments[argc++] = c;
    while (*c && *c != ' ')
      ++c;
  }
  arguments[argc] = 0;
  *argv = arguments;
  return argc;
}

mote_board_file *mote_board_open(const char *path, int write) {
  const struct {
    const char *path;
    int mode; /* 1: "rb", 5: "wb" */
    size_t length;
  } block = {path, write ? 5 : 1, strlen(path)};
  int handle = semihost(SYS_OPEN, &block);
  return handle < 0 ? 0 : (mote_board_file *)(uintptr_t)(handle + 1);
}

long mote_board_read(mote_board_file *file, void *data, long bytes) {
  const struct {
    int handle;
    void *data;
    long bytes;
  } block = {(int)(uintptr_t)file - 1, data, bytes};
  return bytes - semihost(SYS_READ, &block); /* returns bytes not read */
}

int mote_board_write(mote_board_file *file, const void *data, long bytes) {
  const struct {
    int handle;
    const void *data;
    long bytes;
  } block = {(int)(uintptr_t)file - 1, data, bytes};
  return semihost(SYS_WRITE, &block) == 0 ? 0 : 1;
}

int mote_board_close(mote_board_file *file) {
  const int handle = (int)(uintptr_t)file - 1;
  return semihost(SYS_CLOSE, &handle);
}

void mote_board_print(const char *text) { semihost(SYS_WRITE0, text); }

__attribute__((noinline)) void mote_bench_begin(void) { __asm__ volatile(""); }
__attribute__((noinline)) void mote_bench_end(void) { __asm__ volatile(""); }
