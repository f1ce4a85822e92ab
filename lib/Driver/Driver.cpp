//===- Driver.cpp - The motec command line --------------------------------===//

#include "Mote/Driver/Driver.h"
#include "Mote/Conversion/FixedPoint.h"
#include "Mote/Conversion/Passes.h"
#include "Mote/Driver/Calibration.h"
#include "Mote/Driver/CompilerOptions.h"
#include "Mote/Driver/Files.h"
#include "Mote/Driver/HostRun.h"
#include "Mote/Driver/ModelInfo.h"
#include "Mote/Driver/Npy.h"
#include "Mote/Driver/PatchInference.h"
#include "Mote/Driver/Sgq.h"
#include "Mote/Driver/SgqCommand.h"
#include "Mote/Driver/Split.h"
#include "Mote/Driver/Weights.h"
#include "Mote/Pipelines/Pipelines.h"
#include "Mote/Pipelines/Registration.h"
#include "Mote/Target/C/ExportC.h"
#include "Mote/Target/C/Package.h"
#include "Mote/Target/ONNX/ExportONNX.h"
#include "Mote/Target/ONNX/ImportONNX.h"
#include "Mote/Target/ONNX/TrainedWeights.h"
#include "Mote/Target/TFLite/ImportTFLite.h"

#include "Mote/IR/QuantUtils.h"
#include "Mote/Transforms/MemoryPlan.h"
#include "Mote/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>

using namespace mlir;
using namespace llvm;

namespace {

cl::SubCommand infoCommand("info", "Summarize a model: inputs, outputs, op "
                                   "histogram, parameter bytes and MACs per "
                                   "layer");

cl::SubCommand opsCommand("ops", "List the ONNX operators the importer handles "
                                 "(docs/ONNXImport.md gives their limits)");
cl::opt<bool> opsMarkdown(
    "markdown",
    cl::desc("Print a Markdown table of each operator's ONNX versions: read "
             "as they are, or upgraded first (docs/ONNXImport.md holds it)"),
    cl::sub(opsCommand));

cl::SubCommand
    compileCommand("compile",
                   "Compile a model to a C package (source, header, runtime, "
                   "build files)");

cl::SubCommand runCommand(
    "run",
    "Compile a model for this machine, build it with the host C "
    "compiler ($CC or cc), run it on .npy inputs and write .npy outputs");

cl::SubCommand weightsCommand(
    "weights",
    "Trained weights: `unpack IMAGE -o FILE.mtw` turns a device's state image "
    "into a FlatBuffers file, `pack FILE.mtw -o IMAGE` makes an image a "
    "device imports, `apply MODEL.onnx FILE.mtw -o OUT.onnx` (with the "
    "model's --train options) writes the trained tensors into the model");
cl::list<std::string> weightsArgs(cl::Positional, cl::OneOrMore,
                                  cl::desc("unpack IMAGE | pack FILE.mtw | "
                                           "apply MODEL.onnx FILE.mtw"),
                                  cl::sub(weightsCommand));
cl::opt<std::string> weightsOutput("o", cl::desc("Output file"),
                                   cl::value_desc("file"), cl::Required,
                                   cl::sub(weightsCommand));

cl::opt<std::string> runModel(cl::Positional, cl::desc("<model.onnx>"),
                              cl::Required, cl::sub(runCommand));
cl::list<std::string> runInputs("input",
                                cl::desc("Input .npy, one per model "
                                         "input, in order"),
                                cl::value_desc("file.npy"), cl::OneOrMore,
                                cl::sub(runCommand));
cl::list<std::string> runOutputs("output",
                                 cl::desc("Output .npy, one per "
                                          "model output, in order"),
                                 cl::value_desc("file.npy"), cl::OneOrMore,
                                 cl::sub(runCommand));

cl::opt<std::string> execPrefix(
    "exec-prefix",
    cl::desc("Run the built program through this command, e.g. \"qemu-aarch64 "
             "-L /usr/aarch64-linux-gnu\" with CC=aarch64-linux-gnu-gcc"),
    cl::value_desc("command"), cl::sub(runCommand));

cl::opt<std::string> infoModel(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::sub(infoCommand));
cl::opt<std::string> compileModel(cl::Positional, cl::desc("<model.onnx>"),
                                  cl::Required, cl::sub(compileCommand));
cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                               cl::value_desc("dir"), cl::Required,
                               cl::sub(compileCommand));
cl::opt<std::string>
    modelName("name", cl::desc("C name of the model (default: the file name)"),
              cl::sub(compileCommand), cl::sub(weightsCommand));
cl::opt<std::string> target(
    "target",
    cl::desc("Code-generation target: generic-c (portable C99, default), "
             "aarch64-neon, aarch64-dotprod, cortex-m4, cortex-m55"),
    cl::init("generic-c"), cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<bool> portableKernels(
    "portable-kernels",
    cl::desc(
        "Use the portable C kernels (generic-c's code) with the "
        "target's toolchain and board: the baseline of bench/arm_bench.py"),
    cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<std::string> emit("emit",
                          cl::desc("What to write: c (the package, default), "
                                   "mlir (after the graph pipeline), kernel "
                                   "(buffers and kernel calls), emitc, onnx "
                                   "(the float or QDQ graph, after "
                                   "--quantize)"),
                          cl::init("c"), cl::sub(compileCommand));
cl::opt<std::string> runtimeDir("runtime-dir",
                                cl::desc("Mote runtime sources to copy"),
                                cl::init(MOTE_RUNTIME_DIR),
                                cl::sub(compileCommand), cl::sub(runCommand));
cl::list<std::string>
    bindDims("bind-dim",
             cl::desc("Give a symbolic input dimension a value: NAME=VALUE"),
             cl::sub(infoCommand), cl::sub(compileCommand), cl::sub(runCommand),
             cl::sub(weightsCommand));
cl::opt<std::string> quantize(
    "quantize",
    cl::desc("Quantize a float model after calibration: int8 (per-channel "
             "weights, per-tensor activations)"),
    cl::value_desc("int8"), cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<std::string> precision(
    "precision",
    cl::desc("Arithmetic of the generated code: fp32 (a QDQ model's fake "
             "quantization is dropped and its weights dequantized), int8 "
             "(fails if any layer would compute in float), or as the model "
             "is (default)"),
    cl::value_desc("fp32|int8"), cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<std::string> numerics(
    "numerics",
    cl::desc("Integer arithmetic of the generated code: tflite (TensorFlow "
             "Lite's doubly rounded requantization and rounded-division "
             "average pooling; the default for .tflite models) or mote "
             "(one rounding; the default otherwise)"),
    cl::value_desc("tflite|mote"), cl::sub(compileCommand), cl::sub(runCommand),
    cl::sub(infoCommand));
cl::opt<std::string> calibrationData(
    "calibration",
    cl::desc("Calibration inputs for --quantize: a .npy file (one sample or "
             "a stack along the batch axis) or a folder of .npy files"),
    cl::value_desc("path"), cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<std::string> calibrationMethod(
    "calibration-method",
    cl::desc("How observed values become ranges: minmax (default), "
             "percentile, mse"),
    cl::init("minmax"), cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<double>
    percentile("percentile",
               cl::desc("Percentile kept by --calibration-method=percentile"),
               cl::init(99.99), cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<bool> noGraphPipeline(
    "no-graph-pipeline",
    cl::desc("Report the imported graph as is, without mote-graph-pipeline"),
    cl::sub(infoCommand));

cl::opt<std::string> splitAt(
    "split-at",
    cl::desc("Split computing: cut the model at this ONNX tensor into a "
             "device package (<name>_device_forward: the layers up to the "
             "cut, then an SGQ packet) and the server's rest "
             "(<name>_server.onnx from the decoded features); see docs/SGQ.md"),
    cl::value_desc("tensor"), cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<std::string> sgqSpec(
    "sgq",
    cl::desc("SGQ at the cut: bits=2|4|8 (default 4), groups=G (8), stripe=S "
             "(256 / bits), rounding=nearest|stochastic, grouping_id=I (1), "
             "embed (the grouping in every packet), runtime_grouping, "
             "samples=K (K samples stacked on the batch axis per packet); "
             "with --calibration the channels are grouped from the features "
             "at the cut"),
    cl::value_desc("bits=B,..."), cl::sub(compileCommand), cl::sub(runCommand));

cl::opt<std::string> patchInference(
    "patch-inference",
    cl::desc("Patch-based inference (MCUNetV2): compute the span of spatial "
             "layers that ends at this ONNX tensor one output patch at a time "
             "(halos recomputed), so its large activations never exist "
             "whole; 'auto' picks the span and grid with the smallest arena "
             "within --patch-overhead; see docs/PatchInference.md"),
    cl::value_desc("tensor|auto"), cl::sub(infoCommand),
    cl::sub(compileCommand), cl::sub(runCommand));
cl::opt<std::string> patchGrid(
    "patch-grid",
    cl::desc("Patches of --patch-inference: ROWSxCOLS (default 2x2; auto "
             "searches square grids when not given)"),
    cl::value_desc("RxC"), cl::sub(infoCommand), cl::sub(compileCommand),
    cl::sub(runCommand));
cl::opt<unsigned> patchOverhead(
    "patch-overhead",
    cl::desc("--patch-inference=auto: the most extra MACs allowed, in "
             "percent of the model's (default 25)"),
    cl::init(25), cl::sub(infoCommand), cl::sub(compileCommand),
    cl::sub(runCommand));

cl::opt<std::string> passRegion(
    "pass-region",
    cl::desc("PASS patch skipping for video: compute the span of spatial "
             "layers that ends at this ONNX tensor tile by tile and keep the "
             "tiles in the model's state, recomputing per call (frame) only "
             "those a changed input cell reaches; a comma-separated list "
             "makes a chain of spans, each starting where the one before "
             "ends; see docs/PatchInference.md"),
    cl::value_desc("tensor[,tensor...]"), cl::sub(compileCommand),
    cl::sub(runCommand));
cl::opt<std::string>
    passGrid("pass-grid",
             cl::desc("Tiles of --pass-region's output: ROWSxCOLS (default "
                      "4x4)"),
             cl::value_desc("RxC"), cl::sub(compileCommand),
             cl::sub(runCommand));
cl::opt<std::string>
    passCell("pass-cell",
             cl::desc("Gate cells of --pass-region, in pixels of its int8 "
                      "input: ROWSxCOLS (default 8x8)"),
             cl::value_desc("RxC"), cl::sub(compileCommand),
             cl::sub(runCommand));
cl::opt<int64_t> passThreshold(
    "pass-threshold",
    cl::desc("Sum of absolute int8 differences over a cell above which it "
             "changed (default 0: outputs bit-identical to the dense model)"),
    cl::init(0), cl::sub(compileCommand), cl::sub(runCommand));

cl::opt<int64_t> passStoreThreshold(
    "pass-store-threshold",
    cl::desc("The same for a recomputed tile against its cached value, per "
             "cell's worth of elements: a tile within it is not stored and "
             "the next span of a chain does not see it change (default 0)"),
    cl::init(0), cl::sub(compileCommand), cl::sub(runCommand));

cl::opt<bool> train(
    "train",
    cl::desc("Compile a trainable model: <name>_train_step (forward, "
             "the --loss, backward, optimizer update), "
             "<name>_infer and <name>_init_state over one training arena"),
    cl::sub(compileCommand));
cl::opt<std::string> loss(
    "loss",
    cl::desc("The training loss: cross-entropy (class labels, default; a "
             "final softmax is part of it), bce (binary cross-entropy with "
             "logits; a final sigmoid is part of it), mse or l1 (targets of "
             "the output's shape: regression, autoencoders)"),
    cl::init("cross-entropy"), cl::sub(compileCommand));
cl::opt<std::string> trainPrecision(
    "train-precision",
    cl::desc("Arithmetic of the train step: fp32, or int8 (Octo: int8 "
             "products forward and backward, LAC, PRC, stochastic rounding)"),
    cl::init("fp32"), cl::sub(compileCommand), cl::sub(weightsCommand));
cl::opt<std::string> trainLayers(
    "train-layers",
    cl::desc("Trained tensors: all (default), last:K (the last K conv / "
             "fully-connected layers), bias (every bias only)"),
    cl::init("all"), cl::sub(compileCommand), cl::sub(weightsCommand));
cl::opt<std::string>
    optimizerSpec("optimizer",
                  cl::desc("sgd:lr=L,momentum=M,weight_decay=D or "
                           "adam:lr=L,beta1=B1,beta2=B2,eps=E,weight_decay=D"),
                  cl::init("sgd:lr=0.01"), cl::sub(compileCommand),
                  cl::sub(weightsCommand));

cl::opt<double>
    prc("prc",
        cl::desc("INT8 training: parameterized range clipping, the fraction of "
                 "the observed range kept before quantizing (1 disables)"),
        cl::init(0.95), cl::sub(compileCommand), cl::sub(weightsCommand));
cl::opt<bool>
    lac("lac",
        cl::desc("INT8 training: loss-aware compensation (trained per-channel "
                 "scale and shift after each trained layer)"),
        cl::init(true), cl::sub(compileCommand), cl::sub(weightsCommand));
cl::opt<double> lacL2("lac-l2",
                      cl::desc("INT8 training: L2 penalty of the LAC terms"),
                      cl::init(1e-4), cl::sub(compileCommand),
                      cl::sub(weightsCommand));
cl::opt<bool> stochasticRounding(
    "stochastic-rounding",
    cl::desc("INT8 training: round errors stochastically (seeded)"),
    cl::init(true), cl::sub(compileCommand), cl::sub(weightsCommand));
cl::opt<unsigned> seed("seed",
                       cl::desc("INT8 training: stochastic rounding seed"),
                       cl::init(1), cl::sub(compileCommand),
                       cl::sub(weightsCommand));

/// Parses --optimizer into the options of mote-insert-optimizer.
LogicalResult parseOptimizer(mote::MoteInsertOptimizerOptions &options) {
  auto [kind, rest] = StringRef(optimizerSpec).split(':');
  if (kind != "sgd" && kind != "adam") {
    errs() << "motec: --optimizer must start with sgd or adam, got '"
           << optimizerSpec << "'\n";
    return failure();
  }
  options.optimizer =
      kind == "sgd" ? mote::OptimizerKind::SGD : mote::OptimizerKind::Adam;
  SmallVector<StringRef> fields;
  rest.split(fields, ',', -1, /*KeepEmpty=*/false);
  for (StringRef field : fields) {
    auto [key, text] = field.split('=');
    double value;
    double *slot = key == "lr"             ? &options.lr
                   : key == "momentum"     ? &options.momentum
                   : key == "weight_decay" ? &options.weightDecay
                   : key == "beta1"        ? &options.beta1
                   : key == "beta2"        ? &options.beta2
                   : key == "eps"          ? &options.epsilon
                                           : nullptr;
    bool sgdOnly = key == "momentum";
    bool adamOnly = key == "beta1" || key == "beta2" || key == "eps";
    if (!slot || (sgdOnly && kind != "sgd") || (adamOnly && kind != "adam") ||
        text.getAsDouble(value) || !std::isfinite(value) || value < 0) {
      errs() << "motec: --optimizer: bad field '" << field << "' for " << kind
             << " (expected a non-negative number for "
             << (kind == "sgd" ? "lr, momentum, weight_decay"
                               : "lr, beta1, beta2, eps, weight_decay")
             << ")\n";
      return failure();
    }
    *slot = value;
  }
  return success();
}

/// The --train-precision, --train-layers, --optimizer and INT8 options.
FailureOr<mote::TrainOptions> parseTrainOptions() {
  mote::TrainOptions options;
  if (trainPrecision != "fp32" && trainPrecision != "int8") {
    errs() << "motec: train precision '" << trainPrecision
           << "' is not supported (expected fp32 or int8)\n";
    return failure();
  }
  options.precision = trainPrecision == "int8" ? mote::TrainPrecision::Int8
                                               : mote::TrainPrecision::FP32;
  options.state.trainLayers = trainLayers;
  if (loss != "cross-entropy" && loss != "bce" && loss != "mse" &&
      loss != "l1") {
    errs() << "motec: loss '" << loss
           << "' is not supported (expected cross-entropy, bce, mse or l1)\n";
    return failure();
  }
  options.autodiff.seed =
      loss == "cross-entropy" ? std::string("softmax-cross-entropy") : loss;
  options.octo.prc = prc;
  options.octo.lac = lac;
  options.octo.lacL2 = lacL2;
  options.octo.stochasticRounding = stochasticRounding;
  options.octo.seed = seed;
  if (failed(parseOptimizer(options.optimizer)))
    return failure();
  return options;
}

/// Parses --bind-dim values into `options`.
LogicalResult parseDimBindings(mote::ImportOptions &options) {
  for (const std::string &binding : bindDims) {
    auto [name, value] = StringRef(binding).split('=');
    int64_t extent;
    if (name.empty() || value.getAsInteger(10, extent) || extent < 1) {
      errs() << "motec: --bind-dim expects NAME=VALUE with a positive VALUE, "
                "got '"
             << binding << "'\n";
      return failure();
    }
    options.dimBindings[name] = extent;
  }
  return success();
}

/// A C identifier from the model file name.
std::string defaultName(StringRef path) {
  std::string name;
  for (char c : sys::path::stem(sys::path::stem(path)))
    name += isAlnum(c) ? toLower(c) : '_';
  if (name.empty() || isDigit(name[0]))
    name = "model_" + name;
  return name;
}

/// The command line, validated once, as the options of one compilation of
/// the model at `modelPath`; `withTrainStep` when a train step is built.
FailureOr<mote::CompilerOptions> readCompilerOptions(StringRef modelPath,
                                                     bool withTrainStep) {
  mote::CompilerOptions options;
  options.board = mote::lookupTarget(target);
  if (!options.board) {
    errs() << "motec: unknown target '" << target
           << "' (available: " << mote::getTargetNames() << ")\n";
    return failure();
  }
  if (failed(parseDimBindings(options.import)))
    return failure();
  if (precision.empty()) {
    options.precision = mote::CodePrecision::AsModel;
  } else if (precision == "fp32" || precision == "int8") {
    options.precision = precision == "fp32" ? mote::CodePrecision::FP32
                                            : mote::CodePrecision::Int8;
  } else {
    errs() << "motec: --precision must be fp32 or int8, got '" << precision
           << "'\n";
    return failure();
  }
  if (!numerics.empty() && numerics != "tflite" && numerics != "mote") {
    errs() << "motec: --numerics must be tflite or mote, got '" << numerics
           << "'\n";
    return failure();
  }
  options.numerics = numerics;
  if (!quantize.empty()) {
    if (options.precision == mote::CodePrecision::FP32) {
      errs() << "motec: --precision=fp32 and --quantize contradict each "
                "other\n";
      return failure();
    }
    if (quantize != "int8") {
      errs() << "motec: --quantize must be int8, got '" << quantize << "'\n";
      return failure();
    }
    if (calibrationData.empty()) {
      errs() << "motec: --quantize=int8 needs --calibration=DATA (a .npy "
                "file or a folder of them)\n";
      return failure();
    }
    FailureOr<mote::CalibrationMethod> method =
        mote::parseCalibrationMethod(calibrationMethod);
    if (failed(method))
      return failure();
    options.quantize = true;
    options.calibrationData = calibrationData;
    options.calibration.method = *method;
    options.calibration.percentile = percentile;
    options.calibration.runtimeDir = runtimeDir;
  }
  if (withTrainStep) {
    FailureOr<mote::TrainOptions> trainOptions = parseTrainOptions();
    if (failed(trainOptions))
      return failure();
    options.train = *trainOptions;
  }
  options.lower.modelName =
      modelName.empty() ? defaultName(modelPath) : std::string(modelName);
  options.lower.target =
      portableKernels ? std::string("generic-c") : options.board->name.str();
  options.runtimeDir = runtimeDir;
  return options;
}

/// How far loadModel takes a model.
enum class Stage {
  Imported,  ///< As imported.
  QDQ,       ///< Quantized when asked (--quantize), in QDQ form.
  Optimized, ///< After mote-graph-pipeline: what code generation reads.
};

/// True if any value of `module` has a quantized element type.
bool hasQuantizedTensors(ModuleOp module) {
  bool found = false;
  module.walk([&](Operation *op) {
    for (Type type : op->getResultTypes())
      found |= mote::getNumericKind(type) != mote::NumericKind::Float &&
               isa<quant::QuantizedType>(getElementTypeOrSelf(type));
  });
  return found;
}

/// Quantizes the float model in `module` (--quantize=int8): graph cleanup,
/// calibration on the calibration data, then mote-quantize.
LogicalResult quantizeModel(ModuleOp module,
                            const mote::CompilerOptions &options) {
  if (hasQuantizedTensors(module)) {
    errs() << "motec: --quantize expects a float model; this one is "
              "quantized already\n";
    return failure();
  }
  PassManager prepare(module.getContext());
  mote::buildPreQuantizationPipeline(prepare);
  if (failed(prepare.run(module)) ||
      failed(mote::calibrate(module, options.calibrationData,
                             options.calibration)))
    return failure();
  PassManager pm(module.getContext());
  mote::buildQuantizePipeline(pm);
  return pm.run(module);
}

/// Imports the model at `path`, sets its precision, quantizes it when asked
/// and runs the graph pipeline, up to `stage`.
OwningOpRef<ModuleOp> loadModel(MLIRContext &context, StringRef path,
                                Stage stage,
                                const mote::CompilerOptions &options) {
  auto file = MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
  if (!file) {
    errs() << "motec: cannot read '" << path
           << "': " << file.getError().message() << "\n";
    return nullptr;
  }
  StringRef bytes = (*file)->getBuffer();
  OwningOpRef<ModuleOp> module =
      mote::isTFLiteModel(bytes)
          ? mote::importTFLiteModel(bytes, path, &context)
          : mote::importONNXModel(bytes, path, &context, options.import);
  if (!module)
    return module;
  // The importer of TFLite models asks for TFLite's numerics; --numerics
  // decides either way.
  if (options.numerics == "tflite")
    (*module)->setAttr(mote::kNumericsAttrName,
                       StringAttr::get(&context, "tflite"));
  else if (options.numerics == "mote")
    (*module)->removeAttr(mote::kNumericsAttrName);
  if (stage == Stage::Imported)
    return module;
  if (options.precision == mote::CodePrecision::FP32) {
    PassManager strip(&context);
    strip.addPass(mote::createMoteStripQuantization());
    if (failed(strip.run(*module))) {
      errs() << "motec: --precision=fp32 cannot compile this model in float\n";
      return nullptr;
    }
  }
  if (options.quantize && failed(quantizeModel(*module, options)))
    return nullptr;
  if (stage == Stage::QDQ)
    return module;
  PassManager pm(&context);
  mote::buildGraphPipeline(pm);
  if (failed(pm.run(*module)))
    return nullptr;
  if (options.precision == mote::CodePrecision::Int8) {
    PassManager verify(&context);
    verify.addPass(mote::createMoteVerifyIntegerOnly());
    if (failed(verify.run(*module))) {
      errs() << "motec: --precision=int8: the model does not compute on "
                "integers only (quantize it, e.g. --quantize=int8)\n";
      return nullptr;
    }
  }
  if (!patchInference.empty()) {
    FailureOr<mote::PatchInferenceOptions> patches =
        mote::parsePatchInferenceOptions(patchInference, patchGrid,
                                         patchOverhead);
    if (failed(patches) || failed(mote::applyPatchInference(
                               *module, *patches, options.lower, outs())))
      return nullptr;
  }
  if (!passRegion.empty()) {
    FailureOr<mote::PassSkipOptions> pass = mote::parsePassSkipOptions(
        passRegion, passGrid, passCell, passThreshold, passStoreThreshold);
    if (failed(pass) || failed(mote::applyPassSkip(*module, *pass, outs())))
      return nullptr;
  }
  return module;
}

/// A context with every dialect Mote uses.
std::unique_ptr<MLIRContext> createContext() {
  DialectRegistry registry;
  mote::registerMoteDialects(registry);
  return std::make_unique<MLIRContext>(registry);
}

/// Builds the train step of the model in `module`.
LogicalResult buildTrainStep(ModuleOp module,
                             const mote::TrainOptions &options) {
  PassManager pm(module.getContext());
  mote::buildTrainPipeline(pm, options);
  return pm.run(module);
}

int runInfo() {
  FailureOr<mote::CompilerOptions> options =
      readCompilerOptions(infoModel, /*withTrainStep=*/false);
  if (failed(options))
    return 1;
  std::unique_ptr<MLIRContext> contextOwner = createContext();
  MLIRContext &context = *contextOwner;
  OwningOpRef<ModuleOp> module =
      loadModel(context, infoModel,
                noGraphPipeline ? Stage::Imported : Stage::Optimized, *options);
  if (!module)
    return 1;
  // The arena as generic-c code would plan it.
  PassManager plan(&context);
  mote::buildPlanMemoryPipeline(plan, options->lower);
  if (failed(plan.run(*module)))
    return 1;
  outs() << "model: " << infoModel << "\n";
  mote::printModelInfo(mote::analyzeModel(*module), outs());
  return 0;
}

/// Bytes of machine code of a package: the .text of the model and the
/// runtime sources it needs, compiled with the target's compiler (-O2 and
/// its CPU flags; the host cc at -Os for generic-c), read with `size`.
std::optional<std::string> measureCode(mote::RuntimeParts parts, StringRef dir,
                                       StringRef name,
                                       const mote::TargetDescription &target) {
  bool host = target.toolchain.compiler.empty();
  std::string ccName = host ? "cc" : target.toolchain.compiler.str();
  std::string sizeName =
      host ? "size" : StringRef(ccName).drop_back(3).str() + "size";
  auto cc = sys::findProgramByName(ccName);
  auto size = sys::findProgramByName(sizeName);
  if (!cc || !size)
    return std::nullopt;
  SmallString<128> work;
  if (sys::fs::createUniqueDirectory("motec-size", work))
    return std::nullopt;
  auto cleanup = llvm::scope_exit([&] { sys::fs::remove_directories(work); });
  SmallVector<std::string> sources = {(dir + "/" + name + ".c").str()};
  for (const std::string &source : mote::runtimeSources(target, parts))
    sources.push_back((dir + "/runtime/" + source).str());
  SmallVector<std::string> flags = {"-std=c99", host ? "-Os" : "-O2"};
  for (StringRef flag : target.toolchain.cpuFlags)
    flags.push_back(flag.str());
  if (target.toolchain.bareMetal)
    flags.push_back("--specs=picolibc.specs");
  flags.push_back(("-I" + dir).str());
  flags.push_back(("-I" + dir + "/runtime/include").str());
  FailureOr<SmallVector<std::string>> objects =
      mote::compileObjects(*cc, flags, sources, work);
  if (failed(objects))
    return std::nullopt;
  SmallString<128> report(work);
  sys::path::append(report, "size.txt");
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(report),
                                          std::nullopt};
  SmallVector<StringRef> sizeArgs = {sizeName, "-A"};
  sizeArgs.append(objects->begin(), objects->end());
  if (sys::ExecuteAndWait(*size, sizeArgs, std::nullopt, redirects) != 0)
    return std::nullopt;
  auto text = MemoryBuffer::getFile(report);
  if (!text)
    return std::nullopt;
  int64_t total = 0;
  SmallVector<StringRef> lines;
  (*text)->getBuffer().split(lines, '\n');
  for (StringRef line : lines) {
    SmallVector<StringRef> fields;
    line.split(fields, ' ', -1, /*KeepEmpty=*/false);
    int64_t bytes;
    if (fields.size() >= 2 && fields[0] == ".text" &&
        !fields[1].getAsInteger(10, bytes))
      total += bytes;
  }
  return host ? formatv("{0} bytes (host cc -Os, .text)", total).str()
              : formatv("{0} bytes ({1} -O2, .text)", total, ccName).str();
}

/// A model cut as --split-at and --sgq say: both halves, and the device
/// half through the graph pipeline (with its train step for --train).
struct LoadedSplit {
  mote::SplitOptions options;
  mote::SplitModel halves;
  OwningOpRef<ModuleOp> trainable;
  ModuleOp device() { return trainable ? *trainable : *halves.device; }
};

FailureOr<LoadedSplit> loadSplit(MLIRContext &context, StringRef path,
                                 const mote::CompilerOptions &options) {
  FailureOr<mote::SplitOptions> split =
      mote::parseSplitOptions(splitAt, sgqSpec);
  if (failed(split))
    return failure();
  OwningOpRef<ModuleOp> module = loadModel(context, path, Stage::QDQ, options);
  if (!module)
    return failure();
  if (options.train && split->samples > 1) {
    errs() << "motec: --train takes one sample per packet (the device's "
              "backward reads one sample's gradient packet); drop samples="
           << split->samples << "\n";
    return failure();
  }
  if (!options.train && split->cutEntries) {
    errs() << "motec: --sgq=...,cut_entries adds a device's float entries "
              "for training with another codec; it needs --train\n";
    return failure();
  }
  if (options.train && hasQuantizedTensors(*module)) {
    errs() << "motec: --train compiles a float model; this one is quantized "
              "(add --precision=fp32 to train its float graph)\n";
    return failure();
  }
  FailureOr<mote::SplitModel> halves =
      mote::splitModel(*module, *split, calibrationData, options.runtimeDir);
  if (failed(halves))
    return failure();
  LoadedSplit loaded{*split, std::move(*halves), nullptr};
  // With --train the device half is trained as a model of its own whose
  // error starts at the decoded gradient of the cut.
  if (options.train)
    loaded.trainable = mote::deviceModelOf(loaded.halves);
  ModuleOp device = loaded.device();
  PassManager pm(&context);
  mote::buildGraphPipeline(pm);
  if (failed(pm.run(device)))
    return failure();
  if (options.train) {
    mote::TrainOptions train = *options.train;
    train.autodiff.seed = "output-gradient";
    if (failed(buildTrainStep(device, train)) ||
        failed(mote::finishSplitTraining(device, loaded.halves)))
      return failure();
  }
  if (options.precision == mote::CodePrecision::Int8) {
    PassManager verify(&context);
    verify.addPass(mote::createMoteVerifyIntegerOnly());
    if (failed(verify.run(device))) {
      errs() << "motec: --precision=int8: the device half does not compute "
                "on integers only\n";
      return failure();
    }
  }
  return loaded;
}

/// `motec compile --split-at`: the device package, the server's ONNX model,
/// the grouping message and a JSON description of the split.
int runSplitCompile(const mote::CompilerOptions &options) {
  if (emit == "onnx") {
    errs() << "motec: --split-at writes --emit=c, mlir, kernel or emitc (the "
              "server half is always ONNX)\n";
    return 1;
  }
  const std::string &name = options.lower.modelName;
  std::unique_ptr<MLIRContext> contextOwner = createContext();
  FailureOr<LoadedSplit> loaded =
      loadSplit(*contextOwner, compileModel, options);
  if (failed(loaded))
    return 1;
  mote::SplitModel *halves = &loaded->halves;
  const mote::SplitOptions *split = &loaded->options;
  ModuleOp device = loaded->device();
  if (std::error_code ec = sys::fs::create_directories(outputDir)) {
    errs() << "motec: cannot create '" << outputDir << "': " << ec.message()
           << "\n";
    return 1;
  }
  FailureOr<std::string> serverBytes = mote::exportONNXModel(*halves->server);
  // A device that trains decodes gradient packets of this capacity.
  int64_t gradientCapacity = 0;
  device.walk([&](mote::SgqDecodeOp decode) {
    gradientCapacity = decode.getPacket().getType().getNumElements();
  });
  mote::SgqGrouping grouping;
  grouping.id = static_cast<uint32_t>(halves->config.groupingId);
  for (int64_t c : halves->config.permutation)
    grouping.permutation.push_back(static_cast<uint16_t>(c));
  for (int64_t e : halves->config.groupEnds)
    grouping.groupEnds.push_back(static_cast<uint16_t>(e));
  if (failed(serverBytes) ||
      failed(mote::writeFile(outputDir, name + "_server.onnx", *serverBytes)) ||
      failed(mote::writeFile(outputDir, name + "_grouping.msgg",
                             mote::writeSgqGrouping(grouping))) ||
      failed(mote::writeFile(
          outputDir, name + "_split.json",
          mote::describeSplit(*halves, name, *split, gradientCapacity))))
    return 1;
  int64_t floatBytes = halves->cutType.getNumElements() * 4 * halves->samples;
  outs() << formatv(
      "split {0} at '{1}' ({2} features{6}): packets of at most "
      "{3} bytes ({4:F1}x smaller than float32), {5}\n",
      compileModel, split->tensor, halves->cutType.getNumElements(),
      halves->capacity, double(floatBytes) / halves->capacity,
      halves->groupingSamples ? formatv("channels grouped from {0} calibration "
                                        "sample(s)",
                                        halves->groupingSamples)
                                    .str()
                              : std::string("equal channel groups"),
      halves->samples > 1
          ? formatv(" x {0} samples per packet", halves->samples).str()
          : std::string());
  if (emit != "c") {
    // The device half at the graph level, or lowered as motec compile
    // lowers it (kernel calls, then EmitC).
    if (emit == "kernel" || emit == "emitc") {
      PassManager pm(device.getContext());
      mote::buildLowerToKernelPipeline(pm, options.lower);
      if (emit == "emitc")
        mote::buildKernelToEmitCPipeline(pm);
      if (failed(pm.run(device)))
        return 1;
    }
    std::string text;
    raw_string_ostream os(text);
    device.print(os, OpPrintingFlags().enableDebugInfo());
    std::string file =
        name + "_device" + (emit == "mlir" ? "" : "." + emit) + ".mlir";
    return failed(mote::writeFile(outputDir, file, text)) ? 1 : 0;
  }
  func::FuncOp func = *device.getOps<func::FuncOp>().begin();
  SmallVector<Type> inputTypes(func.getArgumentTypes());
  SmallVector<Type> outputTypes(func.getResultTypes());
  FailureOr<mote::CPackage> package =
      mote::exportC(device, name, options.lower.target);
  if (failed(package))
    return 1;
  // A device that trains gets the collaborative program when it runs on a
  // host (or QEMU user-mode): bare-metal boards hand packets to their own
  // radio.
  bool collab = gradientCapacity > 0 && !options.board->toolchain.bareMetal &&
                inputTypes.size() == 2;
  package->runtime.collab = collab;
  if (failed(mote::writePackage(outputDir, name, *package, *options.board,
                                /*training=*/false, inputTypes, outputTypes,
                                options.runtimeDir)) ||
      (collab &&
       failed(mote::writeFile(
           outputDir, "collab.c",
           mote::collabMain(
               name, inputTypes[0], halves->capacity, gradientCapacity,
               halves->cutEntries ? halves->cutType.getNumElements() : 0)))))
    return 1;
  outs() << "compiled the device half -> " << outputDir << "/" << name << ".c ("
         << package->entry << ", target " << options.board->name << ", arena "
         << package->arenaBytes << " bytes, weights " << package->weightBytes
         << " bytes); the server half -> " << outputDir << "/" << name
         << "_server.onnx\n";
  return 0;
}

int runCompile() {
  if (emit != "c" && emit != "mlir" && emit != "kernel" && emit != "emitc" &&
      emit != "onnx") {
    errs() << "motec: --emit must be c, mlir, kernel, emitc or onnx, got '"
           << emit << "'\n";
    return 1;
  }
  if (!passRegion.empty() && (train || !splitAt.empty() || emit == "onnx" ||
                              !patchInference.empty())) {
    errs() << "motec: --pass-region compiles inference code; it does not "
              "combine with --train, --split-at, --emit=onnx or "
              "--patch-inference\n";
    return 1;
  }
  if (!patchInference.empty() &&
      (train || !splitAt.empty() || emit == "onnx")) {
    errs() << "motec: --patch-inference compiles inference code; it does not "
              "combine with --train, --split-at or --emit=onnx\n";
    return 1;
  }
  if (train && (emit == "onnx" || !quantize.empty())) {
    errs() << "motec: --train compiles a float model to C; it does not "
              "combine with --emit=onnx or --quantize\n";
    return 1;
  }
  FailureOr<mote::CompilerOptions> options =
      readCompilerOptions(compileModel, train);
  if (failed(options))
    return 1;
  if (!splitAt.empty())
    return runSplitCompile(*options);
  if (!sgqSpec.empty()) {
    errs() << "motec: --sgq configures the cut of --split-at\n";
    return 1;
  }
  const std::string &name = options->lower.modelName;
  std::unique_ptr<MLIRContext> contextOwner = createContext();
  MLIRContext &context = *contextOwner;
  OwningOpRef<ModuleOp> module =
      loadModel(context, compileModel,
                emit == "onnx" ? Stage::QDQ : Stage::Optimized, *options);
  if (!module)
    return 1;
  if (options->train && failed(buildTrainStep(*module, *options->train)))
    return 1;
  if (std::error_code ec = sys::fs::create_directories(outputDir)) {
    errs() << "motec: cannot create '" << outputDir << "': " << ec.message()
           << "\n";
    return 1;
  }
  if (emit == "onnx") {
    FailureOr<std::string> bytes = mote::exportONNXModel(*module);
    if (failed(bytes) ||
        failed(mote::writeFile(outputDir, name + ".onnx", *bytes)))
      return 1;
    outs() << "wrote " << outputDir << "/" << name << ".onnx\n";
    return 0;
  }
  if (emit == "mlir") {
    // With locations: they carry the ONNX node names, which later stages
    // print, so mote-opt on this file reproduces what motec compiles.
    std::string text;
    raw_string_ostream os(text);
    module->print(os, OpPrintingFlags().enableDebugInfo());
    return failed(mote::writeFile(outputDir, name + ".mlir", text)) ? 1 : 0;
  }
  if (emit == "kernel" || emit == "emitc") {
    // The stages of mote-lower-to-c-pipeline that `motec compile` runs.
    PassManager pm(&context);
    mote::buildLowerToKernelPipeline(pm, options->lower);
    if (emit == "emitc")
      mote::buildKernelToEmitCPipeline(pm);
    if (failed(pm.run(*module)))
      return 1;
    std::string text;
    raw_string_ostream os(text);
    module->print(os);
    return failed(mote::writeFile(outputDir, name + "." + emit + ".mlir", text))
               ? 1
               : 0;
  }
  // The example program drives the model, or the train step (the last
  // function) of a trainable one.
  bool training = options->train.has_value();
  func::FuncOp func = llvm::to_vector(module->getOps<func::FuncOp>()).back();
  if (!training)
    func = *module->getOps<func::FuncOp>().begin();
  SmallVector<Type> inputTypes(func.getArgumentTypes());
  SmallVector<Type> outputTypes(func.getResultTypes());
  // The summary reads the memory plan the code is compiled with.
  mote::ModelInfo info;
  FailureOr<mote::CPackage> package = mote::exportC(
      *module, name, options->lower.target,
      [&](ModuleOp planned) { info = mote::analyzeModel(planned); });
  if (failed(package))
    return 1;
  const mote::TargetDescription &board = *options->board;
  if (failed(mote::writePackage(outputDir, name, *package, board, training,
                                inputTypes, outputTypes, options->runtimeDir)))
    return 1;
  outs() << "compiled " << compileModel << " -> " << outputDir << "/" << name
         << ".c (target " << board.name << ")\n";
  for (const mote::LayerInfo &layer : info.layers)
    outs() << formatv("  {0,-24} {1,-40} {2,12} MACs {3,10} B arena live\n",
                      layer.op,
                      layer.name.size() > 40
                          ? "..." + layer.name.substr(layer.name.size() - 37)
                          : layer.name,
                      layer.macs, layer.liveArenaBytes);
  std::optional<std::string> code =
      measureCode(package->runtime, outputDir, name, board);
  outs() << formatv("total: {0} MACs, arena {1} bytes (lower bound {2}), "
                    "weights {3} bytes, code {4}\n",
                    info.totalMacs, package->arenaBytes, info.arenaLowerBound,
                    package->weightBytes,
                    code ? *code
                         : std::string("unknown (no compiler or size)"));
  return 0;
}

using mote::asBytes;
using mote::readBytes;
using mote::writeBytes;

int runWeights() {
  StringRef action = weightsArgs[0];
  size_t operands = action == "apply" ? 2 : 1;
  if ((action != "unpack" && action != "pack" && action != "apply") ||
      weightsArgs.size() != operands + 1) {
    errs() << "motec weights: expected `unpack IMAGE`, `pack FILE.mtw` or "
              "`apply MODEL.onnx FILE.mtw`\n";
    return 1;
  }
  StringRef input = weightsArgs[operands];
  std::optional<std::string> bytes = readBytes(input);
  if (!bytes)
    return 1;
  mote::StateImage state;
  std::string error;
  bool isImage = action == "unpack";
  if (!(isImage ? mote::parseStateImage(asBytes(*bytes), state, error)
                : mote::parseWeightsFile(asBytes(*bytes), state, error))) {
    errs() << "motec weights: " << input << ": " << error << "\n";
    return 1;
  }
  if (action == "unpack") {
    if (!writeBytes(weightsOutput, mote::writeWeightsFile(state)))
      return 1;
    outs() << "wrote " << weightsOutput << " (" << state.tensors.size()
           << " tensors, " << state.stateBytes << " state bytes)\n";
    return 0;
  }
  if (action == "pack") {
    std::vector<uint8_t> image = mote::writeStateImage(state);
    if (!writeBytes(weightsOutput,
                    StringRef(reinterpret_cast<const char *>(image.data()),
                              image.size())))
      return 1;
    outs() << "wrote " << weightsOutput << " (" << image.size() << " bytes)\n";
    return 0;
  }
  // apply: rebuild the trainable model as compiled, check that the file
  // is its state, write the trained tensors back.
  StringRef modelPath = weightsArgs[1];
  FailureOr<mote::CompilerOptions> options =
      readCompilerOptions(modelPath, /*withTrainStep=*/true);
  if (failed(options))
    return 1;
  const std::string &name = options->lower.modelName;
  std::unique_ptr<MLIRContext> contextOwner = createContext();
  OwningOpRef<ModuleOp> module =
      loadModel(*contextOwner, modelPath, Stage::Optimized, *options);
  if (!module || failed(buildTrainStep(*module, *options->train)))
    return 1;
  OwningOpRef<ModuleOp> lowered = module->clone();
  PassManager pm(contextOwner.get());
  mote::buildLowerToKernelPipeline(pm, options->lower);
  if (failed(pm.run(*lowered)))
    return 1;
  std::vector<mote::StateTensor> layout;
  for (Attribute entry : (*lowered)->getAttrOfType<ArrayAttr>("mote.state")) {
    auto dict = cast<DictionaryAttr>(entry);
    mote::StateTensor t;
    t.name = dict.getAs<StringAttr>("name").str();
    t.offset = dict.getAs<IntegerAttr>("offset").getInt();
    t.elements = dict.getAs<IntegerAttr>("elements").getInt();
    t.trained = dict.getAs<BoolAttr>("trained").getValue();
    layout.push_back(t);
  }
  if (mote::stateFingerprint(name, layout) != state.fingerprint) {
    errs() << "motec weights: " << input << " holds the state of another "
           << "model or of other --train options (layout fingerprint "
           << formatv("{0:x8}", state.fingerprint) << ", model '" << name
           << "' with these options has "
           << formatv("{0:x8}", mote::stateFingerprint(name, layout)) << ")\n";
    return 1;
  }
  std::optional<std::string> onnxBytes = readBytes(modelPath);
  std::string updated;
  if (!onnxBytes ||
      !mote::writeTrainedValuesToONNX(
          *onnxBytes, *module, mote::trainedValuesOf(state), updated, error)) {
    if (!error.empty())
      errs() << "motec weights: " << error << "\n";
    return 1;
  }
  if (!writeBytes(weightsOutput, updated))
    return 1;
  outs() << "wrote " << weightsOutput << "\n";
  return 0;
}

/// The int8 type a model boundary had in the source model, if any.
quant::UniformQuantizedType int8Boundary(TypeAttr attr) {
  if (!attr)
    return nullptr;
  auto type = dyn_cast<quant::UniformQuantizedType>(attr.getValue());
  return type && type.getStorageTypeIntegralWidth() == 8 ? type : nullptr;
}

int runRun() {
  FailureOr<mote::CompilerOptions> options =
      readCompilerOptions(runModel, /*withTrainStep=*/false);
  if (failed(options))
    return 1;
  std::unique_ptr<MLIRContext> contextOwner = createContext();
  MLIRContext &context = *contextOwner;
  if (!sgqSpec.empty() && splitAt.empty()) {
    errs() << "motec: --sgq configures the cut of --split-at\n";
    return 1;
  }
  if (!patchInference.empty() && !splitAt.empty()) {
    errs() << "motec: --patch-inference does not combine with --split-at\n";
    return 1;
  }
  // With --split-at, the device half: inputs and a sequence number in,
  // packet and its length out.
  OwningOpRef<ModuleOp> model;
  FailureOr<LoadedSplit> split = failure();
  {
    mote::Progress progress("importing and optimizing " + runModel);
    if (!splitAt.empty())
      split = loadSplit(context, runModel, *options);
    else
      model = loadModel(context, runModel, Stage::Optimized, *options);
  }
  if (!model && failed(split))
    return 1;
  ModuleOp module = model ? *model : split->device();
  auto func = *module.getOps<func::FuncOp>().begin();
  if (runInputs.size() != func.getNumArguments() ||
      runOutputs.size() != func.getNumResults()) {
    errs() << "motec: the model has " << func.getNumArguments()
           << " input(s) and " << func.getNumResults()
           << " output(s); give one --input and one --output for each\n";
    return 1;
  }
  // Inputs hold one sample of the model's shape, or N samples stacked along
  // a leading dimension where the model's batch dimension is 1.
  SmallVector<std::string> inputs(func.getNumArguments());
  int64_t samples = -1;
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    FailureOr<int64_t> count = mote::appendSamples(
        runInputs[i], cast<RankedTensorType>(arg.getType()), inputs[i],
        int8Boundary(
            func.getArgAttrOfType<TypeAttr>(i, mote::kInt8BoundaryAttrName)));
    if (failed(count))
      return 1;
    if (samples >= 0 && *count != samples) {
      errs() << "motec: '" << runInputs[i] << "' holds " << *count
             << " sample(s), the other inputs " << samples << "\n";
      return 1;
    }
    samples = *count;
  }
  SmallVector<std::string> prefix;
  SmallVector<StringRef> words;
  StringRef(execPrefix).split(words, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef w : words)
    prefix.push_back(w.str());
  SmallVector<mote::NpyArray> outputs;
  SmallVector<quant::UniformQuantizedType> int8Outputs;
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    auto shaped = cast<RankedTensorType>(type);
    // The source model's int8 outputs are written as int8.
    int8Outputs.push_back(int8Boundary(
        func.getResultAttrOfType<TypeAttr>(i, mote::kInt8BoundaryAttrName)));
    SmallVector<int64_t> shape(shaped.getShape());
    // Stacked inputs give stacked outputs: along the batch dimension of
    // size 1, or a new leading one (a split model's packet).
    if (samples != 1 && !shape.empty() && shape[0] == 1)
      shape[0] = samples;
    else if (samples != 1)
      shape.insert(shape.begin(), samples);
    outputs.push_back(
        {int8Outputs.back() ? "|i1" : mote::npyDtypeOf(shaped), shape, ""});
  }
  FailureOr<SmallVector<std::string>> results = mote::runModel(
      module, inputs, samples, options->runtimeDir, *options->board, prefix,
      /*portableKernels=*/options->lower.target != options->board->name);
  if (failed(results))
    return 1;
  for (auto [i, output] : llvm::enumerate(outputs)) {
    output.data = int8Outputs[i]
                      ? mote::quantizeBytes((*results)[i], int8Outputs[i])
                      : std::move((*results)[i]);
    std::error_code ec;
    raw_fd_ostream os(runOutputs[i], ec);
    if (ec) {
      errs() << "motec: cannot write '" << runOutputs[i]
             << "': " << ec.message() << "\n";
      return 1;
    }
    os << mote::writeNpy(output);
    outs() << "wrote " << runOutputs[i] << "\n";
  }
  return 0;
}

} // namespace

int mote::motecMain(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "motec: the Mote compiler for tiny machine learning\n\n"
      "  motec info MODEL.onnx             summarize a model\n"
      "  motec ops                         list the ONNX operators handled\n"
      "  motec compile MODEL.onnx -o DIR   compile it to a C package\n"
      "  motec run MODEL.onnx --input X.npy --output Y.npy\n"
      "                                    compile, build and run it here\n"
      "  motec sgq encode FEATURES.npy -o PACKET\n"
      "                                    compress features with SGQ\n");
  if (infoCommand)
    return runInfo();
  if (opsCommand) {
    if (!opsMarkdown) {
      for (const std::string &op : mote::getSupportedONNXOps())
        outs() << op << "\n";
      return 0;
    }
    auto list = [](ArrayRef<int64_t> versions) {
      std::string text;
      for (int64_t v : versions)
        text += (text.empty() ? "" : ", ") + std::to_string(v);
      return text.empty() ? std::string("-") : text;
    };
    outs() << "| operator | versions read as they are | older versions "
              "(upgraded first) |\n|---|---|---|\n";
    for (const mote::ONNXOpVersions &v : mote::getSupportedONNXOpVersions())
      outs() << "| " << v.op << " | " << list(v.native) << " | "
             << list(v.upgraded) << " |\n";
    return 0;
  }
  if (compileCommand)
    return runCompile();
  if (runCommand)
    return runRun();
  if (weightsCommand)
    return runWeights();
  if (mote::sgqCommandSelected())
    return mote::runSgqCommand();
  errs() << "motec: expected a command (info, ops, compile, run, weights, "
            "sgq); see "
            "motec --help\n";
  return 1;
}
