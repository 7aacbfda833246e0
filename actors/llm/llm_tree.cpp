#include "actors/llm/llm_tree.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "actors/llm/provider_actor.hpp"
#include "core/log.hpp"
#include "net/https_client.hpp"

namespace autotrader::llm_actors {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

const config::LlmProviderSettings& section(const config::LlmSettings& llm, llm::ProviderKind kind) {
  switch (kind) {
    case llm::ProviderKind::gemini:
      return llm.gemini;
    case llm::ProviderKind::openai:
      return llm.openai;
    case llm::ProviderKind::anthropic:
      return llm.anthropic;
    case llm::ProviderKind::together:
      return llm.together;
    case llm::ProviderKind::local:
      return llm.local;
  }
  return llm.gemini;
}

const core::Secret& key_of(const config::Secrets& secrets, llm::ProviderKind kind) {
  switch (kind) {
    case llm::ProviderKind::gemini:
      return secrets.gemini_api_key;
    case llm::ProviderKind::openai:
      return secrets.openai_api_key;
    case llm::ProviderKind::anthropic:
      return secrets.anthropic_api_key;
    case llm::ProviderKind::together:
      return secrets.together_api_key;
    case llm::ProviderKind::local:
      return secrets.local_llm_api_key;
  }
  return secrets.gemini_api_key;
}

llm::RouterOptions router_options(const config::LlmSettings& llm) {
  llm::RouterOptions options;
  options.enable_backup_apis = llm.enable_backup_apis;
  auto& breaker = options.breaker;
  breaker.consecutive_failures = static_cast<int>(llm.breaker_consecutive_failures);
  breaker.window_size = static_cast<std::size_t>(llm.breaker_window);
  breaker.minimum_calls = std::max<std::size_t>(2, breaker.window_size / 2);
  breaker.failure_rate_threshold = llm.breaker_failure_rate;
  breaker.base_cooldown = duration_cast<milliseconds>(llm.breaker_cooldown);
  breaker.max_cooldown = duration_cast<milliseconds>(llm.breaker_cooldown_max);
  breaker.long_cooldown = duration_cast<milliseconds>(llm.breaker_auth_cooldown);
  options.hedge.enabled = llm.hedging;
  options.hedge.max_fraction = llm.hedge_max_fraction;
  return options;
}

net::HttpClientOptions http_options(const llm::ProviderSettings& provider,
                                    const net::ProxyOptions& proxy) {
  net::HttpClientOptions options;
  options.proxy = proxy;
  options.connect_timeout = std::min(provider.timeout, milliseconds{5'000});
  // A completion sends nothing until the model has finished: the first byte may come late.
  options.first_byte_timeout = provider.timeout;
  options.read_timeout = provider.timeout;
  options.total_timeout = provider.timeout;
  options.max_response_bytes = 1 << 20;  // an answer is a few kB
  return options;
}

}  // namespace

void PoolHandle::set(const caf::actor& actor) {
  {
    std::lock_guard lock{mutex_};
    actor_ = std::make_shared<caf::actor>(actor);
  }
  started_.notify_all();
}

caf::actor PoolHandle::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock lock{mutex_};
  started_.wait_for(lock, timeout, [this] { return actor_ != nullptr; });
  return actor_ ? *actor_ : caf::actor{};
}

caf::actor PoolHandle::get() const {
  std::lock_guard lock{mutex_};
  return actor_ ? *actor_ : caf::actor{};
}

std::vector<llm::ProviderSettings> provider_settings(const config::Settings& settings,
                                                     const config::Secrets& secrets) {
  std::vector<llm::ProviderSettings> out;
  for (const auto& name : settings.llm.priority) {
    const auto kind = llm::parse_provider_kind(name);
    if (!kind) continue;  // the schema allows only known names
    const auto& config = section(settings.llm, *kind);
    if (!config.enabled) continue;
    llm::ProviderSettings provider;
    provider.name = name;
    provider.kind = *kind;
    provider.base_url = config.base_url;
    provider.model = config.model;
    provider.temperature = config.temperature;
    provider.max_tokens = static_cast<int>(config.max_tokens);
    provider.timeout = duration_cast<milliseconds>(config.timeout);
    provider.api_key = key_of(secrets, *kind);
    out.push_back(std::move(provider));
  }
  return out;
}

LlmTree llm_tree(const config::Settings& settings, const config::Secrets& secrets,
                 prometheus::Registry* registry, std::shared_ptr<net::ClientContext> client_context,
                 std::shared_ptr<const core::Clock> clock, net::ProxyOptions proxy) {
  const auto& sup = settings.supervision;
  auto providers = provider_settings(settings, secrets);
  std::shared_ptr<LlmMetrics> metrics;
  if (registry != nullptr) metrics = std::make_shared<LlmMetrics>(*registry);
  LlmTree tree;
  tree.shared = std::make_shared<PoolShared>(
      llm::Router{providers, router_options(settings.llm), clock}, metrics);
  tree.pool = std::make_shared<PoolHandle>();
  auto directory = std::make_shared<ProviderDirectory>();

  tree.spec.id = "llm";
  tree.spec.strategy = supervision::Strategy::one_for_one;
  tree.spec.intensity = {sup.max_restarts, duration_cast<milliseconds>(sup.period)};
  tree.spec.backoff = {duration_cast<milliseconds>(sup.backoff_min),
                       duration_cast<milliseconds>(sup.backoff_max), sup.backoff_random_factor,
                       duration_cast<milliseconds>(sup.reset_after)};
  const auto shutdown =
      supervision::Shutdown::after(duration_cast<milliseconds>(sup.shutdown_timeout));
  const auto heartbeat = supervision::Heartbeat{duration_cast<milliseconds>(sup.heartbeat_interval),
                                                duration_cast<milliseconds>(sup.heartbeat_timeout)};

  for (auto& provider : providers) {
    // Only what the Router may call gets a child: the others are DISABLED in the status.
    const auto state =
        tree.shared->with_router([&](llm::Router& router) { return router.state(provider.name); });
    if (state == llm::BreakerState::disabled) continue;
    ProviderActorConfig config;
    config.http = std::make_shared<net::HttpsClient>(client_context, http_options(provider, proxy));
    config.settings = provider;
    config.clock = clock;
    config.log = core::log::get("llm");
    supervision::ChildSpec child;
    child.id = provider.name;
    child.start = [config, directory](caf::event_based_actor& parent) {
      auto actor = spawn_provider_actor(parent, config);
      directory->set(config.settings.name, actor);
      return actor;
    };
    child.shutdown = shutdown;
    child.heartbeat = heartbeat;
    tree.spec.children.push_back(std::move(child));
  }

  PoolConfig pool;
  pool.shared = tree.shared;
  pool.providers = directory;
  pool.analysis_timeout = duration_cast<milliseconds>(settings.llm.analysis_timeout);
  pool.clock = clock;
  pool.log = core::log::get("llm");
  supervision::ChildSpec pool_child;
  pool_child.id = "pool";
  pool_child.start = [pool, handle = tree.pool](caf::event_based_actor& parent) {
    auto actor = spawn_pool_actor(parent, pool);
    handle->set(actor);
    return actor;
  };
  pool_child.shutdown = shutdown;
  pool_child.heartbeat = heartbeat;
  tree.spec.children.push_back(std::move(pool_child));
  return tree;
}

}  // namespace autotrader::llm_actors
