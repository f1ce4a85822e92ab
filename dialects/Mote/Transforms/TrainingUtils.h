//===- TrainingUtils.h - What the training stages share ---------*- C++ -*-===//

#ifndef MOTE_TRANSFORMS_TRAININGUTILS_H
#define MOTE_TRANSFORMS_TRAININGUTILS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/SymbolTable.h"

namespace mote {

/// Marks a global as trained state (its gradient is built and applied).
constexpr llvm::StringLiteral kTrainedAttrName = "mote.trained";
/// Marks a result of a train step as the gradient of the global it names.
constexpr llvm::StringLiteral kGradientOfAttrName = "mote.gradient_of";

/// The one function of a module that training starts from, or an error on
/// the module.
mlir::FailureOr<mlir::func::FuncOp> getInferenceFunction(mlir::ModuleOp module);

/// The conv and fully-connected layers of `func` in order: a layer's
/// position names its state (`l<i>_weight`, `l<i>_lac_scale`, ...).
llvm::SmallVector<mlir::Operation *>
getTrainableLayers(mlir::func::FuncOp func);

/// A private mutable global at the builder's insertion point, renamed if
/// `name` is taken.
mlir::ml_program::GlobalOp
createStateGlobal(mlir::OpBuilder &b, mlir::SymbolTable &symbols,
                  mlir::Location loc, llvm::StringRef name,
                  mlir::Attribute value, mlir::Type type);

/// Marks `global` as trained state of `layer` in role `role` (weight,
/// bias, lac_scale, lac_shift): `mote.source` names the layer's ONNX node,
/// so trained values can be written back to the model file.
void markTrained(mlir::ml_program::GlobalOp global, mlir::Operation *layer,
                 llvm::StringRef role);

/// The global a trained state load reads, or null if `value` is not one.
mlir::ml_program::GlobalOp getTrainedGlobal(mlir::Value value,
                                            mlir::SymbolTable &symbols);

} // namespace mote

#endif // MOTE_TRANSFORMS_TRAININGUTILS_H
