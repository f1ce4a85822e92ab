//===- Pipelines.h - Mote pass pipelines ------------------------*- C++ -*-===//
//
// The pipelines `motec` runs. They are registered with `mote-opt` under the
// same names, so a compiler engineer can reproduce any step of `motec`.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_PIPELINES_H
#define MOTE_DRIVER_PIPELINES_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mote {

/// `mote-graph-pipeline`: graph-level cleanup of an imported model: fold
/// batch normalization, fuse activations, fold QDQ chains into integer ops,
/// then canonicalize and CSE.
void buildGraphPipeline(mlir::OpPassManager &pm);

/// Registers the pipelines above with the pass registry.
void registerMotePipelines();

} // namespace mote

#endif // MOTE_DRIVER_PIPELINES_H
