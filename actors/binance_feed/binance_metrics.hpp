#pragma once
// The Binance feed's own series, next to the shared feed series of feed::FeedMetrics. Created by
// the application once (so values survive restarts of the actor); every label set is registered
// up front so it exports 0.
//
//   autotrader_binance_rate_limit_state{venue}        gauge: 0 open, 1 budget exhausted,
//       2 rate limited (429, waiting for Retry-After), 3 banned (418). Alert on 3.
//   autotrader_binance_used_weight{venue}             gauge: request weight used this minute
//   autotrader_binance_rest_failures_total{venue,endpoint,reason}   counter; endpoint = time,
//       exchange_info, klines; reason = transport, rate_limited, banned, client_error,
//       server_error, api_error, malformed
//   autotrader_binance_malformed_frames_total{venue}  counter: stream frames dropped undecoded
//
// Thread-safe (prometheus-cpp is; the label sets are created in the constructor only).
#include <array>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "venues/binance/rate_limiter.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
}  // namespace prometheus

namespace autotrader::binance_feed {

enum class Endpoint : std::uint8_t { time, exchange_info, klines };
enum class RestFailure : std::uint8_t {
  transport,     // no response: connect, TLS, timeout, dropped
  rate_limited,  // 429
  banned,        // 418
  client_error,  // another 4xx without a Binance error body
  server_error,  // 5xx: outcome unknown, retried
  api_error,     // another 4xx with a Binance error body {"code","msg"} (e.g. -1021, -1121)
  malformed,     // a 200 whose body does not decode
};

const char* to_string(Endpoint endpoint);
const char* to_string(RestFailure failure);

class BinanceMetrics {
 public:
  BinanceMetrics(prometheus::Registry& registry, std::string venue);

  void set_rate_limit(binance::RateLimitState state, std::int64_t used_weight);
  void rest_failure(Endpoint endpoint, RestFailure failure);
  void malformed_frame();

  // Current values, for tests and status pages.
  double rate_limit_state() const;
  double used_weight() const;
  double rest_failures(Endpoint endpoint, RestFailure failure) const;
  double malformed_frames() const;

 private:
  prometheus::Gauge* state_;
  prometheus::Gauge* used_weight_;
  prometheus::Counter* malformed_;
  std::map<std::pair<Endpoint, RestFailure>, prometheus::Counter*> failures_;
};

}  // namespace autotrader::binance_feed
