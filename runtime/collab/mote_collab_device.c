/*===- mote_collab_device.c - A device of collaborative learning ----------===*
 *
 * runtime/collab/mote_collab_device.h. Hosts and QEMU user-mode only.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200112L

#include "mote_collab_device.h"
#include "mote/mote_sgq.h"
#include "mote_mqtt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  unsigned long steps, trained, resent, stale, rejected, dropped, reconnects;
} counts;

typedef struct {
  const char *host;
  uint16_t port;
  const char *device;
  char client_id[24], features_topic[96], gradient_topic[96];
  uint8_t *buffer;
  size_t capacity;
  mote_mqtt mqtt;
} link;

/* Connects with a kept session (gradients published while the device was
 * away wait for it); the byte counts survive reconnecting. */
static int open_link(link *l, const char **error) {
  uint64_t sent = l->mqtt.bytes_sent, received = l->mqtt.bytes_received;
  int failed =
      mote_mqtt_connect(&l->mqtt, l->host, l->port, l->client_id,
                        /*clean=*/0, 60, l->buffer, l->capacity, error) ||
      mote_mqtt_subscribe(&l->mqtt, l->gradient_topic, 5000, error);
  l->mqtt.bytes_sent += sent;
  l->mqtt.bytes_received += received;
  return failed;
}

static long read_file(const char *path, uint8_t **data) {
  FILE *f = fopen(path, "rb");
  long size;
  if (!f)
    return -1;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return -1;
  }
  *data = malloc(size ? (size_t)size : 1u);
  if (!*data || fread(*data, 1, (size_t)size, f) != (size_t)size) {
    fclose(f);
    return -1;
  }
  fclose(f);
  return size;
}

static int parse_option(const char *arg, const char *name, long *value) {
  size_t n = strlen(name);
  char *end;
  if (strncmp(arg, name, n) != 0 || arg[n] != '=')
    return 0;
  *value = strtol(arg + n + 1, &end, 10);
  return *end == 0 && *value >= 0 ? 1 : -1;
}

int mote_collab_run(const mote_collab_model *m, int argc, char **argv) {
  static const char usage[] =
      "usage: collab HOST PORT DEVICE INPUTS LABELS [--epochs=E] [--limit=N] "
      "[--start=SEQUENCE] [--frozen] [--timeout-ms=T]\n";
  uint8_t *inputs = 0, *labels = 0, *payload;
  int8_t *packet;
  long input_size, label_size, epochs = 1, limit = -1, start = 1;
  long timeout_ms = 3000, samples, epoch, i;
  int frozen = 0, a;
  int32_t sequence;
  counts n;
  link l;
  const char *error = "";
  memset(&n, 0, sizeof n);
  memset(&l, 0, sizeof l);
  if (argc < 6) {
    fputs(usage, stderr);
    return 2;
  }
  for (a = 6; a < argc; ++a) {
    long v;
    int r;
    if (strcmp(argv[a], "--frozen") == 0) {
      frozen = 1;
      continue;
    }
    r = parse_option(argv[a], "--epochs", &v);
    if (r > 0) {
      epochs = v;
      continue;
    }
    if (!r && (r = parse_option(argv[a], "--limit", &v)) > 0) {
      limit = v;
      continue;
    }
    if (!r && (r = parse_option(argv[a], "--start", &v)) > 0) {
      start = v;
      continue;
    }
    if (!r && (r = parse_option(argv[a], "--timeout-ms", &v)) > 0) {
      timeout_ms = v;
      continue;
    }
    fprintf(stderr, "collab: bad option '%s'\n%s", argv[a], usage);
    return 2;
  }
  if (!m->backward)
    frozen = 1;
  l.host = argv[1];
  l.port = (uint16_t)atoi(argv[2]);
  l.device = argv[3];
  if (strlen(l.device) == 0 || strlen(l.device) > 16 ||
      strspn(l.device, "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
          strlen(l.device)) {
    fprintf(stderr, "collab: device id '%s' must be 1 to 16 of [a-z0-9-_]\n",
            l.device);
    return 2;
  }
  snprintf(l.client_id, sizeof l.client_id, "mote-%s", l.device);
  snprintf(l.features_topic, sizeof l.features_topic, "mote/%s/features",
           l.device);
  snprintf(l.gradient_topic, sizeof l.gradient_topic, "mote/%s/gradient",
           l.device);
  input_size = read_file(argv[4], &inputs);
  label_size = read_file(argv[5], &labels);
  if (input_size < 0 || label_size < 0) {
    fprintf(stderr, "collab: cannot read '%s' or '%s'\n", argv[4], argv[5]);
    return 2;
  }
  samples = input_size / (long)m->input_bytes;
  if (input_size % (long)m->input_bytes || label_size != 4 * samples ||
      samples == 0) {
    fprintf(stderr,
            "collab: %s holds %ld bytes, not a whole number of %zu-byte "
            "samples with one int32 label each in %s (%ld bytes)\n",
            argv[4], input_size, m->input_bytes, argv[5], label_size);
    return 2;
  }
  if (limit >= 0 && limit < samples)
    samples = limit;
  for (i = 0; i < samples; ++i) {
    int32_t label;
    memcpy(&label, labels + 4 * i, 4);
    if (label < 0 || label > 255) {
      fprintf(stderr, "collab: label %ld is %d, not a class 0 to 255\n", i,
              (int)label);
      return 2;
    }
  }
  l.capacity =
      (m->packet_capacity > m->gradient_capacity ? m->packet_capacity
                                                 : m->gradient_capacity) +
      256;
  l.buffer = malloc(l.capacity);
  payload = malloc(m->packet_capacity + 2);
  packet = (int8_t *)payload + 2;
  if (!l.buffer || !payload)
    return 3;
  if (m->init_state(m->arena) != 0)
    return 3;
  if (open_link(&l, &error)) {
    fprintf(stderr, "collab: device %s: %s\n", l.device, error);
    return 4;
  }

  sequence = (int32_t)start;
  for (epoch = 0; epoch < epochs; ++epoch) {
    unsigned long trained_before = n.trained;
    for (i = 0; i < samples; ++i, ++sequence) {
      const float *input = (const float *)(inputs + i * (long)m->input_bytes);
      int32_t bytes = 0, label;
      int tries, done = 0;
      if (m->forward(input, &sequence, packet, &bytes, m->arena) != 0) {
        fprintf(stderr, "collab: device_forward failed at sample %ld\n", i);
        return 5;
      }
      memcpy(&label, labels + 4 * i, 4);
      payload[0] = 1;
      payload[1] = (uint8_t)label;
      ++n.steps;
      for (tries = 0; tries < 4 && !done; ++tries) {
        long waited = 0;
        if (tries)
          ++n.resent;
        if (l.mqtt.fd < 0) {
          ++n.reconnects;
          if (open_link(&l, &error)) {
            mote_mqtt_close(&l.mqtt);
            continue;
          }
        }
        if (mote_mqtt_publish(&l.mqtt, l.features_topic, payload,
                              (size_t)bytes + 2, tries > 0, &error)) {
          mote_mqtt_close(&l.mqtt);
          continue;
        }
        while (!done && waited < timeout_ms && l.mqtt.fd >= 0) {
          mote_mqtt_message msg;
          mote_sgq_header h;
          int got = mote_mqtt_receive(&l.mqtt, 100, &msg, &error);
          waited += 100;
          if (got <= 0)
            continue;
          if (mote_sgq_read_header(msg.payload, msg.payload_length, &h, 0) !=
              0) {
            ++n.rejected;
            continue;
          }
          if (h.sequence != (uint32_t)sequence) {
            ++n.stale;
            continue;
          }
          if (!frozen) {
            int32_t gbytes = (int32_t)msg.payload_length;
            if (msg.payload_length > m->gradient_capacity ||
                m->backward(input, (const int8_t *)msg.payload, &gbytes,
                            m->arena) != 0) {
              ++n.rejected;
              continue;
            }
          }
          ++n.trained;
          done = 1;
        }
      }
      if (!done)
        ++n.dropped;
    }
    printf("device %s: epoch %ld: %ld samples, %lu answered\n", l.device,
           epoch + 1, samples, n.trained - trained_before);
    fflush(stdout);
  }
  printf("device %s: steps %lu, trained %lu%s, resent %lu, stale %lu, "
         "rejected %lu, dropped %lu, reconnects %lu, bytes sent %llu, "
         "received %llu\n",
         l.device, n.steps, n.trained, frozen ? " (frozen)" : "", n.resent,
         n.stale, n.rejected, n.dropped, n.reconnects,
         (unsigned long long)l.mqtt.bytes_sent,
         (unsigned long long)l.mqtt.bytes_received);
  mote_mqtt_close(&l.mqtt);
  free(l.buffer);
  free(payload);
  free(inputs);
  free(labels);
  return n.dropped ? 6 : 0;
}
