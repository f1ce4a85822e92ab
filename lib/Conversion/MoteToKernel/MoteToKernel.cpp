//===- MoteToKernel.cpp - Lower planned INT8 Mote IR to kernel calls ------===//
//
// One lowering function per op family turns a Mote op into a call of one of
// the runtime's portable microkernels on buffers. Every compile-time
// decision is made here, from the op's types and the memory plan:
// requantization multipliers, activation ranges, broadcast strides, arena
// offsets. The kernel level's lowering to EmitC is then mechanical.
//
//===----------------------------------------------------------------------===//

#include "mote/Conversion/FixedPoint.h"
#include "mote/Conversion/Passes.h"
#include "mote/Conversion/TargetDescription.h"

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
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

namespace mote {
#define GEN_PASS_DEF_CONVERTMOTETOKERNEL
#include "mote/Conversion/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// Scale and zero point of a per-tensor quantized tensor value.
struct QParams {
  double scale;
  int64_t zeroPoint;
};

FailureOr<QParams> perTensor(Operation *op, Value value) {
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

/// Returns the constant a value is (through storage casts), or null.
DenseElementsAttr constantOf(Value value) {
  while (auto cast = value.getDefiningOp<quant::StorageCastOp>())
    value = cast.getInput();
  DenseElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr;
  return {};
}

/// Returns a C identifier fragment for a layer name.
std::string sanitize(StringRef name) {
  std::string result;
  for (char c : name)
    result += llvm::isAlnum(c) ? c : '_';
  return result;
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
abi::mote_fully_connected_f32_params fcF32Params(int64_t batch,
                                                 ArrayRef<int64_t> weight) {
  abi::mote_fully_connected_f32_params p;
  p.batch = batch;
  p.in_features = weight[1];
  p.out_features = weight[0];
  return p;
}

/// The geometry of a pooling over NCHW input `x` into `y`; the int8 fields
/// are those of a plain copy (the float kernels ignore them).
abi::mote_pool2d_s8_params
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

std::optional<GemmLayer> gemmLayerOf(const TargetDescription &target,
                                     Operation *op) {
  if (!target.gemm || op->getNumOperands() < 2 ||
      !isa<quant::QuantizedType>(getElementTypeOrSelf(op->getOperand(0))))
    return std::nullopt;
  const GemmKernel &kernel = *target.gemm;
  auto weight = cast<RankedTensorType>(op->getOperand(1).getType());
  int64_t depth = weight.getNumElements() / weight.getDimSize(0), pixels = 1;
  bool gather = true;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    if (conv.getGroup() != 1)
      return std::nullopt; // depthwise and grouped: the generic kernel
    ArrayRef<int64_t> y = cast<RankedTensorType>(conv.getType()).getShape();
    pixels = y[2] * y[3];
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
  layer.scratchBytes = layer.block * layer.depthPadded *
                       ((gather ? 1 : 0) + kernel.scratchBytesPerElement - 1);
  return layer;
}

/// Scratch bytes of an int8 depthwise 3x3 convolution on the target's own
/// kernel (one padded channel, MOTE_DEPTHWISE_SCRATCH in mote_gemm.h), or 0
/// when the layer takes the portable kernel.
int64_t depthwiseScratchOf(const TargetDescription &target, Operation *op) {
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
void addHeader(ModuleOp module, StringRef header) {
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

/// State of the lowering of one function.
class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp func, const MemoryPlan &plan,
           StringRef name, StringRef kernelName, const StateLayout &state,
           int64_t arenaBytes, const TargetDescription &target)
      : module(module), func(func), plan(plan), name(name.str()),
        kernelName(kernelName.str()), state(state), arenaBytes(arenaBytes),
        target(target), builder(module.getContext()) {}

  LogicalResult run();

private:
  ModuleOp module;
  func::FuncOp func;
  const MemoryPlan &plan;
  std::string name;
  std::string kernelName;
  const StateLayout &state;
  int64_t arenaBytes;
  /// State globals an update op has written: later reads would see the
  /// new value, which the graph's value semantics forbid.
  llvm::StringSet<> updated;
  const TargetDescription &target;
  OpBuilder builder;
  /// Insertion point for globals (before the function).
  Operation *globalsAnchor = nullptr;
  func::FuncOp kfunc;
  Value arena;
  DenseMap<Value, Value> kArgs;    // graph arguments -> input buffers
  DenseMap<Value, Value> kOutputs; // returned values -> output buffers
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
    Type element = values.getElementType();
    auto type = MemRefType::get({values.getNumElements()}, element);
    auto flat = values.reshape(
        RankedTensorType::get({values.getNumElements()}, element));
    {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(globalsAnchor);
      memref::GlobalOp::create(builder, func.getLoc(), symbol,
                               builder.getStringAttr("private"), type, flat,
                               /*constant=*/true, IntegerAttr());
    }
    return memref::GetGlobalOp::create(builder, func.getLoc(), type, symbol);
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
  void call(StringRef callee, ValueRange buffers, ArrayRef<Attribute> scalars,
            StringRef paramsType = "", DictionaryAttr params = {},
            int64_t numOutputs = 1) {
    if ((target.gemm && callee == target.gemm->callee) ||
        callee == target.depthwiseCallee)
      addKernelHeader("mote/mote_gemm.h");
    auto op = kernel::CallOp::create(
        builder, func.getLoc(), FlatSymbolRefAttr::get(ctx(), callee), buffers,
        paramsType.empty() ? StringAttr() : builder.getStringAttr(paramsType),
        params, builder.getArrayAttr(scalars),
        builder.getI64IntegerAttr(numOutputs));
    op->setLoc(currentLoc);
  }
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
  /// input x weight / output scale.
  FailureOr<LayerQuant> layerQuant(Operation *op, Value input, Value weight,
                                   Value output);
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

  LogicalResult lower(Operation *op);
  LogicalResult lowerFloat(Operation *op);
  /// Lowers the backward, loss and optimizer ops of a train step.
  LogicalResult lowerTraining(Operation *op);
  /// The arena view of a state global.
  Value stateBuffer(FlatSymbolRefAttr symbol, Type tensorType);
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
  LogicalResult lowerDequantize(DequantizeOp op);
  LogicalResult lowerRequantize(Operation *op);
  LogicalResult lowerSoftmax(SoftmaxOp op);
  LogicalResult lowerLookupTable(Operation *op,
                                 llvm::function_ref<double(double)> fn);
  LogicalResult lowerTranspose(TransposeOp op);
  LogicalResult lowerConcat(ConcatOp op);
  LogicalResult lowerPad(PadOp op);
  LogicalResult lowerSlice(SliceOp op);
};

FailureOr<Value> Lowering::buffer(Operation *user, Value v) {
  Location loc = func.getLoc();
  if (auto it = kArgs.find(v); it != kArgs.end())
    return it->second;
  if (auto it = kOutputs.find(v); it != kOutputs.end())
    return it->second;
  if (DenseElementsAttr constant = constantOf(v)) {
    if (!isa<IntegerType, FloatType>(constant.getElementType()))
      return user->emitOpError("has a constant operand of unsupported type");
    return arrayGlobal("const" + std::to_string(constantCounter++), constant);
  }
  if (auto load = v.getDefiningOp<ml_program::GlobalLoadOp>()) {
    StringRef symbol = load.getGlobal().getLeafReference();
    if (updated.contains(symbol))
      return user->emitOpError("reads state '")
             << symbol << "' after an update of it";
    return stateBuffer(FlatSymbolRefAttr::get(ctx(), symbol), v.getType());
  }
  auto it = plan.bufferOf.find(v);
  if (it == plan.bufferOf.end()) {
    // A view of a function argument.
    Operation *def = v.getDefiningOp();
    // Kernels see buffers as flat storage: a view is its source buffer.
    if (def && isa<ReshapeOp, quant::StorageCastOp>(def))
      return buffer(user, def->getOperand(0));
    return user->emitOpError("operand has no storage in the memory plan");
  }
  return arenaView(state.bytes + plan.buffers[it->second].offset,
                   bufferType(v));
}

Value Lowering::arenaView(int64_t offset, MemRefType type) {
  Location loc = func.getLoc();
  Value c = arith::ConstantIndexOp::create(builder, loc, offset);
  return memref::ViewOp::create(builder, loc, type, arena, c, ValueRange{});
}

Value Lowering::stateBuffer(FlatSymbolRefAttr symbol, Type tensorType) {
  auto shaped = cast<ShapedType>(tensorType);
  return arenaView(state.offsetOf.lookup(symbol.getValue()),
                   MemRefType::get(shaped.getShape(), shaped.getElementType()));
}

FailureOr<LayerQuant> Lowering::layerQuant(Operation *op, Value input,
                                           Value weight, Value output) {
  FailureOr<QParams> in = perTensor(op, input);
  FailureOr<QParams> out = perTensor(op, output);
  if (failed(in) || failed(out))
    return failure();
  auto wType = cast<RankedTensorType>(weight.getType());
  auto wq = getQuantType(wType);
  if (auto t = dyn_cast<quant::UniformQuantizedType>(wq); t && t.getZeroPoint())
    return op->emitOpError("has no C lowering for a weight zero point yet");
  LayerQuant layer{{}, *in, *out};
  for (double ws : getScales(wq, wType.getDimSize(0)))
    layer.reals.push_back(in->scale * ws / out->scale);
  return layer;
}

FailureOr<std::pair<DenseElementsAttr, SmallVector<int32_t>>>
Lowering::layerConstants(Operation *op, Value weight, Value bias,
                         size_t channels) {
  DenseElementsAttr weights = constantOf(weight);
  if (!weights)
    return op->emitOpError("has no C lowering for a non-constant weight");
  // Kernels take a bias array; a layer without one gets zeros.
  SmallVector<int32_t> biases(channels, 0);
  if (bias) {
    DenseElementsAttr values = constantOf(bias);
    if (!values)
      return op->emitOpError("has no C lowering for a non-constant bias");
    biases.assign(values.getValues<int32_t>().begin(),
                  values.getValues<int32_t>().end());
  }
  return std::make_pair(weights, biases);
}

LogicalResult Lowering::emitKernelCall(Operation *op, StringRef callee,
                                       StringRef paramsType,
                                       DictionaryAttr params, Value input,
                                       DenseElementsAttr weights,
                                       ArrayRef<int32_t> bias,
                                       ArrayRef<double> reals, Value output,
                                       bool withScratch) {
  Value w = arrayGlobal("weights", weights);
  Value b = i32Array("bias", bias);
  auto [m, s] = multipliers(reals);
  FailureOr<Value> in = buffer(op, input);
  FailureOr<Value> out = buffer(op, output);
  if (failed(in) || failed(out))
    return failure();
  if (withScratch)
    call(callee, {*in, w, b, m, s, scratchBuffer(op), *out}, {}, paramsType,
         params, /*numOutputs=*/2);
  else
    call(callee, {*in, w, b, m, s, *out}, {}, paramsType, params);
  return success();
}

LogicalResult Lowering::emitLayerCall(Operation *op, StringRef callee,
                                      StringRef paramsType,
                                      DictionaryAttr params, Value input,
                                      Value weight, Value bias,
                                      ArrayRef<double> reals, Value output) {
  auto constants = layerConstants(op, weight, bias, reals.size());
  if (failed(constants))
    return failure();
  return emitKernelCall(op, callee, paramsType, params, input, constants->first,
                        constants->second, reals, output,
                        /*withScratch=*/plan.scratchOf.count(op) != 0);
}

Value Lowering::scratchBuffer(Operation *op) {
  int64_t offset = 0, bytes = 1;
  if (auto it = plan.scratchOf.find(op); it != plan.scratchOf.end()) {
    offset = plan.buffers[it->second].offset;
    bytes = plan.buffers[it->second].bytes;
  }
  return arenaView(state.bytes + offset,
                   MemRefType::get({bytes}, IntegerType::get(ctx(), 8)));
}

LogicalResult Lowering::emitGemmCall(Operation *op, const GemmLayer &gemm,
                                     abi::mote_gemm_conv_params params,
                                     int64_t inputOffset, Value input,
                                     Value weight, Value bias,
                                     ArrayRef<double> reals, Value output) {
  auto constants = layerConstants(op, weight, bias, reals.size());
  if (failed(constants))
    return failure();
  std::optional<PackedWeights> packed = packWeights(
      *target.gemm, constants->first, constants->second, inputOffset);
  if (!packed)
    return op->emitOpError("bias plus input offset times the weight sum "
                           "leaves the int32 range");
  params.input_zero_point = -inputOffset; // the kernel pads with it
  params.depth = gemm.depth;
  params.depth_padded = gemm.depthPadded;
  params.block = gemm.block;
  params.gather = gemm.gather;
  // A gather-free layer has no scratch: any valid pointer will do.
  return emitKernelCall(op, target.gemm->callee, params.cType,
                        params.toAttr(ctx()), input, packed->weights,
                        packed->bias, reals, output, /*withScratch=*/true);
}

LogicalResult Lowering::lowerConv(Conv2DOp op) {
  FailureOr<LayerQuant> layer =
      layerQuant(op, op.getInput(), op.getWeight(), op.getOutput());
  if (failed(layer))
    return failure();
  QParams in = layer->input, out = layer->output;
  ArrayRef<int64_t> w =
      cast<RankedTensorType>(op.getWeight().getType()).getShape();
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(op.getInput().getType()).getShape();
  ArrayRef<int64_t> y = cast<RankedTensorType>(op.getType()).getShape();
  std::pair<int64_t, int64_t> range = activationRange(op, out);
  if (std::optional<GemmLayer> gemm = gemmLayerOf(target, op)) {
    abi::mote_gemm_conv_params params;
    setConvShape(params, x, y);
    setWindow(params, w.drop_front(2), op.getStrides(), op.getDilations(),
              op.getPads());
    setInt8Output(params, out.zeroPoint, range);
    return emitGemmCall(op, *gemm, params, -in.zeroPoint, op.getInput(),
                        op.getWeight(), op.getBias(), layer->reals,
                        op.getOutput());
  }
  abi::mote_conv2d_s8_params params;
  setConvShape(params, x, y);
  setWindow(params, w.drop_front(2), op.getStrides(), op.getDilations(),
            op.getPads());
  params.groups = op.getGroup();
  params.input_offset = -in.zeroPoint;
  setInt8Output(params, out.zeroPoint, range);
  StringRef callee = depthwiseScratchOf(target, op) > 0
                         ? StringRef(target.depthwiseCallee)
                         : StringRef("mote_conv2d_s8");
  return emitLayerCall(op, callee, params.cType, params.toAttr(ctx()),
                       op.getInput(), op.getWeight(), op.getBias(),
                       layer->reals, op.getOutput());
}

LogicalResult Lowering::lowerFullyConnected(FullyConnectedOp op) {
  FailureOr<LayerQuant> layer =
      layerQuant(op, op.getInput(), op.getWeight(), op.getOutput());
  if (failed(layer))
    return failure();
  QParams in = layer->input, out = layer->output;
  ArrayRef<int64_t> w =
      cast<RankedTensorType>(op.getWeight().getType()).getShape();
  std::pair<int64_t, int64_t> range = activationRange(op, out);
  int64_t batch = cast<RankedTensorType>(op.getInput().getType()).getDimSize(0);
  if (std::optional<GemmLayer> gemm = gemmLayerOf(target, op)) {
    // A 1x1 convolution of a 1x1 image.
    abi::mote_gemm_conv_params params;
    setConvShape(params, {batch, w[1], 1, 1}, {batch, w[0], 1, 1});
    setWindow(params, {1, 1}, {1, 1}, {1, 1}, {0, 0});
    setInt8Output(params, out.zeroPoint, range);
    return emitGemmCall(op, *gemm, params, -in.zeroPoint, op.getInput(),
                        op.getWeight(), op.getBias(), layer->reals,
                        op.getOutput());
  }
  abi::mote_fully_connected_s8_params params;
  params.batch = batch;
  params.in_features = w[1];
  params.out_features = w[0];
  params.input_offset = -in.zeroPoint;
  setInt8Output(params, out.zeroPoint, range);
  return emitLayerCall(op, "mote_fully_connected_s8", params.cType,
                       params.toAttr(ctx()), op.getInput(), op.getWeight(),
                       op.getBias(), layer->reals, op.getOutput());
}

/// Row-major strides of `shape` right-aligned to 4 dims, 0 where the dim
/// broadcasts against `out`.
static SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> shape,
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
static void setBroadcast(Params &p, ArrayRef<int64_t> lhs,
                         ArrayRef<int64_t> rhs, ArrayRef<int64_t> out) {
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

LogicalResult Lowering::lowerBinary(Operation *op, StringRef callee) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  FailureOr<QParams> a = perTensor(op, lhs), b = perTensor(op, rhs),
                     out = perTensor(op, op->getResult(0));
  if (failed(a) || failed(b) || failed(out))
    return failure();
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  if (shape.size() > 4)
    return op->emitOpError("has no C lowering for rank above 4");
  Q31Multiplier lm, rm, om;
  int64_t leftShift = 0;
  if (callee == "mote_mul_s8") {
    om = quantizeMultiplier(a->scale * b->scale / out->scale);
  } else {
    // TFLite's scheme: inputs to a common scale twice the larger one, with
    // 20 bits of headroom.
    leftShift = 20;
    double twiceMax = 2 * std::max(a->scale, b->scale);
    lm = quantizeMultiplier(a->scale / twiceMax);
    rm = quantizeMultiplier(b->scale / twiceMax);
    om = quantizeMultiplier(twiceMax / (double(1 << leftShift) * out->scale));
  }
  abi::mote_binary_s8_params params;
  setBroadcast(params, cast<RankedTensorType>(lhs.getType()).getShape(),
               cast<RankedTensorType>(rhs.getType()).getShape(), shape);
  params.lhs_offset = -a->zeroPoint;
  params.rhs_offset = -b->zeroPoint;
  params.left_shift = leftShift;
  params.lhs_multiplier = lm.multiplier;
  params.lhs_shift = lm.shift;
  params.rhs_multiplier = rm.multiplier;
  params.rhs_shift = rm.shift;
  params.output_multiplier = om.multiplier;
  params.output_shift = om.shift;
  setInt8Output(params, out->zeroPoint, activationRange(op, *out));
  FailureOr<Value> l = buffer(op, lhs), r = buffer(op, rhs),
                   o = buffer(op, op->getResult(0));
  if (failed(l) || failed(r) || failed(o))
    return failure();
  callWith(callee, params, {*l, *r, *o});
  return success();
}

LogicalResult Lowering::lowerAvgPool(Operation *op, ArrayRef<int64_t> kernel,
                                     ArrayRef<int64_t> strides,
                                     ArrayRef<int64_t> pads,
                                     bool countIncludePad) {
  FailureOr<QParams> in = perTensor(op, op->getOperand(0));
  FailureOr<QParams> out = perTensor(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(op->getOperand(0).getType()).getShape();
  ArrayRef<int64_t> y =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  int64_t window = kernel[0] * kernel[1];
  bool padded = llvm::any_of(pads, [](int64_t p) { return p != 0; });
  // One multiplier when every window averages `window` elements, else one
  // per possible element count.
  SmallVector<double> reals;
  if (!padded || countIncludePad) {
    reals.push_back(in->scale / (out->scale * window));
  } else {
    reals.push_back(0.0);
    for (int64_t c = 1; c <= window; ++c)
      reals.push_back(in->scale / (out->scale * c));
  }
  abi::mote_pool2d_s8_params params =
      poolParams(x, y, kernel, strides, {1, 1}, pads, countIncludePad);
  params.input_offset = -in->zeroPoint;
  setInt8Output(params, out->zeroPoint, activationRange(op, *out));
  params.table_size = reals.size();
  auto [m, s] = multipliers(reals);
  FailureOr<Value> input = buffer(op, op->getOperand(0));
  FailureOr<Value> output = buffer(op, op->getResult(0));
  if (failed(input) || failed(output))
    return failure();
  callWith("mote_avg_pool2d_s8", params, {*input, m, s, *output});
  return success();
}

LogicalResult Lowering::lowerMaxPool(MaxPool2DOp op) {
  FailureOr<QParams> in = perTensor(op, op.getInput());
  if (failed(in))
    return failure();
  ArrayRef<int64_t> x =
      cast<RankedTensorType>(op.getInput().getType()).getShape();
  ArrayRef<int64_t> y = cast<RankedTensorType>(op.getType()).getShape();
  abi::mote_pool2d_s8_params params =
      poolParams(x, y, op.getKernel(), op.getStrides(), op.getDilations(),
                 op.getPads(), /*countIncludePad=*/false);
  params.input_offset = -in->zeroPoint;
  setInt8Output(params, in->zeroPoint, {-128, 127});
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  callWith("mote_max_pool2d_s8", params, {*input, *output});
  return success();
}

LogicalResult Lowering::callElementwise(Operation *op, StringRef callee,
                                        ArrayRef<Attribute> scalars) {
  FailureOr<Value> input = buffer(op, op->getOperand(0));
  FailureOr<Value> output = buffer(op, op->getResult(0));
  if (failed(input) || failed(output))
    return failure();
  call(callee, {*input, *output}, scalars);
  return success();
}

/// The per-tensor uint8 type of `v`, if it has one (boundary tensors of
/// models with uint8 inputs or outputs).
static quant::UniformQuantizedType unsignedPerTensor(Value v) {
  auto type =
      dyn_cast_or_null<quant::UniformQuantizedType>(getQuantType(v.getType()));
  if (type && !type.isSigned() && type.getStorageTypeIntegralWidth() == 8)
    return type;
  return {};
}

LogicalResult Lowering::lowerQuantize(QuantizeOp op) {
  int64_t count = cast<RankedTensorType>(op.getType()).getNumElements();
  if (auto u8 = unsignedPerTensor(op.getOutput()))
    return callElementwise(op, "mote_quantize_f32_u8",
                           {builder.getI32IntegerAttr(count),
                            builder.getF32FloatAttr(u8.getScale()),
                            builder.getI32IntegerAttr(u8.getZeroPoint())});
  FailureOr<QParams> out = perTensor(op, op.getOutput());
  if (failed(out))
    return failure();
  return callElementwise(
      op, "mote_quantize_f32_s8",
      {builder.getI32IntegerAttr(count), builder.getF32FloatAttr(out->scale),
       builder.getI32IntegerAttr(out->zeroPoint),
       builder.getI32IntegerAttr(-128), builder.getI32IntegerAttr(127)});
}

LogicalResult Lowering::lowerDequantize(DequantizeOp op) {
  int64_t count = cast<RankedTensorType>(op.getType()).getNumElements();
  if (auto u8 = unsignedPerTensor(op.getInput()))
    return callElementwise(op, "mote_dequantize_u8_f32",
                           {builder.getI32IntegerAttr(count),
                            builder.getF32FloatAttr(u8.getScale()),
                            builder.getI32IntegerAttr(u8.getZeroPoint())});
  FailureOr<QParams> in = perTensor(op, op.getInput());
  if (failed(in))
    return failure();
  return callElementwise(op, "mote_dequantize_s8_f32",
                         {builder.getI32IntegerAttr(count),
                          builder.getF32FloatAttr(in->scale),
                          builder.getI32IntegerAttr(in->zeroPoint)});
}

/// Requantize, and quantized relu / clamp: a rescale with a clamp.
LogicalResult Lowering::lowerRequantize(Operation *op) {
  FailureOr<QParams> in = perTensor(op, op->getOperand(0));
  FailureOr<QParams> out = perTensor(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  std::optional<double> min, max;
  if (isa<ReluOp>(op))
    min = 0.0;
  if (auto clamp = dyn_cast<ClampOp>(op)) {
    min = clamp.getMin().convertToDouble();
    max = clamp.getMax().convertToDouble();
  }
  auto [lo, hi] = mote::activationRange(out->scale, out->zeroPoint, min, max);
  Q31Multiplier q = quantizeMultiplier(in->scale / out->scale);
  int64_t count =
      cast<RankedTensorType>(op->getResult(0).getType()).getNumElements();
  return callElementwise(op, "mote_requantize_s8",
                         {builder.getI32IntegerAttr(count),
                          builder.getI32IntegerAttr(-in->zeroPoint),
                          builder.getI32IntegerAttr(q.multiplier),
                          builder.getI32IntegerAttr(q.shift),
                          builder.getI32IntegerAttr(out->zeroPoint),
                          builder.getI32IntegerAttr(lo),
                          builder.getI32IntegerAttr(hi)});
}

/// An int8 element-wise function as a 256-entry table of
/// quantize(fn(dequantize(q))), rounded half to even like QuantizeLinear.
LogicalResult
Lowering::lowerLookupTable(Operation *op,
                           llvm::function_ref<double(double)> fn) {
  FailureOr<QParams> in = perTensor(op, op->getOperand(0));
  FailureOr<QParams> out = perTensor(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  SmallVector<int8_t> table;
  for (int q = -128; q <= 127; ++q) {
    // Float arithmetic as the float graph does it: dequantize, apply,
    // divide by the scale.
    float x =
        static_cast<float>(q - in->zeroPoint) * static_cast<float>(in->scale);
    float y = static_cast<float>(fn(x)) / static_cast<float>(out->scale);
    double v = std::nearbyint(y) + out->zeroPoint;
    table.push_back(static_cast<int8_t>(std::clamp(v, -128.0, 127.0)));
  }
  Value t = arrayGlobal(
      "table",
      DenseElementsAttr::get(RankedTensorType::get({256}, builder.getI8Type()),
                             ArrayRef(table)));
  FailureOr<Value> input = buffer(op, op->getOperand(0));
  FailureOr<Value> output = buffer(op, op->getResult(0));
  if (failed(input) || failed(output))
    return failure();
  int64_t count =
      cast<RankedTensorType>(op->getResult(0).getType()).getNumElements();
  call("mote_lut_s8", {t, *input, *output}, {builder.getI32IntegerAttr(count)});
  return success();
}

LogicalResult Lowering::lowerSoftmax(SoftmaxOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  if (!type.getElementType().isF32())
    return op.emitOpError("has no C lowering for a quantized softmax yet");
  int64_t rank = type.getRank();
  int64_t axis = int64_t(op.getAxis()) < 0 ? int64_t(op.getAxis()) + rank
                                           : int64_t(op.getAxis());
  int64_t n = type.getDimSize(axis);
  if (axis != rank - 1) {
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < rank; ++d)
      inner *= type.getDimSize(d);
    return callElementwise(
        op, "mote_softmax_axis_f32",
        {builder.getI32IntegerAttr(type.getNumElements() / (n * inner)),
         builder.getI32IntegerAttr(n), builder.getI32IntegerAttr(inner)});
  }
  return callElementwise(op, "mote_softmax_f32",
                         {builder.getI32IntegerAttr(type.getNumElements() / n),
                          builder.getI32IntegerAttr(n)});
}

LogicalResult Lowering::lowerTranspose(TransposeOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  if (type.getRank() > 6)
    return op.emitOpError("has no C lowering for rank above 6");
  SmallVector<int32_t> dims(type.getShape().begin(), type.getShape().end());
  SmallVector<int32_t> perm(op.getPerm().begin(), op.getPerm().end());
  int64_t bytes = getTensorBytes(type) / type.getNumElements();
  Value d = i32Array("dims", dims), p = i32Array("perm", perm);
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  call("mote_transpose", {d, p, *input, *output},
       {builder.getI32IntegerAttr(bytes),
        builder.getI32IntegerAttr(type.getRank())});
  return success();
}

LogicalResult Lowering::lowerConcat(ConcatOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  for (Value input : op.getInputs())
    if (getElementTypeOrSelf(input.getType()) != type.getElementType())
      return op.emitOpError("has no C lowering for inputs quantized unlike "
                            "the result yet");
  int64_t axis = op.getAxis();
  int64_t elementBytes = getTensorBytes(type) / type.getNumElements();
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= type.getDimSize(d);
  int64_t total = type.getNumElements() / outer, offset = 0;
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(output))
    return failure();
  for (Value input : op.getInputs()) {
    int64_t inner =
        cast<RankedTensorType>(input.getType()).getNumElements() / outer;
    FailureOr<Value> in = buffer(op, input);
    if (failed(in))
      return failure();
    call("mote_concat_part", {*in, *output},
         {builder.getI32IntegerAttr(elementBytes),
          builder.getI32IntegerAttr(outer), builder.getI32IntegerAttr(inner),
          builder.getI32IntegerAttr(offset), builder.getI32IntegerAttr(total)});
    offset += inner;
  }
  return success();
}

LogicalResult Lowering::lowerSlice(SliceOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  if (type.getRank() > 6)
    return op.emitOpError("has no C lowering for rank above 6");
  auto i32s = [](ArrayRef<int64_t> values) {
    return SmallVector<int32_t>(values.begin(), values.end());
  };
  Value d = i32Array("dims", i32s(type.getShape())),
        st = i32Array("starts", i32s(op.getStarts())),
        sp = i32Array("steps", i32s(op.getSteps())),
        od = i32Array("out_dims",
                      i32s(cast<RankedTensorType>(op.getType()).getShape()));
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  call("mote_slice", {d, st, sp, od, *input, *output},
       {builder.getI32IntegerAttr(getTensorBytes(type) / type.getNumElements()),
        builder.getI32IntegerAttr(type.getRank())});
  return success();
}

LogicalResult Lowering::lowerPad(PadOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  if (type.getRank() > 6)
    return op.emitOpError("has no C lowering for rank above 6");
  abi::PadMode mode = op.getMode() == "constant"  ? abi::PadMode::Constant
                      : op.getMode() == "reflect" ? abi::PadMode::Reflect
                                                  : abi::PadMode::Edge;
  DenseElementsAttr value;
  if (type.getElementType().isF32()) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({1}, type.getElementType()),
        op.getValue().convertToFloat());
  } else {
    FailureOr<QParams> q = perTensor(op, op.getInput());
    if (failed(q))
      return failure();
    int64_t v =
        quantizeToInt8(op.getValue().convertToDouble(), q->scale, q->zeroPoint);
    value = DenseElementsAttr::get(
        RankedTensorType::get({1}, IntegerType::get(ctx(), 8)),
        static_cast<int8_t>(v));
  }
  SmallVector<int32_t> dims(type.getShape().begin(), type.getShape().end());
  SmallVector<int32_t> pads(op.getPads().begin(), op.getPads().end());
  Value d = i32Array("dims", dims), p = i32Array("pads", pads),
        v = arrayGlobal("value", value);
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> output = buffer(op, op.getOutput());
  if (failed(input) || failed(output))
    return failure();
  call("mote_pad", {d, p, v, *input, *output},
       {builder.getI32IntegerAttr(getTensorBytes(type) / type.getNumElements()),
        builder.getI32IntegerAttr(type.getRank()),
        builder.getI32IntegerAttr(static_cast<int32_t>(mode))});
  return success();
}

SmallVector<Attribute> Lowering::floatBounds(Operation *op) {
  const float big = std::numeric_limits<float>::max();
  float lo = -big, hi = big;
  if (auto min = op->getAttrOfType<FloatAttr>("clamp_min"))
    lo = min.getValueAsDouble();
  if (auto max = op->getAttrOfType<FloatAttr>("clamp_max"))
    hi = max.getValueAsDouble();
  return {builder.getF32FloatAttr(lo), builder.getF32FloatAttr(hi)};
}

/// Lowers an op of a float model to the runtime's float kernels.
LogicalResult Lowering::lowerFloat(Operation *op) {
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  auto buffers = [&](ValueRange values) -> FailureOr<SmallVector<Value>> {
    SmallVector<Value> result;
    for (Value v : values) {
      FailureOr<Value> b = buffer(op, v);
      if (failed(b))
        return failure();
      result.push_back(*b);
    }
    return result;
  };
  auto constantBuffer = [&](Value v, StringRef what) -> FailureOr<Value> {
    if (v.getDefiningOp<ml_program::GlobalLoadOp>())
      return buffer(op, v); // trained state
    DenseElementsAttr attr = constantOf(v);
    if (!attr)
      return op->emitOpError("has no C lowering for a non-constant ") << what;
    return arrayGlobal(what, attr);
  };
  auto biasBuffer = [&](Value bias, int64_t channels) -> FailureOr<Value> {
    if (bias)
      return constantBuffer(bias, "bias");
    auto type = RankedTensorType::get({channels}, builder.getF32Type());
    return arrayGlobal("bias", DenseElementsAttr::get(type, 0.0f));
  };
  auto activation = [&](abi::Activation kind, float a,
                        float b) -> LogicalResult {
    FailureOr<SmallVector<Value>> io =
        buffers({op->getOperand(0), op->getResult(0)});
    if (failed(io))
      return failure();
    int64_t count =
        cast<RankedTensorType>(op->getResult(0).getType()).getNumElements();
    call("mote_activation_f32", *io,
         {builder.getI32IntegerAttr(static_cast<int32_t>(kind)),
          builder.getI32IntegerAttr(count), builder.getF32FloatAttr(a),
          builder.getF32FloatAttr(b)});
    return success();
  };
  const float big = std::numeric_limits<float>::max();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DOp o) -> LogicalResult {
        ArrayRef<int64_t> x = shapeOf(o.getInput()), y = shapeOf(o.getOutput()),
                          w = shapeOf(o.getWeight());
        FailureOr<Value> weight = constantBuffer(o.getWeight(), "weights");
        FailureOr<Value> bias = biasBuffer(o.getBias(), w[0]);
        FailureOr<SmallVector<Value>> io =
            buffers({o.getInput(), o.getOutput()});
        if (failed(weight) || failed(bias) || failed(io))
          return failure();
        callWith("mote_conv2d_f32", convF32Params(o, x, w, y),
                 {(*io)[0], *weight, *bias, (*io)[1]}, floatBounds(o));
        return success();
      })
      .Case([&](FullyConnectedOp o) -> LogicalResult {
        ArrayRef<int64_t> x = shapeOf(o.getInput()), w = shapeOf(o.getWeight());
        FailureOr<Value> weight = constantBuffer(o.getWeight(), "weights");
        FailureOr<Value> bias = biasBuffer(o.getBias(), w[0]);
        FailureOr<SmallVector<Value>> io =
            buffers({o.getInput(), o.getOutput()});
        if (failed(weight) || failed(bias) || failed(io))
          return failure();
        callWith("mote_fully_connected_f32", fcF32Params(x[0], w),
                 {(*io)[0], *weight, *bias, (*io)[1]}, floatBounds(o));
        return success();
      })
      .Case<AddOp, SubOp, MulOp>([&](Operation *o) -> LogicalResult {
        ArrayRef<int64_t> shape = shapeOf(o->getResult(0));
        if (shape.size() > 4)
          return o->emitOpError("has no C lowering for rank above 4");
        abi::mote_broadcast_params params;
        setBroadcast(params, shapeOf(o->getOperand(0)),
                     shapeOf(o->getOperand(1)), shape);
        FailureOr<SmallVector<Value>> io =
            buffers({o->getOperand(0), o->getOperand(1), o->getResult(0)});
        if (failed(io))
          return failure();
        StringRef callee = isa<AddOp>(o)   ? "mote_add_f32"
                           : isa<SubOp>(o) ? "mote_sub_f32"
                                           : "mote_mul_f32";
        callWith(callee, params, *io, floatBounds(o));
        return success();
      })
      .Case([&](MatMulOp o) -> LogicalResult {
        ArrayRef<int64_t> y = shapeOf(o.getOutput());
        if (y.size() > 6)
          return o->emitOpError("has no C lowering for more than 4 batch dims");
        // Batch dims padded to 4; strides count whole matrices.
        SmallVector<int64_t> dims(6 - y.size(), 1);
        llvm::append_range(dims, y.drop_back(2));
        auto matrixStrides = [&](ArrayRef<int64_t> shape) {
          SmallVector<int64_t> batch(shape.drop_back(2));
          SmallVector<int64_t> strides(4, 0);
          int64_t stride = 1;
          for (int64_t d = 3, i = int64_t(batch.size()) - 1; i >= 0; --d, --i) {
            strides[d] = batch[i] == 1 ? 0 : stride;
            stride *= batch[i];
          }
          return strides;
        };
        ArrayRef<int64_t> a = shapeOf(o.getLhs()), b = shapeOf(o.getRhs());
        SmallVector<int64_t> as = matrixStrides(a), bs = matrixStrides(b);
        abi::mote_matmul_params params;
        params.dim0 = dims[0];
        params.dim1 = dims[1];
        params.dim2 = dims[2];
        params.dim3 = dims[3];
        params.lhs_stride0 = as[0];
        params.lhs_stride1 = as[1];
        params.lhs_stride2 = as[2];
        params.lhs_stride3 = as[3];
        params.rhs_stride0 = bs[0];
        params.rhs_stride1 = bs[1];
        params.rhs_stride2 = bs[2];
        params.rhs_stride3 = bs[3];
        params.m = a[a.size() - 2];
        params.k = a.back();
        params.n = b.back();
        FailureOr<SmallVector<Value>> io =
            buffers({o.getLhs(), o.getRhs(), o.getOutput()});
        if (failed(io))
          return failure();
        callWith("mote_matmul_f32", params, *io);
        return success();
      })
      .Case([&](MaxPool2DOp o) -> LogicalResult {
        FailureOr<SmallVector<Value>> io =
            buffers({o.getInput(), o.getOutput()});
        if (failed(io))
          return failure();
        callWith("mote_max_pool2d_f32",
                 poolParams(shapeOf(o.getInput()), shapeOf(o.getOutput()),
                            o.getKernel(), o.getStrides(), o.getDilations(),
                            o.getPads(), false),
                 *io);
        return success();
      })
      .Case([&](AvgPool2DOp o) -> LogicalResult {
        FailureOr<SmallVector<Value>> io =
            buffers({o.getInput(), o.getOutput()});
        if (failed(io))
          return failure();
        callWith("mote_avg_pool2d_f32",
                 poolParams(shapeOf(o.getInput()), shapeOf(o.getOutput()),
                            o.getKernel(), o.getStrides(), {1, 1}, o.getPads(),
                            o.getCountIncludePad()),
                 *io);
        return success();
      })
      .Case([&](GlobalAvgPoolOp o) -> LogicalResult {
        ArrayRef<int64_t> x = shapeOf(o.getInput());
        FailureOr<SmallVector<Value>> io =
            buffers({o.getInput(), o.getOutput()});
        if (failed(io))
          return failure();
        callWith("mote_avg_pool2d_f32",
                 poolParams(x, shapeOf(o.getOutput()), {x[2], x[3]}, {1, 1},
                            {1, 1}, {0, 0, 0, 0}, false),
                 *io);
        return success();
      })
      .Case(
          [&](ReluOp) { return activation(abi::Activation::Clamp, 0.0f, big); })
      .Case([&](ClampOp o) {
        return activation(abi::Activation::Clamp, o.getMin().convertToFloat(),
                          o.getMax().convertToFloat());
      })
      .Case([&](SigmoidOp) {
        return activation(abi::Activation::Sigmoid, 0.0f, 0.0f);
      })
      .Case(
          [&](TanhOp) { return activation(abi::Activation::Tanh, 0.0f, 0.0f); })
      .Case([&](HardSigmoidOp o) {
        return activation(abi::Activation::HardSigmoid,
                          o.getAlpha().convertToFloat(),
                          o.getBeta().convertToFloat());
      })
      .Case([&](HardSwishOp) {
        return activation(abi::Activation::HardSwish, 0.0f, 0.0f);
      })
      .Case([&](SoftmaxOp o) { return lowerSoftmax(o); })
      .Case([&](TransposeOp o) { return lowerTranspose(o); })
      .Case([&](ConcatOp o) { return lowerConcat(o); })
      .Case([&](PadOp o) { return lowerPad(o); })
      .Case([&](SliceOp o) { return lowerSlice(o); })
      .Default([&](Operation *o) {
        return o->emitOpError("has no C lowering for float operands yet");
      });
}

LogicalResult Lowering::lowerTraining(Operation *op) {
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  auto countOf = [](Value v) {
    return cast<ShapedType>(v.getType()).getNumElements();
  };
  auto buffers = [&](ValueRange values) -> FailureOr<SmallVector<Value>> {
    SmallVector<Value> result;
    for (Value v : values) {
      FailureOr<Value> b = buffer(op, v);
      if (failed(b))
        return failure();
      result.push_back(*b);
    }
    return result;
  };
  auto i32 = [&](int64_t v) -> Attribute {
    return builder.getI32IntegerAttr(v);
  };
  // Optional clamp bounds, +-FLT_MAX when absent.
  auto bounds = [](std::optional<APFloat> min, std::optional<APFloat> max) {
    const double big = std::numeric_limits<float>::max();
    return std::make_pair(min ? min->convertToDouble() : -big,
                          max ? max->convertToDouble() : big);
  };
  auto f32 = [&](double v) -> Attribute { return builder.getF32FloatAttr(v); };
  // Calls `callee` on the buffers of `values` (the last `outputs` written).
  auto emit = [&](StringRef callee, ValueRange values,
                  ArrayRef<Attribute> scalars,
                  int64_t outputs = 1) -> LogicalResult {
    FailureOr<SmallVector<Value>> io = buffers(values);
    if (failed(io))
      return failure();
    call(callee, *io, scalars, "", {}, outputs);
    return success();
  };
  // Calls `callee` with the parameter block `params` on `values`.
  auto emitWith = [&](StringRef callee, const auto &params,
                      ValueRange values) -> LogicalResult {
    FailureOr<SmallVector<Value>> io = buffers(values);
    if (failed(io))
      return failure();
    callWith(callee, params, *io);
    return success();
  };
  addKernelHeader("mote/mote_train.h");
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DBackwardInputOp o) {
        return emitWith("mote_conv2d_backward_input_f32",
                        convF32Params(o, shapeOf(o.getGradInput()),
                                      shapeOf(o.getWeight()),
                                      shapeOf(o.getGradOutput())),
                        {o.getGradOutput(), o.getWeight(), o.getGradInput()});
      })
      .Case([&](Conv2DBackwardWeightOp o) {
        return emitWith("mote_conv2d_backward_weight_f32",
                        convF32Params(o, shapeOf(o.getInput()),
                                      shapeOf(o.getGradWeight()),
                                      shapeOf(o.getGradOutput())),
                        {o.getInput(), o.getGradOutput(), o.getGradWeight()});
      })
      .Case([&](FullyConnectedBackwardInputOp o) {
        ArrayRef<int64_t> w = shapeOf(o.getWeight());
        return emitWith("mote_fully_connected_backward_input_f32",
                        fcF32Params(shapeOf(o.getGradOutput())[0], w),
                        {o.getGradOutput(), o.getWeight(), o.getGradInput()});
      })
      .Case([&](FullyConnectedBackwardWeightOp o) {
        ArrayRef<int64_t> w = shapeOf(o.getGradWeight());
        return emitWith("mote_fully_connected_backward_weight_f32",
                        fcF32Params(shapeOf(o.getInput())[0], w),
                        {o.getInput(), o.getGradOutput(), o.getGradWeight()});
      })
      .Case([&](BiasBackwardOp o) {
        ArrayRef<int64_t> dy = shapeOf(o.getGradOutput());
        int64_t inner = countOf(o.getGradOutput()) / (dy[0] * dy[1]);
        return emit("mote_bias_backward_f32",
                    {o.getGradOutput(), o.getGradBias()},
                    {i32(dy[0]), i32(dy[1]), i32(inner)});
      })
      .Case([&](ClampBackwardOp o) {
        auto [lo, hi] = bounds(o.getMin(), o.getMax());
        return emit("mote_clamp_backward_f32",
                    {o.getGradOutput(), o.getOutput(), o.getGradInput()},
                    {i32(countOf(o.getGradInput())), f32(lo), f32(hi)});
      })
      .Case([&](MaxPool2DBackwardOp o) {
        bool int8 = getElementTypeOrSelf(o.getInput().getType()).isInteger(8);
        return emitWith(int8 ? "mote_max_pool2d_backward_s8"
                             : "mote_max_pool2d_backward_f32",
                        poolParams(shapeOf(o.getInput()),
                                   shapeOf(o.getGradOutput()), o.getKernel(),
                                   o.getStrides(), o.getDilations(),
                                   o.getPads(), false),
                        {o.getGradOutput(), o.getInput(), o.getGradInput()});
      })
      .Case([&](AvgPool2DBackwardOp o) {
        return emitWith("mote_avg_pool2d_backward_f32",
                        poolParams(shapeOf(o.getGradInput()),
                                   shapeOf(o.getGradOutput()), o.getKernel(),
                                   o.getStrides(), {1, 1}, o.getPads(),
                                   o.getCountIncludePad()),
                        {o.getGradOutput(), o.getGradInput()});
      })
      .Case([&](SoftmaxCrossEntropyOp o) {
        ArrayRef<int64_t> z = shapeOf(o.getLogits());
        return emit(
            "mote_softmax_cross_entropy_f32",
            {o.getLogits(), o.getLabels(), o.getLoss(), o.getGradLogits()},
            {i32(z[0]), i32(z[1])}, /*outputs=*/2);
      })
      .Case([&](DynamicQuantizeOp o) -> LogicalResult {
        ArrayRef<int64_t> x = shapeOf(o.getInput());
        int64_t count = countOf(o.getInput());
        int64_t slices = o.getAxis() == 0 ? x[0] : 1;
        FailureOr<SmallVector<Value>> io =
            buffers({o.getInput(), o.getOutput(), o.getScale()});
        if (failed(io))
          return failure();
        // Without stochastic rounding the generator is never read: any
        // int32 view will do.
        auto rngType = RankedTensorType::get({1}, builder.getI32Type());
        Value rng =
            o.getRngAttr()
                ? stateBuffer(o.getRngAttr(), rngType)
                : arenaView(0, MemRefType::get({1}, builder.getI32Type()));
        io->push_back(rng);
        call("mote_dynamic_quantize_s8", *io,
             {i32(slices), i32(count / slices),
              f32(o.getClip().convertToDouble()), i32(o.getRngAttr() ? 1 : 0)},
             "", {}, /*outputs=*/3);
        return success();
      })
      .Case([&](Int8Conv2DOp o) {
        return emitWith("mote_int8_conv2d_f32",
                        convF32Params(o, shapeOf(o.getInput()),
                                      shapeOf(o.getWeight()),
                                      shapeOf(o.getResult())),
                        {o.getInput(), o.getInputScale(), o.getWeight(),
                         o.getWeightScale(), o.getBias(), o.getResult()});
      })
      .Case([&](Int8Conv2DBackwardWeightOp o) {
        return emitWith("mote_int8_conv2d_backward_weight_f32",
                        convF32Params(o, shapeOf(o.getInput()),
                                      shapeOf(o.getResult()),
                                      shapeOf(o.getGradOutput())),
                        {o.getInput(), o.getInputScale(), o.getGradOutput(),
                         o.getGradScale(), o.getResult()});
      })
      .Case([&](Int8Conv2DBackwardInputOp o) {
        return emitWith("mote_int8_conv2d_backward_input_f32",
                        convF32Params(o, shapeOf(o.getResult()),
                                      shapeOf(o.getWeight()),
                                      shapeOf(o.getGradOutput())),
                        {o.getGradOutput(), o.getGradScale(), o.getWeight(),
                         o.getWeightScale(), o.getResult()});
      })
      .Case([&](Int8FullyConnectedOp o) {
        ArrayRef<int64_t> w = shapeOf(o.getWeight());
        return emitWith("mote_int8_fully_connected_f32",
                        fcF32Params(shapeOf(o.getInput())[0], w),
                        {o.getInput(), o.getInputScale(), o.getWeight(),
                         o.getWeightScale(), o.getBias(), o.getResult()});
      })
      .Case([&](Int8FullyConnectedBackwardWeightOp o) {
        ArrayRef<int64_t> w = shapeOf(o.getResult());
        return emitWith("mote_int8_fully_connected_backward_weight_f32",
                        fcF32Params(shapeOf(o.getInput())[0], w),
                        {o.getInput(), o.getInputScale(), o.getGradOutput(),
                         o.getGradScale(), o.getResult()});
      })
      .Case([&](Int8FullyConnectedBackwardInputOp o) {
        ArrayRef<int64_t> w = shapeOf(o.getWeight());
        return emitWith("mote_int8_fully_connected_backward_input_f32",
                        fcF32Params(shapeOf(o.getGradOutput())[0], w),
                        {o.getGradOutput(), o.getGradScale(), o.getWeight(),
                         o.getWeightScale(), o.getResult()});
      })
      .Case([&](ChannelAffineOp o) {
        ArrayRef<int64_t> x = shapeOf(o.getInput());
        auto [lo, hi] = bounds(o.getClampMin(), o.getClampMax());
        return emit("mote_channel_affine_f32",
                    {o.getInput(), o.getScale(), o.getShift(), o.getOutput()},
                    {i32(x[0]), i32(x[1]),
                     i32(countOf(o.getInput()) / (x[0] * x[1])), f32(lo),
                     f32(hi)});
      })
      .Case([&](ChannelAffineBackwardOp o) {
        ArrayRef<int64_t> y = shapeOf(o.getOutput());
        auto [lo, hi] = bounds(o.getClampMin(), o.getClampMax());
        SmallVector<Value> operands = {o.getGradOutput(), o.getOutput()};
        if (o.getOutputScale())
          operands.push_back(o.getOutputScale());
        llvm::append_range(
            operands, ValueRange{o.getScale(), o.getShift(), o.getGradInput(),
                                 o.getGradScale(), o.getGradShift()});
        return emit(o.getOutputScale() ? "mote_channel_affine_backward_s8_f32"
                                       : "mote_channel_affine_backward_f32",
                    operands,
                    {i32(y[0]), i32(y[1]),
                     i32(countOf(o.getOutput()) / (y[0] * y[1])), f32(lo),
                     f32(hi), f32(o.getL2().convertToDouble())},
                    /*outputs=*/3);
      })
      .Case([&](SGDUpdateOp o) -> LogicalResult {
        FailureOr<Value> grad = buffer(o, o.getGradient());
        if (failed(grad))
          return failure();
        Type type = o.getGradient().getType();
        Value param = stateBuffer(o.getParamAttr(), type);
        int64_t count = countOf(o.getGradient());
        if (FlatSymbolRefAttr moment = o.getMomentumStateAttr())
          call("mote_sgd_momentum_update_f32",
               {*grad, param, stateBuffer(moment, type)},
               {i32(count), f32(o.getLr().convertToDouble()),
                f32(o.getMomentum().convertToDouble()),
                f32(o.getWeightDecay().convertToDouble())},
               "", {}, 2);
        else
          call("mote_sgd_update_f32", {*grad, param},
               {i32(count), f32(o.getLr().convertToDouble()),
                f32(o.getWeightDecay().convertToDouble())});
        updated.insert(o.getParamAttr().getValue());
        return success();
      })
      .Case([&](AdamUpdateOp o) -> LogicalResult {
        FailureOr<Value> grad = buffer(o, o.getGradient());
        if (failed(grad))
          return failure();
        Type type = o.getGradient().getType();
        auto stepType = RankedTensorType::get({1}, builder.getF32Type());
        call("mote_adam_update_f32",
             {*grad, stateBuffer(o.getParamAttr(), type),
              stateBuffer(o.getFirstMomentAttr(), type),
              stateBuffer(o.getSecondMomentAttr(), type),
              stateBuffer(o.getStepAttr(), stepType)},
             {i32(countOf(o.getGradient())), f32(o.getLr().convertToDouble()),
              f32(o.getBeta1().convertToDouble()),
              f32(o.getBeta2().convertToDouble()),
              f32(o.getEpsilon().convertToDouble()),
              f32(o.getWeightDecay().convertToDouble()),
              i32(o.getIncrementStep() ? 1 : 0)},
             "", {}, 4);
        updated.insert(o.getParamAttr().getValue());
        return success();
      })
      .Default([&](Operation *o) {
        return o->emitOpError("has no C lowering yet");
      });
}

LogicalResult Lowering::lower(Operation *op) {
  // Constants, views and state reads have no code of their own.
  if (isa<arith::ConstantOp, quant::StorageCastOp, ReshapeOp,
          ml_program::GlobalLoadOp>(op))
    return success();
  prefix = symbolBase() + "_l" + std::to_string(layer++) + "_";
  std::string label = op->getName().getStringRef().str();
  op->getLoc()->walk([&](Location l) {
    if (auto nameLoc = dyn_cast<NameLoc>(l)) {
      label += " " + sanitize(nameLoc.getName().strref());
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  currentLoc = NameLoc::get(builder.getStringAttr(label));
  if (isa<Conv2DBackwardInputOp, Conv2DBackwardWeightOp,
          FullyConnectedBackwardInputOp, FullyConnectedBackwardWeightOp,
          BiasBackwardOp, ClampBackwardOp, MaxPool2DBackwardOp,
          AvgPool2DBackwardOp, SoftmaxCrossEntropyOp, SGDUpdateOp, AdamUpdateOp,
          DynamicQuantizeOp, Int8Conv2DOp, Int8Conv2DBackwardWeightOp,
          Int8Conv2DBackwardInputOp, Int8FullyConnectedOp,
          Int8FullyConnectedBackwardWeightOp, Int8FullyConnectedBackwardInputOp,
          ChannelAffineOp, ChannelAffineBackwardOp>(op))
    return lowerTraining(op);
  // Ops of float models (all but the boundary quantize / dequantize).
  if (!isa<QuantizeOp, DequantizeOp>(op) && op->getNumResults() == 1 &&
      getNumericKind(op->getResult(0).getType()) == NumericKind::Float)
    return lowerFloat(op);
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DOp o) { return lowerConv(o); })
      .Case([&](FullyConnectedOp o) { return lowerFullyConnected(o); })
      .Case([&](AddOp o) { return lowerBinary(o, "mote_add_s8"); })
      .Case([&](SubOp o) { return lowerBinary(o, "mote_sub_s8"); })
      .Case([&](MulOp o) { return lowerBinary(o, "mote_mul_s8"); })
      .Case([&](AvgPool2DOp o) {
        return lowerAvgPool(o, o.getKernel(), o.getStrides(), o.getPads(),
                            o.getCountIncludePad());
      })
      .Case([&](GlobalAvgPoolOp o) {
        ArrayRef<int64_t> x =
            cast<RankedTensorType>(o.getInput().getType()).getShape();
        SmallVector<int64_t> kernel = {x[2], x[3]};
        return lowerAvgPool(o, kernel, {1, 1}, {0, 0, 0, 0}, false);
      })
      .Case([&](MaxPool2DOp o) { return lowerMaxPool(o); })
      .Case([&](QuantizeOp o) { return lowerQuantize(o); })
      .Case([&](DequantizeOp o) { return lowerDequantize(o); })
      .Case<RequantizeOp, ReluOp, ClampOp>(
          [&](Operation *o) { return lowerRequantize(o); })
      .Case([&](SoftmaxOp o) { return lowerSoftmax(o); })
      .Case([&](SigmoidOp o) {
        return lowerLookupTable(
            o, [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
      })
      .Case([&](TanhOp o) {
        return lowerLookupTable(o, [](double x) { return std::tanh(x); });
      })
      .Case([&](HardSigmoidOp o) {
        double alpha = o.getAlpha().convertToDouble(),
               beta = o.getBeta().convertToDouble();
        return lowerLookupTable(o, [=](double x) {
          return std::clamp(alpha * x + beta, 0.0, 1.0);
        });
      })
      .Case([&](HardSwishOp o) {
        return lowerLookupTable(o, [](double x) {
          return x * std::clamp(x / 6.0 + 0.5, 0.0, 1.0);
        });
      })
      .Case([&](TransposeOp o) { return lowerTranspose(o); })
      .Case([&](ConcatOp o) { return lowerConcat(o); })
      .Case([&](PadOp o) { return lowerPad(o); })
      .Case([&](SliceOp o) { return lowerSlice(o); })
      .Default([&](Operation *o) {
        return o->emitOpError("has no C lowering yet");
      });
}

LogicalResult Lowering::run() {
  Location loc = func.getLoc();
  // Signature: inputs, outputs, arena (all buffers).
  SmallVector<Type> argTypes;
  for (BlockArgument arg : func.getArguments())
    argTypes.push_back(bufferType(arg));
  auto returnOp = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (Value result : returnOp.getOperands())
    argTypes.push_back(bufferType(result));
  argTypes.push_back(MemRefType::get({arenaBytes}, IntegerType::get(ctx(), 8)));
  builder.setInsertionPoint(func);
  kfunc = func::FuncOp::create(builder, loc, kernelName,
                               builder.getFunctionType(argTypes, {}));
  unsigned numInputs = func.getNumArguments();
  kfunc->setAttr("mote.num_inputs", builder.getI64IntegerAttr(numInputs));
  kfunc->setAttr("mote.arena_bytes", builder.getI64IntegerAttr(arenaBytes));
  globalsAnchor = kfunc;
  Block *body = kfunc.addEntryBlock();
  builder.setInsertionPointToStart(body);
  for (auto [i, arg] : llvm::enumerate(func.getArguments()))
    kArgs[arg] = body->getArgument(i);
  // Results computed by a kernel are written straight into the caller's
  // buffer; views, inputs and constants are copied there at the end.
  for (auto [i, result] : llvm::enumerate(returnOp.getOperands())) {
    Operation *def = result.getDefiningOp();
    if (def && !isa<ReshapeOp, quant::StorageCastOp>(def) &&
        !plan.bufferOf.count(result) && !constantOf(result))
      kOutputs[result] = body->getArgument(numInputs + i);
  }
  arena = body->getArgument(body->getNumArguments() - 1);

  for (Operation &op : func.getBody().front().without_terminator())
    if (failed(lower(&op)))
      return failure();

  // Results that live elsewhere (views of arena buffers, inputs, constants)
  // are copied to the caller's output buffers.
  for (auto [i, result] : llvm::enumerate(returnOp.getOperands())) {
    if (kOutputs.count(result))
      continue;
    prefix = symbolBase() + "_out" + std::to_string(i) + "_";
    FailureOr<Value> from = buffer(returnOp, result);
    if (failed(from))
      return failure();
    call("mote_copy", {*from, body->getArgument(numInputs + i)},
         {builder.getI32IntegerAttr(getTensorBytes(result.getType()))});
  }
  func::ReturnOp::create(builder, loc);
  func.erase();
  return success();
}

struct ConvertMoteToKernelPass
    : mote::impl::ConvertMoteToKernelBase<ConvertMoteToKernelPass> {
  using ConvertMoteToKernelBase::ConvertMoteToKernelBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    if (funcs.empty()) {
      module.emitError("expects a function to lower");
      return signalPassFailure();
    }
    const TargetDescription *description = lookupTarget(target);
    if (!description) {
      module.emitError("unknown target '")
          << target << "' (known: " << getTargetNames() << ")";
      return signalPassFailure();
    }
    // Mutable state first in the arena, each tensor 16-byte aligned.
    StateLayout state;
    SmallVector<ml_program::GlobalOp> globals(
        module.getOps<ml_program::GlobalOp>());
    for (ml_program::GlobalOp global : globals) {
      state.offsetOf[global.getSymName()] = state.bytes;
      state.bytes += (getTensorBytes(global.getType()) + 15) / 16 * 16;
    }
    // Each function plans its own scratch memory after the state; the
    // functions never run at once, so they share it.
    SmallVector<MemoryPlan> plans;
    int64_t arenaBytes = 1;
    for (func::FuncOp func : funcs) {
      FailureOr<MemoryPlan> plan =
          planMemory(func, /*alignment=*/16, [&](Operation *op) -> int64_t {
            if (std::optional<GemmLayer> gemm = gemmLayerOf(*description, op))
              return gemm->scratchBytes;
            return depthwiseScratchOf(*description, op);
          });
      if (failed(plan))
        return signalPassFailure();
      arenaBytes = std::max(arenaBytes, state.bytes + plan->arenaBytes);
      plans.push_back(std::move(*plan));
    }
    // The first function is the model; others are named by their suffix
    // (`@f_train_step` becomes `<name>_train_step`). With state, the model
    // function is `<name>_infer`: it reads the arena's state.
    StringRef base = funcs[0].getSymName();
    for (auto [func, plan] : llvm::zip(funcs, plans)) {
      StringRef suffix = func.getSymName();
      if (!suffix.consume_front(base)) {
        func.emitError("function name must start with the model's '")
            << base << "'";
        return signalPassFailure();
      }
      std::string kernelName =
          modelName + (suffix.empty() ? (globals.empty() ? "_run" : "_infer")
                                      : suffix.str());
      Lowering lowering(module, func, plan, modelName, kernelName, state,
                        arenaBytes, *description);
      if (failed(lowering.run()))
        return signalPassFailure();
    }
    if (!globals.empty()) {
      buildStateInit(module, globals, state, arenaBytes);
      mergeConstants(module);
    }
  }

  /// Emits `<name>_init_state(arena)`, which writes every state tensor's
  /// initial value into the arena: trained tensors from flash, optimizer
  /// state zeroed.
  void buildStateInit(ModuleOp module, ArrayRef<ml_program::GlobalOp> globals,
                      const StateLayout &state, int64_t arenaBytes) {
    MLIRContext *ctx = module.getContext();
    OpBuilder b(ctx);
    Location loc = module.getLoc();
    b.setInsertionPointToEnd(module.getBody());
    auto arenaType = MemRefType::get({arenaBytes}, IntegerType::get(ctx, 8));
    auto init = func::FuncOp::create(b, loc, modelName + "_init_state",
                                     b.getFunctionType({arenaType}, {}));
    init->setAttr("mote.num_inputs", b.getI64IntegerAttr(0));
    init->setAttr("mote.arena_bytes", b.getI64IntegerAttr(arenaBytes));
    Block *body = init.addEntryBlock();
    OpBuilder fb = OpBuilder::atBlockBegin(body);
    for (ml_program::GlobalOp global : globals) {
      auto type = cast<RankedTensorType>(global.getType());
      int64_t bytes = getTensorBytes(type);
      Value offset = arith::ConstantIndexOp::create(
          fb, loc, state.offsetOf.lookup(global.getSymName()));
      auto memType = MemRefType::get(type.getShape(), type.getElementType());
      Value to = memref::ViewOp::create(fb, loc, memType, body->getArgument(0),
                                        offset, ValueRange{});
      auto value = dyn_cast_or_null<DenseElementsAttr>(global.getValueAttr());
      auto flags = b.getI32IntegerAttr(bytes);
      if (!value || (value.isSplat() && value.getElementType().isF32() &&
                     value.getSplatValue<APFloat>().isPosZero())) {
        kernel::CallOp::create(
            fb, loc, FlatSymbolRefAttr::get(ctx, "mote_zero"), ValueRange{to},
            StringAttr(), DictionaryAttr(), fb.getArrayAttr({flags}),
            fb.getI64IntegerAttr(1));
        continue;
      }
      std::string symbol =
          modelName + "_" + global.getSymName().str() + "_init";
      auto flatType =
          MemRefType::get({type.getNumElements()}, type.getElementType());
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(init);
        memref::GlobalOp::create(
            b, loc, symbol, b.getStringAttr("private"), flatType,
            value.reshape(RankedTensorType::get({type.getNumElements()},
                                                type.getElementType())),
            /*constant=*/true, IntegerAttr());
      }
      Value from = memref::GetGlobalOp::create(fb, loc, flatType, symbol);
      kernel::CallOp::create(fb, loc, FlatSymbolRefAttr::get(ctx, "mote_copy"),
                             ValueRange{from, to}, StringAttr(),
                             DictionaryAttr(), fb.getArrayAttr({flags}),
                             fb.getI64IntegerAttr(1));
    }
    func::ReturnOp::create(fb, loc);
    addHeader(module, "mote/mote_train.h");
    // The layout, for the C header: name, offset, elements, trained.
    SmallVector<Attribute> layout;
    for (ml_program::GlobalOp global : globals)
      layout.push_back(b.getDictionaryAttr({
          b.getNamedAttr("name", global.getSymNameAttr()),
          b.getNamedAttr("offset", b.getI64IntegerAttr(state.offsetOf.lookup(
                                       global.getSymName()))),
          b.getNamedAttr("elements",
                         b.getI64IntegerAttr(cast<ShapedType>(global.getType())
                                                 .getNumElements())),
          b.getNamedAttr("trained",
                         b.getBoolAttr(global->hasAttr("mote.trained"))),
      }));
    module->setAttr("mote.state", b.getArrayAttr(layout));
    module->setAttr("mote.state_bytes", b.getI64IntegerAttr(state.bytes));
    for (ml_program::GlobalOp global : globals)
      global.erase();
  }

  /// Makes constant globals with equal types and values one symbol (a
  /// frozen layer read by both the model and its train step is stored
  /// once).
  void mergeConstants(ModuleOp module) {
    DenseMap<std::pair<Type, Attribute>, StringAttr> first;
    DenseMap<StringAttr, StringAttr> replacement;
    for (memref::GlobalOp global :
         llvm::make_early_inc_range(module.getOps<memref::GlobalOp>())) {
      if (!global.getConstant() || !global.getInitialValue())
        continue;
      auto key =
          std::make_pair(Type(global.getType()), *global.getInitialValue());
      auto [it, inserted] = first.try_emplace(key, global.getSymNameAttr());
      if (inserted)
        continue;
      replacement[global.getSymNameAttr()] = it->second;
      global.erase();
    }
    if (replacement.empty())
      return;
    module.walk([&](memref::GetGlobalOp get) {
      if (StringAttr to = replacement.lookup(get.getNameAttr().getAttr()))
        get.setNameAttr(FlatSymbolRefAttr::get(to));
    });
  }
};

} // namespace
