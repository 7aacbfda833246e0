#include "actors/llm/pool_actor.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/llm/protocol.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::llm_actors {

void ProviderDirectory::set(const std::string& name, const caf::actor& actor) {
  std::lock_guard lock{mutex_};
  actors_[name] = actor;
}

caf::actor ProviderDirectory::get(const std::string& name) const {
  std::lock_guard lock{mutex_};
  auto it = actors_.find(name);
  return it == actors_.end() ? caf::actor{} : it->second;
}

void ProviderDirectory::forget(const caf::actor_addr& actor) {
  std::lock_guard lock{mutex_};
  for (auto it = actors_.begin(); it != actors_.end();) {
    it = it->second.address() == actor ? actors_.erase(it) : std::next(it);
  }
}

PoolShared::PoolShared(llm::Router router, std::shared_ptr<LlmMetrics> metrics)
    : router_{std::move(router)}, metrics_{std::move(metrics)} {
  if (metrics_) {
    router_.set_observer(metrics_.get());
    metrics_->preregister(router_);
  }
}

nlohmann::json PoolShared::status_json() const {
  std::lock_guard lock{mutex_};
  return router_.status_json();
}

namespace {

using deadline_atom = caf::atom_constant<caf::atom("llm_dline")>;
using hedge_atom = caf::atom_constant<caf::atom("llm_hedge")>;
using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr const char* kTechnical = "technical";

struct LiveCall {
  std::uint64_t id = 0;
  std::string provider;
  caf::actor_addr actor;
  SteadyTime started;
  bool hedge = false;
};

struct Analysis {
  llm::DecisionInput input;
  caf::response_promise promise;
  SteadyTime started;
  std::vector<std::string> tried;  // every provider asked, in order
  std::vector<LiveCall> live;      // at most two: the call and its hedge
  std::vector<Attempt> attempts;
  std::string last_failed;  // for autotrader_llm_fallbacks_total{from,to}
};

struct PoolState {
  std::map<std::uint64_t, Analysis> analyses;
  std::map<std::uint64_t, std::uint64_t> call_to_analysis;
  std::set<caf::actor_addr> monitored;
  std::uint64_t next_id = 1;
  static inline const char* name = "llm_pool";
};

using Self = caf::stateful_actor<PoolState>;

milliseconds since(SteadyTime start, const core::Clock& clock) {
  return std::chrono::duration_cast<milliseconds>(clock.steady_now() - start);
}

class Pool {
 public:
  Pool(Self* self, PoolConfig config) : self_{self}, config_{std::move(config)} {}

  void analyze(llm::DecisionInput input, caf::response_promise promise) {
    const auto id = self_->state.next_id++;
    auto& analysis = self_->state.analyses[id];
    analysis.input = std::move(input);
    analysis.promise = std::move(promise);
    analysis.started = config_.clock->steady_now();
    self_->delayed_send(self_, config_.analysis_timeout, deadline_atom::value, id);
    ask_next(id, analysis);
  }

  void on_outcome(ProviderOutcome& outcome) {
    auto link = self_->state.call_to_analysis.find(outcome.id);
    if (link == self_->state.call_to_analysis.end()) return;  // cancelled already: counted then
    const auto analysis_id = link->second;
    self_->state.call_to_analysis.erase(link);
    auto& analysis = self_->state.analyses.at(analysis_id);
    auto live = take_live(analysis, outcome.id);
    if (auto* decision = std::get_if<llm::Decision>(&outcome.result)) {
      shared().with_router([&](llm::Router& router) {
        return router.record_success(outcome.provider, outcome.latency, outcome.usage);
      });
      analysis.attempts.push_back({outcome.provider, "success", outcome.latency, {}, live.hedge});
      cancel_live(analysis, "cancelled", "another provider answered first");
      if (metrics()) metrics()->count_analysis("provider");
      reply(analysis_id, analysis, std::move(*decision), false);
      return;
    }
    fail_call(analysis_id, analysis, live, std::get<llm::Failure>(outcome.result), outcome.latency);
  }

  void on_deadline(std::uint64_t analysis_id) {
    auto it = self_->state.analyses.find(analysis_id);
    if (it == self_->state.analyses.end()) return;
    auto& analysis = it->second;
    if (log()) {
      log()->warn("analysis of {} passed its {} ms deadline: the technical provider answers",
                  analysis.input.symbol, config_.analysis_timeout.count());
    }
    const auto from = analysis.live.empty() ? analysis.last_failed : analysis.live.front().provider;
    // Calls still running are timeouts from the pool's point of view: a provider that is
    // always too slow must trip its breaker, not be cancelled forever at no cost.
    cancel_live(analysis, "timeout", "the analysis deadline passed");
    if (!from.empty()) record_fallback(from, kTechnical);
    if (metrics()) metrics()->count_analysis("deadline");
    answer_technically(analysis_id, analysis, true);
  }

  void on_hedge(std::uint64_t analysis_id, std::uint64_t call_id) {
    auto it = self_->state.analyses.find(analysis_id);
    if (it == self_->state.analyses.end()) return;
    auto& analysis = it->second;
    if (analysis.live.size() != 1 || analysis.live.front().id != call_id) return;
    const auto candidate = shared().with_router([&](llm::Router& router) {
      if (!router.may_hedge()) return llm::Candidate{};
      return router.next_candidate(analysis.tried);
    });
    if (candidate.name.empty() || candidate.technical()) return;
    shared().with_router([](llm::Router& router) { router.record_hedge(); });
    if (metrics()) metrics()->count_hedge();
    if (log()) {
      log()->info("{} is slow for {}: hedging with {}", analysis.live.front().provider,
                  analysis.input.symbol, candidate.name);
    }
    start_call(analysis_id, analysis, candidate.name, true);
  }

  void on_provider_down(const caf::down_msg& down) {
    self_->state.monitored.erase(down.source);
    config_.providers->forget(down.source);
    // Collect first: failing a call may start others and change the maps.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> affected;  // analysis, call
    for (const auto& [id, analysis] : self_->state.analyses) {
      for (const auto& live : analysis.live) {
        if (live.actor == down.source) affected.emplace_back(id, live.id);
      }
    }
    for (const auto& [analysis_id, call_id] : affected) {
      auto it = self_->state.analyses.find(analysis_id);
      if (it == self_->state.analyses.end()) continue;
      self_->state.call_to_analysis.erase(call_id);
      auto live = take_live(it->second, call_id);
      llm::Failure failure{llm::FailureKind::connection, 0, std::nullopt,
                           "the provider's actor stopped: " + to_string(down.reason)};
      fail_call(analysis_id, it->second, live, failure, since(live.started, *config_.clock));
    }
  }

 private:
  PoolShared& shared() { return *config_.shared; }
  LlmMetrics* metrics() { return config_.shared->metrics(); }
  spdlog::logger* log() { return config_.log.get(); }

  void record_fallback(const std::string& from, const std::string& to) {
    shared().with_router([&](llm::Router& router) { router.record_fallback(from, to); });
  }

  LiveCall take_live(Analysis& analysis, std::uint64_t call_id) {
    auto it = std::find_if(analysis.live.begin(), analysis.live.end(),
                           [&](const LiveCall& live) { return live.id == call_id; });
    if (it == analysis.live.end()) return {};
    auto live = std::move(*it);
    analysis.live.erase(it);
    return live;
  }

  // Stops every running call of the analysis and reports each as `outcome` (cancelled: the
  // breaker does not count it; timeout: it does).
  void cancel_live(Analysis& analysis, const char* outcome, const std::string& why) {
    for (auto& live : analysis.live) {
      self_->state.call_to_analysis.erase(live.id);
      if (auto actor = caf::actor_cast<caf::actor>(live.actor)) {
        self_->send(actor, llm_cancel_atom::value, live.id);
      }
      const auto latency = since(live.started, *config_.clock);
      const auto kind = std::string_view{outcome} == "timeout" ? llm::FailureKind::timeout
                                                               : llm::FailureKind::cancelled;
      shared().with_router([&](llm::Router& router) {
        return router.record_failure(live.provider, llm::Failure{kind, 0, std::nullopt, why},
                                     latency);
      });
      analysis.attempts.push_back({live.provider, outcome, latency, why, live.hedge});
    }
    analysis.live.clear();
  }

  void fail_call(std::uint64_t analysis_id, Analysis& analysis, const LiveCall& live,
                 const llm::Failure& failure, milliseconds latency) {
    shared().with_router([&](llm::Router& router) {
      return router.record_failure(live.provider, failure, latency);
    });
    analysis.attempts.push_back({live.provider, std::string{llm::to_string(failure.kind)}, latency,
                                 failure.message, live.hedge});
    analysis.last_failed = live.provider;
    if (log()) {
      log()->warn("{} failed for {} ({}: {}); {}", live.provider, analysis.input.symbol,
                  llm::to_string(failure.kind), failure.message,
                  analysis.live.empty() ? "falling back" : "waiting for the hedged call");
    }
    if (analysis.live.empty()) ask_next(analysis_id, analysis);
  }

  // Asks the next candidate, skipping children that are not running (restarting), down to the
  // technical provider.
  void ask_next(std::uint64_t analysis_id, Analysis& analysis) {
    for (;;) {
      const auto candidate = shared().with_router(
          [&](llm::Router& router) { return router.next_candidate(analysis.tried); });
      if (!analysis.last_failed.empty()) record_fallback(analysis.last_failed, candidate.name);
      if (candidate.technical()) {
        if (metrics()) metrics()->count_analysis("technical");
        answer_technically(analysis_id, analysis, false);
        return;
      }
      const bool first = analysis.tried.empty();
      if (start_call(analysis_id, analysis, candidate.name, false)) {
        if (first) arm_hedge(analysis_id, analysis, candidate.name);
        return;
      }
    }
  }

  // False when the provider's child is not running: that counts as a failed call.
  bool start_call(std::uint64_t analysis_id, Analysis& analysis, const std::string& provider,
                  bool hedge) {
    analysis.tried.push_back(provider);
    auto actor = config_.providers->get(provider);
    if (!actor) {
      // Restarting after a crash of ours: skipped, and reported as cancelled so that the
      // provider's breaker does not count it (and a half-open probe slot is freed).
      const std::string why = "the provider's actor is not running";
      shared().with_router([&](llm::Router& router) {
        return router.record_failure(
            provider, llm::Failure{llm::FailureKind::cancelled, 0, std::nullopt, why},
            milliseconds{0});
      });
      analysis.attempts.push_back({provider, "not_running", {}, why, hedge});
      analysis.last_failed = provider;
      return false;
    }
    if (self_->state.monitored.insert(actor.address()).second) self_->monitor(actor);
    const auto call_id = self_->state.next_id++;
    self_->state.call_to_analysis[call_id] = analysis_id;
    analysis.live.push_back(
        {call_id, provider, actor.address(), config_.clock->steady_now(), hedge});
    self_->send(actor, llm_call_atom::value, ProviderCall{call_id, analysis.input});
    return true;
  }

  void arm_hedge(std::uint64_t analysis_id, const Analysis& analysis, const std::string& provider) {
    const auto delay =
        shared().with_router([&](llm::Router& router) { return router.hedge_delay(provider); });
    if (!delay) return;
    self_->delayed_send(self_, *delay, hedge_atom::value, analysis_id, analysis.live.back().id);
  }

  void answer_technically(std::uint64_t analysis_id, Analysis& analysis, bool deadline) {
    const auto start = config_.clock->steady_now();
    auto decision = llm::technical_decision(analysis.input, config_.technical);
    const auto latency = since(start, *config_.clock);
    shared().with_router(
        [&](llm::Router& router) { return router.record_success(kTechnical, latency, {}); });
    analysis.attempts.push_back({kTechnical, "success", latency, {}, false});
    reply(analysis_id, analysis, std::move(decision), deadline);
  }

  void reply(std::uint64_t analysis_id, Analysis& analysis, llm::Decision decision, bool deadline) {
    PoolReply out;
    out.decision = std::move(decision);
    out.attempts = std::move(analysis.attempts);
    out.deadline_passed = deadline;
    out.elapsed = since(analysis.started, *config_.clock);
    if (log()) {
      // One line per decision: debug, since the trader asks on every closed candle.
      log()->debug("{}: {} {:.2f} from {} in {} ms after {} attempt(s)", analysis.input.symbol,
                   llm::to_string(out.decision.action), out.decision.confidence,
                   out.decision.provider, out.elapsed.count(), out.attempts.size());
    }
    analysis.promise.deliver(std::move(out));
    self_->state.analyses.erase(analysis_id);
  }

  Self* self_;
  PoolConfig config_;
};

caf::behavior pool_actor(Self* self, PoolConfig config) {
  auto pool = std::make_shared<Pool>(self, std::move(config));
  self->set_down_handler([pool](caf::down_msg& down) { pool->on_provider_down(down); });
  return supervision::supervised(
      self, caf::behavior{
                [self, pool](llm_analyze_atom, llm::DecisionInput& input) {
                  auto promise = self->make_response_promise();
                  pool->analyze(std::move(input), promise);
                  return promise;
                },
                [pool](llm_done_atom, ProviderOutcome& outcome) { pool->on_outcome(outcome); },
                [pool](deadline_atom, std::uint64_t id) { pool->on_deadline(id); },
                [pool](hedge_atom, std::uint64_t analysis, std::uint64_t call) {
                  pool->on_hedge(analysis, call);
                },
            });
}

}  // namespace

caf::actor spawn_pool_actor(caf::event_based_actor& parent, PoolConfig config) {
  return parent.spawn(pool_actor, std::move(config));
}

caf::actor spawn_pool_actor(caf::actor_system& system, PoolConfig config) {
  return system.spawn(pool_actor, std::move(config));
}

}  // namespace autotrader::llm_actors
