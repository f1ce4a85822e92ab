//===- Lowering.cpp - Buffers, constants and dispatch of the lowering -----===//

#include "Lowering.h"
#include "Mote/IR/Locations.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

FailureOr<Value> Lowering::buffer(Operation *user, Value v) {
  // Constants are stored in flash, one array per use (named after the
  // layer that reads it).
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
  }
  if (v.getDefiningOp() == current)
    return resultBuffer(v);
  if (Value b = operandBuffers.lookup(v))
    return b;
  return user->emitOpError("operand has no storage in the memory plan");
}
FailureOr<Value> Lowering::resultBuffer(Value v) {
  if (Value b = resultBuffers.lookup(v))
    return b;
  Value b = kOutputs.lookup(v);
  if (!b) {
    auto it = plan.bufferOf.find(v);
    if (it == plan.bufferOf.end())
      return current->emitOpError("result has no storage in the memory plan");
    b = arenaView(state.bytes + plan.buffers[it->second].offset, bufferType(v));
  }
  resultBuffers[v] = b;
  return b;
}
Value Lowering::arenaView(int64_t offset, MemRefType type) {
  Location loc = kfunc.getLoc();
  Value c = arith::ConstantIndexOp::create(builder, loc, offset);
  return memref::ViewOp::create(builder, loc, type, arena, c, ValueRange{});
}
Value Lowering::stateBuffer(FlatSymbolRefAttr symbol, Type tensorType) {
  auto shaped = cast<ShapedType>(tensorType);
  return arenaView(state.offsetOf.lookup(symbol.getValue()),
                   MemRefType::get(shaped.getShape(), shaped.getElementType()));
}
FailureOr<Value> Lowering::stateGlobal(Operation *op,
                                       FlatSymbolRefAttr symbol) {
  auto global =
      SymbolTable::lookupNearestSymbolFrom<ml_program::GlobalOp>(op, symbol);
  if (!global || !state.offsetOf.count(symbol.getValue()))
    return op->emitOpError("names '")
           << symbol.getValue() << "', which has no place in the state";
  return stateBuffer(symbol, global.getType());
}
FailureOr<LayerQuant> Lowering::layerQuant(Operation *op, Value input,
                                           Value weight, Value output,
                                           int64_t channels) {
  FailureOr<QParams> in = perTensor(op, input);
  FailureOr<QParams> out = perTensor(op, output);
  if (failed(in) || failed(out))
    return failure();
  auto wType = cast<RankedTensorType>(weight.getType());
  auto wq = getQuantType(wType);
  if (auto t = dyn_cast<quant::UniformQuantizedType>(wq); t && t.getZeroPoint())
    return op->emitOpError("has no C lowering for a weight zero point yet");
  LayerQuant layer{{}, *in, *out};
  for (double ws : getScales(wq, channels < 0 ? wType.getDimSize(0) : channels))
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
LogicalResult Lowering::callElementwise(Operation *op, StringRef callee,
                                        ArrayRef<Attribute> scalars) {
  FailureOr<Value> input = buffer(op, op->getOperand(0));
  FailureOr<Value> output = buffer(op, op->getResult(0));
  if (failed(input) || failed(output))
    return failure();
  call(callee, {*input, *output}, scalars);
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
FailureOr<SmallVector<Value>> Lowering::buffers(ValueRange values) {
  SmallVector<Value> result;
  for (Value v : values) {
    FailureOr<Value> b = buffer(current, v);
    if (failed(b))
      return failure();
    result.push_back(*b);
  }
  return result;
}

FailureOr<Value> Lowering::constantBuffer(Value v, StringRef what) {
  if (v.getDefiningOp<ml_program::GlobalLoadOp>())
    return buffer(current, v); // trained state
  DenseElementsAttr attr = constantOf(v);
  if (!attr)
    return current->emitOpError("has no C lowering for non-constant ") << what;
  return arrayGlobal(what, attr);
}

FailureOr<Value> Lowering::biasBuffer(Value bias, int64_t channels) {
  if (bias)
    return constantBuffer(bias, "bias");
  auto type = RankedTensorType::get({channels}, builder.getF32Type());
  return arrayGlobal("bias", DenseElementsAttr::get(type, 0.0f));
}

LogicalResult Lowering::activation(abi::Activation kind, float a, float b) {
  FailureOr<SmallVector<Value>> io =
      buffers({current->getOperand(0), current->getResult(0)});
  if (failed(io))
    return failure();
  int64_t count = countOf(current->getResult(0));
  call("mote_activation_f32", *io,
       {builder.getI32IntegerAttr(static_cast<int32_t>(kind)),
        builder.getI32IntegerAttr(count), builder.getF32FloatAttr(a),
        builder.getF32FloatAttr(b)});
  return success();
}

LogicalResult Lowering::emit(StringRef callee, ValueRange values,
                             ArrayRef<Attribute> scalars, int64_t outputs) {
  FailureOr<SmallVector<Value>> io = buffers(values);
  if (failed(io))
    return failure();
  call(callee, *io, scalars, "", {}, outputs);
  return success();
}

LoweringDomain mote::lowering::domainOf(Operation *op, bool isTrainingOp) {
  if (isTrainingOp)
    return LoweringDomain::Training;
  // Ops of float models (all but the boundary quantize / dequantize).
  if (!isa<QuantizeOp, DequantizeOp>(op) && op->getNumResults() >= 1 &&
      getNumericKind(op->getResult(0).getType()) == NumericKind::Float)
    return LoweringDomain::Float;
  return LoweringDomain::Integer;
}

LogicalResult Lowering::rewrite(Operation *op, ValueRange operands,
                                bool training,
                                function_ref<LogicalResult()> lower) {
  prefix = symbolBase() + "_l" + std::to_string(layer++) + "_";
  std::string label = op->getName().getStringRef().str();
  if (StringRef node = getNodeName(op->getLoc()); !node.empty())
    label += " " + sanitize(node);
  currentLoc = NameLoc::get(builder.getStringAttr(label));
  current = op;
  operandBuffers.clear();
  resultBuffers.clear();
  for (auto [value, b] : llvm::zip(op->getOperands(), operands))
    operandBuffers[value] = b;
  guard = Value();
  if (auto tile = op->getAttrOfType<DictionaryAttr>("mote.pass_tile")) {
    auto mask = tile.getAs<FlatSymbolRefAttr>("mask");
    auto index = tile.getAs<IntegerAttr>("tile");
    if (!mask || !index)
      return op->emitOpError("has a mote.pass_tile without a state global "
                             "'mask' and a 'tile' index");
    FailureOr<Value> flags = stateGlobal(op, mask);
    if (failed(flags))
      return failure();
    guard = *flags;
    guardIndex = index.getInt();
  }
  if (training)
    addKernelHeader("mote/mote_train.h");
  if (failed(lower()))
    return failure();
  // Every used result is replaced by its buffer.
  SmallVector<SmallVector<Value>> replacements;
  for (Value result : op->getResults()) {
    replacements.emplace_back();
    if (result.use_empty() && !resultBuffers.count(result))
      continue;
    FailureOr<Value> b = resultBuffer(result);
    if (failed(b))
      return failure();
    replacements.back().push_back(*b);
  }
  rewriter.replaceOpWithMultiple(op, std::move(replacements));
  return success();
}

LogicalResult Lowering::rewriteReturn(func::ReturnOp op, ValueRange operands) {
  current = op;
  currentLoc = NameLoc::get(builder.getStringAttr("func.return"));
  guard = Value();
  operandBuffers.clear();
  resultBuffers.clear();
  for (auto [value, b] : llvm::zip(op.getOperands(), operands))
    operandBuffers[value] = b;
  // Results that live elsewhere (views of arena buffers, inputs, constants)
  // are copied to the caller's output buffers.
  unsigned numInputs = kfunc.getNumArguments() - op.getNumOperands() - 1;
  for (auto [i, result] : llvm::enumerate(op.getOperands())) {
    Value to = kfunc.getArgument(numInputs + i);
    if (kOutputs.lookup(result) == to)
      continue;
    prefix = symbolBase() + "_out" + std::to_string(i) + "_";
    FailureOr<Value> from = buffer(op, result);
    if (failed(from))
      return failure();
    call("mote_copy", {*from, to},
         {builder.getI32IntegerAttr(getTensorBytes(result.getType()))});
  }
  rewriter.replaceOpWithNewOp<func::ReturnOp>(op);
  return success();
}
