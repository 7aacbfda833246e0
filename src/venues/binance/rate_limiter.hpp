#pragma once
// Keeps our REST use of one Binance IP below its request-weight limit and obeys its penalties
// (reference binance.md §8): every response's X-MBX-USED-WEIGHT-1M says how much of the current
// minute's weight is used; we stop at a configurable fraction of the limit from exchangeInfo and
// wait for the next minute. A 429 means no calls until Retry-After has passed; a 418 (IP banned
// for ignoring 429s; 2 minutes to 3 days) means no calls at all until the ban ends. Never hammer.
//
// Binance counts weight per wall-clock minute, so the window follows the injected clock's wall
// time; waits (Retry-After, bans) are durations and follow its steady time. Plain class, not
// thread-safe: owned by the feed actor.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/clock.hpp"

namespace autotrader::binance {

struct RateLimiterOptions {
  // Share of the exchange's REQUEST_WEIGHT per minute we allow ourselves; the rest is headroom
  // for other clients on the same IP and for the response that reports the overshoot.
  double budget_fraction = 0.5;
  // Used until exchangeInfo says otherwise (Binance Spot's documented 6000).
  std::int64_t weight_limit_per_minute = 6000;
  // When a 429 or 418 comes without Retry-After: wait a minute; assume the shortest ban.
  std::chrono::seconds default_retry_after{60};
  std::chrono::seconds default_ban{120};
};

// What an operator alert looks at (autotrader_binance_rate_limit_state).
enum class RateLimitState : std::uint8_t {
  open,              // requests may go out
  budget_exhausted,  // our own budget for this minute is used up; wait for the next minute
  rate_limited,      // 429: waiting for Retry-After
  banned,            // 418: the IP is banned; nothing goes out until the ban ends
};

const char* to_string(RateLimitState state);

class RateLimiter {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using SteadyTime = std::chrono::steady_clock::time_point;

  struct Admission {
    bool allowed = false;
    RateLimitState state = RateLimitState::open;
    std::chrono::milliseconds retry_in{0};  // when !allowed: how long until asking again helps
  };

  RateLimiter(RateLimiterOptions options, std::shared_ptr<const core::Clock> clock);

  // From exchangeInfo's REQUEST_WEIGHT per minute.
  void set_weight_limit(std::int64_t weight_per_minute);
  std::int64_t budget() const;

  // Asks to send a request of `weight`; when allowed, the weight is counted at once, so requests
  // in flight are covered before their responses report them.
  Admission try_acquire(int weight);

  // Every REST response (any status): the used weight header and, for 429/418, Retry-After.
  void on_response(int status, std::optional<std::int64_t> used_weight_1m,
                   std::optional<std::chrono::seconds> retry_after);

  RateLimitState state() const;
  // The weight counted in the current minute.
  std::int64_t used_weight() const;
  // When the current 429 wait or 418 ban ends, in steady time (nullopt when none is running).
  std::optional<SteadyTime> blocked_until() const;

 private:
  // Starts a new window when `now` is in a later minute.
  void roll_window(TimePoint now);
  // The weight counted in the minute of `now`.
  std::int64_t used_at(TimePoint now) const;

  RateLimiterOptions options_;
  std::shared_ptr<const core::Clock> clock_;
  std::int64_t limit_;
  TimePoint window_start_{};
  std::int64_t used_ = 0;
  SteadyTime blocked_until_{};
  RateLimitState block_kind_ = RateLimitState::open;
};

}  // namespace autotrader::binance
