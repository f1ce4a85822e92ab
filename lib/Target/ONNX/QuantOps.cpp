//===- QuantOps.cpp - Import of ONNX QuantizeLinear / DequantizeLinear ----===//

#include "Importer.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

#include <cmath>

using namespace mlir;
using namespace mote;
using namespace mote::onnx_import;

namespace {

/// Reads the `axis` attribute (opset 13+) and rejects blocked quantization.
FailureOr<int64_t> getQuantAxis(NodeContext &ctx, int64_t rank) {
  FailureOr<int64_t> blockSize = ctx.getInt("block_size", 0);
  FailureOr<int64_t> axis = ctx.getInt("axis", 1);
  if (failed(blockSize) || failed(axis))
    return failure();
  if (*blockSize != 0)
    return ctx.unsupported("blocked quantization (block_size " +
                           Twine(*blockSize) + ")");
  // The axis only matters for per-axis scales; getQuantTypeFromInputs
  // checks it then.
  if (*axis < 0)
    *axis += rank;
  return *axis;
}

} // namespace

/// `type` with 8-bit storage of the other signedness, every zero point
/// moved by 128 so the real values stay the same.
static quant::QuantizedType flipStorageSign(quant::QuantizedType type) {
  bool toSigned = !type.isSigned();
  int64_t shift = toSigned ? -128 : 128;
  Type storage =
      IntegerType::get(type.getContext(), 8,
                       toSigned ? IntegerType::Signed : IntegerType::Unsigned);
  if (auto t = dyn_cast<quant::UniformQuantizedType>(type))
    return buildQuantType(storage, t.getExpressedType(), {t.getScale()},
                          {t.getZeroPoint() + shift}, -1);
  auto t = cast<quant::UniformQuantizedPerAxisType>(type);
  SmallVector<int64_t> zeroPoints;
  for (int64_t z : t.getZeroPoints())
    zeroPoints.push_back(z + shift);
  return buildQuantType(storage, t.getExpressedType(), t.getScales(),
                        zeroPoints, t.getQuantizedDimension());
}

quant::QuantizedType mote::onnx_import::signedForm(quant::QuantizedType type) {
  if (type.isSigned() || type.getStorageTypeIntegralWidth() != 8)
    return type;
  return flipStorageSign(type);
}

quant::QuantizedType
mote::onnx_import::unsignedForm(quant::QuantizedType type) {
  if (!type.isSigned() || type.getStorageTypeIntegralWidth() != 8)
    return type;
  return flipStorageSign(type);
}

namespace {

LogicalResult importQuantizeLinear(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  if (!getElementTypeOrSelf(x->getType()).isF32())
    return ctx.unsupported("input element type " +
                           typeName(getElementTypeOrSelf(x->getType())) +
                           " (expected float)");
  if (ctx.getAttr("output_dtype"))
    return ctx.unsupported("output_dtype attribute");
  ArrayRef<int64_t> shape = shapeOf(*x);
  FailureOr<int64_t> axis = getQuantAxis(ctx, shape.size());
  if (failed(axis))
    return failure();
  // Without a zero point ONNX quantizes to uint8.
  FailureOr<quant::QuantizedType> type = getQuantTypeFromInputs(
      ctx, 1, 2, shape, *axis, ctx.builder().getI8Type(), true);
  if (failed(type))
    return failure();
  if (type->getStorageTypeIntegralWidth() != 8)
    return ctx.unsupported("quantization to " +
                           Twine(type->getStorageTypeIntegralWidth()) +
                           "-bit integers");
  // A quantized constant (fake-quantized weights of a QAT export) is
  // computed here, as QuantizeLinear defines it: round half to even, then
  // saturate.
  if (DenseElementsAttr constant = ctx.constantInput(0)) {
    int64_t count = constant.getNumElements();
    auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(*type);
    int64_t inner = 1;
    if (perAxis)
      for (int64_t d = perAxis.getQuantizedDimension() + 1;
           d < static_cast<int64_t>(shape.size()); ++d)
        inner *= shape[d];
    SmallVector<int8_t> values;
    values.reserve(count);
    for (auto [i, v] : llvm::enumerate(constant.getValues<float>())) {
      if (std::isnan(v))
        return ctx.emitError() << "constant input holds NaN at element " << i;
      double scale, zeroPoint;
      if (perAxis) {
        int64_t c = (i / inner) % perAxis.getScales().size();
        scale = perAxis.getScales()[c];
        zeroPoint = perAxis.getZeroPoints()[c];
      } else {
        auto t = cast<quant::UniformQuantizedType>(*type);
        scale = t.getScale();
        zeroPoint = t.getZeroPoint();
      }
      double q = std::nearbyint(static_cast<double>(v) / scale) + zeroPoint;
      q = std::clamp<double>(q, type->getStorageTypeMin(),
                             type->getStorageTypeMax());
      values.push_back(static_cast<int8_t>(static_cast<int64_t>(q)));
    }
    ctx.setConstantOutput(
        0,
        DenseElementsAttr::get(tensorOf(shape, ctx.builder().getI8Type()),
                               ArrayRef(values)),
        !type->isSigned());
    return success();
  }
  // uint8 activations (ONNX's default, PyTorch's fbgemm and ONNX Runtime's
  // QDQ quantizers) are computed in their signed form: the same real values
  // with the integers and zero point moved down by 128, the storage every
  // integer kernel reads.
  ctx.setOutput(0,
                ctx.create<QuantizeOp>(tensorOf(shape, signedForm(*type)), *x),
                !type->isSigned());
  return success();
}

LogicalResult importDequantizeLinear(NodeContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  bool isUnsigned = false;
  FailureOr<Type> storage =
      getIntegerStorage(ctx, 0, *x, /*allowInt32=*/true, isUnsigned);
  if (failed(storage))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  FailureOr<int64_t> axis = getQuantAxis(ctx, shape.size());
  if (failed(axis))
    return failure();
  FailureOr<quant::QuantizedType> type =
      getQuantTypeFromInputs(ctx, 1, 2, shape, *axis, *storage, isUnsigned);
  if (failed(type))
    return failure();
  if (type->getStorageTypeIntegralWidth() != storage->getIntOrFloatBitWidth())
    return ctx.emitError() << "zero point type does not match the input";
  // A QuantizeLinear (or Clip of one) already gave uint8 values their
  // signed form.
  Value quantized = getQuantType(x->getType()) == signedForm(*type)
                        ? *x
                        : castToQuant(ctx, *x, *type);
  ctx.setOutput(0, ctx.create<DequantizeOp>(
                       tensorOf(shape, ctx.builder().getF32Type()), quantized));
  return success();
}

} // namespace

void mote::onnx_import::registerQuantOps(HandlerMap &handlers) {
  handlers["QuantizeLinear"] = importQuantizeLinear;
  handlers["DequantizeLinear"] = importDequantizeLinear;
}
