//===- ShapeOps.cpp - Import of ONNX shape and data-movement ops ----------===//
//
// Shape computations on constants (Shape, Gather, Concat, Unsqueeze of
// shapes, as exporters emit them) fold at import time; data movement on
// tensors becomes mote.reshape / transpose / concat / pad.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mote;
using namespace mote::onnx_import;

namespace {

/// Returns the values of a constant tensor whose element type is known to
/// be an integer type.
SmallVector<int64_t> intValues(DenseElementsAttr attr) {
  assert(isa<IntegerType>(attr.getElementType()) && "expected integers");
  SmallVector<int64_t> result;
  for (APInt v : attr.getValues<APInt>())
    result.push_back(v.getSExtValue());
  return result;
}

/// Sets output 0 to `input` reshaped to `shape`, folding constants.
LogicalResult setReshaped(NodeContext &ctx, ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  if (DenseElementsAttr constant = ctx.constantInput(0)) {
    if (constant.getNumElements() != count)
      return ctx.emitError() << "cannot reshape " << constant.getNumElements()
                             << " elements into " << count;
    ctx.setConstantOutput(0, constant.reshape(constant.getType().clone(shape)),
                          ctx.inputIsUnsigned(0));
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (type.getNumElements() != count)
    return ctx.emitError() << "cannot reshape " << type.getNumElements()
                           << " elements into " << count;
  if (isa<quant::UniformQuantizedPerAxisType>(type.getElementType()))
    return ctx.unsupported("reshape of a per-axis quantized tensor");
  ctx.setOutput(0, reshapeTo(ctx, *x, shape));
  return success();
}

/// Returns the shape of input 0, constant or not.
FailureOr<SmallVector<int64_t>> inputShape(NodeContext &ctx) {
  if (DenseElementsAttr constant = ctx.constantInput(0))
    return SmallVector<int64_t>(constant.getType().getShape());
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  return SmallVector<int64_t>(shapeOf(*x));
}

LogicalResult importReshape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> in = inputShape(ctx);
  FailureOr<SmallVector<int64_t>> shapeValues =
      ctx.requireIntConstant(1, "shape");
  FailureOr<int64_t> allowZero = ctx.getInt("allowzero", 0);
  if (failed(in) || failed(shapeValues) || failed(allowZero))
    return failure();
  SmallVector<int64_t> shape = *shapeValues;
  int64_t known = 1, inferred = -1, total = 1;
  for (int64_t d : *in)
    total *= d;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !*allowZero) {
      if (i >= in->size())
        return ctx.emitError()
               << "shape entry " << i << " copies a dimension the input lacks";
      d = (*in)[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return ctx.emitError() << "shape has more than one -1";
      inferred = i;
      continue;
    }
    if (d < 0 || d > kMaxElements)
      return ctx.emitError() << "invalid shape entry " << d;
    known *= d;
    if (known > kMaxElements)
      return ctx.emitError() << "shape has too many elements";
  }
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return ctx.emitError() << "cannot infer the -1 entry: " << total
                             << " elements do not divide by " << known;
    shape[inferred] = total / known;
  }
  return setReshaped(ctx, shape);
}

LogicalResult importFlatten(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> in = inputShape(ctx);
  FailureOr<int64_t> axis = ctx.getInt("axis", 1);
  if (failed(in) || failed(axis))
    return failure();
  int64_t rank = in->size();
  if (*axis < -rank || *axis > rank)
    return ctx.emitError() << "axis " << *axis << " is out of range";
  int64_t split = *axis < 0 ? *axis + rank : *axis;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < split ? outer : inner) *= (*in)[d];
  return setReshaped(ctx, {outer, inner});
}

/// Reads the axes of Squeeze / Unsqueeze: an attribute before opset 13, an
/// optional constant input since.
FailureOr<SmallVector<int64_t>> getAxes(NodeContext &ctx) {
  if (ctx.opset < 13)
    return ctx.getInts("axes", {});
  if (!ctx.hasInput(1))
    return SmallVector<int64_t>();
  return ctx.requireIntConstant(1, "axes");
}

LogicalResult importSqueeze(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> in = inputShape(ctx);
  FailureOr<SmallVector<int64_t>> axes = getAxes(ctx);
  if (failed(in) || failed(axes))
    return failure();
  int64_t rank = in->size();
  SmallVector<bool> drop(rank, false);
  if (axes->empty()) {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = (*in)[d] == 1;
  }
  for (int64_t axis : *axes) {
    FailureOr<int64_t> a = normalizeAxis(ctx, axis, rank);
    if (failed(a))
      return failure();
    if ((*in)[*a] != 1)
      return ctx.emitError()
             << "cannot squeeze dimension " << *a << " of extent " << (*in)[*a];
    drop[*a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      shape.push_back((*in)[d]);
  return setReshaped(ctx, shape);
}

LogicalResult importUnsqueeze(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> in = inputShape(ctx);
  FailureOr<SmallVector<int64_t>> axes = getAxes(ctx);
  if (failed(in) || failed(axes))
    return failure();
  int64_t rank = in->size() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : *axes) {
    FailureOr<int64_t> a = normalizeAxis(ctx, axis, rank);
    if (failed(a))
      return failure();
    if (inserted[*a])
      return ctx.emitError() << "axis " << axis << " is repeated";
    inserted[*a] = true;
  }
  SmallVector<int64_t> shape;
  unsigned next = 0;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(inserted[d] ? 1 : (*in)[next++]);
  return setReshaped(ctx, shape);
}

/// Folds a strided view of the constant `constant` into output 0: element
/// `index` of the result (of `shape`) is the input's element at
/// `offset + sum(index[d] * strides[d])` (row-major positions). A transpose
/// and a slice of constant data are both such views.
void setStridedConstant(NodeContext &ctx, DenseElementsAttr constant,
                        ArrayRef<int64_t> shape, int64_t offset,
                        ArrayRef<int64_t> strides) {
  SmallVector<Attribute> values(constant.getValues<Attribute>()), result;
  int64_t rank = shape.size(), count = 1;
  for (int64_t d : shape)
    count *= d;
  SmallVector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t at = offset;
    for (int64_t d = 0; d < rank; ++d)
      at += index[d] * strides[d];
    result.push_back(values[at]);
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == shape[d]; --d)
      index[d] = 0;
  }
  ctx.setConstantOutput(
      0, DenseElementsAttr::get(constant.getType().clone(shape), result),
      ctx.inputIsUnsigned(0));
}

/// The row-major strides of `shape`.
SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

LogicalResult importTranspose(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = shapeOf(*x).size();
  SmallVector<int64_t> reversed;
  for (int64_t d = rank - 1; d >= 0; --d)
    reversed.push_back(d);
  FailureOr<SmallVector<int64_t>> perm = ctx.getInts("perm", reversed);
  if (failed(perm))
    return failure();
  SmallVector<int64_t> shape;
  if (failed(inferTransposeShape(ctx.errorFn(), shapeOf(*x), *perm, shape)))
    return failure();
  if (isa_and_nonnull<quant::UniformQuantizedPerAxisType>(
          getQuantType(x->getType())))
    return ctx.unsupported("transpose of a per-axis quantized tensor");
  if (DenseElementsAttr constant = ctx.constantInput(0)) {
    // Folded: a shape computation (PyTorch's pads of `F.pad`).
    SmallVector<int64_t> in = rowMajorStrides(constant.getType().getShape());
    SmallVector<int64_t> strides;
    for (int64_t p : *perm)
      strides.push_back(in[p]);
    setStridedConstant(ctx, constant, shape, 0, strides);
    return success();
  }
  ctx.setOutput(0, ctx.create<TransposeOp>(
                       tensorOf(shape, getElementTypeOrSelf(x->getType())), *x,
                       ctx.builder().getDenseI64ArrayAttr(*perm)));
  return success();
}

LogicalResult importConcat(NodeContext &ctx) {
  FailureOr<int64_t> axis = ctx.getInt("axis", 0);
  if (failed(axis))
    return failure();
  unsigned count = ctx.node.input_size();
  if (count == 0)
    return ctx.emitError() << "expects at least one input";
  // Concatenation of constant 1-D integer tensors: a shape computation.
  SmallVector<DenseElementsAttr> constants;
  for (unsigned i = 0; i < count; ++i)
    if (DenseElementsAttr c = ctx.constantInput(i))
      if (c.getType().getRank() == 1 && c.getElementType().isInteger(64))
        constants.push_back(c);
  if (constants.size() == count) {
    SmallVector<int64_t> values;
    for (DenseElementsAttr c : constants)
      llvm::append_range(values, intValues(c));
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      ctx.builder().getI64Type());
    ctx.setConstantOutput(0, DenseElementsAttr::get(type, ArrayRef(values)));
    return success();
  }
  SmallVector<Value> inputs;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (unsigned i = 0; i < count; ++i) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    if (!getElementTypeOrSelf(v->getType()).isF32())
      return ctx.unsupported("concatenation of non-float tensors");
    inputs.push_back(*v);
    shapes.push_back(shapeOf(*v));
  }
  FailureOr<int64_t> a =
      normalizeAxis(ctx, *axis, static_cast<int64_t>(shapes[0].size()));
  SmallVector<int64_t> shape;
  if (failed(a) || failed(inferConcatShape(ctx.errorFn(), shapes, *a, shape)))
    return failure();
  ctx.setOutput(
      0, ctx.create<ConcatOp>(tensorOf(shape, ctx.builder().getF32Type()),
                              inputs, ctx.builder().getI64IntegerAttr(*a)));
  return success();
}

LogicalResult importPad(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<std::string> mode = ctx.getString("mode", "constant");
  FailureOr<SmallVector<int64_t>> padValues = ctx.requireIntConstant(1, "pads");
  if (failed(x) || failed(mode) || failed(padValues))
    return failure();
  if (!getElementTypeOrSelf(x->getType()).isF32())
    return ctx.unsupported("padding of non-float tensors");
  if (*mode != "constant" && *mode != "reflect" && *mode != "edge")
    return ctx.unsupported("pad mode '" + *mode + "'");
  int64_t rank = shapeOf(*x).size();
  SmallVector<int64_t> given = *padValues;
  SmallVector<int64_t> pads(2 * rank, 0);
  if (ctx.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> axesValues =
        ctx.requireIntConstant(3, "axes");
    if (failed(axesValues))
      return failure();
    SmallVector<int64_t> axes = *axesValues;
    if (given.size() != 2 * axes.size())
      return ctx.emitError() << "expects " << 2 * axes.size() << " pads";
    for (auto [i, axis] : llvm::enumerate(axes)) {
      FailureOr<int64_t> a = normalizeAxis(ctx, axis, rank);
      if (failed(a))
        return failure();
      pads[*a] = given[i];
      pads[*a + rank] = given[i + axes.size()];
    }
  } else {
    if (static_cast<int64_t>(given.size()) != 2 * rank)
      return ctx.emitError()
             << "expects " << 2 * rank << " pads, got " << given.size();
    pads = given;
  }
  for (int64_t p : pads)
    if (p < 0)
      return ctx.unsupported("negative pads (cropping)");
    else if (p > kMaxAttrMagnitude)
      return ctx.emitError() << "pad " << p << " is out of range";
  float value = 0.0f;
  if (ctx.hasInput(2)) {
    FailureOr<DenseElementsAttr> v = ctx.requireConstant(2, "constant_value");
    if (failed(v))
      return failure();
    if (v->getNumElements() != 1 || !v->getElementType().isF32())
      return ctx.emitError() << "constant_value must be a float scalar";
    value = *v->getValues<float>().begin();
  }
  SmallVector<int64_t> shape;
  if (failed(inferPadShape(ctx.errorFn(), shapeOf(*x), pads, shape)))
    return failure();
  if (*mode == "reflect")
    for (int64_t d = 0; d < rank; ++d)
      if (pads[d] >= shapeOf(*x)[d] || pads[d + rank] >= shapeOf(*x)[d])
        return ctx.unsupported("reflect padding as large as dimension " +
                               Twine(d));
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, ctx.create<PadOp>(tensorOf(shape, b.getF32Type()), *x,
                                     b.getDenseI64ArrayAttr(pads),
                                     b.getStringAttr(*mode),
                                     b.getF32FloatAttr(value)));
  return success();
}

LogicalResult importShape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> in = inputShape(ctx);
  FailureOr<int64_t> start = ctx.getInt("start", 0);
  int64_t rank = succeeded(in) ? static_cast<int64_t>(in->size()) : 0;
  FailureOr<int64_t> end = ctx.getInt("end", rank);
  if (failed(in) || failed(start) || failed(end))
    return failure();
  auto clampIndex = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t s = clampIndex(*start), e = clampIndex(*end);
  SmallVector<int64_t> dims(in->begin() + s, in->begin() + std::max(s, e));
  auto type = RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                    ctx.builder().getI64Type());
  ctx.setConstantOutput(0, DenseElementsAttr::get(type, ArrayRef(dims)));
  return success();
}

/// The tensor of a node's `value` attribute (Constant, ConstantOfShape).
FailureOr<DenseElementsAttr> valueTensor(NodeContext &ctx,
                                         const onnx::AttributeProto &value) {
  if (value.type() != onnx::AttributeProto::TENSOR)
    return ctx.emitError() << "attribute 'value' must be a tensor";
  return convertTensor(value.t(), ctx.getContext(), ctx.errorFn());
}

LogicalResult importConstant(NodeContext &ctx) {
  OpBuilder &b = ctx.builder();
  if (const onnx::AttributeProto *value = ctx.getAttr("value")) {
    FailureOr<DenseElementsAttr> attr = valueTensor(ctx, *value);
    if (failed(attr))
      return failure();
    ctx.setConstantOutput(0, *attr,
                          value->t().data_type() == onnx::TensorProto::UINT8);
    return success();
  }
  if (const onnx::AttributeProto *f = ctx.getAttr("value_float")) {
    auto type = RankedTensorType::get({}, b.getF32Type());
    ctx.setConstantOutput(0, DenseElementsAttr::get(type, f->f()));
    return success();
  }
  if (const onnx::AttributeProto *fs = ctx.getAttr("value_floats")) {
    SmallVector<float> values(fs->floats().begin(), fs->floats().end());
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      b.getF32Type());
    ctx.setConstantOutput(0, DenseElementsAttr::get(type, ArrayRef(values)));
    return success();
  }
  if (const onnx::AttributeProto *i = ctx.getAttr("value_int")) {
    auto type = RankedTensorType::get({}, b.getI64Type());
    ctx.setConstantOutput(0, DenseElementsAttr::get(type, int64_t(i->i())));
    return success();
  }
  if (const onnx::AttributeProto *is = ctx.getAttr("value_ints")) {
    SmallVector<int64_t> values(is->ints().begin(), is->ints().end());
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      b.getI64Type());
    ctx.setConstantOutput(0, DenseElementsAttr::get(type, ArrayRef(values)));
    return success();
  }
  return ctx.unsupported("Constant without a tensor, float(s) or int(s) value");
}

/// ConstantOfShape of a constant shape (PyTorch's export of `F.pad` builds
/// its pads with one): a constant tensor filled with `value` (float 0 by
/// default), folded like the other shape computations.
LogicalResult importConstantOfShape(NodeContext &ctx) {
  DenseElementsAttr shape = ctx.constantInput(0);
  if (!shape)
    return ctx.unsupported("ConstantOfShape of a shape computed at run time");
  if (!shape.getElementType().isInteger(64) ||
      cast<ShapedType>(shape.getType()).getRank() != 1)
    return ctx.emitError() << "input 'input' must be a 1-D int64 shape";
  SmallVector<int64_t> dims;
  int64_t count = 1;
  for (const APInt &d : shape.getValues<APInt>()) {
    int64_t v = d.getSExtValue();
    if (v < 0 || v > kMaxElements ||
        (count *= std::max<int64_t>(v, 1)) > kMaxElements)
      return ctx.emitError() << "shape dimension " << v << " is invalid";
    dims.push_back(v);
  }
  DenseElementsAttr fill = DenseElementsAttr::get(
      RankedTensorType::get({1}, ctx.builder().getF32Type()), 0.0f);
  if (const onnx::AttributeProto *value = ctx.getAttr("value")) {
    FailureOr<DenseElementsAttr> attr = valueTensor(ctx, *value);
    if (failed(attr))
      return failure();
    if (attr->getNumElements() != 1)
      return ctx.emitError() << "attribute 'value' must hold one element";
    fill = *attr;
  }
  auto type = RankedTensorType::get(dims, fill.getElementType());
  ctx.setConstantOutput(
      0, DenseElementsAttr::get(type, *fill.value_begin<Attribute>()));
  return success();
}

/// Cast: folded for a constant (the int64 pads PyTorch's `F.pad` export
/// computes), an identity for a tensor already of the target type. Float
/// to integer truncates toward zero, as NumPy's astype does; uint8 is not
/// a target.
LogicalResult importCast(NodeContext &ctx) {
  FailureOr<int64_t> to = ctx.getInt("to", -1);
  if (failed(to))
    return failure();
  Type target = *to == onnx::TensorProto::UINT8
                    ? Type()
                    : convertElementType(*to, ctx.getContext());
  if (!target)
    return ctx.unsupported("Cast to " + onnxTypeName(*to));
  if (DenseElementsAttr constant = ctx.constantInput(0)) {
    if (ctx.inputIsUnsigned(0))
      return ctx.unsupported("Cast of a uint8 constant");
    Type from = constant.getElementType();
    SmallVector<Attribute> values;
    for (Attribute a : constant.getValues<Attribute>()) {
      double real =
          isa<FloatType>(from)
              ? cast<FloatAttr>(a).getValueAsDouble()
              : static_cast<double>(
                    from.isInteger(1)
                        ? cast<IntegerAttr>(a).getValue().getZExtValue()
                        : cast<IntegerAttr>(a).getInt());
      if (isa<FloatType>(target)) {
        values.push_back(FloatAttr::get(target, static_cast<float>(real)));
        continue;
      }
      unsigned bits = target.getIntOrFloatBitWidth();
      double t = bits == 1 ? (real != 0.0) : std::trunc(real);
      if (!(std::fabs(t) < std::ldexp(1.0, bits == 1 ? 1 : bits - 1)))
        return ctx.emitError()
               << "constant " << real << " does not fit " << target;
      values.push_back(IntegerAttr::get(target, static_cast<int64_t>(t)));
    }
    ctx.setConstantOutput(
        0, DenseElementsAttr::get(constant.getType().clone(target), values));
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  if (getElementTypeOrSelf(x->getType()) != target || ctx.inputIsUnsigned(0))
    return ctx.unsupported("Cast of a tensor computed at run time to another "
                           "element type");
  ctx.setOutput(0, *x);
  return success();
}

/// Gather with indices computed at run time (token ids of an integer model
/// input): `mote.gather`, which copies rows of any element type.
LogicalResult importGatherByTensor(NodeContext &ctx, int64_t axisAttr) {
  FailureOr<Value> data = ctx.input(0);
  FailureOr<Value> indices = ctx.input(1);
  if (failed(data) || failed(indices))
    return failure();
  auto indexType = cast<RankedTensorType>(indices->getType());
  if (!indexType.getElementType().isInteger(32) &&
      !indexType.getElementType().isInteger(64))
    return ctx.emitError() << "indices must be int32 or int64, not "
                           << indexType.getElementType();
  ArrayRef<int64_t> in = shapeOf(*data);
  FailureOr<int64_t> axis = normalizeAxis(ctx, axisAttr, in.size());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(in.take_front(*axis));
  llvm::append_range(shape, indexType.getShape());
  llvm::append_range(shape, in.drop_front(*axis + 1));
  Value result = ctx.create<GatherOp>(
      tensorOf(shape, getElementTypeOrSelf(data->getType())), *data, *indices,
      ctx.builder().getI64IntegerAttr(*axis));
  ctx.setOutput(0, result, ctx.inputIsUnsigned(0));
  return success();
}

/// Gather with constant indices. Constant 1-D data (shape arithmetic) is
/// folded. A tensor gathers by slices along `axis`: one strided slice when
/// the (flattened) indices step evenly (x[:, -1], x[:, ::2]), else one
/// slice per index and a concat; a reshape then puts the indices' shape in
/// place of the axis (a scalar index drops it).
LogicalResult importGather(NodeContext &ctx) {
  DenseElementsAttr data = ctx.constantInput(0);
  DenseElementsAttr indices = ctx.constantInput(1);
  FailureOr<int64_t> axisAttr = ctx.getInt("axis", 0);
  if (failed(axisAttr))
    return failure();
  if (!indices)
    return importGatherByTensor(ctx, *axisAttr);
  if (!isa<IntegerType>(indices.getElementType()))
    return ctx.emitError() << "indices must be integers";
  if (data && data.getType().getRank() == 1 &&
      (*axisAttr == 0 || *axisAttr == -1)) {
    SmallVector<Attribute> values(data.getValues<Attribute>());
    SmallVector<Attribute> result;
    int64_t n = values.size();
    for (int64_t index : intValues(indices)) {
      if (index < -n || index >= n)
        return ctx.emitError() << "index " << index << " is out of range";
      result.push_back(values[index < 0 ? index + n : index]);
    }
    auto type = data.getType().clone(indices.getType().getShape());
    ctx.setConstantOutput(0, DenseElementsAttr::get(type, result),
                          ctx.inputIsUnsigned(0));
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  FailureOr<int64_t> axis = normalizeAxis(ctx, *axisAttr, in.size());
  if (failed(axis))
    return failure();
  int64_t n = in[*axis];
  SmallVector<int64_t> picks;
  for (int64_t index : intValues(indices)) {
    if (index < -n || index >= n)
      return ctx.emitError() << "index " << index << " is out of range [" << -n
                             << ", " << n << ")";
    picks.push_back(index < 0 ? index + n : index);
  }
  if (picks.empty())
    return ctx.unsupported("Gather of no indices");
  Type element = getElementTypeOrSelf(x->getType());
  OpBuilder &b = ctx.builder();
  auto slice = [&](int64_t start, int64_t count, int64_t step) -> Value {
    SmallVector<int64_t> begin(in.size(), 0), steps(in.size(), 1), shape(in);
    begin[*axis] = start;
    steps[*axis] = step;
    shape[*axis] = count;
    return ctx.create<SliceOp>(tensorOf(shape, element), *x,
                               b.getDenseI64ArrayAttr(begin),
                               b.getDenseI64ArrayAttr(steps));
  };
  int64_t step = picks.size() > 1 ? picks[1] - picks[0] : 1;
  bool even = step > 0;
  for (size_t i = 1; i < picks.size() && even; ++i)
    even = picks[i] - picks[i - 1] == step;
  Value result;
  if (even) {
    result = slice(picks[0], picks.size(), step);
  } else {
    SmallVector<Value> parts;
    for (int64_t p : picks)
      parts.push_back(slice(p, 1, 1));
    SmallVector<int64_t> shape(in);
    shape[*axis] = picks.size();
    result = ctx.create<ConcatOp>(tensorOf(shape, element), parts,
                                  b.getI64IntegerAttr(*axis));
  }
  // The result's shape: the indices' shape in place of the axis.
  SmallVector<int64_t> shape(in.take_front(*axis));
  llvm::append_range(shape, indices.getType().getShape());
  llvm::append_range(shape, in.drop_front(*axis + 1));
  ctx.setOutput(0, reshapeTo(ctx, result, shape), ctx.inputIsUnsigned(0));
  return success();
}

/// The shape `in` broadcasts to against the `target` of an Expand (numpy
/// rules, both right-aligned), with `in` padded to its rank in `padded`.
FailureOr<SmallVector<int64_t>> expandShape(NodeContext &ctx,
                                            ArrayRef<int64_t> in,
                                            ArrayRef<int64_t> target,
                                            SmallVector<int64_t> &padded) {
  size_t rank = std::max(in.size(), target.size());
  SmallVector<int64_t> t(rank - target.size(), 1);
  padded.assign(rank - in.size(), 1);
  llvm::append_range(padded, in);
  llvm::append_range(t, target);
  SmallVector<int64_t> out(rank);
  int64_t count = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (padded[d] != t[d] && padded[d] != 1 && t[d] != 1)
      return ctx.emitError()
             << "shape dimension " << d << " (" << t[d]
             << ") does not broadcast with the input's (" << padded[d] << ")";
    if (t[d] < 0)
      return ctx.emitError() << "shape has a negative dimension";
    out[d] = std::max(padded[d], t[d]);
    count *= out[d];
    if (count > (int64_t(1) << 24))
      return ctx.unsupported("Expand to more than 2^24 elements");
  }
  return out;
}

/// Expand (numpy broadcasting to a constant shape). A constant is folded
/// (PyTorch's zero initial states of recurrent layers); a tensor is
/// repeated along each broadcast axis by a concat of copies, exact for
/// float and int8 alike.
LogicalResult importExpand(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> target = ctx.requireIntConstant(1, "shape");
  if (failed(target))
    return failure();
  DenseElementsAttr data = ctx.constantInput(0);
  if (data) {
    SmallVector<int64_t> a;
    FailureOr<SmallVector<int64_t>> out =
        expandShape(ctx, data.getType().getShape(), *target, a);
    if (failed(out))
      return failure();
    int64_t count = 1, rank = out->size();
    for (int64_t d : *out)
      count *= d;
    if (count > (int64_t(1) << 20))
      return ctx.unsupported("Expand of a constant to more than 2^20 "
                             "elements");
    SmallVector<Attribute> values(data.getValues<Attribute>()), result;
    result.reserve(count);
    for (int64_t i = 0; i < count; ++i) {
      int64_t rest = i, src = 0, stride = 1;
      for (int64_t d = rank - 1; d >= 0; --d) {
        int64_t coord = rest % (*out)[d];
        rest /= (*out)[d];
        src += (a[d] == 1 ? 0 : coord) * stride;
        stride *= a[d];
      }
      result.push_back(values[src]);
    }
    ctx.setConstantOutput(
        0, DenseElementsAttr::get(data.getType().clone(*out), result),
        ctx.inputIsUnsigned(0));
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> shape;
  FailureOr<SmallVector<int64_t>> out =
      expandShape(ctx, shapeOf(*x), *target, shape);
  if (failed(out))
    return failure();
  Value v = reshapeTo(ctx, *x, shape);
  Type element = getElementTypeOrSelf(x->getType());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == (*out)[d])
      continue;
    if ((*out)[d] > 4096)
      return ctx.unsupported("Expand of a tensor by more than 4096 copies "
                             "along an axis");
    shape[d] = (*out)[d];
    SmallVector<Value> copies((*out)[d], v);
    v = ctx.create<ConcatOp>(tensorOf(shape, element), copies,
                             ctx.builder().getI64IntegerAttr(d));
  }
  ctx.setOutput(0, v, ctx.inputIsUnsigned(0));
  return success();
}

/// Slice with constant starts / ends / axes / steps. Constant 1-D data
/// (shape arithmetic) is folded; tensors become mote.slice with one start
/// and step per dimension.
LogicalResult importSlice(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> in = inputShape(ctx);
  FailureOr<SmallVector<int64_t>> starts = ctx.requireIntConstant(1, "starts");
  FailureOr<SmallVector<int64_t>> ends = ctx.requireIntConstant(2, "ends");
  if (failed(in) || failed(starts) || failed(ends))
    return failure();
  int64_t rank = in->size();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (ctx.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> a = ctx.requireIntConstant(3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (int64_t i = 0; i < static_cast<int64_t>(starts->size()); ++i)
      axes.push_back(i);
  }
  if (ctx.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> s = ctx.requireIntConstant(4, "steps");
    if (failed(s))
      return failure();
    steps = *s;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return ctx.emitError() << "starts, ends, axes and steps differ in length";
  SmallVector<int64_t> begin(rank, 0), step(rank, 1), shape(*in);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, axes[i], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return ctx.emitError() << "axis " << *axis << " is sliced twice";
    seen[*axis] = true;
    int64_t dim = (*in)[*axis];
    if (steps[i] == 0)
      return ctx.emitError() << "step of axis " << *axis << " is 0";
    // ONNX clamps starts and ends into the axis: [0, dim] going forwards,
    // [-1, dim - 1] going backwards (so a backward end can reach index 0).
    int64_t s = (*starts)[i], e = (*ends)[i];
    s = s < 0 ? s + dim : s;
    e = e < 0 ? e + dim : e;
    int64_t extent;
    if (steps[i] > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      extent = e > s ? (e - s - 1) / steps[i] + 1 : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      extent = s > e ? (s - e - 1) / -steps[i] + 1 : 0;
    }
    if (extent == 0)
      return ctx.unsupported("empty slice of axis " + Twine(*axis) +
                             " (a result of extent 0)");
    begin[*axis] = s;
    step[*axis] = steps[i];
    shape[*axis] = extent;
  }
  if (DenseElementsAttr constant = ctx.constantInput(0)) {
    // Folded (shape computations such as PyTorch's pads, reversed by a
    // Slice of step -1).
    SmallVector<int64_t> in = rowMajorStrides(constant.getType().getShape());
    SmallVector<int64_t> strides;
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d) {
      offset += begin[d] * in[d];
      strides.push_back(step[d] * in[d]);
    }
    setStridedConstant(ctx, constant, shape, offset, strides);
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, ctx.create<SliceOp>(
                       tensorOf(shape, getElementTypeOrSelf(x->getType())), *x,
                       b.getDenseI64ArrayAttr(begin),
                       b.getDenseI64ArrayAttr(step)));
  return success();
}

/// Resize (opset 11 on; Upsample and opset-10 Resize arrive upgraded) of
/// the spatial axes of an NCHW tensor, nearest or linear.
LogicalResult importResize(NodeContext &ctx) {
  FailureOr<std::string> mode = ctx.getString("mode", "nearest");
  FailureOr<std::string> coordinates =
      ctx.getString("coordinate_transformation_mode", "half_pixel");
  FailureOr<std::string> nearest =
      ctx.getString("nearest_mode", "round_prefer_floor");
  FailureOr<int64_t> antialias = ctx.getInt("antialias", 0);
  FailureOr<std::string> policy =
      ctx.getString("keep_aspect_ratio_policy", "stretch");
  FailureOr<float> cubicA = ctx.getFloat("cubic_coeff_a", -0.75f);
  FailureOr<int64_t> excludeOutside = ctx.getInt("exclude_outside", 0);
  if (failed(mode) || failed(coordinates) || failed(nearest) ||
      failed(antialias) || failed(policy) || failed(cubicA) ||
      failed(excludeOutside))
    return failure();
  if (*mode != "nearest" && *mode != "linear" && *mode != "cubic")
    return ctx.emitError() << "unknown mode '" << *mode
                           << "' (nearest, linear or cubic)";
  if (!std::isfinite(*cubicA))
    return ctx.emitError() << "cubic_coeff_a must be finite";
  if (*excludeOutside != 0 && *excludeOutside != 1)
    return ctx.emitError() << "exclude_outside must be 0 or 1, got "
                           << *excludeOutside;
  if (*coordinates == "tf_crop_and_resize")
    return ctx.unsupported("coordinate_transformation_mode "
                           "'tf_crop_and_resize'");
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_half_pixel_for_nn"},
                          *coordinates))
    return ctx.emitError() << "unknown coordinate_transformation_mode '"
                           << *coordinates << "'";
  if (!llvm::is_contained(
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
          *nearest))
    return ctx.emitError() << "unknown nearest_mode '" << *nearest << "'";
  if (*antialias != 0)
    return ctx.unsupported("antialias");
  if (*policy != "stretch")
    return ctx.unsupported("keep_aspect_ratio_policy '" + *policy + "'");
  if (ctx.getAttr("axes"))
    return ctx.unsupported("the axes attribute");
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  if (in.size() != 4)
    return ctx.unsupported("resizing a tensor of rank " + Twine(in.size()) +
                           " (only 4-D NCHW)");
  SmallVector<int64_t> shape(in);
  SmallVector<float> scales;
  if (ctx.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> sizes = ctx.requireIntConstant(3, "sizes");
    if (failed(sizes))
      return failure();
    if (sizes->size() != 4)
      return ctx.emitError() << "expects 4 sizes, got " << sizes->size();
    for (int i = 0; i < 4; ++i) {
      if ((*sizes)[i] < 1 || (*sizes)[i] > kMaxAttrMagnitude)
        return ctx.emitError() << "size " << (*sizes)[i] << " of axis " << i
                               << " is out of range";
      shape[i] = (*sizes)[i];
    }
    for (int i = 2; i < 4; ++i)
      scales.push_back(static_cast<float>(shape[i]) /
                       static_cast<float>(in[i]));
  } else {
    FailureOr<DenseElementsAttr> given = ctx.requireConstant(2, "scales");
    if (failed(given))
      return failure();
    if (!given->getElementType().isF32() || given->getNumElements() != 4)
      return ctx.emitError() << "expects 4 float scales";
    SmallVector<float> values(given->getValues<float>());
    for (int i = 0; i < 4; ++i) {
      if (!(values[i] > 0.0f) || values[i] * in[i] > kMaxAttrMagnitude)
        return ctx.emitError() << "scale " << values[i] << " of axis " << i
                               << " is out of range";
      shape[i] = static_cast<int64_t>(values[i] * static_cast<float>(in[i]));
      if (shape[i] < 1)
        return ctx.unsupported("a resize to an empty axis " + Twine(i));
    }
    scales = {values[2], values[3]};
  }
  if (shape[0] != in[0] || shape[1] != in[1])
    return ctx.unsupported("resizing the batch or channel axis");
  if (*mode == "nearest" || in[2] == shape[2] && in[3] == shape[3]) {
    // Nearest (and an identity resize) copies elements: any element type.
  } else if (!getElementTypeOrSelf(x->getType()).isF32() &&
             !getQuantType(x->getType())) {
    return ctx.unsupported(*mode + " resize of " +
                           typeName(getElementTypeOrSelf(x->getType())));
  }
  // ONNX's converter turns Upsample-9 and Resize-10 into Resize-11 with
  // the default attributes; those ops mapped coordinates asymmetrically
  // and took the nearest element by flooring when enlarging and by
  // ceiling when shrinking (as ONNX Runtime runs them).
  if (ctx.upgradedFrom && ctx.upgradedFrom < 11) {
    *coordinates = "asymmetric";
    bool up = scales[0] >= 1.0f && scales[1] >= 1.0f;
    bool down = scales[0] <= 1.0f && scales[1] <= 1.0f;
    if (!up && !down)
      return ctx.unsupported("an opset-" + Twine(ctx.upgradedFrom) +
                             " resize that enlarges one axis and shrinks "
                             "the other");
    *nearest = up ? "floor" : "ceil";
  }
  OpBuilder &b = ctx.builder();
  Value y = ctx.create<ResizeOp>(
      tensorOf(shape, getElementTypeOrSelf(x->getType())), *x,
      b.getDenseF32ArrayAttr(scales), b.getStringAttr(*mode),
      b.getStringAttr(*coordinates), b.getStringAttr(*nearest),
      b.getF32FloatAttr(*cubicA), b.getBoolAttr(*excludeOutside != 0));
  ctx.setOutput(0, y, ctx.inputIsUnsigned(0));
  return success();
}

/// Split: one mote.slice per output. Sizes from the `split` input (opset
/// 13 on) or attribute (before), else equal parts (the last one smaller
/// from opset 18, whose `num_outputs` gives the count).
LogicalResult importSplit(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> in = inputShape(ctx);
  FailureOr<int64_t> axisAttr = ctx.getInt("axis", 0);
  if (failed(in) || failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = normalizeAxis(ctx, *axisAttr, in->size());
  if (failed(axis))
    return failure();
  int64_t dim = (*in)[*axis];
  int64_t outputs = ctx.node.output_size();
  SmallVector<int64_t> sizes;
  if (ctx.opset >= 13 && ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> split = ctx.requireIntConstant(1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (ctx.opset < 13 && ctx.getAttr("split")) {
    FailureOr<SmallVector<int64_t>> split = ctx.getInts("split", {});
    if (failed(split))
      return failure();
    sizes = *split;
  } else {
    FailureOr<int64_t> parts = ctx.getInt("num_outputs", outputs);
    if (failed(parts))
      return failure();
    if (*parts != outputs || outputs < 1)
      return ctx.emitError() << "num_outputs " << *parts << " but the node has "
                             << outputs << " outputs";
    int64_t part = (dim + outputs - 1) / outputs;
    if (ctx.opset < 18 && dim % outputs != 0)
      return ctx.emitError()
             << "axis " << *axis << " of extent " << dim
             << " does not split into " << outputs << " equal parts";
    for (int64_t i = 0; i < outputs; ++i)
      sizes.push_back(std::min(part, dim - i * part));
  }
  if (static_cast<int64_t>(sizes.size()) != outputs)
    return ctx.emitError() << sizes.size() << " split sizes for " << outputs
                           << " outputs";
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 1)
      return ctx.unsupported("an empty part of axis " + Twine(*axis));
    // Sizes past the axis cannot add up to it (and could overflow).
    if (size > dim - total)
      return ctx.emitError()
             << "split sizes exceed axis " << *axis << " of extent " << dim;
    total += size;
  }
  if (total != dim)
    return ctx.emitError() << "split sizes add up to " << total << ", axis "
                           << *axis << " has " << dim;
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  OpBuilder &b = ctx.builder();
  SmallVector<int64_t> begin(in->size(), 0), step(in->size(), 1), shape(*in);
  for (int64_t i = 0; i < outputs; ++i) {
    shape[*axis] = sizes[i];
    ctx.setOutput(
        i,
        ctx.create<SliceOp>(tensorOf(shape, getElementTypeOrSelf(x->getType())),
                            *x, b.getDenseI64ArrayAttr(begin),
                            b.getDenseI64ArrayAttr(step)),
        ctx.inputIsUnsigned(0));
    begin[*axis] += sizes[i];
  }
  return success();
}

/// ReduceMean over the two spatial axes of an NCHW tensor: global average
/// pooling (reshaped when keepdims is 0). Other reductions are unsupported.
/// ReduceMean, ReduceMax, ReduceMin and ReduceSum over any axes. A mean
/// over the spatial axes of a 4-D float tensor is global average pooling;
/// a sum is a mean times the count.
LogicalResult importReduce(NodeContext &ctx) {
  StringRef op = ctx.node.op_type();
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> keepDims = ctx.getInt("keepdims", 1);
  FailureOr<int64_t> noop = ctx.getInt("noop_with_empty_axes", 0);
  if (failed(x) || failed(keepDims) || failed(noop))
    return failure();
  // The axes are an input from opset 18 (ReduceSum: 13), before an
  // attribute.
  SmallVector<int64_t> axes;
  if (ctx.opset >= (op == "ReduceSum" ? 13 : 18)) {
    if (ctx.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> a = ctx.requireIntConstant(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else {
    FailureOr<SmallVector<int64_t>> a = ctx.getInts("axes", {});
    if (failed(a))
      return failure();
    axes = *a;
  }
  ArrayRef<int64_t> in = shapeOf(*x);
  int64_t rank = in.size();
  if (axes.empty()) {
    if (*noop) {
      ctx.setOutput(0, *x, ctx.inputIsUnsigned(0));
      return success();
    }
    for (int64_t a = 0; a < rank; ++a)
      axes.push_back(a);
  }
  for (int64_t &a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, a, rank);
    if (failed(axis))
      return failure();
    a = *axis;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return ctx.emitError() << "an axis is reduced twice";
  Type element = getElementTypeOrSelf(x->getType());
  if (!element.isF32() && !getQuantType(x->getType()))
    return ctx.unsupported(op + " of " + typeName(element));
  if (op == "ReduceSum" && !element.isF32())
    return ctx.unsupported("ReduceSum of a quantized tensor");
  SmallVector<int64_t> kept(in), dropped;
  int64_t count = 1;
  for (int64_t a : axes) {
    kept[a] = 1;
    count *= in[a];
  }
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      dropped.push_back(in[d]);
  OpBuilder &b = ctx.builder();
  Value y;
  if ((op == "ReduceMean" || op == "ReduceSum") && rank == 4 &&
      axes == SmallVector<int64_t>{2, 3} && element.isF32()) {
    y = ctx.create<GlobalAvgPoolOp>(tensorOf(kept, element), *x);
  } else {
    StringRef kind = op == "ReduceMax"   ? "max"
                     : op == "ReduceMin" ? "min"
                                         : "mean";
    y = ctx.create<ReduceOp>(tensorOf(kept, element), *x,
                             b.getDenseI64ArrayAttr(axes),
                             b.getStringAttr(kind));
  }
  if (op == "ReduceSum") {
    auto scalar = RankedTensorType::get({}, b.getF32Type());
    Value n = ctx.create<arith::ConstantOp>(cast<TypedAttr>(
        DenseElementsAttr::get(scalar, static_cast<float>(count))));
    y = ctx.create<MulOp>(tensorOf(kept, element), y, n, FloatAttr(),
                          FloatAttr());
  }
  ctx.setOutput(0, *keepDims ? y : reshapeTo(ctx, y, dropped),
                ctx.inputIsUnsigned(0));
  return success();
}

} // namespace

void mote::onnx_import::registerShapeOps(HandlerMap &handlers) {
  handlers["Reshape"] = importReshape;
  handlers["Flatten"] = importFlatten;
  handlers["Squeeze"] = importSqueeze;
  handlers["Unsqueeze"] = importUnsqueeze;
  handlers["Transpose"] = importTranspose;
  handlers["Concat"] = importConcat;
  handlers["Pad"] = importPad;
  handlers["Shape"] = importShape;
  handlers["Constant"] = importConstant;
  handlers["ConstantOfShape"] = importConstantOfShape;
  handlers["Cast"] = importCast;
  handlers["Gather"] = importGather;
  handlers["Expand"] = importExpand;
  handlers["Slice"] = importSlice;
  handlers["Split"] = importSplit;
  handlers["Resize"] = importResize;
  for (StringRef op : {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum"})
    handlers[op] = importReduce;
}
