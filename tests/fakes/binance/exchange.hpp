#pragma once
// The fake's exchange: one account (balances, commission rate), its orders and OCO order lists,
// every fill, and the matching of resting orders against the fake's own last price per symbol.
// Plain C++ with exact decimals (core::Decimal): no sockets, no JSON parsing of requests, no
// locking (State calls it under its mutex). Every change of an order, a balance or an order list
// appends the user-data events Binance would push (executionReport, outboundAccountPosition,
// listStatus) to a queue that take_events() empties.
//
// Matching model (deliberately simple and deterministic): the price of a symbol is the last price
// published (set_price). A MARKET order fills at once at that price (in market_fill_parts equal
// fills). A LIMIT order that is marketable when placed fills at once at the last price (taker);
// otherwise it rests and fills whole at its limit price (maker) once the price reaches it: SELL
// when price >= limit, BUY when price <= limit. A STOP_LOSS_LIMIT SELL triggers when
// price <= stopPrice (BUY: >=) and then behaves as a resting limit order. When an OCO leg fills or
// triggers, the other leg ends EXPIRED and the list ALL_DONE. Balances: an open SELL locks its
// base quantity, an open BUY its quote amount at the limit price; a BUY pays commission in the
// base asset, a SELL in the quote asset, rounded half-up to 8 decimals.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decimal.hpp"
#include "core/market.hpp"
#include "tests/fakes/binance/klines.hpp"
#include "tests/fakes/binance/symbol_rules.hpp"

namespace autotrader::fakes::binance {

using core::Decimal;

enum class Side { buy, sell };
enum class OrderType { limit, market, limit_maker, stop_loss_limit };
enum class TimeInForce { gtc, ioc, fok };
enum class OrderStatus { new_order, partially_filled, filled, canceled, expired };

std::string_view to_string(Side side);
std::string_view to_string(OrderType type);
std::string_view to_string(TimeInForce tif);
std::string_view to_string(OrderStatus status);

struct Balance {
  Decimal free;
  Decimal locked;
};

struct Order {
  std::string symbol;
  std::int64_t order_id = 0;
  std::int64_t order_list_id = -1;
  std::string client_order_id;
  std::string cancel_client_order_id;  // the newClientOrderId of the cancel, once canceled
  Side side = Side::buy;
  OrderType type = OrderType::limit;
  TimeInForce time_in_force = TimeInForce::gtc;
  Decimal price;  // zero for MARKET
  Decimal orig_qty;
  Decimal executed_qty;
  Decimal cummulative_quote_qty;
  Decimal orig_quote_order_qty;
  Decimal stop_price;
  OrderStatus status = OrderStatus::new_order;
  core::TimestampMs time = 0;
  core::TimestampMs update_time = 0;
  core::TimestampMs working_time = -1;  // -1 while a stop order waits for its trigger
  bool working = false;                 // on the book (a stop once triggered)
  Decimal locked;             // what this order still holds locked (base for SELL, quote for BUY)
  int invisible_queries = 0;  // delayed visibility: GET /api/v3/order answers -2013 this often

  bool open() const {
    return status == OrderStatus::new_order || status == OrderStatus::partially_filled;
  }
};

struct Fill {
  std::string symbol;
  std::int64_t id = 0;  // the trade id
  std::int64_t order_id = 0;
  std::int64_t order_list_id = -1;
  Decimal price;
  Decimal qty;
  Decimal quote_qty;
  Decimal commission;
  std::string commission_asset;
  core::TimestampMs time = 0;
  bool is_buyer = false;
  bool is_maker = false;
};

struct OrderList {
  std::int64_t order_list_id = 0;
  std::string list_client_order_id;
  std::string symbol;
  std::vector<std::int64_t> order_ids;  // below leg, then above leg
  bool all_done = false;
  core::TimestampMs transaction_time = 0;
};

// A validated new order (parameters parsed, filters not yet checked).
struct NewOrder {
  std::string symbol;
  Side side = Side::buy;
  OrderType type = OrderType::limit;
  TimeInForce time_in_force = TimeInForce::gtc;
  std::optional<Decimal> quantity;
  std::optional<Decimal> quote_order_qty;  // MARKET only
  std::optional<Decimal> price;
  std::optional<Decimal> stop_price;
  std::string client_order_id;  // empty: the exchange makes one
};

// A validated OCO: `above` and `below` carry type, price, stopPrice, timeInForce and client id;
// symbol, side and quantity are the list's.
struct NewOco {
  std::string symbol;
  Side side = Side::sell;
  Decimal quantity;
  std::string list_client_order_id;  // empty: the exchange makes one
  NewOrder above;
  NewOrder below;
};

// Identifies an order (or list) by id or client id; the id wins when both are given.
struct OrderRef {
  std::optional<std::int64_t> id;
  std::optional<std::string> client_id;
};

struct ExchangeOptions {
  std::map<std::string, Decimal> balances;  // initial free balances
  Decimal commission_rate;                  // e.g. 0.001
  std::size_t market_fill_parts = 1;        // a MARKET order fills in this many equal parts
};

class Exchange {
 public:
  explicit Exchange(ExchangeOptions options);

  // The symbols that can trade; every asset they name gets a balance (0 unless given).
  void set_rules(std::vector<SymbolRules> rules);
  const SymbolRules* rules(std::string_view symbol) const;

  // Places an order at server time `now`: filters (-1013), then -2010 (duplicate open client id,
  // no price yet, would match / trigger immediately, insufficient balance), then executes.
  // Returns the order id. With `test_only` it validates and changes nothing (order/test).
  std::variant<std::int64_t, ApiError> place(const NewOrder& request, core::TimestampMs now,
                                             bool test_only = false);
  // Places a SELL OCO (above LIMIT_MAKER, below STOP_LOSS_LIMIT) and returns the list id.
  std::variant<std::int64_t, ApiError> place_oco(const NewOco& request, core::TimestampMs now);
  // Cancels an open order (its whole list when it is an OCO leg); -2011 when it is not open.
  std::variant<std::int64_t, ApiError> cancel(std::string_view symbol, const OrderRef& ref,
                                              const std::string& new_client_order_id,
                                              core::TimestampMs now);
  std::variant<std::int64_t, ApiError> cancel_list(std::string_view symbol, const OrderRef& ref,
                                                   core::TimestampMs now);

  // The order for GET /api/v3/order (the latest with that client id); nullptr if none. A query
  // of an order with invisible_queries left uses one up and finds nothing.
  const Order* query(std::string_view symbol, const OrderRef& ref);
  const Order* order(std::int64_t order_id) const;
  const OrderList* order_list(std::int64_t order_list_id) const;
  const OrderList* find_list(std::string_view symbol, const OrderRef& ref) const;
  void hide_order(std::int64_t order_id, int queries);
  // The orders of a list, in list order.
  std::vector<const Order*> list_orders(const OrderList& list) const;

  const std::vector<Order>& orders() const { return orders_; }
  const std::vector<OrderList>& order_lists() const { return lists_; }
  const std::vector<Fill>& fills() const { return fills_; }
  const std::map<std::string, Balance>& balances() const { return balances_; }
  void set_balance(const std::string& asset, const Decimal& free);
  const Decimal& commission_rate() const { return options_.commission_rate; }

  // The last published price, and publishing one: resting orders of the symbol are matched.
  std::optional<Decimal> price(std::string_view symbol) const;
  void set_price(std::string_view symbol, const Decimal& price, core::TimestampMs now);

  // The user-data events since the last call, oldest first.
  std::vector<nlohmann::json> take_events();

 private:
  std::size_t new_order(const NewOrder& request, std::int64_t list_id, core::TimestampMs now);
  std::variant<Decimal, ApiError> check_new(const NewOrder& request, const SymbolRules& rules,
                                            const std::optional<Decimal>& last) const;
  void lock(Order& order, const Decimal& amount);
  void release(Order& order);
  void fill(Order& order, const Decimal& qty, const Decimal& price, bool maker,
            core::TimestampMs now);
  void end(Order& order, OrderStatus status, core::TimestampMs now);
  void take_sibling_locks(Order& survivor);
  void expire_siblings(Order& survivor, core::TimestampMs now);
  void finish_list(OrderList& list, core::TimestampMs now);
  void cancel_legs(OrderList& list, core::TimestampMs now);
  std::string cancel_id(const std::string& requested);
  void match(std::string_view symbol, core::TimestampMs now);
  bool duplicate_client_id(const std::string& id) const;
  Order* find(std::string_view symbol, const OrderRef& ref);
  void report(const Order& order, std::string_view execution_type, core::TimestampMs now,
              const Fill* fill = nullptr);
  void account_position(const std::vector<std::string>& assets, core::TimestampMs now);

  ExchangeOptions options_;
  std::map<std::string, SymbolRules, std::less<>> rules_;
  std::map<std::string, Balance> balances_;
  std::map<std::string, Decimal, std::less<>> prices_;
  std::vector<Order> orders_;     // index = order id - 1
  std::vector<OrderList> lists_;  // index = order list id - 1
  std::vector<Fill> fills_;       // index = trade id - 1
  std::int64_t next_execution_id_ = 1;
  std::vector<nlohmann::json> events_;
};

}  // namespace autotrader::fakes::binance
