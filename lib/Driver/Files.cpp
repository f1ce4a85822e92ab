//===- Files.cpp - Whole-file reads and writes of motec -------------------===//

#include "Mote/Driver/Files.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

std::optional<std::string> mote::readBytes(StringRef path) {
  auto file = MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
  if (!file) {
    errs() << "motec: cannot read '" << path
           << "': " << file.getError().message() << "\n";
    return std::nullopt;
  }
  return (*file)->getBuffer().str();
}

bool mote::writeBytes(StringRef path, StringRef bytes) {
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_None);
  if (ec) {
    errs() << "motec: cannot write '" << path << "': " << ec.message() << "\n";
    return false;
  }
  os << bytes;
  return os.has_error() ? (os.clear_error(), false) : true;
}
