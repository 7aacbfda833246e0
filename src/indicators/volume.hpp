#pragma once
// Volume-based indicators: the session VWAP. (The volume average is an Sma over volumes.)
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/market.hpp"

namespace autotrader::indicators {

// Volume-weighted average price since the session began: sum(typical * volume) / sum(volume)
// with typical = (high + low + close) / 3. A session is a fixed span of wall time: by default
// the UTC day, the usual choice for a market that never closes; `offset` moves its start
// (e.g. to an exchange's open). A candle belongs to the session its open_time falls in, and the
// first candle of a new session resets the sums. Empty until the session has traded volume.
class SessionVwap {
 public:
  explicit SessionVwap(std::chrono::milliseconds session = std::chrono::hours{24},
                       std::chrono::milliseconds offset = std::chrono::milliseconds{0});

  std::optional<double> update(const core::Candle& candle);
  std::optional<double> value() const;

 private:
  std::int64_t session_ms_;
  std::int64_t offset_ms_;
  std::optional<std::int64_t> session_index_;
  double price_volume_ = 0;
  double volume_ = 0;
};

}  // namespace autotrader::indicators
