//===- MoteOps.h - Mote operations ------------------------------*- C++ -*-===//

#ifndef MOTE_IR_MOTEOPS_H
#define MOTE_IR_MOTEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "Mote/IR/MoteDialect.h"
#include "Mote/IR/MoteTraits.h"

namespace mote {
class Autodiff;
} // namespace mote

#include "Mote/IR/MoteInterfaces.h.inc"

#define GET_OP_CLASSES
#include "Mote/IR/MoteOps.h.inc"

#endif // MOTE_IR_MOTEOPS_H
