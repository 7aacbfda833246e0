#pragma once
// The trader: the supervised shell around the decision loop (trading::DecisionLoop) and the risk
// engine it validates with (risk::RiskEngine). It subscribes to the market feed's snapshots,
// asks the AI pool, sends every audit record and decision row to the storage actor, sends
// orders to the executor only after their audit record is durable, and keeps risk's state
// persisted (the storage actor's "risk" entry) after every change, so a HALT, the equity peak
// or the day's loss survive any restart.
//
// Risk lives in this actor rather than in one of its own: validating an order and recording it
// (the per-minute order count, the exposure it adds) happen in one message, so two symbols'
// decisions can never both pass a limit that only one of them fits. The engine is a plain class
// with its own tests; this actor only carries its state.
//
// Start: the risk state is loaded from the storage actor first (candles meanwhile start no
// decision); a stored state that cannot be read starts HALTED with the reason, never ACTIVE.
// Operator commands (kill switch, toggle) arrive as messages from the HTTP handlers.
#include <chrono>
#include <memory>
#include <string>

#include "actors/feed/cursor_store.hpp"
#include "actors/llm/llm_tree.hpp"
#include "core/clock.hpp"
#include "risk/options.hpp"
#include "trading/decision_loop.hpp"

namespace caf {
class actor;
class event_based_actor;
}  // namespace caf

namespace spdlog {
class logger;
}

namespace autotrader::trading_actors {

class TradingShared;

struct TraderConfig {
  trading::DecisionLoopOptions loop;
  risk::RiskOptions risk;
  std::string feed_venue = "sim";
  std::shared_ptr<feed::FeedCursorStore> feeds;
  std::shared_ptr<llm_actors::PoolHandle> pool;
  // The pool answers within its analysis deadline; the ask waits this much longer.
  std::chrono::milliseconds ask_timeout{35'000};
  std::shared_ptr<TradingShared> shared;
  std::shared_ptr<const core::Clock> clock;
  std::shared_ptr<spdlog::logger> log;  // may be null
  std::chrono::milliseconds storage_timeout{10'000};
  std::chrono::milliseconds executor_timeout{10'000};
  std::chrono::milliseconds load_retry{2'000};
};

caf::actor spawn_trader_actor(caf::event_based_actor& parent, TraderConfig config);

}  // namespace autotrader::trading_actors
