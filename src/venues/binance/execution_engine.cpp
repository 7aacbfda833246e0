#include "venues/binance/execution_engine.hpp"

#include <algorithm>
#include <deque>
#include <functional>

#include <nlohmann/json.hpp>

#include "venues/binance/trade_codec.hpp"

namespace autotrader::binance {
namespace {

using core::Decimal;
using paper::OrderPurpose;
using paper::Side;
using Steady = std::chrono::steady_clock::time_point;

constexpr std::size_t kKeptTradeIds = 2'000;   // per symbol
constexpr std::size_t kKeptFinalOrders = 500;  // final orders kept in the state for dedupe
constexpr int kMyTradesLimit = 1'000;
constexpr int kFailuresBeforeBlocked = 3;

Decimal plus(const Decimal& a, const Decimal& b) {
  return core::add(a, b).value_or(a);
}
Decimal minus(const Decimal& a, const Decimal& b) {
  return core::subtract(a, b).value_or(a);
}
Decimal times(const Decimal& a, const Decimal& b) {
  return core::multiply(a, b).value_or(Decimal{});
}

enum class Phase : std::uint8_t {
  held,     // waiting for its protective list to be cancelled before it is sent
  sending,  // its request is queued or in flight
  unknown,  // sent, outcome unknown: being queried
  open,     // Binance has it
  final,    // filled, cancelled, expired, rejected, or concluded never placed
};

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::held:
      return "held";
    case Phase::sending:
      return "sending";
    case Phase::unknown:
      return "unknown";
    case Phase::open:
      return "open";
    case Phase::final:
      return "final";
  }
  return "final";
}

std::optional<Phase> parse_phase(const std::string& text) {
  for (auto p : {Phase::held, Phase::sending, Phase::unknown, Phase::open, Phase::final}) {
    if (text == to_string(p)) return p;
  }
  return std::nullopt;
}

std::optional<OrderPurpose> parse_purpose(const std::string& text) {
  for (auto p : {OrderPurpose::entry, OrderPurpose::exit, OrderPurpose::stop_loss,
                 OrderPurpose::take_profit}) {
    if (text == paper::to_string(p)) return p;
  }
  return std::nullopt;
}

// The purpose our client ids end in ("-en", "-sl", ...), for orders found on the venue only.
OrderPurpose purpose_of_id(std::string_view id) {
  const auto dash = id.rfind('-');
  if (dash != std::string_view::npos) {
    if (auto p = parse_purpose(std::string{id.substr(dash + 1)})) return *p;
  }
  return OrderPurpose::entry;
}

bool is_leg(OrderPurpose purpose) {
  return purpose == OrderPurpose::stop_loss || purpose == OrderPurpose::take_profit;
}

struct Tracked {
  paper::Order order;
  OrderPurpose purpose = OrderPurpose::entry;
  Phase phase = Phase::sending;
  std::int64_t venue_order_id = 0;
  Decimal venue_executed;  // the venue's cumulative executed quantity, as last reported
  bool announced = false;  // OrderAccepted sent
  bool never_placed = false;
  bool watched_exit = false;  // a MARKET exit the engine sent for a watched stop/target
  int not_found = 0;
  int resends = 0;
  std::string list_id;  // an OCO leg's list
};

struct ListInfo {
  std::string list_id;
  core::Symbol symbol;
  std::string decision_id;
  std::string stop_loss_id;
  std::string take_profit_id;
  Decimal quantity;
  bool active = false;  // placed or being placed, not yet done or cancelled
};

enum class What : std::uint8_t {
  place_order,
  place_oco,
  query_order,
  cancel_order,
  cancel_list,
  open_orders,
  account,
  trades,
  time,
};

struct Pending {
  What what = What::time;
  std::string client_order_id;  // place/query/cancel of an order; the list id for place_oco
  core::Symbol symbol;
  bool sync = false;  // part of the running reconciliation or sweep
  int attempt = 0;
};

}  // namespace

struct ExecutionEngine::Impl {
  ExecutionOptions options;
  std::shared_ptr<const RequestSigner> signer;
  std::shared_ptr<const core::Clock> clock;
  std::map<std::string, SymbolFilters, std::less<>> filters;  // by symbol
  std::map<std::string, SymbolInfo, std::less<>> infos;

  std::map<std::string, Tracked, std::less<>> orders;  // by client order id
  // Binance's orderId is unique per symbol only.
  std::map<std::pair<core::Symbol, std::int64_t>, std::string> by_venue_id;
  std::map<core::Symbol, paper::Position> positions;
  std::map<std::string, ListInfo, std::less<>> lists;  // by list client id
  std::map<std::string, paper::Balance, std::less<>> balances;
  std::map<core::Symbol, Decimal> prices;
  std::map<core::Symbol, std::deque<std::int64_t>> trade_order;  // ids seen, oldest first
  std::map<core::Symbol, std::set<std::int64_t>> trade_ids;
  std::map<core::Symbol, std::int64_t> last_trade_id;
  // When a position's list was last (re)placed because a price came: a list Binance refused
  // (the market had crossed a level) is tried again once the price is back inside, at most once
  // per poll_interval.
  std::map<core::Symbol, Steady> last_rearm_on_price;
  std::set<core::Symbol> rearm_after_cancel;  // symbols whose protection is re-placed after a
                                              // list cancel completes

  ServerClock server_clock;
  std::uint64_t next_id = 1;
  std::vector<Outgoing> outgoing;
  std::map<std::uint64_t, Pending> pending;
  std::vector<std::function<void()>> after_time_sync;
  bool time_sync_in_flight = false;
  std::multimap<Steady, std::function<void()>> timers;

  // Reconciliation and sweeps.
  bool ready = false;
  bool reconciled = false;
  bool credentials_refused = false;
  std::string blocked;
  ReconcileReport report;
  bool sync_running = false;
  bool sync_blocking = false;  // a reconciliation (trading waits), not a sweep
  int sync_stage = 0;
  std::size_t sync_outstanding = 0;
  int sync_failures = 0;
  bool stream_up = false;
  bool poll_armed = false;   // a poll_tick timer is pending: one chain of sweeps at a time
  bool sweep_armed = false;  // a safety_tick timer is pending (stream up)
  std::vector<std::string> notes;
  std::vector<std::string> journal;  // what the engine did about protection, for the info log

  core::TimestampMs wall_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               clock->wall_now().time_since_epoch())
        .count();
  }
  Steady steady() const { return clock->steady_now(); }

  const SymbolFilters* filters_of(const core::Symbol& symbol) const {
    auto it = filters.find(symbol.view());
    return it == filters.end() ? nullptr : &it->second;
  }
  std::string base_of(const core::Symbol& symbol) const {
    auto it = infos.find(symbol.view());
    return it == infos.end() ? std::string{} : it->second.base_asset;
  }

  // --- requests ---------------------------------------------------------------------------

  SignContext sign_context() const { return SignContext{*signer, server_clock, wall_ms()}; }

  std::uint64_t queue(RequestKind kind, RestRequest request, Pending what, bool places) {
    const auto id = next_id++;
    outgoing.push_back(Outgoing{id, kind, std::move(request), places, what.what == What::time});
    pending.emplace(id, std::move(what));
    return id;
  }

  void queue_time_sync() {
    if (time_sync_in_flight) return;
    time_sync_in_flight = true;
    RestRequest request;
    request.method = HttpMethod::get;
    request.path = std::string{kTimeTarget};
    request.weight = kTimeWeight;
    queue(RequestKind::read, std::move(request), Pending{What::time, {}, {}, false, 0}, false);
  }

  // Runs `action` once the server clock is synced (at once when it is).
  void when_synced(std::function<void()> action) {
    if (server_clock.synced()) {
      action();
      return;
    }
    after_time_sync.push_back(std::move(action));
    queue_time_sync();
  }

  void at(std::chrono::milliseconds delay, std::function<void()> action) {
    timers.emplace(steady() + delay, std::move(action));
  }

  void send_place(const std::string& id) {
    auto it = orders.find(id);
    if (it == orders.end()) return;
    auto& t = it->second;
    t.phase = Phase::sending;
    NewOrder order;
    order.symbol = t.order.symbol;
    order.side = t.order.side;
    order.quantity = t.order.quantity;
    order.client_order_id = t.order.client_order_id;
    auto request = new_order_request(order, sign_context());
    if (!request) {
      // Validated before; reaching this is a bug, and the order certainly never left.
      notes.push_back("order " + id + " could not be encoded: " + request.error().message);
      return;
    }
    queue(RequestKind::place, std::move(*request), Pending{What::place_order, id, t.order.symbol},
          true);
  }

  void send_query(const std::string& id, bool sync) {
    auto it = orders.find(id);
    if (it == orders.end()) return;
    auto request = query_order_request(it->second.order.symbol, id, sign_context());
    if (!request) return;
    if (sync) ++sync_outstanding;
    queue(RequestKind::query, std::move(*request),
          Pending{What::query_order, id, it->second.order.symbol, sync}, false);
  }

  void send_trades(const core::Symbol& symbol, bool sync) {
    std::optional<std::int64_t> from;
    if (auto it = last_trade_id.find(symbol); it != last_trade_id.end()) from = it->second + 1;
    auto request = my_trades_request(symbol, from, kMyTradesLimit, sign_context());
    if (!request) return;
    if (sync) ++sync_outstanding;
    queue(RequestKind::read, std::move(*request), Pending{What::trades, {}, symbol, sync}, false);
  }

  // `persist_first`: the cancel frees the base asset for a SELL held in the book; the book
  // holding that SELL is stored before the cancel leaves, so a crash in between still sells.
  void send_cancel_list(const ListInfo& list, bool persist_first = false) {
    auto request = cancel_order_list_request(list.symbol, list.list_id, sign_context());
    if (!request) return;
    journal.push_back("cancelling OCO list " + list.list_id + " on " +
                      std::string{list.symbol.view()} +
                      (persist_first ? " (a SELL waits for it)" : " (protection resized)"));
    queue(RequestKind::cancel, std::move(*request),
          Pending{What::cancel_list, list.list_id, list.symbol}, persist_first);
  }

  // --- events -----------------------------------------------------------------------------

  paper::OrderRejected reject(const paper::OrderRequest& request, paper::RejectReason reason,
                              std::string message) {
    return paper::OrderRejected{request.client_order_id, request.symbol, reason,
                                std::move(message)};
  }

  // The venue has the order: OrderAccepted, once (the database's orders row; protective legs
  // included, so a resting stop or target is on record before it ever fills).
  void announce(Tracked& t, paper::VenueEvents& events) {
    if (t.announced) return;
    t.announced = true;
    events.push_back(paper::OrderAccepted{t.order});
  }

  void index_venue_id(Tracked& t, std::int64_t venue_id) {
    if (venue_id <= 0) return;
    t.venue_order_id = venue_id;
    by_venue_id[{t.order.symbol, venue_id}] = t.order.client_order_id;
  }

  bool seen_trade(const core::Symbol& symbol, std::int64_t trade_id) const {
    auto it = trade_ids.find(symbol);
    return it != trade_ids.end() && it->second.count(trade_id) != 0;
  }

  void remember_trade(const core::Symbol& symbol, std::int64_t trade_id) {
    auto& ids = trade_ids[symbol];
    auto& order = trade_order[symbol];
    if (!ids.insert(trade_id).second) return;
    order.push_back(trade_id);
    while (order.size() > kKeptTradeIds) {
      ids.erase(order.front());
      order.pop_front();
    }
    auto& last = last_trade_id[symbol];
    last = std::max(last, trade_id);
  }

  // The fee in the quote asset: as is in the quote, valued at the fill's price in the base, and
  // 0 (with a note) in a third asset we cannot price.
  Decimal quote_fee(const core::Symbol& symbol, const Decimal& price, const Decimal& commission,
                    const std::string& asset) {
    if (commission.is_zero() || asset == options.quote_asset) return commission;
    if (asset == base_of(symbol)) {
      return core::round_to_scale(times(commission, price), 8, core::Rounding::half_even)
          .value_or(Decimal{});
    }
    notes.push_back("fee of " + commission.to_string() + " " + asset + " on " +
                    std::string{symbol.view()} + " not valued in " + options.quote_asset);
    return Decimal{};
  }

  // One fill of a tracked order, once per trade id.
  void apply_fill(Tracked& t, const Decimal& price, const Decimal& quantity,
                  const Decimal& commission, const std::string& commission_asset,
                  std::int64_t trade_id, core::TimestampMs time, paper::VenueEvents& events) {
    const auto& symbol = t.order.symbol;
    if (trade_id >= 0 && seen_trade(symbol, trade_id)) return;
    if (quantity.is_zero() || quantity.is_negative()) return;
    if (trade_id >= 0) remember_trade(symbol, trade_id);
    announce(t, events);
    const auto fee = quote_fee(symbol, price, commission, commission_asset);
    auto& o = t.order;
    o.filled_quantity = plus(o.filled_quantity, quantity);
    o.filled_quote = plus(o.filled_quote, times(price, quantity));
    o.fees = plus(o.fees, fee);
    o.updated_ms = time;
    t.venue_executed = std::max(t.venue_executed, o.filled_quantity);
    o.status = o.filled_quantity >= o.quantity ? paper::OrderStatus::filled
                                               : paper::OrderStatus::partially_filled;

    paper::Fill fill;
    fill.client_order_id = o.client_order_id;
    fill.symbol = symbol;
    fill.side = o.side;
    fill.price = price;
    fill.quantity = quantity;
    fill.fee = fee;
    fill.remaining_quantity =
        o.quantity > o.filled_quantity ? minus(o.quantity, o.filled_quantity) : Decimal{};
    fill.trade_id = trade_id;
    fill.time = time;

    auto pos_it = positions.find(symbol);
    if (o.side == Side::buy) {
      // A BUY's commission in the base asset is never received: the position is what arrived.
      auto received = quantity;
      if (commission_asset == base_of(symbol) && commission < quantity) {
        received = minus(quantity, commission);
      }
      if (pos_it == positions.end()) {
        paper::Position p;
        p.symbol = symbol;
        p.quantity = received;
        p.average_entry_price = price;
        p.protection = o.protection;
        p.decision_id = o.decision_id;
        p.opened_ms = time;
        positions.emplace(symbol, std::move(p));
      } else {
        auto& p = pos_it->second;
        const auto total = plus(p.quantity, quantity);
        const auto cost = plus(times(p.quantity, p.average_entry_price), times(quantity, price));
        if (!total.is_zero()) {
          p.average_entry_price = core::divide(cost, total, 8, core::Rounding::half_even)
                                      .value_or(p.average_entry_price);
        }
        p.quantity = plus(p.quantity, received);
        if (o.protection) {
          p.protection = o.protection;
          p.decision_id = o.decision_id;
        }
      }
    } else {
      if (pos_it != positions.end()) {
        auto& p = pos_it->second;
        fill.realized_pnl = minus(times(minus(price, p.average_entry_price), quantity), fee);
        p.quantity = p.quantity > quantity ? minus(p.quantity, quantity) : Decimal{};
        if (is_dust(symbol, p.quantity)) positions.erase(pos_it);
      } else {
        fill.realized_pnl = Decimal{} > fee ? fee : core::negate(fee);
      }
      if (is_leg(t.purpose) || t.watched_exit) {
        if (o.filled_quantity == quantity) {  // its first fill
          paper::ProtectiveExit exit;
          exit.client_order_id = o.client_order_id;
          exit.symbol = symbol;
          exit.kind = t.purpose == OrderPurpose::stop_loss ? paper::ProtectiveKind::stop_loss
                                                           : paper::ProtectiveKind::take_profit;
          if (o.protection) {
            exit.trigger_price = t.purpose == OrderPurpose::stop_loss ? o.protection->stop_loss
                                                                      : o.protection->take_profit;
          }
          exit.market_price = price;
          exit.time = time;
          events.push_back(std::move(exit));
        }
      }
    }
    events.push_back(std::move(fill));
  }

  // A quantity too small to sell (below LOT_SIZE's minimum or step) counts as no position.
  bool is_dust(const core::Symbol& symbol, const Decimal& quantity) const {
    if (quantity.is_zero() || quantity.is_negative()) return true;
    const auto* f = filters_of(symbol);
    if (f == nullptr) return false;
    const auto rounded = f->round_quantity(quantity, OrderKind::limit);
    if (!rounded || rounded->is_zero()) return true;
    const auto& lot = f->info().lot_size;
    return lot && !lot->min_qty.is_zero() && *rounded < lot->min_qty;
  }

  // The order reached a final state that is not a fill (or a partial one).
  void finish(Tracked& t, paper::OrderStatus status, paper::VenueEvents& events,
              const std::string& message = {}) {
    const bool was_final = t.phase == Phase::final;
    t.phase = Phase::final;
    if (t.order.status != paper::OrderStatus::filled) t.order.status = status;
    t.order.updated_ms = wall_ms();
    // A leg Binance never had needs no word: no row was written for it.
    if (was_final || (is_leg(t.purpose) && !t.announced)) return;
    if (status == paper::OrderStatus::cancelled) {
      paper::OrderCancelled c;
      c.client_order_id = t.order.client_order_id;
      c.symbol = t.order.symbol;
      c.reason =
          is_leg(t.purpose) ? paper::CancelReason::position_closed : paper::CancelReason::requested;
      c.filled_quantity = t.order.filled_quantity;
      c.time = t.order.updated_ms;
      events.push_back(std::move(c));
    } else if (status == paper::OrderStatus::rejected) {
      events.push_back(paper::OrderRejected{t.order.client_order_id, t.order.symbol,
                                            paper::RejectReason::venue_refused, message});
    }
  }

  // After any change to a tracked order: completes lists, re-arms protection, releases SELLs.
  void settle(Tracked& t, paper::VenueEvents& events) {
    const auto symbol = t.order.symbol;
    if (is_leg(t.purpose)) {
      auto it = lists.find(t.list_id);
      if (it != lists.end() && t.phase == Phase::final) {
        // Either leg ending ends the list (the other one expires with it on Binance).
        it->second.active = false;
        for (const auto& leg_id : {it->second.stop_loss_id, it->second.take_profit_id}) {
          if (leg_id == t.order.client_order_id) continue;
          auto leg = orders.find(leg_id);
          if (leg != orders.end() && leg->second.phase != Phase::final &&
              t.order.status == paper::OrderStatus::filled) {
            // Binance expires it with the list: its row says so.
            finish(leg->second, paper::OrderStatus::cancelled, events);
          }
        }
      }
      return;
    }
    if (t.phase != Phase::final) return;
    if (t.venue_executed > t.order.filled_quantity) return;  // fills still to come (myTrades)
    if (t.order.side == Side::buy && !t.order.filled_quantity.is_zero()) {
      arm(symbol, events);
    } else if (t.order.side == Side::sell && positions.count(symbol) != 0 &&
               !has_active_list(symbol) && !sell_in_flight(symbol)) {
      arm(symbol, events);  // a partial exit: protect what is left
    }
  }

  bool has_active_list(const core::Symbol& symbol) const {
    return std::any_of(lists.begin(), lists.end(), [&](const auto& entry) {
      return entry.second.active && entry.second.symbol == symbol;
    });
  }

  bool sell_in_flight(const core::Symbol& symbol) const {
    return std::any_of(orders.begin(), orders.end(), [&](const auto& entry) {
      const auto& t = entry.second;
      return t.order.symbol == symbol && t.order.side == Side::sell && !is_leg(t.purpose) &&
             t.phase != Phase::final;
    });
  }

  // --- protection ---------------------------------------------------------------------------

  // Places (or re-places) the OCO list protecting `symbol`'s position, or leaves the position to
  // the price watch when no list can protect it.
  void arm(const core::Symbol& symbol, paper::VenueEvents& events) {
    auto pos_it = positions.find(symbol);
    if (pos_it == positions.end() || !pos_it->second.protection) return;
    const auto& p = pos_it->second;
    if (!options.use_oco) return;
    const auto* f = filters_of(symbol);
    if (f == nullptr) return;
    const auto quantity = f->round_quantity(p.quantity, OrderKind::limit);
    if (!quantity || quantity->is_zero()) return;
    const auto list_id = oco_list_client_order_id(p.decision_id);
    for (auto& [id, list] : lists) {
      if (!list.active || list.symbol != symbol) continue;
      if (id == list_id && list.quantity == *quantity) return;  // already protected as it is
      // A different size or decision: cancel it, and place the new one when that completes.
      rearm_after_cancel.insert(symbol);
      send_cancel_list(list);
      return;
    }
    const auto& protection = *p.protection;
    const auto take_profit = f->round_price(protection.take_profit, core::Rounding::ceiling);
    const auto stop_loss = f->round_price(protection.stop_loss, core::Rounding::floor);
    const auto offset = core::divide(options.stop_limit_offset_pct, Decimal::from_integer(100), 8,
                                     core::Rounding::half_even)
                            .value_or(Decimal{});
    std::optional<Decimal> stop_limit;
    if (stop_loss) {
      stop_limit = f->round_price(times(*stop_loss, minus(Decimal::from_integer(1), offset)),
                                  core::Rounding::floor);
    }
    if (!take_profit || !stop_loss || !stop_limit || stop_limit->is_zero()) {
      notes.push_back("protection of " + std::string{symbol.view()} +
                      " does not fit the price filter; watched by the executor");
      return;
    }
    // Binance refuses a list whose prices the market has already crossed: exit now instead.
    if (auto price = prices.find(symbol); price != prices.end()) {
      if (price->second <= *stop_loss || price->second >= *take_profit) {
        watch_exit(symbol, price->second, events);
        return;
      }
    }
    ProtectiveOco oco{symbol, *quantity, *take_profit, *stop_loss, *stop_limit, p.decision_id};
    auto request = oco_request(oco, sign_context());
    if (!request) {
      notes.push_back("protection of " + std::string{symbol.view()} +
                      " cannot be sent as an OCO list (" + request.error().message +
                      "); watched by the executor");
      return;
    }
    ListInfo list;
    list.list_id = list_id;
    list.symbol = symbol;
    list.decision_id = p.decision_id;
    list.quantity = *quantity;
    list.active = true;
    list.stop_loss_id = paper::make_client_order_id(p.decision_id, OrderPurpose::stop_loss);
    list.take_profit_id = paper::make_client_order_id(p.decision_id, OrderPurpose::take_profit);
    for (auto [leg_id, purpose] : {std::pair{list.stop_loss_id, OrderPurpose::stop_loss},
                                   std::pair{list.take_profit_id, OrderPurpose::take_profit}}) {
      Tracked leg;
      leg.order.client_order_id = leg_id;
      leg.order.decision_id = p.decision_id;
      leg.order.symbol = symbol;
      leg.order.side = Side::sell;
      leg.order.quantity = *quantity;
      leg.order.protection = p.protection;
      leg.order.created_ms = leg.order.updated_ms = wall_ms();
      leg.purpose = purpose;
      leg.phase = Phase::sending;
      leg.list_id = list_id;
      orders[leg_id] = std::move(leg);
    }
    lists[list_id] = list;
    ++report.protections_armed;
    journal.push_back("protecting " + std::string{symbol.view()} + ": OCO list " + list_id +
                      " SELL " + quantity->to_string() + ", take-profit " +
                      take_profit->to_string() + ", stop " + stop_loss->to_string() + " (limit " +
                      stop_limit->to_string() + ")");
    queue(RequestKind::place, std::move(*request), Pending{What::place_oco, list_id, symbol}, true);
  }

  // A position without a list on the venue: its stop and target are watched on prices here.
  void watch_exit(const core::Symbol& symbol, const Decimal& price, paper::VenueEvents& events) {
    auto pos_it = positions.find(symbol);
    if (pos_it == positions.end() || !pos_it->second.protection) return;
    if (has_active_list(symbol) || sell_in_flight(symbol) || !ready) return;
    const auto& p = pos_it->second;
    OrderPurpose purpose;
    if (price <= p.protection->stop_loss) {
      purpose = OrderPurpose::stop_loss;
    } else if (price >= p.protection->take_profit) {
      purpose = OrderPurpose::take_profit;
    } else {
      return;
    }
    const auto* f = filters_of(symbol);
    if (f == nullptr) return;
    const auto quantity = f->round_quantity(p.quantity, OrderKind::market);
    if (!quantity || quantity->is_zero()) return;
    const auto id = paper::make_client_order_id(p.decision_id, purpose);
    if (auto existing = orders.find(id);
        existing != orders.end() && existing->second.phase != Phase::final) {
      return;
    }
    Tracked t;
    t.order.client_order_id = id;
    t.order.decision_id = p.decision_id;
    t.order.symbol = symbol;
    t.order.side = Side::sell;
    t.order.quantity = *quantity;
    t.order.protection = p.protection;
    t.order.created_ms = t.order.updated_ms = wall_ms();
    t.purpose = purpose;
    t.watched_exit = true;
    orders[id] = std::move(t);
    (void)events;
    send_place(id);
  }

  // --- answers --------------------------------------------------------------------------------

  // An order concluded never placed that Binance has after all: open again (the report that
  // found it sets its fills and final state), so that the book and state() show it as it is.
  static void revive(Tracked& t) {
    t.never_placed = false;
    t.phase = Phase::open;
    t.order.status = paper::OrderStatus::open;
  }

  // An order object from a place, query, cancel or openOrders answer.
  void apply_report(Tracked& t, const OrderReport& report, paper::VenueEvents& events) {
    index_venue_id(t, report.order_id);
    if (t.never_placed) {
      notes.push_back("order " + t.order.client_order_id +
                      " turned up on Binance after it was concluded never placed");
      revive(t);
    }
    if (t.phase != Phase::final) t.phase = Phase::open;
    if (!report.has_result) {
      announce(t, events);
      return;
    }
    announce(t, events);
    if (!report.fills.empty()) {
      const auto base = base_of(t.order.symbol);
      for (const auto& f : report.fills) {
        apply_fill(t, f.price, f.quantity, f.commission, f.commission_asset, f.trade_id,
                   report.transact_time, events);
      }
      (void)base;
    }
    if (report.executed_qty > t.venue_executed) t.venue_executed = report.executed_qty;
    if (t.venue_executed > t.order.filled_quantity) {
      // Fills Binance made that this answer does not list (a query): from myTrades. During a
      // reconciliation they are part of it (the report counts them, ready waits for them).
      send_trades(t.order.symbol, sync_running);
    }
    switch (report.status) {
      case BinanceOrderStatus::filled:
        t.phase = Phase::final;
        break;
      case BinanceOrderStatus::canceled:
      case BinanceOrderStatus::pending_cancel:
      case BinanceOrderStatus::expired:
      case BinanceOrderStatus::expired_in_match:
        finish(t, paper::OrderStatus::cancelled, events);
        break;
      case BinanceOrderStatus::rejected:
        finish(t, paper::OrderStatus::rejected, events, "rejected by Binance");
        break;
      default:
        break;
    }
    settle(t, events);
  }

  Tracked* find(std::string_view client_order_id) {
    auto it = orders.find(client_order_id);
    return it == orders.end() ? nullptr : &it->second;
  }

  // Our order only if the venue's report is about its symbol: Binance numbers orders per
  // symbol, and a client id of ours on another symbol is someone else's order (another
  // program's, or an id a person reused).
  Tracked* find_on(const core::Symbol& symbol, std::string_view client_order_id) {
    auto* t = find(client_order_id);
    return t != nullptr && t->order.symbol == symbol ? t : nullptr;
  }

  // An open order on the venue that our book does not have.
  void unknown_on_venue(const OrderReport& venue_order, paper::VenueEvents& events) {
    const auto& id = venue_order.client_order_id;
    const auto symbol_text = std::string{venue_order.symbol.view()};
    if (options.unknown_orders == UnknownOrderPolicy::adopt) {
      if (orders.count(id) != 0) {
        // Our id on another symbol: adopting would overwrite our own order.
        notes.push_back("open order " + id + " on " + symbol_text +
                        " has the id of one of ours on another symbol; left alone");
        return;
      }
      Tracked t;
      t.order = to_order(venue_order, "");
      t.order.filled_quantity = Decimal{};
      t.order.filled_quote = Decimal{};
      t.purpose = purpose_of_id(id);
      if (is_leg(t.purpose)) t.purpose = OrderPurpose::exit;  // not a list of ours
      t.phase = Phase::open;
      t.venue_executed = venue_order.executed_qty;
      auto& slot = orders[id];
      slot = std::move(t);
      index_venue_id(slot, venue_order.order_id);
      // Announced like our own orders: the database gets its row before any of its fills.
      slot.announced = true;
      events.push_back(paper::OrderAccepted{slot.order});
      ++report.unknown_adopted;
      notes.push_back("adopted open order " + id + " on " + symbol_text +
                      " that our book did not know");
      if (!slot.venue_executed.is_zero()) send_trades(venue_order.symbol, sync_running);
      return;
    }
    auto request = cancel_order_request(venue_order.symbol, id, sign_context());
    if (!request) return;
    ++report.unknown_cancelled;
    notes.push_back("cancelling open order " + id + " on " + symbol_text +
                    " that our book did not know");
    queue(RequestKind::cancel, std::move(*request),
          Pending{What::cancel_order, id, venue_order.symbol}, false);
  }

  // --- synchronisation (reconcile / sweep) -------------------------------------------------

  void start_sync(bool blocking) {
    if (sync_running) {
      sync_blocking = sync_blocking || blocking;
      return;
    }
    sync_running = true;
    sync_blocking = blocking;
    sync_stage = 1;
    sync_outstanding = 0;
    if (blocking) {
      report = ReconcileReport{};
      ready = false;
    }
    // A fresh offset at every reconciliation: the machine may have slept or been restored.
    if (blocking) server_clock = ServerClock{};
    when_synced([this] { sync_stage_two(); });
  }

  // The account, the open orders and each unfinished order of ours.
  void sync_stage_two() {
    sync_stage = 2;
    sync_outstanding += 2;
    queue(RequestKind::read, account_request(sign_context()), Pending{What::account, {}, {}, true},
          false);
    queue(RequestKind::read, open_orders_request(std::nullopt, sign_context()),
          Pending{What::open_orders, {}, {}, true}, false);
    for (auto& [id, t] : orders) {
      if (t.phase == Phase::sending || t.phase == Phase::unknown || t.phase == Phase::open) {
        if (t.phase != Phase::open) t.phase = Phase::unknown;
        send_query(id, true);
      } else if (t.phase == Phase::held) {
        // A SELL that waited for a list cancel when the process stopped: the cancel is re-sent
        // (or found done) by the protection check at the end.
      }
    }
  }

  // Trades since the last recorded, per symbol we trade.
  void sync_stage_three() {
    sync_stage = 3;
    for (const auto& [name, info] : infos) send_trades(info.symbol, true);
    if (sync_outstanding == 0) finish_sync();
  }

  void sync_answered() {
    if (sync_outstanding > 0) --sync_outstanding;
    if (sync_outstanding != 0 || !sync_running) return;
    if (sync_stage == 2) {
      sync_stage_three();
    } else if (sync_stage == 3) {
      finish_sync();
    }
  }

  void sync_failed(const std::string& what, const std::string& message) {
    ++sync_failures;
    if (sync_blocking && sync_failures >= kFailuresBeforeBlocked) {
      blocked = "reconciliation with Binance failed: " + what + ": " + message;
    }
  }

  void finish_sync() {
    paper::VenueEvents ignored;
    const bool blocking = sync_blocking;
    sync_running = false;
    sync_blocking = false;
    sync_stage = 0;
    sync_failures = 0;
    // Our positions follow the venue's balances where they disagree downward (a fill we could
    // not see, an external sale); a balance we cannot explain is reported, not traded.
    for (const auto& [name, info] : infos) {
      const auto& symbol = info.symbol;
      Decimal held;
      if (auto b = balances.find(info.base_asset); b != balances.end()) {
        held = plus(b->second.free, b->second.locked);
      }
      auto pos = positions.find(symbol);
      if (pos != positions.end() && held < pos->second.quantity) {
        report.discrepancies.push_back(std::string{symbol.view()} + ": our position " +
                                       pos->second.quantity.to_string() + " but Binance holds " +
                                       held.to_string() + "; following Binance");
        pos->second.quantity = held;
        if (is_dust(symbol, held)) positions.erase(pos);
      } else if (pos == positions.end() && !is_dust(symbol, held)) {
        report.discrepancies.push_back(std::string{symbol.view()} + ": Binance holds " +
                                       held.to_string() + " " + info.base_asset +
                                       " that no order of ours bought; left alone");
      }
    }
    // Protection: every position with a stop and target has its list (or the price watch).
    for (const auto& [symbol, p] : positions) {
      if (!has_active_list(symbol) && !sell_in_flight(symbol)) arm(symbol, ignored);
    }
    // SELLs held for a list cancel when the process stopped: the cancel again where the list is
    // still on Binance, else the SELL goes now.
    std::set<core::Symbol> held;
    for (const auto& [id, t] : orders) {
      if (t.phase == Phase::held) held.insert(t.order.symbol);
    }
    for (const auto& symbol : held) {
      bool cancelling = false;
      for (const auto& [list_id, list] : lists) {
        if (list.active && list.symbol == symbol) {
          send_cancel_list(list, true);
          cancelling = true;
        }
      }
      if (!cancelling) release_held(symbol);
    }
    if (blocking) {
      report.complete = true;
      reconciled = true;
      ready = !credentials_refused;
      if (!credentials_refused) blocked.clear();
    }
    for (auto& d : report.discrepancies) notes.push_back(d);
  }

  // Sweeps every poll_interval while the stream is down; the chain ends at the first tick that
  // finds it up.
  void arm_polling() {
    if (poll_armed) return;
    poll_armed = true;
    at(options.poll_interval, [this] { poll_tick(); });
  }

  void poll_tick() {
    poll_armed = false;
    if (stream_up) return;
    start_sync(false);
    arm_polling();
  }

  // While the stream is up: a sweep now and then, for a stream that died silently.
  void arm_safety_sweep() {
    if (sweep_armed || options.sweep_interval.count() <= 0) return;
    sweep_armed = true;
    at(options.sweep_interval, [this] { safety_tick(); });
  }

  void safety_tick() {
    sweep_armed = false;
    if (!stream_up) return;
    if (ready) start_sync(false);
    arm_safety_sweep();
  }

  // SELLs held for their symbol's list cancel go out now.
  void release_held(const core::Symbol& symbol) {
    for (auto& [id, t] : orders) {
      if (t.order.symbol == symbol &&
          (t.phase == Phase::held ||
           (t.phase == Phase::sending && !t.announced && t.order.side == Side::sell &&
            !is_leg(t.purpose) && !request_pending(id)))) {
        send_place(id);
      }
    }
  }

  bool request_pending(const std::string& id) const {
    return std::any_of(pending.begin(), pending.end(),
                       [&](const auto& entry) { return entry.second.client_order_id == id; });
  }

  // --- replies --------------------------------------------------------------------------------

  paper::VenueEvents on_reply(std::uint64_t id, const ReplyInput& reply) {
    paper::VenueEvents events;
    auto it = pending.find(id);
    if (it == pending.end()) return events;
    const Pending what = std::move(it->second);
    pending.erase(it);
    const auto kind =
        what.what == What::place_order || what.what == What::place_oco      ? RequestKind::place
        : what.what == What::query_order                                    ? RequestKind::query
        : what.what == What::cancel_order || what.what == What::cancel_list ? RequestKind::cancel
                                                                            : RequestKind::read;
    const auto c = classify(kind, reply.outcome);
    if (c.halt_trading) {
      credentials_refused = true;
      ready = false;
      blocked = "Binance refuses the account's keys or signature: " + c.message;
    }
    switch (what.what) {
      case What::time:
        on_time(reply, c);
        break;
      case What::place_order:
        on_place(what, reply, c, events);
        break;
      case What::place_oco:
        on_oco(what, reply, c, events);
        break;
      case What::query_order:
        on_query(what, reply, c, events);
        break;
      case What::cancel_order:
        on_cancel(what, reply, c, events);
        break;
      case What::cancel_list:
        on_cancel_list(what, reply, c, events);
        break;
      case What::open_orders:
        on_open_orders(what, reply, c, events);
        break;
      case What::account:
        on_account(what, reply, c);
        break;
      case What::trades:
        on_trades(what, reply, c, events);
        break;
    }
    return events;
  }

  std::chrono::milliseconds retry_delay(const Classification& c, int attempt) const {
    if (c.retry_after) return std::chrono::duration_cast<std::chrono::milliseconds>(*c.retry_after);
    auto delay = options.query_delay * (1 << std::min(attempt, 6));
    return std::min<std::chrono::milliseconds>(delay, options.poll_interval);
  }

  void on_time(const ReplyInput& reply, const Classification& c) {
    time_sync_in_flight = false;
    if (c.reply_class == ReplyClass::success) {
      const auto doc = nlohmann::json::parse(reply.outcome.body, nullptr, false);
      if (doc.is_object() && doc.contains("serverTime") && doc["serverTime"].is_number_integer()) {
        server_clock.update(doc["serverTime"].get<std::int64_t>(), reply.sent_ms,
                            reply.received_ms);
        auto actions = std::move(after_time_sync);
        after_time_sync.clear();
        for (auto& action : actions) action();
        return;
      }
    }
    sync_failed("server time", c.message.empty() ? "malformed answer" : c.message);
    at(retry_delay(c, sync_failures), [this] { queue_time_sync(); });
  }

  void on_place(const Pending& what, const ReplyInput& reply, const Classification& c,
                paper::VenueEvents& events) {
    auto* t = find(what.client_order_id);
    if (t == nullptr) return;
    switch (c.reply_class) {
      case ReplyClass::success: {
        auto report = decode_order_report(reply.outcome.body);
        if (!report) {
          // Accepted (2xx) but unreadable: the order exists; learn its state by query.
          t->phase = Phase::unknown;
          notes.push_back("order " + what.client_order_id + ": unreadable answer (" +
                          report.error().message + "); querying it");
          send_query(what.client_order_id, false);
          return;
        }
        apply_report(*t, *report, events);
        return;
      }
      case ReplyClass::rejected:
        t->never_placed = false;
        finish(*t, paper::OrderStatus::rejected, events, c.message);
        if (c.reason && !events.empty()) {
          if (auto* r = std::get_if<paper::OrderRejected>(&events.back())) r->reason = *c.reason;
        }
        return;
      case ReplyClass::not_sent:
      case ReplyClass::retry_after_time_sync:
        if (t->resends < options.resend_attempts) {
          ++t->resends;
          const auto id = what.client_order_id;
          if (c.reply_class == ReplyClass::retry_after_time_sync) {
            server_clock = ServerClock{};
            when_synced([this, id] { send_place(id); });
          } else {
            at(options.query_delay, [this, id] { send_place(id); });
          }
          return;
        }
        finish(*t, paper::OrderStatus::rejected, events, c.message);
        return;
      case ReplyClass::unknown_outcome:
      case ReplyClass::rate_limited:
      case ReplyClass::not_found_yet: {
        // Sent, fate unknown: query, never re-send.
        t->phase = Phase::unknown;
        const auto id = what.client_order_id;
        at(retry_delay(c, 0), [this, id] { send_query(id, false); });
        notes.push_back("order " + id + ": outcome unknown (" + c.message + "); querying it");
        return;
      }
    }
  }

  void on_oco(const Pending& what, const ReplyInput& reply, const Classification& c,
              paper::VenueEvents& events) {
    auto list_it = lists.find(what.client_order_id);
    if (list_it == lists.end()) return;
    auto& list = list_it->second;
    if (c.reply_class == ReplyClass::success) {
      auto oco = decode_oco_report(reply.outcome.body);
      if (oco) {
        for (const auto& leg_report : oco->order_reports) {
          if (auto* leg = find(leg_report.client_order_id)) apply_report(*leg, leg_report, events);
        }
        for (const auto& leg_report : oco->orders) {
          if (auto* leg = find(leg_report.client_order_id)) {
            index_venue_id(*leg, leg_report.order_id);
            if (leg->phase == Phase::sending) leg->phase = Phase::open;
          }
        }
        return;
      }
    }
    if (c.reply_class == ReplyClass::rejected || c.reply_class == ReplyClass::not_sent) {
      list.active = false;
      for (const auto& leg_id : {list.stop_loss_id, list.take_profit_id}) {
        if (auto* leg = find(leg_id)) {
          leg->phase = Phase::final;
          leg->never_placed = true;
          leg->order.status = paper::OrderStatus::rejected;
        }
      }
      notes.push_back("protective OCO for " + std::string{list.symbol.view()} + " refused (" +
                      c.message + "); stop and target watched by the executor");
      return;
    }
    // Unknown (or unreadable): learn the legs' fate by query.
    for (const auto& leg_id : {list.stop_loss_id, list.take_profit_id}) {
      if (auto* leg = find(leg_id)) {
        leg->phase = Phase::unknown;
        at(retry_delay(c, 0), [this, leg_id] { send_query(leg_id, false); });
      }
    }
  }

  void on_query(const Pending& what, const ReplyInput& reply, const Classification& c,
                paper::VenueEvents& events) {
    auto* t = find(what.client_order_id);
    const auto id = what.client_order_id;
    const bool sync = what.sync;
    if (t == nullptr) {
      if (sync) sync_answered();
      return;
    }
    if (c.reply_class == ReplyClass::success) {
      auto report = decode_order_report(reply.outcome.body);
      if (report) {
        if (t->phase == Phase::unknown || t->phase == Phase::sending)
          ++this->report.orders_resolved;
        t->not_found = 0;
        apply_report(*t, *report, events);
        if (sync) sync_answered();
        return;
      }
    }
    if (c.reply_class == ReplyClass::not_found_yet || c.code == -2013) {
      if (t->phase == Phase::open) {
        // Binance no longer has an order it had: archived. Its fills come from myTrades.
        t->phase = Phase::final;
        if (sync) sync_answered();
        return;
      }
      ++t->not_found;
      if (t->not_found >= options.query_attempts) {
        t->never_placed = true;
        ++this->report.orders_resolved;
        notes.push_back("order " + id + " not found on Binance after " +
                        std::to_string(t->not_found) + " queries: never placed");
        finish(
            *t, paper::OrderStatus::rejected, events,
            "never reached Binance (not found after " + std::to_string(t->not_found) + " queries)");
        if (is_leg(t->purpose)) {
          // A protective list that never arrived: protect again.
          if (auto list = lists.find(t->list_id); list != lists.end()) list->second.active = false;
          arm(t->order.symbol, events);
        }
        if (sync) sync_answered();
        return;
      }
      at(retry_delay(c, t->not_found - 1), [this, id, sync] {
        if (sync) --sync_outstanding;  // send_query counts it again
        send_query(id, sync);
      });
      return;
    }
    // Any other failure: ask again later.
    if (sync) sync_failed("query of order " + id, c.message);
    at(retry_delay(c, sync_failures), [this, id, sync] {
      if (sync) --sync_outstanding;
      send_query(id, sync);
    });
  }

  void on_cancel(const Pending& what, const ReplyInput& reply, const Classification& c,
                 paper::VenueEvents& events) {
    auto* t = find(what.client_order_id);
    if (c.reply_class == ReplyClass::success) {
      auto report = decode_order_report(reply.outcome.body);
      if (report) {
        if (t != nullptr) apply_report(*t, *report, events);
        return;
      }
      // Binance answered (2xx) but unreadably: whether the order is gone, its query says.
      notes.push_back("cancel of " + what.client_order_id + ": unreadable answer (" +
                      report.error().message + "); querying the order");
    }
    if (t != nullptr && t->phase != Phase::final) send_query(what.client_order_id, false);
  }

  void on_cancel_list(const Pending& what, const ReplyInput& reply, const Classification& c,
                      paper::VenueEvents& events) {
    auto list_it = lists.find(what.client_order_id);
    const auto symbol = what.symbol;
    const bool gone = c.reply_class == ReplyClass::success ||
                      (c.reply_class == ReplyClass::rejected && (c.code == -2011));
    if (!gone) {
      if (c.reply_class == ReplyClass::rejected && !c.halt_trading) {
        // Refused for another reason: the legs' state decides.
        if (list_it != lists.end()) {
          for (const auto& leg_id : {list_it->second.stop_loss_id, list_it->second.take_profit_id})
            send_query(leg_id, false);
        }
        return;
      }
      if (list_it != lists.end()) {
        const auto list = list_it->second;
        at(retry_delay(c, 0), [this, list] { send_cancel_list(list); });
      }
      return;
    }
    // The answer reports each leg's end; a leg it does not settle (a -2011, an unreadable
    // answer) may have filled just before the cancel: its query says.
    if (c.reply_class == ReplyClass::success) {
      if (auto oco = decode_oco_report(reply.outcome.body)) {
        for (const auto& leg_report : oco->order_reports) {
          if (auto* leg = find(leg_report.client_order_id)) apply_report(*leg, leg_report, events);
        }
      }
    }
    if (list_it != lists.end()) {
      list_it->second.active = false;
      for (const auto& leg_id : {list_it->second.stop_loss_id, list_it->second.take_profit_id}) {
        if (auto* leg = find(leg_id); leg != nullptr && leg->phase != Phase::final) {
          leg->phase = Phase::unknown;
          send_query(leg_id, false);
        }
      }
    }
    release_held(symbol);
    if (rearm_after_cancel.erase(symbol) != 0 && !sell_in_flight(symbol)) arm(symbol, events);
  }

  void on_open_orders(const Pending& what, const ReplyInput& reply, const Classification& c,
                      paper::VenueEvents& events) {
    if (c.reply_class == ReplyClass::success) {
      if (auto reports = decode_open_orders(reply.outcome.body)) {
        report.open_orders_on_venue = reports->size();
        for (const auto& r : *reports) {
          if (!infos.count(r.symbol.view())) continue;  // not a symbol we trade
          if (auto* t = find_on(r.symbol, r.client_order_id)) {
            apply_report(*t, r, events);
            if (is_leg(t->purpose)) {
              if (auto list = lists.find(t->list_id); list != lists.end()) {
                list->second.active = true;
              }
            }
          } else {
            unknown_on_venue(r, events);
          }
        }
        if (what.sync) sync_answered();
        return;
      }
    }
    if (what.sync) sync_failed("open orders", c.message);
    const bool sync = what.sync;
    at(retry_delay(c, sync_failures), [this, sync] {
      queue(RequestKind::read, open_orders_request(std::nullopt, sign_context()),
            Pending{What::open_orders, {}, {}, sync}, false);
    });
  }

  void on_account(const Pending& what, const ReplyInput& reply, const Classification& c) {
    if (c.reply_class == ReplyClass::success) {
      if (auto account = decode_account(reply.outcome.body)) {
        balances.clear();
        for (const auto& b : account->balances) balances[b.asset] = b;
        if (what.sync) sync_answered();
        return;
      }
    }
    if (what.sync) sync_failed("account", c.message);
    const bool sync = what.sync;
    at(retry_delay(c, sync_failures), [this, sync] {
      queue(RequestKind::read, account_request(sign_context()),
            Pending{What::account, {}, {}, sync}, false);
    });
  }

  void on_trades(const Pending& what, const ReplyInput& reply, const Classification& c,
                 paper::VenueEvents& events) {
    if (c.reply_class == ReplyClass::success) {
      if (auto trades = decode_my_trades(reply.outcome.body)) {
        std::vector<TradeReport> sorted = *trades;
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        std::set<std::string> touched;
        for (const auto& trade : sorted) {
          auto order_id = by_venue_id.find({trade.symbol, trade.order_id});
          if (order_id == by_venue_id.end()) {
            // Not an order of ours; still counted as seen so that a later fetch starts after it.
            remember_trade(trade.symbol, trade.id);
            continue;
          }
          auto* t = find(order_id->second);
          if (t == nullptr) continue;
          if (!seen_trade(trade.symbol, trade.id)) {
            if (what.sync) ++report.fills_recovered;
            apply_fill(*t, trade.price, trade.quantity, trade.commission, trade.commission_asset,
                       trade.id, trade.time, events);
            touched.insert(t->order.client_order_id);
          }
        }
        for (const auto& id : touched) {
          if (auto* t = find(id)) settle(*t, events);
        }
        if (what.sync) sync_answered();
        return;
      }
    }
    if (what.sync) sync_failed("trades of " + std::string{what.symbol.view()}, c.message);
    const auto symbol = what.symbol;
    const bool sync = what.sync;
    at(retry_delay(c, sync_failures), [this, symbol, sync] {
      if (sync) --sync_outstanding;
      send_trades(symbol, sync);
    });
  }

  // --- the user data stream -------------------------------------------------------------------

  paper::VenueEvents on_execution(const ExecutionReport& e) {
    paper::VenueEvents events;
    auto* t = find_on(e.symbol, e.our_client_order_id());
    if (t == nullptr) {
      if (!infos.count(e.symbol.view())) return events;
      if (e.status == BinanceOrderStatus::new_order ||
          e.status == BinanceOrderStatus::partially_filled) {
        // Someone else's open order on our account: the next sweep decides (cancel or adopt).
        notes.push_back("execution report for unknown order " + e.our_client_order_id());
      }
      return events;
    }
    if (t->never_placed) {
      notes.push_back("order " + t->order.client_order_id +
                      " turned up on Binance after it was concluded never placed");
      revive(*t);
    }
    index_venue_id(*t, e.order_id);
    if (t->phase == Phase::sending || t->phase == Phase::unknown) t->phase = Phase::open;
    announce(*t, events);
    if (e.execution_type == "TRADE") {
      apply_fill(*t, e.last_price, e.last_quantity, e.commission, e.commission_asset, e.trade_id,
                 e.transaction_time, events);
    }
    if (e.cumulative_quantity > t->venue_executed) t->venue_executed = e.cumulative_quantity;
    switch (e.status) {
      case BinanceOrderStatus::filled:
        t->phase = Phase::final;
        break;
      case BinanceOrderStatus::canceled:
      case BinanceOrderStatus::expired:
      case BinanceOrderStatus::expired_in_match:
        finish(*t, paper::OrderStatus::cancelled, events);
        break;
      case BinanceOrderStatus::rejected:
        finish(*t, paper::OrderStatus::rejected, events, "rejected by Binance: " + e.reject_reason);
        break;
      default:
        break;
    }
    if (t->venue_executed > t->order.filled_quantity && t->phase == Phase::final) {
      send_trades(t->order.symbol, false);
    }
    settle(*t, events);
    return events;
  }

  void on_list_status(const ListStatus& s) {
    auto it = lists.find(s.list_client_order_id);
    if (it == lists.end()) return;
    if (s.list_order_status == "ALL_DONE" || s.list_order_status == "REJECT") {
      it->second.active = false;
    }
    for (const auto& [venue_id, client_id] : s.orders) {
      if (auto* leg = find(client_id)) index_venue_id(*leg, venue_id);
    }
  }

  // --- state ---------------------------------------------------------------------------------

  nlohmann::json state_json() const {
    using nlohmann::json;
    json out;
    out["version"] = 1;
    json order_rows = json::array();
    std::vector<const Tracked*> finals;
    for (const auto& [id, t] : orders) {
      if (t.phase == Phase::final) {
        finals.push_back(&t);
      } else {
        order_rows.push_back(order_json(t));
      }
    }
    std::sort(finals.begin(), finals.end(), [](const Tracked* a, const Tracked* b) {
      return a->order.updated_ms > b->order.updated_ms;
    });
    if (finals.size() > kKeptFinalOrders) finals.resize(kKeptFinalOrders);
    for (const auto* t : finals) order_rows.push_back(order_json(*t));
    out["orders"] = std::move(order_rows);
    json pos = json::array();
    for (const auto& [symbol, p] : positions) {
      json row{{"symbol", std::string{symbol.view()}},
               {"quantity", p.quantity.to_string()},
               {"average_entry_price", p.average_entry_price.to_string()},
               {"decision_id", p.decision_id},
               {"opened_ms", p.opened_ms}};
      if (p.protection) {
        row["stop_loss"] = p.protection->stop_loss.to_string();
        row["take_profit"] = p.protection->take_profit.to_string();
      }
      pos.push_back(std::move(row));
    }
    out["positions"] = std::move(pos);
    json list_rows = json::array();
    for (const auto& [id, l] : lists) {
      if (!l.active) continue;
      list_rows.push_back({{"list_id", l.list_id},
                           {"symbol", std::string{l.symbol.view()}},
                           {"decision_id", l.decision_id},
                           {"stop_loss_id", l.stop_loss_id},
                           {"take_profit_id", l.take_profit_id},
                           {"quantity", l.quantity.to_string()}});
    }
    out["lists"] = std::move(list_rows);
    json trades = json::object();
    for (const auto& [symbol, ids] : trade_order) {
      trades[std::string{symbol.view()}] = json(std::vector<std::int64_t>(ids.begin(), ids.end()));
    }
    out["trade_ids"] = std::move(trades);
    return out;
  }

  static nlohmann::json order_json(const Tracked& t) {
    const auto& o = t.order;
    nlohmann::json row{{"client_order_id", o.client_order_id},
                       {"decision_id", o.decision_id},
                       {"symbol", std::string{o.symbol.view()}},
                       {"side", paper::to_string(o.side)},
                       {"quantity", o.quantity.to_string()},
                       {"filled_quantity", o.filled_quantity.to_string()},
                       {"filled_quote", o.filled_quote.to_string()},
                       {"fees", o.fees.to_string()},
                       {"status", paper::to_string(o.status)},
                       {"created_ms", o.created_ms},
                       {"updated_ms", o.updated_ms},
                       {"purpose", paper::to_string(t.purpose)},
                       {"phase", to_string(t.phase)},
                       {"venue_order_id", t.venue_order_id},
                       {"venue_executed", t.venue_executed.to_string()},
                       {"announced", t.announced},
                       {"never_placed", t.never_placed},
                       {"watched_exit", t.watched_exit},
                       {"list_id", t.list_id}};
    if (o.protection) {
      row["stop_loss"] = o.protection->stop_loss.to_string();
      row["take_profit"] = o.protection->take_profit.to_string();
    }
    return row;
  }

  std::optional<std::string> restore_json(const nlohmann::json& state) {
    try {
      if (!state.is_object() || state.value("version", 0) != 1) {
        return std::string{"not a version 1 Binance book"};
      }
      auto dec = [](const nlohmann::json& row, const char* key) -> Decimal {
        auto v = Decimal::parse(row.at(key).get<std::string>());
        if (!v) throw std::runtime_error(std::string{"bad decimal in "} + key);
        return *v;
      };
      auto sym = [](const nlohmann::json& row) {
        auto s = core::Symbol::parse(row.at("symbol").get<std::string>());
        if (!s) throw std::runtime_error("bad symbol");
        return *s;
      };
      auto protection = [&](const nlohmann::json& row) -> std::optional<paper::Protection> {
        if (!row.contains("stop_loss")) return std::nullopt;
        return paper::Protection{dec(row, "stop_loss"), dec(row, "take_profit")};
      };
      decltype(orders) new_orders;
      decltype(by_venue_id) new_by_venue;
      for (const auto& row : state.at("orders")) {
        Tracked t;
        auto& o = t.order;
        o.client_order_id = row.at("client_order_id").get<std::string>();
        o.decision_id = row.at("decision_id").get<std::string>();
        o.symbol = sym(row);
        o.side = paper::parse_side(row.at("side").get<std::string>()).value_or(Side::buy);
        o.quantity = dec(row, "quantity");
        o.filled_quantity = dec(row, "filled_quantity");
        o.filled_quote = dec(row, "filled_quote");
        o.fees = dec(row, "fees");
        o.status = paper::parse_order_status(row.at("status").get<std::string>())
                       .value_or(paper::OrderStatus::open);
        o.created_ms = row.at("created_ms").get<std::int64_t>();
        o.updated_ms = row.at("updated_ms").get<std::int64_t>();
        o.protection = protection(row);
        t.purpose =
            parse_purpose(row.at("purpose").get<std::string>()).value_or(OrderPurpose::entry);
        t.phase = parse_phase(row.at("phase").get<std::string>()).value_or(Phase::unknown);
        t.venue_order_id = row.at("venue_order_id").get<std::int64_t>();
        t.venue_executed = dec(row, "venue_executed");
        t.announced = row.at("announced").get<bool>();
        t.never_placed = row.at("never_placed").get<bool>();
        t.watched_exit = row.value("watched_exit", false);
        t.list_id = row.at("list_id").get<std::string>();
        if (t.venue_order_id > 0) new_by_venue[{o.symbol, t.venue_order_id}] = o.client_order_id;
        new_orders[o.client_order_id] = std::move(t);
      }
      decltype(positions) new_positions;
      for (const auto& row : state.at("positions")) {
        paper::Position p;
        p.symbol = sym(row);
        p.quantity = dec(row, "quantity");
        p.average_entry_price = dec(row, "average_entry_price");
        p.decision_id = row.at("decision_id").get<std::string>();
        p.opened_ms = row.at("opened_ms").get<std::int64_t>();
        p.protection = protection(row);
        new_positions[p.symbol] = std::move(p);
      }
      decltype(lists) new_lists;
      for (const auto& row : state.at("lists")) {
        ListInfo l;
        l.list_id = row.at("list_id").get<std::string>();
        l.symbol = sym(row);
        l.decision_id = row.at("decision_id").get<std::string>();
        l.stop_loss_id = row.at("stop_loss_id").get<std::string>();
        l.take_profit_id = row.at("take_profit_id").get<std::string>();
        l.quantity = dec(row, "quantity");
        l.active = true;
        new_lists[l.list_id] = std::move(l);
      }
      decltype(trade_order) new_trade_order;
      decltype(trade_ids) new_trade_ids;
      decltype(last_trade_id) new_last;
      for (const auto& [name, ids] : state.at("trade_ids").items()) {
        auto symbol = core::Symbol::parse(name);
        if (!symbol) throw std::runtime_error("bad symbol in trade ids");
        for (const auto& id : ids) {
          const auto v = id.get<std::int64_t>();
          new_trade_order[*symbol].push_back(v);
          new_trade_ids[*symbol].insert(v);
          auto& last = new_last[*symbol];
          last = std::max(last, v);
        }
      }
      orders = std::move(new_orders);
      by_venue_id = std::move(new_by_venue);
      positions = std::move(new_positions);
      lists = std::move(new_lists);
      trade_order = std::move(new_trade_order);
      trade_ids = std::move(new_trade_ids);
      last_trade_id = std::move(new_last);
      ready = false;
      return std::nullopt;
    } catch (const std::exception& e) {
      return std::string{"unreadable Binance book: "} + e.what();
    }
  }
};

}  // namespace autotrader::binance

namespace autotrader::binance {

nlohmann::json to_json(const ReconcileReport& r) {
  return {{"complete", r.complete},
          {"open_orders_on_venue", r.open_orders_on_venue},
          {"orders_resolved", r.orders_resolved},
          {"fills_recovered", r.fills_recovered},
          {"unknown_adopted", r.unknown_adopted},
          {"unknown_cancelled", r.unknown_cancelled},
          {"protections_armed", r.protections_armed},
          {"discrepancies", r.discrepancies}};
}

ExecutionEngine::ExecutionEngine(ExecutionOptions options,
                                 std::shared_ptr<const RequestSigner> signer,
                                 std::shared_ptr<const core::Clock> clock)
    : impl_{std::make_unique<Impl>()} {
  auto& m = *impl_;
  for (const auto& info : options.symbols) {
    m.filters.emplace(std::string{info.symbol.view()}, SymbolFilters{info});
    m.infos.emplace(std::string{info.symbol.view()}, info);
  }
  m.options = std::move(options);
  m.signer = std::move(signer);
  m.clock = std::move(clock);
}

ExecutionEngine::~ExecutionEngine() = default;

nlohmann::json ExecutionEngine::state() const {
  return impl_->state_json();
}

std::optional<std::string> ExecutionEngine::restore(const nlohmann::json& state) {
  return impl_->restore_json(state);
}

void ExecutionEngine::reconcile() {
  impl_->start_sync(true);
}

void ExecutionEngine::sweep() {
  impl_->start_sync(false);
}

void ExecutionEngine::set_stream_up(bool up) {
  auto& m = *impl_;
  m.stream_up = up;
  // Polling while the stream is down (or never came up): a sweep every poll_interval until it
  // is back. A stream that flaps keeps the one pending chain.
  if (!up) m.arm_polling();
  if (up) m.arm_safety_sweep();
}

bool ExecutionEngine::ready() const {
  return impl_->ready;
}

std::string ExecutionEngine::blocked_reason() const {
  return impl_->blocked;
}

const ReconcileReport& ExecutionEngine::last_reconcile() const {
  return impl_->report;
}

bool ExecutionEngine::take_reconciled() {
  return std::exchange(impl_->reconciled, false);
}

std::vector<std::string> ExecutionEngine::take_journal() {
  return std::exchange(impl_->journal, {});
}

std::vector<std::string> ExecutionEngine::take_notes() {
  return std::exchange(impl_->notes, {});
}

const ServerClock& ExecutionEngine::server_clock() const {
  return impl_->server_clock;
}

bool ExecutionEngine::credentials_refused() const {
  return impl_->credentials_refused;
}

paper::VenueEvents ExecutionEngine::place(const paper::OrderRequest& request) {
  auto& m = *impl_;
  paper::VenueEvents events;
  auto refuse = [&](paper::RejectReason reason, std::string message) {
    events.push_back(m.reject(request, reason, std::move(message)));
    return events;
  };
  if (!paper::is_valid_client_order_id(request.client_order_id)) {
    return refuse(paper::RejectReason::invalid_client_order_id, "invalid client order id");
  }
  if (m.orders.count(request.client_order_id) != 0) {
    return refuse(paper::RejectReason::duplicate_client_order_id,
                  "an order with this client id exists already");
  }
  if (!m.ready) {
    return refuse(paper::RejectReason::not_ready,
                  m.blocked.empty() ? "not yet reconciled with Binance" : m.blocked);
  }
  const auto* f = m.filters_of(request.symbol);
  if (f == nullptr) {
    return refuse(paper::RejectReason::invalid_symbol,
                  "not a symbol of this Binance account's configuration");
  }
  if (request.quantity.is_zero() || request.quantity.is_negative()) {
    return refuse(paper::RejectReason::invalid_quantity, "quantity must be positive");
  }
  auto quantity = request.quantity;
  if (request.side == Side::buy) {
    if (!request.protection) {
      return refuse(paper::RejectReason::missing_protection, "a BUY needs its stop and target");
    }
    if (request.protection->stop_loss.is_zero() || request.protection->stop_loss.is_negative() ||
        request.protection->stop_loss >= request.protection->take_profit) {
      return refuse(paper::RejectReason::invalid_protection,
                    "stop-loss must lie between 0 and the take-profit");
    }
  } else {
    auto pos = m.positions.find(request.symbol);
    if (pos == m.positions.end()) {
      return refuse(paper::RejectReason::no_position, "no position to sell");
    }
    quantity = std::min(quantity, pos->second.quantity);
  }
  const auto rounded = f->round_quantity(quantity, OrderKind::market);
  if (!rounded || rounded->is_zero()) {
    return refuse(paper::RejectReason::invalid_quantity,
                  "quantity " + quantity.to_string() + " is below the symbol's step");
  }
  if (auto price = m.prices.find(request.symbol); price != m.prices.end()) {
    if (auto violation =
            f->check(OrderKind::market, request.side, price->second, *rounded, std::nullopt)) {
      return refuse(paper::RejectReason::invalid_quantity,
                    "Filter failure: " + violation->filter + " (" + violation->detail + ")");
    }
  }
  Tracked t;
  t.order.client_order_id = request.client_order_id;
  t.order.decision_id = request.decision_id;
  t.order.symbol = request.symbol;
  t.order.side = request.side;
  t.order.quantity = *rounded;
  if (request.side == Side::buy) t.order.protection = request.protection;
  t.order.created_ms = t.order.updated_ms = m.wall_ms();
  t.purpose = request.side == Side::buy ? OrderPurpose::entry : OrderPurpose::exit;
  const bool hold = request.side == Side::sell && m.has_active_list(request.symbol);
  t.phase = hold ? Phase::held : Phase::sending;
  m.orders[request.client_order_id] = std::move(t);
  if (hold) {
    // The list's legs lock the base asset: cancel it, then sell.
    for (const auto& [id, list] : m.lists) {
      if (list.active && list.symbol == request.symbol) m.send_cancel_list(list, true);
    }
  } else {
    m.send_place(request.client_order_id);
  }
  return events;
}

paper::VenueEvents ExecutionEngine::cancel(std::string_view client_order_id) {
  auto& m = *impl_;
  paper::VenueEvents events;
  auto* t = m.find(client_order_id);
  if (t == nullptr) {
    events.push_back(paper::OrderRejected{
        std::string{client_order_id}, {}, paper::RejectReason::unknown_order, "no such order"});
    return events;
  }
  if (t->phase == Phase::final) {
    events.push_back(paper::OrderRejected{t->order.client_order_id, t->order.symbol,
                                          paper::RejectReason::order_not_open,
                                          "the order is no longer open"});
    return events;
  }
  if (t->phase == Phase::held) {
    m.finish(*t, paper::OrderStatus::cancelled, events);
    return events;
  }
  auto request = cancel_order_request(t->order.symbol, t->order.client_order_id, m.sign_context());
  if (request) {
    m.queue(RequestKind::cancel, std::move(*request),
            Pending{What::cancel_order, t->order.client_order_id, t->order.symbol}, false);
  }
  return events;
}

std::vector<Outgoing> ExecutionEngine::take_outgoing() {
  return std::exchange(impl_->outgoing, {});
}

paper::VenueEvents ExecutionEngine::on_reply(std::uint64_t id, const ReplyInput& reply) {
  return impl_->on_reply(id, reply);
}

paper::VenueEvents ExecutionEngine::on_user_event(const UserEvent& event) {
  auto& m = *impl_;
  if (const auto* e = std::get_if<ExecutionReport>(&event)) return m.on_execution(*e);
  if (const auto* s = std::get_if<ListStatus>(&event)) {
    m.on_list_status(*s);
  } else if (const auto* a = std::get_if<AccountPosition>(&event)) {
    for (const auto& b : a->balances) m.balances[b.asset] = b;
  }
  return {};
}

paper::VenueEvents ExecutionEngine::on_price(const core::Symbol& symbol,
                                             const core::Decimal& price) {
  auto& m = *impl_;
  paper::VenueEvents events;
  if (m.infos.count(symbol.view()) == 0) return events;
  m.prices[symbol] = price;
  m.watch_exit(symbol, price, events);
  // A protected position without its list on Binance (refused while the price was outside the
  // band, or never placed) gets it again once the price is back inside.
  auto pos = m.positions.find(symbol);
  if (m.ready && m.options.use_oco && pos != m.positions.end() && pos->second.protection &&
      price > pos->second.protection->stop_loss && price < pos->second.protection->take_profit &&
      !m.has_active_list(symbol) && !m.sell_in_flight(symbol) &&
      m.rearm_after_cancel.count(symbol) == 0) {
    const auto now = m.steady();
    auto last = m.last_rearm_on_price.find(symbol);
    if (last == m.last_rearm_on_price.end() || now - last->second >= m.options.poll_interval) {
      m.last_rearm_on_price[symbol] = now;
      m.arm(symbol, events);
    }
  }
  return events;
}

paper::VenueEvents ExecutionEngine::on_timer() {
  auto& m = *impl_;
  const auto now = m.steady();
  std::vector<std::function<void()>> due;
  while (!m.timers.empty() && m.timers.begin()->first <= now) {
    due.push_back(std::move(m.timers.begin()->second));
    m.timers.erase(m.timers.begin());
  }
  for (auto& action : due) action();
  return {};
}

std::optional<std::chrono::steady_clock::time_point> ExecutionEngine::next_wake() const {
  if (impl_->timers.empty()) return std::nullopt;
  return impl_->timers.begin()->first;
}

std::optional<paper::Order> ExecutionEngine::order(std::string_view client_order_id) const {
  auto it = impl_->orders.find(client_order_id);
  if (it == impl_->orders.end()) return std::nullopt;
  return it->second.order;
}

std::vector<paper::Order> ExecutionEngine::open_orders() const {
  std::vector<paper::Order> out;
  for (const auto& [id, t] : impl_->orders) {
    if (t.phase != Phase::final) out.push_back(t.order);
  }
  return out;
}

std::vector<paper::Balance> ExecutionEngine::balances() const {
  std::vector<paper::Balance> out;
  for (const auto& [asset, b] : impl_->balances) out.push_back(b);
  return out;
}

std::vector<paper::Position> ExecutionEngine::positions() const {
  std::vector<paper::Position> out;
  for (const auto& [symbol, p] : impl_->positions) out.push_back(p);
  return out;
}

std::optional<paper::Position> ExecutionEngine::position(const core::Symbol& symbol) const {
  auto it = impl_->positions.find(symbol);
  if (it == impl_->positions.end()) return std::nullopt;
  return it->second;
}

std::optional<core::Decimal> ExecutionEngine::last_price(const core::Symbol& symbol) const {
  auto it = impl_->prices.find(symbol);
  if (it == impl_->prices.end()) return std::nullopt;
  return it->second;
}

core::Decimal ExecutionEngine::quote_balance() const {
  auto it = impl_->balances.find(impl_->options.quote_asset);
  if (it == impl_->balances.end()) return {};
  return plus(it->second.free, it->second.locked);
}

core::Decimal ExecutionEngine::equity() const {
  auto& m = *impl_;
  auto total = quote_balance();
  for (const auto& [name, info] : m.infos) {
    auto b = m.balances.find(info.base_asset);
    auto price = m.prices.find(info.symbol);
    if (b == m.balances.end() || price == m.prices.end()) continue;
    total = plus(total, times(plus(b->second.free, b->second.locked), price->second));
  }
  return total;
}

}  // namespace autotrader::binance
