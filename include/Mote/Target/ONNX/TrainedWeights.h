//===- TrainedWeights.h - Write trained values into an ONNX model -*- C++
//-*-===//
//
// The way back from on-device training to the model users started from:
// trained values of a train step's state, written into the ONNX file.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_TARGET_ONNX_TRAINEDWEIGHTS_H
#define MOTE_TARGET_ONNX_TRAINEDWEIGHTS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace mote {

/// Writes trained values (`values`, float32 by state tensor name) into the
/// ONNX model `onnxBytes`, using the `mote.source` / `mote.role` attributes
/// of the state globals of `trainModule` (after mote-train-pipeline):
/// conv and Gemm weights and biases, with LAC terms folded in (w * scale,
/// b * scale + shift) and a batch normalization that was folded into its
/// convolution set to the identity. Sets `result` to the new model's bytes,
/// or `error` to what is wrong, naming the tensor or node.
bool writeTrainedValuesToONNX(llvm::StringRef onnxBytes,
                              mlir::ModuleOp trainModule,
                              const llvm::StringMap<std::vector<float>> &values,
                              std::string &result, std::string &error);

} // namespace mote

#endif // MOTE_TARGET_ONNX_TRAINEDWEIGHTS_H
