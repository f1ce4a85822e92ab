//===- KernelABI.h - Typed parameter blocks of the kernels -----*- C++ -*-===//
//
// The compiler's view of the runtime ABI (runtime/include/mote/mote_abi.h).
// Each parameter block of the runtime is expanded here, from the same table,
// into a struct whose fields the lowering sets by name; `toAttr` turns it
// into the dictionary a `mote_kernel.call` carries, and the call's verifier
// checks that dictionary against the table. No field position is written
// anywhere in the compiler.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_KERNEL_IR_KERNELABI_H
#define MOTE_KERNEL_IR_KERNELABI_H

#include "mote/mote_abi.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace mote::abi {

using llvm::ArrayRef;
using llvm::StringRef;

/// The fields of the parameter block `type` in layout order, or nullopt when
/// the runtime has no such block.
std::optional<ArrayRef<StringRef>> getParamsFields(StringRef type);

/// Builds the attribute of a parameter block from `fields` (name, value);
/// fields left unset are left out, which the verifier then reports.
mlir::DictionaryAttr
buildParamsAttr(mlir::MLIRContext *context,
                ArrayRef<std::pair<StringRef, std::optional<int64_t>>> fields);

// One struct per parameter block, named as in C, every field optional until
// set.
// clang-format off
#define MOTE_ABI_FIELD_(name) std::optional<int64_t> name;
#define MOTE_ABI_VISIT_(name) {#name, name},
#define MOTE_ABI_STRUCT_(type)                                                 \
  struct type {                                                                \
    static constexpr StringRef cType = #type;                                  \
    MOTE_PARAMS_##type(MOTE_ABI_FIELD_)                                        \
    mlir::DictionaryAttr toAttr(mlir::MLIRContext *context) const {            \
      return buildParamsAttr(context, {MOTE_PARAMS_##type(MOTE_ABI_VISIT_)});  \
    }                                                                          \
  };
MOTE_PARAMS_LIST(MOTE_ABI_STRUCT_)
// clang-format on
#undef MOTE_ABI_STRUCT_
#undef MOTE_ABI_VISIT_
#undef MOTE_ABI_FIELD_

/// Kinds of mote_activation_f32.
enum class Activation : int32_t {
  Clamp = MOTE_CLAMP,
  Sigmoid = MOTE_SIGMOID,
  Tanh = MOTE_TANH,
  HardSigmoid = MOTE_HARD_SIGMOID,
  HardSwish = MOTE_HARD_SWISH,
  LeakyRelu = MOTE_LEAKY_RELU,
  Elu = MOTE_ELU,
  Erf = MOTE_ERF,
  Gelu = MOTE_GELU,
};

/// Modes of mote_pad.
enum class PadMode : int32_t {
  Constant = MOTE_PAD_CONSTANT,
  Reflect = MOTE_PAD_REFLECT,
  Edge = MOTE_PAD_EDGE,
};

/// Kinds of mote_reduce_f32 and mote_reduce_s8.
enum class ReduceKind : int32_t {
  Mean = MOTE_REDUCE_MEAN,
  Max = MOTE_REDUCE_MAX,
  Min = MOTE_REDUCE_MIN,
};

/// Predicates of mote_compare_f32.
enum class ComparePredicate : int32_t {
  Eq = MOTE_COMPARE_EQ,
  Lt = MOTE_COMPARE_LT,
  Le = MOTE_COMPARE_LE,
  Gt = MOTE_COMPARE_GT,
  Ge = MOTE_COMPARE_GE,
};

/// The C type of a buffer element of `type` (a quantized type's storage):
/// "float", "int64_t", "int32_t", "int16_t" or "int8_t".
StringRef getCElementType(mlir::Type type);

} // namespace mote::abi

#endif // MOTE_KERNEL_IR_KERNELABI_H
