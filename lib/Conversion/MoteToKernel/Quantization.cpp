//===- Quantization.cpp - Quantize, dequantize, requantize, lookup tables -===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

/// The per-tensor uint8 type of `v`, if it has one (boundary tensors of
/// models with uint8 inputs or outputs).
static quant::UniformQuantizedType unsignedPerTensor(Value v) {
  auto type =
      dyn_cast_or_null<quant::UniformQuantizedType>(getQuantType(v.getType()));
  if (type && !type.isSigned() && type.getStorageTypeIntegralWidth() == 8)
    return type;
  return {};
}

/// A per-axis quantize or dequantize (ONNX's per-axis QuantizeLinear /
/// DequantizeLinear at a model's boundary): the tensor as [outer, channels,
/// inner] with one scale and zero point per channel.
LogicalResult Lowering::lowerPerAxis(Operation *op,
                                     quant::UniformQuantizedPerAxisType type,
                                     StringRef callee) {
  if (type.getStorageTypeIntegralWidth() != 8)
    return op->emitOpError("has no C lowering for ") << type << " yet";
  ArrayRef<int64_t> shape = shapeOf(op->getResult(0));
  int64_t axis = type.getQuantizedDimension(), outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  SmallVector<float> scales;
  for (double s : type.getScales())
    scales.push_back(static_cast<float>(s));
  SmallVector<int32_t> zeroPoints(type.getZeroPoints().begin(),
                                  type.getZeroPoints().end());
  Value s = arrayGlobal(
      "scales",
      DenseElementsAttr::get(
          RankedTensorType::get({int64_t(scales.size())}, builder.getF32Type()),
          ArrayRef(scales)));
  Value z = i32Array("zero_points", zeroPoints);
  FailureOr<Value> input = buffer(op, op->getOperand(0));
  FailureOr<Value> output = buffer(op, op->getResult(0));
  if (failed(input) || failed(output))
    return failure();
  call(callee, {s, z, *input, *output},
       {i32(outer), i32(scales.size()), i32(inner),
        i32(type.isSigned() ? 0 : 1)});
  return success();
}

LogicalResult Lowering::lowerQuantize(QuantizeOp op) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
          getQuantType(op.getOutput().getType())))
    return lowerPerAxis(op, perAxis, "mote_quantize_axis_f32");
  int64_t count = cast<RankedTensorType>(op.getType()).getNumElements();
  if (auto u8 = unsignedPerTensor(op.getOutput()))
    return callElementwise(op, "mote_quantize_f32_u8",
                           {builder.getI32IntegerAttr(count),
                            builder.getF32FloatAttr(u8.getScale()),
                            builder.getI32IntegerAttr(u8.getZeroPoint())});
  FailureOr<QParams> out = perTensor(op, op.getOutput());
  if (failed(out))
    return failure();
  return callElementwise(
      op, "mote_quantize_f32_s8",
      {builder.getI32IntegerAttr(count), builder.getF32FloatAttr(out->scale),
       builder.getI32IntegerAttr(out->zeroPoint),
       builder.getI32IntegerAttr(-128), builder.getI32IntegerAttr(127)});
}
LogicalResult Lowering::lowerDequantize(DequantizeOp op) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
          getQuantType(op.getInput().getType())))
    return lowerPerAxis(op, perAxis, "mote_dequantize_axis_f32");
  int64_t count = cast<RankedTensorType>(op.getType()).getNumElements();
  if (auto u8 = unsignedPerTensor(op.getInput()))
    return callElementwise(op, "mote_dequantize_u8_f32",
                           {builder.getI32IntegerAttr(count),
                            builder.getF32FloatAttr(u8.getScale()),
                            builder.getI32IntegerAttr(u8.getZeroPoint())});
  FailureOr<QParams> in = perTensor(op, op.getInput());
  if (failed(in))
    return failure();
  return callElementwise(op, "mote_dequantize_s8_f32",
                         {builder.getI32IntegerAttr(count),
                          builder.getF32FloatAttr(in->scale),
                          builder.getI32IntegerAttr(in->zeroPoint)});
}
/// Requantize, and quantized relu / clamp: a rescale with a clamp. A
/// requantize from or to uint8 (a uint8 graph input or output of an int8
/// graph) takes the mixed kernel.
LogicalResult Lowering::lowerRequantize(Operation *op) {
  auto params = [&](Value v) -> FailureOr<QParams> {
    if (auto u8 = unsignedPerTensor(v))
      return QParams{u8.getScale(), u8.getZeroPoint()};
    return perTensor(op, v);
  };
  FailureOr<QParams> in = params(op->getOperand(0));
  FailureOr<QParams> out = params(op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  bool inU8 = bool(unsignedPerTensor(op->getOperand(0)));
  bool outU8 = bool(unsignedPerTensor(op->getResult(0)));
  std::optional<double> min, max;
  if (isa<ReluOp>(op))
    min = 0.0;
  if (auto clamp = dyn_cast<ClampOp>(op)) {
    min = clamp.getMin().convertToDouble();
    max = clamp.getMax().convertToDouble();
  }
  // The range of the output's storage: uint8 as its signed form, moved.
  auto [lo, hi] = mote::activationRange(
      out->scale, out->zeroPoint - (outU8 ? 128 : 0), min, max);
  if (outU8) {
    lo += 128;
    hi += 128;
  }
  Q31Multiplier q = quantizeMultiplier(in->scale / out->scale);
  int64_t count =
      cast<RankedTensorType>(op->getResult(0).getType()).getNumElements();
  SmallVector<Attribute> scalars = {builder.getI32IntegerAttr(count),
                                    builder.getI32IntegerAttr(-in->zeroPoint),
                                    builder.getI32IntegerAttr(q.multiplier),
                                    builder.getI32IntegerAttr(q.shift),
                                    builder.getI32IntegerAttr(out->zeroPoint),
                                    builder.getI32IntegerAttr(lo),
                                    builder.getI32IntegerAttr(hi)};
  if (!inU8 && !outU8)
    return callElementwise(op, "mote_requantize_s8", scalars);
  scalars.push_back(builder.getI32IntegerAttr(inU8));
  scalars.push_back(builder.getI32IntegerAttr(outU8));
  return callElementwise(op, "mote_requantize_mixed_s8", scalars);
}
/// An int8 element-wise function as a 256-entry table of
/// quantize(fn(dequantize(q))), rounded half to even like QuantizeLinear.
LogicalResult
Lowering::lowerLookupTable(Operation *op,
                           llvm::function_ref<double(double)> fn) {
  FailureOr<QParams> in = perTensor(op, op->getOperand(0));
  FailureOr<QParams> out = perTensor(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  std::array<int8_t, 256> table;
  for (int q = -128; q <= 127; ++q) {
    // Float arithmetic as the float graph does it: dequantize, apply,
    // divide by the scale.
    float x =
        static_cast<float>(q - in->zeroPoint) * static_cast<float>(in->scale);
    float y = static_cast<float>(fn(x)) / static_cast<float>(out->scale);
    double v = std::nearbyint(y) + out->zeroPoint;
    table[q + 128] = static_cast<int8_t>(std::clamp(v, -128.0, 127.0));
  }
  return lowerTable(op, table);
}
LogicalResult Lowering::lowerTable(Operation *op,
                                   const std::array<int8_t, 256> &table) {
  Value t = arrayGlobal(
      "table",
      DenseElementsAttr::get(RankedTensorType::get({256}, builder.getI8Type()),
                             ArrayRef(table)));
  FailureOr<Value> input = buffer(op, op->getOperand(0));
  FailureOr<Value> output = buffer(op, op->getResult(0));
  if (failed(input) || failed(output))
    return failure();
  int64_t count =
      cast<RankedTensorType>(op->getResult(0).getType()).getNumElements();
  call("mote_lut_s8", {t, *input, *output}, {builder.getI32IntegerAttr(count)});
  return success();
}
LogicalResult Lowering::lowerQuantizeS8(QuantizeOp o) {
  return lowerQuantize(o);
}
LogicalResult Lowering::lowerDequantizeS8(DequantizeOp o) {
  return lowerDequantize(o);
}
LogicalResult Lowering::lowerRequantizeS8(Operation *o) {
  return lowerRequantize(o);
}

void mote::lowering::populateQuantizationPatterns(LoweringPatterns &patterns) {
  patterns.add<QuantizeOp>(LoweringDomain::Integer, &Lowering::lowerQuantizeS8);
  patterns.add<DequantizeOp>(LoweringDomain::Integer,
                             &Lowering::lowerDequantizeS8);
  patterns.add<RequantizeOp>(LoweringDomain::Integer,
                             &Lowering::lowerRequantizeS8);
  patterns.add<ReluOp>(LoweringDomain::Integer, &Lowering::lowerRequantizeS8);
  patterns.add<ClampOp>(LoweringDomain::Integer, &Lowering::lowerRequantizeS8);
}
