//===- ModelInfo.cpp - Summary of a model for `motec info` ----------------===//

#include "Mote/Driver/ModelInfo.h"
#include "Mote/IR/Locations.h"

#include "Mote/IR/MoteOps.h"
#include "Mote/Target/ONNX/ImportONNX.h"
#include "Mote/Transforms/MemoryPlan.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mote;

/// Returns the bytes of the constant `value` is (through storage casts), or
/// 0 if it is computed.
static int64_t constantBytes(Value value) {
  while (auto cast = value.getDefiningOp<quant::StorageCastOp>())
    value = cast.getInput();
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return 0;
  auto type = cast<ShapedType>(constant.getType());
  return type.getNumElements() *
         std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
}

static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

static std::string layerName(Operation *op) {
  return getNodeName(op->getLoc()).str();
}

ModelInfo mote::analyzeModel(ModuleOp module) {
  ModelInfo info;
  if (auto from = module->getAttrOfType<IntegerAttr>(kUpgradedFromAttr))
    info.upgradedFromOpset = from.getInt();
  for (auto func : module.getOps<func::FuncOp>()) {
    for (auto [index, type] : llvm::enumerate(func.getArgumentTypes())) {
      auto name = func.getArgAttrOfType<StringAttr>(index, "mote.name");
      info.inputs.push_back({name ? name.str() : "arg" + std::to_string(index),
                             typeString(type)});
    }
    for (auto [index, type] : llvm::enumerate(func.getResultTypes())) {
      auto name = func.getResultAttrOfType<StringAttr>(index, "mote.name");
      info.outputs.push_back(
          {name ? name.str() : "result" + std::to_string(index),
           typeString(type)});
    }
    func.walk([&](Operation *op) {
      if (op == func || isa<func::ReturnOp>(op))
        return;
      ++info.opHistogram[op->getName().getStringRef()];
      if (!isa<MoteDialect>(op->getDialect()))
        return;
      LayerInfo layer;
      layer.name = layerName(op);
      layer.op = op->getName().getStringRef().str();
      if (op->getNumResults())
        layer.resultType = typeString(op->getResult(0).getType());
      for (Value operand : op->getOperands())
        layer.parameterBytes += constantBytes(operand);
      if (auto mac = dyn_cast<MacCountOpInterface>(op))
        layer.macs = mac.getMacCount();
      // The memory plan (mote-plan-memory), when the module has one.
      if (auto live = op->getAttrOfType<IntegerAttr>("mote.arena_live"))
        layer.liveArenaBytes = live.getInt();
      info.totalMacs += layer.macs;
      info.totalParameterBytes += layer.parameterBytes;
      info.layers.push_back(std::move(layer));
    });
    // Functions never run at once: the arena is the largest plan.
    if (auto bytes = func->getAttrOfType<IntegerAttr>("mote.arena_bytes"))
      info.arenaBytes = std::max(info.arenaBytes, bytes.getInt());
    if (auto bound = func->getAttrOfType<IntegerAttr>("mote.arena_lower_bound"))
      info.arenaLowerBound = std::max(info.arenaLowerBound, bound.getInt());
  }
  return info;
}

/// Formats `n` with thousands separators.
static std::string withCommas(int64_t n) {
  std::string digits = std::to_string(n), result;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      result += ',';
    result += digits[i];
  }
  return result;
}

void mote::printModelInfo(const ModelInfo &info, raw_ostream &os) {
  if (info.upgradedFromOpset)
    os << "note: written for ONNX opset " << info.upgradedFromOpset
       << ", upgraded on import by ONNX's version converter\n";
  os << "inputs:\n";
  for (const auto &[name, type] : info.inputs)
    os << "  " << name << ": " << type << "\n";
  os << "outputs:\n";
  for (const auto &[name, type] : info.outputs)
    os << "  " << name << ": " << type << "\n";
  os << "ops:\n";
  for (const auto &[name, count] : info.opHistogram)
    os << llvm::format("  %-28s %6lld\n", name.str().c_str(),
                       static_cast<long long>(count));
  os << "layers:\n";
  os << llvm::format("  %-4s %-24s %-40s %12s %14s %12s\n", "#", "op", "name",
                     "param bytes", "MACs", "arena live");
  int index = 0;
  for (const LayerInfo &layer : info.layers) {
    std::string name = layer.name.size() > 40
                           ? "..." + layer.name.substr(layer.name.size() - 37)
                           : layer.name;
    os << llvm::format(
        "  %-4d %-24s %-40s %12s %14s %12s\n", index++, layer.op.c_str(),
        name.c_str(), withCommas(layer.parameterBytes).c_str(),
        withCommas(layer.macs).c_str(),
        layer.liveArenaBytes < 0 ? "-"
                                 : withCommas(layer.liveArenaBytes).c_str());
  }
  os << "total: " << withCommas(info.totalMacs) << " MACs ("
     << llvm::format("%.2f", info.totalMacs / 1e6) << " M), "
     << withCommas(info.totalParameterBytes) << " parameter bytes\n";
  if (info.arenaBytes >= 0)
    os << "arena: " << withCommas(info.arenaBytes)
       << " bytes (layer-by-layer lower bound "
       << withCommas(info.arenaLowerBound) << " bytes)\n";
}
