#pragma once
// The executor: the supervised owner of the execution venue, today the paper broker
// (venues/paper). It
// - places the trader's orders (exec_place_atom) and answers with the venue's events;
// - feeds the broker every price of the market feed it subscribes to, so orders fill at the
//   next price and every position's stop-loss and take-profit are watched on each update;
// - persists each batch of events through the storage actor (orders, fills, positions,
//   individual_trades, the broker's whole state) and tells the trader about events that came
//   later (fills, protective exits) and about the account after every change.
//
// Restart: the broker is rebuilt from the state the storage actor kept (balances, positions
// with their protection, open orders); until that state has loaded, orders wait in the mailbox
// and prices are ignored. The client order id is the venue's idempotency key, so an order sent
// again after a restart is refused as a duplicate, never placed twice.
#include <chrono>
#include <memory>
#include <string>

#include "actors/feed/cursor_store.hpp"
#include "core/clock.hpp"
#include "venues/paper/paper_broker.hpp"

namespace caf {
class actor;
class event_based_actor;
}  // namespace caf

namespace spdlog {
class logger;
}

namespace autotrader::trading_actors {

class TradingShared;

struct ExecutorConfig {
  paper::PaperBrokerOptions broker;
  std::string feed_venue = "sim";  // whose prices fill the orders
  std::shared_ptr<feed::FeedCursorStore> feeds;
  std::shared_ptr<TradingShared> shared;
  std::shared_ptr<const core::Clock> clock;
  std::shared_ptr<spdlog::logger> log;  // may be null
  // How long to wait for the storage actor's answers, and between attempts to load the state.
  std::chrono::milliseconds storage_timeout{10'000};
  std::chrono::milliseconds load_retry{2'000};
};

caf::actor spawn_executor_actor(caf::event_based_actor& parent, ExecutorConfig config);

}  // namespace autotrader::trading_actors
