#include "venues/paper/paper_broker.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "venues/paper/client_order_id.hpp"

namespace autotrader::paper {
namespace {

using core::Decimal;
using core::Rounding;

const Decimal kZero{};
const Decimal kOne = Decimal::from_integer(1);
const Decimal kTenThousand = Decimal::from_integer(10'000);

// bps / 10000, exact for every bps with at most 14 fraction digits (validate() checks).
std::optional<Decimal> bps_fraction(const Decimal& bps) {
  return core::divide(bps, kTenThousand, Decimal::max_scale, Rounding::half_even);
}

// "BTCUSDT" with quote "USDT" holds "BTC"; a symbol that does not end in the quote asset is
// its own asset name.
std::string base_asset(const core::Symbol& symbol, std::string_view quote) {
  const std::string_view name = symbol.view();
  if (name.size() > quote.size() && name.substr(name.size() - quote.size()) == quote) {
    return std::string{name.substr(0, name.size() - quote.size())};
  }
  return std::string{name};
}

OrderRejected reject(const OrderRequest& request, RejectReason reason, std::string message) {
  return OrderRejected{request.client_order_id, request.symbol, reason, std::move(message)};
}

}  // namespace

std::optional<std::string> validate(const PaperBrokerOptions& o) {
  if (o.initial_balance.is_negative()) return "initial_balance must not be negative";
  if (o.quote_asset.empty()) return "quote_asset must not be empty";
  if (o.fee_bps.is_negative() || o.fee_bps >= kTenThousand || o.fee_bps.scale() > 14) {
    return "fee_bps must be in [0, 10000) with at most 14 fraction digits";
  }
  if (o.slippage_bps.is_negative() || o.slippage_bps >= kTenThousand ||
      o.slippage_bps.scale() > 14) {
    return "slippage_bps must be in [0, 10000) with at most 14 fraction digits";
  }
  if (o.partial_fill_fraction <= kZero || o.partial_fill_fraction > kOne) {
    return "partial_fill_fraction must be in (0, 1]";
  }
  if (o.quantity_step <= kZero) return "quantity_step must be positive";
  if (o.price_scale < 0 || o.price_scale > 12) return "price_scale must be in [0, 12]";
  if (o.quote_scale < 0 || o.quote_scale > 12) return "quote_scale must be in [0, 12]";
  if (o.max_order_history == 0) return "max_order_history must be positive";
  return std::nullopt;
}

PaperBroker::PaperBroker(PaperBrokerOptions options, const core::Clock& clock)
    : options_{std::move(options)}, clock_{clock}, quote_balance_{options_.initial_balance} {
  assert(!validate(options_));
}

PaperBroker::PaperBroker(PaperBrokerOptions options, const core::Clock& clock,
                         PaperBrokerState state)
    : options_{std::move(options)},
      clock_{clock},
      quote_balance_{state.quote_balance},
      next_trade_id_{state.next_trade_id} {
  assert(!validate(options_));
  for (auto& position : state.positions) {
    const auto symbol = position.symbol;
    positions_[symbol] = std::move(position);
  }
  // In placement order, so the restored indexes are the ones the broker had.
  for (auto& order : state.orders) {
    if (orders_.count(order.client_order_id) != 0) continue;
    keep(std::move(order));
  }
  for (auto& [symbol, price] : state.last_prices) last_prices_[symbol] = price;
  trim_history();
}

core::TimestampMs PaperBroker::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
      .count();
}

std::optional<PaperBroker::Priced> PaperBroker::price_fill(Side side, const Decimal& market,
                                                           const Decimal& quantity) const {
  const auto slip = bps_fraction(options_.slippage_bps);
  const auto fee_rate = bps_fraction(options_.fee_bps);
  if (!slip || !fee_rate) return std::nullopt;
  const auto factor = side == Side::buy ? core::add(kOne, *slip) : core::subtract(kOne, *slip);
  if (!factor) return std::nullopt;
  const auto raw = core::multiply(market, *factor);
  if (!raw) return std::nullopt;
  // Against the trader: a BUY pays the digit above, a SELL receives the digit below.
  const auto price = core::round_to_scale(*raw, options_.price_scale,
                                          side == Side::buy ? Rounding::ceiling : Rounding::floor);
  if (!price) return std::nullopt;
  const auto notional = core::multiply(*price, quantity);
  if (!notional) return std::nullopt;
  const auto raw_fee = core::multiply(*notional, *fee_rate);
  if (!raw_fee) return std::nullopt;
  const auto fee = core::round_to_scale(*raw_fee, options_.quote_scale, Rounding::ceiling);
  if (!fee) return std::nullopt;
  return Priced{*price, *notional, *fee};
}

std::optional<Decimal> PaperBroker::estimated_buy_cost(const Order& order) const {
  const auto last = last_prices_.find(order.symbol);
  if (last == last_prices_.end()) return kZero;  // unknown until its price arrives
  const auto remaining = core::subtract(order.quantity, order.filled_quantity);
  if (!remaining) return std::nullopt;
  const auto priced = price_fill(Side::buy, last->second, *remaining);
  if (!priced) return std::nullopt;
  return core::add(priced->notional, priced->fee);
}

Decimal PaperBroker::reserved_for_sells(const core::Symbol& symbol) const {
  Decimal reserved;
  const auto open = open_by_symbol_.find(symbol);
  if (open == open_by_symbol_.end()) return reserved;
  for (const auto& id : open->second) {
    const Order& order = orders_.find(id)->second.order;
    if (order.side != Side::sell) continue;
    // Cannot overflow: every open SELL fits within the position, which is a Decimal.
    reserved = core::add(reserved, *core::subtract(order.quantity, order.filled_quantity))
                   .value_or(reserved);
  }
  return reserved;
}

VenueEvents PaperBroker::place(const OrderRequest& request) {
  VenueEvents events;
  if (!is_valid_client_order_id(request.client_order_id)) {
    events.push_back(reject(request, RejectReason::invalid_client_order_id,
                            "client order id must be 1..36 characters of [A-Za-z0-9_-]"));
    return events;
  }
  if (orders_.count(request.client_order_id) != 0) {
    events.push_back(reject(request, RejectReason::duplicate_client_order_id,
                            "an order with this client order id exists"));
    return events;
  }
  if (request.symbol.empty()) {
    events.push_back(reject(request, RejectReason::invalid_symbol, "no symbol"));
    return events;
  }
  if (request.quantity <= kZero || !request.quantity.is_multiple_of(options_.quantity_step)) {
    events.push_back(reject(request, RejectReason::invalid_quantity,
                            "quantity " + request.quantity.to_string() +
                                " is not a positive multiple of " +
                                options_.quantity_step.to_string()));
    return events;
  }
  const auto last = last_price(request.symbol);
  if (request.side == Side::buy) {
    if (!request.protection) {
      events.push_back(reject(request, RejectReason::missing_protection,
                              "a BUY needs its stop-loss and take-profit"));
      return events;
    }
    const auto& p = *request.protection;
    if (p.stop_loss <= kZero || p.stop_loss >= p.take_profit ||
        (last && (*last <= p.stop_loss || *last >= p.take_profit))) {
      events.push_back(reject(request, RejectReason::invalid_protection,
                              "need 0 < stop-loss " + p.stop_loss.to_string() +
                                  (last ? " < last price " + last->to_string() : "") +
                                  " < take-profit " + p.take_profit.to_string()));
      return events;
    }
    if (last) {
      Order probe;
      probe.symbol = request.symbol;
      probe.quantity = request.quantity;
      auto needed = estimated_buy_cost(probe);
      for (const auto& [sequence, id] : open_) {
        if (!needed) break;
        const Order& order = orders_.find(id)->second.order;
        if (order.side != Side::buy) continue;
        const auto other = estimated_buy_cost(order);
        needed = other ? core::add(*needed, *other) : std::nullopt;
      }
      if (!needed) {
        events.push_back(reject(request, RejectReason::arithmetic_overflow,
                                "the order's cost does not fit a decimal"));
        return events;
      }
      if (*needed > quote_balance_) {
        events.push_back(reject(request, RejectReason::insufficient_balance,
                                "needs about " + needed->to_string() + " " + options_.quote_asset +
                                    " with the open BUYs, has " + quote_balance_.to_string()));
        return events;
      }
    }
  } else {
    const auto held = positions_.find(request.symbol);
    const Decimal quantity = held == positions_.end() ? kZero : held->second.quantity;
    const auto available = core::subtract(quantity, reserved_for_sells(request.symbol));
    if (!available || request.quantity > *available) {
      events.push_back(reject(request, RejectReason::no_position,
                              "SELL of " + request.quantity.to_string() + " with " +
                                  available.value_or(kZero).to_string() +
                                  " available (spot: no shorting)"));
      return events;
    }
  }

  Order order;
  order.client_order_id = request.client_order_id;
  order.decision_id = request.decision_id;
  order.symbol = request.symbol;
  order.side = request.side;
  order.quantity = request.quantity;
  if (request.side == Side::buy) order.protection = request.protection;
  order.created_ms = order.updated_ms = now_ms();
  events.push_back(OrderAccepted{order});
  keep(std::move(order));
  return events;
}

VenueEvents PaperBroker::cancel(std::string_view client_order_id) {
  VenueEvents events;
  const auto it = orders_.find(client_order_id);
  if (it == orders_.end()) {
    events.push_back(OrderRejected{std::string{client_order_id},
                                   {},
                                   RejectReason::unknown_order,
                                   "no order with this client order id"});
    return events;
  }
  Order& order = it->second.order;
  if (is_terminal(order.status)) {
    events.push_back(OrderRejected{order.client_order_id, order.symbol,
                                   RejectReason::order_not_open,
                                   std::string{"the order is "} + to_string(order.status)});
    return events;
  }
  const auto time = now_ms();
  events.push_back(OrderCancelled{order.client_order_id, order.symbol, CancelReason::requested,
                                  order.filled_quantity, time});
  end_order(order, OrderStatus::cancelled, time);
  trim_history();
  return events;
}

Decimal PaperBroker::fill_quantity(const Order& order) const {
  const Decimal remaining =
      core::subtract(order.quantity, order.filled_quantity).value_or(order.quantity);
  if (options_.partial_fill_fraction == kOne) return remaining;
  const auto share = core::multiply(order.quantity, options_.partial_fill_fraction);
  if (!share) return remaining;
  const auto step = core::round_to_step(*share, options_.quantity_step, Rounding::floor);
  if (!step || step->is_zero() || *step >= remaining) return remaining;
  return *step;
}

std::vector<std::string> PaperBroker::open_ids(const core::Symbol& symbol) const {
  const auto open = open_by_symbol_.find(symbol);
  if (open == open_by_symbol_.end()) return {};
  return open->second;
}

Order& PaperBroker::keep(Order order) {
  assert(orders_.count(order.client_order_id) == 0);
  const auto sequence = next_sequence_++;
  const std::string id = order.client_order_id;
  if (is_terminal(order.status)) {
    finished_.emplace(sequence, id);
  } else {
    open_.emplace(sequence, id);
    open_by_symbol_[order.symbol].push_back(id);
  }
  return orders_.emplace(id, Kept{std::move(order), sequence}).first->second.order;
}

void PaperBroker::end_order(Order& order, OrderStatus status, core::TimestampMs time) {
  assert(!is_terminal(order.status));
  order.status = status;
  order.updated_ms = time;
  const auto sequence = orders_.find(order.client_order_id)->second.sequence;
  open_.erase(sequence);
  finished_.emplace(sequence, order.client_order_id);
  const auto open = open_by_symbol_.find(order.symbol);
  auto& ids = open->second;
  ids.erase(std::find(ids.begin(), ids.end(), order.client_order_id));
  if (ids.empty()) open_by_symbol_.erase(open);
}

void PaperBroker::fill_order(Order& order, const Decimal& market, core::TimestampMs time,
                             VenueEvents& events) {
  const Decimal quantity = fill_quantity(order);
  const auto priced = price_fill(order.side, market, quantity);
  auto held = positions_.find(order.symbol);
  if (!priced) {
    events.push_back(OrderCancelled{order.client_order_id, order.symbol,
                                    CancelReason::arithmetic_overflow, order.filled_quantity,
                                    time});
    end_order(order, OrderStatus::cancelled, time);
    return;
  }

  Fill fill;
  fill.client_order_id = order.client_order_id;
  fill.symbol = order.symbol;
  fill.side = order.side;
  fill.price = priced->price;
  fill.quantity = quantity;
  fill.fee = priced->fee;
  fill.time = time;

  // Every new amount is computed before anything changes, so an overflow leaves no half state.
  std::optional<Decimal> new_quote;
  std::optional<Decimal> new_position;
  std::optional<Decimal> new_average;
  if (order.side == Side::buy) {
    const auto cost = core::add(priced->notional, priced->fee);
    if (cost && *cost > quote_balance_) {
      events.push_back(OrderCancelled{order.client_order_id, order.symbol,
                                      CancelReason::insufficient_balance, order.filled_quantity,
                                      time});
      end_order(order, OrderStatus::cancelled, time);
      return;
    }
    new_quote = cost ? core::subtract(quote_balance_, *cost) : std::nullopt;
    const Decimal held_quantity = held == positions_.end() ? kZero : held->second.quantity;
    const Decimal held_average =
        held == positions_.end() ? kZero : held->second.average_entry_price;
    new_position = core::add(held_quantity, quantity);
    const auto held_value = core::multiply(held_quantity, held_average);
    const auto value = held_value ? core::add(*held_value, priced->notional) : std::nullopt;
    new_average = value && new_position ? core::divide(*value, *new_position, options_.price_scale,
                                                       Rounding::half_even)
                                        : std::nullopt;
  } else {
    if (held == positions_.end() || held->second.quantity < quantity) {
      events.push_back(OrderCancelled{order.client_order_id, order.symbol,
                                      CancelReason::position_closed, order.filled_quantity, time});
      end_order(order, OrderStatus::cancelled, time);
      return;
    }
    const auto proceeds = core::subtract(priced->notional, priced->fee);
    new_quote = proceeds ? core::add(quote_balance_, *proceeds) : std::nullopt;
    new_position = core::subtract(held->second.quantity, quantity);
    new_average = held->second.average_entry_price;
    const auto gain = core::subtract(priced->price, held->second.average_entry_price);
    const auto gross = gain ? core::multiply(*gain, quantity) : std::nullopt;
    const auto pnl = gross ? core::subtract(*gross, priced->fee) : std::nullopt;
    if (pnl) fill.realized_pnl = *pnl;
    if (!pnl) new_quote.reset();
  }
  const auto filled = core::add(order.filled_quantity, quantity);
  const auto filled_quote = core::add(order.filled_quote, priced->notional);
  const auto fees = core::add(order.fees, priced->fee);
  const auto remaining = filled ? core::subtract(order.quantity, *filled) : std::nullopt;
  if (!new_quote || !new_position || !new_average || !filled || !filled_quote || !fees ||
      !remaining) {
    events.push_back(OrderCancelled{order.client_order_id, order.symbol,
                                    CancelReason::arithmetic_overflow, order.filled_quantity,
                                    time});
    end_order(order, OrderStatus::cancelled, time);
    return;
  }

  quote_balance_ = *new_quote;
  if (new_position->is_zero()) {
    positions_.erase(held);
  } else {
    if (held == positions_.end()) {
      held = positions_.emplace(order.symbol, Position{}).first;
      held->second.symbol = order.symbol;
      held->second.opened_ms = time;
    }
    Position& position = held->second;
    position.quantity = *new_position;
    position.average_entry_price = *new_average;
    if (order.side == Side::buy) {
      // The newest entry's protection covers the whole position.
      position.protection = order.protection;
      position.decision_id = order.decision_id;
    }
  }
  order.filled_quantity = *filled;
  order.filled_quote = *filled_quote;
  order.fees = *fees;
  order.updated_ms = time;
  fill.remaining_quantity = *remaining;
  fill.trade_id = next_trade_id_++;
  if (remaining->is_zero()) {
    end_order(order, OrderStatus::filled, time);
  } else {
    order.status = OrderStatus::partially_filled;
  }
  events.push_back(std::move(fill));
}

void PaperBroker::check_protection(const core::Symbol& symbol, const Decimal& market,
                                   core::TimestampMs time, VenueEvents& events) {
  const auto held = positions_.find(symbol);
  if (held == positions_.end() || !held->second.protection) return;
  const Position& position = held->second;
  const Protection& protection = *position.protection;
  ProtectiveKind kind;
  Decimal trigger;
  if (market <= protection.stop_loss) {
    kind = ProtectiveKind::stop_loss;
    trigger = protection.stop_loss;
  } else if (market >= protection.take_profit) {
    kind = ProtectiveKind::take_profit;
    trigger = protection.take_profit;
  } else {
    return;
  }

  // Open SELLs of this symbol would find no position once the exit has sold it.
  for (const auto& id : open_ids(symbol)) {
    Order& order = orders_.find(id)->second.order;
    if (order.side != Side::sell) continue;
    events.push_back(OrderCancelled{order.client_order_id, order.symbol,
                                    CancelReason::position_closed, order.filled_quantity, time});
    end_order(order, OrderStatus::cancelled, time);
  }

  // The exit is an order like any other, so it is queryable and its id is never reused.
  const auto purpose =
      kind == ProtectiveKind::stop_loss ? OrderPurpose::stop_loss : OrderPurpose::take_profit;
  Order exit;
  std::string key = position.decision_id;
  exit.client_order_id = make_client_order_id(key, purpose);
  // Only when a decision id was reused: keep the orders apart with the trade number (again, in
  // the odd case that a decision id "<id>#<trade number>" took that one already).
  while (orders_.count(exit.client_order_id) != 0) {
    key += "#" + std::to_string(next_trade_id_);
    exit.client_order_id = make_client_order_id(key, purpose);
  }
  exit.decision_id = position.decision_id;
  exit.symbol = symbol;
  exit.side = Side::sell;
  exit.quantity = position.quantity;
  exit.created_ms = exit.updated_ms = time;
  events.push_back(ProtectiveExit{exit.client_order_id, symbol, kind, trigger, market, time});
  Order& stored = keep(std::move(exit));
  fill_order(stored, market, time, events);
  // A partial-fill setting does not apply to protective exits: they sell the whole position.
  while (!is_terminal(stored.status)) fill_order(stored, market, time, events);
}

VenueEvents PaperBroker::on_price(const core::Symbol& symbol, const Decimal& price,
                                  core::TimestampMs time) {
  VenueEvents events;
  if (symbol.empty() || price <= kZero) {
    ++ignored_prices_;
    return events;
  }
  check_protection(symbol, price, time, events);
  // A copy of the ids: a fill that ends its order takes it out of the index (and ends no other).
  for (const auto& id : open_ids(symbol))
    fill_order(orders_.find(id)->second.order, price, time, events);
  last_prices_[symbol] = price;
  trim_history();
  return events;
}

// The oldest placed of the finished orders go first, whatever open orders are older.
void PaperBroker::trim_history() {
  while (finished_.size() > options_.max_order_history) {
    const auto oldest = finished_.begin();
    orders_.erase(orders_.find(oldest->second));
    finished_.erase(oldest);
  }
}

std::optional<Order> PaperBroker::order(std::string_view client_order_id) const {
  const auto it = orders_.find(client_order_id);
  if (it == orders_.end()) return std::nullopt;
  return it->second.order;
}

std::vector<Order> PaperBroker::open_orders() const {
  std::vector<Order> open;
  for (const auto& [sequence, id] : open_) open.push_back(orders_.find(id)->second.order);
  return open;
}

std::vector<Balance> PaperBroker::balances() const {
  std::vector<Balance> result;
  result.push_back(Balance{options_.quote_asset, quote_balance_, kZero});
  for (const auto& [symbol, position] : positions_) {
    const Decimal locked = reserved_for_sells(symbol);
    result.push_back(Balance{base_asset(symbol, options_.quote_asset),
                             core::subtract(position.quantity, locked).value_or(kZero), locked});
  }
  return result;
}

std::vector<Position> PaperBroker::positions() const {
  std::vector<Position> result;
  for (const auto& [symbol, position] : positions_) result.push_back(position);
  return result;
}

std::optional<Position> PaperBroker::position(const core::Symbol& symbol) const {
  const auto it = positions_.find(symbol);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

std::optional<Decimal> PaperBroker::last_price(const core::Symbol& symbol) const {
  const auto it = last_prices_.find(symbol);
  if (it == last_prices_.end()) return std::nullopt;
  return it->second;
}

std::optional<Decimal> PaperBroker::equity() const {
  std::optional<Decimal> total = quote_balance_;
  for (const auto& [symbol, position] : positions_) {
    const Decimal price = last_price(symbol).value_or(position.average_entry_price);
    const auto value = core::multiply(position.quantity, price);
    total = value ? core::add(*total, *value) : std::nullopt;
    if (!total) return std::nullopt;
  }
  return total;
}

PaperBrokerState PaperBroker::state() const {
  PaperBrokerState state;
  state.quote_balance = quote_balance_;
  state.positions = positions();
  // Open and finished merged back into placement order.
  auto open = open_.begin();
  auto finished = finished_.begin();
  while (open != open_.end() || finished != finished_.end()) {
    const bool take_open =
        finished == finished_.end() || (open != open_.end() && open->first < finished->first);
    const auto& id = take_open ? (open++)->second : (finished++)->second;
    state.orders.push_back(orders_.find(id)->second.order);
  }
  for (const auto& [symbol, price] : last_prices_) state.last_prices.emplace_back(symbol, price);
  state.next_trade_id = next_trade_id_;
  return state;
}

}  // namespace autotrader::paper
