#pragma once
// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), for the places
// that turn timestamps into dates and back (month-long candles, audit file dates, the risk
// engine's trading day, HTTP dates): C++17 has no std::chrono calendar types. Howard Hinnant's
// days_from_civil / civil_from_days algorithms (public domain), exact for every int64 year that
// does not overflow.
#include <cstdint>

namespace autotrader::core {

struct CivilDate {
  std::int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};

// Days since 1970-01-01 of y-m-d (month 1..12, day 1..31; not checked: 2023-02-30 is March 2nd).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
// The date of a day number.
CivilDate civil_from_days(std::int64_t days);
// Rounds towards negative infinity (day numbers of times before 1970).
std::int64_t floor_div(std::int64_t a, std::int64_t b);

}  // namespace autotrader::core
