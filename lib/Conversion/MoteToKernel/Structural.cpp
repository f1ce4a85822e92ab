//===- Structural.cpp - Signatures, returns, views and state reads --------===//
//
// The patterns that give values their buffers without calling a kernel: a
// graph function becomes a kernel function over buffers (inputs, outputs,
// arena), its return copies what no kernel wrote into the caller's buffers,
// reshapes and storage casts reinterpret their operand's buffer, and a state
// read is a view of the arena.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

namespace {

/// `func @f(tensors) -> tensors` becomes `func @<kernel name>(input
/// buffers, output buffers, arena)`, with the body moved over.
struct FuncLowering : OpConversionPattern<func::FuncOp> {
  FuncLowering(const TypeConverter &converter, MLIRContext *ctx,
               LoweringState &state)
      : OpConversionPattern(converter, ctx), state(state) {}

  LogicalResult
  matchAndRewrite(func::FuncOp func, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto it = state.plans.find(func);
    if (it == state.plans.end() || !func.getBody().hasOneBlock())
      return failure();
    const LoweringState::FunctionPlan &plan = it->second;
    const TypeConverter &converter = *getTypeConverter();
    auto returnOp =
        cast<func::ReturnOp>(func.getBody().front().getTerminator());
    unsigned numInputs = func.getNumArguments();
    TypeConverter::SignatureConversion signature(numInputs);
    SmallVector<Type> argTypes;
    for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
      argTypes.push_back(converter.convertType(arg.getType()));
      signature.addInputs(i, argTypes.back());
    }
    SmallVector<Type> added;
    for (Value result : returnOp.getOperands())
      added.push_back(converter.convertType(result.getType()));
    added.push_back(
        MemRefType::get({state.arenaBytes}, rewriter.getIntegerType(8)));
    signature.addInputs(added);
    llvm::append_range(argTypes, added);

    auto kfunc = func::FuncOp::create(rewriter, func.getLoc(), plan.kernelName,
                                      rewriter.getFunctionType(argTypes, {}));
    kfunc->setAttr("mote.num_inputs", rewriter.getI64IntegerAttr(numInputs));
    kfunc->setAttr("mote.arena_bytes",
                   rewriter.getI64IntegerAttr(state.arenaBytes));
    // What the header says of each tensor, so the C emitter reads the
    // kernel level only: its C name, graph type and boundary quantization.
    kfunc->setAttr("mote.entry", rewriter.getUnitAttr());
    auto describe = [&](unsigned index, Type type, StringAttr cName,
                        Type quantized) {
      kfunc.setArgAttr(index, "mote.type", TypeAttr::get(type));
      if (cName)
        kfunc.setArgAttr(index, "mote.c_name", cName);
      if (quantized)
        kfunc.setArgAttr(index, "mote.quant", TypeAttr::get(quantized));
    };
    for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
      Type quantized;
      for (Operation *user : arg.getUsers())
        if (auto q = dyn_cast<QuantizeOp>(user))
          quantized = q.getType();
      describe(i, arg.getType(),
               func.getArgAttrOfType<StringAttr>(i, "mote.c_name"), quantized);
    }
    for (auto [i, result] : llvm::enumerate(returnOp.getOperands())) {
      Type quantized;
      if (auto dq = result.getDefiningOp<DequantizeOp>())
        quantized = dq.getInput().getType();
      describe(numInputs + i, func.getResultTypes()[i],
               func.getResultAttrOfType<StringAttr>(i, "mote.c_name"),
               quantized);
    }
    rewriter.inlineRegionBefore(func.getBody(), kfunc.getBody(), kfunc.end());
    Block *body = rewriter.applySignatureConversion(&kfunc.getBody().front(),
                                                    signature, &converter);

    auto lowering = std::make_unique<Lowering>(
        state.module, kfunc, plan.plan, state.modelName, plan.kernelName,
        state.state, state.arenaBytes, state.target, rewriter);
    lowering->globalsAnchor = kfunc;
    lowering->arena = body->getArguments().back();
    // Results computed by a kernel are written straight into the caller's
    // buffer; views, inputs and constants are copied there by the return.
    for (auto [i, result] : llvm::enumerate(returnOp.getOperands())) {
      Operation *def = result.getDefiningOp();
      if (def && !isa<ReshapeOp, quant::StorageCastOp>(def) &&
          !plan.plan.bufferOf.count(result) && !constantOf(result))
        lowering->kOutputs.try_emplace(result,
                                       body->getArgument(numInputs + i));
    }
    state.functions[kfunc] = std::move(lowering);
    rewriter.eraseOp(func);
    return success();
  }

  LoweringState &state;
};

struct ReturnLowering : OpConversionPattern<func::ReturnOp> {
  ReturnLowering(const TypeConverter &converter, MLIRContext *ctx,
                 LoweringState &state)
      : OpConversionPattern(converter, ctx), state(state) {}

  LogicalResult matchAndRewrite(func::ReturnOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &) const override {
    Lowering *lowering = state.loweringOf(op);
    if (state.failed || !lowering || op.getNumOperands() == 0)
      return failure();
    if (failed(lowering->rewriteReturn(op, adaptor.getOperands()))) {
      state.failed = true;
      return failure();
    }
    return success();
  }

  LoweringState &state;
};

/// Kernels see buffers as flat storage: a reshape reinterprets its
/// operand's buffer with the result's shape.
struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    SmallVector<int64_t> strides(type.getRank(), 1);
    for (int64_t d = type.getRank() - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * type.getDimSize(d + 1);
    rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
        op, type, adaptor.getInput(), /*offset=*/0, type.getShape(), strides);
    return success();
  }
};

/// A storage cast changes no bits: its buffer is its operand's.
struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Reading mutable state is a view of its place in the arena.
struct GlobalLoadLowering : OpConversionPattern<ml_program::GlobalLoadOp> {
  GlobalLoadLowering(const TypeConverter &converter, MLIRContext *ctx,
                     LoweringState &state)
      : OpConversionPattern(converter, ctx), state(state) {}

  LogicalResult
  matchAndRewrite(ml_program::GlobalLoadOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Lowering *lowering = state.loweringOf(op);
    if (state.failed || !lowering)
      return failure();
    StringRef symbol = op.getGlobal().getLeafReference();
    if (!state.state.offsetOf.count(symbol)) {
      state.failed = true;
      return op.emitOpError("reads state '")
             << symbol << "' that is not laid out";
    }
    rewriter.replaceOp(
        op, lowering->stateBuffer(
                FlatSymbolRefAttr::get(op.getContext(), symbol), op.getType()));
    return success();
  }

  LoweringState &state;
};

} // namespace

void mote::lowering::populateStructuralPatterns(LoweringPatterns &patterns) {
  RewritePatternSet &set = patterns.getPatterns();
  set.add<FuncLowering, ReturnLowering, GlobalLoadLowering>(
      patterns.getTypeConverter(), set.getContext(), patterns.getState());
  set.add<ReshapeLowering, StorageCastLowering>(patterns.getTypeConverter(),
                                                set.getContext());
}
