//===- Package.cpp - The files of a generated C package -------------------===//
//
// What `motec compile` writes besides the model's C: the example program,
// the Makefile and CMake project, the runtime files the target needs, and
// how a program for the target is built and run.
//
//===----------------------------------------------------------------------===//

#include "Mote/Target/C/Package.h"

#include "Mote/Transforms/MemoryPlan.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace llvm;
using namespace mote;

LogicalResult mote::writeFile(StringRef dir, StringRef file,
                              StringRef contents) {
  SmallString<256> path(dir);
  sys::path::append(path, file);
  std::error_code ec;
  raw_fd_ostream os(path, ec);
  if (ec) {
    errs() << "motec: cannot write '" << path << "': " << ec.message() << "\n";
    return failure();
  }
  os << contents;
  return success();
}

/// Copies `files` (relative to `runtimeDir`) into `dir`/runtime.
static LogicalResult copyFiles(StringRef runtimeDir, StringRef dir,
                               ArrayRef<std::string> files) {
  for (StringRef file : files) {
    SmallString<256> from(runtimeDir), to(dir);
    sys::path::append(from, file);
    sys::path::append(to, "runtime", file);
    if (std::error_code ec =
            sys::fs::create_directories(sys::path::parent_path(to))) {
      errs() << "motec: cannot create '" << sys::path::parent_path(to)
             << "': " << ec.message() << "\n";
      return failure();
    }
    if (std::error_code ec = sys::fs::copy_file(from, to)) {
      errs() << "motec: cannot copy the runtime file '" << from
             << "': " << ec.message() << " (see --runtime-dir)\n";
      return failure();
    }
  }
  return success();
}

SmallVector<std::string> mote::runtimeSources(const TargetDescription &target,
                                              RuntimeParts parts) {
  // The portable kernels, one file per family; the training kernels only
  // when the package trains.
  SmallVector<std::string> sources = {
      "src/mote_convolution.c",   "src/mote_elementwise.c",
      "src/mote_pooling.c",       "src/mote_quantization.c",
      "src/mote_data_movement.c", "src/mote_recurrent.c"};
  if (parts.training)
    llvm::append_range(sources,
                       SmallVector<std::string>{
                           "src/mote_backward.c", "src/mote_optimizers.c",
                           "src/mote_int8_training.c", "src/mote_state.c"});
  if (parts.sgq)
    sources.push_back("src/mote_sgq.c");
  if (parts.pass)
    sources.push_back("src/mote_pass.c");
  if (target.gemm) {
    sources.push_back("src/mote_gemm.c");
    sources.push_back(target.kernelSource.str());
  }
  if (!target.depthwiseSource.empty())
    sources.push_back(target.depthwiseSource.str());
  return sources;
}

std::string mote::boardSource(const TargetDescription &target) {
  return target.toolchain.bareMetal ? "boards/mote_board_semihost.c"
                                    : "boards/mote_board_hosted.c";
}

LogicalResult mote::copyRuntime(StringRef runtimeDir, StringRef dir,
                                const TargetDescription &target, bool board,
                                RuntimeParts parts) {
  SmallVector<std::string> files = {
      "include/mote/mote_abi.h",      "include/mote/mote_compiler.h",
      "include/mote/mote_kernels.h",  "include/mote/mote_requant.h",
      "include/mote/mote_numerics.h", "include/mote/mote_fixedpoint.h",
      "src/mote_internal.h"};
  llvm::append_range(files, runtimeSources(target, parts));
  if (parts.training)
    files.push_back("include/mote/mote_train.h");
  if (parts.sgq)
    files.push_back("include/mote/mote_sgq.h");
  if (parts.pass)
    files.push_back("include/mote/mote_pass.h");
  if (parts.collab)
    llvm::append_range(files, SmallVector<std::string>{
                                  "collab/mote_mqtt.h", "collab/mote_mqtt.c",
                                  "collab/mote_collab_device.h",
                                  "collab/mote_collab_device.c",
                                  "collab/mote_wire.h", "collab/mote_wire.c"});
  if (target.gemm) {
    files.push_back("include/mote/mote_gemm.h");
    files.push_back("src/targets/mote_gemm_tile.inc");
  }
  if (target.toolchain.bareMetal)
    files.push_back("src/targets/mote_arm_dsp.h");
  if (!target.toolchain.cmakeToolchain.empty())
    files.push_back(("cmake/" + target.toolchain.cmakeToolchain).str());
  if (board) {
    files.push_back("boards/mote_board.h");
    files.push_back(boardSource(target));
    if (target.toolchain.bareMetal) {
      files.push_back("boards/mote_cortex_m.ld");
      files.push_back(("boards/" + target.toolchain.linkerScript).str());
    }
  }
  if (failed(copyFiles(runtimeDir, dir, files)))
    return failure();
  if (!parts.tfliteNumerics)
    return success();
  // The model's numerics travel with its runtime: every build of the
  // package compiles the kernels in TFLite's.
  SmallString<256> include(dir);
  sys::path::append(include, "runtime", "include", "mote");
  return writeFile(
      include, "mote_numerics.h",
      R"(/* Generated by motec: the model was compiled with --numerics=tflite, so
 * this package's runtime requantizes as TensorFlow Lite does (see the
 * runtime's own mote_numerics.h and docs/Numerics.md). */
#ifndef MOTE_NUMERICS_H
#define MOTE_NUMERICS_H

#ifndef MOTE_NUMERICS_TFLITE
#define MOTE_NUMERICS_TFLITE 1
#endif

#endif /* MOTE_NUMERICS_H */
)");
}

SmallVector<std::string> mote::compileFlags(const TargetDescription &target,
                                            StringRef base) {
  std::string dir = base.empty() ? "" : base.str() + "/";
  // No contraction of a * b + c into fused multiply-adds: float results
  // (FP32 models, training) are then the same bits on every target.
  SmallVector<std::string> flags = {"-std=c11", "-O2", "-ffp-contract=off"};
  for (StringRef flag : target.toolchain.cpuFlags)
    flags.push_back(flag.str());
  flags.push_back("-I" + (base.empty() ? std::string(".") : base.str()));
  flags.push_back("-I" + dir + "runtime/include");
  flags.push_back("-I" + dir + "runtime/boards");
  if (target.toolchain.bareMetal) {
    flags.push_back("--specs=picolibc.specs");
    flags.push_back("-ffunction-sections");
    flags.push_back("-fdata-sections");
  }
  return flags;
}

SmallVector<std::string> mote::programFlags(const TargetDescription &target,
                                            StringRef base) {
  std::string dir = base.empty() ? "" : base.str() + "/";
  SmallVector<std::string> flags = compileFlags(target, base);
  if (target.toolchain.bareMetal) {
    flags.push_back("-nostartfiles");
    flags.push_back("-Wl,--gc-sections");
    flags.push_back("-L" + dir + "runtime/boards");
    flags.push_back("-T" + dir + "runtime/boards/" +
                    target.toolchain.linkerScript.str());
  }
  return flags;
}

SmallVector<std::string> mote::emulatorCommand(const TargetDescription &target,
                                               StringRef program,
                                               ArrayRef<std::string> args) {
  SmallVector<std::string> command;
  if (target.toolchain.emulator.empty()) {
    command.push_back(program.str());
    llvm::append_range(command, args);
    return command;
  }
  command.push_back(target.toolchain.emulator.str());
  for (StringRef arg : target.toolchain.emulatorArgs)
    command.push_back(arg.str());
  if (!target.toolchain.bareMetal) {
    command.push_back(program.str());
    llvm::append_range(command, args);
    return command;
  }
  // Semihosting passes the command line to the program.
  std::string config =
      "enable=on,target=native,arg=" + sys::path::filename(program).str();
  for (const std::string &arg : args)
    config += ",arg=" + arg;
  llvm::append_range(command,
                     SmallVector<std::string>{"-nographic", "-monitor", "none",
                                              "-semihosting-config", config,
                                              "-kernel", program.str()});
  return command;
}

namespace {

/// The C value printer of the board harness for outputs of element `type`.
static StringRef printerOf(Type type) {
  Type e = getElementTypeOrSelf(type);
  if (auto q = dyn_cast<quant::QuantizedType>(e))
    e = q.getStorageType();
  if (e.isInteger(32))
    return "print_s32";
  return e.isF32() ? "print_f32" : "print_s8";
}

} // namespace

/// Console printing without the C library's formatting, for the example
/// programs: integers (always used), int8 and float elements.
static const char *const kPrintInt = R"(static void print_int(long v) {
  char text[24];
  int n = sizeof text - 1;
  unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
  text[n] = '\0';
  do {
    text[--n] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0)
    text[--n] = '-';
  text[--n] = ' ';
  mote_board_print(text + n);
}

)";
static const char *const kPrintS8 =
    R"(static void print_s8(const uint8_t *data, int i) {
  print_int((int8_t)data[i]);
}

)";
static const char *const kPrintS32 =
    R"(static void print_s32(const uint8_t *data, int i) {
  int32_t v;
  memcpy(&v, data + 4 * i, sizeof v);
  print_int(v);
}

)";
static const char *const kPrintF32 =
    R"(/* Six decimals, without the C library's float formatting. */
static void print_f32(const uint8_t *data, int i) {
  float v;
  long micro;
  char text[8];
  int d;
  memcpy(&v, data + 4 * i, 4);
  if (!(v == v) || v > 2e9f || v < -2e9f) {
    mote_board_print(" nan/inf");
    return;
  }
  micro = (long)((v < 0 ? -v : v) * 1e6f + 0.5f);
  mote_board_print(v < 0 ? " -" : " ");
  print_int(micro / 1000000);
  for (d = 6; d >= 1; --d, micro /= 10)
    text[d] = (char)('0' + micro % 10);
  text[0] = '.';
  text[7] = '\0';
  mote_board_print(text);
}

)";

/// The print helpers a program that prints elements of `types` calls (only
/// those: an unused static function is a warning).
static std::string printHelpers(ArrayRef<Type> types) {
  std::string helpers = kPrintInt;
  if (llvm::any_of(types, [](Type t) { return printerOf(t) == "print_s8"; }))
    helpers += kPrintS8;
  if (llvm::any_of(types, [](Type t) { return printerOf(t) == "print_s32"; }))
    helpers += kPrintS32;
  if (llvm::any_of(types, [](Type t) { return printerOf(t) == "print_f32"; }))
    helpers += kPrintF32;
  return helpers;
}

std::string mote::boardMain(StringRef name, StringRef entry,
                            ArrayRef<Type> inputTypes,
                            ArrayRef<Type> outputTypes, int64_t arenaBytes,
                            StringRef init) {
  std::string buffers, opens, reads, args, writes, prints;
  size_t numFiles = inputTypes.size() + outputTypes.size();
  for (auto [i, type] : llvm::enumerate(inputTypes)) {
    int64_t bytes = getTensorBytes(type);
    buffers += formatv("static _Alignas(16) uint8_t in{0}[{1}];\n", i,
                       std::max<int64_t>(bytes, 1));
    opens += formatv("    f[{0}] = mote_board_open(argv[{1}], 0);\n", i, 1 + i);
    if (i == 0)
      reads += formatv("      got = mote_board_read(f[0], in0, {0});\n"
                       "      if (got == 0) break;\n"
                       "      if (got != {0}) return 2;\n",
                       bytes);
    else
      reads += formatv("      if (mote_board_read(f[{0}], in{0}, {1}) != {1}) "
                       "return 2;\n",
                       i, bytes);
    args += formatv("(const void *)in{0}, ", i);
  }
  for (auto [i, type] : llvm::enumerate(outputTypes)) {
    int64_t bytes = getTensorBytes(type);
    size_t file = inputTypes.size() + i;
    buffers += formatv("static _Alignas(16) uint8_t out{0}[{1}];\n", i,
                       std::max<int64_t>(bytes, 1));
    opens += formatv("    f[{0}] = mote_board_open(argv[{1}], 1);\n", file,
                     1 + file);
    writes += formatv(
        "      if (mote_board_write(f[{0}], out{1}, {2}) != 0) return 4;\n",
        file, i, bytes);
    args += formatv("(void *)out{0}, ", i);
    int64_t count = cast<ShapedType>(type).getNumElements();
    prints +=
        formatv("      mote_board_print(\"output {0}:\");\n"
                "      for (i = 0; i < {1} && i < 64; ++i) {2}(out{0}, i);\n"
                "      mote_board_print({1} > 64 ? \" ...\\n\" : \"\\n\");\n",
                i, count, printerOf(type));
  }
  return formatv(
      R"(/* Generated by motec: runs the model {0} on a board or host.
 *
 *   program                      runs once on zero-filled inputs
 *   program IN... OUT...         streams the samples in the raw input files
 *                                through the model into the output files
 *
 * Either way the first sample's outputs are printed. */
#include "{0}.h"
#include "mote_board.h"
#include <stdint.h>
#include <string.h>

{1}static _Alignas(16) uint8_t arena[{2}];

{12}int mote_main(int argc, char **argv) {{
  mote_board_file *f[{3}] = {{0};
  long samples = 0, got;
  int i, files = argc == {4};
  if (argc > 1 && !files) {{
    mote_board_print("usage: program [INPUT... OUTPUT...] ({5} input and "
                     "{6} output files)\n");
    return 1;
  }
  if (files) {{
{7}    for (i = 0; i < {3}; ++i)
      if (!f[i]) {{
        mote_board_print("cannot open a file\n");
        return 2;
      }
  }
{14}  for (;;) {{
    int32_t status;
    if (files) {{
{8}    }
    mote_bench_begin();
    status = {13}({9}arena);
    mote_bench_end();
    if (status != 0) {{
      mote_board_print("model status");
      print_int(status);
      mote_board_print(": a kernel refused its arguments (a Gather index out "
                       "of range, for one)\n");
      return 3;
    }
    if (files) {{
{10}    }
    if (samples++ == 0) {{
{11}    }
    if (!files) break;
  }
  if (files)
    for (i = 0; i < {3}; ++i)
      if (mote_board_close(f[i]) != 0) return 4;
  mote_board_print("ran");
  print_int(samples);
  mote_board_print(" sample(s)\n");
#ifdef {15}_PASS_COUNTERS_OFFSET
  {{
    /* PASS's counters (mote_pass.h): frames, tiles recomputed. */
    const int32_t *c = (const int32_t *)(arena + {15}_PASS_COUNTERS_OFFSET);
    mote_board_print("PASS: recomputed");
    print_int(c[1]);
    mote_board_print(" of");
    print_int(c[0] * {15}_PASS_TILES);
    mote_board_print(" tiles in");
    print_int(c[0]);
    mote_board_print(" frame(s)\n");
  }
#endif
  return 0;
}
)",
      name, buffers, std::max<int64_t>(arenaBytes, 1), numFiles, 1 + numFiles,
      inputTypes.size(), outputTypes.size(), opens, reads, args, writes, prints,
      printHelpers(outputTypes), entry,
      init.empty() ? std::string()
                   : formatv("  if ({0}(arena) != 0) return 3;\n", init).str(),
      name.upper());
}

std::string mote::trainMain(StringRef name, ArrayRef<Type> inputTypes,
                            int64_t arenaBytes) {
  // The train step's inputs: the model's, then the labels (or targets).
  std::string buffers, opens, reads, args;
  size_t numFiles = inputTypes.size();
  for (auto [i, type] : llvm::enumerate(inputTypes)) {
    int64_t bytes = getTensorBytes(type);
    buffers += formatv("static _Alignas(16) uint8_t in{0}[{1}];\n", i, bytes);
    opens += formatv("    f[{0}] = mote_board_open(argv[{1}], 0);\n", i, 1 + i);
    reads += formatv("      if (mote_board_read(f[{0}], in{0}, {1}) != {1}) "
                     "break;\n",
                     i, bytes);
    args += formatv("(const void *)in{0}, ", i);
  }
  return formatv(
      R"(/* Generated by motec: trains the model {0} on a board or host.
 *
 *   program                        3 steps on zero inputs and labels 0
 *   program INPUT... LABELS STEPS [STATE [START]]
 *                                  up to STEPS steps on the batches read in
 *                                  order from the raw files (f32 inputs,
 *                                  int32 labels or f32 targets, as the
 *                                  loss takes), starting from the state
 *                                  image START if given; writes the final
 *                                  state image to STATE
 *
 * Prints the loss of every step. */
#include "{0}.h"
#include "mote_board.h"
#include <stdint.h>
#include <string.h>

{2}static _Alignas(16) uint8_t arena[{3}];

{4}
int mote_main(int argc, char **argv) {{
  mote_board_file *f[{5}] = {{0};
  long steps = 3, step;
  int i, files = argc >= {6} && argc <= {7} + 1;
  float loss;
  static uint8_t image[{1}_STATE_BYTES + 64 * {1}_STATE_TENSORS + 64];
  uint32_t size;
  if (argc > 1 && !files) {{
    mote_board_print("usage: program [INPUT... LABELS STEPS [STATE [START]]] "
                     "({8} input file(s))\n");
    return 1;
  }
  if (files) {{
{9}    for (i = 0; i < {5}; ++i)
      if (!f[i]) {{
        mote_board_print("cannot open a file\n");
        return 2;
      }
    steps = 0;
    for (i = 0; argv[{6} - 1][i]; ++i)
      steps = steps * 10 + (argv[{6} - 1][i] - '0');
  }
  if ({0}_init_state(arena) != 0) return 3;
  if (argc == {7} + 1) {{
    mote_board_file *in = mote_board_open(argv[{7}], 0);
    long got = in ? mote_board_read(in, image, sizeof image) : -1;
    int32_t status;
    if (!in || got < 0) {{
      mote_board_print("cannot read the start state\n");
      return 2;
    }
    mote_board_close(in);
    status = {0}_import_state(arena, image, (uint32_t)got);
    if (status != 0) {{
      mote_board_print("start state rejected: status");
      print_int(status);
      mote_board_print(status == 2 ? " (not a state image)\n"
                       : status == 3 ? " (another model)\n"
                                     : " (corrupt)\n");
      return 5;
    }
  }
  for (step = 0; step < steps; ++step) {{
    int32_t status;
    if (files) {{
{10}    }
    mote_bench_begin();
    status = {0}_train_step({11}&loss, arena);
    mote_bench_end();
    if (status != 0) return 3;
    mote_board_print("step");
    print_int(step + 1);
    mote_board_print(" loss");
    print_f32((const uint8_t *)&loss, 0);
    mote_board_print("\n");
  }
  if (argc >= {7}) {{
    mote_board_file *out = mote_board_open(argv[{7} - 1], 1);
    if ({0}_export_state(arena, image, sizeof image, &size) != 0 || !out ||
        mote_board_write(out, image, (long)size) != 0 ||
        mote_board_close(out) != 0)
      return 4;
  }
  mote_board_print("trained");
  print_int(step);
  mote_board_print(" step(s)\n");
  return 0;
}
)",
      name, StringRef(name).upper(), buffers, arenaBytes,
      std::string(kPrintInt) + kPrintF32, numFiles, numFiles + 2, numFiles + 3,
      inputTypes.size() - 1, opens, reads, args);
}

/// The CMakeLists.txt of a package: the model as a static library and the
/// example program (main.c) that runs it on the target's board.
std::string mote::packageCMake(StringRef name, const TargetDescription &target,
                               RuntimeParts parts) {
  std::string sources, cpuFlags, linkFlags;
  for (const std::string &source : runtimeSources(target, parts))
    sources += " runtime/" + source;
  for (StringRef flag : target.toolchain.cpuFlags)
    cpuFlags += " " + flag.str();
  std::string usage = "cmake -B build";
  if (!target.toolchain.cmakeToolchain.empty())
    usage += " -DCMAKE_TOOLCHAIN_FILE=runtime/cmake/" +
             target.toolchain.cmakeToolchain.str();
  if (target.toolchain.bareMetal)
    linkFlags = formatv(R"(target_link_options({0}_main PRIVATE{1} -nostartfiles
  -Wl,--gc-sections -L${{CMAKE_CURRENT_SOURCE_DIR}/runtime/boards
  -T${{CMAKE_CURRENT_SOURCE_DIR}/runtime/boards/{2})
)",
                        name, cpuFlags, target.toolchain.linkerScript);
  return formatv(R"(# Generated by motec: the model {0} for target {1}.
#   {2} && cmake --build build
# builds lib{0}.a and {0}_main.elf, which runs the model once on zero inputs
# (or on raw sample files: {0}_main IN... OUT...) and prints the outputs.
cmake_minimum_required(VERSION 3.13)
project({0} C)
set(MOTE_CPU_FLAGS{3} -ffp-contract=off)
add_library({0} STATIC {0}.c{4})
target_include_directories({0} PUBLIC ${{CMAKE_CURRENT_SOURCE_DIR}
                           ${{CMAKE_CURRENT_SOURCE_DIR}/runtime/include)
target_compile_options({0} PUBLIC ${{MOTE_CPU_FLAGS})
set_target_properties({0} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON)
add_executable({0}_main main.c runtime/{5})
target_include_directories({0}_main PRIVATE runtime/boards)
target_link_libraries({0}_main PRIVATE {0})
set_target_properties({0}_main PROPERTIES C_STANDARD 11 SUFFIX .elf)
{6})",
                 name, target.name, usage, cpuFlags, sources,
                 boardSource(target), linkFlags);
}

std::string mote::collabMain(StringRef name, Type input, int64_t packetCapacity,
                             int64_t gradientCapacity, int64_t cutElements) {
  std::string cut =
      cutElements ? formatv("{0}, {1}_device_cut, {1}_device_backward_cut",
                            cutElements, name)
                        .str()
                  : std::string("0, 0, 0");
  return formatv(
      R"(/* Generated by motec: the device program of collaborative learning
 * for the split model {0} (docs/Collaborative.md). Build with
 * `make collab.elf`; run
 *
 *   ./collab.elf HOST PORT DEVICE INPUTS LABELS [options]
 *
 * (options: runtime/collab/mote_collab_device.h). INPUTS: float32 samples
 * of {1} bytes back to back; LABELS: int32. */
#include "{0}.h"
#include "mote_collab_device.h"

static _Alignas(16) uint8_t arena[{2}_ARENA_BYTES];

int main(int argc, char **argv) {{
  mote_collab_model model = {{"{0}", {1}, {3}, {4}, {0}_init_state,
                             {0}_device_forward, {0}_device_backward, {5},
                             {0}_state_image_bytes, {0}_export_state,
                             {0}_import_state, arena};
  return mote_collab_run(&model, argc, argv);
}
)",
      name, getTensorBytes(input), name.upper(), packetCapacity,
      gradientCapacity, cut);
}

/// The Makefile of a package: `make` builds lib<name>.a and <name>.elf,
/// `make run` runs the program (under QEMU for the Arm targets).
std::string mote::packageMakefile(StringRef name,
                                  const TargetDescription &target,
                                  RuntimeParts parts) {
  std::string sources, objects, rules, flags, run;
  for (const std::string &source : runtimeSources(target, parts)) {
    std::string object = sys::path::stem(source).str() + ".o";
    sources += " runtime/" + source;
    objects += " " + object;
    rules += formatv("{0}: runtime/{1}\n\t$(CC) $(LIB_CFLAGS) -c $< -o $@\n\n",
                     object, source);
  }
  for (const std::string &flag : programFlags(target))
    flags += " " + flag;
  for (const std::string &word :
       emulatorCommand(target, "./" + name.str() + ".elf", {}))
    run += (run.empty() ? "" : " ") + word;
  std::string cc = target.toolchain.compiler.empty()
                       ? "CC ?= cc"
                       : "CC = " + target.toolchain.compiler.str();
  std::string cpu;
  for (StringRef flag : target.toolchain.cpuFlags)
    cpu += " " + flag.str();
  std::string collabUsage, collabRule;
  if (parts.collab) {
    collabUsage = "\n#   make collab.elf  the device program of collaborative "
                  "learning (collab.c)";
    collabRule =
        formatv("collab.elf: collab.c lib{0}.a\n\t$(CC){1} "
                "-Iruntime/collab $(CFLAGS) $(LDFLAGS) collab.c "
                "runtime/collab/mote_collab_device.c "
                "runtime/collab/mote_mqtt.c runtime/collab/mote_wire.c "
                "lib{0}.a -lm -o $@\n\n",
                name, flags);
  }
  return formatv(R"(# Generated by motec: the model {0} for target {1}.
#   make        builds lib{0}.a and {0}.elf (runs the model, prints outputs)
#   make run    runs {0}.elf{2}{11}
{3}
CFLAGS ?= -O2
LIB_CFLAGS = -std=c99 -ffp-contract=off -Iruntime/include -I.{4} $(CFLAGS)

all: lib{0}.a {0}.elf{13}

lib{0}.a: {0}.o{5}
	$(AR) rcs $@ $^

{0}.o: {0}.c {0}.h
	$(CC) $(LIB_CFLAGS) -c {0}.c -o $@

{6}{0}.elf: main.c {0}.c {0}.h
	$(CC){7} $(CFLAGS) $(LDFLAGS) main.c {0}.c{8} runtime/{9} -o $@

{12}run: {0}.elf
	{10}

clean:
	rm -f *.o lib{0}.a {0}.elf{13}

.PHONY: all run clean
)",
                 name, target.name,
                 target.toolchain.emulator.empty()
                     ? ""
                     : " under " + target.toolchain.emulator.str(),
                 cc, cpu, objects, rules, flags, sources, boardSource(target),
                 run, collabUsage, collabRule,
                 parts.collab ? " collab.elf" : "");
}

LogicalResult mote::writePackage(StringRef dir, StringRef name,
                                 const CPackage &package,
                                 const TargetDescription &target, bool training,
                                 ArrayRef<Type> inputs, ArrayRef<Type> outputs,
                                 StringRef runtimeDir) {
  // A split model that trains drives its device forward from the initial
  // state.
  std::string program =
      training
          ? trainMain(name, inputs, package.arenaBytes)
          : boardMain(name, package.entry, inputs, outputs, package.arenaBytes,
                      package.runtime.training ? (name + "_init_state").str()
                                               : std::string());
  if (failed(writeFile(dir, name.str() + ".c", package.source)) ||
      failed(writeFile(dir, name.str() + ".h", package.header)) ||
      failed(writeFile(dir, "main.c", program)) ||
      failed(writeFile(dir, "CMakeLists.txt",
                       packageCMake(name, target, package.runtime))) ||
      failed(writeFile(dir, "Makefile",
                       packageMakefile(name, target, package.runtime))) ||
      failed(copyRuntime(runtimeDir, dir, target, /*board=*/true,
                         package.runtime)))
    return failure();
  return success();
}
