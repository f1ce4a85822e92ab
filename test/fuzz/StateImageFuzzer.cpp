//===- StateImageFuzzer.cpp - libFuzzer target for trained-state input ----===//
//
// Feeds arbitrary bytes to every parser of trained state: the device's
// mote_state_import (C runtime) with a fixed model layout, and the host's
// state image and FlatBuffers weights file readers (motec weights). Each
// must reject malformed input without reading or writing out of bounds.
//
//===----------------------------------------------------------------------===//

#include "Mote/Driver/Weights.h"

extern "C" {
#include "mote/mote_train.h"
}

#include <cstring>
#include <vector>

namespace {
const mote_state_tensor kTable[] = {
    {"l0_weight", 0, 36, 1},
    {"l0_weight_momentum", 144, 36, 0},
    {"l0_bias", 288, 4, 1},
    {"rng_state", 304, 1, 0},
};
constexpr uint32_t kStateBytes = 320;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The device: only a valid image of exactly this layout may be copied.
  std::vector<uint8_t> arena(kStateBytes + 64, 0xa5);
  int32_t status = mote_state_import("fuzz", kTable, 4, kStateBytes,
                                     arena.data(), data, uint32_t(size));
  if (status != MOTE_OK)
    for (size_t i = 0; i < arena.size(); ++i)
      if (arena[i] != 0xa5)
        __builtin_trap(); // a rejected image must leave the arena alone
  // The host readers, and writing back what they accept.
  llvm::ArrayRef<uint8_t> bytes(data, size);
  mote::StateImage state;
  std::string error;
  if (mote::parseStateImage(bytes, state, error)) {
    std::vector<uint8_t> image = mote::writeStateImage(state);
    mote::StateImage again;
    if (!mote::parseStateImage(image, again, error))
      __builtin_trap(); // what was accepted must round-trip
  }
  if (mote::parseWeightsFile(bytes, state, error)) {
    std::string file = mote::writeWeightsFile(state);
    mote::StateImage again;
    if (!mote::parseWeightsFile(
            llvm::ArrayRef<uint8_t>(
                reinterpret_cast<const uint8_t *>(file.data()), file.size()),
            again, error))
      __builtin_trap();
  }
  return 0;
}
