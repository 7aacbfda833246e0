#pragma once
// Volatility: ATR (Wilder) and Bollinger Bands. Streaming, one update per closed candle, empty
// values during warm-up. Plain values; one owner, no locking.
#include <cstddef>
#include <optional>
#include <vector>

namespace autotrader::indicators {

// Wilder's Average True Range. True range = max(high - low, |high - previous close|,
// |low - previous close|), and just high - low for the first candle. The first ATR is the simple
// mean of the first `period` true ranges (StockCharts' convention: the first candle counts), so
// it appears at candle `period`; later ones are (atr * (period - 1) + tr) / period.
class Atr {
 public:
  explicit Atr(std::size_t period = 14);

  std::optional<double> update(double high, double low, double close);
  std::optional<double> value() const;

 private:
  std::size_t period_;
  std::optional<double> previous_close_;
  std::size_t count_ = 0;
  double value_ = 0;
};

struct Bands {
  double upper = 0;
  double middle = 0;  // the simple moving average
  double lower = 0;
};

// Bollinger Bands: middle = SMA(period) of closes, upper/lower = middle +/- width * the
// population standard deviation of the same window (Bollinger's own definition, as TA-Lib and
// StockCharts use). The deviation is computed from the window each time, never from running
// sums of squares, which cancel catastrophically at prices like 60000 with small moves.
class Bollinger {
 public:
  explicit Bollinger(std::size_t period = 20, double width = 2.0);

  std::optional<Bands> update(double close);
  std::optional<Bands> value() const { return value_; }

 private:
  std::vector<double> window_;
  std::size_t next_ = 0;
  std::size_t count_ = 0;
  double width_;
  std::optional<Bands> value_;
};

}  // namespace autotrader::indicators
