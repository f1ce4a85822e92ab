//===- Split.cpp - Compiling a model split between device and server ------===//

#include "Mote/Driver/Split.h"
#include "Mote/Driver/Calibration.h"
#include "Mote/Driver/HostRun.h"
#include "Mote/Driver/Sgq.h"
#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"
#include "Mote/Pipelines/Pipelines.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace llvm;

FailureOr<mote::SplitOptions> mote::parseSplitOptions(StringRef tensor,
                                                      StringRef sgq) {
  SplitOptions options;
  options.tensor = tensor.str();
  SmallVector<StringRef> fields;
  sgq.split(fields, ',', -1, /*KeepEmpty=*/false);
  for (StringRef field : fields) {
    auto [key, text] = field.split('=');
    int64_t value = 0;
    bool isNumber = !text.getAsInteger(10, value);
    bool ok = true;
    if (key == "bits")
      ok = isNumber && (value == 2 || value == 4 || value == 8);
    else if (key == "groups")
      ok = isNumber && value >= 1 && value <= 32767;
    else if (key == "stripe")
      ok = isNumber && value >= 0 && value <= (1 << 28);
    else if (key == "grouping_id")
      ok = isNumber && value >= 0 && value <= INT32_MAX;
    else if (key == "rounding")
      ok = text == "nearest" || text == "stochastic";
    else if (key == "embed" || key == "runtime_grouping" ||
             key == "cut_entries")
      ok = text.empty();
    else if (key == "samples")
      ok = isNumber && value >= 1 && value <= 4096;
    else
      ok = false;
    if (!ok) {
      errs() << "motec: --sgq: bad field '" << field
             << "' (expected bits=2|4|8, groups=G, stripe=S, "
                "rounding=nearest|stochastic, grouping_id=I, embed, "
                "runtime_grouping, cut_entries, samples=K)\n";
      return failure();
    }
    if (key == "bits")
      options.bits = value;
    else if (key == "groups")
      options.groups = value;
    else if (key == "stripe")
      options.stripe = value;
    else if (key == "grouping_id")
      options.groupingId = value;
    else if (key == "rounding")
      options.rounding = text.str();
    else if (key == "embed")
      options.embedGrouping = true;
    else if (key == "samples")
      options.samples = value;
    else if (key == "cut_entries")
      options.cutEntries = true;
    else
      options.runtimeGrouping = true;
  }
  return options;
}

namespace {

/// Runs mote-split-at on a copy of `module`.
OwningOpRef<ModuleOp> runSplit(ModuleOp module, const mote::SplitOptions &o,
                               const mote::SgqGrouping *grouping) {
  OwningOpRef<ModuleOp> copy = module.clone();
  mote::MoteSplitAtOptions pass;
  pass.tensor = o.tensor;
  pass.bits = o.bits;
  pass.stripe = o.stripe;
  pass.groups = o.groups;
  pass.rounding = o.rounding;
  pass.groupingId = o.groupingId;
  pass.embedGrouping = o.embedGrouping;
  pass.runtimeGrouping = o.runtimeGrouping;
  pass.samples = o.samples;
  if (grouping) {
    pass.permutation.assign(grouping->permutation.begin(),
                            grouping->permutation.end());
    pass.groupEnds.assign(grouping->groupEnds.begin(),
                          grouping->groupEnds.end());
  }
  PassManager pm(module.getContext());
  pm.addPass(mote::createMoteSplitAt(pass));
  if (failed(pm.run(*copy)))
    return nullptr;
  return copy;
}

template <typename OpT> OpT findOp(ModuleOp module) {
  OpT found;
  module.walk([&](OpT op) { found = op; });
  return found;
}

/// The device half without its encoder, `@f(inputs) -> features`.
OwningOpRef<ModuleOp> probeOf(ModuleOp split) {
  OwningOpRef<ModuleOp> probe = split.clone();
  StringRef model =
      probe.get()->getAttrOfType<StringAttr>("mote.model").getValue();
  for (auto func : llvm::to_vector(probe->getOps<func::FuncOp>()))
    if (func.getSymName().ends_with("_server"))
      func.erase();
  auto func = *probe->getOps<func::FuncOp>().begin();
  auto encode = findOp<mote::SgqEncodeOp>(*probe);
  Operation *ret = func.getBody().front().getTerminator();
  Value features = encode.getFeatures();
  ret->setOperands(features);
  // The encoder's own arguments go: the sequence and a run-time grouping.
  BitVector erase(func.getNumArguments());
  for (Value v : {encode.getSequence(), encode.getRuntimeId(),
                  encode.getRuntimeGrouping()})
    if (auto arg = dyn_cast_or_null<BlockArgument>(v))
      erase.set(arg.getArgNumber());
  encode.erase();
  (void)func.eraseArguments(erase);
  func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(),
                                 {features.getType()}));
  func.removeResAttrsAttr();
  func.setSymName(model);
  probe.get()->removeAttr("mote.model");
  return probe;
}

/// The grouping of the cut's channels from its features on the samples at
/// `dataPath`.
FailureOr<mote::SgqGrouping> groupFromCalibration(ModuleOp split,
                                                  const mote::SplitModel &s,
                                                  StringRef dataPath,
                                                  StringRef runtimeDir,
                                                  int64_t &samples) {
  OwningOpRef<ModuleOp> probe = probeOf(split);
  auto func = *probe->getOps<func::FuncOp>().begin();
  if (func.getNumArguments() != 1) {
    errs() << "motec: grouping from calibration data needs a model with one "
              "input; this one has "
           << func.getNumArguments() << "\n";
    return failure();
  }
  std::string data;
  FailureOr<int64_t> count = mote::readSamples(
      dataPath, cast<RankedTensorType>(func.getArgumentTypes()[0]), data);
  if (failed(count))
    return failure();
  samples = *count;
  PassManager pm(split.getContext());
  mote::buildGraphPipeline(pm);
  if (failed(pm.run(*probe)))
    return failure();
  FailureOr<SmallVector<std::string>> outputs;
  {
    mote::Progress progress("features at the cut for " +
                            std::to_string(samples) + " sample(s)");
    outputs = mote::runModel(*probe, {data}, samples, runtimeDir,
                             *mote::lookupTarget("generic-c"));
  }
  if (failed(outputs))
    return failure();
  const std::string &raw = (*outputs)[0];
  ArrayRef<int64_t> shape = s.cutType.getShape();
  int64_t perSample = s.cutType.getNumElements();
  std::vector<float> values(perSample * samples);
  if (auto q = dyn_cast<quant::UniformQuantizedType>(
          getElementTypeOrSelf(s.cutType))) {
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = float(int8_t(raw[i]) - q.getZeroPoint());
  } else {
    std::memcpy(values.data(), raw.data(), values.size() * sizeof(float));
  }
  uint32_t plane = static_cast<uint32_t>(perSample / shape[0] / shape[1]);
  return mote::computeSgqGrouping(values,
                                  static_cast<uint32_t>(shape[0] * samples),
                                  static_cast<uint32_t>(shape[1]), plane,
                                  static_cast<uint32_t>(s.config.stripe),
                                  static_cast<uint32_t>(std::min<int64_t>(
                                      s.config.groupEnds.size(), shape[1])));
}

/// The server half as a model of its own: `@f(features) -> outputs`.
OwningOpRef<ModuleOp> serverOf(ModuleOp split, StringRef tensor) {
  OwningOpRef<ModuleOp> server = split.clone();
  StringRef model =
      server.get()->getAttrOfType<StringAttr>("mote.model").getValue();
  for (auto func : llvm::to_vector(server->getOps<func::FuncOp>()))
    if (func.getSymName().ends_with("_device_forward"))
      func.erase();
  auto func = *server->getOps<func::FuncOp>().begin();
  auto decode = findOp<mote::SgqDecodeOp>(*server);
  Builder b(split.getContext());
  Type type = decode.getFeatures().getType();
  (void)func.insertArgument(
      0, type,
      b.getDictionaryAttr(b.getNamedAttr("mote.name", b.getStringAttr(tensor))),
      decode.getLoc());
  decode.getFeatures().replaceAllUsesWith(func.getArgument(0));
  decode.erase();
  BitVector erase(func.getNumArguments());
  erase.set(1, 3);
  (void)func.eraseArguments(erase);
  func.setSymName(model);
  server.get()->removeAttr("mote.model");
  return server;
}

} // namespace

FailureOr<mote::SplitModel> mote::splitModel(ModuleOp module,
                                             const SplitOptions &options,
                                             StringRef calibrationData,
                                             StringRef runtimeDir) {
  SplitModel s;
  s.runtimeGrouping = options.runtimeGrouping;
  s.cutEntries = options.cutEntries;
  s.samples = options.samples;
  // Calibration and the server half see one sample at a time; only the
  // device packs `samples` of them in a packet.
  SplitOptions single = options;
  single.samples = 1;
  OwningOpRef<ModuleOp> split = runSplit(module, single, nullptr);
  if (!split)
    return failure();
  auto readConfig = [&](ModuleOp m) {
    auto encode = findOp<SgqEncodeOp>(m);
    s.config = SgqConfig::of(encode);
    s.cutType = cast<RankedTensorType>(encode.getFeatures().getType());
    s.capacity = encode.getPacket().getType().getNumElements();
  };
  readConfig(*split);
  std::optional<SgqGrouping> grouping;
  if (!calibrationData.empty()) {
    FailureOr<SgqGrouping> computed = groupFromCalibration(
        *split, s, calibrationData, runtimeDir, s.groupingSamples);
    if (failed(computed))
      return failure();
    grouping = *computed;
    split = runSplit(module, single, &*grouping);
    if (!split)
      return failure();
    readConfig(*split);
  }
  s.server = serverOf(*split, options.tensor);
  if (options.samples > 1) {
    split = runSplit(module, options, grouping ? &*grouping : nullptr);
    if (!split)
      return failure();
    s.capacity =
        findOp<SgqEncodeOp>(*split).getPacket().getType().getNumElements();
  }
  for (auto func : llvm::to_vector(split->getOps<func::FuncOp>()))
    if (func.getSymName().ends_with("_server"))
      func.erase();
  s.device = std::move(split);
  return s;
}

OwningOpRef<ModuleOp> mote::deviceModelOf(const SplitModel &split) {
  return probeOf(*split.device);
}

LogicalResult mote::finishSplitTraining(ModuleOp module,
                                        const SplitModel &split) {
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.size() != 2 || !funcs[1].getSymName().ends_with("_train_step"))
    return module.emitError("expects a device model and its train step");
  func::FuncOp forward = funcs[0], step = funcs[1];
  StringRef model = forward.getSymName();
  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  auto countType = RankedTensorType::get({1}, b.getI32Type());
  auto named = [&](StringRef name) {
    return b.getDictionaryAttr(
        {b.getNamedAttr("mote.name", b.getStringAttr(name)),
         b.getNamedAttr("mote.c_name", b.getStringAttr(name))});
  };
  // With cut_entries, the device also gets its forward and train step on
  // the cut's float values, before they are encoded: a program can send
  // the cut with another codec (the baselines of docs/Collaborative.md).
  if (split.cutEntries) {
    func::FuncOp cut = forward.clone(), cutStep = step.clone();
    cut.setSymName((model + "_device_cut").str());
    cut.setAllResultAttrs(ArrayRef<DictionaryAttr>{named("features")});
    cutStep.setSymName((model + "_device_backward_cut").str());
    cutStep.setArgAttrs(cutStep.getNumArguments() - 1, named("gradient"));
    module.push_back(cut);
    module.push_back(cutStep);
  }
  const SgqConfig &c = split.config;
  auto packetType =
      RankedTensorType::get({split.capacity}, b.getIntegerType(8));

  // The forward ends in the encoder.
  Operation *ret = forward.getBody().front().getTerminator();
  Value features = ret->getOperand(0);
  Location loc = features.getLoc();
  BlockArgument sequence = forward.getBody().addArgument(countType, loc);
  auto groupingType = RankedTensorType::get(
      {split.cutType.getDimSize(1) + static_cast<int64_t>(c.groupEnds.size())},
      b.getIntegerType(16));
  Value runtimeId, runtimeGrouping;
  if (split.runtimeGrouping) {
    runtimeId = forward.getBody().addArgument(countType, loc);
    runtimeGrouping = forward.getBody().addArgument(groupingType, loc);
  }
  b.setInsertionPoint(ret);
  auto encode = SgqEncodeOp::create(
      b, loc, packetType, countType, features, sequence, runtimeId,
      runtimeGrouping, c.bits, c.stripe, c.rounding, c.groupingId,
      c.permutation, c.groupEnds, c.embedGrouping);
  ret->setOperands(encode->getResults());
  SmallVector<DictionaryAttr> argAttrs;
  forward.getAllArgAttrs(argAttrs);
  argAttrs.push_back(named("sequence"));
  if (split.runtimeGrouping) {
    argAttrs.push_back(named("grouping_id"));
    argAttrs.push_back(named("grouping"));
  }
  forward.setType(FunctionType::get(ctx, forward.getBody().getArgumentTypes(),
                                    encode->getResultTypes()));
  forward.setAllArgAttrs(argAttrs);
  forward.setAllResultAttrs(
      ArrayRef<DictionaryAttr>{named("packet"), named("packet_bytes")});

  // The train step starts from the decoded gradient.
  SgqConfig gradient = c;
  gradient.bits = 8;
  gradient.embedGrouping = false;
  FailureOr<int64_t> capacity = checkSgqConfig(
      gradient, split.cutType.getShape(), [&] { return step.emitError(); });
  if (failed(capacity))
    return failure();
  auto gradientType = RankedTensorType::get({*capacity}, b.getIntegerType(8));
  Block &body = step.getBody().front();
  BlockArgument seed = body.getArguments().back();
  BlockArgument packet = body.addArgument(gradientType, loc);
  BlockArgument bytes = body.addArgument(countType, loc);
  Value stepId, stepGrouping;
  if (split.runtimeGrouping) {
    stepId = body.addArgument(countType, loc);
    stepGrouping = body.addArgument(groupingType, loc);
  }
  b.setInsertionPointToStart(&body);
  auto decode = SgqDecodeOp::create(
      b, loc, seed.getType(), packet, bytes, stepId, stepGrouping,
      gradient.bits, gradient.stripe, gradient.rounding, gradient.groupingId,
      gradient.permutation, gradient.groupEnds, gradient.embedGrouping);
  seed.replaceAllUsesWith(decode.getFeatures());
  SmallVector<DictionaryAttr> stepAttrs;
  step.getAllArgAttrs(stepAttrs);
  stepAttrs.pop_back();
  stepAttrs.push_back(named("gradient_packet"));
  stepAttrs.push_back(named("gradient_bytes"));
  if (split.runtimeGrouping) {
    stepAttrs.push_back(named("grouping_id"));
    stepAttrs.push_back(named("grouping"));
  }
  body.eraseArgument(seed.getArgNumber());
  step.setType(
      FunctionType::get(ctx, body.getArgumentTypes(), step.getResultTypes()));
  step.setAllArgAttrs(stepAttrs);

  forward.setSymName((model + "_device_forward").str());
  step.setSymName((model + "_device_backward").str());
  module->setAttr("mote.model", b.getStringAttr(model));
  return success();
}

std::string mote::describeSplit(const SplitModel &s, StringRef name,
                                const SplitOptions &options,
                                int64_t gradientCapacity) {
  json::Object cut{{"tensor", options.tensor},
                   {"shape", json::Array(s.cutType.getShape())}};
  if (auto q = dyn_cast<quant::UniformQuantizedType>(
          getElementTypeOrSelf(s.cutType))) {
    cut["dtype"] = "int8";
    cut["scale"] = q.getScale();
    cut["zero_point"] = q.getZeroPoint();
  } else {
    cut["dtype"] = "float32";
  }
  json::Object sgq{
      {"bits", s.config.bits},
      {"stripe", s.config.stripe},
      {"rounding", s.config.rounding},
      {"grouping_id", s.config.groupingId},
      {"embed_grouping", s.config.embedGrouping},
      {"samples", s.samples},
      {"permutation", json::Array(s.config.permutation)},
      {"group_ends", json::Array(s.config.groupEnds)},
      {"grouping_from",
       s.groupingSamples
           ? formatv("{0} calibration sample(s)", s.groupingSamples).str()
           : std::string("equal groups in channel order")},
      {"capacity", s.capacity}};
  json::Object files{{"device_forward", (name + "_device_forward").str()},
                     {"server_model", (name + "_server.onnx").str()},
                     {"grouping", (name + "_grouping.msgg").str()}};
  if (gradientCapacity)
    files["device_backward"] = (name + "_device_backward").str();
  json::Object root{{"model", name.str()},
                    {"cut", std::move(cut)},
                    {"sgq", std::move(sgq)},
                    {"files", std::move(files)}};
  if (gradientCapacity)
    root["gradient"] = json::Object{{"dtype", "float32"},
                                    {"max_bits", 8},
                                    {"stripe", s.config.stripe},
                                    {"grouping_id", s.config.groupingId},
                                    {"capacity", gradientCapacity}};
  std::string text;
  raw_string_ostream os(text);
  os << formatv("{0:2}", json::Value(std::move(root))) << "\n";
  return text;
}
