#include "actors/binance_exec/binance_executor_actor.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/feed/protocol.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/state_loading.hpp"
#include "actors/trading/trading_shared.hpp"
#include "actors/trading/venue_batch.hpp"
#include "core/fault.hpp"
#include "supervision/supervisor.hpp"
#include "venues/binance/endpoints.hpp"
#include "venues/binance/rest_codec.hpp"
#include "venues/binance/ws_api.hpp"

namespace autotrader::binance_exec {
namespace {

using namespace trading_actors;  // NOLINT: the branch's protocol
using bx_tick_atom = caf::atom_constant<caf::atom("bx_tick")>;
using bx_connect_atom = caf::atom_constant<caf::atom("bx_conn")>;
using bx_info_atom = caf::atom_constant<caf::atom("bx_info")>;

// Ids of the actor's own requests (exchangeInfo) and connections, apart from the engine's.
constexpr std::uint64_t kOwnIds = std::uint64_t{1} << 62;

struct State {
  BinanceExecutorConfig config;
  std::unique_ptr<OrderTransport> transport;
  std::unique_ptr<binance::ExecutionEngine> engine;
  BatchMemory memory;
  StateLoading loading;
  std::optional<StateDoc> doc;
  std::optional<std::vector<binance::SymbolInfo>> symbols;
  std::uint64_t next_own_id = kOwnIds;
  std::uint64_t info_request = 0;
  std::set<std::uint64_t> place_requests;  // answers that fire binance.after_send
  std::optional<std::chrono::steady_clock::time_point> wake_at;
  // The user data stream.
  std::uint64_t connection = 0;  // 0: none
  bool connected = false;
  bool subscribed = false;
  std::string subscribe_id;
  bool was_subscribed = false;
  std::unique_ptr<binance::ReconnectBackoff> backoff;
  bool last_blocked = false;
  bool ever_ready = false;  // reconciled once: the account is the venue's
  std::vector<caf::response_promise> account_waiters;
  static inline const char* name = "executor";
};

using Self = caf::stateful_actor<State>;

spdlog::logger* log_of(Self* self) {
  return self->state.config.log.get();
}

core::TimestampMs wall_ms(Self* self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             self->state.config.clock->wall_now().time_since_epoch())
      .count();
}

const std::string& quote_asset(Self* self) {
  return self->state.config.engine.quote_asset;
}

VenueView view_of(const binance::ExecutionEngine& engine, const std::string& quote) {
  return {"binance", quote, [&engine](std::string_view id) { return engine.order(id); },
          [&engine](const core::Symbol& symbol) { return engine.position(symbol); }};
}

std::map<core::Symbol, paper::Position> positions_of(const binance::ExecutionEngine& engine) {
  std::map<core::Symbol, paper::Position> out;
  for (auto& p : engine.positions()) out.emplace(p.symbol, p);
  return out;
}

nlohmann::json book_json(Self* self) {
  return {{"binance", self->state.engine->state()}};
}

// The link to the venue, for /api/autonomous-status.
nlohmann::json venue_status(Self* self) {
  auto& st = self->state;
  nlohmann::json out{{"venue", "binance"},
                     {"ready", st.engine && st.engine->ready()},
                     {"blocked_reason", nullptr},
                     {"user_stream", st.subscribed ? "up" : "down"},
                     {"reconciliation", nullptr}};
  if (!st.engine) {
    out["blocked_reason"] = st.symbols ? "loading the stored book" : "waiting for exchangeInfo";
    return out;
  }
  if (auto reason = st.engine->blocked_reason(); !reason.empty())
    out["blocked_reason"] = reason;
  else if (!st.engine->ready())
    out["blocked_reason"] = "reconciling with Binance";
  out["reconciliation"] = binance::to_json(st.engine->last_reconcile());
  return out;
}

AccountSnapshot snapshot_of(const binance::ExecutionEngine& engine) {
  return {engine.equity(), engine.quote_balance(), engine.positions(),
          [&engine](const core::Symbol& symbol) { return engine.last_price(symbol); }};
}

AccountUpdate account_of(const binance::ExecutionEngine& engine) {
  return account_update(snapshot_of(engine));
}

nlohmann::json account_json(Self* self) {
  auto out = trading_actors::account_json(snapshot_of(*self->state.engine), quote_asset(self));
  out["venue_status"] = venue_status(self);
  return out;
}

void publish(Self* self) {
  auto& st = self->state;
  if (!st.engine) {
    st.config.shared->publish_account({{"positions", nlohmann::json::array()},
                                       {"quote_asset", quote_asset(self)},
                                       {"venue_status", venue_status(self)}});
    return;
  }
  st.config.shared->publish_account(account_json(self));
}

void send_request(Self* self, const binance::Outgoing& out) {
  auto& st = self->state;
  if (out.places) {
    core::fault::point("binance.before_send");
    st.place_requests.insert(out.id);
  }
  st.transport->send(out.id, out.request);
}

// Sends what the engine queued; a batch with a place goes only after the book that holds it is
// in the database.
void flush(Self* self) {
  auto& st = self->state;
  auto outgoing = st.engine->take_outgoing();
  if (outgoing.empty()) return;
  const bool places = std::any_of(outgoing.begin(), outgoing.end(),
                                  [](const binance::Outgoing& o) { return o.places; });
  if (!places) {
    for (const auto& out : outgoing) send_request(self, out);
    return;
  }
  auto storage = st.config.shared->storage.get();
  if (!storage) {
    if (auto* log = log_of(self)) {
      log->error(
          "executor: storage is down; {} Binance request(s) held back (an order is never "
          "sent before it is recorded); the next reconciliation resolves them",
          outgoing.size());
    }
    return;
  }
  VenueBatch batch;
  batch.venue = "binance";
  batch.quote_asset = quote_asset(self);
  batch.broker_state = book_json(self);
  self->request(storage, st.config.storage_timeout, store_venue_atom::value, std::move(batch))
      .then(
          [self, outgoing](const StoreResult& result) {
            if (!result.ok) {
              if (auto* log = log_of(self)) {
                log->error(
                    "executor: the book could not be recorded ({}); {} Binance request(s) "
                    "not sent",
                    result.error, outgoing.size());
              }
              return;
            }
            for (const auto& out : outgoing) send_request(self, out);
          },
          [self, n = outgoing.size()](const caf::error& error) {
            if (auto* log = log_of(self)) {
              log->error(
                  "executor: storage did not confirm the book ({}); {} Binance request(s) "
                  "not sent",
                  to_string(error), n);
            }
          });
}

void schedule_wake(Self* self) {
  auto& st = self->state;
  const auto next = st.engine->next_wake();
  if (!next) return;
  if (st.wake_at && *st.wake_at <= *next) return;
  st.wake_at = next;
  const auto now = st.config.clock->steady_now();
  const auto delay = *next > now
                         ? std::chrono::duration_cast<std::chrono::milliseconds>(*next - now)
                         : std::chrono::milliseconds{0};
  self->delayed_send(self, delay + std::chrono::milliseconds{1}, bx_tick_atom::value);
}

void subscribe(Self* self);

// Everything that follows a change in the engine: its notes, the reconciliation's outcome, the
// published status, the queued requests and the next timer.
void housekeeping(Self* self) {
  auto& st = self->state;
  auto& engine = *st.engine;
  for (const auto& line : engine.take_journal()) {
    if (auto* log = log_of(self)) log->info("executor: {}", line);
  }
  for (const auto& note : engine.take_notes()) {
    if (auto* log = log_of(self)) log->warn("executor: {}", note);
  }
  if (engine.take_reconciled()) {
    const auto report = binance::to_json(engine.last_reconcile());
    if (auto* log = log_of(self)) log->info("executor: reconciled with Binance: {}", report.dump());
    if (auto* metrics = st.config.metrics.get()) metrics->count_reconciliation(true);
    if (auto storage = st.config.shared->storage.get()) {
      store::IncidentRow row;
      row.time = st.config.clock->wall_now();
      row.check = "reconciliation";
      row.action = "none";
      row.outcome = "recovered";
      row.detail = "reconciled with Binance: " + report.dump();
      self->request(storage, st.config.storage_timeout, store_incident_atom::value, std::move(row))
          .then([](const StoreResult&) {}, [](const caf::error&) {});
    }
    if (!st.ever_ready) {
      // The account is known now: risk gets it (never the zeros of an unreconciled book, which
      // would read as a 100% drawdown).
      st.ever_ready = true;
      for (auto& waiter : st.account_waiters) waiter.deliver(account_of(engine));
      st.account_waiters.clear();
      if (auto trader = st.config.shared->trader.get()) {
        self->send(trader, exec_account_atom::value, account_of(engine));
      }
    }
  }
  const bool blocked = !engine.blocked_reason().empty();
  if (blocked != st.last_blocked) {
    st.last_blocked = blocked;
    if (auto* metrics = st.config.metrics.get()) {
      metrics->set_reconciliation_failed(blocked);
      if (blocked) metrics->count_reconciliation(false);
    }
    if (auto* log = log_of(self)) {
      if (blocked) {
        log->critical("executor: not trading on Binance: {}", engine.blocked_reason());
      } else {
        log->info("executor: Binance link usable again");
      }
    }
  }
  if (st.connected && !st.subscribed && st.subscribe_id.empty() && engine.server_clock().synced()) {
    subscribe(self);
  }
  flush(self);
  schedule_wake(self);
  publish(self);
}

// Persists a batch of events, tells the trader, publishes the account.
void after_events(Self* self, const paper::VenueEvents& events,
                  const std::map<core::Symbol, paper::Position>& before,
                  const paper::OrderRequest* request, bool forward) {
  if (events.empty()) return;
  auto& st = self->state;
  auto& engine = *st.engine;
  const auto view = view_of(engine, quote_asset(self));
  auto built =
      build_batch(view, events, before, request, st.memory, *st.config.clock, log_of(self));
  count_events(st.config.shared->metrics(), view, events);
  const bool fills = std::any_of(events.begin(), events.end(), [](const paper::VenueEvent& e) {
    return std::holds_alternative<paper::Fill>(e);
  });
  if (fills) core::fault::point("binance.after_fill");
  if (auto storage = st.config.shared->storage.get()) {
    built.batch.broker_state = book_json(self);
    self->request(storage, st.config.storage_timeout, store_venue_atom::value,
                  std::move(built.batch))
        .then([](const StoreResult&) {},
              [self](const caf::error& error) {
                if (auto* log = log_of(self)) {
                  log->error("executor: storage did not confirm a batch of venue events: {}",
                             to_string(error));
                }
              });
  } else if (auto* log = log_of(self)) {
    log->error(
        "executor: storage is down; a batch of {} venue events is not persisted (the next "
        "reconciliation recovers its fills)",
        events.size());
  }
  auto trader = st.config.shared->trader.get();
  if (trader && forward) self->send(trader, exec_events_atom::value, EventsMsg{events});
  AccountUpdate update = account_of(engine);
  update.closed = std::move(built.closed);
  if (auto* metrics = st.config.shared->metrics()) {
    metrics->set_account(update.portfolio.equity.to_double(), update.portfolio.cash.to_double(),
                         update.portfolio.open_positions());
  }
  if (auto storage = st.config.shared->storage.get()) {
    self->send(
        storage, store_equity_atom::value,
        EquitySample{update.portfolio.equity.to_double(), update.portfolio.cash.to_double()});
  }
  if (trader && st.ever_ready) self->send(trader, exec_account_atom::value, std::move(update));
}

// --- the user data stream ------------------------------------------------------------------

void connect_stream(Self* self) {
  auto& st = self->state;
  st.connection = ++st.next_own_id;
  st.connected = false;
  st.subscribed = false;
  st.subscribe_id.clear();
  st.transport->open_ws(st.connection, st.config.ws_api_url);
}

void subscribe(Self* self) {
  auto& st = self->state;
  st.subscribe_id = "sub-" + std::to_string(st.connection);
  st.transport->send_ws(st.connection, binance::subscribe_signature_request(
                                           st.subscribe_id, *st.config.signer,
                                           st.engine->server_clock(), wall_ms(self)));
}

void stream_lost(Self* self, const std::string& why) {
  auto& st = self->state;
  const bool was_up = st.subscribed;
  st.connected = false;
  st.subscribed = false;
  st.subscribe_id.clear();
  st.connection = 0;
  if (auto* metrics = st.config.metrics.get()) {
    metrics->set_user_stream_up(false);
    metrics->count_user_stream_reconnect();
  }
  st.engine->set_stream_up(false);
  const auto delay = st.backoff->next();
  if (auto* log = log_of(self)) {
    log->warn(
        "executor: Binance user data stream {} ({}); reconnecting in {} ms; polling meanwhile",
        was_up ? "lost" : "not established", why, delay.count());
  }
  self->delayed_send(self, delay, bx_connect_atom::value);
}

void on_stream_text(Self* self, const std::string& text) {
  auto& st = self->state;
  auto frame = binance::decode_ws_api_frame(text);
  if (!frame) {
    if (auto* log = log_of(self)) {
      log->warn("executor: unreadable user data stream frame: {}", frame.error().message);
    }
    return;
  }
  if (const auto* response = std::get_if<binance::WsApiResponse>(&*frame)) {
    if (response->id != st.subscribe_id) return;
    if (response->status == 200) {
      st.subscribed = true;
      st.backoff->reset();
      if (auto* metrics = st.config.metrics.get()) metrics->set_user_stream_up(true);
      st.engine->set_stream_up(true);
      // Whatever happened while the stream was away: a full order-status check.
      if (st.engine->ready()) st.engine->sweep();
      if (auto* log = log_of(self)) {
        log->info("executor: Binance user data stream subscribed{}",
                  st.was_subscribed ? " again; checking every order" : "");
      }
      st.was_subscribed = true;
    } else {
      if (auto* log = log_of(self)) {
        log->error("executor: user data stream subscription refused ({} {}: {})", response->status,
                   response->error_code, response->error_message);
      }
      st.transport->close_ws(st.connection);
    }
    housekeeping(self);
    return;
  }
  const auto& event = std::get<binance::UserStreamEvent>(*frame);
  if (std::holds_alternative<binance::StreamTerminated>(event.event)) {
    st.transport->close_ws(st.connection);
    return;
  }
  const auto before = positions_of(*st.engine);
  auto events = st.engine->on_user_event(event.event);
  after_events(self, events, before, nullptr, true);
  housekeeping(self);
}

// --- behaviours ----------------------------------------------------------------------------

caf::behavior ready_behavior(Self* self) {
  return supervision::supervised(
      self, caf::behavior{
                [self](exec_place_atom, const OrderMessage& message) -> EventsMsg {
                  auto& st = self->state;
                  const auto before = positions_of(*st.engine);
                  st.memory.contexts[message.request.client_order_id] = message.context;
                  auto events = st.engine->place(message.request);
                  after_events(self, events, before, &message.request, false);
                  housekeeping(self);
                  return EventsMsg{std::move(events)};
                },
                [self](exec_account_atom) -> caf::result<AccountUpdate> {
                  auto& st = self->state;
                  if (st.ever_ready) return account_of(*st.engine);
                  st.account_waiters.push_back(self->make_response_promise());
                  return st.account_waiters.back();
                },
                [self](bx_reply_atom, std::uint64_t id, const RestOutcome& outcome) {
                  auto& st = self->state;
                  if (st.place_requests.erase(id) != 0) core::fault::point("binance.after_send");
                  if (auto* metrics = st.config.metrics.get()) {
                    metrics->count_request(
                        "rest", outcome.transport == binance::HttpOutcome::Transport::answered
                                    ? (outcome.status / 100 == 2 ? "ok" : "error")
                                    : "failed");
                  }
                  const auto before = positions_of(*st.engine);
                  auto events = st.engine->on_reply(
                      id,
                      binance::ReplyInput{outcome.view(), outcome.sent_ms, outcome.received_ms});
                  after_events(self, events, before, nullptr, true);
                  housekeeping(self);
                },
                [self](bx_tick_atom) {
                  auto& st = self->state;
                  st.wake_at.reset();
                  const auto before = positions_of(*st.engine);
                  auto events = st.engine->on_timer();
                  after_events(self, events, before, nullptr, true);
                  housekeeping(self);
                },
                [self](bx_connect_atom) {
                  if (self->state.connection == 0) connect_stream(self);
                },
                [self](bx_ws_open_atom, std::uint64_t connection) {
                  auto& st = self->state;
                  if (connection != st.connection) return;
                  st.connected = true;
                  housekeeping(self);  // subscribes once the server clock is synced
                },
                [self](bx_ws_text_atom, std::uint64_t connection, const std::string& text) {
                  if (connection != self->state.connection) return;
                  on_stream_text(self, text);
                },
                [self](bx_ws_closed_atom, std::uint64_t connection, const std::string& reason) {
                  if (connection != self->state.connection) return;
                  stream_lost(self, reason);
                  housekeeping(self);
                },
                [self](const feed::SnapshotUpdate& update) {
                  auto& st = self->state;
                  if (update.venue != st.config.feed_venue) return;
                  const auto price = core::Decimal::from_double(update.snapshot.last_price, 8,
                                                                core::Rounding::half_even);
                  if (!price) return;
                  const auto before = positions_of(*st.engine);
                  auto events = st.engine->on_price(update.snapshot.symbol, *price);
                  after_events(self, events, before, nullptr, true);
                  if (!events.empty() || st.engine->next_wake())
                    housekeeping(self);
                  else
                    flush(self);
                },
                [](const feed::CandleClosed&) {},
                [](const feed::DataStale&) {},
                [](load_state_atom) {},
                [](bx_info_atom) {},
            });
}

void try_start(Self* self) {
  auto& st = self->state;
  if (!st.doc || !st.symbols || st.engine) return;
  auto options = st.config.engine;
  options.symbols = *st.symbols;
  st.engine = std::make_unique<binance::ExecutionEngine>(std::move(options), st.config.signer,
                                                         st.config.clock);
  const auto it = st.doc->value.find("executor");
  if (it != st.doc->value.end() && it->is_object() && it->contains("binance")) {
    if (auto error = st.engine->restore((*it)["binance"])) {
      // Never trade over a damaged book: stay down and say why.
      if (auto* log = log_of(self)) {
        log->critical(
            "executor: the stored Binance book is unreadable ({}); not trading until "
            "it is repaired or removed",
            *error);
      }
      self->quit(caf::make_error(caf::sec::runtime_error, "stored Binance book unreadable"));
      return;
    }
    if (auto* log = log_of(self)) {
      log->info("executor: Binance book restored: {} open order(s), {} position(s); reconciling",
                st.engine->open_orders().size(), st.engine->positions().size());
    }
  } else if (auto* log = log_of(self)) {
    if (it != st.doc->value.end() && !it->is_null()) {
      log->warn(
          "executor: the stored account is not a Binance book (another mode's); starting "
          "a new Binance book from the venue's state");
    } else {
      log->info("executor: new Binance book; reconciling with the account");
    }
  }
  st.config.shared->executor.set(caf::actor_cast<caf::actor>(self));
  st.engine->reconcile();
  self->set_default_handler(caf::print_and_drop);
  self->become(ready_behavior(self));
  connect_stream(self);
  housekeeping(self);
}

void request_exchange_info(Self* self) {
  auto& st = self->state;
  const auto target = binance::exchange_info_target(st.config.symbols);
  binance::RestRequest request;
  request.method = binance::HttpMethod::get;
  const auto q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string::npos) request.query = target.substr(q + 1);
  request.weight = binance::kExchangeInfoWeight;
  st.info_request = ++st.next_own_id;
  st.transport->send(st.info_request, request);
}

void on_exchange_info(Self* self, const RestOutcome& outcome) {
  auto& st = self->state;
  std::string why;
  if (outcome.transport == binance::HttpOutcome::Transport::answered && outcome.status == 200) {
    if (auto info = binance::decode_exchange_info(outcome.body)) {
      std::vector<binance::SymbolInfo> symbols;
      std::vector<std::string> missing;
      for (const auto& symbol : st.config.symbols) {
        if (const auto* found = info->find(symbol)) {
          symbols.push_back(*found);
        } else {
          missing.emplace_back(symbol.view());
        }
      }
      if (!missing.empty() && log_of(self) != nullptr) {
        log_of(self)->error(
            "executor: Binance does not list {} symbol(s) of the configuration "
            "(first: {}); they are not traded",
            missing.size(), missing.front());
      }
      st.symbols = std::move(symbols);
      try_start(self);
      return;
    } else {
      why = info.error().message;
    }
  } else {
    why = outcome.error.empty() ? "HTTP " + std::to_string(outcome.status) : outcome.error;
  }
  if (auto* log = log_of(self)) {
    log->warn("executor: exchangeInfo unavailable ({}); retrying", why);
  }
  publish(self);
  self->delayed_send(self, st.config.exchange_info_retry, bx_info_atom::value);
}

void load(Self* self) {
  request_state(self, self->state.loading, [self](const StateDoc& doc) {
    self->state.doc = doc;
    try_start(self);
  });
}

caf::behavior executor_actor(Self* self, BinanceExecutorConfig config) {
  self->state.config = std::move(config);
  auto& st = self->state;
  self->attach_functor(
      [shared = st.config.shared, addr = self->address()] { shared->executor.forget(addr); });
  core::fault::point("executor.start");
  st.transport = st.config.transport(self->address());
  st.backoff = std::make_unique<binance::ReconnectBackoff>(
      st.config.stream_backoff, std::make_shared<core::SeededRandom>(static_cast<std::uint64_t>(
                                    st.config.clock->steady_now().time_since_epoch().count())));
  st.config.feeds->subscribe(st.config.feed_venue, caf::actor_cast<caf::actor>(self));
  st.loading = {st.config.shared, st.config.storage_timeout, st.config.load_retry,
                st.config.log,    "the Binance book",        0};
  self->set_default_handler(caf::skip);
  load(self);
  request_exchange_info(self);
  publish(self);
  return supervision::supervised(
      self, caf::behavior{
                [self](load_state_atom) { load(self); },
                [self](bx_info_atom) { request_exchange_info(self); },
                [self](bx_reply_atom, std::uint64_t id, const RestOutcome& outcome) {
                  if (id == self->state.info_request) on_exchange_info(self, outcome);
                },
                [](const feed::SnapshotUpdate&) {},
                [](const feed::CandleClosed&) {},
                [](const feed::DataStale&) {},
                [self](exec_place_atom, const OrderMessage& message) -> EventsMsg {
                  // Not started: refused at once rather than left waiting for a venue that may
                  // be unreachable for hours.
                  EventsMsg out;
                  out.events.push_back(paper::OrderRejected{
                      message.request.client_order_id, message.request.symbol,
                      paper::RejectReason::not_ready,
                      "the Binance executor is starting (book, exchangeInfo, reconciliation)"});
                  (void)self;
                  return out;
                },
            });
}

}  // namespace

caf::actor spawn_binance_executor_actor(caf::event_based_actor& parent,
                                        BinanceExecutorConfig config) {
  return parent.spawn(executor_actor, std::move(config));
}

// --- metrics -------------------------------------------------------------------------------

struct BinanceExecMetrics::Impl {
  prometheus::Gauge* reconciliation_failed = nullptr;
  prometheus::Family<prometheus::Counter>* reconciliations = nullptr;
  prometheus::Gauge* stream_up = nullptr;
  prometheus::Counter* stream_reconnects = nullptr;
  prometheus::Family<prometheus::Counter>* requests = nullptr;
};

BinanceExecMetrics::BinanceExecMetrics(prometheus::Registry& registry)
    : impl_{std::make_unique<Impl>()} {
  using namespace prometheus;
  impl_->reconciliation_failed =
      &BuildGauge()
           .Name("autotrader_reconciliation_failed")
           .Help(
               "1 while the executor cannot reconcile with the venue (it does not trade then; "
               "/api/autonomous-status says why), else 0")
           .Register(registry)
           .Add({});
  impl_->reconciliations = &BuildCounter()
                                .Name("autotrader_reconciliations_total")
                                .Help("Reconciliations with the venue, by result (ok, failed)")
                                .Register(registry);
  impl_->reconciliations->Add({{"result", "ok"}});
  impl_->reconciliations->Add({{"result", "failed"}});
  impl_->stream_up = &BuildGauge()
                          .Name("autotrader_user_stream_up")
                          .Help("1 while the venue's user data stream is subscribed, else 0")
                          .Register(registry)
                          .Add({});
  impl_->stream_reconnects = &BuildCounter()
                                  .Name("autotrader_user_stream_reconnects_total")
                                  .Help("Times the venue's user data stream was lost or refused")
                                  .Register(registry)
                                  .Add({});
  impl_->requests = &BuildCounter()
                         .Name("autotrader_venue_requests_total")
                         .Help("Signed venue requests by outcome (ok, error, failed: no answer)")
                         .Register(registry);
}

BinanceExecMetrics::~BinanceExecMetrics() = default;

void BinanceExecMetrics::set_reconciliation_failed(bool failed) {
  impl_->reconciliation_failed->Set(failed ? 1 : 0);
}

void BinanceExecMetrics::count_reconciliation(bool ok) {
  impl_->reconciliations->Add({{"result", ok ? "ok" : "failed"}}).Increment();
}

void BinanceExecMetrics::set_user_stream_up(bool up) {
  impl_->stream_up->Set(up ? 1 : 0);
}

void BinanceExecMetrics::count_user_stream_reconnect() {
  impl_->stream_reconnects->Increment();
}

void BinanceExecMetrics::count_request(const char* kind, const char* outcome) {
  impl_->requests->Add({{"kind", kind}, {"outcome", outcome}}).Increment();
}

}  // namespace autotrader::binance_exec
