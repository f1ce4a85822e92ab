//===- MoteToKernel.cpp - Lower Mote IR to kernel calls -------------------===//
//
// The pass: it lays out the state, plans each function's arena and runs the
// dialect conversion whose patterns the op families add (one file each, see
// Lowering.h), each turning a Mote op into calls of the runtime's
// microkernels on buffers. Every compile-time decision is made there, from
// the op's types and the memory plan: requantization multipliers,
// activation ranges, broadcast strides, arena offsets. The kernel level's
// lowering to EmitC is then mechanical.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "Mote/Conversion/Passes.h"

namespace mote {
#define GEN_PASS_DEF_CONVERTMOTETOKERNEL
#include "Mote/Conversion/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

namespace {

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
    LoweringState lowering(module, modelName, *description);
    // The state's layout (mote-layout-state) and each function's memory
    // plan (mote-plan-memory): the state first in the arena, then the
    // scratch memory of whichever function runs (they never run at once).
    StateLayout &state = lowering.state;
    SmallVector<ml_program::GlobalOp> globals(
        module.getOps<ml_program::GlobalOp>());
    if (!globals.empty()) {
      auto bytes = module->getAttrOfType<IntegerAttr>("mote.state_bytes");
      if (!bytes) {
        module.emitError("the state has no layout (run mote-layout-state)");
        return signalPassFailure();
      }
      state.bytes = bytes.getInt();
    }
    for (ml_program::GlobalOp global : globals) {
      auto offset = global->getAttrOfType<IntegerAttr>("mote.state_offset");
      if (!offset || offset.getInt() < 0 ||
          offset.getInt() + getTensorBytes(global.getType()) > state.bytes) {
        global.emitOpError("has no place in the state's layout (run "
                           "mote-layout-state)");
        return signalPassFailure();
      }
      state.offsetOf[global.getSymName()] = offset.getInt();
    }
    for (func::FuncOp func : funcs) {
      FailureOr<MemoryPlan> plan = readMemoryPlan(func);
      if (failed(plan))
        return signalPassFailure();
      lowering.arenaBytes =
          std::max(lowering.arenaBytes, state.bytes + plan->arenaBytes);
      lowering.plans[func].plan = std::move(*plan);
    }
    // The first function is the model; others are named by their suffix
    // (`@f_train_step` becomes `<name>_train_step`). With state, the model
    // function is `<name>_infer`: it reads the arena's state. A split model
    // (mote-split-at) names the model in `mote.model`: its functions are
    // `@f_device_forward` and so on.
    StringRef base = funcs[0].getSymName();
    if (auto model = module->getAttrOfType<StringAttr>("mote.model"))
      base = model.getValue();
    for (func::FuncOp func : funcs) {
      StringRef suffix = func.getSymName();
      if (!suffix.consume_front(base)) {
        func.emitError("function name must start with the model's '")
            << base << "'";
        return signalPassFailure();
      }
      lowering.plans[func].kernelName =
          modelName + (suffix.empty() ? (globals.empty() ? "_run" : "_infer")
                                      : suffix.str());
    }

    // Tensors become the buffers of their storage type.
    TypeConverter converter;
    converter.addConversion([](Type type) { return type; });
    converter.addConversion([](RankedTensorType type) -> Type {
      Type element = type.getElementType();
      if (auto q = dyn_cast<quant::QuantizedType>(element))
        element = q.getStorageType();
      // A boolean is a byte (0 or 1).
      if (element.isInteger(1))
        element = IntegerType::get(type.getContext(), 8);
      return MemRefType::get(type.getShape(), element);
    });
    MLIRContext *ctx = &getContext();
    ConversionTarget legality(*ctx);
    legality
        .addLegalDialect<kernel::MoteKernelDialect, memref::MemRefDialect>();
    // Index constants of arena offsets; tensor constants die with their
    // users (the patterns store them in flash where they are read).
    legality.addLegalOp<arith::ConstantOp>();
    // Ops of unknown legality left over are reported below, naming the op,
    // rather than by the driver.
    legality.addDynamicallyLegalOp<func::FuncOp>(
        [&](func::FuncOp func) -> std::optional<bool> {
          if (converter.isSignatureLegal(func.getFunctionType()))
            return true;
          return std::nullopt;
        });
    legality.addDynamicallyLegalOp<func::ReturnOp>(
        [](func::ReturnOp op) -> std::optional<bool> {
          if (op.getNumOperands() == 0)
            return true;
          return std::nullopt;
        });
    RewritePatternSet set(ctx);
    LoweringPatterns patterns(set, converter, lowering);
    populateStructuralPatterns(patterns);
    populateConvolutionPatterns(patterns);
    populateElementwisePatterns(patterns);
    populatePoolingPatterns(patterns);
    populateRecurrentPatterns(patterns);
    populateDataMovementPatterns(patterns);
    populateQuantizationPatterns(patterns);
    populateSgqPatterns(patterns);
    populatePassSkipPatterns(patterns);
    populateTrainingPatterns(patterns);
    populateOptimizerPatterns(patterns);
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    // A failed op leaves its users on tensors; they are not built into
    // casts the driver would report a second time.
    config.buildMaterializations = false;
    if (failed(
            applyPartialConversion(module, legality, std::move(set), config)) ||
        lowering.failed || failed(reportUnlowered(module)))
      return signalPassFailure();
    eraseDeadTensors(module);

    if (!globals.empty())
      buildStateInit(module, globals, state, lowering.arenaBytes);
  }

  /// Reports the first op the patterns left, naming it.
  static LogicalResult reportUnlowered(ModuleOp module) {
    WalkResult walk = module.walk([](Operation *op) {
      if (auto func = dyn_cast<func::FuncOp>(op)) {
        if (llvm::any_of(func.getArgumentTypes(), llvm::IsaPred<TensorType>))
          return WalkResult(func.emitOpError("has no C lowering"));
        return WalkResult::advance();
      }
      if (isa<MoteDialect>(op->getDialect())) {
        if (domainOf(op, /*isTrainingOp=*/false) == LoweringDomain::Float)
          return WalkResult(
              op->emitOpError("has no C lowering for float operands yet"));
        return WalkResult(op->emitOpError("has no C lowering yet"));
      }
      if (isa<quant::StorageCastOp, ml_program::GlobalLoadOp>(op) ||
          (isa<func::ReturnOp>(op) && op->getNumOperands() != 0))
        return WalkResult(op->emitOpError("has no C lowering"));
      return WalkResult::advance();
    });
    return failure(walk.wasInterrupted());
  }

  /// Erases the tensor constants (and the casts the driver put on them)
  /// the patterns stored in flash at their uses.
  static void eraseDeadTensors(ModuleOp module) {
    for (auto func : module.getOps<func::FuncOp>())
      for (Operation &op :
           llvm::make_early_inc_range(llvm::reverse(func.getBody().front())))
        if (isa<arith::ConstantOp, UnrealizedConversionCastOp,
                memref::ReinterpretCastOp>(op) &&
            op.use_empty())
          op.erase();
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
            Value(), StringAttr(), DictionaryAttr(), fb.getArrayAttr({flags}),
            fb.getI64IntegerAttr(1), UnitAttr(), IntegerAttr());
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
                             ValueRange{from, to}, Value(), StringAttr(),
                             DictionaryAttr(), fb.getArrayAttr({flags}),
                             fb.getI64IntegerAttr(1), UnitAttr(),
                             IntegerAttr());
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
};

} // namespace
