//===- FixedPointTest.cpp - Unit tests of the lowering's numerics ---------===//

#include "Mote/Conversion/FixedPoint.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <optional>
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

//===----------------------------------------------------------------------===//
// TFLite's element-wise int8 kernels as tables, against transcriptions of
// TFLite's reference kernels and their prepare steps (float arithmetic
// where TFLite's is float, arithmetic shifts of negative values as TFLite
// relies on).
//===----------------------------------------------------------------------===//

int32_t tflSrdhm(int32_t a, int32_t b) {
  bool overflow = a == b && a == INT32_MIN;
  int64_t ab = int64_t(a) * int64_t(b);
  int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  int32_t high = static_cast<int32_t>((ab + nudge) / (1ll << 31));
  return overflow ? INT32_MAX : high;
}

template <typename T> T tflRdbp(T x, int exponent) {
  const T mask = static_cast<T>((1ll << exponent) - 1);
  const T remainder = static_cast<T>(x & mask);
  const T threshold = static_cast<T>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<T>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

int32_t tflMbqm(int32_t x, int32_t m, int shift) {
  int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return tflRdbp<int32_t>(tflSrdhm(static_cast<int32_t>(int64_t(x) << left), m),
                          right);
}

void tflQuantizeMultiplier(double real, int32_t *m, int *shift) {
  if (real == 0.0) {
    *m = 0;
    *shift = 0;
    return;
  }
  double q = std::frexp(real, shift);
  int64_t fixed = static_cast<int64_t>(std::round(q * (1ll << 31)));
  if (fixed == (1ll << 31)) {
    fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    fixed = 0;
  }
  *m = static_cast<int32_t>(fixed);
}

int16_t tflSrdhm16(int16_t a, int16_t b) {
  bool overflow = a == b && a == INT16_MIN;
  int32_t ab = int32_t(a) * int32_t(b);
  int16_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  int16_t high = static_cast<int16_t>((ab + nudge) / (1 << 15));
  return overflow ? INT16_MAX : high;
}

int16_t tflSaturatingLeftShift(int16_t value, int amount) {
  int64_t result = static_cast<int64_t>(value) * (1 << amount);
  result = std::min<int64_t>(result, INT16_MAX);
  return static_cast<int16_t>(std::max<int64_t>(result, INT16_MIN));
}

int16_t tflSaturatingDoublingHighMul(int16_t a, int16_t b) {
  bool overflow = a == b && a == INT16_MIN;
  int16_t high = static_cast<int16_t>((int32_t(a) * int32_t(b)) / (1 << 15));
  return overflow ? INT16_MAX : high;
}

int16_t tflDownScale(int32_t m) {
  if (m >= INT32_MAX - (1 << 15))
    return INT16_MAX;
  return static_cast<int16_t>((m + (1 << 15)) >> 16);
}

/// TFLite's HardSwishPrepare and reference HardSwish for one int8 input;
/// nullopt where the prepare step refuses the scales.
std::optional<int8_t> tflHardSwish(float inScale, int zpIn, float outScale,
                                   int zpOut, int8_t q) {
  const float hires = (1.0f / 128.0f) * inScale;
  const float reluishScale = 3.0f / 32768.0f;
  int32_t outM32, reluM32;
  int outExp, reluExp;
  tflQuantizeMultiplier(static_cast<double>(hires / outScale), &outM32,
                        &outExp);
  if (outExp > 0)
    return std::nullopt;
  tflQuantizeMultiplier(static_cast<double>(hires / reluishScale), &reluM32,
                        &reluExp);
  int16_t outM = tflDownScale(outM32), reluM = tflDownScale(reluM32);
  const int16_t input = static_cast<int16_t>(q - zpIn);
  const int16_t hiresInput = static_cast<int16_t>(input * (1 << 7));
  const int16_t preshift = tflSrdhm16(hiresInput, outM);
  int16_t reluish = hiresInput;
  if (reluExp > 0)
    reluish = tflSaturatingLeftShift(reluish, reluExp - 1);
  reluish = tflSrdhm16(reluish, reluM);
  if (reluExp > 0)
    reluish = tflSaturatingLeftShift(reluish, 1);
  if (reluExp < 0)
    reluish = tflRdbp<int16_t>(reluish, -reluExp);
  reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);
  const int16_t pre = tflSaturatingDoublingHighMul(reluish, preshift);
  int16_t out = tflRdbp<int16_t>(pre, -outExp);
  out = static_cast<int16_t>(out + zpOut);
  out = std::min<int16_t>(out, 127);
  return static_cast<int8_t>(std::max<int16_t>(out, -128));
}

/// TFLite's LeakyReluPrepare and reference QuantizeLeakyRelu.
int8_t tflLeakyRelu(float inScale, int zpIn, float alpha, float outScale,
                    int zpOut, int8_t q) {
  int32_t mAlpha, mIdentity;
  int shiftAlpha, shiftIdentity;
  tflQuantizeMultiplier(static_cast<double>(inScale * alpha / outScale),
                        &mAlpha, &shiftAlpha);
  tflQuantizeMultiplier(static_cast<double>(inScale / outScale), &mIdentity,
                        &shiftIdentity);
  const int32_t input = q - zpIn;
  int32_t out = input >= 0 ? zpOut + tflMbqm(input, mIdentity, shiftIdentity)
                           : zpOut + tflMbqm(input, mAlpha, shiftAlpha);
  return static_cast<int8_t>(std::min(127, std::max(-128, out)));
}

TEST(TFLiteTables, HardSwishAndLeakyReluMatchTFLiteReference) {
  std::mt19937 rng(19);
  std::uniform_real_distribution<double> exponent(-3.0, 0.5);
  std::uniform_int_distribution<int> zeroPoint(-128, 127);
  int refused = 0, compared = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    float inScale = static_cast<float>(std::pow(10.0, exponent(rng)));
    float outScale = static_cast<float>(std::pow(10.0, exponent(rng)));
    int zpIn = zeroPoint(rng), zpOut = zeroPoint(rng);
    float alpha = static_cast<float>(trial % 7) * 0.05f + 0.01f;
    std::optional<std::array<int8_t, 256>> hardSwish =
        tfliteHardSwishTable(inScale, zpIn, outScale, zpOut);
    std::array<int8_t, 256> leaky =
        tfliteLeakyReluTable(inScale, zpIn, alpha, outScale, zpOut);
    bool tflRefuses = !tflHardSwish(inScale, zpIn, outScale, zpOut, 0);
    ASSERT_EQ(!hardSwish, tflRefuses) << inScale << " -> " << outScale;
    refused += tflRefuses;
    for (int q = -128; q <= 127; ++q) {
      int8_t x = static_cast<int8_t>(q);
      if (hardSwish)
        ASSERT_EQ((*hardSwish)[q + 128],
                  *tflHardSwish(inScale, zpIn, outScale, zpOut, x))
            << "hard-swish " << inScale << " " << zpIn << " -> " << outScale
            << " " << zpOut << " at " << q;
      ASSERT_EQ(leaky[q + 128],
                tflLeakyRelu(inScale, zpIn, alpha, outScale, zpOut, x))
          << "leaky ReLU " << inScale << " " << zpIn << " alpha " << alpha
          << " -> " << outScale << " " << zpOut << " at " << q;
      ++compared;
    }
  }
  // The scales span a factor of 3000 both ways: some outputs need the left
  // shift TFLite's hard-swish refuses, most do not.
  EXPECT_GT(refused, 0);
  EXPECT_LT(refused, 1000);
  EXPECT_EQ(compared, 2000 * 256);
}

TEST(TFLiteTables, MeanMultiplierFoldsTheCount) {
  // 0.05 / 0.05 is 2^30 * 2^1 / 2^31; 20 elements: floor(log2 20) = 4, so
  // 2^34 / 20 truncated, shift 1 - 4.
  Q31Multiplier m = tfliteMeanMultiplier(0.05, 0.05, 20);
  EXPECT_EQ(m.multiplier, 858993459);
  EXPECT_EQ(m.shift, -3);
  // One element keeps the multiplier of the scales.
  Q31Multiplier one = tfliteMeanMultiplier(0.05, 0.02, 1);
  Q31Multiplier scales = quantizeMultiplier(0.05 / 0.02);
  EXPECT_EQ(one.multiplier, scales.multiplier);
  EXPECT_EQ(one.shift, scales.shift);
  // The fold shifts by at most 32, and by at most 31 plus the shift.
  Q31Multiplier many = tfliteMeanMultiplier(1.0, 1.0, int64_t(1) << 40);
  EXPECT_EQ(many.shift, 1 - 32);
  EXPECT_EQ(many.multiplier, int32_t((int64_t(1) << 62) >> 40));
  Q31Multiplier small = tfliteMeanMultiplier(std::ldexp(1.0, -30), 1.0, 1024);
  EXPECT_EQ(small.shift, -31);
  EXPECT_EQ(small.multiplier, int32_t((int64_t(1) << 32) / 1024));
}

} // namespace
