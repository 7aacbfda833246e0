#pragma once
// Momentum oscillators: RSI (Wilder), MACD and the slow Stochastic. Streaming, one update per
// closed candle, empty values during warm-up. Plain values; one owner, no locking.
#include <cstddef>
#include <optional>
#include <vector>

#include "indicators/moving_average.hpp"

namespace autotrader::indicators {

// Wilder's Relative Strength Index on closes. The first average gain and loss are the simple
// means of the first `period` changes (so the first value needs period + 1 closes); later ones
// are smoothed as avg = (avg * (period - 1) + change) / period. A window with no losses reads
// 100, one with no movement at all reads 50.
class Rsi {
 public:
  explicit Rsi(std::size_t period = 14);

  std::optional<double> update(double close);
  std::optional<double> value() const;

 private:
  std::size_t period_;
  std::optional<double> previous_close_;
  std::size_t changes_ = 0;
  double average_gain_ = 0;
  double average_loss_ = 0;
};

struct MacdValues {
  std::optional<double> macd;       // EMA(fast) - EMA(slow), from the slow-th close on
  std::optional<double> signal;     // EMA(signal) of macd, signal - 1 closes later
  std::optional<double> histogram;  // macd - signal
};

// Moving Average Convergence Divergence, 12/26/9 by default. Each EMA is seeded with its own
// simple average (see Ema), and the signal line starts with the first MACD value, so with the
// defaults macd appears at close 26 and signal at close 34.
class Macd {
 public:
  Macd(std::size_t fast = 12, std::size_t slow = 26, std::size_t signal = 9);

  const MacdValues& update(double close);
  const MacdValues& values() const { return values_; }

 private:
  Ema fast_;
  Ema slow_;
  Ema signal_;
  MacdValues values_;
};

struct StochasticValues {
  std::optional<double> k;  // slow %K: SMA(smooth) of the raw %K
  std::optional<double> d;  // SMA(d_period) of slow %K
};

// The slow Stochastic oscillator, 14/3/3 by default: raw %K = 100 * (close - lowest low) /
// (highest high - lowest low) over `period` candles, 50 when that range is zero (no movement).
class Stochastic {
 public:
  Stochastic(std::size_t period = 14, std::size_t smooth = 3, std::size_t d_period = 3);

  const StochasticValues& update(double high, double low, double close);
  const StochasticValues& values() const { return values_; }

 private:
  std::vector<double> highs_;  // ring buffers of the last `period` highs and lows
  std::vector<double> lows_;
  std::size_t next_ = 0;
  std::size_t count_ = 0;
  Sma smooth_;
  Sma d_;
  StochasticValues values_;
};

}  // namespace autotrader::indicators
