//===- Calibration.h - Activation ranges for post-training quantization ---===//
//
// Calibration runs the float model on the user's sample inputs and records
// the range of every tensor an int8 kernel will read or write, as
// `mote.range` attributes that the `mote-quantize` pass turns into
// quantization parameters.
//
// The float model runs as generated C built with the host compiler (the
// same kernels `--precision=fp32` deploys, checked against ONNX Runtime),
// not through a second implementation of every op in an interpreter: the
// ranges are those of the code users ship, and an op gains calibration
// support the moment it gains a float kernel. Every observed tensor becomes
// an extra output of a copy of the model for the run.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_CALIBRATION_H
#define MOTE_DRIVER_CALIBRATION_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mote {

/// How a tensor's observed values become its quantization range.
enum class CalibrationMethod {
  /// The smallest and largest value seen.
  MinMax,
  /// The values at `percentile` (and 100 - `percentile`): ignores outliers.
  Percentile,
  /// The range, scaled down from min/max, that minimizes the mean squared
  /// int8 quantization error over the observed values.
  MSE,
};

struct CalibrationOptions {
  CalibrationMethod method = CalibrationMethod::MinMax;
  double percentile = 99.99;
  /// Where the runtime sources are (for the host build).
  std::string runtimeDir;
};

/// Parses "minmax", "percentile" or "mse".
mlir::FailureOr<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name);

/// Reads the samples at `dataPath` (a .npy file or a folder of them, in
/// name order) for a model input of `type`: appends their raw bytes to
/// `data` and returns their count. Reports bad data naming the file.
mlir::FailureOr<int64_t> readSamples(llvm::StringRef dataPath,
                                     mlir::RankedTensorType type,
                                     std::string &data);

/// Runs the float model in `module` on the samples at `dataPath` (one .npy
/// holding one sample or a stack of samples along the batch axis, or a
/// folder of such files, read in name order) and sets `mote.range` on the
/// function argument and on every float op result. Reports bad data
/// (wrong dtype or shape, no samples, non-finite values) naming the file.
mlir::LogicalResult calibrate(mlir::ModuleOp module, llvm::StringRef dataPath,
                              const CalibrationOptions &options);

} // namespace mote

#endif // MOTE_DRIVER_CALIBRATION_H
