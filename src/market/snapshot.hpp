#pragma once
// What the decision loop reads about one series after each accepted closed candle: the last
// price, every indicator, a trend label and how old the data is. A plain value, copied into
// messages (feed::SnapshotUpdate).
#include <chrono>
#include <string_view>

#include "core/market.hpp"
#include "indicators/indicator_set.hpp"

namespace autotrader::market {

// unknown during warm-up (the EMAs or the slow SMA have no value yet); up when the fast EMA is
// above the slow one and the close above the slow SMA; down when both are below; sideways
// otherwise (the two gauges disagree).
enum class Trend : std::uint8_t { unknown, up, down, sideways };

std::string_view to_string(Trend trend);
Trend classify_trend(double close, const indicators::IndicatorValues& values);

struct Snapshot {
  core::Symbol symbol;
  core::Interval interval = core::Interval::m1;
  double last_price = 0;            // close of the last accepted candle
  core::TimestampMs as_of = 0;      // close_time of that candle
  core::TimestampMs open_time = 0;  // its open_time (the candle's identity)
  indicators::IndicatorValues indicators;
  bool warmed_up = false;  // IndicatorSet::warmed_up() when the snapshot was taken
  Trend trend = Trend::unknown;
  // The candle's volume over the volume average (which includes it). 1.0, "ordinary", while
  // the average warms up or when it is zero, so that no spike is read into missing data.
  double volume_ratio = 1.0;
  // now - as_of when the snapshot was made (never negative): how stale the last price is.
  std::chrono::milliseconds data_age{0};
};

Snapshot make_snapshot(const core::Candle& candle, const indicators::IndicatorValues& values,
                       bool warmed_up, core::TimestampMs now);

}  // namespace autotrader::market
