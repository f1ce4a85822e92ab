//===- MoteDialect.h - Mote dialect -----------------------------*- C++ -*-===//

#ifndef MOTE_IR_MOTEDIALECT_H
#define MOTE_IR_MOTEDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "Mote/IR/MoteOpsDialect.h.inc"

#endif // MOTE_IR_MOTEDIALECT_H
