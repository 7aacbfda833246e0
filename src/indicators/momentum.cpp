#include "indicators/momentum.hpp"

#include <algorithm>
#include <cassert>

namespace autotrader::indicators {

Rsi::Rsi(std::size_t period) : period_{period} {
  assert(period >= 1);
}

std::optional<double> Rsi::update(double close) {
  if (!previous_close_) {
    previous_close_ = close;
    return std::nullopt;
  }
  const double change = close - *previous_close_;
  previous_close_ = close;
  const double gain = change > 0 ? change : 0.0;
  const double loss = change < 0 ? -change : 0.0;
  const auto n = static_cast<double>(period_);
  if (changes_ < period_) {
    // Accumulate the seed as a simple mean of the first `period` changes.
    average_gain_ += gain / n;
    average_loss_ += loss / n;
    ++changes_;
  } else {
    average_gain_ = (average_gain_ * (n - 1) + gain) / n;
    average_loss_ = (average_loss_ * (n - 1) + loss) / n;
  }
  return value();
}

std::optional<double> Rsi::value() const {
  if (changes_ < period_) return std::nullopt;
  const double total = average_gain_ + average_loss_;
  if (total == 0) return 50.0;
  // 100 - 100 / (1 + RS) with RS = gain / loss, written so that a zero loss needs no special case.
  return 100.0 * average_gain_ / total;
}

Macd::Macd(std::size_t fast, std::size_t slow, std::size_t signal)
    : fast_{fast}, slow_{slow}, signal_{signal} {}

const MacdValues& Macd::update(double close) {
  const auto fast = fast_.update(close);
  const auto slow = slow_.update(close);
  if (fast && slow) {
    values_.macd = *fast - *slow;
    values_.signal = signal_.update(*values_.macd);
    if (values_.signal) values_.histogram = *values_.macd - *values_.signal;
  }
  return values_;
}

Stochastic::Stochastic(std::size_t period, std::size_t smooth, std::size_t d_period)
    : highs_(period, 0.0), lows_(period, 0.0), smooth_{smooth}, d_{d_period} {
  assert(period >= 1);
}

const StochasticValues& Stochastic::update(double high, double low, double close) {
  highs_[next_] = high;
  lows_[next_] = low;
  next_ = (next_ + 1) % highs_.size();
  if (count_ < highs_.size()) ++count_;
  if (count_ < highs_.size()) return values_;
  const double highest = *std::max_element(highs_.begin(), highs_.end());
  const double lowest = *std::min_element(lows_.begin(), lows_.end());
  const double range = highest - lowest;
  const double raw_k = range > 0 ? 100.0 * (close - lowest) / range : 50.0;
  values_.k = smooth_.update(raw_k);
  if (values_.k) values_.d = d_.update(*values_.k);
  return values_;
}

}  // namespace autotrader::indicators
