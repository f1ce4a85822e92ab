//===- Passes.h - Mote conversions ------------------------------*- C++ -*-===//

#ifndef MOTE_CONVERSION_PASSES_H
#define MOTE_CONVERSION_PASSES_H

#include "MoteKernel/IR/MoteKernel.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mote {

#define GEN_PASS_DECL
#include "Mote/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Mote/Conversion/Passes.h.inc"

} // namespace mote

#endif // MOTE_CONVERSION_PASSES_H
