//===- PromoteTrainableState.cpp - Trained tensors become state -----------===//
//
// First stage of training: the weights and biases that train become mutable
// `ml_program.global` state the inference function loads.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/Passes.h"
#include "TrainingUtils.h"

#include "mlir/IR/Matchers.h"

namespace mote {
#define GEN_PASS_DEF_MOTEPROMOTETRAINABLESTATE
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// A layer operand that trains.
struct TrainedOperand {
  Operation *layer;
  unsigned operand;
};

/// Which conv / FC tensors train, from the `train-layers` option.
FailureOr<SmallVector<TrainedOperand>>
selectTrainedOperands(func::FuncOp func, ArrayRef<Operation *> layers,
                      StringRef spec) {
  bool biasOnly = spec == "bias";
  size_t first = 0;
  if (spec.consume_front("last:")) {
    unsigned k = 0;
    if (spec.getAsInteger(10, k) || k == 0)
      return func.emitError("train-layers 'last:K' needs a positive K, got '")
             << spec << "'";
    first = layers.size() > k ? layers.size() - k : 0;
  } else if (spec != "all" && !biasOnly) {
    return func.emitError("unknown train-layers '")
           << spec << "' (expected all, last:K or bias)";
  }
  SmallVector<TrainedOperand> selected;
  for (Operation *layer : layers.drop_front(first)) {
    // Operands: input, weight, optional bias.
    for (unsigned i = biasOnly ? 2 : 1; i < layer->getNumOperands(); ++i) {
      Value v = layer->getOperand(i);
      if (!matchPattern(v, m_Constant()))
        return layer->emitOpError("trains only constant weights and biases; "
                                  "operand ")
               << i << " is computed";
      if (getNumericKind(v.getType()) != NumericKind::Float)
        return layer->emitOpError("fp32 training needs float weights, got ")
               << v.getType();
      selected.push_back({layer, i});
    }
  }
  if (selected.empty())
    return func.emitError("train-layers '")
           << spec << "' selects no trainable tensor";
  return selected;
}

struct MotePromoteTrainableStatePass
    : mote::impl::MotePromoteTrainableStateBase<MotePromoteTrainableStatePass> {
  using MotePromoteTrainableStateBase::MotePromoteTrainableStateBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<func::FuncOp> infer = getInferenceFunction(module);
    if (failed(infer))
      return signalPassFailure();
    SmallVector<Operation *> layers = getTrainableLayers(*infer);
    FailureOr<SmallVector<TrainedOperand>> selected =
        selectTrainedOperands(*infer, layers, trainLayers);
    if (failed(selected))
      return signalPassFailure();

    OpBuilder b(&getContext());
    SymbolTable symbols(module);
    Location loc = infer->getLoc();
    SmallVector<std::pair<ml_program::GlobalOp, TrainedOperand>> globals;
    b.setInsertionPoint(*infer);
    for (TrainedOperand t : *selected) {
      Attribute value;
      matchPattern(t.layer->getOperand(t.operand), m_Constant(&value));
      unsigned index = llvm::find(layers, t.layer) - layers.begin();
      StringRef role = t.operand == 1 ? "weight" : "bias";
      auto global = createStateGlobal(
          b, symbols, loc, ("l" + Twine(index) + "_" + role).str(), value,
          t.layer->getOperand(t.operand).getType());
      markTrained(global, t.layer, role);
      globals.push_back({global, t});
    }
    for (auto [global, t] : globals) {
      b.setInsertionPoint(t.layer);
      t.layer->setOperand(t.operand, ml_program::GlobalLoadOp::create(
                                         b, loc, global.getType(),
                                         FlatSymbolRefAttr::get(global)));
    }
  }
};

} // namespace
