/*===- mote_gemm.c - Column gathering and the portable block ------------===*
 *
 * The part of the Arm targets' convolution that is the same on every
 * target; see mote_gemm.h.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_gemm.h"
#include "mote/mote_requant.h"

/* Gathers the patch of output pixel `pixel` of one image into `column`. */
static void gather_column(const mote_gemm_conv_params *p, const int8_t *image,
                          int32_t pixel, int8_t *column) {
  const int32_t plane = p->in_h * p->in_w;
  const int8_t pad = (int8_t)p->input_zero_point;
  int32_t ic, ky, kx, k = 0;
  if (p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 &&
      p->stride_w == 1 && p->pad_top == 0 && p->pad_left == 0 &&
      p->out_w == p->in_w) {
    /* Pointwise: one value per input channel, a plane apart. */
    const int8_t *src = image + pixel;
    for (ic = 0; ic < p->in_channels; ++ic)
      column[ic] = src[(int64_t)ic * plane];
    k = p->in_channels;
  } else {
    const int32_t oy = pixel / p->out_w, ox = pixel % p->out_w;
    const int32_t iy0 = oy * p->stride_h - p->pad_top;
    const int32_t ix0 = ox * p->stride_w - p->pad_left;
    const int32_t span = (p->kernel_w - 1) * p->dilation_w;
    const int inside_x = ix0 >= 0 && ix0 + span < p->in_w;
    for (ic = 0; ic < p->in_channels; ++ic) {
      const int8_t *channel = image + (int64_t)ic * plane;
      for (ky = 0; ky < p->kernel_h; ++ky) {
        const int32_t iy = iy0 + ky * p->dilation_h;
        const int8_t *row = channel + (int64_t)iy * p->in_w + ix0;
        if (iy < 0 || iy >= p->in_h) {
          for (kx = 0; kx < p->kernel_w; ++kx)
            column[k++] = pad;
        } else if (inside_x) {
          for (kx = 0; kx < p->kernel_w; ++kx)
            column[k++] = row[kx * p->dilation_w];
        } else {
          for (kx = 0; kx < p->kernel_w; ++kx) {
            const int32_t ix = ix0 + kx * p->dilation_w;
            column[k++] = ix >= 0 && ix < p->in_w ? row[kx * p->dilation_w]
                                                  : pad;
          }
        }
      }
    }
  }
  for (; k < p->depth_padded; ++k)
    column[k] = 0; /* the weights are 0 there too */
}

mote_status mote_gemm_conv_s8(const mote_gemm_conv_params *p,
                              const int8_t *input, const void *weight,
                              const int32_t *bias, const int32_t *multiplier,
                              const int32_t *shift, int8_t *scratch,
                              int8_t *output, mote_gemm_block_fn block) {
  const int32_t pixels = p ? p->out_h * p->out_w : 0;
  int32_t n, first, j;
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
      for (j = 0; j < count; ++j)
        gather_column(p, image, first + j,
                      scratch + (int64_t)j * p->depth_padded);
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
