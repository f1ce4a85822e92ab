//===- CompilerOptions.h - What one motec invocation compiles ---*- C++ -*-===//
//
// Everything `motec` takes from its command line, validated once into one
// struct (as CIRCT's FirtoolOptions): the rest of the driver reads this and
// calls the pipeline builders of Pipelines.h with its parts, so the same
// compilation can be driven from C++ without the command line.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_COMPILEROPTIONS_H
#define MOTE_DRIVER_COMPILEROPTIONS_H

#include "Mote/Conversion/TargetDescription.h"
#include "Mote/Driver/Calibration.h"
#include "Mote/Pipelines/Pipelines.h"
#include "Mote/Target/ONNX/ImportONNX.h"

#include <optional>
#include <string>

namespace mote {

/// The arithmetic `--precision` asks of the generated code.
enum class CodePrecision {
  /// As the model is: float ops in float, quantized ops in int8.
  AsModel,
  /// Float only: fake quantization is dropped (`mote-strip-quantization`).
  FP32,
  /// Integers only: checked by `mote-verify-integer-only`.
  Int8,
};

struct CompilerOptions {
  /// Symbolic dimension values (--bind-dim).
  ImportOptions import;
  CodePrecision precision = CodePrecision::AsModel;
  /// The integer numerics (--numerics): "tflite", "mote", or empty for the
  /// model's own (TFLite's for .tflite models, docs/Numerics.md).
  std::string numerics;
  /// Post-training quantization to int8 (--quantize=int8), calibrated on
  /// the samples at `calibrationData`.
  bool quantize = false;
  std::string calibrationData;
  CalibrationOptions calibration;
  /// The train step, when one is built (--train and its options).
  std::optional<TrainOptions> train;
  /// The model's C name and the target whose kernels the code calls
  /// (generic-c with --portable-kernels).
  LowerToCOptions lower;
  /// The target whose toolchain and board build the package.
  const TargetDescription *board = nullptr;
  /// Where the runtime sources are copied from.
  std::string runtimeDir;
};

} // namespace mote

#endif // MOTE_DRIVER_COMPILEROPTIONS_H
