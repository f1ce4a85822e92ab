//===- ImportONNX.h - ONNX model importer -----------------------*- C++ -*-===//
//
// Reads an ONNX model (binary protobuf, or the text syntax of
// onnx::OnnxParser) into a module holding one `func.func` of Mote ops.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_TARGET_ONNX_IMPORTONNX_H
#define MOTE_TARGET_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mote {

struct ImportOptions {
  /// Values for symbolic input dimensions (`dim_param`), by name. A symbolic
  /// dimension without a value here is an error: Mote compiles static shapes.
  llvm::StringMap<int64_t> dimBindings;
  /// Name of the function the graph becomes.
  std::string functionName = "main";
};

/// The module attribute an imported model carries when ONNX's version
/// converter upgraded it: the opset it was written for (an i64).
inline constexpr llvm::StringLiteral kUpgradedFromAttr =
    "mote.onnx_upgraded_from";

/// Imports `bytes`, a serialized ModelProto or a model in ONNX text syntax
/// (recognized by its leading `<`). Problems are reported as diagnostics on
/// `context` naming the node, op and opset; the result is null on failure.
mlir::OwningOpRef<mlir::ModuleOp> importONNXModel(llvm::StringRef bytes,
                                                  llvm::StringRef sourceName,
                                                  mlir::MLIRContext *context,
                                                  const ImportOptions &options);

/// The ONNX operators (default domain) the importer handles, sorted.
llvm::SmallVector<std::string> getSupportedONNXOps();

/// The versions of a handled operator, from ONNX's schema registry: those
/// the importer reads as they are (in effect at some opset it reads) and
/// older ones, which ONNX's version converter upgrades first.
struct ONNXOpVersions {
  std::string op;
  llvm::SmallVector<int64_t> native, upgraded;
};
llvm::SmallVector<ONNXOpVersions> getSupportedONNXOpVersions();

/// Registers `--import-onnx` with mlir-translate's registry.
void registerImportONNXTranslation();

} // namespace mote

#endif // MOTE_TARGET_ONNX_IMPORTONNX_H
