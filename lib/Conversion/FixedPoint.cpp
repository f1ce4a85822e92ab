//===- FixedPoint.cpp - The integer numerics of the lowering --------------===//

#include "Mote/Conversion/FixedPoint.h"

#include "mote/mote_fixedpoint.h"

#include <algorithm>
#include <cmath>

using namespace mote;

Q31Multiplier mote::quantizeMultiplier(double real) {
  if (!(real > 0.0) || !std::isfinite(real))
    return {};
  int exponent;
  double fraction = std::frexp(real, &exponent); // real = fraction * 2^exp
  int64_t q = std::llround(fraction * double(int64_t(1) << 31));
  if (q == (int64_t(1) << 31)) {
    q /= 2;
    ++exponent;
  }
  if (exponent < -31)
    return {};
  if (exponent > 30)
    return {INT32_MAX, 30};
  return {static_cast<int32_t>(q), exponent};
}

int64_t mote::quantizeToInt8(double real, double scale, int64_t zeroPoint) {
  if (std::isnan(real) || !(scale > 0.0))
    return std::clamp<int64_t>(zeroPoint, -128, 127);
  double q = std::nearbyint(real / scale) + static_cast<double>(zeroPoint);
  return static_cast<int64_t>(std::clamp(q, -128.0, 127.0));
}

std::pair<int64_t, int64_t> mote::activationRange(double scale,
                                                  int64_t zeroPoint,
                                                  std::optional<double> min,
                                                  std::optional<double> max) {
  int64_t lo =
      min && !std::isnan(*min) ? quantizeToInt8(*min, scale, zeroPoint) : -128;
  int64_t hi =
      max && !std::isnan(*max) ? quantizeToInt8(*max, scale, zeroPoint) : 127;
  return {lo, std::max(lo, hi)};
}

/// TFLite's radius of inputs whose rescaled value fits a Q`integerBits`
/// int32 after a left shift by `leftShift`: floor((2^integerBits - 1) *
/// 2^(31 - integerBits) / 2^leftShift).
static int64_t inputRadius(int integerBits, int leftShift) {
  return static_cast<int64_t>(std::floor(std::ldexp(
      double((1 << integerBits) - 1), 31 - integerBits - leftShift)));
}

std::optional<TFLiteSoftmaxParams> mote::tfliteSoftmaxParams(double inputScale,
                                                             double beta) {
  // Q5 differences: 2^(31 - 5) per unit.
  double real = std::min(beta * inputScale * double(1 << 26),
                         double((int64_t(1) << 31) - 1));
  if (!(real > 1.0))
    return std::nullopt;
  int shift;
  double fraction = std::frexp(real, &shift);
  int64_t q = std::llround(fraction * double(int64_t(1) << 31));
  if (q == (int64_t(1) << 31)) {
    q /= 2;
    ++shift;
  }
  return TFLiteSoftmaxParams{static_cast<int32_t>(q), shift,
                             static_cast<int32_t>(-inputRadius(5, shift))};
}

std::optional<std::array<int8_t, 256>>
mote::tfliteActivationTable(bool tanh, double inputScale,
                            int64_t inputZeroPoint) {
  // Inputs become Q4: 2^27 per unit of the input scale.
  constexpr int kIntegerBits = 4;
  Q31Multiplier m = quantizeMultiplier(inputScale * double(1 << 27));
  if (m.multiplier == 0 || m.shift < -31 || m.shift > 30)
    return std::nullopt;
  int64_t radius = inputRadius(kIntegerBits, m.shift);
  std::array<int8_t, 256> table;
  for (int q = -128; q <= 127; ++q) {
    int64_t x = q - inputZeroPoint;
    int32_t y;
    if (x <= -radius) {
      y = -128;
    } else if (x >= radius) {
      y = 127;
    } else {
      int32_t fixed =
          mote_tflite_multiply(static_cast<int32_t>(x), m.multiplier, m.shift);
      // The Q0 result to 7 (tanh, zero point 0) or 8 (logistic, zero
      // point -128) fraction bits.
      y = tanh ? mote_tflite_rounding_divide_by_pot(
                     mote_fp_tanh(fixed, kIntegerBits), 24)
               : mote_tflite_rounding_divide_by_pot(
                     mote_fp_logistic(fixed, kIntegerBits), 23) -
                     128;
      y = std::clamp(y, -128, 127);
    }
    table[q + 128] = static_cast<int8_t>(y);
  }
  return table;
}
