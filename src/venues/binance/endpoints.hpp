#pragma once
// Where the feed's requests go (reference binance.md §1, §3, §9): request targets with their
// weights, the combined-stream URL, and the server-clock estimate from GET /api/v3/time.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/market.hpp"
#include "venues/binance/candle_sequencer.hpp"

namespace autotrader::binance {

// Request weights of reference §3.
inline constexpr int kTimeWeight = 1;
inline constexpr int kExchangeInfoWeight = 20;
inline constexpr int kKlinesWeight = 2;

inline constexpr std::string_view kTimeTarget = "/api/v3/time";

// /api/v3/exchangeInfo?symbols=["BTCUSDT","ETHUSDT"] (URL-encoded).
std::string exchange_info_target(const std::vector<core::Symbol>& symbols);

// /api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=..&endTime=..&limit=..
std::string klines_target(const core::Symbol& symbol, core::Interval interval,
                          const KlineRange& range);

// <base>/stream?streams=btcusdt@kline_1m/btcusdt@trade/... . The base may end in /ws or
// /stream (the testnet documents both); either is replaced by the combined-stream path.
std::string combined_stream_url(std::string_view ws_base, const std::vector<core::Symbol>& symbols,
                                core::Interval interval, bool with_trades);

// The venue's clock as seen from ours, from GET /api/v3/time answers: the server stamped its
// time about halfway through the round trip. Plain value type.
class ServerClock {
 public:
  // `sent` and `received` are our wall-clock ms around the request.
  void update(core::TimestampMs server_time, core::TimestampMs sent, core::TimestampMs received);
  bool synced() const { return synced_; }
  std::int64_t offset_ms() const { return offset_ms_; }
  core::TimestampMs to_server(core::TimestampMs local_wall) const {
    return local_wall + offset_ms_;
  }

 private:
  bool synced_ = false;
  std::int64_t offset_ms_ = 0;
};

}  // namespace autotrader::binance
