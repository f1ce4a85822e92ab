//===- Planning.cpp - State layout and memory plan for the lowering -------===//
//
// `mote-layout-state` and `mote-plan-memory`: where each tensor of the
// lowered functions lives, decided before (and read by) the conversion.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "Mote/Conversion/Passes.h"

namespace mote {
#define GEN_PASS_DEF_MOTELAYOUTSTATE
#define GEN_PASS_DEF_MOTEPLANMEMORY
#include "Mote/Conversion/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

namespace {

struct MoteLayoutStatePass
    : mote::impl::MoteLayoutStateBase<MoteLayoutStatePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(module.getContext());
    int64_t bytes = 0;
    for (auto global : module.getOps<ml_program::GlobalOp>()) {
      global->setAttr("mote.state_offset", b.getI64IntegerAttr(bytes));
      bytes += llvm::alignTo(getTensorBytes(global.getType()), 16);
    }
    if (!module.getOps<ml_program::GlobalOp>().empty())
      module->setAttr("mote.state_bytes", b.getI64IntegerAttr(bytes));
  }
};

struct MotePlanMemoryPass : mote::impl::MotePlanMemoryBase<MotePlanMemoryPass> {
  using MotePlanMemoryBase::MotePlanMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const TargetDescription *description = lookupTarget(target);
    if (!description) {
      module.emitError("unknown target '")
          << target << "' (known: " << getTargetNames() << ")";
      return signalPassFailure();
    }
    // The work space of the target's kernel for an op.
    auto scratchBytes = [&](Operation *op) -> int64_t {
      if (std::optional<GemmLayer> gemm = gemmLayerOf(*description, op))
        return gemm->scratchBytes;
      return depthwiseScratchOf(*description, op);
    };
    for (auto func : module.getOps<func::FuncOp>()) {
      FailureOr<MemoryPlan> plan = planMemory(func, alignment, scratchBytes);
      if (failed(plan))
        return signalPassFailure();
      writeMemoryPlan(func, *plan);
    }
  }
};

} // namespace
