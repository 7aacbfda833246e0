// What the AI-provider pool itself costs on top of the provider it asks, in-process:
//
//   pool_added/scripted   the pool over scripted provider actors that answer at once: pool reply
//                         elapsed minus the provider outcome's latency.
//   pool_added/wire       the same with the real provider actors (both turns over HTTP) against
//                         an in-process FakeLlm with zero delay.
//   failover/breaker_open the primary's breaker is open: time to the backup's answer minus the
//                         backup's own latency (goal < 1 ms).
//   failover/refused      the primary's base URL is a closed loopback port and its breaker stays
//                         closed: time to the backup's answer minus the backup's own latency, i.e.
//                         the refused connection and the move to the backup.
//
// The actors report milliseconds (PoolReply::elapsed, Attempt::latency). So that those figures
// resolve microseconds, the pool and the providers get a clock that runs 1000 times fast: one of
// its milliseconds is one real microsecond. Nothing here sleeps or depends on that clock's speed
// but the breakers' cooldowns, which are set far beyond any run. The client's own round trip is
// reported beside it. Logging (spdlog to a file) and metrics (prometheus-cpp) are on, as in the
// daemon, and CAF is configured as the daemon configures it.
//
//   llm_pool_bench [--analyses=N] [--log_dir=DIR] [gbench flags]
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <prometheus/registry.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/llm/llm_metrics.hpp"
#include "actors/llm/pool_actor.hpp"
#include "actors/llm/protocol.hpp"
#include "actors/llm/provider_actor.hpp"
#include "app/actor_system.hpp"
#include "core/log.hpp"
#include "net/https_client.hpp"
#include "tests/fakes/llm/fake_llm.hpp"

namespace {

using namespace autotrader;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
namespace fl = fakes::llm;

std::size_t g_analyses = 2'000;
std::string g_log_dir = "/tmp/autotrader-bench";

// Steady and wall time from the real clocks, 1000 times fast from the moment it was made.
class FastClock final : public core::Clock {
 public:
  static constexpr std::int64_t kSpeed = 1000;

  std::chrono::system_clock::time_point wall_now() const override {
    return wall_start_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                             (std::chrono::steady_clock::now() - steady_start_) * kSpeed);
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return steady_start_ + (std::chrono::steady_clock::now() - steady_start_) * kSpeed;
  }

 private:
  std::chrono::steady_clock::time_point steady_start_ = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point wall_start_ = std::chrono::system_clock::now();
};

// A provider actor that answers every call at once with a valid decision.
caf::behavior scripted_provider(caf::event_based_actor* self, std::string name,
                                std::shared_ptr<const core::Clock> clock) {
  return {
      [=](llm_actors::llm_call_atom, llm_actors::ProviderCall& call) {
        const auto started = clock->steady_now();
        llm::Decision decision;
        decision.action = llm::Action::buy;
        decision.confidence = 0.7;
        decision.reasoning = "scripted";
        decision.provider = name;
        decision.model = "scripted";
        llm_actors::ProviderOutcome outcome;
        outcome.id = call.id;
        outcome.provider = name;
        outcome.result = std::move(decision);
        outcome.latency = std::chrono::duration_cast<milliseconds>(clock->steady_now() - started);
        self->send(caf::actor_cast<caf::actor>(self->current_sender()),
                   llm_actors::llm_done_atom::value, std::move(outcome));
      },
      [](llm_actors::llm_cancel_atom, std::uint64_t) {},
  };
}

// A loopback port nothing listens on: bound to 0, then released.
std::uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

llm::DecisionInput snapshot() {
  llm::DecisionInput input;
  input.symbol = "BTCUSDT";
  input.price = 65'000;
  input.rsi = 45;
  input.ma_short = 64'900;
  input.ma_long = 64'000;
  input.trend = "up";
  return input;
}

enum class Providers { scripted, wire };

// The pool with two providers, "primary" (gemini) and "backup" (openai), on the daemon's actor
// system configuration.
struct Harness {
  Harness(Providers kind, std::string primary_url, bool open_primary) {
    core::log::LogOptions log;
    log.console = false;
    log.data_dir = g_log_dir;
    if (auto error = core::log::init(log)) std::fprintf(stderr, "%s\n", error->message.c_str());
    app::configure_actor_system(config);
    system = std::make_unique<caf::actor_system>(config);

    if (auto error = fake.start()) std::fprintf(stderr, "fake LLM server: %s\n", error->c_str());
    std::vector<llm::ProviderSettings> providers(2);
    providers[0].name = "gemini";
    providers[0].kind = llm::ProviderKind::gemini;
    providers[0].base_url = primary_url.empty() ? fake.base_url(fl::Provider::gemini) : primary_url;
    providers[0].model = "gemini-2.5-flash";
    providers[1].name = "openai";
    providers[1].kind = llm::ProviderKind::openai;
    providers[1].base_url = fake.base_url(fl::Provider::openai);
    providers[1].model = "gpt-4o-mini";
    for (auto& provider : providers) provider.api_key = core::Secret{"bench-key"};

    llm::RouterOptions options;
    // The breakers never open on their own (the refused primary stays closed) and an opened one
    // stays open for the whole run, even on the fast clock.
    options.breaker.consecutive_failures = 1'000'000'000;
    options.breaker.failure_rate_threshold = 1.0;
    options.breaker.base_cooldown = 24h * 365;
    options.breaker.max_cooldown = 24h * 365;
    options.breaker.long_cooldown = 24h * 365;
    metrics = std::make_shared<llm_actors::LlmMetrics>(registry);
    shared =
        std::make_shared<llm_actors::PoolShared>(llm::Router{providers, options, clock}, metrics);
    if (open_primary) {
      // A non-retryable failure disables at once: the primary is out for the whole run.
      shared->with_router([](llm::Router& router) {
        return router.record_failure(
            "gemini", llm::Failure{llm::FailureKind::auth, 401, std::nullopt, "bench"}, 0ms);
      });
    }
    for (const auto& provider : providers) {
      caf::actor actor;
      if (kind == Providers::scripted) {
        actor = system->spawn(scripted_provider, provider.name, clock);
      } else {
        llm_actors::ProviderActorConfig provider_config;
        provider_config.settings = provider;
        provider_config.http = std::make_shared<net::HttpsClient>(context);
        provider_config.clock = clock;
        provider_config.log = core::log::get("llm");
        actor = llm_actors::spawn_provider_actor(*system, provider_config);
      }
      directory->set(provider.name, actor);
      actors.push_back(actor);
    }
    llm_actors::PoolConfig pool_config;
    pool_config.shared = shared;
    pool_config.providers = directory;
    pool_config.analysis_timeout = 30s;
    pool_config.clock = clock;
    pool_config.log = core::log::get("llm");
    pool = llm_actors::spawn_pool_actor(*system, pool_config);
    actors.push_back(pool);
    client = std::make_unique<caf::scoped_actor>(*system);
  }

  ~Harness() {
    for (auto& actor : actors) (*client)->send_exit(actor, caf::exit_reason::user_shutdown);
    actors.clear();
    pool = nullptr;
    client.reset();
    system.reset();
    context->stop();
    fake.stop();
    core::log::shutdown();
  }

  llm_actors::PoolReply decide() {
    llm_actors::PoolReply out;
    (*client)
        ->request(pool, 60s, llm_actors::llm_analyze_atom::value, snapshot())
        .receive([&](llm_actors::PoolReply& reply) { out = std::move(reply); },
                 [&](caf::error& error) {
                   std::fprintf(stderr, "no reply: %s\n", system->render(error).c_str());
                 });
    return out;
  }

  fl::FakeLlm fake;
  std::shared_ptr<const core::Clock> clock = std::make_shared<FastClock>();
  std::shared_ptr<net::ClientContext> context = std::make_shared<net::ClientContext>();
  prometheus::Registry registry;
  std::shared_ptr<llm_actors::LlmMetrics> metrics;
  std::shared_ptr<llm_actors::PoolShared> shared;
  std::shared_ptr<llm_actors::ProviderDirectory> directory =
      std::make_shared<llm_actors::ProviderDirectory>();
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  std::vector<caf::actor> actors;
  caf::actor pool;
  std::unique_ptr<caf::scoped_actor> client;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size()));
  return values[std::min(values.size() - 1, index)];
}

// Runs analyses and reports, in microseconds: the pool's added time (reply elapsed minus the
// answering provider's latency), the answering provider's latency, the failed primary's attempt
// when there is one, and the client's round trip.
void run(benchmark::State& state, const char* name, Providers kind, const std::string& primary_url,
         bool open_primary, const char* expected_provider, std::size_t expected_attempts) {
  Harness harness{kind, primary_url, open_primary};
  for (int i = 0; i < 20; ++i) harness.decide();  // connections, allocations, caches
  std::vector<double> added, provider, primary, round_trip;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    auto reply = harness.decide();
    const auto rtt = std::chrono::steady_clock::now() - started;
    state.SetIterationTime(std::chrono::duration<double>(rtt).count());
    if (reply.decision.provider != expected_provider ||
        reply.attempts.size() != expected_attempts) {
      state.SkipWithError("unexpected answer: see the attempts");
      for (const auto& attempt : reply.attempts) {
        std::fprintf(stderr, "  %s: %s %s\n", attempt.provider.c_str(), attempt.outcome.c_str(),
                     attempt.message.c_str());
      }
      break;
    }
    // On the fast clock a millisecond count is microseconds.
    const auto answered = static_cast<double>(reply.attempts.back().latency.count());
    added.push_back(static_cast<double>(reply.elapsed.count()) - answered);
    provider.push_back(answered);
    if (expected_attempts > 1) {
      primary.push_back(static_cast<double>(reply.attempts.front().latency.count()));
    }
    round_trip.push_back(std::chrono::duration<double, std::micro>(rtt).count());
  }
  state.counters["added_p50_us"] = percentile(added, 0.50);
  state.counters["added_p99_us"] = percentile(added, 0.99);
  state.counters["provider_p50_us"] = percentile(provider, 0.50);
  state.counters["rtt_p50_us"] = percentile(round_trip, 0.50);
  state.counters["rtt_p99_us"] = percentile(round_trip, 0.99);
  if (!primary.empty()) state.counters["primary_fail_p50_us"] = percentile(primary, 0.50);
  std::string failed_primary;
  if (!primary.empty()) {
    failed_primary =
        "; failed primary p50=" + std::to_string(static_cast<long>(percentile(primary, 0.50))) +
        " us";
  }
  std::printf(
      "%s: added p50=%.0f us p99=%.0f us; answering provider p50=%.0f us; client round trip "
      "p50=%.0f us p99=%.0f us%s; n=%zu\n",
      name, percentile(added, 0.50), percentile(added, 0.99), percentile(provider, 0.50),
      percentile(round_trip, 0.50), percentile(round_trip, 0.99), failed_primary.c_str(),
      added.size());
}

void BM_PoolAddedScripted(benchmark::State& state) {
  run(state, "pool_added/scripted", Providers::scripted, {}, false, "gemini", 1);
}

void BM_PoolAddedWire(benchmark::State& state) {
  run(state, "pool_added/wire", Providers::wire, {}, false, "gemini", 1);
}

void BM_FailoverBreakerOpen(benchmark::State& state) {
  run(state, "failover/breaker_open", Providers::wire, {}, true, "openai", 1);
}

void BM_FailoverRefused(benchmark::State& state) {
  run(state, "failover/refused", Providers::wire,
      "http://127.0.0.1:" + std::to_string(closed_port()), false, "openai", 2);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--analyses=", 0) == 0) {
      g_analyses = std::stoul(arg.substr(11));
    } else if (arg.rfind("--log_dir=", 0) == 0) {
      g_log_dir = arg.substr(10);
    } else {
      rest.push_back(argv[i]);
    }
  }
  const auto iterations = static_cast<benchmark::IterationCount>(g_analyses);
  for (auto [name, fn] : std::vector<std::pair<const char*, void (*)(benchmark::State&)>>{
           {"pool_added/scripted", BM_PoolAddedScripted},
           {"pool_added/wire", BM_PoolAddedWire},
           {"failover/breaker_open", BM_FailoverBreakerOpen},
           {"failover/refused", BM_FailoverRefused}}) {
    benchmark::RegisterBenchmark(name, fn)
        ->Iterations(iterations)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
