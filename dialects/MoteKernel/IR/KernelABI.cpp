//===- KernelABI.cpp - Typed parameter blocks of the runtime's kernels ----===//

#include "MoteKernel/IR/KernelABI.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

std::optional<ArrayRef<StringRef>> mote::abi::getParamsFields(StringRef type) {
#define MOTE_ABI_NAME_(name) #name,
#define MOTE_ABI_TABLE_(type)                                                  \
  static const StringRef type##_fields[] = {MOTE_PARAMS_##type(MOTE_ABI_NAME_)};
  MOTE_PARAMS_LIST(MOTE_ABI_TABLE_)
#undef MOTE_ABI_TABLE_
#define MOTE_ABI_CASE_(type) .Case(#type, ArrayRef<StringRef>(type##_fields))
  return llvm::StringSwitch<std::optional<ArrayRef<StringRef>>>(type)
      MOTE_PARAMS_LIST(MOTE_ABI_CASE_)
          .Default(std::nullopt);
#undef MOTE_ABI_CASE_
#undef MOTE_ABI_NAME_
}

DictionaryAttr mote::abi::buildParamsAttr(
    MLIRContext *context,
    ArrayRef<std::pair<StringRef, std::optional<int64_t>>> fields) {
  Builder builder(context);
  SmallVector<NamedAttribute> attrs;
  for (auto [name, value] : fields)
    if (value)
      attrs.push_back(
          builder.getNamedAttr(name, builder.getI64IntegerAttr(*value)));
  return builder.getDictionaryAttr(attrs);
}

StringRef mote::abi::getCElementType(Type type) {
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    type = q.getStorageType();
  if (type.isF32())
    return "float";
  if (type.isInteger(64))
    return "int64_t";
  if (type.isInteger(32))
    return "int32_t";
  if (type.isInteger(16))
    return "int16_t";
  return "int8_t";
}
