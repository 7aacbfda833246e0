#include "indicators/momentum.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace autotrader::indicators {
namespace {

// StockCharts' worked RSI example ("RSI" in ChartSchool, the cs-rsi spreadsheet): its closes and
// the 14-period RSI it prints for closes 15 to 31, rounded to two decimals.
TEST(Rsi, MatchesStockChartsWorkedExample) {
  const std::vector<double> closes{44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955,
                                   45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614,  46.282,
                                   46.282,  46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122,
                                   46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783,
                                   44.2181, 44.5672, 43.4205};
  const std::vector<double> published{70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06,
                                      62.38, 54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.30};
  Rsi rsi{14};
  std::vector<double> values;
  for (std::size_t i = 0; i < closes.size(); ++i) {
    const auto value = rsi.update(closes[i]);
    EXPECT_EQ(value.has_value(), i >= 14) << "close " << i + 1;
    if (value) values.push_back(*value);
  }
  ASSERT_EQ(values.size(), published.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_NEAR(values[i], published[i], 0.005) << "close " << i + 15;
  }
}

TEST(Rsi, ReadsHundredWithoutLossesAndFiftyWithoutMovement) {
  Rsi rising{3};
  for (double x : {1.0, 2.0, 3.0, 4.0, 5.0}) rising.update(x);
  EXPECT_DOUBLE_EQ(*rising.value(), 100.0);
  Rsi falling{3};
  for (double x : {5.0, 4.0, 3.0, 2.0}) falling.update(x);
  EXPECT_DOUBLE_EQ(*falling.value(), 0.0);
  Rsi flat{3};
  for (int i = 0; i < 4; ++i) flat.update(10.0);
  EXPECT_DOUBLE_EQ(*flat.value(), 50.0);
}

TEST(Rsi, HandComputedWilderSmoothing) {
  // Period 2. Changes +2, -1 -> seed gain 1, loss 0.5 -> 66.67. Then +3: gain (1 + 3) / 2 = 2,
  // loss 0.5 / 2 = 0.25 -> 100 * 2 / 2.25.
  Rsi rsi{2};
  EXPECT_FALSE(rsi.update(10));
  EXPECT_FALSE(rsi.update(12));
  EXPECT_NEAR(*rsi.update(11), 100.0 * 1.0 / 1.5, 1e-12);
  EXPECT_NEAR(*rsi.update(14), 100.0 * 2.0 / 2.25, 1e-12);
}

TEST(Macd, WarmsUpAtTheSlowPeriodAndSignalPeriodLater) {
  Macd macd{12, 26, 9};
  for (int i = 1; i <= 40; ++i) {
    const MacdValues& v = macd.update(100.0 + i);
    EXPECT_EQ(v.macd.has_value(), i >= 26) << i;
    EXPECT_EQ(v.signal.has_value(), i >= 34) << i;
    EXPECT_EQ(v.histogram.has_value(), i >= 34) << i;
  }
}

// On a ramp, each EMA lags by (period - 1) / 2, so MACD = (26 - 1) / 2 - (12 - 1) / 2 = 7 and the
// signal line, an EMA of a constant, is 7 too.
TEST(Macd, OnARampIsTheDifferenceOfLags) {
  Macd macd;
  for (int i = 0; i < 100; ++i) macd.update(1000.0 + 2.0 * i);
  EXPECT_NEAR(*macd.values().macd, 14.0, 1e-9);
  EXPECT_NEAR(*macd.values().signal, 14.0, 1e-9);
  EXPECT_NEAR(*macd.values().histogram, 0.0, 1e-9);
}

TEST(Stochastic, WarmsUpThenSmoothsRawK) {
  Stochastic stochastic{3, 2, 2};
  // Raw %K needs 3 candles, slow %K 2 raw values, %D 2 slow values: k at 4, d at 5.
  const double highs[] = {10, 12, 11, 13, 14};
  const double lows[] = {8, 9, 9, 10, 12};
  const double closes[] = {9, 11, 10, 13, 12};
  std::vector<StochasticValues> seen;
  for (int i = 0; i < 5; ++i) seen.push_back(stochastic.update(highs[i], lows[i], closes[i]));
  EXPECT_FALSE(seen[2].k);
  // Raw %K: candle 3: (10 - 8) / (12 - 8) = 50; candle 4: (13 - 9) / (13 - 9) = 100;
  // candle 5: (12 - 9) / (14 - 9) = 60.
  EXPECT_NEAR(*seen[3].k, 75.0, 1e-12);
  EXPECT_FALSE(seen[3].d);
  EXPECT_NEAR(*seen[4].k, 80.0, 1e-12);
  EXPECT_NEAR(*seen[4].d, 77.5, 1e-12);
}

TEST(Stochastic, ReadsFiftyOnAFlatRange) {
  Stochastic stochastic;
  for (int i = 0; i < 20; ++i) stochastic.update(5.0, 5.0, 5.0);
  EXPECT_DOUBLE_EQ(*stochastic.values().k, 50.0);
  EXPECT_DOUBLE_EQ(*stochastic.values().d, 50.0);
}

}  // namespace
}  // namespace autotrader::indicators
