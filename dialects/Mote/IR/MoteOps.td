//===- MoteOps.td - Mote graph operations -------------------*- tablegen -*-===//
//
// One op per ONNX-level operation. Shapes are static; images are NCHW and
// convolution weights OIHW, as in ONNX. Quantized operands use the upstream
// `quant` dialect's uniform types.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_OPS
#define MOTE_OPS

include "mlir/Dialect/Quant/IR/QuantBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "Mote/IR/MoteBase.td"
include "Mote/IR/MoteInterfaces.td"

//===----------------------------------------------------------------------===//
// Compute ops
//===----------------------------------------------------------------------===//

def Mote_Conv2DOp : Mote_Op<"conv2d", [Pure, Mote_IntegerForm,
    Mote_FusedActivation, DeclareOpInterfaceMethods<Mote_MacCountOpInterface>,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "2-D convolution (grouped, depthwise, strided, dilated)";
  let description = [{
    Convolves an NCHW `input` with an OIHW `weight` (`O` output channels,
    `I = C / group` input channels per group), adds the optional per-channel
    `bias`, then clamps to [`clamp_min`, `clamp_max`] when those are set
    (a fused ReLU or ReLU6). `pads` is `[top, left, bottom, right]`, as
    ONNX orders them.

    Float form: all of `f32`. Quantized form: `input` per-tensor quantized,
    `weight` per-tensor or per-axis (axis 0) quantized with zero point 0,
    `bias` `i32` quantized with scale `input_scale * weight_scale`; the
    result is per-tensor quantized, or raw `i32` accumulators
    (ONNX ConvInteger).

    Example:

    ```mlir
    %y = mote.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>,
                                 strides = array<i64: 2, 2>}
        : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)
        -> tensor<1x16x16x16xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, Mote_Tensor:$weight,
      Optional<Mote_Tensor>:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<I64Attr, "1">:$group,
      OptionalAttr<F32Attr>:$clamp_min,
      OptionalAttr<F32Attr>:$clamp_max);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_ConvTranspose2DOp : Mote_Op<"conv_transpose2d", [Pure,
    Mote_IntegerForm, DeclareOpInterfaceMethods<Mote_MacCountOpInterface>]> {
  let summary = "2-D transposed convolution (grouped, strided, dilated)";
  let description = [{
    The transpose of `mote.conv2d`: every input pixel scatters its
    channels, weighted by the kernel, into a `stride`-spaced window of the
    output, `output[n, g * O + o, iy * s_h - top + ky * d_h, ...] +=
    input[n, g * C + c, iy, ix] * weight[g * C + c, o, ky, kx]`, then the
    optional per-channel `bias` is added. `weight` has ONNX ConvTranspose's
    layout `[C_in, C_out / group, kH, kW]`. `pads` `[top, left, bottom,
    right]` crop the full output; `output_padding` (each below its stride
    or dilation) adds rows and columns at the bottom and right, so the
    output extent is `stride * (in - 1) + output_padding + (k - 1) *
    dilation + 1 - begin - end`.

    Float form: all of `f32`. Quantized form: `input` and the result per
    tensor quantized, `weight` per tensor or per axis along dimension 1
    (its output channels; per axis only when `group` is 1) with zero point
    0, `bias` `i32` quantized with scale `input_scale * weight_scale`.

    Example (a 2x upsampling layer):

    ```mlir
    %y = mote.conv_transpose2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>,
                                           strides = array<i64: 2, 2>,
                                           output_padding = array<i64: 1, 1>}
        : (tensor<1x16x8x8xf32>, tensor<16x8x3x3xf32>, tensor<8xf32>)
        -> tensor<1x8x16x16xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, Mote_Tensor:$weight,
      Optional<Mote_Tensor>:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$output_padding,
      DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_FullyConnectedOp : Mote_Op<"fully_connected", [Pure,
    Mote_IntegerForm, Mote_FusedActivation,
    DeclareOpInterfaceMethods<Mote_MacCountOpInterface>,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Fully-connected layer: input x weight^T + bias";
  let description = [{
    Computes `output[m, n] = sum_k input[m, k] * weight[n, k] + bias[n]`,
    then clamps to [`clamp_min`, `clamp_max`] when set. The weight is stored
    `[N, K]` (ONNX Gemm with `transB = 1`, TFLite FullyConnected), so each
    output channel reads a contiguous row. Quantization rules are those of
    `mote.conv2d`, with the weight's per-axis dimension 0.

    Example:

    ```mlir
    %y = mote.fully_connected %x, %w, %b
        : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>)
        -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, Mote_Tensor:$weight,
      Optional<Mote_Tensor>:$bias,
      OptionalAttr<F32Attr>:$clamp_min,
      OptionalAttr<F32Attr>:$clamp_max);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_MatMulOp : Mote_Op<"matmul", [Pure, Mote_IntegerForm,
    DeclareOpInterfaceMethods<Mote_MacCountOpInterface>,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Batched matrix multiplication with NumPy broadcasting";
  let description = [{
    ONNX MatMul: `lhs [..., M, K]` times `rhs [..., K, N]`; leading batch
    dimensions broadcast. Operands of rank 1 are not accepted (the importer
    reshapes them). Quantized operands give a quantized or `i32` result
    (ONNX QLinearMatMul, MatMulInteger).

    Example:

    ```mlir
    %y = mote.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x3xf32>)
        -> tensor<2x4x3xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$lhs, Mote_Tensor:$rhs);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Mote_BinaryOp<string mnemonic, string operation,
                    list<Trait> traits = []>
    : Mote_Op<mnemonic, !listconcat([Pure, Mote_IntegerForm,
          Mote_FusedActivation,
          DeclareOpInterfaceMethods<Mote_InPlaceOpInterface,
                                    ["getInPlaceOperands"]>], traits)> {
  let summary = "Element-wise " # operation # " with NumPy broadcasting";
  let description = [{
    Element-wise }] # operation # [{ of two tensors whose shapes broadcast as in
    NumPy (and ONNX since opset 7); optional `clamp_min` / `clamp_max` apply
    a fused activation to the result. Quantized operands may have different
    scales; the result's scale is its own.

    Example:

    ```mlir
    %z = mote.}] # mnemonic # [{ %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>)
        -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$lhs, Mote_Tensor:$rhs,
      OptionalAttr<F32Attr>:$clamp_min,
      OptionalAttr<F32Attr>:$clamp_max);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_AddOp : Mote_BinaryOp<"add", "addition",
    [DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]>;
def Mote_SubOp : Mote_BinaryOp<"sub", "subtraction",
    [DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]>;
def Mote_MulOp : Mote_BinaryOp<"mul", "multiplication",
    [DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]>;

def Mote_CompareOp : Mote_Op<"compare", [Pure]> {
  let summary = "Element-wise comparison with NumPy broadcasting";
  let description = [{
    `lhs <predicate> rhs` for each element of the broadcast shape, as ONNX
    Equal, Less, LessOrEqual, Greater and GreaterOrEqual define it:
    `predicate` is `eq`, `lt`, `le`, `gt` or `ge`. The operands are both
    `f32` (a NaN compares false) or both one signed integer type (`i8`,
    `i32`, `i64`, or `i1`, false below true). The `i1` result is stored one
    byte per element (0 or 1). It feeds `mote.where`; the importer also
    builds ONNX's Not, And, Or and Xor from it and `mote.where`.

    Example:

    ```mlir
    %m = mote.compare %x, %t {predicate = "gt"}
        : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xi1>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[F32, I1, I8, I32, I64]>:$lhs,
      StaticShapeTensorOf<[F32, I1, I8, I32, I64]>:$rhs, StrAttr:$predicate);
  let results = (outs StaticShapeTensorOf<[I1]>:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_WhereOp : Mote_Op<"where", [Pure]> {
  let summary = "Element-wise choice between two tensors by a condition";
  let description = [{
    ONNX Where: `condition ? on_true : on_false` for each element of the
    shape the three operands broadcast to (NumPy rules). The values are
    copied, so the two choices and the result have one element type (float,
    one quantized type, an integer type, or bool: ONNX's And and Or of bools
    are choices).

    Example (an attention mask):

    ```mlir
    %y = mote.where %mask, %scores, %neg
        : (tensor<4x4xi1>, tensor<1x4x4xf32>, tensor<f32>) -> tensor<1x4x4xf32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I1]>:$condition,
      StaticShapeTensorOf<[Mote_ElementType, I1]>:$on_true,
      StaticShapeTensorOf<[Mote_ElementType, I1]>:$on_false);
  let results = (outs StaticShapeTensorOf<[Mote_ElementType, I1]>:$output);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

class Mote_UnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Mote_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultShape], traits)> {
  let description = [{
    Element-wise `}] # formula # [{`. Input and result have the same shape;
    both are `f32`, or both quantized (their scales may differ, the integer
    lowering uses a lookup table or a requantization).

    Example:

    ```mlir
    %y = mote.}] # mnemonic # [{ %x : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let results = (outs Mote_Tensor:$output);
  let hasVerifier = 1;
}

def Mote_ReluOp : Mote_UnaryOp<"relu", "max(x, 0)",
    [Mote_IntegerForm, Mote_InPlaceOpInterface, DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Rectified linear unit";
  let arguments = (ins Mote_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_ClampOp : Mote_UnaryOp<"clamp", "min(max(x, min), max)",
    [Mote_IntegerForm, Mote_InPlaceOpInterface, DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Clamp to a closed interval (ONNX Clip, ReLU6)";
  let arguments = (ins Mote_Tensor:$input, F32Attr:$min, F32Attr:$max);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_SigmoidOp : Mote_UnaryOp<"sigmoid", "1 / (1 + exp(-x))",
    [Mote_IntegerForm, Mote_InPlaceOpInterface,
     DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Logistic sigmoid";
  let arguments = (ins Mote_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_HardSigmoidOp : Mote_UnaryOp<"hard_sigmoid",
                                      "max(0, min(1, alpha * x + beta))",
                                      [Mote_IntegerForm, Mote_InPlaceOpInterface,
                                       DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Piecewise-linear sigmoid (ONNX HardSigmoid)";
  let arguments = (ins Mote_Tensor:$input,
      DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
      DefaultValuedAttr<F32Attr, "0.5f">:$beta);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_HardSwishOp : Mote_UnaryOp<"hard_swish",
                                    "x * max(0, min(1, x / 6 + 1 / 2))",
                                    [Mote_IntegerForm, Mote_InPlaceOpInterface,
                                     DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Hard swish (ONNX HardSwish, MobileNetV3)";
  let arguments = (ins Mote_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_TanhOp : Mote_UnaryOp<"tanh", "tanh(x)",
    [Mote_IntegerForm, Mote_InPlaceOpInterface,
     DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Hyperbolic tangent";
  let arguments = (ins Mote_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_LeakyReluOp : Mote_UnaryOp<"leaky_relu", "x >= 0 ? x : alpha * x",
    [Mote_IntegerForm, Mote_InPlaceOpInterface,
     DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Leaky rectified linear unit (ONNX LeakyRelu)";
  let arguments = (ins Mote_Tensor:$input,
      DefaultValuedAttr<F32Attr, "0.01f">:$alpha);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_EluOp : Mote_UnaryOp<"elu",
    "scale * (x > 0 ? x : alpha * (exp(x) - 1))",
    [Mote_IntegerForm, Mote_InPlaceOpInterface]> {
  let summary = "Exponential linear unit (ONNX Elu, and Selu with its scale)";
  let arguments = (ins Mote_Tensor:$input,
      DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
      DefaultValuedAttr<F32Attr, "1.0f">:$scale);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_ErfOp : Mote_UnaryOp<"erf", "erf(x)",
    [Mote_IntegerForm, Mote_InPlaceOpInterface]> {
  let summary = "Gauss error function";
  let arguments = (ins Mote_Tensor:$input);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_GeluOp : Mote_UnaryOp<"gelu",
    "x / 2 * (1 + erf(x / sqrt(2)))",
    [Mote_IntegerForm, Mote_InPlaceOpInterface,
     DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Gaussian error linear unit";
  let extraClassDeclaration = [{
    /// The form with tanh: x / 2 * (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
    bool isTanhApproximation() { return getApproximate() == "tanh"; }
  }];
  let arguments = (ins Mote_Tensor:$input,
      DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Mote_PReluOp : Mote_Op<"prelu", [Pure, Mote_IntegerForm]> {
  let summary = "Parametric rectified linear unit (ONNX PRelu)";
  let description = [{
    `x >= 0 ? x : slope * x`, element-wise, with `slope` broadcast to the
    shape of `input` (unidirectional NumPy broadcasting, as in ONNX; a
    per-channel slope of an NCHW tensor has shape `[C, 1, 1]`). Float form:
    all of `f32`. Quantized form: input, slope and result each quantized
    per tensor (PTQ quantizes a constant slope over its own range).

    Example:

    ```mlir
    %y = mote.prelu %x, %slope : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>)
        -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, Mote_Tensor:$slope);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $slope attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_SoftmaxOp : Mote_UnaryOp<"softmax",
                                  "exp(x - max) / sum(exp(x - max)) along axis",
    [DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Softmax along one axis (ONNX opset 13 semantics)";
  let arguments = (ins Mote_Tensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def Mote_MaxPool2DOp : Mote_Op<"max_pool2d",
    [Pure, Mote_QuantizationTransparent, DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "2-D max pooling over NCHW";
  let description = [{
    Maximum over `kernel` windows; `pads` is `[top, left, bottom, right]`
    and padded positions never win. Quantized input and result must share
    their quantization parameters (max commutes with a monotonic affine map).

    Example:

    ```mlir
    %y = mote.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input,
      DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mote_AvgPool2DOp : Mote_Op<"avg_pool2d", [Pure, Mote_IntegerForm,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "2-D average pooling over NCHW";
  let description = [{
    Mean over `kernel` windows; `pads` is `[top, left, bottom, right]`.
    With `count_include_pad` false (the ONNX default) padded positions are
    left out of the divisor.

    Example:

    ```mlir
    %y = mote.avg_pool2d %x {kernel = array<i64: 8, 8>, strides = array<i64: 8, 8>}
        : (tensor<1x64x8x8xf32>) -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input,
      DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mote_GlobalAvgPoolOp : Mote_Op<"global_avg_pool", [Pure, Mote_IntegerForm,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Mean over all spatial positions of an NCHW tensor";
  let description = [{
    Reduces `[N, C, H, W]` to `[N, C, 1, 1]`.

    Example:

    ```mlir
    %y = mote.global_avg_pool %x : (tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Mote_ReshapeOp : Mote_Op<"reshape", [Pure, Mote_QuantizationTransparent,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Reinterpret a tensor with another static shape";
  let description = [{
    The result type carries the new shape (ONNX Reshape, Flatten, Squeeze
    and Unsqueeze all import to this op). Element count and element type are
    unchanged, so a quantized tensor keeps its parameters.

    Example:

    ```mlir
    %y = mote.reshape %x : (tensor<1x64x1x1xf32>) -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Mote_TransposeOp : Mote_Op<"transpose", [Pure, Mote_QuantizationTransparent,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Permute the dimensions of a tensor";
  let description = [{
    `output.shape[i] = input.shape[perm[i]]`.

    Example:

    ```mlir
    %y = mote.transpose %x {perm = array<i64: 0, 3, 1, 2>}
        : (tensor<1x32x32x3xf32>) -> tensor<1x3x32x32xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Mote_ConcatOp : Mote_Op<"concat", [Pure, Mote_IntegerForm,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Concatenate tensors along one axis";
  let description = [{
    All inputs have the rank and, except along `axis`, the shape of the
    result. Quantized inputs may have different scales (the lowering
    rescales them to the result's).

    Example:

    ```mlir
    %y = mote.concat %a, %b {axis = 1 : i64}
        : (tensor<1x8x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x12x4x4xf32>
    ```
  }];
  let arguments = (ins Variadic<Mote_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mote_SliceOp : Mote_Op<"slice", [Pure, Mote_QuantizationTransparent,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Take a strided window of a tensor";
  let description = [{
    `output[i0, i1, ...] = input[starts[0] + i0 * steps[0], ...]`: one
    start and one non-zero step per dimension (a negative step walks
    backwards from its start, as a reversal such as PyTorch's `flip` does);
    the result's shape gives the window's extent. The ONNX Slice a model
    holds (negative or clamped indices, `axes`) is resolved to this form by
    the importer.

    Example (the second half of the channels):

    ```mlir
    %y = mote.slice %x {starts = array<i64: 0, 24, 0, 0>,
                        steps = array<i64: 1, 1, 1, 1>}
        : (tensor<1x48x8x8xf32>) -> tensor<1x24x8x8xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, DenseI64ArrayAttr:$starts,
      DenseI64ArrayAttr:$steps);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mote_GatherOp : Mote_Op<"gather", [Pure]> {
  let summary = "Pick slices of a tensor by computed indices (a lookup table)";
  let description = [{
    ONNX Gather with indices computed at run time, as an embedding lookup of
    token ids: `output[a..., i..., b...] = data[a..., indices[i...], b...]`
    where `a` runs over the dimensions before `axis` and `b` over those
    after it; the result's shape is the data's with the indices' shape in
    place of `axis`. A negative index counts from the end. An index out of
    `[-n, n)` is an error at run time: the kernel returns
    `MOTE_ERROR_ARGUMENT` and reads nothing out of bounds. The elements are
    copied, so the result has the data's element type (float or quantized).

    Example (a 1000-token vocabulary of 16-element embeddings, 8 tokens):

    ```mlir
    %y = mote.gather %table, %ids {axis = 0 : i64}
        : (tensor<1000x16xf32>, tensor<1x8xi64>) -> tensor<1x8x16xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$data,
      StaticShapeTensorOf<[I32, I64]>:$indices, I64Attr:$axis);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_EmptyOp : Mote_Op<"empty", [Pure]> {
  let summary = "A tensor whose elements are all written before they are read";
  let description = [{
    The destination that a chain of `mote.insert_slice` fills, as
    patch-based inference builds it: a buffer of the memory plan and no
    computation. Reading an element no insert wrote is undefined.

    Example:

    ```mlir
    %d = mote.empty : tensor<1x16x24x24xf32>
    ```
  }];
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "attr-dict `:` type($output)";
}

def Mote_InsertSliceOp : Mote_Op<"insert_slice", [Pure,
    DeclareOpInterfaceMethods<Mote_InPlaceOpInterface, ["getInPlaceOperands"]>]> {
  let summary = "Write a tensor into a window of another";
  let description = [{
    The result is `dest` with the window of `patch`'s shape at `offsets`
    (one per dimension) replaced by `patch`. The memory planner gives the
    result `dest`'s buffer when `dest` dies here, so a chain of inserts
    fills one buffer patch by patch (patch-based inference); otherwise the
    kernel copies `dest` first.

    Example:

    ```mlir
    %r = mote.insert_slice %p into %d {offsets = array<i64: 0, 0, 12, 0>}
        : (tensor<1x16x12x24xf32>, tensor<1x16x24x24xf32>)
        -> tensor<1x16x24x24xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$patch, Mote_Tensor:$dest,
      DenseI64ArrayAttr:$offsets);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = [{
    $patch `into` $dest attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Mote_PadOp : Mote_Op<"pad", [Pure, Mote_QuantizationTransparent,
    DeclareOpInterfaceMethods<Mote_BackwardOpInterface>]> {
  let summary = "Pad a tensor (constant, reflect or edge)";
  let description = [{
    `pads` holds `2 * rank` non-negative amounts: all the begins, then all
    the ends (ONNX order). `mode` is `constant`, `reflect` or `edge`;
    `value` is the constant in the input's real-valued domain.

    Example:

    ```mlir
    %y = mote.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>}
        : (tensor<1x3x8x8xf32>) -> tensor<1x3x10x10xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, DenseI64ArrayAttr:$pads,
      DefaultValuedAttr<StrAttr, "\"constant\"">:$mode,
      DefaultValuedAttr<F32Attr, "0.0f">:$value);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;  let hasFolder = 1;
}

def Mote_ReduceOp : Mote_Op<"reduce", [Pure, Mote_QuantizationTransparent]> {
  let summary = "Mean, maximum or minimum over any axes";
  let description = [{
    Reduces `input` over `axes` (sorted, distinct) by `kind`: `mean`,
    `max` or `min`. The result keeps the input's rank with each reduced
    axis of extent 1 (ONNX's keepdims = 0 is a reshape after it). An int8
    tensor keeps its quantization: max and min pick elements, mean rounds
    the mean of the integers half to even. (A sum is a mean times the
    count, so that its own quantization covers the larger range.) An int8
    mean may also have a result of another quantization, rescaling the sum
    at once as TFLite's MEAN does (mote-fold-qdq makes it so in TFLite's
    numerics, docs/Numerics.md).

    Example (mean over the channels of an NCHW tensor):

    ```mlir
    %y = mote.reduce %x {kind = "mean", axes = array<i64: 1>}
        : (tensor<1x8x4x4xf32>) -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, DenseI64ArrayAttr:$axes,
      StrAttr:$kind);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mote_ResizeOp : Mote_Op<"resize", [Pure, Mote_QuantizationTransparent]> {
  let summary = "Resize the two spatial axes of an NCHW tensor";
  let description = [{
    ONNX Resize (and Upsample) over H and W: each output coordinate maps to
    an input coordinate by `coordinate_transformation_mode` (`half_pixel`,
    `pytorch_half_pixel`, `align_corners`, `asymmetric`,
    `tf_half_pixel_for_nn`) with the per-axis `scales` (output over input,
    as the model gives them: they need not equal the ratio of the extents).
    TFLite's RESIZE_NEAREST_NEIGHBOR rules (`tflite`, `tflite_half_pixel`,
    `tflite_align_corners`, mode `nearest` only) use the ratio of the
    extents instead, in float32 as TFLite does: output row `i` reads
    `floor((i + offset) * in / out)` (offset 0.5 with half pixels, at least
    0), or with aligned corners `round((i) * (in - 1) / (out - 1))`, at
    most `in - 1`.
    `mode = "nearest"` takes the input element that `nearest_mode`
    (`round_prefer_floor`, `round_prefer_ceil`, `floor`, `ceil`) rounds the
    coordinate to; `mode = "linear"` interpolates the two nearest rows and
    columns (bilinear); `mode = "cubic"` the four nearest (bicubic, Keys's
    kernel with coefficient `cubic_coeff_a`; taps outside the input read
    its edge, or with `exclude_outside` are dropped and the rest
    renormalized). An int8 tensor keeps its quantization: nearest copies
    elements, linear and cubic interpolate the integers, round and
    saturate.

    Example (2x bilinear upsampling as PyTorch exports it):

    ```mlir
    %y = mote.resize %x {mode = "linear", scales = array<f32: 2.0, 2.0>}
        : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, DenseF32ArrayAttr:$scales,
      DefaultValuedAttr<StrAttr, "\"nearest\"">:$mode,
      DefaultValuedAttr<StrAttr, "\"half_pixel\"">:$coordinate_transformation_mode,
      DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
      DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
      DefaultValuedAttr<BoolAttr, "false">:$exclude_outside);
  let results = (outs Mote_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Mote_BatchNormOp : Mote_Op<"batch_norm", [Pure]> {
  let summary = "Inference-form batch normalization over channel axis 1";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, each of the four
    parameters `[C]`. `mote-fold-batch-norm` folds it into a preceding
    convolution with constant weights.

    Example:

    ```mlir
    %y = mote.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
           tensor<8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$input, Mote_FloatTensor:$scale,
      Mote_FloatTensor:$bias, Mote_FloatTensor:$mean,
      Mote_FloatTensor:$variance,
      DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon);
  let results = (outs Mote_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mote_LayerNormOp : Mote_Op<"layer_norm", [Pure, Mote_IntegerForm]> {
  let summary = "Layer normalization over the trailing axes";
  let description = [{
    ONNX LayerNormalization: each slice `input[i0, ..., i(axis-1), :, ...]`
    is normalized by its own mean and variance, `(x - mean) / sqrt(var +
    epsilon) * scale + bias`; `scale` and the optional `bias` have the
    normalized axes' shape. With two more results (ONNX's optional
    outputs), the op also returns each slice's `mean` and
    `1 / sqrt(var + epsilon)`, shaped as the input with the normalized
    axes set to 1 (float form only). Quantized form: input and result
    quantized per tensor, `scale` and `bias` still `f32` (the lowering
    folds them into per-column multipliers), no statistics.

    Example (transformer features of 16 tokens by 32 channels):

    ```mlir
    %y = mote.layer_norm %x, %g, %b {axis = 2 : i64}
        : (tensor<1x16x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<1x16x32xf32>
    ```
  }];
  let arguments = (ins Mote_Tensor:$input, Mote_FloatTensor:$scale,
      Optional<Mote_FloatTensor>:$bias, I64Attr:$axis,
      DefaultValuedAttr<F32Attr, "1.0e-5f">:$epsilon);
  let results = (outs Mote_Tensor:$output,
      Variadic<Mote_FloatTensor>:$statistics);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Recurrent layers
//===----------------------------------------------------------------------===//

class Mote_RecurrentOp<string mnemonic, string cell, string gates,
    dag extraOperands, dag extraAttrs, dag resultList>
    : Mote_Op<mnemonic, [Pure, AttrSizedOperandSegments,
                         DeclareOpInterfaceMethods<Mote_MacCountOpInterface>]> {
  let summary = "ONNX " # cell # " layer over a whole sequence";
  let description = [{
    A recurrent layer unrolled over a fixed sequence, in ONNX's layout 0:
    `input` is `[seq, batch, input]`; `weight` `[dirs, G * hidden, input]`
    and `recurrence` `[dirs, G * hidden, hidden]` hold the gates in ONNX's
    order (}] # gates # [{); the optional `bias` is `[dirs, 2 * G * hidden]`
    (input biases, then recurrence biases) and the optional initial states
    `[dirs, batch, hidden]` (zeros when absent). `direction` is `forward`,
    `reverse` or `bidirectional` (2 directions, the second reversed).
    `clip` > 0 bounds the gates' pre-activations to `[-clip, clip]`.
    Activations are ONNX's defaults (sigmoid gates, tanh candidates). The
    LSTM also takes an optional initial cell state and optional peepholes
    `[dirs, 3 * hidden]` (i, o, f).

    Results: `output` `[seq, dirs, batch, hidden]`, every step's hidden
    state, and the last hidden state `[dirs, batch, hidden]` (and for the
    LSTM the last cell state). `weight` and `recurrence` may be int8
    instead of f32, symmetric (zero point 0), per tensor or with a scale per
    row (axis 1), which stores them in a quarter of the bytes; the
    arithmetic then stays float.

    The integer form has int8 weights and an int8 per-tensor `input`;
    `output`, `output_h` and `initial_h` share one int8 per-tensor type
    (the hidden state's); the bias stays f32 (a constant the lowering turns
    into Q3.12), and the LSTM's `initial_c` too, while its `output_c` is
    the int32 cell state in Q0.15 (`!quant.uniform<i32:f32, 3.0517578125E-5>`)
    and it has no peepholes. docs/Numerics.md gives the arithmetic.

    Example (a keyword-spotting GRU of 64 units over 49 frames):

    ```mlir
    %y, %h = mote.gru %x, %w, %r bias %b {linear_before_reset = true}
        : (tensor<49x1x10xf32>, tensor<1x192x10xf32>, tensor<1x192x64xf32>,
           tensor<1x384xf32>) -> (tensor<49x1x1x64xf32>, tensor<1x1x64xf32>)
    ```
  }];
  let arguments = !con((ins Mote_Tensor:$input,
      Mote_Tensor:$weight, Mote_Tensor:$recurrence,
      Optional<Mote_FloatTensor>:$bias,
      Optional<Mote_Tensor>:$initial_h), extraOperands,
      (ins DefaultValuedAttr<StrAttr, "\"forward\"">:$direction,
      DefaultValuedAttr<F32Attr, "0.0f">:$clip), extraAttrs);
  let results = resultList;
  let hasVerifier = 1;
  code recurrentClass = [{
    /// The gates per unit (G) of the cell.
    static constexpr int64_t kGates = }] # !cond(!eq(cell, "LSTM") : "4",
        !eq(cell, "GRU") : "3", true : "1") # [{;
    /// 1 or 2 (bidirectional).
    int64_t getNumDirections() {
      return getDirection() == "bidirectional" ? 2 : 1;
    }
  }];
  let extraClassDeclaration = recurrentClass;
}

def Mote_RnnOp : Mote_RecurrentOp<"rnn", "RNN", "one gate", (ins), (ins),
    (outs Mote_Tensor:$output, Mote_Tensor:$output_h)> {
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence (`bias` $bias^)?
    (`initial_h` $initial_h^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Mote_GruOp : Mote_RecurrentOp<"gru", "GRU", "update z, reset r, hidden h",
    (ins), (ins DefaultValuedAttr<BoolAttr, "false">:$linear_before_reset),
    (outs Mote_Tensor:$output, Mote_Tensor:$output_h)> {
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence (`bias` $bias^)?
    (`initial_h` $initial_h^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Mote_LstmOp : Mote_RecurrentOp<"lstm", "LSTM",
    "input i, output o, forget f, cell c",
    (ins Optional<Mote_FloatTensor>:$initial_c,
         Optional<Mote_FloatTensor>:$peephole), (ins),
    (outs Mote_Tensor:$output, Mote_Tensor:$output_h,
          Mote_Tensor:$output_c)> {
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence (`bias` $bias^)?
    (`initial_h` $initial_h^)? (`initial_c` $initial_c^)?
    (`peephole` $peephole^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Mote_QuantizeOp : Mote_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Quantize f32 to a uniform quantized type (ONNX QuantizeLinear)";
  let description = [{
    `q = saturate(round_half_to_even(x / scale) + zero_point)`, per tensor
    or per axis as the result type says.

    Example:

    ```mlir
    %q = mote.quantize %x : (tensor<1x10xf32>)
        -> tensor<1x10x!quant.uniform<i8:f32, 0.5:-3>>
    ```
  }];
  let arguments = (ins Mote_FloatTensor:$input);
  let results = (outs Mote_QuantTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mote_DequantizeOp : Mote_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Convert a quantized tensor to f32 (ONNX DequantizeLinear)";
  let description = [{
    `x = (q - zero_point) * scale`.

    Example:

    ```mlir
    %x = mote.dequantize %q : (tensor<1x10x!quant.uniform<i8:f32, 0.5:-3>>)
        -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Mote_QuantTensor:$input);
  let results = (outs Mote_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Mote_RequantizeOp : Mote_Op<"requantize",
    [Pure, SameOperandsAndResultShape, Mote_InPlaceOpInterface]> {
  let summary = "Change the quantization parameters of a tensor";
  let description = [{
    Maps each quantized value to the nearest value of the result type:
    `q' = saturate(round((q - zp) * scale / scale') + zp')`, computed with an
    integer multiplier and shift (see docs/Numerics.md). Produced by
    `mote-fold-qdq` for a dequantize/quantize pair with different parameters.

    Example:

    ```mlir
    %r = mote.requantize %q : (tensor<4x!quant.uniform<i8:f32, 0.5>>)
        -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
    ```
  }];
  let arguments = (ins Mote_QuantTensor:$input);
  let results = (outs Mote_QuantTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

include "Mote/IR/MoteTrainOps.td"
include "Mote/IR/MoteSgqOps.td"
include "Mote/IR/MotePassOps.td"

#endif // MOTE_OPS
