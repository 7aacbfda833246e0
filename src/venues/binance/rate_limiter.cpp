#include "venues/binance/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace autotrader::binance {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::minutes;

RateLimiter::TimePoint minute_floor(RateLimiter::TimePoint t) {
  return std::chrono::floor<minutes>(t);
}

template <class Time>
milliseconds until(Time now, Time then) {
  // Rounded up so that asking again after retry_in always finds the wait over.
  return std::max(milliseconds{0}, std::chrono::ceil<milliseconds>(then - now));
}

}  // namespace

const char* to_string(RateLimitState state) {
  switch (state) {
    case RateLimitState::open:
      return "open";
    case RateLimitState::budget_exhausted:
      return "budget_exhausted";
    case RateLimitState::rate_limited:
      return "rate_limited";
    case RateLimitState::banned:
      return "banned";
  }
  return "unknown";
}

RateLimiter::RateLimiter(RateLimiterOptions options, std::shared_ptr<const core::Clock> clock)
    : options_{options}, clock_{std::move(clock)}, limit_{options.weight_limit_per_minute} {}

void RateLimiter::set_weight_limit(std::int64_t weight_per_minute) {
  if (weight_per_minute > 0) limit_ = weight_per_minute;
}

std::int64_t RateLimiter::budget() const {
  return std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::floor(static_cast<double>(limit_) *
                                              std::clamp(options_.budget_fraction, 0.0, 1.0))));
}

void RateLimiter::roll_window(TimePoint now) {
  TimePoint start = minute_floor(now);
  if (start != window_start_) {
    window_start_ = start;
    used_ = 0;
  }
}

RateLimiter::Admission RateLimiter::try_acquire(int weight) {
  TimePoint now = clock_->wall_now();
  SteadyTime steady = clock_->steady_now();
  if (block_kind_ != RateLimitState::open && steady < blocked_until_) {
    return {false, block_kind_, until(steady, blocked_until_)};
  }
  block_kind_ = RateLimitState::open;
  roll_window(now);
  // A request heavier than the whole budget may still go out alone in a fresh minute; otherwise
  // it could never be sent.
  if (used_ > 0 && used_ + weight > budget()) {
    return {false, RateLimitState::budget_exhausted, until(now, window_start_ + minutes{1})};
  }
  used_ += weight;
  return {true, RateLimitState::open, milliseconds{0}};
}

void RateLimiter::on_response(int status, std::optional<std::int64_t> used_weight_1m,
                              std::optional<std::chrono::seconds> retry_after) {
  TimePoint now = clock_->wall_now();
  SteadyTime steady = clock_->steady_now();
  roll_window(now);
  // The server's count includes other clients on our IP; ours includes requests still in
  // flight. The larger one is the safe one.
  if (used_weight_1m) used_ = std::max(used_, *used_weight_1m);
  if (status == 418) {
    SteadyTime end = steady + retry_after.value_or(options_.default_ban);
    // A ban never shortens an earlier, longer one.
    blocked_until_ = block_kind_ == RateLimitState::banned ? std::max(blocked_until_, end) : end;
    block_kind_ = RateLimitState::banned;
  } else if (status == 429) {
    SteadyTime end = steady + retry_after.value_or(options_.default_retry_after);
    if (block_kind_ != RateLimitState::banned || blocked_until_ <= steady) {
      blocked_until_ =
          block_kind_ == RateLimitState::rate_limited ? std::max(blocked_until_, end) : end;
      block_kind_ = RateLimitState::rate_limited;
    }
  }
}

std::int64_t RateLimiter::used_at(TimePoint now) const {
  return minute_floor(now) == window_start_ ? used_ : 0;
}

RateLimitState RateLimiter::state() const {
  TimePoint now = clock_->wall_now();
  if (block_kind_ != RateLimitState::open && clock_->steady_now() < blocked_until_) {
    return block_kind_;
  }
  return used_at(now) >= budget() ? RateLimitState::budget_exhausted : RateLimitState::open;
}

std::int64_t RateLimiter::used_weight() const {
  return used_at(clock_->wall_now());
}

std::optional<RateLimiter::SteadyTime> RateLimiter::blocked_until() const {
  if (block_kind_ == RateLimitState::open || clock_->steady_now() >= blocked_until_) {
    return std::nullopt;
  }
  return blocked_until_;
}

}  // namespace autotrader::binance
