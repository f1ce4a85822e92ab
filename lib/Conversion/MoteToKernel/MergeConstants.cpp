//===- MergeConstants.cpp - Store equal constant arrays once --------------===//

#include "Mote/Conversion/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

namespace mote {
#define GEN_PASS_DEF_MOTEMERGECONSTANTS
#include "Mote/Conversion/Passes.h.inc"
} // namespace mote

using namespace mlir;

namespace {

struct MoteMergeConstantsPass
    : mote::impl::MoteMergeConstantsBase<MoteMergeConstantsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
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
