#include "tests/fakes/binance/exchange.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "tests/fakes/binance/exchange_json.hpp"

namespace autotrader::fakes::binance {
namespace {

// Amounts were bounded by the filters and balances when the order was accepted, so the exact
// arithmetic of an accepted order fits a Decimal; a failure here is a bug in the fake.
Decimal must(std::optional<Decimal> value) {
  assert(value && "decimal overflow in the fake exchange");
  return value.value_or(Decimal{});
}
Decimal plus(const Decimal& a, const Decimal& b) {
  return must(add(a, b));
}
Decimal minus(const Decimal& a, const Decimal& b) {
  return must(subtract(a, b));
}
Decimal times(const Decimal& a, const Decimal& b) {
  return must(multiply(a, b));
}

// a x b rounded half-up to 8 fraction digits (a commission), through a 128-bit product so that
// digits beyond the 8th never overflow what the rounded value would fit.
Decimal times_rounded(const Decimal& a, const Decimal& b) {
  __extension__ typedef __int128 Wide;
  constexpr int kScale = 8;
  Wide mantissa = static_cast<Wide>(a.mantissa()) * b.mantissa();
  int scale = a.scale() + b.scale();
  if (scale > kScale) {
    Wide divisor = 1;
    for (int i = kScale; i < scale; ++i) divisor *= 10;
    Wide quotient = mantissa / divisor;
    Wide remainder = mantissa % divisor;
    if (remainder < 0) remainder = -remainder;
    if (2 * remainder >= divisor) quotient += mantissa < 0 ? -1 : 1;
    mantissa = quotient;
    scale = kScale;
  }
  return must(Decimal::from_units(static_cast<std::int64_t>(mantissa), scale));
}

const ApiError kInsufficientBalance{400, -2010,
                                    "Account has insufficient balance for requested action."};
const ApiError kDuplicateOrder{400, -2010, "Duplicate order sent."};
const ApiError kMarketClosed{400, -2010, "Market is closed."};
const ApiError kUnknownOrder{400, -2011, "Unknown order sent."};
const ApiError kInvalidSymbol{400, -1121, "Invalid symbol."};
const ApiError kUnsupportedCombination{400, -1014, "Unsupported order combination."};

ApiError filter_failure(std::string msg) {
  return {400, -1013, std::move(msg)};
}

bool marketable(Side side, const Decimal& last, const Decimal& limit) {
  return side == Side::buy ? last <= limit : last >= limit;
}

bool stop_triggered(Side side, const Decimal& last, const Decimal& stop) {
  return side == Side::sell ? last <= stop : last >= stop;
}

}  // namespace

std::string_view to_string(Side side) {
  return side == Side::buy ? "BUY" : "SELL";
}

std::string_view to_string(OrderType type) {
  switch (type) {
    case OrderType::limit:
      return "LIMIT";
    case OrderType::market:
      return "MARKET";
    case OrderType::limit_maker:
      return "LIMIT_MAKER";
    case OrderType::stop_loss_limit:
      return "STOP_LOSS_LIMIT";
  }
  return "LIMIT";
}

std::string_view to_string(TimeInForce tif) {
  switch (tif) {
    case TimeInForce::gtc:
      return "GTC";
    case TimeInForce::ioc:
      return "IOC";
    case TimeInForce::fok:
      return "FOK";
  }
  return "GTC";
}

std::string_view to_string(OrderStatus status) {
  switch (status) {
    case OrderStatus::new_order:
      return "NEW";
    case OrderStatus::partially_filled:
      return "PARTIALLY_FILLED";
    case OrderStatus::filled:
      return "FILLED";
    case OrderStatus::canceled:
      return "CANCELED";
    case OrderStatus::expired:
      return "EXPIRED";
  }
  return "NEW";
}

Exchange::Exchange(ExchangeOptions options) : options_(std::move(options)) {
  for (const auto& [asset, free] : options_.balances) balances_[asset].free = free;
  if (options_.market_fill_parts == 0) options_.market_fill_parts = 1;
}

void Exchange::set_rules(std::vector<SymbolRules> rules) {
  rules_.clear();
  for (auto& r : rules) {
    balances_.try_emplace(r.base_asset);
    balances_.try_emplace(r.quote_asset);
    // A price published before the rules were known goes onto the tick now.
    if (auto it = prices_.find(r.symbol); it != prices_.end()) {
      it->second = must(round_to_step(it->second, r.tick_size, core::Rounding::half_even));
    }
    auto name = r.symbol;
    rules_.insert_or_assign(std::move(name), std::move(r));
  }
}

const SymbolRules* Exchange::rules(std::string_view symbol) const {
  auto it = rules_.find(symbol);
  return it == rules_.end() ? nullptr : &it->second;
}

std::optional<Decimal> Exchange::price(std::string_view symbol) const {
  auto it = prices_.find(symbol);
  if (it == prices_.end()) return std::nullopt;
  return it->second;
}

void Exchange::set_price(std::string_view symbol, const Decimal& price, core::TimestampMs now) {
  prices_.insert_or_assign(std::string{symbol}, price);
  match(symbol, now);
}

void Exchange::set_balance(const std::string& asset, const Decimal& free) {
  balances_[asset].free = free;
}

std::vector<nlohmann::json> Exchange::take_events() {
  return std::exchange(events_, {});
}

bool Exchange::duplicate_client_id(const std::string& id) const {
  return std::any_of(orders_.begin(), orders_.end(),
                     [&](const Order& o) { return o.open() && o.client_order_id == id; });
}

// Filters and the rules that need the last price; the quantity to trade on success (a MARKET
// order by quoteOrderQty gets its quantity here, rounded down to the step size).
std::variant<Decimal, ApiError> Exchange::check_new(const NewOrder& request,
                                                    const SymbolRules& rules,
                                                    const std::optional<Decimal>& last) const {
  const bool market = request.type == OrderType::market;
  if (std::find(rules.order_types.begin(), rules.order_types.end(), to_string(request.type)) ==
      rules.order_types.end()) {
    return ApiError{400, -1013, "Order type not supported for this symbol."};
  }
  if (!market) {
    if (auto failure = check_price(rules, *request.price)) return filter_failure(*failure);
  }
  if (request.stop_price) {
    if (auto failure = check_price(rules, *request.stop_price)) return filter_failure(*failure);
  }
  Decimal quantity;
  if (request.quantity) {
    quantity = *request.quantity;
  } else {
    if (!last || last->is_zero()) return kMarketClosed;
    auto raw = divide(*request.quote_order_qty, *last, 9, core::Rounding::floor);
    auto stepped = raw ? round_to_step(*raw, rules.step_size, core::Rounding::floor) : std::nullopt;
    if (!stepped) return filter_failure("Filter failure: LOT_SIZE");  // far beyond maxQty
    quantity = *stepped;
  }
  if (auto failure = check_quantity(rules, quantity, market)) return filter_failure(*failure);
  std::optional<Decimal> notional;
  if (market) {
    if (request.quote_order_qty) {
      notional = *request.quote_order_qty;
    } else if (last) {
      notional = multiply(quantity, *last);
    }
  } else {
    notional = multiply(quantity, *request.price);
  }
  if (!notional && (!market || last)) return filter_failure("Filter failure: NOTIONAL");
  if (notional) {
    if (auto failure = check_notional(rules, *notional, market)) return filter_failure(*failure);
  }
  if (market && !last) return kMarketClosed;
  if (request.type == OrderType::limit_maker && last &&
      marketable(request.side, *last, *request.price)) {
    return ApiError{400, -2010, "Order would immediately match and take."};
  }
  if (request.type == OrderType::stop_loss_limit && last &&
      stop_triggered(request.side, *last, *request.stop_price)) {
    return ApiError{400, -2010, "Order would trigger immediately."};
  }
  return quantity;
}

std::variant<std::int64_t, ApiError> Exchange::place(const NewOrder& request, core::TimestampMs now,
                                                     bool test_only) {
  const auto* rules = this->rules(request.symbol);
  if (!rules) return kInvalidSymbol;
  const auto last = price(request.symbol);
  auto checked = check_new(request, *rules, last);
  if (auto* error = std::get_if<ApiError>(&checked)) return *error;
  const auto quantity = std::get<Decimal>(checked);
  if (!request.client_order_id.empty() && duplicate_client_id(request.client_order_id)) {
    return kDuplicateOrder;
  }
  const bool market = request.type == OrderType::market;
  // What the order needs: the base quantity to sell, or the quote to pay (at the limit price,
  // or the last price for a MARKET buy).
  const auto& asset = request.side == Side::sell ? rules->base_asset : rules->quote_asset;
  auto need = request.side == Side::sell ? std::optional<Decimal>{quantity}
                                         : multiply(quantity, market ? *last : *request.price);
  if (!need || balances_[asset].free < *need) return kInsufficientBalance;
  if (test_only) return std::int64_t{0};

  auto index = new_order(request, -1, now);
  orders_[index].orig_qty = quantity;
  if (!market) lock(orders_[index], *need);
  report(orders_[index], "NEW", now);
  if (!market) account_position({asset}, now);

  auto& order = orders_[index];
  if (market) {
    auto parts = static_cast<std::int64_t>(options_.market_fill_parts);
    auto part = must(round_to_step(
        must(divide(quantity, Decimal::from_integer(parts), 9, core::Rounding::floor)),
        rules->step_size, core::Rounding::floor));
    if (part.is_zero()) parts = 1;
    for (std::int64_t k = 1; k < parts; ++k) fill(order, part, *last, false, now);
    fill(order, minus(order.orig_qty, order.executed_qty), *last, false, now);
  } else if (request.type == OrderType::limit) {
    if (last && marketable(order.side, *last, order.price)) {
      fill(order, order.orig_qty, *last, false, now);
    } else if (order.time_in_force != TimeInForce::gtc) {
      end(order, OrderStatus::expired, now);
    }
  }
  return order.order_id;
}

std::size_t Exchange::new_order(const NewOrder& request, std::int64_t list_id,
                                core::TimestampMs now) {
  Order order;
  order.symbol = request.symbol;
  order.order_id = static_cast<std::int64_t>(orders_.size()) + 1;
  order.order_list_id = list_id;
  order.client_order_id = request.client_order_id.empty()
                              ? "fakeOrder" + std::to_string(order.order_id)
                              : request.client_order_id;
  order.side = request.side;
  order.type = request.type;
  order.time_in_force = request.time_in_force;
  order.price = request.price.value_or(Decimal{});
  order.orig_qty = request.quantity.value_or(Decimal{});
  order.orig_quote_order_qty = request.quote_order_qty.value_or(Decimal{});
  order.stop_price = request.stop_price.value_or(Decimal{});
  order.time = now;
  order.update_time = now;
  order.working = order.type != OrderType::stop_loss_limit;
  order.working_time = order.working ? now : -1;
  orders_.push_back(std::move(order));
  return orders_.size() - 1;
}

void Exchange::lock(Order& order, const Decimal& amount) {
  const auto& rules = rules_.at(order.symbol);
  auto& balance = balances_[order.side == Side::sell ? rules.base_asset : rules.quote_asset];
  balance.free = minus(balance.free, amount);
  balance.locked = plus(balance.locked, amount);
  order.locked = plus(order.locked, amount);
}

void Exchange::release(Order& order) {
  if (order.locked.is_zero()) return;
  const auto& rules = rules_.at(order.symbol);
  auto& balance = balances_[order.side == Side::sell ? rules.base_asset : rules.quote_asset];
  balance.locked = minus(balance.locked, order.locked);
  balance.free = plus(balance.free, order.locked);
  order.locked = Decimal{};
}

void Exchange::fill(Order& order, const Decimal& qty, const Decimal& price, bool maker,
                    core::TimestampMs now) {
  const auto& rules = rules_.at(order.symbol);
  auto& base = balances_[rules.base_asset];
  auto& quote = balances_[rules.quote_asset];
  const bool resting = order.type != OrderType::market;
  Fill f;
  f.symbol = order.symbol;
  f.id = static_cast<std::int64_t>(fills_.size()) + 1;
  f.order_id = order.order_id;
  f.order_list_id = order.order_list_id;
  f.price = price;
  f.qty = qty;
  f.quote_qty = times(qty, price);
  f.time = now;
  f.is_buyer = order.side == Side::buy;
  f.is_maker = maker;
  if (order.side == Side::sell) {
    auto& source = resting ? base.locked : base.free;
    source = minus(source, qty);
    if (resting) order.locked = minus(order.locked, qty);
    f.commission = times_rounded(f.quote_qty, options_.commission_rate);
    f.commission_asset = rules.quote_asset;
    quote.free = plus(quote.free, minus(f.quote_qty, f.commission));
  } else {
    auto& source = resting ? quote.locked : quote.free;
    source = minus(source, f.quote_qty);
    if (resting) order.locked = minus(order.locked, f.quote_qty);
    f.commission = times_rounded(qty, options_.commission_rate);
    f.commission_asset = rules.base_asset;
    base.free = plus(base.free, minus(qty, f.commission));
  }
  order.executed_qty = plus(order.executed_qty, qty);
  order.cummulative_quote_qty = plus(order.cummulative_quote_qty, f.quote_qty);
  order.update_time = now;
  order.status =
      order.executed_qty >= order.orig_qty ? OrderStatus::filled : OrderStatus::partially_filled;
  if (order.status == OrderStatus::filled) release(order);  // a BUY that paid less than its limit
  fills_.push_back(std::move(f));
  report(order, "TRADE", now, &fills_.back());
  account_position({rules.base_asset, rules.quote_asset}, now);
}

void Exchange::end(Order& order, OrderStatus status, core::TimestampMs now) {
  order.status = status;
  order.update_time = now;
  bool held = !order.locked.is_zero();
  release(order);
  report(order, status == OrderStatus::canceled ? "CANCELED" : "EXPIRED", now);
  if (held) {
    const auto& rules = rules_.at(order.symbol);
    account_position({order.side == Side::sell ? rules.base_asset : rules.quote_asset}, now);
  }
}

void Exchange::take_sibling_locks(Order& survivor) {
  if (survivor.order_list_id < 0) return;
  for (auto id : lists_[static_cast<std::size_t>(survivor.order_list_id - 1)].order_ids) {
    auto& other = orders_[static_cast<std::size_t>(id - 1)];
    if (other.order_id == survivor.order_id || other.locked.is_zero()) continue;
    survivor.locked = plus(survivor.locked, other.locked);  // same side: the same asset
    other.locked = Decimal{};
  }
}

void Exchange::expire_siblings(Order& survivor, core::TimestampMs now) {
  if (survivor.order_list_id < 0) return;
  auto& list = lists_[static_cast<std::size_t>(survivor.order_list_id - 1)];
  if (list.all_done) return;
  take_sibling_locks(survivor);
  for (auto id : list.order_ids) {
    auto& other = orders_[static_cast<std::size_t>(id - 1)];
    if (other.order_id != survivor.order_id && other.open()) end(other, OrderStatus::expired, now);
  }
  finish_list(list, now);
}

void Exchange::finish_list(OrderList& list, core::TimestampMs now) {
  list.all_done = true;
  events_.push_back(list_status_event(list, list_orders(list), now));
}

std::vector<const Order*> Exchange::list_orders(const OrderList& list) const {
  std::vector<const Order*> out;
  for (auto id : list.order_ids) out.push_back(&orders_[static_cast<std::size_t>(id - 1)]);
  return out;
}

void Exchange::match(std::string_view symbol, core::TimestampMs now) {
  auto last_it = prices_.find(symbol);
  if (last_it == prices_.end()) return;
  const auto last = last_it->second;
  for (std::size_t i = 0; i < orders_.size(); ++i) {
    auto& order = orders_[i];
    if (order.symbol != symbol || !order.open() || order.type == OrderType::market) continue;
    bool taker = false;
    if (!order.working) {
      if (!stop_triggered(order.side, last, order.stop_price)) continue;
      order.working = true;
      order.working_time = now;
      order.update_time = now;
      expire_siblings(order, now);
      taker = true;
    }
    if (!marketable(order.side, last, order.price)) continue;
    take_sibling_locks(order);
    fill(order, minus(order.orig_qty, order.executed_qty), order.price, !taker, now);
    expire_siblings(order, now);
  }
}

void Exchange::report(const Order& order, std::string_view execution_type, core::TimestampMs now,
                      const Fill* fill) {
  events_.push_back(execution_report(order, execution_type, fill, next_execution_id_++, now));
}

void Exchange::account_position(const std::vector<std::string>& assets, core::TimestampMs now) {
  events_.push_back(account_position_event(balances_, assets, now));
}

std::variant<std::int64_t, ApiError> Exchange::place_oco(const NewOco& request,
                                                         core::TimestampMs now) {
  const auto* rules = this->rules(request.symbol);
  if (!rules) return kInvalidSymbol;
  if (request.side != Side::sell || request.above.type != OrderType::limit_maker ||
      request.below.type != OrderType::stop_loss_limit) {
    return kUnsupportedCombination;
  }
  const auto last = price(request.symbol);
  for (const auto* leg : {&request.above, &request.below}) {
    NewOrder order = *leg;
    order.symbol = request.symbol;
    order.side = request.side;
    order.quantity = request.quantity;
    // The relationship check below stands in for "would match / trigger immediately".
    if (auto failure = check_price(*rules, *order.price)) return filter_failure(*failure);
    if (order.stop_price) {
      if (auto failure = check_price(*rules, *order.stop_price)) return filter_failure(*failure);
    }
    if (auto failure = check_quantity(*rules, request.quantity, false)) {
      return filter_failure(*failure);
    }
    auto notional = multiply(request.quantity, *order.price);
    if (!notional) return filter_failure("Filter failure: NOTIONAL");
    if (auto failure = check_notional(*rules, *notional, false)) return filter_failure(*failure);
  }
  if (!last) return kMarketClosed;
  if (!(*request.above.price > *last && *last > *request.below.stop_price)) {
    return ApiError{400, -2010, "The relationship of the prices for the orders is not correct."};
  }
  if (!request.list_client_order_id.empty() &&
      std::any_of(lists_.begin(), lists_.end(), [&](const OrderList& l) {
        return !l.all_done && l.list_client_order_id == request.list_client_order_id;
      })) {
    return kDuplicateOrder;
  }
  for (const auto* leg : {&request.above, &request.below}) {
    if (!leg->client_order_id.empty() && duplicate_client_id(leg->client_order_id)) {
      return kDuplicateOrder;
    }
  }
  if (balances_[rules->base_asset].free < request.quantity) return kInsufficientBalance;

  OrderList list;
  list.order_list_id = static_cast<std::int64_t>(lists_.size()) + 1;
  list.list_client_order_id = request.list_client_order_id.empty()
                                  ? "fakeList" + std::to_string(list.order_list_id)
                                  : request.list_client_order_id;
  list.symbol = request.symbol;
  list.transaction_time = now;
  for (const auto* leg : {&request.below, &request.above}) {
    NewOrder order = *leg;
    order.symbol = request.symbol;
    order.side = request.side;
    order.quantity = request.quantity;
    auto index = new_order(order, list.order_list_id, now);
    list.order_ids.push_back(orders_[index].order_id);
  }
  lists_.push_back(list);
  // The list locks its quantity once; the above leg holds it until a leg fills or triggers.
  lock(orders_[static_cast<std::size_t>(list.order_ids[1] - 1)], request.quantity);
  for (auto id : list.order_ids) report(orders_[static_cast<std::size_t>(id - 1)], "NEW", now);
  events_.push_back(list_status_event(lists_.back(), list_orders(lists_.back()), now));
  account_position({rules->base_asset}, now);
  return list.order_list_id;
}

Order* Exchange::find(std::string_view symbol, const OrderRef& ref) {
  if (ref.id) {
    if (*ref.id < 1 || *ref.id > static_cast<std::int64_t>(orders_.size())) return nullptr;
    auto& order = orders_[static_cast<std::size_t>(*ref.id - 1)];
    return order.symbol == symbol ? &order : nullptr;
  }
  if (!ref.client_id) return nullptr;
  for (auto it = orders_.rbegin(); it != orders_.rend(); ++it) {
    if (it->symbol == symbol && it->client_order_id == *ref.client_id) return &*it;
  }
  return nullptr;
}

const Order* Exchange::query(std::string_view symbol, const OrderRef& ref) {
  auto* order = find(symbol, ref);
  if (!order) return nullptr;
  if (order->invisible_queries > 0) {
    --order->invisible_queries;
    return nullptr;
  }
  return order;
}

const Order* Exchange::order(std::int64_t order_id) const {
  if (order_id < 1 || order_id > static_cast<std::int64_t>(orders_.size())) return nullptr;
  return &orders_[static_cast<std::size_t>(order_id - 1)];
}

void Exchange::hide_order(std::int64_t order_id, int queries) {
  if (order_id < 1 || order_id > static_cast<std::int64_t>(orders_.size())) return;
  orders_[static_cast<std::size_t>(order_id - 1)].invisible_queries = queries;
}

const OrderList* Exchange::order_list(std::int64_t order_list_id) const {
  if (order_list_id < 1 || order_list_id > static_cast<std::int64_t>(lists_.size())) return nullptr;
  return &lists_[static_cast<std::size_t>(order_list_id - 1)];
}

const OrderList* Exchange::find_list(std::string_view symbol, const OrderRef& ref) const {
  if (ref.id) {
    const auto* list = order_list(*ref.id);
    return list && list->symbol == symbol ? list : nullptr;
  }
  if (!ref.client_id) return nullptr;
  for (auto it = lists_.rbegin(); it != lists_.rend(); ++it) {
    if (it->symbol == symbol && it->list_client_order_id == *ref.client_id) return &*it;
  }
  return nullptr;
}

std::string Exchange::cancel_id(const std::string& requested) {
  return requested.empty() ? "fakeCancel" + std::to_string(next_execution_id_) : requested;
}

std::variant<std::int64_t, ApiError> Exchange::cancel(std::string_view symbol, const OrderRef& ref,
                                                      const std::string& new_client_order_id,
                                                      core::TimestampMs now) {
  if (!rules(symbol)) return kInvalidSymbol;
  auto* order = find(symbol, ref);
  if (!order || !order->open()) return kUnknownOrder;
  order->cancel_client_order_id = cancel_id(new_client_order_id);
  if (order->order_list_id < 0) {
    end(*order, OrderStatus::canceled, now);
    return order->order_id;
  }
  // Canceling one leg cancels the whole list (Binance does the same).
  auto& list = lists_[static_cast<std::size_t>(order->order_list_id - 1)];
  cancel_legs(list, now);
  return order->order_id;
}

std::variant<std::int64_t, ApiError> Exchange::cancel_list(std::string_view symbol,
                                                           const OrderRef& ref,
                                                           core::TimestampMs now) {
  if (!rules(symbol)) return kInvalidSymbol;
  const auto* found = find_list(symbol, ref);
  if (!found || found->all_done) return ApiError{400, -2011, "Unknown order list sent."};
  auto& list = lists_[static_cast<std::size_t>(found->order_list_id - 1)];
  cancel_legs(list, now);
  return list.order_list_id;
}

void Exchange::cancel_legs(OrderList& list, core::TimestampMs now) {
  for (auto id : list.order_ids) {
    auto& leg = orders_[static_cast<std::size_t>(id - 1)];
    if (!leg.open()) continue;
    if (leg.cancel_client_order_id.empty()) leg.cancel_client_order_id = cancel_id({});
    end(leg, OrderStatus::canceled, now);
  }
  finish_list(list, now);
}

}  // namespace autotrader::fakes::binance
