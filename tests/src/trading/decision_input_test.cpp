// Snapshot → DecisionInput: every field lands where the prompts and the technical provider read it.
#include "trading/decision_input.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "loop_fixture.hpp"

namespace autotrader::trading::test {
namespace {

TEST(TradingDecisionInput, CopiesEveryFieldOfTheSnapshot) {
  auto s = candle(0);
  s.indicators.atr = 120;
  s.indicators.vwap = 49950;
  s.indicators.macd = 12;
  s.indicators.macd_signal = 10;
  s.indicators.macd_histogram = 2;
  auto input = to_decision_input(s, make_position_state(0.01, 48000, 50000));
  EXPECT_EQ(input.symbol, "BTCUSDT");
  EXPECT_EQ(input.interval, "1m");
  EXPECT_EQ(input.price, 50000);
  EXPECT_EQ(input.rsi, 31.5);
  EXPECT_EQ(input.ma_short, 49900);
  EXPECT_EQ(input.ma_long, 49500);
  EXPECT_EQ(input.atr, 120);
  EXPECT_EQ(input.vwap, 49950);
  EXPECT_EQ(input.macd, 12);
  EXPECT_EQ(input.macd_signal, 10);
  EXPECT_EQ(input.macd_histogram, 2);
  EXPECT_EQ(input.trend, "up");
  EXPECT_EQ(input.volume_ratio, 1.4);
  EXPECT_EQ(input.as_of_ms, s.as_of);
  EXPECT_EQ(input.position.quantity, 0.01);
  EXPECT_EQ(input.position.average_entry_price, 48000);
  EXPECT_NEAR(input.position.unrealized_pnl_pct, 4.1666666, 1e-6);
}

TEST(TradingDecisionInput, MissingIndicatorsStayMissing) {
  auto s = candle(0);
  s.indicators = {};
  s.trend = market::Trend::unknown;
  auto input = to_decision_input(s);
  EXPECT_FALSE(input.rsi);
  EXPECT_FALSE(input.ma_short);
  EXPECT_FALSE(input.macd);
  EXPECT_EQ(input.trend, "unknown");
  EXPECT_EQ(input.position.quantity, 0);
}

TEST(TradingDecisionInput, PositionStateNeverDividesByZeroOrKeepsNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(make_position_state(0.5, 0, 100).unrealized_pnl_pct, 0);
  EXPECT_EQ(make_position_state(0.5, 100, 0).unrealized_pnl_pct, 0);
  EXPECT_EQ(make_position_state(0, 100, 120).unrealized_pnl_pct, 0);
  auto bad = make_position_state(nan, nan, nan);
  EXPECT_EQ(bad.quantity, 0);
  EXPECT_EQ(bad.average_entry_price, 0);
  EXPECT_TRUE(std::isfinite(bad.unrealized_pnl_pct));
  EXPECT_DOUBLE_EQ(make_position_state(1, 100, 90).unrealized_pnl_pct, -10);
}

}  // namespace
}  // namespace autotrader::trading::test
