//===- Driver.cpp - The motec command line --------------------------------===//

#include "mote/Driver/Driver.h"
#include "mote/Driver/ModelInfo.h"
#include "mote/Driver/Npy.h"
#include "mote/Driver/Pipelines.h"
#include "mote/Driver/Registration.h"
#include "mote/Conversion/Passes.h"
#include "mote/Target/C/ExportC.h"
#include "mote/Target/ONNX/ImportONNX.h"

#include "Mote/Transforms/MemoryPlan.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <chrono>
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace llvm;

namespace {

cl::SubCommand infoCommand("info", "Summarize a model: inputs, outputs, op "
                                   "histogram, parameter bytes and MACs per "
                                   "layer");

cl::SubCommand compileCommand(
    "compile", "Compile a model to a C package (source, header, runtime, "
               "build files)");

cl::SubCommand runCommand(
    "run", "Compile a model for this machine, build it with the host C "
           "compiler ($CC or cc), run it on .npy inputs and write .npy outputs");

cl::opt<std::string> runModel(cl::Positional, cl::desc("<model.onnx>"),
                              cl::Required, cl::sub(runCommand));
cl::list<std::string> runInputs("input", cl::desc("Input .npy, one per model "
                                                  "input, in order"),
                                cl::value_desc("file.npy"), cl::OneOrMore,
                                cl::sub(runCommand));
cl::list<std::string> runOutputs("output", cl::desc("Output .npy, one per "
                                                    "model output, in order"),
                                 cl::value_desc("file.npy"), cl::OneOrMore,
                                 cl::sub(runCommand));

cl::opt<std::string> infoModel(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::sub(infoCommand));
cl::opt<std::string> compileModel(cl::Positional, cl::desc("<model.onnx>"),
                                  cl::Required, cl::sub(compileCommand));
cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                               cl::value_desc("dir"), cl::Required,
                               cl::sub(compileCommand));
cl::opt<std::string> modelName(
    "name", cl::desc("C name of the model (default: the file name)"),
    cl::sub(compileCommand));
cl::opt<std::string> target("target",
                            cl::desc("Target: generic-c (portable C99)"),
                            cl::init("generic-c"), cl::sub(compileCommand));
cl::opt<std::string> emit("emit",
                          cl::desc("What to write: c (the package, default), "
                                   "mlir (after the graph pipeline), kernel "
                                   "(buffers and kernel calls), emitc"),
                          cl::init("c"), cl::sub(compileCommand));
cl::opt<std::string> runtimeDir("runtime-dir",
                                cl::desc("Mote runtime sources to copy"),
                                cl::init(MOTE_RUNTIME_DIR),
                                cl::sub(compileCommand), cl::sub(runCommand));
cl::list<std::string>
    bindDims("bind-dim",
             cl::desc("Give a symbolic input dimension a value: NAME=VALUE"),
             cl::sub(infoCommand), cl::sub(compileCommand),
             cl::sub(runCommand));
cl::opt<bool> noGraphPipeline(
    "no-graph-pipeline",
    cl::desc("Report the imported graph as is, without mote-graph-pipeline"),
    cl::sub(infoCommand));

/// Parses --bind-dim values into `options`.
LogicalResult parseDimBindings(mote::ImportOptions &options) {
  for (const std::string &binding : bindDims) {
    auto [name, value] = StringRef(binding).split('=');
    int64_t extent;
    if (name.empty() || value.getAsInteger(10, extent) || extent < 1) {
      errs() << "motec: --bind-dim expects NAME=VALUE with a positive VALUE, "
                "got '"
             << binding << "'\n";
      return failure();
    }
    options.dimBindings[name] = extent;
  }
  return success();
}

/// Imports the model at `path` (with the --bind-dim values) and runs the
/// graph pipeline unless disabled.
OwningOpRef<ModuleOp> loadModel(MLIRContext &context, StringRef path,
                                bool runGraphPipeline) {
  mote::ImportOptions options;
  if (failed(parseDimBindings(options)))
    return nullptr;
  auto file = MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
  if (!file) {
    errs() << "motec: cannot read '" << path << "': " << file.getError().message()
           << "\n";
    return nullptr;
  }
  OwningOpRef<ModuleOp> module =
      mote::importONNXModel((*file)->getBuffer(), path, &context, options);
  if (!module)
    return nullptr;
  if (runGraphPipeline) {
    PassManager pm(&context);
    mote::buildGraphPipeline(pm);
    if (failed(pm.run(*module)))
      return nullptr;
  }
  return module;
}

/// A context with every dialect Mote uses.
std::unique_ptr<MLIRContext> createContext() {
  DialectRegistry registry;
  mote::registerMoteDialects(registry);
  return std::make_unique<MLIRContext>(registry);
}

int runInfo() {
  std::unique_ptr<MLIRContext> contextOwner = createContext();
  MLIRContext &context = *contextOwner;
  OwningOpRef<ModuleOp> module =
      loadModel(context, infoModel, !noGraphPipeline);
  if (!module)
    return 1;
  outs() << "model: " << infoModel << "\n";
  mote::printModelInfo(mote::analyzeModel(*module), outs());
  return 0;
}

/// Writes `contents` to `dir`/`file`.
LogicalResult writeFile(StringRef dir, StringRef file, StringRef contents) {
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

/// Copies the runtime sources the generated code needs into `dir`/runtime.
LogicalResult copyRuntime(StringRef dir) {
  for (StringRef file : {"include/mote/mote_kernels.h",
                         "include/mote/mote_requant.h", "src/mote_kernels.c"}) {
    SmallString<256> from(runtimeDir.getValue()), to(dir);
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

/// A C identifier from the model file name.
std::string defaultName(StringRef path) {
  std::string name;
  for (char c : sys::path::stem(sys::path::stem(path)))
    name += isAlnum(c) ? toLower(c) : '_';
  if (name.empty() || isDigit(name[0]))
    name = "model_" + name;
  return name;
}

/// Bytes of machine code of a package: the .text of the model and the
/// runtime compiled with the host C compiler at -Os, read with `size`.
std::optional<int64_t> measureCode(StringRef dir, StringRef name) {
  auto cc = sys::findProgramByName("cc");
  auto size = sys::findProgramByName("size");
  if (!cc || !size)
    return std::nullopt;
  SmallString<128> work;
  if (sys::fs::createUniqueDirectory("motec-size", work))
    return std::nullopt;
  auto cleanup = llvm::scope_exit([&] { sys::fs::remove_directories(work); });
  SmallString<128> source(dir), kernels(dir), include(dir), obj1(work),
      obj2(work), report(work);
  sys::path::append(source, name + ".c");
  sys::path::append(kernels, "runtime", "src", "mote_kernels.c");
  sys::path::append(include, "runtime", "include");
  sys::path::append(obj1, "model.o");
  sys::path::append(obj2, "kernels.o");
  sys::path::append(report, "size.txt");
  std::string inc1 = ("-I" + dir).str(), inc2 = ("-I" + include).str();
  for (auto [src, obj] : {std::pair<StringRef, StringRef>(source, obj1),
                          std::pair<StringRef, StringRef>(kernels, obj2)})
    if (sys::ExecuteAndWait(*cc, {"cc", "-std=c99", "-Os", inc1, inc2, "-c",
                                  src, "-o", obj}) != 0)
      return std::nullopt;
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(report),
                                          std::nullopt};
  if (sys::ExecuteAndWait(*size, {"size", "-A", obj1, obj2}, std::nullopt,
                          redirects) != 0)
    return std::nullopt;
  auto text = MemoryBuffer::getFile(report);
  if (!text)
    return std::nullopt;
  int64_t total = 0;
  SmallVector<StringRef> lines;
  (*text)->getBuffer().split(lines, '\n');
  for (StringRef line : lines) {
    SmallVector<StringRef> fields;
    line.split(fields, ' ', -1, /*KeepEmpty=*/false);
    int64_t bytes;
    if (fields.size() >= 2 && fields[0] == ".text" &&
        !fields[1].getAsInteger(10, bytes))
      total += bytes;
  }
  return total;
}

int runCompile() {
  if (target != "generic-c") {
    errs() << "motec: unknown target '" << target
           << "' (available: generic-c)\n";
    return 1;
  }
  if (emit != "c" && emit != "mlir" && emit != "kernel" && emit != "emitc") {
    errs() << "motec: --emit must be c, mlir, kernel or emitc, got '" << emit
           << "'\n";
    return 1;
  }
  std::unique_ptr<MLIRContext> contextOwner = createContext();
  MLIRContext &context = *contextOwner;
  OwningOpRef<ModuleOp> module =
      loadModel(context, compileModel, /*runGraphPipeline=*/true);
  if (!module)
    return 1;
  std::string name = modelName.empty() ? defaultName(compileModel) : modelName;
  if (std::error_code ec = sys::fs::create_directories(outputDir)) {
    errs() << "motec: cannot create '" << outputDir << "': " << ec.message()
           << "\n";
    return 1;
  }
  mote::ModelInfo info = mote::analyzeModel(*module);
  if (emit == "mlir") {
    std::string text;
    raw_string_ostream os(text);
    module->print(os);
    return failed(writeFile(outputDir, name + ".mlir", text)) ? 1 : 0;
  }
  if (emit == "kernel" || emit == "emitc") {
    PassManager pm(&context);
    mote::ConvertMoteToKernelOptions convertOptions;
    convertOptions.modelName = name;
    pm.addPass(mote::createConvertMoteToKernel(convertOptions));
    if (emit == "emitc")
      pm.addPass(mote::createConvertMoteKernelToEmitC());
    if (failed(pm.run(*module)))
      return 1;
    std::string text;
    raw_string_ostream os(text);
    module->print(os);
    return failed(writeFile(outputDir, name + "." + emit + ".mlir", text)) ? 1
                                                                          : 0;
  }
  FailureOr<mote::CPackage> package = mote::exportC(*module, name);
  if (failed(package))
    return 1;
  std::string cmake = formatv(
      R"(# Generated by motec: builds the model {0} as a static library.
cmake_minimum_required(VERSION 3.13)
project({0} C)
add_library({0} STATIC {0}.c runtime/src/mote_kernels.c)
target_include_directories({0} PUBLIC ${{CMAKE_CURRENT_SOURCE_DIR}
                           ${{CMAKE_CURRENT_SOURCE_DIR}/runtime/include)
set_target_properties({0} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON)
)",
      name);
  std::string makefile = formatv(
      R"(# Generated by motec: builds lib{0}.a with any C99 compiler.
CC ?= cc
CFLAGS ?= -O2
ALL_CFLAGS = -std=c99 -Iruntime/include -I. $(CFLAGS)

lib{0}.a: {0}.o mote_kernels.o
	$(AR) rcs $@ $^

{0}.o: {0}.c {0}.h
	$(CC) $(ALL_CFLAGS) -c {0}.c -o $@

mote_kernels.o: runtime/src/mote_kernels.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

clean:
	rm -f *.o lib{0}.a
)",
      name);
  if (failed(writeFile(outputDir, name + ".c", package->source)) ||
      failed(writeFile(outputDir, name + ".h", package->header)) ||
      failed(writeFile(outputDir, "CMakeLists.txt", cmake)) ||
      failed(writeFile(outputDir, "Makefile", makefile)) ||
      failed(copyRuntime(outputDir)))
    return 1;
  outs() << "compiled " << compileModel << " -> " << outputDir << "/" << name
         << ".c (target " << target << ")\n";
  for (const mote::LayerInfo &layer : info.layers)
    outs() << formatv("  {0,-24} {1,-40} {2,12} MACs {3,10} B arena live\n",
                      layer.op,
                      layer.name.size() > 40
                          ? "..." + layer.name.substr(layer.name.size() - 37)
                          : layer.name,
                      layer.macs, layer.liveArenaBytes);
  std::optional<int64_t> code = measureCode(outputDir, name);
  outs() << formatv("total: {0} MACs, arena {1} bytes (lower bound {2}), "
                    "weights {3} bytes, code {4}\n",
                    info.totalMacs, package->arenaBytes, info.arenaLowerBound,
                    package->weightBytes,
                    code ? formatv("{0} bytes (host cc -Os, .text)", *code).str()
                         : std::string("unknown (no host cc or size)"));
  return 0;
}

/// Prints a step's name, and its duration when it took more than a second.
class Progress {
public:
  explicit Progress(StringRef step) : start(std::chrono::steady_clock::now()) {
    errs() << "motec: " << step << "...\n";
  }
  ~Progress() {
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    if (seconds > 1.0)
      errs() << formatv("motec:   done in {0:F1} s\n", seconds);
  }

private:
  std::chrono::steady_clock::time_point start;
};

/// The C main() of `motec run`: streams `samples` samples through the
/// model, reading raw inputs and writing raw outputs one sample at a time.
std::string runHarness(StringRef name, ArrayRef<int64_t> inputBytes,
                       ArrayRef<int64_t> outputBytes, int64_t arenaBytes,
                       int64_t samples) {
  std::string buffers, opens, reads, args, writes;
  size_t numFiles = inputBytes.size() + outputBytes.size();
  for (auto [i, bytes] : llvm::enumerate(inputBytes)) {
    buffers += formatv("static _Alignas(16) uint8_t in{0}[{1}];\n", i,
                       std::max<int64_t>(bytes, 1));
    opens += formatv("  f[{0}] = fopen(argv[{1}], \"rb\");\n", i, 1 + i);
    reads += formatv("    if (fread(in{0}, 1, {1}, f[{0}]) != {1}) return 2;\n",
                     i, bytes);
    args += formatv("(const void *)in{0}, ", i);
  }
  for (auto [i, bytes] : llvm::enumerate(outputBytes)) {
    size_t file = inputBytes.size() + i;
    buffers += formatv("static _Alignas(16) uint8_t out{0}[{1}];\n", i,
                       std::max<int64_t>(bytes, 1));
    opens += formatv("  f[{0}] = fopen(argv[{1}], \"wb\");\n", file, 1 + file);
    writes += formatv(
        "    if (fwrite(out{0}, 1, {1}, f[{2}]) != {1}) return 4;\n", i, bytes,
        file);
    args += formatv("(void *)out{0}, ", i);
  }
  return formatv(R"(/* Generated by motec run. */
#include "{0}.h"
#include <stdio.h>
{1}static _Alignas(16) uint8_t arena[{2}];
int main(int argc, char **argv) {{
  FILE *f[{3}];
  long s;
  int i;
  if (argc != {4}) return 1;
{5}  for (i = 0; i < {3}; ++i)
    if (!f[i]) return 2;
  for (s = 0; s < {6}; ++s) {{
{7}    if ({0}_run({8}arena) != 0) return 3;
{9}  }
  for (i = 0; i < {3}; ++i)
    if (fclose(f[i]) != 0) return 4;
  return 0;
}
)",
                 name, buffers, std::max<int64_t>(arenaBytes, 1), numFiles,
                 1 + numFiles, opens, samples, reads, args, writes);
}

/// Runs `program` with `args`; reports a failure naming `what`.
LogicalResult execute(StringRef program, ArrayRef<StringRef> args,
                      StringRef what) {
  std::string message;
  int rc = sys::ExecuteAndWait(program, args, std::nullopt, {}, 0, 0, &message);
  if (rc != 0) {
    errs() << "motec: " << what << " failed (exit code " << rc << ")"
           << (message.empty() ? "" : ": " + message) << "\n";
    return failure();
  }
  return success();
}

int runRun() {
  std::unique_ptr<MLIRContext> contextOwner = createContext();
  MLIRContext &context = *contextOwner;
  OwningOpRef<ModuleOp> module;
  {
    Progress progress("importing and optimizing " + runModel);
    module = loadModel(context, runModel, /*runGraphPipeline=*/true);
  }
  if (!module)
    return 1;
  auto func = *module->getOps<func::FuncOp>().begin();
  auto npyType = [](Type type) {
    Type e = getElementTypeOrSelf(type);
    if (auto q = dyn_cast<quant::QuantizedType>(e))
      e = q.getStorageType();
    return std::string(e.isF32() ? "<f4" : "|i1");
  };
  if (runInputs.size() != func.getNumArguments() ||
      runOutputs.size() != func.getNumResults()) {
    errs() << "motec: the model has " << func.getNumArguments()
           << " input(s) and " << func.getNumResults()
           << " output(s); give one --input and one --output for each\n";
    return 1;
  }
  SmallString<128> workDir;
  if (std::error_code ec =
          sys::fs::createUniqueDirectory("motec-run", workDir)) {
    errs() << "motec: cannot create a work directory: " << ec.message()
           << "\n";
    return 1;
  }
  auto cleanup = llvm::scope_exit([&] { sys::fs::remove_directories(workDir); });
  SmallVector<int64_t> inputBytes, outputBytes;
  SmallVector<std::string> rawFiles;
  // Inputs hold one sample of the model's shape, or N samples stacked along
  // a leading dimension where the model's batch dimension is 1.
  int64_t samples = -1;
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto file = MemoryBuffer::getFile(runInputs[i], false, false);
    if (!file) {
      errs() << "motec: cannot read '" << runInputs[i]
             << "': " << file.getError().message() << "\n";
      return 1;
    }
    std::string error;
    FailureOr<mote::NpyArray> array =
        mote::parseNpy((*file)->getBuffer(), error);
    if (failed(array)) {
      errs() << "motec: '" << runInputs[i] << "': " << error << "\n";
      return 1;
    }
    auto type = cast<RankedTensorType>(arg.getType());
    ArrayRef<int64_t> shape = array->shape;
    int64_t count = 1;
    bool stacked = type.getRank() >= 1 && type.getDimSize(0) == 1 &&
                   shape.size() == static_cast<size_t>(type.getRank()) &&
                   shape.drop_front() == type.getShape().drop_front();
    if (stacked)
      count = shape[0];
    if (array->dtype != npyType(type) ||
        (shape != type.getShape() && !stacked) ||
        (samples >= 0 && count != samples)) {
      std::string want;
      raw_string_ostream os(want);
      os << type;
      errs() << "motec: '" << runInputs[i] << "' holds a "
             << (array->dtype == "<f4" ? "float32" : "int8") << " array of shape ("
             << llvm::join(llvm::map_range(array->shape,
                                           [](int64_t d) { return std::to_string(d); }),
                           ", ")
             << "); input " << i << " of the model is " << want
             << (samples >= 0 ? " (with the same leading count as the other "
                                "inputs)"
                              : "")
             << "\n";
      return 1;
    }
    samples = count;
    SmallString<128> raw(workDir);
    sys::path::append(raw, "in" + std::to_string(i) + ".bin");
    if (failed(writeFile(workDir, "in" + std::to_string(i) + ".bin",
                         array->data)))
      return 1;
    rawFiles.push_back(std::string(raw));
    inputBytes.push_back(array->data.size() / std::max<int64_t>(count, 1));
  }
  SmallVector<std::pair<std::string, SmallVector<int64_t>>> outputs;
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    SmallString<128> raw(workDir);
    sys::path::append(raw, "out" + std::to_string(i) + ".bin");
    rawFiles.push_back(std::string(raw));
    auto shaped = cast<RankedTensorType>(type);
    outputBytes.push_back(mote::getTensorBytes(shaped));
    SmallVector<int64_t> shape(shaped.getShape());
    if (samples != 1 && !shape.empty())
      shape[0] = samples; // Stacked inputs give stacked outputs.
    outputs.push_back({npyType(shaped), shape});
  }

  std::string name = "model";
  FailureOr<mote::CPackage> package;
  {
    Progress progress("generating C");
    package = mote::exportC(*module, name);
  }
  if (failed(package) ||
      failed(writeFile(workDir, name + ".c", package->source)) ||
      failed(writeFile(workDir, name + ".h", package->header)) ||
      failed(writeFile(workDir, "main.c",
                       runHarness(name, inputBytes, outputBytes,
                                  package->arenaBytes, samples))) ||
      failed(copyRuntime(workDir)))
    return 1;

  const char *ccEnv = std::getenv("CC");
  std::string cc = ccEnv && *ccEnv ? ccEnv : "cc";
  auto ccPath = sys::findProgramByName(cc);
  if (!ccPath) {
    errs() << "motec: no C compiler '" << cc << "' on PATH (set CC)\n";
    return 1;
  }
  SmallString<128> exe(workDir);
  sys::path::append(exe, "run");
  std::string inc1 = "-I" + std::string(workDir);
  SmallString<128> runtimeInclude(workDir), kernels(workDir), source(workDir),
      harness(workDir);
  sys::path::append(runtimeInclude, "runtime", "include");
  sys::path::append(kernels, "runtime", "src", "mote_kernels.c");
  sys::path::append(source, name + ".c");
  sys::path::append(harness, "main.c");
  std::string inc2 = "-I" + std::string(runtimeInclude);
  {
    Progress progress("building with " + cc);
    if (failed(execute(*ccPath,
                       {cc, "-std=c11", "-O2", inc1, inc2, harness, source,
                        kernels, "-o", exe},
                       "the C compiler")))
      return 1;
  }
  {
    Progress progress("running " + std::to_string(samples) + " sample(s)");
    SmallVector<StringRef> args = {exe};
    for (const std::string &f : rawFiles)
      args.push_back(f);
    if (failed(execute(exe, args, "the compiled model")))
      return 1;
  }
  for (auto [i, output] : llvm::enumerate(outputs)) {
    auto raw = MemoryBuffer::getFile(rawFiles[inputBytes.size() + i], false,
                                     false);
    if (!raw) {
      errs() << "motec: the compiled model wrote no output " << i << "\n";
      return 1;
    }
    mote::NpyArray array{output.first, output.second,
                         (*raw)->getBuffer().str()};
    std::error_code ec;
    raw_fd_ostream os(runOutputs[i], ec);
    if (ec) {
      errs() << "motec: cannot write '" << runOutputs[i] << "': "
             << ec.message() << "\n";
      return 1;
    }
    os << mote::writeNpy(array);
    outs() << "wrote " << runOutputs[i] << "\n";
  }
  return 0;
}

} // namespace

int mote::motecMain(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "motec: the Mote compiler for tiny machine learning\n\n"
      "  motec info MODEL.onnx             summarize a model\n"
      "  motec compile MODEL.onnx -o DIR   compile it to a C package\n"
      "  motec run MODEL.onnx --input X.npy --output Y.npy\n"
      "                                    compile, build and run it here\n");
  if (infoCommand)
    return runInfo();
  if (compileCommand)
    return runCompile();
  if (runCommand)
    return runRun();
  errs() << "motec: expected a command (info, compile, run); see motec --help\n";
  return 1;
}
