#pragma once
// What an executor makes of a batch of venue events, whatever the venue (the paper broker, the
// Binance engine): the VenueBatch the storage actor persists (order rows, trade rows, the
// positions the events touched), the trades that closed (for risk and the day's performance),
// the log lines, and the order/fill/exit counters. Shared by the paper executor and the Binance
// executor so both persist exactly the same rows for the same events.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/trading/protocol.hpp"
#include "core/clock.hpp"
#include "venues/paper/venue.hpp"

namespace spdlog {
class logger;
}

namespace autotrader::trading_actors {

class TradingMetrics;

// The venue as the batch builder reads it, after the events were applied.
struct VenueView {
  std::string venue;        // "paper", "binance"
  std::string quote_asset;  // the fees' asset
  std::function<std::optional<paper::Order>(std::string_view)> order;
  std::function<std::optional<paper::Position>(const core::Symbol&)> position;
};

// What the executor remembers across batches: each order's decision context (for its trade
// rows) and the realized P&L of exit orders still filling.
struct BatchMemory {
  std::map<std::string, nlohmann::json> contexts;
  std::map<std::string, core::Decimal> exit_pnl;
};

struct BuiltBatch {
  VenueBatch batch;                 // broker_state left null: the caller sets it
  std::vector<ClosedTrade> closed;  // exits completed by these events
};

// `before` holds the positions as they were before the events (for hold times); `request` is the
// order that caused them, if any (a reject of it gets a row).
BuiltBatch build_batch(const VenueView& view, const paper::VenueEvents& events,
                       const std::map<core::Symbol, paper::Position>& before,
                       const paper::OrderRequest* request, BatchMemory& memory,
                       const core::Clock& clock, spdlog::logger* log);

// Orders, fills and protective exits by venue, side and status.
void count_events(TradingMetrics* metrics, const VenueView& view, const paper::VenueEvents& events);

store::OrderRow order_row(const paper::Order& order, const std::string& venue,
                          const std::string& type);

// A venue's account at one moment: what both the AccountUpdate (risk, the decision loop) and
// GET /api/positions are made of. `mark` is the last price of a symbol, if any (the entry price
// stands in otherwise).
struct AccountSnapshot {
  core::Decimal equity;
  core::Decimal cash;
  std::vector<paper::Position> positions;
  std::function<std::optional<core::Decimal>(const core::Symbol&)> mark;
};

AccountUpdate account_update(const AccountSnapshot& account);
// {"equity","cash","quote_asset","positions":[{symbol, quantity, average_entry_price,
// mark_price, unrealized_pnl, decision_id, opened_ms, stop_loss, take_profit}]}
nlohmann::json account_json(const AccountSnapshot& account, const std::string& quote_asset);

}  // namespace autotrader::trading_actors
