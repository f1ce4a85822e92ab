//===- MoteBase.td - Mote dialect definition ----------------*- tablegen -*-===//

#ifndef MOTE_BASE
#define MOTE_BASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def Mote_Dialect : Dialect {
  let name = "mote";
  let cppNamespace = "::mote";
  let summary = "Graph-level operations for tiny machine learning";
  let description = [{
    The `mote` dialect models neural networks at the level of ONNX operators:
    value semantics on statically shaped tensors, NCHW layout for images,
    and the upstream `quant` dialect's `!quant.uniform` element types for
    quantized tensors. A quantized convolution is an op on
    `tensor<...x!quant.uniform<i8:f32, ...>>` values; the verifier checks
    that scales and zero points are consistent.

    Float tensors are `f32`. Quantized activations use per-tensor types;
    weights may use per-axis types (axis 0, the output channel). Biases of
    quantized ops are `i32` quantized with scale `input_scale * weight_scale`.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 0;
}

class Mote_Op<string mnemonic, list<Trait> traits = []>
    : Op<Mote_Dialect, mnemonic, traits>;

// Element types a graph-level tensor may carry: f32 for float models,
// quantized types for integer models, and i8/i32/i64 for raw integer data
// (accumulators of ConvInteger, shapes).
def Mote_ElementType : AnyTypeOf<[F32, quant_QuantizedType, I8, I32, I64]>;
def Mote_Tensor : StaticShapeTensorOf<[Mote_ElementType]>;
def Mote_FloatTensor : StaticShapeTensorOf<[F32]>;
def Mote_QuantTensor : StaticShapeTensorOf<[quant_QuantizedType]>;

#endif // MOTE_BASE
