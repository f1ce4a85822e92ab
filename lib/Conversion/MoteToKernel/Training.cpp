//===- Training.cpp - Backward ops, loss, INT8 training ops ---------------===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

LogicalResult Lowering::lowerConv2DBackwardInput(Conv2DBackwardInputOp o) {
  return emitWith("mote_conv2d_backward_input_f32",
                  convF32Params(o, shapeOf(o.getGradInput()),
                                shapeOf(o.getWeight()),
                                shapeOf(o.getGradOutput())),
                  {o.getGradOutput(), o.getWeight(), o.getGradInput()});
}
LogicalResult Lowering::lowerConv2DBackwardWeight(Conv2DBackwardWeightOp o) {
  return emitWith("mote_conv2d_backward_weight_f32",
                  convF32Params(o, shapeOf(o.getInput()),
                                shapeOf(o.getGradWeight()),
                                shapeOf(o.getGradOutput())),
                  {o.getInput(), o.getGradOutput(), o.getGradWeight()});
}
LogicalResult
Lowering::lowerFullyConnectedBackwardInput(FullyConnectedBackwardInputOp o) {
  ArrayRef<int64_t> w = shapeOf(o.getWeight());
  return emitWith("mote_fully_connected_backward_input_f32",
                  fcF32Params(shapeOf(o.getGradOutput())[0], w),
                  {o.getGradOutput(), o.getWeight(), o.getGradInput()});
}
LogicalResult
Lowering::lowerFullyConnectedBackwardWeight(FullyConnectedBackwardWeightOp o) {
  ArrayRef<int64_t> w = shapeOf(o.getGradWeight());
  return emitWith("mote_fully_connected_backward_weight_f32",
                  fcF32Params(shapeOf(o.getInput())[0], w),
                  {o.getInput(), o.getGradOutput(), o.getGradWeight()});
}
LogicalResult Lowering::lowerBiasBackward(BiasBackwardOp o) {
  ArrayRef<int64_t> dy = shapeOf(o.getGradOutput());
  int64_t inner = countOf(o.getGradOutput()) / (dy[0] * dy[1]);
  return emit("mote_bias_backward_f32", {o.getGradOutput(), o.getGradBias()},
              {i32(dy[0]), i32(dy[1]), i32(inner)});
}
LogicalResult Lowering::lowerClampBackward(ClampBackwardOp o) {
  auto [lo, hi] = bounds(o.getMin(), o.getMax());
  return emit("mote_clamp_backward_f32",
              {o.getGradOutput(), o.getOutput(), o.getGradInput()},
              {i32(countOf(o.getGradInput())), f32(lo), f32(hi)});
}
LogicalResult Lowering::lowerActivationBackward(ActivationBackwardOp o) {
  int32_t kind = llvm::StringSwitch<int32_t>(o.getKind())
                     .Case("sigmoid", 0)
                     .Case("tanh", 1)
                     .Case("hard_sigmoid", 2)
                     .Case("hard_swish", 3)
                     .Case("leaky_relu", 4)
                     .Case("gelu", 5)
                     .Default(6);
  return emit("mote_activation_backward_f32",
              {o.getGradOutput(), o.getValue(), o.getGradInput()},
              {i32(countOf(o.getGradInput())), i32(kind),
               f32(o.getAlpha().convertToFloat())});
}
LogicalResult Lowering::lowerMaxPool2DBackward(MaxPool2DBackwardOp o) {
  bool int8 = getElementTypeOrSelf(o.getInput().getType()).isInteger(8);
  return emitWith(int8 ? "mote_max_pool2d_backward_s8"
                       : "mote_max_pool2d_backward_f32",
                  poolParams(shapeOf(o.getInput()), shapeOf(o.getGradOutput()),
                             o.getKernel(), o.getStrides(), o.getDilations(),
                             o.getPads(), false),
                  {o.getGradOutput(), o.getInput(), o.getGradInput()});
}
LogicalResult Lowering::lowerAvgPool2DBackward(AvgPool2DBackwardOp o) {
  return emitWith("mote_avg_pool2d_backward_f32",
                  poolParams(shapeOf(o.getGradInput()),
                             shapeOf(o.getGradOutput()), o.getKernel(),
                             o.getStrides(), {1, 1}, o.getPads(),
                             o.getCountIncludePad()),
                  {o.getGradOutput(), o.getGradInput()});
}
LogicalResult Lowering::lowerSoftmaxCrossEntropy(SoftmaxCrossEntropyOp o) {
  ArrayRef<int64_t> z = shapeOf(o.getLogits());
  return emit("mote_softmax_cross_entropy_f32",
              {o.getLogits(), o.getLabels(), o.getLoss(), o.getGradLogits()},
              {i32(z[0]), i32(z[1])}, /*outputs=*/2);
}
LogicalResult Lowering::lowerElementwiseLoss(ElementwiseLossOp o) {
  int32_t kind = llvm::StringSwitch<int32_t>(o.getKind())
                     .Case("mse", 0)
                     .Case("l1", 1)
                     .Default(2);
  return emit("mote_elementwise_loss_f32",
              {o.getOutput(), o.getTarget(), o.getLoss(), o.getGradOutput()},
              {i32(countOf(o.getOutput())), i32(kind)}, /*outputs=*/2);
}
LogicalResult Lowering::lowerDynamicQuantize(DynamicQuantizeOp o) {
  ArrayRef<int64_t> x = shapeOf(o.getInput());
  int64_t count = countOf(o.getInput());
  int64_t slices = o.getAxis() == 0 ? x[0] : 1;
  FailureOr<SmallVector<Value>> io =
      buffers({o.getInput(), o.getOutput(), o.getScale()});
  if (failed(io))
    return failure();
  // Without stochastic rounding the generator is never read: any
  // int32 view will do.
  auto rngType = RankedTensorType::get({1}, builder.getI32Type());
  Value rng = o.getRngAttr()
                  ? stateBuffer(o.getRngAttr(), rngType)
                  : arenaView(0, MemRefType::get({1}, builder.getI32Type()));
  io->push_back(rng);
  call("mote_dynamic_quantize_s8", *io,
       {i32(slices), i32(count / slices), f32(o.getClip().convertToDouble()),
        i32(o.getRngAttr() ? 1 : 0)},
       "", {}, /*outputs=*/3);
  return success();
}
LogicalResult Lowering::lowerInt8Conv2D(Int8Conv2DOp o) {
  return emitWith("mote_int8_conv2d_f32",
                  convF32Params(o, shapeOf(o.getInput()),
                                shapeOf(o.getWeight()), shapeOf(o.getResult())),
                  {o.getInput(), o.getInputScale(), o.getWeight(),
                   o.getWeightScale(), o.getBias(), o.getResult()});
}
LogicalResult
Lowering::lowerInt8Conv2DBackwardWeight(Int8Conv2DBackwardWeightOp o) {
  return emitWith("mote_int8_conv2d_backward_weight_f32",
                  convF32Params(o, shapeOf(o.getInput()),
                                shapeOf(o.getResult()),
                                shapeOf(o.getGradOutput())),
                  {o.getInput(), o.getInputScale(), o.getGradOutput(),
                   o.getGradScale(), o.getResult()});
}
LogicalResult
Lowering::lowerInt8Conv2DBackwardInput(Int8Conv2DBackwardInputOp o) {
  return emitWith("mote_int8_conv2d_backward_input_f32",
                  convF32Params(o, shapeOf(o.getResult()),
                                shapeOf(o.getWeight()),
                                shapeOf(o.getGradOutput())),
                  {o.getGradOutput(), o.getGradScale(), o.getWeight(),
                   o.getWeightScale(), o.getResult()});
}
LogicalResult Lowering::lowerInt8FullyConnected(Int8FullyConnectedOp o) {
  ArrayRef<int64_t> w = shapeOf(o.getWeight());
  return emitWith("mote_int8_fully_connected_f32",
                  fcF32Params(shapeOf(o.getInput())[0], w),
                  {o.getInput(), o.getInputScale(), o.getWeight(),
                   o.getWeightScale(), o.getBias(), o.getResult()});
}
LogicalResult Lowering::lowerInt8FullyConnectedBackwardWeight(
    Int8FullyConnectedBackwardWeightOp o) {
  ArrayRef<int64_t> w = shapeOf(o.getResult());
  return emitWith("mote_int8_fully_connected_backward_weight_f32",
                  fcF32Params(shapeOf(o.getInput())[0], w),
                  {o.getInput(), o.getInputScale(), o.getGradOutput(),
                   o.getGradScale(), o.getResult()});
}
LogicalResult Lowering::lowerInt8FullyConnectedBackwardInput(
    Int8FullyConnectedBackwardInputOp o) {
  ArrayRef<int64_t> w = shapeOf(o.getWeight());
  return emitWith("mote_int8_fully_connected_backward_input_f32",
                  fcF32Params(shapeOf(o.getGradOutput())[0], w),
                  {o.getGradOutput(), o.getGradScale(), o.getWeight(),
                   o.getWeightScale(), o.getResult()});
}
LogicalResult Lowering::lowerChannelAffine(ChannelAffineOp o) {
  ArrayRef<int64_t> x = shapeOf(o.getInput());
  auto [lo, hi] = bounds(o.getClampMin(), o.getClampMax());
  return emit("mote_channel_affine_f32",
              {o.getInput(), o.getScale(), o.getShift(), o.getOutput()},
              {i32(x[0]), i32(x[1]), i32(countOf(o.getInput()) / (x[0] * x[1])),
               f32(lo), f32(hi)});
}
LogicalResult Lowering::lowerChannelAffineBackward(ChannelAffineBackwardOp o) {
  ArrayRef<int64_t> y = shapeOf(o.getOutput());
  auto [lo, hi] = bounds(o.getClampMin(), o.getClampMax());
  SmallVector<Value> operands = {o.getGradOutput(), o.getOutput()};
  if (o.getOutputScale())
    operands.push_back(o.getOutputScale());
  llvm::append_range(operands,
                     ValueRange{o.getScale(), o.getShift(), o.getGradInput(),
                                o.getGradScale(), o.getGradShift()});
  return emit(o.getOutputScale() ? "mote_channel_affine_backward_s8_f32"
                                 : "mote_channel_affine_backward_f32",
              operands,
              {i32(y[0]), i32(y[1]),
               i32(countOf(o.getOutput()) / (y[0] * y[1])), f32(lo), f32(hi),
               f32(o.getL2().convertToDouble())},
              /*outputs=*/3);
}

void mote::lowering::populateTrainingPatterns(LoweringPatterns &patterns) {
  patterns.add<Conv2DBackwardInputOp>(LoweringDomain::Training,
                                      &Lowering::lowerConv2DBackwardInput);
  patterns.add<Conv2DBackwardWeightOp>(LoweringDomain::Training,
                                       &Lowering::lowerConv2DBackwardWeight);
  patterns.add<FullyConnectedBackwardInputOp>(
      LoweringDomain::Training, &Lowering::lowerFullyConnectedBackwardInput);
  patterns.add<FullyConnectedBackwardWeightOp>(
      LoweringDomain::Training, &Lowering::lowerFullyConnectedBackwardWeight);
  patterns.add<BiasBackwardOp>(LoweringDomain::Training,
                               &Lowering::lowerBiasBackward);
  patterns.add<ClampBackwardOp>(LoweringDomain::Training,
                                &Lowering::lowerClampBackward);
  patterns.add<ActivationBackwardOp>(LoweringDomain::Training,
                                     &Lowering::lowerActivationBackward);
  patterns.add<MaxPool2DBackwardOp>(LoweringDomain::Training,
                                    &Lowering::lowerMaxPool2DBackward);
  patterns.add<AvgPool2DBackwardOp>(LoweringDomain::Training,
                                    &Lowering::lowerAvgPool2DBackward);
  patterns.add<SoftmaxCrossEntropyOp>(LoweringDomain::Training,
                                      &Lowering::lowerSoftmaxCrossEntropy);
  patterns.add<ElementwiseLossOp>(LoweringDomain::Training,
                                  &Lowering::lowerElementwiseLoss);
  patterns.add<DynamicQuantizeOp>(LoweringDomain::Training,
                                  &Lowering::lowerDynamicQuantize);
  patterns.add<Int8Conv2DOp>(LoweringDomain::Training,
                             &Lowering::lowerInt8Conv2D);
  patterns.add<Int8Conv2DBackwardWeightOp>(
      LoweringDomain::Training, &Lowering::lowerInt8Conv2DBackwardWeight);
  patterns.add<Int8Conv2DBackwardInputOp>(
      LoweringDomain::Training, &Lowering::lowerInt8Conv2DBackwardInput);
  patterns.add<Int8FullyConnectedOp>(LoweringDomain::Training,
                                     &Lowering::lowerInt8FullyConnected);
  patterns.add<Int8FullyConnectedBackwardWeightOp>(
      LoweringDomain::Training,
      &Lowering::lowerInt8FullyConnectedBackwardWeight);
  patterns.add<Int8FullyConnectedBackwardInputOp>(
      LoweringDomain::Training,
      &Lowering::lowerInt8FullyConnectedBackwardInput);
  patterns.add<ChannelAffineOp>(LoweringDomain::Training,
                                &Lowering::lowerChannelAffine);
  patterns.add<ChannelAffineBackwardOp>(LoweringDomain::Training,
                                        &Lowering::lowerChannelAffineBackward);
}
