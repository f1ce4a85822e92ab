//===- FoldBatchNorm.cpp - Fold batch normalization -----------------------===//

#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

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

static FailureOr<ChannelAffine> getChannelAffine(BatchNormOp op) {
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

static Value createF32Constant(PatternRewriter &rewriter, Location loc,
                               ArrayRef<int64_t> shape,
                               ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, rewriter.getF32Type());
  return arith::ConstantOp::create(rewriter, loc, type,
                                   DenseElementsAttr::get(type, values));
}

/// batch_norm(conv2d(x, w, b)) -> conv2d(x, w * s, (b - mean) * s + beta).
struct FoldIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<Conv2DOp>();
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
    FailureOr<ChannelAffine> affine = getChannelAffine(op);
    if (failed(affine))
      return rewriter.notifyMatchFailure(op, "parameters are not constant");

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
    auto folded = Conv2DOp::create(
        rewriter, conv.getLoc(), op.getType(), conv.getInput(), w, b,
        conv.getStridesAttr(), conv.getDilationsAttr(), conv.getPadsAttr(),
        conv.getGroupAttr(), FloatAttr(), FloatAttr());
    rewriter.replaceOp(op, folded.getResult());
    return success();
  }
};

/// Any other batch_norm with constant parameters -> x * s + shift, with the
/// per-channel constants shaped [C, 1, ..., 1] to broadcast over axis 1.
struct DecomposeBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<ChannelAffine> affine = getChannelAffine(op);
    if (failed(affine))
      return rewriter.notifyMatchFailure(op, "parameters are not constant");
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> shape(type.getRank() - 1, 1);
    shape[0] = type.getDimSize(1);
    Location loc = op.getLoc();
    Value s = createF32Constant(rewriter, loc, shape, affine->scale);
    Value t = createF32Constant(rewriter, loc, shape, affine->shift);
    Value scaled = MulOp::create(rewriter, loc, type, op.getInput(), s,
                                 FloatAttr(), FloatAttr());
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
  patterns.add<FoldIntoConv>(patterns.getContext(), /*benefit=*/2);
  patterns.add<DecomposeBatchNorm>(patterns.getContext(), /*benefit=*/1);
}
