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

/// Has an int8 form that code generation lowers: QDQ chains around it fold
/// into it and post-training quantization quantizes it.
template <typename ConcreteType>
class IntegerForm : public mlir::OpTrait::TraitBase<ConcreteType, IntegerForm> {
};

/// Carries a fused clamp (`clamp_min` / `clamp_max`) that a following ReLU
/// or clamp folds into.
template <typename ConcreteType>
class FusedActivation
    : public mlir::OpTrait::TraitBase<ConcreteType, FusedActivation> {};

} // namespace mote::OpTrait

#endif // MOTE_IR_MOTETRAITS_H
