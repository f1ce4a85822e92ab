//===- Autodiff.h - Reverse-mode differentiation over Mote ------*- C++ -*-===//
//
// What a backward rule (BackwardOpInterface) works with: the errors built
// so far, which values lead back to trained state, a builder at the end of
// the train step, and how INT8 training quantizes the errors it multiplies.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_IR_AUTODIFF_H
#define MOTE_IR_AUTODIFF_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mote {
class DynamicQuantizeOp;

/// How the INT8 (Octo) backward quantizes: what `mote-octo-rewrite`
/// records in the module's `mote.int8_training` attribute.
struct Int8BackwardOptions {
  /// PRC: the fraction of an error's range kept before quantizing.
  float errorClip = 1.0f;
  /// The generator state global of stochastic rounding, if used.
  mlir::FlatSymbolRefAttr rng;
  /// The L2 penalty holding the LAC terms near the identity.
  float lacL2 = 0.0f;

  /// Reads the options from `attr` (a `mote.int8_training` dictionary).
  static Int8BackwardOptions fromAttr(mlir::DictionaryAttr attr);
  mlir::DictionaryAttr toAttr(mlir::MLIRContext *ctx) const;
};

/// Reverse-mode differentiation of one straight-line function body.
class Autodiff {
public:
  /// `dependsOnState` holds the values that lead back to trained state;
  /// only they get an error.
  Autodiff(mlir::OpBuilder &builder, mlir::Location loc,
           llvm::DenseSet<mlir::Value> dependsOnState,
           Int8BackwardOptions int8 = {})
      : builder(builder), loc(loc), dependsOnState(std::move(dependsOnState)),
        int8(int8) {}

  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::Location getLoc() const { return loc; }
  const Int8BackwardOptions &getInt8Options() const { return int8; }

  /// Whether `value` leads back to trained state, so needs an error.
  bool needsError(mlir::Value value) const {
    return dependsOnState.contains(value);
  }
  /// The error of `value` so far (null if nothing reached it).
  mlir::Value errorOf(mlir::Value value) const { return errors.lookup(value); }
  /// Adds `error` to the error of `value` (errors of values with several
  /// users are summed).
  void accumulate(mlir::Value value, mlir::Value error);

  /// Runs the backward rule of every op of `forward`, last first. Fails on
  /// an op without a rule whose operands need an error.
  mlir::LogicalResult differentiate(llvm::ArrayRef<mlir::Operation *> forward);

  // Helpers the rules share.

  /// The error before the fused clamp (`clamp_min` / `clamp_max`) of the
  /// result of `op`, given the error after it.
  mlir::Value throughFusedClamp(mlir::Operation *op, mlir::Value error);
  /// Quantizes an error for an int8 product: per tensor, with PRC and
  /// stochastic rounding. Returns the int8 tensor and its scale.
  std::pair<mlir::Value, mlir::Value> quantizeError(mlir::Value error);
  /// Quantizes a weight per tensor for the input error's int8 product.
  std::pair<mlir::Value, mlir::Value> quantizeWeight(mlir::Value weight);
  /// The int8 copy INT8 training keeps of a layer output for the backward
  /// pass (marked `mote.saved`), if any.
  static DynamicQuantizeOp savedInt8(mlir::Value value);

private:
  mlir::OpBuilder &builder;
  mlir::Location loc;
  llvm::DenseSet<mlir::Value> dependsOnState;
  Int8BackwardOptions int8;
  llvm::DenseMap<mlir::Value, mlir::Value> errors;
};

} // namespace mote

#endif // MOTE_IR_AUTODIFF_H
