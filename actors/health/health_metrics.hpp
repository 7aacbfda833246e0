#pragma once
// The health monitor's Prometheus series. Created once by the application (they survive
// restarts of the actor). Labels come from fixed sets: the check names of src/health/checks.hpp,
// their subjects (the configured venue, symbols and providers) and the action names.
//
//   autotrader_health_check_status{check,subject}          gauge: 1 ok, 0 warn or failing
//   autotrader_health_check_value{check,subject}           gauge: the check's value (its unit
//       is the check's: seconds, a ratio, bytes, or 1/0)
//   autotrader_health_incidents_total{check,action}        counter: steps recorded as incidents
//   autotrader_health_restarts_suppressed_total{check}     counter: restarts held back by the
//       cooldown
//
// Thread-safe.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "health/checks.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace autotrader::health_actors {

class HealthMetrics {
 public:
  // `known`: the (check, subject) pairs to export from the start.
  HealthMetrics(prometheus::Registry& registry,
                const std::vector<std::pair<std::string, std::string>>& known);

  void set(const health::CheckResult& result);
  void count_incident(const std::string& check, health::Action action);
  void count_suppressed(const std::string& check);

  // Current values, for tests.
  double status(const std::string& check, const std::string& subject);
  double incidents(const std::string& check, health::Action action);
  double suppressed(const std::string& check);

 private:
  std::pair<prometheus::Gauge*, prometheus::Gauge*> gauges(const std::string& check,
                                                           const std::string& subject);
  prometheus::Counter& incident(const std::string& check, health::Action action);
  prometheus::Counter& suppressed_counter(const std::string& check);

  prometheus::Family<prometheus::Gauge>& status_;
  prometheus::Family<prometheus::Gauge>& value_;
  prometheus::Family<prometheus::Counter>& incidents_;
  prometheus::Family<prometheus::Counter>& suppressed_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::pair<prometheus::Gauge*, prometheus::Gauge*>>
      gauges_;
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> incident_cache_;
  std::map<std::string, prometheus::Counter*> suppressed_cache_;
};

}  // namespace autotrader::health_actors
