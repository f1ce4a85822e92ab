/*===- mote_gemm.c - Column gathering and the portable block ------------===*
 *
 * The part of the Arm targets' convolution that is the same on every
 * target; see mote_gemm.h.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_gemm.h"
#include "mote/mote_requant.h"

/* The most (channel, kernel row) pairs whose offsets gather_columns keeps
 * on the stack (4 bytes each); larger layers take the checked path. */
#define MOTE_GATHER_ROWS 256

/* Copies three bytes from base + rows[q] for each of the n rows: the
 * interior of a 3-wide patch. Kept out of line so that its few values stay
 * in registers. */
static MOTE_NOINLINE int8_t *copy_rows3(int8_t *out, const int8_t *base,
                          const int32_t *rows, int32_t n) {
  const int32_t *end = rows + n;
  for (; rows != end; ++rows, out += 3) {
    const int8_t *row = base + *rows;
    out[0] = row[0];
    out[1] = row[1];
    out[2] = row[2];
  }
  return out;
}

/* Gathers the patches of `count` consecutive output pixels of one image
 * into `columns` (depth_padded apart). Pixels of one output row share the
 * row arithmetic of each (channel, kernel row); interior taps of unit
 * dilation are plain copies. p is restrict: stores through the int8
 * columns cannot change the parameters, so the compiler does not reload
 * every field after every byte. */
static void gather_columns(const mote_gemm_conv_params *MOTE_RESTRICT p,
                           const int8_t *image, int32_t first, int32_t count,
                           int8_t *columns) {
  const int32_t in_c = p->in_channels, in_h = p->in_h, in_w = p->in_w;
  const int32_t out_w = p->out_w, kh = p->kernel_h, kw = p->kernel_w;
  const int32_t sh = p->stride_h, sw = p->stride_w;
  const int32_t dh = p->dilation_h, dw = p->dilation_w;
  const int32_t kp = p->depth_padded, depth = p->depth;
  const ptrdiff_t plane = (ptrdiff_t)in_h * in_w;
  const int8_t pad = (int8_t)p->input_zero_point;
  int32_t j, k;
  if (kh == 1 && kw == 1 && sh == 1 && sw == 1 && p->pad_top == 0 &&
      p->pad_left == 0 && out_w == in_w) {
    /* Pointwise: one value per input channel, a plane apart. */
    for (j = 0; j < count; ++j) {
      const int8_t *src = image + first + j;
      int8_t *out = columns + (ptrdiff_t)j * kp;
      int32_t ic;
      for (ic = 0; ic < in_c; ++ic, src += plane)
        out[ic] = *src;
    }
  } else {
    for (j = 0; j < count;) {
      /* The run of pixels from first + j that stays in one output row. */
      const int32_t pixel = first + j, oy = pixel / out_w, ox = pixel % out_w;
      const int32_t run = count - j < out_w - ox ? count - j : out_w - ox;
      const int32_t iy0 = oy * sh - p->pad_top;
      const int32_t ix0 = ox * sw - p->pad_left;
      /* Pixels [lo, hi) of the run have all their taps inside the row. */
      int32_t lo = 0, hi = run, r, ic, ky, kx;
      while (lo < run && ix0 + lo * sw < 0)
        ++lo;
      while (hi > lo && ix0 + (hi - 1) * sw + (kw - 1) * dw >= in_w)
        --hi;
      if (iy0 >= 0 && iy0 + (kh - 1) * dh < in_h && dw == 1 &&
          in_c * kh <= MOTE_GATHER_ROWS) {
        /* Every kernel row of these pixels is inside the image: the
         * offsets of the (channel, kernel row) rows from a pixel's first
         * tap are the same for all of them, computed once. */
        int32_t rows[MOTE_GATHER_ROWS], n = 0;
        for (ic = 0; ic < in_c; ++ic)
          for (ky = 0; ky < kh; ++ky)
            rows[n++] = (int32_t)(ic * plane + (ptrdiff_t)(iy0 + ky * dh) * in_w);
        for (r = lo; r < hi; ++r) {
          int8_t *out = columns + (ptrdiff_t)(j + r) * kp;
          const int8_t *base = image + ix0 + r * sw;
          int32_t q;
          if (kw == 3)
            copy_rows3(out, base, rows, n);
          else
            for (q = 0; q < n; ++q)
              for (kx = 0; kx < kw; ++kx)
                *out++ = base[rows[q] + kx];
        }
      } else {
        lo = hi = 0; /* every pixel below takes the checked path */
      }
      for (r = 0; r < run; ++r) {
        int8_t *out = columns + (ptrdiff_t)(j + r) * kp;
        const int32_t x0 = ix0 + r * sw;
        const int8_t *channel = image;
        if (r >= lo && r < hi)
          continue; /* gathered above */
        for (ic = 0; ic < in_c; ++ic, channel += plane)
          for (ky = 0; ky < kh; ++ky) {
            const int32_t iy = iy0 + ky * dh;
            const int8_t *row = channel + (ptrdiff_t)iy * in_w + x0;
            if (iy < 0 || iy >= in_h) {
              for (kx = 0; kx < kw; ++kx)
                *out++ = pad;
            } else {
              for (kx = 0; kx < kw; ++kx) {
                const int32_t ix = x0 + kx * dw;
                *out++ = ix >= 0 && ix < in_w ? row[kx * dw] : pad;
              }
            }
          }
      }
      j += run;
    }
  }
  for (j = 0; j < count; ++j)
    for (k = depth; k < kp; ++k)
      columns[(ptrdiff_t)j * kp + k] = 0; /* the weights are 0 there too */
}

mote_status mote_gemm_conv_s8(const mote_gemm_conv_params *p,
                              const int8_t *input, const void *weight,
                              const int32_t *bias, const int32_t *multiplier,
                              const int32_t *shift, int8_t *scratch,
                              int8_t *output, mote_gemm_block_fn block) {
  const int32_t pixels = p ? p->out_h * p->out_w : 0;
  int32_t n, first;
  if (!p || !input || !weight || !bias || !multiplier || !shift || !scratch ||
      !output || !block || p->block < 1 ||
      p->depth != p->in_channels * p->kernel_h * p->kernel_w ||
      p->depth_padded < p->depth)
    return MOTE_ERROR_ARGUMENT;
  if (!p->gather && (p->in_h != 1 || p->in_w != 1 || p->out_h != 1 ||
                     p->out_w != 1 || p->pad_top || p->pad_left ||
                     p->depth != p->depth_padded))
    return MOTE_ERROR_ARGUMENT;
  for (n = 0; n < p->batch; ++n) {
    const int8_t *image = input + (int64_t)n * p->in_channels * p->in_h * p->in_w;
    int8_t *out = output + (int64_t)n * p->out_channels * pixels;
    for (first = 0; first < pixels; first += p->block) {
      const int32_t count =
          pixels - first < p->block ? pixels - first : p->block;
      if (!p->gather) {
        block(p, 1, image, weight, bias, multiplier, shift, out, 1, scratch);
        continue;
      }
      gather_columns(p, image, first, count, scratch);
      block(p, count, scratch, weight, bias, multiplier, shift, out + first,
            pixels, scratch + (int64_t)p->block * p->depth_padded);
    }
  }
  return MOTE_OK;
}

void mote_gemm_block_s8(const mote_gemm_conv_params *p, int32_t count,
                        const int8_t *columns, const void *weight,
                        const int32_t *bias, const int32_t *multiplier,
                        const int32_t *shift, int8_t *output,
                        int32_t output_stride, void *work) {
  const int8_t *w = (const int8_t *)weight;
  int32_t oc, j, k;
  (void)work;
  for (oc = 0; oc < p->out_channels; ++oc) {
    const int8_t *row = w + (int64_t)oc * p->depth_padded;
    for (j = 0; j < count; ++j) {
      const int8_t *column = columns + (int64_t)j * p->depth_padded;
      int32_t acc = bias[oc];
      for (k = 0; k < p->depth_padded; ++k)
        acc += (int32_t)column[k] * row[k];
      output[(int64_t)oc * output_stride + j] = mote_requantize_to_i8(
          acc, multiplier[oc], shift[oc], p->output_offset, p->act_min,
          p->act_max);
    }
  }
}
