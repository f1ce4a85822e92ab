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
    if (tensor.empty()) {
      module.emitError("mote-pass-skip needs tensor=NAME");
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
    if (threshold < 0 || threshold > INT32_MAX) {
      module.emitError("mote-pass-skip: threshold must be within [0, 2^31)");
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    for (StringRef name : {"pass_reference", "pass_cells", "pass_tiles",
                           "pass_counters", "pass_cache"})
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
    FailureOr<PatchSpan> found = findPatchSpan(func, tensor);
    if (failed(found))
      return signalPassFailure();
    PatchSpan span = *found;
    // The region starts at the span's first int8 tensor: the gate compares
    // int8 frames, and the layers before it (a quantize) run whole.
    while (!isInt8(span.input) && !span.ops.empty() &&
           span.ops.front()->getNumOperands() == 1 &&
           !isa<Conv2DOp, MaxPool2DOp, AvgPool2DOp>(span.ops.front())) {
      span.input = span.ops.front()->getResult(0);
      span.ops.erase(span.ops.begin());
    }
    auto inType = cast<RankedTensorType>(span.input.getType());
    if (!isInt8(span.input) || inType.getDimSize(0) != 1 ||
        llvm::none_of(span.ops, [](Operation *op) {
          return isa<Conv2DOp, MaxPool2DOp, AvgPool2DOp>(op);
        })) {
      span.output.getDefiningOp()->emitError("mote-pass-skip: the span ending "
                                             "at '")
          << tensor
          << "' has no int8 input of batch 1 followed by a convolution or "
             "pooling (quantize the model first)";
      return signalPassFailure();
    }

    // The state: the reference frame, the flags, counters and the cache.
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    Location loc = module.getLoc();
    int64_t cellRows = (inType.getDimSize(2) + cellSize[0] - 1) / cellSize[0],
            cellCols = (inType.getDimSize(3) + cellSize[1] - 1) / cellSize[1];
    auto outType = cast<RankedTensorType>(span.output.getType());
    Type outElement = outType.getElementType();
    if (auto q = dyn_cast<quant::QuantizedType>(outElement))
      outElement = q.getStorageType();
    auto global = [&](StringRef name, ArrayRef<int64_t> shape, Type element) {
      auto g = ml_program::GlobalOp::create(
          b, loc, name, RankedTensorType::get(shape, element),
          /*is_mutable=*/true, Attribute(), b.getStringAttr("private"));
      return FlatSymbolRefAttr::get(g.getSymNameAttr());
    };
    FlatSymbolRefAttr reference =
        global("pass_reference", inType.getShape(), b.getI8Type());
    FlatSymbolRefAttr cells =
        global("pass_cells", {cellRows * cellCols}, b.getI8Type());
    FlatSymbolRefAttr tileFlags =
        global("pass_tiles", {grid[0] * grid[1]}, b.getI8Type());
    FlatSymbolRefAttr counters = global("pass_counters", {4}, b.getI32Type());
    FlatSymbolRefAttr cache =
        global("pass_cache", outType.getShape(), outElement);

    // (The span's ops are gone once tiled.)
    Location spanLoc = span.output.getLoc();
    SmallVector<PatchTile> tiles;
    if (failed(tilePatchSpan(span, grid[0], grid[1], cache, &tiles)))
      return signalPassFailure();

    // The cells each tile's input region covers, and the gate before the
    // first tile.
    SmallVector<int64_t> ranges;
    for (const PatchTile &tile : tiles) {
      ranges.push_back(tile.inputBegin[0] / cellSize[0]);
      ranges.push_back((tile.inputEnd[0] + cellSize[0] - 1) / cellSize[0]);
      ranges.push_back(tile.inputBegin[1] / cellSize[1]);
      ranges.push_back((tile.inputEnd[1] + cellSize[1] - 1) / cellSize[1]);
    }
    b.setInsertionPoint(tiles.front().ops.front());
    PassGateOp::create(b, spanLoc, span.input, reference, cells, tileFlags,
                       counters, b.getDenseI64ArrayAttr(cellSize),
                       b.getI64IntegerAttr(threshold),
                       b.getDenseI64ArrayAttr(ranges));
    for (auto [t, tile] : llvm::enumerate(tiles))
      for (Operation *op : tile.ops)
        op->setAttr("mote.pass_tile",
                    b.getDictionaryAttr(
                        {b.getNamedAttr("mask", tileFlags),
                         b.getNamedAttr("tile", b.getI64IntegerAttr(t))}));
  }
};

} // namespace
