//===- Weights.cpp - Trained weights between device and host --------------===//

#include "mote/Driver/Weights.h"

#include "mote_weights_generated.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <onnx/onnx_pb.h>

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

namespace {
/// Float values of an ONNX initializer (raw or float_data).
std::vector<float> floatsOf(const onnx::TensorProto &t) {
  std::vector<float> values;
  if (t.has_raw_data()) {
    values.resize(t.raw_data().size() / 4);
    if (!values.empty())
      std::memcpy(values.data(), t.raw_data().data(), values.size() * 4);
  } else {
    values.assign(t.float_data().begin(), t.float_data().end());
  }
  return values;
}

void setFloats(onnx::TensorProto &t, const std::vector<float> &values) {
  t.clear_float_data();
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                             values.size() * 4));
}

std::vector<float> floatsOf(const StateTensor &t) {
  std::vector<float> values(t.elements);
  if (!t.data.empty())
    std::memcpy(values.data(), t.data.data(), t.data.size());
  return values;
}
} // namespace

bool mote::applyWeightsToONNX(StringRef onnxBytes, ModuleOp trainModule,
                              const StateImage &state, std::string &result,
                              std::string &error) {
  onnx::ModelProto model;
  if (!model.ParseFromArray(onnxBytes.data(), int(onnxBytes.size()))) {
    error = "cannot parse the ONNX model";
    return false;
  }
  onnx::GraphProto *graph = model.mutable_graph();
  llvm::StringMap<onnx::TensorProto *> initializers;
  for (onnx::TensorProto &t : *graph->mutable_initializer())
    initializers[t.name()] = &t;
  llvm::StringMap<const StateTensor *> values;
  for (const StateTensor &t : state.tensors)
    values[t.name] = &t;

  // Per layer (ONNX node): trained weight, bias and LAC terms.
  struct Layer {
    const StateTensor *weight = nullptr, *bias = nullptr, *scale = nullptr,
                      *shift = nullptr;
    std::vector<int64_t> weightShape;
  };
  llvm::StringMap<Layer> layers;
  for (auto global : trainModule.getOps<ml_program::GlobalOp>()) {
    auto source = global->getAttrOfType<StringAttr>("mote.source");
    auto role = global->getAttrOfType<StringAttr>("mote.role");
    if (!role)
      continue;
    const StateTensor *value = values.lookup(global.getSymName());
    if (!value) {
      error = ("the weights file has no tensor '" + global.getSymName() + "'")
                  .str();
      return false;
    }
    if (!source) {
      error =
          ("tensor '" + global.getSymName() + "' does not know its ONNX node")
              .str();
      return false;
    }
    Layer &layer = layers[source.getValue()];
    StringRef r = role.getValue();
    if (r == "weight") {
      layer.weight = value;
      auto shape = cast<ShapedType>(global.getType()).getShape();
      layer.weightShape.assign(shape.begin(), shape.end());
    } else if (r == "bias") {
      layer.bias = value;
    } else if (r == "lac_scale") {
      layer.scale = value;
    } else {
      layer.shift = value;
    }
  }

  for (onnx::NodeProto &node : *graph->mutable_node()) {
    std::string name = node.name().empty()
                           ? (node.output_size() ? node.output(0) : "")
                           : node.name();
    auto it = layers.find(name);
    if (it == layers.end())
      continue;
    Layer &layer = it->second;
    bool gemm = node.op_type() == "Gemm";
    if (node.op_type() != "Conv" && !gemm) {
      error = "node '" + name + "' is a " + node.op_type() +
              ": trained values can be written to Conv and Gemm nodes only";
      return false;
    }
    float alpha = 1.0f, beta = 1.0f;
    int64_t transB = 0;
    for (const onnx::AttributeProto &a : node.attribute()) {
      if (a.name() == "alpha")
        alpha = a.f();
      if (a.name() == "beta")
        beta = a.f();
      if (a.name() == "transB")
        transB = a.i();
    }
    // The trained layer computes (x * W + b) * scale + shift: fold the LAC
    // terms into W and b.
    int64_t channels = layer.weightShape.empty() ? 0 : layer.weightShape[0];
    std::vector<float> w =
        layer.weight ? floatsOf(*layer.weight) : std::vector<float>();
    std::vector<float> b =
        layer.bias ? floatsOf(*layer.bias) : std::vector<float>();
    if (layer.scale && layer.weight) {
      std::vector<float> s = floatsOf(*layer.scale), t = floatsOf(*layer.shift);
      int64_t per = int64_t(w.size()) / channels;
      for (int64_t c = 0; c < channels; ++c) {
        for (int64_t i = 0; i < per; ++i)
          w[c * per + i] *= s[c];
        if (!b.empty())
          b[c] = b[c] * s[c] + t[c];
      }
      if (b.empty()) {
        error =
            "node '" + name + "' has a LAC shift but no bias to fold it into";
        return false;
      }
    }
    auto initializer = [&](int index) -> onnx::TensorProto * {
      if (node.input_size() <= index)
        return nullptr;
      return initializers.lookup(node.input(index));
    };
    if (!w.empty()) {
      onnx::TensorProto *t = initializer(1);
      if (!t || floatsOf(*t).size() != w.size()) {
        error = "node '" + name +
                "': its weight is not a float initializer "
                "of the trained tensor's size";
        return false;
      }
      if (gemm && !transB) { // ONNX stores [K, N]; the layer [N, K]
        int64_t n = layer.weightShape[0], k = layer.weightShape[1];
        std::vector<float> kn(w.size());
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < k; ++j)
            kn[j * n + i] = w[i * k + j];
        w = kn;
      }
      for (float &v : w)
        v /= gemm ? alpha : 1.0f;
      setFloats(*t, w);
    }
    if (!b.empty()) {
      onnx::TensorProto *t = initializer(2);
      if (!t || floatsOf(*t).size() != b.size()) {
        error = "node '" + name +
                "': its bias is not a float initializer "
                "of the trained tensor's size (a bias "
                "added by folding is not written back)";
        return false;
      }
      for (float &v : b)
        v /= gemm ? beta : 1.0f;
      setFloats(*t, b);
    }
    // A batch normalization folded into this convolution is now part of
    // the written weights: make it the identity.
    for (onnx::NodeProto &next : *graph->mutable_node())
      if (next.op_type() == "BatchNormalization" && next.input_size() == 5 &&
          node.output_size() && next.input(0) == node.output(0)) {
        float epsilon = 1e-5f;
        for (const onnx::AttributeProto &a : next.attribute())
          if (a.name() == "epsilon")
            epsilon = a.f();
        std::vector<float> ones(channels, 1.0f), zeros(channels, 0.0f),
            variance(channels, 1.0f - epsilon);
        const std::vector<float> *fill[4] = {&ones, &zeros, &zeros, &variance};
        for (int i = 0; i < 4; ++i) {
          onnx::TensorProto *t = initializers.lookup(next.input(1 + i));
          if (!t) {
            error = "batch normalization '" + next.name() +
                    "' has a parameter that is not an initializer";
            return false;
          }
          setFloats(*t, *fill[i]);
        }
      }
    layers.erase(it);
  }
  if (!layers.empty()) {
    error = "no ONNX node named '" + layers.begin()->getKey().str() + "'";
    return false;
  }
  result = model.SerializeAsString();
  return true;
}
