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

/* Gathers the patches of `count` consecutive output pixels of one image
 * into `columns` (depth_padded apart), for 1x1 kernels (larger ones take
 * the band below). Pixels of one output row share the
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

/* Copies n bytes a word at a time (unaligned word accesses are allowed on
 * every target that runs these kernels), then the remaining bytes. */
static MOTE_ALWAYS_INLINE MOTE_NO_LIBC_CALLS int8_t *
copy_bytes(int8_t *MOTE_RESTRICT out, const int8_t *MOTE_RESTRICT in,
           int32_t n) {
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32_t w;
    __builtin_memcpy(&w, in + i, 4);
    __builtin_memcpy(out + i, &w, 4);
  }
  for (; i < n; ++i)
    out[i] = in[i];
  return out + n;
}

/* Stages the band of output row oy: for each kernel row, the input row it
 * reads (or the zero point outside the image), channels last, with the
 * left and right padding as zero-point pixels, band_w pixels wide. */
static void stage_band(const mote_gemm_conv_params *MOTE_RESTRICT p,
                       const int8_t *image, int32_t oy, int32_t band_w,
                       int8_t *band) {
  const int32_t in_c = p->in_channels, in_h = p->in_h, in_w = p->in_w;
  const ptrdiff_t plane = (ptrdiff_t)in_h * in_w;
  const int8_t pad = (int8_t)p->input_zero_point;
  /* Pixels [lo, hi) of a band row lie inside the image. */
  const int32_t lo = p->pad_left < band_w ? p->pad_left : band_w;
  const int32_t hi = p->pad_left + in_w < band_w ? p->pad_left + in_w : band_w;
  int32_t ky, bx, ic;
  for (ky = 0; ky < p->kernel_h; ++ky) {
    const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
    int8_t *row = band + (ptrdiff_t)ky * band_w * in_c;
    if (iy < 0 || iy >= in_h) {
      for (bx = 0; bx < band_w * in_c; ++bx)
        row[bx] = pad;
      continue;
    }
    for (bx = 0; bx < lo * in_c; ++bx)
      row[bx] = pad;
    for (bx = hi * in_c; bx < band_w * in_c; ++bx)
      row[bx] = pad;
    /* The transposition: channel-major input row to pixel-major band. */
    for (ic = 0; ic < in_c; ++ic) {
      const int8_t *src =
          image + ic * plane + (ptrdiff_t)iy * in_w - p->pad_left;
      int8_t *dst = row + ic;
      for (bx = lo; bx < hi; ++bx)
        dst[(ptrdiff_t)bx * in_c] = src[bx];
    }
  }
}

/* Gathers the columns of `count` pixels of one output row, from ox, out of
 * its band: each kernel row's taps are one contiguous run of kernel_w
 * pixels (unit dilation), or kernel_w runs of in_channels bytes. The
 * column order is (kernel row, kernel column, channel), the order in which
 * the compiler stores these layers' weights. */
static MOTE_NO_LIBC_CALLS void
gather_band(const mote_gemm_conv_params *MOTE_RESTRICT p, const int8_t *band,
            int32_t band_w, int32_t ox, int32_t count, int8_t *columns) {
  const int32_t in_c = p->in_channels, kh = p->kernel_h, kw = p->kernel_w;
  const int32_t kp = p->depth_padded, depth = p->depth;
  const ptrdiff_t row_bytes = (ptrdiff_t)band_w * in_c;
  int32_t j, ky, kx, k;
  for (j = 0; j < count; ++j) {
    int8_t *out = columns + (ptrdiff_t)j * kp;
    const int8_t *first = band + (ptrdiff_t)(ox + j) * p->stride_w * in_c;
    for (ky = 0; ky < kh; ++ky) {
      const int8_t *src = first + ky * row_bytes;
      if (p->dilation_w == 1)
        out = copy_bytes(out, src, kw * in_c);
      else
        for (kx = 0; kx < kw; ++kx)
          out = copy_bytes(out, src + (ptrdiff_t)kx * p->dilation_w * in_c,
                           in_c);
    }
    for (k = depth; k < kp; ++k)
      *out++ = 0; /* the weights are 0 there too */
  }
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
  if (p->gather && MOTE_GEMM_USES_BAND(p->kernel_h, p->kernel_w)) {
    const int32_t band_w = MOTE_GEMM_BAND_WIDTH(p->out_w, p->stride_w,
                                                p->kernel_w, p->dilation_w);
    int8_t *band = scratch;
    int8_t *columns =
        scratch + MOTE_GEMM_BAND_BYTES(p->kernel_h, p->kernel_w,
                                       p->in_channels, p->out_w, p->stride_w,
                                       p->dilation_w);
    int8_t *work = columns + (int64_t)p->block * p->depth_padded;
    int32_t oy, ox;
    for (n = 0; n < p->batch; ++n) {
      const int8_t *image =
          input + (int64_t)n * p->in_channels * p->in_h * p->in_w;
      int8_t *out = output + (int64_t)n * p->out_channels * pixels;
      for (oy = 0; oy < p->out_h; ++oy) {
        stage_band(p, image, oy, band_w, band);
        for (ox = 0; ox < p->out_w; ox += p->block) {
          const int32_t count =
              p->out_w - ox < p->block ? p->out_w - ox : p->block;
          gather_band(p, band, band_w, ox, count, columns);
          block(p, count, columns, weight, bias, multiplier, shift,
                out + (ptrdiff_t)oy * p->out_w + ox, pixels, work);
        }
      }
    }
    return MOTE_OK;
  }
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
