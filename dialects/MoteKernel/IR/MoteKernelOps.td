//===- MoteKernelOps.td - Kernel-level Mote IR --------------*- tablegen -*-===//
//
// The kernel level: buffers (memrefs with static shapes) and calls of the
// runtime's microkernels whose every parameter is a compile-time constant.
// All decisions (requantization multipliers, activation ranges, broadcast
// strides, arena offsets) are made before this level; lowering it to EmitC
// is mechanical.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_KERNEL_OPS
#define MOTE_KERNEL_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"

def MoteKernel_Dialect : Dialect {
  let name = "mote_kernel";
  let cppNamespace = "::mote::kernel";
  let summary = "Calls of Mote runtime microkernels on static buffers";
  let description = [{
    A model at the kernel level is a `func.func` over memrefs: the caller's
    input and output buffers and one arena (`memref<Nxi8>`), viewed at
    static offsets with `memref.view`; constants are `memref.global`s. Each
    layer is one `mote_kernel.call` of a runtime function.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def MoteKernel_CallOp : Op<MoteKernel_Dialect, "call",
    [AttrSizedOperandSegments]> {
  let summary = "Call a runtime microkernel";
  let description = [{
    Calls the C function `callee` of the runtime with, in order: a pointer
    to a constant parameter block of type `params_type` holding `params`
    (when `params_type` is set), the integer and float `scalars`, and the
    buffers (memrefs, read by the kernel unless they are among the last
    `num_outputs`, which it writes). The kernel returns a status code; the
    generated function returns the OR of all of them. A call marked
    `commits_state` (an optimizer update of the model's state) runs only if
    every call before it succeeded: a step that fails (a label out of range,
    a gradient packet the codec refuses) returns its error with the state
    unchanged.

    A call with a `guard` buffer (i8) runs only when element `guard_index`
    of it is non-zero (PASS: the tiles the gate found unchanged are
    skipped); a skipped call contributes no status.

    A parameter block is one of the runtime's ABI structs
    (`runtime/include/mote/mote_abi.h`) and `params` names its fields: the
    verifier requires exactly the struct's fields, each within int32, and
    for forward kernels checks the first buffer against the input and the
    last against the output the block describes. The block prints as a C99
    designated initializer, so no field depends on its position.

    Example:

    ```mlir
    mote_kernel.call @mote_fully_connected_s8(%in, %w, %b, %m, %s, %out)
        {params_type = "mote_fully_connected_s8_params",
         params = {batch = 1, in_features = 4, out_features = 2,
                   input_offset = 0, output_offset = 0, act_min = -128,
                   act_max = 127}}
        : memref<1x4xi8>, memref<8xi8>, memref<2xi32>, memref<2xi32>,
          memref<2xi32>, memref<1x2xi8>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
      Variadic<AnyStaticShapeMemRef>:$buffers,
      Optional<MemRefRankOf<[I8], [1]>>:$guard,
      OptionalAttr<StrAttr>:$params_type,
      OptionalAttr<DictionaryAttr>:$params,
      DefaultValuedAttr<ArrayAttr, "{}">:$scalars,
      DefaultValuedAttr<I64Attr, "1">:$num_outputs,
      UnitAttr:$commits_state,
      OptionalAttr<I64Attr>:$guard_index);
  let assemblyFormat = [{
    $callee `(` $buffers `)`
    (`if` $guard^ `[` $guard_index `]` `:` type($guard))?
    attr-dict `:` type($buffers)
  }];
  let hasVerifier = 1;
}

#endif // MOTE_KERNEL_OPS
