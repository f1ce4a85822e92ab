//===- DataMovement.cpp - Transpose, concat, pad, slice and insert --------===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

LogicalResult Lowering::lowerTranspose(TransposeOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  if (type.getRank() > 6)
    return op.emitOpError("has no C lowering for rank above 6");
  SmallVector<int32_t> dims(type.getShape().begin(), type.getShape().end());
  SmallVector<int32_t> perm(op.getPerm().begin(), op.getPerm().end());
  int64_t bytes = getTensorBytes(type) / type.getNumElements();
  Value d = i32Array("dims", dims), p = i32Array("perm", perm);
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  call("mote_transpose", {d, p, *input, *output},
       {builder.getI32IntegerAttr(bytes),
        builder.getI32IntegerAttr(type.getRank())});
  return success();
}
LogicalResult Lowering::lowerConcat(ConcatOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  for (Value input : op.getInputs())
    if (getElementTypeOrSelf(input.getType()) != type.getElementType())
      return op.emitOpError("has no C lowering for inputs quantized unlike "
                            "the result yet");
  int64_t axis = op.getAxis();
  int64_t elementBytes = getTensorBytes(type) / type.getNumElements();
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= type.getDimSize(d);
  int64_t total = type.getNumElements() / outer, offset = 0;
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(output))
    return failure();
  for (Value input : op.getInputs()) {
    int64_t inner =
        cast<RankedTensorType>(input.getType()).getNumElements() / outer;
    FailureOr<Value> in = buffer(op, input);
    if (failed(in))
      return failure();
    call("mote_concat_part", {*in, *output},
         {builder.getI32IntegerAttr(elementBytes),
          builder.getI32IntegerAttr(outer), builder.getI32IntegerAttr(inner),
          builder.getI32IntegerAttr(offset), builder.getI32IntegerAttr(total)});
    offset += inner;
  }
  return success();
}
LogicalResult Lowering::lowerSlice(SliceOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  if (type.getRank() > 6)
    return op.emitOpError("has no C lowering for rank above 6");
  Value d = i32Array("dims", toI32(type.getShape())),
        st = i32Array("starts", toI32(op.getStarts())),
        sp = i32Array("steps", toI32(op.getSteps())),
        od = i32Array("out_dims",
                      toI32(cast<RankedTensorType>(op.getType()).getShape()));
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  call("mote_slice", {d, st, sp, od, *input, *output},
       {builder.getI32IntegerAttr(getTensorBytes(type) / type.getNumElements()),
        builder.getI32IntegerAttr(type.getRank())});
  return success();
}
/// One kernel call whatever the element type: the rows are copied, so a
/// quantized table stays quantized.
LogicalResult Lowering::lowerGather(GatherOp op) {
  auto data = cast<RankedTensorType>(op.getData().getType());
  auto indices = cast<RankedTensorType>(op.getIndices().getType());
  int64_t axis = op.getAxis(), outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= data.getDimSize(d);
  for (int64_t d = axis + 1; d < data.getRank(); ++d)
    inner *= data.getDimSize(d);
  FailureOr<Value> table = buffer(op, op.getData());
  FailureOr<Value> ids = buffer(op, op.getIndices());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(table) || failed(ids) || failed(output))
    return failure();
  auto i32 = [&](int64_t v) { return builder.getI32IntegerAttr(v); };
  call("mote_gather", {*table, *ids, *output},
       {i32(getTensorBytes(data) / data.getNumElements()),
        i32(indices.getElementTypeBitWidth() / 8), i32(outer),
        i32(data.getDimSize(axis)), i32(indices.getNumElements()), i32(inner)});
  return success();
}
/// One kernel call whatever the choices' element type (they share it with
/// the result, so the values are copied).
LogicalResult Lowering::lowerWhere(WhereOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  if (shape.size() > 4)
    return op.emitOpError("has no C lowering for rank above 4");
  abi::mote_where_params params;
  setBroadcast(params, shapeOf(op.getOnTrue()), shapeOf(op.getOnFalse()),
               shape);
  SmallVector<int64_t> dims(4 - shape.size(), 1);
  llvm::append_range(dims, shape);
  SmallVector<int64_t> cs = broadcastStrides(shapeOf(op.getCondition()), dims);
  params.cond_stride0 = cs[0];
  params.cond_stride1 = cs[1];
  params.cond_stride2 = cs[2];
  params.cond_stride3 = cs[3];
  auto type = cast<RankedTensorType>(op.getType());
  params.element_bytes = getTensorBytes(type) / type.getNumElements();
  FailureOr<SmallVector<Value>> io = buffers(
      {op.getCondition(), op.getOnTrue(), op.getOnFalse(), op.getOutput()});
  if (failed(io))
    return failure();
  callWith("mote_where", params, *io);
  return success();
}
LogicalResult Lowering::callInsertSlice(Operation *op, Value patch, Value dest,
                                        Value output,
                                        ArrayRef<int64_t> offsets) {
  auto type = cast<MemRefType>(dest.getType());
  if (type.getRank() > 6)
    return op->emitOpError("has no C lowering for rank above 6");
  Value d = i32Array("dims", toI32(type.getShape())),
        at = i32Array("offsets", toI32(offsets)),
        pd = i32Array("patch_dims",
                      toI32(cast<MemRefType>(patch.getType()).getShape()));
  call("mote_insert_slice", {d, at, pd, patch, dest, output},
       {builder.getI32IntegerAttr(
            type.getElementType().getIntOrFloatBitWidth() / 8),
        builder.getI32IntegerAttr(type.getRank())});
  return success();
}
LogicalResult Lowering::lowerInsertSlice(InsertSliceOp op) {
  FailureOr<Value> patch = buffer(op, op.getPatch());
  FailureOr<Value> dest = buffer(op, op.getDest());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(patch) || failed(dest) || failed(output))
    return failure();
  // In place when the plan gave the result the destination's buffer; the
  // kernel copies the destination otherwise.
  return callInsertSlice(op, *patch, *dest, *output, op.getOffsets());
}
/// An empty tensor is its buffer in the plan: nothing to compute.
LogicalResult Lowering::lowerEmpty(EmptyOp op) {
  return success(succeeded(buffer(op, op.getOutput())));
}
LogicalResult Lowering::lowerPad(PadOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  if (type.getRank() > 6)
    return op.emitOpError("has no C lowering for rank above 6");
  abi::PadMode mode = op.getMode() == "constant"  ? abi::PadMode::Constant
                      : op.getMode() == "reflect" ? abi::PadMode::Reflect
                                                  : abi::PadMode::Edge;
  DenseElementsAttr value;
  if (type.getElementType().isF32()) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({1}, type.getElementType()),
        op.getValue().convertToFloat());
  } else {
    FailureOr<QParams> q = perTensor(op, op.getInput());
    if (failed(q))
      return failure();
    int64_t v =
        quantizeToInt8(op.getValue().convertToDouble(), q->scale, q->zeroPoint);
    value = DenseElementsAttr::get(
        RankedTensorType::get({1}, IntegerType::get(ctx(), 8)),
        static_cast<int8_t>(v));
  }
  SmallVector<int32_t> dims(type.getShape().begin(), type.getShape().end());
  SmallVector<int32_t> pads(op.getPads().begin(), op.getPads().end());
  Value d = i32Array("dims", dims), p = i32Array("pads", pads),
        v = arrayGlobal("value", value);
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  call("mote_pad", {d, p, v, *input, *output},
       {builder.getI32IntegerAttr(getTensorBytes(type) / type.getNumElements()),
        builder.getI32IntegerAttr(type.getRank()),
        builder.getI32IntegerAttr(static_cast<int32_t>(mode))});
  return success();
}
namespace {
/// Where each output coordinate of one resized axis reads: `taps` rows
/// `index[taps * i + k]` weighted `weight[taps * i + k]` (nearest: one
/// index, written twice; linear: 2 taps; cubic: 4). The coordinate
/// arithmetic is ONNX Runtime's, in float, so ties round the same way.
struct ResizeAxis {
  int32_t taps = 2;
  SmallVector<int32_t> index;
  SmallVector<float> weight;
};

/// The cubic convolution kernel of Keys with coefficient `a` at distance
/// `d` (ONNX Resize's cubic mode).
double cubicWeight(double d, double a) {
  d = std::fabs(d);
  if (d <= 1.0)
    return ((a + 2.0) * d - (a + 3.0)) * d * d + 1.0;
  if (d < 2.0)
    return ((a * d - 5.0 * a) * d + 8.0 * a) * d - 4.0 * a;
  return 0.0;
}

ResizeAxis resizeAxis(ResizeOp op, int axis) {
  int64_t in =
      cast<RankedTensorType>(op.getInput().getType()).getDimSize(2 + axis);
  int64_t out =
      cast<RankedTensorType>(op.getOutput().getType()).getDimSize(2 + axis);
  float scale = op.getScales()[axis];
  // The resized length the coordinate rules use is the input's times the
  // scale, before the output extent is rounded down.
  float resized = scale * static_cast<float>(in);
  StringRef coordinates = op.getCoordinateTransformationMode();
  StringRef nearest = op.getNearestMode();
  bool linear = op.getMode() == "linear", cubic = op.getMode() == "cubic";
  ResizeAxis result;
  result.taps = cubic ? 4 : 2;
  if (coordinates.starts_with("tflite")) {
    // TFLite's nearest neighbour, in its float32 arithmetic.
    bool align = coordinates == "tflite_align_corners";
    bool half = coordinates == "tflite_half_pixel";
    float ratio = align && out > 1
                      ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                      : static_cast<float>(in) / static_cast<float>(out);
    float offset = half ? 0.5f : 0.0f;
    for (int64_t i = 0; i < out; ++i) {
      float x = (static_cast<float>(i) + offset) * ratio;
      int64_t k = static_cast<int64_t>(align ? std::round(x) : std::floor(x));
      k = std::clamp<int64_t>(k, 0, in - 1);
      result.index.append({static_cast<int32_t>(k), static_cast<int32_t>(k)});
      result.weight.append({1.0f, 0.0f});
    }
    return result;
  }
  for (int64_t i = 0; i < out; ++i) {
    float r = static_cast<float>(i), x;
    if (coordinates == "asymmetric")
      x = r / scale;
    else if (coordinates == "tf_half_pixel_for_nn")
      x = (r + 0.5f) / scale;
    else if (coordinates == "align_corners")
      x = resized == 1.0f ? 0.0f
                          : r * static_cast<float>(in - 1) / (resized - 1.0f);
    else if (coordinates == "pytorch_half_pixel" && resized <= 1.0f)
      x = 0.0f;
    else
      x = (r + 0.5f) / scale - 0.5f;
    if (cubic) {
      // Taps floor(x) - 1 ... floor(x) + 2, read at the nearest edge
      // element when outside; `exclude_outside` drops those and
      // renormalizes the others.
      int64_t first = static_cast<int64_t>(std::floor(x)) - 1;
      double weights[4], sum = 0.0;
      for (int64_t k = 0; k < 4; ++k) {
        int64_t at = first + k;
        bool outside = at < 0 || at >= in;
        weights[k] =
            outside && op.getExcludeOutside()
                ? 0.0
                : cubicWeight(static_cast<double>(x) - static_cast<double>(at),
                              op.getCubicCoeffA().convertToDouble());
        sum += weights[k];
        result.index.push_back(
            static_cast<int32_t>(std::clamp<int64_t>(at, 0, in - 1)));
      }
      for (double w : weights)
        result.weight.push_back(
            static_cast<float>(op.getExcludeOutside() ? w / sum : w));
      continue;
    }
    if (!linear) {
      int64_t k;
      if (nearest == "floor")
        k = static_cast<int64_t>(std::floor(x));
      else if (nearest == "ceil")
        k = static_cast<int64_t>(std::ceil(x));
      else if (nearest == "round_prefer_floor" &&
               x == static_cast<float>(static_cast<int64_t>(x)) + 0.5f)
        k = static_cast<int64_t>(x);
      else
        k = static_cast<int64_t>(std::round(x));
      k = std::clamp<int64_t>(k, 0, in - 1);
      result.index.append({static_cast<int32_t>(k), static_cast<int32_t>(k)});
      result.weight.append({1.0f, 0.0f});
      continue;
    }
    float c = std::max(0.0f, std::min(x, static_cast<float>(in - 1)));
    int64_t lo = std::min<int64_t>(static_cast<int64_t>(c), in - 1);
    int64_t hi = std::min<int64_t>(lo + 1, in - 1);
    float wHi = std::fabs(c - static_cast<float>(lo));
    float wLo = std::fabs(c - static_cast<float>(hi));
    if (lo == hi)
      wLo = wHi = 0.5f;
    result.index.append({static_cast<int32_t>(lo), static_cast<int32_t>(hi)});
    result.weight.append({wLo, wHi});
  }
  return result;
}
} // namespace

/// Resize: the compiler tabulates each axis's sources and weights, so the
/// kernel does no coordinate arithmetic.
LogicalResult Lowering::lowerResize(ResizeOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  ResizeAxis rows = resizeAxis(op, 0), cols = resizeAxis(op, 1);
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  auto type = cast<RankedTensorType>(op.getInput().getType());
  bool isFloat = type.getElementType().isF32();
  SmallVector<Attribute> scalars = {i32(in[0] * in[1]), i32(in[2]), i32(in[3]),
                                    i32(out[2]), i32(out[3])};
  Value rowIndex = i32Array("rows", rows.index);
  Value colIndex = i32Array("cols", cols.index);
  if (op.getMode() == "nearest") {
    scalars.push_back(i32(getTensorBytes(type) / type.getNumElements()));
    call("mote_resize_nearest", {rowIndex, colIndex, *input, *output}, scalars);
    return success();
  }
  int32_t taps = rows.taps;
  auto weights = [&](StringRef suffix, ArrayRef<float> values) {
    if (isFloat) {
      auto t =
          RankedTensorType::get({int64_t(values.size())}, builder.getF32Type());
      return arrayGlobal(suffix, DenseElementsAttr::get(t, values));
    }
    // The int8 kernel is integer-only: each output's taps in Q15, the last
    // taking the rounding so that they sum to 32768.
    SmallVector<int32_t> fixed;
    for (size_t i = 0; i < values.size(); i += taps) {
      int32_t rest = 32768;
      for (int32_t k = 0; k + 1 < taps; ++k) {
        fixed.push_back(
            static_cast<int32_t>(std::lround(values[i + k] * 32768.0)));
        rest -= fixed.back();
      }
      fixed.push_back(rest);
    }
    return i32Array(suffix, fixed);
  };
  scalars.push_back(i32(taps));
  call(isFloat ? "mote_resize_f32" : "mote_resize_s8",
       {rowIndex, colIndex, weights("row_weights", rows.weight),
        weights("col_weights", cols.weight), *input, *output},
       scalars);
  return success();
}
LogicalResult Lowering::lowerTransposeF32(TransposeOp o) {
  return lowerTranspose(o);
}
LogicalResult Lowering::lowerConcatF32(ConcatOp o) { return lowerConcat(o); }
LogicalResult Lowering::lowerPadF32(PadOp o) { return lowerPad(o); }
LogicalResult Lowering::lowerSliceF32(SliceOp o) { return lowerSlice(o); }
LogicalResult Lowering::lowerTransposeS8(TransposeOp o) {
  return lowerTranspose(o);
}
LogicalResult Lowering::lowerConcatS8(ConcatOp o) { return lowerConcat(o); }
LogicalResult Lowering::lowerPadS8(PadOp o) { return lowerPad(o); }
LogicalResult Lowering::lowerSliceS8(SliceOp o) { return lowerSlice(o); }
LogicalResult Lowering::lowerInsertSliceF32(InsertSliceOp o) {
  return lowerInsertSlice(o);
}
LogicalResult Lowering::lowerInsertSliceS8(InsertSliceOp o) {
  return lowerInsertSlice(o);
}
LogicalResult Lowering::lowerEmptyF32(EmptyOp o) { return lowerEmpty(o); }
LogicalResult Lowering::lowerEmptyS8(EmptyOp o) { return lowerEmpty(o); }

void mote::lowering::populateDataMovementPatterns(LoweringPatterns &patterns) {
  patterns.add<TransposeOp>(LoweringDomain::Float,
                            &Lowering::lowerTransposeF32);
  patterns.add<ConcatOp>(LoweringDomain::Float, &Lowering::lowerConcatF32);
  patterns.add<PadOp>(LoweringDomain::Float, &Lowering::lowerPadF32);
  patterns.add<SliceOp>(LoweringDomain::Float, &Lowering::lowerSliceF32);
  patterns.add<GatherOp>(LoweringDomain::Float, &Lowering::lowerGather);
  patterns.add<WhereOp>(LoweringDomain::Float, &Lowering::lowerWhere);
  patterns.add<WhereOp>(LoweringDomain::Integer, &Lowering::lowerWhere);
  patterns.add<GatherOp>(LoweringDomain::Integer, &Lowering::lowerGather);
  patterns.add<ResizeOp>(LoweringDomain::Float, &Lowering::lowerResize);
  patterns.add<ResizeOp>(LoweringDomain::Integer, &Lowering::lowerResize);
  patterns.add<TransposeOp>(LoweringDomain::Integer,
                            &Lowering::lowerTransposeS8);
  patterns.add<ConcatOp>(LoweringDomain::Integer, &Lowering::lowerConcatS8);
  patterns.add<PadOp>(LoweringDomain::Integer, &Lowering::lowerPadS8);
  patterns.add<SliceOp>(LoweringDomain::Integer, &Lowering::lowerSliceS8);
  patterns.add<InsertSliceOp>(LoweringDomain::Float,
                              &Lowering::lowerInsertSliceF32);
  patterns.add<InsertSliceOp>(LoweringDomain::Integer,
                              &Lowering::lowerInsertSliceS8);
  patterns.add<EmptyOp>(LoweringDomain::Float, &Lowering::lowerEmptyF32);
  patterns.add<EmptyOp>(LoweringDomain::Integer, &Lowering::lowerEmptyS8);
}
