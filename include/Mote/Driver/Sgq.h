//===- Sgq.h - SGQ packets and groupings on the host ------------*- C++ -*-===//
//
// The host side of the SGQ codec (docs/SGQ.md): packets are verified with
// the flatc-generated FlatBuffers verifier of schema/mote_sgq.fbs before the
// runtime's C codec (the code the device runs) reads and decodes them; the
// channel grouping is computed from sample features.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_SGQ_H
#define MOTE_DRIVER_SGQ_H

#include "mote/mote_sgq.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mote {

/// A channel order and its groups (mote_sgq_grouping, owning its arrays).
struct SgqGrouping {
  uint32_t id = 0;
  std::vector<uint16_t> permutation;
  std::vector<uint16_t> groupEnds;

  mote_sgq_grouping view() const;
};

/// `groups` groups of nearly equal size in channel order.
SgqGrouping equalSgqGrouping(uint32_t channels, uint32_t groups);

/// The grouping that minimizes the modelled quantization error of
/// `features` (`batch` x `channels` x `plane`, C order): channels sorted by
/// their mean widest stripe, then cut into `groups` contiguous runs by
/// dynamic programming over the error each run would have (its coded
/// elements times the square of its widest stripe, per sample).
SgqGrouping computeSgqGrouping(llvm::ArrayRef<float> features, uint32_t batch,
                               uint32_t channels, uint32_t plane,
                               uint32_t stripe, uint32_t groups);

/// Verifies `bytes` as an SGQ packet (FlatBuffers verifier, then every
/// count and length against the header); on failure `error` says what.
bool readSgqHeader(llvm::ArrayRef<uint8_t> bytes, mote_sgq_header &header,
                   std::string &error);

/// Decodes a verified packet to floats (the real values).
bool decodeSgqPacket(llvm::ArrayRef<uint8_t> bytes, const SgqGrouping *grouping,
                     std::vector<float> &values, std::string &error);

/// Grouping messages (identifier "MSGG").
std::string writeSgqGrouping(const SgqGrouping &grouping);
bool readSgqGrouping(llvm::ArrayRef<uint8_t> bytes, uint32_t channels,
                     SgqGrouping &grouping, std::string &error);

} // namespace mote

#endif // MOTE_DRIVER_SGQ_H
