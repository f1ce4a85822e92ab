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

LogicalResult Lowering::lowerQuantize(QuantizeOp op) {
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
/// Requantize, and quantized relu / clamp: a rescale with a clamp.
LogicalResult Lowering::lowerRequantize(Operation *op) {
  FailureOr<QParams> in = perTensor(op, op->getOperand(0));
  FailureOr<QParams> out = perTensor(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  std::optional<double> min, max;
  if (isa<ReluOp>(op))
    min = 0.0;
  if (auto clamp = dyn_cast<ClampOp>(op)) {
    min = clamp.getMin().convertToDouble();
    max = clamp.getMax().convertToDouble();
  }
  auto [lo, hi] = mote::activationRange(out->scale, out->zeroPoint, min, max);
  Q31Multiplier q = quantizeMultiplier(in->scale / out->scale);
  int64_t count =
      cast<RankedTensorType>(op->getResult(0).getType()).getNumElements();
  return callElementwise(op, "mote_requantize_s8",
                         {builder.getI32IntegerAttr(count),
                          builder.getI32IntegerAttr(-in->zeroPoint),
                          builder.getI32IntegerAttr(q.multiplier),
                          builder.getI32IntegerAttr(q.shift),
                          builder.getI32IntegerAttr(out->zeroPoint),
                          builder.getI32IntegerAttr(lo),
                          builder.getI32IntegerAttr(hi)});
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
  SmallVector<int8_t> table;
  for (int q = -128; q <= 127; ++q) {
    // Float arithmetic as the float graph does it: dequantize, apply,
    // divide by the scale.
    float x =
        static_cast<float>(q - in->zeroPoint) * static_cast<float>(in->scale);
    float y = static_cast<float>(fn(x)) / static_cast<float>(out->scale);
    double v = std::nearbyint(y) + out->zeroPoint;
    table.push_back(static_cast<int8_t>(std::clamp(v, -128.0, 127.0)));
  }
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
