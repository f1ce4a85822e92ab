//===- Precision.cpp - Strip quantization, verify integer-only ------------===//
//
// The two graph-level checks of `motec --precision`: back to the float graph
// of a QDQ model, and every layer on integers.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

namespace mote {
#define GEN_PASS_DEF_MOTESTRIPQUANTIZATION
#define GEN_PASS_DEF_MOTEVERIFYINTEGERONLY
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// The float constant a `dequantize` of quantized constant `storage`
/// denotes, with the element type of `type`.
DenseElementsAttr dequantizedValues(DenseElementsAttr data, Value input,
                                    RankedTensorType type) {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1, inner = 1;
  quant::QuantizedType q = getQuantType(input.getType());
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    zeroPoints.assign(perAxis.getZeroPoints().begin(),
                      perAxis.getZeroPoints().end());
    axis = perAxis.getQuantizedDimension();
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
  } else {
    auto perTensor = cast<quant::UniformQuantizedType>(q);
    scales.push_back(perTensor.getScale());
    zeroPoints.push_back(perTensor.getZeroPoint());
  }
  SmallVector<float> values;
  for (auto [i, v] : llvm::enumerate(data.getValues<APInt>())) {
    size_t c = axis < 0 ? 0 : (i / inner) % scales.size();
    int64_t stored = q.isSigned() ? v.getSExtValue() : v.getZExtValue();
    values.push_back(static_cast<float>((stored - zeroPoints[c]) * scales[c]));
  }
  return DenseElementsAttr::get(type, ArrayRef(values));
}

struct StripQuantizationPass
    : mote::impl::MoteStripQuantizationBase<StripQuantizationPass> {
  void runOnOperation() override {
    SmallVector<DequantizeOp> dequantizes;
    getOperation().walk([&](DequantizeOp op) { dequantizes.push_back(op); });
    for (DequantizeOp op : dequantizes) {
      Value input = op.getInput();
      if (auto q = input.getDefiningOp<QuantizeOp>()) {
        op.replaceAllUsesWith(q.getInput());
        continue;
      }
      Value storage = input;
      while (auto cast = storage.getDefiningOp<quant::StorageCastOp>())
        storage = cast.getInput();
      DenseElementsAttr data;
      if (!matchPattern(storage, m_Constant(&data)))
        continue;
      OpBuilder builder(op);
      Value constant = arith::ConstantOp::create(
          builder, op.getLoc(),
          dequantizedValues(data, input, cast<RankedTensorType>(op.getType())));
      op.replaceAllUsesWith(constant);
    }
    // The quantization ops left without users go (a dead quantize would
    // still look like int8 computation to later stages).
    for (bool erased = true; erased;) {
      SmallVector<Operation *> dead;
      getOperation().walk([&](Operation *op) {
        if (isa<QuantizeOp, DequantizeOp, quant::StorageCastOp>(op) &&
            op->use_empty())
          dead.push_back(op);
      });
      for (Operation *op : dead)
        op->erase();
      erased = !dead.empty();
    }
    // What still computes on quantized values has no float form.
    WalkResult result = getOperation().walk([&](Operation *op) {
      if (isa<QuantizeOp, DequantizeOp, quant::StorageCastOp,
              arith::ConstantOp>(op))
        return WalkResult::advance();
      for (Type t : op->getResultTypes())
        if (getQuantType(t)) {
          op->emitError("computes on integers and has no float form here "
                        "(stripping the model's quantization)");
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

struct VerifyIntegerOnlyPass
    : mote::impl::MoteVerifyIntegerOnlyBase<VerifyIntegerOnlyPass> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](Operation *op) {
      if (isa<QuantizeOp, DequantizeOp, arith::ConstantOp, func::ReturnOp,
              func::FuncOp, ModuleOp>(op) ||
          op->getNumResults() == 0)
        return WalkResult::advance();
      if (getNumericKind(op->getResult(0).getType()) == NumericKind::Float) {
        op->emitError("computes in float, but every layer must compute on "
                      "integers (quantize the model first)");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
