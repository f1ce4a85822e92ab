//===- Recurrent.cpp - RNN, GRU and LSTM layers ---------------------------===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration. Each layer is one call of its kernel
// (mote_recurrent.c), which runs the whole sequence; absent biases, initial
// states and peepholes are arrays of zeros. The integer form's constants
// (Q3.12 biases, Q31 multipliers) are computed here.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

/// The buffer of optional operand `v`, or `count` float zeros in flash.
FailureOr<Value> Lowering::bufferOrZeros(Value v, int64_t count,
                                         StringRef suffix) {
  if (v)
    return buffer(current, v);
  auto type = RankedTensorType::get({count}, builder.getF32Type());
  return arrayGlobal(suffix, DenseElementsAttr::get(type, 0.0f));
}

/// The kernels' direction code: 0 forward, 1 reverse, 2 both.
template <typename OpTy> static int32_t directionCode(OpTy op) {
  return op.getDirection() == "forward"   ? 0
         : op.getDirection() == "reverse" ? 1
                                          : 2;
}

/// The leading scalars of every float recurrent kernel: seq, batch, input,
/// hidden, direction and clip.
template <typename OpTy>
static SmallVector<Attribute> recurrentScalars(Lowering &l, OpTy op) {
  ArrayRef<int64_t> x = Lowering::shapeOf(op.getInput());
  int64_t hidden = Lowering::shapeOf(op.getRecurrence()).back();
  return {l.i32(x[0]),
          l.i32(x[1]),
          l.i32(x[2]),
          l.i32(hidden),
          l.i32(directionCode(op)),
          l.f32(op.getClip().convertToDouble())};
}

/// The float scale of each of the `rows` rows of an int8 weight of
/// `dirs` directions (a per-row type repeats for each direction).
static SmallVector<float> rowScales(quant::QuantizedType type, int64_t dirs,
                                    int64_t rows) {
  SmallVector<float> scales;
  for (int64_t d = 0; d < dirs; ++d)
    for (double s : getScales(type, rows))
      scales.push_back(static_cast<float>(s));
  return scales;
}

/// The buffers every recurrent kernel reads first: input, weight,
/// recurrence (each int8 one followed by its row scales, as the `_f32_w8`
/// kernels take them), bias and initial hidden state.
template <typename OpTy>
static FailureOr<SmallVector<Value>> recurrentInputs(Lowering &l, OpTy op) {
  int64_t dirs = op.getNumDirections();
  int64_t gatesTimesHidden = Lowering::shapeOf(op.getWeight())[1];
  int64_t hidden = Lowering::shapeOf(op.getRecurrence()).back();
  FailureOr<SmallVector<Value>> io = l.buffers({op.getInput()});
  if (failed(io))
    return failure();
  for (auto [matrix, name] :
       {std::pair(op.getWeight(), "weight_scale"),
        std::pair(op.getRecurrence(), "recurrence_scale")}) {
    FailureOr<Value> data = l.buffer(op, matrix);
    if (failed(data))
      return failure();
    io->push_back(*data);
    if (quant::QuantizedType q = getQuantType(matrix.getType())) {
      SmallVector<float> scales = rowScales(q, dirs, gatesTimesHidden);
      auto type = RankedTensorType::get({int64_t(scales.size())},
                                        Float32Type::get(op.getContext()));
      io->push_back(
          l.arrayGlobal(name, DenseElementsAttr::get(type, ArrayRef(scales))));
    }
  }
  FailureOr<Value> bias =
      l.bufferOrZeros(op.getBias(), dirs * 2 * gatesTimesHidden, "bias");
  FailureOr<Value> h0 = l.bufferOrZeros(
      op.getInitialH(), dirs * Lowering::shapeOf(op.getInput())[1] * hidden,
      "h0");
  if (failed(bias) || failed(h0))
    return failure();
  io->push_back(*bias);
  io->push_back(*h0);
  return io;
}

/// The kernel of a layer: `base`_f32, or `base`_f32_w8 for int8 weights
/// (float arithmetic either way).
template <typename OpTy>
static std::string recurrentCallee(OpTy op, StringRef base) {
  return (base + (getQuantType(op.getWeight().getType()) ? "_f32_w8" : "_f32"))
      .str();
}

LogicalResult Lowering::lowerRnn(RnnOp o) {
  FailureOr<SmallVector<Value>> in = recurrentInputs(*this, o);
  FailureOr<SmallVector<Value>> out = buffers({o.getOutput(), o.getOutputH()});
  if (failed(in) || failed(out))
    return failure();
  llvm::append_range(*in, *out);
  call(recurrentCallee(o, "mote_rnn"), *in, recurrentScalars(*this, o), "", {},
       2);
  return success();
}

LogicalResult Lowering::lowerGru(GruOp o) {
  FailureOr<SmallVector<Value>> in = recurrentInputs(*this, o);
  FailureOr<SmallVector<Value>> out = buffers({o.getOutput(), o.getOutputH()});
  if (failed(in) || failed(out))
    return failure();
  llvm::append_range(*in, *out);
  SmallVector<Attribute> scalars = recurrentScalars(*this, o);
  scalars.push_back(i32(o.getLinearBeforeReset() ? 1 : 0));
  call(recurrentCallee(o, "mote_gru"), *in, scalars, "", {}, 2);
  return success();
}

LogicalResult Lowering::lowerLstm(LstmOp o) {
  int64_t dirs = o.getNumDirections();
  int64_t hidden = shapeOf(o.getRecurrence()).back();
  FailureOr<SmallVector<Value>> in = recurrentInputs(*this, o);
  FailureOr<Value> c0 = bufferOrZeros(
      o.getInitialC(), dirs * shapeOf(o.getInput())[1] * hidden, "c0");
  FailureOr<Value> peephole =
      bufferOrZeros(o.getPeephole(), dirs * 3 * hidden, "peephole");
  FailureOr<SmallVector<Value>> out =
      buffers({o.getOutput(), o.getOutputH(), o.getOutputC()});
  if (failed(in) || failed(c0) || failed(peephole) || failed(out))
    return failure();
  in->push_back(*c0);
  in->push_back(*peephole);
  llvm::append_range(*in, *out);
  call(recurrentCallee(o, "mote_lstm"), *in, recurrentScalars(*this, o), "", {},
       3);
  return success();
}

/// The integer form's parameter block and per-row gate constants (input
/// multiplier and shift, recurrence multiplier and shift, input and
/// recurrence biases in Q3.12), and its buffers x, w, r, gates and h0 (the
/// output's zero point when absent), which the kernels read first.
template <typename OpTy>
static FailureOr<SmallVector<Value>>
recurrentS8Inputs(Lowering &l, OpTy op, abi::mote_recurrent_s8_params &p) {
  FailureOr<QParams> in = perTensor(op, op.getInput()),
                     out = perTensor(op, op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  ArrayRef<int64_t> x = Lowering::shapeOf(op.getInput());
  int64_t dirs = op.getNumDirections();
  int64_t rows = Lowering::shapeOf(op.getWeight())[1]; // G * hidden
  int64_t hidden = Lowering::shapeOf(op.getRecurrence()).back();
  SmallVector<float> bias(dirs * 2 * rows, 0.0f);
  if (op.getBias()) {
    DenseElementsAttr b = constantOf(op.getBias());
    if (!b)
      return op.emitOpError("has no int8 C lowering for a non-constant bias");
    bias.assign(b.getValues<float>().begin(), b.getValues<float>().end());
  }
  SmallVector<double> wScales, rScales;
  for (int64_t d = 0; d < dirs; ++d) {
    llvm::append_range(wScales,
                       getScales(getQuantType(op.getWeight().getType()), rows));
    llvm::append_range(
        rScales, getScales(getQuantType(op.getRecurrence().getType()), rows));
  }
  // Pre-activations are Q3.12: 4096 units per 1.0.
  SmallVector<int32_t> gates;
  for (int64_t k = 0; k < dirs * rows; ++k) {
    int64_t d = k / rows, g = k % rows;
    double inBias = bias[d * 2 * rows + g] * 4096.0;
    double recBias = bias[d * 2 * rows + rows + g] * 4096.0;
    if (!(std::fabs(inBias) < 2147483647.0) ||
        !(std::fabs(recBias) < 2147483647.0))
      return op.emitOpError("has no int8 C lowering for gate row ")
             << k << ": its biases exceed Q3.12's int32 range";
    Q31Multiplier mi = quantizeMultiplier(wScales[k] * in->scale * 4096.0);
    Q31Multiplier mr = quantizeMultiplier(rScales[k] * out->scale * 4096.0);
    gates.append({mi.multiplier, mi.shift, mr.multiplier, mr.shift,
                  static_cast<int32_t>(std::llround(inBias)),
                  static_cast<int32_t>(std::llround(recBias))});
  }
  Q31Multiplier toOutput = quantizeMultiplier(1.0 / (32768.0 * out->scale));
  Q31Multiplier toState = quantizeMultiplier(out->scale * 32768.0);
  double clip = op.getClip().convertToDouble() * 4096.0;
  p.seq = x[0];
  p.batch = x[1];
  p.input = x[2];
  p.hidden = hidden;
  p.direction = directionCode(op);
  p.linear_before_reset = 0;
  p.input_offset = -in->zeroPoint;
  p.output_offset = out->zeroPoint;
  p.clip = static_cast<int32_t>(std::min(std::llround(clip), 2147483647LL));
  p.output_multiplier = toOutput.multiplier;
  p.output_shift = toOutput.shift;
  p.state_multiplier = toState.multiplier;
  p.state_shift = toState.shift;
  if (x[0] > 32767 || x[2] > 33025 || hidden > 33025)
    return op.emitOpError("has no int8 C lowering for more than 32767 steps "
                          "or 33025 inputs or units (int32 sums)");

  FailureOr<SmallVector<Value>> io =
      l.buffers({op.getInput(), op.getWeight(), op.getRecurrence()});
  if (failed(io))
    return failure();
  io->push_back(l.i32Array("gates", gates));
  if (op.getInitialH()) {
    FailureOr<Value> h0 = l.buffer(op, op.getInitialH());
    if (failed(h0))
      return failure();
    io->push_back(*h0);
  } else {
    auto type = RankedTensorType::get({dirs * x[1] * hidden},
                                      IntegerType::get(op.getContext(), 8));
    io->push_back(l.arrayGlobal(
        "h0",
        DenseElementsAttr::get(type, static_cast<int8_t>(out->zeroPoint))));
  }
  return io;
}

LogicalResult Lowering::lowerRnnS8(RnnOp o) {
  abi::mote_recurrent_s8_params p;
  FailureOr<SmallVector<Value>> in = recurrentS8Inputs(*this, o, p);
  FailureOr<SmallVector<Value>> out = buffers({o.getOutput(), o.getOutputH()});
  if (failed(in) || failed(out))
    return failure();
  llvm::append_range(*in, *out);
  callWith("mote_rnn_s8", p, *in, {}, 2);
  return success();
}

LogicalResult Lowering::lowerGruS8(GruOp o) {
  abi::mote_recurrent_s8_params p;
  FailureOr<SmallVector<Value>> in = recurrentS8Inputs(*this, o, p);
  FailureOr<SmallVector<Value>> out = buffers({o.getOutput(), o.getOutputH()});
  if (failed(in) || failed(out))
    return failure();
  p.linear_before_reset = o.getLinearBeforeReset() ? 1 : 0;
  llvm::append_range(*in, *out);
  callWith("mote_gru_s8", p, *in, {}, 2);
  return success();
}

/// The int8 LSTM also takes its initial cell state in Q0.15 (from a float
/// constant, zeros when absent) and writes the last one in Q0.15.
LogicalResult Lowering::lowerLstmS8(LstmOp o) {
  abi::mote_recurrent_s8_params p;
  FailureOr<SmallVector<Value>> in = recurrentS8Inputs(*this, o, p);
  if (failed(in))
    return failure();
  if (o.getPeephole())
    return o.emitOpError("has no int8 C lowering for peepholes");
  SmallVector<int32_t> c0(countOf(o.getOutputC()), 0);
  if (o.getInitialC()) {
    DenseElementsAttr c = constantOf(o.getInitialC());
    if (!c)
      return o.emitOpError("has no int8 C lowering for a non-constant "
                           "initial cell state");
    for (auto [i, v] : llvm::enumerate(c.getValues<float>())) {
      if (!(std::fabs(v) <= 32768.0f))
        return o.emitOpError("has no int8 C lowering for initial cell value ")
               << v << " (beyond +-32768, Q0.15 in int32)";
      c0[i] = static_cast<int32_t>(std::llround(v * 32768.0));
    }
  }
  in->push_back(i32Array("c0", c0));
  FailureOr<SmallVector<Value>> out =
      buffers({o.getOutput(), o.getOutputH(), o.getOutputC()});
  if (failed(out))
    return failure();
  llvm::append_range(*in, *out);
  callWith("mote_lstm_s8", p, *in, {}, 3);
  return success();
}

void mote::lowering::populateRecurrentPatterns(LoweringPatterns &patterns) {
  patterns.add<RnnOp>(LoweringDomain::Float, &Lowering::lowerRnn);
  patterns.add<GruOp>(LoweringDomain::Float, &Lowering::lowerGru);
  patterns.add<LstmOp>(LoweringDomain::Float, &Lowering::lowerLstm);
  patterns.add<RnnOp>(LoweringDomain::Integer, &Lowering::lowerRnnS8);
  patterns.add<GruOp>(LoweringDomain::Integer, &Lowering::lowerGruS8);
  patterns.add<LstmOp>(LoweringDomain::Integer, &Lowering::lowerLstmS8);
}
