//===- MoteInterfaces.td - Mote op interfaces ---------------*- tablegen -*-===//
//
// Interfaces shared by Mote ops. Analyses (cost reports, memory planning)
// query these instead of switching on concrete op classes.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_INTERFACES
#define MOTE_INTERFACES

include "mlir/IR/OpBase.td"

def Mote_MacCountOpInterface : OpInterface<"MacCountOpInterface"> {
  let description = [{
    Implemented by ops whose cost is dominated by multiply-accumulates
    (convolution, fully-connected, matrix multiplication). The count is the
    number of scalar multiply-accumulates one execution performs, computed
    from static shapes; it is what `motec info` reports per layer.
  }];
  let cppNamespace = "::mote";
  let methods = [
    InterfaceMethod<"Returns the number of multiply-accumulates.",
                    "int64_t", "getMacCount">
  ];
}

def Mote_InPlaceOpInterface : OpInterface<"InPlaceOpInterface"> {
  let description = [{
    Implemented by element-wise ops whose kernel reads element `i` of some
    operands before it writes element `i` of the result, so the result may
    be written over such an operand. The memory planner gives the result
    the buffer of one of these operands when it has the same size and dies
    at the op. By default the first operand; binary ops name both.
  }];
  let cppNamespace = "::mote";
  let methods = [
    InterfaceMethod<"Returns the operands whose buffer the result may take.",
                    "::llvm::SmallVector<::mlir::Value, 2>",
                    "getInPlaceOperands", (ins), /*methodBody=*/[{}],
                    /*defaultImplementation=*/[{
                      return {$_op->getOperand(0)};
                    }]>
  ];
}

def Mote_BackwardOpInterface : OpInterface<"BackwardOpInterface"> {
  let description = [{
    Implemented by the forward ops training differentiates through: the
    op's backward rule. Given the error of its result, the op adds the error
    of each operand that needs one (`Autodiff::needsError`) with
    `Autodiff::accumulate`, built from the backward ops of MoteTrainOps.td.
    `mote-autodiff` asks every forward op whose result reaches the loss, in
    reverse order; an op without the interface stops the error, which is an
    error when one of its operands leads back to trained state.
  }];
  let cppNamespace = "::mote";
  let methods = [
    InterfaceMethod<"Adds the errors of the operands, given the error of "
                    "the result.",
                    "::mlir::LogicalResult", "buildBackward",
                    (ins "::mote::Autodiff &":$autodiff,
                         "::mlir::Value":$error)>
  ];
}

def Mote_QuantizationTransparent
    : NativeOpTrait<"QuantizationTransparent"> {
  let cppNamespace = "::mote::OpTrait";
}

// Has an int8 form that code generation lowers (a kernel, a lookup table or
// a requantization): mote-fold-qdq folds the QDQ chain around it into that
// form and mote-quantize quantizes it. Ops without it stay float between a
// dequantize and the next quantize.
def Mote_IntegerForm : NativeOpTrait<"IntegerForm"> {
  let cppNamespace = "::mote::OpTrait";
}

// Carries a fused clamp in optional `clamp_min` / `clamp_max` attributes:
// mote-fuse-activations folds a following ReLU or clamp into it.
def Mote_FusedActivation : NativeOpTrait<"FusedActivation"> {
  let cppNamespace = "::mote::OpTrait";
}

#endif // MOTE_INTERFACES
