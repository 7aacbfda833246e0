#include "llm/breaker.hpp"

#include <algorithm>
#include <cmath>

namespace autotrader::llm {

std::string_view to_string(BreakerState state) {
  switch (state) {
    case BreakerState::active:
      return "ACTIVE";
    case BreakerState::open:
      return "OPEN";
    case BreakerState::half_open:
      return "HALF_OPEN";
    case BreakerState::disabled:
      return "DISABLED";
  }
  return "ACTIVE";
}

std::string_view to_string(OpenReason reason) {
  switch (reason) {
    case OpenReason::none:
      return "none";
    case OpenReason::consecutive_failures:
      return "consecutive_failures";
    case OpenReason::failure_rate:
      return "failure_rate";
    case OpenReason::probe_failed:
      return "probe_failed";
    case OpenReason::auth:
      return "auth";
    case OpenReason::quota:
      return "quota";
    case OpenReason::bad_request:
      return "bad_request";
  }
  return "none";
}

bool needs_operator(OpenReason reason) {
  return reason == OpenReason::auth || reason == OpenReason::quota ||
         reason == OpenReason::bad_request;
}

namespace {

using std::chrono::milliseconds;

milliseconds non_negative(milliseconds value) {
  return std::max(value, milliseconds{0});
}

BreakerOptions sanitized(BreakerOptions options) {
  options.consecutive_failures = std::max(options.consecutive_failures, 1);
  options.window_size = std::max<std::size_t>(options.window_size, 1);
  options.minimum_calls = std::clamp<std::size_t>(options.minimum_calls, 1, options.window_size);
  if (!std::isfinite(options.failure_rate_threshold)) options.failure_rate_threshold = 0.5;
  options.failure_rate_threshold = std::clamp(options.failure_rate_threshold, 0.0, 1.0);
  if (!std::isfinite(options.cooldown_growth) || options.cooldown_growth < 1.0) {
    options.cooldown_growth = 1.0;
  }
  options.base_cooldown = non_negative(options.base_cooldown);
  options.max_cooldown = std::max(options.max_cooldown, options.base_cooldown);
  options.long_cooldown = non_negative(options.long_cooldown);
  options.growth_reset_after = non_negative(options.growth_reset_after);
  options.max_retry_after = non_negative(options.max_retry_after);
  options.probe_timeout = non_negative(options.probe_timeout);
  return options;
}

// The failures no retry can fix, with the reason they disable the provider under.
std::optional<OpenReason> disabling_reason(FailureKind kind) {
  switch (kind) {
    case FailureKind::auth:
      return OpenReason::auth;
    case FailureKind::quota_exhausted:
      return OpenReason::quota;
    case FailureKind::bad_request:
      return OpenReason::bad_request;
    default:
      return std::nullopt;
  }
}

}  // namespace

CircuitBreaker::CircuitBreaker(BreakerOptions options)
    : options_{sanitized(options)}, window_(options_.window_size, true) {}

bool CircuitBreaker::allow(TimePoint now) {
  if (hold_until_ && now < *hold_until_) return false;
  switch (state_) {
    case BreakerState::active:
      return true;
    case BreakerState::open:
    case BreakerState::disabled:
      if (now < open_until_) return false;
      state_ = BreakerState::half_open;
      probe_in_flight_ = true;
      probe_started_ = now;
      return true;
    case BreakerState::half_open:
      if (probe_in_flight_ && now - probe_started_ < options_.probe_timeout) return false;
      probe_in_flight_ = true;
      probe_started_ = now;
      return true;
  }
  return false;
}

void CircuitBreaker::on_success(TimePoint now) {
  switch (state_) {
    case BreakerState::active:
      consecutive_failures_ = 0;
      record_outcome(true);
      if (consecutive_opens_ > 0 && now - closed_since_ >= options_.growth_reset_after) {
        consecutive_opens_ = 0;
      }
      return;
    case BreakerState::half_open:
      close(now);
      return;
    case BreakerState::open:
    case BreakerState::disabled:
      // A call admitted before the breaker opened: one late success does not undo the evidence
      // that opened it; the probe decides.
      return;
  }
}

void CircuitBreaker::on_failure(const Failure& failure, TimePoint now) {
  if (failure.kind == FailureKind::cancelled) {
    if (state_ == BreakerState::half_open) probe_in_flight_ = false;
    return;
  }
  hold(failure, now);
  ++consecutive_failures_;
  if (auto reason = disabling_reason(failure.kind)) {
    disable(*reason, now);
    return;
  }
  switch (state_) {
    case BreakerState::active:
      record_outcome(false);
      if (consecutive_failures_ >= options_.consecutive_failures) {
        open(OpenReason::consecutive_failures, now);
      } else if (window_count_ >= options_.minimum_calls && failure_rate() &&
                 *failure_rate() > options_.failure_rate_threshold) {
        open(OpenReason::failure_rate, now);
      }
      return;
    case BreakerState::half_open:
      open(OpenReason::probe_failed, now);
      return;
    case BreakerState::open:
    case BreakerState::disabled:
      if (hold_until_ && *hold_until_ > open_until_) open_until_ = *hold_until_;
      return;
  }
}

std::optional<double> CircuitBreaker::failure_rate() const {
  if (window_count_ == 0) return std::nullopt;
  return static_cast<double>(window_failures_) / static_cast<double>(window_count_);
}

std::optional<CircuitBreaker::TimePoint> CircuitBreaker::next_probe_at() const {
  if (state_ == BreakerState::open || state_ == BreakerState::disabled) return open_until_;
  return std::nullopt;
}

std::optional<CircuitBreaker::TimePoint> CircuitBreaker::held_until(TimePoint now) const {
  if (hold_until_ && *hold_until_ > now) return hold_until_;
  return std::nullopt;
}

CircuitBreaker::TimePoint CircuitBreaker::available_at(TimePoint now) const {
  TimePoint at = now;
  if (hold_until_) at = std::max(at, *hold_until_);
  if (auto probe = next_probe_at()) at = std::max(at, *probe);
  return at;
}

std::chrono::milliseconds CircuitBreaker::next_cooldown() const {
  double base = static_cast<double>(options_.base_cooldown.count());
  double grown = base * std::pow(options_.cooldown_growth, consecutive_opens_);
  double capped = std::min(grown, static_cast<double>(options_.max_cooldown.count()));
  return milliseconds{static_cast<std::int64_t>(capped)};
}

void CircuitBreaker::record_outcome(bool success) {
  if (window_count_ == window_.size()) {
    if (!window_[window_next_]) --window_failures_;
  } else {
    ++window_count_;
  }
  window_[window_next_] = success;
  if (!success) ++window_failures_;
  window_next_ = (window_next_ + 1) % window_.size();
}

void CircuitBreaker::open(OpenReason reason, TimePoint now) {
  milliseconds cooldown = next_cooldown();
  // Past the cap the exponent no longer matters; stop counting so pow never overflows.
  if (cooldown < options_.max_cooldown) ++consecutive_opens_;
  ++total_opens_;
  state_ = BreakerState::open;
  reason_ = reason;
  probe_in_flight_ = false;
  open_until_ = now + cooldown;
  if (hold_until_ && *hold_until_ > open_until_) open_until_ = *hold_until_;
}

void CircuitBreaker::disable(OpenReason reason, TimePoint now) {
  TimePoint until = now + options_.long_cooldown;
  if (state_ == BreakerState::disabled) {
    // A second non-retryable failure (a late reply) never shortens the cooldown.
    until = std::max(until, open_until_);
  } else {
    ++total_opens_;
  }
  state_ = BreakerState::disabled;
  reason_ = reason;
  probe_in_flight_ = false;
  open_until_ = until;
  if (hold_until_ && *hold_until_ > open_until_) open_until_ = *hold_until_;
}

void CircuitBreaker::close(TimePoint now) {
  state_ = BreakerState::active;
  reason_ = OpenReason::none;
  probe_in_flight_ = false;
  consecutive_failures_ = 0;
  std::fill(window_.begin(), window_.end(), true);
  window_next_ = 0;
  window_count_ = 0;
  window_failures_ = 0;
  closed_since_ = now;
}

void CircuitBreaker::hold(const Failure& failure, TimePoint now) {
  if (!failure.retry_after || *failure.retry_after <= milliseconds{0}) return;
  TimePoint until = now + std::min(*failure.retry_after, options_.max_retry_after);
  if (!hold_until_ || until > *hold_until_) hold_until_ = until;
}

}  // namespace autotrader::llm
