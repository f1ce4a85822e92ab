//===- WirePacketFuzzer.cpp - libFuzzer target for baseline packets -------===//
//
// The baseline codecs of collaborative learning (runtime/collab/mote_wire.c)
// as a device and the server run them on bytes from the broker. Two halves,
// chosen by the first byte:
//  - 'E': the encoder on an arbitrary configuration and float values; what
//    it encodes must read back with the same header and decode (float32
//    exactly, uniform within a step and 0 to 0, top-k to values of the
//    input);
//  - otherwise a hostile packet into an exactly sized output (ASan): it is
//    refused, or decodes to finite values.
//
//===----------------------------------------------------------------------===//

#include "mote_wire.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

void encoder(const uint8_t *data, size_t size) {
  if (size < 3)
    return;
  mote_wire_config c;
  c.codec = data[0] % 3;
  c.bits = c.codec == MOTE_WIRE_UNIFORM ? (2 << (data[1] % 3)) : 32;
  size_t n = (size - 2) / 4;
  if (n == 0)
    return;
  c.k = c.codec == MOTE_WIRE_TOPK ? 1 + data[1] % n : 0;
  std::vector<float> values(n), back(n);
  memcpy(values.data(), data + 2, n * 4);
  bool finite = true;
  for (float v : values)
    finite &= std::isfinite(v);
  size_t capacity = mote_wire_packet_bytes(&c, static_cast<uint32_t>(n));
  if (capacity == 0)
    abort();
  std::vector<uint8_t> packet(capacity);
  size_t bytes = 0;
  int status = mote_wire_encode(&c, values.data(), static_cast<uint32_t>(n), 5,
                                packet.data(), capacity, &bytes, nullptr);
  if (status != 0) {
    // Refused only for non-finite input or a range float32 cannot hold.
    if (finite && c.codec != MOTE_WIRE_UNIFORM)
      abort();
    return;
  }
  if (!finite || bytes != capacity)
    abort();
  mote_wire_header h;
  if (mote_wire_read_header(packet.data(), bytes, &h, nullptr) != 0 ||
      h.sequence != 5 || h.elements != n || h.codec != c.codec)
    abort();
  if (mote_wire_decode(packet.data(), bytes, back.data(),
                       static_cast<uint32_t>(n), nullptr) != 0)
    abort();
  float low = 0.0f, high = 0.0f; // the uniform range holds 0
  for (float v : values)
    low = std::fmin(low, v), high = std::fmax(high, v);
  double step = c.codec == MOTE_WIRE_UNIFORM
                    ? (static_cast<double>(high) - low) / ((1 << c.bits) - 1)
                    : 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (c.codec == MOTE_WIRE_FLOAT32 && back[i] != values[i])
      abort();
    if (c.codec == MOTE_WIRE_UNIFORM &&
        std::fabs(static_cast<double>(back[i]) - values[i]) >
            1.01 * step + 1.2e-7 * std::fabs(values[i]) + 1e-38)
      abort();
    if (c.codec == MOTE_WIRE_UNIFORM && values[i] == 0.0f && back[i] != 0.0f)
      abort();
    if (c.codec == MOTE_WIRE_TOPK && back[i] != 0.0f && back[i] != values[i])
      abort();
  }
}

void hostile(const uint8_t *data, size_t size) {
  mote_wire_header h;
  if (mote_wire_read_header(data, size, &h, nullptr) != 0 ||
      h.elements > (1u << 20))
    return;
  // Exactly sized, on the heap: ASan sees a write past the end.
  float *values = static_cast<float *>(malloc(h.elements * sizeof(float)));
  if (mote_wire_decode(data, size, values, h.elements, nullptr) == 0)
    for (uint32_t i = 0; i < h.elements; ++i)
      if (!std::isfinite(values[i]))
        abort();
  // Another count than the packet's is always refused.
  if (mote_wire_decode(data, size, values, h.elements - 1, nullptr) == 0)
    abort();
  free(values);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16)
    return 0;
  if (size && data[0] == 'E')
    encoder(data + 1, size - 1);
  else
    hostile(data, size);
  return 0;
}
