#pragma once
// Turns supervision events into log lines and Prometheus metrics. The supervision library is
// generic and never logs or counts by itself; this observer is where its events become
// operator-visible, once each:
//   autotrader_supervisor_restarts_total{supervisor,child}  counter, +1 per restart performed
//   autotrader_supervisor_child_up{supervisor,child}        gauge, 1 while the child runs
//   autotrader_supervisor_escalations_total{supervisor}     counter, +1 when a supervisor escalates
// Child ids are unique only within their supervisor, so child series also carry the supervisor.
// Called from CAF scheduler threads: prometheus-cpp and spdlog are thread-safe, and the child
// label cache is guarded by a mutex.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "supervision/observer.hpp"
#include "supervision/spec.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace spdlog {
class logger;
}

namespace autotrader::app {

class SupervisionMetrics final : public supervision::Observer {
 public:
  SupervisionMetrics(prometheus::Registry& registry, std::shared_ptr<spdlog::logger> log);

  // Pre-registers the label sets of every child and supervisor in the tree, so that the series
  // exist (and export 0) before the first event.
  void preregister(const supervision::SupervisorSpec& spec);

  void on_event(const supervision::Event& event) override;

 private:
  void preregister_locked(const supervision::SupervisorSpec& spec);
  prometheus::Counter& restarts(const std::string& supervisor, const std::string& child);
  prometheus::Gauge& child_up(const std::string& supervisor, const std::string& child);
  prometheus::Counter& escalations(const std::string& supervisor);
  void log_event(const supervision::Event& event);

  prometheus::Family<prometheus::Counter>& restarts_;
  prometheus::Family<prometheus::Gauge>& child_up_;
  prometheus::Family<prometheus::Counter>& escalations_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::unordered_map<std::string, prometheus::Counter*> restart_cache_;
  std::unordered_map<std::string, prometheus::Gauge*> up_cache_;
  std::unordered_map<std::string, prometheus::Counter*> escalation_cache_;
};

}  // namespace autotrader::app
