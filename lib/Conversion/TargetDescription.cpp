//===- TargetDescription.cpp - The targets Mote generates code for --------===//

#include "Mote/Conversion/TargetDescription.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <limits>
#include <vector>

using namespace mlir;
using namespace mote;

ArrayRef<TargetDescription> mote::getTargets() {
  static const std::vector<TargetDescription> targets = [] {
    std::vector<TargetDescription> t;
    ToolchainDescription host;
    host.objdump = "objdump";
    t.push_back(
        {"generic-c", "portable C99, any compiler", std::nullopt, "", host});

    ToolchainDescription linux64;
    linux64.compiler = "aarch64-linux-gnu-gcc";
    linux64.emulator = "qemu-aarch64";
    linux64.objdump = "aarch64-linux-gnu-objdump";
    linux64.cmakeToolchain = "aarch64-linux-gnu.cmake";
    ToolchainDescription neon = linux64;
    neon.cpuFlags = {"-march=armv8-a"};
    neon.emulatorArgs = {"-L", "/usr/aarch64-linux-gnu", "-cpu", "cortex-a53"};
    t.push_back({"aarch64-neon", "ARMv8.0-A NEON (Cortex-A53, A72)",
                 GemmKernel{"mote_aarch64_neon_conv2d_s8", 16, 8, false, 1},
                 "src/targets/mote_aarch64_neon.c", neon});
    ToolchainDescription dot = linux64;
    dot.cpuFlags = {"-march=armv8.2-a+dotprod"};
    dot.emulatorArgs = {"-L", "/usr/aarch64-linux-gnu", "-cpu", "cortex-a76"};
    t.push_back({"aarch64-dotprod", "ARMv8.2-A with SDOT (Cortex-A55, A76)",
                 GemmKernel{"mote_aarch64_dotprod_conv2d_s8", 16, 8, false, 1},
                 "src/targets/mote_aarch64_dotprod.c", dot});

    ToolchainDescription cortexM;
    cortexM.compiler = "arm-none-eabi-gcc";
    cortexM.bareMetal = true;
    cortexM.emulator = "qemu-system-arm";
    cortexM.objdump = "arm-none-eabi-objdump";
    cortexM.cmakeToolchain = "arm-none-eabi.cmake";
    ToolchainDescription m4 = cortexM;
    m4.cpuFlags = {"-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
                   "-mfpu=fpv4-sp-d16"};
    m4.linkerScript = "mps2_an386.ld";
    m4.emulatorArgs = {"-M", "mps2-an386"};
    t.push_back({"cortex-m4",
                 "ARMv7E-M DSP: SMLAD (Cortex-M4, board MPS2 AN386)",
                 GemmKernel{"mote_cortex_m4_conv2d_s8", 4, 8, true, 3, 4},
                 "src/targets/mote_cortex_m4.c", m4});
    t.back().depthwiseCallee = "mote_arm_dsp_depthwise_conv2d_s8";
    t.back().depthwiseSource = "src/targets/mote_arm_dsp_depthwise.c";
    ToolchainDescription m55 = cortexM;
    m55.cpuFlags = {"-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=hard"};
    m55.linkerScript = "mps3_an547.ld";
    m55.emulatorArgs = {"-M", "mps3-an547"};
    t.push_back({"cortex-m55",
                 "ARMv8.1-M Helium/MVE (Cortex-M55, board MPS3 AN547)",
                 GemmKernel{"mote_cortex_m55_conv2d_s8", 16, 8, false, 1},
                 "src/targets/mote_cortex_m55.c", m55});
    // Helium has the DSP extension too.
    t.back().depthwiseCallee = "mote_arm_dsp_depthwise_conv2d_s8";
    t.back().depthwiseSource = "src/targets/mote_arm_dsp_depthwise.c";
    return t;
  }();
  return targets;
}

const TargetDescription *mote::lookupTarget(StringRef name) {
  for (const TargetDescription &target : getTargets())
    if (target.name == name)
      return &target;
  return nullptr;
}

std::string mote::getTargetNames() {
  std::string names;
  for (const TargetDescription &target : getTargets())
    names += (names.empty() ? "" : ", ") + target.name.str();
  return names;
}

std::optional<PackedWeights> mote::packWeights(const GemmKernel &kernel,
                                               DenseElementsAttr weights,
                                               ArrayRef<int32_t> bias,
                                               int64_t inputOffset) {
  auto type = cast<ShapedType>(weights.getType());
  int64_t rows = type.getDimSize(0);
  PackedWeights packed;
  packed.depth = type.getNumElements() / rows;
  packed.depthPadded = llvm::alignTo(packed.depth, kernel.depthMultiple);
  SmallVector<int8_t> values(weights.getValues<int8_t>());
  // Convolutions with a kernel larger than 1x1 gather their columns in the
  // order (kernel row, kernel column, channel): store OIHW weights as OHWI.
  if (type.getRank() == 4 && type.getDimSize(2) * type.getDimSize(3) > 1) {
    int64_t channels = type.getDimSize(1);
    int64_t taps = type.getDimSize(2) * type.getDimSize(3);
    SmallVector<int8_t> ohwi(values.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t t = 0; t < taps; ++t)
          ohwi[(r * taps + t) * channels + c] =
              values[(r * channels + c) * taps + t];
    values = std::move(ohwi);
  }
  SmallVector<int8_t> padded(rows * packed.depthPadded, 0);
  for (int64_t r = 0; r < rows; ++r) {
    int64_t sum = 0;
    for (int64_t k = 0; k < packed.depth; ++k) {
      int8_t w = values[r * packed.depth + k];
      padded[r * packed.depthPadded + k] = w;
      sum += w;
    }
    int64_t folded = int64_t(bias[r]) + inputOffset * sum;
    if (folded < std::numeric_limits<int32_t>::min() ||
        folded > std::numeric_limits<int32_t>::max())
      return std::nullopt;
    packed.bias.push_back(static_cast<int32_t>(folded));
  }
  MLIRContext *ctx = type.getContext();
  int64_t count = int64_t(padded.size());
  if (!kernel.int16PairWeights) {
    packed.weights = DenseElementsAttr::get(
        RankedTensorType::get({count}, IntegerType::get(ctx, 8)),
        ArrayRef<int8_t>(padded));
    return packed;
  }
  // Groups of four w0 w1 w2 w3 become the int16 pairs (w0, w2), (w1, w3),
  // each pair one little-endian 32-bit word (so arrays are word-aligned).
  SmallVector<int32_t> words(count / 2);
  auto pair = [](int8_t lo, int8_t hi) {
    return static_cast<int32_t>(
        static_cast<uint32_t>(static_cast<uint16_t>(lo)) |
        static_cast<uint32_t>(static_cast<uint16_t>(hi)) << 16);
  };
  for (int64_t g = 0; g < count; g += 4) {
    words[g / 2] = pair(padded[g], padded[g + 2]);
    words[g / 2 + 1] = pair(padded[g + 1], padded[g + 3]);
  }
  // Rows in full groups of `interleavedRows` are interleaved: per step of
  // four depth values, the group's even words, then its odd words. The
  // rows after the last full group stay row after row.
  int64_t group = kernel.interleavedRows;
  int64_t rowWords = packed.depthPadded / 2;
  SmallVector<int32_t> stored(words);
  for (int64_t first = 0; first + group <= rows; first += group) {
    int32_t *out = stored.data() + first * rowWords;
    for (int64_t step = 0; step < rowWords; step += 2)
      for (int64_t half = 0; half < 2; ++half)
        for (int64_t r = 0; r < group; ++r)
          *out++ = words[(first + r) * rowWords + step + half];
  }
  packed.weights = DenseElementsAttr::get(
      RankedTensorType::get({count / 2}, IntegerType::get(ctx, 32)),
      ArrayRef<int32_t>(stored));
  return packed;
}
