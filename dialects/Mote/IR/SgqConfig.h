//===- SgqConfig.h - The configuration of an SGQ cut ------------*- C++ -*-===//
//
// What `mote.sgq_encode` and `mote.sgq_decode` carry as attributes, as one
// value: the split pass builds it, the verifiers check it, and the lowering
// turns it into the runtime codec's parameters (docs/SGQ.md).
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_IR_SGQCONFIG_H
#define MOTE_IR_SGQCONFIG_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace mote {

struct SgqConfig {
  int64_t bits = 4;
  int64_t stripe = 64;
  std::string rounding = "nearest";
  int64_t groupingId = 0;
  llvm::SmallVector<int64_t> permutation;
  llvm::SmallVector<int64_t> groupEnds;
  bool embedGrouping = false;

  /// The configuration an SGQ op carries.
  static SgqConfig of(mlir::Operation *op);
  /// Sets the op's attributes to this configuration.
  void applyTo(mlir::Operation *op) const;
};

/// Checks `config` for features of `shape`; on success returns the codec's
/// worst-case packet bytes (mote_sgq_get_buffer_size), otherwise reports
/// through `emitError` and fails.
mlir::FailureOr<int64_t>
checkSgqConfig(const SgqConfig &config, llvm::ArrayRef<int64_t> shape,
               llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

} // namespace mote

#endif // MOTE_IR_SGQCONFIG_H
