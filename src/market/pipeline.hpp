#pragma once
// One series' path from a closed candle to a snapshot: quality gate -> indicators -> snapshot.
// One pipeline per (venue, symbol, interval), owned by that series' feed actor; plain class, no
// locking. It neither logs nor counts: the returned PushResult says what happened, and the
// caller reports it once (feed metrics and log).
#include <optional>
#include <string>
#include <string_view>

#include "core/market.hpp"
#include "indicators/indicator_set.hpp"
#include "market/quality_gate.hpp"
#include "market/snapshot.hpp"

namespace autotrader::market {

struct PipelineOptions {
  GateOptions gate;
  indicators::IndicatorSetOptions indicators;
};

enum class PushStatus : std::uint8_t {
  accepted,  // clean; the indicators moved
  repaired,  // the gate repaired the candle (verdict.reason says what); the indicators moved
  rejected,  // the gate rejected it (verdict.reason says why); nothing moved
  gap,       // accepted, but candles are missing before it (verdict.gap lists their open
             // times); the indicators moved. Takes precedence over `repaired`.
};

std::string_view to_string(PushStatus status);

struct PushResult {
  PushStatus status = PushStatus::accepted;
  Verdict verdict;                   // the gate's verdict in full
  std::optional<Snapshot> snapshot;  // set unless rejected

  bool accepted() const { return status != PushStatus::rejected; }
};

class SymbolPipeline {
 public:
  SymbolPipeline(std::string venue, core::Symbol symbol, core::Interval interval,
                 const PipelineOptions& options = {});

  // `now` (wall time, ms) stamps the snapshot's data_age.
  PushResult push(const core::Candle& candle, core::TimestampMs now);

  // The last snapshot with its data_age recomputed for `now`; nullopt before the first
  // accepted candle.
  std::optional<Snapshot> snapshot(core::TimestampMs now) const;

  const std::string& venue() const { return venue_; }
  core::Symbol symbol() const { return symbol_; }
  core::Interval interval() const { return interval_; }
  const QualityGate& gate() const { return gate_; }
  const indicators::IndicatorSet& indicators() const { return indicators_; }

 private:
  std::string venue_;
  core::Symbol symbol_;
  core::Interval interval_;
  QualityGate gate_;
  indicators::IndicatorSet indicators_;
  std::optional<Snapshot> last_;
};

}  // namespace autotrader::market
