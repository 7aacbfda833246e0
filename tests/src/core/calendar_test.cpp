#include "core/calendar.hpp"

#include <gtest/gtest.h>

namespace autotrader::core {
namespace {

TEST(Calendar, KnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11'017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2024, 2, 29), 19'782);  // a leap day
  const auto leap = civil_from_days(19'782);
  EXPECT_EQ(leap.year, 2024);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
  const auto before = civil_from_days(-1);
  EXPECT_EQ(before.year, 1969);
  EXPECT_EQ(before.month, 12u);
  EXPECT_EQ(before.day, 31u);
}

TEST(Calendar, RoundTripsEveryDayOverFourCenturies) {
  // 1600-01-01 to 2400-01-01: every leap-year rule (4, 100, 400) at least twice.
  for (std::int64_t day = days_from_civil(1600, 1, 1); day < days_from_civil(2400, 1, 1); ++day) {
    const auto date = civil_from_days(day);
    ASSERT_EQ(days_from_civil(date.year, date.month, date.day), day);
    ASSERT_GE(date.month, 1u);
    ASSERT_LE(date.month, 12u);
    ASSERT_GE(date.day, 1u);
    ASSERT_LE(date.day, 31u);
  }
  EXPECT_EQ(civil_from_days(days_from_civil(1900, 2, 28) + 1).month, 3u);  // 1900: no leap day
  EXPECT_EQ(civil_from_days(days_from_civil(2000, 2, 28) + 1).day, 29u);   // 2000: leap day
}

TEST(Calendar, FloorDivRoundsDown) {
  EXPECT_EQ(floor_div(7, 2), 3);
  EXPECT_EQ(floor_div(-7, 2), -4);
  EXPECT_EQ(floor_div(-8, 2), -4);
  EXPECT_EQ(floor_div(-1, 86'400), -1);
  EXPECT_EQ(floor_div(0, 86'400), 0);
}

}  // namespace
}  // namespace autotrader::core
