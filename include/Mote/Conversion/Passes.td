//===- Passes.td - Mote conversions -------------------------*- tablegen -*-===//

#ifndef MOTE_CONVERSION_PASSES
#define MOTE_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def MoteLayoutState : Pass<"mote-layout-state", "mlir::ModuleOp"> {
  let summary = "Give the model's mutable state fixed places at the arena's start";
  let description = [{
    Lays out the module's `ml_program.global`s (trained weights, optimizer
    moments of a train step) one after another from the arena's start,
    each 16-byte aligned: each global gets `mote.state_offset`, the module
    `mote.state_bytes`. Every function's scratch memory comes after them.
    `convert-mote-to-kernel` reads this layout.

    ```mlir
    ml_program.global private mutable @w(dense<...> : tensor<4x3xf32>)
        {mote.state_offset = 0 : i64}
    ml_program.global private mutable @b(dense<...> : tensor<4xf32>)
        {mote.state_offset = 48 : i64}
    ```
  }];
}

def MotePlanMemory : Pass<"mote-plan-memory", "mlir::ModuleOp"> {
  let summary = "Plan one static arena per function, with the target's kernel scratch";
  let description = [{
    Assigns every intermediate tensor of each function an offset in one
    arena, from liveness over the op order:

    - views (`mote.reshape`, `quant.scast`) share their input's buffer;
    - element-wise ops (`relu`, `clamp`, `requantize`, `add`, ...) write
      into an input of the same size that is not used afterwards (in place);
    - the work space a layer's kernel needs on the target (the gathered
      columns of a matrix-product kernel, the padded channel of a depthwise
      kernel) is a buffer live during that layer;
    - buffers are placed at the lowest offset that does not overlap a
      buffer live at the same time, in a few orders (largest first,
      earliest first, ...), keeping the smallest arena.

    Constants stay in flash; the function's arguments and results are the
    caller's buffers. This is the one plan: `convert-mote-to-kernel` lowers
    with it and `motec` prints it. Each planned op gets `mote.arena_offsets`
    (one per result, -1 for none), each op with kernel scratch
    `mote.scratch` (offset, bytes), each Mote op `mote.arena_live` (bytes
    in use while it runs); the function gets `mote.arena_bytes` and
    `mote.arena_lower_bound`, the largest sum of buffer sizes live at one
    op (no plan can be smaller). Offsets count from the end of the state
    (`mote-layout-state`).

    ```mlir
    func.func @main(...) attributes {mote.arena_bytes = 8192 : i64,
                                     mote.arena_lower_bound = 8192 : i64} {
      %0 = mote.conv2d ... {mote.arena_live = 8192 : i64,
                            mote.arena_offsets = array<i64: 0>} ...
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"generic-c\"",
           "Code-generation target whose kernels' scratch is planned">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Byte alignment of every buffer offset">
  ];
}

def MoteMergeConstants : Pass<"mote-merge-constants", "mlir::ModuleOp"> {
  let summary = "Store equal constant arrays of the kernel level once";
  let description = [{
    Makes constant `memref.global`s with equal types and values one symbol
    (the first), rewriting the `memref.get_global`s of the others: a
    frozen layer read by both the model and its train step is stored in
    flash once.
  }];
}

def ConvertMoteToKernel : Pass<"convert-mote-to-kernel", "mlir::ModuleOp"> {
  let summary = "Lower Mote functions (INT8, FP32, train steps) to kernel calls on static buffers";
  let description = [{
    Lowers every `func.func` of a module, after `mote-graph-pipeline`, to
    a function over buffers: the model's inputs, its outputs, then one
    arena `memref<Nxi8>`. The first function is the model (`@<name>_run`,
    or `@<name>_infer` when the module has state); others are named by
    their suffix (`@f_train_step` becomes `@<name>_train_step`). Mutable
    state (`ml_program.global`s of a train step) takes the offsets
    `mote-layout-state` gave it at the start of the arena, written by a
    generated `@<name>_init_state`. Each function's buffers are where
    `mote-plan-memory` put them (run both first, with the same target).

    The lowering is a dialect conversion. A type converter maps each tensor
    to a buffer of its storage type (`tensor<4x!quant.uniform<i8:...>>` to
    `memref<4xi8>`); each op family (convolution and fully-connected,
    element-wise, pooling, data movement, quantization and lookup tables,
    training backward, optimizers) adds one conversion pattern per op and
    numeric domain (float, integer, training) from its own file in
    `lib/Conversion/MoteToKernel`. Every compile-time decision of the
    integer path is made there:

    - each op's result is replaced by its buffer: a `memref.view` of the
      arena at its planned offset, or the caller's output buffer when the
      function returns it; a reshape is a `memref.reinterpret_cast` of its
      operand's buffer, a storage cast the same buffer;
    - weights, biases, per-channel Q31 multipliers and shifts become
      constant `memref.global`s;
    - each layer becomes one `mote_kernel.call` of a runtime microkernel
      with its parameter struct (shapes, zero points, activation range in
      the output's integer domain, broadcast strides) as constants.

    Float ops lower to the runtime's float kernels, training ops to those
    of `mote_train.h`. Ops without a lowering are reported as errors naming
    the op.

    Before: `mote.conv2d %x, %w, %b : (tensor<1x3x8x8x!quant...>, ...)`.

    After:

    ```mlir
    %0 = memref.view %arena[%c0][] : memref<256xi8> to memref<1x3x8x8xi8>
    %w = memref.get_global @net_l1_weights : memref<108xi8>
    ...
    mote_kernel.call @mote_conv2d_s8(%0, %w, %b, %m, %s, %1)
        {params_type = "mote_conv2d_s8_params",
         params = {batch = 1, in_channels = 3, ...}}
        : memref<1x3x8x8xi8>, memref<108xi8>, ...
    ```
  }];
  let options = [
    Option<"modelName", "model-name", "std::string", /*default=*/"\"model\"",
           "Prefix of the generated function and globals">,
    Option<"target", "target", "std::string", /*default=*/"\"generic-c\"",
           "Code-generation target (TargetDescription.h): generic-c, "
           "aarch64-neon, aarch64-dotprod, cortex-m4, cortex-m55">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mote::kernel::MoteKernelDialect"];
}

def ConvertMoteKernelToEmitC
    : Pass<"convert-mote-kernel-to-emitc", "mlir::ModuleOp"> {
  let summary = "Print kernel-level IR as EmitC (mechanically)";
  let description = [{
    Turns the kernel level into EmitC that upstream `emitc::translateToCpp`
    prints as C99, without making decisions: constant `memref.global`s
    become `static const` arrays, `memref.view`s of the arena become pointer
    arithmetic and casts, each `mote_kernel.call` becomes a `static const`
    parameter struct and a call whose status is ORed into the function's
    return value, and the function becomes
    `int32_t <name>_run(const T *inputs..., T *outputs..., uint8_t *arena)`.

    Example output:

    ```c
    static const mote_conv2d_s8_params net_run_params0 = {.batch = 1,
        .in_channels = 3, .in_h = 8, .in_w = 8, ...};
    int32_t net_run(const float* v1, float* v2, uint8_t* v3) {
      ...
      int32_t v9 = mote_conv2d_s8(v6, v5, net_l1_weights, net_l1_bias,
                                  net_l1_multiplier, net_l1_shift, v8);
    ```
  }];
  let dependentDialects = ["::mlir::emitc::EmitCDialect"];
}

def MoteLegalizeNames : Pass<"mote-legalize-names", "mlir::ModuleOp"> {
  let summary = "Give every model input and output a valid, unique C name";
  let description = [{
    The C header names each parameter of the generated functions after the
    ONNX tensor it carries, and ONNX names are arbitrary strings. This pass
    runs on the graph level, before the lowering, and sets `mote.c_name` on
    every argument and result of every `func.func`, which the C emitter
    prints as it is. Each name is:

    - a C identifier: characters other than ASCII letters, digits and `_`
      (punctuation, spaces, every byte of a non-ASCII character) become
      `_`; a name starting with a digit gets the prefix `t_`; a name the C
      standard reserves (`_` then an uppercase letter or `_`) the prefix
      `t`; an empty name becomes `input<N>` / `output<N>`;
    - outside the namespaces of the runtime (`mote_`, `MOTE_`) and of the
      model's own functions and macros (`<model-name>_` in any case): such
      names get the prefix `t_`;
    - not a keyword of C99, C11 or C++ (the header is usable from C++), not
      a macro of the standard headers the package includes, not a POSIX
      `_t` type, not a parameter name of the generated API (`arena`,
      `context`, `labels`, `loss`): such names get a `_` appended;
    - unique within its function: a name already taken gets `_1`, `_2`, ...
      (the first in argument order keeps it, so names are stable). Names
      the compiler set itself (`mote.c_name` already present, as on the
      train step's `labels` and `loss`) are kept and claimed first.

    Example: inputs `arena` and `3d`, outputs `float`, `a-b` and `a_b`
    become `arena_`, `t_3d`, `float_`, `a_b` and `a_b_1`.
  }];
  let options = [
    Option<"modelName", "model-name", "std::string", /*default=*/"\"model\"",
           "Prefix of the generated functions and macros, kept free">
  ];
}

#endif // MOTE_CONVERSION_PASSES
