#pragma once
// The health monitor's memory between rounds, as a plain class: from one round's check results
// and the time it decides what to do now (restart a child, move risk, or only record), what
// recovered, and which restarts the cooldown holds back. Also the documents of GET /api/health
// and GET /readyz. Pure: time is an argument. Not thread-safe; its owner serialises calls.
//
// Rules:
// - A check that is not ok and names restart_child asks for a restart of its target at most
//   once per target per `restart_cooldown`; a request held back is returned in `suppressed`.
//   Several symbols of one stale feed share one restart.
// - A risk action (risk_reducing, risk_halted) is sent when the check's action changes, not on
//   every round (the trader persists each change).
// - A failing check with no action is recorded once ("detected").
// - A check that comes back to ok after a step was recorded records its recovery; if it had
//   moved risk, the recovery lifts REDUCING (risk_active). A halt stays: the operator resumes.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "health/checks.hpp"

namespace autotrader::health {

// Something to do now and to record as an incident once done.
struct Step {
  std::string check;
  std::string subject;
  Action action = Action::none;
  std::string target;   // restart_child: the child path
  std::string outcome;  // "pending" for an action to apply; "detected"; "recovered"
  std::string detail;
};

struct Round {
  TimePoint at;
  std::vector<CheckResult> results;
  std::vector<Step> steps;
  std::vector<std::string> suppressed;  // the check names of restarts held back
};

class Monitor {
 public:
  explicit Monitor(Thresholds thresholds) : thresholds_{thresholds} {}

  const Thresholds& thresholds() const { return thresholds_; }
  Round evaluate(std::vector<CheckResult> results, TimePoint now);

 private:
  struct Memory {
    Status status = Status::ok;
    Action applied = Action::none;  // the last action sent for it
    bool recorded = false;          // a step was recorded since it last was ok
  };
  Thresholds thresholds_;
  std::map<std::string, Memory> memory_;       // by CheckResult::key()
  std::map<std::string, TimePoint> restarts_;  // by target: the last restart asked
};

// "ok" when every check is ok; "failing" when a critical check fails; else "degraded".
std::string_view overall_status(const std::vector<CheckResult>& results);

// GET /api/health: {"status","checked_at","checks":[{"name","subject","value","threshold",
// "status","detail","last_checked"}]}; before the first round: status "unknown", no checks.
nlohmann::json health_json(const Round* round);

struct Readiness {
  bool ready = false;
  std::vector<std::string> reasons;  // why not
};
// Fit to trade: a round has run, storage writable, venue connected, every symbol's data fresh,
// the trader running and not HALTED.
Readiness readiness(const Round* round, bool trader_running, const std::string& trading_state);
nlohmann::json readiness_json(const Readiness& readiness);

// RFC 3339 UTC with milliseconds, "2026-11-21T08:55:36.123Z".
std::string format_time(TimePoint at);

}  // namespace autotrader::health
