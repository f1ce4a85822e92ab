//===- Locations.h - Names the importer records in locations ----*- C++ -*-===//

#ifndef MOTE_IR_LOCATIONS_H
#define MOTE_IR_LOCATIONS_H

#include "mlir/IR/Location.h"

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

} // namespace mote

#endif // MOTE_IR_LOCATIONS_H
