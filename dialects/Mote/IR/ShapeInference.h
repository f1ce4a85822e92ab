//===- ShapeInference.h - ONNX shape rules for Mote ops ---------*- C++ -*-===//
//
// The result-shape rules of the Mote ops, written once: the verifiers check
// result types against them and the ONNX importer uses them to type results.
// Each function reports a problem through `emitError` and fails.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_IR_SHAPEINFERENCE_H
#define MOTE_IR_SHAPEINFERENCE_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

namespace mote {

using EmitErrorFn = llvm::function_ref<mlir::InFlightDiagnostic()>;

/// Output shape of a 2-D convolution of NCHW `input` with OIHW `weight`.
mlir::LogicalResult inferConv2DShape(
    EmitErrorFn emitError, llvm::ArrayRef<int64_t> input,
    llvm::ArrayRef<int64_t> weight, llvm::ArrayRef<int64_t> strides,
    llvm::ArrayRef<int64_t> dilations, llvm::ArrayRef<int64_t> pads,
    int64_t group, llvm::SmallVectorImpl<int64_t> &result);

/// Output shape of a 2-D transposed convolution of NCHW `input` with
/// `weight` laid out `[C_in, C_out / group, kH, kW]`; `outputPadding` (two
/// entries) extends the bottom and right.
mlir::LogicalResult inferConvTranspose2DShape(
    EmitErrorFn emitError, llvm::ArrayRef<int64_t> input,
    llvm::ArrayRef<int64_t> weight, llvm::ArrayRef<int64_t> strides,
    llvm::ArrayRef<int64_t> dilations, llvm::ArrayRef<int64_t> pads,
    llvm::ArrayRef<int64_t> outputPadding, int64_t group,
    llvm::SmallVectorImpl<int64_t> &result);

/// Output shape of 2-D pooling over an NCHW `input`.
mlir::LogicalResult inferPool2DShape(EmitErrorFn emitError,
                                     llvm::ArrayRef<int64_t> input,
                                     llvm::ArrayRef<int64_t> kernel,
                                     llvm::ArrayRef<int64_t> strides,
                                     llvm::ArrayRef<int64_t> dilations,
                                     llvm::ArrayRef<int64_t> pads,
                                     llvm::SmallVectorImpl<int64_t> &result);

/// NumPy broadcast of two shapes.
mlir::LogicalResult inferBroadcastShape(EmitErrorFn emitError,
                                        llvm::ArrayRef<int64_t> lhs,
                                        llvm::ArrayRef<int64_t> rhs,
                                        llvm::SmallVectorImpl<int64_t> &result);

/// ONNX MatMul of operands of rank >= 2.
mlir::LogicalResult inferMatMulShape(EmitErrorFn emitError,
                                     llvm::ArrayRef<int64_t> lhs,
                                     llvm::ArrayRef<int64_t> rhs,
                                     llvm::SmallVectorImpl<int64_t> &result);

/// Permutation of `input` by `perm`.
mlir::LogicalResult inferTransposeShape(EmitErrorFn emitError,
                                        llvm::ArrayRef<int64_t> input,
                                        llvm::ArrayRef<int64_t> perm,
                                        llvm::SmallVectorImpl<int64_t> &result);

/// Concatenation of `inputs` along `axis` (already non-negative).
mlir::LogicalResult
inferConcatShape(EmitErrorFn emitError,
                 llvm::ArrayRef<llvm::ArrayRef<int64_t>> inputs, int64_t axis,
                 llvm::SmallVectorImpl<int64_t> &result);

/// Padding of `input` by `pads` (begins then ends).
mlir::LogicalResult inferPadShape(EmitErrorFn emitError,
                                  llvm::ArrayRef<int64_t> input,
                                  llvm::ArrayRef<int64_t> pads,
                                  llvm::SmallVectorImpl<int64_t> &result);

} // namespace mote

#endif // MOTE_IR_SHAPEINFERENCE_H
