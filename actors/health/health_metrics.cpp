#include "actors/health/health_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace autotrader::health_actors {
namespace {

// The incident label sets that can occur, exported as 0 from the start.
const std::pair<const char*, health::Action> kIncidents[] = {
    {"venue_connected", health::Action::restart_child},
    {"venue_connected", health::Action::none},
    {"market_data_fresh", health::Action::restart_child},
    {"market_data_fresh", health::Action::none},
    {"provider_usable", health::Action::none},
    {"provider_usable", health::Action::restart_child},
    {"disk_free", health::Action::risk_reducing},
    {"disk_free", health::Action::risk_halted},
    {"disk_free", health::Action::risk_active},
    {"disk_free", health::Action::none},
    {"memory_rss", health::Action::none},
    {"storage_writable", health::Action::risk_halted},
    {"storage_writable", health::Action::risk_active},
};

const char* const kRestartChecks[] = {"venue_connected", "market_data_fresh", "provider_usable"};

}  // namespace

HealthMetrics::HealthMetrics(prometheus::Registry& registry,
                             const std::vector<std::pair<std::string, std::string>>& known)
    : status_{prometheus::BuildGauge()
                  .Name("autotrader_health_check_status")
                  .Help("Health check status: 1 ok, 0 warn or failing")
                  .Register(registry)},
      value_{prometheus::BuildGauge()
                 .Name("autotrader_health_check_value")
                 .Help("Health check value in the check's unit (seconds, ratio, bytes or 1/0)")
                 .Register(registry)},
      incidents_{prometheus::BuildCounter()
                     .Name("autotrader_health_incidents_total")
                     .Help("Incidents the health monitor recorded, by check and action")
                     .Register(registry)},
      suppressed_{prometheus::BuildCounter()
                      .Name("autotrader_health_restarts_suppressed_total")
                      .Help("Restarts the health monitor held back within the restart cooldown")
                      .Register(registry)} {
  for (const auto& [check, subject] : known) gauges(check, subject);
  for (const auto& [check, action] : kIncidents) incident(check, action);
  for (const char* check : kRestartChecks) suppressed_counter(check);
}

std::pair<prometheus::Gauge*, prometheus::Gauge*> HealthMetrics::gauges(
    const std::string& check, const std::string& subject) {
  std::lock_guard lock{mutex_};
  auto& slot = gauges_[{check, subject}];
  if (slot.first == nullptr) {
    slot.first = &status_.Add({{"check", check}, {"subject", subject}});
    slot.second = &value_.Add({{"check", check}, {"subject", subject}});
  }
  return slot;
}

prometheus::Counter& HealthMetrics::incident(const std::string& check, health::Action action) {
  std::lock_guard lock{mutex_};
  const std::string name{health::to_string(action)};
  auto& slot = incident_cache_[{check, name}];
  if (slot == nullptr) slot = &incidents_.Add({{"check", check}, {"action", name}});
  return *slot;
}

prometheus::Counter& HealthMetrics::suppressed_counter(const std::string& check) {
  std::lock_guard lock{mutex_};
  auto& slot = suppressed_cache_[check];
  if (slot == nullptr) slot = &suppressed_.Add({{"check", check}});
  return *slot;
}

void HealthMetrics::set(const health::CheckResult& result) {
  auto [status, value] = gauges(result.check, result.subject);
  status->Set(result.status == health::Status::ok ? 1 : 0);
  value->Set(result.value);
}

void HealthMetrics::count_incident(const std::string& check, health::Action action) {
  incident(check, action).Increment();
}

void HealthMetrics::count_suppressed(const std::string& check) {
  suppressed_counter(check).Increment();
}

double HealthMetrics::status(const std::string& check, const std::string& subject) {
  return gauges(check, subject).first->Value();
}

double HealthMetrics::incidents(const std::string& check, health::Action action) {
  return incident(check, action).Value();
}

double HealthMetrics::suppressed(const std::string& check) {
  return suppressed_counter(check).Value();
}

}  // namespace autotrader::health_actors
