//===- ShapeInference.cpp - ONNX shape rules for Mote ops -----------------===//

#include "Mote/IR/ShapeInference.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mlir;

namespace mote {

/// Returns the output extent of a sliding window, or a negative value when
/// the window does not fit.
static int64_t windowOutput(int64_t in, int64_t kernel, int64_t stride,
                            int64_t dilation, int64_t padBegin,
                            int64_t padEnd) {
  int64_t effective = (kernel - 1) * dilation + 1;
  int64_t span = in + padBegin + padEnd - effective;
  if (span < 0)
    return -1;
  return span / stride + 1;
}

static LogicalResult checkWindowAttrs(EmitErrorFn emitError,
                                      ArrayRef<int64_t> strides,
                                      ArrayRef<int64_t> dilations,
                                      ArrayRef<int64_t> pads) {
  if (strides.size() != 2 ||
      llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return emitError() << "expects 2 strides of at least 1";
  if (dilations.size() != 2 ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }))
    return emitError() << "expects 2 dilations of at least 1";
  if (pads.size() != 4 || llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitError() << "expects 4 non-negative pads [top, left, bottom, "
                          "right]";
  return success();
}

LogicalResult inferConv2DShape(EmitErrorFn emitError, ArrayRef<int64_t> input,
                               ArrayRef<int64_t> weight,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations,
                               ArrayRef<int64_t> pads, int64_t group,
                               SmallVectorImpl<int64_t> &result) {
  if (input.size() != 4)
    return emitError() << "expects a 4-D NCHW input, got rank " << input.size();
  if (weight.size() != 4)
    return emitError() << "expects a 4-D OIHW weight, got rank "
                       << weight.size();
  if (failed(checkWindowAttrs(emitError, strides, dilations, pads)))
    return failure();
  if (group < 1 || input[1] % group != 0 || weight[0] % group != 0)
    return emitError() << "group " << group << " must divide input channels ("
                       << input[1] << ") and output channels (" << weight[0]
                       << ")";
  if (weight[1] * group != input[1])
    return emitError() << "weight expects " << weight[1] * group
                       << " input channels (" << weight[1] << " per group x "
                       << group << " groups), input has " << input[1];
  int64_t h = windowOutput(input[2], weight[2], strides[0], dilations[0],
                           pads[0], pads[2]);
  int64_t w = windowOutput(input[3], weight[3], strides[1], dilations[1],
                           pads[1], pads[3]);
  if (h < 1 || w < 1)
    return emitError() << "kernel " << weight[2] << "x" << weight[3]
                       << " does not fit the padded input " << input[2] << "x"
                       << input[3];
  result.assign({input[0], weight[0], h, w});
  return success();
}

LogicalResult
inferConvTranspose2DShape(EmitErrorFn emitError, ArrayRef<int64_t> input,
                          ArrayRef<int64_t> weight, ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                          ArrayRef<int64_t> outputPadding, int64_t group,
                          SmallVectorImpl<int64_t> &result) {
  if (input.size() != 4)
    return emitError() << "expects a 4-D NCHW input, got rank " << input.size();
  if (weight.size() != 4)
    return emitError() << "expects a 4-D [C_in, C_out / group, kH, kW] "
                          "weight, got rank "
                       << weight.size();
  if (failed(checkWindowAttrs(emitError, strides, dilations, pads)))
    return failure();
  if (group < 1 || input[1] % group != 0)
    return emitError() << "group " << group << " must divide input channels ("
                       << input[1] << ")";
  if (weight[0] != input[1])
    return emitError() << "weight is for " << weight[0]
                       << " input channels, input has " << input[1];
  if (outputPadding.size() != 2)
    return emitError() << "expects 2 output_padding values";
  int64_t extent[2];
  for (int i = 0; i < 2; ++i) {
    if (outputPadding[i] < 0 ||
        outputPadding[i] >= std::max(strides[i], dilations[i]))
      return emitError() << "output_padding " << outputPadding[i]
                         << " must be below the stride or the dilation";
    extent[i] = strides[i] * (input[2 + i] - 1) + outputPadding[i] +
                (weight[2 + i] - 1) * dilations[i] + 1 - pads[i] - pads[i + 2];
  }
  if (extent[0] < 1 || extent[1] < 1)
    return emitError() << "pads crop the whole " << weight[2] << "x"
                       << weight[3] << " transposed convolution of a "
                       << input[2] << "x" << input[3] << " input";
  result.assign({input[0], weight[1] * group, extent[0], extent[1]});
  return success();
}

LogicalResult inferPool2DShape(EmitErrorFn emitError, ArrayRef<int64_t> input,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations,
                               ArrayRef<int64_t> pads,
                               SmallVectorImpl<int64_t> &result) {
  if (input.size() != 4)
    return emitError() << "expects a 4-D NCHW input, got rank " << input.size();
  if (kernel.size() != 2 || kernel[0] < 1 || kernel[1] < 1)
    return emitError() << "expects a 2-D kernel of positive extents";
  if (failed(checkWindowAttrs(emitError, strides, dilations, pads)))
    return failure();
  if (pads[0] >= kernel[0] || pads[2] >= kernel[0] || pads[1] >= kernel[1] ||
      pads[3] >= kernel[1])
    return emitError() << "pads must be smaller than the kernel";
  int64_t h = windowOutput(input[2], kernel[0], strides[0], dilations[0],
                           pads[0], pads[2]);
  int64_t w = windowOutput(input[3], kernel[1], strides[1], dilations[1],
                           pads[1], pads[3]);
  if (h < 1 || w < 1)
    return emitError() << "kernel " << kernel[0] << "x" << kernel[1]
                       << " does not fit the padded input " << input[2] << "x"
                       << input[3];
  result.assign({input[0], input[1], h, w});
  return success();
}

LogicalResult inferBroadcastShape(EmitErrorFn emitError, ArrayRef<int64_t> lhs,
                                  ArrayRef<int64_t> rhs,
                                  SmallVectorImpl<int64_t> &result) {
  size_t rank = std::max(lhs.size(), rhs.size());
  result.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l != r && l != 1 && r != 1)
      return emitError() << "shapes do not broadcast: dimension " << i << " is "
                         << l << " and " << r;
    result[i] = l == 1 ? r : l;
  }
  return success();
}

LogicalResult inferMatMulShape(EmitErrorFn emitError, ArrayRef<int64_t> lhs,
                               ArrayRef<int64_t> rhs,
                               SmallVectorImpl<int64_t> &result) {
  if (lhs.size() < 2 || rhs.size() < 2)
    return emitError() << "expects operands of rank at least 2";
  int64_t k = lhs.back();
  if (rhs[rhs.size() - 2] != k)
    return emitError() << "contracting dimensions differ: lhs has " << k
                       << ", rhs has " << rhs[rhs.size() - 2];
  if (failed(inferBroadcastShape(emitError, lhs.drop_back(2), rhs.drop_back(2),
                                 result)))
    return failure();
  result.push_back(lhs[lhs.size() - 2]);
  result.push_back(rhs.back());
  return success();
}

LogicalResult inferTransposeShape(EmitErrorFn emitError,
                                  ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> perm,
                                  SmallVectorImpl<int64_t> &result) {
  if (perm.size() != input.size())
    return emitError() << "perm has " << perm.size()
                       << " entries for an input of rank " << input.size();
  SmallVector<bool> seen(input.size(), false);
  result.clear();
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(input.size()) || seen[p])
      return emitError() << "perm is not a permutation of 0.."
                         << input.size() - 1;
    seen[p] = true;
    result.push_back(input[p]);
  }
  return success();
}

LogicalResult inferConcatShape(EmitErrorFn emitError,
                               ArrayRef<ArrayRef<int64_t>> inputs, int64_t axis,
                               SmallVectorImpl<int64_t> &result) {
  if (inputs.empty())
    return emitError() << "expects at least one input";
  ArrayRef<int64_t> first = inputs.front();
  if (axis < 0 || axis >= static_cast<int64_t>(first.size()))
    return emitError() << "axis " << axis << " is out of range for rank "
                       << first.size();
  result.assign(first.begin(), first.end());
  result[axis] = 0;
  for (auto [index, shape] : llvm::enumerate(inputs)) {
    if (shape.size() != first.size())
      return emitError() << "input " << index << " has rank " << shape.size()
                         << ", expected " << first.size();
    for (size_t d = 0; d < shape.size(); ++d)
      if (static_cast<int64_t>(d) != axis && shape[d] != first[d])
        return emitError() << "input " << index << " has extent " << shape[d]
                           << " in dimension " << d << ", expected "
                           << first[d];
    result[axis] += shape[axis];
  }
  return success();
}

LogicalResult inferPadShape(EmitErrorFn emitError, ArrayRef<int64_t> input,
                            ArrayRef<int64_t> pads,
                            SmallVectorImpl<int64_t> &result) {
  if (pads.size() != 2 * input.size())
    return emitError() << "expects " << 2 * input.size()
                       << " pads (begins then ends), got " << pads.size();
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitError() << "expects non-negative pads";
  result.clear();
  for (size_t d = 0; d < input.size(); ++d)
    result.push_back(input[d] + pads[d] + pads[d + input.size()]);
  return success();
}

} // namespace mote
