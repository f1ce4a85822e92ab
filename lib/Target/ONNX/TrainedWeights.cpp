//===- TrainedWeights.cpp - Write trained values into an ONNX model -------===//

#include "Mote/Target/ONNX/TrainedWeights.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mote;

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

} // namespace

bool mote::writeTrainedValuesToONNX(
    StringRef onnxBytes, ModuleOp trainModule,
    const llvm::StringMap<std::vector<float>> &values, std::string &result,
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

  // Per layer (ONNX node): trained weight, bias and LAC terms.
  struct Layer {
    const std::vector<float> *weight = nullptr, *bias = nullptr,
                             *scale = nullptr, *shift = nullptr;
    std::vector<int64_t> weightShape;
  };
  llvm::StringMap<Layer> layers;
  for (auto global : trainModule.getOps<ml_program::GlobalOp>()) {
    auto source = global->getAttrOfType<StringAttr>("mote.source");
    auto role = global->getAttrOfType<StringAttr>("mote.role");
    if (!role)
      continue;
    auto found = values.find(global.getSymName());
    const std::vector<float> *value =
        found == values.end() ? nullptr : &found->second;
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
    // A MatMul by a constant trains as a fully-connected layer whose bias,
    // if any, is the constant of the Add that follows it.
    bool matmul = node.op_type() == "MatMul";
    if (node.op_type() != "Conv" && !gemm && !matmul) {
      error = "node '" + name + "' is a " + node.op_type() +
              ": trained values can be written to Conv, Gemm and MatMul "
              "nodes only";
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
    std::vector<float> w = layer.weight ? *layer.weight : std::vector<float>();
    std::vector<float> b = layer.bias ? *layer.bias : std::vector<float>();
    if (layer.scale && layer.weight) {
      std::vector<float> s = *layer.scale, t = *layer.shift;
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
    auto biasInitializer = [&]() -> onnx::TensorProto * {
      if (!matmul)
        return initializer(2);
      for (const onnx::NodeProto &add : graph->node())
        if (add.op_type() == "Add" && add.input_size() == 2 &&
            node.output_size())
          for (int i = 0; i < 2; ++i)
            if (add.input(i) == node.output(0))
              return initializers.lookup(add.input(1 - i));
      return nullptr;
    };
    if (!w.empty()) {
      onnx::TensorProto *t = initializer(1);
      if (!t || floatsOf(*t).size() != w.size()) {
        error = "node '" + name +
                "': its weight is not a float initializer "
                "of the trained tensor's size";
        return false;
      }
      if ((gemm && !transB) || matmul) { // ONNX: [K, N]; the layer [N, K]
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
      onnx::TensorProto *t = biasInitializer();
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
