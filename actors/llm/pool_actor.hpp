#pragma once
// The AI-provider pool: answers (llm_analyze_atom, DecisionInput) with a PoolReply
// (protocol.hpp) by asking the provider children in the Router's order (llm/router.hpp: priority,
// circuit breakers, each provider at most once per analysis), falling back on any failure, and
// finally asking the technical-analysis provider, which always answers. So a reply always
// comes, and never a silent HOLD: an answer that failed to parse or validate is a failure like
// any other.
//
// - Deadline: one for the whole analysis (llm.analysis_timeout_seconds). When it passes, the
//   calls still running are cancelled and counted as timeouts (a provider that is always too
//   slow trips its breaker), and the technical provider answers.
// - Hedging (optional): when the first call has been running for the provider's p95 latency and
//   the budget allows, the next healthy provider is asked as well; the first valid answer wins
//   and the other call is cancelled (its socket closed).
// - A provider child that dies (crash, restart) fails its running calls at once (the pool
//   monitors it), and the analysis moves on; while it restarts the pool skips it without
//   counting that against the provider's breaker (the provider did nothing wrong).
//
// What must outlive a restart of the pool — the Router with every breaker and figure, the
// metrics, the directory of provider children — lives in PoolShared, created once by the
// application. An analysis running when the pool dies is lost; its requester's timeout fires.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/llm/llm_metrics.hpp"
#include "core/clock.hpp"
#include "llm/router.hpp"
#include "llm/technical.hpp"

namespace caf {
class actor;
class actor_system;
class event_based_actor;
}  // namespace caf

namespace spdlog {
class logger;
}

namespace autotrader::llm_actors {

// The provider children by name, as their start functions register them (any thread).
class ProviderDirectory {
 public:
  void set(const std::string& name, const caf::actor& actor);
  caf::actor get(const std::string& name) const;
  // Drops the entry that holds this actor (it died), unless a restart replaced it already.
  void forget(const caf::actor_addr& actor);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, caf::actor, std::less<>> actors_;
};

// The Router behind a lock: the pool actor decides with it, the HTTP server's threads read the
// status from it.
class PoolShared {
 public:
  PoolShared(llm::Router router, std::shared_ptr<LlmMetrics> metrics);
  PoolShared(const PoolShared&) = delete;
  PoolShared& operator=(const PoolShared&) = delete;

  // Runs f(Router&) under the lock.
  template <typename F>
  decltype(auto) with_router(F&& f) {
    std::lock_guard lock{mutex_};
    return f(router_);
  }
  // GET /api/backup-services-status.
  nlohmann::json status_json() const;
  LlmMetrics* metrics() const { return metrics_.get(); }

 private:
  mutable std::mutex mutex_;
  llm::Router router_;
  std::shared_ptr<LlmMetrics> metrics_;  // may be null (tools, tests)
};

struct PoolConfig {
  std::shared_ptr<PoolShared> shared;
  std::shared_ptr<ProviderDirectory> providers;
  std::chrono::milliseconds analysis_timeout{30'000};
  llm::TechnicalOptions technical;
  std::shared_ptr<const core::Clock> clock;
  std::shared_ptr<spdlog::logger> log;  // may be null
};

// For a supervision::ChildSpec start function.
caf::actor spawn_pool_actor(caf::event_based_actor& parent, PoolConfig config);
// A top-level instance (tests, tools).
caf::actor spawn_pool_actor(caf::actor_system& system, PoolConfig config);

}  // namespace autotrader::llm_actors
