//===- Elementwise.cpp - Element-wise arithmetic, activations, softmax ----===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

LogicalResult Lowering::lowerBinary(Operation *op, StringRef callee) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  FailureOr<QParams> a = perTensor(op, lhs), b = perTensor(op, rhs),
                     out = perTensor(op, op->getResult(0));
  if (failed(a) || failed(b) || failed(out))
    return failure();
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  if (shape.size() > 4)
    return op->emitOpError("has no C lowering for rank above 4");
  Q31Multiplier lm, rm, om;
  int64_t leftShift = 0;
  if (callee == "mote_mul_s8") {
    om = quantizeMultiplier(a->scale * b->scale / out->scale);
  } else if (callee == "mote_prelu_s8") {
    // x >= 0 is rescaled alone, x < 0 times its slope.
    lm = quantizeMultiplier(a->scale / out->scale);
    om = quantizeMultiplier(a->scale * b->scale / out->scale);
  } else {
    // TFLite's scheme: inputs to a common scale twice the larger one, with
    // 20 bits of headroom.
    leftShift = 20;
    double twiceMax = 2 * std::max(a->scale, b->scale);
    lm = quantizeMultiplier(a->scale / twiceMax);
    rm = quantizeMultiplier(b->scale / twiceMax);
    om = quantizeMultiplier(twiceMax / (double(1 << leftShift) * out->scale));
  }
  abi::mote_binary_s8_params params;
  setBroadcast(params, cast<RankedTensorType>(lhs.getType()).getShape(),
               cast<RankedTensorType>(rhs.getType()).getShape(), shape);
  params.lhs_offset = -a->zeroPoint;
  params.rhs_offset = -b->zeroPoint;
  params.left_shift = leftShift;
  params.lhs_multiplier = lm.multiplier;
  params.lhs_shift = lm.shift;
  params.rhs_multiplier = rm.multiplier;
  params.rhs_shift = rm.shift;
  params.output_multiplier = om.multiplier;
  params.output_shift = om.shift;
  setInt8Output(params, out->zeroPoint, activationRange(op, *out));
  FailureOr<Value> l = buffer(op, lhs), r = buffer(op, rhs),
                   o = buffer(op, op->getResult(0));
  if (failed(l) || failed(r) || failed(o))
    return failure();
  callWith(callee, params, {*l, *r, *o});
  return success();
}
LogicalResult Lowering::lowerSoftmax(SoftmaxOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  int64_t rank = type.getRank();
  int64_t axis = int64_t(op.getAxis()) < 0 ? int64_t(op.getAxis()) + rank
                                           : int64_t(op.getAxis());
  int64_t n = type.getDimSize(axis);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= type.getDimSize(d);
  int64_t outer = type.getNumElements() / (n * inner);
  if (!type.getElementType().isF32())
    return lowerSoftmaxInt8(op, outer, n, inner);
  if (axis != rank - 1)
    return callElementwise(op, "mote_softmax_axis_f32",
                           {builder.getI32IntegerAttr(outer),
                            builder.getI32IntegerAttr(n),
                            builder.getI32IntegerAttr(inner)});
  return callElementwise(
      op, "mote_softmax_f32",
      {builder.getI32IntegerAttr(outer), builder.getI32IntegerAttr(n)});
}
/// TFLite's int8 softmax (mote_softmax_s8): its output has scale 1/256 and
/// zero point -128, as TFLite requires.
LogicalResult Lowering::lowerSoftmaxInt8(SoftmaxOp op, int64_t outer, int64_t n,
                                         int64_t inner) {
  FailureOr<QParams> in = perTensor(op, op.getInput());
  FailureOr<QParams> out = perTensor(op, op.getResult());
  if (failed(in) || failed(out))
    return failure();
  for (Value v : {op.getInput(), op.getResult()}) {
    quant::QuantizedType q = getQuantType(v.getType());
    if (!q.isSigned() || q.getStorageTypeIntegralWidth() != 8)
      return op.emitOpError("has no C lowering for a softmax of other than "
                            "int8 tensors");
  }
  if (out->scale != 1.0 / 256 || out->zeroPoint != -128)
    return op.emitOpError("has no C lowering for an int8 result of scale ")
           << out->scale << " and zero point " << out->zeroPoint
           << " (int8 softmax needs scale 1/256 and zero point -128)";
  std::optional<TFLiteSoftmaxParams> tfl = tfliteSoftmaxParams(in->scale, 1.0);
  if (!tfl)
    return op.emitOpError("has no C lowering for an input scale of ")
           << in->scale << " (below 2^-26)";
  abi::mote_softmax_s8_params params;
  params.outer = outer;
  params.n = n;
  params.inner = inner;
  params.input_multiplier = tfl->multiplier;
  params.input_left_shift = tfl->leftShift;
  params.diff_min = tfl->diffMin;
  FailureOr<SmallVector<Value>> io = buffers({op.getInput(), op.getResult()});
  if (failed(io))
    return failure();
  callWith("mote_softmax_s8", params, *io);
  return success();
}
LogicalResult Lowering::lowerBinaryF32(Operation *o) {
  ArrayRef<int64_t> shape = shapeOf(o->getResult(0));
  if (shape.size() > 4)
    return o->emitOpError("has no C lowering for rank above 4");
  abi::mote_broadcast_params params;
  setBroadcast(params, shapeOf(o->getOperand(0)), shapeOf(o->getOperand(1)),
               shape);
  FailureOr<SmallVector<Value>> io =
      buffers({o->getOperand(0), o->getOperand(1), o->getResult(0)});
  if (failed(io))
    return failure();
  // PReLU broadcasts its slope like an operand and has no fused clamp.
  if (isa<PReluOp>(o)) {
    callWith("mote_prelu_f32", params, *io);
    return success();
  }
  StringRef callee = isa<AddOp>(o)   ? "mote_add_f32"
                     : isa<SubOp>(o) ? "mote_sub_f32"
                                     : "mote_mul_f32";
  callWith(callee, params, *io, floatBounds(o));
  return success();
}
LogicalResult Lowering::lowerReluF32(ReluOp o) {
  return activation(abi::Activation::Clamp, 0.0f, big);
}
LogicalResult Lowering::lowerClampF32(ClampOp o) {
  // An unbounded side (TFLite's RELU is a clamp to [0, inf)) becomes the
  // largest float: C99 has no infinity literal outside math.h.
  return activation(abi::Activation::Clamp,
                    std::max(o.getMin().convertToFloat(), -big),
                    std::min(o.getMax().convertToFloat(), big));
}
LogicalResult Lowering::lowerSigmoidF32(SigmoidOp o) {
  return activation(abi::Activation::Sigmoid, 0.0f, 0.0f);
}
LogicalResult Lowering::lowerTanhF32(TanhOp o) {
  return activation(abi::Activation::Tanh, 0.0f, 0.0f);
}
LogicalResult Lowering::lowerHardSigmoidF32(HardSigmoidOp o) {
  return activation(abi::Activation::HardSigmoid, o.getAlpha().convertToFloat(),
                    o.getBeta().convertToFloat());
}
LogicalResult Lowering::lowerHardSwishF32(HardSwishOp o) {
  return activation(abi::Activation::HardSwish, 0.0f, 0.0f);
}
LogicalResult Lowering::lowerLeakyReluF32(LeakyReluOp o) {
  return activation(abi::Activation::LeakyRelu, o.getAlpha().convertToFloat(),
                    0.0f);
}
LogicalResult Lowering::lowerEluF32(EluOp o) {
  return activation(abi::Activation::Elu, o.getAlpha().convertToFloat(),
                    o.getScale().convertToFloat());
}
LogicalResult Lowering::lowerErfF32(ErfOp o) {
  return activation(abi::Activation::Erf, 0.0f, 0.0f);
}
LogicalResult Lowering::lowerGeluF32(GeluOp o) {
  return activation(abi::Activation::Gelu,
                    o.isTanhApproximation() ? 1.0f : 0.0f, 0.0f);
}
LogicalResult Lowering::lowerSoftmaxF32(SoftmaxOp o) { return lowerSoftmax(o); }
LogicalResult Lowering::lowerAddS8(AddOp o) {
  return lowerBinary(o, "mote_add_s8");
}
LogicalResult Lowering::lowerSubS8(SubOp o) {
  return lowerBinary(o, "mote_sub_s8");
}
LogicalResult Lowering::lowerMulS8(MulOp o) {
  return lowerBinary(o, "mote_mul_s8");
}
LogicalResult Lowering::lowerPReluS8(PReluOp o) {
  return lowerBinary(o, "mote_prelu_s8");
}
LogicalResult Lowering::lowerSoftmaxS8(SoftmaxOp o) { return lowerSoftmax(o); }
LogicalResult
Lowering::lowerTFLiteActivation(Operation *op, bool tanh,
                                llvm::function_ref<double(double)> fn) {
  FailureOr<QParams> in = perTensor(op, op->getOperand(0));
  FailureOr<QParams> out = perTensor(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  // TFLite's kernels write these outputs at a fixed quantization.
  bool fixed = tanh ? out->scale == 1.0 / 128 && out->zeroPoint == 0
                    : out->scale == 1.0 / 256 && out->zeroPoint == -128;
  if (tfliteNumerics(op) && fixed)
    if (std::optional<std::array<int8_t, 256>> table =
            tfliteActivationTable(tanh, in->scale, in->zeroPoint))
      return lowerTable(op, *table);
  return lowerLookupTable(op, fn);
}
LogicalResult Lowering::lowerSigmoidS8(SigmoidOp o) {
  return lowerTFLiteActivation(
      o, /*tanh=*/false, [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
}
LogicalResult Lowering::lowerTanhS8(TanhOp o) {
  return lowerTFLiteActivation(o, /*tanh=*/true,
                               [](double x) { return std::tanh(x); });
}
LogicalResult Lowering::lowerHardSigmoidS8(HardSigmoidOp o) {
  double alpha = o.getAlpha().convertToDouble(),
         beta = o.getBeta().convertToDouble();
  return lowerLookupTable(
      o, [=](double x) { return std::clamp(alpha * x + beta, 0.0, 1.0); });
}
LogicalResult Lowering::lowerLeakyReluS8(LeakyReluOp o) {
  double alpha = o.getAlpha().convertToDouble();
  if (tfliteNumerics(o)) {
    FailureOr<QParams> in = perTensor(o, o.getInput());
    FailureOr<QParams> out = perTensor(o, o.getResult());
    if (failed(in) || failed(out))
      return failure();
    return lowerTable(o, tfliteLeakyReluTable(in->scale, in->zeroPoint,
                                              o.getAlpha().convertToFloat(),
                                              out->scale, out->zeroPoint));
  }
  return lowerLookupTable(o, [=](double x) { return x >= 0 ? x : alpha * x; });
}
LogicalResult Lowering::lowerEluS8(EluOp o) {
  double alpha = o.getAlpha().convertToDouble(),
         scale = o.getScale().convertToDouble();
  return lowerLookupTable(
      o, [=](double x) { return scale * (x > 0 ? x : alpha * std::expm1(x)); });
}
LogicalResult Lowering::lowerErfS8(ErfOp o) {
  return lowerLookupTable(o, [](double x) { return std::erf(x); });
}
LogicalResult Lowering::lowerGeluS8(GeluOp o) {
  if (o.isTanhApproximation())
    return lowerLookupTable(o, [](double x) {
      double u = std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x);
      return 0.5 * x * (1.0 + std::tanh(u));
    });
  return lowerLookupTable(
      o, [](double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); });
}
LogicalResult Lowering::lowerHardSwishS8(HardSwishOp o) {
  if (tfliteNumerics(o)) {
    FailureOr<QParams> in = perTensor(o, o.getInput());
    FailureOr<QParams> out = perTensor(o, o.getResult());
    if (failed(in) || failed(out))
      return failure();
    if (std::optional<std::array<int8_t, 256>> table = tfliteHardSwishTable(
            in->scale, in->zeroPoint, out->scale, out->zeroPoint))
      return lowerTable(o, *table);
  }
  return lowerLookupTable(
      o, [](double x) { return x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0); });
}

LogicalResult Lowering::lowerLayerNorm(LayerNormOp o) {
  ArrayRef<int64_t> in = shapeOf(o.getInput());
  int64_t inner = 1;
  for (int64_t d : in.drop_front(o.getAxis()))
    inner *= d;
  int64_t outer = countOf(o.getInput()) / inner;
  FailureOr<Value> bias = biasBuffer(o.getBias(), inner);
  FailureOr<SmallVector<Value>> io =
      buffers({o.getInput(), o.getScale(), o.getOutput()});
  if (failed(bias) || failed(io))
    return failure();
  call("mote_layer_norm_f32", {(*io)[0], (*io)[1], *bias, (*io)[2]},
       {i32(outer), i32(inner), f32(o.getEpsilon().convertToDouble())});
  if (o.getStatistics().empty())
    return success();
  FailureOr<SmallVector<Value>> stats = buffers(o.getStatistics());
  if (failed(stats))
    return failure();
  call("mote_layer_norm_stats_f32", {(*io)[0], (*stats)[0], (*stats)[1]},
       {i32(outer), i32(inner), f32(o.getEpsilon().convertToDouble())},
       /*paramsType=*/"", /*params=*/{}, /*numOutputs=*/2);
  return success();
}

/// The int8 layer norm: the constant scale and bias become per-column Q31
/// multipliers (scale / output scale, signed) and Q16 biases (bias / output
/// scale); the epsilon joins the row's variance in the kernel's units,
/// inner^2 times the variance over the input scale squared, in Q16.
LogicalResult Lowering::lowerLayerNormS8(LayerNormOp o) {
  FailureOr<QParams> in = perTensor(o, o.getInput()),
                     out = perTensor(o, o.getOutput());
  if (failed(in) || failed(out))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(o.getInput());
  int64_t inner = 1;
  for (int64_t d : shape.drop_front(o.getAxis()))
    inner *= d;
  if (inner > 8192)
    return o.emitOpError("has no int8 C lowering for rows of more than 8192 "
                         "elements");
  DenseElementsAttr scale = constantOf(o.getScale());
  DenseElementsAttr bias = o.getBias() ? constantOf(o.getBias()) : nullptr;
  if (!scale || (o.getBias() && !bias))
    return o.emitOpError("has no int8 C lowering for a non-constant scale or "
                         "bias");
  SmallVector<int32_t> multipliers, shifts, biases;
  SmallVector<float> gammas(scale.getValues<float>());
  SmallVector<float> betas = bias ? SmallVector<float>(bias.getValues<float>())
                                  : SmallVector<float>(inner, 0.0f);
  for (int64_t i = 0; i < inner; ++i) {
    double factor = gammas[i] / out->scale;
    double offset = betas[i] / out->scale * 65536.0;
    Q31Multiplier m = quantizeMultiplier(std::fabs(factor));
    if (!std::isfinite(factor) || m.shift > 15 ||
        !(std::fabs(offset) < 2147483647.0))
      return o.emitOpError("has no int8 C lowering for column ")
             << i << ": scale " << gammas[i] << " and bias " << betas[i]
             << " are too large for the output scale " << out->scale;
    multipliers.push_back(factor < 0 ? -m.multiplier : m.multiplier);
    shifts.push_back(m.shift);
    biases.push_back(static_cast<int32_t>(std::llround(offset)));
  }
  double epsilon = static_cast<double>(inner) * static_cast<double>(inner) *
                   o.getEpsilon().convertToDouble() / (in->scale * in->scale) *
                   65536.0;
  if (!(epsilon < std::ldexp(1.0, 61)))
    return o.emitOpError("has no int8 C lowering for epsilon ")
           << o.getEpsilon().convertToDouble()
           << ": it dwarfs the variance the input scale " << in->scale
           << " can express";
  int64_t epsilonQ16 = std::llround(epsilon);
  abi::mote_layer_norm_s8_params params;
  params.outer = countOf(o.getInput()) / inner;
  params.inner = inner;
  params.input_offset = -in->zeroPoint;
  params.output_offset = out->zeroPoint;
  params.epsilon_high = epsilonQ16 >> 31;
  params.epsilon_low = epsilonQ16 & 0x7fffffff;
  FailureOr<SmallVector<Value>> io = buffers({o.getInput(), o.getOutput()});
  if (failed(io))
    return failure();
  callWith("mote_layer_norm_s8", params,
           {(*io)[0], i32Array("multiplier", multipliers),
            i32Array("shift", shifts), i32Array("bias", biases), (*io)[1]});
  return success();
}

/// A comparison of floats or of signed integers; its i1 result is one byte
/// per element.
LogicalResult Lowering::lowerCompare(CompareOp o) {
  ArrayRef<int64_t> shape = shapeOf(o.getOutput());
  if (shape.size() > 4)
    return o.emitOpError("has no C lowering for rank above 4");
  abi::mote_broadcast_params params;
  setBroadcast(params, shapeOf(o.getLhs()), shapeOf(o.getRhs()), shape);
  FailureOr<SmallVector<Value>> io =
      buffers({o.getLhs(), o.getRhs(), o.getOutput()});
  if (failed(io))
    return failure();
  auto predicate = llvm::StringSwitch<abi::ComparePredicate>(o.getPredicate())
                       .Case("eq", abi::ComparePredicate::Eq)
                       .Case("lt", abi::ComparePredicate::Lt)
                       .Case("le", abi::ComparePredicate::Le)
                       .Case("gt", abi::ComparePredicate::Gt)
                       .Default(abi::ComparePredicate::Ge);
  Attribute code = builder.getI32IntegerAttr(static_cast<int32_t>(predicate));
  Type element = getElementTypeOrSelf(o.getLhs().getType());
  if (element.isF32()) {
    callWith("mote_compare_f32", params, *io, {code});
    return success();
  }
  // Integers (and bools, one byte each) by their storage size.
  unsigned bytes = std::max(element.getIntOrFloatBitWidth() / 8, 1u);
  callWith("mote_compare_int", params, *io,
           {code, builder.getI32IntegerAttr(bytes)});
  return success();
}

void mote::lowering::populateElementwisePatterns(LoweringPatterns &patterns) {
  patterns.add<AddOp>(LoweringDomain::Float, &Lowering::lowerBinaryF32);
  patterns.add<SubOp>(LoweringDomain::Float, &Lowering::lowerBinaryF32);
  patterns.add<MulOp>(LoweringDomain::Float, &Lowering::lowerBinaryF32);
  patterns.add<ReluOp>(LoweringDomain::Float, &Lowering::lowerReluF32);
  patterns.add<ClampOp>(LoweringDomain::Float, &Lowering::lowerClampF32);
  patterns.add<SigmoidOp>(LoweringDomain::Float, &Lowering::lowerSigmoidF32);
  patterns.add<TanhOp>(LoweringDomain::Float, &Lowering::lowerTanhF32);
  patterns.add<HardSigmoidOp>(LoweringDomain::Float,
                              &Lowering::lowerHardSigmoidF32);
  patterns.add<HardSwishOp>(LoweringDomain::Float,
                            &Lowering::lowerHardSwishF32);
  patterns.add<LeakyReluOp>(LoweringDomain::Float,
                            &Lowering::lowerLeakyReluF32);
  patterns.add<EluOp>(LoweringDomain::Float, &Lowering::lowerEluF32);
  patterns.add<LayerNormOp>(LoweringDomain::Float, &Lowering::lowerLayerNorm);
  patterns.add<ErfOp>(LoweringDomain::Float, &Lowering::lowerErfF32);
  patterns.add<GeluOp>(LoweringDomain::Float, &Lowering::lowerGeluF32);
  patterns.add<PReluOp>(LoweringDomain::Float, &Lowering::lowerBinaryF32);
  patterns.add<SoftmaxOp>(LoweringDomain::Float, &Lowering::lowerSoftmaxF32);
  // The i1 result puts a comparison in the integer domain.
  patterns.add<CompareOp>(LoweringDomain::Integer, &Lowering::lowerCompare);
  patterns.add<LayerNormOp>(LoweringDomain::Integer,
                            &Lowering::lowerLayerNormS8);
  patterns.add<AddOp>(LoweringDomain::Integer, &Lowering::lowerAddS8);
  patterns.add<SubOp>(LoweringDomain::Integer, &Lowering::lowerSubS8);
  patterns.add<MulOp>(LoweringDomain::Integer, &Lowering::lowerMulS8);
  patterns.add<SoftmaxOp>(LoweringDomain::Integer, &Lowering::lowerSoftmaxS8);
  patterns.add<SigmoidOp>(LoweringDomain::Integer, &Lowering::lowerSigmoidS8);
  patterns.add<TanhOp>(LoweringDomain::Integer, &Lowering::lowerTanhS8);
  patterns.add<HardSigmoidOp>(LoweringDomain::Integer,
                              &Lowering::lowerHardSigmoidS8);
  patterns.add<HardSwishOp>(LoweringDomain::Integer,
                            &Lowering::lowerHardSwishS8);
  patterns.add<LeakyReluOp>(LoweringDomain::Integer,
                            &Lowering::lowerLeakyReluS8);
  patterns.add<EluOp>(LoweringDomain::Integer, &Lowering::lowerEluS8);
  patterns.add<ErfOp>(LoweringDomain::Integer, &Lowering::lowerErfS8);
  patterns.add<GeluOp>(LoweringDomain::Integer, &Lowering::lowerGeluS8);
  patterns.add<PReluOp>(LoweringDomain::Integer, &Lowering::lowerPReluS8);
}
