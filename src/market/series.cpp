#include "market/series.hpp"

#include <cstdint>

#include "core/calendar.hpp"

namespace autotrader::market {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

using core::civil_from_days;
using core::days_from_civil;
using core::floor_div;

}  // namespace

core::TimestampMs next_open_time(core::Interval interval, core::TimestampMs open_time) {
  if (interval != core::Interval::mo1) return open_time + core::duration(interval).count();
  // Same day-of-month and time of day, one calendar month later.
  const std::int64_t days = floor_div(open_time, kDayMs);
  const std::int64_t time_of_day = open_time - days * kDayMs;
  core::CivilDate date = civil_from_days(days);
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
