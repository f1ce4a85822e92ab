//===- Pooling.cpp - Max, average and global average pooling --------------===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

LogicalResult Lowering::lowerAvgPool(Operation *op, ArrayRef<int64_t> kernel,
                                     ArrayRef<int64_t> strides,
                                     ArrayRef<int64_t> pads,
                                     bool countIncludePad) {
  FailureOr<QParams> in = perTensor(op, op->getOperand(0));
  FailureOr<QParams> out = perTensor(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(op->getOperand(0).getType()).getShape();
  ArrayRef<int64_t> y =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  int64_t window = kernel[0] * kernel[1];
  bool padded = llvm::any_of(pads, [](int64_t p) { return p != 0; });
  // TFLite divides the window's sum by its count (input and output share
  // their quantization there); its table is unused.
  bool divide = tfliteNumerics(op) && in->scale == out->scale &&
                in->zeroPoint == out->zeroPoint &&
                (!padded || !countIncludePad);
  // One multiplier when every window averages `window` elements, else one
  // per possible element count.
  SmallVector<double> reals;
  if (divide) {
    reals.push_back(0.0);
  } else if (!padded || countIncludePad) {
    reals.push_back(in->scale / (out->scale * window));
  } else {
    reals.push_back(0.0);
    for (int64_t c = 1; c <= window; ++c)
      reals.push_back(in->scale / (out->scale * c));
  }
  abi::mote_pool2d_s8_params params =
      poolParams(x, y, kernel, strides, {1, 1}, pads, countIncludePad);
  params.input_offset = -in->zeroPoint;
  setInt8Output(params, out->zeroPoint, activationRange(op, *out));
  params.table_size = reals.size();
  params.divide = divide;
  auto [m, s] = multipliers(reals);
  FailureOr<Value> input = buffer(op, op->getOperand(0));
  FailureOr<Value> output = buffer(op, op->getResult(0));
  if (failed(input) || failed(output))
    return failure();
  callWith("mote_avg_pool2d_s8", params, {*input, m, s, *output});
  return success();
}
LogicalResult Lowering::lowerMaxPool(MaxPool2DOp op) {
  FailureOr<QParams> in = perTensor(op, op.getInput());
  if (failed(in))
    return failure();
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(op.getInput().getType()).getShape();
  ArrayRef<int64_t> y = cast<RankedTensorType>(op.getType()).getShape();
  abi::mote_pool2d_s8_params params =
      poolParams(x, y, op.getKernel(), op.getStrides(), op.getDilations(),
                 op.getPads(), /*countIncludePad=*/false);
  params.input_offset = -in->zeroPoint;
  setInt8Output(params, in->zeroPoint, {-128, 127});
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  callWith("mote_max_pool2d_s8", params, {*input, *output});
  return success();
}
LogicalResult Lowering::lowerMaxPool2DF32(MaxPool2DOp o) {
  FailureOr<SmallVector<Value>> io = buffers({o.getInput(), o.getOutput()});
  if (failed(io))
    return failure();
  callWith("mote_max_pool2d_f32",
           poolParams(shapeOf(o.getInput()), shapeOf(o.getOutput()),
                      o.getKernel(), o.getStrides(), o.getDilations(),
                      o.getPads(), false),
           *io);
  return success();
}
LogicalResult Lowering::lowerAvgPool2DF32(AvgPool2DOp o) {
  FailureOr<SmallVector<Value>> io = buffers({o.getInput(), o.getOutput()});
  if (failed(io))
    return failure();
  callWith("mote_avg_pool2d_f32",
           poolParams(shapeOf(o.getInput()), shapeOf(o.getOutput()),
                      o.getKernel(), o.getStrides(), {1, 1}, o.getPads(),
                      o.getCountIncludePad()),
           *io);
  return success();
}
LogicalResult Lowering::lowerGlobalAvgPoolF32(GlobalAvgPoolOp o) {
  ArrayRef<int64_t> x = shapeOf(o.getInput());
  FailureOr<SmallVector<Value>> io = buffers({o.getInput(), o.getOutput()});
  if (failed(io))
    return failure();
  callWith("mote_avg_pool2d_f32",
           poolParams(x, shapeOf(o.getOutput()), {x[2], x[3]}, {1, 1}, {1, 1},
                      {0, 0, 0, 0}, false),
           *io);
  return success();
}
LogicalResult Lowering::lowerAvgPool2DS8(AvgPool2DOp o) {
  return lowerAvgPool(o, o.getKernel(), o.getStrides(), o.getPads(),
                      o.getCountIncludePad());
}
LogicalResult Lowering::lowerGlobalAvgPoolS8(GlobalAvgPoolOp o) {
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(o.getInput().getType()).getShape();
  SmallVector<int64_t> kernel = {x[2], x[3]};
  return lowerAvgPool(o, kernel, {1, 1}, {0, 0, 0, 0}, false);
}
LogicalResult Lowering::lowerMaxPool2DS8(MaxPool2DOp o) {
  return lowerMaxPool(o);
}

/// Any-axes reduction: the kernel walks the input once, stepping the
/// output by strides that are 0 on the reduced axes.
LogicalResult Lowering::lowerReduce(ReduceOp o) {
  auto in = cast<RankedTensorType>(o.getInput().getType());
  ArrayRef<int64_t> shape = in.getShape();
  if (shape.size() > 6)
    return o.emitOpError("has no C lowering for rank above 6");
  SmallVector<int32_t> dims(shape.begin(), shape.end());
  SmallVector<int32_t> strides(shape.size(), 0);
  int64_t stride = 1, count = 1;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    if (llvm::is_contained(o.getAxes(), d)) {
      count *= shape[d];
      continue;
    }
    strides[d] = static_cast<int32_t>(stride);
    stride *= shape[d];
  }
  abi::ReduceKind kind = o.getKind() == "mean"  ? abi::ReduceKind::Mean
                         : o.getKind() == "max" ? abi::ReduceKind::Max
                                                : abi::ReduceKind::Min;
  FailureOr<Value> input = buffer(o, o.getInput());
  FailureOr<Value> output = buffer(o, o.getOutput());
  if (failed(input) || failed(output))
    return failure();
  if (kind == abi::ReduceKind::Mean && !in.getElementType().isF32()) {
    FailureOr<QParams> qin = perTensor(o, o.getInput());
    FailureOr<QParams> qout = perTensor(o, o.getOutput());
    if (failed(qin) || failed(qout))
      return failure();
    bool requantizes =
        qin->scale != qout->scale || qin->zeroPoint != qout->zeroPoint;
    // TFLite's MEAN rescales the sum once with its own multiplier (also
    // between equal quantizations); Mote's numerics round the mean of the
    // integers, or the sum once when the quantization changes.
    if (tfliteNumerics(o) || requantizes) {
      Q31Multiplier m =
          tfliteNumerics(o)
              ? tfliteMeanMultiplier(qin->scale, qout->scale, count)
              : quantizeMultiplier(qin->scale / (qout->scale * count));
      abi::mote_mean_s8_params params;
      params.rank = static_cast<int32_t>(shape.size());
      params.count = static_cast<int32_t>(count);
      params.input_offset = -qin->zeroPoint;
      params.output_multiplier = m.multiplier;
      params.output_shift = m.shift;
      params.output_offset = qout->zeroPoint;
      callWith("mote_mean_s8", params,
               {i32Array("dims", dims), i32Array("out_strides", strides),
                *input, *output});
      return success();
    }
  }
  call(in.getElementType().isF32() ? "mote_reduce_f32" : "mote_reduce_s8",
       {i32Array("dims", dims), i32Array("out_strides", strides), *input,
        *output},
       {i32(static_cast<int32_t>(kind)), i32(shape.size()), i32(count)});
  return success();
}

void mote::lowering::populatePoolingPatterns(LoweringPatterns &patterns) {
  patterns.add<MaxPool2DOp>(LoweringDomain::Float,
                            &Lowering::lowerMaxPool2DF32);
  patterns.add<AvgPool2DOp>(LoweringDomain::Float,
                            &Lowering::lowerAvgPool2DF32);
  patterns.add<GlobalAvgPoolOp>(LoweringDomain::Float,
                                &Lowering::lowerGlobalAvgPoolF32);
  patterns.add<AvgPool2DOp>(LoweringDomain::Integer,
                            &Lowering::lowerAvgPool2DS8);
  patterns.add<GlobalAvgPoolOp>(LoweringDomain::Integer,
                                &Lowering::lowerGlobalAvgPoolS8);
  patterns.add<MaxPool2DOp>(LoweringDomain::Integer,
                            &Lowering::lowerMaxPool2DS8);
  patterns.add<ReduceOp>(LoweringDomain::Float, &Lowering::lowerReduce);
  patterns.add<ReduceOp>(LoweringDomain::Integer, &Lowering::lowerReduce);
}
