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
