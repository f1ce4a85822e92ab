//===- FuseActivations.cpp - Fuse ReLU / clamp into producers -------------===//

#include "Mote/Transforms/Passes.h"

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
  patterns.add<FuseIntoProducer<ReluOp>, FuseIntoProducer<ClampOp>>(
      patterns.getContext());
}
