#include "market/series.hpp"

#include <cstdint>

namespace autotrader::market {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain), proleptic Gregorian.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

}  // namespace

core::TimestampMs next_open_time(core::Interval interval, core::TimestampMs open_time) {
  if (interval != core::Interval::mo1) return open_time + core::duration(interval).count();
  // Same day-of-month and time of day, one calendar month later.
  const std::int64_t days = floor_div(open_time, kDayMs);
  const std::int64_t time_of_day = open_time - days * kDayMs;
  Civil date = civil_from_days(days);
  if (++date.month == 13) {
    date.month = 1;
    ++date.year;
  }
  return days_from_civil(date.year, date.month, date.day) * kDayMs + time_of_day;
}

std::optional<core::Interval> interval_of(core::TimestampMs open_time,
                                          core::TimestampMs close_time) {
  for (auto i = static_cast<int>(core::Interval::s1); i <= static_cast<int>(core::Interval::mo1);
       ++i) {
    const auto interval = static_cast<core::Interval>(i);
    if (close_time_for(interval, open_time) == close_time) return interval;
  }
  return std::nullopt;
}

}  // namespace autotrader::market
