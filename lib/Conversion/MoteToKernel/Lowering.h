//===- Lowering.h - Patterns of convert-mote-to-kernel ----------*- C++ -*-===//
//
// Private to the conversion. The lowering is a dialect conversion: a type
// converter maps each tensor to the buffer (memref) of its storage type, and
// one conversion pattern per op and numeric domain, added by the op family's
// `populate<Family>Patterns` (one file each), replaces a Mote op by calls of
// runtime microkernels on buffers. Each result is replaced by the buffer the
// memory plan gives it (a view of the arena, or the caller's output buffer
// for a returned value), so users receive their operands' buffers from the
// conversion. `Lowering` is what the patterns of one function share: memory
// plan, state layout, target, the symbols made so far, and the helpers
// every op family uses.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_LIB_CONVERSION_MOTETOKERNEL_LOWERING_H
#define MOTE_LIB_CONVERSION_MOTETOKERNEL_LOWERING_H

#include "Mote/Conversion/FixedPoint.h"
#include "Mote/Conversion/TargetDescription.h"

#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/MemoryPlan.h"
#include "MoteKernel/IR/KernelABI.h"
#include "MoteKernel/IR/MoteKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

#include <array>
#include <cmath>
#include <functional>
#include <limits>

namespace mote::lowering {

using namespace mlir;

/// Scale and zero point of a per-tensor quantized tensor value.
struct QParams {
  double scale;
  int64_t zeroPoint;
};

inline FailureOr<QParams> perTensor(Operation *op, Value value) {
  auto type = dyn_cast_or_null<quant::UniformQuantizedType>(
      getQuantType(value.getType()));
  if (!type)
    return op->emitOpError("has no C lowering for operand type ")
           << value.getType() << " (expected a per-tensor quantized tensor)";
  if (!type.isSigned() || type.getStorageTypeIntegralWidth() != 8)
    return op->emitOpError("has no C lowering for ")
           << type << " yet (expected int8 storage)";
  return QParams{type.getScale(), type.getZeroPoint()};
}

struct LayerQuant {
  SmallVector<double> reals;
  QParams input, output;
};

/// Returns the constant a value is (through storage casts and reshapes, with
/// the value's shape), or null.
inline DenseElementsAttr constantOf(Value value) {
  if (auto cast = value.getDefiningOp<quant::StorageCastOp>())
    return constantOf(cast.getInput());
  if (auto reshape = value.getDefiningOp<ReshapeOp>()) {
    DenseElementsAttr input = constantOf(reshape.getInput());
    if (!input)
      return {};
    return input.reshape(
        RankedTensorType::get(cast<ShapedType>(reshape.getType()).getShape(),
                              input.getElementType()));
  }
  DenseElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr;
  return {};
}

/// Returns a C identifier fragment for a layer name.
inline std::string sanitize(StringRef name) {
  std::string result;
  for (char c : name)
    result += llvm::isAlnum(c) ? c : '_';
  return result;
}

/// The int32 arrays the data-movement kernels take (dims, starts, offsets).
inline SmallVector<int32_t> toI32(ArrayRef<int64_t> values) {
  return SmallVector<int32_t>(values.begin(), values.end());
}

/// Sets the tensor fields of a convolution's parameter block from the NCHW
/// shapes of its input `x` and output `y`.
template <typename Params>
void setConvShape(Params &p, ArrayRef<int64_t> x, ArrayRef<int64_t> y) {
  p.batch = x[0];
  p.in_channels = x[1];
  p.in_h = x[2];
  p.in_w = x[3];
  p.out_channels = y[1];
  p.out_h = y[2];
  p.out_w = y[3];
}

/// Sets the window fields of a convolution's or pooling's parameter block;
/// `pads` are ONNX's (top, left, bottom, right).
template <typename Params>
void setWindow(Params &p, ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
  p.kernel_h = kernel[0];
  p.kernel_w = kernel[1];
  p.stride_h = strides[0];
  p.stride_w = strides[1];
  p.dilation_h = dilations[0];
  p.dilation_w = dilations[1];
  p.pad_top = pads[0];
  p.pad_left = pads[1];
}

/// Sets the int8 result fields: zero point and activation range.
template <typename Params>
void setInt8Output(Params &p, int64_t zeroPoint,
                   std::pair<int64_t, int64_t> range) {
  p.output_offset = zeroPoint;
  p.act_min = range.first;
  p.act_max = range.second;
}

/// The parameter block of a float convolution (forward or backward) from
/// the shapes of its input, weight and output.
template <typename ConvOp>
abi::mote_conv2d_f32_params convF32Params(ConvOp op, ArrayRef<int64_t> x,
                                          ArrayRef<int64_t> w,
                                          ArrayRef<int64_t> y) {
  abi::mote_conv2d_f32_params p;
  setConvShape(p, x, y);
  setWindow(p, w.drop_front(2), op.getStrides(), op.getDilations(),
            op.getPads());
  p.groups = op.getGroup();
  return p;
}

/// The parameter block of a float fully-connected layer.
inline abi::mote_fully_connected_f32_params
fcF32Params(int64_t batch, ArrayRef<int64_t> weight) {
  abi::mote_fully_connected_f32_params p;
  p.batch = batch;
  p.in_features = weight[1];
  p.out_features = weight[0];
  return p;
}

/// The geometry of a pooling over NCHW input `x` into `y`; the int8 fields
/// are those of a plain copy (the float kernels ignore them).
inline abi::mote_pool2d_s8_params
poolParams(ArrayRef<int64_t> x, ArrayRef<int64_t> y, ArrayRef<int64_t> kernel,
           ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
           ArrayRef<int64_t> pads, bool countIncludePad) {
  abi::mote_pool2d_s8_params p;
  p.batch = x[0];
  p.channels = x[1];
  p.in_h = x[2];
  p.in_w = x[3];
  p.out_h = y[2];
  p.out_w = y[3];
  setWindow(p, kernel, strides, dilations, pads);
  p.count_include_pad = countIncludePad ? 1 : 0;
  p.input_offset = 0;
  setInt8Output(p, 0, {0, 0});
  p.table_size = 1;
  p.divide = 0;
  return p;
}

/// An int8 layer that runs on the target's matrix-product kernel
/// (mote_gemm.h): its reduction depth, that padded, the output pixels per
/// block, whether the columns are gathered (or are the input rows), and
/// the scratch its kernel needs.
struct GemmLayer {
  int64_t depth, depthPadded, block;
  bool gather;
  int64_t scratchBytes;
};

inline std::optional<GemmLayer> gemmLayerOf(const TargetDescription &target,
                                            Operation *op) {
  if (!target.gemm || op->getNumOperands() < 2 ||
      !isa<quant::QuantizedType>(getElementTypeOrSelf(op->getOperand(0))))
    return std::nullopt;
  const GemmKernel &kernel = *target.gemm;
  auto weight = cast<RankedTensorType>(op->getOperand(1).getType());
  int64_t depth = weight.getNumElements() / weight.getDimSize(0), pixels = 1;
  int64_t bandBytes = 0;
  bool gather = true;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    if (conv.getGroup() != 1)
      return std::nullopt; // depthwise and grouped: the generic kernel
    ArrayRef<int64_t> y = cast<RankedTensorType>(conv.getType()).getShape();
    pixels = y[2] * y[3];
    // A kernel larger than 1x1 stages its input rows channels last (the
    // band, MOTE_GEMM_BAND_BYTES in mote_gemm.h).
    int64_t kh = weight.getDimSize(2), kw = weight.getDimSize(3);
    if (kh * kw > 1) {
      int64_t bandWidth = (y[3] - 1) * conv.getStrides()[1] +
                          (kw - 1) * conv.getDilations()[1] + 1;
      bandBytes = llvm::alignTo(kh * weight.getDimSize(1) * bandWidth, 16);
    }
  } else if (isa<FullyConnectedOp>(op)) {
    // Input rows serve as columns when no padding is needed.
    gather = depth % kernel.depthMultiple != 0;
  } else {
    return std::nullopt;
  }
  GemmLayer layer;
  layer.depth = depth;
  layer.depthPadded = llvm::alignTo(depth, kernel.depthMultiple);
  layer.block = std::min(kernel.blockPixels, pixels);
  layer.gather = gather;
  layer.scratchBytes =
      bandBytes + layer.block * layer.depthPadded *
                      ((gather ? 1 : 0) + kernel.scratchBytesPerElement - 1);
  return layer;
}

/// Scratch bytes of an int8 depthwise 3x3 convolution on the target's own
/// kernel (one padded channel, MOTE_DEPTHWISE_SCRATCH in mote_gemm.h), or 0
/// when the layer takes the portable kernel.
inline int64_t depthwiseScratchOf(const TargetDescription &target,
                                  Operation *op) {
  auto conv = dyn_cast<Conv2DOp>(op);
  if (!conv || target.depthwiseCallee.empty() ||
      !isa<quant::QuantizedType>(getElementTypeOrSelf(conv.getInput())))
    return 0;
  auto weight = cast<RankedTensorType>(conv.getWeight().getType());
  ArrayRef<int64_t> y = cast<RankedTensorType>(conv.getType()).getShape();
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(conv.getInput().getType()).getShape();
  if (conv.getGroup() != x[1] || conv.getGroup() != y[1] ||
      weight.getDimSize(2) != 3 || weight.getDimSize(3) != 3 ||
      conv.getDilations()[0] != 1 || conv.getDilations()[1] != 1)
    return 0;
  return ((y[2] - 1) * conv.getStrides()[0] + 3) *
         ((y[3] - 1) * conv.getStrides()[1] + 4);
}

/// Where the mutable model state (`ml_program.global`s: trained weights,
/// optimizer moments) lives: the start of the arena, before the scratch
/// memory of whichever function runs.
struct StateLayout {
  llvm::StringMap<int64_t> offsetOf;
  int64_t bytes = 0;
};

/// Lists `header` in the module's `mote.kernel_headers`, which the C source
/// includes.
inline void addHeader(ModuleOp module, StringRef header) {
  SmallVector<StringRef> headers;
  if (auto list = module->getAttrOfType<ArrayAttr>("mote.kernel_headers"))
    for (Attribute a : list)
      headers.push_back(cast<StringAttr>(a).getValue());
  if (llvm::is_contained(headers, header))
    return;
  headers.push_back(header);
  module->setAttr("mote.kernel_headers",
                  Builder(module.getContext()).getStrArrayAttr(headers));
}

/// Row-major strides of `shape` right-aligned to 4 dims, 0 where the dim
/// broadcasts against `out`.
inline SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> shape,
                                             ArrayRef<int64_t> out) {
  SmallVector<int64_t> padded(4 - shape.size(), 1);
  llvm::append_range(padded, shape);
  SmallVector<int64_t> strides(4, 0);
  int64_t stride = 1;
  for (int d = 3; d >= 0; --d) {
    strides[d] = padded[d] == 1 && out[d] != 1 ? 0 : stride;
    stride *= padded[d];
  }
  return strides;
}

/// Sets the broadcast fields of a parameter block for operands of shapes
/// `lhs` and `rhs` and a result of shape `out` (rank <= 4).
template <typename Params>
void setBroadcast(Params &p, ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                  ArrayRef<int64_t> out) {
  SmallVector<int64_t> dims(4 - out.size(), 1);
  llvm::append_range(dims, out);
  SmallVector<int64_t> ls = broadcastStrides(lhs, dims);
  SmallVector<int64_t> rs = broadcastStrides(rhs, dims);
  p.dim0 = dims[0];
  p.dim1 = dims[1];
  p.dim2 = dims[2];
  p.dim3 = dims[3];
  p.lhs_stride0 = ls[0];
  p.lhs_stride1 = ls[1];
  p.lhs_stride2 = ls[2];
  p.lhs_stride3 = ls[3];
  p.rhs_stride0 = rs[0];
  p.rhs_stride1 = rs[1];
  p.rhs_stride2 = rs[2];
  p.rhs_stride3 = rs[3];
}

class Lowering;
struct LoweringState;

/// Which ops a pattern takes: those of a train step (any element type),
/// float ops, or integer (quantized) ops.
enum class LoweringDomain { Training, Float, Integer };

/// The numeric domain of a Mote op: training ops are those with a pattern
/// in the Training domain; the boundary quantize and dequantize are
/// integer ops.
LoweringDomain domainOf(Operation *op, bool isTrainingOp);

/// Adds the conversion patterns of the op families to a pattern set.
class LoweringPatterns {
public:
  LoweringPatterns(RewritePatternSet &patterns, const TypeConverter &converter,
                   LoweringState &state)
      : patterns(patterns), converter(converter), state(state) {}

  /// Adds the pattern that lowers ops `OpTy` of `domain` with `fn`.
  template <typename OpTy, typename Arg>
  void add(LoweringDomain domain, LogicalResult (Lowering::*fn)(Arg));

  RewritePatternSet &getPatterns() { return patterns; }
  const TypeConverter &getTypeConverter() { return converter; }
  LoweringState &getState() { return state; }

private:
  RewritePatternSet &patterns;
  const TypeConverter &converter;
  LoweringState &state;
};

void populateConvolutionPatterns(LoweringPatterns &patterns);
void populateElementwisePatterns(LoweringPatterns &patterns);
void populatePoolingPatterns(LoweringPatterns &patterns);
void populateDataMovementPatterns(LoweringPatterns &patterns);
void populateQuantizationPatterns(LoweringPatterns &patterns);
void populateTrainingPatterns(LoweringPatterns &patterns);
void populateOptimizerPatterns(LoweringPatterns &patterns);
void populateSgqPatterns(LoweringPatterns &patterns);
void populatePassSkipPatterns(LoweringPatterns &patterns);
void populateRecurrentPatterns(LoweringPatterns &patterns);
/// Function signatures, returns, views and state reads.
void populateStructuralPatterns(LoweringPatterns &patterns);

/// What the patterns of one function share: its memory plan, the state
/// layout, the target, the kernel function being built and the symbols made
/// so far. Made by the pattern that converts the function's signature.
class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp kfunc, const MemoryPlan &plan,
           StringRef name, StringRef kernelName, const StateLayout &state,
           int64_t arenaBytes, const TargetDescription &target,
           ConversionPatternRewriter &rewriter)
      : module(module), kfunc(kfunc), plan(plan), name(name.str()),
        kernelName(kernelName.str()), state(state), arenaBytes(arenaBytes),
        target(target), rewriter(rewriter), builder(rewriter) {}

  /// Replaces `op` by what `lower` emits: sets up the op's operand buffers
  /// (`operands`, the conversion's remapped values), the symbol prefix and
  /// location of its calls, and replaces its results by their buffers.
  LogicalResult rewrite(Operation *op, ValueRange operands, bool training,
                        function_ref<LogicalResult()> lower);
  /// Replaces the function's return by copies of the results that no
  /// kernel wrote into the caller's buffers.
  LogicalResult rewriteReturn(func::ReturnOp op, ValueRange operands);

  ModuleOp module;
  func::FuncOp kfunc;
  const MemoryPlan &plan;
  std::string name;
  std::string kernelName;
  const StateLayout &state;
  int64_t arenaBytes;
  /// State globals an update op has written: later reads would see the
  /// new value, which the graph's value semantics forbid.
  llvm::StringSet<> updated;
  const TargetDescription &target;
  /// The conversion's rewriter: every op the lowering makes is built (and
  /// tracked) through it.
  ConversionPatternRewriter &rewriter;
  OpBuilder &builder;
  /// Insertion point for globals (before the function).
  Operation *globalsAnchor = nullptr;
  Value arena;
  /// Returned values a kernel writes straight into the caller's buffer.
  DenseMap<Value, Value> kOutputs;
  /// The buffers of the current op's operands and results.
  DenseMap<Value, Value> operandBuffers, resultBuffers;
  unsigned layer = 0;
  unsigned constantCounter = 0;
  std::string prefix; // "<name>_l<N>_" of the layer being lowered

  MLIRContext *ctx() { return module.getContext(); }
  Type i32() { return IntegerType::get(ctx(), 32); }
  /// Prefix of the symbols this function's constants get: the model name
  /// for the inference function, the kernel function's name otherwise.
  std::string symbolBase() {
    return kernelName == name + "_run" || kernelName == name + "_infer"
               ? name
               : kernelName;
  }

  /// The element type stored for a tensor value.
  Type storageOf(Value v) {
    Type e = getElementTypeOrSelf(v.getType());
    if (auto q = dyn_cast<quant::QuantizedType>(e))
      return q.getStorageType();
    // A boolean is a byte (0 or 1).
    if (e.isInteger(1))
      return IntegerType::get(ctx(), 8);
    return e;
  }

  /// The buffer type of a tensor value.
  MemRefType bufferType(Value v) {
    return MemRefType::get(cast<ShapedType>(v.getType()).getShape(),
                           storageOf(v));
  }

  /// A constant 1-D buffer (memref.global in flash) holding `values`.
  Value arrayGlobal(StringRef suffix, DenseElementsAttr values) {
    std::string symbol = prefix + suffix.str();
    // A boolean constant is stored as bytes (0 or 1).
    if (values.getElementType().isInteger(1))
      values = values.mapValues(IntegerType::get(ctx(), 8),
                                [](const APInt &bit) { return bit.zext(8); });
    Type element = values.getElementType();
    auto type = MemRefType::get({values.getNumElements()}, element);
    auto flat = values.reshape(
        RankedTensorType::get({values.getNumElements()}, element));
    {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(globalsAnchor);
      memref::GlobalOp::create(builder, kfunc.getLoc(), symbol,
                               builder.getStringAttr("private"), type, flat,
                               /*constant=*/true, IntegerAttr());
    }
    return memref::GetGlobalOp::create(builder, kfunc.getLoc(), type, symbol);
  }

  Value i32Array(StringRef suffix, ArrayRef<int32_t> values) {
    auto type = RankedTensorType::get({int64_t(values.size())}, i32());
    return arrayGlobal(suffix, DenseElementsAttr::get(type, values));
  }

  /// The buffer holding tensor `v`.
  FailureOr<Value> buffer(Operation *user, Value v);

  /// Calls kernel `callee` on `buffers` (the last `numOutputs` written).
  /// The target's kernels are declared in mote/mote_gemm.h, which the
  /// module then lists in its `mote.kernel_headers` attribute.
  kernel::CallOp call(StringRef callee, ValueRange buffers,
                      ArrayRef<Attribute> scalars, StringRef paramsType = "",
                      DictionaryAttr params = {}, int64_t numOutputs = 1) {
    if ((target.gemm && callee == target.gemm->callee) ||
        callee == target.depthwiseCallee)
      addKernelHeader("mote/mote_gemm.h");
    auto op = kernel::CallOp::create(
        builder, kfunc.getLoc(), FlatSymbolRefAttr::get(ctx(), callee), buffers,
        guard,
        paramsType.empty() ? StringAttr() : builder.getStringAttr(paramsType),
        params, builder.getArrayAttr(scalars),
        builder.getI64IntegerAttr(numOutputs), /*commits_state=*/UnitAttr(),
        guard ? builder.getI64IntegerAttr(guardIndex) : IntegerAttr());
    op->setLoc(currentLoc);
    return op;
  }
  /// The tile flags (a state buffer) and tile of the op being lowered when
  /// it belongs to a PASS tile (`mote.pass_tile`): its calls run only when
  /// the flag is set.
  Value guard;
  int64_t guardIndex = 0;
  /// Calls `callee` with the parameter block `params` (an ABI struct).
  template <typename Params>
  void callWith(StringRef callee, const Params &params, ValueRange buffers,
                ArrayRef<Attribute> scalars = {}, int64_t numOutputs = 1) {
    call(callee, buffers, scalars, Params::cType, params.toAttr(ctx()),
         numOutputs);
  }
  Location currentLoc = UnknownLoc::get(ctx());

  void addKernelHeader(StringRef header) { addHeader(module, header); }

  /// The activation range [lo, hi] of an op's fused clamp, in the integer
  /// domain of its int8 result.
  /// Whether the code of `op`'s module follows TensorFlow Lite's numerics.
  static bool tfliteNumerics(Operation *op) {
    auto module = op->getParentOfType<ModuleOp>();
    auto mode = module ? module->getAttrOfType<StringAttr>(kNumericsAttrName)
                       : StringAttr();
    return mode && mode.getValue() == "tflite";
  }

  std::pair<int64_t, int64_t> activationRange(Operation *op, QParams out) {
    auto bound = [&](StringRef name) -> std::optional<double> {
      if (auto value = op->getAttrOfType<FloatAttr>(name))
        return value.getValueAsDouble();
      return std::nullopt;
    };
    return mote::activationRange(out.scale, out.zeroPoint, bound("clamp_min"),
                                 bound("clamp_max"));
  }

  /// Per-channel multipliers and shifts for real multipliers `reals`.
  std::pair<Value, Value> multipliers(ArrayRef<double> reals) {
    SmallVector<int32_t> m, s;
    for (double r : reals) {
      Q31Multiplier q = quantizeMultiplier(r);
      m.push_back(q.multiplier);
      s.push_back(q.shift);
    }
    return {i32Array("multiplier", m), i32Array("shift", s)};
  }

  /// The quantization of a conv or fully-connected layer: per-tensor int8
  /// input and output, and the per-output-channel real multipliers
  /// input x weight / output scale for `channels` output channels (the
  /// weight's dimension 0 when -1).
  FailureOr<LayerQuant> layerQuant(Operation *op, Value input, Value weight,
                                   Value output, int64_t channels = -1);
  /// The view of the arena the plan made for `op`'s scratch buffer, or a
  /// 1-byte view at 0 when the op needs none.
  Value scratchBuffer(Operation *op);
  /// The constant weights and int32 biases (zeros when absent) of a layer.
  FailureOr<std::pair<DenseElementsAttr, SmallVector<int32_t>>>
  layerConstants(Operation *op, Value weight, Value bias, size_t channels);
  /// Emits a layer's constant arrays (weights as given) and the call of its
  /// kernel, with a scratch buffer before the output if `withScratch`.
  LogicalResult emitKernelCall(Operation *op, StringRef callee,
                               StringRef paramsType, DictionaryAttr params,
                               Value input, DenseElementsAttr weights,
                               ArrayRef<int32_t> bias, ArrayRef<double> reals,
                               Value output, bool withScratch);
  /// Emits the constant arrays of a layer and the call of its kernel, with
  /// the layer's scratch buffer before the output if the plan has one.
  LogicalResult emitLayerCall(Operation *op, StringRef callee,
                              StringRef paramsType, DictionaryAttr params,
                              Value input, Value weight, Value bias,
                              ArrayRef<double> reals, Value output);
  /// Emits the packed constants and the call of the target's
  /// matrix-product kernel; `params` has the convolution's fields set, the
  /// matrix-product fields are filled in here.
  LogicalResult emitGemmCall(Operation *op, const GemmLayer &gemm,
                             abi::mote_gemm_conv_params params,
                             int64_t inputOffset, Value input, Value weight,
                             Value bias, ArrayRef<double> reals, Value output);
  /// Calls `callee(scalars..., input, output)` for a one-input op.
  LogicalResult callElementwise(Operation *op, StringRef callee,
                                ArrayRef<Attribute> scalars);

  /// The buffer the memory plan gives result `v` of the current op.
  FailureOr<Value> resultBuffer(Value v);
  /// The arena view of a state global.
  Value stateBuffer(FlatSymbolRefAttr symbol, Type tensorType);
  /// The arena view of the state global `symbol` that `op` names, or an
  /// error on `op` when it has no place in the state.
  FailureOr<Value> stateGlobal(Operation *op, FlatSymbolRefAttr symbol);
  /// A view of the arena at `offset` (from the arena's start).
  Value arenaView(int64_t offset, MemRefType type);
  /// The fused activation bounds of a float op, +-FLT_MAX when absent.
  SmallVector<Attribute> floatBounds(Operation *op);
  LogicalResult lowerConv(Conv2DOp op);
  LogicalResult lowerFullyConnected(FullyConnectedOp op);
  LogicalResult lowerBinary(Operation *op, StringRef callee);
  LogicalResult lowerAvgPool(Operation *op, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             bool countIncludePad);
  LogicalResult lowerMaxPool(MaxPool2DOp op);
  LogicalResult lowerQuantize(QuantizeOp op);
  LogicalResult lowerPerAxis(Operation *op,
                             quant::UniformQuantizedPerAxisType type,
                             StringRef callee);
  LogicalResult lowerDequantize(DequantizeOp op);
  LogicalResult lowerRequantize(Operation *op);
  LogicalResult lowerSoftmax(SoftmaxOp op);
  LogicalResult lowerSoftmaxInt8(SoftmaxOp op, int64_t outer, int64_t n,
                                 int64_t inner);
  LogicalResult lowerLookupTable(Operation *op,
                                 llvm::function_ref<double(double)> fn);
  /// An int8 element-wise op as the table of its 256 results (index q +
  /// 128), applied by mote_lut_s8.
  LogicalResult lowerTable(Operation *op, const std::array<int8_t, 256> &table);
  /// Logistic or tanh in TFLite's numerics: the table of TFLite's fixed-point
  /// results when the output has TFLite's fixed quantization, else the
  /// table of `fn`.
  LogicalResult lowerTFLiteActivation(Operation *op, bool tanh,
                                      llvm::function_ref<double(double)> fn);
  LogicalResult lowerTranspose(TransposeOp op);
  LogicalResult lowerConcat(ConcatOp op);
  LogicalResult lowerPad(PadOp op);
  LogicalResult lowerResize(ResizeOp op);
  LogicalResult lowerReduce(ReduceOp op);
  LogicalResult lowerLayerNorm(LayerNormOp op);
  LogicalResult lowerLayerNormS8(LayerNormOp op);
  LogicalResult lowerRnn(RnnOp op);
  LogicalResult lowerGru(GruOp op);
  LogicalResult lowerLstm(LstmOp op);
  LogicalResult lowerRnnS8(RnnOp op);
  LogicalResult lowerGruS8(GruOp op);
  LogicalResult lowerLstmS8(LstmOp op);
  /// The buffer of the current op's optional operand `v`, or `count` float
  /// zeros in flash (named `suffix`) when it is absent.
  FailureOr<Value> bufferOrZeros(Value v, int64_t count, StringRef suffix);
  LogicalResult lowerSlice(SliceOp op);
  LogicalResult lowerGather(GatherOp op);
  LogicalResult lowerWhere(WhereOp op);
  LogicalResult lowerCompare(CompareOp op);
  LogicalResult lowerInsertSlice(InsertSliceOp op);
  /// Calls mote_insert_slice: `patch` at `offsets` of `dest`, into `output`
  /// (in place when it is `dest`).
  LogicalResult callInsertSlice(Operation *op, Value patch, Value dest,
                                Value output, ArrayRef<int64_t> offsets);
  LogicalResult lowerEmpty(EmptyOp op);
  //===--------------------------------------------------------------------===//
  // Shared by the op families
  //===--------------------------------------------------------------------===//

  /// The op being lowered (set by `rewrite`); the helpers below report
  /// errors on it.
  Operation *current = nullptr;
  static constexpr float big = std::numeric_limits<float>::max();

  static ArrayRef<int64_t> shapeOf(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }
  static int64_t countOf(Value v) {
    return cast<ShapedType>(v.getType()).getNumElements();
  }
  /// An i32 and an f32 scalar argument.
  Attribute i32(int64_t v) { return builder.getI32IntegerAttr(v); }
  Attribute f32(double v) { return builder.getF32FloatAttr(v); }
  /// Optional clamp bounds, +-FLT_MAX when absent.
  static std::pair<double, double> bounds(std::optional<APFloat> min,
                                          std::optional<APFloat> max) {
    const double limit = std::numeric_limits<float>::max();
    return std::make_pair(min ? min->convertToDouble() : -limit,
                          max ? max->convertToDouble() : limit);
  }
  /// The buffers of `values`.
  FailureOr<SmallVector<Value>> buffers(ValueRange values);
  /// A constant (or, for trained state, state) operand's buffer.
  FailureOr<Value> constantBuffer(Value v, StringRef what);
  /// A float layer's bias buffer, zeros when it has none.
  FailureOr<Value> biasBuffer(Value bias, int64_t channels);
  /// `mote_activation_f32` of kind `kind` on the current op.
  LogicalResult activation(abi::Activation kind, float a, float b);
  /// Calls `callee` on the buffers of `values` (the last `outputs` written).
  LogicalResult emit(StringRef callee, ValueRange values,
                     ArrayRef<Attribute> scalars, int64_t outputs = 1);
  /// Calls `callee` with the parameter block `params` on `values`.
  template <typename Params>
  LogicalResult emitWith(StringRef callee, const Params &params,
                         ValueRange values) {
    FailureOr<SmallVector<Value>> io = buffers(values);
    if (failed(io))
      return failure();
    callWith(callee, params, *io);
    return success();
  }

  //===--------------------------------------------------------------------===//
  // Lowerings, by family (one file each); each file adds their patterns.
  //===--------------------------------------------------------------------===//

  // PassSkip.cpp
  LogicalResult lowerPassGate(PassGateOp o);
  LogicalResult lowerPassPropagate(PassPropagateOp o);
  LogicalResult lowerPassStore(PassStoreOp o);
  // Sgq.cpp
  LogicalResult lowerSgqEncode(SgqEncodeOp o);
  LogicalResult lowerSgqDecode(SgqDecodeOp o);
  // Convolution.cpp
  LogicalResult lowerConv2DF32(Conv2DOp o);
  LogicalResult lowerConvTranspose2DF32(ConvTranspose2DOp o);
  LogicalResult lowerConvTranspose2DS8(ConvTranspose2DOp o);
  LogicalResult lowerPReluS8(PReluOp o);
  LogicalResult lowerFullyConnectedF32(FullyConnectedOp o);
  LogicalResult lowerMatMulF32(MatMulOp o);
  LogicalResult lowerConv2DSums(Conv2DOp o);
  LogicalResult lowerMatMulSums(MatMulOp o);
  LogicalResult lowerMatMulS8(MatMulOp o);
  LogicalResult lowerConv2DS8(Conv2DOp o);
  LogicalResult lowerFullyConnectedS8(FullyConnectedOp o);
  // Elementwise.cpp
  LogicalResult lowerBinaryF32(Operation *o);
  LogicalResult lowerReluF32(ReluOp o);
  LogicalResult lowerClampF32(ClampOp o);
  LogicalResult lowerSigmoidF32(SigmoidOp o);
  LogicalResult lowerTanhF32(TanhOp o);
  LogicalResult lowerHardSigmoidF32(HardSigmoidOp o);
  LogicalResult lowerHardSwishF32(HardSwishOp o);
  LogicalResult lowerLeakyReluF32(LeakyReluOp o);
  LogicalResult lowerEluF32(EluOp o);
  LogicalResult lowerErfF32(ErfOp o);
  LogicalResult lowerGeluF32(GeluOp o);
  LogicalResult lowerSoftmaxF32(SoftmaxOp o);
  LogicalResult lowerAddS8(AddOp o);
  LogicalResult lowerSubS8(SubOp o);
  LogicalResult lowerMulS8(MulOp o);
  LogicalResult lowerSoftmaxS8(SoftmaxOp o);
  LogicalResult lowerSigmoidS8(SigmoidOp o);
  LogicalResult lowerTanhS8(TanhOp o);
  LogicalResult lowerHardSigmoidS8(HardSigmoidOp o);
  LogicalResult lowerLeakyReluS8(LeakyReluOp o);
  LogicalResult lowerEluS8(EluOp o);
  LogicalResult lowerErfS8(ErfOp o);
  LogicalResult lowerGeluS8(GeluOp o);
  LogicalResult lowerHardSwishS8(HardSwishOp o);
  // Pooling.cpp
  LogicalResult lowerMaxPool2DF32(MaxPool2DOp o);
  LogicalResult lowerAvgPool2DF32(AvgPool2DOp o);
  LogicalResult lowerGlobalAvgPoolF32(GlobalAvgPoolOp o);
  LogicalResult lowerAvgPool2DS8(AvgPool2DOp o);
  LogicalResult lowerGlobalAvgPoolS8(GlobalAvgPoolOp o);
  LogicalResult lowerMaxPool2DS8(MaxPool2DOp o);
  // DataMovement.cpp
  LogicalResult lowerTransposeF32(TransposeOp o);
  LogicalResult lowerConcatF32(ConcatOp o);
  LogicalResult lowerPadF32(PadOp o);
  LogicalResult lowerSliceF32(SliceOp o);
  LogicalResult lowerInsertSliceF32(InsertSliceOp o);
  LogicalResult lowerEmptyF32(EmptyOp o);
  LogicalResult lowerTransposeS8(TransposeOp o);
  LogicalResult lowerConcatS8(ConcatOp o);
  LogicalResult lowerPadS8(PadOp o);
  LogicalResult lowerSliceS8(SliceOp o);
  LogicalResult lowerInsertSliceS8(InsertSliceOp o);
  LogicalResult lowerEmptyS8(EmptyOp o);
  // Quantization.cpp
  LogicalResult lowerQuantizeS8(QuantizeOp o);
  LogicalResult lowerDequantizeS8(DequantizeOp o);
  LogicalResult lowerRequantizeS8(Operation *o);
  // Training.cpp
  LogicalResult lowerConv2DBackwardInput(Conv2DBackwardInputOp o);
  LogicalResult lowerConv2DBackwardWeight(Conv2DBackwardWeightOp o);
  LogicalResult
  lowerFullyConnectedBackwardInput(FullyConnectedBackwardInputOp o);
  LogicalResult
  lowerFullyConnectedBackwardWeight(FullyConnectedBackwardWeightOp o);
  LogicalResult lowerBiasBackward(BiasBackwardOp o);
  LogicalResult lowerClampBackward(ClampBackwardOp o);
  LogicalResult lowerActivationBackward(ActivationBackwardOp o);
  LogicalResult lowerMaxPool2DBackward(MaxPool2DBackwardOp o);
  LogicalResult lowerAvgPool2DBackward(AvgPool2DBackwardOp o);
  LogicalResult lowerSoftmaxCrossEntropy(SoftmaxCrossEntropyOp o);
  LogicalResult lowerElementwiseLoss(ElementwiseLossOp o);
  LogicalResult lowerDynamicQuantize(DynamicQuantizeOp o);
  LogicalResult lowerInt8Conv2D(Int8Conv2DOp o);
  LogicalResult lowerInt8Conv2DBackwardWeight(Int8Conv2DBackwardWeightOp o);
  LogicalResult lowerInt8Conv2DBackwardInput(Int8Conv2DBackwardInputOp o);
  LogicalResult lowerInt8FullyConnected(Int8FullyConnectedOp o);
  LogicalResult
  lowerInt8FullyConnectedBackwardWeight(Int8FullyConnectedBackwardWeightOp o);
  LogicalResult
  lowerInt8FullyConnectedBackwardInput(Int8FullyConnectedBackwardInputOp o);
  LogicalResult lowerChannelAffine(ChannelAffineOp o);
  LogicalResult lowerChannelAffineBackward(ChannelAffineBackwardOp o);
  // Optimizers.cpp
  LogicalResult lowerSGDUpdate(SGDUpdateOp o);
  LogicalResult lowerAdamUpdate(AdamUpdateOp o);
};

/// What the patterns of the whole module share.
struct LoweringState {
  LoweringState(ModuleOp module, StringRef modelName,
                const TargetDescription &target)
      : module(module), modelName(modelName.str()), target(target) {}

  /// What the lowering of a graph function starts from.
  struct FunctionPlan {
    MemoryPlan plan;
    std::string kernelName;
  };

  ModuleOp module;
  std::string modelName;
  const TargetDescription &target;
  StateLayout state;
  int64_t arenaBytes = 1;
  /// Graph functions to lower, and their plans.
  DenseMap<Operation *, FunctionPlan> plans;
  /// Kernel functions being built, and their lowerings.
  DenseMap<Operation *, std::unique_ptr<Lowering>> functions;
  /// Set once a pattern reported an error: the others then stop, so one
  /// mistake gives one diagnostic.
  bool failed = false;

  /// The lowering of the kernel function `op` is in, or null.
  Lowering *loweringOf(Operation *op) {
    auto func = op->getParentOfType<func::FuncOp>();
    auto it = functions.find(func);
    return it == functions.end() ? nullptr : it->second.get();
  }
};

/// Lowers ops `OpTy` of one numeric domain with a `Lowering` member.
template <typename OpTy, typename Arg>
class MoteOpLowering : public OpConversionPattern<OpTy> {
public:
  using Fn = LogicalResult (Lowering::*)(Arg);

  MoteOpLowering(const TypeConverter &converter, MLIRContext *ctx,
                 LoweringState &state, LoweringDomain domain, Fn fn)
      : OpConversionPattern<OpTy>(converter, ctx), state(state), domain(domain),
        fn(fn) {}

  LogicalResult
  matchAndRewrite(OpTy op,
                  typename OpConversionPattern<OpTy>::OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Lowering *lowering = state.loweringOf(op);
    if (state.failed || !lowering)
      return failure();
    bool training = domain == LoweringDomain::Training;
    if (domainOf(op, training) != domain)
      return rewriter.notifyMatchFailure(op, "another numeric domain");
    LogicalResult result =
        lowering->rewrite(op, adaptor.getOperands(), training, [&] {
          if constexpr (std::is_same_v<Arg, Operation *>)
            return (lowering->*fn)(op.getOperation());
          else
            return (lowering->*fn)(op);
        });
    if (failed(result))
      state.failed = true;
    return result;
  }

private:
  LoweringState &state;
  LoweringDomain domain;
  Fn fn;
};

template <typename OpTy, typename Arg>
void LoweringPatterns::add(LoweringDomain domain,
                           LogicalResult (Lowering::*fn)(Arg)) {
  patterns.add<MoteOpLowering<OpTy, Arg>>(converter, patterns.getContext(),
                                          state, domain, fn);
}

} // namespace mote::lowering

#endif // MOTE_LIB_CONVERSION_MOTETOKERNEL_LOWERING_H
