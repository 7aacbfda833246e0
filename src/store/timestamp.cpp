#include "store/timestamp.hpp"

#include <cstdint>
#include <cstdio>

#include "core/calendar.hpp"

namespace autotrader::store {
namespace {

using core::civil_from_days;
using core::days_from_civil;
using core::floor_div;
using Civil = core::CivilDate;

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::string format_timestamp(std::chrono::system_clock::time_point at) {
  using namespace std::chrono;
  const std::int64_t ms =
      floor_div(duration_cast<microseconds>(at.time_since_epoch()).count(), 1000);
  const std::int64_t days = floor_div(ms, 86'400'000);
  const std::int64_t ms_of_day = ms - days * 86'400'000;
  const Civil c = civil_from_days(days);
  char buffer[40];
  std::snprintf(
      buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
      static_cast<long long>(c.year), c.month, c.day, static_cast<long long>(ms_of_day / 3'600'000),
      static_cast<long long>(ms_of_day / 60'000 % 60),
      static_cast<long long>(ms_of_day / 1000 % 60), static_cast<long long>(ms_of_day % 1000));
  return buffer;
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      nanos += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first) return std::nullopt;
  }
  std::int64_t offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (text[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  // Days of the month beyond its length (e.g. 02-30) would silently roll over; refuse them.
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const Civil back = civil_from_days(days);
  if (back.month != static_cast<unsigned>(month)) return std::nullopt;
  const std::int64_t seconds =
      days * 86'400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return std::chrono::system_clock::time_point{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds{seconds} + std::chrono::nanoseconds{nanos})};
}

std::string calendar_date(std::chrono::system_clock::time_point at,
                          std::chrono::minutes utc_offset) {
  using namespace std::chrono;
  const std::int64_t secs = duration_cast<seconds>(at.time_since_epoch()).count() +
                            duration_cast<seconds>(utc_offset).count();
  const Civil c = civil_from_days(floor_div(secs, 86'400));
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month,
                c.day);
  return buffer;
}

}  // namespace autotrader::store
