//===- ExportONNX.h - Write a float or QDQ ONNX model ----------*- C++ -*-===//
//
// Writes the graph level of a model back to ONNX: float ops and the QDQ
// form (QuantizeLinear / DequantizeLinear around float ops, int8 weights and
// int32 biases behind DequantizeLinear), so a model quantized by
// `motec compile --quantize=int8` can be checked in ONNX Runtime or any
// other ONNX tool.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_TARGET_ONNX_EXPORTONNX_H
#define MOTE_TARGET_ONNX_EXPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mote {

/// Serializes the single function of `module` as an ONNX ModelProto
/// (opset 14). Ops with integer (folded) types or without an ONNX form are
/// reported as errors at the op.
mlir::FailureOr<std::string> exportONNXModel(mlir::ModuleOp module);

} // namespace mote

#endif // MOTE_TARGET_ONNX_EXPORTONNX_H
