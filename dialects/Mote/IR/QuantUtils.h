//===- QuantUtils.h - Helpers on quantized tensor types ---------*- C++ -*-===//

#ifndef MOTE_IR_QUANTUTILS_H
#define MOTE_IR_QUANTUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

#include <string>

namespace mote {

/// What the elements of a graph-level tensor are.
enum class NumericKind { Float, Quantized, Integer, Other };

/// Classifies the element type of `type` (a tensor or a scalar).
NumericKind getNumericKind(mlir::Type type);

/// Returns the quantized element type of `type`, or null.
mlir::quant::QuantizedType getQuantType(mlir::Type type);

/// Returns the per-channel scales of a quantized type, repeated `channels`
/// times for a per-tensor type.
llvm::SmallVector<double> getScales(mlir::quant::QuantizedType type,
                                    int64_t channels);

/// Returns true if `a` and `b` are equal to a relative tolerance of `rtol`.
bool approxEqual(double a, double b, double rtol = 1e-3);

/// Builds a per-tensor or per-axis quantized type. `scales` and
/// `zeroPoints` have one entry (per tensor) or one per channel of `axis`.
mlir::quant::QuantizedType buildQuantType(mlir::Type storageType,
                                          mlir::Type expressedType,
                                          llvm::ArrayRef<double> scales,
                                          llvm::ArrayRef<int64_t> zeroPoints,
                                          int32_t axis);

/// Returns what is wrong with the types of a quantized conv, transposed
/// conv or fully-connected layer with `channels` output channels, or an
/// empty string when they are consistent. A per-axis weight is quantized
/// along `weightAxis`, the weight's output-channel dimension (0, or 1 for a
/// transposed convolution). `bias` may be null. A layer whose `result` is
/// raw i32 sums may have weight zero points and no bias. Shared by the
/// verifiers and by the patterns that must check before they rewrite.
std::string checkQuantizedLayerTypes(mlir::Type input, mlir::Type weight,
                                     mlir::Type bias, mlir::Type result,
                                     int64_t channels, int32_t weightAxis = 0);

} // namespace mote

#endif // MOTE_IR_QUANTUTILS_H
