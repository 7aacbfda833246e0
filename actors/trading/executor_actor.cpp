#include "actors/trading/executor_actor.hpp"

#include <map>
#include <optional>
#include <set>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/feed/protocol.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/state_loading.hpp"
#include "actors/trading/trading_shared.hpp"
#include "core/fault.hpp"
#include "supervision/supervisor.hpp"
#include "venues/paper/client_order_id.hpp"
#include "venues/paper/state_json.hpp"

namespace autotrader::trading_actors {
namespace {

using TimePoint = std::chrono::system_clock::time_point;
constexpr std::chrono::minutes kEquitySampleInterval{1};

struct ExecutorState {
  ExecutorConfig config;
  std::unique_ptr<paper::PaperBroker> broker;
  // The decision context of each order placed by this instance, for its trade rows.
  std::map<std::string, nlohmann::json> contexts;
  // Realized P&L of exit orders still filling, for the trade outcome when they complete.
  std::map<std::string, core::Decimal> exit_pnl;
  StateLoading loading;
  // When the last equity sample went to the storage actor (none yet: the first price sends one).
  std::optional<std::chrono::steady_clock::time_point> last_equity_sample;
  static inline const char* name = "executor";
};

using Self = caf::stateful_actor<ExecutorState>;

spdlog::logger* log_of(Self* self) {
  return self->state.config.log.get();
}

TimePoint from_ms(core::TimestampMs ms) {
  return TimePoint{std::chrono::milliseconds{ms}};
}

double to_double(const core::Decimal& value) {
  return value.to_double();
}

store::OrderRow order_row(const paper::Order& order, const std::string& venue,
                          const std::string& type) {
  store::OrderRow row;
  row.client_order_id = order.client_order_id;
  row.decision_id = order.decision_id;
  row.venue = venue;
  row.symbol = std::string{order.symbol.view()};
  row.side = paper::to_string(order.side);
  row.type = type;
  row.quantity = order.quantity;
  row.status = paper::to_string(order.status);
  row.created_at = from_ms(order.created_ms);
  row.updated_at = from_ms(order.updated_ms);
  return row;
}

// The account as risk and the decision loop see it, and as GET /api/positions shows it.
AccountUpdate account_of(const paper::PaperBroker& broker) {
  AccountUpdate update;
  update.portfolio.cash = broker.quote_balance();
  update.portfolio.equity = broker.equity().value_or(broker.quote_balance());
  update.positions = broker.positions();
  for (const auto& position : update.positions) {
    update.portfolio.positions.push_back(
        {position.symbol, position.quantity,
         broker.last_price(position.symbol).value_or(position.average_entry_price)});
  }
  return update;
}

nlohmann::json account_json(const paper::PaperBroker& broker, const std::string& quote_asset) {
  nlohmann::json positions = nlohmann::json::array();
  for (const auto& p : broker.positions()) {
    const auto mark = broker.last_price(p.symbol).value_or(p.average_entry_price);
    const auto unrealized =
        (mark.to_double() - p.average_entry_price.to_double()) * p.quantity.to_double();
    nlohmann::json row{{"symbol", std::string{p.symbol.view()}},
                       {"quantity", p.quantity.to_string()},
                       {"average_entry_price", p.average_entry_price.to_string()},
                       {"mark_price", mark.to_string()},
                       {"unrealized_pnl", unrealized},
                       {"decision_id", p.decision_id},
                       {"opened_ms", p.opened_ms},
                       {"stop_loss", nullptr},
                       {"take_profit", nullptr}};
    if (p.protection) {
      row["stop_loss"] = p.protection->stop_loss.to_string();
      row["take_profit"] = p.protection->take_profit.to_string();
    }
    positions.push_back(std::move(row));
  }
  return {{"equity", broker.equity().value_or(broker.quote_balance()).to_string()},
          {"cash", broker.quote_balance().to_string()},
          {"quote_asset", quote_asset},
          {"positions", positions}};
}

void count_events(Self* self, const paper::VenueEvents& events) {
  auto* metrics = self->state.config.shared->metrics();
  if (metrics == nullptr) return;
  const std::string venue{self->state.broker->name()};
  for (const auto& event : events) {
    if (const auto* accepted = std::get_if<paper::OrderAccepted>(&event)) {
      metrics->count_order(venue, paper::to_string(accepted->order.side), "accepted");
    } else if (const auto* fill = std::get_if<paper::Fill>(&event)) {
      metrics->count_fill(venue, paper::to_string(fill->side));
      if (fill->remaining_quantity.is_zero()) {
        metrics->count_order(venue, paper::to_string(fill->side), "filled");
      }
    } else if (const auto* rejected = std::get_if<paper::OrderRejected>(&event)) {
      const auto order = self->state.broker->order(rejected->client_order_id);
      metrics->count_order(venue, order ? paper::to_string(order->side) : "BUY", "rejected");
    } else if (const auto* cancelled = std::get_if<paper::OrderCancelled>(&event)) {
      const auto order = self->state.broker->order(cancelled->client_order_id);
      metrics->count_order(venue, order ? paper::to_string(order->side) : "SELL", "cancelled");
    } else if (const auto* exit = std::get_if<paper::ProtectiveExit>(&event)) {
      metrics->count_protective_exit(venue, paper::to_string(exit->kind));
    }
  }
}

// Sends today's equity to the storage actor after a batch of events, and on prices alone at
// most once per kEquitySampleInterval: the chart needs a point per day, and a write per tick
// would cost a transaction on every price. Sent after the batch, so it arrives after it.
void record_equity(Self* self, bool after_batch) {
  auto& st = self->state;
  const auto now = st.config.clock->steady_now();
  if (!after_batch && st.last_equity_sample &&
      now - *st.last_equity_sample < kEquitySampleInterval) {
    return;
  }
  auto storage = st.config.shared->storage.get();
  if (!storage) return;
  st.last_equity_sample = now;
  const auto& broker = *st.broker;
  self->send(storage, store_equity_atom::value,
             EquitySample{broker.equity().value_or(broker.quote_balance()).to_double(),
                          broker.quote_balance().to_double()});
}

// Persists a batch of events (with the positions as they were before it, for hold times) and
// tells the trader about the account. `request` is the order that caused the batch, if any.
void after_events(Self* self, const paper::VenueEvents& events,
                  const std::map<core::Symbol, paper::Position>& before,
                  const paper::OrderRequest* request, bool forward_events) {
  auto& st = self->state;
  auto& broker = *st.broker;
  const std::string venue{broker.name()};
  VenueBatch batch;
  batch.venue = venue;
  batch.quote_asset = st.config.broker.quote_asset;
  batch.events = events;
  AccountUpdate update;
  std::set<core::Symbol> touched;
  for (const auto& event : events) {
    if (const auto* accepted = std::get_if<paper::OrderAccepted>(&event)) {
      batch.new_orders.push_back(order_row(accepted->order, venue, "MARKET"));
    } else if (const auto* rejected = std::get_if<paper::OrderRejected>(&event)) {
      if (request && rejected->reason != paper::RejectReason::duplicate_client_order_id) {
        // The venue never knew it; the database keeps it with its reason in the log.
        paper::Order order;
        order.client_order_id = request->client_order_id;
        order.decision_id = request->decision_id;
        order.symbol = request->symbol;
        order.side = request->side;
        order.quantity = request->quantity;
        order.status = paper::OrderStatus::rejected;
        order.created_ms = order.updated_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  st.config.clock->wall_now().time_since_epoch())
                                                  .count();
        if (paper::is_valid_client_order_id(order.client_order_id)) {
          batch.new_orders.push_back(order_row(order, venue, "MARKET"));
        }
      }
      if (auto* log = log_of(self)) {
        log->warn("executor: order {} {} rejected: {} ({})", rejected->client_order_id,
                  rejected->symbol.view(), paper::to_string(rejected->reason), rejected->message);
      }
    } else if (const auto* exit = std::get_if<paper::ProtectiveExit>(&event)) {
      if (const auto order = broker.order(exit->client_order_id)) {
        batch.new_orders.push_back(order_row(
            *order, venue,
            exit->kind == paper::ProtectiveKind::stop_loss ? "STOP_LOSS" : "TAKE_PROFIT"));
      }
      if (auto* log = log_of(self)) {
        log->info("executor: {} {} hit at {} (trigger {})", exit->symbol.view(),
                  paper::to_string(exit->kind), exit->market_price.to_string(),
                  exit->trigger_price.to_string());
      }
    } else if (const auto* fill = std::get_if<paper::Fill>(&event)) {
      touched.insert(fill->symbol);
      store::TradeRow trade;
      trade.timestamp = from_ms(fill->time);
      trade.ticker = std::string{fill->symbol.view()};
      trade.action = paper::to_string(fill->side);
      trade.price = to_double(fill->price);
      trade.quantity = to_double(fill->quantity);
      trade.pnl = to_double(fill->realized_pnl);
      if (auto it = st.contexts.find(fill->client_order_id); it != st.contexts.end()) {
        trade.indicators = it->second;
      }
      trade.indicators["client_order_id"] = fill->client_order_id;
      if (fill->side == paper::Side::sell) {
        const auto held = before.find(fill->symbol);
        const auto opened = held != before.end() ? held->second.opened_ms : fill->time;
        trade.hold_time = static_cast<double>(fill->time - opened) / 1000.0;
        auto& pnl = st.exit_pnl[fill->client_order_id];
        if (auto sum = core::add(pnl, fill->realized_pnl)) pnl = *sum;
        if (fill->remaining_quantity.is_zero()) {
          update.closed.push_back({fill->symbol, pnl, trade.hold_time});
          st.exit_pnl.erase(fill->client_order_id);
        }
      }
      if (fill->remaining_quantity.is_zero()) st.contexts.erase(fill->client_order_id);
      batch.trades.push_back(std::move(trade));
    }
  }
  for (const auto& symbol : touched) {
    if (const auto position = broker.position(symbol)) {
      store::PositionRow row;
      row.venue = venue;
      row.symbol = std::string{symbol.view()};
      row.quantity = position->quantity;
      row.avg_entry_price = position->average_entry_price;
      if (position->protection) {
        row.stop_loss = position->protection->stop_loss;
        row.take_profit = position->protection->take_profit;
      }
      row.opened_at = from_ms(position->opened_ms);
      row.updated_at = st.config.clock->wall_now();
      batch.positions.push_back(std::move(row));
    } else {
      batch.closed_symbols.push_back(std::string{symbol.view()});
    }
  }
  count_events(self, events);
  // A price update that changed nothing but the last price is not persisted: a restarted broker
  // gets its next price from the next candle.
  auto storage = events.empty() ? caf::actor{} : st.config.shared->storage.get();
  if (storage) {
    batch.broker_state = paper::to_json(broker.state());
    // The storage actor reports a failure to the trader itself (which halts); the log here
    // says which batch it was.
    self->request(storage, st.config.storage_timeout, store_venue_atom::value, std::move(batch))
        .then([](const StoreResult&) {},
              [self](const caf::error& error) {
                if (auto* log = log_of(self)) {
                  log->error("executor: storage did not confirm a batch of venue events: {}",
                             to_string(error));
                }
              });
  } else if (auto* log = log_of(self); log && !events.empty()) {
    log->error("executor: storage is down; a batch of {} venue events is not persisted",
               events.size());
  }
  record_equity(self, !events.empty());
  auto trader = st.config.shared->trader.get();
  if (trader && forward_events && !events.empty()) {
    self->send(trader, exec_events_atom::value, EventsMsg{events});
  }
  st.config.shared->publish_account(account_json(broker, st.config.broker.quote_asset));
  const auto account = account_of(broker);
  update.portfolio = account.portfolio;
  update.positions = account.positions;
  if (auto* metrics = st.config.shared->metrics()) {
    metrics->set_account(update.portfolio.equity.to_double(), update.portfolio.cash.to_double(),
                         update.portfolio.open_positions());
  }
  if (trader) self->send(trader, exec_account_atom::value, std::move(update));
}

std::map<core::Symbol, paper::Position> positions_of(const paper::PaperBroker& broker) {
  std::map<core::Symbol, paper::Position> out;
  for (auto& position : broker.positions()) out.emplace(position.symbol, position);
  return out;
}

caf::behavior ready_behavior(Self* self);

// The paper account as the storage actor kept it, or a new one.
void start_account(Self* self, const StateDoc& doc);

void load(Self* self) {
  request_state(self, self->state.loading,
                [self](const StateDoc& doc) { start_account(self, doc); });
}

void start_account(Self* self, const StateDoc& doc) {
  auto& st = self->state;
  const auto it = doc.value.find("executor");
  if (it == doc.value.end() || it->is_null()) {
    st.broker = std::make_unique<paper::PaperBroker>(st.config.broker, *st.config.clock);
    if (auto* log = log_of(self)) {
      log->info("executor: new paper account with {} {}",
                st.config.broker.initial_balance.to_string(), st.config.broker.quote_asset);
    }
  } else {
    std::string error;
    auto state = paper::state_from_json(*it, error);
    if (!state) {
      // Never invent balances over a damaged record: stay down and say why.
      if (auto* log = log_of(self)) {
        log->critical(
            "executor: the stored paper account is unreadable ({}); not "
            "trading until it is repaired or removed",
            error);
      }
      self->quit(
          caf::make_error(caf::sec::runtime_error, "stored paper account unreadable: " + error));
      return;
    }
    st.broker =
        std::make_unique<paper::PaperBroker>(st.config.broker, *st.config.clock, std::move(*state));
    if (auto* log = log_of(self)) {
      log->info("executor: paper account restored: {} {} and {} position(s)",
                st.broker->quote_balance().to_string(), st.config.broker.quote_asset,
                st.broker->positions().size());
    }
  }
  st.config.shared->executor.set(caf::actor_cast<caf::actor>(self));
  st.config.shared->publish_account(account_json(*st.broker, st.config.broker.quote_asset));
  if (auto trader = st.config.shared->trader.get()) {
    self->send(trader, exec_account_atom::value, account_of(*st.broker));
  }
  self->set_default_handler(caf::print_and_drop);
  self->become(ready_behavior(self));
}

caf::behavior ready_behavior(Self* self) {
  return supervision::supervised(
      self, caf::behavior{
                [self](exec_place_atom, const OrderMessage& message) -> EventsMsg {
                  auto& st = self->state;
                  core::fault::point("executor.before_place");
                  const auto before = positions_of(*st.broker);
                  st.contexts[message.request.client_order_id] = message.context;
                  auto events = st.broker->place(message.request);
                  after_events(self, events, before, &message.request, false);
                  return EventsMsg{std::move(events)};
                },
                [self](exec_account_atom) { return account_of(*self->state.broker); },
                [self](const feed::SnapshotUpdate& update) {
                  auto& st = self->state;
                  if (update.venue != st.config.feed_venue) return;
                  const auto price = core::Decimal::from_double(update.snapshot.last_price, 8,
                                                                core::Rounding::half_even);
                  if (!price) return;
                  const auto before = positions_of(*st.broker);
                  // Fills are stamped with our wall time, like the audit trail and the decisions
                  // (a simulated market may run far ahead of it).
                  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                                        st.config.clock->wall_now().time_since_epoch())
                                        .count();
                  auto events = st.broker->on_price(update.snapshot.symbol, *price, wall);
                  after_events(self, events, before, nullptr, true);
                },
                [](const feed::CandleClosed&) {},
                [](const feed::DataStale&) {},
                [](load_state_atom) {},
            });
}

caf::behavior executor_actor(Self* self, ExecutorConfig config) {
  self->state.config = std::move(config);
  auto& st = self->state;
  self->attach_functor(
      [shared = st.config.shared, addr = self->address()] { shared->executor.forget(addr); });
  core::fault::point("executor.start");
  st.config.feeds->subscribe(st.config.feed_venue, caf::actor_cast<caf::actor>(self));
  // Orders wait in the mailbox until the account has loaded; prices meanwhile are dropped (the
  // next one comes with the next candle).
  st.loading = {st.config.shared, st.config.storage_timeout, st.config.load_retry,
                st.config.log,    "the paper account",       0};
  self->set_default_handler(caf::skip);
  load(self);
  return loading_behavior(self, [self] { load(self); });
}

}  // namespace

caf::actor spawn_executor_actor(caf::event_based_actor& parent, ExecutorConfig config) {
  return parent.spawn(executor_actor, std::move(config));
}

}  // namespace autotrader::trading_actors
