//===- Autodiff.cpp - Reverse-mode differentiation over Mote --------------===//

#include "Mote/IR/Autodiff.h"

#include "Mote/IR/MoteOps.h"

using namespace mlir;
using namespace mote;

Int8BackwardOptions Int8BackwardOptions::fromAttr(DictionaryAttr attr) {
  Int8BackwardOptions options;
  if (!attr)
    return options;
  if (auto clip = attr.getAs<FloatAttr>("error_clip"))
    options.errorClip = clip.getValueAsDouble();
  if (auto l2 = attr.getAs<FloatAttr>("lac_l2"))
    options.lacL2 = l2.getValueAsDouble();
  options.rng = attr.getAs<FlatSymbolRefAttr>("rng");
  return options;
}

DictionaryAttr Int8BackwardOptions::toAttr(MLIRContext *ctx) const {
  Builder b(ctx);
  SmallVector<NamedAttribute, 3> fields = {
      b.getNamedAttr("error_clip", b.getF32FloatAttr(errorClip)),
      b.getNamedAttr("lac_l2", b.getF32FloatAttr(lacL2))};
  if (rng)
    fields.push_back(b.getNamedAttr("rng", rng));
  return b.getDictionaryAttr(fields);
}

void Autodiff::accumulate(Value value, Value error) {
  auto [it, inserted] = errors.try_emplace(value, error);
  if (!inserted)
    it->second = AddOp::create(builder, loc, value.getType(), it->second, error,
                               FloatAttr(), FloatAttr());
}

LogicalResult Autodiff::differentiate(ArrayRef<Operation *> forward) {
  for (Operation *op : llvm::reverse(forward)) {
    if (op->getNumResults() != 1)
      continue;
    Value error = errorOf(op->getResult(0));
    if (!error)
      continue; // The result does not reach the loss.
    if (auto rule = dyn_cast<BackwardOpInterface>(op)) {
      if (failed(rule.buildBackward(*this, error)))
        return failure();
      continue;
    }
    if (llvm::any_of(op->getOperands(), [&](Value v) { return needsError(v); }))
      return op->emitOpError("has no backward yet (training through it is "
                             "not supported)");
  }
  return success();
}

Value Autodiff::throughFusedClamp(Operation *op, Value error) {
  auto min = op->getAttrOfType<FloatAttr>("clamp_min");
  auto max = op->getAttrOfType<FloatAttr>("clamp_max");
  if (!min && !max)
    return error;
  return ClampBackwardOp::create(builder, loc, error.getType(), error,
                                 op->getResult(0), min, max);
}

/// Per-tensor dynamic quantization of `v` with `clip` and generator `rng`.
static std::pair<Value, Value> quantizePerTensor(OpBuilder &b, Location loc,
                                                 Value v, float clip,
                                                 FlatSymbolRefAttr rng) {
  auto type = cast<RankedTensorType>(v.getType());
  auto q = DynamicQuantizeOp::create(
      b, loc, RankedTensorType::get(type.getShape(), b.getI8Type()),
      RankedTensorType::get({1}, b.getF32Type()), v, b.getF32FloatAttr(clip),
      b.getI64IntegerAttr(-1), rng);
  return {q.getOutput(), q.getScale()};
}

std::pair<Value, Value> Autodiff::quantizeError(Value error) {
  return quantizePerTensor(builder, loc, error, int8.errorClip, int8.rng);
}

std::pair<Value, Value> Autodiff::quantizeWeight(Value weight) {
  return quantizePerTensor(builder, loc, weight, 1.0f, FlatSymbolRefAttr());
}

DynamicQuantizeOp Autodiff::savedInt8(Value value) {
  for (Operation *user : value.getUsers())
    if (auto q = dyn_cast<DynamicQuantizeOp>(user);
        q && q->hasAttr("mote.saved"))
      return q;
  return {};
}
