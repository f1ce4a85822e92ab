//===- LegalizeNames.cpp - Valid, unique C names for model tensors --------===//
//
// The generated header names the parameters of the model's functions after
// its ONNX tensors. This pass decides those names once, on the graph level,
// and records them as `mote.c_name`; the C emitter prints them unchanged.
//
//===----------------------------------------------------------------------===//

#include "Mote/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace mote {
#define GEN_PASS_DEF_MOTELEGALIZENAMES
#include "Mote/Conversion/Passes.h.inc"
} // namespace mote

using namespace mlir;

namespace {

/// Keywords of C99, C11 and C++ (the header is included from C++ too), the
/// names of stdint.h and stddef.h a header may meet as macros or types, and
/// the parameter names of the generated API.
constexpr llvm::StringLiteral kReserved[] = {
    // C99 and C11.
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline",
    "int", "long", "register", "restrict", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned",
    "void", "volatile", "while", "_Alignas", "_Alignof", "_Atomic", "_Bool",
    "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
    "_Thread_local",
    // C++ beyond C.
    "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor", "bool",
    "catch", "char8_t", "char16_t", "char32_t", "class", "co_await",
    "co_return", "co_yield", "compl", "concept", "consteval", "constexpr",
    "constinit", "const_cast", "decltype", "delete", "dynamic_cast", "explicit",
    "export", "false", "friend", "mutable", "namespace", "new", "noexcept",
    "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private",
    "protected", "public", "reinterpret_cast", "requires", "static_assert",
    "static_cast", "template", "this", "thread_local", "throw", "true", "try",
    "typeid", "typename", "using", "virtual", "wchar_t", "xor", "xor_eq",
    // Macros of the standard headers the generated files include.
    "NULL", "offsetof", "assert", "errno", "EOF", "stdin", "stdout", "stderr",
    // Parameters of the generated functions.
    "arena", "context", "labels", "loss"};

/// Whether `name` is a word C, C++ or the generated files already use.
bool isReserved(StringRef name) {
  // POSIX reserves `_t` types; stdint.h and stddef.h define many.
  return llvm::is_contained(kReserved, name) || name.ends_with("_t");
}

/// Whether `name` is in the namespace of the runtime's or the model's own
/// functions and macros (`MOTE_OK`, `<NAME>_ARENA_BYTES`, `<name>_run`).
bool inApiNamespace(StringRef name, StringRef modelName) {
  std::string lower = name.lower();
  return StringRef(lower).starts_with("mote_") ||
         StringRef(lower).starts_with(StringRef(modelName).lower() + "_");
}

/// `name` as a C identifier (before reserved words and clashes are seen
/// to).
std::string sanitize(StringRef name) {
  std::string id;
  for (unsigned char c : name)
    id += (llvm::isAlnum(c) && c < 0x80) || c == '_' ? char(c) : '_';
  if (!id.empty() && llvm::isDigit(id[0]))
    id = "t_" + id;
  // C reserves `_` followed by an uppercase letter or another `_`.
  if (id.size() > 1 && id[0] == '_' && (llvm::isUpper(id[1]) || id[1] == '_'))
    id = "t" + id;
  return id;
}

struct LegalizeNamesPass
    : mote::impl::MoteLegalizeNamesBase<LegalizeNamesPass> {
  using MoteLegalizeNamesBase::MoteLegalizeNamesBase;

  void runOnOperation() override {
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>())
      legalize(func);
  }

  void legalize(func::FuncOp func) {
    Builder b(func.getContext());
    unsigned numInputs = func.getNumArguments();
    unsigned count = numInputs + func.getNumResults();
    auto attrOf = [&](unsigned i, StringRef name) {
      return i < numInputs
                 ? func.getArgAttrOfType<StringAttr>(i, name)
                 : func.getResultAttrOfType<StringAttr>(i - numInputs, name);
    };
    // Names the compiler fixed (the train step's `labels` and `loss`) are
    // claimed first; the model's own names are taken in order.
    llvm::StringSet<> taken;
    SmallVector<std::string> names(count);
    for (unsigned i = 0; i < count; ++i)
      if (StringAttr fixed = attrOf(i, "mote.c_name")) {
        names[i] = fixed.str();
        taken.insert(names[i]);
      }
    for (unsigned i = 0; i < count; ++i) {
      if (!names[i].empty())
        continue;
      StringAttr source = attrOf(i, "mote.name");
      std::string id = sanitize(source ? source.getValue() : "");
      if (id.empty())
        id = i < numInputs ? "input" + std::to_string(i)
                           : "output" + std::to_string(i - numInputs);
      if (inApiNamespace(id, modelName))
        id = "t_" + id;
      if (isReserved(id))
        id += "_";
      std::string unique = id;
      for (unsigned n = 1; taken.contains(unique); ++n)
        unique = id + "_" + std::to_string(n);
      taken.insert(unique);
      names[i] = unique;
    }
    for (unsigned i = 0; i < count; ++i) {
      StringAttr value = b.getStringAttr(names[i]);
      if (i < numInputs)
        func.setArgAttr(i, "mote.c_name", value);
      else
        func.setResultAttr(i - numInputs, "mote.c_name", value);
    }
  }
};

} // namespace
