//===- MoteTrainOps.td - Mote training operations -----------*- tablegen -*-===//
//
// The backward of the forward ops that trainable CNNs and MLPs use, the
// fused loss, and optimizer updates of mutable model state. They are built
// by the stages of `mote-train-pipeline` from an inference function; shapes follow the
// forward ops' rules (ShapeInference.h), applied to the forward shapes the
// operands and result types carry. Model state (weights, moments) lives in
// upstream `ml_program.global` symbols, which the update ops name.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_TRAIN_OPS
#define MOTE_TRAIN_OPS

include "mlir/IR/SymbolInterfaces.td"

def Mote_Conv2DBackwardInputOp : Mote_Op<"conv2d_backward_input", [Pure]> {
  let summary = "Error of a convolution's input";
  let description = [{
    Given `grad_output`, the error of a `mote.conv2d` result, and the
    convolution's `weight`, computes the error of its input (a transposed
    convolution). The result type is the forward input's type; the window
    attributes are the forward op's.

    Example:

    ```mlir
    %dx = mote.conv2d_backward_input %dy, %w {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x8x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$grad_output, Mote_FloatTensor:$weight,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Mote_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_Conv2DBackwardWeightOp : Mote_Op<"conv2d_backward_weight", [Pure]> {
  let summary = "Gradient of a convolution's weight";
  let description = [{
    Given the forward `input` and `grad_output`, the error of the
    convolution's result, computes the gradient of the OIHW weight, summed
    over the batch. The result type is the weight's type.

    Example:

    ```mlir
    %dw = mote.conv2d_backward_weight %x, %dy {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x4x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<8x4x3x3xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$input, Mote_FloatTensor:$grad_output,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Mote_FloatTensor:$grad_weight);
  let assemblyFormat = [{
    $input `,` $grad_output attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_FullyConnectedBackwardInputOp
    : Mote_Op<"fully_connected_backward_input", [Pure]> {
  let summary = "Error of a fully-connected layer's input";
  let description = [{
    `grad_input[m, k] = sum_n grad_output[m, n] * weight[n, k]`.

    Example:

    ```mlir
    %dx = mote.fully_connected_backward_input %dy, %w
        : (tensor<4x10xf32>, tensor<10x64xf32>) -> tensor<4x64xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$grad_output, Mote_FloatTensor:$weight);
  let results = (outs Mote_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_FullyConnectedBackwardWeightOp
    : Mote_Op<"fully_connected_backward_weight", [Pure]> {
  let summary = "Gradient of a fully-connected layer's weight";
  let description = [{
    `grad_weight[n, k] = sum_m grad_output[m, n] * input[m, k]`.

    Example:

    ```mlir
    %dw = mote.fully_connected_backward_weight %x, %dy
        : (tensor<4x64xf32>, tensor<4x10xf32>) -> tensor<10x64xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$input, Mote_FloatTensor:$grad_output);
  let results = (outs Mote_FloatTensor:$grad_weight);
  let assemblyFormat = [{
    $input `,` $grad_output attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_BiasBackwardOp : Mote_Op<"bias_backward", [Pure]> {
  let summary = "Gradient of a per-channel bias";
  let description = [{
    Sums `grad_output` (`[N, C, ...]`) over every dimension but the channel
    dimension 1: the gradient of the bias of a convolution or
    fully-connected layer.

    Example:

    ```mlir
    %db = mote.bias_backward %dy : (tensor<4x8x6x6xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$grad_output);
  let results = (outs Mote_FloatTensor:$grad_bias);
  let assemblyFormat = [{
    $grad_output attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_ClampBackwardOp : Mote_Op<"clamp_backward",
    [Pure, AllTypesMatch<["grad_output", "output", "grad_input"]>,
     Mote_InPlaceOpInterface]> {
  let summary = "Error through a ReLU, ReLU6 or clamp";
  let description = [{
    Passes `grad_output` where the forward result `output` lies strictly
    inside (`min`, `max`) and gives 0 elsewhere: the backward of `mote.relu`
    (`min = 0`), of ReLU6 and of a layer's fused `clamp_min` / `clamp_max`.
    The forward result decides, so the pre-activation need not be kept.

    Example:

    ```mlir
    %dx = mote.clamp_backward %dy, %y {min = 0.0 : f32}
        : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$grad_output, Mote_FloatTensor:$output,
      OptionalAttr<F32Attr>:$min, OptionalAttr<F32Attr>:$max);
  let results = (outs Mote_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $output attr-dict `:` functional-type(operands, results)
  }];
}

def Mote_ActivationBackwardOp : Mote_Op<"activation_backward",
    [Pure, AllTypesMatch<["grad_output", "value", "grad_input"]>,
     Mote_InPlaceOpInterface]> {
  let summary = "Error through a smooth or piecewise-linear activation";
  let description = [{
    `grad_input = grad_output * f'(x)`, with the derivative computed from
    what the forward pass kept: for `sigmoid`, `tanh` and `hard_sigmoid`
    the forward *output* y (y (1 - y), 1 - y^2, and `alpha` where
    0 < y < 1), for `hard_swish` its *input* x (0 below -3, 1 above 3,
    (2x + 3) / 6 between; PyTorch's convention at the two kinks), for
    `leaky_relu` its input (1 above 0, `alpha` at and below, as PyTorch),
    for `gelu` its input (Phi(x) + x phi(x)) and for `gelu_tanh` its input
    (the derivative of GELU's tanh form).

    Example:

    ```mlir
    %dx = mote.activation_backward %dy, %y {kind = "sigmoid"}
        : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$grad_output, Mote_FloatTensor:$value,
      StrAttr:$kind, DefaultValuedAttr<F32Attr, "0.2f">:$alpha);
  let results = (outs Mote_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $value attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_MaxPool2DBackwardOp : Mote_Op<"max_pool2d_backward", [Pure]> {
  let summary = "Error of a max pooling's input";
  let description = [{
    Routes each element of `grad_output` to the first position of its window
    that holds the window's maximum in the forward `input` (the choice
    PyTorch makes); other positions get 0. Windows that overlap accumulate.
    The input may be the int8 copy INT8 training keeps (max commutes with
    the monotonic quantization).

    Example:

    ```mlir
    %dx = mote.max_pool2d_backward %dy, %x {kernel = array<i64: 2, 2>,
                                            strides = array<i64: 2, 2>}
        : (tensor<1x8x4x4xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$grad_output, Mote_Tensor:$input,
      DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads);
  let results = (outs Mote_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_AvgPool2DBackwardOp : Mote_Op<"avg_pool2d_backward", [Pure]> {
  let summary = "Error of an average pooling's input";
  let description = [{
    Spreads each element of `grad_output` evenly over its window (divided by
    the forward divisor, see `mote.avg_pool2d`). The result type is the
    forward input's. Global average pooling is the window of the whole
    image.

    Example:

    ```mlir
    %dx = mote.avg_pool2d_backward %dy {kernel = array<i64: 8, 8>,
                                        strides = array<i64: 8, 8>}
        : (tensor<1x64x1x1xf32>) -> tensor<1x64x8x8xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$grad_output,
      DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Mote_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_SoftmaxCrossEntropyOp : Mote_Op<"softmax_cross_entropy", [Pure]> {
  let summary = "Mean softmax cross-entropy loss and its gradient";
  let description = [{
    For `logits [N, K]` and class `labels [N]` (`i32`), returns the mean
    over the batch of `-log softmax(logits)[label]` as a one-element tensor,
    and the gradient of that loss with respect to the logits,
    `(softmax(logits) - onehot(label)) / N`: the loss and the start of the
    backward pass in one op, as the two share the softmax.

    Example:

    ```mlir
    %loss, %dlogits = mote.softmax_cross_entropy %logits, %labels
        : (tensor<4x10xf32>, tensor<4xi32>) -> (tensor<1xf32>, tensor<4x10xf32>)
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$logits, StaticShapeTensorOf<[I32]>:$labels);
  let results = (outs Mote_FloatTensor:$loss, Mote_FloatTensor:$grad_logits);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_ElementwiseLossOp : Mote_Op<"elementwise_loss", [Pure,
    AllTypesMatch<["output", "target", "grad_output"]>]> {
  let summary = "Mean regression or binary loss and its gradient";
  let description = [{
    Compares the model's `output` with a `target` of the same shape, element
    by element, and returns the mean over all elements as a one-element
    tensor together with the loss's gradient with respect to `output`, as
    PyTorch's losses with `reduction='mean'` compute them:

    - `mse`: `(x - t)^2`, gradient `2 (x - t) / count` (`F.mse_loss`);
    - `l1`: `|x - t|`, gradient `sign(x - t) / count`, 0 where `x == t`
      (`F.l1_loss`);
    - `bce_with_logits`: the output is a logit, the target a probability:
      `max(x, 0) - x t + log(1 + exp(-|x|))`, gradient
      `(sigmoid(x) - t) / count` (`F.binary_cross_entropy_with_logits`; the
      sigmoid is part of the loss, which stays finite for large logits).

    Example:

    ```mlir
    %loss, %dx = mote.elementwise_loss %x, %t {kind = "mse"}
        : (tensor<4x640xf32>, tensor<4x640xf32>) -> (tensor<1xf32>, tensor<4x640xf32>)
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$output, Mote_FloatTensor:$target,
      StrAttr:$kind);
  let results = (outs Mote_FloatTensor:$loss, Mote_FloatTensor:$grad_output);
  let assemblyFormat = [{
    $output `,` $target attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_SGDUpdateOp : Mote_Op<"sgd_update",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "SGD step (momentum, weight decay) on a state global";
  let description = [{
    Updates the mutable `ml_program.global` named `param` with `gradient`,
    as PyTorch's `torch.optim.SGD` does: `g = gradient + weight_decay * p`;
    with a `momentum_state` global `m`: `m = momentum * m + g` (`m = g` at
    the first step, which a zero-initialized `m` gives), `g = m`; then
    `p = p - lr * g`.

    Example:

    ```mlir
    mote.sgd_update %dw {param = @w, momentum_state = @w_momentum,
                         lr = 0.01 : f32, momentum = 0.9 : f32}
        : tensor<8x4x3x3xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$gradient,
      FlatSymbolRefAttr:$param,
      OptionalAttr<FlatSymbolRefAttr>:$momentum_state,
      F32Attr:$lr,
      DefaultValuedAttr<F32Attr, "0.0f">:$momentum,
      DefaultValuedAttr<F32Attr, "0.0f">:$weight_decay);
  let assemblyFormat = "$gradient attr-dict `:` type($gradient)";
}

def Mote_AdamUpdateOp : Mote_Op<"adam_update",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Adam step on a state global";
  let description = [{
    Updates the mutable `ml_program.global` named `param` with `gradient`, as
    `torch.optim.Adam` does, using the first and second moment globals
    `first_moment` and `second_moment` and the one-element step counter
    global `step` (`f32`; the update with `increment_step` set adds 1 to
    it first, so the parameters of one train step share the count):
    `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
    `p = p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)`.

    Example:

    ```mlir
    mote.adam_update %dw {param = @w, first_moment = @w_m,
                          second_moment = @w_v, step = @step,
                          lr = 0.001 : f32, increment_step = true}
        : tensor<8x4x3x3xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$gradient,
      FlatSymbolRefAttr:$param,
      FlatSymbolRefAttr:$first_moment,
      FlatSymbolRefAttr:$second_moment,
      FlatSymbolRefAttr:$step,
      F32Attr:$lr,
      DefaultValuedAttr<F32Attr, "0.9f">:$beta1,
      DefaultValuedAttr<F32Attr, "0.999f">:$beta2,
      DefaultValuedAttr<F32Attr, "1e-8f">:$epsilon,
      DefaultValuedAttr<F32Attr, "0.0f">:$weight_decay,
      DefaultValuedAttr<BoolAttr, "false">:$increment_step);
  let assemblyFormat = "$gradient attr-dict `:` type($gradient)";
}

//===----------------------------------------------------------------------===//
// INT8 training (Octo)
//===----------------------------------------------------------------------===//

def Mote_DynamicQuantizeOp : Mote_Op<"dynamic_quantize", [Pure,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Symmetric int8 quantization with a run-time scale (PRC)";
  let description = [{
    Quantizes `input` to int8 with a scale computed when it runs:
    `scale = clip * max|x| / 127` over the whole tensor (`axis = -1`, one
    scale) or per slice of dimension 0 (`axis = 0`, weights per output
    channel); values beyond `clip * max|x|` saturate to +-127. A `clip`
    below 1 is the parameterized range clipping (PRC) of INT8 training.
    Rounding is to nearest, or stochastic (`floor(x / scale + u)`, `u`
    uniform in [0, 1)) when `rng` names a one-element `i32` state global
    holding the seeded generator's state, so runs reproduce. An all-zero
    slice gets scale 1.

    Example:

    ```mlir
    %q, %s = mote.dynamic_quantize %x {clip = 0.95 : f32}
        : (tensor<4x8x6x6xf32>) -> (tensor<4x8x6x6xi8>, tensor<1xf32>)
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$input,
      DefaultValuedAttr<F32Attr, "1.0f">:$clip,
      DefaultValuedAttr<I64Attr, "-1">:$axis,
      OptionalAttr<FlatSymbolRefAttr>:$rng);
  let results = (outs StaticShapeTensorOf<[I8]>:$output,
      Mote_FloatTensor:$scale);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Mote_Int8TrainOp<string mnemonic, string summaryText,
                       list<Trait> traits = []>
    : Mote_Op<mnemonic, !listconcat([Pure], traits)> {
  let summary = summaryText;
  let results = (outs Mote_FloatTensor:$result);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_Int8Conv2DOp : Mote_Int8TrainOp<"int8_conv2d",
    "Convolution of int8 tensors with run-time scales, f32 result",
    [DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let description = [{
    The INT8 training forward: `result[n, o] = (sum input * weight) *
    input_scale * weight_scale[o] + bias[o]` with int32 accumulation; the
    operands come from `mote.dynamic_quantize` (input per tensor, weight per
    output channel). Window attributes as `mote.conv2d`.

    Example:

    ```mlir
    %y = mote.int8_conv2d %xq, %sx, %wq, %sw, %b {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<4x1x8x8xi8>, tensor<1xf32>, tensor<8x1x3x3xi8>,
           tensor<8xf32>, tensor<8xf32>) -> tensor<4x8x8x8xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input,
      Mote_FloatTensor:$input_scale, StaticShapeTensorOf<[I8]>:$weight,
      Mote_FloatTensor:$weight_scale, Mote_FloatTensor:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<I64Attr, "1">:$group);
}

def Mote_Int8Conv2DBackwardWeightOp : Mote_Int8TrainOp<
    "int8_conv2d_backward_weight",
    "Weight gradient of a convolution from int8 input and error"> {
  let description = [{
    `result = conv2d_backward_weight(input, grad_output)` computed on int8
    values with int32 accumulation, times `input_scale * grad_scale`.

    Example:

    ```mlir
    %dw = mote.int8_conv2d_backward_weight %xq, %sx, %eq, %se {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<4x1x8x8xi8>, tensor<1xf32>, tensor<4x8x8x8xi8>,
           tensor<1xf32>) -> tensor<8x1x3x3xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input,
      Mote_FloatTensor:$input_scale, StaticShapeTensorOf<[I8]>:$grad_output,
      Mote_FloatTensor:$grad_scale,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<I64Attr, "1">:$group);
}

def Mote_Int8Conv2DBackwardInputOp : Mote_Int8TrainOp<
    "int8_conv2d_backward_input",
    "Input error of a convolution from int8 error and weight"> {
  let description = [{
    `result = conv2d_backward_input(grad_output, weight)` computed on int8
    values with int32 accumulation, times `grad_scale * weight_scale` (both
    one-element: the weight is quantized per tensor for this product).

    Example:

    ```mlir
    %dx = mote.int8_conv2d_backward_input %eq, %se, %wq, %sw {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<4x8x8x8xi8>, tensor<1xf32>, tensor<8x4x3x3xi8>,
           tensor<1xf32>) -> tensor<4x4x8x8xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$grad_output,
      Mote_FloatTensor:$grad_scale, StaticShapeTensorOf<[I8]>:$weight,
      Mote_FloatTensor:$weight_scale,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<I64Attr, "1">:$group);
}

def Mote_Int8FullyConnectedOp : Mote_Int8TrainOp<"int8_fully_connected",
    "Fully-connected layer of int8 tensors with run-time scales",
    [DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let description = [{
    `result[m, n] = (sum_k input[m, k] * weight[n, k]) * input_scale *
    weight_scale[n] + bias[n]`, int32 accumulation.

    Example:

    ```mlir
    %y = mote.int8_fully_connected %xq, %sx, %wq, %sw, %b
        : (tensor<4x64xi8>, tensor<1xf32>, tensor<10x64xi8>, tensor<10xf32>,
           tensor<10xf32>) -> tensor<4x10xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input,
      Mote_FloatTensor:$input_scale, StaticShapeTensorOf<[I8]>:$weight,
      Mote_FloatTensor:$weight_scale, Mote_FloatTensor:$bias);
}

def Mote_Int8FullyConnectedBackwardWeightOp : Mote_Int8TrainOp<
    "int8_fully_connected_backward_weight",
    "Weight gradient of a fully-connected layer from int8 operands"> {
  let description = [{
    `result[n, k] = (sum_m grad_output[m, n] * input[m, k]) * input_scale *
    grad_scale`, int32 accumulation.

    Example:

    ```mlir
    %dw = mote.int8_fully_connected_backward_weight %xq, %sx, %eq, %se
        : (tensor<4x64xi8>, tensor<1xf32>, tensor<4x10xi8>, tensor<1xf32>)
        -> tensor<10x64xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$input,
      Mote_FloatTensor:$input_scale, StaticShapeTensorOf<[I8]>:$grad_output,
      Mote_FloatTensor:$grad_scale);
}

def Mote_Int8FullyConnectedBackwardInputOp : Mote_Int8TrainOp<
    "int8_fully_connected_backward_input",
    "Input error of a fully-connected layer from int8 operands"> {
  let description = [{
    `result[m, k] = (sum_n grad_output[m, n] * weight[n, k]) * grad_scale *
    weight_scale`, int32 accumulation, per-tensor scales.

    Example:

    ```mlir
    %dx = mote.int8_fully_connected_backward_input %eq, %se, %wq, %sw
        : (tensor<4x10xi8>, tensor<1xf32>, tensor<10x64xi8>, tensor<1xf32>)
        -> tensor<4x64xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I8]>:$grad_output,
      Mote_FloatTensor:$grad_scale, StaticShapeTensorOf<[I8]>:$weight,
      Mote_FloatTensor:$weight_scale);
}

def Mote_ChannelAffineOp : Mote_Op<"channel_affine",
    [Pure, Mote_InPlaceOpInterface, DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Per-channel scale and shift (loss-aware compensation)";
  let description = [{
    `output[n, c, ...] = clamp(input[n, c, ...] * scale[c] + shift[c])`:
    the loss-aware compensation (LAC) term INT8 training puts after each
    quantized convolution or fully-connected layer, trained by the task loss
    to absorb the systematic error of the integer forward. The layer's
    fused activation moves here (`clamp_min`, `clamp_max`).

    Example:

    ```mlir
    %y = mote.channel_affine %x, %scale, %shift {clamp_min = 0.0 : f32}
        : (tensor<4x8x6x6xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8x6x6xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$input, Mote_FloatTensor:$scale,
      Mote_FloatTensor:$shift, OptionalAttr<F32Attr>:$clamp_min,
      OptionalAttr<F32Attr>:$clamp_max);
  let results = (outs Mote_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $shift attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_ChannelAffineBackwardOp : Mote_Op<"channel_affine_backward",
    [Pure, Mote_InPlaceOpInterface]> {
  let summary = "Backward of a channel affine (LAC) with its L2 penalty";
  let description = [{
    Given the error of a `mote.channel_affine` result and that result
    `output`, returns the error of its input (`grad * scale` where the
    output lies strictly inside the clamp bounds, else 0) and the gradients
    of `scale` and `shift`. The input is recovered as
    `(output - shift) / scale` where it matters, so the forward need not
    keep it. `l2` adds the penalty's gradient `l2 * (scale - 1)` and
    `l2 * shift`, which holds the term near the identity. INT8 training
    keeps the output as int8 with its one-element `output_scale` (the value
    is `output * output_scale`), a quarter of the float's memory.

    Example:

    ```mlir
    %dx, %dscale, %dshift = mote.channel_affine_backward %dy, %y, %scale, %shift
        {clamp_min = 0.0 : f32, l2 = 1.0e-4 : f32}
        : (tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
        -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$grad_output, Mote_Tensor:$output,
      Mote_FloatTensor:$scale, Mote_FloatTensor:$shift,
      Optional<Mote_FloatTensor>:$output_scale,
      OptionalAttr<F32Attr>:$clamp_min, OptionalAttr<F32Attr>:$clamp_max,
      DefaultValuedAttr<F32Attr, "0.0f">:$l2);
  let results = (outs Mote_FloatTensor:$grad_input,
      Mote_FloatTensor:$grad_scale, Mote_FloatTensor:$grad_shift);
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // MOTE_TRAIN_OPS
