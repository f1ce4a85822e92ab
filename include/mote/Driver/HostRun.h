//===- HostRun.h - Build and run a model with the host C compiler -*- C++ -*-===//
//
// `motec run` and calibration both execute a model the way users deploy it:
// the generated C and the runtime, built with the host C compiler ($CC or
// cc) and run on a batch of samples streamed through files.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_HOSTRUN_H
#define MOTE_DRIVER_HOSTRUN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <string>

namespace mote {

/// Writes `contents` to `dir`/`file`; reports failures.
mlir::LogicalResult writeFile(llvm::StringRef dir, llvm::StringRef file,
                              llvm::StringRef contents);

/// Copies the runtime sources the generated code needs from `runtimeDir`
/// into `dir`/runtime.
mlir::LogicalResult copyRuntime(llvm::StringRef runtimeDir,
                                llvm::StringRef dir);

/// Compiles `module` (graph level; it is lowered in place) to C, builds it
/// with the host C compiler and runs it on `samples` samples. `inputs` holds
/// each model input's raw bytes for all samples, one after the other; the
/// result holds each output's raw bytes the same way. A non-empty
/// `execPrefix` runs the program through it (an emulator such as
/// `qemu-aarch64 -L /usr/aarch64-linux-gnu` for a cross compiler in $CC).
mlir::FailureOr<llvm::SmallVector<std::string>>
runOnHost(mlir::ModuleOp module, llvm::ArrayRef<std::string> inputs,
          int64_t samples, llvm::StringRef runtimeDir,
          llvm::ArrayRef<std::string> execPrefix = {});

/// The .npy dtype string of a tensor type's elements ("<f4" or "|i1").
std::string npyDtypeOf(mlir::Type type);

/// Reads the .npy file at `path` holding one sample of `type` or several
/// stacked along the leading dim (where `type`'s batch dim is 1), appends
/// the raw bytes to `data` and returns the sample count. Wrong dtypes and
/// shapes are reported naming the file and the expected type.
mlir::FailureOr<int64_t> appendSamples(llvm::StringRef path,
                                       mlir::RankedTensorType type,
                                       std::string &data);

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
