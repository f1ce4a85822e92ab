//===- Files.h - Whole-file reads and writes of motec -----------*- C++ -*-===//

#ifndef MOTE_DRIVER_FILES_H
#define MOTE_DRIVER_FILES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mote {

/// Reads a whole file; reports a failure on stderr, naming the file.
std::optional<std::string> readBytes(llvm::StringRef path);
/// Writes a whole file; reports a failure on stderr, naming the file.
bool writeBytes(llvm::StringRef path, llvm::StringRef bytes);

inline llvm::ArrayRef<uint8_t> asBytes(const std::string &s) {
  return llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(s.data()),
                                 s.size());
}

} // namespace mote

#endif // MOTE_DRIVER_FILES_H
