#pragma once
// The figures the pool keeps per provider and the status API serves: success rate, average and
// p95 latency over recent calls, errors by class and kind, consecutive failures, last use and
// tokens. The p95 also sets the hedging delay (reference llm-providers.md §11, The Tail at
// Scale), so it must be cheap to ask for on every call.
//
// Choice: a fixed ring of the last `window` successful latencies (allocated once) and a ring of
// the last `window` outcomes. Recording is O(1); p95 copies the ring into a scratch buffer and
// runs nth_element, O(window) — about a hundred numbers, well under a microsecond, and exact for
// the window (a histogram would be cheaper to query but needs buckets chosen in advance for
// latencies from 100 ms to a minute). Nearest-rank percentile: the ceil(0.95 n)-th smallest.
//
// Only successful calls feed the latency figures: a failure's latency is how long it took to
// fail (a refused connection in a millisecond, a timeout at the deadline) and would distort the
// hedging delay. Cancelled calls (a lost hedge, a deadline, shutdown) are counted apart and are
// neither successes nor errors. Cumulative counters (calls, errors, tokens) count since start.
//
// Plain class, not thread-safe: owned by the provider pool, one per provider.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llm/types.hpp"

namespace autotrader::llm {

// FailureKind runs from timeout (0) to cancelled, its last enumerator.
inline constexpr std::size_t failure_kind_count =
    static_cast<std::size_t>(FailureKind::cancelled) + 1;

struct FiguresOptions {
  std::size_t window = 100;              // recent calls the rates and latencies cover
  std::size_t min_latency_samples = 20;  // p95 is unknown below this many successes
};

class ProviderFigures {
 public:
  using WallTime = std::chrono::system_clock::time_point;

  struct LastError {
    FailureKind kind = FailureKind::server_error;
    int http_status = 0;
    std::string message;  // Failure::message: short and free of secrets
    WallTime at{};
  };

  // A window of 0 is taken as 1; min_latency_samples is capped at the window.
  explicit ProviderFigures(FiguresOptions options = {});

  void record_success(std::chrono::milliseconds latency, const Usage& usage, WallTime now);
  // A cancelled failure only bumps cancelled() and last_used().
  // The failure's latency is not kept (see above).
  void record_failure(const Failure& failure, WallTime now);

  // Successes / calls over the window; nullopt before the first call.
  std::optional<double> success_rate() const;
  std::size_t calls_in_window() const { return outcome_count_; }
  // Over the successful calls in the window; nullopt before the first success.
  std::optional<std::chrono::milliseconds> average_latency() const;
  // Nullopt until min_latency_samples successes are in the window.
  std::optional<std::chrono::milliseconds> p95_latency() const;
  std::size_t latency_samples() const { return latency_count_; }

  std::uint64_t calls() const { return successes_ + errors_; }  // cancelled not included
  std::uint64_t successes() const { return successes_; }
  std::uint64_t error_count() const { return errors_; }
  std::uint64_t errors(FailureClass klass) const;
  std::uint64_t errors(FailureKind kind) const;
  std::uint64_t cancelled() const { return errors(FailureKind::cancelled); }
  int consecutive_failures() const { return consecutive_failures_; }

  std::optional<WallTime> last_used() const { return last_used_; }
  std::optional<WallTime> last_success() const { return last_success_; }
  const std::optional<LastError>& last_error() const { return last_error_; }

  std::uint64_t input_tokens() const { return input_tokens_; }
  std::uint64_t output_tokens() const { return output_tokens_; }

 private:
  void push_outcome(bool success);

  FiguresOptions options_;
  std::vector<bool> outcomes_;  // ring, true = success
  std::size_t outcome_next_ = 0;
  std::size_t outcome_count_ = 0;
  std::size_t outcome_successes_ = 0;
  std::vector<std::int64_t> latencies_ms_;  // ring of successful latencies
  std::size_t latency_next_ = 0;
  std::size_t latency_count_ = 0;
  std::int64_t latency_sum_ms_ = 0;
  mutable std::vector<std::int64_t> scratch_;  // p95 works here; sized once

  std::uint64_t successes_ = 0;
  std::uint64_t errors_ = 0;
  std::array<std::uint64_t, failure_kind_count> by_kind_{};
  int consecutive_failures_ = 0;
  std::optional<WallTime> last_used_;
  std::optional<WallTime> last_success_;
  std::optional<LastError> last_error_;
  std::uint64_t input_tokens_ = 0;
  std::uint64_t output_tokens_ = 0;
};

}  // namespace autotrader::llm
