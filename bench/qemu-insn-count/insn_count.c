/*===- insn_count.c - QEMU TCG plugin: guest instructions between markers -===*
 *
 * Counts every guest instruction QEMU executes (an inline add, so the count
 * is exact and deterministic) and snapshots the count when execution reaches
 * the addresses named on the command line:
 *
 *   qemu-system-arm ... -plugin ./libinsn_count.so,begin=0x1234,end=0x1240,\
 *                       mark=0x2000,mark=0x2400
 *
 * `begin`/`end` are the entry points of the harness's marker functions around
 * the model's run function; each `mark` is a kernel entry point. Between a
 * begin and its end, the plugin records the count at every mark, and at end
 * prints (to stderr, one record per line):
 *
 *   insn-count total N
 *   insn-count mark 0xADDR N      (instructions from this mark to the next
 *                                  mark or to end, in call order)
 *
 * With `profile=1` it also counts each guest instruction address separately
 * and prints, at end, the addresses executed between begin and end:
 *
 *   insn-count pc 0xADDR N
 *
 * Debian ships no qemu-plugin.h; the few declarations of the plugin API
 * (version 1, QEMU 7.x) this plugin uses are written out below.
 *===----------------------------------------------------------------------===*/

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- QEMU plugin API v1 declarations (from QEMU's public plugin API) --- */
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags {
  QEMU_PLUGIN_CB_NO_REGS,
  QEMU_PLUGIN_CB_R_REGS,
  QEMU_PLUGIN_CB_RW_REGS,
};
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu, void *data);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
                                               struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
                                                 size_t index);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags,
                                            void *data);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;
/* --- end of the API declarations --- */

#define MAX_MARKS 256
#define MAX_EVENTS 65536

enum { KIND_BEGIN, KIND_END, KIND_MARK };

static uint64_t count; /* single vCPU: the Cortex-M and user-mode runs */
static uint64_t begin_addr, end_addr;
static uint64_t marks[MAX_MARKS];
static size_t num_marks;
static bool counting;
static uint64_t begin_count;
static uint64_t event_addr[MAX_EVENTS], event_count[MAX_EVENTS];
static size_t num_events;

/* profile=1: one counter per translated instruction, in chunks that never
 * move (QEMU holds pointers to them); an address translated twice gets two
 * counters, summed when printed. */
#define PROFILE_CHUNK 4096
typedef struct {
  uint64_t pc, count, at_begin;
} pc_counter;
static bool profile;
static pc_counter **chunks;
static size_t num_chunks, used_in_chunk = PROFILE_CHUNK;

static pc_counter *new_counter(uint64_t pc) {
  if (used_in_chunk == PROFILE_CHUNK) {
    pc_counter **grown = realloc(chunks, (num_chunks + 1) * sizeof *chunks);
    pc_counter *chunk = calloc(PROFILE_CHUNK, sizeof *chunk);
    if (!grown || !chunk) {
      fprintf(stderr, "insn_count: out of memory\n");
      exit(1);
    }
    chunks = grown;
    chunks[num_chunks++] = chunk;
    used_in_chunk = 0;
  }
  chunks[num_chunks - 1][used_in_chunk].pc = pc;
  return &chunks[num_chunks - 1][used_in_chunk++];
}

static size_t counters_in(size_t chunk) {
  return chunk + 1 == num_chunks ? used_in_chunk : PROFILE_CHUNK;
}

static void on_begin(unsigned int vcpu, void *data) {
  size_t c, i;
  (void)vcpu;
  (void)data;
  counting = true;
  begin_count = count;
  num_events = 0;
  for (c = 0; c < num_chunks; ++c)
    for (i = 0; i < counters_in(c); ++i)
      chunks[c][i].at_begin = chunks[c][i].count;
}

static void print_profile(void) {
  size_t c, i;
  for (c = 0; c < num_chunks; ++c)
    for (i = 0; i < counters_in(c); ++i) {
      const pc_counter *k = &chunks[c][i];
      if (k->count != k->at_begin)
        fprintf(stderr, "insn-count pc 0x%" PRIx64 " %" PRIu64 "\n", k->pc,
                k->count - k->at_begin);
    }
}

static void on_mark(unsigned int vcpu, void *data) {
  (void)vcpu;
  if (!counting || num_events == MAX_EVENTS)
    return;
  event_addr[num_events] = (uint64_t)(uintptr_t)data;
  event_count[num_events++] = count;
}

static void on_end(unsigned int vcpu, void *data) {
  size_t i;
  (void)vcpu;
  (void)data;
  if (!counting)
    return;
  counting = false;
  fprintf(stderr, "insn-count total %" PRIu64 "\n", count - begin_count);
  for (i = 0; i < num_events; ++i) {
    uint64_t next = i + 1 < num_events ? event_count[i + 1] : count;
    fprintf(stderr, "insn-count mark 0x%" PRIx64 " %" PRIu64 "\n",
            event_addr[i], next - event_count[i]);
  }
  if (profile)
    print_profile();
  fflush(stderr);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  size_t i, j, n = qemu_plugin_tb_n_insns(tb);
  (void)id;
  for (i = 0; i < n; ++i) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    uint64_t pc = qemu_plugin_insn_vaddr(insn);
    /* Snapshots first, so a marker's own instruction counts after it. */
    if (pc == begin_addr)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin,
                                             QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (pc == end_addr)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end,
                                             QEMU_PLUGIN_CB_NO_REGS, NULL);
    for (j = 0; j < num_marks; ++j)
      if (pc == marks[j])
        qemu_plugin_register_vcpu_insn_exec_cb(
            insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)pc);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                               &count, 1);
    if (profile)
      qemu_plugin_register_vcpu_insn_exec_inline(
          insn, QEMU_PLUGIN_INLINE_ADD_U64, &new_counter(pc)->count, 1);
  }
}

static bool parse_address(const char *arg, const char *key, uint64_t *out) {
  size_t n = strlen(key);
  char *end;
  if (strncmp(arg, key, n) != 0 || arg[n] != '=')
    return false;
  *out = strtoull(arg + n + 1, &end, 0) & ~(uint64_t)1; /* Thumb bit */
  return *end == '\0';
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info, int argc,
                                           char **argv) {
  int i;
  (void)info;
  for (i = 0; i < argc; ++i) {
    uint64_t address;
    if (parse_address(argv[i], "begin", &begin_addr) ||
        parse_address(argv[i], "end", &end_addr))
      continue;
    if (parse_address(argv[i], "mark", &address) && num_marks < MAX_MARKS) {
      marks[num_marks++] = address;
      continue;
    }
    if (strcmp(argv[i], "profile=1") == 0) {
      profile = true;
      continue;
    }
    fprintf(stderr, "insn_count: bad argument '%s' (want begin=ADDR, "
                    "end=ADDR, mark=ADDR, profile=1)\n", argv[i]);
    return -1;
  }
  if (!begin_addr || !end_addr) {
    fprintf(stderr, "insn_count: begin= and end= are required\n");
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  return 0;
}
