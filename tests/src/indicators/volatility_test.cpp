#include "indicators/volatility.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace autotrader::indicators {
namespace {

TEST(Atr, MeanOfTheFirstTrueRangesThenWilder) {
  Atr atr{3};
  // True ranges: 2 (first candle: high - low), max(1, |12 - 9|, |11 - 9|) = 3, and 2.
  EXPECT_FALSE(atr.update(10, 8, 9));
  EXPECT_FALSE(atr.update(12, 11, 11.5));
  EXPECT_NEAR(*atr.update(12.5, 10.5, 12), (2.0 + 3.0 + 2.0) / 3.0, 1e-12);
  // A gap down: true range max(1, |6 - 12|, |5 - 12|) = 7.
  EXPECT_NEAR(*atr.update(6, 5, 5.5), (7.0 / 3.0 * 2.0 + 7.0) / 3.0, 1e-12);
}

TEST(Atr, ConstantRangeGivesThatRange) {
  Atr atr{14};
  for (int i = 0; i < 13; ++i) EXPECT_FALSE(atr.update(101, 99, 100)) << i;
  for (int i = 0; i < 30; ++i) EXPECT_NEAR(*atr.update(101, 99, 100), 2.0, 1e-12);
}

TEST(Bollinger, PopulationDeviationAroundTheMean) {
  Bollinger bollinger{20, 2.0};
  for (int i = 1; i < 20; ++i) EXPECT_FALSE(bollinger.update(i)) << i;
  const auto bands = bollinger.update(20);
  ASSERT_TRUE(bands);
  // 1..20: mean 10.5, population deviation sqrt((20^2 - 1) / 12).
  const double deviation = std::sqrt(399.0 / 12.0);
  EXPECT_NEAR(bands->middle, 10.5, 1e-12);
  EXPECT_NEAR(bands->upper, 10.5 + 2 * deviation, 1e-12);
  EXPECT_NEAR(bands->lower, 10.5 - 2 * deviation, 1e-12);
}

// Running sums of squares lose every digit at prices like 60000 moving by cents; the window is
// evaluated directly, so the deviation stays exact to many digits.
TEST(Bollinger, KeepsPrecisionAtHighPricesWithTinyMoves) {
  Bollinger bollinger{2, 1.0};
  for (int i = 0; i < 10000; ++i) bollinger.update(60000.0 + (i % 2 == 0 ? 0.01 : -0.01));
  EXPECT_NEAR(bollinger.value()->upper - bollinger.value()->middle, 0.01, 1e-9);
}

TEST(Bollinger, CollapsesOnAConstantSeries) {
  Bollinger bollinger{5, 2.0};
  for (int i = 0; i < 6; ++i) bollinger.update(42.0);
  EXPECT_DOUBLE_EQ(bollinger.value()->upper, 42.0);
  EXPECT_DOUBLE_EQ(bollinger.value()->lower, 42.0);
}

}  // namespace
}  // namespace autotrader::indicators
