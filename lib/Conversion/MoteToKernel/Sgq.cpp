//===- Sgq.cpp - SGQ encode and decode at a cut ---------------------------===//
//
// Part of convert-mote-to-kernel (Lowering.h): `mote.sgq_encode` and
// `mote.sgq_decode` become calls of the runtime's SGQ codec
// (mote/mote_sgq.h) with the configuration as an ABI parameter block and
// the grouping as constant int16 arrays, or, for a run-time grouping, the
// buffers of its id and arrays.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "Mote/IR/SgqConfig.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

/// The parameter block of an SGQ op on features of `shape`.
static abi::mote_sgq_params
sgqParams(const SgqConfig &c, ArrayRef<int64_t> shape, int64_t capacity) {
  abi::mote_sgq_params p;
  p.bits = c.bits;
  p.stripe = c.stripe;
  p.rounding = c.rounding == "stochastic" ? 1 : 0;
  p.embed_grouping = c.embedGrouping ? 1 : 0;
  p.grouping_id = c.groupingId;
  p.groups = c.groupEnds.size();
  p.rank = shape.size();
  int64_t dims[6] = {1, 1, 1, 1, 1, 1};
  llvm::copy(shape, dims);
  p.dim0 = dims[0];
  p.dim1 = dims[1];
  p.dim2 = dims[2];
  p.dim3 = dims[3];
  p.dim4 = dims[4];
  p.dim5 = dims[5];
  p.capacity = capacity;
  return p;
}

/// The grouping's permutation and group ends as int16 constant arrays.
static std::pair<Value, Value> groupingArrays(Lowering &l, const SgqConfig &c) {
  auto i16 = [&](StringRef suffix, ArrayRef<int64_t> values) {
    SmallVector<int16_t> v(values.begin(), values.end());
    auto type = RankedTensorType::get({int64_t(v.size())},
                                      IntegerType::get(l.ctx(), 16));
    return l.arrayGlobal(suffix, DenseElementsAttr::get(type, ArrayRef(v)));
  };
  return {i16("permutation", c.permutation), i16("group_ends", c.groupEnds)};
}

/// The grouping arguments of an SGQ kernel: the compiled arrays, or the
/// buffers of a run-time grouping's id and arrays.
static FailureOr<SmallVector<Value>> groupingArgs(Lowering &l, Operation *op,
                                                  Value id, Value grouping) {
  if (!grouping) {
    auto [permutation, ends] = groupingArrays(l, SgqConfig::of(op));
    return SmallVector<Value>{permutation, ends};
  }
  return l.buffers({id, grouping});
}

LogicalResult Lowering::lowerSgqEncode(SgqEncodeOp op) {
  SgqConfig config = SgqConfig::of(op);
  FailureOr<SmallVector<Value>> io =
      buffers({op.getFeatures(), op.getSequence(), op.getPacket(),
               op.getPacketBytes()});
  if (failed(io))
    return failure();
  FailureOr<SmallVector<Value>> args =
      groupingArgs(*this, op, op.getRuntimeId(), op.getRuntimeGrouping());
  if (failed(args))
    return failure();
  abi::mote_sgq_params params =
      sgqParams(config, shapeOf(op.getFeatures()), countOf(op.getPacket()));
  addKernelHeader("mote/mote_sgq.h");
  llvm::append_range(*args, *io);
  StringRef suffix = op.getRuntimeGrouping() ? "_grouping_kernel" : "_kernel";
  if (getQuantType(op.getFeatures().getType())) {
    FailureOr<QParams> q = perTensor(op, op.getFeatures());
    if (failed(q))
      return failure();
    callWith(("mote_sgq_encode_s8" + suffix).str(), params, *args,
             {f32(q->scale), i32(q->zeroPoint)}, /*numOutputs=*/2);
    return success();
  }
  callWith(("mote_sgq_encode_f32" + suffix).str(), params, *args, {},
           /*numOutputs=*/2);
  return success();
}

LogicalResult Lowering::lowerSgqDecode(SgqDecodeOp op) {
  SgqConfig config = SgqConfig::of(op);
  FailureOr<SmallVector<Value>> io =
      buffers({op.getPacket(), op.getPacketBytes(), op.getFeatures()});
  if (failed(io))
    return failure();
  FailureOr<SmallVector<Value>> args =
      groupingArgs(*this, op, op.getRuntimeId(), op.getRuntimeGrouping());
  if (failed(args))
    return failure();
  abi::mote_sgq_params params =
      sgqParams(config, shapeOf(op.getFeatures()), countOf(op.getPacket()));
  addKernelHeader("mote/mote_sgq.h");
  llvm::append_range(*args, *io);
  callWith(op.getRuntimeGrouping() ? "mote_sgq_decode_f32_grouping_kernel"
                                   : "mote_sgq_decode_f32_kernel",
           params, *args);
  return success();
}

void mote::lowering::populateSgqPatterns(LoweringPatterns &patterns) {
  // An encode has two results (packet and length): the integer domain,
  // whatever its features; a decode yields floats.
  patterns.add<SgqEncodeOp>(LoweringDomain::Integer, &Lowering::lowerSgqEncode);
  patterns.add<SgqDecodeOp>(LoweringDomain::Float, &Lowering::lowerSgqDecode);
}
