#include "indicators/volume.hpp"

#include <gtest/gtest.h>

namespace autotrader::indicators {
namespace {

constexpr core::TimestampMs kDay = 86'400'000;
constexpr core::TimestampMs kMidnight = 1'704'153'600'000;  // 2024-01-02 00:00 UTC

core::Candle candle(core::TimestampMs open_time, double high, double low, double close,
                    double volume) {
  core::Candle c;
  c.open_time = open_time;
  c.close_time = open_time + 59'999;
  c.open = close;
  c.high = high;
  c.low = low;
  c.close = close;
  c.volume = volume;
  return c;
}

TEST(SessionVwap, WeightsTypicalPricesByVolume) {
  SessionVwap vwap;
  // Typical prices 10 and 20, volumes 1 and 3.
  EXPECT_DOUBLE_EQ(*vwap.update(candle(kMidnight, 11, 9, 10, 1)), 10.0);
  EXPECT_DOUBLE_EQ(*vwap.update(candle(kMidnight + 60'000, 21, 19, 20, 3)), 17.5);
}

TEST(SessionVwap, ResetsAtTheUtcDayBoundary) {
  SessionVwap vwap;
  vwap.update(candle(kMidnight - 60'000, 11, 9, 10, 5));
  EXPECT_DOUBLE_EQ(*vwap.value(), 10.0);
  EXPECT_DOUBLE_EQ(*vwap.update(candle(kMidnight, 31, 29, 30, 1)), 30.0);
  EXPECT_DOUBLE_EQ(*vwap.update(candle(kMidnight + kDay - 60'000, 11, 9, 10, 1)), 20.0);
}

TEST(SessionVwap, EmptyUntilVolumeTrades) {
  SessionVwap vwap;
  EXPECT_FALSE(vwap.update(candle(kMidnight, 11, 9, 10, 0)));
  EXPECT_DOUBLE_EQ(*vwap.update(candle(kMidnight + 60'000, 11, 9, 10, 2)), 10.0);
}

TEST(SessionVwap, OffsetMovesTheSessionStart) {
  // Sessions starting 13:30 UTC (an exchange open): 13:29 and 13:30 are in different sessions.
  const std::chrono::milliseconds offset{13 * 3'600'000 + 30 * 60'000};
  SessionVwap vwap{std::chrono::hours{24}, offset};
  vwap.update(candle(kMidnight + offset.count() - 60'000, 11, 9, 10, 1));
  EXPECT_DOUBLE_EQ(*vwap.update(candle(kMidnight + offset.count(), 21, 19, 20, 1)), 20.0);
}

TEST(SessionVwap, SessionsBeforeTheEpochUseFloorDivision) {
  SessionVwap vwap;
  vwap.update(candle(-kDay, 11, 9, 10, 1));
  // -1 ms is in the same day as -kDay, not in day 0.
  EXPECT_DOUBLE_EQ(*vwap.update(candle(-60'000, 21, 19, 20, 1)), 15.0);
  EXPECT_DOUBLE_EQ(*vwap.update(candle(0, 31, 29, 30, 1)), 30.0);
}

}  // namespace
}  // namespace autotrader::indicators
