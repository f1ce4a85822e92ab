//===- OctoRewrite.cpp - INT8 training form of conv and FC layers ---------===//
//
// The Octo rewrite: every conv and fully-connected layer computes on int8
// (dynamic quantization of input and weight, an int8 product), with a LAC
// term carrying the activation of the layers that train.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/Autodiff.h"
#include "Mote/Transforms/Passes.h"
#include "TrainingUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mote {
#define GEN_PASS_DEF_MOTEOCTOREWRITE
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

struct MoteOctoRewritePass
    : mote::impl::MoteOctoRewriteBase<MoteOctoRewritePass> {
  using MoteOctoRewriteBase::MoteOctoRewriteBase;

  void runOnOperation() override;

private:
  /// Rewrites `layer` into its INT8 training form; `lacOf` gives the LAC
  /// scale and shift for a layer of so many channels (nulls for none).
  void rewriteLayer(OpBuilder &b, Operation *layer,
                    llvm::function_ref<std::pair<Value, Value>(int64_t)> lacOf);
};

void MoteOctoRewritePass::rewriteLayer(
    OpBuilder &b, Operation *op,
    llvm::function_ref<std::pair<Value, Value>(int64_t)> lacOf) {
  auto f32 = b.getF32Type();
  Location loc = op->getLoc();
  b.setInsertionPoint(op);
  Value x = op->getOperand(0), w = op->getOperand(1);
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t channels = wType.getDimSize(0);
  auto perChannel = RankedTensorType::get({channels}, f32);
  Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  if (!bias)
    bias = arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(perChannel, 0.0f));
  auto quantize = [&](Value v, int64_t axis) {
    auto type = cast<RankedTensorType>(v.getType());
    return DynamicQuantizeOp::create(
        b, loc, RankedTensorType::get(type.getShape(), b.getI8Type()),
        RankedTensorType::get({axis == 0 ? type.getDimSize(0) : 1}, f32), v,
        b.getF32FloatAttr(prc), b.getI64IntegerAttr(axis), FlatSymbolRefAttr());
  };
  auto xq = quantize(x, -1), wq = quantize(w, 0);
  Type resultType = op->getResult(0).getType();
  Value y;
  if (auto conv = dyn_cast<Conv2DOp>(op))
    y = Int8Conv2DOp::create(b, loc, resultType, xq.getOutput(), xq.getScale(),
                             wq.getOutput(), wq.getScale(), bias,
                             conv.getStrides(), conv.getDilations(),
                             conv.getPads(), conv.getGroup());
  else
    y = Int8FullyConnectedOp::create(b, loc, resultType, xq.getOutput(),
                                     xq.getScale(), wq.getOutput(),
                                     wq.getScale(), bias);
  auto min = op->getAttrOfType<FloatAttr>("clamp_min");
  auto max = op->getAttrOfType<FloatAttr>("clamp_max");
  auto [scale, shift] = lacOf(channels);
  if (!scale && (min || max)) {
    scale = arith::ConstantOp::create(b, loc,
                                      DenseElementsAttr::get(perChannel, 1.0f));
    shift = arith::ConstantOp::create(b, loc,
                                      DenseElementsAttr::get(perChannel, 0.0f));
  }
  if (scale)
    y = ChannelAffineOp::create(b, loc, resultType, y, scale, shift, min, max);
  // The backward pass reads the layer's output (activation mask, LAC
  // gradient, max-pool routing) from an int8 copy, so the float output dies
  // with its forward consumers: a quarter of the memory kept.
  auto saved = quantize(y, -1);
  saved.setClipAttr(b.getF32FloatAttr(1.0f));
  saved->setAttr("mote.saved", b.getUnitAttr());
  op->getResult(0).replaceAllUsesWith(y);
  op->erase();
}

void MoteOctoRewritePass::runOnOperation() {
  ModuleOp module = getOperation();
  FailureOr<func::FuncOp> infer = getInferenceFunction(module);
  if (failed(infer))
    return signalPassFailure();
  if (!(prc > 0.0 && prc <= 1.0)) {
    module.emitError("prc must be in (0, 1], got ") << prc;
    return signalPassFailure();
  }
  OpBuilder b(&getContext());
  SymbolTable symbols(module);
  Location loc = infer->getLoc();
  Int8BackwardOptions backward;
  backward.errorClip = prc;
  backward.lacL2 = lacL2;
  if (stochasticRounding) {
    b.setInsertionPoint(*infer);
    auto type = RankedTensorType::get({1}, b.getI32Type());
    backward.rng = FlatSymbolRefAttr::get(createStateGlobal(
        b, symbols, loc, "rng_state",
        DenseElementsAttr::get(type, int32_t(seed ? seed : 1)), type));
  }

  SmallVector<Operation *> layers = getTrainableLayers(*infer);
  for (unsigned index = 0; index < layers.size(); ++index) {
    Operation *layer = layers[index];
    // LAC state for the layers whose weight trains.
    bool withLac = lac && getTrainedGlobal(layer->getOperand(1), symbols);
    rewriteLayer(b, layer, [&](int64_t channels) -> std::pair<Value, Value> {
      if (!withLac)
        return {};
      auto type = RankedTensorType::get({channels}, b.getF32Type());
      SmallVector<Value, 2> loads;
      for (auto [role, init] :
           {std::pair{"scale", 1.0f}, std::pair{"shift", 0.0f}}) {
        ml_program::GlobalOp global;
        {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(*infer);
          global = createStateGlobal(
              b, symbols, loc, ("l" + Twine(index) + "_lac_" + role).str(),
              DenseElementsAttr::get(type, init), type);
          markTrained(global, layer, (Twine("lac_") + role).str());
        }
        loads.push_back(ml_program::GlobalLoadOp::create(
            b, loc, type, FlatSymbolRefAttr::get(global)));
      }
      return {loads[0], loads[1]};
    });
  }
  module->setAttr(kInt8TrainingAttrName, backward.toAttr(&getContext()));
}

} // namespace
