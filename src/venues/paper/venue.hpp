#pragma once
// The venue interface: how the executor places, cancels and queries orders and reads balances
// and positions, whatever the venue (the paper broker now, Binance next). Spot only.
//
// Results are events (VenueEvent). A call returns the events the venue knows at once; a venue
// may produce more later (the paper broker on its next price update, Binance from its user data
// stream), and the actor that owns the venue forwards every event, whenever it arrives. So a
// caller never concludes from an empty answer that nothing happened: an order's fate is known
// only from its events or from a query.
//
// Prices and quantities are exact core::Decimal; fees are in the quote asset.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/decimal.hpp"
#include "core/market.hpp"

namespace autotrader::paper {

enum class Side : std::uint8_t { buy, sell };
const char* to_string(Side side);  // "BUY", "SELL"
std::optional<Side> parse_side(std::string_view text);

// Binance's order statuses, less the ones a market order without expiry never has.
enum class OrderStatus : std::uint8_t { open, partially_filled, filled, cancelled, rejected };
const char* to_string(OrderStatus status);  // "NEW", "PARTIALLY_FILLED", "FILLED", ...
std::optional<OrderStatus> parse_order_status(std::string_view text);
bool is_terminal(OrderStatus status);

// Why an order was refused. Stable lower-case names (to_string) for metrics labels and the audit.
enum class RejectReason : std::uint8_t {
  invalid_client_order_id,    // empty, longer than 36 or a character outside [A-Za-z0-9_-]
  duplicate_client_order_id,  // an order with this id exists already; it is left untouched
  invalid_symbol,             // no symbol given
  invalid_quantity,           // zero, negative or finer than the venue's quantity step
  missing_protection,         // a BUY without its stop-loss and take-profit
  invalid_protection,         // stop-loss not strictly between 0 and the take-profit
  insufficient_balance,       // not enough quote for a BUY at the last price
  no_position,                // a SELL larger than the position (spot: no shorting)
  unknown_order,              // cancel of an id the venue does not know
  order_not_open,             // cancel of an order already filled, cancelled or rejected
  arithmetic_overflow,        // the exact amount does not fit a Decimal
  venue_refused,  // a network venue refused it (its code and message say why) or never got it
  not_ready,      // a network venue not yet reconciled with the exchange, or blocked
};
const char* to_string(RejectReason reason);

// Why an open order ended without filling completely.
enum class CancelReason : std::uint8_t {
  requested,             // the caller cancelled it
  insufficient_balance,  // at its fill price the quote balance no longer covered it
  position_closed,       // a SELL whose position a protective exit already closed
  arithmetic_overflow,
};
const char* to_string(CancelReason reason);

// The protective exits attached to a position: a SELL of the whole position when the price
// falls to stop_loss or rises to take_profit. Absolute prices, 0 < stop_loss < take_profit.
struct Protection {
  core::Decimal stop_loss;
  core::Decimal take_profit;
};

enum class ProtectiveKind : std::uint8_t { stop_loss, take_profit };
const char* to_string(ProtectiveKind kind);  // "stop_loss", "take_profit"

// A market order. client_order_id is the idempotency key (client_order_id.hpp derives it from
// the decision id). decision_id is kept with the order and its position so the protective
// exits get ids derived from the same decision.
struct OrderRequest {
  std::string client_order_id;
  std::string decision_id;
  core::Symbol symbol;
  Side side = Side::buy;
  core::Decimal quantity;                // base asset
  std::optional<Protection> protection;  // required for a BUY, ignored for a SELL
};

struct Order {
  std::string client_order_id;
  std::string decision_id;
  core::Symbol symbol;
  Side side = Side::buy;
  core::Decimal quantity;
  core::Decimal filled_quantity;
  core::Decimal filled_quote;  // sum of price x quantity over the fills, before fees
  core::Decimal fees;          // quote asset
  OrderStatus status = OrderStatus::open;
  std::optional<Protection> protection;
  core::TimestampMs created_ms = 0;
  core::TimestampMs updated_ms = 0;
};

struct Balance {
  std::string asset;  // the quote asset ("USDT"), or a symbol's base ("BTC")
  core::Decimal free;
  core::Decimal locked;  // reserved by open SELL orders (base assets only)
};

// A spot holding in one symbol. average_entry_price is the quantity-weighted fill price of the
// BUYs that built it, fees excluded (fees are counted in realized P&L instead).
struct Position {
  core::Symbol symbol;
  core::Decimal quantity;
  core::Decimal average_entry_price;
  std::optional<Protection> protection;
  std::string decision_id;  // of the entry that set the protection
  core::TimestampMs opened_ms = 0;
};

// Events. Every fill of every order, protective exits included, is one Fill.
struct OrderAccepted {
  Order order;
};

struct Fill {
  std::string client_order_id;
  core::Symbol symbol;
  Side side = Side::buy;
  core::Decimal price;     // after slippage
  core::Decimal quantity;  // this fill only
  core::Decimal fee;       // quote asset
  core::Decimal remaining_quantity;
  // For a SELL: (price - average entry) x quantity - fee. Zero for a BUY.
  core::Decimal realized_pnl;
  std::int64_t trade_id = 0;  // increasing per venue
  core::TimestampMs time = 0;
};

struct OrderRejected {
  std::string client_order_id;
  core::Symbol symbol;
  RejectReason reason = RejectReason::invalid_quantity;
  std::string message;  // for the log and the audit; never holds a secret
};

struct OrderCancelled {
  std::string client_order_id;
  core::Symbol symbol;
  CancelReason reason = CancelReason::requested;
  core::Decimal filled_quantity;  // what had filled before it ended
  core::TimestampMs time = 0;
};

// A protective exit fired: the whole position was sold (its Fill follows in the same batch).
struct ProtectiveExit {
  std::string client_order_id;  // derived from the position's decision id
  core::Symbol symbol;
  ProtectiveKind kind = ProtectiveKind::stop_loss;
  core::Decimal trigger_price;  // the stop-loss or take-profit
  core::Decimal market_price;   // the price update that crossed it
  core::TimestampMs time = 0;
};

using VenueEvent = std::variant<OrderAccepted, Fill, OrderRejected, OrderCancelled, ProtectiveExit>;
using VenueEvents = std::vector<VenueEvent>;

// The contract every venue keeps.
// - Idempotent on client_order_id: placing an id the venue knows never creates a second order;
//   it answers OrderRejected{duplicate_client_order_id} and leaves the first order as it was.
//   The executor may therefore resend after a crash without ever submitting an order twice.
// - place() answers OrderAccepted or OrderRejected at once when it can; fills may follow later.
// - Every BUY carries its Protection, and the position it builds is watched by the venue (or,
//   on a venue without native protective orders, by whoever owns the venue's price feed).
// - Queries answer from the venue's last known state (a network venue: its mirror of the
//   exchange, reconciled on reconnect).
// - Bad input never throws: it is an OrderRejected with a reason.
// Not thread-safe: one actor owns a venue.
class Venue {
 public:
  virtual ~Venue() = default;

  virtual std::string_view name() const = 0;
  virtual VenueEvents place(const OrderRequest& request) = 0;
  virtual VenueEvents cancel(std::string_view client_order_id) = 0;

  virtual std::optional<Order> order(std::string_view client_order_id) const = 0;
  virtual std::vector<Order> open_orders() const = 0;
  virtual std::vector<Balance> balances() const = 0;
  virtual std::vector<Position> positions() const = 0;
};

}  // namespace autotrader::paper
