/*===- mote_collab_device.c - A device of collaborative learning ----------===*
 *
 * runtime/collab/mote_collab_device.h. Hosts and QEMU user-mode only.
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200112L

#include "mote_collab_device.h"
#include "mote/mote_sgq.h"
#include "mote_mqtt.h"
#include "mote_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
      /* A kept session still has the subscription, and its queued
       * gradients may arrive before a SUBACK would: take them as they
       * come instead. */
      (!l->mqtt.session_present &&
       mote_mqtt_subscribe(&l->mqtt, l->gradient_topic, 5000, error));
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

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* --link-bps: a link of `bps` bits per second shared by both directions
 * (a radio): waits until every byte the client sent and received so far
 * would have crossed it since `start`. */
static void pace(const mote_mqtt *c, long bps, double start) {
  double due, left;
  if (bps <= 0)
    return;
  due = start + 8.0 * (double)(c->bytes_sent + c->bytes_received) / bps;
  left = due - now_seconds();
  if (left > 0) {
    struct timespec t;
    t.tv_sec = (time_t)left;
    t.tv_nsec = (long)((left - (double)t.tv_sec) * 1e9);
    nanosleep(&t, 0);
  }
}

/* `--codec`: the generated SGQ codec, or a baseline of mote_wire.h. */
typedef struct {
  int wire; /* 0: SGQ */
  mote_wire_config config;
} codec;

static int parse_codec(const char *text, size_t elements, codec *c) {
  char *end;
  memset(c, 0, sizeof *c);
  if (strcmp(text, "sgq") == 0)
    return 0;
  c->wire = 1;
  if (strcmp(text, "float32") == 0) {
    c->config.codec = MOTE_WIRE_FLOAT32;
    c->config.bits = 32;
    return 0;
  }
  if (strncmp(text, "uniform:", 8) == 0) {
    long bits = strtol(text + 8, &end, 10);
    if (*end || (bits != 2 && bits != 4 && bits != 8))
      return -1;
    c->config.codec = MOTE_WIRE_UNIFORM;
    c->config.bits = (uint8_t)bits;
    return 0;
  }
  if (strncmp(text, "topk:", 5) == 0) {
    double percent = strtod(text + 5, &end);
    double k = (double)elements * percent / 100.0 + 0.5;
    if (*end || !(percent > 0.0 && percent <= 100.0))
      return -1;
    c->config.codec = MOTE_WIRE_TOPK;
    c->config.bits = 32;
    c->config.k = k < 1.0 ? 1u : (uint32_t)k;
    if (c->config.k > elements)
      c->config.k = (uint32_t)elements;
    return 0;
  }
  return -1;
}

/* The file of --state: "MCOL", version 1, the next sequence number, epoch
 * and sample, the state image's size, then the image. */
enum { STATE_HEADER = 24 };

static int save_state(const mote_collab_model *m, const char *path,
                      uint8_t *file, uint32_t capacity, int32_t sequence,
                      long epoch, long sample) {
  char temporary[4096];
  uint32_t size = 0;
  FILE *f;
  int ok;
  if (snprintf(temporary, sizeof temporary, "%s.part", path) >=
          (int)sizeof temporary ||
      m->export_state(m->arena, file + STATE_HEADER, capacity - STATE_HEADER,
                      &size) != 0)
    return -1;
  memcpy(file, "MCOL", 4);
  mote_wire_store32(file + 4, 1);
  mote_wire_store32(file + 8, (uint32_t)sequence);
  mote_wire_store32(file + 12, (uint32_t)epoch);
  mote_wire_store32(file + 16, (uint32_t)sample);
  mote_wire_store32(file + 20, size);
  f = fopen(temporary, "wb");
  if (!f)
    return -1;
  ok = fwrite(file, 1, STATE_HEADER + size, f) == STATE_HEADER + size;
  ok = fclose(f) == 0 && ok;
  return ok && rename(temporary, path) == 0 ? 0 : -1;
}

/* Resumes from the file of --state if there is one: 1 resumed, 0 no file,
 * -1 a file that is not a state of this model. */
static int load_state(const mote_collab_model *m, const char *path,
                      int32_t *sequence, long *epoch, long *sample) {
  uint8_t *file = 0;
  long size = read_file(path, &file);
  int result = -1;
  if (size < 0) {
    FILE *f = fopen(path, "rb");
    if (f)
      fclose(f);
    return f ? -1 : 0;
  }
  if (size >= STATE_HEADER && memcmp(file, "MCOL", 4) == 0 &&
      mote_wire_load32(file + 4) == 1 &&
      mote_wire_load32(file + 20) == (uint32_t)size - STATE_HEADER &&
      m->import_state(m->arena, file + STATE_HEADER,
                      mote_wire_load32(file + 20)) == 0) {
    *sequence = (int32_t)mote_wire_load32(file + 8);
    *epoch = (long)mote_wire_load32(file + 12);
    *sample = (long)mote_wire_load32(file + 16);
    result = 1;
  }
  free(file);
  return result;
}

/* --eval: the packets of every sample of INPUTS under the device's codec. */
static int write_eval_packets(const mote_collab_model *m, const codec *c,
                              const char *inputs_path, const char *out_path,
                              int8_t *packet, size_t capacity,
                              float *features) {
  uint8_t *inputs = 0, length[4];
  long size = read_file(inputs_path, &inputs), i;
  FILE *out;
  int ok = 1;
  if (size < 0 || size % (long)m->input_bytes) {
    fprintf(stderr, "collab: --eval: '%s' is not a whole number of samples\n",
            inputs_path);
    free(inputs);
    return -1;
  }
  out = fopen(out_path, "wb");
  if (!out) {
    free(inputs);
    return -1;
  }
  for (i = 0; ok && i < size / (long)m->input_bytes; ++i) {
    const float *input = (const float *)(inputs + i * (long)m->input_bytes);
    int32_t bytes = 0, sequence = (int32_t)i;
    size_t wire_bytes = 0;
    if (!c->wire) {
      ok = m->forward(input, &sequence, packet, &bytes, m->arena) == 0;
    } else {
      ok = m->cut(input, features, m->arena) == 0 &&
           mote_wire_encode(&c->config, features, (uint32_t)m->cut_elements,
                            (uint32_t)i, (uint8_t *)packet, capacity,
                            &wire_bytes, 0) == 0;
      bytes = (int32_t)wire_bytes;
    }
    mote_wire_store32(length, (uint32_t)bytes);
    ok = ok && fwrite(length, 1, 4, out) == 4 &&
         fwrite(packet, 1, (size_t)bytes, out) == (size_t)bytes;
  }
  ok = fclose(out) == 0 && ok;
  free(inputs);
  return ok ? 0 : -1;
}

int mote_collab_run(const mote_collab_model *m, int argc, char **argv) {
  static const char usage[] =
      "usage: collab HOST PORT DEVICE INPUTS LABELS [--epochs=E] [--limit=N] "
      "[--start=SEQUENCE] [--frozen] [--timeout-ms=T] "
      "[--codec=sgq|float32|uniform:B|topk:P] [--state=FILE] "
      "[--eval=INPUTS,OUT]\n";
  uint8_t *inputs = 0, *labels = 0, *payload, *state_file = 0;
  int8_t *packet;
  float *features = 0, *gradient = 0;
  long input_size, label_size, epochs = 1, limit = -1, start = 1;
  long timeout_ms = 3000, samples, epoch = 0, i = 0, link_bps = 0;
  double started;
  int frozen = 0, a, status = 0;
  int32_t sequence;
  size_t capacity, gradient_capacity;
  uint32_t state_capacity = 0;
  const char *state_path = 0, *eval = 0;
  codec c;
  counts n;
  link l;
  const char *error = "";
  memset(&n, 0, sizeof n);
  memset(&l, 0, sizeof l);
  memset(&c, 0, sizeof c);
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
    if (strncmp(argv[a], "--codec=", 8) == 0) {
      if (parse_codec(argv[a] + 8, m->cut_elements, &c) != 0 ||
          (c.wire && !m->cut)) {
        fprintf(stderr, "collab: bad codec '%s'%s\n%s", argv[a] + 8,
                c.wire && !m->cut
                    ? " (the baselines need a split compiled with "
                      "--sgq=...,cut_entries)"
                    : "",
                usage);
        return 2;
      }
      continue;
    }
    if (strncmp(argv[a], "--state=", 8) == 0 && argv[a][8]) {
      state_path = argv[a] + 8;
      continue;
    }
    if (strncmp(argv[a], "--eval=", 7) == 0 && strchr(argv[a] + 7, ',')) {
      eval = argv[a] + 7;
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
    if (!r && (r = parse_option(argv[a], "--link-bps", &v)) > 0) {
      link_bps = v;
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
  /* One buffer for the packets of either codec, one for received ones. */
  capacity = m->packet_capacity;
  gradient_capacity = m->gradient_capacity;
  if (c.wire) {
    size_t wire = mote_wire_packet_bytes(&c.config, (uint32_t)m->cut_elements);
    capacity = wire > capacity ? wire : capacity;
    gradient_capacity = wire > gradient_capacity ? wire : gradient_capacity;
    features = malloc(m->cut_elements * sizeof(float));
    gradient = malloc(m->cut_elements * sizeof(float));
    if (!features || !gradient)
      return 3;
  }
  l.capacity =
      (capacity > gradient_capacity ? capacity : gradient_capacity) + 256;
  l.buffer = malloc(l.capacity);
  payload = malloc(capacity + 2);
  packet = (int8_t *)payload + 2;
  if (!l.buffer || !payload)
    return 3;
  if (m->init_state(m->arena) != 0)
    return 3;
  sequence = (int32_t)start;
  i = 0;
  if (state_path) {
    int resumed = load_state(m, state_path, &sequence, &epoch, &i);
    if (resumed < 0) {
      fprintf(stderr, "collab: --state: '%s' is not a state of model %s\n",
              state_path, m->name);
      return 2;
    }
    if (resumed)
      printf("device %s: resumed from %s at epoch %ld, sample %ld, sequence "
             "%ld\n",
             l.device, state_path, epoch + 1, i, (long)sequence);
    state_capacity = STATE_HEADER + m->state_image_bytes();
    state_file = malloc(state_capacity);
    if (!state_file)
      return 3;
  }
  if (open_link(&l, &error)) {
    fprintf(stderr, "collab: device %s: %s\n", l.device, error);
    return 4;
  }
  started = now_seconds();

  for (; epoch < epochs; ++epoch, i = 0) {
    unsigned long trained_before = n.trained;
    long first = i;
    for (; i < samples; ++i, ++sequence) {
      const float *input = (const float *)(inputs + i * (long)m->input_bytes);
      int32_t bytes = 0, label;
      int tries, done = 0;
      if (!c.wire) {
        if (m->forward(input, &sequence, packet, &bytes, m->arena) != 0) {
          fprintf(stderr, "collab: device_forward failed at sample %ld\n", i);
          return 5;
        }
      } else {
        size_t wire_bytes = 0;
        if (m->cut(input, features, m->arena) != 0 ||
            mote_wire_encode(&c.config, features, (uint32_t)m->cut_elements,
                             (uint32_t)sequence, (uint8_t *)packet, capacity,
                             &wire_bytes, &error) != 0) {
          fprintf(stderr, "collab: device_cut failed at sample %ld: %s\n", i,
                  error);
          return 5;
        }
        bytes = (int32_t)wire_bytes;
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
        pace(&l.mqtt, link_bps, started);
        while (!done && waited < timeout_ms && l.mqtt.fd >= 0) {
          mote_mqtt_message msg;
          uint32_t answered;
          int got = mote_mqtt_receive(&l.mqtt, 100, &msg, &error);
          waited += 100;
          if (got <= 0)
            continue;
          pace(&l.mqtt, link_bps, started);
          if (c.wire) {
            mote_wire_header h;
            if (mote_wire_read_header(msg.payload, msg.payload_length, &h, 0) !=
                0) {
              ++n.rejected;
              continue;
            }
            answered = h.sequence;
          } else {
            mote_sgq_header h;
            if (mote_sgq_read_header(msg.payload, msg.payload_length, &h, 0) !=
                0) {
              ++n.rejected;
              continue;
            }
            answered = h.sequence;
          }
          if (answered != (uint32_t)sequence) {
            ++n.stale;
            continue;
          }
          if (!frozen) {
            int32_t gbytes = (int32_t)msg.payload_length;
            int failed =
                c.wire ? mote_wire_decode(msg.payload, msg.payload_length,
                                          gradient, (uint32_t)m->cut_elements,
                                          0) != 0 ||
                             m->backward_cut(input, gradient, m->arena) != 0
                       : msg.payload_length > m->gradient_capacity ||
                             m->backward(input, (const int8_t *)msg.payload,
                                         &gbytes, m->arena) != 0;
            if (failed) {
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
      /* The weights after this sample and the place after it. */
      if (state_path &&
          save_state(m, state_path, state_file, state_capacity, sequence + 1,
                     i + 1 < samples ? epoch : epoch + 1,
                     i + 1 < samples ? i + 1 : 0) != 0) {
        fprintf(stderr, "collab: cannot write the state to '%s'\n", state_path);
        return 5;
      }
    }
    printf("device %s: epoch %ld: %ld samples, %lu answered\n", l.device,
           epoch + 1, samples - first, n.trained - trained_before);
    fflush(stdout);
  }
  printf("device %s: steps %lu, trained %lu%s, resent %lu, stale %lu, "
         "rejected %lu, dropped %lu, reconnects %lu, bytes sent %llu, "
         "received %llu, seconds %.2f\n",
         l.device, n.steps, n.trained, frozen ? " (frozen)" : "", n.resent,
         n.stale, n.rejected, n.dropped, n.reconnects,
         (unsigned long long)l.mqtt.bytes_sent,
         (unsigned long long)l.mqtt.bytes_received, now_seconds() - started);
  mote_mqtt_close(&l.mqtt);
  if (eval) {
    char inputs_path[4096];
    const char *comma = strchr(eval, ',');
    size_t length = (size_t)(comma - eval);
    if (length >= sizeof inputs_path)
      return 2;
    memcpy(inputs_path, eval, length);
    inputs_path[length] = 0;
    if (c.wire && !features)
      return 3;
    if (write_eval_packets(m, &c, inputs_path, comma + 1, packet, capacity,
                           features) != 0) {
      fprintf(stderr, "collab: --eval: cannot write '%s'\n", comma + 1);
      status = 5;
    }
  }
  free(l.buffer);
  free(payload);
  free(inputs);
  free(labels);
  free(features);
  free(gradient);
  free(state_file);
  return status ? status : n.dropped ? 6 : 0;
}
