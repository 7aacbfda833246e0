#pragma once
// Open-time arithmetic of a candle series, shared by the quality gate (where is the next candle
// due?) and the klines reader (does a row's close time match its interval?).
#include <optional>

#include "core/market.hpp"

namespace autotrader::market {

// The open time of the candle after the one opening at `open_time`. Calendar months for
// Interval::mo1 (Binance's monthly candles open on the 1st, 00:00 UTC), fixed lengths otherwise.
core::TimestampMs next_open_time(core::Interval interval, core::TimestampMs open_time);

// Binance's close time for a candle: the next open time minus one millisecond.
inline core::TimestampMs close_time_for(core::Interval interval, core::TimestampMs open_time) {
  return next_open_time(interval, open_time) - 1;
}

// The interval whose candle opening at `open_time` closes at `close_time`; nullopt if none.
std::optional<core::Interval> interval_of(core::TimestampMs open_time,
                                          core::TimestampMs close_time);

}  // namespace autotrader::market
