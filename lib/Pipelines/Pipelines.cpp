//===- Pipelines.cpp - Mote pass pipelines --------------------------------===//

#include "Mote/Pipelines/Pipelines.h"

#include "Mote/Conversion/Passes.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mote::buildGraphPipeline(OpPassManager &pm) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createMoteFoldBatchNorm());
  func.addPass(createMoteFormFullyConnected());
  func.addPass(createMoteFuseActivations());
  func.addPass(createMoteFoldQDQ());
  func.addPass(createCanonicalizerPass());
  func.addPass(createCSEPass());
}

void mote::buildPreQuantizationPipeline(OpPassManager &pm) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createMoteFoldBatchNorm());
  func.addPass(createMoteFormFullyConnected());
  func.addPass(createMoteFuseActivations());
  func.addPass(createCanonicalizerPass());
  func.addPass(createCSEPass());
}

void mote::buildQuantizePipeline(OpPassManager &pm) {
  pm.nest<func::FuncOp>().addPass(createMoteQuantize());
}

void mote::buildTrainPipeline(OpPassManager &pm, const TrainOptions &options) {
  pm.addPass(createMotePromoteTrainableState(options.state));
  if (options.precision == TrainPrecision::Int8)
    pm.addPass(createMoteOctoRewrite(options.octo));
  pm.addPass(createMoteAutodiff(options.autodiff));
  pm.addPass(createMoteInsertOptimizer(options.optimizer));
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

/// The textual options of `mote-train-pipeline`: those of its stages, with
/// their defaults.
struct TrainPipelineOptions : public PassPipelineOptions<TrainPipelineOptions> {
  using Precision = mote::TrainPrecision;
  using OptimizerKind = mote::OptimizerKind;
  const mote::TrainOptions defaults;

  Option<Precision> precision{
      *this, "precision", llvm::cl::desc("Arithmetic of the train step"),
      llvm::cl::init(Precision::FP32),
      llvm::cl::values(
          clEnumValN(Precision::FP32, "fp32", "float forward and backward"),
          clEnumValN(Precision::Int8, "int8",
                     "Octo: int8 x int8 -> int32 products forward and "
                     "backward, FP32 master weights"))};
  Option<std::string> lossSeed{
      *this, "loss",
      llvm::cl::desc("Where the error starts: a loss (softmax-cross-entropy, "
                     "bce, mse, l1), or output-gradient (split learning's "
                     "device half)"),
      llvm::cl::init(defaults.autodiff.seed)};
  Option<std::string> trainLayers{
      *this, "train-layers",
      llvm::cl::desc("Trained tensors: all, last:K, or bias"),
      llvm::cl::init(defaults.state.trainLayers)};
  Option<OptimizerKind> optimizer{
      *this, "optimizer", llvm::cl::desc("The update rule"),
      llvm::cl::init(defaults.optimizer.optimizer),
      llvm::cl::values(clEnumValN(OptimizerKind::SGD, "sgd", "SGD"),
                       clEnumValN(OptimizerKind::Adam, "adam", "Adam"))};
  Option<double> lr{*this, "lr", llvm::cl::desc("Learning rate"),
                    llvm::cl::init(defaults.optimizer.lr)};
  Option<double> momentum{*this, "momentum", llvm::cl::desc("SGD momentum"),
                          llvm::cl::init(defaults.optimizer.momentum)};
  Option<double> weightDecay{*this, "weight-decay",
                             llvm::cl::desc("L2 weight decay"),
                             llvm::cl::init(defaults.optimizer.weightDecay)};
  Option<double> beta1{*this, "beta1", llvm::cl::desc("Adam beta1"),
                       llvm::cl::init(defaults.optimizer.beta1)};
  Option<double> beta2{*this, "beta2", llvm::cl::desc("Adam beta2"),
                       llvm::cl::init(defaults.optimizer.beta2)};
  Option<double> epsilon{*this, "epsilon", llvm::cl::desc("Adam epsilon"),
                         llvm::cl::init(defaults.optimizer.epsilon)};
  Option<double> prc{*this, "prc",
                     llvm::cl::desc("int8: parameterized range clipping"),
                     llvm::cl::init(defaults.octo.prc)};
  Option<bool> lac{*this, "lac",
                   llvm::cl::desc("int8: loss-aware compensation"),
                   llvm::cl::init(defaults.octo.lac)};
  Option<double> lacL2{*this, "lac-l2",
                       llvm::cl::desc("int8: L2 penalty of the LAC terms"),
                       llvm::cl::init(defaults.octo.lacL2)};
  Option<bool> stochasticRounding{
      *this, "stochastic-rounding",
      llvm::cl::desc("int8: round errors stochastically"),
      llvm::cl::init(defaults.octo.stochasticRounding)};
  Option<unsigned> seed{*this, "seed",
                        llvm::cl::desc("int8: stochastic rounding seed"),
                        llvm::cl::init(defaults.octo.seed)};

  mote::TrainOptions get() const {
    mote::TrainOptions options;
    options.precision = precision;
    options.state.trainLayers = trainLayers;
    options.autodiff.seed = lossSeed;
    options.optimizer = {optimizer, lr,    momentum, weightDecay,
                         beta1,     beta2, epsilon};
    options.octo = {prc, lac, lacL2, stochasticRounding, seed};
    return options;
  }
};
} // namespace

void mote::registerMotePipelines() {
  PassPipelineRegistration<>(
      "mote-graph-pipeline",
      "Graph-level cleanup: fold batch norm, form fully-connected layers, "
      "fuse activations, fold QDQ chains into integer ops, canonicalize, "
      "CSE",
      [](OpPassManager &pm) { buildGraphPipeline(pm); });
  PassPipelineRegistration<>(
      "mote-pre-quantize-pipeline",
      "Graph cleanup before calibration: fold batch norm, form "
      "fully-connected layers, fuse activations, canonicalize, CSE (what motec "
      "compile --quantize=int8 calibrates)",
      [](OpPassManager &pm) { buildPreQuantizationPipeline(pm); });
  PassPipelineRegistration<TrainPipelineOptions>(
      "mote-train-pipeline",
      "Build the train step of a float model: promote trainable state, the "
      "Octo rewrite (precision=int8), autodiff, optimizer updates, "
      "canonicalize (what motec compile --train runs)",
      [](OpPassManager &pm, const TrainPipelineOptions &options) {
        buildTrainPipeline(pm, options.get());
      });
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
