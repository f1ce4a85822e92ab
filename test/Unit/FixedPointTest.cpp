//===- FixedPointTest.cpp - Unit tests of the lowering's numerics ---------===//

#include "Mote/Conversion/FixedPoint.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mote;

namespace {

double valueOf(Q31Multiplier q) {
  return std::ldexp(static_cast<double>(q.multiplier), q.shift - 31);
}

TEST(QuantizeMultiplier, PowersOfTwo) {
  Q31Multiplier half = quantizeMultiplier(0.5);
  EXPECT_EQ(half.multiplier, 1 << 30);
  EXPECT_EQ(half.shift, 0);
  Q31Multiplier quarter = quantizeMultiplier(0.25);
  EXPECT_EQ(quarter.multiplier, 1 << 30);
  EXPECT_EQ(quarter.shift, -1);
  Q31Multiplier one = quantizeMultiplier(1.0);
  EXPECT_EQ(one.multiplier, 1 << 30);
  EXPECT_EQ(one.shift, 1);
}

TEST(QuantizeMultiplier, RoundsToNearest) {
  // 0.75 is 0x60000000 / 2^31 exactly; 1/3 is 2^31 * 2/3 = 1431655765.33
  // times 2^-1, rounded down.
  EXPECT_EQ(quantizeMultiplier(0.75).multiplier, 0x60000000);
  Q31Multiplier third = quantizeMultiplier(1.0 / 3.0);
  EXPECT_EQ(third.multiplier, 1431655765);
  EXPECT_EQ(third.shift, -1);
  // A fraction that rounds to 2^31 renormalizes to 2^30 one power up.
  Q31Multiplier almostOne = quantizeMultiplier(1.0 - std::ldexp(1.0, -40));
  EXPECT_EQ(almostOne.multiplier, 1 << 30);
  EXPECT_EQ(almostOne.shift, 1);
}

TEST(QuantizeMultiplier, RelativeErrorBelowHalfUlp) {
  std::mt19937_64 rng(20261202);
  std::uniform_real_distribution<double> exponent(-20.0, 20.0);
  for (int i = 0; i < 100000; ++i) {
    double real = std::exp2(exponent(rng));
    Q31Multiplier q = quantizeMultiplier(real);
    ASSERT_GE(q.multiplier, 1 << 30) << real;
    EXPECT_LE(std::fabs(valueOf(q) - real) / real, std::ldexp(1.0, -31))
        << real;
  }
}

TEST(QuantizeMultiplier, OutOfRange) {
  for (double bad :
       {0.0, -0.5, std::nan(""), double(INFINITY), std::ldexp(1.0, -40)}) {
    Q31Multiplier q = quantizeMultiplier(bad);
    EXPECT_EQ(q.multiplier, 0) << bad;
    EXPECT_EQ(q.shift, 0) << bad;
  }
  Q31Multiplier huge = quantizeMultiplier(std::ldexp(1.0, 40));
  EXPECT_EQ(huge.multiplier, INT32_MAX);
  EXPECT_EQ(huge.shift, 30);
}

TEST(QuantizeToInt8, HalfToEvenAndSaturation) {
  // As ONNX QuantizeLinear: ties to even.
  EXPECT_EQ(quantizeToInt8(2.5, 1.0, 0), 2);
  EXPECT_EQ(quantizeToInt8(3.5, 1.0, 0), 4);
  EXPECT_EQ(quantizeToInt8(-2.5, 1.0, 0), -2);
  EXPECT_EQ(quantizeToInt8(1.0, 0.5, -3), -1);
  EXPECT_EQ(quantizeToInt8(1000.0, 0.5, 0), 127);
  EXPECT_EQ(quantizeToInt8(-1000.0, 0.5, 0), -128);
  EXPECT_EQ(quantizeToInt8(std::nan(""), 0.5, 7), 7);
  EXPECT_EQ(quantizeToInt8(INFINITY, 0.5, 0), 127);
}

TEST(ActivationRange, OneRuleForFusedAndStandaloneClamps) {
  // ReLU6 with scale 0.32: 6 / 0.32 = 18.75 rounds to 19, as a float
  // clamp followed by QuantizeLinear gives (the retired fused rule took
  // the floor, 18).
  auto relu6 = activationRange(0.32, -128, 0.0, 6.0);
  EXPECT_EQ(relu6.first, -128);
  EXPECT_EQ(relu6.second, -109);
  auto relu = activationRange(0.5, -3, 0.0, std::nullopt);
  EXPECT_EQ(relu.first, -3);
  EXPECT_EQ(relu.second, 127);
  auto none = activationRange(0.5, 0, std::nullopt, std::nullopt);
  EXPECT_EQ(none.first, -128);
  EXPECT_EQ(none.second, 127);
  // An empty clamp collapses to one value rather than lo > hi.
  auto empty = activationRange(1.0, 0, 5.0, 2.0);
  EXPECT_EQ(empty.first, 5);
  EXPECT_EQ(empty.second, 5);
  auto nan = activationRange(1.0, 0, std::nan(""), std::nan(""));
  EXPECT_EQ(nan.first, -128);
  EXPECT_EQ(nan.second, 127);
}

} // namespace
