#pragma once
// What the health monitor keeps beyond its actor's lifetime, created once by the application:
// the plain monitor (its memory of recorded steps and of the last restart per child, so a
// restarted health actor neither repeats a restart inside the cooldown nor forgets to record a
// recovery), the last round (read by the HTTP threads for /api/health and /readyz), the time
// the watch started (the age of a feed that never sent anything) and the metrics.
// Thread-safe: the actor writes, HTTP threads read.
#include <memory>
#include <mutex>
#include <optional>

#include <nlohmann/json.hpp>

#include "actors/health/health_metrics.hpp"
#include "health/monitor.hpp"

namespace autotrader::health_actors {

class HealthShared {
 public:
  HealthShared(health::Thresholds thresholds, health::TimePoint watch_started,
               std::shared_ptr<HealthMetrics> metrics);
  HealthShared(const HealthShared&) = delete;
  HealthShared& operator=(const HealthShared&) = delete;

  const health::Thresholds& thresholds() const { return thresholds_; }
  health::TimePoint watch_started() const { return watch_started_; }
  HealthMetrics* metrics() const { return metrics_.get(); }  // may be null

  // Runs the monitor on one round's results, keeps the round, sets the gauges; returns the
  // round with the steps to apply.
  health::Round evaluate(std::vector<health::CheckResult> results, health::TimePoint now);

  // GET /api/health.
  nlohmann::json health_json() const;
  // GET /readyz, given the trader's state.
  health::Readiness readiness(bool trader_running, const std::string& trading_state) const;
  // The last round's results (empty before the first).
  std::vector<health::CheckResult> last_results() const;

 private:
  const health::Thresholds thresholds_;
  const health::TimePoint watch_started_;
  std::shared_ptr<HealthMetrics> metrics_;
  mutable std::mutex mutex_;
  health::Monitor monitor_;
  std::optional<health::Round> last_;
};

}  // namespace autotrader::health_actors
