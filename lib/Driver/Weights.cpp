//===- Weights.cpp - Trained weights between device and host --------------===//

#include "Mote/Driver/Weights.h"

#include "mote_weights_generated.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mote;

namespace {
constexpr uint32_t kMagic = 0x53544f4du; // "MOTS"
constexpr uint32_t kVersion = 1;
constexpr uint32_t kHeaderBytes = 24;

uint32_t getWord(ArrayRef<uint8_t> b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 |
         uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}

void putWord(std::vector<uint8_t> &b, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b.push_back(uint8_t(v >> (8 * i)));
}

uint32_t fnv1a(uint32_t h, const void *data, size_t bytes) {
  const uint8_t *p = static_cast<const uint8_t *>(data);
  for (size_t i = 0; i < bytes; ++i)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

uint32_t crc32(ArrayRef<uint8_t> data) {
  uint32_t crc = 0xffffffffu;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

/// Checks that the tensors lie inside the state, do not overlap and carry
/// their elements' bytes.
bool checkLayout(const StateImage &state, std::string &error) {
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  for (const StateTensor &t : state.tensors) {
    uint64_t end = uint64_t(t.offset) + 4ull * t.elements;
    if (t.offset % 4 || end > state.stateBytes) {
      error = llvm::formatv("tensor '{0}' (offset {1}, {2} elements) lies "
                            "outside the {3} state bytes",
                            t.name, t.offset, t.elements, state.stateBytes);
      return false;
    }
    if (t.data.size() != 4ull * t.elements) {
      error = llvm::formatv("tensor '{0}' has {1} data bytes, expected {2}",
                            t.name, t.data.size(), 4ull * t.elements);
      return false;
    }
    spans.push_back({t.offset, end});
  }
  llvm::sort(spans);
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first < spans[i - 1].second) {
      error =
          llvm::formatv("tensors overlap at state byte {0}", spans[i].first);
      return false;
    }
  return true;
}
} // namespace

uint32_t mote::stateFingerprint(StringRef model, ArrayRef<StateTensor> layout) {
  std::string name = model.str();
  uint32_t h = fnv1a(2166136261u, name.c_str(), name.size() + 1);
  for (const StateTensor &t : layout) {
    h = fnv1a(h, t.name.c_str(), t.name.size() + 1);
    std::vector<uint8_t> words;
    putWord(words, t.offset);
    putWord(words, t.elements);
    putWord(words, t.trained ? 1 : 0);
    h = fnv1a(h, words.data(), words.size());
  }
  return h;
}

bool mote::parseStateImage(ArrayRef<uint8_t> bytes, StateImage &image,
                           std::string &error) {
  if (bytes.size() < kHeaderBytes || getWord(bytes, 0) != kMagic) {
    error = "not a Mote state image (no 'MOTS' header)";
    return false;
  }
  if (getWord(bytes, 4) != kVersion) {
    error = llvm::formatv("state image version {0}, expected {1}",
                          getWord(bytes, 4), kVersion);
    return false;
  }
  image = StateImage();
  image.fingerprint = getWord(bytes, 8);
  uint32_t count = getWord(bytes, 12);
  image.stateBytes = getWord(bytes, 16);
  uint32_t crc = getWord(bytes, 20);
  size_t at = kHeaderBytes;
  for (uint32_t i = 0; i < count; ++i) {
    if (bytes.size() - at < 4) {
      error = llvm::formatv("truncated at tensor {0} of {1} (byte {2})", i,
                            count, at);
      return false;
    }
    uint32_t length = getWord(bytes, at);
    uint64_t padded = (uint64_t(length) + 3) / 4 * 4;
    if (bytes.size() - at - 4 < padded + 12) {
      error = llvm::formatv("truncated at tensor {0} of {1} (byte {2})", i,
                            count, at);
      return false;
    }
    StateTensor t;
    t.name.assign(reinterpret_cast<const char *>(bytes.data() + at + 4),
                  length);
    at += 4 + padded;
    t.offset = getWord(bytes, at);
    t.elements = getWord(bytes, at + 4);
    t.trained = getWord(bytes, at + 8) != 0;
    at += 12;
    image.tensors.push_back(std::move(t));
  }
  if (bytes.size() - at != image.stateBytes) {
    error = llvm::formatv("the image holds {0} state bytes after its "
                          "directory, its header says {1}",
                          bytes.size() - at, image.stateBytes);
    return false;
  }
  ArrayRef<uint8_t> payload = bytes.drop_front(at);
  if (crc32(payload) != crc) {
    error = "checksum mismatch: the state bytes are corrupt";
    return false;
  }
  for (StateTensor &t : image.tensors) {
    uint64_t end = uint64_t(t.offset) + 4ull * t.elements;
    if (end > payload.size()) {
      error = llvm::formatv("tensor '{0}' (offset {1}, {2} elements) lies "
                            "outside the {3} state bytes",
                            t.name, t.offset, t.elements, payload.size());
      return false;
    }
    t.data.assign(payload.begin() + t.offset, payload.begin() + end);
  }
  return checkLayout(image, error);
}

std::vector<uint8_t> mote::writeStateImage(const StateImage &state) {
  std::vector<uint8_t> payload(state.stateBytes, 0);
  for (const StateTensor &t : state.tensors)
    llvm::copy(t.data, payload.begin() + t.offset); // empty tensors too
  std::vector<uint8_t> image;
  for (uint32_t word :
       {kMagic, kVersion, state.fingerprint, uint32_t(state.tensors.size()),
        state.stateBytes, crc32(payload)})
    putWord(image, word);
  for (const StateTensor &t : state.tensors) {
    putWord(image, t.name.size());
    image.insert(image.end(), t.name.begin(), t.name.end());
    image.resize(image.size() + (4 - t.name.size() % 4) % 4, 0);
    putWord(image, t.offset);
    putWord(image, t.elements);
    putWord(image, t.trained ? 1 : 0);
  }
  image.insert(image.end(), payload.begin(), payload.end());
  return image;
}

std::string mote::writeWeightsFile(const StateImage &state) {
  namespace fb = mote::weights;
  flatbuffers::FlatBufferBuilder builder;
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  for (const StateTensor &t : state.tensors)
    tensors.push_back(
        fb::CreateTensor(builder, builder.CreateString(t.name),
                         t.trained ? fb::Role_Model : fb::Role_Optimizer,
                         t.offset, t.elements, builder.CreateVector(t.data)));
  auto root = fb::CreateWeights(builder, state.fingerprint, state.stateBytes,
                                builder.CreateVector(tensors));
  builder.Finish(root, fb::WeightsIdentifier());
  return std::string(reinterpret_cast<const char *>(builder.GetBufferPointer()),
                     builder.GetSize());
}

bool mote::parseWeightsFile(ArrayRef<uint8_t> bytes, StateImage &state,
                            std::string &error) {
  namespace fb = mote::weights;
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (bytes.size() < 8 || !flatbuffers::BufferHasIdentifier(
                              bytes.data(), fb::WeightsIdentifier())) {
    error = "not a Mote weights file (no 'MOTW' identifier)";
    return false;
  }
  if (!fb::VerifyWeightsBuffer(verifier)) {
    error = "the weights file fails FlatBuffers verification (corrupt)";
    return false;
  }
  const fb::Weights *root = fb::GetWeights(bytes.data());
  state = StateImage();
  state.fingerprint = root->fingerprint();
  state.stateBytes = root->state_bytes();
  for (const fb::Tensor *t : *root->tensors()) {
    StateTensor tensor;
    tensor.name = t->name()->str();
    tensor.offset = t->offset();
    tensor.elements = t->elements();
    tensor.trained = t->role() == fb::Role_Model;
    tensor.data.assign(t->data()->begin(), t->data()->end());
    state.tensors.push_back(std::move(tensor));
  }
  return checkLayout(state, error);
}

llvm::StringMap<std::vector<float>>
mote::trainedValuesOf(const StateImage &state) {
  llvm::StringMap<std::vector<float>> values;
  for (const StateTensor &t : state.tensors) {
    std::vector<float> &v = values[t.name];
    v.resize(t.elements);
    if (!t.data.empty())
      std::memcpy(v.data(), t.data.data(),
                  std::min(t.data.size(), v.size() * sizeof(float)));
  }
  return values;
}
