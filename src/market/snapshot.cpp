#include "market/snapshot.hpp"

namespace autotrader::market {

std::string_view to_string(Trend trend) {
  switch (trend) {
    case Trend::unknown:
      return "unknown";
    case Trend::up:
      return "up";
    case Trend::down:
      return "down";
    case Trend::sideways:
      return "sideways";
  }
  return "unknown";
}

Trend classify_trend(double close, const indicators::IndicatorValues& values) {
  if (!values.ema_fast || !values.ema_slow || !values.sma_slow) return Trend::unknown;
  const bool ema_up = *values.ema_fast > *values.ema_slow;
  const bool ema_down = *values.ema_fast < *values.ema_slow;
  if (ema_up && close > *values.sma_slow) return Trend::up;
  if (ema_down && close < *values.sma_slow) return Trend::down;
  return Trend::sideways;
}

Snapshot make_snapshot(const core::Candle& candle, const indicators::IndicatorValues& values,
                       bool warmed_up, core::TimestampMs now) {
  Snapshot snapshot;
  snapshot.symbol = candle.symbol;
  snapshot.interval = candle.interval;
  snapshot.last_price = candle.close;
  snapshot.as_of = candle.close_time;
  snapshot.open_time = candle.open_time;
  snapshot.indicators = values;
  snapshot.warmed_up = warmed_up;
  snapshot.trend = classify_trend(candle.close, values);
  if (values.volume_average && *values.volume_average > 0) {
    snapshot.volume_ratio = candle.volume / *values.volume_average;
  }
  snapshot.data_age =
      std::chrono::milliseconds{now > candle.close_time ? now - candle.close_time : 0};
  return snapshot;
}

}  // namespace autotrader::market
