//===- Pipelines.h - Mote pass pipelines ------------------------*- C++ -*-===//
//
// The pipelines `motec` runs. They are registered with `mote-opt` under the
// same names, so a compiler engineer can reproduce any step of `motec`.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_PIPELINES_PIPELINES_H
#define MOTE_PIPELINES_PIPELINES_H

#include "Mote/Transforms/Passes.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mote {

/// `mote-graph-pipeline`: graph-level cleanup of an imported model: fold
/// batch normalization, fuse activations, fold QDQ chains into integer ops,
/// then canonicalize and CSE.
void buildGraphPipeline(mlir::OpPassManager &pm);

/// The graph cleanup before calibration (`mote-pre-quantize-pipeline`):
/// fold batch normalization, fuse activations, canonicalize, CSE, so the
/// ranges observed are those of the layers that will be quantized.
void buildPreQuantizationPipeline(mlir::OpPassManager &pm);

/// `mote-quantize` on every function: after calibration has set the
/// `mote.range` of each tensor, the QDQ form of the model.
void buildQuantizePipeline(mlir::OpPassManager &pm);

/// Arithmetic of a train step.
enum class TrainPrecision { FP32, Int8 };

/// What `mote-train-pipeline` builds: the options of its stages.
struct TrainOptions {
  TrainPrecision precision = TrainPrecision::FP32;
  MotePromoteTrainableStateOptions state;
  /// Used with TrainPrecision::Int8 only.
  MoteOctoRewriteOptions octo;
  /// Where the error starts (a loss, or a given output gradient).
  MoteAutodiffOptions autodiff;
  MoteInsertOptimizerOptions optimizer;
};

/// `mote-train-pipeline{...}`: builds the train step of a float model in
/// stages (`mote-promote-trainable-state`, for int8 `mote-octo-rewrite`,
/// `mote-autodiff`, `mote-insert-optimizer`), then canonicalizes: what
/// `motec compile --train` runs after the graph pipeline.
void buildTrainPipeline(mlir::OpPassManager &pm, const TrainOptions &options);

/// What the lowering to C needs to know.
struct LowerToCOptions {
  /// Prefix of the generated functions, globals and macros.
  std::string modelName = "model";
  /// The code-generation target (TargetDescription.h).
  std::string target = "generic-c";
};

/// `mote-legalize-names` alone: the first step of the lowering to C, run on
/// the graph level (the package's header reads the names it sets).
void buildLegalizeNamesPipeline(mlir::OpPassManager &pm,
                                const LowerToCOptions &options);

/// Where every tensor lives (`mote-layout-state`, `mote-plan-memory` for the
/// target), recorded on the graph level: the plan the lowering uses and
/// `motec compile` prints.
void buildPlanMemoryPipeline(mlir::OpPassManager &pm,
                             const LowerToCOptions &options);

/// The planned graph level to the kernel level (`convert-mote-to-kernel`
/// for the target, `mote-merge-constants`, CSE).
void buildConvertToKernelPipeline(mlir::OpPassManager &pm,
                                  const LowerToCOptions &options);

/// `mote-lower-to-kernel-pipeline`: names legalized, then the two above:
/// the graph level to the kernel level, what `motec compile --emit=kernel`
/// shows.
void buildLowerToKernelPipeline(mlir::OpPassManager &pm,
                                const LowerToCOptions &options);

/// The kernel level to EmitC (`convert-mote-kernel-to-emitc`).
void buildKernelToEmitCPipeline(mlir::OpPassManager &pm);

/// `mote-lower-to-c-pipeline`: the kernel level, then EmitC, from the graph
/// level to the EmitC that `mote-translate --mlir-to-c` prints: what
/// `motec compile --emit=emitc` shows.
void buildLowerToCPipeline(mlir::OpPassManager &pm,
                           const LowerToCOptions &options);

/// Registers the pipelines above with the pass registry.
void registerMotePipelines();

} // namespace mote

#endif // MOTE_PIPELINES_PIPELINES_H
