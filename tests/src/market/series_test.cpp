#include "market/series.hpp"

#include <gtest/gtest.h>

namespace autotrader::market {
namespace {

constexpr core::TimestampMs kJan2024 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC

TEST(Series, FixedIntervalsStepByTheirLength) {
  EXPECT_EQ(next_open_time(core::Interval::m1, kJan2024), kJan2024 + 60'000);
  EXPECT_EQ(next_open_time(core::Interval::w1, kJan2024), kJan2024 + 7 * 86'400'000LL);
  EXPECT_EQ(close_time_for(core::Interval::m1, kJan2024), kJan2024 + 59'999);
}

TEST(Series, MonthsFollowTheCalendar) {
  const core::TimestampMs feb = 1'706'745'600'000;  // 2024-02-01
  const core::TimestampMs mar = 1'709'251'200'000;  // 2024-03-01 (2024 is a leap year)
  const core::TimestampMs jan2025 = 1'735'689'600'000;
  const core::TimestampMs dec2024 = 1'733'011'200'000;
  EXPECT_EQ(next_open_time(core::Interval::mo1, kJan2024), feb);
  EXPECT_EQ(next_open_time(core::Interval::mo1, feb), mar);
  EXPECT_EQ(next_open_time(core::Interval::mo1, dec2024), jan2025);
  // Binance's own monthly row: [1498867200000 (2017-07-01), ..., 1501545599999].
  EXPECT_EQ(close_time_for(core::Interval::mo1, 1'498'867'200'000), 1'501'545'599'999);
}

TEST(Series, TellsTheIntervalFromOpenAndCloseTimes) {
  EXPECT_EQ(interval_of(kJan2024, kJan2024 + 59'999), core::Interval::m1);
  EXPECT_EQ(interval_of(kJan2024, kJan2024 + 999), core::Interval::s1);
  EXPECT_EQ(interval_of(kJan2024, kJan2024 + 4 * 3'600'000 - 1), core::Interval::h4);
  EXPECT_EQ(interval_of(kJan2024, 1'706'745'599'999), core::Interval::mo1);
  // Binance's documented example row: 1499040000000 .. 1499644799999 is a week.
  EXPECT_EQ(interval_of(1'499'040'000'000, 1'499'644'799'999), core::Interval::w1);
  EXPECT_FALSE(interval_of(kJan2024, kJan2024 + 60'000));
  EXPECT_FALSE(interval_of(kJan2024, kJan2024 - 1));
}

}  // namespace
}  // namespace autotrader::market
