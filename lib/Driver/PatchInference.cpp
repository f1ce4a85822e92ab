//===- PatchInference.cpp - motec's --patch-inference ---------------------===//

#include "Mote/Driver/PatchInference.h"

#include "Mote/IR/Locations.h"
#include "Mote/IR/MoteOps.h"
#include "Mote/Transforms/MemoryPlan.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mote;
using llvm::formatv;

/// Parses ROWSxCOLS of `flag` into positive `rows` and `cols`.
static LogicalResult parseGrid(StringRef flag, StringRef text, int64_t &rows,
                               int64_t &cols) {
  auto [r, c] = text.split('x');
  if (r.getAsInteger(10, rows) || c.getAsInteger(10, cols) || rows < 1 ||
      cols < 1) {
    llvm::errs() << "motec: " << flag << " must be ROWSxCOLS (e.g. 3x3), got '"
                 << text << "'\n";
    return failure();
  }
  return success();
}

FailureOr<PatchInferenceOptions>
mote::parsePatchInferenceOptions(StringRef tensor, StringRef grid,
                                 int64_t maxOverheadPercent) {
  PatchInferenceOptions options;
  options.tensor = tensor.str();
  options.maxOverheadPercent = maxOverheadPercent;
  if (maxOverheadPercent < 0) {
    llvm::errs() << "motec: --patch-overhead must not be negative\n";
    return failure();
  }
  if (grid.empty()) {
    if (tensor != "auto")
      options.rows = options.cols = 2;
    return options;
  }
  if (failed(parseGrid("--patch-grid", grid, options.rows, options.cols)))
    return failure();
  return options;
}

FailureOr<PassSkipOptions>
mote::parsePassSkipOptions(StringRef tensor, StringRef grid, StringRef cell,
                           int64_t threshold, int64_t storeThreshold) {
  PassSkipOptions options;
  options.tensor = tensor.str();
  options.threshold = threshold;
  options.storeThreshold = storeThreshold;
  if ((!grid.empty() &&
       failed(parseGrid("--pass-grid", grid, options.rows, options.cols))) ||
      (!cell.empty() && failed(parseGrid("--pass-cell", cell, options.cellRows,
                                         options.cellCols))))
    return failure();
  if (threshold < 0 || threshold > INT32_MAX || storeThreshold < 0 ||
      storeThreshold > INT32_MAX) {
    llvm::errs() << "motec: --pass-threshold and --pass-store-threshold must "
                    "be within [0, 2^31)\n";
    return failure();
  }
  return options;
}

LogicalResult mote::applyPassSkip(ModuleOp module,
                                  const PassSkipOptions &options,
                                  raw_ostream &report) {
  PassManager pm(module.getContext());
  MotePassSkipOptions pass;
  SmallVector<StringRef> tensors;
  StringRef(options.tensor).split(tensors, ',');
  for (StringRef tensor : tensors)
    pass.tensors.push_back(tensor.str());
  pass.grid = {options.rows, options.cols};
  pass.cell = {options.cellRows, options.cellCols};
  pass.threshold = options.threshold;
  pass.storeThreshold = options.storeThreshold;
  pm.addPass(createMotePassSkip(pass));
  if (failed(pm.run(module)))
    return failure();
  int64_t stateBytes = 0;
  for (auto global : module.getOps<ml_program::GlobalOp>())
    stateBytes += getTensorBytes(global.getType());
  report << "PASS: " << options.rows << "x" << options.cols << " tiles of "
         << (tensors.size() == 1
                 ? "'" + options.tensor + "'"
                 : std::to_string(tensors.size()) + " chained spans")
         << ", cells of " << options.cellRows << "x" << options.cellCols
         << ", threshold " << options.threshold
         << (options.storeThreshold
                 ? " (stores " + std::to_string(options.storeThreshold) + ")"
                 : std::string())
         << "; the tiles no change reaches keep their "
         << "results in " << stateBytes << " bytes of state\n";
  return success();
}

namespace {

/// Arena bytes and MACs of a model as the target's memory planner sees it.
struct Cost {
  int64_t arena = 0, macs = 0;
};

FailureOr<Cost> costOf(ModuleOp module, const LowerToCOptions &lower) {
  OwningOpRef<ModuleOp> planned = module.clone();
  PassManager pm(module.getContext());
  buildPlanMemoryPipeline(pm, lower);
  if (failed(pm.run(*planned)))
    return failure();
  Cost cost;
  for (auto func : planned->getOps<func::FuncOp>())
    if (auto bytes = func->getAttrOfType<IntegerAttr>("mote.arena_bytes"))
      cost.arena = std::max(cost.arena, bytes.getInt());
  planned->walk([&](MacCountOpInterface op) { cost.macs += op.getMacCount(); });
  return cost;
}

/// The model function: the module's first.
func::FuncOp modelFunction(ModuleOp module) {
  auto funcs = module.getOps<func::FuncOp>();
  return funcs.empty() ? func::FuncOp() : *funcs.begin();
}

/// Tiles a clone of `module` at `tensor` on a rows x cols grid.
FailureOr<OwningOpRef<ModuleOp>> tiled(ModuleOp module, StringRef tensor,
                                       int64_t rows, int64_t cols) {
  OwningOpRef<ModuleOp> copy = module.clone();
  FailureOr<PatchSpan> span = findPatchSpan(modelFunction(*copy), tensor);
  if (failed(span) || failed(tilePatchSpan(*span, rows, cols)))
    return failure();
  return copy;
}

std::string describeSpan(const PatchSpan &span) {
  auto nameOf = [](Value v) -> std::string {
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
      if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                        "mote.name"))
        return "input '" + name.str() + "'";
      return "input " + std::to_string(arg.getArgNumber());
    }
    StringRef name = getTensorName(cast<OpResult>(v));
    return name.empty() ? std::string("an unnamed tensor")
                        : "'" + name.str() + "'";
  };
  return formatv("{0} layers from {1} to {2}", span.ops.size(),
                 nameOf(span.input), nameOf(span.output))
      .str();
}

} // namespace

LogicalResult mote::applyPatchInference(ModuleOp module,
                                        const PatchInferenceOptions &options,
                                        const LowerToCOptions &lower,
                                        raw_ostream &report) {
  func::FuncOp func = modelFunction(module);
  if (!func)
    return module.emitError("patch inference: the module has no function");
  FailureOr<Cost> dense = costOf(module, lower);
  if (failed(dense))
    return failure();

  std::string tensor = options.tensor;
  int64_t rows = options.rows, cols = options.cols;
  if (tensor == "auto") {
    // Every named result of a layer that can end a span, on every grid
    // asked for (or square grids up to 8x8): the smallest arena whose
    // extra MACs stay within the bound, then the fewest MACs.
    SmallVector<std::string> ends;
    func.walk([&](Operation *op) {
      if (!isPatchTileable(op))
        return;
      StringRef name = getTensorName(cast<OpResult>(op->getResult(0)));
      if (!name.empty())
        ends.push_back(name.str());
    });
    SmallVector<std::pair<int64_t, int64_t>> grids;
    if (rows > 0)
      grids.push_back({rows, cols});
    else
      for (int64_t g : {2, 3, 4, 5, 6, 8})
        grids.push_back({g, g});
    std::optional<Cost> best;
    int64_t limit =
        dense->macs +
        static_cast<int64_t>(dense->macs * options.maxOverheadPercent / 100);
    // Diagnostics of candidates that do not tile are expected: silence
    // them while searching.
    ScopedDiagnosticHandler quiet(module.getContext(),
                                  [](Diagnostic &) { return success(); });
    for (const std::string &end : ends)
      for (auto [r, c] : grids) {
        FailureOr<OwningOpRef<ModuleOp>> candidate = tiled(module, end, r, c);
        if (failed(candidate))
          continue;
        FailureOr<Cost> cost = costOf(**candidate, lower);
        if (failed(cost) || cost->macs > limit)
          continue;
        if (!best || cost->arena < best->arena ||
            (cost->arena == best->arena && cost->macs < best->macs)) {
          best = *cost;
          tensor = end;
          rows = r;
          cols = c;
        }
      }
    if (!best || best->arena >= dense->arena) {
      report << formatv("patch inference: auto found no span that lowers the "
                        "arena of {0} bytes within {1}% more MACs; the model "
                        "runs layer by layer\n",
                        dense->arena, options.maxOverheadPercent);
      return success();
    }
  }

  FailureOr<PatchSpan> span = findPatchSpan(func, tensor);
  if (failed(span))
    return failure();
  std::string described = describeSpan(*span);
  if (failed(tilePatchSpan(*span, rows, cols)))
    return failure();
  FailureOr<Cost> after = costOf(module, lower);
  if (failed(after))
    return failure();
  report << formatv(
      "patch inference: {0}, {1}x{2} patches: arena {3} bytes against {4} "
      "layer by layer ({5:f2}x), {6} MACs ({7:f1}% more)\n",
      described, rows, cols, after->arena, dense->arena,
      after->arena > 0 ? double(dense->arena) / after->arena : 0.0, after->macs,
      dense->macs > 0 ? 100.0 * (after->macs - dense->macs) / dense->macs
                      : 0.0);
  return success();
}
