//===- Recurrent.cpp - RNN, GRU and LSTM layers ---------------------------===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration. Each layer is one call of its kernel
// (mote_recurrent.c), which runs the whole sequence; absent biases, initial
// states and peepholes are arrays of zeros.
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

/// The leading scalars of every recurrent kernel: seq, batch, input,
/// hidden, direction (0 forward, 1 reverse, 2 both) and clip.
template <typename OpTy>
static SmallVector<Attribute> recurrentScalars(Lowering &l, OpTy op) {
  ArrayRef<int64_t> x = Lowering::shapeOf(op.getInput());
  int64_t hidden = Lowering::shapeOf(op.getRecurrence()).back();
  int32_t direction = op.getDirection() == "forward"   ? 0
                      : op.getDirection() == "reverse" ? 1
                                                       : 2;
  return {l.i32(x[0]),      l.i32(x[1]),
          l.i32(x[2]),      l.i32(hidden),
          l.i32(direction), l.f32(op.getClip().convertToDouble())};
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

void mote::lowering::populateRecurrentPatterns(LoweringPatterns &patterns) {
  patterns.add<RnnOp>(LoweringDomain::Float, &Lowering::lowerRnn);
  patterns.add<GruOp>(LoweringDomain::Float, &Lowering::lowerGru);
  patterns.add<LstmOp>(LoweringDomain::Float, &Lowering::lowerLstm);
}
