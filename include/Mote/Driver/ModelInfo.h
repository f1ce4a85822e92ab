//===- ModelInfo.h - Summary of a model for `motec info` --------*- C++ -*-===//

#ifndef MOTE_DRIVER_MODELINFO_H
#define MOTE_DRIVER_MODELINFO_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace mote {

struct LayerInfo {
  std::string name;
  std::string op;
  std::string resultType;
  int64_t parameterBytes = 0;
  int64_t macs = 0;
  /// Arena bytes live while the layer runs (its inputs, outputs and every
  /// tensor kept for later layers); -1 if the function was not planned.
  int64_t liveArenaBytes = -1;
};

struct ModelInfo {
  std::vector<std::pair<std::string, std::string>> inputs, outputs;
  llvm::MapVector<llvm::StringRef, int64_t> opHistogram;
  std::vector<LayerInfo> layers;
  int64_t totalMacs = 0;
  int64_t totalParameterBytes = 0;
  /// The planned arena and the layer-by-layer lower bound (see
  /// MemoryPlan.h); -1 when the function could not be planned.
  int64_t arenaBytes = -1;
  int64_t arenaLowerBound = -1;
  /// The opset the ONNX model was written for when the importer upgraded
  /// it; 0 if it was read as written.
  int64_t upgradedFromOpset = 0;
};

/// Summarizes the entry function of `module`: its signature, how often each
/// op occurs, and per-layer parameter bytes (constants feeding the layer)
/// and multiply-accumulates (from MacCountOpInterface).
ModelInfo analyzeModel(mlir::ModuleOp module);

/// Prints `info` as the table `motec info` shows.
void printModelInfo(const ModelInfo &info, llvm::raw_ostream &os);

} // namespace mote

#endif // MOTE_DRIVER_MODELINFO_H
