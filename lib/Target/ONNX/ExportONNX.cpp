//===- ExportONNX.cpp - Write a float or QDQ graph as an ONNX model -------===//

#include "Mote/Target/ONNX/ExportONNX.h"

#include "Mote/IR/Locations.h"
#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mote;

namespace {

class Exporter {
public:
  explicit Exporter(func::FuncOp func) : func(func) {}
  FailureOr<std::string> run();

private:
  LogicalResult exportOp(Operation *op);
  /// The ONNX name of `v` (a constant becomes an initializer when first
  /// asked for).
  FailureOr<std::string> nameOf(Operation *user, Value v);
  std::string fresh(StringRef hint) {
    return (hint + "_" + std::to_string(counter++)).str();
  }
  onnx::NodeProto *node(Operation *op, StringRef type,
                        ArrayRef<std::string> inputs,
                        ArrayRef<std::string> outputs);
  std::string addInitializer(StringRef hint, DenseElementsAttr attr,
                             bool isUnsigned = false);
  std::string addInts(StringRef hint, ArrayRef<int64_t> values);
  std::string addScalar(StringRef hint, float value);
  /// The scale, zero point and axis inputs of Quantize/DequantizeLinear.
  void addQuantParams(onnx::NodeProto *n, quant::QuantizedType type);
  /// Emits a node whose result may carry a fused clamp: the node writes a
  /// temporary and Relu / Clip writes `out`.
  LogicalResult withActivation(Operation *op, StringRef type,
                               ArrayRef<std::string> inputs, std::string out,
                               onnx::NodeProto **created = nullptr);

  func::FuncOp func;
  onnx::ModelProto model;
  onnx::GraphProto *graph = model.mutable_graph();
  DenseMap<Value, std::string> names;
  llvm::StringSet<> nodeNames;
  unsigned counter = 0;
};

void setInts(onnx::NodeProto *n, StringRef name, ArrayRef<int64_t> values) {
  onnx::AttributeProto *a = n->add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    a->add_ints(v);
}
void setInt(onnx::NodeProto *n, StringRef name, int64_t value) {
  onnx::AttributeProto *a = n->add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}
void setString(onnx::NodeProto *n, StringRef name, StringRef value) {
  onnx::AttributeProto *a = n->add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value.str());
}
void setFloat(onnx::NodeProto *n, StringRef name, float value) {
  onnx::AttributeProto *a = n->add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

/// The node name: the op's NameLoc, as the importer recorded it.
std::string locName(Operation *op) {
  return mote::getNodeName(op->getLoc()).str();
}

onnx::NodeProto *Exporter::node(Operation *op, StringRef type,
                                ArrayRef<std::string> inputs,
                                ArrayRef<std::string> outputs) {
  onnx::NodeProto *n = graph->add_node();
  n->set_op_type(type.str());
  std::string name = locName(op);
  // Node names must be unique: one op can give several nodes of a type.
  std::string unique = name.empty() ? type.str() : name + "_" + type.str();
  if (!nodeNames.insert(unique).second)
    unique = fresh(unique);
  n->set_name(unique);
  for (const std::string &i : inputs)
    n->add_input(i);
  for (const std::string &o : outputs)
    n->add_output(o);
  return n;
}

std::string Exporter::addInitializer(StringRef hint, DenseElementsAttr attr,
                                     bool isUnsigned) {
  onnx::TensorProto *t = graph->add_initializer();
  std::string name = fresh(hint);
  t->set_name(name);
  auto type = cast<ShapedType>(attr.getType());
  for (int64_t d : type.getShape())
    t->add_dims(d);
  Type e = type.getElementType();
  std::string raw;
  if (e.isF32()) {
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (float v : attr.getValues<float>())
      raw.append(reinterpret_cast<const char *>(&v), sizeof v);
  } else {
    unsigned width = e.getIntOrFloatBitWidth();
    t->set_data_type(width == 1    ? onnx::TensorProto::BOOL
                     : width == 8  ? (isUnsigned ? onnx::TensorProto::UINT8
                                                 : onnx::TensorProto::INT8)
                     : width == 32 ? onnx::TensorProto::INT32
                                   : onnx::TensorProto::INT64);
    // A bool is one byte.
    for (APInt v : attr.getValues<APInt>()) {
      uint64_t bits = v.getZExtValue();
      raw.append(reinterpret_cast<const char *>(&bits),
                 std::max(width / 8, 1u));
    }
  }
  t->set_raw_data(raw);
  return name;
}

std::string Exporter::addInts(StringRef hint, ArrayRef<int64_t> values) {
  Builder b(func.getContext());
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getI64Type());
  return addInitializer(hint, DenseElementsAttr::get(type, values));
}

std::string Exporter::addScalar(StringRef hint, float value) {
  Builder b(func.getContext());
  return addInitializer(
      hint,
      DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()), value));
}

void Exporter::addQuantParams(onnx::NodeProto *n, quant::QuantizedType type) {
  Builder b(func.getContext());
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  SmallVector<int64_t> shape;
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    for (double s : perAxis.getScales())
      scales.push_back(s);
    zeroPoints.assign(perAxis.getZeroPoints().begin(),
                      perAxis.getZeroPoints().end());
    shape.push_back(scales.size());
    setInt(n, "axis", perAxis.getQuantizedDimension());
  } else {
    auto perTensor = cast<quant::UniformQuantizedType>(type);
    scales.push_back(perTensor.getScale());
    zeroPoints.push_back(perTensor.getZeroPoint());
  }
  unsigned width = type.getStorageTypeIntegralWidth();
  Type storage = b.getIntegerType(width);
  SmallVector<APInt> zps;
  for (int64_t z : zeroPoints)
    zps.push_back(APInt(width, z, /*isSigned=*/true));
  n->add_input(addInitializer(
      "scale",
      DenseElementsAttr::get(RankedTensorType::get(shape, b.getF32Type()),
                             ArrayRef(scales))));
  n->add_input(addInitializer(
      "zero_point",
      DenseElementsAttr::get(RankedTensorType::get(shape, storage), zps),
      !type.isSigned()));
}

FailureOr<std::string> Exporter::nameOf(Operation *user, Value v) {
  if (auto it = names.find(v); it != names.end())
    return it->second;
  Operation *def = v.getDefiningOp();
  DenseElementsAttr attr;
  if (auto c = dyn_cast_or_null<arith::ConstantOp>(def))
    attr = dyn_cast<DenseElementsAttr>(c.getValue());
  if (auto cast = dyn_cast_or_null<quant::StorageCastOp>(def)) {
    // Raw integers seen as quantized: the initializer with the storage
    // type's signedness.
    if (auto c = cast.getInput().getDefiningOp<arith::ConstantOp>()) {
      auto q = getQuantType(v.getType());
      auto data = dyn_cast<DenseElementsAttr>(c.getValue());
      if (q && data)
        return names[v] = addInitializer("weight_q", data, !q.isSigned());
    }
  }
  if (!attr)
    return user->emitError("cannot export to ONNX: an operand has no ONNX "
                           "name (")
           << v.getType() << ")";
  return names[v] = addInitializer("const", attr);
}

LogicalResult Exporter::withActivation(Operation *op, StringRef type,
                                       ArrayRef<std::string> inputs,
                                       std::string out,
                                       onnx::NodeProto **created) {
  auto min = op->getAttrOfType<FloatAttr>("clamp_min");
  auto max = op->getAttrOfType<FloatAttr>("clamp_max");
  std::string inner = (min || max) ? fresh("pre_activation") : out;
  onnx::NodeProto *n = node(op, type, inputs, {inner});
  if (created)
    *created = n;
  if (!min && !max)
    return success();
  if (min && !max && min.getValueAsDouble() == 0.0) {
    node(op, "Relu", {inner}, {out});
    return success();
  }
  std::string lo = min ? addScalar("clip_min", min.getValueAsDouble()) : "";
  std::string hi = max ? addScalar("clip_max", max.getValueAsDouble()) : "";
  node(op, "Clip", {inner, lo, hi}, {out});
  return success();
}

LogicalResult Exporter::exportOp(Operation *op) {
  if (isa<arith::ConstantOp, quant::StorageCastOp>(op))
    return success(); // Initializers, made when first used.
  SmallVector<std::string> in;
  for (Value operand : op->getOperands()) {
    FailureOr<std::string> n = nameOf(op, operand);
    if (failed(n))
      return failure();
    in.push_back(*n);
  }
  // Only Quantize / Dequantize touch quantized tensors in the QDQ form.
  if (!isa<QuantizeOp, DequantizeOp>(op))
    for (Type t :
         llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
      if (getQuantType(t))
        return op->emitError("cannot export to ONNX: integer ops have no QDQ "
                             "form (export before mote-fold-qdq)");
  std::string out = fresh(op->getName().stripDialect());
  names[op->getResult(0)] = out;
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](QuantizeOp o) {
        onnx::NodeProto *n = node(op, "QuantizeLinear", {in[0]}, {out});
        addQuantParams(n, getQuantType(o.getType()));
        return success();
      })
      .Case([&](DequantizeOp o) {
        onnx::NodeProto *n = node(op, "DequantizeLinear", {in[0]}, {out});
        addQuantParams(n, getQuantType(o.getInput().getType()));
        return success();
      })
      .Case([&](Conv2DOp o) {
        onnx::NodeProto *n;
        if (failed(withActivation(op, "Conv", in, out, &n)))
          return failure();
        ArrayRef<int64_t> w = shapeOf(o.getWeight());
        setInts(n, "kernel_shape", w.drop_front(2));
        setInts(n, "strides", o.getStrides());
        setInts(n, "dilations", o.getDilations());
        setInts(n, "pads", o.getPads());
        setInt(n, "group", static_cast<int64_t>(o.getGroup()));
        return success();
      })
      .Case([&](ConvTranspose2DOp o) {
        onnx::NodeProto *n = node(op, "ConvTranspose", in, {out});
        ArrayRef<int64_t> w = shapeOf(o.getWeight());
        setInts(n, "kernel_shape", w.drop_front(2));
        setInts(n, "strides", o.getStrides());
        setInts(n, "dilations", o.getDilations());
        setInts(n, "pads", o.getPads());
        setInts(n, "output_padding", o.getOutputPadding());
        setInt(n, "group", static_cast<int64_t>(o.getGroup()));
        return success();
      })
      .Case<RnnOp, GruOp, LstmOp>([&](auto o) -> LogicalResult {
        constexpr bool isLstm = std::is_same_v<decltype(o), LstmOp>;
        // ONNX's inputs by position: X, W, R, B, sequence_lens (none: the
        // whole sequence), initial_h, and for the LSTM initial_c and P.
        SmallVector<Value> operands = {o.getInput(),      o.getWeight(),
                                       o.getRecurrence(), o.getBias(),
                                       Value(),           o.getInitialH()};
        if constexpr (isLstm)
          llvm::append_range(
              operands, SmallVector<Value>{o.getInitialC(), o.getPeephole()});
        SmallVector<std::string> inputs;
        for (Value v : operands) {
          FailureOr<std::string> n = v ? nameOf(op, v) : std::string();
          if (failed(n))
            return failure();
          inputs.push_back(*n);
        }
        while (inputs.back().empty())
          inputs.pop_back();
        SmallVector<std::string> outs = {out};
        for (Value r : op->getResults().drop_front())
          outs.push_back(names[r] = fresh("state"));
        onnx::NodeProto *n = node(op,
                                  isLstm                               ? "LSTM"
                                  : std::is_same_v<decltype(o), GruOp> ? "GRU"
                                                                       : "RNN",
                                  inputs, outs);
        setInt(n, "hidden_size", shapeOf(o.getRecurrence()).back());
        setString(n, "direction", o.getDirection());
        if (o.getClip().convertToFloat() > 0.0f)
          setFloat(n, "clip", o.getClip().convertToFloat());
        if constexpr (std::is_same_v<decltype(o), GruOp>)
          setInt(n, "linear_before_reset", o.getLinearBeforeReset() ? 1 : 0);
        return success();
      })
      .Case([&](ReduceOp o) {
        StringRef type = o.getKind() == "max"   ? "ReduceMax"
                         : o.getKind() == "min" ? "ReduceMin"
                                                : "ReduceMean";
        onnx::NodeProto *n = node(op, type, in, {out});
        setInts(n, "axes", o.getAxes());
        setInt(n, "keepdims", 1);
        return success();
      })
      .Case([&](ResizeOp o) -> LogicalResult {
        if (o.getCoordinateTransformationMode().starts_with("tflite"))
          return o.emitOpError("has TFLite's coordinate rule '")
                 << o.getCoordinateTransformationMode()
                 << "', which ONNX's Resize does not have";
        // The scales when they give the result's extents (ONNX Runtime then
        // maps coordinates with them), else the sizes.
        ArrayRef<int64_t> x = shapeOf(o.getInput()), y = shapeOf(o.getOutput());
        ArrayRef<float> scales = o.getScales();
        bool byScales = true;
        for (int i = 0; i < 2; ++i)
          byScales &= static_cast<int64_t>(
                          scales[i] * static_cast<float>(x[2 + i])) == y[2 + i];
        Builder b(op->getContext());
        std::string size =
            byScales
                ? addInitializer(
                      "resize_scales",
                      DenseElementsAttr::get(
                          RankedTensorType::get({4}, b.getF32Type()),
                          ArrayRef<float>{1.0f, 1.0f, scales[0], scales[1]}))
                : addInitializer(
                      "resize_sizes",
                      DenseElementsAttr::get(
                          RankedTensorType::get({4}, b.getI64Type()), y));
        onnx::NodeProto *n =
            byScales ? node(op, "Resize", {in[0], "", size}, {out})
                     : node(op, "Resize", {in[0], "", "", size}, {out});
        setString(n, "mode", o.getMode());
        setString(n, "coordinate_transformation_mode",
                  o.getCoordinateTransformationMode());
        setString(n, "nearest_mode", o.getNearestMode());
        if (o.getMode() == "cubic") {
          setFloat(n, "cubic_coeff_a", o.getCubicCoeffA().convertToFloat());
          setInt(n, "exclude_outside", o.getExcludeOutside() ? 1 : 0);
        }
        return success();
      })
      .Case([&](FullyConnectedOp) {
        onnx::NodeProto *n;
        if (failed(withActivation(op, "Gemm", in, out, &n)))
          return failure();
        setInt(n, "transB", 1);
        return success();
      })
      .Case([&](MatMulOp) { return withActivation(op, "MatMul", in, out); })
      .Case([&](AddOp) { return withActivation(op, "Add", in, out); })
      .Case([&](SubOp) { return withActivation(op, "Sub", in, out); })
      .Case([&](MulOp) { return withActivation(op, "Mul", in, out); })
      .Case([&](ReluOp) { return withActivation(op, "Relu", in, out); })
      .Case([&](SigmoidOp) { return withActivation(op, "Sigmoid", in, out); })
      .Case([&](TanhOp) { return withActivation(op, "Tanh", in, out); })
      .Case(
          [&](HardSwishOp) { return withActivation(op, "HardSwish", in, out); })
      .Case([&](HardSigmoidOp o) {
        onnx::NodeProto *n = node(op, "HardSigmoid", in, {out});
        setFloat(n, "alpha", o.getAlpha().convertToFloat());
        setFloat(n, "beta", o.getBeta().convertToFloat());
        return success();
      })
      .Case([&](LeakyReluOp o) {
        setFloat(node(op, "LeakyRelu", in, {out}), "alpha",
                 o.getAlpha().convertToFloat());
        return success();
      })
      .Case([&](EluOp o) {
        bool selu = o.getScale().convertToFloat() != 1.0f;
        onnx::NodeProto *n = node(op, selu ? "Selu" : "Elu", in, {out});
        setFloat(n, "alpha", o.getAlpha().convertToFloat());
        if (selu)
          setFloat(n, "gamma", o.getScale().convertToFloat());
        return success();
      })
      .Case([&](ErfOp) {
        node(op, "Erf", in, {out});
        return success();
      })
      .Case([&](PReluOp) {
        node(op, "PRelu", in, {out});
        return success();
      })
      .Case([&](GeluOp o) -> LogicalResult {
        // ONNX has Gelu only since opset 20: written out as its formula.
        if (o.isTanhApproximation())
          return op->emitError("cannot export to ONNX: the tanh form of GELU");
        std::string scaled = fresh("gelu_scaled"), erf = fresh("gelu_erf"),
                    one = fresh("gelu_one"), prod = fresh("gelu_x");
        node(op, "Mul", {in[0], addScalar("inv_sqrt2", 0.70710678118654752)},
             {scaled});
        node(op, "Erf", {scaled}, {erf});
        node(op, "Add", {erf, addScalar("one", 1.0)}, {one});
        node(op, "Mul", {in[0], one}, {prod});
        node(op, "Mul", {prod, addScalar("half", 0.5)}, {out});
        return success();
      })
      .Case([&](ClampOp o) {
        node(op, "Clip",
             {in[0], addScalar("clip_min", o.getMin().convertToFloat()),
              addScalar("clip_max", o.getMax().convertToFloat())},
             {out});
        return success();
      })
      .Case([&](SoftmaxOp o) {
        setInt(node(op, "Softmax", in, {out}), "axis",
               static_cast<int64_t>(o.getAxis()));
        return success();
      })
      .Case([&](MaxPool2DOp o) {
        onnx::NodeProto *n = node(op, "MaxPool", in, {out});
        setInts(n, "kernel_shape", o.getKernel());
        setInts(n, "strides", o.getStrides());
        setInts(n, "dilations", o.getDilations());
        setInts(n, "pads", o.getPads());
        return success();
      })
      .Case([&](AvgPool2DOp o) {
        onnx::NodeProto *n = node(op, "AveragePool", in, {out});
        setInts(n, "kernel_shape", o.getKernel());
        setInts(n, "strides", o.getStrides());
        setInts(n, "pads", o.getPads());
        setInt(n, "count_include_pad", o.getCountIncludePad() ? 1 : 0);
        return success();
      })
      .Case([&](GlobalAvgPoolOp) {
        node(op, "GlobalAveragePool", in, {out});
        return success();
      })
      .Case([&](ReshapeOp o) {
        node(op, "Reshape", {in[0], addInts("shape", shapeOf(o.getOutput()))},
             {out});
        return success();
      })
      .Case([&](TransposeOp o) {
        setInts(node(op, "Transpose", in, {out}), "perm", o.getPerm());
        return success();
      })
      .Case([&](ConcatOp o) {
        setInt(node(op, "Concat", in, {out}), "axis",
               static_cast<int64_t>(o.getAxis()));
        return success();
      })
      .Case([&](PadOp o) {
        onnx::NodeProto *n =
            node(op, "Pad",
                 {in[0], addInts("pads", o.getPads()),
                  addScalar("pad_value", o.getValue().convertToFloat())},
                 {out});
        onnx::AttributeProto *a = n->add_attribute();
        a->set_name("mode");
        a->set_type(onnx::AttributeProto::STRING);
        a->set_s(o.getMode().str());
        return success();
      })
      .Case([&](SliceOp o) {
        SmallVector<int64_t> ends, axes;
        ArrayRef<int64_t> y = shapeOf(o.getOutput());
        for (auto [d, start] : llvm::enumerate(o.getStarts())) {
          ends.push_back(start + (y[d] - 1) * o.getSteps()[d] + 1);
          axes.push_back(d);
        }
        node(op, "Slice",
             {in[0], addInts("starts", o.getStarts()), addInts("ends", ends),
              addInts("axes", axes), addInts("steps", o.getSteps())},
             {out});
        return success();
      })
      .Case([&](CompareOp o) {
        StringRef type = llvm::StringSwitch<StringRef>(o.getPredicate())
                             .Case("eq", "Equal")
                             .Case("lt", "Less")
                             .Case("le", "LessOrEqual")
                             .Case("gt", "Greater")
                             .Default("GreaterOrEqual");
        node(op, type, in, {out});
        return success();
      })
      .Case([&](WhereOp) {
        node(op, "Where", in, {out});
        return success();
      })
      .Case([&](GatherOp o) {
        setInt(node(op, "Gather", in, {out}), "axis",
               static_cast<int64_t>(o.getAxis()));
        return success();
      })
      .Case([&](LayerNormOp o) -> LogicalResult {
        if (!o.getStatistics().empty())
          return op->emitError("cannot export to ONNX: a layer norm's "
                               "statistics outputs");
        onnx::NodeProto *n = node(op, "LayerNormalization", in, {out});
        setInt(n, "axis", static_cast<int64_t>(o.getAxis()));
        setFloat(n, "epsilon", o.getEpsilon().convertToFloat());
        return success();
      })
      .Case([&](BatchNormOp o) {
        setFloat(node(op, "BatchNormalization", in, {out}), "epsilon",
                 o.getEpsilon().convertToFloat());
        return success();
      })
      .Default([&](Operation *) {
        return op->emitError("cannot export to ONNX: no ONNX form for this op");
      });
}

/// Declares a graph input or output of `type` named `name`.
void declare(onnx::ValueInfoProto *info, StringRef name, Type type) {
  info->set_name(name.str());
  auto shaped = cast<RankedTensorType>(type);
  onnx::TypeProto_Tensor *t = info->mutable_type()->mutable_tensor_type();
  Type e = shaped.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(e))
    t->set_elem_type(q.isSigned() ? onnx::TensorProto::INT8
                                  : onnx::TensorProto::UINT8);
  else if (e.isInteger(1))
    t->set_elem_type(onnx::TensorProto::BOOL);
  else if (e.isInteger(64))
    t->set_elem_type(onnx::TensorProto::INT64);
  else if (e.isInteger(32))
    t->set_elem_type(onnx::TensorProto::INT32);
  else
    t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shaped.getShape())
    t->mutable_shape()->add_dim()->set_dim_value(d);
}

FailureOr<std::string> Exporter::run() {
  model.set_ir_version(8);
  model.set_producer_name("motec");
  onnx::OperatorSetIdProto *opset = model.add_opset_import();
  opset->set_domain("");
  // Opset 14 unless a layer norm needs 17 (LayerNormalization's first).
  bool layerNorm = !func.getBody().getOps<LayerNormOp>().empty();
  opset->set_version(layerNorm ? 17 : 14);
  graph->set_name(func.getSymName().str());
  for (BlockArgument arg : func.getArguments()) {
    auto n = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "mote.name");
    std::string name = n ? n.str() : fresh("input");
    names[arg] = name;
    declare(graph->add_input(), name, arg.getType());
  }
  for (Operation &op : func.getBody().front().without_terminator())
    if (failed(exportOp(&op)))
      return failure();
  auto returnOp = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [i, v] : llvm::enumerate(returnOp.getOperands())) {
    auto n = func.getResultAttrOfType<StringAttr>(i, "mote.name");
    std::string name = n ? n.str() : fresh("output");
    FailureOr<std::string> source = nameOf(returnOp, v);
    if (failed(source))
      return failure();
    // Outputs get their own names: an Identity joins them to the value.
    node(returnOp, "Identity", {*source}, {name});
    declare(graph->add_output(), name, v.getType());
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return func.emitError("cannot serialize the ONNX model");
  return bytes;
}

} // namespace

FailureOr<std::string> mote::exportONNXModel(ModuleOp module) {
  auto funcs = module.getOps<func::FuncOp>();
  if (std::distance(funcs.begin(), funcs.end()) != 1)
    return module.emitError("ONNX export expects exactly one function");
  return Exporter(*funcs.begin()).run();
}
