#include "indicators/volatility.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace autotrader::indicators {

Atr::Atr(std::size_t period) : period_{period} {
  assert(period >= 1);
}

std::optional<double> Atr::update(double high, double low, double close) {
  double true_range = high - low;
  if (previous_close_) {
    true_range =
        std::max({true_range, std::abs(high - *previous_close_), std::abs(low - *previous_close_)});
  }
  previous_close_ = close;
  const auto n = static_cast<double>(period_);
  if (count_ < period_) {
    value_ += true_range / n;
    ++count_;
  } else {
    value_ = (value_ * (n - 1) + true_range) / n;
  }
  return value();
}

std::optional<double> Atr::value() const {
  if (count_ < period_) return std::nullopt;
  return value_;
}

Bollinger::Bollinger(std::size_t period, double width) : window_(period, 0.0), width_{width} {
  assert(period >= 1);
}

std::optional<Bands> Bollinger::update(double close) {
  window_[next_] = close;
  next_ = (next_ + 1) % window_.size();
  if (count_ < window_.size()) ++count_;
  if (count_ < window_.size()) return std::nullopt;
  const auto n = static_cast<double>(window_.size());
  double sum = 0;
  for (double x : window_) sum += x;
  const double mean = sum / n;
  double squares = 0;
  for (double x : window_) squares += (x - mean) * (x - mean);
  const double deviation = std::sqrt(squares / n);
  value_ = Bands{mean + width_ * deviation, mean, mean - width_ * deviation};
  return value_;
}

}  // namespace autotrader::indicators
