//===- BackwardRules.cpp - BackwardOpInterface of the forward ops ---------===//
//
// Each forward op's backward rule: the error of its operands from the error
// of its result, with the ops of MoteTrainOps.td. `mote-autodiff` calls
// them in reverse order (Autodiff.h).
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/Autodiff.h"
#include "Mote/IR/MoteOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mote;

//===----------------------------------------------------------------------===//
// Convolution and fully-connected
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::buildBackward(Autodiff &ad, Value error) {
  OpBuilder &b = ad.getBuilder();
  Location loc = ad.getLoc();
  Value g = ad.throughFusedClamp(*this, error);
  if (ad.needsError(getWeight()))
    ad.accumulate(getWeight(),
                  Conv2DBackwardWeightOp::create(
                      b, loc, getWeight().getType(), getInput(), g,
                      getStrides(), getDilations(), getPads(), getGroup()));
  if (getBias() && ad.needsError(getBias()))
    ad.accumulate(getBias(),
                  BiasBackwardOp::create(b, loc, getBias().getType(), g));
  if (ad.needsError(getInput()))
    ad.accumulate(getInput(),
                  Conv2DBackwardInputOp::create(
                      b, loc, getInput().getType(), g, getWeight(),
                      getStrides(), getDilations(), getPads(), getGroup()));
  return success();
}

LogicalResult FullyConnectedOp::buildBackward(Autodiff &ad, Value error) {
  OpBuilder &b = ad.getBuilder();
  Location loc = ad.getLoc();
  Value g = ad.throughFusedClamp(*this, error);
  if (ad.needsError(getWeight()))
    ad.accumulate(getWeight(),
                  FullyConnectedBackwardWeightOp::create(
                      b, loc, getWeight().getType(), getInput(), g));
  if (getBias() && ad.needsError(getBias()))
    ad.accumulate(getBias(),
                  BiasBackwardOp::create(b, loc, getBias().getType(), g));
  if (ad.needsError(getInput()))
    ad.accumulate(getInput(),
                  FullyConnectedBackwardInputOp::create(
                      b, loc, getInput().getType(), g, getWeight()));
  return success();
}

/// The float tensor a `mote.dynamic_quantize` result came from.
static Value unquantized(Value q) {
  return q.getDefiningOp<DynamicQuantizeOp>().getInput();
}

LogicalResult Int8Conv2DOp::buildBackward(Autodiff &ad, Value error) {
  OpBuilder &b = ad.getBuilder();
  Location loc = ad.getLoc();
  Value x = unquantized(getInput()), w = unquantized(getWeight());
  auto [eq, se] = ad.quantizeError(error);
  if (ad.needsError(w))
    ad.accumulate(w,
                  Int8Conv2DBackwardWeightOp::create(
                      b, loc, w.getType(), getInput(), getInputScale(), eq, se,
                      getStrides(), getDilations(), getPads(), getGroup()));
  if (ad.needsError(getBias()))
    ad.accumulate(getBias(),
                  BiasBackwardOp::create(b, loc, getBias().getType(), error));
  if (ad.needsError(x)) {
    auto [wq, sw] = ad.quantizeWeight(w);
    ad.accumulate(x, Int8Conv2DBackwardInputOp::create(
                         b, loc, x.getType(), eq, se, wq, sw, getStrides(),
                         getDilations(), getPads(), getGroup()));
  }
  return success();
}

LogicalResult Int8FullyConnectedOp::buildBackward(Autodiff &ad, Value error) {
  OpBuilder &b = ad.getBuilder();
  Location loc = ad.getLoc();
  Value x = unquantized(getInput()), w = unquantized(getWeight());
  auto [eq, se] = ad.quantizeError(error);
  if (ad.needsError(w))
    ad.accumulate(
        w, Int8FullyConnectedBackwardWeightOp::create(
               b, loc, w.getType(), getInput(), getInputScale(), eq, se));
  if (ad.needsError(getBias()))
    ad.accumulate(getBias(),
                  BiasBackwardOp::create(b, loc, getBias().getType(), error));
  if (ad.needsError(x)) {
    auto [wq, sw] = ad.quantizeWeight(w);
    ad.accumulate(x, Int8FullyConnectedBackwardInputOp::create(
                         b, loc, x.getType(), eq, se, wq, sw));
  }
  return success();
}

LogicalResult DynamicQuantizeOp::buildBackward(Autodiff &, Value) {
  return success(); // Its int8 consumer differentiates through it.
}

LogicalResult ChannelAffineOp::buildBackward(Autodiff &ad, Value error) {
  Type perChannel = getScale().getType();
  // The backward reads the int8 copy of the output when one is kept.
  Value out = getOutput(), outScale;
  if (DynamicQuantizeOp saved = Autodiff::savedInt8(out)) {
    out = saved.getOutput();
    outScale = saved.getScale();
  }
  OpBuilder &b = ad.getBuilder();
  auto back = ChannelAffineBackwardOp::create(
      b, ad.getLoc(), TypeRange{getType(), perChannel, perChannel}, error, out,
      getScale(), getShift(), outScale, getClampMinAttr(), getClampMaxAttr(),
      b.getF32FloatAttr(ad.getInt8Options().lacL2));
  if (ad.needsError(getScale()))
    ad.accumulate(getScale(), back.getGradScale());
  if (ad.needsError(getShift()))
    ad.accumulate(getShift(), back.getGradShift());
  if (ad.needsError(getInput()))
    ad.accumulate(getInput(), back.getGradInput());
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise
//===----------------------------------------------------------------------===//

/// `error` (of a broadcast result) summed back to `operand`'s shape: over
/// the axes the operand was broadcast along (a mean times the count), then
/// reshaped to the operand's rank.
static Value sumToShape(Autodiff &ad, Value error, Value operand) {
  auto type = cast<RankedTensorType>(operand.getType());
  auto full = cast<RankedTensorType>(error.getType());
  if (type == full)
    return error;
  OpBuilder &b = ad.getBuilder();
  Location loc = ad.getLoc();
  int64_t lead = full.getRank() - type.getRank();
  SmallVector<int64_t> axes, kept(full.getShape());
  int64_t count = 1;
  for (int64_t d = 0; d < full.getRank(); ++d)
    if (d < lead ||
        (type.getDimSize(d - lead) == 1 && full.getDimSize(d) != 1)) {
      axes.push_back(d);
      count *= full.getDimSize(d);
      kept[d] = 1;
    }
  auto keptType = full.clone(kept);
  Value sum =
      ReduceOp::create(b, loc, keptType, error, b.getDenseI64ArrayAttr(axes),
                       b.getStringAttr("mean"));
  Value n = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(keptType, static_cast<float>(count)));
  sum = MulOp::create(b, loc, keptType, sum, n, FloatAttr(), FloatAttr());
  if (keptType != type)
    sum = ReshapeOp::create(b, loc, type, sum);
  return sum;
}

LogicalResult AddOp::buildBackward(Autodiff &ad, Value error) {
  Value g = ad.throughFusedClamp(*this, error);
  for (Value operand : {getLhs(), getRhs()})
    if (ad.needsError(operand))
      ad.accumulate(operand, sumToShape(ad, g, operand));
  return success();
}

LogicalResult SubOp::buildBackward(Autodiff &ad, Value error) {
  OpBuilder &b = ad.getBuilder();
  Value g = ad.throughFusedClamp(*this, error);
  if (ad.needsError(getLhs()))
    ad.accumulate(getLhs(), sumToShape(ad, g, getLhs()));
  if (ad.needsError(getRhs())) {
    Value minusOne = arith::ConstantOp::create(
        b, ad.getLoc(),
        DenseElementsAttr::get(cast<RankedTensorType>(g.getType()), -1.0f));
    Value negated = MulOp::create(b, ad.getLoc(), g.getType(), g, minusOne,
                                  FloatAttr(), FloatAttr());
    ad.accumulate(getRhs(), sumToShape(ad, negated, getRhs()));
  }
  return success();
}

LogicalResult MulOp::buildBackward(Autodiff &ad, Value error) {
  // d(a b) = e b for a, e a for b, each summed back to its shape (the
  // broadcasting multiply of a squeeze-excite gate).
  OpBuilder &b = ad.getBuilder();
  Value g = ad.throughFusedClamp(*this, error);
  for (auto [operand, other] :
       {std::pair(getLhs(), getRhs()), std::pair(getRhs(), getLhs())})
    if (ad.needsError(operand))
      ad.accumulate(operand,
                    sumToShape(ad,
                               MulOp::create(b, ad.getLoc(), g.getType(), g,
                                             other, FloatAttr(), FloatAttr()),
                               operand));
  return success();
}

/// `value` with its last two dimensions swapped.
static Value transposeLastTwo(Autodiff &ad, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  auto perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  SmallVector<int64_t> shape(type.getShape());
  std::swap(perm[rank - 2], perm[rank - 1]);
  std::swap(shape[rank - 2], shape[rank - 1]);
  return TransposeOp::create(ad.getBuilder(), ad.getLoc(), type.clone(shape),
                             value, perm);
}

LogicalResult MatMulOp::buildBackward(Autodiff &ad, Value error) {
  // Y = A B: dA = dY B^T, dB = A^T dY, each over the broadcast batch
  // dimensions of Y and then summed back to its operand's shape. Both
  // operands may be activations (attention's q k^T).
  if (!cast<RankedTensorType>(getType()).getElementType().isF32())
    return emitOpError("has no backward for an integer product");
  OpBuilder &b = ad.getBuilder();
  auto errorType = cast<RankedTensorType>(error.getType());
  SmallVector<int64_t> batch(errorType.getShape().drop_back(2));
  auto product = [&](Value lhs, Value rhs) {
    SmallVector<int64_t> shape(batch);
    shape.push_back(cast<RankedTensorType>(lhs.getType()).getShape().end()[-2]);
    shape.push_back(cast<RankedTensorType>(rhs.getType()).getShape().back());
    return MatMulOp::create(b, ad.getLoc(), errorType.clone(shape), lhs, rhs)
        .getResult();
  };
  if (ad.needsError(getLhs()))
    ad.accumulate(getLhs(),
                  sumToShape(ad, product(error, transposeLastTwo(ad, getRhs())),
                             getLhs()));
  if (ad.needsError(getRhs()))
    ad.accumulate(getRhs(),
                  sumToShape(ad, product(transposeLastTwo(ad, getLhs()), error),
                             getRhs()));
  return success();
}

/// The error through an activation whose derivative `kind` computes from
/// `value` (its forward output, or for hard swish its input).
static LogicalResult activationBackward(Autodiff &ad, Value input, Value error,
                                        Value value, StringRef kind,
                                        float alpha = 0.2f) {
  OpBuilder &b = ad.getBuilder();
  ad.accumulate(input, ActivationBackwardOp::create(
                           b, ad.getLoc(), error.getType(), error, value,
                           b.getStringAttr(kind), b.getF32FloatAttr(alpha)));
  return success();
}

LogicalResult SigmoidOp::buildBackward(Autodiff &ad, Value error) {
  return activationBackward(ad, getInput(), error, getOutput(), "sigmoid");
}

LogicalResult TanhOp::buildBackward(Autodiff &ad, Value error) {
  return activationBackward(ad, getInput(), error, getOutput(), "tanh");
}

LogicalResult HardSigmoidOp::buildBackward(Autodiff &ad, Value error) {
  return activationBackward(ad, getInput(), error, getOutput(), "hard_sigmoid",
                            getAlpha().convertToFloat());
}

LogicalResult HardSwishOp::buildBackward(Autodiff &ad, Value error) {
  return activationBackward(ad, getInput(), error, getInput(), "hard_swish");
}

LogicalResult LeakyReluOp::buildBackward(Autodiff &ad, Value error) {
  // From the input: the output's sign is the input's only for alpha > 0.
  return activationBackward(ad, getInput(), error, getInput(), "leaky_relu",
                            getAlpha().convertToFloat());
}

LogicalResult GeluOp::buildBackward(Autodiff &ad, Value error) {
  return activationBackward(ad, getInput(), error, getInput(),
                            isTanhApproximation() ? "gelu_tanh" : "gelu");
}

LogicalResult SoftmaxOp::buildBackward(Autodiff &ad, Value error) {
  // dx = y (dy - sum(dy y)) along the axis, from the output y: a product,
  // its sum kept as a size-1 axis (a mean times the count), a broadcasting
  // difference and a product.
  OpBuilder &b = ad.getBuilder();
  Location loc = ad.getLoc();
  auto type = cast<RankedTensorType>(getType());
  int64_t axis = getAxis() < 0 ? getAxis() + type.getRank() : getAxis();
  SmallVector<int64_t> kept(type.getShape());
  kept[axis] = 1;
  auto keptType = type.clone(kept);
  Value y = getOutput();
  Value product =
      MulOp::create(b, loc, type, error, y, FloatAttr(), FloatAttr());
  Value sum =
      ReduceOp::create(b, loc, keptType, product,
                       b.getDenseI64ArrayAttr({axis}), b.getStringAttr("mean"));
  Value n = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(keptType,
                             static_cast<float>(type.getDimSize(axis))));
  sum = MulOp::create(b, loc, keptType, sum, n, FloatAttr(), FloatAttr());
  Value centred =
      SubOp::create(b, loc, type, error, sum, FloatAttr(), FloatAttr());
  ad.accumulate(getInput(), MulOp::create(b, loc, type, y, centred, FloatAttr(),
                                          FloatAttr()));
  return success();
}

LogicalResult ReluOp::buildBackward(Autodiff &ad, Value error) {
  OpBuilder &b = ad.getBuilder();
  ad.accumulate(getInput(),
                ClampBackwardOp::create(b, ad.getLoc(), error.getType(), error,
                                        getOutput(), b.getF32FloatAttr(0),
                                        FloatAttr()));
  return success();
}

LogicalResult ClampOp::buildBackward(Autodiff &ad, Value error) {
  OpBuilder &b = ad.getBuilder();
  ad.accumulate(getInput(),
                ClampBackwardOp::create(
                    b, ad.getLoc(), error.getType(), error, getOutput(),
                    b.getF32FloatAttr(getMin().convertToFloat()),
                    b.getF32FloatAttr(getMax().convertToFloat())));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling and data movement
//===----------------------------------------------------------------------===//

LogicalResult MaxPool2DOp::buildBackward(Autodiff &ad, Value error) {
  // The routing reads the int8 copy of the input when one is kept.
  Value input = getInput();
  if (DynamicQuantizeOp saved = Autodiff::savedInt8(input))
    input = saved.getOutput();
  ad.accumulate(getInput(), MaxPool2DBackwardOp::create(
                                ad.getBuilder(), ad.getLoc(),
                                getInput().getType(), error, input, getKernel(),
                                getStrides(), getDilations(), getPads()));
  return success();
}

LogicalResult AvgPool2DOp::buildBackward(Autodiff &ad, Value error) {
  ad.accumulate(getInput(), AvgPool2DBackwardOp::create(
                                ad.getBuilder(), ad.getLoc(),
                                getInput().getType(), error, getKernel(),
                                getStrides(), getPads(), getCountIncludePad()));
  return success();
}

LogicalResult GlobalAvgPoolOp::buildBackward(Autodiff &ad, Value error) {
  ArrayRef<int64_t> x = cast<RankedTensorType>(getInput().getType()).getShape();
  SmallVector<int64_t> kernel = {x[2], x[3]}, ones = {1, 1},
                       zeros = {0, 0, 0, 0};
  ad.accumulate(getInput(),
                AvgPool2DBackwardOp::create(ad.getBuilder(), ad.getLoc(),
                                            getInput().getType(), error, kernel,
                                            ones, zeros, false));
  return success();
}

LogicalResult ReshapeOp::buildBackward(Autodiff &ad, Value error) {
  ad.accumulate(getInput(), ReshapeOp::create(ad.getBuilder(), ad.getLoc(),
                                              getInput().getType(), error));
  return success();
}

LogicalResult TransposeOp::buildBackward(Autodiff &ad, Value error) {
  // The inverse permutation moves each dimension back.
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  ad.accumulate(getInput(),
                TransposeOp::create(ad.getBuilder(), ad.getLoc(),
                                    getInput().getType(), error, inverse));
  return success();
}

LogicalResult ConcatOp::buildBackward(Autodiff &ad, Value error) {
  // Each input's error is its window of the result's.
  auto type = cast<RankedTensorType>(getType());
  int64_t axis = getAxis();
  SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1);
  for (Value input : getInputs()) {
    if (ad.needsError(input))
      ad.accumulate(input,
                    SliceOp::create(ad.getBuilder(), ad.getLoc(),
                                    input.getType(), error, starts, steps));
    starts[axis] += cast<RankedTensorType>(input.getType()).getDimSize(axis);
  }
  return success();
}

LogicalResult SliceOp::buildBackward(Autodiff &ad, Value error) {
  // The window's error, zero around it: a pad by what the window left out.
  if (llvm::any_of(getSteps(), [](int64_t step) { return step != 1; }))
    return emitOpError("has no backward for steps other than 1");
  ArrayRef<int64_t> in =
      cast<RankedTensorType>(getInput().getType()).getShape();
  ArrayRef<int64_t> out = cast<RankedTensorType>(getType()).getShape();
  int64_t rank = in.size();
  SmallVector<int64_t> pads(2 * rank);
  for (int64_t d = 0; d < rank; ++d) {
    pads[d] = getStarts()[d];
    pads[rank + d] = in[d] - getStarts()[d] - out[d];
  }
  OpBuilder &b = ad.getBuilder();
  ad.accumulate(getInput(), PadOp::create(b, ad.getLoc(), getInput().getType(),
                                          error, b.getDenseI64ArrayAttr(pads),
                                          b.getStringAttr("constant"),
                                          b.getF32FloatAttr(0.0f)));
  return success();
}

LogicalResult PadOp::buildBackward(Autodiff &ad, Value error) {
  // A constant pad's error is the error of the window the input filled;
  // the padding's constant receives none.
  if (getMode() != "constant")
    return emitOpError("has no backward for ") << getMode() << " padding";
  int64_t rank = cast<RankedTensorType>(getType()).getRank();
  SmallVector<int64_t> starts(getPads().take_front(rank)), steps(rank, 1);
  ad.accumulate(getInput(),
                SliceOp::create(ad.getBuilder(), ad.getLoc(),
                                getInput().getType(), error, starts, steps));
  return success();
}
