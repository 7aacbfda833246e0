#include "market/pipeline.hpp"

#include <gtest/gtest.h>

#include "tests/src/market/candles.hpp"

namespace autotrader::market {
namespace {

using testing::bar;
using testing::minute;

SymbolPipeline pipeline() {
  return SymbolPipeline{"binance", testing::btc(), core::Interval::m1};
}

TEST(SymbolPipeline, AcceptedCandleYieldsASnapshot) {
  auto p = pipeline();
  const core::Candle c = bar(0, 42000.5);
  const PushResult result = p.push(c, c.close_time + 1500);
  EXPECT_EQ(result.status, PushStatus::accepted);
  ASSERT_TRUE(result.snapshot);
  const Snapshot& s = *result.snapshot;
  EXPECT_EQ(s.symbol, testing::btc());
  EXPECT_EQ(s.interval, core::Interval::m1);
  EXPECT_EQ(s.last_price, 42000.5);
  EXPECT_EQ(s.as_of, c.close_time);
  EXPECT_EQ(s.open_time, c.open_time);
  EXPECT_EQ(s.data_age, std::chrono::milliseconds{1500});
  EXPECT_EQ(s.trend, Trend::unknown);
  EXPECT_FALSE(s.warmed_up);
  EXPECT_EQ(s.volume_ratio, 1.0);
  EXPECT_EQ(p.venue(), "binance");
  EXPECT_EQ(p.indicators().candles(), 1u);
}

TEST(SymbolPipeline, RejectedCandleMovesNothing) {
  auto p = pipeline();
  p.push(bar(0, 100), minute(1));
  const PushResult result = p.push(bar(0, 100), minute(1));
  EXPECT_EQ(result.status, PushStatus::rejected);
  EXPECT_FALSE(result.accepted());
  EXPECT_EQ(result.verdict.reason, RejectReason::duplicate);
  EXPECT_FALSE(result.snapshot);
  EXPECT_EQ(p.indicators().candles(), 1u);
}

TEST(SymbolPipeline, GapIsAcceptedWithTheMissingOpenTimes) {
  auto p = pipeline();
  p.push(bar(0, 100), minute(1));
  const PushResult result = p.push(bar(3, 100), minute(4));
  EXPECT_EQ(result.status, PushStatus::gap);
  EXPECT_TRUE(result.accepted());
  EXPECT_TRUE(result.snapshot);
  EXPECT_EQ(result.verdict.gap.open_times, (std::vector<core::TimestampMs>{minute(1), minute(2)}));
}

TEST(SymbolPipeline, RepairedCandleFeedsTheIndicatorsRepaired) {
  auto p = pipeline();
  core::Candle c = bar(0, 100);
  std::swap(c.high, c.low);
  const PushResult result = p.push(c, minute(1));
  EXPECT_EQ(result.status, PushStatus::repaired);
  EXPECT_EQ(result.verdict.reason, RejectReason::high_below_low);
  EXPECT_EQ(result.verdict.candle.high, 101);
  // A gap takes precedence in the status; the verdict still says the candle was repaired.
  core::Candle late = bar(5, 100);
  std::swap(late.high, late.low);
  const PushResult both = p.push(late, minute(6));
  EXPECT_EQ(both.status, PushStatus::gap);
  EXPECT_EQ(both.verdict.outcome, Outcome::repaired);
}

TEST(SymbolPipeline, SnapshotAgesWithTheClockAndNeverGoesNegative) {
  auto p = pipeline();
  EXPECT_FALSE(p.snapshot(minute(0)));
  const core::Candle c = bar(0, 100);
  p.push(c, c.close_time - 5000);  // a venue clock ahead of ours
  EXPECT_EQ(p.snapshot(c.close_time - 1)->data_age, std::chrono::milliseconds{0});
  EXPECT_EQ(p.snapshot(c.close_time + 90'000)->data_age, std::chrono::milliseconds{90'000});
}

TEST(SymbolPipeline, TrendAndVolumeRatioFollowTheSeries) {
  auto p = pipeline();
  PushResult result;
  for (int i = 0; i < 60; ++i) result = p.push(bar(i, 100 + i, 10), minute(i + 1));
  EXPECT_TRUE(result.snapshot->warmed_up);
  EXPECT_EQ(result.snapshot->trend, Trend::up);
  // Volume doubles on the last candle: 20 over the 20-candle average (19 * 10 + 20) / 20.
  result = p.push(bar(60, 160, 20), minute(61));
  EXPECT_DOUBLE_EQ(result.snapshot->volume_ratio, 20.0 / 10.5);
  for (int i = 61; i < 120; ++i) result = p.push(bar(i, 220 - i, 10), minute(i + 1));
  EXPECT_EQ(result.snapshot->trend, Trend::down);
}

TEST(Snapshot, TrendNeedsBothGaugesToAgree) {
  indicators::IndicatorValues v;
  EXPECT_EQ(classify_trend(100, v), Trend::unknown);
  v.ema_fast = 101;
  v.ema_slow = 100;
  v.sma_slow = 99;
  EXPECT_EQ(classify_trend(100, v), Trend::up);
  EXPECT_EQ(classify_trend(98, v), Trend::sideways);
  v.ema_fast = 99;
  EXPECT_EQ(classify_trend(98, v), Trend::down);
  EXPECT_EQ(classify_trend(100, v), Trend::sideways);
  EXPECT_EQ(to_string(Trend::sideways), "sideways");
}

}  // namespace
}  // namespace autotrader::market
