//===- MoteKernel.h - Kernel-level Mote IR ----------------------*- C++ -*-===//

#ifndef MOTE_KERNEL_IR_MOTEKERNEL_H
#define MOTE_KERNEL_IR_MOTEKERNEL_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"

#include "MoteKernel/IR/MoteKernelOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "MoteKernel/IR/MoteKernelOps.h.inc"

#endif // MOTE_KERNEL_IR_MOTEKERNEL_H
