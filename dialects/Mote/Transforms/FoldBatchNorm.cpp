//===- FoldBatchNorm.cpp - Fold batch normalization -----------------------===//

#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/Passes.h"
#include "Mote/Transforms/QuantConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <type_traits>

namespace mote {
#define GEN_PASS_DEF_MOTEFOLDBATCHNORM
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// Per-channel multiplier and offset equivalent to a batch normalization:
/// y = x * scale + shift.
struct ChannelAffine {
  SmallVector<float> scale, shift;
};

static FailureOr<ChannelAffine> getChannelAffine(BatchNormOp op, Value &input) {
  input = op.getInput();
  DenseElementsAttr gamma, beta, mean, var;
  if (!matchPattern(op.getScale(), m_Constant(&gamma)) ||
      !matchPattern(op.getBias(), m_Constant(&beta)) ||
      !matchPattern(op.getMean(), m_Constant(&mean)) ||
      !matchPattern(op.getVariance(), m_Constant(&var)))
    return failure();
  ChannelAffine affine;
  float eps = op.getEpsilon().convertToFloat();
  auto g = gamma.getValues<float>(), b = beta.getValues<float>(),
       m = mean.getValues<float>(), v = var.getValues<float>();
  for (int64_t c = 0, e = gamma.getNumElements(); c < e; ++c) {
    float s = g[c] / std::sqrt(v[c] + eps);
    affine.scale.push_back(s);
    affine.shift.push_back(b[c] - m[c] * s);
  }
  return affine;
}

/// The per-channel form of a multiplication or addition of a conv's NCHW
/// result by a constant that varies at most along the channel axis ([C, 1,
/// 1], [1, C, 1, 1], a scalar): PyTorch's QAT export of a ConvBn module
/// writes the conv as conv(x, w_fq) / factor + bias, before the batch norm.
template <typename OpTy>
static FailureOr<ChannelAffine> getChannelAffine(OpTy op, Value &input) {
  if (op.getClampMin() || op.getClampMax())
    return failure();
  DenseElementsAttr constant;
  if (matchPattern(op.getRhs(), m_Constant(&constant)))
    input = op.getLhs();
  else if (matchPattern(op.getLhs(), m_Constant(&constant)))
    input = op.getRhs();
  else
    return failure();
  auto type = cast<RankedTensorType>(input.getType());
  if (input.getType() != op.getType() || type.getRank() != 4 ||
      !constant.getElementType().isF32())
    return failure();
  int64_t channels = type.getDimSize(1);
  ArrayRef<int64_t> shape = constant.getType().getShape();
  // Right-aligned against NCHW, every dimension but C must be 1.
  for (auto [i, extent] : llvm::enumerate(llvm::reverse(shape)))
    if (extent != 1 && i != 2)
      return failure();
  int64_t n = constant.getNumElements();
  if (n != 1 && n != channels)
    return failure();
  SmallVector<float> values(constant.getValues<float>());
  ChannelAffine affine;
  bool isMul = std::is_same_v<OpTy, MulOp>;
  for (int64_t c = 0; c < channels; ++c) {
    float v = values[n == 1 ? 0 : c];
    affine.scale.push_back(isMul ? v : 1.0f);
    affine.shift.push_back(isMul ? 0.0f : v);
  }
  return affine;
}

static Value createF32Constant(PatternRewriter &rewriter, Location loc,
                               ArrayRef<int64_t> shape,
                               ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, rewriter.getF32Type());
  return arith::ConstantOp::create(rewriter, loc, type,
                                   DenseElementsAttr::get(type, values));
}

/// The conv `conv` with weight `w` and bias `b` in place of its own, giving
/// `type`: a batch normalization folded in.
static Value createFoldedConv(PatternRewriter &rewriter, Conv2DOp conv,
                              Type type, Value w, Value b) {
  return Conv2DOp::create(rewriter, conv.getLoc(), type, conv.getInput(), w, b,
                          conv.getStridesAttr(), conv.getDilationsAttr(),
                          conv.getPadsAttr(), conv.getGroupAttr(), FloatAttr(),
                          FloatAttr())
      .getResult();
}

/// batch_norm(conv2d(x, w, b)) -> conv2d(x, w * s, (b - mean) * s + beta),
/// and the same for a per-channel multiplication or addition.
template <typename OpTy> struct FoldIntoConv : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value input;
    FailureOr<ChannelAffine> affine = getChannelAffine(op, input);
    if (failed(affine))
      return rewriter.notifyMatchFailure(op, "not a per-channel affine map");
    auto conv = input.getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a single-use conv");
    if (getNumericKind(conv.getType()) != NumericKind::Float)
      return rewriter.notifyMatchFailure(op, "conv is not float");
    if (conv.getClampMin() || conv.getClampMax())
      return rewriter.notifyMatchFailure(op, "conv has a fused activation");
    DenseElementsAttr weight, bias;
    if (!matchPattern(conv.getWeight(), m_Constant(&weight)))
      return rewriter.notifyMatchFailure(op, "conv weight is not constant");
    if (conv.getBias() && !matchPattern(conv.getBias(), m_Constant(&bias)))
      return rewriter.notifyMatchFailure(op, "conv bias is not constant");

    auto wType = cast<RankedTensorType>(weight.getType());
    int64_t channels = wType.getDimSize(0);
    int64_t perChannel = wType.getNumElements() / channels;
    SmallVector<float> newWeight(weight.getValues<float>());
    SmallVector<float> newBias(channels, 0.0f);
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t i = 0; i < perChannel; ++i)
        newWeight[c * perChannel + i] *= affine->scale[c];
      float b = bias ? bias.getValues<float>()[c] : 0.0f;
      newBias[c] = b * affine->scale[c] + affine->shift[c];
    }
    Location loc = op.getLoc();
    Value w = createF32Constant(rewriter, loc, wType.getShape(), newWeight);
    Value b = createF32Constant(rewriter, loc, {channels}, newBias);
    rewriter.replaceOp(op,
                       createFoldedConv(rewriter, conv, op.getType(), w, b));
    return success();
  }
};

/// Returns the integer constant behind `v` = dequantize(scast(constant)),
/// and its quantized type; null when `v` is not so.
static DenseElementsAttr dequantizedConstant(Value v,
                                             quant::QuantizedType &type) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq)
    return {};
  type = getQuantType(dq.getInput().getType());
  Value storage = dq.getInput();
  while (auto cast = storage.getDefiningOp<quant::StorageCastOp>())
    storage = cast.getInput();
  DenseElementsAttr attr;
  if (!matchPattern(storage, m_Constant(&attr)) ||
      !isa<IntegerType>(attr.getElementType()))
    return {};
  return attr;
}

/// The QAT form PyTorch exports, batch norm left unfused:
///   batch_norm(conv2d(dequantize(x), dequantize(wq), [b]))
/// -> conv2d(dequantize(x), dequantize(wq'), b'), and the same for a
/// per-channel multiplication or addition (PyTorch writes ConvBn as
/// conv / factor + bias before the batch norm).
/// With per-channel weight scales the fold is exact: channel c's factor
/// f (gamma / sqrt(var + eps) for a batch norm) scales its weight scale by
/// |f| and flips the sign of its integers when f < 0. The new bias
/// b * f + shift stays a float constant; mote-fold-qdq quantizes it to
/// int32 at input scale x weight scale, once after every fold.
template <typename OpTy> struct FoldIntoQuantizedConv : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value affineInput;
    FailureOr<ChannelAffine> affine = getChannelAffine(op, affineInput);
    if (failed(affine))
      return rewriter.notifyMatchFailure(op, "not a per-channel affine map");
    auto conv = affineInput.getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse() || conv.getClampMin() || conv.getClampMax())
      return rewriter.notifyMatchFailure(op, "input is not a plain conv");
    // The input may reach the conv through data movement that mote-fold-qdq
    // will move below its dequantize (a max pool, say).
    Value source = conv.getInput();
    while (Operation *def = source.getDefiningOp()) {
      if (!def->hasTrait<mote::OpTrait::QuantizationTransparent>())
        break;
      source = def->getOperand(0);
    }
    auto input = source.getDefiningOp<DequantizeOp>();
    auto inputType = input ? dyn_cast<quant::UniformQuantizedType>(
                                 getQuantType(input.getInput().getType()))
                           : quant::UniformQuantizedType();
    quant::QuantizedType wType;
    DenseElementsAttr wq = dequantizedConstant(conv.getWeight(), wType);
    if (!inputType || !wq || wq.getElementType().getIntOrFloatBitWidth() != 8)
      return rewriter.notifyMatchFailure(op, "not a dequantized int8 conv");
    if (auto t = dyn_cast<quant::UniformQuantizedType>(wType);
        t && t.getZeroPoint() != 0)
      return rewriter.notifyMatchFailure(op, "weights have a zero point");
    if (auto t = dyn_cast<quant::UniformQuantizedPerAxisType>(wType);
        t && (t.getQuantizedDimension() != 0 ||
              llvm::any_of(t.getZeroPoints(), [](int64_t z) { return z; })))
      return rewriter.notifyMatchFailure(op,
                                         "weights are not per output channel");
    // The bias is a float constant, or int32 from an earlier fold (a QAT
    // ConvBn export folds three ops in turn).
    SmallVector<double> oldBias;
    if (Value b = conv.getBias()) {
      DenseElementsAttr bias;
      quant::QuantizedType bType;
      if (matchPattern(b, m_Constant(&bias)) && bias.getElementType().isF32()) {
        for (float v : bias.getValues<float>())
          oldBias.push_back(v);
      } else if (DenseElementsAttr bq = dequantizedConstant(b, bType)) {
        SmallVector<double> bScales = getScales(bType, bq.getNumElements());
        for (auto [c, v] : llvm::enumerate(bq.getValues<APInt>()))
          oldBias.push_back(double(v.getSExtValue()) * bScales[c]);
      } else {
        return rewriter.notifyMatchFailure(op, "bias is not constant");
      }
    }

    auto shape = cast<RankedTensorType>(wq.getType());
    int64_t channels = shape.getDimSize(0);
    int64_t perChannel = shape.getNumElements() / channels;
    SmallVector<double> oldScales = getScales(wType, channels);
    SmallVector<double> scales(channels);
    SmallVector<int8_t> weights;
    for (APInt v : wq.getValues<APInt>())
      weights.push_back(static_cast<int8_t>(v.getSExtValue()));
    SmallVector<float> biases(channels);
    for (int64_t c = 0; c < channels; ++c) {
      double f = affine->scale[c];
      // Scales are float32 in the runtime and in ONNX.
      scales[c] =
          static_cast<float>(f == 0.0 ? 1.0 : oldScales[c] * std::fabs(f));
      for (int64_t i = 0; i < perChannel; ++i) {
        int8_t &w = weights[c * perChannel + i];
        w = f == 0.0 ? 0
            : f < 0  ? static_cast<int8_t>(std::clamp(-int(w), -127, 127))
                     : w;
      }
      double b = (oldBias.empty() ? 0.0 : oldBias[c]) * f + affine->shift[c];
      if (!std::isfinite(b) || !std::isfinite(f))
        return rewriter.notifyMatchFailure(op, "non-finite parameters");
      biases[c] = static_cast<float>(b);
    }
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type(), i8 = rewriter.getI8Type();
    SmallVector<int64_t> zeros(channels, 0);
    Value w = createDequantizedConstant(
        rewriter, loc,
        DenseElementsAttr::get(shape.clone(i8), ArrayRef(weights)),
        buildQuantType(i8, f32, scales, zeros, 0));
    // The bias stays float, so a chain of folds rounds it once, when
    // mote-fold-qdq quantizes it at input scale x weight scale.
    Value b = createF32Constant(rewriter, loc, {channels}, biases);
    rewriter.replaceOp(op,
                       createFoldedConv(rewriter, conv, op.getType(), w, b));
    return success();
  }
};

/// Any other batch_norm with constant parameters -> x * s + shift, with the
/// per-channel constants shaped [C, 1, ..., 1] to broadcast over axis 1.
struct DecomposeBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    Value input;
    FailureOr<ChannelAffine> affine = getChannelAffine(op, input);
    if (failed(affine))
      return rewriter.notifyMatchFailure(op, "parameters are not constant");
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> shape(type.getRank() - 1, 1);
    shape[0] = type.getDimSize(1);
    Location loc = op.getLoc();
    Value s = createF32Constant(rewriter, loc, shape, affine->scale);
    Value t = createF32Constant(rewriter, loc, shape, affine->shift);
    Value scaled =
        MulOp::create(rewriter, loc, type, input, s, FloatAttr(), FloatAttr());
    rewriter.replaceOpWithNewOp<AddOp>(op, type, scaled, t, FloatAttr(),
                                       FloatAttr());
    return success();
  }
};

struct MoteFoldBatchNormPass
    : mote::impl::MoteFoldBatchNormBase<MoteFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mote::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  // Folding into the conv is preferred over the decomposition.
  // So is a per-channel multiplication or addition after a conv (QAT
  // exports of ConvBn), folded into its weights and bias.
  patterns.add<FoldIntoConv<BatchNormOp>, FoldIntoQuantizedConv<BatchNormOp>,
               FoldIntoConv<MulOp>, FoldIntoQuantizedConv<MulOp>,
               FoldIntoConv<AddOp>, FoldIntoQuantizedConv<AddOp>>(
      patterns.getContext(), /*benefit=*/2);
  patterns.add<DecomposeBatchNorm>(patterns.getContext(), /*benefit=*/1);
}
