//===- Pipelines.cpp - Mote pass pipelines --------------------------------===//

#include "mote/Driver/Pipelines.h"

#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
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

void mote::registerMotePipelines() {
  PassPipelineRegistration<>(
      "mote-graph-pipeline",
      "Graph-level cleanup: fold batch norm, fuse activations, fold QDQ "
      "chains into integer ops, canonicalize, CSE",
      [](OpPassManager &pm) { buildGraphPipeline(pm); });
}
