//===- Autodiff.cpp - The loss and the gradients of trained state ---------===//
//
// Third stage of training: the forward ops of the inference function are
// replayed in a train-step function, the loss starts the error at the
// logits, and each forward op's BackwardOpInterface, visited in reverse
// order, turns the error of its result into the errors of its operands.
// The train step returns the loss and the gradient of every trained global.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/Autodiff.h"
#include "Mote/Transforms/Passes.h"
#include "TrainingUtils.h"

#include "mlir/IR/IRMapping.h"

namespace mote {
#define GEN_PASS_DEF_MOTEAUTODIFF
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

struct MoteAutodiffPass : mote::impl::MoteAutodiffBase<MoteAutodiffPass> {
  using MoteAutodiffBase::MoteAutodiffBase;

  void runOnOperation() override;
};

void MoteAutodiffPass::runOnOperation() {
  ModuleOp module = getOperation();
  FailureOr<func::FuncOp> found = getInferenceFunction(module);
  if (failed(found))
    return signalPassFailure();
  func::FuncOp infer = *found;
  StringRef elementwiseKind = llvm::StringSwitch<StringRef>(seed)
                                  .Case("mse", "mse")
                                  .Case("l1", "l1")
                                  .Case("bce", "bce_with_logits")
                                  .Default("");
  bool crossEntropy = seed == "softmax-cross-entropy";
  bool withLoss = crossEntropy || !elementwiseKind.empty();
  if (!withLoss && seed != "output-gradient") {
    module.emitError("unknown seed '")
        << seed
        << "' (expected softmax-cross-entropy, bce, mse, l1 or "
           "output-gradient)";
    return signalPassFailure();
  }
  if (infer.getNumResults() != 1) {
    infer.emitError("training needs one result (")
        << (crossEntropy ? "the logits"
            : withLoss   ? "the output the loss is of"
                         : "the output the gradient is of")
        << "), found " << infer.getNumResults();
    return signalPassFailure();
  }
  Value logits = infer.getBody().front().getTerminator()->getOperand(0);
  // A final softmax belongs to the cross-entropy, a final sigmoid to the
  // binary cross-entropy: each is computed inside the loss, where it stays
  // finite for large logits.
  if (auto softmax =
          crossEntropy ? logits.getDefiningOp<SoftmaxOp>() : nullptr) {
    auto rank = cast<RankedTensorType>(softmax.getType()).getRank();
    if (softmax.getAxis() == -1 || softmax.getAxis() == rank - 1)
      logits = softmax.getInput();
  }
  if (auto sigmoid =
          seed == "bce" ? logits.getDefiningOp<SigmoidOp>() : nullptr)
    logits = sigmoid.getInput();
  auto logitsType = cast<RankedTensorType>(logits.getType());
  if (crossEntropy &&
      (logitsType.getRank() != 2 || !logitsType.getElementType().isF32())) {
    infer.emitError("training needs f32 logits [N, K], got ") << logitsType;
    return signalPassFailure();
  }
  if (!crossEntropy && !logitsType.getElementType().isF32()) {
    infer.emitError("the ") << (withLoss ? "loss" : "output gradient")
                            << " needs an f32 output, got " << logitsType;
    return signalPassFailure();
  }

  // The train step: a copy of the inference function with labels (or the
  // output's gradient).
  OpBuilder b(&getContext());
  Location loc = infer.getLoc();
  // The labels are class indices; the targets of an element-wise loss
  // and a given output gradient have the output's type.
  Type seedType = crossEntropy
                      ? Type(RankedTensorType::get({logitsType.getDimSize(0)},
                                                   b.getI32Type()))
                      : Type(logitsType);
  StringRef seedName = crossEntropy ? "labels"
                       : withLoss   ? "targets"
                                    : "output_gradient";
  SmallVector<Type> inputs(infer.getArgumentTypes());
  inputs.push_back(seedType);
  auto lossType = RankedTensorType::get({1}, b.getF32Type());
  b.setInsertionPointAfter(infer);
  auto step =
      func::FuncOp::create(b, loc, infer.getSymName().str() + "_train_step",
                           b.getFunctionType(inputs, {lossType}));
  if (infer.getAllArgAttrs())
    for (unsigned i = 0; i < infer.getNumArguments(); ++i)
      step.setArgAttrs(i, infer.getArgAttrDict(i));
  unsigned labels = inputs.size() - 1;
  step.setArgAttr(labels, "mote.name", b.getStringAttr(seedName));
  // The API's own parameter names, kept by mote-legalize-names.
  step.setArgAttr(labels, "mote.c_name", b.getStringAttr(seedName));
  if (withLoss) {
    step.setResultAttr(0, "mote.name", b.getStringAttr("loss"));
    step.setResultAttr(0, "mote.c_name", b.getStringAttr("loss"));
  }
  Block *body = step.addEntryBlock();
  IRMapping mapping;
  mapping.map(infer.getArguments(), body->getArguments().drop_back());
  b.setInsertionPointToStart(body);
  SmallVector<Operation *> forward;
  for (Operation &op : infer.getBody().front().without_terminator()) {
    forward.push_back(b.clone(op, mapping));
    // Ops after the logits (the softmax or sigmoid the loss includes) are not
    // part of training.
    if (llvm::is_contained(op.getResults(), logits))
      break;
  }
  Value stepLogits = mapping.lookup(logits);

  // Values that lead back to trained state need an error; the trained
  // state is read by the loads, in this order.
  SymbolTable symbols(module);
  DenseSet<Value> dependsOnState;
  SmallVector<std::pair<Value, ml_program::GlobalOp>> state;
  for (Operation *op : forward) {
    if (ml_program::GlobalOp global =
            op->getNumResults() == 1
                ? getTrainedGlobal(op->getResult(0), symbols)
                : ml_program::GlobalOp()) {
      dependsOnState.insert(op->getResult(0));
      state.push_back({op->getResult(0), global});
      continue;
    }
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return dependsOnState.contains(v); }))
      for (Value r : op->getResults())
        dependsOnState.insert(r);
  }
  if (state.empty()) {
    infer.emitError("reads no trained state (run "
                    "mote-promote-trainable-state first)");
    return signalPassFailure();
  }

  Autodiff autodiff(
      b, loc, std::move(dependsOnState),
      Int8BackwardOptions::fromAttr(
          module->getAttrOfType<DictionaryAttr>(kInt8TrainingAttrName)));
  SmallVector<Value> results;
  if (crossEntropy) {
    auto loss =
        SoftmaxCrossEntropyOp::create(b, loc, lossType, stepLogits.getType(),
                                      stepLogits, body->getArgument(labels));
    autodiff.accumulate(stepLogits, loss.getGradLogits());
    results.push_back(loss.getLoss());
  } else if (withLoss) {
    auto loss = ElementwiseLossOp::create(
        b, loc, lossType, stepLogits.getType(), stepLogits,
        body->getArgument(labels), b.getStringAttr(elementwiseKind));
    autodiff.accumulate(stepLogits, loss.getGradOutput());
    results.push_back(loss.getLoss());
  } else {
    autodiff.accumulate(stepLogits, body->getArgument(labels));
  }
  if (failed(autodiff.differentiate(forward)))
    return signalPassFailure();

  // The loss, then the gradient of each trained tensor.
  for (auto [value, global] : state) {
    Value gradient = autodiff.errorOf(value);
    if (!gradient) {
      value.getDefiningOp()->emitError("trained tensor '")
          << global.getSymName() << "' does not reach the loss";
      return signalPassFailure();
    }
    results.push_back(gradient);
  }
  func::ReturnOp::create(b, loc, results);
  step.setType(b.getFunctionType(inputs, ValueRange(results).getTypes()));
  for (auto [i, entry] : llvm::enumerate(state))
    step.setResultAttr(i + (withLoss ? 1 : 0), kGradientOfAttrName,
                       FlatSymbolRefAttr::get(entry.second));
}

} // namespace
