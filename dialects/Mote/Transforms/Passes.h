//===- Passes.h - Mote graph transforms -------------------------*- C++ -*-===//

#ifndef MOTE_TRANSFORMS_PASSES_H
#define MOTE_TRANSFORMS_PASSES_H

#include "Mote/IR/MoteOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mote {

/// The calibrated [min, max] of an op's result (or a function argument),
/// a `DenseF32ArrayAttr` read by `mote-quantize`.
constexpr llvm::StringLiteral kRangeAttrName = "mote.range";

/// The update rule of `mote-insert-optimizer`.
enum class OptimizerKind { SGD, Adam };

/// The module attribute in which `mote-octo-rewrite` records how the INT8
/// backward quantizes (Int8BackwardOptions in Autodiff.h).
constexpr llvm::StringLiteral kInt8TrainingAttrName = "mote.int8_training";

#define GEN_PASS_DECL
#include "Mote/Transforms/Passes.h.inc"

/// Patterns of `mote-fold-batch-norm`.
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);
/// Patterns of `mote-fuse-activations`.
void populateFuseActivationsPatterns(mlir::RewritePatternSet &patterns);
/// Patterns of `mote-fold-qdq`.
void populateFoldQDQPatterns(mlir::RewritePatternSet &patterns);

/// A span of patch-based inference: a chain of NCHW spatial layers
/// (convolutions, poolings, element-wise activations), each feeding only
/// the next, from `input` to `output`.
struct PatchSpan {
  mlir::Value input, output;
  llvm::SmallVector<mlir::Operation *> ops; // in order
};

/// Whether `op` can be a layer of a patch span.
bool isPatchTileable(mlir::Operation *op);

/// The longest span of `func` that ends at the ONNX tensor `tensor`.
mlir::FailureOr<PatchSpan> findPatchSpan(mlir::func::FuncOp func,
                                         llvm::StringRef tensor);

/// One output patch of a tiled span: the ops that compute it, in order,
/// the region of the span's input it reads and the region of the span's
/// output it writes (rows, then columns, each [begin, end)).
struct PatchTile {
  llvm::SmallVector<mlir::Operation *> ops;
  int64_t inputBegin[2], inputEnd[2];
  int64_t outputBegin[2], outputEnd[2];
};

/// Replaces the span by its computation patch by patch on a `rows` x
/// `cols` grid of its output (what `mote-patch-inference` does) and returns
/// the value that replaces the span's output. Each patch is inserted into
/// one destination; with `cache` set (PASS), each is instead stored into
/// that state global by a `mote.pass_store` (threshold 0, `flags` the
/// tiles' flags) and the span's output is the global's value. The patches
/// are appended to `tiles`.
mlir::FailureOr<mlir::Value>
tilePatchSpan(const PatchSpan &span, int64_t rows, int64_t cols,
              mlir::FlatSymbolRefAttr cache = {},
              mlir::FlatSymbolRefAttr flags = {},
              llvm::SmallVectorImpl<PatchTile> *tiles = nullptr);

#define GEN_PASS_REGISTRATION
#include "Mote/Transforms/Passes.h.inc"

} // namespace mote

#endif // MOTE_TRANSFORMS_PASSES_H
