#include "market/pipeline.hpp"

#include <utility>

namespace autotrader::market {

std::string_view to_string(PushStatus status) {
  switch (status) {
    case PushStatus::accepted:
      return "accepted";
    case PushStatus::repaired:
      return "repaired";
    case PushStatus::rejected:
      return "rejected";
    case PushStatus::gap:
      return "gap";
  }
  return "unknown";
}

SymbolPipeline::SymbolPipeline(std::string venue, core::Symbol symbol, core::Interval interval,
                               const PipelineOptions& options)
    : venue_{std::move(venue)},
      symbol_{symbol},
      interval_{interval},
      gate_{symbol, interval, options.gate},
      indicators_{options.indicators} {}

PushResult SymbolPipeline::push(const core::Candle& candle, core::TimestampMs now) {
  PushResult result;
  result.verdict = gate_.check(candle);
  if (!result.verdict.accepted()) {
    result.status = PushStatus::rejected;
    return result;
  }
  if (result.verdict.gap.count > 0) {
    result.status = PushStatus::gap;
  } else if (result.verdict.outcome == Outcome::repaired) {
    result.status = PushStatus::repaired;
  }
  const core::Candle& accepted = result.verdict.candle;
  const auto& values = indicators_.update(accepted);
  last_ = make_snapshot(accepted, values, indicators_.warmed_up(), now);
  result.snapshot = last_;
  return result;
}

std::optional<Snapshot> SymbolPipeline::snapshot(core::TimestampMs now) const {
  if (!last_) return std::nullopt;
  Snapshot snapshot = *last_;
  snapshot.data_age = std::chrono::milliseconds{now > snapshot.as_of ? now - snapshot.as_of : 0};
  return snapshot;
}

}  // namespace autotrader::market
