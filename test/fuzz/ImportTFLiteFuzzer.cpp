//===- ImportTFLiteFuzzer.cpp - libFuzzer target for the TFLite importer --===//
//
// Feeds arbitrary bytes to the TFLite importer. Every input must end in a
// module or in diagnostics: no crash, no sanitizer report, no out-of-bounds
// access (the FlatBuffers verifier runs first; lying tensor, buffer and
// op-code indices and sizes reach the importer's own checks).
//
//===----------------------------------------------------------------------===//

#include "Mote/Target/TFLite/ImportTFLite.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  (void)mote::importTFLiteModel(bytes, "fuzz.tflite", &context);
  return 0;
}
