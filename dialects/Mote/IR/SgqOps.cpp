//===- SgqOps.cpp - Verifiers of the SGQ ops ------------------------------===//

#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"
#include "Mote/IR/SgqConfig.h"

#include "mote/mote_sgq.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

#include <cstring>

using namespace mlir;
using namespace mote;

SgqConfig SgqConfig::of(Operation *op) {
  SgqConfig c;
  c.bits = op->getAttrOfType<IntegerAttr>("bits").getInt();
  c.stripe = op->getAttrOfType<IntegerAttr>("stripe").getInt();
  if (auto r = op->getAttrOfType<StringAttr>("rounding"))
    c.rounding = r.str();
  if (auto id = op->getAttrOfType<IntegerAttr>("grouping_id"))
    c.groupingId = id.getInt();
  c.permutation = llvm::to_vector(
      op->getAttrOfType<DenseI64ArrayAttr>("permutation").asArrayRef());
  c.groupEnds = llvm::to_vector(
      op->getAttrOfType<DenseI64ArrayAttr>("group_ends").asArrayRef());
  if (auto e = op->getAttrOfType<BoolAttr>("embed_grouping"))
    c.embedGrouping = e.getValue();
  return c;
}

void SgqConfig::applyTo(Operation *op) const {
  Builder b(op->getContext());
  op->setAttr("bits", b.getI64IntegerAttr(bits));
  op->setAttr("stripe", b.getI64IntegerAttr(stripe));
  op->setAttr("rounding", b.getStringAttr(rounding));
  op->setAttr("grouping_id", b.getI64IntegerAttr(groupingId));
  op->setAttr("permutation", b.getDenseI64ArrayAttr(permutation));
  op->setAttr("group_ends", b.getDenseI64ArrayAttr(groupEnds));
  op->setAttr("embed_grouping", b.getBoolAttr(embedGrouping));
}

FailureOr<int64_t>
mote::checkSgqConfig(const SgqConfig &c, ArrayRef<int64_t> shape,
                     function_ref<InFlightDiagnostic()> emitError) {
  if (c.bits != 2 && c.bits != 4 && c.bits != 8)
    return emitError() << "bits must be 2, 4 or 8, not " << c.bits;
  if (c.stripe < 1 || c.stripe > (1 << 28))
    return emitError() << "stripe must be 1 to 2^28 elements, not " << c.stripe;
  if (c.rounding != "nearest" && c.rounding != "stochastic")
    return emitError() << "rounding must be \"nearest\" or \"stochastic\", "
                          "not \""
                       << c.rounding << "\"";
  if (c.groupingId < 0 || c.groupingId > INT32_MAX)
    return emitError() << "grouping_id must be 0 to 2^31 - 1";
  if (shape.size() < 2 || shape.size() > MOTE_SGQ_MAX_RANK)
    return emitError() << "features must have 2 to 6 dimensions (batch, "
                          "channels, spatial...), not "
                       << shape.size();
  int64_t channels = shape[1];
  if (channels > MOTE_SGQ_MAX_CHANNELS)
    return emitError() << "features have " << channels
                       << " channels; SGQ takes at most 32767";
  if (int64_t(c.permutation.size()) != channels)
    return emitError() << "permutation has " << c.permutation.size()
                       << " entries for " << channels << " channels";
  SmallVector<bool> seen(channels, false);
  for (int64_t p : c.permutation) {
    if (p < 0 || p >= channels)
      return emitError() << "permutation entry " << p << " is not a channel";
    if (seen[p])
      return emitError() << "permutation repeats channel " << p;
    seen[p] = true;
  }
  if (c.groupEnds.empty() || c.groupEnds.back() != channels)
    return emitError() << "group_ends must end at the channel count "
                       << channels;
  for (size_t g = 0; g < c.groupEnds.size(); ++g)
    if (c.groupEnds[g] <= (g ? c.groupEnds[g - 1] : 0))
      return emitError() << "group_ends must increase strictly";

  mote_sgq_config config;
  std::memset(&config, 0, sizeof config);
  config.bits = static_cast<uint8_t>(c.bits);
  config.rounding =
      c.rounding == "stochastic" ? MOTE_SGQ_STOCHASTIC : MOTE_SGQ_NEAREST;
  config.embed_grouping = c.embedGrouping;
  config.stripe = static_cast<uint32_t>(c.stripe);
  SmallVector<uint16_t> perm(c.permutation.begin(), c.permutation.end());
  SmallVector<uint16_t> ends(c.groupEnds.begin(), c.groupEnds.end());
  config.grouping = {
      static_cast<uint32_t>(c.groupingId), static_cast<uint32_t>(channels),
      static_cast<uint32_t>(ends.size()), perm.data(), ends.data()};
  mote_sgq_shape s;
  s.rank = shape.size();
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 1 || shape[i] > (1 << 28))
      return emitError() << "feature dimension " << i << " is " << shape[i];
    s.dims[i] = static_cast<uint32_t>(shape[i]);
  }
  size_t capacity = mote_sgq_get_buffer_size(&config, &s);
  if (!capacity)
    return emitError() << "features of " << s.rank
                       << " dimensions are too large for one packet";
  return static_cast<int64_t>(capacity);
}

static LogicalResult verifySgq(Operation *op, RankedTensorType features,
                               RankedTensorType packet, Value count,
                               Value runtimeId, Value runtimeGrouping) {
  if (cast<RankedTensorType>(count.getType()).getDimSize(0) != 1)
    return op->emitOpError("packet length and sequence are tensor<1xi32>");
  if (runtimeId &&
      cast<RankedTensorType>(runtimeId.getType()).getDimSize(0) != 1)
    return op->emitOpError("the run-time grouping id is tensor<1xi32>");
  if (runtimeGrouping && features.getRank() >= 2) {
    int64_t entries = features.getDimSize(1) +
                      static_cast<int64_t>(SgqConfig::of(op).groupEnds.size());
    if (cast<RankedTensorType>(runtimeGrouping.getType()).getDimSize(0) !=
        entries)
      return op->emitOpError("the run-time grouping holds the permutation "
                             "and the group ends: ")
             << entries << " entries";
  }
  if (auto q = mote::getQuantType(features)) {
    auto uniform = dyn_cast<quant::UniformQuantizedType>(q);
    if (!uniform || !uniform.isSigned() ||
        uniform.getStorageTypeIntegralWidth() != 8)
      return op->emitOpError("takes float or per-tensor int8 features, not ")
             << features;
  }
  FailureOr<int64_t> capacity =
      checkSgqConfig(SgqConfig::of(op), features.getShape(),
                     [&]() { return op->emitOpError(); });
  if (failed(capacity))
    return failure();
  if (packet.getDimSize(0) != *capacity)
    return op->emitOpError("packet holds ")
           << packet.getDimSize(0)
           << " bytes; the codec's largest packet for these features and "
              "this configuration is "
           << *capacity;
  return success();
}

LogicalResult SgqEncodeOp::verify() {
  if (cast<RankedTensorType>(getSequence().getType()).getDimSize(0) != 1)
    return emitOpError("packet length and sequence are tensor<1xi32>");
  return verifySgq(*this, getFeatures().getType(),
                   cast<RankedTensorType>(getPacket().getType()),
                   getPacketBytes(), getRuntimeId(), getRuntimeGrouping());
}

LogicalResult SgqDecodeOp::verify() {
  return verifySgq(*this, cast<RankedTensorType>(getFeatures().getType()),
                   cast<RankedTensorType>(getPacket().getType()),
                   getPacketBytes(), getRuntimeId(), getRuntimeGrouping());
}
