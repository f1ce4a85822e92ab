/*===- mote_train.h - Training microkernels -----------------------*- C -*-===*
 *
 * The kernels a compiled train step calls: the backward of the forward
 * kernels in mote_kernels.h, the fused softmax cross-entropy loss, and
 * optimizer updates of state the caller owns (in the training arena). Same
 * rules as mote_kernels.h: C99, no allocation, no globals, no libm (the
 * runtime's own exp/log/sqrt, so every target computes the same bits when
 * built without floating-point contraction), outputs last.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_TRAIN_H
#define MOTE_TRAIN_H

#include "mote/mote_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sets `bytes` bytes of `output` to zero (optimizer state at start). */
mote_status mote_zero(int32_t bytes, void *output);

/* Error of a convolution's input: the transposed convolution of
 * `grad_output` with `weight`. Shapes are the forward op's. */
mote_status mote_conv2d_backward_input_f32(const mote_conv2d_f32_params *p,
                                           const float *grad_output,
                                           const float *weight,
                                           float *grad_input);

/* Gradient of a convolution's OIHW weight, summed over the batch. */
mote_status mote_conv2d_backward_weight_f32(const mote_conv2d_f32_params *p,
                                            const float *input,
                                            const float *grad_output,
                                            float *grad_weight);

/* grad_input[m][k] = sum_n grad_output[m][n] * weight[n][k]. */
mote_status
mote_fully_connected_backward_input_f32(const mote_fully_connected_f32_params *p,
                                        const float *grad_output,
                                        const float *weight, float *grad_input);

/* grad_weight[n][k] = sum_m grad_output[m][n] * input[m][k]. */
mote_status
mote_fully_connected_backward_weight_f32(const mote_fully_connected_f32_params *p,
                                         const float *input,
                                         const float *grad_output,
                                         float *grad_weight);

/* grad_bias[c] = sum over n and the `inner` positions of grad_output[n][c]. */
mote_status mote_bias_backward_f32(int32_t batch, int32_t channels,
                                   int32_t inner, const float *grad_output,
                                   float *grad_bias);

/* grad_input = grad_output where lo < output < hi, else 0. */
mote_status mote_clamp_backward_f32(int32_t count, float lo, float hi,
                                    const float *grad_output,
                                    const float *output, float *grad_input);

/* Error through an activation, from what the forward pass kept in `value`:
 * kind 0 sigmoid and 1 tanh (their output y: y (1 - y), 1 - y^2), 2 hard
 * sigmoid (its output: `alpha` where 0 < y < 1), 3 hard swish (its input x:
 * 0 below -3, x / 3 + 1/2 up to 3, 1 above, as PyTorch), 4 leaky ReLU (its
 * input: 1 above 0, else `alpha`), 5 GELU (its input: Phi(x) + x phi(x)),
 * 6 GELU's tanh form (its input). */
mote_status mote_activation_backward_f32(int32_t count, int32_t kind,
                                         float alpha, const float *grad_output,
                                         const float *value, float *grad_input);

/* Max pooling: each error goes to the first maximum of its window. */
mote_status mote_max_pool2d_backward_f32(const mote_pool2d_s8_params *p,
                                         const float *grad_output,
                                         const float *input, float *grad_input);

/* Average pooling: each error is spread evenly over its window. */
mote_status mote_avg_pool2d_backward_f32(const mote_pool2d_s8_params *p,
                                         const float *grad_output,
                                         float *grad_input);

/* Mean softmax cross-entropy over `batch` rows of `classes` logits, and its
 * gradient (softmax - onehot) / batch. A label outside [0, classes) is an
 * error (MOTE_ERROR_ARGUMENT), nothing is written. */
mote_status mote_softmax_cross_entropy_f32(int32_t batch, int32_t classes,
                                           const float *logits,
                                           const int32_t *labels, float *loss,
                                           float *grad_logits);

/* Mean over `count` elements of a loss between `output` and `target`, and
 * its gradient with respect to `output` (PyTorch's reduction 'mean'):
 * kind 0 MSE (x - t)^2, 1 L1 |x - t| (gradient 0 where x == t), 2 binary
 * cross-entropy with logits, max(x, 0) - x t + log(1 + exp(-|x|)), whose
 * gradient is (sigmoid(x) - t) / count. */
mote_status mote_elementwise_loss_f32(int32_t count, int32_t kind,
                                      const float *output, const float *target,
                                      float *loss, float *grad_output);

/* p -= lr * (g + weight_decay * p). */
mote_status mote_sgd_update_f32(int32_t count, float lr, float weight_decay,
                                const float *grad, float *param);

/* m = momentum * m + (g + weight_decay * p); p -= lr * m (torch.optim.SGD). */
mote_status mote_sgd_momentum_update_f32(int32_t count, float lr,
                                         float momentum, float weight_decay,
                                         const float *grad, float *param,
                                         float *moment);

/* torch.optim.Adam on one tensor; step[0] counts steps and is incremented
 * first when `increment_step` is set. */
mote_status mote_adam_update_f32(int32_t count, float lr, float beta1,
                                 float beta2, float epsilon,
                                 float weight_decay, int32_t increment_step,
                                 const float *grad, float *param, float *m,
                                 float *v, float *step);

/*===- INT8 training (Octo) ------------------------------------------------===*/

/* Symmetric int8 quantization with run-time scales: `slices` slices of
 * `inner` values, each with scale = clip * max|x| / 127 (1 for an all-zero
 * slice); values beyond clip * max|x| saturate to +-127. Rounds to nearest,
 * or stochastically when `stochastic` is set, drawing from the xorshift32
 * state rng[0] (advanced; never 0). */
mote_status mote_dynamic_quantize_s8(int32_t slices, int32_t inner, float clip,
                                     int32_t stochastic, const float *input,
                                     int8_t *output, float *scale,
                                     int32_t *rng);

/* y[n][o] = (sum x * w) * sx[0] * sw[o] + bias[o], int32 accumulation. */
mote_status mote_int8_conv2d_f32(const mote_conv2d_f32_params *p,
                                 const int8_t *input, const float *input_scale,
                                 const int8_t *weight,
                                 const float *weight_scale, const float *bias,
                                 float *output);

/* Weight gradient from int8 input and error: int32 sums times sx * se. */
mote_status mote_int8_conv2d_backward_weight_f32(
    const mote_conv2d_f32_params *p, const int8_t *input,
    const float *input_scale, const int8_t *grad_output,
    const float *grad_scale, float *grad_weight);

/* Input error from int8 error and weight: int32 sums (accumulated in the
 * output buffer) times se * sw. */
mote_status mote_int8_conv2d_backward_input_f32(
    const mote_conv2d_f32_params *p, const int8_t *grad_output,
    const float *grad_scale, const int8_t *weight, const float *weight_scale,
    float *grad_input);

mote_status mote_int8_fully_connected_f32(
    const mote_fully_connected_f32_params *p, const int8_t *input,
    const float *input_scale, const int8_t *weight, const float *weight_scale,
    const float *bias, float *output);
mote_status mote_int8_fully_connected_backward_weight_f32(
    const mote_fully_connected_f32_params *p, const int8_t *input,
    const float *input_scale, const int8_t *grad_output,
    const float *grad_scale, float *grad_weight);
mote_status mote_int8_fully_connected_backward_input_f32(
    const mote_fully_connected_f32_params *p, const int8_t *grad_output,
    const float *grad_scale, const int8_t *weight, const float *weight_scale,
    float *grad_input);

/* y[n][c][i] = clamp(x * scale[c] + shift[c], lo, hi) (loss-aware
 * compensation). */
mote_status mote_channel_affine_f32(int32_t batch, int32_t channels,
                                    int32_t inner, float lo, float hi,
                                    const float *input, const float *scale,
                                    const float *shift, float *output);

/* Max pooling backward on the int8 copy of the forward input. */
mote_status mote_max_pool2d_backward_s8(const mote_pool2d_s8_params *p,
                                        const float *grad_output,
                                        const int8_t *input, float *grad_input);

/* mote_channel_affine_backward_f32 with the output kept as int8 values
 * times output_scale[0]. */
mote_status mote_channel_affine_backward_s8_f32(
    int32_t batch, int32_t channels, int32_t inner, float lo, float hi,
    float l2, const float *grad_output, const int8_t *output,
    const float *output_scale, const float *scale, const float *shift,
    float *grad_input, float *grad_scale, float *grad_shift);

/* Backward of mote_channel_affine_f32 from its output; adds the L2
 * penalty's gradient l2 * (scale - 1), l2 * shift. */
mote_status mote_channel_affine_backward_f32(
    int32_t batch, int32_t channels, int32_t inner, float lo, float hi,
    float l2, const float *grad_output, const float *output,
    const float *scale, const float *shift, float *grad_input,
    float *grad_scale, float *grad_shift);

/*===- Trained state travelling off and onto the device --------------------===*/

/* Status codes of the state image functions, besides MOTE_OK and
 * MOTE_ERROR_ARGUMENT. */
#define MOTE_ERROR_FORMAT 2 /* not a Mote state image, or another version */
#define MOTE_ERROR_MODEL 3  /* an image of another model or layout */
#define MOTE_ERROR_CORRUPT 4 /* truncated, or the checksum does not match */

/* One tensor of a model's state (the table in the generated header). */
typedef struct {
  const char *name;
  uint32_t offset;   /* bytes from the arena's start */
  uint32_t elements; /* 4-byte elements */
  uint8_t trained;   /* 1: a model tensor, 0: optimizer or generator state */
} mote_state_tensor;

/* The state image: a self-describing, checked copy of a model's state.
 * Little-endian 32-bit words: magic "MOTS", version 1, the layout
 * fingerprint (FNV-1a of the model name and the table), the tensor count,
 * the state bytes, the CRC-32 of the state bytes; then per tensor its
 * name length, name (zero-padded to 4 bytes), offset, elements and trained
 * flag; then the state bytes. `motec weights` turns it into a FlatBuffers
 * file and back. */
uint32_t mote_state_image_bytes(const char *model,
                                const mote_state_tensor *table, int32_t count,
                                uint32_t state_bytes);
mote_status mote_state_export(const char *model,
                              const mote_state_tensor *table, int32_t count,
                              uint32_t state_bytes, const uint8_t *arena,
                              uint8_t *image, uint32_t capacity,
                              uint32_t *size);
/* Checks `image` (format, model, size, checksum) and only then copies its
 * state into the arena. */
mote_status mote_state_import(const char *model,
                              const mote_state_tensor *table, int32_t count,
                              uint32_t state_bytes, uint8_t *arena,
                              const uint8_t *image, uint32_t size);

/* Natural logarithm and square root in plain float arithmetic. */
float mote_logf(float x);
float mote_sqrtf(float x);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_TRAIN_H */
