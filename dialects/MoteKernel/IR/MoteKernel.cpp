//===- MoteKernel.cpp - Kernel-level Mote IR ------------------------------===//

#include "MoteKernel/IR/MoteKernel.h"
#include "MoteKernel/IR/KernelABI.h"

using namespace mlir;
using namespace mote::kernel;

#include "MoteKernel/IR/MoteKernelOpsDialect.cpp.inc"

void MoteKernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "MoteKernel/IR/MoteKernelOps.cpp.inc"
      >();
}

/// The elements of the input and the output a forward kernel's parameter
/// block describes, when the block describes both.
static std::optional<std::pair<int64_t, int64_t>>
ioElements(StringRef type, DictionaryAttr params) {
  auto f = [&](StringRef name) {
    return cast<IntegerAttr>(params.get(name)).getInt();
  };
  auto product = [&](std::initializer_list<StringRef> names) {
    int64_t n = 1;
    for (StringRef name : names)
      n *= f(name);
    return n;
  };
  if (type == "mote_conv2d_s8_params" || type == "mote_conv2d_f32_params" ||
      type == "mote_gemm_conv_params")
    return std::make_pair(product({"batch", "in_channels", "in_h", "in_w"}),
                          product({"batch", "out_channels", "out_h", "out_w"}));
  if (type == "mote_fully_connected_s8_params" ||
      type == "mote_fully_connected_f32_params")
    return std::make_pair(product({"batch", "in_features"}),
                          product({"batch", "out_features"}));
  if (type == "mote_pool2d_s8_params")
    return std::make_pair(product({"batch", "channels", "in_h", "in_w"}),
                          product({"batch", "channels", "out_h", "out_w"}));
  return std::nullopt;
}

LogicalResult CallOp::verify() {
  int64_t outputs = getNumOutputs();
  if (outputs < 0 || outputs > static_cast<int64_t>(getBuffers().size()))
    return emitOpError("num_outputs ")
           << outputs << " exceeds the " << getBuffers().size() << " buffers";
  if (bool(getGuard()) != getGuardIndex().has_value())
    return emitOpError("expects a guard and its index together");
  if (getGuard()) {
    int64_t index = *getGuardIndex();
    if (index < 0 || index >= getGuard().getType().getDimSize(0))
      return emitOpError("guard index ")
             << index << " is outside the guard's "
             << getGuard().getType().getDimSize(0) << " elements";
  }
  for (Attribute scalar : getScalars())
    if (!isa<IntegerAttr, FloatAttr>(scalar))
      return emitOpError("scalars must be integer or float attributes, got ")
             << scalar;
  std::optional<StringRef> type = getParamsType();
  std::optional<DictionaryAttr> params = getParams();
  if (!type) {
    if (params)
      return emitOpError("has params but no params_type");
    return success();
  }
  std::optional<ArrayRef<StringRef>> fields = mote::abi::getParamsFields(*type);
  if (!fields)
    return emitOpError("params_type '")
           << *type << "' is not a parameter block of the runtime ABI";
  if (!params)
    return emitOpError("has params_type '") << *type << "' but no params";
  for (StringRef field : *fields) {
    auto value = dyn_cast_or_null<IntegerAttr>(params->get(field));
    if (!value)
      return emitOpError("params lack the integer field '")
             << field << "' of " << *type;
    int64_t v = value.getInt();
    if (v < INT32_MIN || v > INT32_MAX)
      return emitOpError("params field '")
             << field << "' = " << v << " does not fit in int32";
  }
  for (NamedAttribute attr : *params)
    if (!llvm::is_contained(*fields, attr.getName().strref()))
      return emitOpError("params field '")
             << attr.getName().strref() << "' is not a field of " << *type;
  // Backward kernels read their blocks as the forward layer's: their
  // buffers are in another order.
  if (getBuffers().empty() || getCallee().contains("_backward"))
    return success();
  if (auto io = ioElements(*type, *params)) {
    // A transposed convolution takes the block of the convolution it
    // transposes: its input has that one's output shape and vice versa.
    if (getCallee().contains("_transpose"))
      std::swap(io->first, io->second);
    auto elements = [](Value v) {
      return cast<MemRefType>(v.getType()).getNumElements();
    };
    Value input = getBuffers().front(), output = getBuffers().back();
    if (elements(input) != io->first)
      return emitOpError("input buffer has ")
             << elements(input) << " elements but " << *type << " describes "
             << io->first;
    if (elements(output) != io->second)
      return emitOpError("output buffer has ")
             << elements(output) << " elements but " << *type << " describes "
             << io->second;
  }
  return success();
}

#define GET_OP_CLASSES
#include "MoteKernel/IR/MoteKernelOps.cpp.inc"
