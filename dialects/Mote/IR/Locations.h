//===- Locations.h - Names the importer records in locations ----*- C++ -*-===//

#ifndef MOTE_IR_LOCATIONS_H
#define MOTE_IR_LOCATIONS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"

namespace mote {

/// The ONNX node name the importer recorded in `loc` (its first NameLoc),
/// or an empty string. The name is owned by the context.
inline llvm::StringRef getNodeName(mlir::Location loc) {
  llvm::StringRef name;
  loc->walk([&](mlir::Location l) {
    if (auto named = llvm::dyn_cast<mlir::NameLoc>(l)) {
      name = named.getName().strref();
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  return name;
}

/// Records that result `value` of its defining op is the model's tensor
/// `name`: the op's location is wrapped in a FusedLoc whose metadata is
/// {mote.tensor = name, mote.result = index} (the node name stays the first
/// NameLoc). Block arguments carry their names as `mote.name` attributes.
inline void addTensorName(mlir::Value value, llvm::StringRef name) {
  mlir::Operation *op = value.getDefiningOp();
  if (!op || name.empty())
    return;
  mlir::Builder b(op->getContext());
  auto metadata = b.getDictionaryAttr(
      {b.getNamedAttr("mote.tensor", b.getStringAttr(name)),
       b.getNamedAttr(
           "mote.result",
           b.getI64IntegerAttr(
               llvm::cast<mlir::OpResult>(value).getResultNumber()))});
  op->setLoc(mlir::FusedLoc::get(op->getContext(), {op->getLoc()}, metadata));
}

/// Calls `visit(name, resultIndex)` for each tensor name recorded in the
/// location of `op` (addTensorName) until it returns true.
inline void
forEachTensorName(mlir::Operation *op,
                  llvm::function_ref<bool(llvm::StringRef, int64_t)> visit) {
  op->getLoc()->walk([&](mlir::Location l) {
    auto fused = llvm::dyn_cast<mlir::FusedLoc>(l);
    auto metadata =
        fused
            ? llvm::dyn_cast_or_null<mlir::DictionaryAttr>(fused.getMetadata())
            : mlir::DictionaryAttr();
    auto tensor = metadata ? metadata.getAs<mlir::StringAttr>("mote.tensor")
                           : mlir::StringAttr();
    auto index = metadata ? metadata.getAs<mlir::IntegerAttr>("mote.result")
                          : mlir::IntegerAttr();
    if (tensor && index && visit(tensor.strref(), index.getInt()))
      return mlir::WalkResult::interrupt();
    return mlir::WalkResult::advance();
  });
}

/// The result of `op` that is the model's tensor `name`, or null.
inline mlir::Value getNamedResult(mlir::Operation *op, llvm::StringRef name) {
  mlir::Value found;
  forEachTensorName(op, [&](llvm::StringRef tensor, int64_t index) {
    if (tensor != name || index >= op->getNumResults())
      return false;
    found = op->getResult(index);
    return true;
  });
  return found;
}

/// The model's tensor name of `result`, or an empty string.
inline llvm::StringRef getTensorName(mlir::OpResult result) {
  llvm::StringRef found;
  forEachTensorName(result.getOwner(),
                    [&](llvm::StringRef tensor, int64_t index) {
                      if (index != result.getResultNumber())
                        return false;
                      found = tensor;
                      return true;
                    });
  return found;
}

} // namespace mote

#endif // MOTE_IR_LOCATIONS_H
