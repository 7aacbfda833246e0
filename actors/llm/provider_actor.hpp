#pragma once
// One LLM provider as a supervised actor: a thin shell around llm::Analysis (the pure two-turn
// state machine) and a net::HttpsClient. For each ProviderCall from the pool it sends the
// phase-1 request, feeds every HTTP result back into the Analysis, sends the refinement request,
// and answers the pool with one ProviderOutcome (the refined Decision or the Failure). Several
// calls may run at once (one per symbol being decided). protocol.hpp has the messages.
//
// Network I/O runs on the client's I/O thread; its callbacks only post a message to this actor
// (by address, so a pending request never keeps a stopped actor alive). When the actor stops,
// crashed or not, every request it still has running is cancelled and its socket closed; the
// pool sees the actor's down message and moves on.
//
// Fault point (core/fault.hpp): llm_provider.call (a call arriving, before any request is sent).
#include <chrono>
#include <memory>

#include "core/clock.hpp"
#include "llm/codec.hpp"

namespace caf {
class actor;
class actor_system;
class event_based_actor;
}  // namespace caf

namespace spdlog {
class logger;
}

namespace autotrader::net {
class HttpsClient;
}

namespace autotrader::llm_actors {

struct ProviderActorConfig {
  llm::ProviderSettings settings;
  // Created once by the application, so that keep-alive connections outlive a restart.
  std::shared_ptr<net::HttpsClient> http;
  std::shared_ptr<const core::Clock> clock;  // latencies (steady time)
  std::shared_ptr<spdlog::logger> log;       // may be null
};

// For a supervision::ChildSpec start function.
caf::actor spawn_provider_actor(caf::event_based_actor& parent, ProviderActorConfig config);
// A top-level instance (tests, tools).
caf::actor spawn_provider_actor(caf::actor_system& system, ProviderActorConfig config);

}  // namespace autotrader::llm_actors
