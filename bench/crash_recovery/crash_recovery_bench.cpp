// Crash-to-trading time of mode binance-testnet: the real daemon against the in-process
// FakeBinance (1-second market, fake_llm_server as Gemini answering BUY, so positions and their
// OCO lists exist and orders are in flight), killed with SIGKILL N times. Each round measures
// from the kill to venue_status.ready = true on the restarted daemon's /api/autonomous-status:
// process start, the stored book loaded, exchangeInfo, the reconciliation with the venue (time,
// account, open orders, our unfinished orders, trades) and the re-arming of protection. Prints
// every round and the median and p95, and how much of it passes before the restarted daemon's
// HTTP server listens (the process start). A figure, never a gate.
//
//   crash_recovery_bench [--rounds N] [--trade-ms MS]
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "tests/e2e/binance_e2e_support.hpp"
#include "tests/e2e/daemon_fixture.hpp"

using namespace autotrader::test;
using namespace autotrader::test::binance_e2e;

namespace {

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[rank];
}

int fail(const std::string& why) {
  std::cerr << "crash_recovery_bench: " << why << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 20;
  int trade_ms = 3000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--rounds")
      rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (arg == "--trade-ms")
      trade_ms = std::max(0, std::atoi(argv[i + 1]));
    else
      return fail("usage: crash_recovery_bench [--rounds N] [--trade-ms MS]");
  }
  FakeGemini gemini{FAKE_LLM_SERVER};
  if (gemini.port() == 0) return fail("fake_llm_server did not start");
  FastMarket market{std::max(30, rounds / 2)};
  if (auto error = market.start()) return fail(*error);
  if (auto error = gemini.answer("BUY"); !error.empty()) return fail(error);
  market.start_clock();
  DaemonFixture daemon;
  market.point_at(daemon.env, gemini.port());

  auto process = daemon.start({"run"});
  auto port = wait_for_http_port(*process);
  if (!port || !wait_until_ready(*process, *port, 60s)) {
    return fail("the first start did not get ready:\n" + process->output());
  }
  // A position and its OCO list before the first kill, so every restart has one to reconcile.
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (VenueBook::read(market.fake()).orders.size() < 3) {
    if (std::chrono::steady_clock::now() > until || process->wait(100ms)) {
      return fail("no order reached the venue:\n" + process->output());
    }
  }
  std::vector<double> ms;       // kill -> venue_status.ready
  std::vector<double> to_port;  // kill -> the restarted daemon's HTTP server listening
  for (int r = 0; r < rounds; ++r) {
    process->wait(std::chrono::milliseconds{trade_ms});  // trades meanwhile
    process->signal(SIGKILL);
    const auto killed = std::chrono::steady_clock::now();
    process->wait(10s);
    process = daemon.start({"run"});
    port = wait_for_http_port(*process);
    const auto listening = std::chrono::steady_clock::now();
    if (!port || !wait_until_ready(*process, *port, 60s)) {
      return fail("round " + std::to_string(r) + " did not get ready:\n" + process->output());
    }
    const auto ready = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(ready - killed).count());
    to_port.push_back(std::chrono::duration<double, std::milli>(listening - killed).count());
    std::printf("round %2d: kill -> HTTP listening %7.1f ms, -> venue ready %7.1f ms\n", r,
                to_port.back(), ms.back());
  }
  process->signal(SIGTERM);
  process->wait(kStopDeadline);
  const auto orders = VenueBook::read(market.fake()).orders.size();
  std::printf(
      "%d kills, %zu venue orders: kill -> venue ready median %.1f ms, p95 %.1f ms, max "
      "%.1f ms; kill -> HTTP listening median %.1f ms, p95 %.1f ms\n",
      rounds, orders, percentile(ms, 0.5), percentile(ms, 0.95),
      *std::max_element(ms.begin(), ms.end()), percentile(to_port, 0.5), percentile(to_port, 0.95));
  return 0;
}
