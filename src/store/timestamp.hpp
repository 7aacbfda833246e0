#pragma once
// Timestamps as the store writes them: RFC 3339 text in UTC with milliseconds,
// "2026-11-21T08:55:36.123Z", in the audit trail and in every SQLite text column. Text sorts
// in time order and is readable with the sqlite3 shell; the parser also accepts an offset
// ("+02:00") and any number of fraction digits, for records made elsewhere.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace autotrader::store {

// "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, milliseconds, truncated toward the past).
std::string format_timestamp(std::chrono::system_clock::time_point at);

// Parses the RFC 3339 forms above; nullopt when the text is not one of them or out of range.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

// The calendar date "YYYY-MM-DD" of `at` in the zone `utc_offset` east of UTC (0 = UTC).
std::string calendar_date(std::chrono::system_clock::time_point at,
                          std::chrono::minutes utc_offset);

}  // namespace autotrader::store
