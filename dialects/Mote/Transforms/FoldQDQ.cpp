//===- FoldQDQ.cpp - Fold QDQ chains into integer ops ---------------------===//

#include "Mote/Conversion/FixedPoint.h"
#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/Passes.h"
#include "Mote/Transforms/QuantConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mote {
#define GEN_PASS_DEF_MOTEFOLDQDQ
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// Returns true if every quantized operand type is per tensor.
static bool allPerTensor(ValueRange values) {
  return llvm::all_of(values, [](Value v) {
    return !isa_and_nonnull<quant::UniformQuantizedPerAxisType>(
        getQuantType(v.getType()));
  });
}

/// Returns the tensor type of `like` with the element type of `elementOf`.
static RankedTensorType withElementType(Type like, Type elementOf) {
  return cast<RankedTensorType>(like).clone(getElementTypeOrSelf(elementOf));
}

/// True if `op` is in a module compiled in TFLite's numerics.
static bool inTFLiteNumerics(Operation *op) {
  auto module = op->getParentOfType<ModuleOp>();
  auto numerics =
      module ? module->getAttrOfType<StringAttr>(kNumericsAttrName) : nullptr;
  return numerics && numerics.getValue() == "tflite";
}

/// True if `softmax` quantized to `resultType` has an int8 form: in TFLite's
/// numerics (docs/Numerics.md), with TFLite's int8 softmax output (scale
/// 1/256, zero point -128). Elsewhere softmax stays float between its
/// dequantize and quantize.
static bool hasTFLiteSoftmaxForm(SoftmaxOp softmax, Type resultType) {
  auto isInt8 = [](quant::QuantizedType q) {
    return isa_and_nonnull<quant::UniformQuantizedType>(q) && q.isSigned() &&
           q.getStorageTypeIntegralWidth() == 8;
  };
  auto dq = softmax.getInput().getDefiningOp<DequantizeOp>();
  auto type =
      dyn_cast_or_null<quant::UniformQuantizedType>(getQuantType(resultType));
  return inTFLiteNumerics(softmax) && dq &&
         isInt8(getQuantType(dq.getInput().getType())) && isInt8(type) &&
         type.getScale() == 1.0 / 256 && type.getZeroPoint() == -128;
}

/// requantize(mean(x)) -> mean(x) into the requantize's type, also through
/// a reshape (MEAN without keep_dims), in TFLite's numerics: TFLite's MEAN
/// rescales its sum to the output in one step.
struct FoldRequantizeIntoMean : OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    if (!inTFLiteNumerics(op))
      return rewriter.notifyMatchFailure(op, "not in TFLite's numerics");
    Value source = op.getInput();
    auto reshape = source.getDefiningOp<ReshapeOp>();
    if (reshape && reshape->hasOneUse())
      source = reshape.getInput();
    auto mean = source.getDefiningOp<ReduceOp>();
    if (!mean || mean.getKind() != "mean" || !mean->hasOneUse() ||
        !allPerTensor({mean.getInput(), op.getResult()}))
      return rewriter.notifyMatchFailure(op, "input is not a mean");
    Type elementType = getElementTypeOrSelf(op.getType());
    auto meanType = cast<RankedTensorType>(mean.getType()).clone(elementType);
    Value result =
        ReduceOp::create(rewriter, mean.getLoc(), meanType, mean.getInput(),
                         mean.getAxesAttr(), mean.getKindAttr());
    if (source != op.getInput())
      result =
          ReshapeOp::create(rewriter, reshape.getLoc(), op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// quantize(op(dequantize(a), dequantize(b), ...)) -> op(a, b, ...) with the
/// quantize's result type.
struct FoldIntoQuantizedOp : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    Operation *producer = op.getInput().getDefiningOp();
    auto softmax = dyn_cast_or_null<SoftmaxOp>(producer);
    if (!producer ||
        !(producer->hasTrait<mote::OpTrait::IntegerForm>() ||
          (softmax && hasTFLiteSoftmaxForm(softmax, op.getType()))))
      return rewriter.notifyMatchFailure(op, "producer has no integer form");
    if (!producer->hasOneUse())
      return rewriter.notifyMatchFailure(op, "float result has other users");
    if (!isa<quant::UniformQuantizedType>(getQuantType(op.getType())))
      return rewriter.notifyMatchFailure(op, "result is not per tensor");

    SmallVector<Value> operands;
    for (Value operand : producer->getOperands()) {
      // A layer norm keeps its float scale and bias: constants the
      // lowering folds into multipliers.
      if (isa<LayerNormOp>(producer) && operand != producer->getOperand(0) &&
          matchPattern(operand, m_Constant())) {
        operands.push_back(operand);
        continue;
      }
      auto dq = operand.getDefiningOp<DequantizeOp>();
      if (!dq)
        return rewriter.notifyMatchFailure(op, "an operand is not dequantized");
      operands.push_back(dq.getInput());
    }

    if (isa<Conv2DOp, ConvTranspose2DOp, FullyConnectedOp>(producer)) {
      Value bias = operands.size() > 2 ? operands[2] : Value();
      // A transposed convolution's weight has its output channels on axis 1.
      bool transposed = isa<ConvTranspose2DOp>(producer);
      int64_t channels =
          transposed
              ? cast<RankedTensorType>(op.getType()).getDimSize(1)
              : cast<RankedTensorType>(operands[1].getType()).getDimSize(0);
      std::string problem =
          checkQuantizedLayerTypes(operands[0].getType(), operands[1].getType(),
                                   bias ? bias.getType() : Type(), op.getType(),
                                   channels, transposed ? 1 : 0);
      if (!problem.empty())
        return rewriter.notifyMatchFailure(op, problem);
    } else if (auto norm = dyn_cast<LayerNormOp>(producer);
               norm && !norm.getStatistics().empty()) {
      return rewriter.notifyMatchFailure(op, "statistics have no int8 form");
    } else if (!allPerTensor(operands)) {
      return rewriter.notifyMatchFailure(op, "an operand is per axis");
    } else if (isa<MatMulOp>(producer) &&
               !llvm::all_of(llvm::concat<Value>(operands, op->getResults()),
                             [](Value v) {
                               auto q = getQuantType(v.getType());
                               return q && q.isSigned() &&
                                      q.getStorageTypeIntegralWidth() == 8;
                             })) {
      // The int8 product kernel reads signed bytes; a uint8 QLinearMatMul
      // operand stays float between its dequantize and quantize.
      return rewriter.notifyMatchFailure(op, "a product operand is not int8");
    }

    OperationState state(producer->getLoc(), producer->getName(), operands,
                         TypeRange{op.getType()}, producer->getAttrs());
    Operation *quantized = rewriter.create(state);
    rewriter.replaceOp(op, quantized->getResults());
    rewriter.eraseOp(producer);
    return success();
  }
};

/// A float constant bias of a conv or fully-connected layer whose input and
/// weights are dequantized (QAT exports leave biases float) becomes int32
/// at scale input x weight, so the layer can fold into an integer op. The
/// rounding error is at most half a unit of input x weight scale.
template <typename OpTy> struct QuantizeFloatBias : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr bias;
    if (!op.getBias() || !matchPattern(op.getBias(), m_Constant(&bias)) ||
        !bias.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "bias is not a float constant");
    auto input = op.getInput().template getDefiningOp<DequantizeOp>();
    auto weight = op.getWeight().template getDefiningOp<DequantizeOp>();
    if (!input || !weight)
      return rewriter.notifyMatchFailure(op, "input or weight not dequantized");
    auto inputType = dyn_cast<quant::UniformQuantizedType>(
        getQuantType(input.getInput().getType()));
    if (!inputType)
      return rewriter.notifyMatchFailure(op, "input is not per tensor");
    int64_t channels = bias.getNumElements();
    SmallVector<double> scales =
        getScales(getQuantType(weight.getInput().getType()), channels);
    SmallVector<int32_t> values;
    for (auto [c, b] : llvm::enumerate(bias.getValues<float>())) {
      if (!std::isfinite(b))
        return rewriter.notifyMatchFailure(op, "non-finite bias");
      scales[c] = static_cast<float>(inputType.getScale() * scales[c]);
      values.push_back(quantizeBias(b, scales[c]));
    }
    auto rawType = RankedTensorType::get({channels}, rewriter.getI32Type());
    auto qType = buildQuantType(rewriter.getI32Type(), rewriter.getF32Type(),
                                scales, SmallVector<int64_t>(channels, 0), 0);
    Value dq = createDequantizedConstant(
        rewriter, op.getLoc(),
        DenseElementsAttr::get(rawType, ArrayRef(values)), qType);
    rewriter.modifyOpInPlace(op, [&] { op.getBiasMutable().assign(dq); });
    return success();
  }
};

/// op(dequantize(x)) -> dequantize(op(x)) for data movement that commutes
/// with an affine map (quantization-transparent ops): the tensor stays in
/// the integer domain.
struct SinkDequantize
    : OpTraitRewritePattern<mote::OpTrait::QuantizationTransparent> {
  using OpTraitRewritePattern::OpTraitRewritePattern;

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    auto dq = op->getOperand(0).getDefiningOp<DequantizeOp>();
    if (!dq)
      return rewriter.notifyMatchFailure(op, "input is not dequantized");
    if (!allPerTensor(dq.getInput()))
      return rewriter.notifyMatchFailure(op, "input is per axis");
    Type resultType = op->getResult(0).getType();
    Type quantType = withElementType(resultType, dq.getInput().getType());
    Operation *moved = rewriter.create(
        op->getLoc(), op->getName().getIdentifier(), ValueRange{dq.getInput()},
        TypeRange{quantType}, op->getAttrs());
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, resultType,
                                              moved->getResult(0));
    return success();
  }
};

/// gather(dequantize(t), ids) -> dequantize(gather(t, ids)), and
/// where(c, dequantize(a), dequantize(b)) -> dequantize(where(c, a, b)) when
/// a and b share one per-tensor type: both only copy values, so an int8
/// embedding table or an int8 choice stays int8.
struct SinkDequantizeThroughSelection : RewritePattern {
  SinkDequantizeThroughSelection(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    // The operands holding the values that are copied.
    SmallVector<unsigned, 2> copied;
    if (isa<GatherOp>(op))
      copied = {0};
    else if (isa<WhereOp>(op))
      copied = {1, 2};
    else
      return failure();
    SmallVector<Value> operands(op->getOperands());
    Type quantized;
    for (unsigned i : copied) {
      auto dq = operands[i].getDefiningOp<DequantizeOp>();
      if (!dq || !allPerTensor(dq.getInput()) ||
          (quantized && quantized != dq.getInput().getType().getElementType()))
        return rewriter.notifyMatchFailure(op, "not one per-tensor type");
      quantized =
          cast<RankedTensorType>(dq.getInput().getType()).getElementType();
      operands[i] = dq.getInput();
    }
    Type resultType = op->getResult(0).getType();
    Operation *moved = rewriter.create(
        op->getLoc(), op->getName().getIdentifier(), operands,
        TypeRange{cast<RankedTensorType>(resultType).clone(quantized)},
        op->getAttrs());
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, resultType,
                                              moved->getResult(0));
    return success();
  }
};

/// quantize(dequantize(x)) -> x, or requantize(x) when the types differ.
struct FoldQuantizeOfDequantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq)
      return rewriter.notifyMatchFailure(op, "input is not dequantized");
    Value source = dq.getInput();
    if (source.getType() == op.getType()) {
      rewriter.replaceOp(op, source);
      return success();
    }
    if (!allPerTensor({source, op.getResult()}))
      return rewriter.notifyMatchFailure(op, "per-axis requantization");
    rewriter.replaceOpWithNewOp<RequantizeOp>(op, op.getType(), source);
    return success();
  }
};

/// True if every use of `v` is the weight of a float conv or
/// fully-connected layer, which must be a constant to be lowered.
static bool onlyFloatLayerWeight(Value v) {
  return llvm::all_of(v.getUses(), [](OpOperand &use) {
    Operation *user = use.getOwner();
    if (user->getNumResults() != 1 ||
        getNumericKind(user->getResult(0).getType()) != NumericKind::Float)
      return false;
    if (auto conv = dyn_cast<Conv2DOp>(user))
      return use.get() == conv.getWeight() && use.get() != conv.getInput();
    if (auto fc = dyn_cast<FullyConnectedOp>(user))
      return use.get() == fc.getWeight() && use.get() != fc.getInput();
    return false;
  });
}

/// dequantize(quant.scast(constant)) -> a float constant, for a per-axis
/// type, and for a per-tensor one read only as the weight of float layers.
/// Applied once the integer folds are done: what is left reads weights into
/// float arithmetic (a cut, an output at a float conv result, a QAT export
/// whose layer input was never quantized, as PyTorch leaves the classifier
/// after a float pooling), which has no per-axis dequantize kernel and
/// needs none.
struct FoldDequantizeOfConstant : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    quant::QuantizedType quantType = getQuantType(op.getInput().getType());
    auto type = dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(quantType);
    auto perTensor = dyn_cast_or_null<quant::UniformQuantizedType>(quantType);
    if (perTensor && onlyFloatLayerWeight(op.getResult())) {
      SmallVector<double> scale = {perTensor.getScale()};
      SmallVector<int64_t> zeroPoint = {perTensor.getZeroPoint()};
      type = quant::UniformQuantizedPerAxisType::get(
          perTensor.getFlags(), perTensor.getStorageType(),
          perTensor.getExpressedType(), scale, zeroPoint, 0,
          perTensor.getStorageTypeMin(), perTensor.getStorageTypeMax());
    }
    if (!type)
      return rewriter.notifyMatchFailure(op, "not per axis");
    auto scast = op.getInput().getDefiningOp<quant::StorageCastOp>();
    DenseIntElementsAttr storage;
    if (!scast || !matchPattern(scast.getInput(), m_Constant(&storage)))
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    auto shape = cast<RankedTensorType>(storage.getType()).getShape();
    int32_t axis = type.getQuantizedDimension();
    ArrayRef<double> scales = type.getScales();
    ArrayRef<int64_t> zeroPoints = type.getZeroPoints();
    if (axis < 0 || axis >= static_cast<int32_t>(shape.size()) ||
        (shape[axis] != static_cast<int64_t>(scales.size()) && !perTensor))
      return rewriter.notifyMatchFailure(op, "axis does not match the shape");
    int64_t inner = 1;
    for (int64_t d : shape.drop_front(axis + 1))
      inner *= d;
    // Float arithmetic, as a runtime dequantize (and ONNX Runtime) does it.
    SmallVector<float> values;
    values.reserve(storage.getNumElements());
    int64_t i = 0;
    for (const APInt &q : storage.getValues<APInt>()) {
      int64_t c = perTensor ? 0 : (i++ / inner) % shape[axis];
      values.push_back(static_cast<float>(q.getSExtValue() - zeroPoints[c]) *
                       static_cast<float>(scales[c]));
    }
    auto resultType = cast<RankedTensorType>(op.getType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, DenseElementsAttr::get(resultType, ArrayRef(values)));
    return success();
  }
};

/// A recurrent layer whose weight and recurrence are dequantized int8
/// (symmetric, per tensor or per row) reads the int8 values directly: its
/// kernel scales each row's dot product, so the weights stay a quarter of
/// the float bytes.
template <typename OpTy> struct FoldRecurrentWeights : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto w = op.getWeight().template getDefiningOp<DequantizeOp>();
    auto r = op.getRecurrence().template getDefiningOp<DequantizeOp>();
    if (!w || !r)
      return rewriter.notifyMatchFailure(op, "weights are not dequantized");
    auto usable = [](Value v) {
      quant::QuantizedType q = getQuantType(v.getType());
      if (!q || !q.isSigned() || q.getStorageTypeIntegralWidth() != 8)
        return false;
      if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(q))
        return perAxis.getQuantizedDimension() == 1 &&
               llvm::all_of(perAxis.getZeroPoints(),
                            [](int64_t z) { return z == 0; });
      return cast<quant::UniformQuantizedType>(q).getZeroPoint() == 0;
    };
    if (!usable(w.getInput()) || !usable(r.getInput()))
      return rewriter.notifyMatchFailure(op, "weights are not symmetric int8");
    rewriter.modifyOpInPlace(op, [&] {
      op.getWeightMutable().assign(w.getInput());
      op.getRecurrenceMutable().assign(r.getInput());
    });
    return success();
  }
};

/// A recurrent layer on int8 weights whose input is a dequantized int8
/// tensor and whose output is quantized to int8 takes the integer form:
/// every hidden state gets the output's type (an initial state of another
/// type is requantized to it), the LSTM's cell state is int32 in Q0.15 (and
/// must have no reader), and float users of the last hidden state read it
/// through a dequantize. The biases and the LSTM's initial cell state stay
/// float constants, which the lowering converts; peepholes keep the float
/// form.
template <typename OpTy>
struct FoldRecurrentActivations : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  static bool isInt8PerTensor(Type t) {
    auto q = dyn_cast_or_null<quant::UniformQuantizedType>(getQuantType(t));
    return q && q.isSigned() && q.getStorageTypeIntegralWidth() == 8;
  }

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isLstm = std::is_same_v<OpTy, LstmOp>;
    auto dq = op.getInput().template getDefiningOp<DequantizeOp>();
    if (!dq || !isInt8PerTensor(dq.getInput().getType()))
      return rewriter.notifyMatchFailure(op, "input is not dequantized int8");
    if (!getQuantType(op.getWeight().getType()))
      return rewriter.notifyMatchFailure(op, "weights are float");
    if (!op.getOutput().hasOneUse())
      return rewriter.notifyMatchFailure(op, "output has other users");
    auto q = dyn_cast<QuantizeOp>(*op.getOutput().getUsers().begin());
    if (!q || !isInt8PerTensor(q.getType()))
      return rewriter.notifyMatchFailure(op, "output is not quantized to int8");
    if (op.getBias() && !matchPattern(op.getBias(), m_Constant()))
      return rewriter.notifyMatchFailure(op, "bias is not constant");
    if constexpr (isLstm) {
      if (op.getPeephole())
        return rewriter.notifyMatchFailure(op, "peepholes have no int8 form");
      if (op.getInitialC() && !matchPattern(op.getInitialC(), m_Constant()))
        return rewriter.notifyMatchFailure(op, "initial cell is not constant");
      // The Q0.15 cell state has no dequantize kernel.
      if (!op.getOutputC().use_empty())
        return rewriter.notifyMatchFailure(op, "the last cell state is read");
    }

    Type state = getElementTypeOrSelf(q.getType());
    auto withState = [&](Value v) {
      return cast<RankedTensorType>(v.getType()).clone(state);
    };
    SmallVector<Value> operands(op->getOperands());
    operands[0] = dq.getInput();
    if (Value h0 = op.getInitialH()) {
      // The operand's position: input, weight, recurrence, then the bias
      // when present.
      unsigned index = op.getBias() ? 4 : 3;
      auto h0dq = h0.getDefiningOp<DequantizeOp>();
      operands[index] =
          h0dq && getElementTypeOrSelf(h0dq.getInput().getType()) == state
              ? h0dq.getInput()
              : QuantizeOp::create(rewriter, op.getLoc(), withState(h0), h0)
                    .getResult();
    }
    SmallVector<Type> types = {q.getType(), withState(op.getOutputH())};
    if constexpr (isLstm) {
      Type cell = buildQuantType(rewriter.getI32Type(), rewriter.getF32Type(),
                                 {std::ldexp(1.0, -15)}, {0}, -1);
      types.push_back(
          cast<RankedTensorType>(op.getOutputC().getType()).clone(cell));
    }
    OperationState stateOp(op.getLoc(), op->getName(), operands, types,
                           op->getAttrs());
    Operation *integer = rewriter.create(stateOp);
    rewriter.replaceOp(q, integer->getResult(0));
    for (auto [old, now] : llvm::zip(op->getResults().drop_front(),
                                     integer->getResults().drop_front())) {
      if (old.use_empty())
        continue;
      Value f = DequantizeOp::create(rewriter, op.getLoc(), old.getType(), now);
      rewriter.replaceAllUsesWith(old, f);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct MoteFoldQDQPass : mote::impl::MoteFoldQDQBase<MoteFoldQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldQDQPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    RewritePatternSet leftovers(&getContext());
    leftovers.add<FoldDequantizeOfConstant>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(leftovers))))
      signalPassFailure();
  }
};

} // namespace

void mote::populateFoldQDQPatterns(RewritePatternSet &patterns) {
  patterns
      .add<FoldIntoQuantizedOp, FoldQuantizeOfDequantize,
           QuantizeFloatBias<Conv2DOp>, QuantizeFloatBias<ConvTranspose2DOp>,
           QuantizeFloatBias<FullyConnectedOp>, SinkDequantize,
           SinkDequantizeThroughSelection, FoldRecurrentWeights<RnnOp>,
           FoldRecurrentWeights<GruOp>, FoldRecurrentWeights<LstmOp>,
           FoldRecurrentActivations<RnnOp>, FoldRecurrentActivations<GruOp>,
           FoldRecurrentActivations<LstmOp>, FoldRequantizeIntoMean>(
          patterns.getContext());
}
