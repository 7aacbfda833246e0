#include "actors/feed/feed_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace autotrader::feed {

FeedMetrics::FeedMetrics(prometheus::Registry& registry, std::string venue,
                         const std::vector<core::Symbol>& symbols,
                         const std::vector<std::string>& reconnect_reasons)
    : venue_{std::move(venue)},
      last_message_{prometheus::BuildGauge()
                        .Name("autotrader_feed_last_message_timestamp_seconds")
                        .Help("Unix time of the last market-data message received for the symbol")
                        .Register(registry)},
      reconnects_{prometheus::BuildCounter()
                      .Name("autotrader_feed_reconnects_total")
                      .Help("Reconnections of a market-data feed (for the simulator: restarts)")
                      .Register(registry)},
      gap_filled_{prometheus::BuildCounter()
                      .Name("autotrader_feed_gap_filled_candles_total")
                      .Help("Closed candles delivered late to fill a gap after a disconnect or "
                            "restart")
                      .Register(registry)},
      stale_{prometheus::BuildGauge()
                 .Name("autotrader_feed_stale")
                 .Help("1 while no market data arrived for the symbol within its maximum age")
                 .Register(registry)},
      rejected_{prometheus::BuildCounter()
                    .Name("autotrader_feed_rejected_total")
                    .Help("Candles the data-quality gate rejected or repaired, by reason; for "
                          "reason gap, candles missing that no backfill supplied")
                    .Register(registry)} {
  std::lock_guard lock{mutex_};
  for (const auto& reason : reconnect_reasons) reconnect(reason);
  for (const auto& symbol : symbols) {
    const auto name = symbol.str();
    last_message(name);
    gap(name);
    stale_gauge(name);
    for (const auto reason : market::kRejectReasons) reject(name, market::to_string(reason));
  }
}

prometheus::Gauge& FeedMetrics::last_message(const std::string& symbol) {
  auto [it, added] = last_message_cache_.try_emplace(symbol, nullptr);
  if (added) it->second = &last_message_.Add({{"venue", venue_}, {"symbol", symbol}});
  return *it->second;
}

prometheus::Counter& FeedMetrics::reconnect(const std::string& reason) {
  auto [it, added] = reconnect_cache_.try_emplace(reason, nullptr);
  if (added) it->second = &reconnects_.Add({{"venue", venue_}, {"reason", reason}});
  return *it->second;
}

prometheus::Counter& FeedMetrics::gap(const std::string& symbol) {
  auto [it, added] = gap_cache_.try_emplace(symbol, nullptr);
  if (added) it->second = &gap_filled_.Add({{"venue", venue_}, {"symbol", symbol}});
  return *it->second;
}

prometheus::Gauge& FeedMetrics::stale_gauge(const std::string& symbol) {
  auto [it, added] = stale_cache_.try_emplace(symbol, nullptr);
  if (added) it->second = &stale_.Add({{"venue", venue_}, {"symbol", symbol}});
  return *it->second;
}

prometheus::Counter& FeedMetrics::reject(const std::string& symbol, std::string_view reason) {
  auto [it, added] = reject_cache_.try_emplace({symbol, std::string{reason}}, nullptr);
  if (added) {
    it->second =
        &rejected_.Add({{"venue", venue_}, {"symbol", symbol}, {"reason", std::string{reason}}});
  }
  return *it->second;
}

void FeedMetrics::message_received(const core::Symbol& symbol, core::TimestampMs wall) {
  std::lock_guard lock{mutex_};
  last_message(symbol.str()).Set(static_cast<double>(wall) / 1000.0);
}

void FeedMetrics::reconnected(std::string_view reason) {
  std::lock_guard lock{mutex_};
  reconnect(std::string{reason}).Increment();
}

void FeedMetrics::gap_filled(const core::Symbol& symbol, std::size_t candles) {
  if (candles == 0) return;
  std::lock_guard lock{mutex_};
  gap(symbol.str()).Increment(static_cast<double>(candles));
}

void FeedMetrics::set_stale(const core::Symbol& symbol, bool stale) {
  std::lock_guard lock{mutex_};
  stale_gauge(symbol.str()).Set(stale ? 1.0 : 0.0);
}

void FeedMetrics::rejected(const core::Symbol& symbol, market::RejectReason reason,
                           std::size_t count) {
  if (count == 0) return;
  std::lock_guard lock{mutex_};
  reject(symbol.str(), market::to_string(reason)).Increment(static_cast<double>(count));
}

void FeedMetrics::count_push(const core::Symbol& symbol, const market::PushResult& result) {
  switch (result.status) {
    case market::PushStatus::accepted:
      return;
    case market::PushStatus::rejected:
    case market::PushStatus::repaired:
      if (result.verdict.reason) rejected(symbol, *result.verdict.reason);
      return;
    case market::PushStatus::gap:
      // A gap takes precedence in the status, but a repair in the same candle still counts.
      if (result.verdict.outcome == market::Outcome::repaired && result.verdict.reason) {
        rejected(symbol, *result.verdict.reason);
      }
      rejected(symbol, market::RejectReason::gap, result.verdict.gap.count);
      return;
  }
}

double FeedMetrics::last_message_seconds(const core::Symbol& symbol) {
  std::lock_guard lock{mutex_};
  return last_message(symbol.str()).Value();
}

double FeedMetrics::reconnects(std::string_view reason) {
  std::lock_guard lock{mutex_};
  return reconnect(std::string{reason}).Value();
}

double FeedMetrics::gap_filled_candles(const core::Symbol& symbol) {
  std::lock_guard lock{mutex_};
  return gap(symbol.str()).Value();
}

double FeedMetrics::stale(const core::Symbol& symbol) {
  std::lock_guard lock{mutex_};
  return stale_gauge(symbol.str()).Value();
}

double FeedMetrics::rejected_count(const core::Symbol& symbol, market::RejectReason reason) {
  std::lock_guard lock{mutex_};
  return reject(symbol.str(), market::to_string(reason)).Value();
}

}  // namespace autotrader::feed
