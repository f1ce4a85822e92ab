//===- MoteOps.cpp - Mote op verifiers and interfaces ---------------------===//

#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"
#include "Mote/IR/ShapeInference.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mote;

//===----------------------------------------------------------------------===//
// Quantized type helpers
//===----------------------------------------------------------------------===//

quant::QuantizedType mote::getQuantType(Type type) {
  return dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(type));
}

NumericKind mote::getNumericKind(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (element.isF32())
    return NumericKind::Float;
  if (isa<quant::QuantizedType>(element))
    return NumericKind::Quantized;
  if (isa<IntegerType>(element))
    return NumericKind::Integer;
  return NumericKind::Other;
}

SmallVector<double> mote::getScales(quant::QuantizedType type,
                                    int64_t channels) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    return SmallVector<double>(perAxis.getScales());
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(type))
    return SmallVector<double>(channels, uniform.getScale());
  return {};
}

bool mote::approxEqual(double a, double b, double rtol) {
  return std::fabs(a - b) <= rtol * std::max(std::fabs(a), std::fabs(b));
}

quant::QuantizedType mote::buildQuantType(Type storageType, Type expressedType,
                                          ArrayRef<double> scales,
                                          ArrayRef<int64_t> zeroPoints,
                                          int32_t axis) {
  auto intType = cast<IntegerType>(storageType);
  unsigned flags = intType.isUnsigned() ? 0 : quant::QuantizationFlags::Signed;
  unsigned width = intType.getWidth();
  int64_t min = intType.isUnsigned() ? 0 : -(int64_t(1) << (width - 1));
  int64_t max = intType.isUnsigned() ? (int64_t(1) << width) - 1
                                     : (int64_t(1) << (width - 1)) - 1;
  // The quant dialect wants a signless storage type with a signedness flag.
  Type storage = IntegerType::get(storageType.getContext(), width);
  if (scales.size() == 1 && axis < 0)
    return quant::UniformQuantizedType::get(flags, storage, expressedType,
                                            scales[0], zeroPoints[0], min, max);
  return quant::UniformQuantizedPerAxisType::get(
      flags, storage, expressedType, scales, zeroPoints, axis, min, max);
}

//===----------------------------------------------------------------------===//
// Shared verification
//===----------------------------------------------------------------------===//

static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

static LogicalResult verifyResultShape(Operation *op,
                                       ArrayRef<int64_t> expected) {
  ArrayRef<int64_t> actual = shapeOf(op->getResult(0));
  if (actual != expected) {
    auto diag = op->emitOpError("result shape [");
    llvm::interleave(actual, diag, ",");
    diag << "] does not match the inferred shape [";
    llvm::interleave(expected, diag, ",");
    return diag << "]";
  }
  return success();
}

/// Checks that every operand and the result are f32, or every one is
/// quantized (the result may also be raw i32 accumulators when
/// `allowIntegerResult`).
static LogicalResult verifySameNumericKind(Operation *op,
                                           bool allowIntegerResult = false) {
  NumericKind kind = getNumericKind(op->getOperand(0).getType());
  if (kind != NumericKind::Float && kind != NumericKind::Quantized)
    return op->emitOpError("operand 0 must be f32 or quantized, got ")
           << op->getOperand(0).getType();
  for (auto [index, operand] : llvm::enumerate(op->getOperands())) {
    if (getNumericKind(operand.getType()) != kind)
      return op->emitOpError("operand ")
             << index << " is " << operand.getType() << " but operand 0 is "
             << (kind == NumericKind::Float ? "f32" : "quantized")
             << ": mixed float and quantized operands";
  }
  NumericKind resultKind = getNumericKind(op->getResult(0).getType());
  if (resultKind == kind)
    return success();
  if (allowIntegerResult && kind == NumericKind::Quantized &&
      getElementTypeOrSelf(op->getResult(0).getType()).isInteger(32))
    return success();
  return op->emitOpError("result ")
         << op->getResult(0).getType() << " must be "
         << (kind == NumericKind::Float ? "f32" : "quantized")
         << " like operand 0";
}

/// Checks that a quantized activation uses a per-tensor type.
static LogicalResult verifyPerTensor(Operation *op, Value value,
                                     StringRef name) {
  quant::QuantizedType type = getQuantType(value.getType());
  if (type && !isa<quant::UniformQuantizedType>(type))
    return op->emitOpError()
           << name << " must be quantized per tensor, got " << type;
  return success();
}

std::string mote::checkQuantizedLayerTypes(Type input, Type weight, Type bias,
                                           Type result, int64_t channels,
                                           int32_t weightAxis) {
  std::string message;
  llvm::raw_string_ostream os(message);
  auto inType =
      dyn_cast_or_null<quant::UniformQuantizedType>(getQuantType(input));
  if (!inType) {
    os << "input must be quantized per tensor, got " << input;
    return message;
  }
  quant::QuantizedType resultType = getQuantType(result);
  if (resultType && !isa<quant::UniformQuantizedType>(resultType)) {
    os << "result must be quantized per tensor, got " << result;
    return message;
  }
  // A layer whose result is the raw int32 sums (ONNX's ConvInteger) is not
  // requantized, so its weights may have zero points, but it has no bias.
  bool rawSums = !resultType && getElementTypeOrSelf(result).isInteger(32);
  if (rawSums && bias) {
    os << "a layer with raw int32 sums takes no bias";
    return message;
  }
  quant::QuantizedType wType = getQuantType(weight);
  if (!wType || wType.getStorageTypeIntegralWidth() != 8) {
    os << "weight must be quantized with 8-bit storage, got " << weight;
    return message;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(wType)) {
    if (perAxis.getQuantizedDimension() != weightAxis) {
      os << "per-axis weight must be quantized along dimension " << weightAxis
         << ", got dimension " << perAxis.getQuantizedDimension();
      return message;
    }
    if (static_cast<int64_t>(perAxis.getScales().size()) != channels) {
      os << "weight has " << perAxis.getScales().size() << " scales for "
         << channels << " output channels";
      return message;
    }
    if (!rawSums && llvm::any_of(perAxis.getZeroPoints(),
                                 [](int64_t z) { return z != 0; })) {
      os << "per-axis weight zero points must all be 0";
      return message;
    }
  } else if (!isa<quant::UniformQuantizedType>(wType)) {
    os << "weight must be uniformly quantized, got " << wType;
    return message;
  }
  if (!bias)
    return message;
  quant::QuantizedType bType = getQuantType(bias);
  if (!bType || bType.getStorageTypeIntegralWidth() != 32) {
    os << "bias of a quantized layer must be quantized with i32 storage, got "
       << bias;
    return message;
  }
  SmallVector<double> wScales = getScales(wType, channels);
  SmallVector<double> bScales = getScales(bType, channels);
  if (bScales.size() != wScales.size()) {
    os << "bias has " << bScales.size() << " scales for " << channels
       << " channels";
    return message;
  }
  for (int64_t c = 0; c < channels; ++c) {
    double expected = inType.getScale() * wScales[c];
    if (!approxEqual(bScales[c], expected)) {
      os << "bias scale " << bScales[c] << " of channel " << c
         << " must equal input scale x weight scale (" << expected << ")";
      return message;
    }
  }
  bool zeroPoints = true;
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(bType))
    zeroPoints =
        llvm::all_of(perAxis.getZeroPoints(), [](int64_t z) { return z == 0; });
  else
    zeroPoints = cast<quant::UniformQuantizedType>(bType).getZeroPoint() == 0;
  if (!zeroPoints)
    os << "bias zero points must be 0";
  return message;
}

/// Verifies the weight and bias of a quantized conv / fully-connected layer
/// with `channels` output channels.
static LogicalResult verifyQuantizedLayer(Operation *op, Value input,
                                          Value weight, Value bias,
                                          int64_t channels,
                                          int32_t weightAxis = 0) {
  std::string problem = checkQuantizedLayerTypes(
      input.getType(), weight.getType(), bias ? bias.getType() : Type(),
      op->getResult(0).getType(), channels, weightAxis);
  if (!problem.empty())
    return op->emitOpError(problem);
  return success();
}

static LogicalResult verifyClamp(Operation *op, std::optional<APFloat> min,
                                 std::optional<APFloat> max) {
  if (min && max && min->convertToFloat() > max->convertToFloat())
    return op->emitOpError("clamp_min ")
           << min->convertToFloat() << " exceeds clamp_max "
           << max->convertToFloat();
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  SmallVector<int64_t> expected;
  if (failed(inferConv2DShape([&] { return emitOpError(); },
                              shapeOf(getInput()), shapeOf(getWeight()),
                              getStrides(), getDilations(), getPads(),
                              getGroup(), expected)) ||
      failed(verifyResultShape(*this, expected)))
    return failure();
  int64_t channels = shapeOf(getWeight())[0];
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{channels})
    return emitOpError("bias must have shape [") << channels << "]";
  if (failed(verifySameNumericKind(*this, /*allowIntegerResult=*/true)) ||
      failed(verifyClamp(*this, getClampMin(), getClampMax())))
    return failure();
  if (getNumericKind(getInput().getType()) == NumericKind::Quantized)
    return verifyQuantizedLayer(*this, getInput(), getWeight(), getBias(),
                                channels);
  return success();
}

int64_t Conv2DOp::getMacCount() {
  ArrayRef<int64_t> out = shapeOf(getOutput());
  ArrayRef<int64_t> w = shapeOf(getWeight());
  return out[0] * out[1] * out[2] * out[3] * w[1] * w[2] * w[3];
}

//===----------------------------------------------------------------------===//
// ConvTranspose2DOp
//===----------------------------------------------------------------------===//

LogicalResult ConvTranspose2DOp::verify() {
  SmallVector<int64_t> expected;
  if (failed(inferConvTranspose2DShape(
          [&] { return emitOpError(); }, shapeOf(getInput()),
          shapeOf(getWeight()), getStrides(), getDilations(), getPads(),
          getOutputPadding(), getGroup(), expected)) ||
      failed(verifyResultShape(*this, expected)))
    return failure();
  int64_t channels = expected[1];
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{channels})
    return emitOpError("bias must have shape [") << channels << "]";
  if (failed(verifySameNumericKind(*this)))
    return failure();
  if (getNumericKind(getInput().getType()) == NumericKind::Quantized)
    return verifyQuantizedLayer(*this, getInput(), getWeight(), getBias(),
                                channels, /*weightAxis=*/1);
  return success();
}

int64_t ConvTranspose2DOp::getMacCount() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> w = shapeOf(getWeight());
  return in[0] * in[1] * in[2] * in[3] * w[1] * w[2] * w[3];
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> axes = getAxes();
  if (!llvm::is_contained({"mean", "max", "min"}, getKind()))
    return emitOpError("kind must be 'mean', 'max' or 'min', got '")
           << getKind() << "'";
  if (axes.empty())
    return emitOpError("expects at least one axis");
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] < 0 || axes[i] >= static_cast<int64_t>(in.size()) ||
        (i > 0 && axes[i] <= axes[i - 1]))
      return emitOpError("axes must be sorted, distinct and below the rank ")
             << in.size();
  SmallVector<int64_t> expected(in);
  for (int64_t a : axes)
    expected[a] = 1;
  if (failed(verifyResultShape(*this, expected)))
    return failure();
  Type inElement = getElementTypeOrSelf(getInput().getType());
  Type outElement = getElementTypeOrSelf(getOutput().getType());
  // A mean may requantize (TFLite's MEAN divides and rescales at once).
  bool requantizingMean = getKind() == "mean" &&
                          isa<quant::UniformQuantizedType>(inElement) &&
                          isa<quant::UniformQuantizedType>(outElement);
  if (inElement != outElement && !requantizingMean)
    return emitOpError("result must have the input's element type (only an "
                       "int8 mean may change its quantization)");
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormOp
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= static_cast<int64_t>(in.size()))
    return emitOpError("axis ")
           << axis << " is outside the input's rank " << in.size();
  ArrayRef<int64_t> normalized = in.drop_front(axis);
  if (shapeOf(getScale()) != normalized ||
      (getBias() && shapeOf(getBias()) != normalized))
    return emitOpError("scale and bias must have the normalized axes' shape");
  if (shapeOf(getOutput()) != in)
    return emitOpError("result must have the input's shape");
  SmallVector<int64_t> statShape(in.take_front(axis));
  statShape.append(in.size() - axis, 1);
  if (!getStatistics().empty() && (getStatistics().size() != 2 ||
                                   llvm::any_of(getStatistics(), [&](Value v) {
                                     return shapeOf(v) !=
                                            ArrayRef<int64_t>(statShape);
                                   }))) {
    auto diag = emitOpError("expects no statistics or a mean and an inverse "
                            "deviation of shape [");
    llvm::interleave(statShape, diag, ", ");
    return diag << "]";
  }
  if (!(getEpsilon().convertToFloat() >= 0.0f))
    return emitOpError("epsilon must be non-negative");
  NumericKind kind = getNumericKind(getInput().getType());
  if ((kind != NumericKind::Float && kind != NumericKind::Quantized) ||
      kind != getNumericKind(getOutput().getType()))
    return emitOpError("input and result must both be f32 or both be "
                       "quantized, got ")
           << getInput().getType() << " and " << getOutput().getType();
  if (kind == NumericKind::Quantized) {
    if (!getStatistics().empty())
      return emitOpError("has statistics only in its float form");
    if (failed(verifyPerTensor(*this, getInput(), "input")) ||
        failed(verifyPerTensor(*this, getOutput(), "result")))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// RnnOp, GruOp, LstmOp
//===----------------------------------------------------------------------===//

/// The shapes every recurrent layer shares, for `gates` gates per unit:
/// input [seq, batch, in], weight [dirs, G * hidden, in], recurrence
/// [dirs, G * hidden, hidden], bias [dirs, 2 * G * hidden], states and
/// last states [dirs, batch, hidden], output [seq, dirs, batch, hidden].
template <typename OpTy>
static LogicalResult verifyRecurrent(OpTy op, ValueRange states,
                                     ValueRange lastStates) {
  StringRef direction = op.getDirection();
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return op.emitOpError("direction must be forward, reverse or "
                          "bidirectional, not '")
           << direction << "'";
  if (!(op.getClip().convertToFloat() >= 0.0f))
    return op.emitOpError("clip must be non-negative");
  ArrayRef<int64_t> x = shapeOf(op.getInput()), w = shapeOf(op.getWeight());
  if (x.size() != 3)
    return op.emitOpError("input must be [seq, batch, input]");
  int64_t dirs = op.getNumDirections(), gates = OpTy::kGates;
  if (w.size() != 3 || w[0] != dirs || w[1] % gates != 0 || w[1] == 0 ||
      w[2] != x[2])
    return op.emitOpError("weight must be [")
           << dirs << ", " << gates << " * hidden, " << x[2] << "]";
  int64_t hidden = w[1] / gates;
  SmallVector<int64_t> state = {dirs, x[1], hidden};
  if (shapeOf(op.getRecurrence()) != ArrayRef<int64_t>{dirs, w[1], hidden})
    return op.emitOpError("recurrence must be [")
           << dirs << ", " << w[1] << ", " << hidden << "]";
  if (op.getBias() &&
      shapeOf(op.getBias()) != ArrayRef<int64_t>{dirs, 2 * w[1]})
    return op.emitOpError("bias must be [") << dirs << ", " << 2 * w[1] << "]";
  for (Value v : states)
    if (v && shapeOf(v) != ArrayRef(state))
      return op.emitOpError("initial states must be [")
             << dirs << ", " << x[1] << ", " << hidden << "]";
  if (shapeOf(op.getOutput()) != ArrayRef<int64_t>{x[0], dirs, x[1], hidden})
    return op.emitOpError("output must be [")
           << x[0] << ", " << dirs << ", " << x[1] << ", " << hidden << "]";
  for (Value v : lastStates)
    if (shapeOf(v) != ArrayRef(state))
      return op.emitOpError("last states must be [")
             << dirs << ", " << x[1] << ", " << hidden << "]";
  // Float weights, or int8 ones: symmetric, per tensor or per row.
  if (bool(getQuantType(op.getWeight().getType())) !=
      bool(getQuantType(op.getRecurrence().getType())))
    return op.emitOpError("weight and recurrence must both be f32 or both "
                          "be int8");
  for (Value v : {op.getWeight(), op.getRecurrence()}) {
    quant::QuantizedType q = getQuantType(v.getType());
    if (!q) {
      if (!getElementTypeOrSelf(v.getType()).isF32())
        return op.emitOpError("weights must be f32 or int8, got ")
               << v.getType();
      continue;
    }
    auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(q);
    bool symmetric =
        perAxis ? llvm::all_of(perAxis.getZeroPoints(),
                               [](int64_t z) { return z == 0; })
                : cast<quant::UniformQuantizedType>(q).getZeroPoint() == 0;
    if (!q.isSigned() || q.getStorageTypeIntegralWidth() != 8 || !symmetric ||
        (perAxis && perAxis.getQuantizedDimension() != 1))
      return op.emitOpError("quantized weights must be int8 with zero point "
                            "0, per tensor or per row (axis 1), got ")
             << v.getType();
  }
  return success();
}

/// The integer form (int8 input) or the float one. In the integer form the
/// output, the last hidden state and the initial one share one int8
/// per-tensor type and the weights are int8; the float form has f32
/// activations.
template <typename OpTy> static LogicalResult verifyRecurrentForm(OpTy op) {
  auto isInt8PerTensor = [](quant::QuantizedType q) {
    return isa_and_nonnull<quant::UniformQuantizedType>(q) && q.isSigned() &&
           q.getStorageTypeIntegralWidth() == 8;
  };
  quant::QuantizedType in = getQuantType(op.getInput().getType());
  SmallVector<Value> states = {op.getOutput(), op.getOutputH()};
  if (op.getInitialH())
    states.push_back(op.getInitialH());
  if (!in) {
    states.push_back(op.getInput());
    for (Value v : states)
      if (!getElementTypeOrSelf(v.getType()).isF32())
        return op.emitOpError("a float layer's input and hidden states must "
                              "be f32, got ")
               << v.getType();
    return success();
  }
  if (!isInt8PerTensor(in))
    return op.emitOpError("quantized input must be int8 per tensor, got ")
           << op.getInput().getType();
  if (!getQuantType(op.getWeight().getType()))
    return op.emitOpError("an int8 layer needs int8 weights");
  Type state = getElementTypeOrSelf(op.getOutput().getType());
  if (!isInt8PerTensor(getQuantType(state)))
    return op.emitOpError("an int8 layer's output must be int8 per tensor, "
                          "got ")
           << op.getOutput().getType();
  for (Value v : states)
    if (getElementTypeOrSelf(v.getType()) != state)
      return op.emitOpError("an int8 layer's hidden states must have the "
                            "output's type ")
             << state << ", got " << v.getType();
  return success();
}

/// One multiply-accumulate per weight and recurrence element, per step
/// and batch entry (the gates' element-wise products not counted).
template <typename OpTy> static int64_t recurrentMacs(OpTy op) {
  ArrayRef<int64_t> x = shapeOf(op.getInput());
  return x[0] * x[1] *
         (cast<RankedTensorType>(op.getWeight().getType()).getNumElements() +
          cast<RankedTensorType>(op.getRecurrence().getType())
              .getNumElements());
}

int64_t RnnOp::getMacCount() { return recurrentMacs(*this); }
int64_t GruOp::getMacCount() { return recurrentMacs(*this); }
int64_t LstmOp::getMacCount() { return recurrentMacs(*this); }

LogicalResult RnnOp::verify() {
  if (failed(verifyRecurrent(*this, {getInitialH()}, {getOutputH()})))
    return failure();
  return verifyRecurrentForm(*this);
}

LogicalResult GruOp::verify() {
  if (failed(verifyRecurrent(*this, {getInitialH()}, {getOutputH()})))
    return failure();
  return verifyRecurrentForm(*this);
}

LogicalResult LstmOp::verify() {
  if (failed(verifyRecurrent(*this, {getInitialH(), getInitialC()},
                             {getOutputH(), getOutputC()})) ||
      failed(verifyRecurrentForm(*this)))
    return failure();
  if (getInitialC() && !getElementTypeOrSelf(getInitialC().getType()).isF32())
    return emitOpError("initial cell state must be f32");
  Type cell = getElementTypeOrSelf(getOutputC().getType());
  if (getQuantType(getInput().getType())) {
    auto q = dyn_cast_or_null<quant::UniformQuantizedType>(getQuantType(cell));
    if (!q || q.getStorageTypeIntegralWidth() != 32 || q.getZeroPoint() != 0 ||
        q.getScale() != std::ldexp(1.0, -15))
      return emitOpError("an int8 LSTM's last cell state must be int32 in "
                         "Q0.15 (!quant.uniform<i32:f32, 3.0517578125E-5>), "
                         "got ")
             << getOutputC().getType();
    if (getPeephole())
      return emitOpError("an int8 LSTM has no peepholes");
  } else if (!cell.isF32()) {
    return emitOpError("a float LSTM's last cell state must be f32");
  }
  int64_t dirs = getNumDirections();
  int64_t hidden = shapeOf(getRecurrence()).back();
  if (getPeephole() &&
      shapeOf(getPeephole()) != ArrayRef<int64_t>{dirs, 3 * hidden})
    return emitOpError("peephole must be [")
           << dirs << ", " << 3 * hidden << "]";
  return success();
}

//===----------------------------------------------------------------------===//
// ResizeOp
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  if (in.size() != 4 || out.size() != 4)
    return emitOpError("expects 4-D NCHW input and result");
  if (in[0] != out[0] || in[1] != out[1])
    return emitOpError("resizes only the spatial axes: batch and channels "
                       "must stay");
  if (getScales().size() != 2 ||
      llvm::any_of(getScales(), [](float s) { return !(s > 0.0f); }))
    return emitOpError("expects 2 positive scales");
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, getMode()))
    return emitOpError("mode must be 'nearest', 'linear' or 'cubic', got '")
           << getMode() << "'";
  StringRef coordinates = getCoordinateTransformationMode();
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_half_pixel_for_nn", "tflite",
                           "tflite_half_pixel", "tflite_align_corners"},
                          coordinates))
    return emitOpError("unknown coordinate_transformation_mode '")
           << coordinates << "'";
  if (coordinates.starts_with("tflite") && getMode() != "nearest")
    return emitOpError("TFLite's coordinate rules '")
           << coordinates << "' are for mode 'nearest' only";
  if (!llvm::is_contained(
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
          getNearestMode()))
    return emitOpError("unknown nearest_mode '") << getNearestMode() << "'";
  if (getElementTypeOrSelf(getInput().getType()) !=
      getElementTypeOrSelf(getOutput().getType()))
    return emitOpError("result must have the input's element type");
  return success();
}

//===----------------------------------------------------------------------===//
// FullyConnectedOp
//===----------------------------------------------------------------------===//

LogicalResult FullyConnectedOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), w = shapeOf(getWeight());
  if (in.size() != 2)
    return emitOpError("expects a 2-D input [M, K], got rank ") << in.size();
  if (w.size() != 2)
    return emitOpError("expects a 2-D weight [N, K], got rank ") << w.size();
  if (in[1] != w[1])
    return emitOpError("input has K = ")
           << in[1] << " but weight [N, K] has K = " << w[1];
  if (failed(verifyResultShape(*this, {in[0], w[0]})))
    return failure();
  if (getBias() && shapeOf(getBias()) != ArrayRef<int64_t>{w[0]})
    return emitOpError("bias must have shape [") << w[0] << "]";
  if (failed(verifySameNumericKind(*this, /*allowIntegerResult=*/true)) ||
      failed(verifyClamp(*this, getClampMin(), getClampMax())))
    return failure();
  if (getNumericKind(getInput().getType()) == NumericKind::Quantized)
    return verifyQuantizedLayer(*this, getInput(), getWeight(), getBias(),
                                w[0]);
  return success();
}

int64_t FullyConnectedOp::getMacCount() {
  ArrayRef<int64_t> in = shapeOf(getInput()), w = shapeOf(getWeight());
  return in[0] * in[1] * w[0];
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  SmallVector<int64_t> expected;
  if (failed(inferMatMulShape([&] { return emitOpError(); }, shapeOf(getLhs()),
                              shapeOf(getRhs()), expected)) ||
      failed(verifyResultShape(*this, expected)))
    return failure();
  if (failed(verifySameNumericKind(*this, /*allowIntegerResult=*/true)))
    return failure();
  for (Value v : {getLhs(), getRhs(), getOutput()})
    if (failed(verifyPerTensor(*this, v, "every operand")))
      return failure();
  return success();
}

int64_t MatMulOp::getMacCount() {
  ArrayRef<int64_t> out = shapeOf(getOutput());
  int64_t k = shapeOf(getLhs()).back();
  int64_t count = k;
  for (int64_t d : out)
    count *= d;
  return count;
}

//===----------------------------------------------------------------------===//
// Binary element-wise ops
//===----------------------------------------------------------------------===//

template <typename OpTy> static LogicalResult verifyBinary(OpTy op) {
  SmallVector<int64_t> expected;
  if (failed(inferBroadcastShape([&] { return op.emitOpError(); },
                                 shapeOf(op.getLhs()), shapeOf(op.getRhs()),
                                 expected)) ||
      failed(verifyResultShape(op, expected)) ||
      failed(verifySameNumericKind(op)) ||
      failed(verifyClamp(op, op.getClampMin(), op.getClampMax())))
    return failure();
  for (Value v : {op.getLhs(), op.getRhs(), op.getOutput()})
    if (failed(verifyPerTensor(op, v, "every operand")))
      return failure();
  return success();
}

LogicalResult CompareOp::verify() {
  if (!llvm::is_contained({"eq", "lt", "le", "gt", "ge"}, getPredicate()))
    return emitOpError("predicate must be eq, lt, le, gt or ge, not '")
           << getPredicate() << "'";
  if (getElementTypeOrSelf(getLhs().getType()) !=
      getElementTypeOrSelf(getRhs().getType()))
    return emitOpError("operands must have one element type, got ")
           << getElementTypeOrSelf(getLhs().getType()) << " and "
           << getElementTypeOrSelf(getRhs().getType());
  SmallVector<int64_t> expected;
  if (failed(inferBroadcastShape([&] { return emitOpError(); },
                                 shapeOf(getLhs()), shapeOf(getRhs()),
                                 expected)))
    return failure();
  return verifyResultShape(*this, expected);
}

LogicalResult WhereOp::verify() {
  SmallVector<int64_t> pair, expected;
  if (failed(inferBroadcastShape([&] { return emitOpError(); },
                                 shapeOf(getOnTrue()), shapeOf(getOnFalse()),
                                 pair)) ||
      failed(inferBroadcastShape([&] { return emitOpError(); },
                                 shapeOf(getCondition()), pair, expected)) ||
      failed(verifyResultShape(*this, expected)))
    return failure();
  Type element = getElementTypeOrSelf(getOutput().getType());
  if (getElementTypeOrSelf(getOnTrue().getType()) != element ||
      getElementTypeOrSelf(getOnFalse().getType()) != element)
    return emitOpError("choices and result must have one element type");
  return verifyPerTensor(*this, getOutput(), "result");
}

LogicalResult AddOp::verify() { return verifyBinary(*this); }
LogicalResult SubOp::verify() { return verifyBinary(*this); }
LogicalResult MulOp::verify() { return verifyBinary(*this); }

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyUnary(Operation *op) {
  if (failed(verifySameNumericKind(op)))
    return failure();
  if (failed(verifyPerTensor(op, op->getOperand(0), "input")) ||
      failed(verifyPerTensor(op, op->getResult(0), "result")))
    return failure();
  return success();
}

LogicalResult ReluOp::verify() { return verifyUnary(*this); }
LogicalResult SigmoidOp::verify() { return verifyUnary(*this); }
LogicalResult HardSigmoidOp::verify() { return verifyUnary(*this); }
LogicalResult HardSwishOp::verify() { return verifyUnary(*this); }
LogicalResult TanhOp::verify() { return verifyUnary(*this); }
LogicalResult LeakyReluOp::verify() { return verifyUnary(*this); }
LogicalResult EluOp::verify() { return verifyUnary(*this); }
LogicalResult ErfOp::verify() { return verifyUnary(*this); }

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be 'none' or 'tanh', got '")
           << getApproximate() << "'";
  return verifyUnary(*this);
}

LogicalResult PReluOp::verify() {
  SmallVector<int64_t> expected;
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (failed(inferBroadcastShape([&] { return emitOpError(); }, in,
                                 shapeOf(getSlope()), expected)))
    return failure();
  if (ArrayRef<int64_t>(expected) != in)
    return emitOpError("slope must broadcast to the input's shape");
  if (failed(verifyResultShape(*this, in)) ||
      failed(verifySameNumericKind(*this)))
    return failure();
  for (Value v : {getInput(), getSlope(), getOutput()})
    if (failed(verifyPerTensor(*this, v, "every operand")))
      return failure();
  return success();
}

LogicalResult ClampOp::verify() {
  if (getMin().convertToFloat() > getMax().convertToFloat())
    return emitOpError("min ") << getMin().convertToFloat() << " exceeds max "
                               << getMax().convertToFloat();
  return verifyUnary(*this);
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = shapeOf(getInput()).size();
  int64_t axis = getAxis();
  if (axis < -rank || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return verifyUnary(*this);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

LogicalResult MaxPool2DOp::verify() {
  SmallVector<int64_t> expected;
  if (failed(inferPool2DShape([&] { return emitOpError(); },
                              shapeOf(getInput()), getKernel(), getStrides(),
                              getDilations(), getPads(), expected)) ||
      failed(verifyResultShape(*this, expected)) ||
      failed(verifySameNumericKind(*this)))
    return failure();
  if (getElementTypeOrSelf(getInput().getType()) !=
      getElementTypeOrSelf(getOutput().getType()))
    return emitOpError("input and result element types must be equal");
  return success();
}

LogicalResult AvgPool2DOp::verify() {
  SmallVector<int64_t> expected;
  SmallVector<int64_t> unitDilations = {1, 1};
  if (failed(inferPool2DShape([&] { return emitOpError(); },
                              shapeOf(getInput()), getKernel(), getStrides(),
                              unitDilations, getPads(), expected)) ||
      failed(verifyResultShape(*this, expected)))
    return failure();
  return verifyUnary(*this);
}

LogicalResult GlobalAvgPoolOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (in.size() != 4)
    return emitOpError("expects a 4-D NCHW input, got rank ") << in.size();
  if (failed(verifyResultShape(*this, {in[0], in[1], 1, 1})))
    return failure();
  return verifyUnary(*this);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

static LogicalResult verifySameElementType(Operation *op) {
  for (Value v : op->getOperands())
    if (getElementTypeOrSelf(v.getType()) !=
        getElementTypeOrSelf(op->getResult(0).getType()))
      return op->emitOpError("operand element type ")
             << getElementTypeOrSelf(v.getType())
             << " differs from the result element type "
             << getElementTypeOrSelf(op->getResult(0).getType());
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << in.getNumElements() << " elements into " << out.getNumElements();
  if (isa<quant::UniformQuantizedPerAxisType>(in.getElementType()) && in != out)
    return emitOpError("cannot reshape a per-axis quantized tensor");
  return verifySameElementType(*this);
}

LogicalResult TransposeOp::verify() {
  SmallVector<int64_t> expected;
  if (failed(inferTransposeShape([&] { return emitOpError(); },
                                 shapeOf(getInput()), getPerm(), expected)) ||
      failed(verifyResultShape(*this, expected)))
    return failure();
  if (failed(verifyPerTensor(*this, getInput(), "input")))
    return failure();
  return verifySameElementType(*this);
}

LogicalResult ConcatOp::verify() {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : getInputs())
    shapes.push_back(shapeOf(v));
  int64_t rank = shapeOf(getOutput()).size();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  SmallVector<int64_t> expected;
  if (failed(inferConcatShape([&] { return emitOpError(); }, shapes, axis,
                              expected)) ||
      failed(verifyResultShape(*this, expected)) ||
      failed(verifySameNumericKind(*this)))
    return failure();
  if (getNumericKind(getOutput().getType()) == NumericKind::Float)
    return success();
  for (Value v : getOperation()->getOperands())
    if (failed(verifyPerTensor(*this, v, "every input")))
      return failure();
  return verifyPerTensor(*this, getOutput(), "result");
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  size_t rank = in.size();
  if (out.size() != rank || getStarts().size() != rank ||
      getSteps().size() != rank)
    return emitOpError("expects the result, starts and steps to have the "
                       "input's rank ")
           << rank;
  for (size_t d = 0; d < rank; ++d) {
    int64_t start = getStarts()[d], step = getSteps()[d];
    if (step == 0)
      return emitOpError("step of dimension ") << d << " must not be 0";
    int64_t last = start + (out[d] - 1) * step;
    if (out[d] < 1 || start < 0 || start >= in[d] || last < 0 || last >= in[d])
      return emitOpError("window of dimension ")
             << d << " (start " << start << ", step " << step << ", extent "
             << out[d] << ") leaves the input's extent " << in[d];
  }
  if (failed(verifyPerTensor(*this, getInput(), "input")))
    return failure();
  return verifySameElementType(*this);
}

LogicalResult GatherOp::verify() {
  ArrayRef<int64_t> data = shapeOf(getData());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= static_cast<int64_t>(data.size()))
    return emitOpError("axis ")
           << axis << " is out of range for rank " << data.size();
  SmallVector<int64_t> expected(data.take_front(axis));
  llvm::append_range(expected, shapeOf(getIndices()));
  llvm::append_range(expected, data.drop_front(axis + 1));
  if (failed(verifyResultShape(*this, expected)))
    return failure();
  if (failed(verifyPerTensor(*this, getData(), "data")))
    return failure();
  if (getElementTypeOrSelf(getData().getType()) !=
      getElementTypeOrSelf(getOutput().getType()))
    return emitOpError("result element type must be the data's");
  return success();
}

LogicalResult InsertSliceOp::verify() {
  ArrayRef<int64_t> patch = shapeOf(getPatch()), dest = shapeOf(getDest());
  size_t rank = dest.size();
  if (patch.size() != rank || getOffsets().size() != rank)
    return emitOpError("expects the patch and offsets to have the "
                       "destination's rank ")
           << rank;
  if (getOutput().getType() != getDest().getType())
    return emitOpError("result type must be the destination's type");
  if (getElementTypeOrSelf(getPatch().getType()) !=
      getElementTypeOrSelf(getDest().getType()))
    return emitOpError("patch and destination must have one element type");
  for (size_t d = 0; d < rank; ++d)
    if (getOffsets()[d] < 0 || getOffsets()[d] + patch[d] > dest[d])
      return emitOpError("window of dimension ")
             << d << " (offset " << getOffsets()[d] << ", extent " << patch[d]
             << ") leaves the destination's extent " << dest[d];
  return success();
}

SmallVector<Value, 2> InsertSliceOp::getInPlaceOperands() {
  return {getDest()};
}

LogicalResult PadOp::verify() {
  SmallVector<int64_t> expected;
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (failed(inferPadShape([&] { return emitOpError(); }, in, getPads(),
                           expected)) ||
      failed(verifyResultShape(*this, expected)))
    return failure();
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitOpError("mode must be constant, reflect or edge, got '")
           << mode << "'";
  if (mode == "reflect")
    for (size_t d = 0; d < in.size(); ++d)
      if (getPads()[d] >= in[d] || getPads()[d + in.size()] >= in[d])
        return emitOpError("reflect padding of dimension ")
               << d << " must be smaller than its extent " << in[d];
  if (failed(verifyPerTensor(*this, getInput(), "input")))
    return failure();
  return verifySameElementType(*this);
}

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (in.size() < 2)
    return emitOpError("expects an input of rank at least 2, got rank ")
           << in.size();
  for (Value v : {getScale(), getBias(), getMean(), getVariance()})
    if (shapeOf(v) != ArrayRef<int64_t>{in[1]})
      return emitOpError("expects parameters of shape [") << in[1] << "]";
  if (getEpsilon().convertToFloat() < 0)
    return emitOpError("epsilon must be non-negative");
  return verifyResultShape(*this, in);
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyQuantAxis(Operation *op, Value value) {
  auto perAxis = dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(
      getQuantType(value.getType()));
  if (!perAxis)
    return success();
  ArrayRef<int64_t> shape = shapeOf(value);
  int32_t axis = perAxis.getQuantizedDimension();
  if (axis >= static_cast<int32_t>(shape.size()))
    return op->emitOpError("quantized dimension ")
           << axis << " is out of range for rank " << shape.size();
  if (static_cast<int64_t>(perAxis.getScales().size()) != shape[axis])
    return op->emitOpError("per-axis type has ")
           << perAxis.getScales().size() << " scales for dimension " << axis
           << " of extent " << shape[axis];
  return success();
}

LogicalResult QuantizeOp::verify() {
  quant::QuantizedType type = getQuantType(getOutput().getType());
  if (type.getExpressedType() != getElementTypeOrSelf(getInput().getType()))
    return emitOpError("result expresses ")
           << type.getExpressedType() << " but the input is "
           << getElementTypeOrSelf(getInput().getType());
  return verifyQuantAxis(*this, getOutput());
}

LogicalResult DequantizeOp::verify() {
  quant::QuantizedType type = getQuantType(getInput().getType());
  if (type.getExpressedType() != getElementTypeOrSelf(getOutput().getType()))
    return emitOpError("input expresses ")
           << type.getExpressedType() << " but the result is "
           << getElementTypeOrSelf(getOutput().getType());
  return verifyQuantAxis(*this, getInput());
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyPerTensor(*this, getInput(), "input")) ||
      failed(verifyPerTensor(*this, getOutput(), "result")))
    return failure();
  if (getQuantType(getInput().getType()).getExpressedType() !=
      getQuantType(getOutput().getType()).getExpressedType())
    return emitOpError("input and result must express the same type");
  return success();
}

#define GET_OP_CLASSES
#include "Mote/IR/MoteOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Training ops
//===----------------------------------------------------------------------===//

/// Checks that `expected`, a shape the forward rules infer from the
/// operands and result of a backward op, equals `actual`.
static LogicalResult verifyForwardShape(Operation *op, StringRef what,
                                        ArrayRef<int64_t> actual,
                                        ArrayRef<int64_t> expected) {
  if (actual == expected)
    return success();
  auto diag = op->emitOpError() << what << " shape [";
  llvm::interleave(actual, diag, ",");
  diag << "] does not match the forward op's shape [";
  llvm::interleave(expected, diag, ",");
  return diag << "]";
}

LogicalResult Conv2DBackwardInputOp::verify() {
  SmallVector<int64_t> forward;
  if (failed(inferConv2DShape([&] { return emitOpError(); },
                              shapeOf(getGradInput()), shapeOf(getWeight()),
                              getStrides(), getDilations(), getPads(),
                              getGroup(), forward)))
    return failure();
  return verifyForwardShape(*this, "grad_output", shapeOf(getGradOutput()),
                            forward);
}

LogicalResult Conv2DBackwardWeightOp::verify() {
  SmallVector<int64_t> forward;
  if (failed(inferConv2DShape([&] { return emitOpError(); },
                              shapeOf(getInput()), shapeOf(getGradWeight()),
                              getStrides(), getDilations(), getPads(),
                              getGroup(), forward)))
    return failure();
  return verifyForwardShape(*this, "grad_output", shapeOf(getGradOutput()),
                            forward);
}

/// Checks `grad_output [M, N]`, `weight [N, K]`, `input [M, K]`.
static LogicalResult verifyFullyConnectedBackward(Operation *op,
                                                  ArrayRef<int64_t> gradOutput,
                                                  ArrayRef<int64_t> weight,
                                                  ArrayRef<int64_t> input) {
  if (gradOutput.size() != 2 || weight.size() != 2 || input.size() != 2)
    return op->emitOpError("expects 2-D operands and result");
  if (gradOutput[0] != input[0] || gradOutput[1] != weight[0] ||
      weight[1] != input[1])
    return op->emitOpError("expects grad_output [M, N], weight [N, K] and "
                           "input [M, K], got [")
           << gradOutput[0] << "," << gradOutput[1] << "], [" << weight[0]
           << "," << weight[1] << "], [" << input[0] << "," << input[1] << "]";
  return success();
}

LogicalResult FullyConnectedBackwardInputOp::verify() {
  return verifyFullyConnectedBackward(*this, shapeOf(getGradOutput()),
                                      shapeOf(getWeight()),
                                      shapeOf(getGradInput()));
}

LogicalResult FullyConnectedBackwardWeightOp::verify() {
  return verifyFullyConnectedBackward(*this, shapeOf(getGradOutput()),
                                      shapeOf(getGradWeight()),
                                      shapeOf(getInput()));
}

LogicalResult BiasBackwardOp::verify() {
  ArrayRef<int64_t> dy = shapeOf(getGradOutput());
  if (dy.size() < 2)
    return emitOpError("expects grad_output of rank >= 2 [N, C, ...]");
  return verifyResultShape(*this, {dy[1]});
}

LogicalResult ActivationBackwardOp::verify() {
  StringRef kind = getKind();
  if (kind != "sigmoid" && kind != "tanh" && kind != "hard_sigmoid" &&
      kind != "hard_swish" && kind != "leaky_relu" && kind != "gelu" &&
      kind != "gelu_tanh")
    return emitOpError("kind must be sigmoid, tanh, hard_sigmoid, "
                       "hard_swish, leaky_relu, gelu or gelu_tanh, got '")
           << kind << "'";
  return success();
}

LogicalResult MaxPool2DBackwardOp::verify() {
  Type element = getElementTypeOrSelf(getInput().getType());
  if (!element.isF32() && !element.isInteger(8))
    return emitOpError("input must be f32 or i8, got ") << element;
  SmallVector<int64_t> forward;
  if (failed(inferPool2DShape([&] { return emitOpError(); },
                              shapeOf(getInput()), getKernel(), getStrides(),
                              getDilations(), getPads(), forward)) ||
      failed(verifyForwardShape(*this, "grad_output", shapeOf(getGradOutput()),
                                forward)))
    return failure();
  return verifyResultShape(*this, shapeOf(getInput()));
}

LogicalResult AvgPool2DBackwardOp::verify() {
  SmallVector<int64_t> forward;
  SmallVector<int64_t> unitDilations = {1, 1};
  if (failed(inferPool2DShape([&] { return emitOpError(); },
                              shapeOf(getGradInput()), getKernel(),
                              getStrides(), unitDilations, getPads(), forward)))
    return failure();
  return verifyForwardShape(*this, "grad_output", shapeOf(getGradOutput()),
                            forward);
}

LogicalResult SoftmaxCrossEntropyOp::verify() {
  ArrayRef<int64_t> logits = shapeOf(getLogits());
  if (logits.size() != 2)
    return emitOpError("expects logits [N, K], got rank ") << logits.size();
  if (shapeOf(getLabels()) != ArrayRef<int64_t>{logits[0]})
    return emitOpError("expects labels [") << logits[0] << "]";
  if (shapeOf(getLoss()) != ArrayRef<int64_t>{1})
    return emitOpError("expects a one-element loss tensor<1xf32>");
  if (getGradLogits().getType() != getLogits().getType())
    return emitOpError("grad_logits must have the logits' type");
  return success();
}

LogicalResult ElementwiseLossOp::verify() {
  StringRef kind = getKind();
  if (kind != "mse" && kind != "l1" && kind != "bce_with_logits")
    return emitOpError("kind must be mse, l1 or bce_with_logits, got '")
           << kind << "'";
  if (shapeOf(getLoss()) != ArrayRef<int64_t>{1})
    return emitOpError("expects a one-element loss tensor<1xf32>");
  return success();
}

/// Checks that `name` is a mutable `ml_program.global` of `type`.
static LogicalResult verifyStateGlobal(Operation *op,
                                       SymbolTableCollection &symbols,
                                       FlatSymbolRefAttr name, Type type,
                                       StringRef role) {
  auto global = symbols.lookupNearestSymbolFrom<ml_program::GlobalOp>(op, name);
  if (!global)
    return op->emitOpError() << role << " '" << name.getValue()
                             << "' is not an ml_program.global";
  if (!global.getIsMutable())
    return op->emitOpError()
           << role << " '" << name.getValue() << "' is not mutable";
  if (global.getType() != type)
    return op->emitOpError() << role << " '" << name.getValue() << "' has type "
                             << global.getType() << ", expected " << type;
  return success();
}

LogicalResult SGDUpdateOp::verifySymbolUses(SymbolTableCollection &symbols) {
  Type type = getGradient().getType();
  if (failed(verifyStateGlobal(*this, symbols, getParamAttr(), type, "param")))
    return failure();
  if (getMomentumStateAttr())
    return verifyStateGlobal(*this, symbols, getMomentumStateAttr(), type,
                             "momentum_state");
  return success();
}

LogicalResult AdamUpdateOp::verifySymbolUses(SymbolTableCollection &symbols) {
  Type type = getGradient().getType();
  auto step = RankedTensorType::get({1}, Float32Type::get(getContext()));
  if (failed(
          verifyStateGlobal(*this, symbols, getParamAttr(), type, "param")) ||
      failed(verifyStateGlobal(*this, symbols, getFirstMomentAttr(), type,
                               "first_moment")) ||
      failed(verifyStateGlobal(*this, symbols, getSecondMomentAttr(), type,
                               "second_moment")))
    return failure();
  return verifyStateGlobal(*this, symbols, getStepAttr(), step, "step");
}

//===----------------------------------------------------------------------===//
// INT8 training ops
//===----------------------------------------------------------------------===//

/// Checks that `scale` has `count` elements.
static LogicalResult verifyScale(Operation *op, Value scale, int64_t count,
                                 StringRef name) {
  if (shapeOf(scale) != ArrayRef<int64_t>{count})
    return op->emitOpError() << name << " must have shape [" << count << "]";
  return success();
}

LogicalResult DynamicQuantizeOp::verify() {
  if (getOutput().getType().getShape() != shapeOf(getInput()))
    return emitOpError("output shape must equal the input shape");
  if (getAxis() != -1 && getAxis() != 0)
    return emitOpError("axis must be -1 (per tensor) or 0, got ") << getAxis();
  float clip = getClip().convertToFloat();
  if (!(clip > 0.0f && clip <= 1.0f))
    return emitOpError("clip must be in (0, 1], got ") << clip;
  return verifyScale(*this, getScale(),
                     getAxis() == 0 ? shapeOf(getInput())[0] : 1, "scale");
}

LogicalResult Int8Conv2DOp::verify() {
  SmallVector<int64_t> expected;
  if (failed(inferConv2DShape([&] { return emitOpError(); },
                              shapeOf(getInput()), shapeOf(getWeight()),
                              getStrides(), getDilations(), getPads(),
                              getGroup(), expected)) ||
      failed(verifyResultShape(*this, expected)))
    return failure();
  int64_t channels = shapeOf(getWeight())[0];
  if (failed(verifyScale(*this, getInputScale(), 1, "input_scale")) ||
      failed(verifyScale(*this, getWeightScale(), channels, "weight_scale")))
    return failure();
  return verifyScale(*this, getBias(), channels, "bias");
}

LogicalResult Int8Conv2DBackwardWeightOp::verify() {
  SmallVector<int64_t> forward;
  if (failed(inferConv2DShape([&] { return emitOpError(); },
                              shapeOf(getInput()), shapeOf(getResult()),
                              getStrides(), getDilations(), getPads(),
                              getGroup(), forward)) ||
      failed(verifyForwardShape(*this, "grad_output", shapeOf(getGradOutput()),
                                forward)))
    return failure();
  if (failed(verifyScale(*this, getInputScale(), 1, "input_scale")))
    return failure();
  return verifyScale(*this, getGradScale(), 1, "grad_scale");
}

LogicalResult Int8Conv2DBackwardInputOp::verify() {
  SmallVector<int64_t> forward;
  if (failed(inferConv2DShape([&] { return emitOpError(); },
                              shapeOf(getResult()), shapeOf(getWeight()),
                              getStrides(), getDilations(), getPads(),
                              getGroup(), forward)) ||
      failed(verifyForwardShape(*this, "grad_output", shapeOf(getGradOutput()),
                                forward)))
    return failure();
  if (failed(verifyScale(*this, getGradScale(), 1, "grad_scale")))
    return failure();
  return verifyScale(*this, getWeightScale(), 1, "weight_scale");
}

LogicalResult Int8FullyConnectedOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput()), w = shapeOf(getWeight());
  if (x.size() != 2 || w.size() != 2 || x[1] != w[1])
    return emitOpError("expects input [M, K] and weight [N, K]");
  if (failed(verifyResultShape(*this, {x[0], w[0]})) ||
      failed(verifyScale(*this, getInputScale(), 1, "input_scale")) ||
      failed(verifyScale(*this, getWeightScale(), w[0], "weight_scale")))
    return failure();
  return verifyScale(*this, getBias(), w[0], "bias");
}

LogicalResult Int8FullyConnectedBackwardWeightOp::verify() {
  if (failed(verifyFullyConnectedBackward(*this, shapeOf(getGradOutput()),
                                          shapeOf(getResult()),
                                          shapeOf(getInput()))) ||
      failed(verifyScale(*this, getInputScale(), 1, "input_scale")))
    return failure();
  return verifyScale(*this, getGradScale(), 1, "grad_scale");
}

LogicalResult Int8FullyConnectedBackwardInputOp::verify() {
  if (failed(verifyFullyConnectedBackward(*this, shapeOf(getGradOutput()),
                                          shapeOf(getWeight()),
                                          shapeOf(getResult()))) ||
      failed(verifyScale(*this, getGradScale(), 1, "grad_scale")))
    return failure();
  return verifyScale(*this, getWeightScale(), 1, "weight_scale");
}

LogicalResult ChannelAffineOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() < 2)
    return emitOpError("expects an input [N, C, ...]");
  if (failed(verifyResultShape(*this, x)) ||
      failed(verifyScale(*this, getScale(), x[1], "scale")))
    return failure();
  return verifyScale(*this, getShift(), x[1], "shift");
}

LogicalResult ChannelAffineBackwardOp::verify() {
  ArrayRef<int64_t> y = shapeOf(getOutput());
  if (y.size() < 2 || shapeOf(getGradOutput()) != y ||
      shapeOf(getGradInput()) != y)
    return emitOpError("expects grad_output, output and grad_input of one "
                       "shape [N, C, ...]");
  bool int8 = getElementTypeOrSelf(getOutput().getType()).isInteger(8);
  if (!int8 && !getElementTypeOrSelf(getOutput().getType()).isF32())
    return emitOpError("output must be f32, or i8 with an output_scale");
  if (int8 != bool(getOutputScale()))
    return emitOpError("an i8 output needs an output_scale, an f32 one none");
  if (int8 && failed(verifyScale(*this, getOutputScale(), 1, "output_scale")))
    return failure();
  for (Value v : {getScale(), getShift(), getGradScale(), getGradShift()})
    if (shapeOf(v) != ArrayRef<int64_t>{y[1]})
      return emitOpError("expects per-channel tensors of shape [")
             << y[1] << "]";
  return success();
}

//===----------------------------------------------------------------------===//
// InPlaceOpInterface
//===----------------------------------------------------------------------===//

SmallVector<Value, 2> AddOp::getInPlaceOperands() {
  return {getLhs(), getRhs()};
}
SmallVector<Value, 2> SubOp::getInPlaceOperands() {
  return {getLhs(), getRhs()};
}
SmallVector<Value, 2> MulOp::getInPlaceOperands() {
  return {getLhs(), getRhs()};
}
