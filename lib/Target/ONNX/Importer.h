//===- Importer.h - Internals of the ONNX importer --------------*- C++ -*-===//
//
// Shared by the per-family handler files (ConvOps.cpp, ShapeOps.cpp, ...).
// Each handler turns one ONNX node into Mote ops through a NodeContext.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_LIB_TARGET_ONNX_IMPORTER_H
#define MOTE_LIB_TARGET_ONNX_IMPORTER_H

#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"
#include "Mote/IR/ShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

namespace mote::onnx_import {

/// Largest element count and dimension the importer accepts; larger values
/// are reported instead of overflowing shape arithmetic.
constexpr int64_t kMaxElements = int64_t(1) << 31;
constexpr int64_t kMaxAttrMagnitude = int64_t(1) << 31;

/// Converts an ONNX TensorProto to a DenseElementsAttr. Integer data keeps
/// its bit pattern in a signless type (uint8 in i8), as quantized storage
/// does; float64 is narrowed to f32.
mlir::FailureOr<mlir::DenseElementsAttr>
convertTensor(const onnx::TensorProto &tensor, mlir::MLIRContext *context,
              llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// Maps an ONNX element type to Mote's element type (null if unsupported).
/// `isUnsigned` is set for uint8.
mlir::Type convertElementType(int32_t onnxType, mlir::MLIRContext *context,
                              bool *isUnsigned = nullptr);

/// Returns the ONNX name of an element type, for messages.
llvm::StringRef onnxTypeName(int32_t onnxType);

class GraphImporter;

/// One node being imported: its inputs, attributes and outputs.
class NodeContext {
public:
  NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
              llvm::StringRef name, mlir::Location loc, int64_t opset)
      : graph(graph), node(node), name(name), loc(loc), opset(opset) {}

  GraphImporter &graph;
  const onnx::NodeProto &node;
  /// The node's name, or its first output's when it has none.
  llvm::StringRef name;
  mlir::Location loc;
  int64_t opset;
  /// The opset the model was written for when it was upgraded to `opset`
  /// on import, else 0.
  int64_t upgradedFrom = 0;

  mlir::OpBuilder &builder();
  mlir::MLIRContext *getContext() { return loc.getContext(); }

  /// Reports an error prefixed with the node name, op type and opset.
  mlir::InFlightDiagnostic emitError();
  /// Reports an unsupported feature of this node.
  mlir::LogicalResult unsupported(const llvm::Twine &what);

  /// True if input `i` is given (present and not the empty name).
  bool hasInput(unsigned i) const {
    return static_cast<int>(i) < node.input_size() && !node.input(i).empty();
  }
  /// Returns input `i` as a value, materializing constants; fails with a
  /// message when it is missing or undefined.
  mlir::FailureOr<mlir::Value> input(unsigned i);
  /// Returns optional input `i` as a value, or a null value when it is not
  /// given; fails as `input` does for an undefined name.
  mlir::FailureOr<mlir::Value> optionalInput(unsigned i) {
    if (!hasInput(i))
      return mlir::Value();
    return input(i);
  }
  /// Returns input `i` if it is a known constant, else null.
  mlir::DenseElementsAttr constantInput(unsigned i);
  /// Returns input `i` as a constant or fails naming `what` it is.
  mlir::FailureOr<mlir::DenseElementsAttr>
  requireConstant(unsigned i, llvm::StringRef what);
  /// Returns the values of constant integer input `i` or fails naming
  /// `what` it is (missing, not constant, or not integers).
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  requireIntConstant(unsigned i, llvm::StringRef what);
  /// Returns the ONNX element type input `i` had (constants and values).
  bool inputIsUnsigned(unsigned i);

  /// Attribute access; a missing attribute gives the default.
  const onnx::AttributeProto *getAttr(llvm::StringRef name) const;
  mlir::FailureOr<int64_t> getInt(llvm::StringRef name, int64_t dflt);
  mlir::FailureOr<float> getFloat(llvm::StringRef name, float dflt);
  mlir::FailureOr<std::string> getString(llvm::StringRef name,
                                         llvm::StringRef dflt);
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getInts(llvm::StringRef name, llvm::ArrayRef<int64_t> dflt);

  /// Number of outputs the model uses (non-empty names).
  unsigned numUsedOutputs() const;
  /// `isUnsigned`: the ONNX tensor is uint8 (held in its signed form).
  void setOutput(unsigned i, mlir::Value value, bool isUnsigned = false);
  /// The value output `i` was set to (null if none yet).
  mlir::Value outputValue(unsigned i);
  void setConstantOutput(unsigned i, mlir::DenseElementsAttr value,
                         bool isUnsigned = false);

  /// A shape-inference error callback that prefixes this node.
  auto errorFn() {
    return [this]() { return emitError(); };
  }

  /// Creates a Mote or upstream op at the node's location.
  template <typename OpTy, typename... Args> OpTy create(Args &&...args) {
    return OpTy::create(builder(), loc, std::forward<Args>(args)...);
  }
};

using NodeHandler = mlir::LogicalResult (*)(NodeContext &);
using HandlerMap = llvm::StringMap<NodeHandler>;

void registerConvOps(HandlerMap &handlers);
void registerElementwiseOps(HandlerMap &handlers);
void registerShapeOps(HandlerMap &handlers);
void registerQuantOps(HandlerMap &handlers);
void registerRecurrentOps(HandlerMap &handlers);

//===----------------------------------------------------------------------===//
// Helpers shared by handlers
//===----------------------------------------------------------------------===//

/// Returns the static shape of a tensor value.
inline llvm::ArrayRef<int64_t> shapeOf(mlir::Value value) {
  return mlir::cast<mlir::RankedTensorType>(value.getType()).getShape();
}

/// Tensor type of `shape` with element type `element`.
inline mlir::RankedTensorType tensorOf(llvm::ArrayRef<int64_t> shape,
                                       mlir::Type element) {
  return mlir::RankedTensorType::get(shape, element);
}

/// The signed form of an 8-bit quantized type: for uint8, int8 with every
/// zero point moved down by 128 (the same real values); others unchanged.
mlir::quant::QuantizedType signedForm(mlir::quant::QuantizedType type);
/// The inverse of signedForm for a signed 8-bit type: uint8, zero points
/// moved up by 128 (for a result the model declares uint8).
mlir::quant::QuantizedType unsignedForm(mlir::quant::QuantizedType type);

/// Emits a mote.reshape of `value` to `shape` (no-op if already so).
mlir::Value reshapeTo(NodeContext &ctx, mlir::Value value,
                      llvm::ArrayRef<int64_t> shape);

/// Reads the quantization parameters given by inputs `scaleIndex` and
/// `zeroPointIndex` (optional) and builds the quantized type for a tensor of
/// `shape` whose quantized axis is `axis` (normalized). `storage` is the
/// storage type used when no zero point gives one.
mlir::FailureOr<mlir::quant::QuantizedType>
getQuantTypeFromInputs(NodeContext &ctx, unsigned scaleIndex,
                       unsigned zeroPointIndex, llvm::ArrayRef<int64_t> shape,
                       int64_t axis, mlir::Type storage, bool storageUnsigned);

/// Returns the integer storage of input `index` (a raw integer tensor or a
/// quantized one), with `isUnsigned` set for uint8 data; fails unless it is
/// 8-bit (or, with `allowInt32`, 32-bit) integers.
mlir::FailureOr<mlir::Type> getIntegerStorage(NodeContext &ctx, unsigned index,
                                              mlir::Value value,
                                              bool allowInt32,
                                              bool &isUnsigned);

/// Reinterprets `value` (raw integers, or quantized with other parameters)
/// as `type` with quant.scast ops.
mlir::Value castToQuant(NodeContext &ctx, mlir::Value value,
                        mlir::quant::QuantizedType type);

/// Prints `type` for a message.
std::string typeName(mlir::Type type);

/// Fails with the node's unsupported-type message unless every non-null
/// value of `values` holds f32 elements.
mlir::LogicalResult requireF32(NodeContext &ctx, mlir::ValueRange values);

/// Normalizes a possibly negative axis against `rank`.
mlir::FailureOr<int64_t> normalizeAxis(NodeContext &ctx, int64_t axis,
                                       int64_t rank);

/// Computes explicit pads [top, left, bottom, right] for the 2-D window of
/// a Conv or pooling node from its pads / auto_pad / ceil_mode attributes.
/// For a 1-D node (`oneD`, run as a 2-D window of height 1; `inputHW`,
/// `kernel`, `strides` and `dilations` already lifted to 2-D) the `pads`
/// attribute has two entries [begin, end].
mlir::FailureOr<llvm::SmallVector<int64_t>>
getWindowPads(NodeContext &ctx, llvm::ArrayRef<int64_t> inputHW,
              llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
              llvm::ArrayRef<int64_t> dilations, bool ceilMode,
              bool oneD = false);

/// Reads the int list attribute `name` of a window over `spatialRank` (1 or
/// 2) dimensions, defaulting to `dflt` (given for 2-D; its last entry is
/// the 1-D default), and returns it lifted to 2-D ({1, v} for 1-D).
mlir::FailureOr<llvm::SmallVector<int64_t>>
getWindowInts(NodeContext &ctx, llvm::StringRef name,
              llvm::ArrayRef<int64_t> dflt, unsigned spatialRank);

} // namespace mote::onnx_import

#endif // MOTE_LIB_TARGET_ONNX_IMPORTER_H
