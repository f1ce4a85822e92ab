//===- PassSkip.cpp - PASS gate and cached tiles --------------------------===//
//
// Part of convert-mote-to-kernel (Lowering.h): `mote.pass_gate` becomes a
// call of the runtime's PASS frame kernel (mote/mote_pass.h) on the state's
// reference, flags and counters, `mote.pass_propagate` a call of its
// propagation to a later span of a chain, and `mote.pass_store` a call of
// its compare-and-store of a tile into the cache. The ops of a tile
// (`mote.pass_tile`) get their guard in Lowering::rewrite.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

LogicalResult Lowering::lowerPassGate(PassGateOp op) {
  ArrayRef<int64_t> x = shapeOf(op.getInput());
  FailureOr<Value> input = buffer(op, op.getInput());
  FailureOr<Value> reference = stateGlobal(op, op.getReferenceAttr());
  FailureOr<Value> cells = stateGlobal(op, op.getCellsAttr());
  FailureOr<Value> counters = stateGlobal(op, op.getCountersAttr());
  FailureOr<Value> tiles = stateGlobal(op, op.getTilesAttr());
  if (failed(input) || failed(reference) || failed(cells) || failed(counters) ||
      failed(tiles))
    return failure();
  abi::mote_pass_params p;
  p.channels = x[1];
  p.height = x[2];
  p.width = x[3];
  p.cell_h = op.getCell()[0];
  p.cell_w = op.getCell()[1];
  p.threshold = op.getThreshold();
  p.tiles = op.getRanges().size() / 4;
  Value ranges = i32Array("pass_ranges", toI32(op.getRanges()));
  addKernelHeader("mote/mote_pass.h");
  callWith("mote_pass_frame_s8", p,
           {ranges, *input, *reference, *cells, *counters, *tiles},
           /*scalars=*/{}, /*numOutputs=*/4);
  return success();
}

LogicalResult Lowering::lowerPassPropagate(PassPropagateOp op) {
  FailureOr<Value> source = stateGlobal(op, op.getSourceAttr());
  FailureOr<Value> counters = stateGlobal(op, op.getCountersAttr());
  FailureOr<Value> tiles = stateGlobal(op, op.getTilesAttr());
  if (failed(source) || failed(counters) || failed(tiles))
    return failure();
  abi::mote_pass_propagate_params p;
  p.source_rows = op.getSourceGrid()[0];
  p.source_cols = op.getSourceGrid()[1];
  p.tiles = op.getRanges().size() / 4;
  Value ranges = i32Array("pass_ranges", toI32(op.getRanges()));
  addKernelHeader("mote/mote_pass.h");
  callWith("mote_pass_propagate", p, {ranges, *source, *counters, *tiles},
           /*scalars=*/{}, /*numOutputs=*/2);
  return success();
}

LogicalResult Lowering::lowerPassStore(PassStoreOp op) {
  ArrayRef<int64_t> patchShape = shapeOf(op.getPatch());
  FailureOr<Value> patch = buffer(op, op.getPatch());
  FailureOr<Value> cache = stateGlobal(op, op.getCacheAttr());
  FailureOr<Value> flags = stateGlobal(op, op.getFlagsAttr());
  if (failed(patch) || failed(cache) || failed(flags))
    return failure();
  ArrayRef<int64_t> cacheShape = cast<MemRefType>(cache->getType()).getShape();
  abi::mote_pass_store_params p;
  p.channels = cacheShape[1];
  p.height = cacheShape[2];
  p.width = cacheShape[3];
  p.patch_h = patchShape[2];
  p.patch_w = patchShape[3];
  p.top = op.getOffsets()[2];
  p.left = op.getOffsets()[3];
  p.tile = op.getTile();
  p.threshold = op.getThreshold();
  addKernelHeader("mote/mote_pass.h");
  callWith("mote_pass_store_s8", p, {*patch, *cache, *flags}, /*scalars=*/{},
           /*numOutputs=*/2);
  return success();
}

void mote::lowering::populatePassSkipPatterns(LoweringPatterns &patterns) {
  // Neither op has a result: both are in the integer domain.
  patterns.add<PassGateOp>(LoweringDomain::Integer, &Lowering::lowerPassGate);
  patterns.add<PassPropagateOp>(LoweringDomain::Integer,
                                &Lowering::lowerPassPropagate);
  patterns.add<PassStoreOp>(LoweringDomain::Integer, &Lowering::lowerPassStore);
}
