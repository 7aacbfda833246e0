#include "store/timestamp.hpp"

#include <gtest/gtest.h>

namespace autotrader::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::system_clock;

system_clock::time_point at_seconds(long long s) {
  return system_clock::time_point{seconds{s}};
}

TEST(StoreTimestamp, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(at_seconds(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(at_seconds(1'700'000'000) + milliseconds{7}),
            "2023-11-14T22:13:20.007Z");
  EXPECT_EQ(format_timestamp(at_seconds(951'782'400)), "2000-02-29T00:00:00.000Z");
  // Before the epoch the milliseconds still count toward the past.
  EXPECT_EQ(format_timestamp(at_seconds(0) - milliseconds{1}), "1969-12-31T23:59:59.999Z");
}

TEST(StoreTimestamp, ParsesWhatItFormatsAndOffsets) {
  const auto t = at_seconds(1'700'000'000) + milliseconds{123};
  EXPECT_EQ(parse_timestamp(format_timestamp(t)), t);
  EXPECT_EQ(parse_timestamp("2023-11-15T00:13:20.123+02:00"), t);
  EXPECT_EQ(parse_timestamp("2023-11-14T20:13:20.123-02:00"), t);
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20Z"), at_seconds(1'700'000'000));
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20.123456789Z"),
            at_seconds(1'700'000'000) + std::chrono::nanoseconds{123'456'789});
}

TEST(StoreTimestamp, RefusesMalformedText) {
  for (const char* bad :
       {"", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14T22:13:20.Z", "2023-02-30T00:00:00Z",
        "2023-13-01T00:00:00Z", "2023-11-14T24:00:00Z", "2023-11-14T22:13:20+0200",
        "2023-11-14T22:13:20Zjunk", "abcd-11-14T22:13:20Z"}) {
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
  }
}

TEST(StoreTimestamp, CalendarDateInAZone) {
  const auto late = *parse_timestamp("2026-11-21T23:30:00Z");
  EXPECT_EQ(calendar_date(late, minutes{0}), "2026-11-21");
  EXPECT_EQ(calendar_date(late, minutes{60}), "2026-11-22");
  EXPECT_EQ(calendar_date(*parse_timestamp("2026-11-21T00:30:00Z"), minutes{-60}), "2026-11-20");
}

}  // namespace
}  // namespace autotrader::store
