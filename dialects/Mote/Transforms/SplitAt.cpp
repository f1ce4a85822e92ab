//===- SplitAt.cpp - Cut a model into a device and a server half ----------===//
//
// Split computing: the ops a named tensor depends on run on the device and
// end in `mote.sgq_encode`; the server decodes the packet and runs the rest.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/Locations.h"
#include "Mote/IR/QuantUtils.h"
#include "Mote/IR/SgqConfig.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mote {
#define GEN_PASS_DEF_MOTESPLITAT
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

/// The ONNX name of `value`: a tensor name the importer recorded, the
/// function argument's `mote.name`, or its printed form.
std::string describeValue(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (auto name =
            func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "mote.name"))
      return "model input '" + name.str() + "'";
    return "model input " + std::to_string(arg.getArgNumber());
  }
  Operation *op = value.getDefiningOp();
  StringRef tensor = getTensorName(cast<OpResult>(value));
  std::string found =
      tensor.empty()
          ? "the result of '" + op->getName().getStringRef().str() + "'"
          : "tensor '" + tensor.str() + "'";
  StringRef node = getNodeName(op->getLoc());
  if (!node.empty())
    found += " (node '" + node.str() + "')";
  return found;
}

/// Ops without operands and side effects (constants, state loads): both
/// halves clone the ones they use.
bool isSource(Operation *op) {
  return op->getNumOperands() == 0 && isMemoryEffectFree(op);
}

/// `type` with its leading dimension multiplied by `samples`.
RankedTensorType stacked(Type type, int64_t samples) {
  auto t = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(t.getShape());
  shape[0] *= samples;
  return t.clone(shape);
}

/// Sample `k` of a stacked value, of the per-sample type `type`.
Value sampleOf(OpBuilder &b, Location loc, Value stackedValue, Type type,
               int64_t k) {
  auto t = cast<RankedTensorType>(type);
  SmallVector<int64_t> starts(t.getRank(), 0), steps(t.getRank(), 1);
  starts[0] = k * t.getDimSize(0);
  return SliceOp::create(b, loc, t, stackedValue, starts, steps);
}

/// `values` (one per sample) stacked on the batch axis.
Value stack(OpBuilder &b, Location loc, ArrayRef<Value> values) {
  if (values.size() == 1)
    return values.front();
  return ConcatOp::create(
      b, loc, stacked(values.front().getType(), values.size()), values, 0);
}

/// Clones `ops` (in order) once per sample into the builder's block, with
/// `perSample(k, mapping)` mapping each sample's inputs first; sources
/// (constants) are cloned once and shared. Returns the mappings.
SmallVector<IRMapping>
cloneForSamples(OpBuilder &b, ArrayRef<Operation *> ops, int64_t samples,
                llvm::function_ref<void(int64_t, IRMapping &)> perSample) {
  if (samples == 1) {
    SmallVector<IRMapping> maps(1);
    perSample(0, maps[0]);
    for (Operation *op : ops)
      b.clone(*op, maps[0]);
    return maps;
  }
  IRMapping shared;
  for (Operation *op : ops)
    if (isSource(op))
      b.clone(*op, shared);
  SmallVector<IRMapping> maps(samples, shared);
  for (int64_t k = 0; k < samples; ++k) {
    perSample(k, maps[k]);
    for (Operation *op : ops)
      if (!isSource(op))
        b.clone(*op, maps[k]);
  }
  return maps;
}

struct SplitAtPass : mote::impl::MoteSplitAtBase<SplitAtPass> {
  using MoteSplitAtBase::MoteSplitAtBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    if (funcs.size() != 1) {
      module.emitError("mote-split-at expects one model function, found ")
          << funcs.size();
      return signalPassFailure();
    }
    func::FuncOp func = funcs.front();
    if (tensor.empty()) {
      func.emitError("mote-split-at needs the name of the tensor to cut at "
                     "(tensor=NAME)");
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    Value cut;
    for (Operation &op : body.without_terminator())
      if ((cut = getNamedResult(&op, tensor)))
        break;
    if (!cut) {
      bool isInput = false;
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (auto name = func.getArgAttrOfType<StringAttr>(i, "mote.name"))
          isInput |= name.getValue() == tensor;
      if (isInput)
        func.emitError("cannot cut at '")
            << tensor << "': it is a model input (the device would compute "
            << "nothing)";
      else
        func.emitError("no tensor named '")
            << tensor << "' in the model (cuts are named by ONNX tensor "
            << "names)";
      return signalPassFailure();
    }
    Operation *cutOp = cut.getDefiningOp();
    auto cutType = cast<RankedTensorType>(cut.getType());
    if (samples < 1) {
      func.emitError("samples per packet must be at least 1, got ")
          << static_cast<int64_t>(samples);
      return signalPassFailure();
    }
    if (samples > 1) {
      auto batchOne = [](Type t) {
        auto r = dyn_cast<RankedTensorType>(t);
        return r && r.getRank() >= 1 && r.getDimSize(0) == 1;
      };
      SmallVector<Type> all(func.getArgumentTypes());
      llvm::append_range(all, func.getResultTypes());
      all.push_back(cutType);
      if (!llvm::all_of(all, batchOne)) {
        func.emitError("samples=")
            << static_cast<int64_t>(samples)
            << " stacks samples on the batch axis: the model's "
            << "inputs, outputs and the cut '" << tensor
            << "' must have batch 1";
        return signalPassFailure();
      }
    }
    bool quantized = getNumericKind(cutType) != NumericKind::Float;
    if (quantized &&
        !isa<quant::UniformQuantizedType>(getElementTypeOrSelf(cutType))) {
      cutOp->emitError("cannot cut at '")
          << tensor << "': SGQ encodes float or per-tensor int8 features, "
          << "not " << cutType;
      return signalPassFailure();
    }

    // The device computes what the cut depends on.
    SetVector<Operation *> device;
    BackwardSliceOptions options;
    options.inclusive = true;
    (void)getBackwardSlice(cutOp, &device, options);

    // Nothing else computed on the device may be needed after the cut.
    auto checkCrossing = [&](Operation *user, Value operand) -> LogicalResult {
      if (operand == cut)
        return success();
      Operation *def = operand.getDefiningOp();
      if (def && (!device.contains(def) || isSource(def)))
        return success();
      InFlightDiagnostic diag = user->emitError("'");
      diag << tensor
           << "' is not a cut of the model: " << describeValue(operand)
           << ", computed before it, is also used "
           << "after it";
      if (isa<func::ReturnOp>(user))
        diag << " (as a model output)";
      else
        diag << " (by '" << user->getName() << "')";
      return failure();
    };
    for (Operation &op : body) {
      if (device.contains(&op))
        continue;
      for (Value operand : op.getOperands())
        if (failed(checkCrossing(&op, operand)))
          return signalPassFailure();
    }

    // The codec's configuration for the cut's shape.
    int64_t channels = cutType.getRank() >= 2 ? cutType.getDimSize(1) : 0;
    SgqConfig config;
    config.bits = bits;
    config.stripe = stripe ? stripe : (bits > 0 ? 256 / bits : 0);
    config.rounding = rounding;
    config.groupingId = groupingId;
    config.embedGrouping = embedGrouping;
    config.permutation.assign(permutation.begin(), permutation.end());
    config.groupEnds.assign(groupEnds.begin(), groupEnds.end());
    if (config.permutation.empty())
      for (int64_t c = 0; c < channels; ++c)
        config.permutation.push_back(c);
    if (config.groupEnds.empty()) {
      int64_t g =
          std::clamp<int64_t>(groups, 1, std::max<int64_t>(channels, 1));
      for (int64_t i = 1; i <= g; ++i)
        config.groupEnds.push_back(channels * i / g);
    }
    RankedTensorType packedType = stacked(cutType, samples);
    FailureOr<int64_t> capacity =
        checkSgqConfig(config, packedType.getShape(), [&] {
          return cutOp->emitError("cannot cut at '") << tensor << "': ";
        });
    if (failed(capacity))
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    Location loc = cutOp->getLoc();
    auto packetType = RankedTensorType::get({*capacity}, b.getI8Type());
    auto countType = RankedTensorType::get({1}, b.getI32Type());
    auto named = [&](StringRef name) {
      return b.getDictionaryAttr(
          b.getNamedAttr("mote.name", b.getStringAttr(name)));
    };

    // @f_device_forward: the slice (once per sample), then the encoder.
    SmallVector<Type> deviceInputs;
    for (Type t : func.getArgumentTypes())
      deviceInputs.push_back(stacked(t, samples));
    deviceInputs.push_back(countType);
    auto groupingType = RankedTensorType::get(
        {channels + static_cast<int64_t>(config.groupEnds.size())},
        b.getIntegerType(16));
    if (runtimeGrouping) {
      deviceInputs.push_back(countType);
      deviceInputs.push_back(groupingType);
    }
    b.setInsertionPoint(func);
    auto deviceFunc = func::FuncOp::create(
        b, func.getLoc(), (func.getSymName() + "_device_forward").str(),
        b.getFunctionType(deviceInputs, {packetType, countType}));
    SmallVector<DictionaryAttr> argAttrs;
    func.getAllArgAttrs(argAttrs);
    argAttrs.push_back(named("sequence"));
    if (runtimeGrouping) {
      argAttrs.push_back(named("grouping_id"));
      argAttrs.push_back(named("grouping"));
    }
    deviceFunc.setAllArgAttrs(argAttrs);
    deviceFunc.setAllResultAttrs(
        ArrayRef<DictionaryAttr>{named("packet"), named("packet_bytes")});
    Block *deviceBody = deviceFunc.addEntryBlock();
    unsigned numInputs = func.getNumArguments();
    Value runtimeId = runtimeGrouping
                          ? Value(deviceBody->getArgument(numInputs + 1))
                          : Value();
    Value runtimeGroup = runtimeGrouping
                             ? Value(deviceBody->getArgument(numInputs + 2))
                             : Value();
    b.setInsertionPointToStart(deviceBody);
    SmallVector<Operation *> deviceOps;
    for (Operation &op : body.without_terminator())
      if (device.contains(&op))
        deviceOps.push_back(&op);
    SmallVector<Value> cuts;
    for (IRMapping &m :
         cloneForSamples(b, deviceOps, samples, [&](int64_t k, IRMapping &m) {
           for (unsigned i = 0; i < numInputs; ++i)
             m.map(func.getArgument(i),
                   samples == 1
                       ? Value(deviceBody->getArgument(i))
                       : sampleOf(b, func.getLoc(), deviceBody->getArgument(i),
                                  func.getArgument(i).getType(), k));
         }))
      cuts.push_back(m.lookup(cut));
    auto encode = SgqEncodeOp::create(
        b, loc, packetType, countType, stack(b, loc, cuts),
        deviceBody->getArgument(numInputs), runtimeId, runtimeGroup,
        config.bits, config.stripe, config.rounding, config.groupingId,
        config.permutation, config.groupEnds, config.embedGrouping);
    func::ReturnOp::create(b, loc, encode->getResults());

    // @f_server: the decoder, then the rest.
    b.setInsertionPoint(func);
    SmallVector<Type> serverResults;
    for (Type t : func.getResultTypes())
      serverResults.push_back(stacked(t, samples));
    auto serverFunc = func::FuncOp::create(
        b, func.getLoc(), (func.getSymName() + "_server").str(),
        b.getFunctionType({packetType, countType}, serverResults));
    serverFunc.setAllArgAttrs(
        ArrayRef<DictionaryAttr>{named("packet"), named("packet_bytes")});
    SmallVector<DictionaryAttr> resultAttrs;
    func.getAllResultAttrs(resultAttrs);
    serverFunc.setAllResultAttrs(resultAttrs);
    Block *serverBody = serverFunc.addEntryBlock();
    b.setInsertionPointToStart(serverBody);
    auto floatType = packedType.clone(b.getF32Type());
    Value decoded = SgqDecodeOp::create(
        b, loc, floatType, serverBody->getArgument(0),
        serverBody->getArgument(1), Value(), Value(), config.bits,
        config.stripe, config.rounding, config.groupingId, config.permutation,
        config.groupEnds, config.embedGrouping);
    if (quantized)
      decoded = QuantizeOp::create(b, loc, packedType, decoded);
    SmallVector<Operation *> serverOps;
    for (Operation &op : body.without_terminator()) {
      bool sourceUsedAfter = device.contains(&op) && isSource(&op) &&
                             llvm::any_of(op.getUsers(), [&](Operation *user) {
                               return !device.contains(user);
                             });
      if (!device.contains(&op) || sourceUsedAfter)
        serverOps.push_back(&op);
    }
    Operation *ret = body.getTerminator();
    SmallVector<SmallVector<Value>> perResult(ret->getNumOperands());
    for (IRMapping &m :
         cloneForSamples(b, serverOps, samples, [&](int64_t k, IRMapping &m) {
           m.map(cut, samples == 1 ? decoded
                                   : sampleOf(b, loc, decoded, cutType, k));
         }))
      for (auto [i, v] : llvm::enumerate(ret->getOperands()))
        perResult[i].push_back(m.lookupOrDefault(v));
    SmallVector<Value> results;
    for (auto &values : perResult)
      results.push_back(stack(b, ret->getLoc(), values));
    func::ReturnOp::create(b, ret->getLoc(), results);

    module->setAttr("mote.model", func.getSymNameAttr());
    func.erase();
  }
};

} // namespace
