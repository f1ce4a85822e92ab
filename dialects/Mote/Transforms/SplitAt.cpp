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
    FailureOr<int64_t> capacity =
        checkSgqConfig(config, cutType.getShape(), [&] {
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

    // @f_device_forward: the slice, then the encoder.
    SmallVector<Type> deviceInputs(func.getArgumentTypes());
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
    IRMapping toDevice;
    unsigned numInputs = func.getNumArguments();
    toDevice.map(func.getArguments(),
                 deviceBody->getArguments().take_front(numInputs));
    Value runtimeId = runtimeGrouping
                          ? Value(deviceBody->getArgument(numInputs + 1))
                          : Value();
    Value runtimeGroup = runtimeGrouping
                             ? Value(deviceBody->getArgument(numInputs + 2))
                             : Value();
    b.setInsertionPointToStart(deviceBody);
    for (Operation &op : body.without_terminator())
      if (device.contains(&op))
        b.clone(op, toDevice);
    auto encode = SgqEncodeOp::create(
        b, loc, packetType, countType, toDevice.lookup(cut),
        deviceBody->getArgument(numInputs), runtimeId, runtimeGroup,
        config.bits, config.stripe, config.rounding, config.groupingId,
        config.permutation, config.groupEnds, config.embedGrouping);
    func::ReturnOp::create(b, loc, encode->getResults());

    // @f_server: the decoder, then the rest.
    b.setInsertionPoint(func);
    auto serverFunc = func::FuncOp::create(
        b, func.getLoc(), (func.getSymName() + "_server").str(),
        b.getFunctionType({packetType, countType}, func.getResultTypes()));
    serverFunc.setAllArgAttrs(
        ArrayRef<DictionaryAttr>{named("packet"), named("packet_bytes")});
    SmallVector<DictionaryAttr> resultAttrs;
    func.getAllResultAttrs(resultAttrs);
    serverFunc.setAllResultAttrs(resultAttrs);
    Block *serverBody = serverFunc.addEntryBlock();
    b.setInsertionPointToStart(serverBody);
    auto floatType = cutType.clone(b.getF32Type());
    Value decoded = SgqDecodeOp::create(
        b, loc, floatType, serverBody->getArgument(0),
        serverBody->getArgument(1), Value(), Value(), config.bits,
        config.stripe, config.rounding, config.groupingId, config.permutation,
        config.groupEnds, config.embedGrouping);
    if (quantized)
      decoded = QuantizeOp::create(b, loc, cutType, decoded);
    IRMapping toServer;
    toServer.map(cut, decoded);
    for (Operation &op : body) {
      bool sourceUsedAfter = device.contains(&op) && isSource(&op) &&
                             llvm::any_of(op.getUsers(), [&](Operation *user) {
                               return !device.contains(user);
                             });
      if (!device.contains(&op) || sourceUsedAfter)
        b.clone(op, toServer);
    }

    module->setAttr("mote.model", func.getSymNameAttr());
    func.erase();
  }
};

} // namespace
