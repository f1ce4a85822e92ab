//===- mote-opt.cpp - Mote optimizer driver -------------------------------===//

#include "Mote/Pipelines/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mote::registerMoteDialects(registry);
  mote::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Mote optimizer driver\n", registry));
}
