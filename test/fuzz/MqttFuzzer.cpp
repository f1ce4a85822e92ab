//===- MqttFuzzer.cpp - libFuzzer target for the device's MQTT client -----===//
//
// The bytes a broker (or whoever answers on its port) sends a collaborative
// device program: written into one end of a socket pair, read by
// mote_mqtt_receive through a small buffer, as many packets as there are.
// The client must refuse what is malformed or too long without reading or
// writing outside its buffer (ASan) and return a message only when its
// topic and payload lie inside the packet. The parsers are also called on
// the raw bytes directly.
//
//===----------------------------------------------------------------------===//

#include "mote_mqtt.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16)
    return 0;
  uint8_t type, flags;
  size_t body, length;
  long total =
      mote_mqtt_parse_header(data, size, 512, &type, &flags, &body, &length);
  if (total > 0) {
    if (static_cast<size_t>(total) > size || body + length != size_t(total))
      abort();
    mote_mqtt_message m;
    uint16_t id;
    if (mote_mqtt_parse_publish(data + body, length, flags, &m, &id) == 0 &&
        (m.payload + m.payload_length != data + total ||
         reinterpret_cast<const uint8_t *>(m.topic) < data + body))
      abort();
  }

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    return 0;
  size_t written = 0;
  while (written < size) {
    ssize_t w = write(sv[1], data + written, size - written);
    if (w <= 0)
      break;
    written += static_cast<size_t>(w);
  }
  shutdown(sv[1], SHUT_WR);
  // A heap buffer of exactly its capacity: ASan sees any overrun.
  size_t capacity = 64 + (size ? data[0] : 0);
  uint8_t *buffer = static_cast<uint8_t *>(malloc(capacity));
  mote_mqtt c;
  memset(&c, 0, sizeof c);
  c.fd = sv[0];
  c.buffer = buffer;
  c.capacity = capacity;
  for (int i = 0; i < 1000; ++i) {
    mote_mqtt_message m;
    const char *error = nullptr;
    int got = mote_mqtt_receive(&c, 0, &m, &error);
    if (got <= 0)
      break;
    if (m.payload < buffer || m.payload + m.payload_length > buffer + capacity)
      abort();
  }
  mote_mqtt_close(&c);
  close(sv[1]);
  free(buffer);
  return 0;
}
