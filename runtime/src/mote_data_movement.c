/*===- mote_data_movement.c - Data movement kernels ----------------------===*
 *
 * Slice, insert, transpose, concatenation, pad and copy: byte moves of any
 * element size, no arithmetic.
 *===----------------------------------------------------------------------===*/

#include "mote/mote_kernels.h"
#include "mote/mote_requant.h"
#include "mote_internal.h"

static void copy_bytes(uint8_t *to, const uint8_t *from, int64_t bytes) {
  int64_t i;
  for (i = 0; i < bytes; ++i)
    to[i] = from[i];
}

mote_status mote_slice(int32_t element_bytes, int32_t rank,
                       const int32_t *dims, const int32_t *starts,
                       const int32_t *steps, const int32_t *out_dims,
                       const void *input, void *output) {
  int64_t in_strides[6], index[6] = {0, 0, 0, 0, 0, 0}, total = 1, i;
  const uint8_t *in = (const uint8_t *)input;
  uint8_t *out = (uint8_t *)output;
  int32_t d, inner;
  if (!dims || !starts || !steps || !out_dims || !input || !output ||
      rank < 1 || rank > 6 || element_bytes < 1)
    return MOTE_ERROR_ARGUMENT;
  for (d = rank - 1; d >= 0; --d) {
    in_strides[d] = d == rank - 1 ? 1 : in_strides[d + 1] * dims[d + 1];
    total *= out_dims[d];
  }
  /* A contiguous innermost dimension (step 1) is copied a run at a time;
   * otherwise element by element. */
  inner = steps[rank - 1] == 1 ? out_dims[rank - 1] : 1;
  for (i = 0; i < total; i += inner) {
    int64_t offset = 0;
    for (d = 0; d < rank; ++d)
      offset += (starts[d] + index[d] * steps[d]) * in_strides[d];
    copy_bytes(out + i * element_bytes, in + offset * element_bytes,
               (int64_t)inner * element_bytes);
    for (d = inner > 1 ? rank - 2 : rank - 1; d >= 0; --d) {
      if (++index[d] < out_dims[d])
        break;
      index[d] = 0;
    }
  }
  return MOTE_OK;
}

static int64_t index_at(const void *indices, int32_t index_bytes, int32_t j) {
  return index_bytes == 8 ? ((const int64_t *)indices)[j]
                          : ((const int32_t *)indices)[j];
}

mote_status mote_gather(int32_t element_bytes, int32_t index_bytes,
                        int32_t outer, int32_t extent, int32_t count,
                        int32_t inner, const void *data, const void *indices,
                        void *output) {
  const uint8_t *in = (const uint8_t *)data;
  uint8_t *out = (uint8_t *)output;
  int64_t row = (int64_t)inner * element_bytes;
  int32_t o, j;
  if (!data || !indices || !output || element_bytes < 1 || outer < 1 ||
      extent < 1 || count < 1 || inner < 1 ||
      (index_bytes != 4 && index_bytes != 8))
    return MOTE_ERROR_ARGUMENT;
  /* Every index is checked before the first copy. */
  for (j = 0; j < count; ++j) {
    int64_t index = index_at(indices, index_bytes, j);
    if (index < -(int64_t)extent || index >= extent)
      return MOTE_ERROR_ARGUMENT;
  }
  for (o = 0; o < outer; ++o)
    for (j = 0; j < count; ++j) {
      int64_t index = index_at(indices, index_bytes, j);
      if (index < 0)
        index += extent;
      copy_bytes(out + ((int64_t)o * count + j) * row,
                 in + ((int64_t)o * extent + index) * row, row);
    }
  return MOTE_OK;
}

mote_status mote_where(const mote_where_params *p, const uint8_t *cond,
                       const void *on_true, const void *on_false,
                       void *output) {
  const uint8_t *t = (const uint8_t *)on_true, *f = (const uint8_t *)on_false;
  uint8_t *out = (uint8_t *)output;
  int64_t o = 0, bytes;
  int32_t i0, i1, i2, i3;
  if (!p || !cond || !on_true || !on_false || !output || p->element_bytes < 1)
    return MOTE_ERROR_ARGUMENT;
  bytes = p->element_bytes;
  for (i0 = 0; i0 < p->dim0; ++i0)
    for (i1 = 0; i1 < p->dim1; ++i1)
      for (i2 = 0; i2 < p->dim2; ++i2)
        for (i3 = 0; i3 < p->dim3; ++i3, ++o) {
          int64_t c = (int64_t)i0 * p->cond_stride0 + (int64_t)i1 * p->cond_stride1 +
                      (int64_t)i2 * p->cond_stride2 + (int64_t)i3 * p->cond_stride3;
          const uint8_t *from =
              cond[c] ? t + ((int64_t)i0 * p->lhs_stride0 + (int64_t)i1 * p->lhs_stride1 +
                             (int64_t)i2 * p->lhs_stride2 + (int64_t)i3 * p->lhs_stride3) * bytes
                      : f + ((int64_t)i0 * p->rhs_stride0 + (int64_t)i1 * p->rhs_stride1 +
                             (int64_t)i2 * p->rhs_stride2 + (int64_t)i3 * p->rhs_stride3) * bytes;
          copy_bytes(out + o * bytes, from, bytes);
        }
  return MOTE_OK;
}

mote_status mote_insert_slice(int32_t element_bytes, int32_t rank,
                              const int32_t *dims, const int32_t *offsets,
                              const int32_t *patch_dims, const void *patch,
                              const void *dest, void *output) {
  int64_t strides[6], index[6] = {0, 0, 0, 0, 0, 0}, rows = 1, total = 1, i;
  const uint8_t *in = (const uint8_t *)patch;
  uint8_t *out = (uint8_t *)output;
  int32_t d, row;
  if (!dims || !offsets || !patch_dims || !patch || !dest || !output ||
      rank < 1 || rank > 6 || element_bytes < 1)
    return MOTE_ERROR_ARGUMENT;
  for (d = rank - 1; d >= 0; --d) {
    if (offsets[d] < 0 || patch_dims[d] < 1 ||
        offsets[d] + patch_dims[d] > dims[d])
      return MOTE_ERROR_ARGUMENT;
    strides[d] = d == rank - 1 ? 1 : strides[d + 1] * dims[d + 1];
    total *= dims[d];
    if (d < rank - 1)
      rows *= patch_dims[d];
  }
  if (dest != output)
    copy_bytes(out, (const uint8_t *)dest, total * element_bytes);
  /* One contiguous run of the innermost dimension at a time. */
  row = patch_dims[rank - 1] * element_bytes;
  for (i = 0; i < rows; ++i) {
    int64_t offset = offsets[rank - 1];
    for (d = 0; d < rank - 1; ++d)
      offset += (offsets[d] + index[d]) * strides[d];
    copy_bytes(out + offset * element_bytes, in + i * row, row);
    for (d = rank - 2; d >= 0; --d) {
      if (++index[d] < patch_dims[d])
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

/* Resize of `planes` in_h x in_w planes to out_h x out_w. `rows` and `cols`
 * hold two source indices per output coordinate (nearest reads the first),
 * the weights two factors (linear: out = sum of the four neighbours, each
 * weighted by its row and column factor). */
mote_status mote_resize_nearest(int32_t planes, int32_t in_h, int32_t in_w,
                                int32_t out_h, int32_t out_w,
                                int32_t element_bytes, const int32_t *rows,
                                const int32_t *cols, const void *input,
                                void *output) {
  int32_t p, y, x;
  if (!rows || !cols || !input || !output || planes < 0 ||
      (element_bytes != 1 && element_bytes != 4))
    return MOTE_ERROR_ARGUMENT;
  for (p = 0; p < planes; ++p)
    for (y = 0; y < out_h; ++y) {
      const int64_t src = ((int64_t)p * in_h + rows[2 * y]) * in_w;
      const int64_t dst = ((int64_t)p * out_h + y) * out_w;
      if (element_bytes == 4) {
        const float *in = (const float *)input + src;
        float *out = (float *)output + dst;
        for (x = 0; x < out_w; ++x)
          out[x] = in[cols[2 * x]];
      } else {
        const int8_t *in = (const int8_t *)input + src;
        int8_t *out = (int8_t *)output + dst;
        for (x = 0; x < out_w; ++x)
          out[x] = in[cols[2 * x]];
      }
    }
  return MOTE_OK;
}

/* Separable resampling of one plane at output (y, x): the weighted sum,
 * over the row taps i, of the weighted sums over the column taps j
 * (bilinear: 2 x 2 taps, bicubic: 4 x 4). */
static float resize_at(const float *plane, int32_t in_w, int32_t taps,
                       const int32_t *rows, const int32_t *cols,
                       const float *row_weights, const float *col_weights) {
  float sum = 0.0f;
  int32_t i, j;
  for (i = 0; i < taps; ++i) {
    const float *row = plane + (int64_t)rows[i] * in_w;
    float across = col_weights[0] * row[cols[0]];
    for (j = 1; j < taps; ++j)
      across += col_weights[j] * row[cols[j]];
    sum += row_weights[i] * across;
  }
  return sum;
}

mote_status mote_resize_f32(int32_t planes, int32_t in_h, int32_t in_w,
                            int32_t out_h, int32_t out_w, int32_t taps,
                            const int32_t *rows, const int32_t *cols,
                            const float *row_weights, const float *col_weights,
                            const float *input, float *output) {
  int32_t p, y, x;
  if (!rows || !cols || !row_weights || !col_weights || !input || !output ||
      taps < 1 || taps > MOTE_RESIZE_MAX_TAPS)
    return MOTE_ERROR_ARGUMENT;
  for (p = 0; p < planes; ++p) {
    const float *plane = input + (int64_t)p * in_h * in_w;
    for (y = 0; y < out_h; ++y) {
      float *out = output + ((int64_t)p * out_h + y) * out_w;
      for (x = 0; x < out_w; ++x)
        out[x] = resize_at(plane, in_w, taps, rows + taps * y, cols + taps * x,
                           row_weights + taps * y, col_weights + taps * x);
    }
  }
  return MOTE_OK;
}

/* The int8 form: input and output share one quantization, so the
 * integers are interpolated with the weights in Q15 (each output's taps sum
 * to 32768; bicubic ones may be negative) and the result is rounded half to
 * even and saturated, integer arithmetic only. */
mote_status mote_resize_s8(int32_t planes, int32_t in_h, int32_t in_w,
                           int32_t out_h, int32_t out_w, int32_t taps,
                           const int32_t *rows, const int32_t *cols,
                           const int32_t *row_weights,
                           const int32_t *col_weights, const int8_t *input,
                           int8_t *output) {
  int32_t p, y, x, i, j;
  if (!rows || !cols || !row_weights || !col_weights || !input || !output ||
      taps < 1 || taps > MOTE_RESIZE_MAX_TAPS)
    return MOTE_ERROR_ARGUMENT;
  for (p = 0; p < planes; ++p) {
    const int8_t *plane = input + (int64_t)p * in_h * in_w;
    for (y = 0; y < out_h; ++y) {
      int8_t *out = output + ((int64_t)p * out_h + y) * out_w;
      const int32_t *ry = rows + taps * y, *wy = row_weights + taps * y;
      for (x = 0; x < out_w; ++x) {
        const int32_t *cx = cols + taps * x, *wx = col_weights + taps * x;
        int64_t sum = 0, v;
        for (i = 0; i < taps; ++i) {
          const int8_t *row = plane + (int64_t)ry[i] * in_w;
          int64_t across = 0;
          for (j = 0; j < taps; ++j)
            across += (int64_t)wx[j] * row[cx[j]];
          sum += wy[i] * across;
        }
        v = div_round_half_even(sum, (int64_t)1 << 30);
        out[x] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
      }
    }
  }
  return MOTE_OK;
}

/* Walks the input in order and calls back with each element's output
 * offset (an odometer over `dims`, stepping the output by `out_strides`). */
#define MOTE_REDUCE_WALK(BODY)                                                 \
  do {                                                                         \
    int32_t idx[6] = {0, 0, 0, 0, 0, 0}, d;                                    \
    int64_t i, o = 0, total = 1;                                               \
    for (d = 0; d < rank; ++d)                                                 \
      total *= dims[d];                                                        \
    for (i = 0; i < total; ++i) {                                              \
      BODY;                                                                    \
      for (d = rank - 1; d >= 0; --d) {                                        \
        o += out_strides[d];                                                   \
        if (++idx[d] < dims[d])                                                \
          break;                                                               \
        o -= (int64_t)out_strides[d] * dims[d];                                \
        idx[d] = 0;                                                            \
      }                                                                        \
    }                                                                          \
  } while (0)

/* The number of outputs: the product of the kept dimensions. */
static int64_t reduce_outputs(int32_t rank, const int32_t *dims,
                              const int32_t *out_strides) {
  int64_t n = 1;
  int32_t d;
  for (d = 0; d < rank; ++d)
    if (out_strides[d] != 0)
      n *= dims[d];
  return n;
}

mote_status mote_reduce_f32(int32_t kind, int32_t rank, int32_t count,
                            const int32_t *dims, const int32_t *out_strides,
                            const float *input, float *output) {
  int64_t n, j;
  if (!dims || !out_strides || !input || !output || rank < 1 || rank > 6 ||
      count < 1 || kind < MOTE_REDUCE_MEAN || kind > MOTE_REDUCE_MIN)
    return MOTE_ERROR_ARGUMENT;
  n = reduce_outputs(rank, dims, out_strides);
  for (j = 0; j < n; ++j)
    output[j] = kind == MOTE_REDUCE_MEAN ? 0.0f
                : kind == MOTE_REDUCE_MAX ? -FLT_MAX
                                          : FLT_MAX;
  if (kind == MOTE_REDUCE_MEAN)
    MOTE_REDUCE_WALK(output[o] += input[i]);
  else if (kind == MOTE_REDUCE_MAX)
    MOTE_REDUCE_WALK(output[o] = input[i] > output[o] ? input[i] : output[o]);
  else
    MOTE_REDUCE_WALK(output[o] = input[i] < output[o] ? input[i] : output[o]);
  if (kind == MOTE_REDUCE_MEAN)
    for (j = 0; j < n; ++j)
      output[j] /= (float)count;
  return MOTE_OK;
}

/* The int8 means of mote_reduce_s8 (requant NULL: the mean of the
 * integers rounded half to even) and mote_mean_s8 (the sum minus the input
 * zero point times the count, requantized). */
static void reduce_mean_s8(int32_t rank, int32_t count, const int32_t *dims,
                           const int32_t *out_strides, const int8_t *input,
                           int8_t *output, const mote_mean_s8_params *requant) {
  /* Sums do not fit in the int8 output's place: 64 outputs at a time get
   * int64 sums (no overflow whatever the count), one walk each. */
  const int64_t n = reduce_outputs(rank, dims, out_strides);
  int64_t sums[64];
  int64_t first, j;
  const mote_requant_channel channel =
      mote_requant_prepare(requant ? requant->output_multiplier : 0,
                           requant ? requant->output_shift : 0);
  for (first = 0; first < n; first += 64) {
    const int64_t last = first + 64 < n ? first + 64 : n;
    for (j = first; j < last; ++j)
      sums[j - first] = 0;
    MOTE_REDUCE_WALK(if (o >= first && o < last) sums[o - first] += input[i]);
    for (j = first; j < last; ++j) {
      int64_t v;
      if (requant)
        /* TFLite sums in int32: the shifted sum wraps as TFLite's does. */
        v = (int64_t)mote_requantize_prepared(
                (int32_t)(uint32_t)(uint64_t)(sums[j - first] +
                                              (int64_t)requant->input_offset *
                                                  count),
                &channel) +
            requant->output_offset;
      else
        v = div_round_half_even(sums[j - first], count);
      output[j] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
  }
}

mote_status mote_mean_s8(const mote_mean_s8_params *p, const int32_t *dims,
                         const int32_t *out_strides, const int8_t *input,
                         int8_t *output) {
  if (!p || !dims || !out_strides || !input || !output || p->rank < 1 ||
      p->rank > 6 || p->count < 1)
    return MOTE_ERROR_ARGUMENT;
  reduce_mean_s8(p->rank, p->count, dims, out_strides, input, output, p);
  return MOTE_OK;
}

mote_status mote_reduce_s8(int32_t kind, int32_t rank, int32_t count,
                           const int32_t *dims, const int32_t *out_strides,
                           const int8_t *input, int8_t *output) {
  int64_t n, j;
  if (!dims || !out_strides || !input || !output || rank < 1 || rank > 6 ||
      count < 1 || kind < MOTE_REDUCE_MEAN || kind > MOTE_REDUCE_MIN)
    return MOTE_ERROR_ARGUMENT;
  if (kind == MOTE_REDUCE_MEAN) {
    reduce_mean_s8(rank, count, dims, out_strides, input, output, NULL);
    return MOTE_OK;
  }
  n = reduce_outputs(rank, dims, out_strides);
  for (j = 0; j < n; ++j)
    output[j] = kind == MOTE_REDUCE_MAX ? -128 : 127;
  if (kind == MOTE_REDUCE_MAX)
    MOTE_REDUCE_WALK(output[o] = input[i] > output[o] ? input[i] : output[o]);
  else
    MOTE_REDUCE_WALK(output[o] = input[i] < output[o] ? input[i] : output[o]);
  return MOTE_OK;
}
