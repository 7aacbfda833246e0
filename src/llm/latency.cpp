#include "llm/latency.hpp"

#include <algorithm>

namespace autotrader::llm {

namespace {

std::size_t kind_index(FailureKind kind) {
  return static_cast<std::size_t>(kind);
}

}  // namespace

ProviderFigures::ProviderFigures(FiguresOptions options) : options_{options} {
  options_.window = std::max<std::size_t>(options_.window, 1);
  options_.min_latency_samples = std::min(options_.min_latency_samples, options_.window);
  outcomes_.assign(options_.window, true);
  latencies_ms_.assign(options_.window, 0);
  scratch_.reserve(options_.window);
}

void ProviderFigures::record_success(std::chrono::milliseconds latency, const Usage& usage,
                                     WallTime now) {
  ++successes_;
  consecutive_failures_ = 0;
  last_used_ = now;
  last_success_ = now;
  input_tokens_ += usage.input_tokens;
  output_tokens_ += usage.output_tokens;
  push_outcome(true);

  std::int64_t ms = std::max<std::int64_t>(latency.count(), 0);
  if (latency_count_ == latencies_ms_.size()) {
    latency_sum_ms_ -= latencies_ms_[latency_next_];
  } else {
    ++latency_count_;
  }
  latencies_ms_[latency_next_] = ms;
  latency_sum_ms_ += ms;
  latency_next_ = (latency_next_ + 1) % latencies_ms_.size();
}

void ProviderFigures::record_failure(const Failure& failure, WallTime now) {
  last_used_ = now;
  std::size_t index = kind_index(failure.kind);
  if (index < by_kind_.size()) ++by_kind_[index];
  if (failure.kind == FailureKind::cancelled) return;
  ++errors_;
  ++consecutive_failures_;
  last_error_ = LastError{failure.kind, failure.http_status, failure.message, now};
  push_outcome(false);
}

std::optional<double> ProviderFigures::success_rate() const {
  if (outcome_count_ == 0) return std::nullopt;
  return static_cast<double>(outcome_successes_) / static_cast<double>(outcome_count_);
}

std::optional<std::chrono::milliseconds> ProviderFigures::average_latency() const {
  if (latency_count_ == 0) return std::nullopt;
  return std::chrono::milliseconds{latency_sum_ms_ / static_cast<std::int64_t>(latency_count_)};
}

std::optional<std::chrono::milliseconds> ProviderFigures::p95_latency() const {
  if (latency_count_ == 0 || latency_count_ < options_.min_latency_samples) return std::nullopt;
  scratch_.assign(latencies_ms_.begin(),
                  latencies_ms_.begin() + static_cast<std::ptrdiff_t>(latency_count_));
  // Nearest rank: the ceil(0.95 n)-th smallest (1-based rank).
  std::size_t rank = (95 * latency_count_ + 99) / 100;
  auto nth = scratch_.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(scratch_.begin(), nth, scratch_.end());
  return std::chrono::milliseconds{*nth};
}

std::uint64_t ProviderFigures::errors(FailureClass klass) const {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < by_kind_.size(); ++i) {
    auto kind = static_cast<FailureKind>(i);
    if (kind != FailureKind::cancelled && failure_class(kind) == klass) total += by_kind_[i];
  }
  return total;
}

std::uint64_t ProviderFigures::errors(FailureKind kind) const {
  std::size_t index = kind_index(kind);
  return index < by_kind_.size() ? by_kind_[index] : 0;
}

void ProviderFigures::push_outcome(bool success) {
  if (outcome_count_ == outcomes_.size()) {
    if (outcomes_[outcome_next_]) --outcome_successes_;
  } else {
    ++outcome_count_;
  }
  outcomes_[outcome_next_] = success;
  if (success) ++outcome_successes_;
  outcome_next_ = (outcome_next_ + 1) % outcomes_.size();
}

}  // namespace autotrader::llm
