//===- MoteToKernel.cpp - Lower Mote IR to kernel calls -------------------===//
//
// The pass: it lays out the state, plans each function's arena and lowers
// each function with the lowerings the op families register (one file each,
// see Lowering.h), each turning a Mote op into a call of one of the
// runtime's microkernels on buffers. Every compile-time decision is made
// there, from the op's types and the memory plan: requantization
// multipliers, activation ranges, broadcast strides, arena offsets. The
// kernel level's lowering to EmitC is then mechanical.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "mote/Conversion/Passes.h"

namespace mote {
#define GEN_PASS_DEF_CONVERTMOTETOKERNEL
#include "mote/Conversion/Passes.h.inc"
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
    // Every op family's lowerings (one file each), by op and domain.
    LoweringRegistry registry;
    populateConvolutionLowerings(registry);
    populateElementwiseLowerings(registry);
    populatePoolingLowerings(registry);
    populateDataMovementLowerings(registry);
    populateQuantizationLowerings(registry);
    populateTrainingLowerings(registry);
    populateOptimizerLowerings(registry);
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
                        arenaBytes, *description, registry);
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
