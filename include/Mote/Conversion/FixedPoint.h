//===- FixedPoint.h - The integer numerics of the lowering ------*- C++ -*-===//
//
// The compile-time half of docs/Numerics.md: how a real multiplier becomes
// a Q31 multiplier and shift, and how a real bound (a clamp, an activation
// range, a pad value) becomes a value of an int8 tensor. Every lowering
// pattern asks these functions; none rounds on its own.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_CONVERSION_FIXEDPOINT_H
#define MOTE_CONVERSION_FIXEDPOINT_H

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

namespace mote {

/// The module attribute that selects the integer numerics of the generated
/// code (docs/Numerics.md): "tflite" for TensorFlow Lite's (a doubly
/// rounded requantization, average pooling by a rounded division; the
/// TFLite importer sets it, `motec --numerics` overrides it), absent or
/// "mote" for Mote's single rounding.
inline constexpr const char kNumericsAttrName[] = "mote.numerics";

/// The argument and result attribute that records a float model boundary's
/// int8 type in the source model (a TFLite model's int8 inputs and
/// outputs, whose quantize / dequantize the import moves inside): `motec
/// run` reads and writes int8 .npy of that type there.
inline constexpr const char kInt8BoundaryAttrName[] = "mote.int8_boundary";

/// A real multiplier as real = multiplier * 2^shift / 2^31 with multiplier
/// in [2^30, 2^31), rounded to nearest (docs/Numerics.md).
struct Q31Multiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;
};

/// Splits a positive real multiplier into Q31 form. Multipliers that are
/// not positive and finite, or too small to represent (below 2^-32), give
/// 0 and 0; multipliers of 2^31 or more saturate to INT32_MAX * 2^30.
Q31Multiplier quantizeMultiplier(double real);

/// The int8 value of the real number `real` in a tensor of scale `scale`
/// and zero point `zeroPoint`: zeroPoint + round(real / scale), rounded
/// half to even as ONNX QuantizeLinear does, saturated to [-128, 127]. A
/// NaN (or a scale that is not positive) gives the zero point.
int64_t quantizeToInt8(double real, double scale, int64_t zeroPoint);

/// The integer range [lo, hi] of an int8 result of scale `scale` and zero
/// point `zeroPoint` clamped to the reals [min, max] (either bound may be
/// absent or NaN): each bound quantized by quantizeToInt8, so a clamp fused
/// into a layer and a standalone clamp give the same range; hi is at least
/// lo.
std::pair<int64_t, int64_t> activationRange(double scale, int64_t zeroPoint,
                                            std::optional<double> min,
                                            std::optional<double> max);

/// The parameters of TFLite's int8 softmax (mote_softmax_s8_params) for an
/// input of scale `inputScale` and a `beta`, computed as TFLite's prepare
/// step does: the multiplier of input differences into Q5 (beta times the
/// scale times 2^26, at most 2^31 - 1) and the smallest difference that
/// does not overflow it. None when that multiplier is not above 1 (TFLite
/// refuses such a scale).
struct TFLiteSoftmaxParams {
  int32_t multiplier = 0;
  int32_t leftShift = 0;
  int32_t diffMin = 0;
};
std::optional<TFLiteSoftmaxParams> tfliteSoftmaxParams(double inputScale,
                                                       double beta);

/// TFLite's int8 logistic (output scale 1/256, zero point -128) or tanh
/// (output scale 1/128, zero point 0) of every int8 input q, at index
/// q + 128, by its reference integer arithmetic (runtime
/// mote_fixedpoint.h). None when the input scale is out of the range TFLite
/// defines the kernel for.
std::optional<std::array<int8_t, 256>>
tfliteActivationTable(bool tanh, double inputScale, int64_t inputZeroPoint);

/// The multiplier of TFLite's int8 MEAN over `count` elements: its sum
/// minus the input zero point times the count is requantized by it. TFLite
/// quantizes input / output scale, then folds 1 / count into it: the
/// multiplier shifted left by floor(log2(count)) (at most 32, and at most
/// 31 plus its shift) and divided by the count, truncating.
Q31Multiplier tfliteMeanMultiplier(double inputScale, double outputScale,
                                   int64_t count);

/// TFLite's int8 LEAKY_RELU of every int8 input q (index q + 128): x = q
/// minus the input zero point, requantized by TFLite's two-rounding
/// multiply with the multiplier of input / output scale (x >= 0) or input
/// scale * alpha / output scale (x < 0), both computed in float as TFLite
/// computes them, plus the output zero point.
std::array<int8_t, 256> tfliteLeakyReluTable(double inputScale,
                                             int64_t inputZeroPoint,
                                             float alpha, double outputScale,
                                             int64_t outputZeroPoint);

/// TFLite's int8 HARD_SWISH of every int8 input (index q + 128), in its
/// 16-bit fixed point: x * relu6(x + 3) / 6 as TFLite's reference kernel
/// computes it. None when the output scale needs a left shift, which
/// TFLite refuses.
std::optional<std::array<int8_t, 256>>
tfliteHardSwishTable(double inputScale, int64_t inputZeroPoint,
                     double outputScale, int64_t outputZeroPoint);

} // namespace mote

#endif // MOTE_CONVERSION_FIXEDPOINT_H
