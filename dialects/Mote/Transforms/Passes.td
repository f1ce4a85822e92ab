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
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mote::MoteDialect"];
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
  }];
}

def MoteFoldQDQ : Pass<"mote-fold-qdq", "mlir::func::FuncOp"> {
  let summary = "Turn dequantize -> float op -> quantize chains into integer ops";
  let description = [{
    Rewrites the QDQ form that ONNX quantizers emit into ops on quantized
    tensors:

    - `quantize(op(dequantize(a), dequantize(b), ...))`, where `op` is a
      conv, fully-connected, matmul, element-wise or pooling op whose result
      has no other user, becomes `op(a, b, ...)` with the quantize's result
      type (biases must be i32 with scale input x weight);
    - data movement (`reshape`, `transpose`, `max_pool2d`) of a dequantized
      tensor moves below the dequantize, keeping the integer domain;
    - `quantize(dequantize(x))` is `x` when the types agree and a
      `mote.requantize` when they differ.

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

def MotePlanMemory : Pass<"mote-plan-memory", "mlir::func::FuncOp"> {
  let summary = "Plan one static arena for the intermediate tensors";
  let description = [{
    Assigns every intermediate tensor of the function an offset in one
    arena, from liveness over the op order:

    - views (`mote.reshape`, `quant.scast`) share their input's buffer;
    - element-wise ops (`relu`, `clamp`, `requantize`, `add`, ...) write
      into an input of the same size that is not used afterwards (in place);
    - buffers are placed greedily by size, largest first, at the lowest
      offset that does not overlap a buffer live at the same time.

    Constants stay in flash; the function's arguments and results are the
    caller's buffers. Each planned op gets `mote.arena_offset`; the function
    gets `mote.arena_bytes` and `mote.arena_lower_bound`, the largest sum of
    buffer sizes live at one op (no plan can be smaller).

    Example result:

    ```mlir
    func.func @main(...) attributes {mote.arena_bytes = 8192 : i64,
                                     mote.arena_lower_bound = 8192 : i64} {
      %0 = mote.conv2d ... {mote.arena_offset = 0 : i64} ...
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Byte alignment of every buffer offset">
  ];
}

#endif // MOTE_TRANSFORMS_PASSES
