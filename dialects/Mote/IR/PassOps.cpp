//===- PassOps.cpp - Verifiers of the PASS ops ----------------------------===//

#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"

using namespace mlir;
using namespace mote;

/// The integer type an int8 tensor's elements are stored as, or null.
static Type int8Storage(Type tensorType) {
  Type element = getElementTypeOrSelf(tensorType);
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    element = q.getStorageType();
  return element.isInteger(8) ? element : Type();
}

/// Checks that `name` is a mutable global of `shape` and `element` type.
static LogicalResult verifyPassGlobal(Operation *op,
                                      SymbolTableCollection &symbols,
                                      FlatSymbolRefAttr name,
                                      ArrayRef<int64_t> shape, Type element,
                                      StringRef role) {
  auto global = symbols.lookupNearestSymbolFrom<ml_program::GlobalOp>(op, name);
  if (!global || !global.getIsMutable())
    return op->emitOpError() << role << " '" << name.getValue()
                             << "' is not a mutable ml_program.global";
  auto expected = RankedTensorType::get(shape, element);
  if (global.getType() != expected)
    return op->emitOpError() << role << " '" << name.getValue() << "' has type "
                             << global.getType() << ", expected " << expected;
  return success();
}

std::pair<int64_t, int64_t> PassGateOp::getCellGrid() {
  ArrayRef<int64_t> x = cast<RankedTensorType>(getInput().getType()).getShape();
  ArrayRef<int64_t> cell = getCell();
  if (x.size() != 4 || cell.size() != 2 || cell[0] < 1 || cell[1] < 1)
    return {0, 0};
  return {(x[2] + cell[0] - 1) / cell[0], (x[3] + cell[1] - 1) / cell[1]};
}

/// Checks that `ranges` hold four bounds per tile, each a non-empty range
/// of a `rows` x `cols` grid.
static LogicalResult verifyRanges(Operation *op, ArrayRef<int64_t> ranges,
                                  int64_t rows, int64_t cols, StringRef grid) {
  if (ranges.empty() || ranges.size() % 4 != 0)
    return op->emitOpError("ranges must hold four bounds per tile");
  for (size_t t = 0; t < ranges.size(); t += 4)
    if (ranges[t] < 0 || ranges[t] >= ranges[t + 1] || ranges[t + 1] > rows ||
        ranges[t + 2] < 0 || ranges[t + 2] >= ranges[t + 3] ||
        ranges[t + 3] > cols)
      return op->emitOpError("the ") << grid << " of tile " << t / 4
                                     << " are not a non-empty range of the "
                                     << rows << "x" << cols << " grid";
  return success();
}

LogicalResult PassGateOp::verify() {
  auto type = cast<RankedTensorType>(getInput().getType());
  if (type.getRank() != 4 || type.getDimSize(0) != 1 || !int8Storage(type))
    return emitOpError("expects an int8 NCHW input of batch 1, got ") << type;
  ArrayRef<int64_t> cell = getCell();
  if (cell.size() != 2 || cell[0] < 1 || cell[1] < 1)
    return emitOpError("cell must be two positive sizes (rows, columns)");
  if (getThreshold() < 0 || getThreshold() > INT32_MAX)
    return emitOpError("threshold must be within [0, 2^31)");
  auto [rows, cols] = getCellGrid();
  return verifyRanges(*this, getRanges(), rows, cols, "cells");
}

LogicalResult PassPropagateOp::verify() {
  ArrayRef<int64_t> grid = getSourceGrid();
  if (grid.size() != 2 || grid[0] < 1 || grid[1] < 1)
    return emitOpError("source_grid must be two positive sizes");
  return verifyRanges(*this, getRanges(), grid[0], grid[1], "source tiles");
}

LogicalResult
PassPropagateOp::verifySymbolUses(SymbolTableCollection &symbols) {
  Builder b(getContext());
  ArrayRef<int64_t> grid = getSourceGrid();
  return success(succeeded(verifyPassGlobal(*this, symbols, getSourceAttr(),
                                            {grid[0] * grid[1]}, b.getI8Type(),
                                            "source")) &&
                 succeeded(verifyPassGlobal(*this, symbols, getTilesAttr(),
                                            {int64_t(getRanges().size() / 4)},
                                            b.getI8Type(), "tiles")) &&
                 succeeded(verifyPassGlobal(*this, symbols, getCountersAttr(),
                                            {4}, b.getI32Type(), "counters")));
}

LogicalResult PassGateOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto type = cast<RankedTensorType>(getInput().getType());
  Builder b(getContext());
  auto [rows, cols] = getCellGrid();
  int64_t tiles = getRanges().size() / 4;
  return success(
      succeeded(verifyPassGlobal(*this, symbols, getReferenceAttr(),
                                 type.getShape(), b.getI8Type(),
                                 "reference")) &&
      succeeded(verifyPassGlobal(*this, symbols, getCellsAttr(), {rows * cols},
                                 b.getI8Type(), "cells")) &&
      succeeded(verifyPassGlobal(*this, symbols, getTilesAttr(), {tiles},
                                 b.getI8Type(), "tiles")) &&
      succeeded(verifyPassGlobal(*this, symbols, getCountersAttr(), {4},
                                 b.getI32Type(), "counters")));
}

LogicalResult PassStoreOp::verify() {
  auto type = cast<RankedTensorType>(getPatch().getType());
  if (type.getRank() != 4 || type.getDimSize(0) != 1 || !int8Storage(type))
    return emitOpError("expects an int8 NCHW patch of batch 1, got ") << type;
  if (getOffsets().size() != 4 || getOffsets()[0] != 0 || getOffsets()[1] != 0)
    return emitOpError("offsets must be (0, 0, row, column)");
  if (getTile() < 0)
    return emitOpError("tile must not be negative");
  if (getThreshold() < 0 || getThreshold() > INT32_MAX)
    return emitOpError("threshold must be within [0, 2^31)");
  return success();
}

LogicalResult PassStoreOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto type = cast<RankedTensorType>(getPatch().getType());
  auto cache = symbols.lookupNearestSymbolFrom<ml_program::GlobalOp>(
      *this, getCacheAttr());
  auto flags = symbols.lookupNearestSymbolFrom<ml_program::GlobalOp>(
      *this, getFlagsAttr());
  auto cacheType =
      cache ? dyn_cast<RankedTensorType>(cache.getType()) : nullptr;
  if (!cache || !cache.getIsMutable() || !cacheType ||
      cacheType.getElementType() != int8Storage(type) ||
      cacheType.getRank() != 4 || cacheType.getDimSize(1) != type.getDimSize(1))
    return emitOpError("cache '")
           << getCache() << "' is not a mutable int8 global of the patch's "
           << "channels";
  for (int d = 2; d < 4; ++d)
    if (getOffsets()[d] < 0 ||
        getOffsets()[d] + type.getDimSize(d) > cacheType.getDimSize(d))
      return emitOpError("window of dimension ")
             << d << " (offset " << getOffsets()[d] << ", extent "
             << type.getDimSize(d) << ") leaves the cache's extent "
             << cacheType.getDimSize(d);
  auto flagsType =
      flags ? dyn_cast<RankedTensorType>(flags.getType()) : nullptr;
  if (!flags || !flags.getIsMutable() || !flagsType ||
      flagsType.getRank() != 1 || !flagsType.getElementType().isInteger(8) ||
      getTile() >= flagsType.getDimSize(0))
    return emitOpError("flags '")
           << getFlags() << "' is not a mutable i8 global with an element "
           << getTile();
  return success();
}
