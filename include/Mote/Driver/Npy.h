//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//

#ifndef MOTE_DRIVER_NPY_H
#define MOTE_DRIVER_NPY_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mote {

/// An array read from or written to a .npy file (little-endian, C order).
struct NpyArray {
  /// NumPy dtype string: "<f4" (float32) or "|i1" (int8).
  std::string dtype;
  llvm::SmallVector<int64_t> shape;
  std::string data; ///< Raw element bytes.
};

/// Parses .npy bytes; on failure returns an error message in `error`.
mlir::FailureOr<NpyArray> parseNpy(llvm::StringRef bytes, std::string &error);

/// Serializes `array` as a version 1.0 .npy file.
std::string writeNpy(const NpyArray &array);

} // namespace mote

#endif // MOTE_DRIVER_NPY_H
