//===- Package.h - The files of a generated C package -----------*- C++ -*-===//
//
// A package is what `motec compile` writes: the model's C source and header
// (ExportC.h), an example program, a Makefile and a CMake project for the
// target, and the runtime files the code needs.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_TARGET_C_PACKAGE_H
#define MOTE_TARGET_C_PACKAGE_H

#include "Mote/Conversion/TargetDescription.h"
#include "Mote/Target/C/ExportC.h"

#include "mlir/IR/Types.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mote {

/// Writes `contents` to `dir`/`file`; reports failures.
mlir::LogicalResult writeFile(llvm::StringRef dir, llvm::StringRef file,
                              llvm::StringRef contents);

/// Copies the runtime files the generated code for `target` needs from
/// `runtimeDir` into `dir`/runtime, with the board support files (I/O,
/// startup, linker scripts) if `board`.
mlir::LogicalResult copyRuntime(llvm::StringRef runtimeDir, llvm::StringRef dir,
                                const TargetDescription &target,
                                bool board = false, RuntimeParts parts = {});

/// The runtime C sources a program for `target` compiles (relative to
/// runtime/), and the board support source.
llvm::SmallVector<std::string> runtimeSources(const TargetDescription &target,
                                              RuntimeParts parts = {});
std::string boardSource(const TargetDescription &target);

/// The flags that compile one C file of a package for `target` whose
/// package is in `base` (relative paths when empty): language, optimization,
/// CPU and include directories.
llvm::SmallVector<std::string> compileFlags(const TargetDescription &target,
                                            llvm::StringRef base = "");

/// The compiler flags of a program for `target` whose package is in `base`
/// (relative paths when empty): compileFlags and the link's.
llvm::SmallVector<std::string> programFlags(const TargetDescription &target,
                                            llvm::StringRef base = "");

/// The command that runs `program` with `args` on the target: directly, in
/// qemu-aarch64, or on an emulated Cortex-M board with semihosting.
llvm::SmallVector<std::string>
emulatorCommand(const TargetDescription &target, llvm::StringRef program,
                llvm::ArrayRef<std::string> args);

/// The C source of the program that runs `entry` of model `name` on a
/// board or host (mote_board.h): once on zero inputs, or streaming raw
/// sample files; it prints the first sample's outputs. A non-empty `init`
/// (a trainable model's `<name>_init_state`) is called on the arena first.
std::string boardMain(llvm::StringRef name, llvm::StringRef entry,
                      llvm::ArrayRef<mlir::Type> inputs,
                      llvm::ArrayRef<mlir::Type> outputs, int64_t arenaBytes,
                      llvm::StringRef init = "");

/// The C source of the program that trains model `name` (its train step
/// takes `inputs`, the last being the labels): a few steps on zero data,
/// or the batches of raw files, writing the final state to a file.
std::string trainMain(llvm::StringRef name, llvm::ArrayRef<mlir::Type> inputs,
                      int64_t arenaBytes);

/// The C source of the collaborative device program of a split model that
/// trains (collab.c): `<name>_device_forward` and `<name>_device_backward`
/// driven by runtime/collab/mote_collab_device.c over MQTT. `input` is the
/// type of one sample; the packet capacities are those of the split;
/// `cutElements` (0: none) the float values of the cut entries
/// (`<name>_device_cut`, `<name>_device_backward_cut`), which let the
/// program send the cut with the baseline codecs of runtime/collab/mote_wire.h.
std::string collabMain(llvm::StringRef name, mlir::Type input,
                       int64_t packetCapacity, int64_t gradientCapacity,
                       int64_t cutElements = 0);

/// The CMakeLists.txt of a package: the model as a static library and the
/// example program (main.c) that runs it on the target's board.
std::string packageCMake(llvm::StringRef name, const TargetDescription &target,
                         RuntimeParts parts);

/// The Makefile of a package: `make` builds lib<name>.a and <name>.elf,
/// `make run` runs the program (under QEMU for the Arm targets).
std::string packageMakefile(llvm::StringRef name,
                            const TargetDescription &target,
                            RuntimeParts parts);

/// Writes the package of a compiled model into `dir`: <name>.c and <name>.h,
/// the example program main.c (the train loop if `training`), the Makefile
/// and CMakeLists.txt for `target`, and the runtime files from
/// `runtimeDir`. `inputs` and `outputs` are the types of the driven
/// function's tensors.
mlir::LogicalResult writePackage(llvm::StringRef dir, llvm::StringRef name,
                                 const CPackage &package,
                                 const TargetDescription &target, bool training,
                                 llvm::ArrayRef<mlir::Type> inputs,
                                 llvm::ArrayRef<mlir::Type> outputs,
                                 llvm::StringRef runtimeDir);

} // namespace mote

#endif // MOTE_TARGET_C_PACKAGE_H
