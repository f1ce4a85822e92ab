//===- PassSkip.cpp - PASS: skip unchanged tiles from frame to frame ------===//
//
// A span is tiled as patch-based inference tiles it, but its tiles are kept
// in the model's state across calls: a gate on the span's int8 input
// decides per frame which tiles a change reaches, and only those run.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/Locations.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/SymbolTable.h"

namespace mote {
#define GEN_PASS_DEF_MOTEPASSSKIP
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

/// Whether a tensor's elements are stored as int8.
static bool isInt8(Value v) {
  Type element = getElementTypeOrSelf(v.getType());
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    element = q.getStorageType();
  return element.isInteger(8);
}

namespace {

struct MotePassSkipPass
    : public mote::impl::MotePassSkipBase<MotePassSkipPass> {
  using MotePassSkipBase::MotePassSkipBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (tensors.empty()) {
      module.emitError("mote-pass-skip needs tensor=NAME[,NAME...]");
      return signalPassFailure();
    }
    if (grid.size() != 2) {
      module.emitError("mote-pass-skip: grid must be ROWS,COLS");
      return signalPassFailure();
    }
    SmallVector<int64_t, 2> cellSize(cell.begin(), cell.end());
    if (cellSize.empty())
      cellSize = {8, 8};
    if (cellSize.size() != 2 || cellSize[0] < 1 || cellSize[1] < 1) {
      module.emitError("mote-pass-skip: cell must be two positive sizes "
                       "ROWS,COLS");
      return signalPassFailure();
    }
    if (threshold < 0 || threshold > INT32_MAX || storeThreshold < 0 ||
        storeThreshold > INT32_MAX) {
      module.emitError("mote-pass-skip: threshold and store-threshold must "
                       "be within [0, 2^31)");
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    for (StringRef name : {"pass_reference", "pass_cells", "pass_counters"})
      if (symbols.lookup(name)) {
        module.emitError("mote-pass-skip: the module already has a PASS "
                         "span (symbol '")
            << name << "')";
        return signalPassFailure();
      }
    auto funcs = module.getOps<func::FuncOp>();
    if (llvm::range_size(funcs) != 1) {
      module.emitError("mote-pass-skip expects one function (an inference "
                       "model)");
      return signalPassFailure();
    }
    func::FuncOp func = *funcs.begin();
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    Location loc = module.getLoc();
    auto global = [&](StringRef name, ArrayRef<int64_t> shape, Type element) {
      auto g = ml_program::GlobalOp::create(
          b, loc, name, RankedTensorType::get(shape, element),
          /*is_mutable=*/true, Attribute(), b.getStringAttr("private"));
      return FlatSymbolRefAttr::get(g.getSymNameAttr());
    };

    // A chain lists its tensors in the order the model computes them.
    Operation *last = nullptr;
    for (StringRef tensor : tensors) {
      Operation *def = nullptr;
      func.walk([&](Operation *op) {
        if (!def && getNamedResult(op, tensor))
          def = op;
      });
      if (def && last && !last->isBeforeInBlock(def)) {
        def->emitError("mote-pass-skip: the tensors of a chain are listed "
                       "in the order the model computes them ('")
            << tensor << "' comes before the tensor listed before it)";
        return signalPassFailure();
      }
      last = def ? def : last;
    }

    // The span before (in a chain): its output, flags and tiles.
    Value previousOutput;
    FlatSymbolRefAttr previousFlags, counters;
    SmallVector<PatchTile> previousTiles;
    RankedTensorType firstInput;
    for (auto [k, tensor] : llvm::enumerate(tensors)) {
      FailureOr<PatchSpan> found = findPatchSpan(func, tensor);
      if (failed(found))
        return signalPassFailure();
      PatchSpan span = *found;
      if (k == 0) {
        // The region starts at the span's first int8 tensor: the gate
        // compares int8 frames, and the layers before it (a quantize)
        // run whole.
        while (!isInt8(span.input) && span.ops.front()->getNumOperands() == 1 &&
               !isa<Conv2DOp, MaxPool2DOp, AvgPool2DOp>(span.ops.front())) {
          span.input = span.ops.front()->getResult(0);
          span.ops.erase(span.ops.begin());
          if (span.ops.empty())
            break;
        }
      } else if (span.input != previousOutput) {
        span.output.getDefiningOp()->emitError("mote-pass-skip: the span "
                                               "ending at '")
            << tensor << "' does not start where the span ending at '"
            << tensors[k - 1]
            << "' ends (the spans of a chain follow each other)";
        return signalPassFailure();
      }
      auto inType = cast<RankedTensorType>(span.input.getType());
      if (k == 0)
        firstInput = inType;
      if (!isInt8(span.input) || inType.getDimSize(0) != 1 ||
          llvm::none_of(span.ops, [](Operation *op) {
            return isa<Conv2DOp, MaxPool2DOp, AvgPool2DOp>(op);
          })) {
        span.output.getDefiningOp()->emitError("mote-pass-skip: the span "
                                               "ending at '")
            << tensor
            << "' has no int8 input of batch 1 followed by a convolution or "
               "pooling (quantize the model first)";
        return signalPassFailure();
      }

      // The state: the first span's reference frame, cell flags and the
      // counters; each span's tile flags and cache.
      auto outType = cast<RankedTensorType>(span.output.getType());
      Type outElement = outType.getElementType();
      if (auto q = dyn_cast<quant::QuantizedType>(outElement))
        outElement = q.getStorageType();
      int64_t cellRows = (inType.getDimSize(2) + cellSize[0] - 1) / cellSize[0],
              cellCols = (inType.getDimSize(3) + cellSize[1] - 1) / cellSize[1];
      FlatSymbolRefAttr reference, cells;
      b.setInsertionPointToStart(module.getBody());
      if (k == 0) {
        reference = global("pass_reference", inType.getShape(), b.getI8Type());
        cells = global("pass_cells", {cellRows * cellCols}, b.getI8Type());
        counters = global("pass_counters", {4}, b.getI32Type());
      }
      std::string suffix = std::to_string(k);
      FlatSymbolRefAttr flags =
          global("pass_tiles" + suffix, {grid[0] * grid[1]}, b.getI8Type());
      FlatSymbolRefAttr cache =
          global("pass_cache" + suffix, outType.getShape(), outElement);

      // (The span's ops are gone once tiled.)
      Location spanLoc = span.output.getLoc();
      SmallVector<PatchTile> tiles;
      FailureOr<Value> output =
          tilePatchSpan(span, grid[0], grid[1], cache, flags, &tiles);
      if (failed(output))
        return signalPassFailure();

      // Per tile, the cells (first span) or the tiles of the span before
      // that its input region covers; the gate before the first tile.
      SmallVector<int64_t> ranges;
      b.setInsertionPoint(tiles.front().ops.front());
      if (k == 0) {
        for (const PatchTile &tile : tiles) {
          ranges.push_back(tile.inputBegin[0] / cellSize[0]);
          ranges.push_back((tile.inputEnd[0] + cellSize[0] - 1) / cellSize[0]);
          ranges.push_back(tile.inputBegin[1] / cellSize[1]);
          ranges.push_back((tile.inputEnd[1] + cellSize[1] - 1) / cellSize[1]);
        }
        PassGateOp::create(b, spanLoc, span.input, reference, cells, flags,
                           counters, b.getDenseI64ArrayAttr(cellSize),
                           b.getI64IntegerAttr(threshold),
                           b.getDenseI64ArrayAttr(ranges));
      } else {
        // The tiles of the span before form a grid[0] x grid[1] grid, in
        // row-major order: the rows and columns of tiles a region meets.
        auto covered = [&](int axis, int64_t begin, int64_t end) {
          int64_t first = -1, past = 0;
          for (int64_t i = 0; i < grid[axis]; ++i) {
            const PatchTile &t = previousTiles[axis == 0 ? i * grid[1] : i];
            if (t.outputEnd[axis] > begin && t.outputBegin[axis] < end) {
              if (first < 0)
                first = i;
              past = i + 1;
            }
          }
          return std::make_pair(first, past);
        };
        for (const PatchTile &tile : tiles) {
          auto [r0, r1] = covered(0, tile.inputBegin[0], tile.inputEnd[0]);
          auto [c0, c1] = covered(1, tile.inputBegin[1], tile.inputEnd[1]);
          llvm::append_values(ranges, r0, r1, c0, c1);
        }
        PassPropagateOp::create(b, spanLoc, previousFlags, flags, counters,
                                b.getDenseI64ArrayAttr({grid[0], grid[1]}),
                                b.getDenseI64ArrayAttr(ranges));
      }
      // Each tile is stored only if it changed, and its flag then says so
      // (the store threshold counts per cell's worth of elements, as the
      // gate's: scaled by the tile's elements over a cell's).
      int64_t cellElements =
          cellSize[0] * cellSize[1] * firstInput.getDimSize(1);
      for (PatchTile &tile : tiles) {
        auto store = cast<PassStoreOp>(tile.ops.back());
        int64_t elements =
            cast<RankedTensorType>(store.getPatch().getType()).getNumElements();
        store.setThreshold(std::min<int64_t>(
            storeThreshold * elements / cellElements, INT32_MAX));
      }
      for (auto [t, tile] : llvm::enumerate(tiles))
        for (Operation *op : tile.ops)
          op->setAttr("mote.pass_tile",
                      b.getDictionaryAttr(
                          {b.getNamedAttr("mask", flags),
                           b.getNamedAttr("tile", b.getI64IntegerAttr(t))}));
      previousOutput = *output;
      previousFlags = flags;
      previousTiles = std::move(tiles);
    }
  }
};

} // namespace
