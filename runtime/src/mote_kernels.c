/*===- mote_kernels.c - Portable C microkernels --------------------------===*
 *
 * Reference-quality generic C; ISA-specific versions live beside this file
 * and must produce bit-identical results.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"
#include "mote/mote_requant.h"

static int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* Output columns are computed in chunks of this many int32 accumulators on
 * the stack, so the innermost loop runs along a row (vectorizable at
 * stride 1) and needs no bounds check. */
#define MOTE_CONV_CHUNK 64

/* The first i in [0, count) whose input column (first + i) * stride + base
 * is >= 0, and one past the last whose column is < width. */
static void valid_range(int32_t first, int32_t count, int32_t stride,
                        int32_t base, int32_t width, int32_t *lo,
                        int32_t *hi) {
  int32_t i = 0, j = count;
  while (i < count && (first + i) * stride + base < 0)
    ++i;
  while (j > i && (first + j - 1) * stride + base >= width)
    --j;
  *lo = i;
  *hi = j;
}

/* Pointwise convolution (1x1, stride 1, no padding): every output pixel
 * reads the same pixel of each input channel, so whole planes are walked
 * contiguously. */
static mote_status conv1x1_s8(const mote_conv2d_s8_params *p,
                              const int8_t *input, const int8_t *weight,
                              const int32_t *bias, const int32_t *multiplier,
                              const int32_t *shift, int8_t *output,
                              int32_t in_per_group, int32_t out_per_group) {
  const int32_t plane = p->in_h * p->in_w;
  int32_t n, oc, ic, p0, i;
  int32_t acc[MOTE_CONV_CHUNK];
  for (n = 0; n < p->batch; ++n)
    for (oc = 0; oc < p->out_channels; ++oc) {
      const int32_t first_ic = (oc / out_per_group) * in_per_group;
      const int8_t *w = weight + (int64_t)oc * in_per_group;
      int8_t *out = output + ((int64_t)n * p->out_channels + oc) * plane;
      for (p0 = 0; p0 < plane; p0 += MOTE_CONV_CHUNK) {
        const int32_t count =
            plane - p0 < MOTE_CONV_CHUNK ? plane - p0 : MOTE_CONV_CHUNK;
        for (i = 0; i < count; ++i)
          acc[i] = bias ? bias[oc] : 0;
        for (ic = 0; ic < in_per_group; ++ic) {
          const int8_t *src = input +
                              ((int64_t)n * p->in_channels + first_ic + ic) * plane + p0;
          const int32_t wv = w[ic];
          for (i = 0; i < count; ++i)
            acc[i] += ((int32_t)src[i] + p->input_offset) * wv;
        }
        for (i = 0; i < count; ++i)
          out[p0 + i] = mote_requantize_to_i8(acc[i], multiplier[oc], shift[oc],
                                              p->output_offset, p->act_min,
                                              p->act_max);
      }
    }
  return MOTE_OK;
}

/* The first output index in [0, count) whose window starts at or after 0,
 * and one past the last whose window of `span` taps ends before `size`. */
static void interior_range(int32_t count, int32_t stride, int32_t pad,
                           int32_t span, int32_t size, int32_t *lo,
                           int32_t *hi) {
  int32_t i = 0, j = count;
  while (i < count && i * stride - pad < 0)
    ++i;
  while (j > i && (j - 1) * stride - pad + span >= size)
    --j;
  *lo = i;
  *hi = j;
}

/* Depthwise convolution (one input channel per output channel): each
 * output is a small dot product over its window. Interior outputs, whose
 * windows lie inside the image, add raw int8 products to a bias that
 * already holds input_offset * sum(weights); 3x3 windows of unit dilation
 * are unrolled with the nine weights in registers. Border outputs add the
 * offset inputs of their in-image taps. Integer sums are exact, so the
 * result equals the general loop's. */
static mote_status depthwise_s8(const mote_conv2d_s8_params *p,
                                const int8_t *input, const int8_t *weight,
                                const int32_t *bias, const int32_t *multiplier,
                                const int32_t *shift, int8_t *output) {
  const mote_conv2d_s8_params k = *p;
  const int32_t in_h = k.in_h, in_w = k.in_w, out_h = k.out_h;
  const int32_t out_w = k.out_w, kh = k.kernel_h, kw = k.kernel_w;
  const int32_t sh = k.stride_h, sw = k.stride_w;
  const int32_t dh = k.dilation_h, dw = k.dilation_w;
  const int32_t pad_top = k.pad_top, pad_left = k.pad_left;
  const int32_t input_offset = k.input_offset;
  const ptrdiff_t plane = (ptrdiff_t)in_h * in_w;
  int32_t oy_lo, oy_hi, ox_lo, ox_hi, n, c, oy, ox, ky, kx;
  interior_range(out_h, sh, pad_top, (kh - 1) * dh, in_h, &oy_lo, &oy_hi);
  interior_range(out_w, sw, pad_left, (kw - 1) * dw, in_w, &ox_lo, &ox_hi);
  for (n = 0; n < p->batch; ++n)
    for (c = 0; c < p->out_channels; ++c) {
      const int8_t *in = input + ((ptrdiff_t)n * p->in_channels + c) * plane;
      const int8_t *w = weight + (ptrdiff_t)c * kh * kw;
      int8_t *out = output + ((ptrdiff_t)n * p->out_channels + c) * out_h * out_w;
      const int32_t b = bias ? bias[c] : 0;
      const mote_requant_channel rq =
          mote_requant_prepare(multiplier[c], shift[c]);
      int32_t wsum = 0, folded;
      for (ky = 0; ky < kh * kw; ++ky)
        wsum += w[ky];
      folded = b + input_offset * wsum;
      for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * sh - pad_top;
        const int inside_y = oy >= oy_lo && oy < oy_hi;
        int8_t *row_out = out + (ptrdiff_t)oy * out_w;
        for (ox = 0; ox < out_w; ++ox) {
          const int32_t ix0 = ox * sw - pad_left;
          int32_t acc;
          if (inside_y && ox == ox_lo && ox_lo < ox_hi && kh == 3 &&
              kw == 3 && dh == 1 && dw == 1) {
            /* The interior of this row, with the nine weights in locals
             * (the int8 stores below may alias them in memory). */
            const int32_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
            const int32_t w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7];
            const int32_t w8 = w[8];
            const int8_t *x = in + (ptrdiff_t)iy0 * in_w + ix0;
            for (; ox < ox_hi; ++ox, x += sw) {
              const int8_t *x1 = x + in_w, *x2 = x1 + in_w;
              acc = folded + x[0] * w0 + x[1] * w1 + x[2] * w2 + x1[0] * w3 +
                    x1[1] * w4 + x1[2] * w5 + x2[0] * w6 + x2[1] * w7 +
                    x2[2] * w8;
              row_out[ox] = mote_clamp_to_i8(mote_requantize_prepared(acc, &rq),
                                             k.output_offset, k.act_min, k.act_max);
            }
            --ox;
            continue;
          }
          if (inside_y && ox >= ox_lo && ox < ox_hi) {
            const int8_t *x = in + (ptrdiff_t)iy0 * in_w + ix0;
            acc = folded;
            for (ky = 0; ky < kh; ++ky)
              for (kx = 0; kx < kw; ++kx)
                acc += x[(ptrdiff_t)ky * dh * in_w + kx * dw] * w[ky * kw + kx];
          } else {
            acc = b;
            for (ky = 0; ky < kh; ++ky) {
              const int32_t iy = iy0 + ky * dh;
              if (iy < 0 || iy >= in_h)
                continue;
              for (kx = 0; kx < kw; ++kx) {
                const int32_t ix = ix0 + kx * dw;
                if (ix >= 0 && ix < in_w)
                  acc += (in[(ptrdiff_t)iy * in_w + ix] + input_offset) *
                         w[ky * kw + kx];
              }
            }
          }
          row_out[ox] = mote_clamp_to_i8(mote_requantize_prepared(acc, &rq),
                                         k.output_offset, k.act_min, k.act_max);
        }
      }
    }
  return MOTE_OK;
}

mote_status mote_conv2d_s8(const mote_conv2d_s8_params *p, const int8_t *input,
                           const int8_t *weight, const int32_t *bias,
                           const int32_t *multiplier, const int32_t *shift,
                           int8_t *output) {
  int32_t n, oc, oy, ox0, ic, ky, kx, i;
  int32_t in_per_group, out_per_group;
  int32_t acc[MOTE_CONV_CHUNK];
  if (!p || !input || !weight || !multiplier || !shift || !output ||
      p->groups < 1 || p->in_channels % p->groups || p->out_channels % p->groups)
    return MOTE_ERROR_ARGUMENT;
  in_per_group = p->in_channels / p->groups;
  out_per_group = p->out_channels / p->groups;
  if (p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 &&
      p->stride_w == 1 && p->pad_top == 0 && p->pad_left == 0 &&
      p->out_h == p->in_h && p->out_w == p->in_w)
    return conv1x1_s8(p, input, weight, bias, multiplier, shift, output,
                      in_per_group, out_per_group);
  if (in_per_group == 1 && out_per_group == 1)
    return depthwise_s8(p, input, weight, bias, multiplier, shift, output);
  {
    /* Locals, not p->: stores to acc and output may alias the parameters,
     * which would make the compiler reload them in the inner loops. */
    const mote_conv2d_s8_params k = *p;
    const int32_t in_h = k.in_h, in_w = k.in_w, out_h = k.out_h;
    const int32_t out_w = k.out_w, kh = k.kernel_h, kw = k.kernel_w;
    const int32_t sh = k.stride_h, sw = k.stride_w;
    const int32_t dh = k.dilation_h, dw = k.dilation_w;
    const int32_t pad_top = k.pad_top, pad_left = k.pad_left;
    const int32_t input_offset = k.input_offset;
    const ptrdiff_t plane = (ptrdiff_t)in_h * in_w;
    for (n = 0; n < p->batch; ++n) {
      for (oc = 0; oc < p->out_channels; ++oc) {
        const int32_t first_ic = (oc / out_per_group) * in_per_group;
        const int8_t *w_oc = weight + (ptrdiff_t)oc * in_per_group * kh * kw;
        int8_t *out_oc =
            output + ((ptrdiff_t)n * p->out_channels + oc) * out_h * out_w;
        const int32_t b = bias ? bias[oc] : 0;
        const mote_requant_channel rq =
            mote_requant_prepare(multiplier[oc], shift[oc]);
        for (oy = 0; oy < out_h; ++oy) {
          const int32_t iy0 = oy * sh - pad_top;
          for (ox0 = 0; ox0 < out_w; ox0 += MOTE_CONV_CHUNK) {
            const int32_t count =
                out_w - ox0 < MOTE_CONV_CHUNK ? out_w - ox0 : MOTE_CONV_CHUNK;
            for (i = 0; i < count; ++i)
              acc[i] = b;
            for (ic = 0; ic < in_per_group; ++ic) {
              const int8_t *in_c =
                  input + ((ptrdiff_t)n * p->in_channels + first_ic + ic) * plane;
              const int8_t *w_c = w_oc + (ptrdiff_t)ic * kh * kw;
              for (ky = 0; ky < kh; ++ky) {
                const int32_t iy = iy0 + ky * dh;
                const int8_t *row;
                if (iy < 0 || iy >= in_h)
                  continue;
                row = in_c + (ptrdiff_t)iy * in_w;
                for (kx = 0; kx < kw; ++kx) {
                  const int32_t w = w_c[ky * kw + kx];
                  const int32_t base = kx * dw - pad_left;
                  int32_t lo, hi;
                  valid_range(ox0, count, sw, base, in_w, &lo, &hi);
                  if (lo >= hi)
                    continue;
                  if (sw == 1) {
                    /* Columns ox0 + lo + base ... are all inside the row. */
                    const int8_t *src = row + ox0 + lo + base;
                    int32_t *a = acc + lo;
                    for (i = 0; i < hi - lo; ++i)
                      a[i] += ((int32_t)src[i] + input_offset) * w;
                  } else {
                    const int8_t *src = row + (ptrdiff_t)ox0 * sw + base;
                    for (i = lo; i < hi; ++i)
                      acc[i] += ((int32_t)src[(ptrdiff_t)i * sw] + input_offset) * w;
                  }
                }
              }
            }
            for (i = 0; i < count; ++i)
              out_oc[oy * out_w + ox0 + i] =
                  mote_clamp_to_i8(mote_requantize_prepared(acc[i], &rq),
                                   k.output_offset, k.act_min, k.act_max);
          }
        }
      }
    }
  }
  return MOTE_OK;
}

mote_status mote_fully_connected_s8(const mote_fully_connected_s8_params *p,
                                    const int8_t *input, const int8_t *weight,
                                    const int32_t *bias,
                                    const int32_t *multiplier,
                                    const int32_t *shift, int8_t *output) {
  int32_t m, n, k;
  if (!p || !input || !weight || !multiplier || !shift || !output)
    return MOTE_ERROR_ARGUMENT;
  for (m = 0; m < p->batch; ++m) {
    const int8_t *row = input + (int64_t)m * p->in_features;
    for (n = 0; n < p->out_features; ++n) {
      const int8_t *w = weight + (int64_t)n * p->in_features;
      int32_t acc = bias ? bias[n] : 0;
      for (k = 0; k < p->in_features; ++k)
        acc += ((int32_t)row[k] + p->input_offset) * (int32_t)w[k];
      output[(int64_t)m * p->out_features + n] = mote_requantize_to_i8(
          acc, multiplier[n], shift[n], p->output_offset, p->act_min, p->act_max);
    }
  }
  return MOTE_OK;
}

enum { MOTE_BINARY_ADD, MOTE_BINARY_SUB, MOTE_BINARY_MUL };

/* Forces inlining where the compiler supports it, so that each binary op
 * gets its own loop with the arithmetic in line. */
#if defined(__GNUC__)
#define MOTE_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define MOTE_ALWAYS_INLINE inline
#endif

/* The three requantizations of a binary op, prepared once per call. */
typedef struct {
  mote_requant_channel lhs, rhs, out;
} binary_channels;

static MOTE_ALWAYS_INLINE int32_t binary_one(const mote_binary_s8_params *p,
                                             const binary_channels *q, int op,
                                             int32_t a, int32_t b) {
  int32_t sa, sb;
  if (op == MOTE_BINARY_MUL)
    return mote_requantize_prepared((a + p->lhs_offset) * (b + p->rhs_offset),
                                    &q->out);
  sa = mote_requantize_prepared((a + p->lhs_offset) * (1 << p->left_shift),
                                &q->lhs);
  sb = mote_requantize_prepared((b + p->rhs_offset) * (1 << p->left_shift),
                                &q->rhs);
  return mote_requantize_prepared(op == MOTE_BINARY_ADD ? sa + sb : sa - sb,
                                  &q->out);
}

static MOTE_ALWAYS_INLINE mote_status binary_s8(const mote_binary_s8_params *p,
                                                const int8_t *lhs,
                                                const int8_t *rhs,
                                                int8_t *output, int op) {
  int32_t i0, i1, i2, i3;
  binary_channels q;
  mote_binary_s8_params k;
  if (!p || !lhs || !rhs || !output || p->left_shift < 0 || p->left_shift > 20)
    return MOTE_ERROR_ARGUMENT;
  /* A local copy: the int8 stores below may alias *p. */
  k = *p;
  q.lhs = mote_requant_prepare(k.lhs_multiplier, k.lhs_shift);
  q.rhs = mote_requant_prepare(k.rhs_multiplier, k.rhs_shift);
  q.out = mote_requant_prepare(k.output_multiplier, k.output_shift);
  for (i0 = 0; i0 < k.dim0; ++i0)
    for (i1 = 0; i1 < k.dim1; ++i1)
      for (i2 = 0; i2 < k.dim2; ++i2) {
        const int8_t *l = lhs + (int64_t)i0 * k.lhs_stride0 +
                          (int64_t)i1 * k.lhs_stride1 +
                          (int64_t)i2 * k.lhs_stride2;
        const int8_t *r = rhs + (int64_t)i0 * k.rhs_stride0 +
                          (int64_t)i1 * k.rhs_stride1 +
                          (int64_t)i2 * k.rhs_stride2;
        if (k.lhs_stride3 == 1 && k.rhs_stride3 == 1) {
          /* Both rows contiguous: the common, non-broadcast case. */
          for (i3 = 0; i3 < k.dim3; ++i3)
            output[i3] = mote_clamp_to_i8(binary_one(&k, &q, op, l[i3], r[i3]),
                                          k.output_offset, k.act_min,
                                          k.act_max);
        } else {
          for (i3 = 0; i3 < k.dim3; ++i3)
            output[i3] = mote_clamp_to_i8(
                binary_one(&k, &q, op, l[(int64_t)i3 * k.lhs_stride3],
                           r[(int64_t)i3 * k.rhs_stride3]),
                k.output_offset, k.act_min, k.act_max);
        }
        output += k.dim3;
      }
  return MOTE_OK;
}

mote_status mote_add_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output) {
  return binary_s8(p, lhs, rhs, output, MOTE_BINARY_ADD);
}

mote_status mote_sub_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output) {
  return binary_s8(p, lhs, rhs, output, MOTE_BINARY_SUB);
}

mote_status mote_mul_s8(const mote_binary_s8_params *p, const int8_t *lhs,
                        const int8_t *rhs, int8_t *output) {
  return binary_s8(p, lhs, rhs, output, MOTE_BINARY_MUL);
}

/* Reduces the window of output (oy, ox) of one channel plane: the sum of
 * (x + input_offset) and the maximum of x over the in-bounds positions, and
 * their count. */
static void pool_window(const mote_pool2d_s8_params *p, const int8_t *in,
                        int32_t oy, int32_t ox, int32_t *sum, int32_t *max,
                        int32_t *count) {
  int32_t ky, kx;
  *sum = 0;
  *max = -128;
  *count = 0;
  for (ky = 0; ky < p->kernel_h; ++ky) {
    int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
    if (iy < 0 || iy >= p->in_h)
      continue;
    for (kx = 0; kx < p->kernel_w; ++kx) {
      int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
      int32_t v;
      if (ix < 0 || ix >= p->in_w)
        continue;
      v = in[iy * p->in_w + ix];
      *sum += v + p->input_offset;
      *max = v > *max ? v : *max;
      ++*count;
    }
  }
}

/* Pools every window; `multiplier` null selects max pooling. */
static mote_status pool2d_s8(const mote_pool2d_s8_params *p,
                             const int8_t *input, const int32_t *multiplier,
                             const int32_t *shift, int8_t *output) {
  int32_t n, c, oy, ox;
  if (!p || !input || !output || (multiplier && (!shift || p->table_size < 1)))
    return MOTE_ERROR_ARGUMENT;
  for (n = 0; n < p->batch; ++n)
    for (c = 0; c < p->channels; ++c) {
      const int8_t *in = input + ((int64_t)n * p->channels + c) * p->in_h * p->in_w;
      int8_t *out = output + ((int64_t)n * p->channels + c) * p->out_h * p->out_w;
      for (oy = 0; oy < p->out_h; ++oy)
        for (ox = 0; ox < p->out_w; ++ox) {
          int32_t sum, max, count, index;
          pool_window(p, in, oy, ox, &sum, &max, &count);
          if (!multiplier) {
            out[oy * p->out_w + ox] = (int8_t)clamp_i32(max, p->act_min, p->act_max);
            continue;
          }
          if (p->count_include_pad)
            count = p->kernel_h * p->kernel_w;
          index = p->table_size == 1 ? 0 : count;
          if (index >= p->table_size)
            return MOTE_ERROR_ARGUMENT;
          out[oy * p->out_w + ox] = mote_requantize_to_i8(
              sum, multiplier[index], shift[index], p->output_offset, p->act_min,
              p->act_max);
        }
    }
  return MOTE_OK;
}

mote_status mote_avg_pool2d_s8(const mote_pool2d_s8_params *p,
                               const int8_t *input, const int32_t *multiplier,
                               const int32_t *shift, int8_t *output) {
  if (!multiplier)
    return MOTE_ERROR_ARGUMENT;
  return pool2d_s8(p, input, multiplier, shift, output);
}

mote_status mote_max_pool2d_s8(const mote_pool2d_s8_params *p,
                               const int8_t *input, int8_t *output) {
  return pool2d_s8(p, input, NULL, NULL, output);
}

mote_status mote_requantize_s8(int32_t count, int32_t input_offset,
                               int32_t multiplier, int32_t shift,
                               int32_t output_offset, int32_t act_min,
                               int32_t act_max, const int8_t *input,
                               int8_t *output) {
  int32_t i;
  if (!input || !output || count < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    output[i] = mote_requantize_to_i8((int32_t)input[i] + input_offset, multiplier,
                                      shift, output_offset, act_min, act_max);
  return MOTE_OK;
}

/* Rounds to the nearest integer, ties to even, saturating to +-2^30. */
static int32_t round_half_even(float x) {
  int32_t t;
  float frac;
  if (!(x == x))
    return 0; /* NaN */
  if (x > 1073741824.0f)
    return 1073741824;
  if (x < -1073741824.0f)
    return -1073741824;
  t = (int32_t)x; /* truncates toward zero */
  frac = x - (float)t;
  if (frac > 0.5f || (frac == 0.5f && (t & 1)))
    ++t;
  else if (frac < -0.5f || (frac == -0.5f && (t & 1)))
    --t;
  return t;
}

mote_status mote_lut_s8(int32_t count, const int8_t *table,
                        const int8_t *input, int8_t *output) {
  int32_t i;
  if (!table || !input || !output || count < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    output[i] = table[(int32_t)input[i] + 128];
  return MOTE_OK;
}

mote_status mote_quantize_f32_s8(int32_t count, float scale,
                                 int32_t zero_point, int32_t qmin,
                                 int32_t qmax, const float *input,
                                 int8_t *output) {
  int32_t i;
  if (!input || !output || count < 0 || !(scale > 0.0f))
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    output[i] = (int8_t)clamp_i32(round_half_even(input[i] / scale) + zero_point,
                                  qmin, qmax);
  return MOTE_OK;
}

mote_status mote_dequantize_s8_f32(int32_t count, float scale,
                                   int32_t zero_point, const int8_t *input,
                                   float *output) {
  int32_t i;
  if (!input || !output || count < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    output[i] = (float)((int32_t)input[i] - zero_point) * scale;
  return MOTE_OK;
}

mote_status mote_quantize_f32_u8(int32_t count, float scale,
                                 int32_t zero_point, const float *input,
                                 void *output) {
  int32_t i;
  if (!input || !output || count < 0 || !(scale > 0.0f))
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    ((uint8_t *)output)[i] = (uint8_t)clamp_i32(
        round_half_even(input[i] / scale) + zero_point, 0, 255);
  return MOTE_OK;
}

mote_status mote_dequantize_u8_f32(int32_t count, float scale,
                                   int32_t zero_point, const void *input,
                                   float *output) {
  int32_t i;
  if (!input || !output || count < 0)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i)
    output[i] = (float)((int32_t)((const uint8_t *)input)[i] - zero_point) * scale;
  return MOTE_OK;
}

float mote_expf(float x) {
  /* exp(x) = 2^k * exp(r), r = x - k ln2 in [-ln2/2, ln2/2]; exp(r) by a
   * degree-6 Taylor polynomial (error < 2e-8 relative on that range). */
  const float ln2_hi = 0.693145751953125f, ln2_lo = 1.428606765330187e-06f;
  union {
    float f;
    uint32_t u;
  } scale;
  float r, p, kf;
  int32_t k;
  if (x > 88.72f)
    return 3.4028235e38f;
  if (x < -87.33f)
    return 0.0f;
  kf = x * 1.44269504088896341f;
  k = (int32_t)(kf + (kf >= 0.0f ? 0.5f : -0.5f));
  r = (x - (float)k * ln2_hi) - (float)k * ln2_lo;
  p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6.0f + r * (1.0f / 24.0f +
      r * (1.0f / 120.0f + r * (1.0f / 720.0f))))));
  scale.u = (uint32_t)(k + 127) << 23;
  return p * scale.f;
}

mote_status mote_softmax_f32(int32_t outer, int32_t inner, const float *input,
                             float *output) {
  int32_t i, j;
  if (!input || !output || outer < 0 || inner < 1)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < outer; ++i) {
    const float *in = input + (int64_t)i * inner;
    float *out = output + (int64_t)i * inner;
    float max = in[0], sum = 0.0f;
    for (j = 1; j < inner; ++j)
      if (in[j] > max)
        max = in[j];
    for (j = 0; j < inner; ++j) {
      out[j] = mote_expf(in[j] - max);
      sum += out[j];
    }
    for (j = 0; j < inner; ++j)
      out[j] /= sum;
  }
  return MOTE_OK;
}

mote_status mote_softmax_axis_f32(int32_t outer, int32_t n, int32_t inner,
                                  const float *input, float *output) {
  int32_t o, i, j;
  if (!input || !output || outer < 0 || n < 1 || inner < 1)
    return MOTE_ERROR_ARGUMENT;
  for (o = 0; o < outer; ++o)
    for (i = 0; i < inner; ++i) {
      const float *in = input + (int64_t)o * n * inner + i;
      float *out = output + (int64_t)o * n * inner + i;
      float max = in[0], sum = 0.0f;
      for (j = 1; j < n; ++j)
        if (in[(int64_t)j * inner] > max)
          max = in[(int64_t)j * inner];
      for (j = 0; j < n; ++j) {
        out[(int64_t)j * inner] = mote_expf(in[(int64_t)j * inner] - max);
        sum += out[(int64_t)j * inner];
      }
      for (j = 0; j < n; ++j)
        out[(int64_t)j * inner] /= sum;
    }
  return MOTE_OK;
}

mote_status mote_matmul_f32(const mote_matmul_params *p, const float *a,
                            const float *b, float *output) {
  int32_t i0, i1, i2, i3, r, c, t;
  if (!p || !a || !b || !output || p->m < 1 || p->k < 1 || p->n < 1)
    return MOTE_ERROR_ARGUMENT;
  for (i0 = 0; i0 < p->dim0; ++i0)
    for (i1 = 0; i1 < p->dim1; ++i1)
      for (i2 = 0; i2 < p->dim2; ++i2)
        for (i3 = 0; i3 < p->dim3; ++i3) {
          int64_t ai = (int64_t)i0 * p->lhs_stride0 + (int64_t)i1 * p->lhs_stride1 +
                       (int64_t)i2 * p->lhs_stride2 + (int64_t)i3 * p->lhs_stride3;
          int64_t bi = (int64_t)i0 * p->rhs_stride0 + (int64_t)i1 * p->rhs_stride1 +
                       (int64_t)i2 * p->rhs_stride2 + (int64_t)i3 * p->rhs_stride3;
          int64_t yi = (((int64_t)i0 * p->dim1 + i1) * p->dim2 + i2) * p->dim3 + i3;
          const float *x = a + ai * p->m * p->k;
          const float *w = b + bi * p->k * p->n;
          float *y = output + yi * p->m * p->n;
          for (r = 0; r < p->m; ++r)
            for (c = 0; c < p->n; ++c) {
              float acc = 0.0f;
              for (t = 0; t < p->k; ++t)
                acc += x[(int64_t)r * p->k + t] * w[(int64_t)t * p->n + c];
              y[(int64_t)r * p->n + c] = acc;
            }
        }
  return MOTE_OK;
}

mote_status mote_slice(int32_t element_bytes, int32_t rank,
                       const int32_t *dims, const int32_t *starts,
                       const int32_t *steps, const int32_t *out_dims,
                       const void *input, void *output) {
  int64_t in_strides[6], index[6] = {0, 0, 0, 0, 0, 0}, total = 1, i;
  const unsigned char *in = (const unsigned char *)input;
  unsigned char *out = (unsigned char *)output;
  int32_t d;
  if (!dims || !starts || !steps || !out_dims || !input || !output ||
      rank < 1 || rank > 6 || element_bytes < 1)
    return MOTE_ERROR_ARGUMENT;
  for (d = rank - 1; d >= 0; --d) {
    in_strides[d] = d == rank - 1 ? 1 : in_strides[d + 1] * dims[d + 1];
    total *= out_dims[d];
  }
  for (i = 0; i < total; ++i) {
    int64_t offset = 0;
    for (d = 0; d < rank; ++d)
      offset += (starts[d] + index[d] * steps[d]) * in_strides[d];
    for (d = 0; d < element_bytes; ++d)
      out[i * element_bytes + d] = in[offset * element_bytes + d];
    for (d = rank - 1; d >= 0; --d) {
      if (++index[d] < out_dims[d])
        break;
      index[d] = 0;
    }
  }
  return MOTE_OK;
}

mote_status mote_transpose(int32_t element_bytes, int32_t rank,
                           const int32_t *dims, const int32_t *perm,
                           const void *input, void *output) {
  int64_t in_strides[6], out_index[6] = {0, 0, 0, 0, 0, 0};
  int64_t count = 1, o, stride = 1;
  int32_t d, b;
  const uint8_t *in = (const uint8_t *)input;
  uint8_t *out = (uint8_t *)output;
  if (!dims || !perm || !input || !output || rank < 1 || rank > 6 ||
      element_bytes < 1)
    return MOTE_ERROR_ARGUMENT;
  for (d = rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= dims[d];
  }
  for (d = 0; d < rank; ++d) {
    if (perm[d] < 0 || perm[d] >= rank)
      return MOTE_ERROR_ARGUMENT;
    count *= dims[perm[d]];
  }
  for (o = 0; o < count; ++o) {
    int64_t src = 0;
    for (d = 0; d < rank; ++d)
      src += out_index[d] * in_strides[perm[d]];
    for (b = 0; b < element_bytes; ++b)
      out[o * element_bytes + b] = in[src * element_bytes + b];
    for (d = rank - 1; d >= 0; --d) {
      if (++out_index[d] < dims[perm[d]])
        break;
      out_index[d] = 0;
    }
  }
  return MOTE_OK;
}

static void copy_bytes(uint8_t *to, const uint8_t *from, int64_t bytes) {
  int64_t i;
  for (i = 0; i < bytes; ++i)
    to[i] = from[i];
}

mote_status mote_concat_part(int32_t element_bytes, int32_t outer,
                             int32_t inner, int32_t offset, int32_t total,
                             const void *input, void *output) {
  const uint8_t *in = (const uint8_t *)input;
  uint8_t *out = (uint8_t *)output;
  int32_t o;
  if (!input || !output || element_bytes < 1 || outer < 0 || inner < 0 ||
      offset < 0 || offset + inner > total)
    return MOTE_ERROR_ARGUMENT;
  for (o = 0; o < outer; ++o)
    copy_bytes(out + ((int64_t)o * total + offset) * element_bytes,
               in + (int64_t)o * inner * element_bytes,
               (int64_t)inner * element_bytes);
  return MOTE_OK;
}

mote_status mote_pad(int32_t element_bytes, int32_t rank, int32_t mode,
                     const int32_t *dims, const int32_t *pads,
                     const void *value, const void *input, void *output) {
  const uint8_t *in = (const uint8_t *)input;
  uint8_t *out = (uint8_t *)output;
  int32_t out_dims[6], index[6] = {0, 0, 0, 0, 0, 0}, d;
  int64_t count = 1, o;
  if (!dims || !pads || !input || !output || rank < 1 || rank > 6 ||
      element_bytes < 1 || mode < MOTE_PAD_CONSTANT || mode > MOTE_PAD_EDGE ||
      (mode == MOTE_PAD_CONSTANT && !value))
    return MOTE_ERROR_ARGUMENT;
  for (d = 0; d < rank; ++d) {
    if (dims[d] < 1 || pads[d] < 0 || pads[d + rank] < 0 ||
        (mode == MOTE_PAD_REFLECT && (pads[d] >= dims[d] || pads[d + rank] >= dims[d])))
      return MOTE_ERROR_ARGUMENT;
    out_dims[d] = dims[d] + pads[d] + pads[d + rank];
    count *= out_dims[d];
  }
  for (o = 0; o < count; ++o) {
    int64_t src = 0;
    int inside = 1;
    for (d = 0; d < rank; ++d) {
      int32_t i = index[d] - pads[d];
      if (i < 0 || i >= dims[d]) {
        if (mode == MOTE_PAD_CONSTANT)
          inside = 0;
        else if (mode == MOTE_PAD_EDGE)
          i = i < 0 ? 0 : dims[d] - 1;
        else
          i = i < 0 ? -i : 2 * (dims[d] - 1) - i;
      }
      src = src * dims[d] + i;
    }
    copy_bytes(out + o * element_bytes,
               inside ? in + src * element_bytes : (const uint8_t *)value,
               element_bytes);
    for (d = rank - 1; d >= 0; --d) {
      if (++index[d] < out_dims[d])
        break;
      index[d] = 0;
    }
  }
  return MOTE_OK;
}

mote_status mote_copy(int32_t bytes, const void *input, void *output) {
  if (!input || !output || bytes < 0)
    return MOTE_ERROR_ARGUMENT;
  copy_bytes((uint8_t *)output, (const uint8_t *)input, bytes);
  return MOTE_OK;
}

/*===- Float kernels -----------------------------------------------------===*/

static float clamp_f32(float v, float lo, float hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

mote_status mote_conv2d_f32(const mote_conv2d_f32_params *p, float act_min,
                            float act_max, const float *input,
                            const float *weight, const float *bias,
                            float *output) {
  int32_t n, oc, oy, ox0, ic, ky, kx, i;
  int32_t in_per_group, out_per_group;
  float acc[MOTE_CONV_CHUNK];
  if (!p || !input || !weight || !output || p->groups < 1 ||
      p->in_channels % p->groups || p->out_channels % p->groups)
    return MOTE_ERROR_ARGUMENT;
  in_per_group = p->in_channels / p->groups;
  out_per_group = p->out_channels / p->groups;
  for (n = 0; n < p->batch; ++n)
    for (oc = 0; oc < p->out_channels; ++oc) {
      const int32_t first_ic = (oc / out_per_group) * in_per_group;
      const float *w_oc = weight + (int64_t)oc * in_per_group * p->kernel_h * p->kernel_w;
      float *out_oc = output + ((int64_t)n * p->out_channels + oc) * p->out_h * p->out_w;
      for (oy = 0; oy < p->out_h; ++oy) {
        const int32_t iy0 = oy * p->stride_h - p->pad_top;
        for (ox0 = 0; ox0 < p->out_w; ox0 += MOTE_CONV_CHUNK) {
          const int32_t count = p->out_w - ox0 < MOTE_CONV_CHUNK ? p->out_w - ox0
                                                                 : MOTE_CONV_CHUNK;
          for (i = 0; i < count; ++i)
            acc[i] = 0.0f;
          for (ic = 0; ic < in_per_group; ++ic) {
            const float *in_c = input + ((int64_t)n * p->in_channels + first_ic + ic) *
                                            p->in_h * p->in_w;
            const float *w_c = w_oc + (int64_t)ic * p->kernel_h * p->kernel_w;
            for (ky = 0; ky < p->kernel_h; ++ky) {
              const int32_t iy = iy0 + ky * p->dilation_h;
              const float *row;
              if (iy < 0 || iy >= p->in_h)
                continue;
              row = in_c + (int64_t)iy * p->in_w;
              for (kx = 0; kx < p->kernel_w; ++kx) {
                const float w = w_c[ky * p->kernel_w + kx];
                const int32_t base = kx * p->dilation_w - p->pad_left;
                int32_t lo, hi;
                valid_range(ox0, count, p->stride_w, base, p->in_w, &lo, &hi);
                for (i = lo; i < hi; ++i)
                  acc[i] += row[(ox0 + i) * p->stride_w + base] * w;
              }
            }
          }
          for (i = 0; i < count; ++i)
            out_oc[oy * p->out_w + ox0 + i] =
                clamp_f32(acc[i] + (bias ? bias[oc] : 0.0f), act_min, act_max);
        }
      }
    }
  return MOTE_OK;
}

mote_status mote_fully_connected_f32(const mote_fully_connected_f32_params *p,
                                     float act_min, float act_max,
                                     const float *input, const float *weight,
                                     const float *bias, float *output) {
  int32_t m, n, k;
  if (!p || !input || !weight || !output)
    return MOTE_ERROR_ARGUMENT;
  for (m = 0; m < p->batch; ++m)
    for (n = 0; n < p->out_features; ++n) {
      const float *row = input + (int64_t)m * p->in_features;
      const float *w = weight + (int64_t)n * p->in_features;
      float acc = 0.0f;
      for (k = 0; k < p->in_features; ++k)
        acc += row[k] * w[k];
      output[(int64_t)m * p->out_features + n] =
          clamp_f32(acc + (bias ? bias[n] : 0.0f), act_min, act_max);
    }
  return MOTE_OK;
}

static mote_status broadcast_f32(const mote_broadcast_params *p, float act_min,
                                 float act_max, const float *lhs,
                                 const float *rhs, float *output, int op) {
  int32_t i0, i1, i2, i3;
  int64_t o = 0;
  if (!p || !lhs || !rhs || !output)
    return MOTE_ERROR_ARGUMENT;
  for (i0 = 0; i0 < p->dim0; ++i0)
    for (i1 = 0; i1 < p->dim1; ++i1)
      for (i2 = 0; i2 < p->dim2; ++i2)
        for (i3 = 0; i3 < p->dim3; ++i3) {
          float a = lhs[(int64_t)i0 * p->lhs_stride0 + (int64_t)i1 * p->lhs_stride1 +
                        (int64_t)i2 * p->lhs_stride2 + (int64_t)i3 * p->lhs_stride3];
          float b = rhs[(int64_t)i0 * p->rhs_stride0 + (int64_t)i1 * p->rhs_stride1 +
                        (int64_t)i2 * p->rhs_stride2 + (int64_t)i3 * p->rhs_stride3];
          float v = op == 0 ? a + b : (op == 1 ? a - b : a * b);
          output[o++] = clamp_f32(v, act_min, act_max);
        }
  return MOTE_OK;
}

mote_status mote_add_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output) {
  return broadcast_f32(p, act_min, act_max, lhs, rhs, output, 0);
}

mote_status mote_sub_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output) {
  return broadcast_f32(p, act_min, act_max, lhs, rhs, output, 1);
}

mote_status mote_mul_f32(const mote_broadcast_params *p, float act_min,
                         float act_max, const float *lhs, const float *rhs,
                         float *output) {
  return broadcast_f32(p, act_min, act_max, lhs, rhs, output, 2);
}

static mote_status pool2d_f32(const mote_pool2d_s8_params *p, const float *input,
                              float *output, int average) {
  int32_t n, c, oy, ox, ky, kx;
  if (!p || !input || !output)
    return MOTE_ERROR_ARGUMENT;
  for (n = 0; n < p->batch; ++n)
    for (c = 0; c < p->channels; ++c) {
      const float *in = input + ((int64_t)n * p->channels + c) * p->in_h * p->in_w;
      float *out = output + ((int64_t)n * p->channels + c) * p->out_h * p->out_w;
      for (oy = 0; oy < p->out_h; ++oy)
        for (ox = 0; ox < p->out_w; ++ox) {
          float sum = 0.0f, best = -3.4028235e38f;
          int32_t count = 0;
          for (ky = 0; ky < p->kernel_h; ++ky) {
            int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
            if (iy < 0 || iy >= p->in_h)
              continue;
            for (kx = 0; kx < p->kernel_w; ++kx) {
              int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
              float v;
              if (ix < 0 || ix >= p->in_w)
                continue;
              v = in[iy * p->in_w + ix];
              sum += v;
              best = v > best ? v : best;
              ++count;
            }
          }
          if (p->count_include_pad)
            count = p->kernel_h * p->kernel_w;
          out[oy * p->out_w + ox] = average ? (count ? sum / (float)count : 0.0f) : best;
        }
    }
  return MOTE_OK;
}

mote_status mote_avg_pool2d_f32(const mote_pool2d_s8_params *p,
                                const float *input, float *output) {
  return pool2d_f32(p, input, output, 1);
}

mote_status mote_max_pool2d_f32(const mote_pool2d_s8_params *p,
                                const float *input, float *output) {
  return pool2d_f32(p, input, output, 0);
}

mote_status mote_activation_f32(int32_t kind, int32_t count, float a, float b,
                                const float *input, float *output) {
  int32_t i;
  if (!input || !output || count < 0 || kind < MOTE_CLAMP || kind > MOTE_HARD_SWISH)
    return MOTE_ERROR_ARGUMENT;
  for (i = 0; i < count; ++i) {
    float x = input[i], y;
    switch (kind) {
    case MOTE_CLAMP:
      y = clamp_f32(x, a, b);
      break;
    case MOTE_SIGMOID:
      y = 1.0f / (1.0f + mote_expf(-x));
      break;
    case MOTE_TANH: {
      /* tanh(x) = 1 - 2 / (exp(2x) + 1), saturating for large |x|. */
      float e = mote_expf(2.0f * clamp_f32(x, -20.0f, 20.0f));
      y = 1.0f - 2.0f / (e + 1.0f);
      break;
    }
    case MOTE_HARD_SIGMOID:
      y = clamp_f32(a * x + b, 0.0f, 1.0f);
      break;
    default:
      y = x * clamp_f32(x / 6.0f + 0.5f, 0.0f, 1.0f);
      break;
    }
    output[i] = y;
  }
  return MOTE_OK;
}
