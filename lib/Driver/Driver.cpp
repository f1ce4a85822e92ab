//===- Driver.cpp - The motec command line --------------------------------===//

#include "mote/Driver/Driver.h"
#include "mote/Driver/ModelInfo.h"
#include "mote/Driver/Pipelines.h"
#include "mote/Driver/Registration.h"
#include "mote/Conversion/Passes.h"
#include "mote/Target/C/ExportC.h"
#include "mote/Target/ONNX/ImportONNX.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
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
                                   "mlir (after the graph pipeline), emitc"),
                          cl::init("c"), cl::sub(compileCommand));
cl::opt<std::string> runtimeDir("runtime-dir",
                                cl::desc("Mote runtime sources to copy"),
                                cl::init(MOTE_RUNTIME_DIR),
                                cl::sub(compileCommand));
cl::list<std::string>
    bindDims("bind-dim",
             cl::desc("Give a symbolic input dimension a value: NAME=VALUE"),
             cl::sub(infoCommand), cl::sub(compileCommand));
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

/// Imports the model at `path` and runs the graph pipeline unless disabled.
OwningOpRef<ModuleOp> loadModel(MLIRContext &context, StringRef path,
                                const mote::ImportOptions &options,
                                bool runGraphPipeline) {
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

int runInfo() {
  DialectRegistry registry;
  mote::registerMoteDialects(registry);
  MLIRContext context(registry);
  mote::ImportOptions options;
  if (failed(parseDimBindings(options)))
    return 1;
  OwningOpRef<ModuleOp> module =
      loadModel(context, infoModel, options, !noGraphPipeline);
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

int runCompile() {
  if (target != "generic-c") {
    errs() << "motec: unknown target '" << target
           << "' (available: generic-c)\n";
    return 1;
  }
  if (emit != "c" && emit != "mlir" && emit != "emitc") {
    errs() << "motec: --emit must be c, mlir or emitc, got '" << emit << "'\n";
    return 1;
  }
  DialectRegistry registry;
  mote::registerMoteDialects(registry);
  MLIRContext context(registry);
  mote::ImportOptions options;
  if (failed(parseDimBindings(options)))
    return 1;
  OwningOpRef<ModuleOp> module =
      loadModel(context, compileModel, options, /*runGraphPipeline=*/true);
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
  if (emit == "emitc") {
    PassManager pm(&context);
    mote::ConvertMoteToEmitCOptions convertOptions;
    convertOptions.modelName = name;
    pm.addPass(mote::createConvertMoteToEmitC(convertOptions));
    if (failed(pm.run(*module)))
      return 1;
    std::string text;
    raw_string_ostream os(text);
    module->print(os);
    return failed(writeFile(outputDir, name + ".emitc.mlir", text)) ? 1 : 0;
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
    if (layer.macs)
      outs() << formatv("  {0,-24} {1,-40} {2,12} MACs\n", layer.op,
                        layer.name.size() > 40
                            ? "..." + layer.name.substr(layer.name.size() - 37)
                            : layer.name,
                        layer.macs);
  outs() << formatv("total: {0} MACs, arena {1} bytes (lower bound {2}), "
                    "weights {3} bytes\n",
                    info.totalMacs, package->arenaBytes, info.arenaLowerBound,
                    package->weightBytes);
  return 0;
}

} // namespace

int mote::motecMain(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "motec: the Mote compiler for tiny machine learning\n\n"
      "  motec info MODEL.onnx             summarize a model\n"
      "  motec compile MODEL.onnx -o DIR   compile it to a C package\n");
  if (infoCommand)
    return runInfo();
  if (compileCommand)
    return runCompile();
  errs() << "motec: expected a command (info, compile); see motec --help\n";
  return 1;
}
