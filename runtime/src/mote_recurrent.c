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
#include "mote/mote_requant.h"
#include "mote_internal.h"

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

/*--- Integer-only layers ------------------------------------------------===*
 *
 * int8 input x (zero point -input_offset), int8 hidden states and output
 * y (zero point output_offset, one scale for y, y_h and h0), symmetric
 * int8 weights and recurrences. Per gate row k (dirs * G * hidden rows),
 * gates[6k..6k+5] = {input multiplier, input shift, recurrence multiplier,
 * recurrence shift, input bias, recurrence bias}: the multipliers take the
 * int32 dot products to Q3.12 (weight scale x input or state scale x
 * 4096), the biases are Q3.12 already. A gate's pre-activation is their
 * sum, clamped to +-clip (Q3.12, 0 for none) and to Q3.12's range; sigmoid
 * and tanh map it to Q0.15 by the table below; gates multiply in Q0.15
 * (products rounded half up); the new state in Q0.15 is requantized to
 * int8 by output_multiplier / output_shift (1 / (32768 * output scale)).
 * The GRU reads the previous state in Q0.15 through state_multiplier /
 * state_shift (output scale x 32768); the LSTM's cell state is int32 Q0.15
 * in y_c (|c| grows by at most 1 a step, so no overflow for seq < 32768).
 *===----------------------------------------------------------------------===*/

/* tanh(k / 32) * 32768 rounded, k = 0..256: tanh over [0, 8] in Q0.15, by
 * python3 -c "import math; print([round(math.tanh(k/32)*32768)
 * for k in range(257)])". Linear interpolation between entries is within 3
 * units of Q0.15 of tanh. */
static const uint16_t tanh_q15_table[257] = {
    0, 1024, 2045, 3063, 4075, 5079, 6073, 7056, 8025, 8980, 9919, 10840,
    11743, 12625, 13486, 14326, 15143, 15936, 16706, 17452, 18173, 18870, 19542, 20189,
    20813, 21411, 21986, 22538, 23066, 23571, 24054, 24516, 24956, 25376, 25776, 26157,
    26519, 26864, 27191, 27502, 27797, 28076, 28341, 28592, 28830, 29055, 29268, 29470,
    29660, 29840, 30010, 30170, 30322, 30465, 30600, 30727, 30847, 30960, 31067, 31167,
    31262, 31351, 31435, 31515, 31589, 31659, 31726, 31788, 31846, 31901, 31953, 32002,
    32048, 32091, 32132, 32170, 32206, 32240, 32271, 32301, 32329, 32356, 32381, 32404,
    32426, 32447, 32466, 32484, 32501, 32517, 32532, 32547, 32560, 32573, 32584, 32596,
    32606, 32616, 32625, 32634, 32642, 32649, 32657, 32663, 32670, 32676, 32681, 32686,
    32691, 32696, 32700, 32704, 32708, 32712, 32715, 32718, 32721, 32724, 32727, 32729,
    32732, 32734, 32736, 32738, 32740, 32741, 32743, 32745, 32746, 32747, 32749, 32750,
    32751, 32752, 32753, 32754, 32755, 32755, 32756, 32757, 32758, 32758, 32759, 32759,
    32760, 32760, 32761, 32761, 32762, 32762, 32762, 32763, 32763, 32763, 32764, 32764,
    32764, 32764, 32765, 32765, 32765, 32765, 32765, 32766, 32766, 32766, 32766, 32766,
    32766, 32766, 32766, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767,
    32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32768, 32768, 32768,
    32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768,
    32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768,
    32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768,
    32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768,
    32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768, 32768,
    32768, 32768, 32768, 32768, 32768,
};

/* tanh of a Q3.12 value `a` >= 0 scaled by 2^-half (half 0 or 1), Q0.15:
 * entry a * 32 / 4096 >> half, interpolated on the remaining bits. */
static int32_t tanh_q15_abs(int32_t a, int half) {
  const int bits = 7 + half;
  int32_t i = a >> bits, frac = a & ((1 << bits) - 1), lo, hi;
  if (i >= 256)
    return tanh_q15_table[256];
  lo = tanh_q15_table[i];
  hi = tanh_q15_table[i + 1];
  return lo + (((hi - lo) * frac + (1 << (bits - 1))) >> bits);
}

/* tanh and sigmoid (1 + tanh(x / 2)) / 2 of Q3.12 `x` in [-32768, 32767],
 * Q0.15 in [-32768, 32768]. */
static int32_t tanh_q15(int32_t x) {
  return x < 0 ? -tanh_q15_abs(-x, 0) : tanh_q15_abs(x, 0);
}

static int32_t sigmoid_q15(int32_t x) {
  int32_t t = x < 0 ? -tanh_q15_abs(-x, 1) : tanh_q15_abs(x, 1);
  return (32768 + t + 1) >> 1; /* non-negative: the shift is a floor */
}

/* a * b / 2^15 rounded half up (floor division written out: C99 leaves the
 * right shift of a negative value to the implementation). */
static int32_t q15_mul(int32_t a, int32_t b) {
  int64_t p = (int64_t)a * b + 16384;
  return (int32_t)(p >= 0 ? p >> 15 : -((-p + 32767) >> 15));
}

/* The layer's constants and geometry. */
typedef struct {
  rnn_shape s;
  const mote_recurrent_s8_params *p;
  const int8_t *w, *r;
  const int32_t *gates;
} rnn_s8;

/* W x + input bias of gate row `row`, Q3.12 (int64: unsaturated). */
static int64_t rnn_s8_input(const rnn_s8 *l, int64_t row, const int8_t *x) {
  const int8_t *w = l->w + row * l->s.input;
  const int32_t *g = l->gates + 6 * row;
  int32_t acc = 0, i;
  for (i = 0; i < l->s.input; ++i)
    acc += (int32_t)w[i] * ((int32_t)x[i] + l->p->input_offset);
  return (int64_t)mote_requantize(acc, g[0], g[1]) + g[4];
}

/* R h + recurrence bias of gate row `row`, Q3.12, for an int8 state h. */
static int64_t rnn_s8_state(const rnn_s8 *l, int64_t row, const int8_t *h) {
  const int8_t *r = l->r + row * l->s.hidden;
  const int32_t *g = l->gates + 6 * row;
  int32_t acc = 0, i;
  for (i = 0; i < l->s.hidden; ++i)
    acc += (int32_t)r[i] * ((int32_t)h[i] - l->p->output_offset);
  return (int64_t)mote_requantize(acc, g[2], g[3]) + g[5];
}

/* A pre-activation clamped to +-clip and to Q3.12's range. */
static int32_t rnn_s8_gate(const rnn_s8 *l, int64_t v) {
  const int32_t clip = l->p->clip;
  if (clip > 0)
    v = v < -clip ? -clip : (v > clip ? clip : v);
  return (int32_t)(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}

/* A Q0.15 state to the int8 output. */
static int8_t rnn_s8_output(const rnn_s8 *l, int32_t h) {
  return mote_requantize_to_i8(h, l->p->output_multiplier,
                               l->p->output_shift, l->p->output_offset, -128,
                               127);
}

static mote_status rnn_s8_check(rnn_s8 *l, const mote_recurrent_s8_params *p,
                                const int8_t *x, const int8_t *w,
                                const int8_t *r, const int32_t *gates,
                                const int8_t *h0, const int8_t *y,
                                const int8_t *y_h) {
  if (!p || !x || !w || !r || !gates || !h0 || !y || !y_h ||
      !rnn_shape_of(&l->s, p->seq, p->batch, p->input, p->hidden,
                    p->direction) ||
      /* int32 dot products; the LSTM cell state below 2^31 */
      p->input > MOTE_S8_DEPTH_MAX || p->hidden > MOTE_S8_DEPTH_MAX ||
      p->seq > 32767 || p->clip < 0)
    return MOTE_ERROR_ARGUMENT;
  l->p = p, l->w = w, l->r = r, l->gates = gates;
  return MOTE_OK;
}

/* Row of the int8 state [batch, hidden] at time `t` of direction `d`. */
static int8_t *rnn_s8_row(const rnn_s8 *l, int8_t *y, int32_t t, int32_t d) {
  return y + ((int64_t)t * l->s.dirs + d) * l->s.batch * l->s.hidden;
}

/* The previous state (h0's at step 0) and this step's row in y; returns
 * the step's time index. */
static int32_t rnn_s8_step(const rnn_s8 *l, int32_t d, int32_t step,
                           const int8_t *h0, int8_t *y, const int8_t **prev,
                           int8_t **out) {
  const rnn_shape *s = &l->s;
  int32_t t = rnn_time(s, l->p->direction, d, step);
  *prev = step == 0 ? h0 + (int64_t)d * s->batch * s->hidden
                    : rnn_s8_row(l, y,
                                 rnn_time(s, l->p->direction, d, step - 1), d);
  *out = rnn_s8_row(l, y, t, d);
  return t;
}

static void rnn_s8_last_state(const rnn_s8 *l, int8_t *y, int8_t *y_h) {
  int32_t d, i, n = l->s.batch * l->s.hidden;
  for (d = 0; d < l->s.dirs; ++d) {
    const int8_t *h = rnn_s8_row(
        l, y, rnn_time(&l->s, l->p->direction, d, l->s.seq - 1), d);
    for (i = 0; i < n; ++i)
      y_h[(int64_t)d * n + i] = h[i];
  }
}

mote_status mote_rnn_s8(const mote_recurrent_s8_params *p, const int8_t *x,
                        const int8_t *w, const int8_t *r, const int32_t *gates,
                        const int8_t *h0, int8_t *y, int8_t *y_h) {
  rnn_s8 l;
  int32_t d, step, n, j;
  if (rnn_s8_check(&l, p, x, w, r, gates, h0, y, y_h) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  for (d = 0; d < l.s.dirs; ++d) {
    const int64_t rows = (int64_t)d * l.s.hidden;
    for (step = 0; step < l.s.seq; ++step) {
      const int8_t *prev;
      int8_t *out;
      int32_t t = rnn_s8_step(&l, d, step, h0, y, &prev, &out);
      for (n = 0; n < l.s.batch; ++n) {
        const int8_t *xt = x + ((int64_t)t * l.s.batch + n) * l.s.input;
        const int8_t *h = prev + (int64_t)n * l.s.hidden;
        for (j = 0; j < l.s.hidden; ++j)
          out[(int64_t)n * l.s.hidden + j] = rnn_s8_output(
              &l, tanh_q15(rnn_s8_gate(&l, rnn_s8_input(&l, rows + j, xt) +
                                               rnn_s8_state(&l, rows + j, h))));
      }
    }
  }
  rnn_s8_last_state(&l, y, y_h);
  return MOTE_OK;
}

mote_status mote_gru_s8(const mote_recurrent_s8_params *p, const int8_t *x,
                        const int8_t *w, const int8_t *r, const int32_t *gates,
                        const int8_t *h0, int8_t *y, int8_t *y_h) {
  rnn_s8 l;
  int32_t d, step, n, j;
  if (rnn_s8_check(&l, p, x, w, r, gates, h0, y, y_h) != MOTE_OK)
    return MOTE_ERROR_ARGUMENT;
  for (d = 0; d < l.s.dirs; ++d) {
    /* Gates z, r, h (ONNX's order) of direction d. */
    const int32_t H = l.s.hidden;
    const int64_t rows = (int64_t)d * 3 * H;
    for (step = 0; step < l.s.seq; ++step) {
      const int8_t *prev;
      int8_t *out;
      int32_t t = rnn_s8_step(&l, d, step, h0, y, &prev, &out);
      for (n = 0; n < l.s.batch; ++n) {
        const int8_t *xt = x + ((int64_t)t * l.s.batch + n) * l.s.input;
        const int8_t *h = prev + (int64_t)n * H;
        int8_t *gated = y_h + ((int64_t)d * l.s.batch + n) * H;
        if (!p->linear_before_reset) {
          /* The reset-gated state r * h in the state's int8 scale (|r| <=
           * 1 keeps it in range), which every unit's candidate reads. */
          for (j = 0; j < H; ++j) {
            int32_t rg = sigmoid_q15(
                rnn_s8_gate(&l, rnn_s8_input(&l, rows + H + j, xt) +
                                    rnn_s8_state(&l, rows + H + j, h)));
            gated[j] = (int8_t)(q15_mul(rg, h[j] - p->output_offset) +
                                p->output_offset);
          }
        }
        for (j = 0; j < H; ++j) {
          int32_t z = sigmoid_q15(rnn_s8_gate(
              &l, rnn_s8_input(&l, rows + j, xt) + rnn_s8_state(&l, rows + j, h)));
          int64_t candidate = rnn_s8_input(&l, rows + 2 * H + j, xt);
          int32_t hq15 = mote_requantize(h[j] - p->output_offset,
                                         p->state_multiplier, p->state_shift);
          int32_t hn;
          if (p->linear_before_reset) {
            int32_t rg = sigmoid_q15(
                rnn_s8_gate(&l, rnn_s8_input(&l, rows + H + j, xt) +
                                    rnn_s8_state(&l, rows + H + j, h)));
            int64_t hr = rnn_s8_state(&l, rows + 2 * H + j, h);
            hr = hr < INT32_MIN ? INT32_MIN : (hr > INT32_MAX ? INT32_MAX : hr);
            candidate += q15_mul(rg, (int32_t)hr);
          } else {
            candidate += rnn_s8_state(&l, rows + 2 * H + j, gated);
          }
          hn = tanh_q15(rnn_s8_gate(&l, candidate));
          out[(int64_t)n * H + j] = rnn_s8_output(
              &l, q15_mul(32768 - z, hn) + q15_mul(z, hq15));
        }
      }
    }
  }
  rnn_s8_last_state(&l, y, y_h);
  return MOTE_OK;
}

mote_status mote_lstm_s8(const mote_recurrent_s8_params *p, const int8_t *x,
                         const int8_t *w, const int8_t *r, const int32_t *gates,
                         const int8_t *h0, const int32_t *c0, int8_t *y,
                         int8_t *y_h, int32_t *y_c) {
  rnn_s8 l;
  int32_t d, step, n, j, i;
  if (rnn_s8_check(&l, p, x, w, r, gates, h0, y, y_h) != MOTE_OK || !c0 ||
      !y_c)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < l.s.dirs * l.s.batch * l.s.hidden; ++i) {
    if (c0[i] < -(1 << 30) || c0[i] > (1 << 30))
      return MOTE_ERROR_ARGUMENT; /* the cell state must stay in int32 */
    y_c[i] = c0[i];
  }
  for (d = 0; d < l.s.dirs; ++d) {
    /* Gates i, o, f, c (ONNX's order) of direction d. */
    const int32_t H = l.s.hidden;
    const int64_t rows = (int64_t)d * 4 * H;
    for (step = 0; step < l.s.seq; ++step) {
      const int8_t *prev;
      int8_t *out;
      int32_t t = rnn_s8_step(&l, d, step, h0, y, &prev, &out);
      for (n = 0; n < l.s.batch; ++n) {
        const int8_t *xt = x + ((int64_t)t * l.s.batch + n) * l.s.input;
        const int8_t *h = prev + (int64_t)n * H;
        int32_t *c = y_c + ((int64_t)d * l.s.batch + n) * H;
        for (j = 0; j < H; ++j) {
          int32_t g[4], k, cell, c12;
          for (k = 0; k < 4; ++k)
            g[k] = rnn_s8_gate(&l, rnn_s8_input(&l, rows + k * H + j, xt) +
                                       rnn_s8_state(&l, rows + k * H + j, h));
          cell = q15_mul(sigmoid_q15(g[2]), c[j]) +
                 q15_mul(sigmoid_q15(g[0]), tanh_q15(g[3]));
          c[j] = cell;
          /* The cell in Q3.12 (rounded half up), saturated: tanh is 1 to
           * Q0.15's precision beyond 8. */
          {
            int64_t v = (int64_t)cell + 4;
            v = v >= 0 ? v / 8 : -((-v + 7) / 8);
            c12 = (int32_t)(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
          }
          out[(int64_t)n * H + j] =
              rnn_s8_output(&l, q15_mul(sigmoid_q15(g[1]), tanh_q15(c12)));
        }
      }
    }
  }
  rnn_s8_last_state(&l, y, y_h);
  return MOTE_OK;
}
