//===- Registration.cpp - Register Mote with MLIR tools -------------------===//

#include "Mote/Pipelines/Registration.h"
#include "Mote/Pipelines/Pipelines.h"

#include "Mote/Conversion/Passes.h"
#include "Mote/IR/MoteDialect.h"
#include "Mote/Transforms/Passes.h"

#include "MoteKernel/IR/MoteKernel.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void mote::registerMoteDialects(mlir::DialectRegistry &registry) {
  registry
      .insert<MoteDialect, mlir::arith::ArithDialect, mlir::func::FuncDialect,
              mlir::quant::QuantDialect, mlir::emitc::EmitCDialect,
              kernel::MoteKernelDialect, mlir::memref::MemRefDialect,
              mlir::ml_program::MLProgramDialect>();
}

void mote::registerAllPasses() {
  registerMotePasses();
  registerMoteConversionPasses();
  registerMotePipelines();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  mlir::registerInlinerPass();
}
