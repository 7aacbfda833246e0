#pragma once
// How long to wait before the next reconnect attempt. NautilusTrader's WebSocket defaults are the
// anchor (reference binance.md §11): 2 s, then ×1.5 per failed attempt up to 30 s, plus up to
// 100 ms of random jitter so that many clients do not reconnect in lockstep. Randomness is
// injected. Plain class, not thread-safe: owned by the feed actor.
#include <chrono>
#include <memory>

#include "core/random.hpp"

namespace autotrader::binance {

struct BackoffOptions {
  std::chrono::milliseconds initial{2'000};
  double factor = 1.5;
  std::chrono::milliseconds max{30'000};
  std::chrono::milliseconds jitter{100};  // a uniform draw in [0, jitter) is added
};

class ReconnectBackoff {
 public:
  ReconnectBackoff(BackoffOptions options, std::shared_ptr<core::Random> random);

  // The wait before the next attempt: min(max, initial * factor^n) + jitter, n = failed
  // attempts so far; each call counts one more attempt.
  std::chrono::milliseconds next();
  // After a connection that worked: the next wait is `initial` again.
  void reset() { attempts_ = 0; }
  // n of the next wait; it stops growing once the wait has reached max.
  int attempts() const { return attempts_; }

 private:
  BackoffOptions options_;
  std::shared_ptr<core::Random> random_;
  int attempts_ = 0;
};

}  // namespace autotrader::binance
