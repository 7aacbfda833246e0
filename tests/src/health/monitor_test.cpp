// The monitor across rounds: which steps each round produces, the restart rate limit,
// recoveries, and the /api/health and /readyz documents.
#include "health/monitor.hpp"

#include <gtest/gtest.h>

namespace autotrader::health {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0{std::chrono::seconds{1'700'000'000}};

Thresholds thresholds() {
  Thresholds t;
  t.restart_cooldown = 600s;
  return t;
}

CheckResult stale(const std::string& symbol) {
  return market_data_fresh("sim", symbol, kT0, kT0 + 400s, kT0, 180s);
}
CheckResult fresh(const std::string& symbol) {
  return market_data_fresh("sim", symbol, kT0, kT0 + 10s, kT0, 180s);
}

TEST(HealthMonitor, AStaleFeedAsksForOneRestartPerCooldownAndCountsTheRest) {
  Monitor monitor{thresholds()};
  // Round 1: two symbols of the same feed are stale: one restart of market/sim.
  auto round = monitor.evaluate({stale("BTCUSDT"), stale("ETHUSDT")}, kT0);
  ASSERT_EQ(round.steps.size(), 2u);
  EXPECT_EQ(round.steps[0].action, Action::restart_child);
  EXPECT_EQ(round.steps[0].target, "market/sim");
  EXPECT_EQ(round.steps[0].outcome, "pending");
  EXPECT_EQ(round.steps[0].subject, "BTCUSDT");
  EXPECT_EQ(round.steps[1].action, Action::none);  // the same restart covers it
  EXPECT_EQ(round.steps[1].outcome, "detected");
  EXPECT_TRUE(round.suppressed.empty());

  // Rounds within the cooldown: no restart, each held-back request counted, nothing recorded.
  for (auto at : {kT0 + 60s, kT0 + 599s}) {
    round = monitor.evaluate({stale("BTCUSDT"), stale("ETHUSDT")}, at);
    EXPECT_TRUE(round.steps.empty());
    EXPECT_EQ(round.suppressed,
              (std::vector<std::string>{"market_data_fresh", "market_data_fresh"}));
  }
  // The same time again (a clock that did not move) is still inside the cooldown.
  round = monitor.evaluate({stale("BTCUSDT")}, kT0);
  EXPECT_TRUE(round.steps.empty());
  EXPECT_EQ(round.suppressed.size(), 1u);
  // The cooldown has passed: one more restart.
  round = monitor.evaluate({stale("BTCUSDT"), stale("ETHUSDT")}, kT0 + 600s);
  ASSERT_EQ(round.steps.size(), 1u);
  EXPECT_EQ(round.steps[0].action, Action::restart_child);
  EXPECT_TRUE(round.suppressed.empty());

  // Recovery: each recorded check records it, with no risk action.
  round = monitor.evaluate({fresh("BTCUSDT"), fresh("ETHUSDT")}, kT0 + 660s);
  ASSERT_EQ(round.steps.size(), 2u);
  for (const auto& step : round.steps) {
    EXPECT_EQ(step.outcome, "recovered");
    EXPECT_EQ(step.action, Action::none);
  }
  // Fresh again: nothing to record.
  EXPECT_TRUE(monitor.evaluate({fresh("BTCUSDT"), fresh("ETHUSDT")}, kT0 + 720s).steps.empty());
}

TEST(HealthMonitor, DiskMovesRiskOnChangesOnlyAndRecoveryLiftsReducing) {
  Monitor monitor{thresholds()};
  struct RoundCase {
    std::uint64_t available;  // of 1000
    std::vector<std::pair<Action, std::string>> steps;
  } rounds[] = {
      {500, {}},
      {80, {{Action::risk_reducing, "pending"}}},
      {70, {}},  // still REDUCING: not sent again
      {40, {{Action::risk_halted, "pending"}}},
      {30, {}},
      {80, {{Action::risk_reducing, "pending"}}},
      {500, {{Action::risk_active, "recovered"}}},
      {500, {}},
  };
  auto at = kT0;
  for (const auto& r : rounds) {
    const auto round = monitor.evaluate({disk_free({r.available, 1000, ""}, 0.05)}, at);
    ASSERT_EQ(round.steps.size(), r.steps.size()) << r.available;
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
      EXPECT_EQ(round.steps[i].action, r.steps[i].first) << r.available;
      EXPECT_EQ(round.steps[i].outcome, r.steps[i].second) << r.available;
      EXPECT_EQ(round.steps[i].check, "disk_free");
    }
    at += 60s;
  }
}

TEST(HealthMonitor, StorageUnwritableHaltsOnceAndRecordsItsRecovery) {
  Monitor monitor{thresholds()};
  auto round = monitor.evaluate({storage_writable({false, false, "timeout"})}, kT0);
  ASSERT_EQ(round.steps.size(), 1u);
  EXPECT_EQ(round.steps[0].action, Action::risk_halted);
  EXPECT_TRUE(
      monitor.evaluate({storage_writable({true, false, "EROFS"})}, kT0 + 60s).steps.empty());
  round = monitor.evaluate({storage_writable({true, true, ""})}, kT0 + 120s);
  ASSERT_EQ(round.steps.size(), 1u);
  EXPECT_EQ(round.steps[0].outcome, "recovered");
  // Lifting REDUCING never lifts the halt (the trader keeps it until the operator resumes).
  EXPECT_EQ(round.steps[0].action, Action::risk_active);
}

TEST(HealthMonitor, AFailureWithoutActionIsRecordedOnceAndAWarningNotAtAll) {
  Monitor monitor{thresholds()};
  const auto high = memory_rss(300u << 20, 200u << 20);
  auto round = monitor.evaluate({high}, kT0);
  ASSERT_EQ(round.steps.size(), 1u);
  EXPECT_EQ(round.steps[0].outcome, "detected");
  EXPECT_EQ(round.steps[0].action, Action::none);
  EXPECT_TRUE(monitor.evaluate({high}, kT0 + 60s).steps.empty());
  // Waiting for the first market data is a warning, not an incident.
  const auto waiting = market_data_fresh("sim", "BTCUSDT", std::nullopt, kT0 + 10s, kT0, 180s);
  EXPECT_TRUE(monitor.evaluate({waiting}, kT0 + 10s).steps.empty());
  EXPECT_TRUE(monitor.evaluate({fresh("BTCUSDT")}, kT0 + 70s).steps.empty());
}

TEST(HealthMonitor, OverallStatus) {
  EXPECT_EQ(overall_status({fresh("A"), storage_writable({true, true, ""})}), "ok");
  EXPECT_EQ(overall_status({fresh("A"), memory_rss(300, 200)}), "degraded");
  EXPECT_EQ(overall_status({disk_free({80, 1000, ""}, 0.05)}), "degraded");
  EXPECT_EQ(overall_status({memory_rss(300, 200), stale("A")}), "failing");
}

TEST(HealthMonitor, HealthJsonShape) {
  EXPECT_EQ(health_json(nullptr)["status"], "unknown");
  Monitor monitor{thresholds()};
  const auto round =
      monitor.evaluate({fresh("BTCUSDT"), memory_rss(100, 0)}, kT0 + std::chrono::milliseconds{5});
  const auto json = health_json(&round);
  EXPECT_EQ(json["status"], "ok");
  EXPECT_EQ(json["checked_at"], "2023-11-14T22:13:20.005Z");
  ASSERT_EQ(json["checks"].size(), 2u);
  const auto& check = json["checks"][0];
  for (const char* key :
       {"name", "subject", "value", "threshold", "status", "detail", "last_checked"}) {
    EXPECT_TRUE(check.contains(key)) << key;
  }
  EXPECT_EQ(check["name"], "market_data_fresh");
  EXPECT_EQ(check["threshold"], 180.0);
  EXPECT_TRUE(json["checks"][1]["threshold"].is_null());
}

TEST(HealthMonitor, ReadinessTable) {
  Monitor monitor{thresholds()};
  const auto good = monitor.evaluate({venue_connected("sim", true), fresh("BTCUSDT"),
                                      storage_writable({true, true, ""}), memory_rss(300, 200)},
                                     kT0);
  EXPECT_TRUE(readiness(&good, true, "ACTIVE").ready);
  EXPECT_TRUE(readiness(&good, true, "REDUCING").ready);
  EXPECT_FALSE(readiness(&good, true, "HALTED").ready);
  EXPECT_FALSE(readiness(&good, false, "ACTIVE").ready);
  EXPECT_FALSE(readiness(nullptr, true, "ACTIVE").ready);
  const auto bad = monitor.evaluate({stale("BTCUSDT"), storage_writable({false, false, ""})}, kT0);
  const auto why = readiness(&bad, false, "HALTED");
  EXPECT_FALSE(why.ready);
  EXPECT_EQ(why.reasons.size(), 4u);
  const auto json = readiness_json(why);
  EXPECT_EQ(json["ready"], false);
  EXPECT_EQ(json["reasons"].size(), 4u);
  const auto no_storage = monitor.evaluate({fresh("BTCUSDT")}, kT0);
  EXPECT_FALSE(readiness(&no_storage, true, "ACTIVE").ready);
}

}  // namespace
}  // namespace autotrader::health
