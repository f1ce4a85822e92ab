//===- TargetDescription.h - What codegen asks of a target -----*- C++ -*-===//
//
// A target is data the lowering and the driver query, not conditionals in
// patterns: which kernel runs an int8 convolution or fully-connected layer
// and how its weights are packed and its scratch sized (convert-mote-to-
// kernel), which runtime file holds that kernel, and how to compile, link
// and run a program for the target (motec compile/run, board projects).
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_CONVERSION_TARGETDESCRIPTION_H
#define MOTE_CONVERSION_TARGETDESCRIPTION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mote {

/// A target's matrix-product kernel for int8 convolution (groups == 1) and
/// fully-connected layers (runtime/include/mote/mote_gemm.h).
struct GemmKernel {
  /// The C entry point, e.g. "mote_cortex_m4_conv2d_s8".
  llvm::StringRef callee;
  /// Weight rows and columns are padded with zeros to a multiple of this.
  int64_t depthMultiple;
  /// Output pixels gathered per block.
  int64_t blockPixels;
  /// Weights widened to int16, each group of four w0 w1 w2 w3 stored as
  /// the 32-bit words (w0, w2) and (w1, w3) (Cortex-M4's SMLAD operands);
  /// otherwise int8.
  bool int16PairWeights;
  /// Scratch bytes per column element: 1, or 3 when the kernel widens the
  /// columns to int16 in its work space.
  int64_t scratchBytesPerElement;
  /// int16-pair weights only: output channels whose rows are interleaved
  /// per step of four depth values (the rows' even words, then their odd
  /// words), in full groups from the first row; 1 keeps rows apart.
  int64_t interleavedRows = 1;
};

/// How to build and run programs for a target.
struct ToolchainDescription {
  /// The C compiler; empty for the host's ($CC, else cc).
  llvm::StringRef compiler;
  /// Flags that select the CPU and its instructions.
  llvm::SmallVector<llvm::StringRef> cpuFlags;
  /// Bare-metal: startup code, linker script and semihosting I/O from
  /// runtime/boards/, linked against picolibc.
  bool bareMetal = false;
  /// The board's linker script under runtime/boards/ (bare metal).
  llvm::StringRef linkerScript;
  /// The emulator and its arguments before the program.
  llvm::StringRef emulator;
  llvm::SmallVector<llvm::StringRef> emulatorArgs;
  /// The disassembler for the target's objects.
  llvm::StringRef objdump;
  /// The CMake toolchain file under cmake/toolchains/, if any.
  llvm::StringRef cmakeToolchain;
};

struct TargetDescription {
  llvm::StringRef name;
  llvm::StringRef summary;
  /// The matrix-product kernel; none for the generic kernels.
  std::optional<GemmKernel> gemm;
  /// The runtime source of the target's kernels (relative to runtime/).
  llvm::StringRef kernelSource;
  ToolchainDescription toolchain;
  /// The target's int8 depthwise 3x3 convolution (mote_conv2d_s8's
  /// parameters plus a scratch buffer holding one padded channel) and the
  /// runtime file defining it, or empty for the portable kernel.
  llvm::StringRef depthwiseCallee = "";
  llvm::StringRef depthwiseSource = "";
};

/// All targets, generic-c first.
llvm::ArrayRef<TargetDescription> getTargets();

/// The target called `name`, or null.
const TargetDescription *lookupTarget(llvm::StringRef name);

/// The names of all targets, joined with ", " (for messages and --help).
std::string getTargetNames();

/// Weights and bias of an int8 convolution or fully-connected layer packed
/// for `kernel`: rows padded to the kernel's depth multiple (int8, or int16
/// pairs), and `bias + inputOffset * sum(row)` so kernels multiply raw int8
/// values. Fails (returns nullopt) if a folded bias leaves the int32 range.
struct PackedWeights {
  mlir::DenseElementsAttr weights;
  llvm::SmallVector<int32_t> bias;
  int64_t depth = 0, depthPadded = 0;
};
std::optional<PackedWeights> packWeights(const GemmKernel &kernel,
                                         mlir::DenseElementsAttr weights,
                                         llvm::ArrayRef<int32_t> bias,
                                         int64_t inputOffset);

} // namespace mote

#endif // MOTE_CONVERSION_TARGETDESCRIPTION_H
