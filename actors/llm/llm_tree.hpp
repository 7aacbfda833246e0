#pragma once
// The "llm" branch of the daemon's supervision tree, built from the configuration: a
// one_for_one supervisor holding one child per AI provider in the rotation (llm.priority, with
// a key, enabled; only the primary when llm.enable_backup_apis is false) and the pool actor,
// plus what must outlive those actors: the Router (breakers and figures), the metrics, the
// directory of provider children, one HTTPS client per provider (its keep-alive connections).
// Call it once per process.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/llm/pool_actor.hpp"
#include "config/secrets.hpp"
#include "config/settings.hpp"
#include "core/clock.hpp"
#include "llm/codec.hpp"
#include "net/proxy.hpp"
#include "supervision/spec.hpp"

namespace prometheus {
class Registry;
}

namespace autotrader::net {
class ClientContext;
}

namespace autotrader::llm_actors {

// Handle of the current pool actor (it changes with every restart), set by its start function.
class PoolHandle {
 public:
  void set(const caf::actor& actor);
  caf::actor get() const;
  // The pool once it has started (tools that start the tree and then ask it), or a null handle
  // after `timeout`.
  caf::actor wait_for(std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable started_;
  std::shared_ptr<caf::actor> actor_;
};

struct LlmTree {
  supervision::SupervisorSpec spec;  // id "llm"; children: one per provider, then "pool"
  std::shared_ptr<PoolShared> shared;
  std::shared_ptr<PoolHandle> pool;
};

// The providers in priority order, as the configuration and the environment's keys give them
// (enabled ones only; keys may be empty: the Router lists such providers as DISABLED).
std::vector<llm::ProviderSettings> provider_settings(const config::Settings& settings,
                                                     const config::Secrets& secrets);

// `registry` may be null (no metrics); `client_context` carries the TLS settings
// (llm.tls_ca_file) and the I/O thread of every provider's HTTPS client; `proxy` usually comes
// from net::proxy_from_environment().
LlmTree llm_tree(const config::Settings& settings, const config::Secrets& secrets,
                 prometheus::Registry* registry, std::shared_ptr<net::ClientContext> client_context,
                 std::shared_ptr<const core::Clock> clock, net::ProxyOptions proxy = {});

}  // namespace autotrader::llm_actors
