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

def MoteKernel_CallOp : Op<MoteKernel_Dialect, "call", []> {
  let summary = "Call a runtime microkernel";
  let description = [{
    Calls the C function `callee` of the runtime with, in order: a pointer
    to a constant parameter struct of type `params_type` initialized with
    `params` (when `params_type` is set), the integer and float `scalars`,
    and the buffers (memrefs, read by the kernel unless they are among the
    last `num_outputs`, which it writes). The kernel returns a status code;
    the generated function returns the OR of all of them.

    Example:

    ```mlir
    mote_kernel.call @mote_conv2d_s8(%in, %w, %b, %m, %s, %out)
        {params_type = "mote_conv2d_s8_params",
         params = array<i64: 1, 3, 8, 8, 4, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1,
                             128, -128, -128, 127>, num_outputs = 1 : i64}
        : memref<1x3x8x8xi8>, memref<108xi8>, memref<4xi32>, memref<4xi32>,
          memref<4xi32>, memref<1x4x8x8xi8>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
      Variadic<AnyStaticShapeMemRef>:$buffers,
      OptionalAttr<StrAttr>:$params_type,
      DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$params,
      DefaultValuedAttr<ArrayAttr, "{}">:$scalars,
      DefaultValuedAttr<I64Attr, "1">:$num_outputs);
  let assemblyFormat = [{
    $callee `(` $buffers `)` attr-dict `:` type($buffers)
  }];
  let hasVerifier = 1;
}

#endif // MOTE_KERNEL_OPS
