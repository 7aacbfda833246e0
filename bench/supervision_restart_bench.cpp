// Restart latency of the autotrader supervisor, measured as bench/otp/restart_bench.erl measures
// Erlang/OTP's: from the moment a child crashes (timestamp taken in the child right before it
// exits abnormally) to the moment its replacement handles its first message.
//
// Supervision logging (spdlog to a rotating file) and metrics (prometheus-cpp) are on, as in
// the daemon. The supervisor restarts without backoff (min = max = 0) and with an intensity that
// never gives up, so the figure is the cost of the restart machinery itself.
//
//   supervision_restart_bench [--crashes=N] [--sustain_ms=MS] [--log_dir=DIR]
//                             [--observer=full|metrics|none] [gbench flags]
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>
#include <caf/all.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "app/actor_system.hpp"
#include "app/supervision_metrics.hpp"
#include "core/log.hpp"
#include "supervision/supervisor.hpp"

namespace {

using namespace autotrader;
using Clock = std::chrono::steady_clock;
using crash_atom = caf::atom_constant<caf::atom("b_crash")>;
using first_atom = caf::atom_constant<caf::atom("b_first")>;
using ready_atom = caf::atom_constant<caf::atom("b_ready")>;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// The crash timestamp, written by the crashing child and read by the probe after the
// replacement reported in. Shared memory rather than a message, so that waking the probe
// thread is not part of the measured path (the Erlang program uses an ETS table likewise).
std::atomic<std::int64_t> g_crash_ns{0};

std::size_t g_crashes = 10'000;
int g_sustain_ms = 2'000;
std::string g_log_dir = "/tmp/autotrader-bench";
// full: logging and metrics (the daemon's set-up); metrics: metrics only; none: no observer.
std::string g_observer = "full";

// The supervised worker: announces itself by handling a first message, crashes on request.
caf::behavior worker(caf::event_based_actor* self, caf::actor probe) {
  self->send(self, first_atom::value);
  return supervision::supervised(
      self, caf::behavior{
                [=](first_atom) { self->send(probe, ready_atom::value, self, now_ns()); },
                [=](crash_atom) {
                  g_crash_ns.store(now_ns(), std::memory_order_release);
                  self->quit(caf::make_error(caf::sec::runtime_error, "injected crash"));
                },
            });
}

struct Harness {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<caf::scoped_actor> probe;
  caf::actor root;
  caf::actor child;
  prometheus::Registry registry;

  Harness() {
    app::configure_actor_system(config);
    system = std::make_unique<caf::actor_system>(config);
    probe = std::make_unique<caf::scoped_actor>(*system);
    core::log::LogOptions log;
    log.console = false;
    log.data_dir = g_log_dir;
    if (auto error = core::log::init(log)) std::fprintf(stderr, "%s\n", error->message.c_str());

    auto metrics = std::make_shared<app::SupervisionMetrics>(
        registry, g_observer == "full" ? core::log::get("supervision") : nullptr);
    supervision::SupervisorSpec spec;
    spec.id = "bench";
    spec.intensity = {1'000'000'000, std::chrono::milliseconds{1'000}};
    spec.backoff = {std::chrono::milliseconds{0}, std::chrono::milliseconds{0}, 0.0,
                    std::chrono::milliseconds{60'000}};
    if (g_observer != "none") spec.observer = metrics;
    supervision::ChildSpec child_spec;
    child_spec.id = "worker";
    caf::actor probe_handle = caf::actor_cast<caf::actor>(*probe);
    child_spec.start = [probe_handle](caf::event_based_actor& parent) {
      return parent.spawn(worker, probe_handle);
    };
    spec.children.push_back(child_spec);
    metrics->preregister(spec);
    root = supervision::spawn_supervisor(*system, spec);
    child = wait_ready().first;
  }

  ~Harness() {
    (*probe)->send_exit(root, caf::exit_reason::user_shutdown);
    root = nullptr;
    child = nullptr;
    probe.reset();
    system.reset();
    core::log::shutdown();
  }

  std::pair<caf::actor, std::int64_t> wait_ready() {
    std::pair<caf::actor, std::int64_t> result;
    (*probe)->receive([&](ready_atom, caf::actor who, std::int64_t t) { result = {who, t}; });
    return result;
  }

  // One crash and restart; returns the latency in nanoseconds.
  std::int64_t crash_once() {
    (*probe)->send(child, crash_atom::value);
    auto [next, t1] = wait_ready();
    child = next;
    return t1 - g_crash_ns.load(std::memory_order_acquire);
  }
};

std::int64_t percentile(std::vector<std::int64_t>& sorted, double p) {
  auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size()));
  return sorted[std::min(sorted.size() - 1, index)];
}

void BM_RestartLatency(benchmark::State& state) {
  Harness harness;
  std::vector<std::int64_t> latencies;
  latencies.reserve(g_crashes);
  for (auto _ : state) {
    auto ns = harness.crash_once();
    latencies.push_back(ns);
    state.SetIterationTime(static_cast<double>(ns) * 1e-9);
  }
  std::sort(latencies.begin(), latencies.end());
  state.counters["p50_ns"] = static_cast<double>(percentile(latencies, 0.50));
  state.counters["p99_ns"] = static_cast<double>(percentile(latencies, 0.99));
  std::printf("autotrader_restart_latency_ns p50=%lld p99=%lld n=%zu\n",
              static_cast<long long>(percentile(latencies, 0.50)),
              static_cast<long long>(percentile(latencies, 0.99)), latencies.size());
}

void BM_SustainedRestarts(benchmark::State& state) {
  Harness harness;
  for (auto _ : state) {
    std::size_t restarts = 0;
    auto deadline = Clock::now() + std::chrono::milliseconds{g_sustain_ms};
    auto start = Clock::now();
    while (Clock::now() < deadline) {
      harness.crash_once();
      ++restarts;
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    state.counters["restarts_per_second"] = static_cast<double>(restarts) / seconds;
    std::printf("autotrader_sustained_restarts_per_second %.0f (%zu restarts in %.0f ms)\n",
                static_cast<double>(restarts) / seconds, restarts, seconds * 1e3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--crashes=", 0) == 0) {
      g_crashes = std::stoul(arg.substr(10));
    } else if (arg.rfind("--sustain_ms=", 0) == 0) {
      g_sustain_ms = std::stoi(arg.substr(13));
    } else if (arg.rfind("--observer=", 0) == 0) {
      g_observer = arg.substr(11);
    } else if (arg.rfind("--log_dir=", 0) == 0) {
      g_log_dir = arg.substr(10);
    } else {
      rest.push_back(argv[i]);
    }
  }
  benchmark::RegisterBenchmark("restart_latency", BM_RestartLatency)
      ->Iterations(static_cast<benchmark::IterationCount>(g_crashes))
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("sustained_restarts", BM_SustainedRestarts)
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
