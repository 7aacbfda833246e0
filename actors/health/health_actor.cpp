#include "actors/health/health_actor.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/llm/pool_actor.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/trading_shared.hpp"
#include "store/rows.hpp"
#include "supervision/protocol.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::health_actors {
namespace {

using health_tick_atom = caf::atom_constant<caf::atom("hl_tick")>;
using health_retry_atom = caf::atom_constant<caf::atom("hl_retry")>;

// While the storage actor has no handle (the branch is starting or restarting), the round is
// run again this soon rather than a whole interval later, so that /readyz turns ready within a
// second of the start instead of one interval.
constexpr std::chrono::milliseconds kStorageRetry{1'000};
using health::Action;
using health::CheckResult;
using health::Step;

struct HealthState {
  HealthConfig config;
  caf::actor_addr supervisor;  // weak: the supervisor owns this actor, not the other way round
  bool round_running = false;
  static inline const char* name = "health";
};

using Self = caf::stateful_actor<HealthState>;

spdlog::logger* log_of(Self* self) {
  return self->state.config.log.get();
}

// The trader's word for a risk action.
const char* risk_state(Action action) {
  switch (action) {
    case Action::risk_reducing:
      return "REDUCING";
    case Action::risk_halted:
      return "HALTED";
    default:
      return "ACTIVE";
  }
}

void record(Self* self, const Step& step, const std::string& outcome, const std::string& detail) {
  auto& st = self->state;
  if (auto* metrics = st.config.shared->metrics()) metrics->count_incident(step.check, step.action);
  if (auto* log = log_of(self)) {
    const auto level = outcome == "recovered" ? spdlog::level::info
                       : outcome == "failed"  ? spdlog::level::err
                                              : spdlog::level::warn;
    log->log(level, "health: {} {} ({}): {}", step.check, outcome, health::to_string(step.action),
             detail);
  }
  store::IncidentRow row;
  row.time = st.config.clock->wall_now();
  row.check = step.check;
  row.action = std::string{health::to_string(step.action)};
  row.outcome = outcome;
  row.detail = detail;
  auto storage = st.config.trading->storage.get();
  if (!storage) {
    if (auto* log = log_of(self)) log->error("health: incident not stored: the storage is down");
    return;
  }
  self->request(storage, st.config.action_timeout, trading_actors::store_incident_atom::value,
                std::move(row))
      .then(
          [self](const trading_actors::StoreResult& result) {
            if (!result.ok && log_of(self)) {
              log_of(self)->error("health: incident not stored: {}", result.error);
            }
          },
          [self](const caf::error& error) {
            if (auto* log = log_of(self)) {
              log->error("health: incident not stored: {}", caf::to_string(error));
            }
          });
}

void apply(Self* self, const Step& step) {
  auto& st = self->state;
  if (step.outcome != "pending" && step.action == Action::none) {
    record(self, step, step.outcome, step.detail);
    return;
  }
  // What the step's incident says once the action answered: a recovery stays a recovery.
  const auto done = step.outcome == "pending" ? std::string{"applied"} : step.outcome;
  if (step.action == Action::restart_child) {
    auto supervisor = caf::actor_cast<caf::actor>(st.supervisor);
    if (!supervisor) {
      record(self, step, "failed", step.detail + "; the supervisor is gone");
      return;
    }
    const auto detail = step.detail + "; restart " + step.target;
    self->request(supervisor, st.config.action_timeout, supervision::fault_atom::value, step.target,
                  supervision::Fault::crash("health: " + step.check))
        .then([self, step, detail](caf::ok_atom) { record(self, step, "applied", detail); },
              [self, step, detail](const caf::error& error) {
                record(self, step, "failed", detail + ": " + caf::to_string(error));
              });
    return;
  }
  auto trader = st.config.trading->trader.get();
  const std::string state = risk_state(step.action);
  const auto detail = step.detail + "; risk " + state;
  if (!trader) {
    record(self, step, "failed", detail + ": the trader is not running");
    return;
  }
  self->request(trader, st.config.action_timeout, trading_actors::trader_risk_atom::value, state,
                "health: " + step.check + ": " + step.detail)
      .then(
          [self, step, done, detail](const std::string& now) {
            record(self, step, done, detail + " (trading state " + now + ")");
          },
          [self, step, detail](const caf::error& error) {
            record(self, step, "failed", detail + ": " + caf::to_string(error));
          });
}

void finish_round(Self* self, std::vector<CheckResult> results) {
  auto& st = self->state;
  auto round = st.config.shared->evaluate(std::move(results), st.config.clock->wall_now());
  if (auto* metrics = st.config.shared->metrics()) {
    for (const auto& check : round.suppressed) metrics->count_suppressed(check);
  }
  if (!round.suppressed.empty() && log_of(self)) {
    log_of(self)->warn("health: {} restart request(s) held back by the cooldown",
                       round.suppressed.size());
  }
  for (const auto& step : round.steps) apply(self, step);
  st.round_running = false;
}

std::vector<CheckResult> immediate_checks(Self* self) {
  auto& config = self->state.config;
  const auto& thresholds = config.shared->thresholds();
  const auto now = config.clock->wall_now();
  std::vector<CheckResult> results;
  std::vector<CheckResult> feeds;
  bool any_fresh = false;
  bool any_failing = false;
  for (const auto& symbol : config.symbols) {
    std::optional<health::TimePoint> last;
    if (config.last_message) last = config.last_message(config.venue, symbol);
    feeds.push_back(health::market_data_fresh(
        config.venue, symbol, last, now, config.shared->watch_started(), thresholds.feed_max_age));
    any_fresh = any_fresh || feeds.back().status == health::Status::ok;
    any_failing = any_failing || feeds.back().status == health::Status::failing;
  }
  // A real venue counts as connected while any symbol's data is fresh (a dead connection stops
  // every symbol at once), as disconnected once a symbol is overdue, and as unknown before the
  // first message within the maximum age (a start: no restart then).
  std::optional<bool> connected;
  if (any_fresh) {
    connected = true;
  } else if (any_failing) {
    connected = false;
  }
  results.push_back(health::venue_connected(
      config.venue, connected,
      any_fresh
          ? "market data arriving"
          : (any_failing ? "no symbol has fresh market data" : "waiting for the first message")));
  for (auto& feed : feeds) results.push_back(std::move(feed));
  if (config.pool) {
    for (auto& provider : health::providers_usable(config.pool->status_json())) {
      results.push_back(std::move(provider));
    }
  }
  results.push_back(health::disk_free(config.disk ? config.disk() : read_disk(config.data_dir),
                                      thresholds.disk_min_free_ratio));
  results.push_back(
      health::memory_rss(config.rss ? config.rss() : read_rss(), thresholds.max_rss_bytes));
  return results;
}

void start_round(Self* self) {
  auto& st = self->state;
  if (st.round_running) {
    if (auto* log = log_of(self)) log->warn("health: the previous round is still running");
    return;
  }
  st.round_running = true;
  auto results = immediate_checks(self);
  auto storage = st.config.trading->storage.get();
  if (!storage) {
    results.push_back(health::storage_writable({false, false, {}, true}));
    finish_round(self, std::move(results));
    self->delayed_send(self, std::min(kStorageRetry, st.config.interval), health_retry_atom::value);
    return;
  }
  self->request(storage, st.config.probe_timeout, trading_actors::store_probe_atom::value)
      .then(
          [self, results](const trading_actors::StoreResult& probe) mutable {
            results.push_back(health::storage_writable({true, probe.ok, probe.error}));
            finish_round(self, std::move(results));
          },
          [self, results](const caf::error& error) mutable {
            results.push_back(health::storage_writable({false, false, caf::to_string(error)}));
            finish_round(self, std::move(results));
          });
}

caf::behavior health_actor(Self* self, HealthConfig config, caf::actor_addr supervisor) {
  self->state.config = std::move(config);
  self->state.supervisor = std::move(supervisor);
  self->send(self, health_tick_atom::value);
  return supervision::supervised(self, caf::behavior{
                                           [self](health_tick_atom) {
                                             self->delayed_send(self, self->state.config.interval,
                                                                health_tick_atom::value);
                                             start_round(self);
                                           },
                                           [self](health_retry_atom) { start_round(self); },
                                       });
}

}  // namespace

caf::actor spawn_health_actor(caf::event_based_actor& parent, HealthConfig config) {
  return parent.spawn(health_actor, std::move(config), parent.address());
}

}  // namespace autotrader::health_actors
