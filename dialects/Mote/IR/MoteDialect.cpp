//===- MoteDialect.cpp - Mote dialect registration ------------------------===//

#include "Mote/IR/MoteDialect.h"
#include "Mote/IR/MoteOps.h"

using namespace mlir;
using namespace mote;

#include "Mote/IR/MoteInterfaces.cpp.inc"
#include "Mote/IR/MoteOpsDialect.cpp.inc"

void MoteDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Mote/IR/MoteOps.cpp.inc"
      >();
}
