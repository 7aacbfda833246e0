#pragma once
// What the risk engine is asked (OrderIntent), what it looks at (PortfolioView, SymbolRules) and
// what it answers (RiskVerdict). Plain values. Prices and quantities that go to a venue are
// core::Decimal; fractions, percentages and confidences are doubles, as llm::Decision has them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "risk/reasons.hpp"

namespace autotrader::risk {

using TimePoint = std::chrono::system_clock::time_point;

enum class Side : std::uint8_t { buy, sell };
std::string_view to_string(Side side);  // "BUY", "SELL"

// A venue's trading rules for one symbol, venue-neutral (Binance's PRICE_FILTER, LOT_SIZE and
// NOTIONAL map onto it). A zero value disables its rule, as on Binance.
struct SymbolRules {
  core::Decimal tick_size;
  core::Decimal step_size;
  core::Decimal min_qty;
  core::Decimal max_qty;
  core::Decimal min_notional;
};

// One order the decision loop wants. An order that opens or adds to a position is an entry;
// one on the opposite side of a held position is an exit (it reduces exposure and never flips
// the position: its quantity is capped at the position's).
struct OrderIntent {
  core::Symbol symbol;
  Side side = Side::buy;
  core::Decimal price;  // the reference price (last close), > 0
  // Entries: the decision's confidence, requested fraction of equity (0 = base_position_size)
  // and protection in percent (nullopt or 0 = the configured default).
  double confidence = 0;
  double position_size = 0;
  std::optional<double> stop_loss_pct;
  std::optional<double> take_profit_pct;
  // Exits: the base quantity to close; nullopt = the whole position.
  std::optional<core::Decimal> quantity;
  // A stop-loss or take-profit of an existing position firing: passes in every state.
  bool protective = false;
  // Close time of the symbol's latest market data; nullopt = none yet (stale).
  std::optional<TimePoint> data_time;
};

struct PositionView {
  core::Symbol symbol;
  core::Decimal quantity;  // base asset, signed: negative is short
  core::Decimal mark_price;
};

struct PortfolioView {
  core::Decimal equity;  // quote currency: cash plus positions at mark
  core::Decimal cash;    // quote currency available for new entries
  std::vector<PositionView> positions;

  const PositionView* find(const core::Symbol& symbol) const;
  std::size_t open_positions() const;  // positions with a non-zero quantity
};

// The answer. When approved, quantity and price are rounded to the venue's step and tick, and an
// entry carries its protective prices; when not, `rejections` says every reason found.
struct RiskVerdict {
  bool approved = false;
  bool reduces_exposure = false;  // an exit
  std::vector<Rejection> rejections;
  core::Decimal quantity;
  core::Decimal price;
  std::optional<core::Decimal> stop_loss_price;
  std::optional<core::Decimal> take_profit_price;
  double size_multiplier = 1.0;  // confidence × win rate, before the limits bound it

  bool has(RejectReason reason) const;
};

}  // namespace autotrader::risk
