//===- ImportTFLite.h - TensorFlow Lite model importer ----------*- C++ -*-===//
//
// Reads a TensorFlow Lite flatbuffer (`.tflite`, schema version 3) into a
// module holding one `func.func` of Mote ops, in the QDQ form the ONNX
// importer gives QDQ models: each int8 tensor is a quantize / dequantize
// pair with the tensor's TFLite scale and zero point, constant weights are
// dequantized int8 constants (per channel where TFLite has them), and
// mote-fold-qdq turns the chains into integer ops.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_TARGET_TFLITE_IMPORTTFLITE_H
#define MOTE_TARGET_TFLITE_IMPORTTFLITE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mote {

/// True if `bytes` carries TFLite's file identifier ("TFL3" at offset 4).
bool isTFLiteModel(llvm::StringRef bytes);

/// Imports `bytes`, a .tflite model. The FlatBuffers verifier checks the
/// bytes first; problems are reported as diagnostics on `context` naming
/// the operator index, its op code and the detail; the result is null on
/// failure.
mlir::OwningOpRef<mlir::ModuleOp> importTFLiteModel(llvm::StringRef bytes,
                                                    llvm::StringRef sourceName,
                                                    mlir::MLIRContext *context);

/// The TFLite builtin operators the importer handles, sorted.
llvm::SmallVector<std::string> getSupportedTFLiteOps();

/// Registers `--import-tflite` with mlir-translate's registry.
void registerImportTFLiteTranslation();

} // namespace mote

#endif // MOTE_TARGET_TFLITE_IMPORTTFLITE_H
