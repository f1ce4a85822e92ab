//===- TrainingUtils.cpp - What the training stages share -----------------===//

#include "TrainingUtils.h"

#include "Mote/IR/Locations.h"
#include "Mote/IR/MoteOps.h"

using namespace mlir;

FailureOr<func::FuncOp> mote::getInferenceFunction(ModuleOp module) {
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.size() != 1)
    return module.emitError("expects one inference function, found ")
           << funcs.size();
  return funcs[0];
}

SmallVector<Operation *> mote::getTrainableLayers(func::FuncOp func) {
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<Conv2DOp, FullyConnectedOp>(op))
      layers.push_back(op);
  });
  return layers;
}

ml_program::GlobalOp mote::createStateGlobal(OpBuilder &b, SymbolTable &symbols,
                                             Location loc, StringRef name,
                                             Attribute value, Type type) {
  auto global =
      ml_program::GlobalOp::create(b, loc, name, type, /*is_mutable=*/true,
                                   value, b.getStringAttr("private"));
  symbols.insert(global);
  return global;
}

void mote::markTrained(ml_program::GlobalOp global, Operation *layer,
                       StringRef role) {
  Builder b(global.getContext());
  global->setAttr(kTrainedAttrName, b.getUnitAttr());
  StringRef name = getNodeName(layer->getLoc());
  if (!name.empty())
    global->setAttr("mote.source", b.getStringAttr(name));
  global->setAttr("mote.role", b.getStringAttr(role));
}

ml_program::GlobalOp mote::getTrainedGlobal(Value value, SymbolTable &symbols) {
  auto load = value.getDefiningOp<ml_program::GlobalLoadOp>();
  if (!load)
    return {};
  auto global =
      symbols.lookup<ml_program::GlobalOp>(load.getGlobal().getLeafReference());
  return global && global->hasAttr(kTrainedAttrName) ? global
                                                     : ml_program::GlobalOp();
}
