#pragma once
// Streaming moving averages: one update per closed candle, O(1) each, value() empty until the
// average has seen `period` inputs (warm-up). Plain values; one owner, no locking.
#include <cstddef>
#include <optional>
#include <vector>

namespace autotrader::indicators {

// Simple moving average of the last `period` inputs.
class Sma {
 public:
  explicit Sma(std::size_t period);  // period >= 1 (asserted)

  std::optional<double> update(double value);
  std::optional<double> value() const;
  std::size_t period() const { return window_.size(); }

 private:
  std::vector<double> window_;  // ring buffer of the last `period` inputs
  std::size_t next_ = 0;
  std::size_t count_ = 0;
  // A running sum drifts by a rounding error per update; it is recomputed from the window each
  // time the ring wraps, which bounds the drift at no asymptotic cost.
  double sum_ = 0;
};

// Exponential moving average with alpha = 2 / (period + 1), seeded with the simple average of
// its first `period` inputs (the StockCharts and TA-Lib convention), so its first value is the
// SMA and it is empty before that.
class Ema {
 public:
  explicit Ema(std::size_t period);  // period >= 1 (asserted)

  std::optional<double> update(double value);
  std::optional<double> value() const;
  std::size_t period() const { return period_; }

 private:
  std::size_t period_;
  double alpha_;
  std::size_t count_ = 0;
  double seed_sum_ = 0;
  double value_ = 0;
};

}  // namespace autotrader::indicators
