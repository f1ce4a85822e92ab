//===- FixedPoint.cpp - The integer numerics of the lowering --------------===//

#include "Mote/Conversion/FixedPoint.h"

#include "mote/mote_fixedpoint.h"

#include <algorithm>
#include <cmath>

using namespace mote;

/// real = q * 2^exponent / 2^31 with q = round(fraction * 2^31) in
/// [2^30, 2^31) (TFLite's QuantizeMultiplier before any range check), for
/// a positive finite `real`.
static int64_t splitMultiplier(double real, int &exponent) {
  double fraction = std::frexp(real, &exponent); // real = fraction * 2^exp
  int64_t q = std::llround(fraction * double(int64_t(1) << 31));
  if (q == (int64_t(1) << 31)) {
    q /= 2;
    ++exponent;
  }
  return q;
}

Q31Multiplier mote::quantizeMultiplier(double real) {
  if (!(real > 0.0) || !std::isfinite(real))
    return {};
  int exponent;
  int64_t q = splitMultiplier(real, exponent);
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
  // Not quantizeMultiplier: a left shift of 31 (scales of 32 and more) is
  // TFLite's, where quantizeMultiplier saturates at 30.
  int shift;
  int64_t q = splitMultiplier(real, shift);
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

Q31Multiplier mote::tfliteMeanMultiplier(double inputScale, double outputScale,
                                         int64_t count) {
  Q31Multiplier m = quantizeMultiplier(inputScale / outputScale);
  if (m.multiplier == 0 || count < 1)
    return {};
  int shift = 0;
  while ((count >> (shift + 1)) != 0)
    ++shift;
  shift = std::min(shift, 32);
  shift = std::min(shift, 31 + m.shift);
  return {static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << shift) /
                               count),
          m.shift - shift};
}

std::array<int8_t, 256> mote::tfliteLeakyReluTable(double inputScale,
                                                   int64_t inputZeroPoint,
                                                   float alpha,
                                                   double outputScale,
                                                   int64_t outputZeroPoint) {
  // TFLite's scales are float32 and its prepare step divides in float.
  float in = static_cast<float>(inputScale);
  float out = static_cast<float>(outputScale);
  Q31Multiplier identity = quantizeMultiplier(static_cast<double>(in / out));
  Q31Multiplier negative =
      quantizeMultiplier(static_cast<double>(in * alpha / out));
  std::array<int8_t, 256> table;
  for (int q = -128; q <= 127; ++q) {
    int32_t x = static_cast<int32_t>(q - inputZeroPoint);
    const Q31Multiplier &m = x >= 0 ? identity : negative;
    int64_t y =
        outputZeroPoint + mote_tflite_multiply(x, m.multiplier, m.shift);
    table[q + 128] = static_cast<int8_t>(std::clamp<int64_t>(y, -128, 127));
  }
  return table;
}

namespace {
// The 16-bit fixed-point steps of TFLite's hard-swish, on int16 values as
// TFLite computes them (gemmlowp's int16 functions).

/// Rounded doubling high multiply (ties up, -1 * -1 saturated).
int16_t roundingHighMul16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN)
    return INT16_MAX;
  int32_t ab = int32_t(a) * int32_t(b);
  int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

/// Doubling high multiply truncated toward zero.
int16_t highMul16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN)
    return INT16_MAX;
  return static_cast<int16_t>((int32_t(a) * int32_t(b)) / (1 << 15));
}

/// Rounding division by 2^exponent, its mask truncated to 16 bits as
/// gemmlowp's int16 version truncates it.
int16_t roundingShift16(int16_t x, int exponent) {
  int16_t mask = static_cast<int16_t>((int64_t(1) << exponent) - 1);
  int16_t remainder = static_cast<int16_t>(x & mask);
  int16_t threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  // An arithmetic shift of the sign-extended value: the floor.
  int32_t floor =
      exponent >= 31
          ? (x < 0 ? -1 : 0)
          : static_cast<int32_t>(std::floor(std::ldexp(double(x), -exponent)));
  return static_cast<int16_t>(floor + (remainder > threshold ? 1 : 0));
}

int16_t saturatingLeftShift16(int16_t value, int amount) {
  int64_t result = int64_t(value) * (int64_t(1) << amount);
  return static_cast<int16_t>(
      std::clamp<int64_t>(result, INT16_MIN, INT16_MAX));
}

/// TFLite's DownScaleInt32ToInt16Multiplier.
int16_t downscaleMultiplier(int32_t multiplier) {
  if (multiplier >= INT32_MAX - (1 << 15))
    return INT16_MAX;
  return static_cast<int16_t>((multiplier + (1 << 15)) >> 16);
}
} // namespace

std::optional<std::array<int8_t, 256>>
mote::tfliteHardSwishTable(double inputScale, int64_t inputZeroPoint,
                           double outputScale, int64_t outputZeroPoint) {
  // In float, as TFLite's prepare step computes them.
  float hires = (1.0f / 128.0f) * static_cast<float>(inputScale);
  float reluishScale = 3.0f / 32768.0f;
  Q31Multiplier out = quantizeMultiplier(
      static_cast<double>(hires / static_cast<float>(outputScale)));
  Q31Multiplier reluish =
      quantizeMultiplier(static_cast<double>(hires / reluishScale));
  if (out.multiplier == 0 || out.shift > 0 || reluish.multiplier == 0 ||
      reluish.shift > 30)
    return std::nullopt;
  int16_t outMultiplier = downscaleMultiplier(out.multiplier);
  int16_t reluishMultiplier = downscaleMultiplier(reluish.multiplier);
  std::array<int8_t, 256> table;
  for (int q = -128; q <= 127; ++q) {
    int16_t x = static_cast<int16_t>(q - inputZeroPoint);
    int16_t hiresX = static_cast<int16_t>(x * (1 << 7));
    int16_t preshift = roundingHighMul16(hiresX, outMultiplier);
    // x on a scale where 3 is 2^15, saturated: relu6(x + 3) / 6 in [0, 1]
    // after the affine step below.
    int16_t r = hiresX;
    if (reluish.shift > 0)
      r = saturatingLeftShift16(r, reluish.shift - 1);
    r = roundingHighMul16(r, reluishMultiplier);
    if (reluish.shift > 0)
      r = saturatingLeftShift16(r, 1);
    if (reluish.shift < 0)
      r = roundingShift16(r, -reluish.shift);
    r = static_cast<int16_t>((int32_t(r) + (1 << 15)) >> 1);
    int16_t y = roundingShift16(highMul16(r, preshift), -out.shift);
    int32_t v = static_cast<int16_t>(y + outputZeroPoint);
    table[q + 128] = static_cast<int8_t>(std::clamp(v, -128, 127));
  }
  return table;
}
