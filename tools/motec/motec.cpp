//===- motec.cpp - The Mote compiler command line -------------------------===//
//
// motec info MODEL.onnx     inputs, outputs, op histogram, per-layer
//                           parameter bytes and multiply-accumulates
//
//===----------------------------------------------------------------------===//

#include "Mote/Driver/Driver.h"

int main(int argc, char **argv) { return mote::motecMain(argc, argv); }
