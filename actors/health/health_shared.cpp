#include "actors/health/health_shared.hpp"

namespace autotrader::health_actors {

HealthShared::HealthShared(health::Thresholds thresholds, health::TimePoint watch_started,
                           std::shared_ptr<HealthMetrics> metrics)
    : thresholds_{thresholds},
      watch_started_{watch_started},
      metrics_{std::move(metrics)},
      monitor_{thresholds} {}

health::Round HealthShared::evaluate(std::vector<health::CheckResult> results,
                                     health::TimePoint now) {
  std::lock_guard lock{mutex_};
  auto round = monitor_.evaluate(std::move(results), now);
  if (metrics_) {
    for (const auto& result : round.results) metrics_->set(result);
  }
  last_ = round;
  return round;
}

nlohmann::json HealthShared::health_json() const {
  std::lock_guard lock{mutex_};
  return health::health_json(last_ ? &*last_ : nullptr);
}

health::Readiness HealthShared::readiness(bool trader_running,
                                          const std::string& trading_state) const {
  std::lock_guard lock{mutex_};
  return health::readiness(last_ ? &*last_ : nullptr, trader_running, trading_state);
}

std::vector<health::CheckResult> HealthShared::last_results() const {
  std::lock_guard lock{mutex_};
  return last_ ? last_->results : std::vector<health::CheckResult>{};
}

}  // namespace autotrader::health_actors
