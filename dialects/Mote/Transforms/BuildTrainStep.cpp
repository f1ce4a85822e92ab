//===- BuildTrainStep.cpp - Training graph from an inference graph --------===//
//
// Reverse-mode automatic differentiation over the Mote dialect: the forward
// ops of an inference function are replayed in a train-step function, the
// loss starts the error at the logits, and each forward op, visited in
// reverse order, turns the error of its result into the errors of the
// operands that lead back to trained state, using the backward ops of
// MoteTrainOps.td. Gradients of trained tensors feed optimizer updates of
// `ml_program.global` state at the end of the step.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mote {
#define GEN_PASS_DEF_MOTEBUILDTRAINSTEP
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// A tensor the train step updates: the global holding it and where the
/// inference graph read it.
struct TrainedTensor {
  ml_program::GlobalOp global;
  /// The layer op and the operand index of the tensor.
  Operation *layer;
  unsigned operand;
};

/// Which conv / FC tensors train, from the `train-layers` option.
FailureOr<SmallVector<std::pair<Operation *, unsigned>>>
selectTrainedTensors(func::FuncOp func, StringRef spec) {
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<Conv2DOp, FullyConnectedOp>(op))
      layers.push_back(op);
  });
  bool biasOnly = spec == "bias";
  size_t first = 0;
  if (spec.consume_front("last:")) {
    unsigned k = 0;
    if (spec.getAsInteger(10, k) || k == 0)
      return func.emitError("train-layers 'last:K' needs a positive K, got '")
             << spec << "'";
    first = layers.size() > k ? layers.size() - k : 0;
  } else if (spec != "all" && !biasOnly) {
    return func.emitError("unknown train-layers '")
           << spec << "' (expected all, last:K or bias)";
  }
  SmallVector<std::pair<Operation *, unsigned>> tensors;
  for (Operation *layer : ArrayRef(layers).drop_front(first)) {
    // Operands: input, weight, optional bias.
    for (unsigned i = biasOnly ? 2 : 1; i < layer->getNumOperands(); ++i) {
      Value v = layer->getOperand(i);
      if (!matchPattern(v, m_Constant()))
        return layer->emitOpError("trains only constant weights and biases; "
                                  "operand ")
               << i << " is computed";
      if (getNumericKind(v.getType()) != NumericKind::Float)
        return layer->emitOpError("fp32 training needs float weights, got ")
               << v.getType();
      tensors.push_back({layer, i});
    }
  }
  if (tensors.empty())
    return func.emitError("train-layers '")
           << spec << "' selects no trainable tensor";
  return tensors;
}

/// How the INT8 backward quantizes errors and weights.
struct Int8Options {
  float clip = 1.0f;
  /// The generator state global of stochastic rounding, if used.
  FlatSymbolRefAttr rng;
  float lacL2 = 0.0f;
};

class TrainStepBuilder {
public:
  TrainStepBuilder(OpBuilder &builder, Location loc, Int8Options int8)
      : b(builder), loc(loc), int8(int8) {}

  /// Adds `grad` to the error of `value`.
  void accumulate(Value value, Value grad) {
    auto [it, inserted] = grads.try_emplace(value, grad);
    if (!inserted)
      it->second = AddOp::create(b, loc, value.getType(), it->second, grad,
                                 FloatAttr(), FloatAttr());
  }

  /// Emits the backward of `op` given the error of its result. `needsGrad`
  /// says whether a value leads back to trained state.
  LogicalResult backward(Operation *op,
                         llvm::function_ref<bool(Value)> needsGrad);

  DenseMap<Value, Value> grads;

private:
  OpBuilder &b;
  Location loc;
  Int8Options int8;

  /// Quantizes a float tensor for an int8 product of the backward pass:
  /// errors per tensor with PRC and stochastic rounding, weights per tensor.
  std::pair<Value, Value> quantize(Value v, bool isError) {
    auto type = cast<RankedTensorType>(v.getType());
    auto q = DynamicQuantizeOp::create(
        b, loc, RankedTensorType::get(type.getShape(), b.getI8Type()),
        RankedTensorType::get({1}, b.getF32Type()), v,
        b.getF32FloatAttr(isError ? int8.clip : 1.0f), b.getI64IntegerAttr(-1),
        isError ? int8.rng : FlatSymbolRefAttr());
    return {q.getOutput(), q.getScale()};
  }

  /// The int8 copy INT8 training keeps of a layer output for the backward
  /// pass (`mote.saved`), if any.
  static DynamicQuantizeOp savedInt8(Value v) {
    for (Operation *user : v.getUsers())
      if (auto q = dyn_cast<DynamicQuantizeOp>(user);
          q && q->hasAttr("mote.saved"))
        return q;
    return {};
  }

  /// The float tensor a `mote.dynamic_quantize` result came from.
  static Value unquantized(Value q) {
    return q.getDefiningOp<DynamicQuantizeOp>().getInput();
  }

  LogicalResult int8Backward(Operation *op, Value grad,
                             llvm::function_ref<bool(Value)> needsGrad);

  /// The error before a fused clamp of `op`'s result.
  Value throughClamp(Operation *op, Value grad) {
    auto min = op->getAttrOfType<FloatAttr>("clamp_min");
    auto max = op->getAttrOfType<FloatAttr>("clamp_max");
    if (!min && !max)
      return grad;
    return ClampBackwardOp::create(b, loc, grad.getType(), grad,
                                   op->getResult(0), min, max);
  }
};

LogicalResult
TrainStepBuilder::backward(Operation *op,
                           llvm::function_ref<bool(Value)> needsGrad) {
  Value grad = grads.lookup(op->getResult(0));
  if (!grad)
    return success(); // The result does not reach the loss.
  auto typeOf = [](Value v) { return v.getType(); };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DOp o) {
        Value g = throughClamp(o, grad);
        if (needsGrad(o.getWeight()))
          accumulate(o.getWeight(),
                     Conv2DBackwardWeightOp::create(
                         b, loc, typeOf(o.getWeight()), o.getInput(), g,
                         o.getStrides(), o.getDilations(), o.getPads(),
                         o.getGroup()));
        if (o.getBias() && needsGrad(o.getBias()))
          accumulate(o.getBias(),
                     BiasBackwardOp::create(b, loc, typeOf(o.getBias()), g));
        if (needsGrad(o.getInput()))
          accumulate(o.getInput(),
                     Conv2DBackwardInputOp::create(
                         b, loc, typeOf(o.getInput()), g, o.getWeight(),
                         o.getStrides(), o.getDilations(), o.getPads(),
                         o.getGroup()));
        return success();
      })
      .Case([&](FullyConnectedOp o) {
        Value g = throughClamp(o, grad);
        if (needsGrad(o.getWeight()))
          accumulate(o.getWeight(),
                     FullyConnectedBackwardWeightOp::create(
                         b, loc, typeOf(o.getWeight()), o.getInput(), g));
        if (o.getBias() && needsGrad(o.getBias()))
          accumulate(o.getBias(),
                     BiasBackwardOp::create(b, loc, typeOf(o.getBias()), g));
        if (needsGrad(o.getInput()))
          accumulate(o.getInput(),
                     FullyConnectedBackwardInputOp::create(
                         b, loc, typeOf(o.getInput()), g, o.getWeight()));
        return success();
      })
      .Case([&](ReluOp o) {
        accumulate(o.getInput(),
                   ClampBackwardOp::create(b, loc, grad.getType(), grad,
                                           o.getOutput(), b.getF32FloatAttr(0),
                                           FloatAttr()));
        return success();
      })
      .Case([&](ClampOp o) {
        accumulate(o.getInput(),
                   ClampBackwardOp::create(
                       b, loc, grad.getType(), grad, o.getOutput(),
                       b.getF32FloatAttr(o.getMin().convertToFloat()),
                       b.getF32FloatAttr(o.getMax().convertToFloat())));
        return success();
      })
      .Case([&](MaxPool2DOp o) {
        Value input = o.getInput();
        if (DynamicQuantizeOp saved = savedInt8(input))
          input = saved.getOutput();
        accumulate(o.getInput(),
                   MaxPool2DBackwardOp::create(
                       b, loc, typeOf(o.getInput()), grad, input, o.getKernel(),
                       o.getStrides(), o.getDilations(), o.getPads()));
        return success();
      })
      .Case([&](AvgPool2DOp o) {
        accumulate(o.getInput(),
                   AvgPool2DBackwardOp::create(
                       b, loc, typeOf(o.getInput()), grad, o.getKernel(),
                       o.getStrides(), o.getPads(), o.getCountIncludePad()));
        return success();
      })
      .Case([&](GlobalAvgPoolOp o) {
        ArrayRef<int64_t> x =
            cast<RankedTensorType>(o.getInput().getType()).getShape();
        SmallVector<int64_t> kernel = {x[2], x[3]}, ones = {1, 1},
                             zeros = {0, 0, 0, 0};
        accumulate(o.getInput(), AvgPool2DBackwardOp::create(
                                     b, loc, typeOf(o.getInput()), grad, kernel,
                                     ones, zeros, false));
        return success();
      })
      .Case([&](ReshapeOp o) {
        accumulate(o.getInput(),
                   ReshapeOp::create(b, loc, typeOf(o.getInput()), grad));
        return success();
      })
      .Case([&](ChannelAffineOp o) {
        Type perChannel = o.getScale().getType();
        // The backward reads the int8 copy of the output when one is kept.
        Value out = o.getOutput(), outScale;
        if (DynamicQuantizeOp saved = savedInt8(out)) {
          out = saved.getOutput();
          outScale = saved.getScale();
        }
        auto back = ChannelAffineBackwardOp::create(
            b, loc, TypeRange{o.getType(), perChannel, perChannel}, grad, out,
            o.getScale(), o.getShift(), outScale, o.getClampMinAttr(),
            o.getClampMaxAttr(), b.getF32FloatAttr(int8.lacL2));
        if (needsGrad(o.getScale()))
          accumulate(o.getScale(), back.getGradScale());
        if (needsGrad(o.getShift()))
          accumulate(o.getShift(), back.getGradShift());
        if (needsGrad(o.getInput()))
          accumulate(o.getInput(), back.getGradInput());
        return success();
      })
      .Case<Int8Conv2DOp, Int8FullyConnectedOp>(
          [&](Operation *o) { return int8Backward(o, grad, needsGrad); })
      .Case([&](AddOp o) -> LogicalResult {
        if (o.getLhs().getType() != o.getType() ||
            o.getRhs().getType() != o.getType())
          return o.emitOpError("has no backward for broadcasting operands");
        Value g = throughClamp(o, grad);
        for (Value operand : {o.getLhs(), o.getRhs()})
          if (needsGrad(operand))
            accumulate(operand, g);
        return success();
      })
      .Case([&](DynamicQuantizeOp) {
        return success(); // Its int8 consumer differentiates through it.
      })
      .Default([&](Operation *o) -> LogicalResult {
        if (llvm::any_of(o->getOperands(), needsGrad))
          return o->emitOpError("has no backward yet (training through it "
                                "is not supported)");
        return success();
      });
}

LogicalResult
TrainStepBuilder::int8Backward(Operation *op, Value grad,
                               llvm::function_ref<bool(Value)> needsGrad) {
  // Operands: input, input scale, weight, weight scale, bias.
  Value x = unquantized(op->getOperand(0));
  Value w = unquantized(op->getOperand(2));
  Value bias = op->getOperand(4);
  bool conv = isa<Int8Conv2DOp>(op);
  auto [eq, se] = quantize(grad, /*isError=*/true);
  if (needsGrad(w)) {
    Value dw;
    if (auto c = dyn_cast<Int8Conv2DOp>(op))
      dw = Int8Conv2DBackwardWeightOp::create(
          b, loc, w.getType(), c.getInput(), c.getInputScale(), eq, se,
          c.getStrides(), c.getDilations(), c.getPads(), c.getGroup());
    else
      dw = Int8FullyConnectedBackwardWeightOp::create(
          b, loc, w.getType(), op->getOperand(0), op->getOperand(1), eq, se);
    accumulate(w, dw);
  }
  if (needsGrad(bias))
    accumulate(bias, BiasBackwardOp::create(b, loc, bias.getType(), grad));
  if (needsGrad(x)) {
    auto [wq, sw] = quantize(w, /*isError=*/false);
    Value dx;
    if (conv) {
      auto c = cast<Int8Conv2DOp>(op);
      dx = Int8Conv2DBackwardInputOp::create(
          b, loc, x.getType(), eq, se, wq, sw, c.getStrides(), c.getDilations(),
          c.getPads(), c.getGroup());
    } else {
      dx = Int8FullyConnectedBackwardInputOp::create(b, loc, x.getType(), eq,
                                                     se, wq, sw);
    }
    accumulate(x, dx);
  }
  return success();
}

/// Rewrites the conv and fully-connected layers of `func` into their INT8
/// training form: dynamic quantization of input and weight, an int8
/// product, and the LAC term with the layer's activation. `lacOf` gives a
/// layer's LAC scale and shift (state or constants), or nulls for none.
void rewriteToInt8(
    func::FuncOp func, OpBuilder &b, float clip,
    llvm::function_ref<std::pair<Value, Value>(Operation *, int64_t)> lacOf) {
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<Conv2DOp, FullyConnectedOp>(op))
      layers.push_back(op);
  });
  auto f32 = b.getF32Type();
  for (Operation *op : layers) {
    Location loc = op->getLoc();
    b.setInsertionPoint(op);
    Value x = op->getOperand(0), w = op->getOperand(1);
    auto wType = cast<RankedTensorType>(w.getType());
    int64_t channels = wType.getDimSize(0);
    auto perChannel = RankedTensorType::get({channels}, f32);
    Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
    if (!bias)
      bias = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(perChannel, 0.0f));
    auto quantize = [&](Value v, int64_t axis) {
      auto type = cast<RankedTensorType>(v.getType());
      return DynamicQuantizeOp::create(
          b, loc, RankedTensorType::get(type.getShape(), b.getI8Type()),
          RankedTensorType::get({axis == 0 ? type.getDimSize(0) : 1}, f32), v,
          b.getF32FloatAttr(clip), b.getI64IntegerAttr(axis),
          FlatSymbolRefAttr());
    };
    auto xq = quantize(x, -1), wq = quantize(w, 0);
    Type resultType = op->getResult(0).getType();
    Value y;
    if (auto conv = dyn_cast<Conv2DOp>(op))
      y = Int8Conv2DOp::create(b, loc, resultType, xq.getOutput(),
                               xq.getScale(), wq.getOutput(), wq.getScale(),
                               bias, conv.getStrides(), conv.getDilations(),
                               conv.getPads(), conv.getGroup());
    else
      y = Int8FullyConnectedOp::create(b, loc, resultType, xq.getOutput(),
                                       xq.getScale(), wq.getOutput(),
                                       wq.getScale(), bias);
    auto min = op->getAttrOfType<FloatAttr>("clamp_min");
    auto max = op->getAttrOfType<FloatAttr>("clamp_max");
    auto [scale, shift] = lacOf(op, channels);
    if (!scale && (min || max)) {
      scale = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(perChannel, 1.0f));
      shift = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(perChannel, 0.0f));
    }
    if (scale)
      y = ChannelAffineOp::create(b, loc, resultType, y, scale, shift, min,
                                  max);
    // The backward pass reads the layer's output (activation mask, LAC
    // gradient, max-pool routing) from an int8 copy, so the float output
    // dies with its forward consumers: a quarter of the memory kept.
    auto saved = quantize(y, -1);
    saved.setClipAttr(b.getF32FloatAttr(1.0f));
    saved->setAttr("mote.saved", b.getUnitAttr());
    op->getResult(0).replaceAllUsesWith(y);
    op->erase();
  }
}

/// Records where a trained tensor came from, so trained values can be
/// written back to the model file: the layer's name (its ONNX node) as
/// `mote.source` and the tensor's role (weight, bias, lac_scale,
/// lac_shift) as `mote.role`.
void setSource(ml_program::GlobalOp global, Operation *layer, StringRef role) {
  Builder b(global.getContext());
  std::string name;
  layer->getLoc()->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (!name.empty())
    global->setAttr("mote.source", b.getStringAttr(name));
  global->setAttr("mote.role", b.getStringAttr(role));
}

struct MoteBuildTrainStepPass
    : mote::impl::MoteBuildTrainStepBase<MoteBuildTrainStepPass> {
  using MoteBuildTrainStepBase::MoteBuildTrainStepBase;

  void runOnOperation() override;
};

void MoteBuildTrainStepPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.size() != 1) {
    module.emitError("expects one inference function, found ") << funcs.size();
    return signalPassFailure();
  }
  func::FuncOp infer = funcs[0];
  if (precision != "fp32" && precision != "int8") {
    module.emitError("train precision '")
        << precision << "' is not supported (expected fp32 or int8)";
    return signalPassFailure();
  }
  if (optimizer != "sgd" && optimizer != "adam") {
    module.emitError("unknown optimizer '")
        << optimizer << "' (expected sgd or adam)";
    return signalPassFailure();
  }
  if (infer.getNumResults() != 1) {
    infer.emitError("training needs one result (the logits), found ")
        << infer.getNumResults();
    return signalPassFailure();
  }
  Operation *terminator = infer.getBody().front().getTerminator();
  Value logits = terminator->getOperand(0);
  // A final softmax belongs to the loss.
  bool finalSoftmax = false;
  if (auto softmax = logits.getDefiningOp<SoftmaxOp>()) {
    auto rank = cast<RankedTensorType>(softmax.getType()).getRank();
    finalSoftmax = softmax.getAxis() == -1 || softmax.getAxis() == rank - 1;
    if (finalSoftmax)
      logits = softmax.getInput();
  }
  auto logitsType = cast<RankedTensorType>(logits.getType());
  if (logitsType.getRank() != 2 || !logitsType.getElementType().isF32()) {
    infer.emitError("training needs f32 logits [N, K], got ") << logitsType;
    return signalPassFailure();
  }

  FailureOr<SmallVector<std::pair<Operation *, unsigned>>> selected =
      selectTrainedTensors(infer, trainLayers);
  if (failed(selected))
    return signalPassFailure();

  MLIRContext *ctx = &getContext();
  OpBuilder b(ctx);
  b.setInsertionPoint(infer);
  Location loc = infer.getLoc();
  std::string base = infer.getSymName().str();
  SymbolTable symbols(module);
  auto makeGlobal = [&](StringRef name, Attribute value, Type type) {
    auto global =
        ml_program::GlobalOp::create(b, loc, name, type, /*is_mutable=*/true,
                                     value, b.getStringAttr("private"));
    symbols.insert(global);
    return global;
  };

  // Trained tensors become globals the inference function loads.
  SmallVector<TrainedTensor> trained;
  DenseMap<Operation *, unsigned> layerIndex;
  infer.walk([&](Operation *op) {
    if (isa<Conv2DOp, FullyConnectedOp>(op))
      layerIndex.try_emplace(op, layerIndex.size());
  });
  for (auto [layer, operand] : *selected) {
    Value v = layer->getOperand(operand);
    auto type = cast<RankedTensorType>(v.getType());
    Attribute value;
    matchPattern(v, m_Constant(&value));
    std::string name = "l" + std::to_string(layerIndex[layer]) +
                       (operand == 1 ? "_weight" : "_bias");
    ml_program::GlobalOp global = makeGlobal(name, value, type);
    global->setAttr("mote.trained", b.getUnitAttr());
    setSource(global, layer, operand == 1 ? "weight" : "bias");
    trained.push_back({global, layer, operand});
  }
  for (TrainedTensor &t : trained) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(t.layer);
    Value load = ml_program::GlobalLoadOp::create(
        b, loc, t.global.getType(), FlatSymbolRefAttr::get(t.global));
    t.layer->setOperand(t.operand, load);
  }

  // INT8 training: int8 layers in both functions, LAC state for the
  // trained layers, the generator state of stochastic rounding.
  Int8Options int8;
  if (precision == "int8") {
    if (!(prc > 0.0 && prc <= 1.0)) {
      module.emitError("prc must be in (0, 1], got ") << prc;
      return signalPassFailure();
    }
    int8.clip = prc;
    int8.lacL2 = lacL2;
    if (stochasticRounding) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(infer);
      auto type = RankedTensorType::get({1}, b.getI32Type());
      int8.rng = FlatSymbolRefAttr::get(makeGlobal(
          "rng_state", DenseElementsAttr::get(type, int32_t(seed ? seed : 1)),
          type));
    }
    DenseSet<Operation *> trainedLayers;
    for (const TrainedTensor &t : trained)
      if (t.operand == 1)
        trainedLayers.insert(t.layer);
    rewriteToInt8(
        infer, b, prc,
        [&](Operation *layer, int64_t channels) -> std::pair<Value, Value> {
          if (!lac || !trainedLayers.contains(layer))
            return {};
          auto type = RankedTensorType::get({channels}, b.getF32Type());
          std::string name = "l" + std::to_string(layerIndex[layer]) + "_lac_";
          SmallVector<Value, 2> loads;
          for (auto [suffix, init] :
               {std::pair{"scale", 1.0f}, {"shift", 0.0f}}) {
            ml_program::GlobalOp global;
            {
              OpBuilder::InsertionGuard guard(b);
              b.setInsertionPoint(infer);
              global = makeGlobal(name + suffix,
                                  DenseElementsAttr::get(type, init), type);
              global->setAttr("mote.trained", b.getUnitAttr());
              setSource(global, layer, std::string("lac_") + suffix);
            }
            loads.push_back(ml_program::GlobalLoadOp::create(
                b, loc, type, FlatSymbolRefAttr::get(global)));
          }
          return {loads[0], loads[1]};
        });
  }

  // The rewrite may have replaced the op producing the logits.
  logits = terminator->getOperand(0);
  if (finalSoftmax)
    logits = logits.getDefiningOp<SoftmaxOp>().getInput();

  // The train step: a copy of the inference function with labels.
  auto labelsType =
      RankedTensorType::get({logitsType.getDimSize(0)}, b.getI32Type());
  SmallVector<Type> inputs(infer.getArgumentTypes());
  inputs.push_back(labelsType);
  auto lossType = RankedTensorType::get({1}, b.getF32Type());
  b.setInsertionPointAfter(infer);
  auto step = func::FuncOp::create(b, loc, base + "_train_step",
                                   b.getFunctionType(inputs, {lossType}));
  if (ArrayAttr argAttrs = infer.getAllArgAttrs())
    for (unsigned i = 0; i < infer.getNumArguments(); ++i)
      step.setArgAttrs(i, infer.getArgAttrDict(i));
  step.setArgAttr(inputs.size() - 1, "mote.name", b.getStringAttr("labels"));
  step.setResultAttr(0, "mote.name", b.getStringAttr("loss"));
  // The API's own parameter names, kept by mote-legalize-names.
  step.setArgAttr(inputs.size() - 1, "mote.c_name", b.getStringAttr("labels"));
  step.setResultAttr(0, "mote.c_name", b.getStringAttr("loss"));
  Block *body = step.addEntryBlock();
  IRMapping mapping;
  for (unsigned i = 0; i < infer.getNumArguments(); ++i)
    mapping.map(infer.getArgument(i), body->getArgument(i));
  b.setInsertionPointToStart(body);
  SmallVector<Operation *> forward;
  for (Operation &op : infer.getBody().front().without_terminator()) {
    // Ops after the logits (the softmax) are not part of training.
    if (llvm::is_contained(op.getResults(), logits)) {
      forward.push_back(b.clone(op, mapping));
      break;
    }
    forward.push_back(b.clone(op, mapping));
  }
  Value stepLogits = mapping.lookup(logits);

  // Values that lead back to trained state need an error.
  DenseSet<Value> dependsOnState;
  DenseMap<Value, ml_program::GlobalOp> globalOf;
  for (Operation *op : forward) {
    if (auto load = dyn_cast<ml_program::GlobalLoadOp>(op)) {
      dependsOnState.insert(load.getResult());
      globalOf[load.getResult()] = symbols.lookup<ml_program::GlobalOp>(
          load.getGlobal().getLeafReference());
      continue;
    }
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return dependsOnState.contains(v); }))
      for (Value r : op->getResults())
        dependsOnState.insert(r);
  }
  auto needsGrad = [&](Value v) { return dependsOnState.contains(v); };

  auto loss = SoftmaxCrossEntropyOp::create(
      b, loc, lossType, stepLogits.getType(), stepLogits,
      body->getArgument(inputs.size() - 1));
  TrainStepBuilder autodiff(b, loc, int8);
  autodiff.grads[stepLogits] = loss.getGradLogits();
  for (Operation *op : llvm::reverse(forward))
    if (op->getNumResults() == 1 && failed(autodiff.backward(op, needsGrad)))
      return signalPassFailure();

  // Updates, after every gradient (the backward pass reads the weights as
  // they were in the forward pass).
  auto zeros = [&](Type type) {
    return DenseElementsAttr::get(cast<ShapedType>(type), 0.0f);
  };
  ml_program::GlobalOp stepCount;
  if (optimizer == "adam") {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(infer);
    stepCount = makeGlobal("adam_step", zeros(lossType), lossType);
  }
  bool firstAdam = true;
  for (Operation *op : forward) {
    auto load = dyn_cast<ml_program::GlobalLoadOp>(op);
    if (!load)
      continue;
    Value grad = autodiff.grads.lookup(load.getResult());
    if (!grad) {
      load.emitError("trained tensor '")
          << load.getGlobal().getLeafReference().getValue()
          << "' does not reach the loss";
      return signalPassFailure();
    }
    ml_program::GlobalOp param = globalOf[load.getResult()];
    Type type = param.getType();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfter(param);
    std::string name = param.getSymName().str();
    if (optimizer == "sgd") {
      FlatSymbolRefAttr moment;
      if (momentum != 0.0)
        moment = FlatSymbolRefAttr::get(
            makeGlobal(name + "_momentum", zeros(type), type));
      b.setInsertionPointToEnd(body);
      SGDUpdateOp::create(b, loc, grad, FlatSymbolRefAttr::get(param), moment,
                          b.getF32FloatAttr(lr), b.getF32FloatAttr(momentum),
                          b.getF32FloatAttr(weightDecay));
    } else {
      auto m = makeGlobal(name + "_m", zeros(type), type);
      auto v = makeGlobal(name + "_v", zeros(type), type);
      b.setInsertionPointToEnd(body);
      AdamUpdateOp::create(b, loc, grad, FlatSymbolRefAttr::get(param),
                           FlatSymbolRefAttr::get(m), FlatSymbolRefAttr::get(v),
                           FlatSymbolRefAttr::get(stepCount),
                           b.getF32FloatAttr(lr), b.getF32FloatAttr(beta1),
                           b.getF32FloatAttr(beta2), b.getF32FloatAttr(epsilon),
                           b.getF32FloatAttr(weightDecay),
                           b.getBoolAttr(firstAdam));
      firstAdam = false;
    }
  }
  b.setInsertionPointToEnd(body);
  func::ReturnOp::create(b, loc, loss.getLoss());
}

} // namespace
