#pragma once
// The Prometheus series of one venue's feed, shared by every feed actor (sim, Binance, ...).
// Created by the application once per venue and handed to the feed's start function, so the
// values survive restarts of the actor. Every label set of the configured symbols, the given
// reconnect reasons and every quality-gate reason is registered up front, so it exports 0.
//
//   autotrader_feed_last_message_timestamp_seconds{venue,symbol}  gauge, Unix time of the
//       last message received for the symbol
//   autotrader_feed_reconnects_total{venue,reason}                counter
//   autotrader_feed_gap_filled_candles_total{venue,symbol}        counter, closed candles
//       delivered late to fill a gap (after a disconnect or a restart)
//   autotrader_feed_stale{venue,symbol}                           gauge, 1 while stale
//   autotrader_feed_rejected_total{venue,symbol,reason}           counter, candles the quality
//       gate rejected or repaired (reason = market::RejectReason), and for reason "gap" the
//       candles found missing that no backfill supplied
//
// Thread-safe (prometheus-cpp is; the label cache is guarded by a mutex).
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/market.hpp"
#include "market/pipeline.hpp"
#include "market/quality_gate.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace autotrader::feed {

class FeedMetrics {
 public:
  FeedMetrics(prometheus::Registry& registry, std::string venue,
              const std::vector<core::Symbol>& symbols,
              const std::vector<std::string>& reconnect_reasons);

  const std::string& venue() const { return venue_; }

  void message_received(const core::Symbol& symbol, core::TimestampMs wall);
  void reconnected(std::string_view reason);
  void gap_filled(const core::Symbol& symbol, std::size_t candles);
  void set_stale(const core::Symbol& symbol, bool stale);
  void rejected(const core::Symbol& symbol, market::RejectReason reason, std::size_t count = 1);
  // Counts what the pipeline reported for one candle: a rejection or repair under its reason,
  // and for a gap the number of candles missing. Nothing for a clean candle.
  void count_push(const core::Symbol& symbol, const market::PushResult& result);

  // Current values, for tests and status pages.
  double last_message_seconds(const core::Symbol& symbol);
  double reconnects(std::string_view reason);
  double gap_filled_candles(const core::Symbol& symbol);
  double stale(const core::Symbol& symbol);
  double rejected_count(const core::Symbol& symbol, market::RejectReason reason);

 private:
  prometheus::Gauge& last_message(const std::string& symbol);
  prometheus::Counter& reconnect(const std::string& reason);
  prometheus::Counter& gap(const std::string& symbol);
  prometheus::Gauge& stale_gauge(const std::string& symbol);
  prometheus::Counter& reject(const std::string& symbol, std::string_view reason);

  std::string venue_;
  prometheus::Family<prometheus::Gauge>& last_message_;
  prometheus::Family<prometheus::Counter>& reconnects_;
  prometheus::Family<prometheus::Counter>& gap_filled_;
  prometheus::Family<prometheus::Gauge>& stale_;
  prometheus::Family<prometheus::Counter>& rejected_;
  std::mutex mutex_;
  std::map<std::string, prometheus::Gauge*, std::less<>> last_message_cache_;
  std::map<std::string, prometheus::Counter*, std::less<>> reconnect_cache_;
  std::map<std::string, prometheus::Counter*, std::less<>> gap_cache_;
  std::map<std::string, prometheus::Gauge*, std::less<>> stale_cache_;
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> reject_cache_;
};

}  // namespace autotrader::feed
