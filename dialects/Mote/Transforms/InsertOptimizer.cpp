//===- InsertOptimizer.cpp - Optimizer updates of trained state -----------===//
//
// Last stage of training: the gradient results of a train step become
// updates of the globals they belong to.
//
//===----------------------------------------------------------------------===//

#include "Mote/Transforms/Passes.h"
#include "TrainingUtils.h"

#include "llvm/ADT/BitVector.h"

namespace mote {
#define GEN_PASS_DEF_MOTEINSERTOPTIMIZER
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

struct MoteInsertOptimizerPass
    : mote::impl::MoteInsertOptimizerBase<MoteInsertOptimizerPass> {
  using MoteInsertOptimizerBase::MoteInsertOptimizerBase;

  void runOnOperation() override;

private:
  /// Turns the gradient results of `step` into updates; `stepCount` is the
  /// Adam step global (created on first use).
  LogicalResult insertUpdates(func::FuncOp step, SymbolTable &symbols,
                              ml_program::GlobalOp &stepCount);
};

LogicalResult
MoteInsertOptimizerPass::insertUpdates(func::FuncOp step, SymbolTable &symbols,
                                       ml_program::GlobalOp &stepCount) {
  ModuleOp module = getOperation();
  OpBuilder b(&getContext());
  Location loc = step.getLoc();
  auto ret = cast<func::ReturnOp>(step.getBody().front().getTerminator());
  auto zeros = [](Type type) {
    return DenseElementsAttr::get(cast<ShapedType>(type), 0.0f);
  };
  llvm::BitVector gradients(step.getNumResults());
  bool firstAdam = !stepCount;
  for (unsigned i = 0; i < step.getNumResults(); ++i) {
    auto of =
        step.getResultAttrOfType<FlatSymbolRefAttr>(i, kGradientOfAttrName);
    if (!of)
      continue;
    auto param = symbols.lookup<ml_program::GlobalOp>(of.getValue());
    if (!param || !param.getIsMutable())
      return step.emitError("result ")
             << i << " is the gradient of '" << of.getValue()
             << "', which is not mutable state";
    gradients.set(i);
    Value grad = ret.getOperand(i);
    Type type = param.getType();
    std::string name = param.getSymName().str();
    b.setInsertionPointAfter(param);
    if (optimizer == OptimizerKind::SGD) {
      FlatSymbolRefAttr moment;
      if (momentum != 0.0)
        moment = FlatSymbolRefAttr::get(createStateGlobal(
            b, symbols, loc, name + "_momentum", zeros(type), type));
      b.setInsertionPoint(ret);
      SGDUpdateOp::create(b, loc, grad, FlatSymbolRefAttr::get(param), moment,
                          b.getF32FloatAttr(lr), b.getF32FloatAttr(momentum),
                          b.getF32FloatAttr(weightDecay));
      continue;
    }
    auto m = createStateGlobal(b, symbols, loc, name + "_m", zeros(type), type);
    auto v = createStateGlobal(b, symbols, loc, name + "_v", zeros(type), type);
    if (!stepCount) {
      // Before the first function, after the model's state.
      b.setInsertionPoint(*module.getOps<func::FuncOp>().begin());
      auto scalar = RankedTensorType::get({1}, b.getF32Type());
      stepCount = createStateGlobal(b, symbols, loc, "adam_step", zeros(scalar),
                                    scalar);
    }
    b.setInsertionPoint(ret);
    AdamUpdateOp::create(
        b, loc, grad, FlatSymbolRefAttr::get(param), FlatSymbolRefAttr::get(m),
        FlatSymbolRefAttr::get(v), FlatSymbolRefAttr::get(stepCount),
        b.getF32FloatAttr(lr), b.getF32FloatAttr(beta1),
        b.getF32FloatAttr(beta2), b.getF32FloatAttr(epsilon),
        b.getF32FloatAttr(weightDecay), b.getBoolAttr(firstAdam));
    firstAdam = false;
  }
  if (gradients.none())
    return success();
  ret->eraseOperands(gradients);
  return step.eraseResults(gradients);
}

void MoteInsertOptimizerPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  ml_program::GlobalOp stepCount;
  bool any = false;
  for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      any |= bool(func.getResultAttr(i, kGradientOfAttrName));
    if (failed(insertUpdates(func, symbols, stepCount)))
      return signalPassFailure();
  }
  if (!any) {
    module.emitError("has no gradient results to apply (run mote-autodiff "
                     "first)");
    return signalPassFailure();
  }
}

} // namespace
