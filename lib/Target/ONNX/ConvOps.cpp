//===- ConvOps.cpp - Import of ONNX conv, matmul, pooling, norm -----------===//

#include "Importer.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mote;
using namespace mote::onnx_import;

namespace {

struct WindowAttrs {
  SmallVector<int64_t> strides, dilations, pads;
  int64_t group = 1;
};

/// The 2-D form of a 1-D window's NCL tensor shape: NC1L.
SmallVector<int64_t> liftShape(ArrayRef<int64_t> shape) {
  return {shape[0], shape[1], 1, shape[2]};
}

/// Reads the window attributes of a Conv-like node whose NCHW input and OIHW
/// weight are `input` and `weight` (or NCL and OIL for a 1-D convolution,
/// whose attributes are returned lifted to 2-D).
FailureOr<WindowAttrs> getConvAttrs(NodeContext &ctx, ArrayRef<int64_t> input,
                                    ArrayRef<int64_t> weight) {
  bool oneD = input.size() == 3 && weight.size() == 3;
  if ((input.size() != 4 || weight.size() != 4) && !oneD)
    return ctx.unsupported("convolution that is not 1-D or 2-D (input rank " +
                           Twine(input.size()) + ")");
  unsigned rank = oneD ? 1 : 2;
  WindowAttrs attrs;
  SmallVector<int64_t> weightKernel(weight.drop_front(2));
  if (oneD)
    weightKernel.insert(weightKernel.begin(), 1);
  FailureOr<SmallVector<int64_t>> kernel =
      getWindowInts(ctx, "kernel_shape", weightKernel, rank);
  FailureOr<SmallVector<int64_t>> strides =
      getWindowInts(ctx, "strides", {1, 1}, rank);
  FailureOr<SmallVector<int64_t>> dilations =
      getWindowInts(ctx, "dilations", {1, 1}, rank);
  FailureOr<int64_t> group = ctx.getInt("group", 1);
  if (failed(kernel) || failed(strides) || failed(dilations) || failed(group))
    return failure();
  if (*kernel != weightKernel)
    return ctx.emitError() << "kernel_shape does not match the weight";
  SmallVector<int64_t> inputHW =
      oneD ? SmallVector<int64_t>{1, input[2]}
           : SmallVector<int64_t>(input.drop_front(2));
  FailureOr<SmallVector<int64_t>> pads =
      getWindowPads(ctx, inputHW, *kernel, *strides, *dilations, false, oneD);
  if (failed(pads))
    return failure();
  attrs.strides = *strides;
  attrs.dilations = *dilations;
  attrs.pads = *pads;
  attrs.group = *group;
  return attrs;
}

/// Creates a conv2d of `x` and `w` (and `bias`) with result element type
/// `resultElement`, inferring the result shape.
LogicalResult buildConv(NodeContext &ctx, Value x, Value w, Value bias,
                        Type resultElement) {
  FailureOr<WindowAttrs> attrs = getConvAttrs(ctx, shapeOf(x), shapeOf(w));
  if (failed(attrs))
    return failure();
  // A 1-D convolution runs as a 2-D one of height 1 (so every target's
  // conv kernels apply), between reshapes.
  bool oneD = shapeOf(x).size() == 3;
  if (oneD) {
    x = reshapeTo(ctx, x, liftShape(shapeOf(x)));
    w = reshapeTo(ctx, w, liftShape(shapeOf(w)));
  }
  SmallVector<int64_t> shape;
  if (failed(inferConv2DShape(ctx.errorFn(), shapeOf(x), shapeOf(w),
                              attrs->strides, attrs->dilations, attrs->pads,
                              attrs->group, shape)))
    return failure();
  OpBuilder &b = ctx.builder();
  auto conv = ctx.create<Conv2DOp>(tensorOf(shape, resultElement), x, w, bias,
                                   b.getDenseI64ArrayAttr(attrs->strides),
                                   b.getDenseI64ArrayAttr(attrs->dilations),
                                   b.getDenseI64ArrayAttr(attrs->pads),
                                   b.getI64IntegerAttr(attrs->group),
                                   FloatAttr(), FloatAttr());
  if (oneD) {
    ctx.setOutput(0, reshapeTo(ctx, conv, {shape[0], shape[1], shape[3]}));
    return success();
  }
  ctx.setOutput(0, conv);
  return success();
}

LogicalResult importConv(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0), w = ctx.input(1);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<Value> optionalBias = ctx.optionalInput(2);
  if (failed(optionalBias))
    return failure();
  Value bias = *optionalBias;
  if (failed(requireF32(ctx, {*x, *w, bias})))
    return failure();
  return buildConv(ctx, *x, *w, bias, ctx.builder().getF32Type());
}

/// ConvTranspose: explicit pads, or pads derived from `output_shape` or a
/// SAME auto_pad as ONNX defines them; 1-D as 2-D of height 1.
LogicalResult importConvTranspose(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0), w = ctx.input(1);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<Value> optionalBias = ctx.optionalInput(2);
  if (failed(optionalBias))
    return failure();
  Value bias = *optionalBias;
  if (failed(requireF32(ctx, {*x, *w, bias})))
    return failure();
  ArrayRef<int64_t> xShape = shapeOf(*x), wShape = shapeOf(*w);
  bool oneD = xShape.size() == 3 && wShape.size() == 3;
  if ((xShape.size() != 4 || wShape.size() != 4) && !oneD)
    return ctx.unsupported("transposed convolution that is not 1-D or 2-D "
                           "(input rank " +
                           Twine(xShape.size()) + ")");
  unsigned rank = oneD ? 1 : 2;
  SmallVector<int64_t> weightKernel(wShape.drop_front(2));
  if (oneD)
    weightKernel.insert(weightKernel.begin(), 1);
  FailureOr<SmallVector<int64_t>> kernel =
      getWindowInts(ctx, "kernel_shape", weightKernel, rank);
  FailureOr<SmallVector<int64_t>> strides =
      getWindowInts(ctx, "strides", {1, 1}, rank);
  FailureOr<SmallVector<int64_t>> dilations =
      getWindowInts(ctx, "dilations", {1, 1}, rank);
  FailureOr<SmallVector<int64_t>> outputPadding =
      getWindowInts(ctx, "output_padding", {0, 0}, rank);
  FailureOr<int64_t> group = ctx.getInt("group", 1);
  FailureOr<std::string> autoPad = ctx.getString("auto_pad", "NOTSET");
  FailureOr<SmallVector<int64_t>> pads =
      ctx.getInts("pads", SmallVector<int64_t>(2 * rank, 0));
  if (failed(kernel) || failed(strides) || failed(dilations) ||
      failed(outputPadding) || failed(group) || failed(autoPad) || failed(pads))
    return failure();
  if (*kernel != weightKernel)
    return ctx.emitError() << "kernel_shape does not match the weight";
  // The height-1 dimension of a 1-D window adds no rows.
  if (oneD)
    outputPadding->front() = 0;
  if (pads->size() != 2 * rank)
    return ctx.emitError() << "expects " << 2 * rank << " pads for a " << rank
                           << "-D window, got " << pads->size();
  if (oneD)
    *pads = {0, (*pads)[0], 0, (*pads)[1]};
  SmallVector<int64_t> inputHW =
      oneD ? SmallVector<int64_t>{1, xShape[2]}
           : SmallVector<int64_t>(xShape.drop_front(2));
  // The extent before any padding crops it.
  auto fullExtent = [&](int i) {
    return (*strides)[i] * (inputHW[i] - 1) + (*outputPadding)[i] +
           ((*kernel)[i] - 1) * (*dilations)[i] + 1;
  };
  bool same = *autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER";
  if (ctx.getAttr("output_shape") || same) {
    SmallVector<int64_t> target;
    if (ctx.getAttr("output_shape")) {
      FailureOr<SmallVector<int64_t>> shape = ctx.getInts("output_shape", {});
      if (failed(shape))
        return failure();
      // output_shape may list the spatial extents only, or N and C too.
      if (shape->size() < rank)
        return ctx.emitError() << "output_shape has " << shape->size()
                               << " entries for a " << rank << "-D window";
      target.assign(shape->end() - rank, shape->end());
      if (oneD)
        target.insert(target.begin(), 1);
    } else {
      for (int i = 0; i < 2; ++i)
        target.push_back(inputHW[i] * (*strides)[i]);
    }
    for (int i = 0; i < 2; ++i) {
      int64_t total = fullExtent(i) - target[i];
      if (total < 0) {
        // Rows beyond the full extent hold only the bias, as output_padding
        // rows do (ONNX Runtime pads nothing then).
        int64_t extra = (*outputPadding)[i] - total;
        if (extra >= std::max((*strides)[i], (*dilations)[i]))
          return ctx.unsupported(
              "output_shape " + Twine(target[i]) + " beyond the full extent " +
              Twine(fullExtent(i)) + " of the transposed convolution");
        (*outputPadding)[i] = extra;
        total = 0;
      }
      int64_t upper = *autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      (*pads)[i] = upper;
      (*pads)[i + 2] = total - upper;
    }
  } else if (*autoPad == "VALID") {
    pads->assign(4, 0);
  } else if (*autoPad != "NOTSET") {
    return ctx.emitError() << "unknown auto_pad '" << *autoPad << "'";
  }
  if (oneD) {
    *x = reshapeTo(ctx, *x, liftShape(xShape));
    *w = reshapeTo(ctx, *w, liftShape(wShape));
  }
  SmallVector<int64_t> shape;
  if (failed(inferConvTranspose2DShape(ctx.errorFn(), shapeOf(*x), shapeOf(*w),
                                       *strides, *dilations, *pads,
                                       *outputPadding, *group, shape)))
    return failure();
  OpBuilder &b = ctx.builder();
  Value y = ctx.create<ConvTranspose2DOp>(
      tensorOf(shape, b.getF32Type()), *x, *w, bias,
      b.getDenseI64ArrayAttr(*strides), b.getDenseI64ArrayAttr(*dilations),
      b.getDenseI64ArrayAttr(*pads), b.getDenseI64ArrayAttr(*outputPadding),
      b.getI64IntegerAttr(*group));
  if (oneD)
    y = reshapeTo(ctx, y, {shape[0], shape[1], shape[3]});
  ctx.setOutput(0, y);
  return success();
}

/// Returns input `index` as a tensor quantized by the scale / zero point
/// inputs given, with `axis` the per-axis dimension for 1-D scales.
FailureOr<Value> quantizedInput(NodeContext &ctx, unsigned index,
                                unsigned scaleIndex, unsigned zpIndex,
                                int64_t axis) {
  FailureOr<Value> value = ctx.input(index);
  if (failed(value))
    return failure();
  bool isUnsigned = false;
  FailureOr<Type> storage =
      getIntegerStorage(ctx, index, *value, /*allowInt32=*/false, isUnsigned);
  if (failed(storage))
    return failure();
  FailureOr<quant::QuantizedType> type = getQuantTypeFromInputs(
      ctx, scaleIndex, zpIndex, shapeOf(*value), axis, *storage, isUnsigned);
  if (failed(type))
    return failure();
  return castToQuant(ctx, *value, *type);
}

/// Returns input `index` quantized with scale 1 and the zero point input
/// `zpIndex` (ConvInteger, MatMulInteger), in its signed form: the int8
/// kernels take a uint8 operand as the same values minus 128 with its zero
/// points minus 128. A constant is re-encoded here (each byte's top bit
/// flipped); a tensor computed at run time goes through an exact dequantize
/// and quantize, which mote-fold-qdq makes one requantize.
FailureOr<Value> integerInput(NodeContext &ctx, unsigned index,
                              unsigned zpIndex, int64_t axis) {
  FailureOr<Value> value = ctx.input(index);
  if (failed(value))
    return failure();
  bool isUnsigned = false;
  if (failed(getIntegerStorage(ctx, index, *value, /*allowInt32=*/false,
                               isUnsigned)))
    return failure();
  SmallVector<int64_t> zeroPoints = {0};
  if (ctx.hasInput(zpIndex)) {
    FailureOr<DenseElementsAttr> zp =
        ctx.requireConstant(zpIndex, "zero point");
    if (failed(zp))
      return failure();
    if (!zp->getElementType().isInteger(8))
      return ctx.emitError() << "zero point must be int8 or uint8";
    zeroPoints.clear();
    bool zpUnsigned = ctx.inputIsUnsigned(zpIndex);
    for (APInt z : zp->getValues<APInt>())
      zeroPoints.push_back(zpUnsigned ? z.getZExtValue() : z.getSExtValue());
  }
  Type storage = IntegerType::get(ctx.getContext(), 8,
                                  isUnsigned ? IntegerType::Unsigned
                                             : IntegerType::Signed);
  SmallVector<double> scales(zeroPoints.size(), 1.0);
  ArrayRef<int64_t> shape = shapeOf(*value);
  if (zeroPoints.empty())
    return ctx.emitError() << "zero point is empty";
  if (zeroPoints.size() > 1 &&
      (axis < 0 || axis >= static_cast<int64_t>(shape.size()) ||
       shape[axis] != static_cast<int64_t>(zeroPoints.size())))
    return ctx.emitError() << "zero point count does not match the tensor";
  quant::QuantizedType type =
      buildQuantType(storage, ctx.builder().getF32Type(), scales, zeroPoints,
                     zeroPoints.size() > 1 ? axis : -1);
  if (!isUnsigned)
    return castToQuant(ctx, *value, type);
  quant::QuantizedType signedType = signedForm(type);
  if (DenseElementsAttr raw = ctx.constantInput(index)) {
    SmallVector<int8_t> bytes;
    for (APInt byte : raw.getValues<APInt>())
      bytes.push_back(static_cast<int8_t>(byte.getZExtValue() ^ 0x80));
    auto attr = DenseElementsAttr::get(
        raw.getType().clone(ctx.builder().getI8Type()), ArrayRef(bytes));
    return castToQuant(ctx, ctx.create<arith::ConstantOp>(attr.getType(), attr),
                       signedType);
  }
  Value real =
      ctx.create<DequantizeOp>(tensorOf(shape, ctx.builder().getF32Type()),
                               castToQuant(ctx, *value, type));
  return Value(ctx.create<QuantizeOp>(tensorOf(shape, signedType), real));
}

LogicalResult importConvInteger(NodeContext &ctx) {
  FailureOr<Value> x = integerInput(ctx, 0, 2, -1);
  FailureOr<Value> w = integerInput(ctx, 1, 3, 0);
  if (failed(x) || failed(w))
    return failure();
  return buildConv(ctx, *x, *w, Value(), ctx.builder().getI32Type());
}

/// Returns the int32 bias input `index` quantized with scale
/// input_scale x weight_scale, as QLinearConv defines it.
FailureOr<Value> quantizedBias(NodeContext &ctx, unsigned index, Value input,
                               Value weight, int64_t channels) {
  FailureOr<Value> bias = ctx.input(index);
  if (failed(bias))
    return failure();
  if (!getElementTypeOrSelf(bias->getType()).isInteger(32))
    return ctx.emitError() << "bias must be int32";
  auto inType =
      cast<quant::UniformQuantizedType>(getQuantType(input.getType()));
  SmallVector<double> scales =
      getScales(getQuantType(weight.getType()), channels);
  for (double &s : scales)
    s *= inType.getScale();
  Type storage = IntegerType::get(ctx.getContext(), 32, IntegerType::Signed);
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  bool perAxis =
      isa<quant::UniformQuantizedPerAxisType>(getQuantType(weight.getType()));
  if (!perAxis) {
    scales.resize(1);
    zeroPoints.resize(1);
  }
  quant::QuantizedType type =
      buildQuantType(storage, ctx.builder().getF32Type(), scales, zeroPoints,
                     perAxis ? 0 : -1);
  return castToQuant(ctx, *bias, type);
}

/// The real values of constant input `index` of a node, quantized as
/// `type` (per tensor, or per axis 0): (q - zero point) * scale.
FailureOr<DenseElementsAttr> dequantizeConstant(NodeContext &ctx,
                                                unsigned index,
                                                quant::QuantizedType type) {
  DenseElementsAttr raw = ctx.constantInput(index);
  if (!raw)
    return ctx.unsupported("input " + Twine(index) + " that is not constant");
  bool isUnsigned = ctx.inputIsUnsigned(index) || !type.isSigned();
  int64_t count = raw.getNumElements();
  int64_t channels = 1;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    llvm::append_range(scales, perAxis.getScales());
    llvm::append_range(zeroPoints, perAxis.getZeroPoints());
    channels = scales.size();
  } else {
    auto perTensor = cast<quant::UniformQuantizedType>(type);
    scales.push_back(perTensor.getScale());
    zeroPoints.push_back(perTensor.getZeroPoint());
  }
  SmallVector<float> real;
  int64_t i = 0;
  for (APInt v : raw.getValues<APInt>()) {
    int64_t c = i++ * channels / count;
    int64_t q = isUnsigned ? v.getZExtValue() : v.getSExtValue();
    real.push_back(static_cast<float>((q - zeroPoints[c]) * scales[c]));
  }
  return DenseElementsAttr::get(
      RankedTensorType::get(raw.getType().getShape(),
                            ctx.builder().getF32Type()),
      ArrayRef(real));
}

/// Quantizes the float output 0 a handler has set with the scale and zero
/// point inputs `scaleIndex` and `zpIndex` (the signed form of uint8).
LogicalResult quantizeOutput(NodeContext &ctx, unsigned scaleIndex,
                             unsigned zpIndex) {
  FailureOr<quant::QuantizedType> outType = getQuantTypeFromInputs(
      ctx, scaleIndex, zpIndex, {}, -1, IntegerType::get(ctx.getContext(), 8),
      ctx.inputIsUnsigned(zpIndex));
  if (failed(outType))
    return failure();
  Value yf = ctx.outputValue(0);
  quant::QuantizedType yType = signedForm(*outType);
  ctx.setOutput(0,
                ctx.create<QuantizeOp>(
                    cast<RankedTensorType>(yf.getType()).clone(yType), yf),
                !outType->isSigned());
  return success();
}

/// A QLinearConv on uint8 data (a uint8 graph input, or uint8 weights
/// with their own zero points, which int8 kernels cannot take) as its
/// float form between a dequantize and a quantize: the conv runs in float
/// on the exact real values of the weights and bias.
LogicalResult importQLinearConvAsFloat(NodeContext &ctx, Value x,
                                       quant::QuantizedType wType) {
  FailureOr<DenseElementsAttr> w = dequantizeConstant(ctx, 3, wType);
  if (failed(w))
    return failure();
  OpBuilder &b = ctx.builder();
  Value xf = ctx.create<DequantizeOp>(tensorOf(shapeOf(x), b.getF32Type()), x);
  Value wf = ctx.create<arith::ConstantOp>(w->getType(), *w);
  Value bias;
  if (ctx.hasInput(8)) {
    auto xType = cast<quant::UniformQuantizedType>(getQuantType(x.getType()));
    int64_t channels = w->getType().getDimSize(0);
    SmallVector<double> scales = getScales(wType, channels);
    SmallVector<int64_t> zeros(channels, 0);
    for (double &sc : scales)
      sc *= xType.getScale();
    auto biasType = buildQuantType(
        IntegerType::get(ctx.getContext(), 32, IntegerType::Signed),
        b.getF32Type(), scales, zeros, 0);
    FailureOr<DenseElementsAttr> bf = dequantizeConstant(ctx, 8, biasType);
    if (failed(bf))
      return failure();
    bias = ctx.create<arith::ConstantOp>(bf->getType(), *bf);
  }
  if (failed(buildConv(ctx, xf, wf, bias, b.getF32Type())))
    return failure();
  return quantizeOutput(ctx, 6, 7);
}

LogicalResult importQLinearConv(NodeContext &ctx) {
  FailureOr<Value> x = quantizedInput(ctx, 0, 1, 2, -1);
  FailureOr<Value> w = quantizedInput(ctx, 3, 4, 5, 0);
  if (failed(x) || failed(w))
    return failure();
  if (!isa<quant::UniformQuantizedType>(getQuantType(x->getType())))
    return ctx.unsupported("per-axis input quantization");
  // Weights with zero points (uint8 ones, as ONNX Runtime's quantizer
  // writes them) have no int8 kernel form: the conv runs in float.
  quant::QuantizedType wType = getQuantType(w->getType());
  SmallVector<int64_t> wZeroPoints = {0};
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(wType))
    wZeroPoints.assign(perAxis.getZeroPoints().begin(),
                       perAxis.getZeroPoints().end());
  else
    wZeroPoints[0] = cast<quant::UniformQuantizedType>(wType).getZeroPoint();
  if (!wType.isSigned() ||
      llvm::any_of(wZeroPoints, [](int64_t z) { return z != 0; }))
    return importQLinearConvAsFloat(ctx, *x, wType);
  // A uint8 input (a graph input) takes its signed form, the same real
  // values (an exact dequantize and quantize), and so does the result.
  auto xType = cast<quant::UniformQuantizedType>(getQuantType(x->getType()));
  if (!xType.isSigned()) {
    Type f32 = ctx.builder().getF32Type();
    Value real = ctx.create<DequantizeOp>(tensorOf(shapeOf(*x), f32), *x);
    *x = ctx.create<QuantizeOp>(tensorOf(shapeOf(*x), signedForm(xType)), real);
  }
  Value bias;
  if (ctx.hasInput(8)) {
    FailureOr<Value> b = quantizedBias(ctx, 8, *x, *w, shapeOf(*w)[0]);
    if (failed(b))
      return failure();
    bias = *b;
  }
  FailureOr<quant::QuantizedType> outType = getQuantTypeFromInputs(
      ctx, 6, 7, {}, -1, IntegerType::get(ctx.getContext(), 8),
      ctx.inputIsUnsigned(7));
  if (failed(outType) ||
      failed(buildConv(ctx, *x, *w, bias, signedForm(*outType))))
    return failure();
  if (!outType->isSigned())
    ctx.setOutput(0, ctx.outputValue(0), /*isUnsigned=*/true);
  return success();
}

/// Emits matmul(lhs, rhs) with ONNX's rank-1 promotion rules.
LogicalResult buildMatMul(NodeContext &ctx, Value lhs, Value rhs,
                          Type resultElement) {
  ArrayRef<int64_t> lShape = shapeOf(lhs), rShape = shapeOf(rhs);
  if (lShape.empty() || rShape.empty())
    return ctx.emitError() << "operands must have rank at least 1";
  bool lhsVector = lShape.size() == 1, rhsVector = rShape.size() == 1;
  if (lhsVector)
    lhs = reshapeTo(ctx, lhs, {1, lShape[0]});
  if (rhsVector)
    rhs = reshapeTo(ctx, rhs, {rShape[0], 1});
  SmallVector<int64_t> shape;
  if (failed(
          inferMatMulShape(ctx.errorFn(), shapeOf(lhs), shapeOf(rhs), shape)))
    return failure();
  Value result = ctx.create<MatMulOp>(tensorOf(shape, resultElement), lhs, rhs);
  SmallVector<int64_t> finalShape(shape);
  if (rhsVector)
    finalShape.pop_back();
  if (lhsVector)
    finalShape.erase(finalShape.end() - (rhsVector ? 1 : 2));
  ctx.setOutput(0, reshapeTo(ctx, result, finalShape));
  return success();
}

LogicalResult importMatMul(NodeContext &ctx) {
  FailureOr<Value> a = ctx.input(0), b = ctx.input(1);
  if (failed(a) || failed(b) || failed(requireF32(ctx, {*a, *b})))
    return failure();
  return buildMatMul(ctx, *a, *b, ctx.builder().getF32Type());
}

LogicalResult importMatMulInteger(NodeContext &ctx) {
  FailureOr<Value> a = integerInput(ctx, 0, 2, -1);
  FailureOr<Value> b = integerInput(ctx, 1, 3, -1);
  if (failed(a) || failed(b))
    return failure();
  return buildMatMul(ctx, *a, *b, ctx.builder().getI32Type());
}

LogicalResult importQLinearMatMul(NodeContext &ctx) {
  FailureOr<Value> a = quantizedInput(ctx, 0, 1, 2, -1);
  FailureOr<Value> b = quantizedInput(ctx, 3, 4, 5, -1);
  if (failed(a) || failed(b))
    return failure();
  if (!isa<quant::UniformQuantizedType>(getQuantType(a->getType())) ||
      !isa<quant::UniformQuantizedType>(getQuantType(b->getType())))
    return ctx.unsupported("per-axis quantization of a matmul operand");
  // There is no int8 kernel for a product of two tensors: the matmul runs
  // in float on the operands' exact real values, between dequantizes and a
  // quantize (int8 and uint8 alike).
  Type f32 = ctx.builder().getF32Type();
  Value af = ctx.create<DequantizeOp>(tensorOf(shapeOf(*a), f32), *a);
  Value bf = ctx.create<DequantizeOp>(tensorOf(shapeOf(*b), f32), *b);
  if (failed(buildMatMul(ctx, af, bf, f32)))
    return failure();
  return quantizeOutput(ctx, 6, 7);
}

/// Multiplies a constant f32 tensor by `factor`.
DenseElementsAttr scaleConstant(DenseElementsAttr attr, float factor) {
  SmallVector<float> values(attr.getValues<float>());
  for (float &v : values)
    v *= factor;
  return DenseElementsAttr::get(attr.getType(), ArrayRef<float>(values));
}

/// Transposes a constant 2-D tensor of any element type.
DenseElementsAttr transposeConstant(DenseElementsAttr attr) {
  ArrayRef<int64_t> shape = attr.getType().getShape();
  SmallVector<Attribute> values(attr.getValues<Attribute>());
  SmallVector<Attribute> result(values.size());
  for (int64_t i = 0; i < shape[0]; ++i)
    for (int64_t j = 0; j < shape[1]; ++j)
      result[j * shape[0] + i] = values[i * shape[1] + j];
  return DenseElementsAttr::get(
      attr.getType().clone(SmallVector<int64_t>{shape[1], shape[0]}), result);
}

LogicalResult importGemm(NodeContext &ctx) {
  FailureOr<float> alpha = ctx.getFloat("alpha", 1.0f);
  FailureOr<float> beta = ctx.getFloat("beta", 1.0f);
  FailureOr<int64_t> transA = ctx.getInt("transA", 0);
  FailureOr<int64_t> transB = ctx.getInt("transB", 0);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB))
    return failure();
  FailureOr<Value> a = ctx.input(0);
  if (failed(a))
    return failure();
  // Constant B (and C) absorb alpha (and beta) and the transposition, so the
  // layer is a plain fully-connected op with an [N, K] weight.
  Value b;
  if (DenseElementsAttr constB = ctx.constantInput(1)) {
    if (!constB.getElementType().isF32() || constB.getType().getRank() != 2)
      return ctx.unsupported("constant B that is not a 2-D float tensor");
    if (*alpha != 1.0f)
      constB = scaleConstant(constB, *alpha);
    if (!*transB)
      constB = transposeConstant(constB);
    b = ctx.create<arith::ConstantOp>(constB.getType(),
                                      cast<TypedAttr>(constB));
  } else {
    if (*alpha != 1.0f)
      return ctx.unsupported("alpha != 1 with a non-constant B");
    FailureOr<Value> value = ctx.input(1);
    if (failed(value))
      return failure();
    b = *value;
    if (shapeOf(b).size() != 2)
      return ctx.emitError() << "B must be 2-D";
    if (!*transB)
      b = ctx.create<TransposeOp>(tensorOf({shapeOf(b)[1], shapeOf(b)[0]},
                                           getElementTypeOrSelf(b.getType())),
                                  b,
                                  ctx.builder().getDenseI64ArrayAttr({1, 0}));
  }
  Value lhs = *a;
  if (shapeOf(lhs).size() != 2)
    return ctx.emitError() << "A must be 2-D";
  if (*transA)
    lhs = ctx.create<TransposeOp>(tensorOf({shapeOf(lhs)[1], shapeOf(lhs)[0]},
                                           getElementTypeOrSelf(lhs.getType())),
                                  lhs,
                                  ctx.builder().getDenseI64ArrayAttr({1, 0}));
  if (failed(requireF32(ctx, {lhs, b})))
    return failure();
  int64_t m = shapeOf(lhs)[0], k = shapeOf(lhs)[1], n = shapeOf(b)[0];
  if (shapeOf(b)[1] != k)
    return ctx.emitError() << "A has K = " << k
                           << " but B has K = " << shapeOf(b)[1];

  Value bias, addend;
  if (ctx.hasInput(2)) {
    DenseElementsAttr constC = ctx.constantInput(2);
    if (constC && !constC.getElementType().isF32())
      return ctx.unsupported("element type of C (expected float)");
    if (constC && *beta != 1.0f)
      constC = scaleConstant(constC, *beta);
    else if (!constC && *beta != 1.0f)
      return ctx.unsupported("beta != 1 with a non-constant C");
    Value c;
    if (constC) {
      c = ctx.create<arith::ConstantOp>(constC.getType(),
                                        cast<TypedAttr>(constC));
    } else {
      FailureOr<Value> value = ctx.input(2);
      if (failed(value))
        return failure();
      c = *value;
    }
    if (failed(requireF32(ctx, {c})))
      return failure();
    ArrayRef<int64_t> cShape = shapeOf(c);
    if (cShape == ArrayRef<int64_t>{n})
      bias = c;
    else if (cShape == ArrayRef<int64_t>{1, n} && constC)
      bias = ctx.create<arith::ConstantOp>(cast<TypedAttr>(
          constC.reshape(tensorOf({n}, constC.getElementType()))));
    else
      addend = c;
  }
  Type f32 = ctx.builder().getF32Type();
  Value result = ctx.create<FullyConnectedOp>(tensorOf({m, n}, f32), lhs, b,
                                              bias, FloatAttr(), FloatAttr());
  if (addend) {
    SmallVector<int64_t> shape;
    if (failed(
            inferBroadcastShape(ctx.errorFn(), {m, n}, shapeOf(addend), shape)))
      return failure();
    if (shape != SmallVector<int64_t>{m, n})
      return ctx.emitError()
             << "C does not broadcast to [" << m << ", " << n << "]";
    result = ctx.create<AddOp>(tensorOf(shape, f32), result, addend,
                               FloatAttr(), FloatAttr());
  }
  ctx.setOutput(0, result);
  return success();
}

/// Reads kernel_shape / strides / dilations / pads / ceil_mode of a pooling
/// node over `input`.
LogicalResult getPoolAttrs(NodeContext &ctx, ArrayRef<int64_t> input,
                           SmallVector<int64_t> &kernel,
                           SmallVector<int64_t> &strides,
                           SmallVector<int64_t> &dilations,
                           SmallVector<int64_t> &pads) {
  bool oneD = input.size() == 3;
  if (input.size() != 4 && !oneD)
    return ctx.unsupported("pooling that is not 1-D or 2-D (input rank " +
                           Twine(input.size()) + ")");
  unsigned rank = oneD ? 1 : 2;
  FailureOr<SmallVector<int64_t>> k =
      getWindowInts(ctx, "kernel_shape", {0, 0}, rank);
  FailureOr<SmallVector<int64_t>> s =
      getWindowInts(ctx, "strides", {1, 1}, rank);
  FailureOr<SmallVector<int64_t>> d =
      getWindowInts(ctx, "dilations", {1, 1}, rank);
  FailureOr<int64_t> ceil = ctx.getInt("ceil_mode", 0);
  FailureOr<int64_t> storage = ctx.getInt("storage_order", 0);
  if (failed(k) || failed(s) || failed(d) || failed(ceil) || failed(storage))
    return failure();
  if (!ctx.getAttr("kernel_shape"))
    return ctx.emitError() << "kernel_shape is required";
  if (*storage != 0)
    return ctx.unsupported("storage_order " + Twine(*storage));
  SmallVector<int64_t> inputHW =
      oneD ? SmallVector<int64_t>{1, input[2]}
           : SmallVector<int64_t>(input.drop_front(2));
  FailureOr<SmallVector<int64_t>> p =
      getWindowPads(ctx, inputHW, *k, *s, *d, *ceil != 0, oneD);
  if (failed(p))
    return failure();
  kernel = *k;
  strides = *s;
  dilations = *d;
  pads = *p;
  return success();
}

/// A 1-D pooling runs as a 2-D one of height 1: its NCL input as NC1L.
Value liftPoolInput(NodeContext &ctx, Value x) {
  return shapeOf(x).size() == 3 ? reshapeTo(ctx, x, liftShape(shapeOf(x))) : x;
}

/// The NCL result of a 1-D pooling of `x` from its 2-D form `pooled`.
Value dropPoolHeight(NodeContext &ctx, Value x, Value pooled) {
  if (shapeOf(x).size() != 3)
    return pooled;
  ArrayRef<int64_t> s = shapeOf(pooled);
  return reshapeTo(ctx, pooled, {s[0], s[1], s[3]});
}

LogicalResult importMaxPool(NodeContext &ctx) {
  if (ctx.numUsedOutputs() > 1)
    return ctx.unsupported("Indices output");
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  // Max pooling commutes with quantization, so QOperator models apply it to
  // quantized tensors directly.
  Type element = getElementTypeOrSelf(x->getType());
  if (!getQuantType(x->getType()) && failed(requireF32(ctx, {*x})))
    return failure();
  SmallVector<int64_t> kernel, strides, dilations, pads, shape;
  if (failed(getPoolAttrs(ctx, shapeOf(*x), kernel, strides, dilations, pads)))
    return failure();
  Value input = liftPoolInput(ctx, *x);
  if (failed(inferPool2DShape(ctx.errorFn(), shapeOf(input), kernel, strides,
                              dilations, pads, shape)))
    return failure();
  OpBuilder &b = ctx.builder();
  Value pooled = ctx.create<MaxPool2DOp>(
      tensorOf(shape, element), input, b.getDenseI64ArrayAttr(kernel),
      b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(dilations),
      b.getDenseI64ArrayAttr(pads));
  ctx.setOutput(0, dropPoolHeight(ctx, *x, pooled));
  return success();
}

LogicalResult importAveragePool(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> countIncludePad = ctx.getInt("count_include_pad", 0);
  if (failed(x) || failed(countIncludePad) || failed(requireF32(ctx, {*x})))
    return failure();
  SmallVector<int64_t> kernel, strides, dilations, pads, shape;
  if (failed(getPoolAttrs(ctx, shapeOf(*x), kernel, strides, dilations, pads)))
    return failure();
  if (dilations != SmallVector<int64_t>{1, 1})
    return ctx.unsupported("dilated average pooling");
  Value input = liftPoolInput(ctx, *x);
  if (failed(inferPool2DShape(ctx.errorFn(), shapeOf(input), kernel, strides,
                              dilations, pads, shape)))
    return failure();
  OpBuilder &b = ctx.builder();
  Value pooled = ctx.create<AvgPool2DOp>(
      tensorOf(shape, b.getF32Type()), input, b.getDenseI64ArrayAttr(kernel),
      b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
      b.getBoolAttr(*countIncludePad != 0));
  ctx.setOutput(0, dropPoolHeight(ctx, *x, pooled));
  return success();
}

LogicalResult importGlobalAveragePool(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x) || failed(requireF32(ctx, {*x})))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  if (in.size() != 4)
    return ctx.unsupported("global pooling of rank " + Twine(in.size()));
  ctx.setOutput(
      0, ctx.create<GlobalAvgPoolOp>(
             tensorOf({in[0], in[1], 1, 1}, ctx.builder().getF32Type()), *x));
  return success();
}

LogicalResult importBatchNormalization(NodeContext &ctx) {
  FailureOr<float> epsilon = ctx.getFloat("epsilon", 1e-5f);
  FailureOr<int64_t> training = ctx.getInt("training_mode", 0);
  if (failed(epsilon) || failed(training))
    return failure();
  if (*training != 0 || ctx.numUsedOutputs() > 1)
    return ctx.unsupported("training-mode batch normalization");
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 5; ++i) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  if (failed(requireF32(ctx, operands)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(operands[0]);
  if (in.size() < 2)
    return ctx.emitError() << "input must have rank at least 2";
  for (unsigned i = 1; i < 5; ++i)
    if (shapeOf(operands[i]) != ArrayRef<int64_t>{in[1]})
      return ctx.emitError()
             << "input " << i << " must have shape [" << in[1] << "]";
  ctx.setOutput(0, ctx.create<BatchNormOp>(
                       operands[0].getType(), operands[0], operands[1],
                       operands[2], operands[3], operands[4],
                       ctx.builder().getF32FloatAttr(*epsilon)));
  return success();
}

/// LayerNormalization (opset 17): the inference output only.
LogicalResult importLayerNormalization(NodeContext &ctx) {
  FailureOr<int64_t> axisAttr = ctx.getInt("axis", -1);
  FailureOr<float> epsilon = ctx.getFloat("epsilon", 1e-5f);
  FailureOr<int64_t> stash = ctx.getInt("stash_type", 1);
  if (failed(axisAttr) || failed(epsilon) || failed(stash))
    return failure();
  FailureOr<Value> x = ctx.input(0), scale = ctx.input(1);
  if (failed(x) || failed(scale))
    return failure();
  FailureOr<Value> optionalBias = ctx.optionalInput(2);
  if (failed(optionalBias))
    return failure();
  Value bias = *optionalBias;
  if (failed(requireF32(ctx, {*x, *scale, bias})))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  FailureOr<int64_t> axis = normalizeAxis(ctx, *axisAttr, in.size());
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> normalized = in.drop_front(*axis);
  // Scale and bias broadcast to the normalized axes; leading 1s are
  // dropped (a [1, C] scale is a [C] one).
  auto fit = [&](Value v) -> Value {
    if (!v)
      return v;
    ArrayRef<int64_t> shape = shapeOf(v);
    while (shape.size() > normalized.size() && shape.front() == 1)
      shape = shape.drop_front();
    return shape == normalized ? reshapeTo(ctx, v, normalized) : Value();
  };
  Value s = fit(*scale), b = fit(bias);
  if (!s || (bias && !b))
    return ctx.unsupported("scale or bias of another shape than the "
                           "normalized axes");
  // The Mean and InvStdDev outputs, when the model reads either.
  SmallVector<Type, 2> statistics;
  if (ctx.numUsedOutputs() > 1) {
    SmallVector<int64_t> shape(in.take_front(*axis));
    shape.append(in.size() - *axis, 1);
    statistics.assign(2, tensorOf(shape, ctx.builder().getF32Type()));
  }
  auto op = ctx.create<LayerNormOp>(x->getType(), statistics, *x, s, b,
                                    ctx.builder().getI64IntegerAttr(*axis),
                                    ctx.builder().getF32FloatAttr(*epsilon));
  for (auto [i, result] : llvm::enumerate(op->getResults()))
    ctx.setOutput(i, result);
  return success();
}

} // namespace

void mote::onnx_import::registerConvOps(HandlerMap &handlers) {
  handlers["Conv"] = importConv;
  handlers["ConvTranspose"] = importConvTranspose;
  handlers["ConvInteger"] = importConvInteger;
  handlers["QLinearConv"] = importQLinearConv;
  handlers["Gemm"] = importGemm;
  handlers["MatMul"] = importMatMul;
  handlers["MatMulInteger"] = importMatMulInteger;
  handlers["QLinearMatMul"] = importQLinearMatMul;
  handlers["MaxPool"] = importMaxPool;
  handlers["AveragePool"] = importAveragePool;
  handlers["GlobalAveragePool"] = importGlobalAveragePool;
  handlers["BatchNormalization"] = importBatchNormalization;
  handlers["LayerNormalization"] = importLayerNormalization;
}
