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

#endif // MOTE_INTERFACES
