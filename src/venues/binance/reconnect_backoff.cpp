#include "venues/binance/reconnect_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace autotrader::binance {

ReconnectBackoff::ReconnectBackoff(BackoffOptions options, std::shared_ptr<core::Random> random)
    : options_{options}, random_{std::move(random)} {}

std::chrono::milliseconds ReconnectBackoff::next() {
  double base = static_cast<double>(options_.initial.count()) *
                std::pow(std::max(1.0, options_.factor), attempts_);
  double capped = std::min(base, static_cast<double>(options_.max.count()));
  double jitter = random_->uniform01() * static_cast<double>(options_.jitter.count());
  // Past the cap the exponent no longer matters; stop counting so pow never overflows.
  if (base < static_cast<double>(options_.max.count())) ++attempts_;
  return std::chrono::milliseconds{static_cast<std::int64_t>(capped + jitter)};
}

}  // namespace autotrader::binance
