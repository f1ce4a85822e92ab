/*===- mote_recurrent.c - Recurrent layers ------------------------------===*
 *
 * ONNX RNN, GRU and LSTM in float, unrolled over the sequence.
 *
 * Shapes follow ONNX with layout 0: x [seq, batch, input]; per direction d
 * the weights w [dirs, G * hidden, input], recurrences r [dirs, G * hidden,
 * hidden] and biases b [dirs, 2 * G * hidden] (input biases, then
 * recurrence biases), initial states [dirs, batch, hidden]; the outputs are
 * y [seq, dirs, batch, hidden] and the last states [dirs, batch, hidden].
 * `direction` is 0 (forward), 1 (reverse) or 2 (both; direction 1 of the
 * weights runs in reverse). `clip` > 0 bounds every activation's input to
 * [-clip, clip].
 *
 * The kernels need no scratch: a step reads the previous hidden state from
 * y (or the initial state) and writes its own into y; the LSTM cell state
 * lives in y_c, updated unit by unit in place; the GRU's reset-gated state
 * is staged in y_h, which receives the last state at the end.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"

static float clip_f32(float x, float clip) {
  if (clip > 0.0f)
    return x < -clip ? -clip : (x > clip ? clip : x);
  return x;
}

static float sigmoid_f32(float x, float clip) {
  return 1.0f / (1.0f + mote_expf(-clip_f32(x, clip)));
}

static float tanh_f32(float x, float clip) {
  float v = clip_f32(x, clip), e;
  v = v < -20.0f ? -20.0f : (v > 20.0f ? 20.0f : v);
  e = mote_expf(2.0f * v);
  return 1.0f - 2.0f / (e + 1.0f);
}

static float dot_f32(const float *a, const float *b, int32_t n) {
  float s = 0.0f;
  int32_t i;
  for (i = 0; i < n; ++i)
    s += a[i] * b[i];
  return s;
}

/* The geometry every recurrent kernel shares. */
typedef struct {
  int32_t seq, batch, input, hidden, dirs;
} rnn_shape;

static int rnn_shape_of(rnn_shape *s, int32_t seq, int32_t batch,
                        int32_t input, int32_t hidden, int32_t direction) {
  if (seq < 1 || batch < 1 || input < 1 || hidden < 1 || direction < 0 ||
      direction > 2)
    return 0;
  s->seq = seq;
  s->batch = batch;
  s->input = input;
  s->hidden = hidden;
  s->dirs = direction == 2 ? 2 : 1;
  return 1;
}

/* Time index of step `step` for direction `d`. */
static int32_t rnn_time(const rnn_shape *s, int32_t direction, int32_t d,
                        int32_t step) {
  int reverse = direction == 1 || d == 1;
  return reverse ? s->seq - 1 - step : step;
}

/* Row of the hidden state [batch, hidden] at time `t` of direction `d` in y. */
static float *rnn_row(const rnn_shape *s, float *y, int32_t t, int32_t d) {
  return y + ((int64_t)t * s->dirs + d) * s->batch * s->hidden;
}

/* Step `step` of direction `d`: sets the previous hidden state (the
 * initial one at step 0) and the row this step writes in y; returns the
 * step's time index. */
static int32_t rnn_step(const rnn_shape *s, int32_t direction, int32_t d,
                        int32_t step, const float *h0, float *y,
                        const float **prev, float **out) {
  int32_t t = rnn_time(s, direction, d, step);
  *prev = step == 0 ? h0 + (int64_t)d * s->batch * s->hidden
                    : rnn_row(s, y, rnn_time(s, direction, d, step - 1), d);
  *out = rnn_row(s, y, t, d);
  return t;
}

/* Copies the last step's hidden state of each direction into y_h. */
static void rnn_last_state(const rnn_shape *s, int32_t direction, float *y,
                           float *y_h) {
  int32_t d, i, n = s->batch * s->hidden;
  for (d = 0; d < s->dirs; ++d) {
    const float *h = rnn_row(s, y, rnn_time(s, direction, d, s->seq - 1), d);
    for (i = 0; i < n; ++i)
      y_h[(int64_t)d * n + i] = h[i];
  }
}

mote_status mote_rnn_f32(int32_t seq, int32_t batch, int32_t input,
                         int32_t hidden, int32_t direction, float clip,
                         const float *x, const float *w, const float *r,
                         const float *b, const float *h0, float *y,
                         float *y_h) {
  rnn_shape s;
  int32_t d, step, n, j;
  if (!x || !w || !r || !b || !h0 || !y || !y_h ||
      !rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  for (d = 0; d < s.dirs; ++d) {
    const float *wd = w + (int64_t)d * hidden * input;
    const float *rd = r + (int64_t)d * hidden * hidden;
    const float *bd = b + (int64_t)d * 2 * hidden;
    for (step = 0; step < seq; ++step) {
      const float *prev;
      float *out;
      int32_t t = rnn_step(&s, direction, d, step, h0, y, &prev, &out);
      for (n = 0; n < batch; ++n) {
        const float *xt = x + ((int64_t)t * batch + n) * input;
        const float *h = prev + (int64_t)n * hidden;
        for (j = 0; j < hidden; ++j)
          out[(int64_t)n * hidden + j] =
              tanh_f32(dot_f32(wd + (int64_t)j * input, xt, input) +
                           dot_f32(rd + (int64_t)j * hidden, h, hidden) +
                           bd[j] + bd[hidden + j],
                       clip);
      }
    }
  }
  rnn_last_state(&s, direction, y, y_h);
  return MOTE_OK;
}

mote_status mote_gru_f32(int32_t seq, int32_t batch, int32_t input,
                         int32_t hidden, int32_t direction, float clip,
                         int32_t linear_before_reset, const float *x,
                         const float *w, const float *r, const float *b,
                         const float *h0, float *y, float *y_h) {
  rnn_shape s;
  int32_t d, step, n, j;
  const int32_t H = hidden;
  if (!x || !w || !r || !b || !h0 || !y || !y_h ||
      !rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  for (d = 0; d < s.dirs; ++d) {
    /* Gates z, r, h (ONNX's order) of direction d. */
    const float *wd = w + (int64_t)d * 3 * H * input;
    const float *rd = r + (int64_t)d * 3 * H * H;
    const float *wb = b + (int64_t)d * 6 * H, *rb = wb + 3 * H;
    for (step = 0; step < seq; ++step) {
      const float *prev;
      float *out;
      int32_t t = rnn_step(&s, direction, d, step, h0, y, &prev, &out);
      for (n = 0; n < batch; ++n) {
        const float *xt = x + ((int64_t)t * batch + n) * input;
        const float *h = prev + (int64_t)n * H;
        float *gated = y_h + ((int64_t)d * batch + n) * H;
        if (!linear_before_reset) {
          /* The reset-gated state r * h, which every unit's candidate
           * reads whole. */
          for (j = 0; j < H; ++j)
            gated[j] =
                h[j] *
                sigmoid_f32(dot_f32(wd + (int64_t)(H + j) * input, xt, input) +
                                dot_f32(rd + (int64_t)(H + j) * H, h, H) +
                                wb[H + j] + rb[H + j],
                            clip);
        }
        for (j = 0; j < H; ++j) {
          float z = sigmoid_f32(dot_f32(wd + (int64_t)j * input, xt, input) +
                                    dot_f32(rd + (int64_t)j * H, h, H) +
                                    wb[j] + rb[j],
                                clip);
          float xn = dot_f32(wd + (int64_t)(2 * H + j) * input, xt, input) +
                     wb[2 * H + j];
          float hn;
          if (linear_before_reset) {
            float rg = sigmoid_f32(
                dot_f32(wd + (int64_t)(H + j) * input, xt, input) +
                    dot_f32(rd + (int64_t)(H + j) * H, h, H) + wb[H + j] +
                    rb[H + j],
                clip);
            hn = rg * (dot_f32(rd + (int64_t)(2 * H + j) * H, h, H) +
                       rb[2 * H + j]);
          } else {
            hn = dot_f32(rd + (int64_t)(2 * H + j) * H, gated, H) +
                 rb[2 * H + j];
          }
          out[(int64_t)n * H + j] =
              (1.0f - z) * tanh_f32(xn + hn, clip) + z * h[j];
        }
      }
    }
  }
  rnn_last_state(&s, direction, y, y_h);
  return MOTE_OK;
}

mote_status mote_lstm_f32(int32_t seq, int32_t batch, int32_t input,
                          int32_t hidden, int32_t direction, float clip,
                          const float *x, const float *w, const float *r,
                          const float *b, const float *h0, const float *c0,
                          const float *p, float *y, float *y_h, float *y_c) {
  rnn_shape s;
  int32_t d, step, n, j, i;
  const int32_t H = hidden;
  if (!x || !w || !r || !b || !h0 || !c0 || !p || !y || !y_h || !y_c ||
      !rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < s.dirs * batch * H; ++i)
    y_c[i] = c0[i];
  for (d = 0; d < s.dirs; ++d) {
    /* Gates i, o, f, c (ONNX's order) of direction d; peepholes i, o, f. */
    const float *wd = w + (int64_t)d * 4 * H * input;
    const float *rd = r + (int64_t)d * 4 * H * H;
    const float *wb = b + (int64_t)d * 8 * H, *rb = wb + 4 * H;
    const float *pd = p + (int64_t)d * 3 * H;
    for (step = 0; step < seq; ++step) {
      const float *prev;
      float *out;
      int32_t t = rnn_step(&s, direction, d, step, h0, y, &prev, &out);
      for (n = 0; n < batch; ++n) {
        const float *xt = x + ((int64_t)t * batch + n) * input;
        const float *h = prev + (int64_t)n * H;
        float *c = y_c + ((int64_t)d * batch + n) * H;
        for (j = 0; j < H; ++j) {
          float g[4];
          int32_t k;
          for (k = 0; k < 4; ++k)
            g[k] = dot_f32(wd + (int64_t)(k * H + j) * input, xt, input) +
                   dot_f32(rd + (int64_t)(k * H + j) * H, h, H) +
                   wb[k * H + j] + rb[k * H + j];
          {
            float in = sigmoid_f32(g[0] + pd[j] * c[j], clip);
            float forget = sigmoid_f32(g[2] + pd[2 * H + j] * c[j], clip);
            float cell = forget * c[j] + in * tanh_f32(g[3], clip);
            float o = sigmoid_f32(g[1] + pd[H + j] * cell, clip);
            c[j] = cell;
            out[(int64_t)n * H + j] = o * tanh_f32(cell, 0.0f);
          }
        }
      }
    }
  }
  rnn_last_state(&s, direction, y, y_h);
  return MOTE_OK;
}
