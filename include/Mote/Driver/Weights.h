//===- Weights.h - Trained weights between device and host ------*- C++ -*-===//
//
// The device exports its training state as the checked raw image of
// runtime/include/mote/mote_train.h; the host turns it into a FlatBuffers
// file (schema/mote_weights.fbs) and turns such a file back into an image a
// device can import (the ONNX write-back is mote/Target/ONNX/TrainedWeights.h).
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_WEIGHTS_H
#define MOTE_DRIVER_WEIGHTS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mote {

struct StateTensor {
  std::string name;
  uint32_t offset = 0;   ///< bytes from the arena's start
  uint32_t elements = 0; ///< 4-byte elements
  bool trained = false;  ///< a model tensor, not optimizer state
  std::vector<uint8_t> data;
};

struct StateImage {
  uint32_t fingerprint = 0;
  uint32_t stateBytes = 0;
  std::vector<StateTensor> tensors;
};

/// The fingerprint mote_state_export computes for `model` and `layout`.
uint32_t stateFingerprint(llvm::StringRef model,
                          llvm::ArrayRef<StateTensor> layout);

/// Parses a device state image, checking format, bounds and checksum; on
/// failure `error` says what is wrong and where.
bool parseStateImage(llvm::ArrayRef<uint8_t> bytes, StateImage &image,
                     std::string &error);
/// The image of `state` (payload padding zeroed, checksum computed).
std::vector<uint8_t> writeStateImage(const StateImage &state);

/// The FlatBuffers file of `state`.
std::string writeWeightsFile(const StateImage &state);
/// Verifies and parses a FlatBuffers weights file.
bool parseWeightsFile(llvm::ArrayRef<uint8_t> bytes, StateImage &state,
                      std::string &error);

/// The values of `state`'s tensors (float32), by name.
llvm::StringMap<std::vector<float>> trainedValuesOf(const StateImage &state);

} // namespace mote

#endif // MOTE_DRIVER_WEIGHTS_H
