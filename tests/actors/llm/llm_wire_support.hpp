#pragma once
// What the provider-actor and pool tests over real sockets share: a snapshot and decisions, the
// fake LLM server's route for each provider kind, a look at the kernel's TCP table (to see that a
// cancelled call's connection really closed), and LivePool: the daemon's "llm" branch
// (llm_actors::llm_tree under supervision::spawn_supervisor) on a real actor system, its
// providers pointed at a FakeLlm, with a synchronous decide() for the tests.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <prometheus/registry.h>
#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/llm/llm_tree.hpp"
#include "actors/llm/protocol.hpp"
#include "config/secrets.hpp"
#include "config/settings.hpp"
#include "core/clock.hpp"
#include "llm/breaker.hpp"
#include "llm/codec.hpp"
#include "net/client_context.hpp"
#include "supervision/protocol.hpp"
#include "tests/fakes/llm/fake_llm.hpp"

namespace autotrader::llm_actors::wire_test {

namespace fl = fakes::llm;

// The deadline for anything that should happen (generous: the suites run under ASan on a shared
// two-core machine); nothing waits for it unless something is broken.
inline constexpr std::chrono::milliseconds kWait{15'000};

// A snapshot the technical provider reads as a BUY (oversold, up-trend, volume).
llm::DecisionInput snapshot();
// Valid decisions, each with a reasoning text that identifies it in a request body.
nlohmann::json buy_decision(const std::string& reasoning = "initial answer: oversold bounce");
nlohmann::json sell_decision(const std::string& reasoning = "refined answer: support broke");

fl::Provider route_of(llm::ProviderKind kind);
// The default model of each kind, as the configuration ships it.
std::string model_of(llm::ProviderKind kind);

// TCP connections to 127.0.0.1:port in the ESTABLISHED state, seen from the connecting side
// (/proc/net/tcp). A port the kernel gave a test server is unique, so these are the test's own.
std::size_t open_connections_to(std::uint16_t port);
// Polls open_connections_to(port) until it equals `expected` or `deadline` passes.
bool wait_for_open_connections(std::uint16_t port, std::size_t expected,
                               std::chrono::milliseconds deadline = kWait);

// Settings for LivePool: every cloud provider's base URL at the fake (its route), short
// supervision backoff, the shipped defaults otherwise.
config::Settings settings_for(const fl::FakeLlm& fake);
// A key for each cloud provider ("test-key-<kind>"); local has none.
config::Secrets test_keys();
std::string test_key(llm::ProviderKind kind);

class LivePool {
 public:
  LivePool(const config::Settings& settings, const config::Secrets& secrets,
           std::shared_ptr<const core::Clock> clock = std::make_shared<core::SystemClock>());
  ~LivePool();
  LivePool(const LivePool&) = delete;
  LivePool& operator=(const LivePool&) = delete;

  // One analysis through the current pool actor; a test failure if no reply comes.
  PoolReply decide(const llm::DecisionInput& input = snapshot());

  llm::BreakerState state(const std::string& provider) const;
  llm::OpenReason open_reason(const std::string& provider) const;
  nlohmann::json status() const { return tree_.shared->status_json(); }
  // The value of one series of the pool's metrics; nullopt when it does not exist.
  std::optional<double> metric(const std::string& family,
                               const std::map<std::string, std::string>& labels) const;

  // The "llm" supervisor: its children, and fault injection (supervision/protocol.hpp).
  std::vector<supervision::ChildInfo> children();
  caf::error inject(const std::string& child, supervision::Fault fault);

  caf::actor_system& system() { return *system_; }

 private:
  std::shared_ptr<net::ClientContext> context_;
  prometheus::Registry registry_;
  LlmTree tree_;
  caf::actor_system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  caf::actor root_;
};

}  // namespace autotrader::llm_actors::wire_test
