//===- Driver.cpp - The motec command line --------------------------------===//

#include "mote/Driver/Driver.h"
#include "mote/Driver/ModelInfo.h"
#include "mote/Driver/Pipelines.h"
#include "mote/Driver/Registration.h"
#include "mote/Target/ONNX/ImportONNX.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
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

cl::opt<std::string> infoModel(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::sub(infoCommand));
cl::list<std::string>
    bindDims("bind-dim",
             cl::desc("Give a symbolic input dimension a value: NAME=VALUE"),
             cl::sub(infoCommand));
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

} // namespace

int mote::motecMain(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "motec: the Mote compiler for tiny machine learning\n\n"
      "  motec info MODEL.onnx   summarize a model\n");
  if (infoCommand)
    return runInfo();
  errs() << "motec: expected a command (info); see motec --help\n";
  return 1;
}
