//===- SgqPacketFuzzer.cpp - libFuzzer target for SGQ packets -------------===//
//
// Two halves, chosen by the first byte:
//  - hostile packets: arbitrary bytes to the device's C decoder (packets and
//    grouping messages) and to the host reader (FlatBuffers verifier, then
//    the same decoder). Each must refuse or decode without touching memory
//    outside the exactly sized output (ASan), and what the device accepts
//    decodes to finite values;
//  - the encoder: arbitrary configurations and float features; whatever it
//    encodes must pass the FlatBuffers verifier and decode.
//
//===----------------------------------------------------------------------===//

#include "Mote/Driver/Sgq.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

void hostilePacket(const uint8_t *data, size_t size) {
  mote_sgq_header header;
  if (mote_sgq_read_header(data, size, &header, nullptr) == MOTE_OK &&
      header.elements <= (1u << 20)) {
    uint16_t permutation[64], ends[64];
    for (int i = 0; i < 64; ++i)
      permutation[i] = static_cast<uint16_t>(i);
    mote_sgq_equal_groups(64, 1, ends);
    mote_sgq_grouping grouping = {header.grouping_id, header.shape.dims[1],
                                  header.groups, permutation, ends};
    std::vector<float> values(header.elements);
    if (mote_sgq_decode_f32(data, size,
                            header.shape.dims[1] <= 64 && header.groups == 1
                                ? &grouping
                                : nullptr,
                            values.data(), values.size(), nullptr) == MOTE_OK &&
        header.source == MOTE_SGQ_SOURCE_F32)
      for (float v : values)
        if (!std::isfinite(v))
          __builtin_trap(); // accepted packets decode to finite values
    std::vector<int8_t> q(header.elements);
    mote_sgq_decode_s8(data, size, nullptr, q.data(), q.size(), nullptr);
  }
  std::vector<uint16_t> permutation(300), ends(300);
  mote_sgq_grouping read;
  mote_sgq_read_grouping(data, size, 300, permutation.data(), ends.data(), 300,
                         &read, nullptr);
  llvm::ArrayRef<uint8_t> bytes(data, size);
  std::string error;
  if (mote::readSgqHeader(bytes, header, error) &&
      header.elements <= (1u << 20)) {
    std::vector<float> values;
    mote::decodeSgqPacket(bytes, nullptr, values, error);
  }
  mote::SgqGrouping grouping;
  mote::readSgqGrouping(bytes, 0, grouping, error);
}

void encoder(const uint8_t *data, size_t size) {
  if (size < 8)
    return;
  static const uint8_t widths[3] = {2, 4, 8};
  uint32_t batch = 1 + data[0] % 3, channels = 1 + data[1] % 12;
  uint32_t plane = 1 + data[2] % 40;
  mote_sgq_shape shape = {3, {batch, channels, plane}};
  mote::SgqGrouping grouping =
      mote::equalSgqGrouping(channels, 1 + data[3] % channels);
  for (uint32_t c = 0; c + 1 < channels; c += 2)
    if (data[4] & 1)
      std::swap(grouping.permutation[c], grouping.permutation[c + 1]);
  mote_sgq_config config;
  std::memset(&config, 0, sizeof config);
  config.bits = widths[data[5] % 3];
  config.rounding = data[5] & 4 ? MOTE_SGQ_STOCHASTIC : MOTE_SGQ_NEAREST;
  config.embed_grouping = data[5] & 8 ? 1 : 0;
  config.stripe = 1 + data[6] % 50;
  config.grouping = grouping.view();
  std::vector<float> x(size_t(batch) * channels * plane, 0.0f);
  size_t n = std::min(x.size(), (size_t(size) - 8) / 4);
  std::memcpy(x.data(), data + 8, n * 4);
  size_t capacity = mote_sgq_get_buffer_size(&config, &shape);
  std::vector<uint8_t> packet(capacity);
  size_t bytes = 0;
  uint32_t seed = data[7];
  if (mote_sgq_encode_f32(&config, &shape, x.data(), 0, &seed, packet.data(),
                          capacity, &bytes, nullptr) != MOTE_OK) {
    for (float v : x)
      if (!std::isfinite(v))
        return; // refused for a NaN or an infinity: fine
    // Finite features may still span more than the float range.
  }
  if (bytes == 0)
    return;
  packet.resize(bytes);
  std::vector<float> y;
  std::string error;
  mote::SgqGrouping *external = config.embed_grouping ? nullptr : &grouping;
  if (!mote::decodeSgqPacket(packet, external, y, error)) {
    fprintf(stderr, "encoded packet refused: %s\n", error.c_str());
    __builtin_trap(); // what the encoder writes, the host reads
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  if (data[0] == 'E')
    encoder(data + 1, size - 1);
  else
    hostilePacket(data, size);
  return 0;
}
