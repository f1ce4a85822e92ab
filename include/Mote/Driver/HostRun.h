//===- HostRun.h - Build and run a model on the host -----------*- C++ -*-===//
//
// `motec run` and calibration both execute a model the way users deploy it:
// the generated C and the runtime, built with the host C compiler ($CC or
// cc) and run on a batch of samples streamed through files.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_HOSTRUN_H
#define MOTE_DRIVER_HOSTRUN_H

#include "Mote/Conversion/TargetDescription.h"
#include "Mote/Target/C/Package.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <string>

namespace mote {

/// Compiles `module` (graph level; it is lowered in place) to C for
/// `target`, builds it with the target's compiler (the host's $CC or cc for
/// generic-c) and runs it on `samples` samples, under the target's emulator
/// for Arm targets. `inputs` holds each model input's raw bytes for all
/// samples, one after the other; the result holds each output's raw bytes
/// the same way. A non-empty `execPrefix` runs the program through it
/// instead (e.g. `qemu-aarch64 -L /usr/aarch64-linux-gnu` for generic-c
/// built by a cross compiler in $CC). `portableKernels` lowers with the
/// generic kernels but builds and runs as `target`.
mlir::FailureOr<llvm::SmallVector<std::string>> runModel(
    mlir::ModuleOp module, llvm::ArrayRef<std::string> inputs, int64_t samples,
    llvm::StringRef runtimeDir, const TargetDescription &target,
    llvm::ArrayRef<std::string> execPrefix = {}, bool portableKernels = false);

/// Compiles each C file of `sources` with the compiler `cc` and `flags` to
/// an object in `dir` (where the compiler's log goes too), and returns the
/// objects' paths. Like ccache in its preprocessor mode, an object compiled
/// before by the same compiler from the same preprocessed text with the same
/// flags is taken from the object cache (objectCacheDir()) instead. The
/// compiler's output is shown if it fails.
mlir::FailureOr<llvm::SmallVector<std::string>>
compileObjects(llvm::StringRef cc, llvm::ArrayRef<std::string> flags,
               llvm::ArrayRef<std::string> sources, llvm::StringRef dir);

/// The object cache's directory: $MOTE_CACHE_DIR, else
/// $XDG_CACHE_HOME/mote, else $HOME/.cache/mote. Empty (no cache) when
/// MOTE_CACHE_DIR is set to the empty string.
std::string objectCacheDir();

/// The .npy dtype string of a tensor type's elements ("<f4" or "|i1").
std::string npyDtypeOf(mlir::Type type);

/// Reads the .npy file at `path` holding one sample of `type` or several
/// stacked along the leading dim (where `type`'s batch dim is 1), appends
/// the raw bytes to `data` and returns the sample count. Wrong dtypes and
/// shapes are reported naming the file and the expected type. With
/// `int8` (a float input's int8 type in the source model), an int8 array
/// is accepted too and given to the model as its real values.
mlir::FailureOr<int64_t>
appendSamples(llvm::StringRef path, mlir::RankedTensorType type,
              std::string &data,
              mlir::quant::UniformQuantizedType int8 = nullptr);

/// The int8 values of float32 bytes `data` in `int8`'s grid: round(x /
/// scale) + zero point, saturated (exact for values the model dequantized
/// from that grid).
std::string quantizeBytes(llvm::StringRef data,
                          mlir::quant::UniformQuantizedType int8);

/// Prints a step's name, and its duration when it took more than a second.
class Progress {
public:
  explicit Progress(llvm::StringRef step);
  ~Progress();

private:
  std::chrono::steady_clock::time_point start;
};

} // namespace mote

#endif // MOTE_DRIVER_HOSTRUN_H
