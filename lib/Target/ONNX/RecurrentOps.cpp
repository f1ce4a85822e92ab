//===- RecurrentOps.cpp - ONNX RNN, GRU and LSTM --------------------------===//
//
// The recurrent layers of keyword-spotting and sensor models, imported as
// mote.rnn / mote.gru / mote.lstm over the whole sequence. Layout 1
// (batch first, opset 14) is layout 0 between transposes. What the kernels
// do not compute (other activations, input_forget, sequences of several
// lengths) is refused.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mote;
using namespace mote::onnx_import;

namespace {

/// One recurrent cell kind: its ONNX name, gates per unit and default
/// activations (per direction).
struct CellKind {
  StringRef name;
  int64_t gates;
  SmallVector<StringRef, 3> activations;
};

/// A transpose of `value` by `perm`.
Value transpose(NodeContext &ctx, Value value, ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> in = shapeOf(value);
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(in[p]);
  return ctx.create<TransposeOp>(tensorOf(out, getElementTypeOrSelf(value)),
                                 value,
                                 ctx.builder().getDenseI64ArrayAttr(perm));
}

/// The operands and attributes every recurrent node shares, checked.
struct RecurrentNode {
  Value x, w, r, bias, initialH;
  std::string direction;
  float clip = 0.0f;
  bool batchFirst = false;
  int64_t dirs = 1;
};

/// An initial state in the layer's layout 0 [dirs, batch, hidden], or null.
FailureOr<Value> readState(NodeContext &ctx, Value state,
                           const RecurrentNode &node, int64_t hidden,
                           StringRef what) {
  if (!state)
    return state;
  int64_t batch = shapeOf(node.x)[1];
  SmallVector<int64_t> expected =
      node.batchFirst ? SmallVector<int64_t>{batch, node.dirs, hidden}
                      : SmallVector<int64_t>{node.dirs, batch, hidden};
  if (shapeOf(state) != ArrayRef(expected))
    return ctx.emitError() << what << " must be [" << expected[0] << ", "
                           << expected[1] << ", " << expected[2] << "]";
  return node.batchFirst ? transpose(ctx, state, {1, 0, 2}) : state;
}

FailureOr<RecurrentNode> readRecurrent(NodeContext &ctx, const CellKind &cell) {
  RecurrentNode node;
  FailureOr<Value> x = ctx.input(0), w = ctx.input(1), r = ctx.input(2);
  FailureOr<Value> b = ctx.optionalInput(3);
  FailureOr<Value> h0 = ctx.optionalInput(5);
  FailureOr<std::string> direction = ctx.getString("direction", "forward");
  FailureOr<float> clip = ctx.getFloat("clip", 0.0f);
  FailureOr<int64_t> layout = ctx.getInt("layout", 0);
  FailureOr<int64_t> hidden = ctx.getInt("hidden_size", 0);
  if (failed(x) || failed(w) || failed(r) || failed(b) || failed(h0) ||
      failed(direction) || failed(clip) || failed(layout) || failed(hidden))
    return failure();
  if (failed(requireF32(ctx, {*x, *w, *r, *b, *h0})))
    return failure();
  if (*direction != "forward" && *direction != "reverse" &&
      *direction != "bidirectional")
    return ctx.emitError() << "direction '" << *direction
                           << "' is not forward, reverse or bidirectional";
  if (*clip < 0.0f)
    return ctx.emitError() << "clip " << *clip << " is negative";
  if (*layout != 0 && *layout != 1)
    return ctx.emitError() << "layout " << *layout << " is not 0 or 1";
  node.direction = *direction;
  node.clip = *clip;
  node.batchFirst = *layout == 1;
  node.dirs = *direction == "bidirectional" ? 2 : 1;

  // Only the default activations: the kernels compute sigmoid and tanh.
  if (const onnx::AttributeProto *acts = ctx.getAttr("activations")) {
    if (acts->strings_size() !=
        static_cast<int>(cell.activations.size() * node.dirs))
      return ctx.emitError()
             << "activations lists " << acts->strings_size() << " functions; "
             << cell.name << " takes " << cell.activations.size() * node.dirs;
    for (int i = 0; i < acts->strings_size(); ++i)
      if (!StringRef(acts->strings(i))
               .equals_insensitive(
                   cell.activations[i % cell.activations.size()]))
        return ctx.unsupported("activation '" + acts->strings(i) +
                               "' (only the defaults " +
                               llvm::join(cell.activations, ", ") + ")");
  }
  if (ctx.getAttr("activation_alpha") || ctx.getAttr("activation_beta"))
    return ctx.unsupported("activation_alpha / activation_beta");

  ArrayRef<int64_t> xs = shapeOf(*x), ws = shapeOf(*w);
  if (xs.size() != 3)
    return ctx.emitError() << "X must be 3-D, not of rank " << xs.size();
  node.x = node.batchFirst ? transpose(ctx, *x, {1, 0, 2}) : *x;
  int64_t seq = shapeOf(node.x)[0], batch = shapeOf(node.x)[1];
  if (ws.size() != 3 || ws[0] != node.dirs || ws[1] % cell.gates != 0 ||
      ws[2] != xs[2])
    return ctx.emitError() << "W must be [" << node.dirs << ", " << cell.gates
                           << " * hidden_size, " << xs[2] << "]";
  int64_t h = ws[1] / cell.gates;
  if (*hidden != 0 && *hidden != h)
    return ctx.emitError() << "hidden_size " << *hidden << " disagrees with W ("
                           << h << ")";
  if (shapeOf(*r) != ArrayRef<int64_t>{node.dirs, ws[1], h})
    return ctx.emitError() << "R must be [" << node.dirs << ", " << ws[1]
                           << ", " << h << "]";
  if (*b && shapeOf(*b) != ArrayRef<int64_t>{node.dirs, 2 * ws[1]})
    return ctx.emitError() << "B must be [" << node.dirs << ", " << 2 * ws[1]
                           << "]";
  node.w = *w;
  node.r = *r;
  node.bias = *b;

  // Every sequence must be the whole length: the kernels run `seq` steps.
  if (ctx.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> lens =
        ctx.requireIntConstant(4, "sequence_lens");
    if (failed(lens))
      return failure();
    if (static_cast<int64_t>(lens->size()) != batch)
      return ctx.emitError() << "sequence_lens has " << lens->size()
                             << " entries for a batch of " << batch;
    if (llvm::any_of(*lens, [&](int64_t n) { return n != seq; }))
      return ctx.unsupported("sequence_lens shorter than the sequence (" +
                             Twine(seq) + " steps)");
  }
  FailureOr<Value> state = readState(ctx, *h0, node, h, "initial_h");
  if (failed(state))
    return failure();
  node.initialH = *state;
  return node;
}

/// The result types in layout 0: Y [seq, dirs, batch, hidden] and the
/// last states [dirs, batch, hidden], `states` of them.
SmallVector<Type> resultTypes(const RecurrentNode &node, unsigned states) {
  ArrayRef<int64_t> x = shapeOf(node.x);
  int64_t hidden = shapeOf(node.r).back();
  Type f32 = getElementTypeOrSelf(node.x);
  SmallVector<Type> types = {tensorOf({x[0], node.dirs, x[1], hidden}, f32)};
  for (unsigned i = 0; i < states; ++i)
    types.push_back(tensorOf({node.dirs, x[1], hidden}, f32));
  return types;
}

/// Sets the node's outputs from the op's results, back in layout 1 when
/// the node is batch first (Y [batch, seq, dirs, hidden], the states
/// [batch, dirs, hidden]).
void setOutputs(NodeContext &ctx, const RecurrentNode &node,
                ResultRange results) {
  for (auto [i, result] : llvm::enumerate(results)) {
    if (static_cast<int>(i) >= ctx.node.output_size() ||
        ctx.node.output(i).empty())
      continue;
    Value v = result;
    if (node.batchFirst)
      v = transpose(ctx, v,
                    i == 0 ? ArrayRef<int64_t>{2, 0, 1, 3}
                           : ArrayRef<int64_t>{1, 0, 2});
    ctx.setOutput(i, v);
  }
}

LogicalResult importRNN(NodeContext &ctx) {
  static const CellKind cell{"RNN", 1, {"Tanh"}};
  FailureOr<RecurrentNode> node = readRecurrent(ctx, cell);
  if (failed(node))
    return failure();
  OpBuilder &b = ctx.builder();
  auto op = ctx.create<RnnOp>(resultTypes(*node, 1), node->x, node->w, node->r,
                              node->bias, node->initialH,
                              b.getStringAttr(node->direction),
                              b.getF32FloatAttr(node->clip));
  setOutputs(ctx, *node, op->getResults());
  return success();
}

LogicalResult importGRU(NodeContext &ctx) {
  static const CellKind cell{"GRU", 3, {"Sigmoid", "Tanh"}};
  FailureOr<int64_t> linearBeforeReset = ctx.getInt("linear_before_reset", 0);
  if (failed(linearBeforeReset))
    return failure();
  FailureOr<RecurrentNode> node = readRecurrent(ctx, cell);
  if (failed(node))
    return failure();
  OpBuilder &b = ctx.builder();
  auto op = ctx.create<GruOp>(
      resultTypes(*node, 1), node->x, node->w, node->r, node->bias,
      node->initialH, b.getStringAttr(node->direction),
      b.getF32FloatAttr(node->clip), b.getBoolAttr(*linearBeforeReset != 0));
  setOutputs(ctx, *node, op->getResults());
  return success();
}

LogicalResult importLSTM(NodeContext &ctx) {
  static const CellKind cell{"LSTM", 4, {"Sigmoid", "Tanh", "Tanh"}};
  FailureOr<int64_t> inputForget = ctx.getInt("input_forget", 0);
  if (failed(inputForget))
    return failure();
  if (*inputForget != 0)
    return ctx.unsupported("input_forget (coupled input and forget gates)");
  FailureOr<RecurrentNode> node = readRecurrent(ctx, cell);
  if (failed(node))
    return failure();
  int64_t hidden = shapeOf(node->r).back();
  FailureOr<Value> c0 = ctx.optionalInput(6), p = ctx.optionalInput(7);
  if (failed(c0) || failed(p) || failed(requireF32(ctx, {*c0, *p})))
    return failure();
  FailureOr<Value> initialC = readState(ctx, *c0, *node, hidden, "initial_c");
  if (failed(initialC))
    return failure();
  if (*p && shapeOf(*p) != ArrayRef<int64_t>{node->dirs, 3 * hidden})
    return ctx.emitError() << "P must be [" << node->dirs << ", " << 3 * hidden
                           << "]";
  OpBuilder &b = ctx.builder();
  auto op = ctx.create<LstmOp>(resultTypes(*node, 2), node->x, node->w, node->r,
                               node->bias, node->initialH, *initialC, *p,
                               b.getStringAttr(node->direction),
                               b.getF32FloatAttr(node->clip));
  setOutputs(ctx, *node, op->getResults());
  return success();
}

} // namespace

void mote::onnx_import::registerRecurrentOps(HandlerMap &handlers) {
  handlers["RNN"] = importRNN;
  handlers["GRU"] = importGRU;
  handlers["LSTM"] = importLSTM;
}
