//===- ExportC.h - Emit a compiled model as a C package ---------*- C++ -*-===//

#ifndef MOTE_TARGET_C_EXPORTC_H
#define MOTE_TARGET_C_EXPORTC_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mote {

/// The parts of the runtime a package's code calls besides the inference
/// kernels.
struct RuntimeParts {
  bool training = false; ///< Backward kernels, optimizers, state images.
  bool sgq = false;      ///< The SGQ codec (a split model's cut).
  bool pass = false;     ///< PASS patch skipping (mote_pass.h).
  /// The collaborative device program (a split device that trains, on a
  /// hosted target): collab.c, the MQTT client and the device loop.
  bool collab = false;
  /// TensorFlow Lite's numerics (the module's mote.numerics = "tflite"):
  /// the package's runtime is configured for them (mote_numerics.h).
  bool tfliteNumerics = false;
};

struct CPackage {
  std::string source; ///< <name>.c
  std::string header; ///< <name>.h
  std::string entry;  ///< The C function a program drives: <name>_run, ...
  int64_t arenaBytes = 0;
  int64_t weightBytes = 0;
  RuntimeParts runtime;
};

/// Lowers `module` (one function after mote-graph-pipeline, or a model and
/// its train step; it is consumed) with the stages of
/// `mote-lower-to-c-pipeline` and prints it as C with upstream
/// emitc::translateToCpp, plus a header declaring `<name>_run` (or the
/// function of a split model's `mote.model`, e.g. `<name>_device_forward`)
/// and stating the arena and weight bytes. `onPlanned`, if given, sees the
/// graph level once its memory is planned (the plan the code is then compiled
/// with).
mlir::FailureOr<CPackage>
exportC(mlir::ModuleOp module, llvm::StringRef name,
        llvm::StringRef target = "generic-c",
        llvm::function_ref<void(mlir::ModuleOp)> onPlanned = {});

/// Registers `--mlir-to-c` (EmitC module -> C) with mlir-translate.
void registerToCTranslation();

} // namespace mote

#endif // MOTE_TARGET_C_EXPORTC_H
