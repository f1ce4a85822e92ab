//===- Passes.td - Mote graph transforms --------------------*- tablegen -*-===//

#ifndef MOTE_TRANSFORMS_PASSES
#define MOTE_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def MoteFoldBatchNorm : Pass<"mote-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Fold inference batch normalization into convolutions";
  let description = [{
    A `mote.batch_norm` whose input is a float `mote.conv2d` with constant
    weight (and bias) and no other user becomes part of that convolution:
    `w' = w * s`, `b' = (b - mean) * s + beta` with
    `s = gamma / sqrt(var + epsilon)` per output channel. Any other batch
    normalization with constant parameters becomes a `mote.mul` and a
    `mote.add` by per-channel constants, so no later pass sees the op.

    A `mote.mul` or `mote.add` of a conv's result by a constant that varies
    at most along the channel axis (`[C, 1, 1]`, `[1, C, 1, 1]`, a scalar)
    is a per-channel affine map too and folds the same way (PyTorch's QAT
    export writes each ConvBn module as conv / factor + bias before the
    batch norm; the three fold in turn).

    The QAT form, where the conv reads dequantized int8 weights and the
    batch normalization was left unfused, folds too: each channel's weight
    scale is multiplied by |gamma / sqrt(var + epsilon)| (integers negated
    where the factor is negative: exact for per-channel weights), and the
    folded bias stays a float constant, which `mote-fold-qdq` quantizes to
    int32 at input scale x weight scale once every fold is done.

    Before:

    ```mlir
    %c = mote.conv2d %x, %w, %b : ...
    %y = mote.batch_norm %c, %gamma, %beta, %mean, %var : ...
    ```

    After:

    ```mlir
    %y = mote.conv2d %x, %w_folded, %b_folded : ...
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect", "::mote::MoteDialect"];
}

def MoteFormFullyConnected : Pass<"mote-form-fully-connected",
                                  "mlir::func::FuncOp"> {
  let summary = "A float MatMul by a constant, plus a bias, becomes a layer";
  let description = [{
    `mote.matmul` of a float `x [M, K]` by a constant `w [K, N]` becomes
    `mote.fully_connected` with the weight transposed to `[N, K]`, and a
    following `mote.add` of a constant `[N]` or `[1, N]` (either operand)
    becomes its bias, when the layer has no other user. This is how
    exporters write a linear layer coded as `x @ w + b` (ONNX MatMul +
    Add): as a layer it is quantized per channel, runs on the layer
    kernels and trains like a Gemm. Batched or quantized matmuls and
    products of two activations stay `mote.matmul`.

    Before:

    ```mlir
    %h = mote.matmul %x, %w : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
    %y = mote.add %h, %b : (tensor<2x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
    ```

    After:

    ```mlir
    %y = mote.fully_connected %x, %w_t, %b
        : (tensor<2x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<2x5xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def MoteFuseActivations : Pass<"mote-fuse-activations", "mlir::func::FuncOp"> {
  let summary = "Fuse ReLU and clamp into the producing conv, FC or add";
  let description = [{
    `mote.relu` and `mote.clamp` whose operand is the only use of a
    `mote.conv2d`, `mote.fully_connected`, `mote.add`, `mote.sub` or
    `mote.mul` become that op's `clamp_min` / `clamp_max` (intersected with
    a clamp it already has). Types must match: the activation's result type
    replaces the producer's.

    Before:

    ```mlir
    %c = mote.conv2d %x, %w, %b : ...
    %y = mote.relu %c : ...
    ```

    After:

    ```mlir
    %y = mote.conv2d %x, %w, %b {clamp_min = 0.0 : f32} : ...
    ```

    It also recognizes GELU as exporters write it without a Gelu op (ONNX
    before opset 20): `x * 0.5 * (1 + erf(x / sqrt(2)))`, the three factors
    multiplied in any order and the division imported as a multiplication,
    becomes one `mote.gelu %x` (one lookup table in int8 instead of five
    ops) when the intermediate values have no other use.
  }];
}

def MoteFoldQDQ : Pass<"mote-fold-qdq", "mlir::func::FuncOp"> {
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
  let summary = "Turn dequantize -> float op -> quantize chains into integer ops";
  let description = [{
    Rewrites the QDQ form that ONNX quantizers emit into ops on quantized
    tensors:

    - `quantize(op(dequantize(a), dequantize(b), ...))`, where `op` is a
      conv, fully-connected, matmul, element-wise or pooling op whose result
      has no other user, becomes `op(a, b, ...)` with the quantize's result
      type (biases must be i32 with scale input x weight; a float constant
      bias, as QAT exports leave it, is quantized to that first);
    - data movement (`reshape`, `transpose`, `max_pool2d`) of a dequantized
      tensor moves below the dequantize, keeping the integer domain;
    - `quantize(dequantize(x))` is `x` when the types agree and a
      `mote.requantize` when they differ.
    - in TFLite's numerics (the module's `mote.numerics = "tflite"`), a
      softmax to TFLite's int8 output (scale 1/256, zero point -128)
      becomes an int8 softmax, and a requantize after a mean (also through
      a reshape) merges into the mean, which rescales its sum once.
    - then, a per-axis `dequantize` of a constant that is left (a
      per-channel weight read by a float op, as at a float cut of a QDQ
      model) becomes a float constant.

    Before:

    ```mlir
    %a = mote.dequantize %x : ...
    %w = mote.dequantize %wq : ...
    %b = mote.dequantize %bq : ...
    %c = mote.conv2d %a, %w, %b : (tensor<...xf32>, ...) -> tensor<...xf32>
    %q = mote.quantize %c : ...
    ```

    After:

    ```mlir
    %q = mote.conv2d %x, %wq, %bq : (tensor<...x!quant.uniform<i8:f32, ...>>, ...)
        -> tensor<...x!quant.uniform<i8:f32, ...>>
    ```
  }];
}

def MoteQuantize : Pass<"mote-quantize", "mlir::func::FuncOp"> {
  let summary = "Quantize a float graph to int8 from calibrated ranges";
  let description = [{
    Post-training quantization of a float graph whose tensors carry
    calibrated ranges (`mote.range = array<f32: min, max>` on the producing
    op, one pair per result for an op of several results, or on a function
    argument; `motec compile --quantize=int8` sets them from calibration
    runs). The result is the QDQ form that
    `mote-fold-qdq` turns into integer ops:

    - every float activation that an op with an integer kernel reads or
      writes (conv, fully-connected, add, sub, mul, pooling, concat,
      activations, data movement) is wrapped in `mote.quantize` /
      `mote.dequantize` with a per-tensor int8 type covering its range
      (and 0); data movement (reshape, transpose, max pool, pad) shares its
      input's type;
    - conv and fully-connected weights become per-channel symmetric int8
      constants (axis 0, range -127..127), biases int32 at scale
      input x weight;
    - float constants read by add, sub, mul or concat become per-tensor
      int8 constants over their own range;
    - concat inputs produced only for the concat take the concat's range;
      other inputs are requantized to it.

    Ops without an integer kernel (softmax, matmul, ...) keep float
    tensors between a dequantize and the next quantize. A tensor an integer
    kernel reads without a range is an error.

    Before:

    ```mlir
    %y = mote.conv2d %x, %w, %b {mote.range = array<f32: 0.0, 6.0>} : ...
    ```

    After:

    ```mlir
    %q = mote.quantize %x : ... -> tensor<...x!quant.uniform<i8:f32, ...>>
    %xd = mote.dequantize %q : ...
    %wd = mote.dequantize %wq : (tensor<...x!quant.uniform<i8:f32:0, {...}>>) -> ...
    %bd = mote.dequantize %bq : (tensor<...x!quant.uniform<i32:f32:0, {...}>>) -> ...
    %y = mote.conv2d %xd, %wd, %bd {mote.range = array<f32: 0.0, 6.0>} : ...
    %yq = mote.quantize %y : ...
    %yd = mote.dequantize %yq : ...
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

// The train step is built in four stages, which `mote-train-pipeline` runs
// in order: promote trainable state, (int8) the Octo rewrite, autodiff,
// optimizer insertion. Each leaves IR the next one reads (globals marked
// `mote.trained`, the `mote.int8_training` module attribute, gradient
// results marked `mote.gradient_of`), so each can be run and tested alone.

def MotePromoteTrainableState
    : Pass<"mote-promote-trainable-state", "mlir::ModuleOp"> {
  let summary = "Make the trained weights and biases mutable model state";
  let description = [{
    First stage of training. The module holds one float inference function
    `@f`. The weights and biases of the trained conv and fully-connected
    layers (`train-layers`) become mutable `ml_program.global` state marked
    `mote.trained` (named `l<i>_weight` / `l<i>_bias` after the layer's
    position, with `mote.source` naming its ONNX node and `mote.role` the
    tensor's role, which weight write-back reads), and `@f` reads them with
    `ml_program.global_load`, so inference sees the trained values. Frozen
    layers keep their constants (flash).

    Before:

    ```mlir
    func.func @f(%x: tensor<4x16xf32>) -> tensor<4x10xf32> {
      %w = arith.constant dense<...> : tensor<10x16xf32>
      %y = mote.fully_connected %x, %w : ...
      return %y : tensor<4x10xf32>
    }
    ```

    After:

    ```mlir
    ml_program.global private mutable @l0_weight(dense<...>) {mote.trained, mote.role = "weight"} : tensor<10x16xf32>
    func.func @f(%x: tensor<4x16xf32>) -> tensor<4x10xf32> {
      %w = ml_program.global_load @l0_weight : tensor<10x16xf32>
      %y = mote.fully_connected %x, %w : ...
      return %y : tensor<4x10xf32>
    }
    ```
  }];
  let options = [
    Option<"trainLayers", "train-layers", "std::string", /*default=*/"\"all\"",
           "Trained tensors: all, last:K (the last K conv/FC layers), or bias "
           "(every bias only)">
  ];
  let dependentDialects = ["::mlir::ml_program::MLProgramDialect"];
}

def MoteOctoRewrite : Pass<"mote-octo-rewrite", "mlir::ModuleOp"> {
  let summary = "INT8 training (Octo): int8 products in every layer";
  let description = [{
    Second stage of INT8 training, after `mote-promote-trainable-state`:
    every conv and fully-connected layer of the inference function computes
    on int8. Its input (per tensor) and weight (per output channel) pass
    through `mote.dynamic_quantize` with the PRC clip,
    `mote.int8_conv2d` / `mote.int8_fully_connected` accumulate in int32 and
    dequantize, and, for a layer whose weight trains, a `mote.channel_affine`
    (LAC: a trained per-channel scale and shift, state `l<i>_lac_scale` /
    `l<i>_lac_shift`) carries the fused activation. An int8 copy of each
    layer output (`mote.saved`) is what the backward pass reads, so the
    float output dies with its forward consumers.

    How the backward quantizes errors (PRC clip, the stochastic-rounding
    generator state `@rng_state`, the LAC L2 penalty) is recorded in the
    module's `mote.int8_training` dictionary, which `mote-autodiff` reads.

    Before: `%y = mote.conv2d %x, %w, %b {clamp_min = 0.0 : f32}`.

    After:

    ```mlir
    %xq, %sx = mote.dynamic_quantize %x {axis = -1, clip = 0.95} : ...
    %wq, %sw = mote.dynamic_quantize %w {axis = 0, clip = 0.95} : ...
    %a = mote.int8_conv2d %xq, %sx, %wq, %sw, %b : ...
    %y = mote.channel_affine %a, %scale, %shift {clamp_min = 0.0 : f32} : ...
    %yq, %sy = mote.dynamic_quantize %y {axis = -1, clip = 1.0, mote.saved} : ...
    ```
  }];
  let options = [
    Option<"prc", "prc", "double", /*default=*/"0.95",
           "Parameterized range clipping: the fraction of the observed range "
           "of activations, weights and errors kept before quantizing (1 "
           "disables)">,
    Option<"lac", "lac", "bool", /*default=*/"true",
           "Loss-aware compensation: a trained per-channel scale and shift "
           "after each trained quantized layer">,
    Option<"lacL2", "lac-l2", "double", /*default=*/"1e-4",
           "L2 penalty holding the LAC terms near the identity">,
    Option<"stochasticRounding", "stochastic-rounding", "bool",
           /*default=*/"true",
           "Round errors stochastically (seeded, reproducible)">,
    Option<"seed", "seed", "unsigned", /*default=*/"1",
           "Seed of the stochastic rounding generator">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::ml_program::MLProgramDialect"];
}

def MoteAutodiff : Pass<"mote-autodiff", "mlir::ModuleOp"> {
  let summary = "Build the loss and the gradients of the trained state";
  let description = [{
    Third stage of training: reverse-mode automatic differentiation over the
    dialect. The inference function `@f` has one result, the f32 logits
    `[N, K]`, optionally followed by a softmax (which belongs to the loss
    and is left out). A second function

    `@f_train_step(inputs..., labels: tensor<Nxi32>) -> (tensor<1xf32>,
    gradients...)`

    replays the forward pass, applies the fused `mote.softmax_cross_entropy`
    to the logits and, visiting the forward ops in reverse order, asks each
    op's `BackwardOpInterface` for the errors of its operands: errors flow
    only as far back as trained state, errors of values with several users
    are summed. It returns the loss and the gradient of every `mote.trained`
    global the forward pass reads, in the order it reads them, each result
    marked `mote.gradient_of = @global`. A trained tensor that does not
    reach the loss, or an op on the path without a backward rule, is an
    error. With the `mote.int8_training` module attribute (from
    `mote-octo-rewrite`) the int8 layers' backward quantizes the errors as
    it says.

    With `seed=bce`, `mse` or `l1` the result may have any shape: the
    train step takes `targets` of the result's type in place of the labels
    and starts the error with `mote.elementwise_loss` (binary cross-entropy
    with logits, mean squared or mean absolute error). For `bce` a final
    `mote.sigmoid` belongs to the loss and is left out, as the softmax is
    for the cross-entropy.

    With `seed=output-gradient` there is no loss: the train step takes the
    gradient of `@f`'s one result (f32, of its type) as its last argument,
    `output_gradient`, in place of the labels, and returns the gradients
    only. This is the device half of split learning, whose loss is on the
    server (`motec compile --split-at --train`).

    After, for one fully-connected layer:

    ```mlir
    func.func @f_train_step(%x: tensor<4x16xf32>, %labels: tensor<4xi32>)
        -> (tensor<1xf32>, tensor<10x16xf32> {mote.gradient_of = @l0_weight}) {
      %w = ml_program.global_load @l0_weight : tensor<10x16xf32>
      %y = mote.fully_connected %x, %w : ...
      %loss, %dy = mote.softmax_cross_entropy %y, %labels : ...
      %dw = mote.fully_connected_backward_weight %x, %dy : ...
      return %loss, %dw : tensor<1xf32>, tensor<10x16xf32>
    }
    ```
  }];
  let options = [
    Option<"seed", "seed", "std::string", /*default=*/"\"softmax-cross-entropy\"",
           "Where the error starts: softmax-cross-entropy (a loss on the "
           "logits and labels), bce, mse or l1 (element-wise losses against "
           "targets), or output-gradient (a given gradient of the result)">
  ];
  let dependentDialects = ["::mlir::ml_program::MLProgramDialect"];
}

def MoteInsertOptimizer
    : Pass<"mote-insert-optimizer", "mlir::ModuleOp"> {
  let summary = "Turn gradient results into optimizer updates of the state";
  let description = [{
    Last stage of training: in each function whose results carry
    `mote.gradient_of` (from `mote-autodiff`), every such result becomes a
    `mote.sgd_update` or `mote.adam_update` of the global it names, after
    every gradient has been computed (the backward pass reads the weights
    as the forward pass saw them), and leaves the signature. Optimizer state
    (momentum, Adam moments, the Adam step count `@adam_step`) is further
    zero-initialized mutable globals.

    Before: `return %loss, %dw : tensor<1xf32>, tensor<10x16xf32>` with
    `%dw` marked `mote.gradient_of = @l0_weight`.

    After:

    ```mlir
    mote.sgd_update %dw {lr = 1.000000e-02 : f32, param = @l0_weight}
        : tensor<10x16xf32>
    return %loss : tensor<1xf32>
    ```
  }];
  let options = [
    Option<"optimizer", "optimizer", "::mote::OptimizerKind",
           /*default=*/"::mote::OptimizerKind::SGD", "The update rule",
           [{::llvm::cl::values(
               clEnumValN(::mote::OptimizerKind::SGD, "sgd",
                          "SGD with optional momentum and weight decay"),
               clEnumValN(::mote::OptimizerKind::Adam, "adam", "Adam"))}]>,
    Option<"lr", "lr", "double", /*default=*/"0.01", "Learning rate">,
    Option<"momentum", "momentum", "double", /*default=*/"0.0",
           "SGD momentum">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"0.0",
           "L2 weight decay added to the gradient">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9", "Adam beta1">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999", "Adam beta2">,
    Option<"epsilon", "epsilon", "double", /*default=*/"1e-8", "Adam epsilon">
  ];
  let dependentDialects = ["::mlir::ml_program::MLProgramDialect"];
}

def MoteStripQuantization
    : Pass<"mote-strip-quantization", "mlir::ModuleOp"> {
  let summary = "Turn a QDQ model back into its float graph";
  let description = [{
    What `motec --precision=fp32` runs on a quantized model:
    `dequantize(constant)` becomes the float constant it denotes (per
    tensor or per axis) and `dequantize(quantize(x))` becomes `x`, so the
    graph computes in float. An op that still computes on quantized values
    afterwards (an integer operator form) has no float form: it is reported
    and the pass fails.

    Before:

    ```mlir
    %q = mote.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
    %d = mote.dequantize %q : (...) -> tensor<4xf32>
    %y = mote.relu %d : (tensor<4xf32>) -> tensor<4xf32>
    ```

    After: `%y = mote.relu %x`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def MoteSplitAt : Pass<"mote-split-at", "mlir::ModuleOp"> {
  let summary = "Cut a model at a named tensor into a device and a server "
                "function joined by SGQ";
  let description = [{
    Split (edge-cloud) computing: the module holds one model function `@f`
    (as imported, before `mote-graph-pipeline`). The pass finds the result
    named `tensor` (the ONNX tensor name the importer recorded) and replaces
    `@f` by two functions:

    - `@f_device_forward(inputs..., %sequence: tensor<1xi32>)
      -> (packet: tensor<CAPxi8>, packet_bytes: tensor<1xi32>)`: every op
      the cut depends on, then `mote.sgq_encode` of the cut. CAP is the
      codec's worst-case packet size for the cut's shape. With
      `runtime-grouping` it also takes `%grouping_id: tensor<1xi32>` and
      `%grouping: tensor<(C + G)xi16>`, which the encoder reads.
    - `@f_server(packet, packet_bytes) -> (outputs...)`: `mote.sgq_decode`,
      a `mote.quantize` back to the cut's type when it is int8, then every
      op after the cut.

    With `samples=K` (a model whose inputs, cut and outputs have batch 1),
    every input and output gets a leading dimension of K: the device runs
    its ops once per sample (constants shared) and encodes the K features
    of the cut, concatenated on the batch axis, in one packet, which
    amortizes the packet's fixed header; the server decodes the K samples
    and runs the rest on each.

    The module's `mote.model` attribute keeps `@f`'s name, so the device's
    C entry point is `<name>_device_forward`. A tensor that is
    not a cut (another value computed before it, or a model input, is also
    used after it) is refused naming both tensors. The grouping is
    `permutation` and `group-ends` when given (the driver computes them
    from calibration features), otherwise `groups` equal groups in channel
    order.

    Example: `mote-opt --mote-split-at="tensor=a1 bits=4 groups=2"`.
  }];
  let options = [
    Option<"tensor", "tensor", "std::string", /*default=*/"",
           "ONNX name of the tensor to cut at">,
    Option<"bits", "bits", "int64_t", /*default=*/"4",
           "Bits per coded element: 2, 4 or 8">,
    Option<"stripe", "stripe", "int64_t", /*default=*/"0",
           "Elements per stripe (0: 256 / bits)">,
    Option<"groups", "groups", "int64_t", /*default=*/"1",
           "Equal channel groups when no group-ends are given">,
    Option<"rounding", "rounding", "std::string", /*default=*/"\"nearest\"",
           "nearest or stochastic">,
    Option<"groupingId", "grouping-id", "int64_t", /*default=*/"0",
           "Id of the grouping the packets name">,
    ListOption<"permutation", "permutation", "int64_t",
               "Channel order: position p holds channel permutation[p]">,
    ListOption<"groupEnds", "group-ends", "int64_t",
               "End position of each group in the channel order">,
    Option<"embedGrouping", "embed-grouping", "bool", /*default=*/"false",
           "Carry the grouping in every packet">,
    Option<"runtimeGrouping", "runtime-grouping", "bool", /*default=*/"false",
           "The device forward takes the grouping as arguments (grouping_id, "
           "grouping: the permutation then the group ends, i16), so a "
           "server's grouping message can replace the compiled one">,
    Option<"samples", "samples", "int64_t", /*default=*/"1",
           "Samples per packet: the device forward takes this many samples "
           "(stacked on the batch axis of a batch-1 model) and encodes their "
           "features in one packet; the server decodes and runs each">
  ];
}

def MotePatchInference : Pass<"mote-patch-inference", "mlir::ModuleOp"> {
  let summary = "Compute a span of spatial layers patch by patch (MCUNetV2)";
  let description = [{
    Patch-based inference for peak memory. The span is the longest chain of
    NCHW layers (`mote.conv2d`, `mote.max_pool2d`, `mote.avg_pool2d` and
    element-wise activations), each result feeding only the next layer,
    that ends at the ONNX tensor `tensor`. Its output is split into a
    `grid` of ROWS x COLS patches, as equal as possible; each patch is
    computed from the input region it needs through every layer of the
    span: per layer, output rows [y0, y1) read input rows
    [y0 * stride - pad_top, (y1 - 1) * stride - pad_top +
    (kernel - 1) * dilation + 1), clipped to the image, and keep as padding
    only the part of the layer's own padding that lies outside the image.
    The patch starts with a `mote.slice` of the span's input and ends in a
    `mote.insert_slice` into one `mote.empty` destination, which the memory
    planner lets the inserts fill in place. Every output element is
    computed by the same kernels from the same inputs, so the result is
    bit-identical to the dense span; the overlapping halos are computed
    more than once (more MACs), while the planner now sees only per-patch
    tensors.

    Example: `mote-opt --mote-patch-inference="tensor=x4 grid=2,2"`.
  }];
  let options = [
    Option<"tensor", "tensor", "std::string", /*default=*/"",
           "ONNX name of the span's last tensor">,
    ListOption<"grid", "grid", "int64_t", "Patches: rows,cols">
  ];
}

def MotePassSkip : Pass<"mote-pass-skip", "mlir::ModuleOp"> {
  let summary = "Skip unchanged tiles of a span from frame to frame (PASS)";
  let description = [{
    PASS, the patch skip scheme for video. The span is found as by
    `mote-patch-inference` (ending at the ONNX tensor `tensor`), less its
    leading element-wise layers up to its first int8 tensor, the region
    input. The span is computed tile by tile on a `grid` of its output, as
    patch-based inference does (each tile from its input region through
    every layer), but each tile is stored into a cache in the model's state
    (`mote.pass_store`) and the span's output reads the cache. A
    `mote.pass_gate` before the tiles compares the region input with the
    reference kept in the state in cells of `cell` pixels and marks the
    tiles whose input region covers a changed cell; every op of the other
    tiles carries `mote.pass_tile` and does not run, so their cached
    results stay. With `threshold` 0 a tile is skipped only when its whole
    input region equals what it was computed from, so the output is
    bit-identical to the dense model on every frame; above 0, change below
    the threshold accumulates per cell until it crosses it.

    A recomputed tile is stored (`mote.pass_store`) only if it differs
    from its cached value by more than `store-threshold` (a sum of absolute
    differences per cell's worth of the region input's elements, scaled to
    the tile's elements); its flag then says whether it changed.

    With several tensors, the spans form a chain: each later span starts
    at the cached output of the span before and ends at its tensor. Its
    tiles are gated by `mote.pass_propagate` from the tiles of the span
    before that changed (the rest of its input is as cached), so each span
    recomputes the halo of its own few layers only, not of all of them.
    Both thresholds at 0 keep every output bit-identical to the dense
    model's.

    The state globals are `@pass_reference`, `@pass_cells`,
    `@pass_counters`, and per span `@pass_tiles<k>` and `@pass_cache<k>`;
    a fresh state (zeroed, frame count 0) recomputes every tile.

    Example: `mote-opt --mote-pass-skip="tensor=x2,x4 grid=4,4 cell=8,8"`.
  }];
  let options = [
    ListOption<"tensors", "tensor", "std::string",
               "ONNX names of the last tensors of the chain's spans">,
    ListOption<"grid", "grid", "int64_t", "Output tiles: rows,cols">,
    ListOption<"cell", "cell", "int64_t",
               "Gate cells in pixels of the region input: rows,cols "
               "(default 8,8)">,
    Option<"threshold", "threshold", "int64_t", /*default=*/"0",
           "Sum of absolute int8 differences above which a cell changed">,
    Option<"storeThreshold", "store-threshold", "int64_t", /*default=*/"0",
           "The same for a recomputed tile against its cache, per cell's "
           "worth of elements">
  ];
  let dependentDialects = ["mlir::ml_program::MLProgramDialect",
                           "mlir::quant::QuantDialect"];
}

def MoteVerifyIntegerOnly
    : Pass<"mote-verify-integer-only", "mlir::ModuleOp"> {
  let summary = "Check that every layer computes on integers";
  let description = [{
    What `motec --precision=int8` runs after `mote-graph-pipeline`: every op
    other than the boundary `mote.quantize` / `mote.dequantize` and
    constants must have a quantized (or integer) result; the first that
    computes in float is reported and the pass fails. The IR is not
    changed.
  }];
}

#endif // MOTE_TRANSFORMS_PASSES
