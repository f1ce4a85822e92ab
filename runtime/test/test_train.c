/*===- test_train.c - Tests of the training kernels ----------------------===*
 *
 * The kernels of mote_train.h against references written here, on
 * pseudo-random shapes and data, built with ASan and UBSan:
 *  - float backward convolutions and fully-connected layers by the adjoint
 *    identities <f(x, w), dy> = <x, df/dx^T dy> = <w, df/dw^T dy> with the
 *    forward kernels of mote_kernels.h (grouped, strided, dilated, padded);
 *  - pooling backward: average pooling by its adjoint, max pooling against
 *    a direct first-maximum search;
 *  - bias and clamp backward, softmax cross-entropy (and a bad label),
 *    SGD, SGD with momentum and Adam against double-precision formulas;
 *  - the INT8 (Octo) kernels: dynamic quantization (range, rounding,
 *    saturation, stochastic rounding's determinism and floor/ceil choice),
 *    int8 convolution forward and backward products against exact int64
 *    sums, channel affine forward and backward.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"
#include "mote/mote_train.h"
#include "mote_test.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static uint32_t seed = 20261202u;
static int32_t rnd(int32_t lo, int32_t hi) { /* in [lo, hi] */
  seed = seed * 1664525u + 1013904223u;
  return lo + (int32_t)((seed >> 8) % (uint32_t)(hi - lo + 1));
}
static float frnd(void) { return (float)rnd(-1000, 1000) / 1000.0f; }

#define N_MAX 4096
static float xa[N_MAX], xb[N_MAX], xc[N_MAX], xd[N_MAX], xe[N_MAX];
static int8_t qa[N_MAX], qb[N_MAX];

static void fill(float *v, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i)
    v[i] = frnd();
}

static double dot(const float *a, const float *b, int32_t n) {
  double s = 0.0;
  int32_t i;
  for (i = 0; i < n; ++i)
    s += (double)a[i] * b[i];
  return s;
}

static int close_to(double a, double b, double tol) {
  return fabs(a - b) <= tol * (1.0 + fabs(a) + fabs(b));
}

/* A random convolution that fits the buffers. */
static mote_conv2d_f32_params random_conv(void) {
  mote_conv2d_f32_params p;
  for (;;) {
    int32_t groups = rnd(1, 3);
    memset(&p, 0, sizeof p);
    p.batch = rnd(1, 2);
    p.groups = groups;
    p.in_channels = groups * rnd(1, 3);
    p.out_channels = groups * rnd(1, 3);
    p.in_h = rnd(2, 7);
    p.in_w = rnd(2, 7);
    p.kernel_h = rnd(1, 3);
    p.kernel_w = rnd(1, 3);
    p.stride_h = rnd(1, 2);
    p.stride_w = rnd(1, 2);
    p.dilation_h = rnd(1, 2);
    p.dilation_w = rnd(1, 2);
    p.pad_top = rnd(0, p.kernel_h - 1);
    p.pad_left = rnd(0, p.kernel_w - 1);
    p.out_h = (p.in_h + 2 * p.pad_top - (p.kernel_h - 1) * p.dilation_h - 1) /
                  p.stride_h + 1;
    p.out_w = (p.in_w + 2 * p.pad_left - (p.kernel_w - 1) * p.dilation_w - 1) /
                  p.stride_w + 1;
    if (p.out_h >= 1 && p.out_w >= 1)
      return p;
  }
}

static int32_t conv_in(const mote_conv2d_f32_params *p) {
  return p->batch * p->in_channels * p->in_h * p->in_w;
}
static int32_t conv_out(const mote_conv2d_f32_params *p) {
  return p->batch * p->out_channels * p->out_h * p->out_w;
}
static int32_t conv_weights(const mote_conv2d_f32_params *p) {
  return p->out_channels * (p->in_channels / p->groups) * p->kernel_h *
         p->kernel_w;
}

static void test_conv_backward(mote_test_counts *t) {
  int trial;
  for (trial = 0; trial < 200; ++trial) {
    mote_conv2d_f32_params p = random_conv();
    int32_t nx = conv_in(&p), ny = conv_out(&p), nw = conv_weights(&p);
    double lhs, rhs_x, rhs_w;
    memset(xc, 0, sizeof xc);
    fill(xa, nx);        /* x */
    fill(xb, nw);        /* w */
    fill(xd, ny);        /* dy */
    memset(xe, 0, sizeof xe);
    MOTE_CHECK(t, mote_conv2d_f32(&p, -FLT_MAX, FLT_MAX, xa, xb, xc + N_MAX / 2,
                                  xc) == MOTE_OK, "forward");
    lhs = dot(xc, xd, ny);
    MOTE_CHECK(t, mote_conv2d_backward_input_f32(&p, xd, xb, xe) == MOTE_OK,
               "backward input");
    rhs_x = dot(xa, xe, nx);
    MOTE_CHECK(t, close_to(lhs, rhs_x, 1e-5), "trial %d: <y,dy> %g <x,dx> %g",
               trial, lhs, rhs_x);
    MOTE_CHECK(t, mote_conv2d_backward_weight_f32(&p, xa, xd, xe) == MOTE_OK,
               "backward weight");
    rhs_w = dot(xb, xe, nw);
    MOTE_CHECK(t, close_to(lhs, rhs_w, 1e-5), "trial %d: <y,dy> %g <w,dw> %g",
               trial, lhs, rhs_w);
  }
}

static void test_fc_backward(mote_test_counts *t) {
  int trial;
  for (trial = 0; trial < 100; ++trial) {
    mote_fully_connected_f32_params p;
    int32_t m, n, k, bad = 0;
    p.batch = rnd(1, 4);
    p.in_features = rnd(1, 20);
    p.out_features = rnd(1, 20);
    fill(xa, p.batch * p.in_features);     /* x */
    fill(xb, p.out_features * p.in_features); /* w */
    fill(xd, p.batch * p.out_features);    /* dy */
    mote_fully_connected_backward_input_f32(&p, xd, xb, xe);
    for (m = 0; m < p.batch; ++m)
      for (k = 0; k < p.in_features; ++k) {
        double s = 0.0;
        for (n = 0; n < p.out_features; ++n)
          s += (double)xd[m * p.out_features + n] * xb[n * p.in_features + k];
        bad += !close_to(s, xe[m * p.in_features + k], 1e-5);
      }
    mote_fully_connected_backward_weight_f32(&p, xa, xd, xe);
    for (n = 0; n < p.out_features; ++n)
      for (k = 0; k < p.in_features; ++k) {
        double s = 0.0;
        for (m = 0; m < p.batch; ++m)
          s += (double)xd[m * p.out_features + n] * xa[m * p.in_features + k];
        bad += !close_to(s, xe[n * p.in_features + k], 1e-5);
      }
    MOTE_CHECK(t, bad == 0, "trial %d: %d wrong gradients", trial, bad);
  }
}

static mote_pool2d_s8_params random_pool(int padded) {
  mote_pool2d_s8_params p;
  memset(&p, 0, sizeof p);
  p.batch = rnd(1, 2);
  p.channels = rnd(1, 3);
  p.in_h = rnd(2, 8);
  p.in_w = rnd(2, 8);
  p.kernel_h = rnd(1, p.in_h < 3 ? p.in_h : 3);
  p.kernel_w = rnd(1, p.in_w < 3 ? p.in_w : 3);
  p.stride_h = rnd(1, 2);
  p.stride_w = rnd(1, 2);
  p.dilation_h = p.dilation_w = 1;
  p.pad_top = padded ? rnd(0, p.kernel_h - 1) : 0;
  p.pad_left = padded ? rnd(0, p.kernel_w - 1) : 0;
  p.count_include_pad = rnd(0, 1);
  p.out_h = (p.in_h + 2 * p.pad_top - p.kernel_h) / p.stride_h + 1;
  p.out_w = (p.in_w + 2 * p.pad_left - p.kernel_w) / p.stride_w + 1;
  p.table_size = 1;
  return p;
}

static void test_pool_backward(mote_test_counts *t) {
  int trial;
  for (trial = 0; trial < 200; ++trial) {
    mote_pool2d_s8_params p = random_pool(trial % 2);
    int32_t nx = p.batch * p.channels * p.in_h * p.in_w;
    int32_t ny = p.batch * p.channels * p.out_h * p.out_w;
    int32_t nc, oy, ox, ky, kx, i, bad = 0;
    double lhs, rhs;
    fill(xa, nx);
    fill(xd, ny);
    /* Average pooling: the backward is the forward's adjoint. */
    mote_avg_pool2d_f32(&p, xa, xc);
    mote_avg_pool2d_backward_f32(&p, xd, xe);
    lhs = dot(xc, xd, ny);
    rhs = dot(xa, xe, nx);
    MOTE_CHECK(t, close_to(lhs, rhs, 1e-5), "avg trial %d: %g vs %g", trial,
               lhs, rhs);
    /* Max pooling: each error to the first maximum of its window. */
    for (i = 0; i < nx; ++i)
      xb[i] = 0.0f;
    for (nc = 0; nc < p.batch * p.channels; ++nc)
      for (oy = 0; oy < p.out_h; ++oy)
        for (ox = 0; ox < p.out_w; ++ox) {
          int32_t best = -1;
          for (ky = 0; ky < p.kernel_h; ++ky)
            for (kx = 0; kx < p.kernel_w; ++kx) {
              int32_t iy = oy * p.stride_h - p.pad_top + ky;
              int32_t ix = ox * p.stride_w - p.pad_left + kx;
              int32_t at = nc * p.in_h * p.in_w + iy * p.in_w + ix;
              if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w)
                continue;
              if (best < 0 || xa[at] > xa[best])
                best = at;
            }
          if (best >= 0)
            xb[best] += xd[(nc * p.out_h + oy) * p.out_w + ox];
        }
    mote_max_pool2d_backward_f32(&p, xd, xa, xe);
    for (i = 0; i < nx; ++i)
      bad += !close_to(xb[i], xe[i], 1e-6);
    MOTE_CHECK(t, bad == 0, "max trial %d: %d wrong", trial, bad);
  }
}

static void test_bias_and_clamp(mote_test_counts *t) {
  int32_t batch = 3, channels = 5, inner = 7, n, c, i, bad = 0;
  int32_t count = batch * channels * inner;
  fill(xd, count);
  mote_bias_backward_f32(batch, channels, inner, xd, xe);
  for (c = 0; c < channels; ++c) {
    double s = 0.0;
    for (n = 0; n < batch; ++n)
      for (i = 0; i < inner; ++i)
        s += xd[(n * channels + c) * inner + i];
    bad += !close_to(s, xe[c], 1e-6);
  }
  MOTE_CHECK(t, bad == 0, "bias backward: %d wrong", bad);
  /* Clamp backward passes the error strictly inside (lo, hi). */
  fill(xa, count);
  xa[0] = 0.0f; /* on the bound: no error, as PyTorch's ReLU */
  mote_clamp_backward_f32(count, 0.0f, 0.5f, xd, xa, xe);
  bad = 0;
  for (i = 0; i < count; ++i)
    bad += xe[i] != (xa[i] > 0.0f && xa[i] < 0.5f ? xd[i] : 0.0f);
  MOTE_CHECK(t, bad == 0, "clamp backward: %d wrong", bad);
}

/* The activations' backward against their derivatives in double (from x),
 * over [-5, 5] including the kinks of the hard ones. */
static void test_activation_backward(mote_test_counts *t) {
  enum { COUNT = 201 };
  static float x[COUNT], y[COUNT], dy[COUNT], dx[COUNT];
  int32_t kind, i, bad;
  for (kind = 0; kind < 7; ++kind) {
    double worst = 0.0;
    for (i = 0; i < COUNT; ++i) {
      double xi = -5.0 + 0.05 * i, v;
      x[i] = (float)xi;
      dy[i] = (float)(0.5 + 0.01 * (i % 7));
      v = kind == 0   ? 1.0 / (1.0 + exp(-xi))
          : kind == 1 ? tanh(xi)
          : kind == 2 ? fmax(0.0, fmin(1.0, 0.25 * xi + 0.5))
                      : xi;
      y[i] = (float)v;
    }
    MOTE_CHECK(t, mote_activation_backward_f32(COUNT, kind, 0.25f, dy, y, dx) ==
                      MOTE_OK, "activation backward %d status", kind);
    bad = 0;
    for (i = 0; i < COUNT; ++i) {
      double xi = x[i], d;
      if (kind == 0)
        d = exp(-xi) / ((1.0 + exp(-xi)) * (1.0 + exp(-xi)));
      else if (kind == 1)
        d = 1.0 - tanh(xi) * tanh(xi);
      else if (kind == 2)
        d = 0.25 * xi + 0.5 > 0.0 && 0.25 * xi + 0.5 < 1.0 ? 0.25 : 0.0;
      else if (kind == 3) /* PyTorch's hardswish_backward: x/3 + 1/2 */
        d = xi < -3.0 ? 0.0 : xi <= 3.0 ? xi / 3.0 + 0.5 : 1.0;
      else if (kind == 4) /* leaky ReLU: alpha at and below 0 */
        d = xi > 0.0 ? 1.0 : 0.25;
      else if (kind == 5) /* GELU */
        d = 0.5 * (1.0 + erf(xi / sqrt(2.0))) +
            xi * exp(-0.5 * xi * xi) / sqrt(2.0 * 3.14159265358979);
      else { /* GELU's tanh form, differentiated */
        double c = sqrt(2.0 / 3.14159265358979),
               th = tanh(c * (xi + 0.044715 * xi * xi * xi));
        d = 0.5 * (1.0 + th) +
            0.5 * xi * (1.0 - th * th) * c * (1.0 + 3.0 * 0.044715 * xi * xi);
      }
      worst = fmax(worst, fabs(dx[i] - dy[i] * d));
      /* Hard sigmoid's edges (y exactly 0 or 1) give no error. */
      bad += kind == 2 && (y[i] <= 0.0f || y[i] >= 1.0f) && dx[i] != 0.0f;
    }
    MOTE_CHECK(t, worst < 2e-6 && bad == 0,
               "activation backward %d: largest error %g, %d at the edges",
               kind, worst, bad);
  }
  MOTE_CHECK(t, mote_activation_backward_f32(COUNT, 7, 0.25f, dy, y, dx) ==
                    MOTE_ERROR_ARGUMENT, "unknown kind refused");
}

static void test_softmax_cross_entropy(mote_test_counts *t) {
  int32_t batch = 4, classes = 6, labels[4] = {0, 5, 2, 3}, bad_labels[4] = {0, 6, 2, 3};
  int32_t n, c, bad = 0;
  float loss = 0.0f, untouched = 123.0f;
  double ref = 0.0;
  fill(xa, batch * classes);
  MOTE_CHECK(t, mote_softmax_cross_entropy_f32(batch, classes, xa, labels, &loss,
                                               xe) == MOTE_OK, "status");
  for (n = 0; n < batch; ++n) {
    double max = -1e30, sum = 0.0;
    for (c = 0; c < classes; ++c)
      max = xa[n * classes + c] > max ? xa[n * classes + c] : max;
    for (c = 0; c < classes; ++c)
      sum += exp(xa[n * classes + c] - max);
    ref += -(xa[n * classes + labels[n]] - max - log(sum)) / batch;
    for (c = 0; c < classes; ++c) {
      double g = (exp(xa[n * classes + c] - max) / sum -
                  (c == labels[n] ? 1.0 : 0.0)) / batch;
      bad += !close_to(g, xe[n * classes + c], 1e-5);
    }
  }
  MOTE_CHECK(t, close_to(ref, loss, 1e-5), "loss %g vs %g", (double)loss, ref);
  MOTE_CHECK(t, bad == 0, "%d wrong gradients", bad);
  xe[0] = untouched;
  loss = untouched;
  MOTE_CHECK(t, mote_softmax_cross_entropy_f32(batch, classes, xa, bad_labels,
                                               &loss, xe) == MOTE_ERROR_ARGUMENT,
             "a label outside the classes is refused");
  MOTE_CHECK(t, loss == untouched && xe[0] == untouched,
             "a refused call writes nothing");
}

static void test_elementwise_loss(mote_test_counts *t) {
  int32_t count = 30, kind, i, bad;
  float loss = 0.0f, untouched = 123.0f;
  /* Logits far beyond exp's range: the loss and its gradient stay finite. */
  const float big[2] = {100.0f, -100.0f}, big_t[2] = {0.0f, 1.0f};
  fill(xa, count); /* output */
  fill(xb, count); /* target */
  xb[3] = xa[3];   /* L1's gradient is 0 where they are equal */
  for (kind = 0; kind < 3; ++kind) {
    double ref = 0.0;
    for (i = 0; i < count; ++i)
      xb[i] = kind == 2 ? (float)(0.5 + 0.5 * sin(i)) : xb[i];
    MOTE_CHECK(t, mote_elementwise_loss_f32(count, kind, xa, xb, &loss, xe) ==
                      MOTE_OK, "kind %d: status", (int)kind);
    bad = 0;
    for (i = 0; i < count; ++i) {
      double x = xa[i], y = xb[i], d = x - y, g;
      if (kind == 0) {
        ref += d * d / count;
        g = 2.0 * d / count;
      } else if (kind == 1) {
        ref += fabs(d) / count;
        g = (d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0) / count;
      } else { /* -(t log s + (1 - t) log(1 - s)), s = sigmoid(x) */
        double s = 1.0 / (1.0 + exp(-x));
        ref += -(y * log(s) + (1.0 - y) * log(1.0 - s)) / count;
        g = (s - y) / count;
      }
      bad += !close_to(g, xe[i], 1e-5);
    }
    MOTE_CHECK(t, close_to(ref, loss, 1e-5), "kind %d: loss %g vs %g",
               (int)kind, (double)loss, ref);
    MOTE_CHECK(t, bad == 0, "kind %d: %d wrong gradients", (int)kind, bad);
  }
  MOTE_CHECK(t, mote_elementwise_loss_f32(2, 2, big, big_t, &loss, xe) ==
                        MOTE_OK &&
                    close_to(100.0, loss, 1e-5) && close_to(0.5, xe[0], 1e-6) &&
                    close_to(-0.5, xe[1], 1e-6),
             "bce of logits +-100: loss %g, gradients %g %g", (double)loss,
             (double)xe[0], (double)xe[1]);
  loss = untouched;
  MOTE_CHECK(t, mote_elementwise_loss_f32(count, 3, xa, xb, &loss, xe) ==
                        MOTE_ERROR_ARGUMENT &&
                    mote_elementwise_loss_f32(0, 0, xa, xb, &loss, xe) ==
                        MOTE_ERROR_ARGUMENT &&
                    loss == untouched,
             "an unknown kind or an empty tensor is refused");
}

static void test_optimizers(mote_test_counts *t) {
  int32_t count = 50, i, step, bad = 0;
  float lr = 0.05f, momentum = 0.9f, decay = 0.01f, beta1 = 0.9f,
        beta2 = 0.999f, eps = 1e-8f, steps = 0.0f;
  double p[50], m[50], v[50];
  fill(xa, count); /* param */
  for (i = 0; i < count; ++i) {
    p[i] = xa[i];
    m[i] = v[i] = 0.0;
    xb[i] = xc[i] = 0.0f; /* moments */
  }
  for (step = 1; step <= 5; ++step) {
    fill(xd, count); /* gradient */
    mote_sgd_momentum_update_f32(count, lr, momentum, decay, xd, xa, xb);
    for (i = 0; i < count; ++i) {
      double g = xd[i] + decay * p[i];
      m[i] = step == 1 ? g : momentum * m[i] + g;
      p[i] -= lr * m[i];
    }
  }
  for (i = 0; i < count; ++i)
    bad += !close_to(p[i], xa[i], 1e-5);
  MOTE_CHECK(t, bad == 0, "SGD with momentum: %d wrong", bad);

  fill(xa, count);
  for (i = 0; i < count; ++i) {
    p[i] = xa[i];
    m[i] = v[i] = 0.0;
    xb[i] = xc[i] = 0.0f;
  }
  for (step = 1; step <= 5; ++step) {
    fill(xd, count);
    mote_adam_update_f32(count, lr, beta1, beta2, eps, decay, 1, xd, xa, xb,
                         xc, &steps);
    for (i = 0; i < count; ++i) {
      double g = xd[i] + decay * p[i];
      double mh, vh;
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      mh = m[i] / (1 - pow(beta1, step));
      vh = v[i] / (1 - pow(beta2, step));
      p[i] -= lr * mh / (sqrt(vh) + eps);
    }
  }
  bad = 0;
  for (i = 0; i < count; ++i)
    bad += !close_to(p[i], xa[i], 1e-4);
  MOTE_CHECK(t, bad == 0 && steps == 5.0f, "Adam: %d wrong, %g steps", bad,
             (double)steps);

  fill(xa, count);
  for (i = 0; i < count; ++i)
    p[i] = xa[i];
  fill(xd, count);
  mote_sgd_update_f32(count, lr, decay, xd, xa);
  bad = 0;
  for (i = 0; i < count; ++i)
    bad += !close_to(p[i] - lr * (xd[i] + decay * p[i]), xa[i], 1e-6);
  MOTE_CHECK(t, bad == 0, "SGD: %d wrong", bad);
}

static void test_dynamic_quantize(mote_test_counts *t) {
  int32_t slices = 3, inner = 40, s, i, bad = 0, rounded_down = 0,
          rounded_up = 0;
  float scale[3], scale2[3], clip = 0.95f;
  int32_t rng = 12345, rng2 = 12345;
  fill(xa, slices * inner);
  for (i = 0; i < inner; ++i)
    xa[2 * inner + i] = 0.0f; /* an all-zero slice: scale 1 */
  mote_dynamic_quantize_s8(slices, inner, clip, 0, xa, qa, scale, NULL);
  for (s = 0; s < slices; ++s) {
    float max = 0.0f;
    for (i = 0; i < inner; ++i)
      max = fabsf(xa[s * inner + i]) > max ? fabsf(xa[s * inner + i]) : max;
    bad += s == 2 ? scale[s] != 1.0f
                  : !close_to(scale[s], clip * max / 127.0f, 1e-6);
    for (i = 0; i < inner; ++i) {
      float x = xa[s * inner + i], limit = clip * max;
      float clipped = x > limit ? limit : (x < -limit ? -limit : x);
      int8_t q = qa[s * inner + i];
      bad += q < -127 || q > 127;
      /* Nearest: within half a step of the clipped value. */
      bad += fabsf((float)q * scale[s] - clipped) > 0.5f * scale[s] * 1.0001f;
    }
  }
  MOTE_CHECK(t, bad == 0, "nearest rounding: %d wrong", bad);
  /* Stochastic rounding picks floor or ceil, and the same seed repeats. */
  mote_dynamic_quantize_s8(slices, inner, clip, 1, xa, qa, scale, &rng);
  mote_dynamic_quantize_s8(slices, inner, clip, 1, xa, qb, scale2, &rng2);
  bad = memcmp(qa, qb, (size_t)(slices * inner)) != 0 || rng != rng2 ||
        rng == 12345;
  for (i = 0; i < 2 * inner; ++i) {
    float v = xa[i] / scale[i / inner];
    v = v > 127.0f ? 127.0f : (v < -127.0f ? -127.0f : v);
    bad += qa[i] != (int8_t)floorf(v) && qa[i] != (int8_t)ceilf(v);
    rounded_down += qa[i] == (int8_t)floorf(v) && floorf(v) != v;
    rounded_up += qa[i] == (int8_t)ceilf(v) && ceilf(v) != v;
  }
  MOTE_CHECK(t, bad == 0 && rounded_down > 0 && rounded_up > 0,
             "stochastic rounding: %d wrong, %d down, %d up", bad,
             rounded_down, rounded_up);
  MOTE_CHECK(t, mote_dynamic_quantize_s8(1, 4, 0.0f, 0, xa, qa, scale, NULL) ==
                    MOTE_ERROR_ARGUMENT, "a clip of 0 is refused");
}

/* int8 convolution products against exact int64 sums. */
static void test_int8_conv(mote_test_counts *t) {
  int trial;
  for (trial = 0; trial < 150; ++trial) {
    mote_conv2d_f32_params p = random_conv();
    int32_t nx = conv_in(&p), ny = conv_out(&p), nw = conv_weights(&p);
    int32_t ipg = p.in_channels / p.groups, opg = p.out_channels / p.groups;
    int32_t n, oc, ic, oy, ox, ky, kx, i, bad = 0;
    float sx = 0.02f, se = 0.003f, sw[16];
    for (i = 0; i < nx; ++i)
      qa[i] = (int8_t)rnd(-127, 127);
    for (i = 0; i < nw; ++i)
      qb[i] = (int8_t)rnd(-127, 127);
    for (oc = 0; oc < p.out_channels; ++oc) {
      sw[oc] = 0.001f * (float)(oc + 1);
      xc[oc] = frnd(); /* bias */
    }
    /* Forward: y = sum(x w) * sx * sw[o] + bias[o]. */
    mote_int8_conv2d_f32(&p, qa, &sx, qb, sw, xc, xe);
    for (i = 0; i < nx; ++i)
      xa[i] = 0.0f;
    for (n = 0; n < p.batch; ++n)
      for (oc = 0; oc < p.out_channels; ++oc)
        for (oy = 0; oy < p.out_h; ++oy)
          for (ox = 0; ox < p.out_w; ++ox) {
            int64_t acc = 0;
            int32_t g = oc / opg;
            for (ic = 0; ic < ipg; ++ic)
              for (ky = 0; ky < p.kernel_h; ++ky)
                for (kx = 0; kx < p.kernel_w; ++kx) {
                  int32_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
                  int32_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
                  if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w)
                    continue;
                  acc += (int64_t)qa[((n * p.in_channels + g * ipg + ic) * p.in_h + iy) * p.in_w + ix] *
                         qb[((oc * ipg + ic) * p.kernel_h + ky) * p.kernel_w + kx];
                }
            bad += !close_to((double)acc * sx * sw[oc] + xc[oc],
                             xe[((n * p.out_channels + oc) * p.out_h + oy) * p.out_w + ox],
                             1e-5);
          }
    MOTE_CHECK(t, bad == 0, "int8 forward trial %d: %d wrong", trial, bad);
    /* Backward products: the float backward kernels on the dequantized
     * values compute the same sums (each product and sum of small integers
     * is exact in float here), scaled. */
    for (i = 0; i < ny; ++i) {
      qa[N_MAX / 2 + i] = (int8_t)rnd(-127, 127); /* int8 error */
      xd[i] = (float)qa[N_MAX / 2 + i];
    }
    for (i = 0; i < nw; ++i)
      xb[i] = (float)qb[i];
    for (i = 0; i < nx; ++i)
      xa[i] = (float)qa[i];
    bad = 0;
    mote_int8_conv2d_backward_weight_f32(&p, qa, &sx, qa + N_MAX / 2, &se, xe);
    mote_conv2d_backward_weight_f32(&p, xa, xd, xc);
    for (i = 0; i < nw; ++i)
      bad += !close_to((double)xc[i] * sx * se, xe[i], 1e-5);
    MOTE_CHECK(t, bad == 0, "int8 backward weight trial %d: %d wrong", trial,
               bad);
    bad = 0;
    mote_int8_conv2d_backward_input_f32(&p, qa + N_MAX / 2, &se, qb, sw, xe);
    mote_conv2d_backward_input_f32(&p, xd, xb, xc);
    for (i = 0; i < nx; ++i)
      bad += !close_to((double)xc[i] * se * sw[0], xe[i], 1e-5);
    MOTE_CHECK(t, bad == 0, "int8 backward input trial %d: %d wrong", trial,
               bad);
  }
}

static void test_channel_affine(mote_test_counts *t) {
  int32_t batch = 2, channels = 3, inner = 5, n, c, i, bad = 0;
  int32_t count = batch * channels * inner;
  float scale[3] = {1.5f, -0.5f, 0.25f}, shift[3] = {0.1f, 0.0f, -0.2f};
  float gs[3], gb[3], lo = -0.6f, hi = 0.6f, l2 = 0.01f;
  fill(xa, count);
  fill(xd, count);
  mote_channel_affine_f32(batch, channels, inner, lo, hi, xa, scale, shift, xb);
  mote_channel_affine_backward_f32(batch, channels, inner, lo, hi, l2, xd, xb,
                                   scale, shift, xe, gs, gb);
  for (c = 0; c < channels; ++c) {
    double rs = l2 * (scale[c] - 1.0), rb = l2 * shift[c];
    for (n = 0; n < batch; ++n)
      for (i = 0; i < inner; ++i) {
        int32_t at = (n * channels + c) * inner + i;
        double y = (double)xa[at] * scale[c] + shift[c];
        int inside = y > lo && y < hi;
        bad += !close_to(y < lo ? lo : (y > hi ? hi : y), xb[at], 1e-6);
        bad += !close_to(inside ? xd[at] * scale[c] : 0.0, xe[at], 1e-6);
        rs += inside ? (double)xd[at] * xa[at] : 0.0;
        rb += inside ? xd[at] : 0.0;
      }
    bad += !close_to(rs, gs[c], 1e-4) + !close_to(rb, gb[c], 1e-5);
  }
  MOTE_CHECK(t, bad == 0, "channel affine: %d wrong", bad);
}

int main(void) {
  mote_test_counts t = {0, 0};
  test_conv_backward(&t);
  test_fc_backward(&t);
  test_pool_backward(&t);
  test_bias_and_clamp(&t);
  test_activation_backward(&t);
  test_softmax_cross_entropy(&t);
  test_elementwise_loss(&t);
  test_optimizers(&t);
  test_dynamic_quantize(&t);
  test_int8_conv(&t);
  test_channel_affine(&t);
  return mote_test_summary(&t);
}
