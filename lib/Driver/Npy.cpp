//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "Mote/Driver/Npy.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mote;

/// Returns the value of `key` in a .npy header dictionary, or "".
static StringRef headerValue(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return "";
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return "";
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t end = rest.find(')');
    return end == StringRef::npos ? "" : rest.take_front(end + 1);
  }
  if (rest.starts_with("'")) {
    size_t end = rest.find('\'', 1);
    return end == StringRef::npos ? "" : rest.take_front(end + 1);
  }
  return rest.take_until([](char c) { return c == ',' || c == '}'; }).trim();
}

FailureOr<NpyArray> mote::parseNpy(StringRef bytes, std::string &error) {
  if (!bytes.starts_with("\x93NUMPY") || bytes.size() < 10) {
    error = "not a .npy file (no \\x93NUMPY magic)";
    return failure();
  }
  unsigned major = static_cast<uint8_t>(bytes[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<uint8_t>(bytes[8]) |
                   (static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      error = "truncated .npy header";
      return failure();
    }
    headerLength = 0;
    for (int i = 3; i >= 0; --i)
      headerLength = headerLength << 8 | static_cast<uint8_t>(bytes[8 + i]);
    headerStart = 12;
  } else {
    error = "unsupported .npy version " + std::to_string(major);
    return failure();
  }
  if (headerStart + headerLength > bytes.size()) {
    error = "truncated .npy header";
    return failure();
  }
  StringRef header = bytes.substr(headerStart, headerLength);
  NpyArray array;
  array.dtype = headerValue(header, "descr").trim("'").str();
  if (headerValue(header, "fortran_order") != "False") {
    error = "Fortran-order arrays are not supported";
    return failure();
  }
  StringRef shape = headerValue(header, "shape");
  if (!shape.consume_front("(") || !shape.consume_back(")")) {
    error = "malformed .npy shape";
    return failure();
  }
  int64_t count = 1;
  SmallVector<StringRef> dims;
  shape.split(dims, ',', -1, /*KeepEmpty=*/false);
  for (StringRef dim : dims) {
    int64_t extent;
    if (dim.trim().getAsInteger(10, extent) || extent < 0 ||
        extent > (int64_t(1) << 31)) {
      error = "malformed .npy shape";
      return failure();
    }
    array.shape.push_back(extent);
    count *= extent;
    if (count > (int64_t(1) << 31)) {
      error = ".npy array is too large";
      return failure();
    }
  }
  size_t elementBytes;
  if (array.dtype == "<i8")
    elementBytes = 8;
  else if (array.dtype == "<f4" || array.dtype == "<i4")
    elementBytes = 4;
  else if (array.dtype == "<i2")
    elementBytes = 2;
  else if (array.dtype == "|i1" || array.dtype == "<i1")
    elementBytes = 1, array.dtype = "|i1";
  else if (array.dtype == "|b1")
    elementBytes = 1;
  else {
    error = "unsupported dtype '" + array.dtype +
            "' (expected float32, int64, int32, int16, int8 or bool)";
    return failure();
  }
  StringRef data = bytes.drop_front(headerStart + headerLength);
  if (data.size() != count * elementBytes) {
    error = "data has " + std::to_string(data.size()) +
            " bytes, the header "
            "describes " +
            std::to_string(count * elementBytes);
    return failure();
  }
  array.data = data.str();
  return array;
}

std::string mote::writeNpy(const NpyArray &array) {
  std::string shape = "(";
  for (int64_t d : array.shape)
    shape += std::to_string(d) + ", ";
  if (array.shape.size() > 1)
    shape.erase(shape.size() - 2); // "(1, 2)" but "(3,)"
  else if (array.shape.size() == 1)
    shape.pop_back();
  shape += ")";
  std::string header = "{'descr': '" + array.dtype +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + array.data;
}
