//===- Quantize.cpp - Post-training quantization from calibrated ranges ---===//
//
// Turns a float graph whose tensors carry calibrated ranges into the QDQ
// form: each activation that an integer kernel reads or writes is wrapped in
// quantize / dequantize with a per-tensor int8 type from its range; weights
// become per-channel symmetric int8 constants and biases int32 at the scale
// input x weight. mote-fold-qdq then turns the chains into integer ops, the
// same way it does for QDQ models exported by other tools.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/Passes.h"
#include "Mote/Transforms/QuantConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <limits>

namespace mote {
#define GEN_PASS_DEF_MOTEQUANTIZE
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// Ops that move data without changing values: their result shares the
/// quantization of their input.
bool isDataMovement(Operation *op) {
  return op->hasTrait<mote::OpTrait::QuantizationTransparent>();
}

DenseElementsAttr constantOf(Value v) {
  DenseElementsAttr attr;
  if (auto c = v.getDefiningOp<arith::ConstantOp>())
    attr = dyn_cast<DenseElementsAttr>(c.getValue());
  return attr;
}

/// Ops with an integer form: their float operands and result are
/// quantized.
bool hasIntegerForm(Operation *op) {
  // A layer norm's int8 kernel folds constant scale and bias into its
  // multipliers and writes no statistics.
  if (auto norm = dyn_cast<LayerNormOp>(op))
    return norm.getStatistics().empty() && constantOf(norm.getScale()) &&
           (!norm.getBias() || constantOf(norm.getBias()));
  // A recurrent layer's integer kernel needs constant weights and biases
  // (and the LSTM's initial cell state) and no peepholes.
  auto constantOrAbsent = [](Value v) { return !v || constantOf(v); };
  auto recurrent = [&](auto layer) {
    return constantOf(layer.getWeight()) && constantOf(layer.getRecurrence()) &&
           constantOrAbsent(layer.getBias());
  };
  if (auto rnn = dyn_cast<RnnOp>(op))
    return recurrent(rnn);
  if (auto gru = dyn_cast<GruOp>(op))
    return recurrent(gru);
  if (auto lstm = dyn_cast<LstmOp>(op))
    return recurrent(lstm) && !lstm.getPeephole() &&
           constantOrAbsent(lstm.getInitialC());
  return isDataMovement(op) || op->hasTrait<mote::OpTrait::IntegerForm>();
}

bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getElementType().isF32();
}

/// The int8 per-tensor type covering [lo, hi] (widened to contain 0).
quant::UniformQuantizedType activationType(MLIRContext *ctx, double lo,
                                           double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  // A constant tensor (often all zeros) still needs a valid scale.
  // Scales are float32 in the runtime and in ONNX: round them here so a
  // model written out and read back is the same model.
  double scale = static_cast<float>(std::max((hi - lo) / 255.0, 1e-8));
  int64_t zeroPoint =
      std::clamp<int64_t>(std::llround(-128.0 - lo / scale), -128, 127);
  return cast<quant::UniformQuantizedType>(
      buildQuantType(IntegerType::get(ctx, 8), Float32Type::get(ctx), {scale},
                     {zeroPoint}, -1));
}

class Quantizer {
public:
  explicit Quantizer(func::FuncOp func)
      : func(func), builder(func.getContext()) {}

  LogicalResult run();

private:
  MLIRContext *ctx() { return func.getContext(); }
  std::optional<std::pair<float, float>> rangeOf(Value v);
  LogicalResult quantizeActivation(Value v);
  void matchConcatOperands(ConcatOp op);
  /// Dequantize(int8 constant) of the float constant `w`, symmetric, with
  /// a scale per slice along `axis` (per tensor when -1), returned in
  /// `scales`.
  Value symmetricWeights(Operation *op, DenseElementsAttr w, int32_t axis,
                         SmallVectorImpl<double> &scales);
  /// A recurrent layer's constant weight and recurrence as int8 with a
  /// scale per row (axis 1); the layer's arithmetic stays float.
  LogicalResult quantizeRecurrentWeights(Operation *op, Value weight,
                                         Value recurrence);
  LogicalResult quantizeLayerParams(Operation *op, Value input, Value weight,
                                    Value bias, int32_t axis = 0);
  void quantizeConstantOperand(Operation *op, unsigned index);

  func::FuncOp func;
  OpBuilder builder;
  /// The per-tensor type given to each quantized activation.
  DenseMap<Value, quant::UniformQuantizedType> types;
};

std::optional<std::pair<float, float>> Quantizer::rangeOf(Value v) {
  DenseF32ArrayAttr attr;
  unsigned pairs = 1, pair = 0;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    attr = func.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(),
                                                    kRangeAttrName);
  } else {
    Operation *def = v.getDefiningOp();
    if (isDataMovement(def))
      return rangeOf(def->getOperand(0));
    attr = def->getAttrOfType<DenseF32ArrayAttr>(kRangeAttrName);
    // An op of several results has one (min, max) pair per result.
    pairs = def->getNumResults();
    pair = cast<OpResult>(v).getResultNumber();
  }
  if (!attr || attr.size() != 2 * static_cast<int64_t>(pairs))
    return std::nullopt;
  float lo = attr[2 * pair], hi = attr[2 * pair + 1];
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    return std::nullopt;
  return std::make_pair(lo, hi);
}

/// Wraps `v` in quantize / dequantize and sends its users to the dequantize.
LogicalResult Quantizer::quantizeActivation(Value v) {
  quant::UniformQuantizedType type = types.lookup(v);
  if (auto arg = dyn_cast<BlockArgument>(v))
    builder.setInsertionPointToStart(arg.getOwner());
  else
    builder.setInsertionPointAfter(v.getDefiningOp());
  auto tensorType = cast<RankedTensorType>(v.getType());
  Value q = QuantizeOp::create(builder, v.getLoc(), tensorType.clone(type), v);
  Value dq = DequantizeOp::create(builder, v.getLoc(), tensorType, q);
  v.replaceAllUsesExcept(dq, q.getDefiningOp());
  return success();
}

/// Gives each operand of a concat the concat's type: a producer used only
/// by the concat takes the concat's range outright (no rescale), others are
/// requantized on the way in.
void Quantizer::matchConcatOperands(ConcatOp op) {
  quant::UniformQuantizedType type = types.lookup(op.getResult());
  if (!type)
    return;
  for (OpOperand &operand : op->getOpOperands()) {
    auto dq = operand.get().getDefiningOp<DequantizeOp>();
    if (!dq || getQuantType(dq.getInput().getType()) == type)
      continue;
    builder.setInsertionPoint(op);
    auto tensorType = cast<RankedTensorType>(operand.get().getType());
    Value q = QuantizeOp::create(builder, op.getLoc(), tensorType.clone(type),
                                 operand.get());
    operand.set(DequantizeOp::create(builder, op.getLoc(), tensorType, q));
  }
}

/// Symmetric int8 weights per output channel, which is the weight's `axis`
/// (0; 1 for a transposed convolution), or per tensor when `axis` is -1,
/// and int32 biases at scale input x weight.
Value Quantizer::symmetricWeights(Operation *op, DenseElementsAttr w,
                                  int32_t axis,
                                  SmallVectorImpl<double> &scales) {
  auto wType = cast<RankedTensorType>(w.getType());
  // Element i of the weight belongs to scale (i / inner) % channels (one
  // scale per tensor when axis is -1).
  int64_t channels = axis < 0 ? 1 : wType.getDimSize(axis);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < wType.getRank(); ++d)
    inner *= wType.getDimSize(d);
  auto channelOf = [&](size_t i) { return (int64_t(i) / inner) % channels; };
  SmallVector<float> values(w.getValues<float>());
  SmallVector<float> maxAbs(channels, 0.0f);
  for (auto [i, v] : llvm::enumerate(values))
    maxAbs[channelOf(i)] = std::max(maxAbs[channelOf(i)], std::fabs(v));
  scales.clear();
  for (float m : maxAbs)
    scales.push_back(static_cast<float>(m > 0 ? m / 127.0 : 1.0));
  SmallVector<int8_t> q;
  for (auto [i, v] : llvm::enumerate(values))
    q.push_back(static_cast<int8_t>(std::clamp<long long>(
        std::llround(v / scales[channelOf(i)]), -127, 127)));
  builder.setInsertionPoint(op);
  Type i8 = builder.getI8Type(), f32 = builder.getF32Type();
  auto wQuant =
      buildQuantType(i8, f32, scales, SmallVector<int64_t>(channels, 0), axis);
  return createDequantizedConstant(
      builder, op->getLoc(),
      DenseElementsAttr::get(wType.clone(i8), ArrayRef(q)), wQuant);
}

LogicalResult Quantizer::quantizeRecurrentWeights(Operation *op, Value weight,
                                                  Value recurrence) {
  DenseElementsAttr w = constantOf(weight), r = constantOf(recurrence);
  auto finite = [](DenseElementsAttr a) {
    return llvm::all_of(a.getValues<float>(),
                        [](float v) { return std::isfinite(v); });
  };
  if (!w || !r || !finite(w) || !finite(r))
    return success(); // Stays float.
  SmallVector<double> scales;
  op->setOperand(1, symmetricWeights(op, w, 1, scales));
  op->setOperand(2, symmetricWeights(op, r, 1, scales));
  return success();
}

LogicalResult Quantizer::quantizeLayerParams(Operation *op, Value input,
                                             Value weight, Value bias,
                                             int32_t axis) {
  auto dq = input.getDefiningOp<DequantizeOp>();
  auto inputType = dq ? dyn_cast<quant::UniformQuantizedType>(
                            getQuantType(dq.getInput().getType()))
                      : quant::UniformQuantizedType();
  DenseElementsAttr w = constantOf(weight);
  DenseElementsAttr b = bias ? constantOf(bias) : DenseElementsAttr();
  if (!inputType || !w || (bias && !b))
    return success(); // Stays float: not every operand is known.
  auto finite = [](DenseElementsAttr a) {
    return llvm::all_of(a.getValues<float>(),
                        [](float v) { return std::isfinite(v); });
  };
  if (!finite(w) || (b && !finite(b)))
    return op->emitError("mote-quantize: non-finite weight or bias");
  SmallVector<double> scales;
  op->setOperand(1, symmetricWeights(op, w, axis, scales));
  if (!bias)
    return success();
  Type i32 = builder.getI32Type(), f32 = builder.getF32Type();
  int64_t channels = scales.size();
  auto bType = cast<RankedTensorType>(b.getType());
  int64_t outputs = bType.getDimSize(0);
  SmallVector<double> biasScales(outputs);
  SmallVector<int32_t> qb(outputs);
  for (auto [c, value] : llvm::enumerate(b.getValues<float>())) {
    biasScales[c] =
        static_cast<float>(inputType.getScale() * scales[c % channels]);
    qb[c] = quantizeBias(value, biasScales[c]);
  }
  auto bQuant =
      buildQuantType(i32, f32, biasScales, SmallVector<int64_t>(outputs, 0), 0);
  op->setOperand(2, createDequantizedConstant(
                        builder, op->getLoc(),
                        DenseElementsAttr::get(bType.clone(i32), ArrayRef(qb)),
                        bQuant));
  return success();
}

/// A float constant read by an integer element-wise op or product, or the table
/// of an embedding lookup (which then stays int8 in flash): per-tensor int8
/// over the constant's own range.
void Quantizer::quantizeConstantOperand(Operation *op, unsigned index) {
  DenseElementsAttr attr = constantOf(op->getOperand(index));
  if (!attr || !attr.getElementType().isF32())
    return;
  SmallVector<float> values(attr.getValues<float>());
  if (!llvm::all_of(values, [](float v) { return std::isfinite(v); }))
    return; // Stays float.
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  quant::UniformQuantizedType type =
      activationType(ctx(), values.empty() ? 0 : *lo, values.empty() ? 0 : *hi);
  SmallVector<int8_t> q;
  for (float v : values)
    q.push_back(static_cast<int8_t>(std::clamp<long long>(
        std::llround(v / type.getScale()) + type.getZeroPoint(), -128, 127)));
  auto shaped = cast<RankedTensorType>(attr.getType());
  builder.setInsertionPoint(op);
  op->setOperand(index, createDequantizedConstant(
                            builder, op->getLoc(),
                            DenseElementsAttr::get(
                                shaped.clone(builder.getI8Type()), ArrayRef(q)),
                            type));
}

LogicalResult Quantizer::run() {
  Block &body = func.getBody().front();
  // Concat inputs made only for the concat take its range: the concat's
  // calibrated range is the union of theirs.
  for (auto concat : body.getOps<ConcatOp>()) {
    auto range = concat->getAttrOfType<DenseF32ArrayAttr>(kRangeAttrName);
    if (!range)
      continue;
    for (Value input : concat.getInputs()) {
      Operation *def = input.getDefiningOp();
      if (def && !isDataMovement(def) && input.hasOneUse() &&
          hasIntegerForm(def))
        def->setAttr(kRangeAttrName, range);
    }
  }

  // Activations an integer kernel reads or writes, in program order.
  SetVector<Value> activations;
  auto consider = [&](Value v) {
    if (isFloatTensor(v) && !constantOf(v))
      activations.insert(v);
  };
  for (BlockArgument arg : body.getArguments())
    if (llvm::any_of(arg.getUsers(), hasIntegerForm))
      consider(arg);
  for (Operation &op : body.without_terminator()) {
    if (!hasIntegerForm(&op))
      continue;
    for (Value operand : op.getOperands())
      if (!isa<Conv2DOp, ConvTranspose2DOp, FullyConnectedOp>(op) ||
          operand == op.getOperand(0))
        consider(operand);
    consider(op.getResult(0));
  }
  // Types first: data movement reads its input's range, which must still
  // be the calibrated value, not the dequantize inserted below.
  for (Value v : activations) {
    std::optional<std::pair<float, float>> range = rangeOf(v);
    if (!range)
      return emitError(v.getLoc(), "mote-quantize: no calibrated range (")
             << kRangeAttrName << ") for a tensor an integer kernel reads";
    types[v] = activationType(ctx(), range->first, range->second);
  }
  for (Value v : activations)
    if (failed(quantizeActivation(v)))
      return failure();

  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  for (Operation *op : ops) {
    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      if (failed(quantizeLayerParams(op, conv.getInput(), conv.getWeight(),
                                     conv.getBias())))
        return failure();
    } else if (auto deconv = dyn_cast<ConvTranspose2DOp>(op)) {
      // Per output channel (weight axis 1) unless the groups split the
      // output channels over that axis.
      if (failed(quantizeLayerParams(op, deconv.getInput(), deconv.getWeight(),
                                     deconv.getBias(),
                                     deconv.getGroup() == 1 ? 1 : -1)))
        return failure();
    } else if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
      if (failed(quantizeLayerParams(op, fc.getInput(), fc.getWeight(),
                                     fc.getBias())))
        return failure();
    } else if (isa<AddOp, SubOp, MulOp, ConcatOp, MatMulOp, PReluOp>(op)) {
      for (unsigned i = 0; i < op->getNumOperands(); ++i)
        quantizeConstantOperand(op, i);
    } else if (isa<GatherOp>(op)) {
      quantizeConstantOperand(op, 0);
    } else if (isa<RnnOp, GruOp, LstmOp>(op)) {
      if (failed(quantizeRecurrentWeights(op, op->getOperand(1),
                                          op->getOperand(2))))
        return failure();
    }
  }
  for (auto concat : llvm::make_early_inc_range(body.getOps<ConcatOp>()))
    matchConcatOperands(concat);
  return success();
}

struct MoteQuantizePass : mote::impl::MoteQuantizeBase<MoteQuantizePass> {
  void runOnOperation() override {
    if (failed(Quantizer(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
