#pragma once
// The paper broker: a simulated spot account that fills market orders at the next price update,
// with slippage, fees and optional partial fills, and watches every position's stop-loss and
// take-profit on each price update. The rules are in this folder's README.
//
// A plain class (no actor, no I/O): the venue actor owns it, feeds it prices (on_price) and
// orders (place/cancel), forwards the events it returns and hands state() to the storage actor
// after every change, so a restarted broker (constructed from that state) keeps its balances,
// open orders and protective exits. Not thread-safe: one owner.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/decimal.hpp"
#include "core/market.hpp"
#include "venues/paper/venue.hpp"

namespace autotrader::paper {

// Defaults are documented in the README; the names are the future config keys (PAPER_*).
struct PaperBrokerOptions {
  // PAPER_INITIAL_BALANCE: the quote balance of a fresh account.
  core::Decimal initial_balance = core::Decimal::from_integer(10'000);
  // QUOTE_ASSET: the one quote asset every symbol trades against.
  std::string quote_asset = "USDT";
  // PAPER_FEE_BPS: fee per fill in basis points of its notional, charged in the quote asset
  // (10 = Binance's base spot rate of 0.1%).
  core::Decimal fee_bps = core::Decimal::from_integer(10);
  // PAPER_SLIPPAGE_BPS: each fill is this many basis points worse than the price update
  // (higher for a BUY, lower for a SELL). 0 <= slippage_bps < 10000.
  core::Decimal slippage_bps = core::Decimal::from_integer(5);
  // PAPER_PARTIAL_FILL_FRACTION: the share of an order's quantity that fills per price update,
  // in (0, 1]; 1 fills every order whole at the next update.
  core::Decimal partial_fill_fraction = core::Decimal::from_integer(1);
  // PAPER_QUANTITY_STEP: quantities must be multiples of it; partial fills round down to it.
  core::Decimal quantity_step = *core::Decimal::from_units(1, 8);
  // PAPER_PRICE_SCALE: fill prices and average entry prices keep this many fraction digits
  // (fill prices rounded against the trader).
  int price_scale = 8;
  // PAPER_QUOTE_SCALE: fees are rounded up to this many fraction digits.
  int quote_scale = 8;
  // PAPER_MAX_ORDER_HISTORY: finished orders kept for queries and duplicate detection.
  std::size_t max_order_history = 10'000;
};

// What is wrong with the options, or nullopt when they are usable.
std::optional<std::string> validate(const PaperBrokerOptions& options);

// Everything a restart needs (state_json.hpp turns it into JSON and back). Options are not part
// of it: they come from the configuration at every start.
struct PaperBrokerState {
  core::Decimal quote_balance;
  std::vector<Position> positions;
  std::vector<Order> orders;  // open ones and the recent finished ones, in placement order
  std::vector<std::pair<core::Symbol, core::Decimal>> last_prices;
  std::int64_t next_trade_id = 1;
};

class PaperBroker final : public Venue {
 public:
  // A fresh account holding options.initial_balance. The options must pass validate()
  // (asserted): the configuration is checked before a broker is built.
  PaperBroker(PaperBrokerOptions options, const core::Clock& clock);
  // A restarted account.
  PaperBroker(PaperBrokerOptions options, const core::Clock& clock, PaperBrokerState state);

  std::string_view name() const override { return "paper"; }
  VenueEvents place(const OrderRequest& request) override;
  VenueEvents cancel(std::string_view client_order_id) override;
  std::optional<Order> order(std::string_view client_order_id) const override;
  std::vector<Order> open_orders() const override;
  std::vector<Balance> balances() const override;
  std::vector<Position> positions() const override;

  // A new price for `symbol` (last trade or candle close). First the positions that existed
  // before it are checked against their stop-loss and take-profit, then the open orders of the
  // symbol fill at it, in placement order. A price that is not positive is ignored (counted).
  VenueEvents on_price(const core::Symbol& symbol, const core::Decimal& price,
                       core::TimestampMs time);

  std::optional<Position> position(const core::Symbol& symbol) const;
  std::optional<core::Decimal> last_price(const core::Symbol& symbol) const;
  core::Decimal quote_balance() const { return quote_balance_; }
  // Quote balance plus every position at its last price (its average entry before any price);
  // nullopt only when the sum does not fit a Decimal.
  std::optional<core::Decimal> equity() const;

  PaperBrokerState state() const;

  std::uint64_t ignored_prices() const { return ignored_prices_; }

 private:
  struct Priced {
    core::Decimal price;     // after slippage
    core::Decimal notional;  // price x quantity
    core::Decimal fee;
  };

  // An order and its place in the placement order (a number that only grows).
  struct Kept {
    Order order;
    std::uint64_t sequence = 0;
  };

  std::optional<Priced> price_fill(Side side, const core::Decimal& market,
                                   const core::Decimal& quantity) const;
  std::optional<core::Decimal> estimated_buy_cost(const Order& order) const;
  core::Decimal reserved_for_sells(const core::Symbol& symbol) const;
  core::Decimal fill_quantity(const Order& order) const;
  // Ids of the symbol's open orders, oldest first (a copy: filling or cancelling them changes
  // the index).
  std::vector<std::string> open_ids(const core::Symbol& symbol) const;
  // Stores a new order (the id must be unknown) as the newest and indexes it.
  Order& keep(Order order);
  void fill_order(Order& order, const core::Decimal& market, core::TimestampMs time,
                  VenueEvents& events);
  void check_protection(const core::Symbol& symbol, const core::Decimal& market,
                        core::TimestampMs time, VenueEvents& events);
  void end_order(Order& order, OrderStatus status, core::TimestampMs time);
  void trim_history();
  core::TimestampMs now_ms() const;

  PaperBrokerOptions options_;
  const core::Clock& clock_;
  core::Decimal quote_balance_;
  std::map<core::Symbol, Position> positions_;
  // Every kept order, open or finished. The three indexes below hold each of its ids exactly
  // once (open_ and open_by_symbol_ while it is open, finished_ once it has ended), so that a
  // price update, a placement and trimming cost the open orders and log(kept orders), never a
  // walk over the finished history.
  std::map<std::string, Kept, std::less<>> orders_;
  std::map<std::uint64_t, std::string> open_;      // by placement sequence
  std::map<std::uint64_t, std::string> finished_;  // by placement sequence: trimmed oldest first
  std::map<core::Symbol, std::vector<std::string>> open_by_symbol_;  // oldest first; no empties
  std::uint64_t next_sequence_ = 0;
  std::map<core::Symbol, core::Decimal> last_prices_;
  std::int64_t next_trade_id_ = 1;
  std::uint64_t ignored_prices_ = 0;
};

}  // namespace autotrader::paper
