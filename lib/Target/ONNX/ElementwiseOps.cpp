//===- ElementwiseOps.cpp - Import of ONNX element-wise ops ---------------===//

#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

#include <limits>

using namespace mlir;
using namespace mote;
using namespace mote::onnx_import;

namespace {

/// Checks that `value` is a float tensor, the only kind these ops import.
LogicalResult requireFloat(NodeContext &ctx, Value value) {
  if (getElementTypeOrSelf(value.getType()).isF32())
    return success();
  return ctx.unsupported("element type " +
                         typeName(getElementTypeOrSelf(value.getType())) +
                         " (expected float)");
}

/// Folds an element-wise op of two integer constants (shape arithmetic,
/// which exported models compute from Shape): `fn` maps each pair, a
/// scalar (one element) broadcast against a tensor, to an element of
/// `resultElement`, or fails (having reported why).
LogicalResult foldIntegerPairs(
    NodeContext &ctx, DenseElementsAttr a, DenseElementsAttr b,
    Type resultElement,
    function_ref<FailureOr<APInt>(const APInt &, const APInt &)> fn) {
  if (a.getNumElements() != 1 && b.getNumElements() != 1 &&
      a.getType().getShape() != b.getType().getShape())
    return ctx.unsupported("broadcasting of integer constants other than by "
                           "a scalar");
  if (a.getElementType() != b.getElementType())
    return ctx.emitError() << "operands have different element types";
  DenseElementsAttr shaped = a.getNumElements() == 1 ? b : a;
  SmallVector<APInt> x(a.getValues<APInt>()), y(b.getValues<APInt>());
  SmallVector<APInt> result;
  for (int64_t i = 0, e = shaped.getNumElements(); i < e; ++i) {
    FailureOr<APInt> v = fn(x[x.size() == 1 ? 0 : i], y[y.size() == 1 ? 0 : i]);
    if (failed(v))
      return failure();
    result.push_back(*v);
  }
  ctx.setConstantOutput(
      0, DenseElementsAttr::get(shaped.getType().clone(resultElement), result));
  return success();
}

/// Add / Sub / Mul / Div of integer constants; Div truncates toward zero.
LogicalResult foldIntegerBinary(NodeContext &ctx, DenseElementsAttr a,
                                DenseElementsAttr b) {
  StringRef op = ctx.node.op_type();
  return foldIntegerPairs(
      ctx, a, b, a.getElementType(),
      [&](const APInt &l, const APInt &r) -> FailureOr<APInt> {
        if (op == "Add")
          return l + r;
        if (op == "Sub")
          return l - r;
        if (op == "Mul")
          return l * r;
        if (r.isZero())
          return ctx.emitError() << "integer division by zero";
        return l.sdiv(r);
      });
}

/// Returns true (and folds) when both inputs are integer constants.
bool tryFoldIntegerBinary(NodeContext &ctx, LogicalResult &result) {
  DenseElementsAttr a = ctx.constantInput(0), b = ctx.constantInput(1);
  if (!a || !b || !isa<IntegerType>(a.getElementType()) ||
      !isa<IntegerType>(b.getElementType()) || ctx.inputIsUnsigned(0) ||
      ctx.inputIsUnsigned(1))
    return false;
  result = foldIntegerBinary(ctx, a, b);
  return true;
}

/// Div: folded for integer constants; a float tensor divided by a float
/// constant becomes a multiplication by its reciprocal.
LogicalResult importDiv(NodeContext &ctx) {
  LogicalResult folded = failure();
  if (tryFoldIntegerBinary(ctx, folded))
    return folded;
  DenseElementsAttr divisor = ctx.constantInput(1);
  FailureOr<Value> lhs = ctx.input(0);
  if (failed(lhs))
    return failure();
  if (!divisor || !divisor.getElementType().isF32())
    return ctx.unsupported("Div other than by a float constant");
  if (failed(requireFloat(ctx, *lhs)))
    return failure();
  SmallVector<float> reciprocal;
  for (float v : divisor.getValues<float>())
    reciprocal.push_back(1.0f / v);
  auto type = cast<RankedTensorType>(divisor.getType());
  Value rhs = ctx.create<arith::ConstantOp>(
      cast<TypedAttr>(DenseElementsAttr::get(type, ArrayRef(reciprocal))));
  SmallVector<int64_t> shape;
  if (failed(inferBroadcastShape(ctx.errorFn(), shapeOf(*lhs), type.getShape(),
                                 shape)))
    return failure();
  ctx.setOutput(0,
                ctx.create<MulOp>(tensorOf(shape, ctx.builder().getF32Type()),
                                  *lhs, rhs, FloatAttr(), FloatAttr()));
  return success();
}

template <typename OpTy> LogicalResult importBinary(NodeContext &ctx) {
  LogicalResult folded = failure();
  if (tryFoldIntegerBinary(ctx, folded))
    return folded;
  FailureOr<Value> lhs = ctx.input(0), rhs = ctx.input(1);
  if (failed(lhs) || failed(rhs) || failed(requireFloat(ctx, *lhs)) ||
      failed(requireFloat(ctx, *rhs)))
    return failure();
  SmallVector<int64_t> shape;
  if (failed(inferBroadcastShape(ctx.errorFn(), shapeOf(*lhs), shapeOf(*rhs),
                                 shape)))
    return failure();
  ctx.setOutput(0, ctx.create<OpTy>(tensorOf(shape, ctx.builder().getF32Type()),
                                    *lhs, *rhs, FloatAttr(), FloatAttr()));
  return success();
}

template <typename OpTy> LogicalResult importUnary(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x) || failed(requireFloat(ctx, *x)))
    return failure();
  ctx.setOutput(0, ctx.create<OpTy>(x->getType(), *x));
  return success();
}

LogicalResult importHardSigmoid(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<float> alpha = ctx.getFloat("alpha", 0.2f);
  FailureOr<float> beta = ctx.getFloat("beta", 0.5f);
  if (failed(x) || failed(alpha) || failed(beta) ||
      failed(requireFloat(ctx, *x)))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0, ctx.create<HardSigmoidOp>(x->getType(), *x,
                                             b.getF32FloatAttr(*alpha),
                                             b.getF32FloatAttr(*beta)));
  return success();
}

/// LeakyRelu, Elu and Selu: one op each of the dialect's, with ONNX's
/// defaults (Selu is an Elu with a scale).
LogicalResult importLeakyRelu(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<float> alpha = ctx.getFloat("alpha", 0.01f);
  if (failed(x) || failed(alpha) || failed(requireFloat(ctx, *x)))
    return failure();
  ctx.setOutput(0,
                ctx.create<LeakyReluOp>(x->getType(), *x,
                                        ctx.builder().getF32FloatAttr(*alpha)));
  return success();
}

LogicalResult importElu(NodeContext &ctx) {
  bool selu = ctx.node.op_type() == "Selu";
  FailureOr<Value> x = ctx.input(0);
  FailureOr<float> alpha =
      ctx.getFloat("alpha", selu ? 1.67326319217681884765625f : 1.0f);
  FailureOr<float> scale =
      selu ? ctx.getFloat("gamma", 1.05070102214813232421875f) : 1.0f;
  if (failed(x) || failed(alpha) || failed(scale) ||
      failed(requireFloat(ctx, *x)))
    return failure();
  OpBuilder &b = ctx.builder();
  ctx.setOutput(0,
                ctx.create<EluOp>(x->getType(), *x, b.getF32FloatAttr(*alpha),
                                  b.getF32FloatAttr(*scale)));
  return success();
}

/// PRelu: the slope broadcasts to the input (unidirectionally).
LogicalResult importPRelu(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0), slope = ctx.input(1);
  if (failed(x) || failed(slope) || failed(requireFloat(ctx, *x)) ||
      failed(requireFloat(ctx, *slope)))
    return failure();
  SmallVector<int64_t> shape;
  if (failed(inferBroadcastShape(ctx.errorFn(), shapeOf(*x), shapeOf(*slope),
                                 shape)))
    return failure();
  if (ArrayRef<int64_t>(shape) != shapeOf(*x))
    return ctx.emitError() << "slope does not broadcast to the input's shape";
  ctx.setOutput(0, ctx.create<PReluOp>(x->getType(), *x, *slope));
  return success();
}

/// Reads an optional scalar bound of Clip (inputs 1 and 2 since opset 11).
FailureOr<float> clipBound(NodeContext &ctx, unsigned index, float dflt) {
  if (!ctx.hasInput(index))
    return dflt;
  FailureOr<DenseElementsAttr> bound =
      ctx.requireConstant(index, index == 1 ? "min" : "max");
  if (failed(bound))
    return failure();
  if (bound->getNumElements() != 1 || !bound->getElementType().isF32())
    return ctx.emitError() << "Clip bound must be a float scalar";
  return *bound->getValues<float>().begin();
}

/// Clip of a QuantizeLinear's integers (PyTorch's fbgemm QAT export clips
/// uint8 activations to [0, 127], its reduce_range): the same as quantizing
/// the float input clamped to the bounds' real values, which is what the
/// model becomes (a clamp the producer then fuses).
LogicalResult importQuantizedClip(NodeContext &ctx, QuantizeOp producer) {
  auto type =
      dyn_cast<quant::UniformQuantizedType>(getQuantType(producer.getType()));
  if (!type)
    return ctx.unsupported("Clip of per-axis quantized integers");
  // The bounds are integers of the ONNX type (uint8 for uint8 data); the
  // tensor holds them in signed form.
  int64_t shift = ctx.inputIsUnsigned(0) ? 128 : 0;
  SmallVector<double, 2> bounds;
  for (unsigned i : {1u, 2u}) {
    double dflt = i == 1 ? -128 + shift : 127 + shift;
    if (!ctx.hasInput(i)) {
      bounds.push_back(dflt);
      continue;
    }
    FailureOr<DenseElementsAttr> bound =
        ctx.requireConstant(i, i == 1 ? "min" : "max");
    if (failed(bound))
      return failure();
    if (bound->getNumElements() != 1 || !bound->getElementType().isInteger(8))
      return ctx.emitError() << "Clip bound of 8-bit integers must be an "
                                "8-bit scalar";
    APInt v = *bound->getValues<APInt>().begin();
    bounds.push_back(ctx.inputIsUnsigned(i) ? double(v.getZExtValue())
                                            : double(v.getSExtValue()));
  }
  if (bounds[0] > bounds[1])
    return ctx.unsupported("Clip with min > max");
  double scale = type.getScale(), zp = type.getZeroPoint() + shift;
  OpBuilder &b = ctx.builder();
  Value input = producer.getInput();
  Value clamped = ctx.create<ClampOp>(
      input.getType(), input,
      b.getF32FloatAttr(static_cast<float>((bounds[0] - zp) * scale)),
      b.getF32FloatAttr(static_cast<float>((bounds[1] - zp) * scale)));
  ctx.setOutput(0, ctx.create<QuantizeOp>(producer.getType(), clamped),
                ctx.inputIsUnsigned(0));
  return success();
}

LogicalResult importClip(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  if (auto producer = x->getDefiningOp<QuantizeOp>())
    return importQuantizedClip(ctx, producer);
  if (failed(requireFloat(ctx, *x)))
    return failure();
  FailureOr<float> lo = clipBound(ctx, 1, -std::numeric_limits<float>::max());
  FailureOr<float> hi = clipBound(ctx, 2, std::numeric_limits<float>::max());
  if (failed(lo) || failed(hi))
    return failure();
  if (*lo > *hi)
    return ctx.unsupported("Clip with min > max");
  OpBuilder &b = ctx.builder();
  Value result;
  if (*lo == 0.0f && *hi == std::numeric_limits<float>::max())
    result = ctx.create<ReluOp>(x->getType(), *x);
  else
    result = ctx.create<ClampOp>(x->getType(), *x, b.getF32FloatAttr(*lo),
                                 b.getF32FloatAttr(*hi));
  ctx.setOutput(0, result);
  return success();
}

LogicalResult importSoftmax(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  // Opset 13 made the default axis -1 and dropped the coercion to 2-D.
  FailureOr<int64_t> axis = ctx.getInt("axis", ctx.opset >= 13 ? -1 : 1);
  if (failed(x) || failed(axis) || failed(requireFloat(ctx, *x)))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  FailureOr<int64_t> normalized =
      normalizeAxis(ctx, *axis, static_cast<int64_t>(shape.size()));
  if (failed(normalized))
    return failure();
  OpBuilder &b = ctx.builder();
  if (ctx.opset >= 13) {
    ctx.setOutput(0, ctx.create<SoftmaxOp>(x->getType(), *x,
                                           b.getI64IntegerAttr(*normalized)));
    return success();
  }
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    (d < *normalized ? outer : inner) *= shape[d];
  Value flat = reshapeTo(ctx, *x, {outer, inner});
  Value softmax =
      ctx.create<SoftmaxOp>(flat.getType(), flat, b.getI64IntegerAttr(1));
  ctx.setOutput(0, reshapeTo(ctx, softmax, shape));
  return success();
}

LogicalResult importIdentity(NodeContext &ctx) {
  if (DenseElementsAttr constant = ctx.constantInput(0)) {
    ctx.setConstantOutput(0, constant, ctx.inputIsUnsigned(0));
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ctx.setOutput(0, *x);
  return success();
}

LogicalResult importDropout(NodeContext &ctx) {
  if (ctx.numUsedOutputs() > 1)
    return ctx.unsupported("Dropout mask output");
  if (ctx.hasInput(2)) {
    DenseElementsAttr training = ctx.constantInput(2);
    if (!training || training.getNumElements() != 1 ||
        !isa<IntegerType>(training.getElementType()) ||
        !training.getValues<APInt>()[0].isZero())
      return ctx.unsupported("Dropout in training mode");
  }
  return importIdentity(ctx);
}

} // namespace

/// `lhs <predicate> rhs` with broadcasting, as a bool tensor.
FailureOr<Value> compare(NodeContext &ctx, Value lhs, Value rhs,
                         StringRef predicate) {
  SmallVector<int64_t> shape;
  if (failed(inferBroadcastShape(ctx.errorFn(), shapeOf(lhs), shapeOf(rhs),
                                 shape)))
    return failure();
  return ctx
      .create<CompareOp>(tensorOf(shape, ctx.builder().getI1Type()), lhs, rhs,
                         ctx.builder().getStringAttr(predicate))
      .getResult();
}

/// Checks that inputs `indices` are signed integers (or bools) of one type:
/// the C comparison reads them as such.
LogicalResult requireSignedIntegers(NodeContext &ctx,
                                    ArrayRef<unsigned> indices) {
  Type first;
  for (unsigned i : indices) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    Type element = getElementTypeOrSelf(v->getType());
    if (first && element != first)
      return ctx.emitError()
             << "inputs have different element types (" << typeName(first)
             << " and " << typeName(element) << ")";
    if (getQuantType(v->getType()) || ctx.inputIsUnsigned(i) ||
        !llvm::is_contained(
            {1u, 8u, 32u, 64u},
            element.isSignlessInteger() ? element.getIntOrFloatBitWidth() : 0u))
      return ctx.unsupported(
          "comparison of " +
          (ctx.inputIsUnsigned(i)
               ? "uint" + std::to_string(element.getIntOrFloatBitWidth())
               : typeName(element)) +
          " tensors");
    first = element;
  }
  return success();
}

/// Equal, Less, LessOrEqual, Greater, GreaterOrEqual: `mote.compare` of
/// float tensors or of signed integer (or bool) tensors of one type;
/// integer constants (shape arithmetic) are folded.
LogicalResult importCompare(NodeContext &ctx) {
  StringRef op = ctx.node.op_type();
  StringRef predicate = op == "Equal"         ? "eq"
                        : op == "Less"        ? "lt"
                        : op == "LessOrEqual" ? "le"
                        : op == "Greater"     ? "gt"
                                              : "ge";
  DenseElementsAttr a = ctx.constantInput(0), b = ctx.constantInput(1);
  if (a && b && isa<IntegerType>(a.getElementType()) &&
      a.getElementType() == b.getElementType() && !ctx.inputIsUnsigned(0) &&
      !ctx.inputIsUnsigned(1)) {
    return foldIntegerPairs(
        ctx, a, b, ctx.builder().getI1Type(),
        [&](const APInt &l, const APInt &r) -> FailureOr<APInt> {
          bool v = predicate == "eq"   ? l == r
                   : predicate == "lt" ? l.slt(r)
                   : predicate == "le" ? l.sle(r)
                   : predicate == "gt" ? l.sgt(r)
                                       : l.sge(r);
          return APInt(1, v);
        });
  }
  FailureOr<Value> lhs = ctx.input(0), rhs = ctx.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  Type element = getElementTypeOrSelf(lhs->getType());
  if (element.isF32()) {
    if (failed(requireFloat(ctx, *rhs)))
      return failure();
  } else if (failed(requireSignedIntegers(ctx, {0, 1}))) {
    return failure();
  }
  FailureOr<Value> result = compare(ctx, *lhs, *rhs, predicate);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

/// Not, And, Or and Xor of bool tensors, as comparisons and choices:
/// Not x = (x == false), And = where(a, b, false), Or = where(a, true, b),
/// Xor = Not (a == b).
LogicalResult importLogic(NodeContext &ctx) {
  StringRef op = ctx.node.op_type();
  bool unary = op == "Not";
  SmallVector<Value> in;
  for (unsigned i = 0; i < (unary ? 1u : 2u); ++i) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    if (!getElementTypeOrSelf(v->getType()).isInteger(1))
      return ctx.emitError() << "input " << i << " must be bool, not "
                             << typeName(getElementTypeOrSelf(v->getType()));
    in.push_back(*v);
  }
  OpBuilder &b = ctx.builder();
  auto boolean = [&](bool value) -> Value {
    auto type = RankedTensorType::get({}, b.getI1Type());
    return arith::ConstantOp::create(b, ctx.loc, type,
                                     DenseElementsAttr::get(type, value));
  };
  FailureOr<Value> result;
  if (unary) {
    result = compare(ctx, in[0], boolean(false), "eq");
  } else if (op == "Xor") {
    result = compare(ctx, in[0], in[1], "eq");
    if (succeeded(result))
      result = compare(ctx, *result, boolean(false), "eq");
  } else {
    SmallVector<int64_t> shape;
    if (failed(inferBroadcastShape(ctx.errorFn(), shapeOf(in[0]),
                                   shapeOf(in[1]), shape)))
      return failure();
    Value onTrue = op == "And" ? in[1] : boolean(true);
    Value onFalse = op == "And" ? boolean(false) : in[1];
    result = ctx.create<WhereOp>(tensorOf(shape, b.getI1Type()), in[0], onTrue,
                                 onFalse)
                 .getResult();
  }
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

/// Where: `mote.where` of a boolean condition (a comparison, a model input
/// or a constant mask) between two tensors of one element type.
LogicalResult importWhere(NodeContext &ctx) {
  FailureOr<Value> cond = ctx.input(0), x = ctx.input(1), y = ctx.input(2);
  if (failed(cond) || failed(x) || failed(y))
    return failure();
  if (!getElementTypeOrSelf(cond->getType()).isInteger(1))
    return ctx.emitError() << "condition must be bool, not "
                           << typeName(getElementTypeOrSelf(cond->getType()));
  Type element = getElementTypeOrSelf(x->getType());
  if (element != getElementTypeOrSelf(y->getType()) ||
      ctx.inputIsUnsigned(1) != ctx.inputIsUnsigned(2))
    return ctx.unsupported("choices of different element types (" +
                           typeName(element) + " and " +
                           typeName(getElementTypeOrSelf(y->getType())) + ")");
  SmallVector<int64_t> pair, shape;
  if (failed(
          inferBroadcastShape(ctx.errorFn(), shapeOf(*x), shapeOf(*y), pair)) ||
      failed(inferBroadcastShape(ctx.errorFn(), shapeOf(*cond), pair, shape)))
    return failure();
  ctx.setOutput(0, ctx.create<WhereOp>(tensorOf(shape, element), *cond, *x, *y),
                ctx.inputIsUnsigned(1));
  return success();
}

void mote::onnx_import::registerElementwiseOps(HandlerMap &handlers) {
  handlers["Add"] = importBinary<AddOp>;
  handlers["Sub"] = importBinary<SubOp>;
  handlers["Mul"] = importBinary<MulOp>;
  handlers["Div"] = importDiv;
  handlers["Relu"] = importUnary<ReluOp>;
  handlers["Sigmoid"] = importUnary<SigmoidOp>;
  handlers["Tanh"] = importUnary<TanhOp>;
  handlers["HardSwish"] = importUnary<HardSwishOp>;
  handlers["HardSigmoid"] = importHardSigmoid;
  handlers["LeakyRelu"] = importLeakyRelu;
  handlers["Elu"] = importElu;
  handlers["Selu"] = importElu;
  handlers["Erf"] = importUnary<ErfOp>;
  handlers["PRelu"] = importPRelu;
  handlers["Clip"] = importClip;
  handlers["Softmax"] = importSoftmax;
  handlers["Identity"] = importIdentity;
  handlers["Dropout"] = importDropout;
  for (StringRef op :
       {"Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"})
    handlers[op.str()] = importCompare;
  handlers["Where"] = importWhere;
  for (StringRef op : {"Not", "And", "Or", "Xor"})
    handlers[op.str()] = importLogic;
}
