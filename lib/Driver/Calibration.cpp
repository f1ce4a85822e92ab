//===- Calibration.cpp - Activation ranges for post-training quantization -===//

#include "Mote/Driver/Calibration.h"
#include "Mote/Driver/HostRun.h"

#include "Mote/IR/MoteOps.h"
#include "Mote/Transforms/MemoryPlan.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace llvm;

FailureOr<mote::CalibrationMethod>
mote::parseCalibrationMethod(StringRef name) {
  if (name == "minmax")
    return CalibrationMethod::MinMax;
  if (name == "percentile")
    return CalibrationMethod::Percentile;
  if (name == "mse")
    return CalibrationMethod::MSE;
  errs() << "motec: --calibration-method must be minmax, percentile or mse, "
            "got '"
         << name << "'\n";
  return failure();
}

namespace {

/// The .npy files of a calibration folder in name order, or the file itself.
FailureOr<SmallVector<std::string>> listSamples(StringRef path) {
  SmallVector<std::string> files;
  if (!sys::fs::is_directory(path)) {
    files.push_back(path.str());
    return files;
  }
  std::error_code ec;
  for (sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
       it.increment(ec))
    if (sys::path::extension(it->path()) == ".npy")
      files.push_back(it->path());
  if (ec) {
    errs() << "motec: cannot list '" << path << "': " << ec.message() << "\n";
    return failure();
  }
  if (files.empty()) {
    errs() << "motec: the calibration folder '" << path
           << "' holds no .npy files\n";
    return failure();
  }
  llvm::sort(files);
  return files;
}

/// Mean squared error of quantizing `values` to int8 over [lo, hi].
double quantizationError(ArrayRef<float> values, double lo, double hi) {
  double scale = std::max((hi - lo) / 255.0, 1e-12);
  double zeroPoint = std::round(-128.0 - lo / scale);
  double sum = 0;
  for (float v : values) {
    double q = std::clamp(std::round(v / scale) + zeroPoint, -128.0, 127.0);
    double d = (q - zeroPoint) * scale - v;
    sum += d * d;
  }
  return sum / std::max<size_t>(values.size(), 1);
}

/// The quantization range of the observed `values` (all finite).
std::pair<float, float> chooseRange(ArrayRef<float> values,
                                    const mote::CalibrationOptions &options) {
  auto [minIt, maxIt] = std::minmax_element(values.begin(), values.end());
  float lo = std::min(*minIt, 0.0f), hi = std::max(*maxIt, 0.0f);
  if (options.method == mote::CalibrationMethod::MinMax)
    return {lo, hi};
  // Percentile and MSE look at a strided sample of at most a million values.
  size_t stride = std::max<size_t>(1, values.size() / 1000000);
  SmallVector<float> sample;
  for (size_t i = 0; i < values.size(); i += stride)
    sample.push_back(values[i]);
  if (options.method == mote::CalibrationMethod::Percentile) {
    double p = std::clamp(options.percentile, 50.0, 100.0) / 100.0;
    auto at = [&](double q) {
      size_t k = std::min(sample.size() - 1,
                          static_cast<size_t>(q * (sample.size() - 1) + 0.5));
      std::nth_element(sample.begin(), sample.begin() + k, sample.end());
      return sample[k];
    };
    return {std::min(at(1.0 - p), 0.0f), std::max(at(p), 0.0f)};
  }
  // MSE: shrink the min/max range toward zero while the error drops.
  double bestError = quantizationError(sample, lo, hi);
  float bestLo = lo, bestHi = hi;
  for (int step = 1; step <= 80; ++step) {
    double t = 1.0 - step * 0.01;
    double error = quantizationError(sample, lo * t, hi * t);
    if (error < bestError) {
      bestError = error;
      bestLo = lo * t;
      bestHi = hi * t;
    }
  }
  return {bestLo, bestHi};
}

/// Values whose ranges `mote-quantize` reads: float results of compute ops
/// (data movement shares its input's range).
bool isObserved(Operation *op) {
  return !isa<arith::ConstantOp>(op) &&
         !op->hasTrait<mote::OpTrait::QuantizationTransparent>() &&
         op->getNumResults() >= 1 &&
         llvm::all_of(op->getResultTypes(), [](Type t) {
           auto tensor = dyn_cast<RankedTensorType>(t);
           return tensor && tensor.getElementType().isF32();
         });
}

} // namespace

FailureOr<int64_t> mote::readSamples(StringRef dataPath, RankedTensorType type,
                                     std::string &data) {
  FailureOr<SmallVector<std::string>> files = listSamples(dataPath);
  if (failed(files))
    return failure();
  int64_t samples = 0;
  for (const std::string &file : *files) {
    FailureOr<int64_t> count = appendSamples(file, type, data);
    if (failed(count))
      return failure();
    samples += *count;
  }
  if (samples == 0) {
    errs() << "motec: '" << dataPath << "' holds no samples\n";
    return failure();
  }
  return samples;
}

LogicalResult mote::calibrate(ModuleOp module, StringRef dataPath,
                              const CalibrationOptions &options) {
  auto funcs = module.getOps<func::FuncOp>();
  func::FuncOp func = *funcs.begin();
  // One float input, or one integer input of token ids (whose values are
  // indices, not quantized).
  Type inputElement =
      func.getNumArguments() == 1
          ? cast<RankedTensorType>(func.getArgumentTypes()[0]).getElementType()
          : Type();
  bool floatInput = inputElement && inputElement.isF32();
  if (!floatInput && !(inputElement && (inputElement.isInteger(32) ||
                                        inputElement.isInteger(64)))) {
    errs() << "motec: calibration needs a model with one float (or int32 / "
              "int64 index) input; this one has ";
    if (inputElement)
      errs() << "one of element type " << inputElement << "\n";
    else
      errs() << func.getNumArguments() << " inputs\n";
    return failure();
  }
  auto inputType = cast<RankedTensorType>(func.getArgumentTypes()[0]);
  std::string data;
  FailureOr<int64_t> count = readSamples(dataPath, inputType, data);
  if (failed(count))
    return failure();
  int64_t samples = *count;
  ArrayRef<float> inputValues;
  if (floatInput)
    inputValues = ArrayRef(reinterpret_cast<const float *>(data.data()),
                           data.size() / sizeof(float));
  for (auto [i, v] : llvm::enumerate(inputValues))
    if (!std::isfinite(v)) {
      errs() << "motec: calibration sample " << i / inputType.getNumElements()
             << " of '" << dataPath << "' holds a non-finite value (" << v
             << ")\n";
      return failure();
    }

  // A copy of the model that also returns every observed tensor.
  OwningOpRef<ModuleOp> copy = module.clone();
  func::FuncOp copyFunc = *copy->getOps<func::FuncOp>().begin();
  auto returnOp =
      cast<func::ReturnOp>(copyFunc.getBody().front().getTerminator());
  SmallVector<Value> results(returnOp.getOperands());
  SmallVector<Operation *> observed;
  // The returned value of each result of each observed op.
  SmallVector<SmallVector<unsigned, 1>> resultIndex;
  for (auto [op, copyOp] :
       llvm::zip(func.getBody().front().without_terminator(),
                 copyFunc.getBody().front().without_terminator())) {
    if (!isObserved(&op))
      continue;
    observed.push_back(&op);
    SmallVector<unsigned, 1> &indices = resultIndex.emplace_back();
    for (Value v : copyOp.getResults()) {
      auto *it = llvm::find(results, v);
      indices.push_back(it - results.begin());
      if (it == results.end())
        results.push_back(v);
    }
  }
  returnOp->setOperands(results);
  copyFunc.setType(FunctionType::get(module.getContext(),
                                     copyFunc.getArgumentTypes(),
                                     ValueRange(results).getTypes()));
  copyFunc.removeResAttrsAttr();

  FailureOr<SmallVector<std::string>> outputs;
  {
    Progress progress("calibrating on " + std::to_string(samples) +
                      " sample(s)");
    outputs = runModel(*copy, {data}, samples, options.runtimeDir,
                       *lookupTarget("generic-c"));
  }
  if (failed(outputs))
    return failure();

  Builder b(module.getContext());
  auto rangeAttr = [&](ArrayRef<float> values) {
    auto [lo, hi] = chooseRange(values, options);
    return b.getDenseF32ArrayAttr({lo, hi});
  };
  if (floatInput)
    func.setArgAttr(0, kRangeAttrName, rangeAttr(inputValues));
  // One (min, max) pair per result of the op.
  for (auto [op, indices] : llvm::zip(observed, resultIndex)) {
    SmallVector<float> ranges;
    for (unsigned index : indices) {
      const std::string &raw = (*outputs)[index];
      ArrayRef<float> values(reinterpret_cast<const float *>(raw.data()),
                             raw.size() / sizeof(float));
      if (llvm::any_of(values, [](float v) { return !std::isfinite(v); })) {
        op->emitError("calibration: the float model produced a non-finite "
                      "value here");
        return failure();
      }
      auto [lo, hi] = chooseRange(values, options);
      ranges.append({lo, hi});
    }
    op->setAttr(kRangeAttrName, b.getDenseF32ArrayAttr(ranges));
  }
  return success();
}
