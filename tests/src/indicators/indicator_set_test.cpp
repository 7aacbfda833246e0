#include "indicators/indicator_set.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace autotrader::indicators {
namespace {

core::Candle candle(int i) {
  core::Candle c;
  c.open_time = 1'704'153'600'000 + i * 60'000;
  c.close_time = c.open_time + 59'999;
  c.close = 100.0 + (i % 7) - (i % 3);
  c.open = c.close - 0.5;
  c.high = c.close + 1.0;
  c.low = c.open - 1.0;
  c.volume = 10.0 + i % 5;
  return c;
}

TEST(IndicatorSet, WarmsUpAtTheSlowestIndicator) {
  IndicatorSet set;
  for (int i = 1; i <= 60; ++i) {
    const IndicatorValues& v = set.update(candle(i));
    EXPECT_EQ(set.warmed_up(), i >= 50) << i;
    EXPECT_EQ(v.sma_fast.has_value(), i >= 20) << i;
    EXPECT_EQ(v.sma_slow.has_value(), i >= 50) << i;
    EXPECT_EQ(v.rsi.has_value(), i >= 15) << i;
    EXPECT_EQ(v.atr.has_value(), i >= 14) << i;
    EXPECT_EQ(v.macd_signal.has_value(), i >= 34) << i;
    EXPECT_EQ(v.stochastic_d.has_value(), i >= 18) << i;
    EXPECT_TRUE(v.vwap.has_value());
  }
  EXPECT_EQ(set.candles(), 60u);
}

TEST(IndicatorSet, OptionsChangeThePeriods) {
  IndicatorSetOptions options;
  options.sma_fast = 2;
  options.sma_slow = 3;
  IndicatorSet set{options};
  set.update(candle(1));
  const IndicatorValues& v = set.update(candle(2));
  EXPECT_DOUBLE_EQ(*v.sma_fast, (candle(1).close + candle(2).close) / 2);
  EXPECT_FALSE(v.sma_slow);
}

TEST(IndicatorSet, ColumnsHaveUniqueNamesInValueOrder) {
  const auto& names = indicator_names();
  EXPECT_EQ(std::set<std::string_view>(names.begin(), names.end()).size(), kIndicatorCount);
  IndicatorValues v;
  v.sma_fast = 1;
  v.rsi = 5;
  v.volume_average = 16;
  const auto columns = in_column_order(v);
  EXPECT_EQ(names[0], "sma_fast");
  EXPECT_EQ(*columns[0], 1);
  EXPECT_EQ(names[4], "rsi");
  EXPECT_EQ(*columns[4], 5);
  EXPECT_EQ(names[15], "volume_average");
  EXPECT_EQ(*columns[15], 16);
  EXPECT_FALSE(columns[1]);
}

}  // namespace
}  // namespace autotrader::indicators
