//===- Registration.h - Register Mote with MLIR tools -----------*- C++ -*-===//

#ifndef MOTE_PIPELINES_REGISTRATION_H
#define MOTE_PIPELINES_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mote {

/// Adds every dialect Mote's IR may contain to `registry`.
void registerMoteDialects(mlir::DialectRegistry &registry);

/// Registers Mote's passes and pipelines and the upstream passes it uses,
/// so that `mote-opt` accepts them by name.
void registerAllPasses();

} // namespace mote

#endif // MOTE_PIPELINES_REGISTRATION_H
