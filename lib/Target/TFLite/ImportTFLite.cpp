//===- ImportTFLite.cpp - TensorFlow Lite flatbuffer importer -------------===//
//
// A .tflite model is read through the FlatBuffers verifier and the reader
// flatc generates from schema/tflite.fbs, then its first subgraph becomes
// `func.func @main`:
//
// - TFLite is NHWC; Mote's convolutions and pools are NCHW. Every rank-4
//   tensor lives in NCHW inside the function: the model's inputs and
//   outputs keep TFLite's NHWC shapes and are transposed once at the
//   boundary, constant weights are permuted at import (OHWI -> OIHW,
//   depthwise 1HW(C*M) -> (C*M)1HW), and a reshape of a rank-4 tensor goes
//   through NHWC. Axis attributes (softmax, concatenation) are mapped.
// - An int8 tensor becomes quantize / dequantize with its TFLite scale and
//   zero point, the QDQ form mote-fold-qdq turns into integer ops; weights
//   are dequantized int8 constants (per channel along the output channel
//   where TFLite has a scale per channel) and biases dequantized int32.
// - Fused activations become a clamp before the output's quantize.
//
// The function's inputs and outputs are float (a quantize and dequantize
// at the boundary), like the ONNX importer's QDQ models.
//
//===----------------------------------------------------------------------===//

#include "Mote/Target/TFLite/ImportTFLite.h"

#include "Mote/Conversion/FixedPoint.h"
#include "Mote/IR/MoteDialect.h"
#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/QuantConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include "tflite_generated.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mote;
namespace tfl = mote::tflite;

/// Element `i` of a vector of int64. FlatBuffers 2.0's verifier aligns a
/// vector only to 4 bytes, so a hostile file can place int64 elements
/// where a direct load would be misaligned.
static int64_t int64At(const flatbuffers::Vector<int64_t> &vector,
                       flatbuffers::uoffset_t i) {
  int64_t value;
  std::memcpy(&value, vector.Data() + i * sizeof(int64_t), sizeof value);
  return flatbuffers::EndianScalar(value);
}

namespace {

/// The builtin operator codes the importer reads (values of TFLite's
/// BuiltinOperator enum).
enum Builtin : int32_t {
  kAdd = 0,
  kAveragePool2D = 1,
  kConcatenation = 2,
  kConv2D = 3,
  kDepthwiseConv2D = 4,
  kDequantize = 6,
  kFullyConnected = 9,
  kLogistic = 14,
  kMaxPool2D = 17,
  kMul = 18,
  kRelu = 19,
  kReluN1To1 = 20,
  kRelu6 = 21,
  kReshape = 22,
  kSoftmax = 25,
  kTanh = 28,
  kPad = 34,
  kTranspose = 39,
  kMean = 40,
  kSub = 41,
  kSqueeze = 43,
  kStridedSlice = 45,
  kSplit = 49,
  kPrelu = 54,
  kPadV2 = 60,
  kReduceMax = 82,
  kReduceMin = 89,
  kTransposeConv = 67,
  kResizeNearestNeighbor = 97,
  kLeakyRelu = 98,
  kSplitV = 102,
  kQuantize = 114,
  kHardSwish = 117,
};

/// Names of the builtin operators, for messages: the ones Mote reads and
/// the ones TinyML models commonly carry.
const char *builtinName(int32_t code) {
  switch (code) {
  case 0:
    return "ADD";
  case 1:
    return "AVERAGE_POOL_2D";
  case 2:
    return "CONCATENATION";
  case 3:
    return "CONV_2D";
  case 4:
    return "DEPTHWISE_CONV_2D";
  case 5:
    return "DEPTH_TO_SPACE";
  case 6:
    return "DEQUANTIZE";
  case 9:
    return "FULLY_CONNECTED";
  case 11:
    return "L2_NORMALIZATION";
  case 14:
    return "LOGISTIC";
  case 16:
    return "LSTM";
  case 17:
    return "MAX_POOL_2D";
  case 18:
    return "MUL";
  case 19:
    return "RELU";
  case 20:
    return "RELU_N1_TO_1";
  case 21:
    return "RELU6";
  case 22:
    return "RESHAPE";
  case 23:
    return "RESIZE_BILINEAR";
  case 25:
    return "SOFTMAX";
  case 26:
    return "SPACE_TO_DEPTH";
  case 27:
    return "SVDF";
  case 28:
    return "TANH";
  case 32:
    return "CUSTOM";
  case 34:
    return "PAD";
  case 36:
    return "GATHER";
  case 39:
    return "TRANSPOSE";
  case 40:
    return "MEAN";
  case 41:
    return "SUB";
  case 42:
    return "DIV";
  case 43:
    return "SQUEEZE";
  case 44:
    return "UNIDIRECTIONAL_SEQUENCE_LSTM";
  case 45:
    return "STRIDED_SLICE";
  case 47:
    return "EXP";
  case 49:
    return "SPLIT";
  case 53:
    return "CAST";
  case 54:
    return "PRELU";
  case 55:
    return "MAXIMUM";
  case 56:
    return "ARG_MAX";
  case 57:
    return "MINIMUM";
  case 60:
    return "PADV2";
  case 67:
    return "TRANSPOSE_CONV";
  case 70:
    return "EXPAND_DIMS";
  case 74:
    return "SUM";
  case 82:
    return "REDUCE_MAX";
  case 83:
    return "PACK";
  case 88:
    return "UNPACK";
  case 89:
    return "REDUCE_MIN";
  case 97:
    return "RESIZE_NEAREST_NEIGHBOR";
  case 98:
    return "LEAKY_RELU";
  case 102:
    return "SPLIT_V";
  case 111:
    return "ELU";
  case 114:
    return "QUANTIZE";
  case 117:
    return "HARD_SWISH";
  case 126:
    return "BATCH_MATMUL";
  case 150:
    return "GELU";
  default:
    return nullptr;
  }
}

/// NHWC -> NCHW and back, as `perm` of TransposeOp (result dim i is input
/// dim perm[i]).
constexpr int64_t kToNCHW[4] = {0, 3, 1, 2};
constexpr int64_t kToNHWC[4] = {0, 2, 3, 1};

SmallVector<int64_t> permuted(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  return out;
}

/// The shape a TFLite tensor of `shape` has inside the function.
SmallVector<int64_t> internalShape(ArrayRef<int64_t> shape) {
  return shape.size() == 4 ? permuted(shape, kToNCHW)
                           : SmallVector<int64_t>(shape);
}

RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type element) {
  return RankedTensorType::get(shape, element);
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Permutes the row-major elements of `bytes` (elements of `size` bytes,
/// of shape `shape`) by `perm`.
std::vector<char> permuteBytes(ArrayRef<char> bytes, size_t size,
                               ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> perm) {
  SmallVector<int64_t> outShape = permuted(shape, perm);
  int64_t rank = shape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
  std::vector<char> out(bytes.size());
  SmallVector<int64_t> index(rank, 0);
  int64_t count = bytes.size() / size;
  for (int64_t i = 0; i < count; ++i) {
    int64_t source = 0;
    for (int64_t d = 0; d < rank; ++d)
      source += index[d] * inStrides[perm[d]];
    std::memcpy(out.data() + i * size, bytes.data() + source * size, size);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

class Importer {
public:
  Importer(MLIRContext *context, StringRef sourceName, const tfl::Model &model)
      : context(context), builder(context), model(model),
        fileLoc(FileLineColLoc::get(context, sourceName, 0, 0)), loc(fileLoc) {}

  OwningOpRef<ModuleOp> run();

private:
  InFlightDiagnostic modelError() { return emitError(fileLoc); }
  /// An error about the operator being imported: its index and op code.
  InFlightDiagnostic opError() {
    InFlightDiagnostic d = emitError(loc);
    d << "operator " << opIndex << " (" << opName << "): ";
    return d;
  }

  FailureOr<const tfl::Tensor *> tensor(int32_t index);
  FailureOr<SmallVector<int64_t>> tensorShape(const tfl::Tensor *t);
  /// The per-tensor int8 type of an activation, or null for a float one.
  FailureOr<quant::UniformQuantizedType> activationType(const tfl::Tensor *t);
  /// activationType of the tensor at `index`.
  FailureOr<quant::UniformQuantizedType> activationTypeAt(int32_t index) {
    FailureOr<const tfl::Tensor *> t = tensor(index);
    if (failed(t))
      return failure();
    return activationType(*t);
  }
  /// The raw bytes of a constant tensor (checked against its shape).
  FailureOr<ArrayRef<char>> constantBytes(const tfl::Tensor *t,
                                          size_t elementSize);
  /// A constant tensor as a float value (dequantized when quantized), its
  /// elements permuted by `perm` (none when empty); `axis` is where its
  /// per-channel scales lie after the permutation.
  FailureOr<Value> constant(const tfl::Tensor *t, ArrayRef<int64_t> perm = {},
                            int32_t axis = 0);
  /// Operand `i` of the operator (-1 or past the end when absent): the
  /// value computed for it, or its constant.
  FailureOr<Value> operand(unsigned i);
  bool hasOperand(unsigned i);
  /// The optional bias operand `i` of a layer: a constant of `channels`
  /// elements, or a null value when absent.
  FailureOr<Value> biasOperand(unsigned i, int64_t channels);
  /// Sets output `i` of the operator to `real` (internal layout), through
  /// the fused activation and the output's quantize / dequantize. With
  /// `quantizeFirst`, an int8 output is quantized before the activation
  /// too (for ops that cannot fuse a clamp: the clamp then runs on int8).
  LogicalResult setOutput(unsigned i, Value real, int8_t activation = 0,
                          bool quantizeFirst = false);

  Value permute4(Value v, ArrayRef<int64_t> perm);
  Value toInternal(Value nhwc) { return permute4(nhwc, kToNCHW); }
  Value toNHWC(Value internal) { return permute4(internal, kToNHWC); }
  Value reshapeTo(Value v, ArrayRef<int64_t> shape);

  LogicalResult importOperator(const tfl::Operator &op);
  LogicalResult importConv(const tfl::Operator &op, bool depthwise);
  LogicalResult importTransposeConv(const tfl::Operator &op);
  LogicalResult importResizeNearest(const tfl::Operator &op);
  LogicalResult importFullyConnected(const tfl::Operator &op);
  LogicalResult importPool(const tfl::Operator &op, bool average);
  LogicalResult importBinary(const tfl::Operator &op);
  LogicalResult importReshape();
  LogicalResult importSoftmax(const tfl::Operator &op);
  LogicalResult importConcatenation(const tfl::Operator &op);
  LogicalResult importActivation();
  LogicalResult importReduce(const tfl::Operator &op);
  /// Fails unless the first `inputs` inputs and the output have one
  /// quantization.
  LogicalResult checkSameQuantization(unsigned inputs);
  LogicalResult importPad();
  LogicalResult importTranspose();
  LogicalResult importStridedSlice(const tfl::Operator &op);
  LogicalResult importSplit();
  /// The int32 (or int64) constant operand `i` as integers.
  FailureOr<SmallVector<int64_t>> intsOperand(unsigned i);
  /// The declared shape of output 0.
  FailureOr<SmallVector<int64_t>> outputShape();

  /// SAME or VALID padding of one spatial dimension, as [before, after].
  std::pair<int64_t, int64_t> padding(int8_t mode, int64_t in, int64_t kernel,
                                      int64_t stride, int64_t dilation);

  MLIRContext *context;
  OpBuilder builder;
  const tfl::Model &model;
  const tfl::SubGraph *graph = nullptr;
  Location fileLoc, loc;
  /// The operator being imported.
  const tfl::Operator *current = nullptr;
  int64_t opIndex = -1;
  int32_t opCode = 0;
  std::string opName;
  /// The value of each computed tensor (float, internal layout).
  DenseMap<int32_t, Value> values;
};

FailureOr<const tfl::Tensor *> Importer::tensor(int32_t index) {
  const auto *tensors = graph->tensors();
  if (!tensors || index < 0 || static_cast<uint32_t>(index) >= tensors->size())
    return (opIndex >= 0 ? opError() : modelError())
           << "tensor index " << index << " is out of range ("
           << (tensors ? tensors->size() : 0) << " tensors)";
  return tensors->Get(index);
}

FailureOr<SmallVector<int64_t>> Importer::tensorShape(const tfl::Tensor *t) {
  SmallVector<int64_t> shape;
  if (t->sparsity())
    return modelError() << "tensor '" << (t->name() ? t->name()->str() : "")
                        << "' is sparse, which Mote does not read";
  int64_t count = 1;
  if (t->shape())
    for (int32_t d : *t->shape()) {
      if (d < 0)
        return modelError()
               << "tensor '" << (t->name() ? t->name()->str() : "")
               << "' has a dynamic dimension: Mote compiles static shapes";
      shape.push_back(d);
      count *= std::max<int64_t>(d, 1);
      if (count > (int64_t(1) << 31))
        return modelError() << "tensor '" << (t->name() ? t->name()->str() : "")
                            << "' has more than 2^31 elements";
    }
  if (shape.size() > 6)
    return modelError() << "tensor '" << (t->name() ? t->name()->str() : "")
                        << "' has rank " << shape.size()
                        << " (Mote reads up to 6)";
  return shape;
}

FailureOr<quant::UniformQuantizedType>
Importer::activationType(const tfl::Tensor *t) {
  std::string name = t->name() ? t->name()->str() : "";
  switch (t->type()) {
  case tfl::TensorType_FLOAT32:
    return quant::UniformQuantizedType();
  case tfl::TensorType_INT8:
    break;
  default:
    return modelError() << "tensor '" << name << "' has type "
                        << tfl::EnumNameTensorType(t->type())
                        << ": Mote reads float32 and int8 activations";
  }
  const tfl::QuantizationParameters *q = t->quantization();
  if (!q || !q->scale() || !q->zero_point() || q->scale()->size() != 1 ||
      q->zero_point()->size() != 1 || q->details_type() != 0)
    return modelError() << "int8 tensor '" << name
                        << "' needs one scale and one zero point";
  double scale = q->scale()->Get(0);
  int64_t zeroPoint = int64At(*q->zero_point(), 0);
  if (!(scale > 0.0) || !std::isfinite(scale) || zeroPoint < -128 ||
      zeroPoint > 127)
    return modelError() << "int8 tensor '" << name << "' has scale " << scale
                        << " and zero point " << zeroPoint
                        << " (need a positive scale, zero point in int8)";
  return cast<quant::UniformQuantizedType>(
      buildQuantType(builder.getIntegerType(8), builder.getF32Type(), {scale},
                     {zeroPoint}, -1));
}

FailureOr<ArrayRef<char>> Importer::constantBytes(const tfl::Tensor *t,
                                                  size_t elementSize) {
  std::string name = t->name() ? t->name()->str() : "";
  const auto *buffers = model.buffers();
  if (!buffers || t->buffer() == 0 || t->buffer() >= buffers->size())
    return opError() << "tensor '" << name << "' has no data (buffer "
                     << t->buffer() << ")";
  const tfl::Buffer *buffer = buffers->Get(t->buffer());
  if (buffer->offset() > 1)
    return opError() << "tensor '" << name
                     << "' keeps its data outside the flatbuffer (models "
                        "over 2 GB), which Mote does not read";
  FailureOr<SmallVector<int64_t>> shape = tensorShape(t);
  if (failed(shape))
    return failure();
  int64_t count = 1;
  for (int64_t d : *shape)
    count *= d;
  const auto *data = buffer->data();
  size_t size = data ? data->size() : 0;
  if (size != static_cast<size_t>(count) * elementSize)
    return opError() << "tensor '" << name << "' has " << size
                     << " bytes of data, its shape needs "
                     << count * static_cast<int64_t>(elementSize);
  return ArrayRef<char>(
      reinterpret_cast<const char *>(data ? data->data() : nullptr), size);
}

FailureOr<Value> Importer::constant(const tfl::Tensor *t,
                                    ArrayRef<int64_t> perm, int32_t axis) {
  std::string name = t->name() ? t->name()->str() : "";
  FailureOr<SmallVector<int64_t>> shape = tensorShape(t);
  if (failed(shape))
    return failure();
  if (!perm.empty() && perm.size() != shape->size())
    return opError() << "constant '" << name << "' has rank " << shape->size()
                     << ", expected " << perm.size();
  Type storage;
  size_t size = 4;
  switch (t->type()) {
  case tfl::TensorType_FLOAT32:
    storage = builder.getF32Type();
    break;
  case tfl::TensorType_INT8:
    storage = builder.getIntegerType(8);
    size = 1;
    break;
  case tfl::TensorType_INT32:
    storage = builder.getIntegerType(32);
    break;
  default:
    return opError() << "constant '" << name << "' has type "
                     << tfl::EnumNameTensorType(t->type())
                     << ": Mote reads float32, int8 and int32 constants";
  }
  FailureOr<ArrayRef<char>> bytes = constantBytes(t, size);
  if (failed(bytes))
    return failure();
  SmallVector<int64_t> outShape =
      perm.empty() ? *shape : permuted(*shape, perm);
  std::vector<char> data = perm.empty()
                               ? std::vector<char>(bytes->begin(), bytes->end())
                               : permuteBytes(*bytes, size, *shape, perm);
  auto attr =
      DenseElementsAttr::getFromRawBuffer(tensorOf(outShape, storage), data);
  if (storage.isF32())
    return Value(arith::ConstantOp::create(builder, loc, attr));

  const tfl::QuantizationParameters *q = t->quantization();
  if (!q || !q->scale() || !q->zero_point() || q->scale()->size() == 0 ||
      q->scale()->size() != q->zero_point()->size() || q->details_type() != 0)
    return opError() << "integer constant '" << name
                     << "' needs matching scales and zero points";
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  for (float s : *q->scale()) {
    if (!(s > 0.0f) || !std::isfinite(s))
      return opError() << "constant '" << name << "' has scale " << s;
    scales.push_back(s);
  }
  for (flatbuffers::uoffset_t i = 0; i < q->zero_point()->size(); ++i)
    zeroPoints.push_back(int64At(*q->zero_point(), i));
  int32_t quantAxis = -1;
  if (scales.size() > 1) {
    // TFLite's per-channel dimension, moved by the permutation.
    int32_t dim = q->quantized_dimension();
    int32_t moved = dim;
    if (!perm.empty())
      moved = static_cast<int32_t>(llvm::find(perm, dim) - perm.begin());
    if (dim < 0 || dim >= static_cast<int32_t>(shape->size()) ||
        (*shape)[dim] != static_cast<int64_t>(scales.size()) || moved != axis)
      return opError() << "constant '" << name << "' has " << scales.size()
                       << " scales along dimension " << dim
                       << ", which is not its output channel";
    quantAxis = axis;
  }
  int64_t lo = storage.isInteger(8) ? -128 : INT32_MIN;
  int64_t hi = storage.isInteger(8) ? 127 : INT32_MAX;
  for (int64_t z : zeroPoints)
    if (z < lo || z > hi)
      return opError() << "constant '" << name << "' has zero point " << z;
  return createDequantizedConstant(builder, loc, attr,
                                   buildQuantType(storage, builder.getF32Type(),
                                                  scales, zeroPoints,
                                                  quantAxis));
}

bool Importer::hasOperand(unsigned i) {
  const auto *inputs = current->inputs();
  return inputs && i < inputs->size() && inputs->Get(i) >= 0;
}

FailureOr<Value> Importer::operand(unsigned i) {
  if (!hasOperand(i))
    return opError() << "input " << i << " is missing";
  int32_t index = current->inputs()->Get(i);
  if (Value v = values.lookup(index))
    return v;
  FailureOr<const tfl::Tensor *> t = tensor(index);
  if (failed(t))
    return failure();
  if ((*t)->buffer() == 0)
    return opError() << "input " << i << " (tensor " << index
                     << ") is read before any operator computes it";
  // A constant activation operand (e.g. of an ADD): internal layout.
  FailureOr<Value> c = constant(*t,
                                (*t)->shape() && (*t)->shape()->size() == 4
                                    ? ArrayRef<int64_t>(kToNCHW)
                                    : ArrayRef<int64_t>(),
                                1);
  if (succeeded(c))
    values[index] = *c;
  return c;
}

Value Importer::reshapeTo(Value v, ArrayRef<int64_t> shape) {
  if (shapeOf(v) == shape)
    return v;
  return ReshapeOp::create(
      builder, loc,
      tensorOf(shape, cast<RankedTensorType>(v.getType()).getElementType()), v);
}

/// A rank-4 `v` permuted by `perm` (NHWC <-> NCHW): a reshape when the
/// elements keep their order (the dimensions larger than 1 keep theirs, as
/// when C is 1, or H and W are), else a transpose.
Value Importer::permute4(Value v, ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> s = shapeOf(v);
  if (s.size() != 4)
    return v;
  SmallVector<int64_t> moved;
  for (int64_t p : perm)
    if (s[p] != 1)
      moved.push_back(p);
  SmallVector<int64_t> out = permuted(s, perm);
  if (llvm::is_sorted(moved))
    return reshapeTo(v, out);
  return TransposeOp::create(
      builder, loc,
      tensorOf(out, cast<RankedTensorType>(v.getType()).getElementType()), v,
      builder.getDenseI64ArrayAttr(perm));
}

LogicalResult Importer::setOutput(unsigned i, Value real, int8_t activation,
                                  bool quantizeFirst) {
  const auto *outputs = current->outputs();
  if (!outputs || i >= outputs->size())
    return opError() << "output " << i << " is missing";
  int32_t index = outputs->Get(i);
  FailureOr<const tfl::Tensor *> t = tensor(index);
  if (failed(t))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = tensorShape(*t);
  FailureOr<quant::UniformQuantizedType> type = activationType(*t);
  if (failed(shape) || failed(type))
    return failure();
  if (internalShape(*shape) != shapeOf(real)) {
    auto d = opError() << "output tensor '"
                       << ((*t)->name() ? (*t)->name()->str() : "")
                       << "' is declared [";
    llvm::interleaveComma(*shape, d);
    d << "], the operator computes [";
    llvm::interleaveComma(shapeOf(real).size() == 4
                              ? permuted(shapeOf(real), kToNHWC)
                              : SmallVector<int64_t>(shapeOf(real)),
                          d);
    return d << "] (NHWC)";
  }
  if (values.count(index))
    return opError() << "tensor " << index << " is written twice";
  auto bounds = [](int8_t a) -> std::optional<std::pair<float, float>> {
    switch (a) {
    case tfl::ActivationFunctionType_RELU:
      return std::make_pair(0.0f, INFINITY);
    case tfl::ActivationFunctionType_RELU_N1_TO_1:
      return std::make_pair(-1.0f, 1.0f);
    case tfl::ActivationFunctionType_RELU6:
      return std::make_pair(0.0f, 6.0f);
    default:
      return std::nullopt;
    }
  };
  auto quantizeDequantize = [&](Value v) -> Value {
    auto tensorType = cast<RankedTensorType>(v.getType());
    Value q = QuantizeOp::create(builder, loc, tensorType.clone(*type), v);
    return DequantizeOp::create(builder, loc, tensorType, q);
  };
  if (activation != tfl::ActivationFunctionType_NONE) {
    auto b = bounds(activation);
    if (!b)
      return opError() << "fused activation "
                       << tfl::EnumNameActivationFunctionType(
                              static_cast<tfl::ActivationFunctionType>(
                                  activation))
                       << " is not supported";
    if (quantizeFirst && *type)
      real = quantizeDequantize(real);
    real = ClampOp::create(builder, loc, real.getType(), real,
                           builder.getF32FloatAttr(b->first),
                           builder.getF32FloatAttr(b->second));
  }
  if (*type)
    real = quantizeDequantize(real);
  values[index] = real;
  return success();
}

std::pair<int64_t, int64_t> Importer::padding(int8_t mode, int64_t in,
                                              int64_t kernel, int64_t stride,
                                              int64_t dilation) {
  if (mode != tfl::Padding_SAME)
    return {0, 0};
  int64_t out = (in + stride - 1) / stride;
  int64_t total = std::max<int64_t>(
      (out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0);
  return {total / 2, total - total / 2};
}

LogicalResult Importer::importConv(const tfl::Operator &op, bool depthwise) {
  FailureOr<Value> x = operand(0);
  if (failed(x))
    return failure();
  FailureOr<const tfl::Tensor *> wt = tensor(op.inputs()->Get(1));
  if (failed(wt))
    return failure();
  FailureOr<SmallVector<int64_t>> wShape = tensorShape(*wt);
  if (failed(wShape))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  if (in.size() != 4 || wShape->size() != 4)
    return opError() << "input and filter must be rank 4";
  int8_t padMode, activation;
  int64_t strideH, strideW, dilationH, dilationW, group = 1;
  if (depthwise) {
    const tfl::DepthwiseConv2DOptions *o =
        op.builtin_options_as_DepthwiseConv2DOptions();
    if (!o)
      return opError() << "has no DepthwiseConv2DOptions";
    padMode = o->padding(), activation = o->fused_activation_function();
    strideH = o->stride_h(), strideW = o->stride_w();
    dilationH = o->dilation_h_factor(), dilationW = o->dilation_w_factor();
    group = in[1];
  } else {
    const tfl::Conv2DOptions *o = op.builtin_options_as_Conv2DOptions();
    if (!o)
      return opError() << "has no Conv2DOptions";
    padMode = o->padding(), activation = o->fused_activation_function();
    strideH = o->stride_h(), strideW = o->stride_w();
    dilationH = o->dilation_h_factor(), dilationW = o->dilation_w_factor();
  }
  if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 ||
      strideH > 65535 || strideW > 65535 || dilationH > 65535 ||
      dilationW > 65535)
    return opError() << "strides " << strideH << "x" << strideW
                     << " and dilations " << dilationH << "x" << dilationW
                     << " must be in [1, 65535]";
  // OHWI -> OIHW; depthwise 1HW(C*M) -> (C*M)1HW. The output channel is
  // axis 0 after either permutation.
  static constexpr int64_t kConvPerm[4] = {0, 3, 1, 2};
  static constexpr int64_t kDepthwisePerm[4] = {3, 0, 1, 2};
  if (depthwise && (*wShape)[0] != 1)
    return opError() << "depthwise filter must be [1, H, W, C * M]";
  int64_t kernelH = (*wShape)[1], kernelW = (*wShape)[2];
  int64_t outChannels = depthwise ? (*wShape)[3] : (*wShape)[0];
  int64_t filterIn = depthwise ? 1 : (*wShape)[3];
  if (group < 1 || outChannels % group != 0 || filterIn * group != in[1])
    return opError() << "filter " << (depthwise ? "[1, " : "[") << (*wShape)[0]
                     << ", " << kernelH << ", " << kernelW << ", "
                     << (*wShape)[3] << "] does not fit an input of " << in[1]
                     << " channels";
  FailureOr<Value> w = constant(*wt,
                                depthwise ? ArrayRef<int64_t>(kDepthwisePerm)
                                          : ArrayRef<int64_t>(kConvPerm),
                                0);
  if (failed(w))
    return failure();
  FailureOr<Value> bias = biasOperand(2, outChannels);
  if (failed(bias))
    return failure();
  auto [top, bottom] = padding(padMode, in[2], kernelH, strideH, dilationH);
  auto [left, right] = padding(padMode, in[3], kernelW, strideW, dilationW);
  int64_t outH =
      (in[2] + top + bottom - (kernelH - 1) * dilationH - 1) / strideH + 1;
  int64_t outW =
      (in[3] + left + right - (kernelW - 1) * dilationW - 1) / strideW + 1;
  if (outH < 1 || outW < 1)
    return opError() << "the filter is larger than the padded input";
  Value y = Conv2DOp::create(
      builder, loc,
      tensorOf({in[0], outChannels, outH, outW}, builder.getF32Type()), *x, *w,
      *bias, builder.getDenseI64ArrayAttr({strideH, strideW}),
      builder.getDenseI64ArrayAttr({dilationH, dilationW}),
      builder.getDenseI64ArrayAttr({top, left, bottom, right}),
      builder.getI64IntegerAttr(group), FloatAttr(), FloatAttr());
  return setOutput(0, y, activation);
}

FailureOr<Value> Importer::biasOperand(unsigned i, int64_t channels) {
  if (!hasOperand(i))
    return Value();
  FailureOr<const tfl::Tensor *> t = tensor(current->inputs()->Get(i));
  if (failed(t))
    return failure();
  FailureOr<Value> b = constant(*t);
  if (failed(b))
    return failure();
  if (shapeOf(*b) != ArrayRef<int64_t>{channels})
    return opError() << "bias must be [" << channels << "]";
  return *b;
}

/// "a, b, c": a shape for messages.
static std::string commaList(ArrayRef<int64_t> values) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(values, os);
  return text;
}

LogicalResult Importer::importTransposeConv(const tfl::Operator &op) {
  const tfl::TransposeConvOptions *o =
      op.builtin_options_as_TransposeConvOptions();
  if (!o)
    return opError() << "has no TransposeConvOptions";
  // Inputs: the output shape (NHWC), the filter [O, H, W, I], the input
  // and an optional bias.
  FailureOr<SmallVector<int64_t>> outShape = intsOperand(0);
  if (failed(outShape))
    return failure();
  FailureOr<Value> x = operand(2);
  if (failed(x))
    return failure();
  FailureOr<const tfl::Tensor *> wt = tensor(op.inputs()->Get(1));
  if (failed(wt))
    return failure();
  FailureOr<SmallVector<int64_t>> wShape = tensorShape(*wt);
  if (failed(wShape))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  if (in.size() != 4 || wShape->size() != 4 || outShape->size() != 4)
    return opError() << "output shape, filter and input must be rank 4";
  int64_t outChannels = (*wShape)[0], kernelH = (*wShape)[1],
          kernelW = (*wShape)[2];
  int64_t outH = (*outShape)[1], outW = (*outShape)[2];
  if ((*wShape)[3] != in[1] || (*outShape)[0] != in[0] ||
      (*outShape)[3] != outChannels || outH < 1 || outW < 1)
    return opError() << "filter [" << outChannels << ", " << kernelH << ", "
                     << kernelW << ", " << (*wShape)[3]
                     << "] and output shape [" << commaList(*outShape)
                     << "] do not fit an input of " << in[0] << " x " << in[1]
                     << " channels";
  int64_t strideH = o->stride_h(), strideW = o->stride_w();
  if (strideH < 1 || strideW < 1 || strideH > 65535 || strideW > 65535)
    return opError() << "strides " << strideH << "x" << strideW
                     << " must be in [1, 65535]";
  // [O, H, W, I] -> [I, O, H, W]: the output channels (TFLite's per-channel
  // scales) on axis 1, as mote.conv_transpose2d reads them.
  static constexpr int64_t kPerm[4] = {3, 0, 1, 2};
  FailureOr<Value> w = constant(*wt, kPerm, 1);
  if (failed(w))
    return failure();
  FailureOr<Value> bias = biasOperand(3, outChannels);
  if (failed(bias))
    return failure();
  // TFLite pads as the forward convolution from the output back to the
  // input would: the first output row is at -top. The scattered extent
  // stride * (in - 1) + kernel is cropped, or extended at the end, to the
  // declared output.
  int64_t pads[2], crops[2], extend[2];
  int64_t outs[2] = {outH, outW}, ins[2] = {in[2], in[3]},
          kernels[2] = {kernelH, kernelW}, strides[2] = {strideH, strideW};
  for (int d = 0; d < 2; ++d) {
    pads[d] = padding(o->padding(), outs[d], kernels[d], strides[d], 1).first;
    int64_t rest = strides[d] * (ins[d] - 1) + kernels[d] - pads[d] - outs[d];
    extend[d] = rest < 0 ? -rest : 0;
    if (extend[d] >= strides[d])
      return opError() << "output shape [" << commaList(*outShape)
                       << "] is larger than the input scatters to";
    crops[d] = rest < 0 ? 0 : rest;
  }
  Value y = ConvTranspose2DOp::create(
      builder, loc,
      tensorOf({in[0], outChannels, outH, outW}, builder.getF32Type()), *x, *w,
      *bias, builder.getDenseI64ArrayAttr({strideH, strideW}),
      builder.getDenseI64ArrayAttr({1, 1}),
      builder.getDenseI64ArrayAttr({pads[0], pads[1], crops[0], crops[1]}),
      builder.getDenseI64ArrayAttr({extend[0], extend[1]}),
      builder.getI64IntegerAttr(1));
  // mote.conv_transpose2d has no fused clamp: the activation clamps the
  // int8 result, as TFLite's does.
  return setOutput(0, y, o->fused_activation_function(),
                   /*quantizeFirst=*/true);
}

LogicalResult Importer::importFullyConnected(const tfl::Operator &op) {
  const tfl::FullyConnectedOptions *o =
      op.builtin_options_as_FullyConnectedOptions();
  if (!o)
    return opError() << "has no FullyConnectedOptions";
  if (o->weights_format() != 0)
    return opError() << "shuffled weights are not supported";
  FailureOr<Value> x = operand(0);
  if (failed(x))
    return failure();
  FailureOr<const tfl::Tensor *> wt = tensor(op.inputs()->Get(1));
  if (failed(wt))
    return failure();
  FailureOr<Value> w = constant(*wt);
  if (failed(w))
    return failure();
  ArrayRef<int64_t> ws = shapeOf(*w);
  if (ws.size() != 2)
    return opError() << "weights must be [outputs, inputs]";
  // TFLite flattens the input to [batch, inputs] in NHWC order.
  int64_t count = 1;
  for (int64_t d : shapeOf(*x))
    count *= d;
  if (ws[1] == 0 || count % ws[1] != 0)
    return opError() << "input of " << count << " elements is not a multiple "
                     << "of the weights' " << ws[1] << " inputs";
  int64_t batch = count / ws[1];
  Value flat = reshapeTo(toNHWC(*x), {batch, ws[1]});
  FailureOr<Value> bias = biasOperand(2, ws[0]);
  if (failed(bias))
    return failure();
  Value y = FullyConnectedOp::create(
      builder, loc, tensorOf({batch, ws[0]}, builder.getF32Type()), flat, *w,
      *bias, FloatAttr(), FloatAttr());
  // keep_num_dims gives the input's leading dimensions back.
  if (o->keep_num_dims()) {
    FailureOr<const tfl::Tensor *> out = tensor(op.outputs()->Get(0));
    if (failed(out))
      return failure();
    FailureOr<SmallVector<int64_t>> shape = tensorShape(*out);
    if (failed(shape))
      return failure();
    y = toInternal(reshapeTo(y, *shape));
  }
  return setOutput(0, y, o->fused_activation_function());
}

LogicalResult Importer::importPool(const tfl::Operator &op, bool average) {
  const tfl::Pool2DOptions *o = op.builtin_options_as_Pool2DOptions();
  if (!o)
    return opError() << "has no Pool2DOptions";
  FailureOr<Value> x = operand(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  int64_t kh = o->filter_height(), kw = o->filter_width();
  int64_t sh = o->stride_h(), sw = o->stride_w();
  if (in.size() != 4)
    return opError() << "input must be rank 4";
  if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || kh > 65535 || kw > 65535 ||
      sh > 65535 || sw > 65535)
    return opError() << "filter " << kh << "x" << kw << " and strides " << sh
                     << "x" << sw << " must be in [1, 65535]";
  auto [top, bottom] = padding(o->padding(), in[2], kh, sh, 1);
  auto [left, right] = padding(o->padding(), in[3], kw, sw, 1);
  int64_t outH = (in[2] + top + bottom - kh) / sh + 1;
  int64_t outW = (in[3] + left + right - kw) / sw + 1;
  if (in[2] + top + bottom < kh || in[3] + left + right < kw)
    return opError() << "the filter is larger than the padded input";
  auto type = tensorOf({in[0], in[1], outH, outW}, builder.getF32Type());
  auto kernel = builder.getDenseI64ArrayAttr({kh, kw});
  auto strides = builder.getDenseI64ArrayAttr({sh, sw});
  auto pads = builder.getDenseI64ArrayAttr({top, left, bottom, right});
  // TFLite averages over the window's elements inside the input.
  Value y =
      average
          ? Value(AvgPool2DOp::create(builder, loc, type, *x, kernel, strides,
                                      pads, builder.getBoolAttr(false)))
          : Value(MaxPool2DOp::create(builder, loc, type, *x, kernel, strides,
                                      builder.getDenseI64ArrayAttr({1, 1}),
                                      pads));
  return setOutput(0, y, o->fused_activation_function());
}

LogicalResult Importer::importBinary(const tfl::Operator &op) {
  int8_t activation = 0;
  if (opCode == kAdd) {
    if (const auto *o = op.builtin_options_as_AddOptions())
      activation = o->fused_activation_function();
  } else if (opCode == kSub) {
    if (const auto *o = op.builtin_options_as_SubOptions())
      activation = o->fused_activation_function();
  } else if (const auto *o = op.builtin_options_as_MulOptions()) {
    activation = o->fused_activation_function();
  }
  FailureOr<Value> a = operand(0), b = operand(1);
  if (failed(a) || failed(b))
    return failure();
  // NumPy broadcasting in NHWC: a lower-rank operand of a rank-4 one is
  // first given rank 4 (leading ones), then the internal layout.
  auto lift = [&](Value v, size_t rank) {
    ArrayRef<int64_t> s = shapeOf(v);
    if (rank != 4 || s.size() >= 4)
      return v;
    SmallVector<int64_t> nhwc(4 - s.size(), 1);
    llvm::append_range(nhwc, s);
    return toInternal(reshapeTo(v, nhwc));
  };
  size_t rank = std::max(shapeOf(*a).size(), shapeOf(*b).size());
  Value lhs = lift(*a, rank), rhs = lift(*b, rank);
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> ls = shapeOf(lhs), rs = shapeOf(rhs);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i + ls.size() >= rank ? ls[i + ls.size() - rank] : 1;
    int64_t r = i + rs.size() >= rank ? rs[i + rs.size() - rank] : 1;
    if (l != r && l != 1 && r != 1)
      return opError() << "operand shapes do not broadcast";
    shape.push_back(std::max(l, r));
  }
  auto type = tensorOf(shape, builder.getF32Type());
  Value y;
  if (opCode == kPrelu) {
    // The slope broadcasts to the input (ONNX's unidirectional rule).
    if (shape != SmallVector<int64_t>(shapeOf(lhs)))
      return opError() << "the slope does not broadcast to the input";
    return setOutput(0, PReluOp::create(builder, loc, type, lhs, rhs));
  }
  if (opCode == kAdd)
    y = AddOp::create(builder, loc, type, lhs, rhs, FloatAttr(), FloatAttr());
  else if (opCode == kSub)
    y = SubOp::create(builder, loc, type, lhs, rhs, FloatAttr(), FloatAttr());
  else
    y = MulOp::create(builder, loc, type, lhs, rhs, FloatAttr(), FloatAttr());
  return setOutput(0, y, activation);
}

LogicalResult Importer::importReshape() {
  FailureOr<Value> x = operand(0);
  if (failed(x))
    return failure();
  FailureOr<const tfl::Tensor *> out = tensor(current->outputs()->Get(0));
  if (failed(out))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = tensorShape(*out);
  if (failed(shape))
    return failure();
  int64_t in = 1, n = 1;
  for (int64_t d : shapeOf(*x))
    in *= d;
  for (int64_t d : *shape)
    n *= d;
  if (in != n)
    return opError() << "cannot reshape " << in << " elements into " << n;
  // The declared output shape is the result; the shape operand (a constant
  // or the options) says the same for static models.
  return setOutput(0, toInternal(reshapeTo(toNHWC(*x), *shape)));
}

LogicalResult Importer::importSoftmax(const tfl::Operator &op) {
  const tfl::SoftmaxOptions *o = op.builtin_options_as_SoftmaxOptions();
  if (o && o->beta() != 1.0f)
    return opError() << "beta " << o->beta() << " is not supported (only 1)";
  FailureOr<Value> x = operand(0);
  if (failed(x))
    return failure();
  // TFLite normalizes the last (NHWC) axis: channels inside.
  int64_t axis = shapeOf(*x).size() == 4 ? 1 : -1;
  Value y = SoftmaxOp::create(builder, loc, x->getType(), *x,
                              builder.getI64IntegerAttr(axis));
  return setOutput(0, y);
}

LogicalResult Importer::importConcatenation(const tfl::Operator &op) {
  const tfl::ConcatenationOptions *o =
      op.builtin_options_as_ConcatenationOptions();
  if (!o)
    return opError() << "has no ConcatenationOptions";
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < op.inputs()->size(); ++i) {
    FailureOr<Value> v = operand(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  if (inputs.empty())
    return opError() << "has no inputs";
  int64_t rank = shapeOf(inputs[0]).size();
  int64_t axis = o->axis() < 0 ? o->axis() + rank : o->axis();
  if (axis < 0 || axis >= rank)
    return opError() << "axis " << o->axis() << " is out of range for rank "
                     << rank;
  if (rank == 4)
    axis = llvm::find(kToNCHW, axis) - std::begin(kToNCHW);
  SmallVector<int64_t> shape(shapeOf(inputs[0]));
  shape[axis] = 0;
  for (Value v : inputs) {
    ArrayRef<int64_t> s = shapeOf(v);
    for (int64_t d = 0; d < rank; ++d)
      if (static_cast<int64_t>(s.size()) != rank ||
          (d != axis && s[d] != shapeOf(inputs[0])[d]))
        return opError() << "inputs differ outside the concatenation axis";
    shape[axis] += s[axis];
  }
  Value y =
      ConcatOp::create(builder, loc, tensorOf(shape, builder.getF32Type()),
                       inputs, builder.getI64IntegerAttr(axis));
  return setOutput(0, y, o->fused_activation_function());
}

LogicalResult Importer::importActivation() {
  FailureOr<Value> x = operand(0);
  if (failed(x))
    return failure();
  Type type = x->getType();
  switch (opCode) {
  case kRelu:
    return setOutput(0, *x, tfl::ActivationFunctionType_RELU);
  case kRelu6:
    return setOutput(0, *x, tfl::ActivationFunctionType_RELU6);
  case kReluN1To1:
    return setOutput(0, *x, tfl::ActivationFunctionType_RELU_N1_TO_1);
  case kLogistic:
    return setOutput(0, SigmoidOp::create(builder, loc, type, *x));
  case kTanh:
    return setOutput(0, TanhOp::create(builder, loc, type, *x));
  case kHardSwish:
    return setOutput(0, HardSwishOp::create(builder, loc, type, *x));
  default: // QUANTIZE and DEQUANTIZE: the values are real already.
    return setOutput(0, *x);
  }
}

FailureOr<SmallVector<int64_t>> Importer::intsOperand(unsigned i) {
  if (!hasOperand(i))
    return opError() << "input " << i << " is missing";
  FailureOr<const tfl::Tensor *> t = tensor(current->inputs()->Get(i));
  if (failed(t))
    return failure();
  bool wide = (*t)->type() == tfl::TensorType_INT64;
  if ((*t)->type() != tfl::TensorType_INT32 && !wide)
    return opError() << "input " << i << " must be an int32 constant";
  FailureOr<ArrayRef<char>> bytes = constantBytes(*t, wide ? 8 : 4);
  if (failed(bytes))
    return failure();
  SmallVector<int64_t> values;
  for (size_t k = 0; k < bytes->size(); k += wide ? 8 : 4) {
    if (wide) {
      int64_t v;
      std::memcpy(&v, bytes->data() + k, 8);
      values.push_back(v);
    } else {
      int32_t v;
      std::memcpy(&v, bytes->data() + k, 4);
      values.push_back(v);
    }
  }
  return values;
}

FailureOr<SmallVector<int64_t>> Importer::outputShape() {
  FailureOr<const tfl::Tensor *> out = tensor(current->outputs()->Get(0));
  if (failed(out))
    return failure();
  return tensorShape(*out);
}

/// The internal (NCHW) dimension of NHWC dimension `d` of a rank-4 tensor.
static int64_t internalAxis(int64_t d, int64_t rank) {
  return rank == 4 ? llvm::find(kToNCHW, d) - std::begin(kToNCHW) : d;
}

LogicalResult Importer::importReduce(const tfl::Operator &op) {
  FailureOr<Value> x = operand(0);
  FailureOr<SmallVector<int64_t>> axes = intsOperand(1);
  FailureOr<SmallVector<int64_t>> out = outputShape();
  if (failed(x) || failed(axes) || failed(out))
    return failure();
  int64_t rank = shapeOf(*x).size();
  SmallVector<int64_t> inner;
  for (int64_t a : *axes) {
    int64_t d = a < 0 ? a + rank : a;
    if (d < 0 || d >= rank)
      return opError() << "axis " << a << " is out of range for rank " << rank;
    inner.push_back(internalAxis(d, rank));
  }
  llvm::sort(inner);
  inner.erase(std::unique(inner.begin(), inner.end()), inner.end());
  if (inner.empty())
    return opError() << "reduces no axis";
  SmallVector<int64_t> shape(shapeOf(*x));
  for (int64_t d : inner)
    shape[d] = 1;
  StringRef kind =
      opCode == kMean ? "mean" : (opCode == kReduceMax ? "max" : "min");
  Value y = ReduceOp::create(
      builder, loc, tensorOf(shape, builder.getF32Type()), *x,
      builder.getDenseI64ArrayAttr(inner), builder.getStringAttr(kind));
  const tfl::ReducerOptions *o = op.builtin_options_as_ReducerOptions();
  if (!o || !o->keep_dims())
    y = toInternal(reshapeTo(toNHWC(y), *out));
  return setOutput(0, y);
}

LogicalResult Importer::importResizeNearest(const tfl::Operator &op) {
  const tfl::ResizeNearestNeighborOptions *o =
      op.builtin_options_as_ResizeNearestNeighborOptions();
  bool align = o && o->align_corners(), half = o && o->half_pixel_centers();
  if (align && half)
    return opError() << "align_corners and half_pixel_centers exclude each "
                        "other";
  FailureOr<Value> x = operand(0);
  if (failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> size = intsOperand(1);
  if (failed(size))
    return failure();
  ArrayRef<int64_t> in = shapeOf(*x);
  if (in.size() != 4)
    return opError() << "input must be rank 4";
  if (size->size() != 2 || (*size)[0] < 1 || (*size)[1] < 1 ||
      (*size)[0] > 65535 || (*size)[1] > 65535)
    return opError() << "size must be 2 extents in [1, 65535]";
  // TFLite maps rows by the ratio of the extents (the scales only record
  // it).
  Value y = ResizeOp::create(
      builder, loc,
      tensorOf({in[0], in[1], (*size)[0], (*size)[1]},
               getElementTypeOrSelf(x->getType())),
      *x,
      builder.getDenseF32ArrayAttr(
          {static_cast<float>((*size)[0]) / static_cast<float>(in[2]),
           static_cast<float>((*size)[1]) / static_cast<float>(in[3])}),
      builder.getStringAttr("nearest"),
      builder.getStringAttr(align  ? "tflite_align_corners"
                            : half ? "tflite_half_pixel"
                                   : "tflite"),
      builder.getStringAttr("floor"), builder.getF32FloatAttr(-0.75f),
      builder.getBoolAttr(false));
  return setOutput(0, y);
}

LogicalResult Importer::importPad() {
  FailureOr<Value> x = operand(0);
  FailureOr<SmallVector<int64_t>> pads = intsOperand(1);
  if (failed(x) || failed(pads))
    return failure();
  int64_t rank = shapeOf(*x).size();
  if (static_cast<int64_t>(pads->size()) != 2 * rank)
    return opError() << "paddings must be [" << rank << ", 2]";
  float value = 0.0f;
  if (opCode == kPadV2 && hasOperand(2)) {
    FailureOr<const tfl::Tensor *> t = tensor(current->inputs()->Get(2));
    if (failed(t))
      return failure();
    FailureOr<Value> c = constant(*t);
    if (failed(c))
      return failure();
    // The constant's real value: a dequantized scalar or a float one.
    DenseElementsAttr attr;
    Value v = *c;
    if (auto dq = v.getDefiningOp<DequantizeOp>()) {
      auto q = cast<quant::UniformQuantizedType>(
          getQuantType(dq.getInput().getType()));
      auto cast = dq.getInput().getDefiningOp<quant::StorageCastOp>();
      attr = cast ? dyn_cast<DenseElementsAttr>(
                        cast.getInput()
                            .getDefiningOp<arith::ConstantOp>()
                            .getValue())
                  : nullptr;
      if (!attr || attr.getNumElements() != 1)
        return opError() << "the padding value must be one constant";
      value = static_cast<float>(
          (attr.getValues<APInt>()[0].getSExtValue() - q.getZeroPoint()) *
          q.getScale());
    } else if (matchPattern(v, m_Constant(&attr)) &&
               attr.getNumElements() == 1) {
      value = attr.getValues<float>()[0];
    } else {
      return opError() << "the padding value must be one constant";
    }
  }
  SmallVector<int64_t> attrPads(2 * rank), shape(shapeOf(*x));
  for (int64_t d = 0; d < rank; ++d) {
    int64_t before = (*pads)[2 * d], after = (*pads)[2 * d + 1];
    if (before < 0 || after < 0 || before > 65535 || after > 65535)
      return opError() << "paddings must be in [0, 65535]";
    int64_t i = internalAxis(d, rank);
    attrPads[i] = before;
    attrPads[rank + i] = after;
    shape[i] += before + after;
  }
  Value y = PadOp::create(builder, loc, tensorOf(shape, builder.getF32Type()),
                          *x, builder.getDenseI64ArrayAttr(attrPads),
                          builder.getStringAttr("constant"),
                          builder.getF32FloatAttr(value));
  return setOutput(0, y);
}

LogicalResult Importer::importTranspose() {
  FailureOr<Value> x = operand(0);
  FailureOr<SmallVector<int64_t>> perm = intsOperand(1);
  if (failed(x) || failed(perm))
    return failure();
  int64_t rank = shapeOf(*x).size();
  SmallVector<int64_t> sorted(*perm);
  llvm::sort(sorted);
  // (The size first: a scalar input with a non-empty perm has no loop.)
  bool permutation = static_cast<int64_t>(sorted.size()) == rank;
  for (int64_t d = 0; permutation && d < rank; ++d)
    permutation = sorted[d] == d;
  if (!permutation)
    return opError() << "perm is not a permutation of " << rank
                     << " dimensions";
  // In TFLite's terms: the NHWC tensor, permuted, then back inside.
  Value nhwc = toNHWC(*x);
  Value y = TransposeOp::create(
      builder, loc,
      tensorOf(permuted(shapeOf(nhwc), *perm), builder.getF32Type()), nhwc,
      builder.getDenseI64ArrayAttr(*perm));
  return setOutput(0, toInternal(y));
}

LogicalResult Importer::importStridedSlice(const tfl::Operator &op) {
  const tfl::StridedSliceOptions *o =
      op.builtin_options_as_StridedSliceOptions();
  FailureOr<Value> x = operand(0);
  FailureOr<SmallVector<int64_t>> begin = intsOperand(1), end = intsOperand(2),
                                  strides = intsOperand(3);
  FailureOr<SmallVector<int64_t>> out = outputShape();
  if (failed(x) || failed(begin) || failed(end) || failed(strides) ||
      failed(out))
    return failure();
  if (o && (o->ellipsis_mask() || o->new_axis_mask() || o->offset()))
    return opError() << "ellipsis_mask, new_axis_mask and offset are not "
                        "supported";
  Value nhwc = toNHWC(*x);
  ArrayRef<int64_t> in = shapeOf(nhwc);
  int64_t rank = in.size();
  if (static_cast<int64_t>(begin->size()) != rank ||
      static_cast<int64_t>(end->size()) != rank ||
      static_cast<int64_t>(strides->size()) != rank)
    return opError() << "begin, end and strides must have " << rank
                     << " values";
  int32_t beginMask = o ? o->begin_mask() : 0, endMask = o ? o->end_mask() : 0;
  int32_t shrinkMask = o ? o->shrink_axis_mask() : 0;
  SmallVector<int64_t> starts, steps, shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t n = in[d], step = (*strides)[d];
    if (step == 0 || step < -65535 || step > 65535)
      return opError() << "stride " << step << " of dimension " << d
                       << " must be non-zero (and within 65535)";
    int64_t b = (*begin)[d], e = (*end)[d];
    b = b < 0 ? b + n : b;
    e = e < 0 ? e + n : e;
    if (shrinkMask & (1 << d)) {
      e = b + 1, step = 1;
    } else {
      if (beginMask & (1 << d))
        b = step > 0 ? 0 : n - 1;
      if (endMask & (1 << d))
        e = step > 0 ? n : -1;
    }
    // Clamped into the dimension as TFLite does.
    b = step > 0 ? std::clamp<int64_t>(b, 0, n)
                 : std::clamp<int64_t>(b, -1, n - 1);
    e = step > 0 ? std::clamp<int64_t>(e, 0, n)
                 : std::clamp<int64_t>(e, -1, n - 1);
    int64_t count =
        step > 0 ? (e - b + step - 1) / step : (b - e - step - 1) / -step;
    if (count < 1)
      return opError() << "dimension " << d << " of the slice is empty";
    starts.push_back(b);
    steps.push_back(step);
    shape.push_back(count);
  }
  Value y = SliceOp::create(builder, loc, tensorOf(shape, builder.getF32Type()),
                            nhwc, builder.getDenseI64ArrayAttr(starts),
                            builder.getDenseI64ArrayAttr(steps));
  int64_t count = 1, declared = 1;
  for (int64_t d : shape)
    count *= d;
  for (int64_t d : *out)
    declared *= d;
  if (count != declared)
    return opError() << "the slice has " << count << " elements, its output "
                     << declared;
  return setOutput(0, toInternal(reshapeTo(y, *out)));
}

LogicalResult Importer::importSplit() {
  // SPLIT: (axis, input) into equal parts; SPLIT_V: (input, sizes, axis).
  bool sized = opCode == kSplitV;
  unsigned data = sized ? 0 : 1;
  FailureOr<Value> x = operand(data);
  FailureOr<SmallVector<int64_t>> axisValue = intsOperand(sized ? 2 : 0);
  if (failed(x) || failed(axisValue))
    return failure();
  SmallVector<int64_t> shape(shapeOf(*x));
  int64_t rank = shape.size();
  if (axisValue->size() != 1)
    return opError() << "the axis must be one value";
  int64_t axis = (*axisValue)[0] < 0 ? (*axisValue)[0] + rank : (*axisValue)[0];
  if (axis < 0 || axis >= rank)
    return opError() << "axis " << (*axisValue)[0]
                     << " is out of range for rank " << rank;
  int64_t d = internalAxis(axis, rank), extent = shape[d];
  unsigned parts = current->outputs()->size();
  SmallVector<int64_t> sizes;
  if (!sized) {
    if (extent % parts)
      return opError() << "dimension " << axis << " of size " << extent
                       << " does not split into " << parts << " equal parts";
    sizes.assign(parts, extent / parts);
  } else {
    FailureOr<SmallVector<int64_t>> given = intsOperand(1);
    if (failed(given))
      return failure();
    if (given->size() != parts)
      return opError() << given->size() << " sizes for " << parts << " outputs";
    int64_t known = 0, unknown = -1;
    for (auto [i, n] : llvm::enumerate(*given)) {
      if (n == -1 && unknown < 0)
        unknown = i;
      else if (n < 1 || n > extent)
        return opError() << "size " << n << " of output " << i
                         << " is not in [1, " << extent << "]";
      else
        known += n;
    }
    sizes = *given;
    if (unknown >= 0)
      sizes[unknown] = extent - known;
    if (unknown < 0 ? known != extent : sizes[unknown] < 1)
      return opError() << "the sizes do not add up to dimension " << axis
                       << " of size " << extent;
  }
  // The integers move unchanged: every output keeps the input's
  // quantization.
  FailureOr<quant::UniformQuantizedType> inType =
      activationTypeAt(current->inputs()->Get(data));
  if (failed(inType))
    return failure();
  int64_t start = 0;
  for (unsigned i = 0; i < parts; ++i) {
    FailureOr<quant::UniformQuantizedType> outType =
        activationTypeAt(current->outputs()->Get(i));
    if (failed(outType))
      return failure();
    if (*outType != *inType)
      return opError() << "output " << i
                       << " is quantized differently from the input: TFLite "
                          "moves this operator's integers unchanged";
    SmallVector<int64_t> starts(rank, 0), steps(rank, 1);
    starts[d] = start;
    shape[d] = sizes[i];
    Value y =
        SliceOp::create(builder, loc, tensorOf(shape, builder.getF32Type()), *x,
                        builder.getDenseI64ArrayAttr(starts),
                        builder.getDenseI64ArrayAttr(steps));
    if (failed(setOutput(i, y)))
      return failure();
    start += sizes[i];
  }
  return success();
}

LogicalResult Importer::checkSameQuantization(unsigned inputs) {
  FailureOr<quant::UniformQuantizedType> outType =
      activationTypeAt(current->outputs()->Get(0));
  if (failed(outType))
    return failure();
  for (unsigned i = 0; i < inputs && i < current->inputs()->size(); ++i) {
    FailureOr<quant::UniformQuantizedType> inType =
        activationTypeAt(current->inputs()->Get(i));
    if (failed(inType))
      return failure();
    auto describe = [](quant::UniformQuantizedType q) {
      if (!q)
        return std::string("float");
      return "scale " + std::to_string(q.getScale()) + ", zero point " +
             std::to_string(q.getZeroPoint());
    };
    if (*inType != *outType)
      return opError() << "input " << i
                       << " and the output are quantized "
                          "differently ("
                       << describe(*inType) << " vs " << describe(*outType)
                       << "): TFLite moves this operator's integers "
                          "unchanged, so it needs them equal";
  }
  return success();
}

LogicalResult Importer::importOperator(const tfl::Operator &op) {
  current = &op;
  const auto *codes = model.operator_codes();
  if (!codes || op.opcode_index() >= codes->size()) {
    opName = "?";
    return opError() << "op code index " << op.opcode_index()
                     << " is out of range";
  }
  const tfl::OperatorCode *code = codes->Get(op.opcode_index());
  // Codes below 127 may be only in the older byte-sized field.
  opCode =
      std::max<int32_t>(code->builtin_code(), code->deprecated_builtin_code());
  const char *name = builtinName(opCode);
  opName = name ? name : "op code " + std::to_string(opCode);
  std::string label = "op" + std::to_string(opIndex);
  if (op.outputs() && op.outputs()->size() > 0 && graph->tensors() &&
      op.outputs()->Get(0) >= 0 &&
      static_cast<uint32_t>(op.outputs()->Get(0)) < graph->tensors()->size())
    if (const auto *n = graph->tensors()->Get(op.outputs()->Get(0))->name())
      label = n->str();
  loc = NameLoc::get(builder.getStringAttr(label), fileLoc);
  if (opCode == 32) // CUSTOM
    return opError() << "custom operator '"
                     << (code->custom_code() ? code->custom_code()->str() : "")
                     << "' is not supported";
  bool split = opCode == kSplit || opCode == kSplitV;
  if (!op.inputs() || !op.outputs() || op.outputs()->size() < 1 ||
      (!split && op.outputs()->size() != 1))
    return opError() << "needs inputs and one output";
  // TFLite moves the integers of these operators unchanged, so a model
  // whose input and output quantization differ means something else in
  // TFLite than its scales say: refused.
  switch (opCode) {
  case kMaxPool2D:
  case kAveragePool2D:
  case kReshape:
  case kSqueeze:
  case kTranspose:
  case kStridedSlice:
  case kPad:
  case kPadV2:
  case kConcatenation:
  case kReduceMax:
  case kReduceMin:
  case kResizeNearestNeighbor:
    if (failed(checkSameQuantization(
            opCode == kConcatenation ? op.inputs()->size() : 1)))
      return failure();
    break;
  default:
    break;
  }
  switch (opCode) {
  case kConv2D:
  case kDepthwiseConv2D:
    if (op.inputs()->size() < 2)
      return opError() << "needs an input and a filter";
    return importConv(op, opCode == kDepthwiseConv2D);
  case kResizeNearestNeighbor:
    return importResizeNearest(op);
  case kTransposeConv:
    if (op.inputs()->size() < 3)
      return opError() << "needs an output shape, a filter and an input";
    return importTransposeConv(op);
  case kFullyConnected:
    if (op.inputs()->size() < 2)
      return opError() << "needs an input and weights";
    return importFullyConnected(op);
  case kAveragePool2D:
  case kMaxPool2D:
    return importPool(op, opCode == kAveragePool2D);
  case kAdd:
  case kSub:
  case kMul:
    return importBinary(op);
  case kReshape:
    return importReshape();
  case kSoftmax:
    return importSoftmax(op);
  case kConcatenation:
    return importConcatenation(op);
  case kRelu:
  case kRelu6:
  case kReluN1To1:
  case kLogistic:
  case kTanh:
  case kQuantize:
  case kDequantize:
  case kHardSwish:
    return importActivation();
  case kMean:
  case kReduceMax:
  case kReduceMin:
    return importReduce(op);
  case kPad:
  case kPadV2:
    return importPad();
  case kTranspose:
    return importTranspose();
  case kStridedSlice:
    return importStridedSlice(op);
  case kSqueeze:
    return importReshape();
  case kSplit:
  case kSplitV:
    return importSplit();
  case kPrelu:
    return importBinary(op);
  case kLeakyRelu: {
    const tfl::LeakyReluOptions *o = op.builtin_options_as_LeakyReluOptions();
    if (!o)
      return opError() << "has no LeakyReluOptions";
    FailureOr<Value> x = operand(0);
    if (failed(x))
      return failure();
    return setOutput(0,
                     LeakyReluOp::create(builder, loc, x->getType(), *x,
                                         builder.getF32FloatAttr(o->alpha())));
  }
  default:
    return opError() << "is not supported (supported: "
                     << llvm::join(getSupportedTFLiteOps(), ", ") << ")";
  }
}

OwningOpRef<ModuleOp> Importer::run() {
  if (model.version() != 3) {
    modelError() << "TFLite schema version " << model.version()
                 << " (Mote reads version 3)";
    return nullptr;
  }
  if (!model.subgraphs() || model.subgraphs()->size() != 1) {
    modelError() << "the model has "
                 << (model.subgraphs() ? model.subgraphs()->size() : 0)
                 << " subgraphs (Mote reads models of one)";
    return nullptr;
  }
  graph = model.subgraphs()->Get(0);
  if (!graph->inputs() || !graph->outputs() || !graph->operators()) {
    modelError() << "the subgraph has no inputs, outputs or operators";
    return nullptr;
  }
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  // The model's scales were chosen for TFLite's integer arithmetic: its
  // code follows that arithmetic unless `motec --numerics=mote` says not.
  (*module)->setAttr(kNumericsAttrName, builder.getStringAttr("tflite"));
  builder.setInsertionPointToEnd(module->getBody());
  // Inputs: float NHWC arguments, quantized and moved to NCHW inside.
  SmallVector<Type> argTypes;
  SmallVector<const tfl::Tensor *> inputs;
  for (int32_t index : *graph->inputs()) {
    FailureOr<const tfl::Tensor *> t = tensor(index);
    if (failed(t))
      return nullptr;
    FailureOr<SmallVector<int64_t>> shape = tensorShape(*t);
    if (failed(shape) || failed(activationType(*t)))
      return nullptr;
    argTypes.push_back(tensorOf(*shape, builder.getF32Type()));
    inputs.push_back(*t);
  }
  auto func = func::FuncOp::create(builder, fileLoc, "main",
                                   builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToEnd(body);
  for (auto [i, t] : llvm::enumerate(inputs)) {
    func.setArgAttr(i, "mote.name",
                    builder.getStringAttr(t->name() ? t->name()->str() : ""));
    Value v = body->getArgument(i);
    quant::UniformQuantizedType type = *activationType(t);
    if (type) {
      // The model's own int8 boundary: `motec run` reads and writes int8
      // .npy there.
      func.setArgAttr(i, kInt8BoundaryAttrName, TypeAttr::get(type));
      auto tensorType = cast<RankedTensorType>(v.getType());
      Value q = QuantizeOp::create(builder, fileLoc, tensorType.clone(type), v);
      v = DequantizeOp::create(builder, fileLoc, tensorType, q);
    }
    values[graph->inputs()->Get(i)] = toInternal(v);
  }
  for (const tfl::Operator *op : *graph->operators()) {
    ++opIndex;
    if (failed(importOperator(*op)))
      return nullptr;
  }
  loc = fileLoc;
  opIndex = -1;
  SmallVector<Value> results;
  for (int32_t index : *graph->outputs()) {
    Value v = values.lookup(index);
    if (!v) {
      modelError() << "output tensor " << index
                   << " is not computed by any operator";
      return nullptr;
    }
    results.push_back(toNHWC(v));
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, index] : llvm::enumerate(*graph->outputs())) {
    const tfl::Tensor *t = graph->tensors()->Get(index);
    func.setResultAttr(
        i, "mote.name",
        builder.getStringAttr(t->name() ? t->name()->str() : ""));
    if (quant::UniformQuantizedType type = *activationType(t))
      func.setResultAttr(i, kInt8BoundaryAttrName, TypeAttr::get(type));
  }
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

bool mote::isTFLiteModel(StringRef bytes) {
  return bytes.size() >= 8 && bytes.substr(4, 4) == "TFL3";
}

OwningOpRef<ModuleOp> mote::importTFLiteModel(StringRef bytes,
                                              StringRef sourceName,
                                              MLIRContext *context) {
  context->loadDialect<MoteDialect, arith::ArithDialect, func::FuncDialect,
                       quant::QuantDialect>();
  Location loc = FileLineColLoc::get(context, sourceName, 0, 0);
  if (!isTFLiteModel(bytes)) {
    emitError(loc) << "not a TFLite model: the file identifier 'TFL3' is "
                      "missing";
    return nullptr;
  }
  // FlatBuffers reads in place and needs its data aligned: a copy in an
  // 8-byte aligned buffer (the verifier checks alignment).
  std::unique_ptr<llvm::WritableMemoryBuffer> copy =
      llvm::WritableMemoryBuffer::getNewUninitMemBuffer(bytes.size());
  std::memcpy(copy->getBufferStart(), bytes.data(), bytes.size());
  const auto *data = reinterpret_cast<const uint8_t *>(copy->getBufferStart());
  flatbuffers::Verifier verifier(data, bytes.size());
  if (!tfl::VerifyModelBuffer(verifier)) {
    emitError(loc) << "not a valid TFLite model: the FlatBuffers verifier "
                      "rejects it (corrupt or truncated)";
    return nullptr;
  }
  Importer importer(context, sourceName, *tfl::GetModel(data));
  return importer.run();
}

SmallVector<std::string> mote::getSupportedTFLiteOps() {
  SmallVector<std::string> ops;
  for (int32_t code : {kAdd,
                       kAveragePool2D,
                       kConcatenation,
                       kConv2D,
                       kDepthwiseConv2D,
                       kDequantize,
                       kFullyConnected,
                       kLogistic,
                       kMaxPool2D,
                       kMul,
                       kRelu,
                       kReluN1To1,
                       kRelu6,
                       kReshape,
                       kSoftmax,
                       kTanh,
                       kPad,
                       kTranspose,
                       kMean,
                       kSub,
                       kSqueeze,
                       kStridedSlice,
                       kPadV2,
                       kReduceMax,
                       kReduceMin,
                       kQuantize,
                       kHardSwish,
                       kSplit,
                       kSplitV,
                       kPrelu,
                       kLeakyRelu,
                       kTransposeConv,
                       kResizeNearestNeighbor})
    if (const char *name = builtinName(code))
      ops.push_back(name);
  llvm::sort(ops);
  return ops;
}

void mote::registerImportTFLiteTranslation() {
  static TranslateToMLIRRegistration registration(
      "import-tflite", "Import a TensorFlow Lite model into Mote IR",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *context) {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        return importTFLiteModel(buffer->getBuffer(),
                                 buffer->getBufferIdentifier(), context);
      },
      [](DialectRegistry &registry) {
        registry.insert<MoteDialect, arith::ArithDialect, func::FuncDialect,
                        quant::QuantDialect>();
      });
}
