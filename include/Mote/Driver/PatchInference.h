//===- PatchInference.h - motec's --patch-inference -------------*- C++ -*-===//
//
// `motec compile|run|info --patch-inference=TENSOR|auto [--patch-grid=RxC]`:
// the span of spatial layers ending at a tensor runs patch by patch
// (mote-patch-inference); `auto` tries every span and grid and keeps the
// smallest arena within a bound on the extra MACs.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_PATCHINFERENCE_H
#define MOTE_DRIVER_PATCHINFERENCE_H

#include "Mote/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mote {

struct PatchInferenceOptions {
  /// The span's last tensor, or "auto".
  std::string tensor;
  /// Patches (rows, cols); 0 with "auto": searched.
  int64_t rows = 0, cols = 0;
  /// "auto": the most extra MACs allowed, in percent of the model's.
  int64_t maxOverheadPercent = 25;
};

/// Parses `--patch-grid=RxC` (empty: searched by auto, 2x2 otherwise).
mlir::FailureOr<PatchInferenceOptions>
parsePatchInferenceOptions(llvm::StringRef tensor, llvm::StringRef grid,
                           int64_t maxOverheadPercent);

/// Applies patch inference to the optimized model in `module` and prints
/// to `report` the span, grid, arena and MACs before and after, as the
/// memory planner of `lower`'s target sees them.
mlir::LogicalResult applyPatchInference(mlir::ModuleOp module,
                                        const PatchInferenceOptions &options,
                                        const LowerToCOptions &lower,
                                        llvm::raw_ostream &report);

/// `motec --pass-region=TENSOR [--pass-grid=RxC] [--pass-cell=RxC]
/// [--pass-threshold=N]`: PASS patch skipping on the span ending at TENSOR
/// (mote-pass-skip); the model keeps its tiles in its state from call to
/// call.
struct PassSkipOptions {
  std::string tensor;
  int64_t rows = 4, cols = 4;
  int64_t cellRows = 8, cellCols = 8;
  int64_t threshold = 0, storeThreshold = 0;
};

/// Parses the PASS flags (empty grid or cell: the defaults).
mlir::FailureOr<PassSkipOptions> parsePassSkipOptions(llvm::StringRef tensor,
                                                      llvm::StringRef grid,
                                                      llvm::StringRef cell,
                                                      int64_t threshold,
                                                      int64_t storeThreshold);

/// Applies PASS to the optimized model in `module` and prints what it did
/// to `report`.
mlir::LogicalResult applyPassSkip(mlir::ModuleOp module,
                                  const PassSkipOptions &options,
                                  llvm::raw_ostream &report);

} // namespace mote

#endif // MOTE_DRIVER_PATCHINFERENCE_H
