//===- Pipelines.cpp - Mote pass pipelines --------------------------------===//

#include "mote/Pipelines/Pipelines.h"

#include "Mote/Transforms/Passes.h"
#include "mote/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mote::buildGraphPipeline(OpPassManager &pm) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createMoteFoldBatchNorm());
  func.addPass(createMoteFuseActivations());
  func.addPass(createMoteFoldQDQ());
  func.addPass(createCanonicalizerPass());
  func.addPass(createCSEPass());
}

void mote::buildLegalizeNamesPipeline(OpPassManager &pm,
                                      const LowerToCOptions &options) {
  MoteLegalizeNamesOptions names;
  names.modelName = options.modelName;
  pm.addPass(createMoteLegalizeNames(names));
}

void mote::buildLowerToKernelPipeline(OpPassManager &pm,
                                      const LowerToCOptions &options) {
  ConvertMoteToKernelOptions lower;
  lower.modelName = options.modelName;
  lower.target = options.target;
  pm.addPass(createConvertMoteToKernel(lower));
  pm.addPass(createCSEPass());
}

void mote::buildKernelToEmitCPipeline(OpPassManager &pm) {
  pm.addPass(createConvertMoteKernelToEmitC());
}

void mote::buildLowerToCPipeline(OpPassManager &pm,
                                 const LowerToCOptions &options) {
  buildLegalizeNamesPipeline(pm, options);
  buildLowerToKernelPipeline(pm, options);
  buildKernelToEmitCPipeline(pm);
}

namespace {
/// The textual options of the lowering pipelines.
struct LowerToCPipelineOptions
    : public PassPipelineOptions<LowerToCPipelineOptions> {
  Option<std::string> modelName{
      *this, "model-name",
      llvm::cl::desc("Prefix of the generated functions and globals"),
      llvm::cl::init("model")};
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Code-generation target: generic-c, aarch64-neon, "
                     "aarch64-dotprod, cortex-m4, cortex-m55"),
      llvm::cl::init("generic-c")};

  mote::LowerToCOptions get() const { return {modelName, target}; }
};
} // namespace

void mote::registerMotePipelines() {
  PassPipelineRegistration<>(
      "mote-graph-pipeline",
      "Graph-level cleanup: fold batch norm, fuse activations, fold QDQ "
      "chains into integer ops, canonicalize, CSE",
      [](OpPassManager &pm) { buildGraphPipeline(pm); });
  PassPipelineRegistration<LowerToCPipelineOptions>(
      "mote-lower-to-kernel-pipeline",
      "Graph level to kernel level for a target (what motec compile "
      "--emit=kernel shows)",
      [](OpPassManager &pm, const LowerToCPipelineOptions &options) {
        buildLowerToKernelPipeline(pm, options.get());
      });
  PassPipelineRegistration<LowerToCPipelineOptions>(
      "mote-lower-to-c-pipeline",
      "Graph level to EmitC for a target: legalize names, lower to kernel "
      "calls, CSE, EmitC (what motec compile --emit=emitc shows)",
      [](OpPassManager &pm, const LowerToCPipelineOptions &options) {
        buildLowerToCPipeline(pm, options.get());
      });
}
