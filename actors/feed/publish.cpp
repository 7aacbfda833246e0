#include "actors/feed/publish.hpp"

#include <spdlog/logger.h>

#include "actors/feed/cursor_store.hpp"
#include "actors/feed/feed_metrics.hpp"

namespace autotrader::feed {

bool accept_push(const std::string& venue, const core::Symbol& symbol, const core::Candle& candle,
                 const market::PushResult& result, FeedMetrics& metrics, spdlog::logger* log) {
  metrics.count_push(symbol, result);
  if (!result.accepted()) {
    if (log) {
      log->warn("{} {}: candle opening at {} rejected: {}", venue, symbol.view(), candle.open_time,
                result.verdict.reason ? market::to_string(*result.verdict.reason)
                                      : std::string_view{"unknown"});
    }
    return false;
  }
  if (log && result.status == market::PushStatus::gap) {
    log->warn("{} {}: {} candle(s) missing before the one opening at {}", venue, symbol.view(),
              result.verdict.gap.count, candle.open_time);
  }
  return true;
}

void publish_accepted(const std::string& venue, const core::Symbol& symbol,
                      const market::PushResult& result, FeedCursorStore& cursors,
                      const Emit& emit) {
  const auto& delivered = result.verdict.candle;
  emit(CandleClosed{venue, delivered});
  emit(SnapshotUpdate{venue, *result.snapshot});
  cursors.record_delivery(venue, symbol, delivered.open_time);
}

}  // namespace autotrader::feed
