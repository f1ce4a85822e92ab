//===- Passes.td - Mote conversions -------------------------*- tablegen -*-===//

#ifndef MOTE_CONVERSION_PASSES
#define MOTE_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertMoteToEmitC : Pass<"convert-mote-to-emitc", "mlir::ModuleOp"> {
  let summary = "Lower a planned INT8 Mote function to EmitC calls of the runtime";
  let description = [{
    Lowers the single `func.func` of a module, after `mote-graph-pipeline`
    and `mote-plan-memory`, to one `emitc.func @<name>_run` that calls the
    portable microkernels of `runtime/include/mote/mote_kernels.h` with all
    shapes and quantization parameters as compile-time constants:

    - weights, biases, per-channel Q31 multipliers and shifts become
      `static const` arrays (flash); kernel parameters become `static const`
      structs;
    - every intermediate tensor is a pointer into the caller's arena at the
      offset the memory plan gave it; views (reshape, storage casts) reuse
      their input's pointer;
    - the function takes the model inputs, then the outputs, then the arena,
      and returns the OR of the kernels' status codes.

    Ops without an integer lowering yet (float conv, ...) are reported as
    errors naming the op.

    Example output (printed as C by `mote-translate --mlir-to-c`):

    ```c
    int32_t tiny_run(const float* v1, float* v2, uint8_t* v3) {
      ...
      int32_t v9 = mote_conv2d_s8(v6, v5, l1_weights, l1_bias, l1_multiplier,
                                  l1_shift, v8);
    ```
  }];
  let options = [
    Option<"modelName", "model-name", "std::string", /*default=*/"\"model\"",
           "Prefix of the generated function and globals">
  ];
  let dependentDialects = ["::mlir::emitc::EmitCDialect"];
}

#endif // MOTE_CONVERSION_PASSES
