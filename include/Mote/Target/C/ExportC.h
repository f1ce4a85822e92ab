//===- ExportC.h - Emit a compiled model as a C package ---------*- C++ -*-===//

#ifndef MOTE_TARGET_C_EXPORTC_H
#define MOTE_TARGET_C_EXPORTC_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mote {

struct CPackage {
  std::string source; ///< <name>.c
  std::string header; ///< <name>.h
  int64_t arenaBytes = 0;
  int64_t weightBytes = 0;
};

/// Lowers `module` (one function after mote-graph-pipeline, or a model and
/// its train step; it is consumed) with the stages of
/// `mote-lower-to-c-pipeline` and prints it as C with upstream
/// emitc::translateToCpp, plus a header declaring `<name>_run` and stating
/// the arena and weight bytes. `onPlanned`, if given, sees the graph level
/// once its memory is planned (the plan the code is then compiled with).
mlir::FailureOr<CPackage>
exportC(mlir::ModuleOp module, llvm::StringRef name,
        llvm::StringRef target = "generic-c",
        llvm::function_ref<void(mlir::ModuleOp)> onPlanned = {});

/// Registers `--mlir-to-c` (EmitC module -> C) with mlir-translate.
void registerToCTranslation();

} // namespace mote

#endif // MOTE_TARGET_C_EXPORTC_H
