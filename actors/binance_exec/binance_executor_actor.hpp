#pragma once
// The Binance executor: the trading branch's "executor" child in the binance-testnet and
// binance-live modes, a thin shell around binance::ExecutionEngine. It speaks the same protocol
// as the paper executor (actors/trading/protocol.hpp), so the trader, risk and storage work
// unchanged:
// - (exec_place_atom, OrderMessage) -> EventsMsg with what is known at once (a reject); the
//   order's acceptance and fills follow as (exec_events_atom) to the trader;
// - (exec_account_atom) -> AccountUpdate from Binance's balances and our positions.
//
// Start: the stored book (state document key "executor" → {"binance": ...}) and exchangeInfo
// for the configured symbols, then a reconciliation with the venue (ExecutionEngine::reconcile);
// until it completes, orders are refused as not_ready and /api/autonomous-status says why in
// "venue_status". The user data stream runs on the WebSocket API (userDataStream.subscribe
// .signature), reconnects with backoff, and every (re)subscription is followed by a sweep of
// every order; while it is down the engine polls.
//
// Persistence: the engine's book goes to the storage actor before any request that places an
// order leaves (so a crash after the send finds the order and queries it), and with every batch
// of events, in the same transaction as their fills.
//
// Named fault points for crash tests (core/fault.hpp): binance.before_send (a place about to
// leave), binance.after_send (its answer arrived, not yet applied), binance.after_fill (fills
// applied in memory, not yet written to the database).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/binance_exec/order_transport.hpp"
#include "actors/feed/cursor_store.hpp"
#include "core/clock.hpp"
#include "venues/binance/execution_engine.hpp"
#include "venues/binance/reconnect_backoff.hpp"

namespace caf {
class actor;
class event_based_actor;
}  // namespace caf

namespace spdlog {
class logger;
}

namespace prometheus {
class Registry;
}

namespace autotrader::trading_actors {
class TradingShared;
}

namespace autotrader::binance_exec {

class BinanceExecMetrics;

struct BinanceExecutorConfig {
  // The engine's options; `symbols` is filled at start from exchangeInfo for `symbols` below.
  binance::ExecutionOptions engine;
  std::vector<core::Symbol> symbols;
  std::string ws_api_url;  // wss://ws-api.testnet.binance.vision/ws-api/v3
  std::shared_ptr<const binance::RequestSigner> signer;
  OrderTransportFactory transport;
  binance::BackoffOptions stream_backoff;
  std::string feed_venue = "binance";  // whose prices value positions and watch exits
  std::shared_ptr<feed::FeedCursorStore> feeds;
  std::shared_ptr<trading_actors::TradingShared> shared;
  std::shared_ptr<BinanceExecMetrics> metrics;  // may be null
  std::shared_ptr<const core::Clock> clock;
  std::shared_ptr<spdlog::logger> log;  // may be null
  std::chrono::milliseconds storage_timeout{10'000};
  std::chrono::milliseconds load_retry{2'000};
  std::chrono::milliseconds exchange_info_retry{5'000};
};

caf::actor spawn_binance_executor_actor(caf::event_based_actor& parent,
                                        BinanceExecutorConfig config);

// The executor's own figures (the trading metrics count orders and fills by venue already).
class BinanceExecMetrics {
 public:
  explicit BinanceExecMetrics(prometheus::Registry& registry);
  ~BinanceExecMetrics();
  void set_reconciliation_failed(bool failed);
  void count_reconciliation(bool ok);
  void set_user_stream_up(bool up);
  void count_user_stream_reconnect();
  void count_request(const char* kind, const char* outcome);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace autotrader::binance_exec
