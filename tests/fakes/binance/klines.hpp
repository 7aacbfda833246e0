#pragma once
// The fake's kline data: the /api/v3/klines selection rules, the JSON shapes of a kline row and of
// the kline/trade stream events, and two ways to get a data set (a deterministic generator and a
// Binance klines JSON file). Pure functions: the fake's clock is an argument.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/market.hpp"

namespace autotrader::fakes::binance {

// A Binance error reply: HTTP status plus the {"code","msg"} body.
struct ApiError {
  int status = 400;
  int code = 0;
  std::string msg;
};

inline constexpr int kKlinesDefaultLimit = 500;
inline constexpr int kKlinesMaxLimit = 1000;

struct KlinesQuery {
  std::string symbol;  // as sent (upper case on Binance)
  core::Interval interval = core::Interval::m1;
  std::optional<core::TimestampMs> start_time;
  std::optional<core::TimestampMs> end_time;
  int limit = kKlinesDefaultLimit;
};

// Reads an unsigned decimal integer parameter the way Binance does: digits only, at most 20.
// nullopt for anything else (Binance answers -1100 "Illegal characters ...").
std::optional<std::int64_t> parse_integer_parameter(const std::string& text);

// Validates klines parameters other than the symbol's existence: -1102 for a missing symbol or
// interval, -1120 for an unknown interval, -1100 for a non-numeric time or limit, -1130 for a
// limit outside 1..1000 (Binance's documented maximum; the fake refuses rather than clamps so a
// client that asks for too much notices), -1023 for startTime > endTime.
std::variant<KlinesQuery, ApiError> parse_klines_query(const std::optional<std::string>& symbol,
                                                       const std::optional<std::string>& interval,
                                                       const std::optional<std::string>& start_time,
                                                       const std::optional<std::string>& end_time,
                                                       const std::optional<std::string>& limit);

// Binance's selection over `candles` (sorted by open_time, no duplicates): only candles that have
// opened by `now` exist (the one still forming is included, as Binance includes the current
// candle); with startTime, the first `limit` from startTime on; with only endTime, the last
// `limit` opened at or before endTime; with both, the first `limit` opened in [start, end];
// with neither, the most recent `limit`.
std::vector<core::Candle> select_klines(const std::vector<core::Candle>& candles,
                                        const KlinesQuery& query, core::TimestampMs now);

// Binance's decimal strings: fixed point with 8 places ("0.01634790").
std::string format_decimal(double value);

// [openTime, "open", "high", "low", "close", "volume", closeTime, "quoteAssetVolume", trades,
//  "takerBuyBaseVolume", "takerBuyQuoteVolume", "0"]; taker volumes are half the totals (the
// candle type does not carry them).
nlohmann::json kline_row(const core::Candle& candle);

// The raw payload of a <symbol>@kline_<interval> event; `closed` is the "x" flag.
nlohmann::json kline_event(const core::Candle& candle, core::TimestampMs event_time, bool closed);
// The raw payload of a <symbol>@trade event.
nlohmann::json trade_event(const core::Trade& trade, core::TimestampMs event_time);

// The stream names Binance uses: "btcusdt@kline_1m", "btcusdt@trade".
std::string kline_stream_name(const core::Symbol& symbol, core::Interval interval);
std::string trade_stream_name(const core::Symbol& symbol);

// `count` consecutive candles from `first_open_time` (aligned down to the interval), a seeded
// random walk around `start_price`: same arguments, same candles. All closed.
std::vector<core::Candle> generate_klines(core::Symbol symbol, core::Interval interval,
                                          core::TimestampMs first_open_time, std::size_t count,
                                          double start_price, std::uint64_t seed);

// Reads a Binance /api/v3/klines JSON array from a file. An error message names the file and the
// row when it cannot be read.
std::variant<std::vector<core::Candle>, std::string> load_klines_json(
    const std::filesystem::path& file, core::Symbol symbol, core::Interval interval);

}  // namespace autotrader::fakes::binance
