/*===- mote_mqtt.h - A small MQTT 3.1.1 client for device programs -*- C -*-===*
 *
 * What a collaborative device program on a Linux host (or under QEMU
 * user-mode) needs to talk to a broker: connect, subscribe, publish at
 * QoS 1 and receive, over one TCP socket, into one caller buffer. No heap,
 * no threads. Bare-metal boards hand packet bytes to their own radio and
 * do not use this file; the generated model code never includes it.
 *
 * Everything read from the socket is untrusted: a packet longer than the
 * buffer, a length that lies, or a malformed header closes the connection
 * with an error and never reads or writes outside the buffer.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_MQTT_H
#define MOTE_MQTT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int fd;
  uint16_t next_id;
  uint8_t *buffer;
  size_t capacity;
  /* The packet id of the last PUBLISH not yet acknowledged, 0 if none. */
  uint16_t unacked;
  /* The broker kept this client's session (CONNACK's session present,
   * clean = 0 only): its subscriptions stand, and messages queued while
   * it was away follow the CONNACK. */
  uint8_t session_present;
  /* Counts for the caller's report. */
  uint64_t bytes_sent, bytes_received;
} mote_mqtt;

/* A PUBLISH received: topic and payload point into the client's buffer and
 * stay valid until the next call. */
typedef struct {
  const char *topic;
  size_t topic_length;
  const uint8_t *payload;
  size_t payload_length;
} mote_mqtt_message;

/* Connects to host:port and completes the MQTT handshake. `buffer` holds
 * one packet in either direction (the largest payload plus its topic and
 * 16 bytes). With clean = 0 the broker keeps the session (subscriptions,
 * queued QoS 1 messages) while the client is away. Returns 0 or -1 with
 * `*error` set. */
int mote_mqtt_connect(mote_mqtt *c, const char *host, uint16_t port,
                      const char *client_id, int clean, uint16_t keepalive,
                      uint8_t *buffer, size_t capacity, const char **error);

/* Subscribes to one topic filter at QoS 1 and waits for the SUBACK. */
int mote_mqtt_subscribe(mote_mqtt *c, const char *topic, int timeout_ms,
                        const char **error);

/* Publishes at QoS 1 (the broker's PUBACK is taken by mote_mqtt_receive);
 * `duplicate` marks a resend of the unacknowledged message. */
int mote_mqtt_publish(mote_mqtt *c, const char *topic, const uint8_t *payload,
                      size_t length, int duplicate, const char **error);

/* Waits up to timeout_ms for a PUBLISH (acknowledging it), handling
 * PUBACKs and PINGRESPs on the way. Returns 1 with `*message` set, 0 on
 * timeout, -1 on error (the connection is then closed). */
int mote_mqtt_receive(mote_mqtt *c, int timeout_ms, mote_mqtt_message *message,
                      const char **error);

/* Sends DISCONNECT (when connected) and closes the socket. */
void mote_mqtt_close(mote_mqtt *c);

/* Parses one MQTT packet from `bytes` (the fixed header and what follows):
 * its type nibble, flags and the bounds of its body. Returns the packet's
 * total length, 0 when more bytes are needed, -1 when it is malformed or
 * longer than `capacity`. Exposed for the fuzzer and the unit test. */
long mote_mqtt_parse_header(const uint8_t *bytes, size_t length,
                            size_t capacity, uint8_t *type, uint8_t *flags,
                            size_t *body, size_t *body_length);

/* Parses the body of a PUBLISH of `flags` into `message` and its packet id
 * (0 for QoS 0). Returns 0 or -1 when it is malformed. */
int mote_mqtt_parse_publish(const uint8_t *body, size_t length, uint8_t flags,
                            mote_mqtt_message *message, uint16_t *packet_id);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_MQTT_H */
