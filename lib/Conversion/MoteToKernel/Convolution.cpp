//===- Convolution.cpp - Convolution, fully-connected and matrix-product layers
//===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

LogicalResult Lowering::emitGemmCall(Operation *op, const GemmLayer &gemm,
                                     abi::mote_gemm_conv_params params,
                                     int64_t inputOffset, Value input,
                                     Value weight, Value bias,
                                     ArrayRef<double> reals, Value output) {
  auto constants = layerConstants(op, weight, bias, reals.size());
  if (failed(constants))
    return failure();
  std::optional<PackedWeights> packed = packWeights(
      *target.gemm, constants->first, constants->second, inputOffset);
  if (!packed)
    return op->emitOpError("bias plus input offset times the weight sum "
                           "leaves the int32 range");
  params.input_zero_point = -inputOffset; // the kernel pads with it
  params.depth = gemm.depth;
  params.depth_padded = gemm.depthPadded;
  params.block = gemm.block;
  params.gather = gemm.gather;
  // A gather-free layer has no scratch: any valid pointer will do.
  return emitKernelCall(op, target.gemm->callee, params.cType,
                        params.toAttr(ctx()), input, packed->weights,
                        packed->bias, reals, output, /*withScratch=*/true);
}
LogicalResult Lowering::lowerConv(Conv2DOp op) {
  FailureOr<LayerQuant> layer =
      layerQuant(op, op.getInput(), op.getWeight(), op.getOutput());
  if (failed(layer))
    return failure();
  QParams in = layer->input, out = layer->output;
  ArrayRef<int64_t> w =
      cast<RankedTensorType>(op.getWeight().getType()).getShape();
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(op.getInput().getType()).getShape();
  ArrayRef<int64_t> y = cast<RankedTensorType>(op.getType()).getShape();
  std::pair<int64_t, int64_t> range = activationRange(op, out);
  if (std::optional<GemmLayer> gemm = gemmLayerOf(target, op)) {
    abi::mote_gemm_conv_params params;
    setConvShape(params, x, y);
    setWindow(params, w.drop_front(2), op.getStrides(), op.getDilations(),
              op.getPads());
    setInt8Output(params, out.zeroPoint, range);
    return emitGemmCall(op, *gemm, params, -in.zeroPoint, op.getInput(),
                        op.getWeight(), op.getBias(), layer->reals,
                        op.getOutput());
  }
  abi::mote_conv2d_s8_params params;
  setConvShape(params, x, y);
  setWindow(params, w.drop_front(2), op.getStrides(), op.getDilations(),
            op.getPads());
  params.groups = op.getGroup();
  params.input_offset = -in.zeroPoint;
  setInt8Output(params, out.zeroPoint, range);
  StringRef callee = depthwiseScratchOf(target, op) > 0
                         ? StringRef(target.depthwiseCallee)
                         : StringRef("mote_conv2d_s8");
  return emitLayerCall(op, callee, params.cType, params.toAttr(ctx()),
                       op.getInput(), op.getWeight(), op.getBias(),
                       layer->reals, op.getOutput());
}
LogicalResult Lowering::lowerFullyConnected(FullyConnectedOp op) {
  FailureOr<LayerQuant> layer =
      layerQuant(op, op.getInput(), op.getWeight(), op.getOutput());
  if (failed(layer))
    return failure();
  QParams in = layer->input, out = layer->output;
  ArrayRef<int64_t> w =
      cast<RankedTensorType>(op.getWeight().getType()).getShape();
  std::pair<int64_t, int64_t> range = activationRange(op, out);
  int64_t batch = cast<RankedTensorType>(op.getInput().getType()).getDimSize(0);
  if (std::optional<GemmLayer> gemm = gemmLayerOf(target, op)) {
    // A 1x1 convolution of a 1x1 image.
    abi::mote_gemm_conv_params params;
    setConvShape(params, {batch, w[1], 1, 1}, {batch, w[0], 1, 1});
    setWindow(params, {1, 1}, {1, 1}, {1, 1}, {0, 0});
    setInt8Output(params, out.zeroPoint, range);
    return emitGemmCall(op, *gemm, params, -in.zeroPoint, op.getInput(),
                        op.getWeight(), op.getBias(), layer->reals,
                        op.getOutput());
  }
  abi::mote_fully_connected_s8_params params;
  params.batch = batch;
  params.in_features = w[1];
  params.out_features = w[0];
  params.input_offset = -in.zeroPoint;
  setInt8Output(params, out.zeroPoint, range);
  return emitLayerCall(op, "mote_fully_connected_s8", params.cType,
                       params.toAttr(ctx()), op.getInput(), op.getWeight(),
                       op.getBias(), layer->reals, op.getOutput());
}
LogicalResult Lowering::lowerConv2DF32(Conv2DOp o) {
  ArrayRef<int64_t> x = shapeOf(o.getInput()), y = shapeOf(o.getOutput()),
                    w = shapeOf(o.getWeight());
  FailureOr<Value> weight = constantBuffer(o.getWeight(), "weights");
  FailureOr<Value> bias = biasBuffer(o.getBias(), w[0]);
  FailureOr<SmallVector<Value>> io = buffers({o.getInput(), o.getOutput()});
  if (failed(weight) || failed(bias) || failed(io))
    return failure();
  callWith("mote_conv2d_f32", convF32Params(o, x, w, y),
           {(*io)[0], *weight, *bias, (*io)[1]}, floatBounds(o));
  return success();
}
LogicalResult Lowering::lowerConvTranspose2DF32(ConvTranspose2DOp o) {
  // The kernel takes the parameters of the convolution this op transposes:
  // its input is our output and its output our input.
  ArrayRef<int64_t> x = shapeOf(o.getInput()), y = shapeOf(o.getOutput()),
                    w = shapeOf(o.getWeight());
  FailureOr<Value> weight = constantBuffer(o.getWeight(), "weights");
  FailureOr<Value> bias = biasBuffer(o.getBias(), y[1]);
  FailureOr<SmallVector<Value>> io = buffers({o.getInput(), o.getOutput()});
  if (failed(weight) || failed(bias) || failed(io))
    return failure();
  callWith("mote_conv_transpose2d_f32", convF32Params(o, y, w, x),
           {(*io)[0], *weight, *bias, (*io)[1]}, floatBounds(o));
  return success();
}
/// An int8 transposed convolution: each output pixel gathers the input
/// pixels whose stride-spaced windows cover it, so no int32 image is kept.
LogicalResult Lowering::lowerConvTranspose2DS8(ConvTranspose2DOp o) {
  ArrayRef<int64_t> x = shapeOf(o.getInput()), y = shapeOf(o.getOutput()),
                    w = shapeOf(o.getWeight());
  FailureOr<LayerQuant> layer =
      layerQuant(o, o.getInput(), o.getWeight(), o.getOutput(), y[1]);
  if (failed(layer))
    return failure();
  // As for the float kernel, the parameters are those of the convolution
  // this op transposes: its input is our output.
  abi::mote_conv2d_s8_params params;
  setConvShape(params, y, x);
  setWindow(params, w.drop_front(2), o.getStrides(), o.getDilations(),
            o.getPads());
  params.groups = o.getGroup();
  params.input_offset = -layer->input.zeroPoint;
  setInt8Output(params, layer->output.zeroPoint,
                activationRange(o, layer->output));
  return emitLayerCall(o, "mote_conv_transpose2d_s8", params.cType,
                       params.toAttr(ctx()), o.getInput(), o.getWeight(),
                       o.getBias(), layer->reals, o.getOutput());
}
LogicalResult Lowering::lowerFullyConnectedF32(FullyConnectedOp o) {
  ArrayRef<int64_t> x = shapeOf(o.getInput()), w = shapeOf(o.getWeight());
  FailureOr<Value> weight = constantBuffer(o.getWeight(), "weights");
  FailureOr<Value> bias = biasBuffer(o.getBias(), w[0]);
  FailureOr<SmallVector<Value>> io = buffers({o.getInput(), o.getOutput()});
  if (failed(weight) || failed(bias) || failed(io))
    return failure();
  callWith("mote_fully_connected_f32", fcF32Params(x[0], w),
           {(*io)[0], *weight, *bias, (*io)[1]}, floatBounds(o));
  return success();
}
/// The deepest sum of int8 products the kernels take: 33025 products of
/// two offset values within [-255, 255] stay inside int32.
static constexpr int64_t maxInt8Depth = 33025;

/// Sets the batch broadcast (matrix strides over up to 4 batch dims) and
/// the matrix extents of a product's parameter block.
template <typename Params>
static LogicalResult setMatMulShape(MatMulOp o, Params &params) {
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  ArrayRef<int64_t> y = shapeOf(o.getOutput());
  if (y.size() > 6)
    return o->emitOpError("has no C lowering for more than 4 batch dims");
  // Batch dims padded to 4; strides count whole matrices.
  SmallVector<int64_t> dims(6 - y.size(), 1);
  llvm::append_range(dims, y.drop_back(2));
  auto matrixStrides = [&](ArrayRef<int64_t> shape) {
    SmallVector<int64_t> batch(shape.drop_back(2));
    SmallVector<int64_t> strides(4, 0);
    int64_t stride = 1;
    for (int64_t d = 3, i = int64_t(batch.size()) - 1; i >= 0; --d, --i) {
      strides[d] = batch[i] == 1 ? 0 : stride;
      stride *= batch[i];
    }
    return strides;
  };
  ArrayRef<int64_t> a = shapeOf(o.getLhs()), b = shapeOf(o.getRhs());
  SmallVector<int64_t> as = matrixStrides(a), bs = matrixStrides(b);
  params.dim0 = dims[0];
  params.dim1 = dims[1];
  params.dim2 = dims[2];
  params.dim3 = dims[3];
  params.lhs_stride0 = as[0];
  params.lhs_stride1 = as[1];
  params.lhs_stride2 = as[2];
  params.lhs_stride3 = as[3];
  params.rhs_stride0 = bs[0];
  params.rhs_stride1 = bs[1];
  params.rhs_stride2 = bs[2];
  params.rhs_stride3 = bs[3];
  params.m = a[a.size() - 2];
  params.k = a.back();
  params.n = b.back();
  return success();
}
LogicalResult Lowering::lowerMatMulF32(MatMulOp o) {
  abi::mote_matmul_params params;
  if (failed(setMatMulShape(o, params)))
    return failure();
  FailureOr<SmallVector<Value>> io =
      buffers({o.getLhs(), o.getRhs(), o.getOutput()});
  if (failed(io))
    return failure();
  callWith("mote_matmul_f32", params, *io);
  return success();
}
/// The product of two int8 tensors, requantized once to the int8 result.
LogicalResult Lowering::lowerMatMulS8(MatMulOp o) {
  if (getElementTypeOrSelf(o.getType()).isInteger(32))
    return lowerMatMulSums(o);
  FailureOr<QParams> a = perTensor(o, o.getLhs()), b = perTensor(o, o.getRhs()),
                     out = perTensor(o, o.getOutput());
  if (failed(a) || failed(b) || failed(out))
    return failure();
  abi::mote_matmul_s8_params params;
  if (failed(setMatMulShape(o, params)))
    return failure();
  if (*params.k > maxInt8Depth)
    return o->emitOpError("has no int8 C lowering for a depth above ")
           << maxInt8Depth << " (the int32 accumulator could overflow)";
  Q31Multiplier m = quantizeMultiplier(a->scale * b->scale / out->scale);
  params.lhs_offset = -a->zeroPoint;
  params.rhs_offset = -b->zeroPoint;
  params.output_multiplier = m.multiplier;
  params.output_shift = m.shift;
  setInt8Output(params, out->zeroPoint, activationRange(o, *out));
  FailureOr<SmallVector<Value>> io =
      buffers({o.getLhs(), o.getRhs(), o.getOutput()});
  if (failed(io))
    return failure();
  callWith("mote_matmul_s8", params, *io);
  return success();
}
/// ConvInteger: int8 input and weights with zero points (per tensor, or the
/// weights' per output channel) to the raw int32 sums.
LogicalResult Lowering::lowerConv2DSums(Conv2DOp o) {
  FailureOr<QParams> in = perTensor(o, o.getInput());
  if (failed(in))
    return failure();
  ArrayRef<int64_t> x = shapeOf(o.getInput()), y = shapeOf(o.getOutput()),
                    w = shapeOf(o.getWeight());
  quant::QuantizedType wType = getQuantType(o.getWeight().getType());
  if (!wType.isSigned())
    return o->emitOpError("has no C lowering for ")
           << wType << " weights (expected int8 storage)";
  if (w[1] * w[2] * w[3] > maxInt8Depth)
    return o->emitOpError("has no C lowering for a depth above ")
           << maxInt8Depth << " (an int32 sum could overflow)";
  SmallVector<int32_t> weightOffsets(w[0]);
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(wType))
    llvm::transform(perAxis.getZeroPoints(), weightOffsets.begin(),
                    [](int64_t z) { return static_cast<int32_t>(-z); });
  else
    llvm::fill(weightOffsets,
               -cast<quant::UniformQuantizedType>(wType).getZeroPoint());
  abi::mote_conv2d_s32_params params;
  setConvShape(params, x, y);
  setWindow(params, w.drop_front(2), o.getStrides(), o.getDilations(),
            o.getPads());
  params.groups = o.getGroup();
  params.input_offset = -in->zeroPoint;
  FailureOr<SmallVector<Value>> io =
      buffers({o.getInput(), o.getWeight(), o.getOutput()});
  if (failed(io))
    return failure();
  callWith(
      "mote_conv2d_s8_s32", params,
      {(*io)[0], (*io)[1], i32Array("weight_offset", weightOffsets), (*io)[2]});
  return success();
}
/// MatMulInteger: the product of two int8 tensors with zero points, to the
/// raw int32 sums.
LogicalResult Lowering::lowerMatMulSums(MatMulOp o) {
  FailureOr<QParams> a = perTensor(o, o.getLhs()), b = perTensor(o, o.getRhs());
  if (failed(a) || failed(b))
    return failure();
  abi::mote_matmul_s32_params params;
  if (failed(setMatMulShape(o, params)))
    return failure();
  if (*params.k > maxInt8Depth)
    return o->emitOpError("has no C lowering for a depth above ")
           << maxInt8Depth << " (an int32 sum could overflow)";
  params.lhs_offset = -a->zeroPoint;
  params.rhs_offset = -b->zeroPoint;
  return emitWith("mote_matmul_s8_s32", params,
                  {o.getLhs(), o.getRhs(), o.getOutput()});
}
LogicalResult Lowering::lowerConv2DS8(Conv2DOp o) {
  if (getElementTypeOrSelf(o.getType()).isInteger(32))
    return lowerConv2DSums(o);
  return lowerConv(o);
}
LogicalResult Lowering::lowerFullyConnectedS8(FullyConnectedOp o) {
  return lowerFullyConnected(o);
}

void mote::lowering::populateConvolutionPatterns(LoweringPatterns &patterns) {
  patterns.add<Conv2DOp>(LoweringDomain::Float, &Lowering::lowerConv2DF32);
  patterns.add<ConvTranspose2DOp>(LoweringDomain::Float,
                                  &Lowering::lowerConvTranspose2DF32);
  patterns.add<FullyConnectedOp>(LoweringDomain::Float,
                                 &Lowering::lowerFullyConnectedF32);
  patterns.add<MatMulOp>(LoweringDomain::Float, &Lowering::lowerMatMulF32);
  patterns.add<Conv2DOp>(LoweringDomain::Integer, &Lowering::lowerConv2DS8);
  patterns.add<ConvTranspose2DOp>(LoweringDomain::Integer,
                                  &Lowering::lowerConvTranspose2DS8);
  patterns.add<MatMulOp>(LoweringDomain::Integer, &Lowering::lowerMatMulS8);
  patterns.add<FullyConnectedOp>(LoweringDomain::Integer,
                                 &Lowering::lowerFullyConnectedS8);
}
