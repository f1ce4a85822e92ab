/*===- test_mqtt.c - The device's MQTT client against mosquitto ---*- C -*-===*
 *
 *   test_mqtt PORT
 *
 * Against a real broker on 127.0.0.1:PORT (test/Runtime/mqtt.test starts
 * Debian's mosquitto): a QoS 1 message larger than a TCP segment arrives
 * whole; a client that keeps its session (clean = 0) and disconnects gets
 * the messages published while it was away when it comes back; a message
 * longer than the receiver's buffer closes the connection with an error.
 * Without a port, only the parser on hostile bytes.
 *===----------------------------------------------------------------------===*/

#include "mote_mqtt.h"
#include "mote_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_parser(mote_test_counts *t) {
  uint8_t type, flags;
  size_t body, length;
  mote_mqtt_message m;
  uint16_t id;
  /* PINGRESP, a PUBLISH of 300 bytes (2 length bytes), a 5-byte length. */
  static const uint8_t ping[] = {0xd0, 0x00};
  static const uint8_t big[] = {0x32, 0xac, 0x02};
  static const uint8_t five[] = {0x30, 0xff, 0xff, 0xff, 0xff, 0x01};
  static const uint8_t lying_topic[] = {0x00, 0x09, 'a', 'b'};
  static const uint8_t qos3[] = {0x00, 0x01, 'a'};
  static const uint8_t publish[] = {0x00, 0x01, 'a', 0x12, 0x34, 'x', 'y'};
  MOTE_CHECK(
      t,
      mote_mqtt_parse_header(ping, 2, 64, &type, &flags, &body, &length) == 2 &&
          type == 13 && length == 0,
      "PINGRESP");
  MOTE_CHECK(t,
             mote_mqtt_parse_header(big, 3, 4096, &type, &flags, &body,
                                    &length) == 0 &&
                 body == 3 && length == 300,
             "300-byte PUBLISH needs more bytes: body %zu length %zu", body,
             length);
  MOTE_CHECK(
      t, mote_mqtt_parse_header(big, 3, 256, &type, &flags, &body, &length) < 0,
      "PUBLISH longer than the buffer accepted");
  MOTE_CHECK(t,
             mote_mqtt_parse_header(five, sizeof five, 1u << 30, &type, &flags,
                                    &body, &length) < 0,
             "5-byte remaining length accepted");
  MOTE_CHECK(t,
             mote_mqtt_parse_publish(lying_topic, sizeof lying_topic, 0x2, &m,
                                     &id) < 0,
             "topic longer than the packet accepted");
  MOTE_CHECK(t, mote_mqtt_parse_publish(qos3, sizeof qos3, 0x6, &m, &id) < 0,
             "QoS 3 accepted");
  MOTE_CHECK(t,
             mote_mqtt_parse_publish(publish, sizeof publish, 0x2, &m, &id) ==
                     0 &&
                 id == 0x1234 && m.topic_length == 1 && m.payload_length == 2 &&
                 m.payload[1] == 'y',
             "PUBLISH parsed");
}

static int receive_one(mote_mqtt *c, mote_mqtt_message *m, const char **error) {
  int i, got = 0;
  for (i = 0; i < 50 && got == 0; ++i)
    got = mote_mqtt_receive(c, 100, m, error);
  return got;
}

static void check_broker(mote_test_counts *t, uint16_t port) {
  static uint8_t abuf[8192], bbuf[8192], small[128], payload[5000];
  mote_mqtt a, b, s;
  mote_mqtt_message m;
  const char *error = "";
  size_t i;
  int ok;
  for (i = 0; i < sizeof payload; ++i)
    payload[i] = (uint8_t)(i * 7 + 3);

  ok = mote_mqtt_connect(&a, "127.0.0.1", port, "mote-test-a", 0, 30, abuf,
                         sizeof abuf, &error) == 0 &&
       mote_mqtt_subscribe(&a, "mote/test/a", 5000, &error) == 0;
  MOTE_CHECK(t, ok, "client a: %s", error);
  MOTE_CHECK(t, a.session_present == 0, "no session on a new broker");
  ok = mote_mqtt_connect(&b, "127.0.0.1", port, "mote-test-b", 1, 30, bbuf,
                         sizeof bbuf, &error) == 0;
  MOTE_CHECK(t, ok, "client b: %s", error);
  if (!ok)
    return;

  MOTE_CHECK(t,
             mote_mqtt_publish(&b, "mote/test/a", payload, sizeof payload, 0,
                               &error) == 0,
             "publish: %s", error);
  ok = receive_one(&a, &m, &error) == 1;
  MOTE_CHECK(t,
             ok && m.payload_length == sizeof payload &&
                 memcmp(m.payload, payload, sizeof payload) == 0 &&
                 m.topic_length == 11 &&
                 memcmp(m.topic, "mote/test/a", 11) == 0,
             "5000-byte message received whole (%s)", ok ? "" : error);
  /* b's PUBACK arrives; its receive times out with nothing else. */
  MOTE_CHECK(t, mote_mqtt_receive(&b, 200, &m, &error) == 0 && b.unacked == 0,
             "PUBACK taken, nothing else received");

  /* a goes away; messages published meanwhile wait for it. */
  mote_mqtt_close(&a);
  for (i = 0; i < 3; ++i) {
    payload[0] = (uint8_t)i;
    mote_mqtt_publish(&b, "mote/test/a", payload, 100, 0, &error);
    mote_mqtt_receive(&b, 200, &m, &error);
  }
  ok = mote_mqtt_connect(&a, "127.0.0.1", port, "mote-test-a", 0, 30, abuf,
                         sizeof abuf, &error) == 0;
  MOTE_CHECK(t, ok, "client a again: %s", error);
  /* The broker kept a's session: its subscription stands (the device
   * program then does not subscribe again, which a queued message could
   * precede). */
  MOTE_CHECK(t, a.session_present == 1, "session present after reconnecting");
  for (i = 0; ok && i < 3; ++i) {
    int got = receive_one(&a, &m, &error);
    MOTE_CHECK(t, got == 1 && m.payload_length == 100 && m.payload[0] == i,
               "queued message %zu after reconnecting (%s)", i,
               got == 1 ? "" : error);
  }

  /* A message longer than the receiver's buffer is refused cleanly. */
  ok = mote_mqtt_connect(&s, "127.0.0.1", port, "mote-test-s", 1, 30, small,
                         sizeof small, &error) == 0 &&
       mote_mqtt_subscribe(&s, "mote/test/s", 5000, &error) == 0;
  MOTE_CHECK(t, ok, "client s: %s", error);
  mote_mqtt_publish(&b, "mote/test/s", payload, 1000, 0, &error);
  error = "";
  MOTE_CHECK(t,
             ok && receive_one(&s, &m, &error) < 0 &&
                 strstr(error, "longer than the buffer") && s.fd < 0,
             "oversized message: '%s'", error);
  mote_mqtt_close(&a);
  mote_mqtt_close(&b);
  mote_mqtt_close(&s);
}

int main(int argc, char **argv) {
  mote_test_counts t = {0, 0};
  check_parser(&t);
  if (argc > 1) {
    printf("against the broker on 127.0.0.1:%s\n", argv[1]);
    check_broker(&t, (uint16_t)atoi(argv[1]));
  }
  return mote_test_summary(&t);
}
