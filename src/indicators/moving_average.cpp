#include "indicators/moving_average.hpp"

#include <cassert>
#include <numeric>

namespace autotrader::indicators {

Sma::Sma(std::size_t period) : window_(period, 0.0) {
  assert(period >= 1);
}

std::optional<double> Sma::update(double value) {
  if (count_ == window_.size()) {
    sum_ -= window_[next_];
  } else {
    ++count_;
  }
  window_[next_] = value;
  sum_ += value;
  if (++next_ == window_.size()) {
    next_ = 0;
    sum_ = std::accumulate(window_.begin(), window_.begin() + static_cast<long>(count_), 0.0);
  }
  return this->value();
}

std::optional<double> Sma::value() const {
  if (count_ < window_.size()) return std::nullopt;
  return sum_ / static_cast<double>(window_.size());
}

Ema::Ema(std::size_t period) : period_{period}, alpha_{2.0 / (static_cast<double>(period) + 1.0)} {
  assert(period >= 1);
}

std::optional<double> Ema::update(double value) {
  if (count_ < period_) {
    seed_sum_ += value;
    if (++count_ == period_) value_ = seed_sum_ / static_cast<double>(period_);
  } else {
    value_ += alpha_ * (value - value_);
  }
  return this->value();
}

std::optional<double> Ema::value() const {
  if (count_ < period_) return std::nullopt;
  return value_;
}

}  // namespace autotrader::indicators
