/*===- mote_pooling.c - Pooling kernels ----------------------------------===*
 *
 * Max and average pooling over NCHW windows, int8 and float.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"
#include "mote/mote_requant.h"
#include "mote_internal.h"

/* Reduces the window of output (oy, ox) of one channel plane: the sum of
 * (x + input_offset) and the maximum of x over the in-bounds positions, and
 * their count. */
static void pool_window(const mote_pool2d_s8_params *p, const int8_t *in,
                        int32_t oy, int32_t ox, int32_t *sum, int32_t *max,
                        int32_t *count) {
  int32_t ky, kx, ky_lo, ky_hi, kx_lo, kx_hi;
  const int32_t y0 = mote_window(oy, p->stride_h, p->pad_top, p->dilation_h,
                                 p->kernel_h, p->in_h, &ky_lo, &ky_hi);
  const int32_t x0 = mote_window(ox, p->stride_w, p->pad_left, p->dilation_w,
                                 p->kernel_w, p->in_w, &kx_lo, &kx_hi);
  *sum = 0;
  *max = -128;
  *count = 0;
  for (ky = ky_lo; ky < ky_hi; ++ky) {
    const int32_t iy = y0 + ky * p->dilation_h;
    for (kx = kx_lo; kx < kx_hi; ++kx) {
      const int32_t v = in[iy * p->in_w + x0 + kx * p->dilation_w];
      *sum += v + p->input_offset;
      *max = v > *max ? v : *max;
      ++*count;
    }
  }
}

/* The window's sum of int8 values divided by its count, rounded half away
 * from zero (TFLite's integer average pooling). */
static int32_t divide_rounded(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

/* Pools every window: max pooling, average pooling by a requantization
 * (`multiplier`) or by a division (`divide`). */
static mote_status pool2d_s8(const mote_pool2d_s8_params *p,
                             const int8_t *input, int average,
                             const int32_t *multiplier, const int32_t *shift,
                             int8_t *output) {
  int32_t n, c, oy, ox;
  int requantize;
  if (!p || !input || !output)
    return MOTE_ERROR_ARGUMENT;
  requantize = average && !p->divide;
  if (requantize && (!multiplier || !shift || p->table_size < 1))
    return MOTE_ERROR_ARGUMENT;
  for (n = 0; n < p->batch; ++n)
    for (c = 0; c < p->channels; ++c) {
      const int8_t *in = input + ((int64_t)n * p->channels + c) * p->in_h * p->in_w;
      int8_t *out = output + ((int64_t)n * p->channels + c) * p->out_h * p->out_w;
      for (oy = 0; oy < p->out_h; ++oy)
        for (ox = 0; ox < p->out_w; ++ox) {
          int32_t sum, max, count, index;
          pool_window(p, in, oy, ox, &sum, &max, &count);
          if (!average) {
            out[oy * p->out_w + ox] = (int8_t)clamp_i32(max, p->act_min, p->act_max);
            continue;
          }
          if (!requantize) {
            /* The sum of the raw values: undo the offset per element. */
            const int32_t raw = sum - count * p->input_offset;
            out[oy * p->out_w + ox] = (int8_t)clamp_i32(
                count ? divide_rounded(raw, count) : 0, p->act_min, p->act_max);
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
  return pool2d_s8(p, input, 1, multiplier, shift, output);
}

mote_status mote_max_pool2d_s8(const mote_pool2d_s8_params *p,
                               const int8_t *input, int8_t *output) {
  return pool2d_s8(p, input, 0, NULL, NULL, output);
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
          int32_t count = 0, ky_lo, ky_hi, kx_lo, kx_hi;
          const int32_t y0 =
              mote_window(oy, p->stride_h, p->pad_top, p->dilation_h,
                          p->kernel_h, p->in_h, &ky_lo, &ky_hi);
          const int32_t x0 =
              mote_window(ox, p->stride_w, p->pad_left, p->dilation_w,
                          p->kernel_w, p->in_w, &kx_lo, &kx_hi);
          for (ky = ky_lo; ky < ky_hi; ++ky) {
            const int32_t iy = y0 + ky * p->dilation_h;
            for (kx = kx_lo; kx < kx_hi; ++kx) {
              const float v = in[iy * p->in_w + x0 + kx * p->dilation_w];
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
