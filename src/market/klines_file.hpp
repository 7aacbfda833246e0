#pragma once
// Reading candles from files: Binance's `GET /api/v3/klines` JSON and the CSV of Binance's
// public data dumps (data.binance.vision), for backtests, the `autotrader indicators` command
// and fixtures. Pure functions; errors are values carrying the 1-based line they were found on.
//
// Formats (the format is told by the content: a file whose first non-blank character is '[' or
// '{' is JSON, anything else CSV):
//   JSON  an array of kline rows exactly as the REST API returns them:
//         [openTime, "open", "high", "low", "close", "volume", closeTime, "quoteVolume",
//          trades, "takerBuyBase", "takerBuyQuote", "ignore"]
//   CSV   one kline per line, the same columns in the same order, comma-separated, no quotes
//         needed; an optional header line (a first line whose first field is not a number);
//         blank lines ignored; CRLF accepted.
// In both, the first 7 columns (up to closeTime) are required, quoteVolume and trades are
// read when present, and later columns are ignored. Prices and volumes may be decimal strings
// or plain numbers. Times are milliseconds; times above 10^14 are taken as microseconds (the
// data dumps switched to microseconds for spot data in 2025; 10^14 ms is the year 5138) and
// converted. Every row's close time must be its open time plus the interval minus 1 ms.
// Candles are returned in file order and marked closed; ordering, gaps and sanity are the
// quality gate's job, not the reader's.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/market.hpp"

namespace autotrader::market {

struct KlinesFileError {
  std::size_t line = 0;  // 1-based; 0 when the error is not about a line (unreadable file)
  std::string message;
};

std::variant<std::vector<core::Candle>, KlinesFileError> read_klines_file(
    const std::filesystem::path& path, core::Symbol symbol, core::Interval interval);

// The same for text already in memory.
std::variant<std::vector<core::Candle>, KlinesFileError> parse_klines(std::string_view text,
                                                                      core::Symbol symbol,
                                                                      core::Interval interval);

// A series read from a file whose symbol and interval are not given: the interval is the first
// row's (from its open and close times), the symbol is the file name's first '-'-separated
// token when it is a valid symbol ("BTCUSDT-1m-2024-01.csv"), else "UNKNOWN".
struct KlinesSeries {
  core::Symbol symbol;
  core::Interval interval = core::Interval::m1;
  std::vector<core::Candle> candles;
};
std::variant<KlinesSeries, KlinesFileError> read_klines_file(const std::filesystem::path& path);

// One row of a `GET /api/v3/klines` response (or of a JSON klines file). The candle's
// interval is told by its open and close times, its symbol is left empty, and it is marked
// closed: the last row of a live response may still be forming, which only the caller can
// tell (close_time >= the server's time). The error says what is wrong with the row.
std::variant<core::Candle, std::string> parse_kline_row(const nlohmann::json& row);
// The same for a known series: also checks that the row's times match `interval`.
std::variant<core::Candle, std::string> parse_kline_row(const nlohmann::json& row,
                                                        core::Symbol symbol,
                                                        core::Interval interval);

}  // namespace autotrader::market
