//===- Passes.h - Mote conversions ------------------------------*- C++ -*-===//

#ifndef MOTE_CONVERSION_PASSES_H
#define MOTE_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "MoteKernel/IR/MoteKernel.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mote {

#define GEN_PASS_DECL
#include "mote/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mote/Conversion/Passes.h.inc"

/// Splits a positive real multiplier into a Q31 `multiplier` in
/// [2^30, 2^31) and a power-of-two `shift` with
/// real = multiplier * 2^shift / 2^31 (docs/Numerics.md). Multipliers too
/// small to represent give 0 and 0.
void quantizeMultiplier(double real, int32_t &multiplier, int32_t &shift);

} // namespace mote

#endif // MOTE_CONVERSION_PASSES_H
