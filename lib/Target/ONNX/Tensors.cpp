//===- Tensors.cpp - ONNX tensors and shared handler helpers --------------===//

#include "Importer.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/Support/Endian.h"

#include <cstring>

using namespace mlir;
using namespace mote;
using namespace mote::onnx_import;

StringRef mote::onnx_import::onnxTypeName(int32_t onnxType) {
  if (!onnx::TensorProto::DataType_IsValid(onnxType))
    return "invalid";
  return onnx::TensorProto::DataType_Name(
      static_cast<onnx::TensorProto::DataType>(onnxType));
}

Type mote::onnx_import::convertElementType(int32_t onnxType,
                                           MLIRContext *context,
                                           bool *isUnsigned) {
  if (isUnsigned)
    *isUnsigned = onnxType == onnx::TensorProto::UINT8;
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::DOUBLE:
    return Float32Type::get(context);
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return IntegerType::get(context, 8);
  case onnx::TensorProto::BOOL:
    return IntegerType::get(context, 1);
  case onnx::TensorProto::INT32:
    return IntegerType::get(context, 32);
  case onnx::TensorProto::INT64:
    return IntegerType::get(context, 64);
  default:
    return Type();
  }
}

namespace {
/// Reads `count` little-endian values of type `T` from raw bytes.
template <typename T>
SmallVector<T> readRaw(const std::string &raw, int64_t count) {
  SmallVector<T> result(count);
  for (int64_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, raw.data() + i * sizeof(T), sizeof(T));
    result[i] =
        llvm::support::endian::byte_swap(value, llvm::endianness::little);
  }
  return result;
}
} // namespace

FailureOr<DenseElementsAttr>
mote::onnx_import::convertTensor(const onnx::TensorProto &tensor,
                                 MLIRContext *context,
                                 function_ref<InFlightDiagnostic()> emitError) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return emitError() << "external data is not supported; save the model "
                          "with its weights inside the .onnx file";
  int32_t dataType = tensor.data_type();
  Type element = convertElementType(dataType, context);
  if (!element)
    return emitError() << "unsupported element type " << onnxTypeName(dataType);
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || dim > kMaxElements)
      return emitError() << "invalid dimension " << dim;
    count *= dim;
    if (count > kMaxElements)
      return emitError() << "more than " << kMaxElements << " elements";
    shape.push_back(dim);
  }
  auto type = RankedTensorType::get(shape, element);
  bool raw = tensor.has_raw_data();
  size_t elementBytes = 0;
  int64_t stored = 0;
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    elementBytes = 4;
    stored = tensor.float_data_size();
    break;
  case onnx::TensorProto::DOUBLE:
    elementBytes = 8;
    stored = tensor.double_data_size();
    break;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    elementBytes = 1;
    stored = tensor.int32_data_size();
    break;
  case onnx::TensorProto::INT32:
    elementBytes = 4;
    stored = tensor.int32_data_size();
    break;
  case onnx::TensorProto::INT64:
    elementBytes = 8;
    stored = tensor.int64_data_size();
    break;
  }
  if (raw) {
    if (tensor.raw_data().size() != static_cast<size_t>(count) * elementBytes)
      return emitError() << "raw_data has " << tensor.raw_data().size()
                         << " bytes, expected " << count * elementBytes
                         << " for shape with " << count << " elements";
  } else if (stored != count) {
    return emitError() << "holds " << stored << " values, expected " << count;
  }

  switch (dataType) {
  case onnx::TensorProto::FLOAT: {
    SmallVector<float> data =
        raw ? readRaw<float>(tensor.raw_data(), count)
            : SmallVector<float>(tensor.float_data().begin(),
                                 tensor.float_data().end());
    return DenseElementsAttr::get(type, ArrayRef<float>(data));
  }
  case onnx::TensorProto::DOUBLE: {
    SmallVector<double> wide =
        raw ? readRaw<double>(tensor.raw_data(), count)
            : SmallVector<double>(tensor.double_data().begin(),
                                  tensor.double_data().end());
    SmallVector<float> data(wide.begin(), wide.end());
    return DenseElementsAttr::get(type, ArrayRef<float>(data));
  }
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8: {
    SmallVector<int8_t> data(count);
    for (int64_t i = 0; i < count; ++i)
      data[i] =
          static_cast<int8_t>(raw ? static_cast<uint8_t>(tensor.raw_data()[i])
                                  : static_cast<uint8_t>(tensor.int32_data(i)));
    return DenseElementsAttr::get(type, ArrayRef<int8_t>(data));
  }
  case onnx::TensorProto::BOOL: {
    SmallVector<bool> data(count);
    for (int64_t i = 0; i < count; ++i)
      data[i] = raw ? tensor.raw_data()[i] != 0 : tensor.int32_data(i) != 0;
    return DenseElementsAttr::get(type, ArrayRef<bool>(data));
  }
  case onnx::TensorProto::INT32: {
    SmallVector<int32_t> data =
        raw ? readRaw<int32_t>(tensor.raw_data(), count)
            : SmallVector<int32_t>(tensor.int32_data().begin(),
                                   tensor.int32_data().end());
    return DenseElementsAttr::get(type, ArrayRef<int32_t>(data));
  }
  case onnx::TensorProto::INT64: {
    SmallVector<int64_t> data =
        raw ? readRaw<int64_t>(tensor.raw_data(), count)
            : SmallVector<int64_t>(tensor.int64_data().begin(),
                                   tensor.int64_data().end());
    return DenseElementsAttr::get(type, ArrayRef<int64_t>(data));
  }
  }
  llvm_unreachable("element type checked above");
}

//===----------------------------------------------------------------------===//
// Handler helpers
//===----------------------------------------------------------------------===//

Value mote::onnx_import::reshapeTo(NodeContext &ctx, Value value,
                                   ArrayRef<int64_t> shape) {
  if (shapeOf(value) == shape)
    return value;
  auto type = cast<RankedTensorType>(value.getType()).clone(shape);
  // A constant is reshaped here, so that passes looking for constant
  // operands (weights to quantize) see one.
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    if (auto data = dyn_cast<DenseElementsAttr>(constant.getValue()))
      return ctx.create<arith::ConstantOp>(type,
                                           cast<TypedAttr>(data.reshape(type)));
  return ctx.create<ReshapeOp>(type, value);
}

std::string mote::onnx_import::typeName(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

FailureOr<int64_t>
mote::onnx_import::normalizeAxis(NodeContext &ctx, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return ctx.emitError() << "axis " << axis << " is out of range for rank "
                           << rank;
  return axis < 0 ? axis + rank : axis;
}

FailureOr<quant::QuantizedType> mote::onnx_import::getQuantTypeFromInputs(
    NodeContext &ctx, unsigned scaleIndex, unsigned zeroPointIndex,
    ArrayRef<int64_t> shape, int64_t axis, Type storage, bool storageUnsigned) {
  FailureOr<DenseElementsAttr> scale = ctx.requireConstant(scaleIndex, "scale");
  if (failed(scale))
    return failure();
  if (!scale->getElementType().isF32())
    return ctx.unsupported("scale element type (expected float)");
  SmallVector<double> scales;
  for (float s : scale->getValues<float>()) {
    if (!(s > 0.0f) || !std::isfinite(s))
      return ctx.emitError() << "scale " << s << " must be positive and finite";
    scales.push_back(s);
  }
  if (scales.empty())
    return ctx.emitError() << "scale is empty";
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  if (ctx.hasInput(zeroPointIndex)) {
    FailureOr<DenseElementsAttr> zp =
        ctx.requireConstant(zeroPointIndex, "zero point");
    if (failed(zp))
      return failure();
    if (zp->getNumElements() != static_cast<int64_t>(scales.size()))
      return ctx.emitError() << "zero point has " << zp->getNumElements()
                             << " values for " << scales.size() << " scales";
    storage = zp->getElementType();
    storageUnsigned = ctx.inputIsUnsigned(zeroPointIndex);
    auto intType = dyn_cast<IntegerType>(storage);
    if (!intType || intType.getWidth() > 32)
      return ctx.unsupported("zero point element type");
    unsigned i = 0;
    for (APInt z : zp->getValues<APInt>())
      zeroPoints[i++] = storageUnsigned ? z.getZExtValue() : z.getSExtValue();
  }
  Type storageType = IntegerType::get(
      ctx.getContext(), cast<IntegerType>(storage).getWidth(),
      storageUnsigned ? IntegerType::Unsigned : IntegerType::Signed);
  Type f32 = Float32Type::get(ctx.getContext());
  if (scale->getType().getRank() > 1)
    return ctx.emitError() << "scale must be a scalar or 1-D";
  // A single scale is per tensor, whatever the axis attribute says.
  if (scales.size() == 1)
    return buildQuantType(storageType, f32, scales, zeroPoints, -1);
  if (axis < 0 || axis >= static_cast<int64_t>(shape.size()) ||
      shape[axis] != static_cast<int64_t>(scales.size()))
    return ctx.emitError() << "per-axis scale has " << scales.size()
                           << " values, which does not match axis " << axis
                           << " of the tensor";
  return buildQuantType(storageType, f32, scales, zeroPoints, axis);
}

FailureOr<Type> mote::onnx_import::getIntegerStorage(NodeContext &ctx,
                                                     unsigned index,
                                                     Value value,
                                                     bool allowInt32,
                                                     bool &isUnsigned) {
  Type element = getElementTypeOrSelf(value.getType());
  isUnsigned = ctx.inputIsUnsigned(index);
  if (auto q = dyn_cast<quant::QuantizedType>(element)) {
    element = q.getStorageType();
    isUnsigned = !q.isSigned();
  }
  if (!element.isInteger(8) && !(allowInt32 && element.isInteger(32)))
    return ctx.unsupported("input " + Twine(index) + " element type " +
                           typeName(getElementTypeOrSelf(value.getType())) +
                           (allowInt32 ? " (expected int8, uint8 or int32)"
                                       : " (expected int8 or uint8)"));
  return element;
}

Value mote::onnx_import::castToQuant(NodeContext &ctx, Value value,
                                     quant::QuantizedType type) {
  auto tensorType = cast<RankedTensorType>(value.getType());
  if (tensorType.getElementType() == type)
    return value;
  if (getQuantType(tensorType))
    value = ctx.create<quant::StorageCastOp>(
        tensorType.clone(getQuantType(tensorType).getStorageType()), value);
  return ctx.create<quant::StorageCastOp>(tensorType.clone(type), value);
}

FailureOr<SmallVector<int64_t>>
mote::onnx_import::getWindowInts(NodeContext &ctx, StringRef name,
                                 ArrayRef<int64_t> dflt, unsigned spatialRank) {
  FailureOr<SmallVector<int64_t>> values =
      ctx.getInts(name, spatialRank == 1 ? dflt.take_back() : dflt);
  if (failed(values))
    return failure();
  if (values->size() != spatialRank)
    return ctx.emitError() << "expects " << spatialRank << " " << name
                           << " for a " << spatialRank << "-D window, got "
                           << values->size();
  if (spatialRank == 1)
    values->insert(values->begin(), 1);
  return values;
}

FailureOr<SmallVector<int64_t>> mote::onnx_import::getWindowPads(
    NodeContext &ctx, ArrayRef<int64_t> inputHW, ArrayRef<int64_t> kernel,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations, bool ceilMode,
    bool oneD) {
  FailureOr<std::string> autoPad = ctx.getString("auto_pad", "NOTSET");
  FailureOr<SmallVector<int64_t>> pads =
      oneD ? ctx.getInts("pads", {0, 0}) : ctx.getInts("pads", {0, 0, 0, 0});
  if (failed(autoPad) || failed(pads))
    return failure();
  if (pads->size() != (oneD ? 2u : 4u))
    return ctx.emitError() << "expects " << (oneD ? 2 : 4) << " pads for a "
                           << (oneD ? 1 : 2) << "-D window, got "
                           << pads->size();
  if (oneD)
    *pads = {0, (*pads)[0], 0, (*pads)[1]};
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2)
    return ctx.emitError() << "expects 2-D kernel_shape, strides and dilations";
  for (unsigned d = 0; d < 2; ++d)
    if (kernel[d] < 1 || strides[d] < 1 || dilations[d] < 1)
      return ctx.emitError()
             << "kernel_shape, strides and dilations must be positive";
  SmallVector<int64_t> result = *pads;
  if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    for (unsigned d = 0; d < 2; ++d) {
      int64_t out = (inputHW[d] + strides[d] - 1) / strides[d];
      int64_t effective = (kernel[d] - 1) * dilations[d] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[d] + effective - inputHW[d]);
      int64_t small = total / 2, large = total - small;
      result[d] = *autoPad == "SAME_UPPER" ? small : large;
      result[d + 2] = *autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (*autoPad == "VALID") {
    result.assign(4, 0);
  } else if (*autoPad != "NOTSET") {
    return ctx.unsupported("auto_pad '" + *autoPad + "'");
  }
  if (ceilMode) {
    // Ceil mode adds the windows that start inside the input (or the begin
    // padding) but overhang its end: extend the end padding to cover them.
    for (unsigned d = 0; d < 2; ++d) {
      int64_t effective = (kernel[d] - 1) * dilations[d] + 1;
      int64_t span = inputHW[d] + result[d] + result[d + 2] - effective;
      if (span < 0)
        continue;
      int64_t out = (span + strides[d] - 1) / strides[d] + 1;
      if ((out - 1) * strides[d] >= inputHW[d] + result[d])
        --out;
      int64_t needed = (out - 1) * strides[d] + effective - inputHW[d] -
                       result[d] - result[d + 2];
      if (needed > 0)
        result[d + 2] += needed;
    }
  }
  return result;
}
