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
 * The `_f32_w8` entry points take the weights and recurrences as int8 with a
 * float scale per row (dirs * G * hidden rows: symmetric, zero point 0) and
 * compute in float as the others do, each weight dequantized as it is read
 * (the same sums as the float kernels on the dequantized weights).
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

/* A weight or recurrence matrix of rows of `cols` values: float, or int8
 * with a float scale per row. */
typedef struct {
  const float *f;
  const int8_t *q;
  const float *scale;
  int32_t cols;
} rnn_matrix;

static rnn_matrix rnn_float(const float *f, int32_t cols) {
  rnn_matrix m;
  m.f = f, m.q = 0, m.scale = 0, m.cols = cols;
  return m;
}

static rnn_matrix rnn_int8(const int8_t *q, const float *scale, int32_t cols) {
  rnn_matrix m;
  m.f = 0, m.q = q, m.scale = scale, m.cols = cols;
  return m;
}

static int rnn_matrix_valid(const rnn_matrix *m) {
  return m->f || (m->q && m->scale);
}

/* Row `row` of `m` times v. */
static float row_dot(const rnn_matrix *m, int64_t row, const float *v) {
  float s = 0.0f;
  int32_t i;
  if (m->q) {
    /* Each weight dequantized as DequantizeLinear computes it, so the sums
     * are those of the float kernel on the dequantized weights. */
    const int8_t *w = m->q + row * m->cols;
    const float scale = m->scale[row];
    for (i = 0; i < m->cols; ++i)
      s += ((float)w[i] * scale) * v[i];
    return s;
  }
  {
    const float *w = m->f + row * m->cols;
    for (i = 0; i < m->cols; ++i)
      s += w[i] * v[i];
  }
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

static mote_status rnn_run(const rnn_shape *s, int32_t direction, float clip,
                           const float *x, const rnn_matrix *w,
                           const rnn_matrix *r, const float *b,
                           const float *h0, float *y, float *y_h) {
  int32_t d, step, n, j;
  const int32_t H = s->hidden;
  if (!x || !rnn_matrix_valid(w) || !rnn_matrix_valid(r) || !b || !h0 || !y ||
      !y_h)
    return MOTE_ERROR_ARGUMENT;
  for (d = 0; d < s->dirs; ++d) {
    const int64_t rows = (int64_t)d * H;
    const float *bd = b + (int64_t)d * 2 * H;
    for (step = 0; step < s->seq; ++step) {
      const float *prev;
      float *out;
      int32_t t = rnn_step(s, direction, d, step, h0, y, &prev, &out);
      for (n = 0; n < s->batch; ++n) {
        const float *xt = x + ((int64_t)t * s->batch + n) * s->input;
        const float *h = prev + (int64_t)n * H;
        for (j = 0; j < H; ++j)
          out[(int64_t)n * H + j] =
              tanh_f32(row_dot(w, rows + j, xt) + row_dot(r, rows + j, h) +
                           bd[j] + bd[H + j],
                       clip);
      }
    }
  }
  rnn_last_state(s, direction, y, y_h);
  return MOTE_OK;
}

mote_status mote_rnn_f32(int32_t seq, int32_t batch, int32_t input,
                         int32_t hidden, int32_t direction, float clip,
                         const float *x, const float *w, const float *r,
                         const float *b, const float *h0, float *y,
                         float *y_h) {
  rnn_shape s;
  rnn_matrix wm = rnn_float(w, input), rm = rnn_float(r, hidden);
  if (!rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  return rnn_run(&s, direction, clip, x, &wm, &rm, b, h0, y, y_h);
}

mote_status mote_rnn_f32_w8(int32_t seq, int32_t batch, int32_t input,
                        int32_t hidden, int32_t direction, float clip,
                        const float *x, const int8_t *w, const float *w_scale,
                        const int8_t *r, const float *r_scale, const float *b,
                        const float *h0, float *y, float *y_h) {
  rnn_shape s;
  rnn_matrix wm = rnn_int8(w, w_scale, input), rm = rnn_int8(r, r_scale, hidden);
  if (!rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  return rnn_run(&s, direction, clip, x, &wm, &rm, b, h0, y, y_h);
}

static mote_status gru_run(const rnn_shape *s, int32_t direction, float clip,
                           int32_t linear_before_reset, const float *x,
                           const rnn_matrix *w, const rnn_matrix *r,
                           const float *b, const float *h0, float *y,
                           float *y_h) {
  int32_t d, step, n, j;
  const int32_t H = s->hidden, batch = s->batch, input = s->input;
  if (!x || !rnn_matrix_valid(w) || !rnn_matrix_valid(r) || !b || !h0 || !y ||
      !y_h)
    return MOTE_ERROR_ARGUMENT;
  for (d = 0; d < s->dirs; ++d) {
    /* Gates z, r, h (ONNX's order) of direction d. */
    const int64_t rows = (int64_t)d * 3 * H;
    const float *wb = b + (int64_t)d * 6 * H, *rb = wb + 3 * H;
    for (step = 0; step < s->seq; ++step) {
      const float *prev;
      float *out;
      int32_t t = rnn_step(s, direction, d, step, h0, y, &prev, &out);
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
                sigmoid_f32(row_dot(w, rows + H + j, xt) +
                                row_dot(r, rows + H + j, h) +
                                wb[H + j] + rb[H + j],
                            clip);
        }
        for (j = 0; j < H; ++j) {
          float z = sigmoid_f32(row_dot(w, rows + j, xt) +
                                    row_dot(r, rows + j, h) +
                                    wb[j] + rb[j],
                                clip);
          float xn = row_dot(w, rows + 2 * H + j, xt) +
                     wb[2 * H + j];
          float hn;
          if (linear_before_reset) {
            float rg = sigmoid_f32(
                row_dot(w, rows + H + j, xt) +
                    row_dot(r, rows + H + j, h) + wb[H + j] +
                    rb[H + j],
                clip);
            hn = rg * (row_dot(r, rows + 2 * H + j, h) +
                       rb[2 * H + j]);
          } else {
            hn = row_dot(r, rows + 2 * H + j, gated) +
                 rb[2 * H + j];
          }
          out[(int64_t)n * H + j] =
              (1.0f - z) * tanh_f32(xn + hn, clip) + z * h[j];
        }
      }
    }
  }
  rnn_last_state(s, direction, y, y_h);
  return MOTE_OK;
}

mote_status mote_gru_f32(int32_t seq, int32_t batch, int32_t input,
                         int32_t hidden, int32_t direction, float clip,
                         int32_t linear_before_reset, const float *x,
                         const float *w, const float *r, const float *b,
                         const float *h0, float *y, float *y_h) {
  rnn_shape s;
  rnn_matrix wm = rnn_float(w, input), rm = rnn_float(r, hidden);
  if (!rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  return gru_run(&s, direction, clip, linear_before_reset, x, &wm, &rm, b, h0,
                 y, y_h);
}

mote_status mote_gru_f32_w8(int32_t seq, int32_t batch, int32_t input,
                        int32_t hidden, int32_t direction, float clip,
                        int32_t linear_before_reset, const float *x,
                        const int8_t *w, const float *w_scale, const int8_t *r,
                        const float *r_scale, const float *b, const float *h0,
                        float *y, float *y_h) {
  rnn_shape s;
  rnn_matrix wm = rnn_int8(w, w_scale, input), rm = rnn_int8(r, r_scale, hidden);
  if (!rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  return gru_run(&s, direction, clip, linear_before_reset, x, &wm, &rm, b, h0,
                 y, y_h);
}

static mote_status lstm_run(const rnn_shape *s, int32_t direction, float clip,
                            const float *x, const rnn_matrix *w,
                            const rnn_matrix *r, const float *b,
                            const float *h0, const float *c0, const float *p,
                            float *y, float *y_h, float *y_c) {
  int32_t d, step, n, j, i;
  const int32_t H = s->hidden, batch = s->batch, input = s->input;
  if (!x || !rnn_matrix_valid(w) || !rnn_matrix_valid(r) || !b || !h0 ||
      !c0 || !p || !y || !y_h || !y_c)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < s->dirs * batch * H; ++i)
    y_c[i] = c0[i];
  for (d = 0; d < s->dirs; ++d) {
    /* Gates i, o, f, c (ONNX's order) of direction d; peepholes i, o, f. */
    const int64_t rows = (int64_t)d * 4 * H;
    const float *wb = b + (int64_t)d * 8 * H, *rb = wb + 4 * H;
    const float *pd = p + (int64_t)d * 3 * H;
    for (step = 0; step < s->seq; ++step) {
      const float *prev;
      float *out;
      int32_t t = rnn_step(s, direction, d, step, h0, y, &prev, &out);
      for (n = 0; n < batch; ++n) {
        const float *xt = x + ((int64_t)t * batch + n) * input;
        const float *h = prev + (int64_t)n * H;
        float *c = y_c + ((int64_t)d * batch + n) * H;
        for (j = 0; j < H; ++j) {
          float g[4];
          int32_t k;
          for (k = 0; k < 4; ++k)
            g[k] = row_dot(w, rows + k * H + j, xt) +
                   row_dot(r, rows + k * H + j, h) +
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
  rnn_last_state(s, direction, y, y_h);
  return MOTE_OK;
}

mote_status mote_lstm_f32(int32_t seq, int32_t batch, int32_t input,
                          int32_t hidden, int32_t direction, float clip,
                          const float *x, const float *w, const float *r,
                          const float *b, const float *h0, const float *c0,
                          const float *p, float *y, float *y_h, float *y_c) {
  rnn_shape s;
  rnn_matrix wm = rnn_float(w, input), rm = rnn_float(r, hidden);
  if (!rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  return lstm_run(&s, direction, clip, x, &wm, &rm, b, h0, c0, p, y, y_h, y_c);
}

mote_status mote_lstm_f32_w8(int32_t seq, int32_t batch, int32_t input,
                         int32_t hidden, int32_t direction, float clip,
                         const float *x, const int8_t *w, const float *w_scale,
                         const int8_t *r, const float *r_scale, const float *b,
                         const float *h0, const float *c0, const float *p,
                         float *y, float *y_h, float *y_c) {
  rnn_shape s;
  rnn_matrix wm = rnn_int8(w, w_scale, input), rm = rnn_int8(r, r_scale, hidden);
  if (!rnn_shape_of(&s, seq, batch, input, hidden, direction))
    return MOTE_ERROR_ARGUMENT;
  return lstm_run(&s, direction, clip, x, &wm, &rm, b, h0, c0, p, y, y_h, y_c);
}
