#include "health/monitor.hpp"

#include <cstdio>
#include <ctime>
#include <set>

namespace autotrader::health {
namespace {

bool moves_risk(Action action) {
  return action == Action::risk_reducing || action == Action::risk_halted;
}

std::string describe(const CheckResult& r) {
  return r.subject.empty() ? r.detail : r.subject + ": " + r.detail;
}

}  // namespace

Round Monitor::evaluate(std::vector<CheckResult> results, TimePoint now) {
  Round round;
  round.at = now;
  std::set<std::string> restarted;  // the targets asked for in this round
  for (const auto& r : results) {
    auto& memory = memory_[r.key()];
    if (r.status == Status::ok) {
      if (memory.recorded) {
        round.steps.push_back({r.check,
                               r.subject,
                               moves_risk(memory.applied) ? Action::risk_active : Action::none,
                               {},
                               "recovered",
                               describe(r)});
      }
      memory = Memory{};
      continue;
    }
    if (r.action == Action::restart_child) {
      auto last = restarts_.find(r.target);
      if (last == restarts_.end() || now - last->second >= thresholds_.restart_cooldown) {
        restarts_[r.target] = now;
        restarted.insert(r.target);
        round.steps.push_back({r.check, r.subject, r.action, r.target, "pending", describe(r)});
        memory.recorded = true;
      } else if (restarted.count(r.target) > 0) {
        // Another check of the same target asked for the restart this round.
        if (!memory.recorded) {
          round.steps.push_back(
              {r.check, r.subject, Action::none, r.target, "detected", describe(r)});
          memory.recorded = true;
        }
      } else {
        round.suppressed.push_back(r.check);
        if (!memory.recorded) {
          round.steps.push_back(
              {r.check, r.subject, Action::none, r.target, "detected", describe(r)});
          memory.recorded = true;
        }
      }
      memory.applied = r.action;
    } else if (moves_risk(r.action)) {
      if (r.action != memory.applied) {
        round.steps.push_back({r.check, r.subject, r.action, {}, "pending", describe(r)});
        memory.applied = r.action;
        memory.recorded = true;
      }
    } else if (r.status == Status::failing && !memory.recorded) {
      round.steps.push_back({r.check, r.subject, Action::none, {}, "detected", describe(r)});
      memory.recorded = true;
    }
    memory.status = r.status;
  }
  round.results = std::move(results);
  return round;
}

std::string_view overall_status(const std::vector<CheckResult>& results) {
  bool all_ok = true;
  for (const auto& r : results) {
    if (r.status == Status::failing && r.critical) return "failing";
    if (r.status != Status::ok) all_ok = false;
  }
  return all_ok ? "ok" : "degraded";
}

std::string format_time(TimePoint at) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(at.time_since_epoch()).count();
  const auto secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const auto millis = static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buffer[96];  // room for any int the format could print
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

nlohmann::json health_json(const Round* round) {
  if (round == nullptr) {
    return {{"status", "unknown"},
            {"checked_at", nullptr},
            {"checks", nlohmann::json::array()},
            {"detail", "the first round of checks has not run yet"}};
  }
  const auto at = format_time(round->at);
  auto checks = nlohmann::json::array();
  for (const auto& r : round->results) {
    checks.push_back({{"name", r.check},
                      {"subject", r.subject},
                      {"value", r.value},
                      {"threshold", r.threshold ? nlohmann::json(*r.threshold) : nullptr},
                      {"status", std::string{to_string(r.status)}},
                      {"detail", r.detail},
                      {"last_checked", at}});
  }
  return {{"status", std::string{overall_status(round->results)}},
          {"checked_at", at},
          {"checks", std::move(checks)}};
}

Readiness readiness(const Round* round, bool trader_running, const std::string& trading_state) {
  Readiness out;
  if (round == nullptr) {
    out.reasons.push_back("the health checks have not run yet");
  } else {
    bool storage_seen = false;
    for (const auto& r : round->results) {
      const bool gate = r.check == "storage_writable" || r.check == "market_data_fresh" ||
                        r.check == "venue_connected";
      storage_seen = storage_seen || r.check == "storage_writable";
      if (gate && r.status != Status::ok) out.reasons.push_back(r.key() + ": " + r.detail);
    }
    if (!storage_seen) out.reasons.push_back("storage_writable: not checked");
  }
  if (!trader_running) out.reasons.push_back("the trader is not running");
  if (trading_state == "HALTED") out.reasons.push_back("trading is HALTED");
  out.ready = out.reasons.empty();
  return out;
}

nlohmann::json readiness_json(const Readiness& readiness) {
  return {{"ready", readiness.ready}, {"reasons", readiness.reasons}};
}

}  // namespace autotrader::health
