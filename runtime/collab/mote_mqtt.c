/*===- mote_mqtt.c - A small MQTT 3.1.1 client for device programs --------===*
 *
 * runtime/collab/mote_mqtt.h. Only what a device of collaborative learning
 * uses: CONNECT/CONNACK, SUBSCRIBE/SUBACK, PUBLISH at QoS 1 both ways with
 * PUBACK, PINGREQ/PINGRESP, DISCONNECT (MQTT 3.1.1, OASIS standard).
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200112L

#include "mote_mqtt.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

enum {
  CONNECT = 1,
  CONNACK = 2,
  PUBLISH = 3,
  PUBACK = 4,
  SUBSCRIBE = 8,
  SUBACK = 9,
  PINGRESP = 13,
  DISCONNECT = 14
};

#define FAIL(message)                                                          \
  do {                                                                         \
    if (error)                                                                 \
      *error = (message);                                                      \
    return -1;                                                                 \
  } while (0)

long mote_mqtt_parse_header(const uint8_t *bytes, size_t length,
                            size_t capacity, uint8_t *type, uint8_t *flags,
                            size_t *body, size_t *body_length) {
  size_t remaining = 0, i;
  *body = *body_length = 0;
  if (length < 2)
    return 0;
  /* The remaining length: 1 to 4 bytes of 7 bits, low group first. */
  for (i = 1; i <= 4; ++i) {
    if (i >= length)
      return 0;
    remaining |= (size_t)(bytes[i] & 0x7f) << (7 * (i - 1));
    if (!(bytes[i] & 0x80))
      break;
  }
  if (i > 4)
    return -1;
  if (remaining > capacity || i + 1 + remaining > capacity)
    return -1;
  *type = bytes[0] >> 4;
  *flags = bytes[0] & 0x0f;
  *body = i + 1;
  *body_length = remaining;
  if (length < i + 1 + remaining)
    return 0;
  return (long)(i + 1 + remaining);
}

int mote_mqtt_parse_publish(const uint8_t *body, size_t length, uint8_t flags,
                            mote_mqtt_message *message, uint16_t *packet_id) {
  size_t topic, at;
  uint8_t qos = (flags >> 1) & 3u;
  if (qos == 3 || length < 2)
    return -1;
  topic = (size_t)body[0] << 8 | body[1];
  at = 2 + topic;
  if (topic == 0 || at > length)
    return -1;
  *packet_id = 0;
  if (qos) {
    if (at + 2 > length)
      return -1;
    *packet_id = (uint16_t)(body[at] << 8 | body[at + 1]);
    if (*packet_id == 0)
      return -1;
    at += 2;
  }
  message->topic = (const char *)body + 2;
  message->topic_length = topic;
  message->payload = body + at;
  message->payload_length = length - at;
  return 0;
}

/*===--- Socket -----------------------------------------------------------===*/

static int send_all(mote_mqtt *c, const uint8_t *p, size_t n,
                    const char **error) {
  while (n) {
    ssize_t w = send(c->fd, p, n, 0);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      FAIL("send to the broker failed");
    p += w;
    n -= (size_t)w;
    c->bytes_sent += (uint64_t)w;
  }
  return 0;
}

/* Reads exactly n bytes, waiting at most timeout_ms for each chunk. */
static int read_all(mote_mqtt *c, uint8_t *p, size_t n, int timeout_ms,
                    const char **error) {
  while (n) {
    struct pollfd pfd;
    ssize_t r;
    int ready;
    pfd.fd = c->fd;
    pfd.events = POLLIN;
    ready = poll(&pfd, 1, timeout_ms);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      FAIL("the broker stopped in the middle of a packet");
    r = recv(c->fd, p, n, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      FAIL("the broker closed the connection");
    p += r;
    n -= (size_t)r;
    c->bytes_received += (uint64_t)r;
  }
  return 0;
}

/* Reads one packet into the buffer. 1: read; 0: nothing within
 * timeout_ms; -1: error. */
static int read_packet(mote_mqtt *c, int timeout_ms, uint8_t *type,
                       uint8_t *flags, size_t *body, size_t *body_length,
                       const char **error) {
  struct pollfd pfd;
  size_t have = 1;
  int ready;
  long total;
  pfd.fd = c->fd;
  pfd.events = POLLIN;
  do
    ready = poll(&pfd, 1, timeout_ms);
  while (ready < 0 && errno == EINTR);
  if (ready < 0)
    FAIL("poll on the broker's socket failed");
  if (ready == 0)
    return 0;
  if (c->capacity < 5)
    FAIL("MQTT buffer smaller than 5 bytes");
  if (read_all(c, c->buffer, 1, timeout_ms, error))
    return -1;
  /* The remaining length's bytes, one by one (at most 4). */
  do {
    if (read_all(c, c->buffer + have, 1, 1000, error))
      return -1;
    ++have;
  } while ((c->buffer[have - 1] & 0x80) && have < 5);
  total = mote_mqtt_parse_header(c->buffer, have, c->capacity, type, flags,
                                 body, body_length);
  if (total < 0)
    FAIL("malformed MQTT packet or longer than the buffer");
  if (total == 0 &&
      read_all(c, c->buffer + have, *body + *body_length - have, 1000, error))
    return -1;
  return 1;
}

static size_t put_length(uint8_t *p, size_t length) {
  size_t n = 0;
  do {
    uint8_t b = (uint8_t)(length & 0x7f);
    length >>= 7;
    p[n++] = (uint8_t)(b | (length ? 0x80 : 0));
  } while (length);
  return n;
}

static uint16_t next_id(mote_mqtt *c) {
  if (++c->next_id == 0)
    c->next_id = 1;
  return c->next_id;
}

/*===--- Client -----------------------------------------------------------===*/

int mote_mqtt_connect(mote_mqtt *c, const char *host, uint16_t port,
                      const char *client_id, int clean, uint16_t keepalive,
                      uint8_t *buffer, size_t capacity, const char **error) {
  struct addrinfo hints, *found = 0, *a;
  char service[8];
  size_t id = strlen(client_id), n = 0, remaining;
  uint8_t type, flags;
  size_t body, body_length;
  int one = 1, got;
  memset(c, 0, sizeof *c);
  c->fd = -1;
  c->buffer = buffer;
  c->capacity = capacity;
  if (id == 0 || id > 23 || capacity < 64)
    FAIL("client id must be 1 to 23 bytes and the buffer at least 64");
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  snprintf(service, sizeof service, "%u", (unsigned)port);
  if (getaddrinfo(host, service, &hints, &found) != 0)
    FAIL("cannot resolve the broker's host");
  for (a = found; a; a = a->ai_next) {
    c->fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (c->fd < 0)
      continue;
    if (connect(c->fd, a->ai_addr, a->ai_addrlen) == 0)
      break;
    close(c->fd);
    c->fd = -1;
  }
  freeaddrinfo(found);
  if (c->fd < 0)
    FAIL("cannot connect to the broker");
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  remaining = 10 + 2 + id;
  buffer[n++] = CONNECT << 4;
  n += put_length(buffer + n, remaining);
  buffer[n++] = 0;
  buffer[n++] = 4;
  memcpy(buffer + n, "MQTT", 4);
  n += 4;
  buffer[n++] = 4; /* protocol level 3.1.1 */
  buffer[n++] = clean ? 0x02 : 0x00;
  buffer[n++] = (uint8_t)(keepalive >> 8);
  buffer[n++] = (uint8_t)keepalive;
  buffer[n++] = (uint8_t)(id >> 8);
  buffer[n++] = (uint8_t)id;
  memcpy(buffer + n, client_id, id);
  n += id;
  if (send_all(c, buffer, n, error))
    goto fail;
  got = read_packet(c, 5000, &type, &flags, &body, &body_length, error);
  if (got <= 0) {
    if (got == 0 && error)
      *error = "no CONNACK from the broker";
    goto fail;
  }
  if (type != CONNACK || body_length != 2) {
    if (error)
      *error = "the broker did not answer with a CONNACK";
    goto fail;
  }
  if (buffer[body + 1] != 0) {
    if (error)
      *error = "the broker refused the connection";
    goto fail;
  }
  c->session_present = (uint8_t)(!clean && (buffer[body] & 1u));
  return 0;
fail:
  close(c->fd);
  c->fd = -1;
  return -1;
}

int mote_mqtt_subscribe(mote_mqtt *c, const char *topic, int timeout_ms,
                        const char **error) {
  size_t t = strlen(topic), n = 0;
  uint16_t id = next_id(c);
  uint8_t type, flags;
  size_t body, body_length;
  if (c->fd < 0)
    FAIL("not connected");
  if (t == 0 || t > 65535 || t + 16 > c->capacity)
    FAIL("topic filter empty or longer than the buffer");
  c->buffer[n++] = SUBSCRIBE << 4 | 0x2;
  n += put_length(c->buffer + n, 2 + 2 + t + 1);
  c->buffer[n++] = (uint8_t)(id >> 8);
  c->buffer[n++] = (uint8_t)id;
  c->buffer[n++] = (uint8_t)(t >> 8);
  c->buffer[n++] = (uint8_t)t;
  memcpy(c->buffer + n, topic, t);
  n += t;
  c->buffer[n++] = 1; /* QoS 1 */
  if (send_all(c, c->buffer, n, error))
    return -1;
  for (;;) {
    int got =
        read_packet(c, timeout_ms, &type, &flags, &body, &body_length, error);
    if (got < 0)
      return -1;
    if (got == 0)
      FAIL("no SUBACK from the broker");
    if (type == SUBACK) {
      if (body_length != 3 ||
          (c->buffer[body] << 8 | c->buffer[body + 1]) != id)
        FAIL("SUBACK for another subscription");
      if (c->buffer[body + 2] & 0x80)
        FAIL("the broker refused the subscription");
      return 0;
    }
    /* A PUBACK of an earlier publish may come first. */
    if (type == PUBACK && body_length == 2)
      continue;
    FAIL("unexpected packet while subscribing");
  }
}

int mote_mqtt_publish(mote_mqtt *c, const char *topic, const uint8_t *payload,
                      size_t length, int duplicate, const char **error) {
  size_t t = strlen(topic), n = 0, remaining = 2 + t + 2 + length;
  uint16_t id;
  uint8_t header[16];
  if (c->fd < 0)
    FAIL("not connected");
  if (t == 0 || t > 65535 || remaining > 268435455u)
    FAIL("topic empty or message too long for MQTT");
  id = duplicate && c->unacked ? c->unacked : next_id(c);
  header[n++] = (uint8_t)(PUBLISH << 4 | (duplicate ? 0x8 : 0) | 0x2);
  n += put_length(header + n, remaining);
  header[n++] = (uint8_t)(t >> 8);
  header[n++] = (uint8_t)t;
  if (send_all(c, header, n, error) ||
      send_all(c, (const uint8_t *)topic, t, error))
    return -1;
  header[0] = (uint8_t)(id >> 8);
  header[1] = (uint8_t)id;
  if (send_all(c, header, 2, error) || send_all(c, payload, length, error))
    return -1;
  c->unacked = id;
  return 0;
}

int mote_mqtt_receive(mote_mqtt *c, int timeout_ms, mote_mqtt_message *message,
                      const char **error) {
  uint8_t type, flags;
  size_t body, body_length;
  if (c->fd < 0)
    FAIL("not connected");
  for (;;) {
    int got =
        read_packet(c, timeout_ms, &type, &flags, &body, &body_length, error);
    if (got <= 0) {
      if (got < 0)
        mote_mqtt_close(c);
      return got;
    }
    if (type == PUBACK && body_length == 2) {
      uint16_t id = (uint16_t)(c->buffer[body] << 8 | c->buffer[body + 1]);
      if (id == c->unacked)
        c->unacked = 0;
      continue;
    }
    if (type == PINGRESP && body_length == 0)
      continue;
    if (type == PUBLISH) {
      uint16_t id;
      uint8_t ack[4];
      if (mote_mqtt_parse_publish(c->buffer + body, body_length, flags, message,
                                  &id) != 0) {
        mote_mqtt_close(c);
        FAIL("malformed PUBLISH from the broker");
      }
      if (id) {
        ack[0] = PUBACK << 4;
        ack[1] = 2;
        ack[2] = (uint8_t)(id >> 8);
        ack[3] = (uint8_t)id;
        if (send_all(c, ack, 4, error)) {
          mote_mqtt_close(c);
          return -1;
        }
      }
      return 1;
    }
    mote_mqtt_close(c);
    FAIL("unexpected MQTT packet from the broker");
  }
}

void mote_mqtt_close(mote_mqtt *c) {
  if (c->fd >= 0) {
    uint8_t bye[2] = {DISCONNECT << 4, 0};
    send(c->fd, bye, 2, 0);
    close(c->fd);
  }
  c->fd = -1;
}
