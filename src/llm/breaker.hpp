#pragma once
// A circuit breaker for one AI provider: it keeps a failing provider out of the rotation so that a
// decision does not spend its time on calls that are likely to fail, and lets one probe through
// now and then to find out whether it has recovered. resilience4j's state machine (reference
// llm-providers.md §11) with two additions the providers need: a cooldown that grows each time
// the breaker reopens, and a long "disabled" cooldown for failures no retry fixes (bad key,
// exhausted quota), which an operator must be alerted to.
//
// States:
//   ACTIVE (closed)  calls go through. It opens after `consecutive_failures` failures in a row,
//                    or when more than `failure_rate_threshold` of the last `window_size` calls
//                    failed (once at least `minimum_calls` are in the window).
//   OPEN             no calls until the cooldown has passed. The n-th opening in a row waits
//                    base_cooldown * cooldown_growth^n, at most max_cooldown.
//   HALF_OPEN        the first allow() after the cooldown admits one probe; until the probe
//                    reports (or probe_timeout passes, in case its outcome was lost) nothing else
//                    goes through. Success closes the breaker; failure reopens it, longer.
//   DISABLED         auth (401/403), quota/spend limit and bad-request failures: no retry can
//                    help, so the provider is out for long_cooldown, then probed like OPEN. The
//                    reason (auth, quota, bad_request) is what the alerting metric shows.
//
// Rules worth knowing:
// - The growth resets on a success once the breaker has stayed closed for growth_reset_after
//   (sustained health); a provider that flaps keeps its long cooldowns.
// - A server retry hint (Failure::retry_after, e.g. a 429's Retry-After) keeps the provider out
//   at least that long (capped at max_retry_after) without opening the breaker by itself; the
//   failure still counts towards opening like any other.
// - Cancelled calls (a lost hedge, a deadline, shutdown) say nothing about the provider: they do
//   not count, but a cancelled probe frees the half-open slot.
// - Invalid answers (unparseable, truncated, empty, schema, range) count as failures. A safety
//   block counts as an ordinary failure, not a long one: it depends on the prompt, which changes
//   with every decision, not on the provider's health.
// - While OPEN or DISABLED, late outcomes of calls admitted before the breaker opened do not
//   extend the cooldown, except a non-retryable one (which disables) or a longer retry hint.
//
// Time is an explicit steady time point on every call. Plain class, not thread-safe: owned by the
// provider pool (one breaker per provider).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "llm/types.hpp"

namespace autotrader::llm {

enum class BreakerState : std::uint8_t { active, open, half_open, disabled };
// "ACTIVE", "OPEN", "HALF_OPEN", "DISABLED" (the status API's words).
std::string_view to_string(BreakerState state);

// Why the breaker is open. Stable snake_case names, usable as metric labels.
enum class OpenReason : std::uint8_t {
  none,                  // closed or half-open after a closing success
  consecutive_failures,  // `consecutive_failures` failures in a row
  failure_rate,          // the failure rate over the window passed the threshold
  probe_failed,          // the half-open probe failed
  auth,                  // 401/403: the key is wrong or lacks permission
  quota,                 // insufficient_quota, spend limit, daily quota
  bad_request,           // the provider rejects the request we build: our bug or its API changed
};
std::string_view to_string(OpenReason reason);
// True for the reasons that need a person (a key, a bill, a code fix), not just time.
bool needs_operator(OpenReason reason);

struct BreakerOptions {
  int consecutive_failures = 5;
  std::size_t window_size = 20;  // the last N calls (count-based sliding window)
  std::size_t minimum_calls = 10;
  double failure_rate_threshold = 0.5;  // opens when failures / calls in the window exceed it
  std::chrono::milliseconds base_cooldown{30'000};
  double cooldown_growth = 2.0;
  std::chrono::milliseconds max_cooldown{10 * 60'000};
  std::chrono::milliseconds long_cooldown{60 * 60'000};       // auth, quota, bad request
  std::chrono::milliseconds growth_reset_after{10 * 60'000};  // closed this long: growth resets
  std::chrono::milliseconds max_retry_after{15 * 60'000};     // cap on a server's retry hint
  std::chrono::milliseconds probe_timeout{2 * 60'000};        // a probe that never reported
};

class CircuitBreaker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Out-of-range options are brought into range (at least one failure, one call, growth >= 1,
  // non-negative durations), so a bad configuration cannot wedge the breaker.
  explicit CircuitBreaker(BreakerOptions options = {});

  // May a call go out now? In HALF_OPEN a true answer admits the probe: the caller must report
  // its outcome (on_success / on_failure, cancelled included). May move OPEN/DISABLED to
  // HALF_OPEN.
  bool allow(TimePoint now);
  void on_success(TimePoint now);
  void on_failure(const Failure& failure, TimePoint now);

  BreakerState state() const { return state_; }
  OpenReason open_reason() const { return reason_; }
  int consecutive_failures() const { return consecutive_failures_; }
  // Failures / calls in the window; nullopt while it is empty.
  std::optional<double> failure_rate() const;
  // When OPEN or DISABLED: the end of the cooldown (the next probe). Otherwise nullopt.
  std::optional<TimePoint> next_probe_at() const;
  // While a server retry hint is in force: when it ends.
  std::optional<TimePoint> held_until(TimePoint now) const;
  // The earliest time allow() can answer true (now, if it can now; ignores a probe in flight).
  TimePoint available_at(TimePoint now) const;
  // Openings for failures in a row without a sustained recovery: the growth exponent of the next
  // opening. It stops counting once the cooldown has reached max_cooldown; 0 after a reset.
  int consecutive_opens() const { return consecutive_opens_; }
  std::uint64_t total_opens() const { return total_opens_; }
  // The cooldown the next opening for failures would get.
  std::chrono::milliseconds next_cooldown() const;

 private:
  void record_outcome(bool success);
  void open(OpenReason reason, TimePoint now);
  void disable(OpenReason reason, TimePoint now);
  void close(TimePoint now);
  void hold(const Failure& failure, TimePoint now);

  BreakerOptions options_;
  BreakerState state_ = BreakerState::active;
  OpenReason reason_ = OpenReason::none;
  int consecutive_failures_ = 0;
  // Ring of the last window_size outcomes (true = success).
  std::vector<bool> window_;
  std::size_t window_next_ = 0;
  std::size_t window_count_ = 0;
  std::size_t window_failures_ = 0;
  TimePoint open_until_{};
  std::optional<TimePoint> hold_until_;
  bool probe_in_flight_ = false;
  TimePoint probe_started_{};
  TimePoint closed_since_{};
  int consecutive_opens_ = 0;
  std::uint64_t total_opens_ = 0;
};

}  // namespace autotrader::llm
