//===- MoteKernel.cpp - Kernel-level Mote IR ------------------------------===//

#include "MoteKernel/IR/MoteKernel.h"

using namespace mlir;
using namespace mote::kernel;

#include "MoteKernel/IR/MoteKernelOpsDialect.cpp.inc"

void MoteKernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "MoteKernel/IR/MoteKernelOps.cpp.inc"
      >();
}

LogicalResult CallOp::verify() {
  int64_t outputs = getNumOutputs();
  if (outputs < 0 || outputs > static_cast<int64_t>(getBuffers().size()))
    return emitOpError("num_outputs ")
           << outputs << " exceeds the " << getBuffers().size() << " buffers";
  if (!getParamsType() && !getParams().empty())
    return emitOpError("has params but no params_type");
  for (Attribute scalar : getScalars())
    if (!isa<IntegerAttr, FloatAttr>(scalar))
      return emitOpError("scalars must be integer or float attributes, got ")
             << scalar;
  return success();
}

#define GET_OP_CLASSES
#include "MoteKernel/IR/MoteKernelOps.cpp.inc"
