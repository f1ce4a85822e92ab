//===- MoteTraits.h - Traits of Mote ops ------------------------*- C++ -*-===//
//
// Facts about ops that passes ask instead of listing op classes.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_IR_MOTETRAITS_H
#define MOTE_IR_MOTETRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace mote::OpTrait {

/// Data movement that does not change values (reshape, transpose, slice,
/// pad, max pooling): the result holds elements of its one tensor operand,
/// so it shares that operand's quantization, commutes with a dequantize,
/// and has no range of its own to calibrate.
template <typename ConcreteType>
class QuantizationTransparent
    : public mlir::OpTrait::TraitBase<ConcreteType, QuantizationTransparent> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    if (op->getNumOperands() != 1 || op->getNumResults() != 1)
      return op->emitOpError(
          "is quantization-transparent but has not one operand and result");
    return mlir::success();
  }
};

} // namespace mote::OpTrait

#endif // MOTE_IR_MOTETRAITS_H
