/*===- mote_quantization.c - Quantization and lookup tables --------------===*
 *
 * Float <-> int8 / uint8 conversion at the model's boundary and int8
 * lookup tables (every int8 element-wise function the compiler tabulates).
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"
#include "mote_internal.h"

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

/* Checks the shape of a per-axis (de)quantization: `outer` x `channels` x
 * `inner` elements, channel c with scales[c] > 0 and zero_points[c] in the
 * storage type's range. */
static int axis_params_ok(int32_t outer, int32_t channels, int32_t inner,
                          int32_t is_unsigned, const float *scales,
                          const int32_t *zero_points) {
  int32_t c;
  if (outer < 0 || channels < 1 || inner < 0 || !scales || !zero_points)
    return 0;
  for (c = 0; c < channels; ++c)
    if (!(scales[c] > 0.0f) ||
        zero_points[c] < (is_unsigned ? 0 : -128) ||
        zero_points[c] > (is_unsigned ? 255 : 127))
      return 0;
  return 1;
}

mote_status mote_quantize_axis_f32(int32_t outer, int32_t channels,
                                   int32_t inner, int32_t is_unsigned,
                                   const float *scales,
                                   const int32_t *zero_points,
                                   const float *input, void *output) {
  int32_t o, c, i;
  if (!input || !output ||
      !axis_params_ok(outer, channels, inner, is_unsigned, scales, zero_points))
    return MOTE_ERROR_ARGUMENT;
  for (o = 0; o < outer; ++o)
    for (c = 0; c < channels; ++c) {
      int64_t base = ((int64_t)o * channels + c) * inner;
      for (i = 0; i < inner; ++i) {
        int32_t q = round_half_even(input[base + i] / scales[c]) +
                    zero_points[c];
        if (is_unsigned)
          ((uint8_t *)output)[base + i] = (uint8_t)clamp_i32(q, 0, 255);
        else
          ((int8_t *)output)[base + i] = (int8_t)clamp_i32(q, -128, 127);
      }
    }
  return MOTE_OK;
}

mote_status mote_dequantize_axis_f32(int32_t outer, int32_t channels,
                                     int32_t inner, int32_t is_unsigned,
                                     const float *scales,
                                     const int32_t *zero_points,
                                     const void *input, float *output) {
  int32_t o, c, i;
  if (!input || !output ||
      !axis_params_ok(outer, channels, inner, is_unsigned, scales, zero_points))
    return MOTE_ERROR_ARGUMENT;
  for (o = 0; o < outer; ++o)
    for (c = 0; c < channels; ++c) {
      int64_t base = ((int64_t)o * channels + c) * inner;
      for (i = 0; i < inner; ++i) {
        int32_t q = is_unsigned ? (int32_t)((const uint8_t *)input)[base + i]
                                : (int32_t)((const int8_t *)input)[base + i];
        output[base + i] = (float)(q - zero_points[c]) * scales[c];
      }
    }
  return MOTE_OK;
}
