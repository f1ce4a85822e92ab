//===- MoteFolds.cpp - Folders of Mote ops --------------------------------===//

#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"

using namespace mlir;
using namespace mote;

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) -> reshape(x): only the final shape matters.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [index, p] : llvm::enumerate(getPerm()))
    if (p != static_cast<int64_t>(index))
      return {};
  return getInput();
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  // Padding by nothing (PyTorch exports one before some average pools).
  if (getInput().getType() == getType())
    return getInput();
  return {};
}
