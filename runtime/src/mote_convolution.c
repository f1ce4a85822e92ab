/*===- mote_convolution.c - Convolution and matrix products --------------===*
 *
 * Convolutions (int8: pointwise, depthwise and general; float; int8 to raw
 * int32 sums), fully-connected layers and the matrix products of two
 * tensors (float, int8, int8 to int32). Portable C; the Arm
 * targets' GEMM kernels (mote_gemm.c, targets/) must match them bit for bit.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"
#include "mote/mote_requant.h"
#include "mote_internal.h"

/* Output columns are computed in chunks of this many int32 accumulators on
 * the stack, so the innermost loop runs along a row (vectorizable at
 * stride 1) and needs no bounds check. */
#define MOTE_CONV_CHUNK 64

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
            int32_t ky_lo, ky_hi, kx_lo, kx_hi;
            mote_window(oy, sh, pad_top, dh, kh, in_h, &ky_lo, &ky_hi);
            mote_window(ox, sw, pad_left, dw, kw, in_w, &kx_lo, &kx_hi);
            acc = b;
            for (ky = ky_lo; ky < ky_hi; ++ky)
              for (kx = kx_lo; kx < kx_hi; ++kx)
                acc += (in[(ptrdiff_t)(iy0 + ky * dh) * in_w + ix0 + kx * dw] +
                        input_offset) *
                       w[ky * kw + kx];
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
  int32_t n, oc, oy, ox0, ic, ky, kx, i, ky_lo, ky_hi;
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
     * which would make the compiler reload them in the inner loops. A
     * restrict-qualified p instead was measured slower (bench/arm_bench.py,
     * GCC 12: up to 0.9% more instructions per inference), so the copy
     * stays here and in depthwise_s8 and binary_s8. */
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
          const int32_t iy0 =
              mote_window(oy, sh, pad_top, dh, kh, in_h, &ky_lo, &ky_hi);
          for (ox0 = 0; ox0 < out_w; ox0 += MOTE_CONV_CHUNK) {
            const int32_t count =
                out_w - ox0 < MOTE_CONV_CHUNK ? out_w - ox0 : MOTE_CONV_CHUNK;
            for (i = 0; i < count; ++i)
              acc[i] = b;
            for (ic = 0; ic < in_per_group; ++ic) {
              const int8_t *in_c =
                  input + ((ptrdiff_t)n * p->in_channels + first_ic + ic) * plane;
              const int8_t *w_c = w_oc + (ptrdiff_t)ic * kh * kw;
              for (ky = ky_lo; ky < ky_hi; ++ky) {
                const int8_t *row = in_c + (ptrdiff_t)(iy0 + ky * dh) * in_w;
                for (kx = 0; kx < kw; ++kx) {
                  const int32_t w = w_c[ky * kw + kx];
                  const int32_t base = kx * dw - pad_left;
                  int32_t lo, hi;
                  mote_tap_outputs(ox0, count, sw, base, in_w, &lo, &hi);
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

/* The first tap (ky) of a transposed convolution that reaches output row
 * (or column) `y`, the input row it reads, and how far each next tap moves
 * both: taps k with y + pad - k * dilation a non-negative multiple of the
 * stride below `in`. Returns the number of such taps. */
static int32_t transpose_taps(int32_t y, int32_t pad, int32_t stride,
                              int32_t dilation, int32_t kernel, int32_t in,
                              int32_t *first, int32_t *row, int32_t *k_step,
                              int32_t *row_step) {
  int32_t k, count = 0;
  *first = 0;
  *row = 0;
  /* Taps k and k + stride / gcd(stride, dilation) hit rows one
   * dilation / gcd apart; find the first and step from there. */
  for (k = 0; k < kernel; ++k) {
    const int32_t t = y + pad - k * dilation;
    if (t >= 0 && t % stride == 0 && t / stride < in) {
      if (count == 0) {
        *first = k;
        *row = t / stride;
      }
      ++count;
    }
  }
  {
    int32_t a = stride, b = dilation;
    while (b) {
      const int32_t r = a % b;
      a = b;
      b = r;
    }
    *k_step = stride / a;
    *row_step = dilation / a;
  }
  return count;
}

mote_status mote_conv_transpose2d_s8(const mote_conv2d_s8_params *p,
                                     const int8_t *input, const int8_t *weight,
                                     const int32_t *bias,
                                     const int32_t *multiplier,
                                     const int32_t *shift, int8_t *output) {
  int32_t n, oc, yy, yx, ic, ty, tx;
  int32_t in_per_group, out_per_group;
  if (!p || !input || !weight || !multiplier || !shift || !output ||
      p->groups < 1 || p->in_channels % p->groups ||
      p->out_channels % p->groups || p->stride_h < 1 || p->stride_w < 1 ||
      p->dilation_h < 1 || p->dilation_w < 1)
    return MOTE_ERROR_ARGUMENT;
  /* p describes the convolution this one transposes: our output has its
   * input's shape (in_channels x in_h x in_w), our input its output's. */
  out_per_group = p->in_channels / p->groups;
  in_per_group = p->out_channels / p->groups;
  for (n = 0; n < p->batch; ++n)
    for (oc = 0; oc < p->in_channels; ++oc) {
      const int32_t g = oc / out_per_group, o = oc % out_per_group;
      const int32_t taps = p->kernel_h * p->kernel_w;
      const ptrdiff_t plane = (ptrdiff_t)p->out_h * p->out_w;
      const int8_t *x_g =
          input + ((ptrdiff_t)n * p->out_channels + g * in_per_group) * plane;
      /* weight[g * in_per_group + ic][o][ky][kx] */
      const int8_t *w_o =
          weight + ((ptrdiff_t)g * in_per_group * out_per_group + o) * taps;
      const ptrdiff_t w_ic = (ptrdiff_t)out_per_group * taps;
      const mote_requant_channel rq =
          mote_requant_prepare(multiplier[oc], shift[oc]);
      int8_t *y = output + ((ptrdiff_t)n * p->in_channels + oc) * p->in_h *
                               (ptrdiff_t)p->in_w;
      for (yy = 0; yy < p->in_h; ++yy) {
        int32_t ky0, iy0, ky_step, iy_step;
        const int32_t rows =
            transpose_taps(yy, p->pad_top, p->stride_h, p->dilation_h,
                           p->kernel_h, p->out_h, &ky0, &iy0, &ky_step, &iy_step);
        for (yx = 0; yx < p->in_w; ++yx) {
          int32_t kx0, ix0, kx_step, ix_step;
          const int32_t cols = transpose_taps(yx, p->pad_left, p->stride_w,
                                              p->dilation_w, p->kernel_w,
                                              p->out_w, &kx0, &ix0, &kx_step,
                                              &ix_step);
          int32_t acc = bias ? bias[oc] : 0;
          for (ty = 0; ty < rows; ++ty) {
            const int32_t ky = ky0 + ty * ky_step, iy = iy0 - ty * iy_step;
            for (tx = 0; tx < cols; ++tx) {
              const int32_t kx = kx0 + tx * kx_step, ix = ix0 - tx * ix_step;
              const int8_t *x = x_g + (ptrdiff_t)iy * p->out_w + ix;
              const int8_t *w = w_o + ky * p->kernel_w + kx;
              for (ic = 0; ic < in_per_group; ++ic)
                acc += ((int32_t)x[ic * plane] + p->input_offset) *
                       (int32_t)w[ic * w_ic];
            }
          }
          y[(ptrdiff_t)yy * p->in_w + yx] =
              mote_clamp_to_i8(mote_requantize_prepared(acc, &rq),
                               p->output_offset, p->act_min, p->act_max);
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

/* Walks the (up to 4) batch dims of a product with broadcasting: BODY runs
 * (the variadic arguments) once per output matrix with `ai`, `bi` and `yi`, the indices of the lhs,
 * rhs and output matrices. */
#define MOTE_MATMUL_BATCH_WALK(p, ...)                                         \
  do {                                                                         \
    int32_t i0, i1, i2, i3;                                                    \
    for (i0 = 0; i0 < (p)->dim0; ++i0)                                         \
      for (i1 = 0; i1 < (p)->dim1; ++i1)                                       \
        for (i2 = 0; i2 < (p)->dim2; ++i2)                                     \
          for (i3 = 0; i3 < (p)->dim3; ++i3) {                                 \
            const int64_t ai =                                                 \
                (int64_t)i0 * (p)->lhs_stride0 + (int64_t)i1 * (p)->lhs_stride1 + \
                (int64_t)i2 * (p)->lhs_stride2 + (int64_t)i3 * (p)->lhs_stride3;  \
            const int64_t bi =                                                 \
                (int64_t)i0 * (p)->rhs_stride0 + (int64_t)i1 * (p)->rhs_stride1 + \
                (int64_t)i2 * (p)->rhs_stride2 + (int64_t)i3 * (p)->rhs_stride3;  \
            const int64_t yi =                                                 \
                (((int64_t)i0 * (p)->dim1 + i1) * (p)->dim2 + i2) * (p)->dim3 + i3; \
            __VA_ARGS__                                                        \
          }                                                                    \
  } while (0)

mote_status mote_matmul_f32(const mote_matmul_params *p, const float *a,
                            const float *b, float *output) {
  int32_t r, c, t;
  if (!p || !a || !b || !output || p->m < 1 || p->k < 1 || p->n < 1)
    return MOTE_ERROR_ARGUMENT;
  MOTE_MATMUL_BATCH_WALK(p, {
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
  });
  return MOTE_OK;
}

/* Sum over t of (row[t] + row_offset) (column[t * n] + column_offset). */
static int32_t dot_s8(const int8_t *row, const int8_t *column, int32_t k,
                      int32_t n, int32_t row_offset, int32_t column_offset) {
  int32_t t, acc = 0;
  for (t = 0; t < k; ++t)
    acc += ((int32_t)row[t] + row_offset) *
           ((int32_t)column[(int64_t)t * n] + column_offset);
  return acc;
}

mote_status mote_matmul_s8(const mote_matmul_s8_params *p, const int8_t *a,
                           const int8_t *b, int8_t *output) {
  int32_t r, c;
  if (!p || !a || !b || !output || p->m < 1 || p->k < 1 ||
      p->k > MOTE_S8_DEPTH_MAX || p->n < 1)
    return MOTE_ERROR_ARGUMENT;
  MOTE_MATMUL_BATCH_WALK(p, {
    const int8_t *x = a + ai * p->m * p->k;
    const int8_t *w = b + bi * p->k * p->n;
    int8_t *y = output + yi * p->m * p->n;
    for (r = 0; r < p->m; ++r)
      for (c = 0; c < p->n; ++c)
        y[(int64_t)r * p->n + c] = mote_requantize_to_i8(
            dot_s8(x + (int64_t)r * p->k, w + c, p->k, p->n, p->lhs_offset,
                   p->rhs_offset),
            p->output_multiplier, p->output_shift, p->output_offset,
            p->act_min, p->act_max);
  });
  return MOTE_OK;
}

mote_status mote_matmul_s8_s32(const mote_matmul_s32_params *p,
                               const int8_t *a, const int8_t *b,
                               int32_t *output) {
  int32_t r, c;
  if (!p || !a || !b || !output || p->m < 1 || p->k < 1 ||
      p->k > MOTE_S8_DEPTH_MAX || p->n < 1)
    return MOTE_ERROR_ARGUMENT;
  MOTE_MATMUL_BATCH_WALK(p, {
    const int8_t *x = a + ai * p->m * p->k;
    const int8_t *w = b + bi * p->k * p->n;
    int32_t *y = output + yi * p->m * p->n;
    for (r = 0; r < p->m; ++r)
      for (c = 0; c < p->n; ++c)
        y[(int64_t)r * p->n + c] = dot_s8(x + (int64_t)r * p->k, w + c, p->k,
                                          p->n, p->lhs_offset, p->rhs_offset);
  });
  return MOTE_OK;
}

mote_status mote_conv2d_s8_s32(const mote_conv2d_s32_params *p,
                               const int8_t *input, const int8_t *weight,
                               const int32_t *weight_offset, int32_t *output) {
  int32_t n, oc, oy, ox, ic, ky, kx, ky_lo, ky_hi, kx_lo, kx_hi;
  int32_t in_per_group, out_per_group, taps;
  if (!p || !input || !weight || !weight_offset || !output || p->groups < 1 ||
      p->in_channels % p->groups || p->out_channels % p->groups)
    return MOTE_ERROR_ARGUMENT;
  in_per_group = p->in_channels / p->groups;
  out_per_group = p->out_channels / p->groups;
  taps = p->kernel_h * p->kernel_w;
  if ((int64_t)in_per_group * taps > MOTE_S8_DEPTH_MAX)
    return MOTE_ERROR_ARGUMENT;
  for (n = 0; n < p->batch; ++n)
    for (oc = 0; oc < p->out_channels; ++oc) {
      const int32_t first_ic = (oc / out_per_group) * in_per_group;
      const int32_t w_offset = weight_offset[oc];
      const int8_t *w_oc = weight + (int64_t)oc * in_per_group * taps;
      int32_t *out_oc =
          output + ((int64_t)n * p->out_channels + oc) * p->out_h * p->out_w;
      for (oy = 0; oy < p->out_h; ++oy) {
        const int32_t iy0 = mote_window(oy, p->stride_h, p->pad_top,
                                        p->dilation_h, p->kernel_h, p->in_h,
                                        &ky_lo, &ky_hi);
        for (ox = 0; ox < p->out_w; ++ox) {
          const int32_t ix0 = mote_window(ox, p->stride_w, p->pad_left,
                                          p->dilation_w, p->kernel_w, p->in_w,
                                          &kx_lo, &kx_hi);
          int32_t acc = 0;
          for (ic = 0; ic < in_per_group; ++ic) {
            const int8_t *plane =
                input + ((int64_t)n * p->in_channels + first_ic + ic) *
                            p->in_h * p->in_w;
            const int8_t *w_c = w_oc + (int64_t)ic * taps;
            for (ky = ky_lo; ky < ky_hi; ++ky) {
              /* ix0 may be negative: index, do not form a pointer. */
              const int64_t row =
                  (int64_t)(iy0 + ky * p->dilation_h) * p->in_w + ix0;
              for (kx = kx_lo; kx < kx_hi; ++kx)
                acc += ((int32_t)plane[row + kx * p->dilation_w] +
                        p->input_offset) *
                       ((int32_t)w_c[ky * p->kernel_w + kx] + w_offset);
            }
          }
          out_oc[oy * p->out_w + ox] = acc;
        }
      }
    }
  return MOTE_OK;
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
        int32_t ky_lo, ky_hi;
        const int32_t iy0 =
            mote_window(oy, p->stride_h, p->pad_top, p->dilation_h,
                        p->kernel_h, p->in_h, &ky_lo, &ky_hi);
        for (ox0 = 0; ox0 < p->out_w; ox0 += MOTE_CONV_CHUNK) {
          const int32_t count = p->out_w - ox0 < MOTE_CONV_CHUNK ? p->out_w - ox0
                                                                 : MOTE_CONV_CHUNK;
          for (i = 0; i < count; ++i)
            acc[i] = 0.0f;
          for (ic = 0; ic < in_per_group; ++ic) {
            const float *in_c = input + ((int64_t)n * p->in_channels + first_ic + ic) *
                                            p->in_h * p->in_w;
            const float *w_c = w_oc + (int64_t)ic * p->kernel_h * p->kernel_w;
            for (ky = ky_lo; ky < ky_hi; ++ky) {
              const float *row =
                  in_c + (int64_t)(iy0 + ky * p->dilation_h) * p->in_w;
              for (kx = 0; kx < p->kernel_w; ++kx) {
                const float w = w_c[ky * p->kernel_w + kx];
                const int32_t base = kx * p->dilation_w - p->pad_left;
                int32_t lo, hi;
                mote_tap_outputs(ox0, count, p->stride_w, base, p->in_w, &lo, &hi);
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

mote_status mote_conv_transpose2d_f32(const mote_conv2d_f32_params *p,
                                      float act_min, float act_max,
                                      const float *input, const float *weight,
                                      const float *bias, float *output) {
  int32_t n, g, ic, oc, iy, ix, ky, kx, icg, ocg;
  int64_t plane, i;
  if (!p || !input || !weight || !output || p->groups < 1 ||
      p->in_channels % p->groups || p->out_channels % p->groups)
    return MOTE_ERROR_ARGUMENT;
  /* p describes the convolution this one transposes: its input is our
   * output (in_channels x in_h x in_w) and its output our input. */
  icg = p->in_channels / p->groups;
  ocg = p->out_channels / p->groups;
  plane = (int64_t)p->in_h * p->in_w;
  for (n = 0; n < p->batch; ++n)
    for (oc = 0; oc < p->in_channels; ++oc) {
      float *y = output + ((int64_t)n * p->in_channels + oc) * plane;
      const float b = bias ? bias[oc] : 0.0f;
      for (i = 0; i < plane; ++i)
        y[i] = b;
    }
  for (n = 0; n < p->batch; ++n)
    for (g = 0; g < p->groups; ++g)
      for (ic = g * ocg; ic < (g + 1) * ocg; ++ic) {
        const float *x =
            input + ((int64_t)n * p->out_channels + ic) * p->out_h * p->out_w;
        for (oc = 0; oc < icg; ++oc) {
          const float *w =
              weight + ((int64_t)ic * icg + oc) * p->kernel_h * p->kernel_w;
          float *y = output + ((int64_t)n * p->in_channels + g * icg + oc) * plane;
          for (ky = 0; ky < p->kernel_h; ++ky)
            for (kx = 0; kx < p->kernel_w; ++kx) {
              const float wv = w[ky * p->kernel_w + kx];
              const int32_t y0 = ky * p->dilation_h - p->pad_top;
              const int32_t x0 = kx * p->dilation_w - p->pad_left;
              int32_t iy_lo, iy_hi, ix_lo, ix_hi;
              mote_tap_outputs(0, p->out_h, p->stride_h, y0, p->in_h, &iy_lo,
                               &iy_hi);
              mote_tap_outputs(0, p->out_w, p->stride_w, x0, p->in_w, &ix_lo,
                               &ix_hi);
              for (iy = iy_lo; iy < iy_hi; ++iy) {
                float *row = y + (int64_t)(iy * p->stride_h + y0) * p->in_w + x0;
                for (ix = ix_lo; ix < ix_hi; ++ix)
                  row[ix * p->stride_w] += x[iy * p->out_w + ix] * wv;
              }
            }
        }
      }
  if (act_min > -FLT_MAX || act_max < FLT_MAX)
    for (i = 0; i < (int64_t)p->batch * p->in_channels * plane; ++i)
      output[i] = clamp_f32(output[i], act_min, act_max);
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
