#include "actors/trading/trader_actor.hpp"

#include <map>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/feed/protocol.hpp"
#include "actors/llm/protocol.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/state_loading.hpp"
#include "actors/trading/trading_shared.hpp"
#include "core/fault.hpp"
#include "risk/engine.hpp"
#include "risk/state.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::trading_actors {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

constexpr std::chrono::seconds kEquityPersistPeriod{5};

struct TraderState {
  TraderConfig config;
  std::unique_ptr<risk::RiskEngine> risk;  // before the loop, which borrows it
  std::unique_ptr<trading::DecisionLoop> loop;
  risk::RiskState persisted;
  std::chrono::steady_clock::time_point persisted_at{};
  // When the AI answer of each decision arrived (decision-to-order latency).
  std::map<std::string, std::chrono::steady_clock::time_point> answered;
  // The market data of each decision about to be executed, for its trade rows.
  std::map<std::string, nlohmann::json> contexts;
  trading::LoopStatus counted;  // the counters already turned into metrics
  StateLoading loading;
  static inline const char* name = "trader";
};

using Self = caf::stateful_actor<TraderState>;

spdlog::logger* log_of(Self* self) {
  return self->state.config.log.get();
}
TimePoint now(Self* self) {
  return self->state.config.clock->wall_now();
}

nlohmann::json risk_json(const risk::RiskEngine& engine) {
  auto json = risk::state_to_json(engine.state());
  json.erase("recent_outcomes");
  const auto& s = engine.state();
  json["kill_switch"] = s.halt_cause == risk::HaltCause::kill_switch;
  double daily_pnl = 0;
  double drawdown = 0;
  if (s.last_equity && s.day_start_equity) {
    daily_pnl = s.last_equity->to_double() - s.day_start_equity->to_double();
  }
  if (s.last_equity && s.equity_peak && s.equity_peak->to_double() > 0) {
    drawdown = std::max(0.0, 1.0 - s.last_equity->to_double() / s.equity_peak->to_double());
  }
  json["daily_pnl"] = daily_pnl;
  json["drawdown"] = drawdown;
  return json;
}

// Whether a changed risk state is written now. Everything but the equity figures at once; the
// equity figures (the last equity, a new peak), which move with every price, at most every
// kEquityPersistPeriod: after a crash the next price restores them, and a halt they cause is
// itself written at once.
bool must_persist(Self* self, const risk::RiskState& state) {
  auto& st = self->state;
  auto equity_only = state;
  equity_only.last_equity = st.persisted.last_equity;
  equity_only.equity_peak = st.persisted.equity_peak;
  const auto now = st.config.clock->steady_now();
  if (equity_only != st.persisted || now - st.persisted_at >= kEquityPersistPeriod) {
    st.persisted_at = now;
    return true;
  }
  return false;
}

// Persists risk's state when it changed, publishes the views and refreshes the gauges.
void after_change(Self* self) {
  auto& st = self->state;
  if (!st.loop) return;
  const auto& state = st.risk->state();
  if (state != st.persisted && must_persist(self, state)) {
    const auto previous = st.persisted.trading_state();
    st.persisted = state;
    if (previous != state.trading_state()) {
      if (auto* log = log_of(self)) {
        if (state.trading_state() == risk::TradingState::halted) {
          log->error("risk: trading state {} ({}: {})", risk::to_string(state.trading_state()),
                     risk::to_string(state.halt_cause), state.halt_message);
        } else {
          log->warn("risk: trading state {}", risk::to_string(state.trading_state()));
        }
      }
    }
    if (auto storage = st.config.shared->storage.get()) {
      // A failure is reported to this actor by the storage actor itself.
      self->request(storage, st.config.storage_timeout, store_state_atom::value,
                    StateWrite{"risk", risk::state_to_json(state)})
          .then([](const StoreResult&) {}, [](const caf::error&) {});
    } else if (auto* log = log_of(self)) {
      log->error("risk: the storage actor is down; the risk state is not persisted yet");
    }
  }
  const auto& status = st.loop->status();
  nlohmann::json history = nlohmann::json::array();
  for (auto it = st.loop->history().rbegin(); it != st.loop->history().rend(); ++it) {
    history.push_back(trading::to_json(*it));  // newest first
  }
  auto risk = risk_json(*st.risk);
  st.config.shared->publish_trader(trading::to_json(status, st.loop->autonomous()),
                                   std::move(history), risk, true);
  if (auto* metrics = st.config.shared->metrics()) {
    metrics->set_risk(risk::to_string(st.risk->trading_state()), risk["kill_switch"],
                      risk["daily_pnl"], risk["drawdown"]);
    metrics->count_skipped("in_flight",
                           status.candles_skipped_in_flight - st.counted.candles_skipped_in_flight);
    metrics->count_skipped("warm_up",
                           status.candles_skipped_warm_up - st.counted.candles_skipped_warm_up);
  }
  st.counted = status;
}

void halt(Self* self, const std::string& message) {
  auto& st = self->state;
  if (st.risk->trading_state() != risk::TradingState::halted) st.risk->halt(message);
  if (auto* log = log_of(self)) log->critical("trading halted: {}", message);
}

void count_decision(Self* self, const trading::RecordDecision& decision) {
  auto* metrics = self->state.config.shared->metrics();
  if (metrics == nullptr) return;
  const auto& record = decision.record;
  const auto final_decision = record.find("final_decision");
  std::string outcome = "hold";
  if (final_decision != record.end() && final_decision->is_object()) {
    outcome = final_decision->value("reason", outcome);
  }
  if (outcome != "ai_error") {
    metrics->count_decision(decision.action, decision.provider.empty() ? "none" : decision.provider,
                            decision.confidence);
  }
  metrics->count_outcome(outcome);
  const auto validation = record.find("risk_validation");
  if (validation != record.end() && validation->is_object()) {
    const auto rejections = validation->find("rejections");
    if (rejections != validation->end() && rejections->is_array()) {
      for (const auto& rejection : *rejections) {
        if (rejection.is_object()) metrics->count_risk_rejection(rejection.value("reason", ""));
      }
    }
  }
}

void run(Self* self, trading::Effects effects);

void on_ai_reply(Self* self, std::uint64_t id, const llm_actors::PoolReply& reply) {
  auto& st = self->state;
  trading::AiReplyInfo info;
  info.elapsed = reply.elapsed;
  if (!reply.attempts.empty()) {
    info.primary_failed = reply.attempts.front().outcome != "success";
    info.backup_used = reply.decision.provider != reply.attempts.front().provider;
  }
  auto effects = st.loop->on_ai_reply(id, reply.decision, info, now(self));
  for (const auto& effect : effects) {
    if (const auto* audit = std::get_if<trading::WriteAudit>(&effect)) {
      st.answered[audit->decision_id] = st.config.clock->steady_now();
    }
  }
  run(self, std::move(effects));
}

void ask_ai(Self* self, const trading::AskAi& ask) {
  auto& st = self->state;
  auto pool = st.config.pool ? st.config.pool->get() : caf::actor{};
  const auto id = ask.request_id;
  if (!pool) {
    run(self, st.loop->on_ai_error(id, "the AI pool is not running", now(self)));
    return;
  }
  self->request(pool, st.config.ask_timeout, llm_actors::llm_analyze_atom::value, ask.input)
      .then([self, id](const llm_actors::PoolReply& reply) { on_ai_reply(self, id, reply); },
            [self, id](const caf::error& error) {
              run(self, self->state.loop->on_ai_error(
                            id, "the AI pool did not answer: " + to_string(error), now(self)));
            });
}

void write_audit(Self* self, const trading::WriteAudit& write) {
  auto& st = self->state;
  const auto id = write.decision_id;
  auto storage = st.config.shared->storage.get();
  if (!storage) {
    run(self, st.loop->on_audit_written(id, false, "the storage actor is not running", now(self)));
    return;
  }
  self->request(storage, st.config.storage_timeout, store_audit_atom::value, write)
      .then(
          [self, id](const StoreResult& result) {
            run(self, self->state.loop->on_audit_written(id, result.ok, result.error, now(self)));
          },
          [self, id](const caf::error& error) {
            run(self,
                self->state.loop->on_audit_written(
                    id, false, "the storage actor did not answer: " + to_string(error), now(self)));
          });
}

void record_decision(Self* self, const trading::RecordDecision& decision) {
  auto& st = self->state;
  count_decision(self, decision);
  if (decision.executed) {
    const auto market = decision.record.find("market_data");
    nlohmann::json context{{"decision_id", decision.decision_id},
                           {"provider", decision.provider},
                           {"confidence", decision.confidence}};
    if (market != decision.record.end() && market->is_object()) {
      for (const char* key : {"indicators", "trend", "volume_ratio", "price"}) {
        if (auto it = market->find(key); it != market->end()) context[key] = *it;
      }
    }
    st.contexts[decision.decision_id] = std::move(context);
  } else {
    st.answered.erase(decision.decision_id);
  }
  auto storage = st.config.shared->storage.get();
  if (!storage) {
    halt(self, "the decision " + decision.decision_id +
                   " cannot be recorded: the storage actor is not running");
    return;
  }
  self->request(storage, st.config.storage_timeout, store_decision_atom::value, decision)
      .then(
          [self, id = decision.decision_id](const StoreResult& result) {
            if (!result.ok) {
              halt(self, "the decision " + id + " was not recorded: " + result.error);
              after_change(self);
            }
          },
          [self, id = decision.decision_id](const caf::error& error) {
            halt(self, "the decision " + id + " was not recorded: " + to_string(error));
            after_change(self);
          });
}

void place_order(Self* self, const trading::PlaceOrder& order) {
  auto& st = self->state;
  const auto id = order.decision_id;
  OrderMessage message{order.request, nlohmann::json::object()};
  if (auto it = st.contexts.find(id); it != st.contexts.end()) {
    message.context = std::move(it->second);
    st.contexts.erase(it);
  }
  auto executor = st.config.shared->executor.get();
  if (!executor) {
    // Nothing was sent: the venue never saw it, so nothing can be duplicated either.
    if (auto* log = log_of(self)) {
      log->error("order {} for decision {} not sent: the executor is not running",
                 order.request.client_order_id, id);
    }
    st.answered.erase(id);
    return;
  }
  if (auto* log = log_of(self)) {
    log->info("order {} {} {} {} (decision {})", order.request.client_order_id,
              paper::to_string(order.request.side), order.request.quantity.to_string(),
              order.request.symbol.view(), id);
  }
  self->request(executor, st.config.executor_timeout, exec_place_atom::value, std::move(message))
      .then(
          [self, id](const EventsMsg& events) {
            auto& st = self->state;
            if (auto it = st.answered.find(id); it != st.answered.end()) {
              if (auto* metrics = st.config.shared->metrics()) {
                metrics->observe_decision_to_order(
                    std::chrono::duration<double>(st.config.clock->steady_now() - it->second)
                        .count());
              }
              st.answered.erase(it);
            }
            for (const auto& event : events.events) st.loop->on_venue_event(event);
            after_change(self);
          },
          [self, id, client_id = order.request.client_order_id](const caf::error& error) {
            // The outcome is unknown: the venue's answer (or its state after a restart) says;
            // the same client order id is never sent again blindly.
            self->state.answered.erase(id);
            if (auto* log = log_of(self)) {
              log->error(
                  "order {} (decision {}): no answer from the executor ({}); its outcome "
                  "shows in the venue's state",
                  client_id, id, to_string(error));
            }
          });
}

void run(Self* self, trading::Effects effects) {
  for (auto& effect : effects) {
    if (auto* ask = std::get_if<trading::AskAi>(&effect)) {
      ask_ai(self, *ask);
    } else if (auto* audit = std::get_if<trading::WriteAudit>(&effect)) {
      write_audit(self, *audit);
    } else if (auto* decision = std::get_if<trading::RecordDecision>(&effect)) {
      record_decision(self, *decision);
    } else if (auto* order = std::get_if<trading::PlaceOrder>(&effect)) {
      place_order(self, *order);
    } else if (auto* halted = std::get_if<trading::RiskHalted>(&effect)) {
      if (auto* log = log_of(self)) log->critical("trading halted: {}", halted->message);
    }
  }
  after_change(self);
}

caf::behavior ready_behavior(Self* self) {
  return supervision::supervised(
      self,
      caf::behavior{
          [self](const feed::SnapshotUpdate& update) {
            auto& st = self->state;
            if (update.venue != st.config.feed_venue) return;
            core::fault::point("trader.snapshot");
            st.risk->on_time(now(self));
            run(self, st.loop->on_snapshot(update.snapshot));
          },
          [](const feed::CandleClosed&) {},
          [](const feed::DataStale&) {},
          [self](exec_account_atom, const AccountUpdate& update) {
            auto& st = self->state;
            st.loop->set_account(update.portfolio, update.positions);
            st.risk->on_equity(update.portfolio.equity, now(self));
            for (const auto& closed : update.closed) {
              st.risk->on_trade_closed(closed.realized_pnl);
              if (auto* log = log_of(self)) {
                log->info("trade closed: {} P&L {:.2f} after {:.0f} s", closed.symbol.view(),
                          closed.realized_pnl.to_double(), closed.hold_seconds);
              }
            }
            after_change(self);
          },
          [self](exec_events_atom, const EventsMsg& events) {
            for (const auto& event : events.events) self->state.loop->on_venue_event(event);
            after_change(self);
          },
          [self](storage_failed_atom, const std::string& message) {
            halt(self, "storage: " + message);
            after_change(self);
          },
          [self](trader_kill_atom, bool engage, const std::string& reason, const HttpReply& reply) {
            auto& st = self->state;
            if (engage) {
              st.risk->kill_switch(reason.empty() ? "kill switch engaged via the API" : reason);
              if (auto* log = log_of(self)) {
                log->critical("kill switch engaged: {}", st.risk->state().halt_message);
              }
            } else {
              std::string why_not;
              if (!st.risk->resume(&why_not)) {
                reply.respond(
                    net::HttpResponse::json(409, {{"error", "trading stays halted: " + why_not},
                                                  {"risk", risk_json(*st.risk)}}));
                return;
              }
              if (auto* log = log_of(self)) log->warn("trading resumed via the API");
            }
            after_change(self);
            reply.respond(net::HttpResponse::json(200, {{"risk", risk_json(*st.risk)}}));
          },
          [self](trader_risk_atom, const std::string& state,
                 const std::string& reason) -> caf::result<std::string> {
            auto& st = self->state;
            if (state == "REDUCING" || state == "ACTIVE") {
              st.risk->set_reducing(state == "REDUCING");
              if (auto* log = log_of(self)) {
                log->warn("risk: reducing {} by the health monitor: {}",
                          state == "REDUCING" ? "set" : "lifted", reason);
              }
            } else if (state == "HALTED") {
              halt(self, reason);
            } else {
              return caf::make_error(caf::sec::invalid_argument, "unknown risk state: " + state);
            }
            after_change(self);
            return std::string{risk::to_string(st.risk->trading_state())};
          },
          [self](trader_toggle_atom) {
            auto& st = self->state;
            const bool enabled = st.config.shared->autonomous();
            if (enabled != st.loop->autonomous() && log_of(self)) {
              log_of(self)->warn("autonomous mode {}", enabled ? "on" : "off (paused)");
            }
            st.loop->set_autonomous(enabled);
            after_change(self);
          },
          [](load_state_atom) {},
      });
}

// Builds the engine and the loop from the stored risk state.
void start_trading(Self* self, const StateDoc& doc) {
  auto& st = self->state;
  risk::RiskState state;
  std::string problem;
  if (auto it = doc.value.find("risk"); it != doc.value.end() && !it->is_null()) {
    std::string error;
    if (auto restored = risk::state_from_json(*it, &error)) {
      state = std::move(*restored);
    } else {
      problem = "the stored risk state is unreadable (" + error + ")";
    }
  }
  st.risk = std::make_unique<risk::RiskEngine>(st.config.risk, state);
  if (!problem.empty()) st.risk->halt(problem + "; check it, then resume");
  st.persisted = st.risk->state();
  if (!problem.empty()) st.persisted = risk::RiskState{};  // persist the halt
  auto options = st.config.loop;
  options.autonomous_mode = st.config.shared->autonomous();
  st.loop = std::make_unique<trading::DecisionLoop>(std::move(options), *st.risk);
  if (auto* log = log_of(self)) {
    log->info("trader: {} symbol(s), autonomous {}, trading state {}{}",
              st.config.loop.symbols.size(), st.loop->autonomous() ? "on" : "off (paused)",
              risk::to_string(st.risk->trading_state()),
              st.risk->trading_state() == risk::TradingState::halted
                  ? " (" + st.risk->state().halt_message + ")"
                  : std::string{});
  }
  if (auto* metrics = st.config.shared->metrics()) metrics->set_trader_ready(true);
  self->set_default_handler(caf::print_and_drop);
  self->become(ready_behavior(self));
  after_change(self);
  if (auto executor = st.config.shared->executor.get()) {
    self->request(executor, st.config.executor_timeout, exec_account_atom::value)
        .then(
            [self](const AccountUpdate& update) {
              auto& st = self->state;
              st.loop->set_account(update.portfolio, update.positions);
              st.risk->on_equity(update.portfolio.equity, now(self));
              after_change(self);
            },
            [](const caf::error&) {});  // the executor sends the account when it is ready
  }
}

void load(Self* self) {
  request_state(self, self->state.loading,
                [self](const StateDoc& doc) { start_trading(self, doc); });
}

caf::behavior trader_actor(Self* self, TraderConfig config) {
  self->state.config = std::move(config);
  auto& st = self->state;
  st.config.shared->trader.set(caf::actor_cast<caf::actor>(self));
  self->attach_functor([shared = st.config.shared, addr = self->address()] {
    shared->trader.forget(addr);
    shared->set_trader_running(false);
    if (auto* metrics = shared->metrics()) metrics->set_trader_ready(false);
  });
  core::fault::point("trader.start");
  st.config.feeds->subscribe(st.config.feed_venue, caf::actor_cast<caf::actor>(self));
  // Account updates and operator commands wait in the mailbox until the state has loaded;
  // candles meanwhile start no decision.
  st.loading = {st.config.shared,
                st.config.storage_timeout,
                st.config.load_retry,
                st.config.log,
                "the risk state (no decisions until it loads)",
                0};
  self->set_default_handler(caf::skip);
  load(self);
  return loading_behavior(self, [self] { load(self); });
}

}  // namespace

caf::actor spawn_trader_actor(caf::event_based_actor& parent, TraderConfig config) {
  return parent.spawn(trader_actor, std::move(config));
}

}  // namespace autotrader::trading_actors
