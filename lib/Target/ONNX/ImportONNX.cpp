//===- ImportONNX.cpp - ONNX model importer -------------------------------===//
//
// Walks the graph of an ONNX model in order and hands each node to the
// handler registered for its op type (one file per op family). Values are
// tracked by ONNX name; constants stay attributes until an op needs them as
// values, so shape computations fold at import time.
//
//===----------------------------------------------------------------------===//

#include "Mote/Target/ONNX/ImportONNX.h"
#include "Importer.h"

#include "Mote/IR/Locations.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/SourceMgr.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

using namespace mlir;
using namespace mote;
using namespace mote::onnx_import;

namespace mote::onnx_import {

/// The lowest and highest default-domain opsets the importer reads; older
/// models down to kMinUpgradeOpset are first upgraded to kMinOpset by ONNX's
/// own version converter.
constexpr int64_t kMinOpset = 11;
constexpr int64_t kMaxOpset = 21;
constexpr int64_t kMinUpgradeOpset = 1;

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, StringRef sourceName,
                const ImportOptions &options)
      : context(context), builder(context), sourceName(sourceName.str()),
        options(options) {
    registerConvOps(handlers);
    registerElementwiseOps(handlers);
    registerShapeOps(handlers);
    registerQuantOps(handlers);
    registerRecurrentOps(handlers);
  }

  OwningOpRef<ModuleOp> import(const onnx::ModelProto &model);

  struct Entry {
    Value value;
    DenseElementsAttr constant;
    bool isUnsigned = false;
  };

  MLIRContext *context;
  OpBuilder builder;
  std::string sourceName;
  const ImportOptions &options;
  HandlerMap handlers;
  llvm::StringMap<Entry> values;
  /// The opset the model was written for when ONNX's version converter
  /// upgraded it, else 0.
  int64_t upgradedFrom = 0;

  InFlightDiagnostic emitModelError() {
    return mlir::emitError(FileLineColLoc::get(context, sourceName, 0, 0));
  }

private:
  LogicalResult importInitializers(const onnx::GraphProto &graph);
  FailureOr<RankedTensorType> convertValueInfo(const onnx::ValueInfoProto &info,
                                               bool *isUnsigned);
  LogicalResult importNode(const onnx::NodeProto &node, int64_t opset);
};

} // namespace mote::onnx_import

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

OpBuilder &NodeContext::builder() { return graph.builder; }

InFlightDiagnostic NodeContext::emitError() {
  InFlightDiagnostic diag = mlir::emitError(loc);
  diag << "node '" << name << "' (" << node.op_type() << ", opset " << opset
       << "): ";
  return diag;
}

LogicalResult NodeContext::unsupported(const Twine &what) {
  return emitError() << "unsupported " << what;
}

FailureOr<Value> NodeContext::input(unsigned i) {
  if (!hasInput(i))
    return emitError() << "missing input " << i;
  auto it = graph.values.find(node.input(i));
  if (it == graph.values.end())
    return emitError() << "input '" << node.input(i)
                       << "' is not defined by an initializer, a graph input "
                          "or an earlier node";
  GraphImporter::Entry &entry = it->second;
  if (!entry.value) {
    DenseElementsAttr attr = entry.constant;
    // Materialize the constant right before the function's terminator-free
    // end: the builder always points at the end of the body.
    entry.value = arith::ConstantOp::create(builder(), loc, attr.getType(),
                                            cast<TypedAttr>(attr));
  }
  return entry.value;
}

SmallVector<std::string> mote::getSupportedONNXOps() {
  HandlerMap handlers;
  registerConvOps(handlers);
  registerElementwiseOps(handlers);
  registerShapeOps(handlers);
  registerQuantOps(handlers);
  registerRecurrentOps(handlers);
  SmallVector<std::string> ops;
  for (const auto &entry : handlers)
    ops.push_back(entry.getKey().str());
  llvm::sort(ops);
  return ops;
}

SmallVector<ONNXOpVersions> mote::getSupportedONNXOpVersions() {
  SmallVector<ONNXOpVersions> result;
  for (const std::string &op : getSupportedONNXOps()) {
    ONNXOpVersions versions{op, {}, {}};
    for (int64_t opset = kMinUpgradeOpset; opset <= kMaxOpset; ++opset) {
      const onnx::OpSchema *schema =
          onnx::OpSchemaRegistry::Schema(op, opset, "");
      if (!schema)
        continue;
      int64_t since = schema->since_version();
      auto &list = opset >= kMinOpset ? versions.native : versions.upgraded;
      if (!llvm::is_contained(list, since))
        list.push_back(since);
    }
    // A version in effect both before and from kMinOpset is read as is.
    llvm::erase_if(versions.upgraded, [&](int64_t v) {
      return llvm::is_contained(versions.native, v);
    });
    result.push_back(std::move(versions));
  }
  return result;
}

LogicalResult mote::onnx_import::requireF32(NodeContext &ctx,
                                            ValueRange values) {
  for (Value v : values)
    if (v && !getElementTypeOrSelf(v.getType()).isF32())
      return ctx.unsupported("element type " +
                             typeName(getElementTypeOrSelf(v.getType())) +
                             " (expected float)");
  return success();
}

Value NodeContext::outputValue(unsigned i) {
  if (static_cast<int>(i) >= node.output_size())
    return {};
  auto it = graph.values.find(node.output(i));
  return it == graph.values.end() ? Value() : it->second.value;
}

DenseElementsAttr NodeContext::constantInput(unsigned i) {
  if (!hasInput(i))
    return {};
  auto it = graph.values.find(node.input(i));
  return it == graph.values.end() ? DenseElementsAttr() : it->second.constant;
}

FailureOr<DenseElementsAttr> NodeContext::requireConstant(unsigned i,
                                                          StringRef what) {
  if (!hasInput(i))
    return emitError() << "missing input " << i << " (" << what << ")";
  if (!graph.values.count(node.input(i)))
    return emitError() << "input '" << node.input(i) << "' (" << what
                       << ") is not defined";
  DenseElementsAttr attr = constantInput(i);
  if (!attr)
    return unsupported(Twine("non-constant ") + what + " '" + node.input(i) +
                       "'");
  return attr;
}

FailureOr<SmallVector<int64_t>>
NodeContext::requireIntConstant(unsigned i, StringRef what) {
  FailureOr<DenseElementsAttr> attr = requireConstant(i, what);
  if (failed(attr))
    return failure();
  if (!isa<IntegerType>(attr->getElementType()))
    return emitError() << what << " '" << node.input(i)
                       << "' must hold integers";
  SmallVector<int64_t> values;
  for (APInt v : attr->getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

bool NodeContext::inputIsUnsigned(unsigned i) {
  if (!hasInput(i))
    return false;
  auto it = graph.values.find(node.input(i));
  return it != graph.values.end() && it->second.isUnsigned;
}

const onnx::AttributeProto *NodeContext::getAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

FailureOr<int64_t> NodeContext::getInt(StringRef name, int64_t dflt) {
  const onnx::AttributeProto *attr = getAttr(name);
  if (!attr)
    return dflt;
  if (attr->type() != onnx::AttributeProto::INT)
    return emitError() << "attribute '" << name << "' must be an int";
  if (attr->i() > kMaxAttrMagnitude || attr->i() < -kMaxAttrMagnitude)
    return emitError() << "attribute '" << name << "' value " << attr->i()
                       << " is out of range";
  return attr->i();
}

FailureOr<float> NodeContext::getFloat(StringRef name, float dflt) {
  const onnx::AttributeProto *attr = getAttr(name);
  if (!attr)
    return dflt;
  if (attr->type() != onnx::AttributeProto::FLOAT)
    return emitError() << "attribute '" << name << "' must be a float";
  return attr->f();
}

FailureOr<std::string> NodeContext::getString(StringRef name, StringRef dflt) {
  const onnx::AttributeProto *attr = getAttr(name);
  if (!attr)
    return dflt.str();
  if (attr->type() != onnx::AttributeProto::STRING)
    return emitError() << "attribute '" << name << "' must be a string";
  return attr->s();
}

FailureOr<SmallVector<int64_t>> NodeContext::getInts(StringRef name,
                                                     ArrayRef<int64_t> dflt) {
  const onnx::AttributeProto *attr = getAttr(name);
  if (!attr)
    return SmallVector<int64_t>(dflt);
  if (attr->type() != onnx::AttributeProto::INTS)
    return emitError() << "attribute '" << name << "' must be a list of ints";
  SmallVector<int64_t> result;
  for (int64_t v : attr->ints()) {
    if (v > kMaxAttrMagnitude || v < -kMaxAttrMagnitude)
      return emitError() << "attribute '" << name << "' value " << v
                         << " is out of range";
    result.push_back(v);
  }
  return result;
}

unsigned NodeContext::numUsedOutputs() const {
  unsigned count = 0;
  for (const std::string &name : node.output())
    count += !name.empty();
  return count;
}

void NodeContext::setOutput(unsigned i, Value value, bool isUnsigned) {
  if (static_cast<int>(i) < node.output_size() && !node.output(i).empty()) {
    graph.values[node.output(i)] = {value, {}, isUnsigned};
    // The tensor's name, for the passes that name tensors (--split-at).
    addTensorName(value, node.output(i));
  }
}

void NodeContext::setConstantOutput(unsigned i, DenseElementsAttr value,
                                    bool isUnsigned) {
  if (static_cast<int>(i) < node.output_size() && !node.output(i).empty())
    graph.values[node.output(i)] = {Value(), value, isUnsigned};
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::importInitializers(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    auto emitError = [&]() {
      InFlightDiagnostic diag = emitModelError();
      diag << "initializer '" << tensor.name() << "': ";
      return diag;
    };
    FailureOr<DenseElementsAttr> attr =
        convertTensor(tensor, context, emitError);
    if (failed(attr))
      return failure();
    values[tensor.name()] = {Value(), *attr,
                             tensor.data_type() == onnx::TensorProto::UINT8};
  }
  return success();
}

FailureOr<RankedTensorType>
GraphImporter::convertValueInfo(const onnx::ValueInfoProto &info,
                                bool *isUnsigned) {
  auto emitError = [&]() {
    InFlightDiagnostic diag = emitModelError();
    diag << "graph input or output '" << info.name() << "': ";
    return diag;
  };
  if (!info.type().has_tensor_type())
    return emitError() << "only tensor types are supported";
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type element = convertElementType(tensor.elem_type(), context, isUnsigned);
  if (!element)
    return emitError() << "unsupported element type "
                       << onnxTypeName(tensor.elem_type());
  if (!tensor.has_shape())
    return emitError() << "has no shape (Mote compiles static shapes)";
  SmallVector<int64_t> shape;
  int64_t elements = 1;
  for (auto [index, dim] : llvm::enumerate(tensor.shape().dim())) {
    int64_t extent;
    if (dim.has_dim_value()) {
      extent = dim.dim_value();
    } else if (dim.has_dim_param()) {
      auto it = options.dimBindings.find(dim.dim_param());
      if (it == options.dimBindings.end())
        return emitError() << "dimension " << index << " is symbolic ('"
                           << dim.dim_param()
                           << "'); give it a value (motec --bind-dim "
                           << dim.dim_param() << "=N)";
      extent = it->second;
    } else {
      return emitError() << "dimension " << index
                         << " is dynamic without a bound";
    }
    if (extent < 1 || extent > kMaxElements)
      return emitError() << "dimension " << index << " has invalid extent "
                         << extent;
    elements *= extent;
    if (elements > kMaxElements)
      return emitError() << "has more than " << kMaxElements << " elements";
    shape.push_back(extent);
  }
  return RankedTensorType::get(shape, element);
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int64_t opset) {
  std::string name = node.name().empty()
                         ? (node.output_size() ? node.output(0) : std::string())
                         : node.name();
  Location loc = NameLoc::get(StringAttr::get(context, name),
                              FileLineColLoc::get(context, sourceName, 0, 0));
  NodeContext ctx(*this, node, name, loc, opset);
  ctx.upgradedFrom = upgradedFrom;
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return ctx.unsupported("operator domain '" + node.domain() + "'");
  auto it = handlers.find(node.op_type());
  if (it == handlers.end())
    return ctx.unsupported("operator");
  // An op the model's opset does not define yet is an invalid model (ONNX
  // Runtime rejects it too), not one to import with newer semantics.
  if (!onnx::OpSchemaRegistry::Schema(node.op_type(), opset, "")) {
    const onnx::OpSchema *latest =
        onnx::OpSchemaRegistry::Schema(node.op_type(), kMaxOpset, "");
    InFlightDiagnostic diag = ctx.emitError();
    diag << "ONNX defines no " << node.op_type() << " at opset " << opset;
    if (latest)
      diag << " (it exists since opset " << latest->since_version() << ")";
    return diag;
  }
  if (failed(it->second(ctx)))
    return failure();
  // A hostile model can ask for a huge intermediate tensor (a resize, a
  // transposed convolution) that no board holds: refused here, before
  // anything is planned or tabulated for it.
  for (const std::string &output : node.output()) {
    auto found = values.find(output);
    if (output.empty() || found == values.end() || !found->second.value)
      continue;
    auto type = dyn_cast<RankedTensorType>(found->second.value.getType());
    if (!type)
      continue;
    int64_t elements = 1;
    for (int64_t d : type.getShape()) {
      if (d > 0 && elements > kMaxElements / d) {
        elements = kMaxElements + 1;
        break;
      }
      elements *= std::max<int64_t>(d, 0);
    }
    if (elements > kMaxElements)
      return ctx.emitError()
             << "result '" << output << "' would have more than "
             << kMaxElements << " elements";
  }
  return success();
}

/// Returns the model's default-domain opset, or -1 if it imports none.
static int64_t defaultOpset(const onnx::ModelProto &model) {
  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
  return opset;
}

/// Returns what in `graph` would make ONNX's version converter read past
/// what exists (it dereferences every name it meets), or an empty string: a
/// subgraph, a name used before any graph input, initializer or earlier
/// node defines it, a graph output nothing defines, a name defined twice.
static std::string converterHazard(const onnx::GraphProto &graph) {
  llvm::StringSet<> defined;
  auto define = [&](const std::string &name) {
    return name.empty() || defined.insert(name).second;
  };
  // The ranks known before inference: initializers and graph inputs.
  llvm::StringMap<int> rank;
  for (const onnx::TensorProto &init : graph.initializer()) {
    if (!define(init.name()))
      return "initializer '" + init.name() + "' is defined twice";
    int64_t count = 1;
    for (int64_t d : init.dims()) {
      if (d < 0 || d > kMaxElements ||
          (count *= std::max<int64_t>(d, 1)) > kMaxElements)
        return "initializer '" + init.name() + "' has invalid dimensions";
    }
    rank[init.name()] = init.dims_size();
  }
  for (const onnx::ValueInfoProto &input : graph.input()) {
    defined.insert(input.name());
    if (input.type().tensor_type().has_shape())
      rank.try_emplace(input.name(),
                       input.type().tensor_type().shape().dim_size());
  }
  for (const onnx::NodeProto &node : graph.node()) {
    // ONNX's convolution shape inference reads past its arrays when the
    // weight has more dimensions than the input.
    StringRef op = node.op_type();
    unsigned weight = op == "QLinearConv" ? 3 : 1;
    if ((op == "Conv" || op == "ConvTranspose" || op == "ConvInteger" ||
         op == "QLinearConv") &&
        node.input_size() > static_cast<int>(weight)) {
      auto w = rank.find(node.input(weight));
      auto x = rank.find(node.input(0));
      if (w != rank.end() &&
          (w->second > 5 || (x != rank.end() && w->second != x->second)))
        return "node '" + node.name() + "' (" + node.op_type() +
               ") has a weight of rank " + std::to_string(w->second) +
               (x != rank.end()
                    ? " for an input of rank " + std::to_string(x->second)
                    : std::string(""));
    }
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g() || attr.graphs_size())
        return "node '" + node.name() + "' (" + node.op_type() +
               ") has a subgraph";
      // ONNX's convolution and pooling shape inference divides by them.
      StringRef name = attr.name();
      if (name == "strides" || name == "dilations" || name == "kernel_shape")
        for (int64_t v : attr.ints())
          if (v < 1)
            return "node '" + node.name() + "' (" + node.op_type() + ") has " +
                   name.str() + " " + std::to_string(v) +
                   " (must be at least 1)";
    }
    for (const std::string &input : node.input())
      if (!input.empty() && !defined.contains(input))
        return "node '" + node.name() + "' (" + node.op_type() + ") reads '" +
               input + "', which nothing defined before";
    for (const std::string &output : node.output())
      if (!define(output))
        return "'" + output + "' is defined twice";
  }
  for (const onnx::ValueInfoProto &output : graph.output())
    if (!defined.contains(output.name()))
      return "graph output '" + output.name() + "' is not defined";
  return "";
}

OwningOpRef<ModuleOp> GraphImporter::import(const onnx::ModelProto &original) {
  int64_t opset = defaultOpset(original);
  if (opset < 0) {
    emitModelError() << "model imports no default-domain opset";
    return nullptr;
  }
  if (opset < kMinUpgradeOpset || opset > kMaxOpset) {
    emitModelError() << "opset " << opset << " is not supported (Mote imports "
                     << "opsets " << kMinOpset << " to " << kMaxOpset
                     << ", and upgrades older ones down to " << kMinUpgradeOpset
                     << ")";
    return nullptr;
  }
  // An older model is upgraded by ONNX's version converter, which rewrites
  // each node by the adapters of the ops that changed in between; what it
  // has no adapter for (or the model it cannot read) is refused here.
  onnx::ModelProto upgraded;
  if (opset < kMinOpset) {
    if (!original.has_graph()) {
      emitModelError() << "model has no graph";
      return nullptr;
    }
    // The converter trusts its input (a malformed graph crashes it): the
    // graph's names and ONNX's checker validate the model first.
    if (std::string hazard = converterHazard(original.graph());
        !hazard.empty()) {
      emitModelError() << "cannot upgrade the model from opset " << opset
                       << " to " << kMinOpset << ": " << hazard;
      return nullptr;
    }
    try {
      onnx::checker::check_model(original);
      // Some adapters (Gemm's broadcast) need the shapes of their inputs.
      onnx::ModelProto inferred = original;
      onnx::shape_inference::InferShapes(inferred);
      upgraded = onnx::version_conversion::ConvertVersion(inferred, kMinOpset);
    } catch (const std::exception &e) {
      // ONNX's assertions lead with their source location.
      StringRef what = e.what();
      if (size_t at = what.find("failed: "); at != StringRef::npos)
        what = what.drop_front(at + strlen("failed: "));
      emitModelError() << "cannot upgrade the model from opset " << opset
                       << " to " << kMinOpset << ": "
                       << what.split('\n').first.trim();
      return nullptr;
    }
    upgradedFrom = opset;
    opset = defaultOpset(upgraded);
    if (opset != kMinOpset) {
      emitModelError() << "ONNX's version converter left the model at opset "
                       << opset << " instead of " << kMinOpset;
      return nullptr;
    }
  }
  const onnx::ModelProto &model = upgradedFrom ? upgraded : original;
  if (!model.has_graph()) {
    emitModelError() << "model has no graph";
    return nullptr;
  }
  const onnx::GraphProto &graph = model.graph();
  if (failed(importInitializers(graph)))
    return nullptr;

  Location moduleLoc = FileLineColLoc::get(context, sourceName, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(moduleLoc);
  SmallVector<Type> inputTypes;
  SmallVector<std::string> inputNames;
  SmallVector<bool> inputUnsigned;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    // Before IR version 4 initializers were listed as inputs too.
    if (values.count(input.name()))
      continue;
    bool isUnsigned = false;
    FailureOr<RankedTensorType> type = convertValueInfo(input, &isUnsigned);
    if (failed(type))
      return nullptr;
    inputTypes.push_back(*type);
    inputNames.push_back(input.name());
    inputUnsigned.push_back(isUnsigned);
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, moduleLoc, options.functionName,
                                   builder.getFunctionType(inputTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [index, name] : llvm::enumerate(inputNames)) {
    func.setArgAttr(index, "mote.name", builder.getStringAttr(name));
    values[name] = {body->getArgument(index), {}, inputUnsigned[index]};
  }
  builder.setInsertionPointToEnd(body);

  for (const onnx::NodeProto &node : graph.node())
    if (failed(importNode(node, opset)))
      return nullptr;

  SmallVector<Value> results;
  for (auto [index, output] : llvm::enumerate(graph.output())) {
    auto it = values.find(output.name());
    if (it == values.end()) {
      emitModelError() << "graph output '" << output.name()
                       << "' is not produced by any node";
      return nullptr;
    }
    Value value = it->second.value;
    if (!value)
      value = arith::ConstantOp::create(builder, moduleLoc,
                                        cast<TypedAttr>(it->second.constant));
    // A uint8 result computed in signed form leaves as uint8: quantized
    // again, to the unsigned type, from the same float values.
    bool declaredUnsigned =
        output.type().tensor_type().elem_type() == onnx::TensorProto::UINT8;
    if (quant::QuantizedType type = getQuantType(value.getType());
        type && type.isSigned() &&
        (it->second.isUnsigned || declaredUnsigned)) {
      // The float input of a QuantizeLinear, else the integer result
      // dequantized (exact: the same scale, zero points 128 apart).
      auto tensorType = cast<RankedTensorType>(value.getType());
      Value real;
      if (auto q = value.getDefiningOp<QuantizeOp>())
        real = q.getInput();
      else
        real =
            DequantizeOp::create(builder, value.getLoc(),
                                 tensorType.clone(builder.getF32Type()), value);
      value = QuantizeOp::create(builder, real.getLoc(),
                                 tensorType.clone(unsignedForm(type)), real);
    }
    // Quantized results leave the function as their integer storage, the
    // element type the ONNX graph declares.
    if (auto quantType = getQuantType(value.getType()))
      value =
          quant::StorageCastOp::create(builder, moduleLoc,
                                       cast<RankedTensorType>(value.getType())
                                           .clone(quantType.getStorageType()),
                                       value);
    // A declared output shape must be what the graph computes; a symbolic
    // dimension without a --bind-dim value (PyTorch's exports name the
    // batch of a Gemm's result) is the computed one.
    if (output.type().has_tensor_type() &&
        output.type().tensor_type().has_shape()) {
      const onnx::TensorShapeProto &declared =
          output.type().tensor_type().shape();
      ArrayRef<int64_t> computed = shapeOf(value);
      bool differs = declared.dim_size() != static_cast<int>(computed.size());
      for (auto [index, dim] : llvm::enumerate(declared.dim())) {
        if (differs)
          break;
        auto bound = options.dimBindings.find(dim.dim_param());
        if (dim.has_dim_value())
          differs = dim.dim_value() != computed[index];
        else if (dim.has_dim_param() && bound != options.dimBindings.end())
          differs = bound->second != computed[index];
      }
      if (differs) {
        emitModelError() << "graph output '" << output.name()
                         << "' is declared with another shape than the "
                            "graph computes";
        return nullptr;
      }
    }
    results.push_back(value);
  }
  func::ReturnOp::create(builder, moduleLoc, results);
  func.setFunctionType(
      builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [index, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(index, "mote.name",
                       builder.getStringAttr(output.name()));
  if (upgradedFrom)
    (*module)->setAttr(kUpgradedFromAttr,
                       builder.getI64IntegerAttr(upgradedFrom));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> mote::importONNXModel(StringRef bytes,
                                            StringRef sourceName,
                                            MLIRContext *context,
                                            const ImportOptions &options) {
  context->loadDialect<MoteDialect, arith::ArithDialect, func::FuncDialect,
                       quant::QuantDialect>();
  onnx::ModelProto model;
  Location loc = FileLineColLoc::get(context, sourceName, 0, 0);
  // The text syntax starts with `<` after white space and `#` comments.
  StringRef trimmed = bytes.ltrim();
  while (trimmed.starts_with("#"))
    trimmed = trimmed.drop_until([](char c) { return c == '\n'; }).ltrim();
  if (trimmed.starts_with("<")) {
    std::string text = bytes.str();
    onnx::OnnxParser parser(text.c_str());
    auto status = parser.Parse(model);
    if (!status.IsOK()) {
      emitError(loc) << "cannot parse the ONNX text model: "
                     << status.ErrorMessage();
      return nullptr;
    }
  } else {
    if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
        !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      emitError(loc) << "not a valid ONNX model: the protobuf is corrupt or "
                        "truncated";
      return nullptr;
    }
  }
  GraphImporter importer(context, sourceName, options);
  return importer.import(model);
}

void mote::registerImportONNXTranslation() {
  static TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (binary or text) into Mote IR",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *context) {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        ImportOptions options;
        return importONNXModel(buffer->getBuffer(),
                               buffer->getBufferIdentifier(), context, options);
      },
      [](DialectRegistry &registry) {
        registry.insert<MoteDialect, arith::ArithDialect, func::FuncDialect,
                        quant::QuantDialect>();
      });
}
