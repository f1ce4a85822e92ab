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

void mote::buildTrainPipeline(OpPassManager &pm,
                              const MoteBuildTrainStepOptions &options) {
  pm.addPass(createMoteBuildTrainStep(options));
  pm.addPass(createCanonicalizerPass());
}

void mote::buildLegalizeNamesPipeline(OpPassManager &pm,
                                      const LowerToCOptions &options) {
  MoteLegalizeNamesOptions names;
  names.modelName = options.modelName;
  pm.addPass(createMoteLegalizeNames(names));
}

void mote::buildPlanMemoryPipeline(OpPassManager &pm,
                                   const LowerToCOptions &options) {
  pm.addPass(createMoteLayoutState());
  MotePlanMemoryOptions plan;
  plan.target = options.target;
  pm.addPass(createMotePlanMemory(plan));
}

void mote::buildConvertToKernelPipeline(OpPassManager &pm,
                                        const LowerToCOptions &options) {
  ConvertMoteToKernelOptions lower;
  lower.modelName = options.modelName;
  lower.target = options.target;
  pm.addPass(createConvertMoteToKernel(lower));
  pm.addPass(createMoteMergeConstants());
  pm.addPass(createCSEPass());
}

void mote::buildLowerToKernelPipeline(OpPassManager &pm,
                                      const LowerToCOptions &options) {
  buildLegalizeNamesPipeline(pm, options);
  buildPlanMemoryPipeline(pm, options);
  buildConvertToKernelPipeline(pm, options);
}

void mote::buildKernelToEmitCPipeline(OpPassManager &pm) {
  pm.addPass(createConvertMoteKernelToEmitC());
}

void mote::buildLowerToCPipeline(OpPassManager &pm,
                                 const LowerToCOptions &options) {
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
  // The train pipeline takes the options of mote-build-train-step itself
  // (precision, train-layers, optimizer, lr, ...), parsed by that pass, so
  // the two can never disagree.
  registerPassPipeline(
      "mote-train-pipeline",
      "Build the train step of a float model (mote-build-train-step with "
      "its options), then canonicalize: what motec compile --train runs",
      [](OpPassManager &pm, StringRef options,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        std::unique_ptr<Pass> step = createMoteBuildTrainStep();
        if (failed(step->initializeOptions(options, errorHandler)))
          return failure();
        pm.addPass(std::move(step));
        pm.addPass(createCanonicalizerPass());
        return success();
      },
      // The options are documented with the pass (mote-opt --help lists
      // them under mote-build-train-step).
      [](function_ref<void(const mlir::detail::PassOptions &)>) {});
  PassPipelineRegistration<LowerToCPipelineOptions>(
      "mote-lower-to-kernel-pipeline",
      "Graph level to kernel level for a target: legalize names, lay out "
      "the state, plan memory, lower to kernel calls, merge constants, CSE "
      "(what motec compile --emit=kernel shows)",
      [](OpPassManager &pm, const LowerToCPipelineOptions &options) {
        buildLowerToKernelPipeline(pm, options.get());
      });
  PassPipelineRegistration<LowerToCPipelineOptions>(
      "mote-lower-to-c-pipeline",
      "Graph level to EmitC for a target: legalize names, lay out the state, "
      "plan memory, lower to kernel calls, merge constants, CSE, EmitC (what "
      "motec compile --emit=emitc shows)",
      [](OpPassManager &pm, const LowerToCPipelineOptions &options) {
        buildLowerToCPipeline(pm, options.get());
      });
}
