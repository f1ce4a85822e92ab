//===- FixedPoint.cpp - The integer numerics of the lowering --------------===//

#include "Mote/Conversion/FixedPoint.h"

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
