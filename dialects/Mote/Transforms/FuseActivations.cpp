//===- FuseActivations.cpp - Fuse ReLU / clamp into producers -------------===//
//
// Also recognizes GELU in the form exporters without a Gelu op write it:
// x * 0.5 * (1 + erf(x / sqrt(2))), the three factors in any order.
//
//===----------------------------------------------------------------------===//

#include "Mote/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>
#include <tuple>

namespace mote {
#define GEN_PASS_DEF_MOTEFUSEACTIVATIONS
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// Returns the [min, max] an activation clamps to.
static std::pair<float, float> getBounds(Operation *op) {
  if (auto clamp = dyn_cast<ClampOp>(op))
    return {clamp.getMin().convertToFloat(), clamp.getMax().convertToFloat()};
  return {0.0f, std::numeric_limits<float>::infinity()};
}

template <typename ActivationOp>
struct FuseIntoProducer : OpRewritePattern<ActivationOp> {
  using OpRewritePattern<ActivationOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ActivationOp op,
                                PatternRewriter &rewriter) const override {
    Operation *producer = op.getInput().getDefiningOp();
    if (!producer || !producer->hasTrait<mote::OpTrait::FusedActivation>())
      return rewriter.notifyMatchFailure(op, "producer cannot fuse");
    if (!producer->hasOneUse())
      return rewriter.notifyMatchFailure(op, "producer has other users");
    if (producer->getResult(0).getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "activation changes the type");

    float lo, hi;
    std::tie(lo, hi) = getBounds(op);
    if (auto min = producer->getAttrOfType<FloatAttr>("clamp_min"))
      lo = std::max(lo, static_cast<float>(min.getValueAsDouble()));
    if (auto max = producer->getAttrOfType<FloatAttr>("clamp_max"))
      hi = std::min(hi, static_cast<float>(max.getValueAsDouble()));
    if (lo > hi)
      return rewriter.notifyMatchFailure(op, "clamp intervals do not meet");

    rewriter.modifyOpInPlace(producer, [&] {
      producer->setAttr("clamp_min", rewriter.getF32FloatAttr(lo));
      if (hi != std::numeric_limits<float>::infinity())
        producer->setAttr("clamp_max", rewriter.getF32FloatAttr(hi));
    });
    rewriter.replaceOp(op, producer->getResult(0));
    return success();
  }
};

/// Returns the value of `v` if it is a float constant with one value in all
/// its elements (a scalar or a splat).
static std::optional<double> splatValue(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

static bool near(std::optional<double> v, double want) {
  return v && std::abs(*v - want) <= 1e-6 * std::abs(want);
}

/// The factors of a product of at most two single-use `mote.mul`s without
/// fused clamps, e.g. [x, 0.5, y] for mul(mul(x, 0.5), y).
static SmallVector<Value, 3> factorsOf(MulOp mul) {
  SmallVector<Value, 3> factors;
  for (Value operand : {mul.getLhs(), mul.getRhs()}) {
    auto inner = operand.getDefiningOp<MulOp>();
    if (inner && inner->hasOneUse() && !inner.getClampMin() &&
        !inner.getClampMax()) {
      factors.push_back(inner.getLhs());
      factors.push_back(inner.getRhs());
    } else {
      factors.push_back(operand);
    }
  }
  return factors;
}

/// Returns x if `v` is a single-use 1 + erf(x / sqrt(2)) (the division as
/// the importer writes it, a multiplication by 1 / sqrt(2)).
static Value erfTermInput(Value v) {
  auto add = v.getDefiningOp<AddOp>();
  if (!add || !add->hasOneUse() || add.getClampMin() || add.getClampMax())
    return {};
  Value other = near(splatValue(add.getLhs()), 1.0)   ? add.getRhs()
                : near(splatValue(add.getRhs()), 1.0) ? add.getLhs()
                                                      : Value();
  auto erf = other ? other.getDefiningOp<ErfOp>() : ErfOp();
  if (!erf || !erf->hasOneUse())
    return {};
  auto scaled = erf.getInput().getDefiningOp<MulOp>();
  if (!scaled || !scaled->hasOneUse() || scaled.getClampMin() ||
      scaled.getClampMax())
    return {};
  const double invSqrt2 = 0.70710678118654752;
  if (near(splatValue(scaled.getRhs()), invSqrt2))
    return scaled.getLhs();
  if (near(splatValue(scaled.getLhs()), invSqrt2))
    return scaled.getRhs();
  return {};
}

/// x * 0.5 * (1 + erf(x / sqrt(2))) -> mote.gelu x, for float tensors of
/// x's shape.
struct RecognizeGelu : OpRewritePattern<MulOp> {
  using OpRewritePattern<MulOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getClampMin() || op.getClampMax() ||
        !getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    SmallVector<Value, 3> factors = factorsOf(op);
    if (factors.size() != 3)
      return failure();
    // Try each factor as the erf term; the other two are x and 0.5.
    for (int e = 0; e < 3; ++e) {
      Value x = erfTermInput(factors[e]);
      if (!x)
        continue;
      Value a = factors[(e + 1) % 3], b = factors[(e + 2) % 3];
      if (!((a == x && near(splatValue(b), 0.5)) ||
            (b == x && near(splatValue(a), 0.5))))
        continue;
      if (x.getType() != op.getType())
        return rewriter.notifyMatchFailure(op, "the product broadcasts x");
      rewriter.replaceOpWithNewOp<GeluOp>(op, op.getType(), x);
      return success();
    }
    return failure();
  }
};

struct MoteFuseActivationsPass
    : mote::impl::MoteFuseActivationsBase<MoteFuseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseActivationsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mote::populateFuseActivationsPatterns(RewritePatternSet &patterns) {
  patterns
      .add<FuseIntoProducer<ReluOp>, FuseIntoProducer<ClampOp>, RecognizeGelu>(
          patterns.getContext());
}
