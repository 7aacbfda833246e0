#include "actors/trading/executor_actor.hpp"

#include <map>
#include <optional>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/feed/protocol.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/state_loading.hpp"
#include "actors/trading/trading_shared.hpp"
#include "actors/trading/venue_batch.hpp"
#include "core/fault.hpp"
#include "supervision/supervisor.hpp"
#include "venues/paper/client_order_id.hpp"
#include "venues/paper/state_json.hpp"

namespace autotrader::trading_actors {
namespace {

constexpr std::chrono::minutes kEquitySampleInterval{1};

struct ExecutorState {
  ExecutorConfig config;
  std::unique_ptr<paper::PaperBroker> broker;
  // Decision contexts and the P&L of exits still filling, for the trade rows.
  BatchMemory memory;
  StateLoading loading;
  // When the last equity sample went to the storage actor (none yet: the first price sends one).
  std::optional<std::chrono::steady_clock::time_point> last_equity_sample;
  static inline const char* name = "executor";
};

using Self = caf::stateful_actor<ExecutorState>;

spdlog::logger* log_of(Self* self) {
  return self->state.config.log.get();
}

VenueView venue_view(const paper::PaperBroker& broker, const std::string& quote_asset) {
  return {std::string{broker.name()}, quote_asset,
          [&broker](std::string_view id) { return broker.order(id); },
          [&broker](const core::Symbol& symbol) { return broker.position(symbol); }};
}

// The paper account as risk, the decision loop and GET /api/positions see it.
AccountSnapshot snapshot_of(const paper::PaperBroker& broker) {
  return {broker.equity().value_or(broker.quote_balance()), broker.quote_balance(),
          broker.positions(),
          [&broker](const core::Symbol& symbol) { return broker.last_price(symbol); }};
}

AccountUpdate account_of(const paper::PaperBroker& broker) {
  return account_update(snapshot_of(broker));
}

nlohmann::json account_json(const paper::PaperBroker& broker, const std::string& quote_asset) {
  return trading_actors::account_json(snapshot_of(broker), quote_asset);
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
  const auto view = venue_view(broker, st.config.broker.quote_asset);
  auto built =
      build_batch(view, events, before, request, st.memory, *st.config.clock, log_of(self));
  auto& batch = built.batch;
  AccountUpdate update;
  update.closed = std::move(built.closed);
  count_events(st.config.shared->metrics(), view, events);
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
                  st.memory.contexts[message.request.client_order_id] = message.context;
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
