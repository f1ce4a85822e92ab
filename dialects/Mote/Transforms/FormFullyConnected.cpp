//===- FormFullyConnected.cpp - MatMul by a constant becomes a layer ------===//
//
// Exporters write a linear layer as MatMul + Add when PyTorch code spells
// it `x @ w + b`; the layer's weight then is a constant right operand
// stored [K, N]. As `mote.fully_connected` it gets the layer kernels,
// per-channel quantization and training like an ONNX Gemm.
//
//===----------------------------------------------------------------------===//

#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mote {
#define GEN_PASS_DEF_MOTEFORMFULLYCONNECTED
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

bool isF32(Value v) { return getElementTypeOrSelf(v.getType()).isF32(); }

/// `matmul(x [..., M, K], constant w [K, N])` -> `fully_connected(x, w^T)`,
/// the leading dimensions of x folded into M by reshapes around the layer.
struct MatMulToFullyConnected : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr weight;
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    if (!isF32(op.getLhs()) || !isF32(op.getResult()) ||
        !matchPattern(op.getRhs(), m_Constant(&weight)) ||
        weight.getType().getRank() != 2)
      return rewriter.notifyMatchFailure(op,
                                         "not x [..., K] by a float [K, N]");
    int64_t k = weight.getType().getDimSize(0);
    int64_t n = weight.getType().getDimSize(1);
    SmallVector<float> kn = llvm::to_vector(weight.getValues<float>());
    SmallVector<float> nk(kn.size());
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        nk[j * k + i] = kn[i * n + j];
    auto nkType = RankedTensorType::get({n, k}, rewriter.getF32Type());
    Value transposed = arith::ConstantOp::create(
        rewriter, op.getRhs().getLoc(),
        DenseElementsAttr::get(nkType, ArrayRef<float>(nk)));
    int64_t rows = lhsType.getNumElements() / k;
    Value input = op.getLhs();
    if (lhsType.getRank() != 2)
      input = ReshapeOp::create(rewriter, op.getLoc(), lhsType.clone({rows, k}),
                                input);
    Value layer = FullyConnectedOp::create(
        rewriter, op.getLoc(), lhsType.clone({rows, n}), input, transposed,
        Value(), FloatAttr(), FloatAttr());
    if (lhsType.getRank() != 2)
      layer = ReshapeOp::create(rewriter, op.getLoc(), op.getType(), layer);
    rewriter.replaceOp(op, layer);
    return success();
  }
};

/// `add(fully_connected(x, w), constant b)` with b `[N]` (or `[1, ..., 1,
/// N]`) and no bias or clamp yet -> `fully_connected(x, w, b)`; also
/// through the reshape that restores a folded layer's leading dimensions.
struct AddBiasToFullyConnected : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getClampMinAttr() || op.getClampMaxAttr() || !isF32(op.getResult()))
      return rewriter.notifyMatchFailure(op, "not a float add");
    for (auto [layerSide, biasSide] :
         {std::pair{op.getLhs(), op.getRhs()}, {op.getRhs(), op.getLhs()}}) {
      auto reshape = layerSide.getDefiningOp<ReshapeOp>();
      if (reshape && !reshape->hasOneUse())
        continue;
      auto layer = (reshape ? reshape.getInput() : layerSide)
                       .getDefiningOp<FullyConnectedOp>();
      DenseElementsAttr bias;
      if (!layer || layer.getBias() || layer.getClampMinAttr() ||
          layer.getClampMaxAttr() || !layer->hasOneUse() ||
          layerSide.getType() != op.getType() ||
          !matchPattern(biasSide, m_Constant(&bias)))
        continue;
      int64_t n = cast<RankedTensorType>(layer.getType()).getDimSize(1);
      ArrayRef<int64_t> shape = bias.getType().getShape();
      if (shape.empty() || shape.back() != n ||
          bias.getType().getNumElements() != n ||
          shape.size() > size_t(op.getType().getRank()))
        continue;
      Value vector = arith::ConstantOp::create(
          rewriter, biasSide.getLoc(),
          bias.reshape(RankedTensorType::get({n}, rewriter.getF32Type())));
      rewriter.modifyOpInPlace(layer,
                               [&] { layer.getBiasMutable().assign(vector); });
      rewriter.replaceOp(op, layerSide);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not a layer plus a bias vector");
  }
};

struct MoteFormFullyConnectedPass
    : mote::impl::MoteFormFullyConnectedBase<MoteFormFullyConnectedPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MatMulToFullyConnected, AddBiasToFullyConnected>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
