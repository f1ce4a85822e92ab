//===- QuantConstants.h - Quantized constants the passes build --*- C++ -*-===//
//
// mote-quantize, mote-fold-batch-norm (QAT form) and mote-fold-qdq all make
// quantized weights and biases: integers in an arith.constant, seen as a
// quantized type through quant.scast, read through mote.dequantize (the
// QDQ form mote-fold-qdq folds).
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_TRANSFORMS_QUANTCONSTANTS_H
#define MOTE_TRANSFORMS_QUANTCONSTANTS_H

#include "Mote/IR/MoteOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cmath>

namespace mote {

/// dequantize(quant.scast(arith.constant `storage`)) with the quantized type
/// `type`: a float tensor of `storage`'s shape.
inline mlir::Value createDequantizedConstant(mlir::OpBuilder &builder,
                                             mlir::Location loc,
                                             mlir::DenseElementsAttr storage,
                                             mlir::quant::QuantizedType type) {
  auto raw = mlir::cast<mlir::RankedTensorType>(storage.getType());
  mlir::Value c = mlir::arith::ConstantOp::create(builder, loc, storage);
  mlir::Value q =
      mlir::quant::StorageCastOp::create(builder, loc, raw.clone(type), c);
  return DequantizeOp::create(builder, loc, raw.clone(builder.getF32Type()), q)
      .getResult();
}

/// `value / scale` rounded to the nearest int32, saturating: a bias at
/// scale input x weight.
inline int32_t quantizeBias(double value, double scale) {
  return static_cast<int32_t>(
      std::clamp(std::round(value / scale), -2147483648.0, 2147483647.0));
}

} // namespace mote

#endif // MOTE_TRANSFORMS_QUANTCONSTANTS_H
