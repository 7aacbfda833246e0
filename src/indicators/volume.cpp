#include "indicators/volume.hpp"

#include <cassert>

namespace autotrader::indicators {
namespace {

// Floor division, so that candles before the epoch (or before the offset) land in the right
// session too.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

SessionVwap::SessionVwap(std::chrono::milliseconds session, std::chrono::milliseconds offset)
    : session_ms_{session.count()}, offset_ms_{offset.count()} {
  assert(session_ms_ > 0);
}

std::optional<double> SessionVwap::update(const core::Candle& candle) {
  const std::int64_t index = floor_div(candle.open_time - offset_ms_, session_ms_);
  if (session_index_ != index) {
    session_index_ = index;
    price_volume_ = 0;
    volume_ = 0;
  }
  const double typical = (candle.high + candle.low + candle.close) / 3.0;
  price_volume_ += typical * candle.volume;
  volume_ += candle.volume;
  return value();
}

std::optional<double> SessionVwap::value() const {
  if (volume_ <= 0) return std::nullopt;
  return price_volume_ / volume_;
}

}  // namespace autotrader::indicators
