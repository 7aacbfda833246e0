#pragma once
// The "trading" branch of the daemon's supervision tree, built from the configuration: a
// rest_for_one supervisor over storage, executor and trader, in that order. A storage restart
// restarts the two after it (they reload what they persisted through it); an executor restart
// restarts the trader (which asks for the account again); a trader restart touches nothing
// else. Call it once per process: TradingShared outlives every restart.
//
// Also the mapping of the configuration onto the plain classes' options, and the HTTP routes
// of the operator API for trading (GET /api/autonomous-status, /api/autonomous-history,
// /api/positions, /api/trades; POST /api/autonomous-toggle, /api/kill-switch).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/feed/cursor_store.hpp"
#include "actors/http/http_actor.hpp"
#include "actors/llm/llm_tree.hpp"
#include "actors/trading/trading_shared.hpp"
#include "config/secrets.hpp"
#include "config/settings.hpp"
#include "core/clock.hpp"
#include "risk/options.hpp"
#include "risk/types.hpp"
#include "supervision/spec.hpp"
#include "trading/decision_loop.hpp"
#include "venues/paper/paper_broker.hpp"

namespace prometheus {
class Registry;
}

namespace autotrader::trading_actors {

struct TradingTree {
  supervision::SupervisorSpec spec;  // id "trading"
  std::shared_ptr<TradingShared> shared;
};

// `registry` may be null (no metrics). `feeds` is the market branch's subscription store;
// `pool` the AI pool's handle; `providers` label the decision metrics ("technical" is added).
// Spawns the executor of a venue other than the paper broker (the Binance executor in the modes
// that place real orders), given the branch's shared state. The application supplies it: this
// library does not know the venues' actors.
using ExecutorSpawn =
    std::function<caf::actor(caf::event_based_actor& parent, std::shared_ptr<TradingShared>)>;

TradingTree trading_tree(const config::Settings& settings, prometheus::Registry* registry,
                         std::shared_ptr<feed::FeedCursorStore> feeds,
                         std::shared_ptr<llm_actors::PoolHandle> pool,
                         std::vector<std::string> providers,
                         std::shared_ptr<const core::Clock> clock, ExecutorSpawn executor = {});

// The configuration mapped onto the plain classes (the configuration was validated at load).
risk::RiskOptions risk_options(const config::Settings& settings);
paper::PaperBrokerOptions paper_options(const config::Settings& settings);
risk::SymbolRules paper_symbol_rules(const config::Settings& settings);
trading::DecisionLoopOptions loop_options(const config::Settings& settings);
// The configured mode's name: "sim", "binance-paper", "binance-testnet", "binance-live".
std::string trading_mode(const config::Settings& settings);
// Where orders go: "paper" (the paper broker) or "binance".
std::string execution_venue(const config::Settings& settings);

// The operator API of the trading branch. Mutating routes need `Authorization: Bearer <token>`
// (AUTOTRADER_API_TOKEN); with no token configured they answer 403 and say how to enable them.
std::vector<actors::HttpRoute> trading_routes(std::shared_ptr<TradingShared> shared,
                                              core::Secret api_token);

}  // namespace autotrader::trading_actors
