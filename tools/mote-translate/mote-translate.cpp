//===- mote-translate.cpp - Mote translation driver -----------------------===//

#include "Mote/Target/C/ExportC.h"
#include "Mote/Target/ONNX/ImportONNX.h"
#include "Mote/Target/TFLite/ImportTFLite.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mote::registerImportONNXTranslation();
  mote::registerImportTFLiteTranslation();
  mote::registerToCTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "Mote translation driver\n"));
}
