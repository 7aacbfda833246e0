#pragma once
// Decoding of the Binance REST bodies the feed reads (reference binance.md §3, §4, §8):
// GET /api/v3/time, /api/v3/exchangeInfo, /api/v3/klines, and error bodies {"code","msg"}.
// Pure functions: malformed input is an Error value, never an exception; unknown keys are ignored.
// Time is an argument where a decision needs it (which kline rows are closed).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.hpp"
#include "venues/binance/errc.hpp"
#include "venues/binance/exchange_info.hpp"

namespace autotrader::binance {

// {"serverTime": 1499827319559}
Expected<core::TimestampMs> decode_server_time(std::string_view body);

// {"code": -1121, "msg": "Invalid symbol."}
struct ApiError {
  std::int64_t code = 0;
  std::string message;
};
Expected<ApiError> decode_api_error(std::string_view body);

// Binance error codes the feed acts on.
inline constexpr std::int64_t kInvalidTimestamp = -1021;  // resync the server clock
inline constexpr std::int64_t kTooManyRequests = -1003;

// A klines page: rows [openTime, "open", "high", "low", "close", "volume", closeTime,
// "quoteAssetVolume", trades, ...]. Rows carry no closed flag: a row is closed when its close
// time is before `server_now` (Binance includes the bar still forming as the last row).
Expected<std::vector<core::Candle>> decode_klines(std::string_view body, core::Symbol symbol,
                                                  core::Interval interval,
                                                  core::TimestampMs server_now);

Expected<ExchangeInfo> decode_exchange_info(std::string_view body);

}  // namespace autotrader::binance
