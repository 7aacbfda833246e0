#pragma once
// Candles for the market tests: one-minute BTCUSDT bars by minute index from a fixed start.
#include "core/market.hpp"

namespace autotrader::market::testing {

inline constexpr core::TimestampMs kStart = 1'704'153'600'000;  // 2024-01-02 00:00 UTC

inline core::Symbol btc() {
  return *core::Symbol::parse("BTCUSDT");
}

inline core::TimestampMs minute(int index) {
  return kStart + index * 60'000;
}

// A consistent bar around `close`: open = close, high = close + 1, low = close - 1.
inline core::Candle bar(int index, double close, double volume = 10.0) {
  core::Candle c;
  c.symbol = btc();
  c.interval = core::Interval::m1;
  c.open_time = minute(index);
  c.close_time = c.open_time + 59'999;
  c.open = close;
  c.high = close + 1;
  c.low = close - 1;
  c.close = close;
  c.volume = volume;
  c.quote_volume = volume * close;
  c.trades = 100;
  c.closed = true;
  return c;
}

}  // namespace autotrader::market::testing
