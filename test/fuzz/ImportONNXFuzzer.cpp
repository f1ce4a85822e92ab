//===- ImportONNXFuzzer.cpp - libFuzzer target for the ONNX importer ------===//
//
// Feeds arbitrary bytes to the importer as a binary model. Every input must
// end in a module or in diagnostics: no crash, no sanitizer report, no
// out-of-bounds access. The text syntax is parsed by ONNX's own parser and
// is not fuzzed here (models from users arrive as binary .onnx files).
//
//===----------------------------------------------------------------------===//

#include "Mote/Target/ONNX/ImportONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  // Inputs that look like the text syntax would go to ONNX's parser.
  if (bytes.ltrim().starts_with("<") || bytes.ltrim().starts_with("#"))
    return 0;
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  mote::ImportOptions options;
  options.dimBindings["N"] = 1;
  (void)mote::importONNXModel(bytes, "fuzz.onnx", &context, options);
  return 0;
}
