#include "app/supervision_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

namespace autotrader::app {
namespace {

std::string key(const std::string& supervisor, const std::string& child) {
  return supervisor + '\0' + child;
}

double seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

SupervisionMetrics::SupervisionMetrics(prometheus::Registry& registry,
                                       std::shared_ptr<spdlog::logger> log)
    : restarts_{prometheus::BuildCounter()
                    .Name("autotrader_supervisor_restarts_total")
                    .Help("Restarts of a supervised child performed by its supervisor")
                    .Register(registry)},
      child_up_{prometheus::BuildGauge()
                    .Name("autotrader_supervisor_child_up")
                    .Help("1 while the supervised child is running, 0 otherwise")
                    .Register(registry)},
      escalations_{prometheus::BuildCounter()
                       .Name("autotrader_supervisor_escalations_total")
                       .Help("Times a supervisor gave up and escalated to its parent")
                       .Register(registry)},
      log_{std::move(log)} {}

void SupervisionMetrics::preregister(const supervision::SupervisorSpec& spec) {
  std::lock_guard lock{mutex_};
  preregister_locked(spec);
}

void SupervisionMetrics::preregister_locked(const supervision::SupervisorSpec& spec) {
  escalations(spec.id);
  for (const auto& child : spec.children) {
    restarts(spec.id, child.id);
    child_up(spec.id, child.id);
    if (child.supervisor) preregister_locked(*child.supervisor);
  }
}

prometheus::Counter& SupervisionMetrics::restarts(const std::string& supervisor,
                                                  const std::string& child) {
  auto [it, added] = restart_cache_.try_emplace(key(supervisor, child), nullptr);
  if (added) it->second = &restarts_.Add({{"supervisor", supervisor}, {"child", child}});
  return *it->second;
}

prometheus::Gauge& SupervisionMetrics::child_up(const std::string& supervisor,
                                                const std::string& child) {
  auto [it, added] = up_cache_.try_emplace(key(supervisor, child), nullptr);
  if (added) it->second = &child_up_.Add({{"supervisor", supervisor}, {"child", child}});
  return *it->second;
}

prometheus::Counter& SupervisionMetrics::escalations(const std::string& supervisor) {
  auto [it, added] = escalation_cache_.try_emplace(supervisor, nullptr);
  if (added) it->second = &escalations_.Add({{"supervisor", supervisor}});
  return *it->second;
}

void SupervisionMetrics::on_event(const supervision::Event& event) {
  using Kind = supervision::Event::Kind;
  {
    std::lock_guard lock{mutex_};
    switch (event.kind) {
      case Kind::child_started:
        child_up(event.supervisor, event.child).Set(1);
        {
          // Created on every start, so a child added at run time exports 0 from the start.
          auto& restarts_total = restarts(event.supervisor, event.child);
          if (event.restart_count > 0) restarts_total.Increment();
        }
        break;
      case Kind::child_exited:
      case Kind::child_stopped:
      case Kind::child_removed:
        child_up(event.supervisor, event.child).Set(0);
        break;
      case Kind::escalated:
        escalations(event.supervisor).Increment();
        break;
      case Kind::supervisor_started:
      case Kind::restart_scheduled:
      case Kind::hang_detected:
      case Kind::gave_up:
        break;
    }
  }
  log_event(event);
}

void SupervisionMetrics::log_event(const supervision::Event& event) {
  if (!log_) return;
  using Kind = supervision::Event::Kind;
  const auto& sup = event.supervisor;
  const auto& child = event.child;
  switch (event.kind) {
    case Kind::supervisor_started:
      log_->info("supervisor {} started (strategy {})", sup, event.reason);
      break;
    case Kind::child_started:
      log_->info("{}/{} started (restarts so far: {})", sup, child, event.restart_count);
      break;
    case Kind::child_exited:
      if (event.abnormal) {
        log_->warn("{}/{} exited abnormally: {}", sup, child, event.reason);
      } else {
        log_->info("{}/{} exited: {}", sup, child, event.reason);
      }
      break;
    case Kind::restart_scheduled:
      // Info: the exit that caused it was the warning.
      log_->info("{}/{} restarting in {:.3f} s", sup, child, seconds(event.delay));
      break;
    case Kind::child_stopped:
      log_->info("{}/{} stopped: {}", sup, child, event.reason);
      break;
    case Kind::child_removed:
      log_->info("{}/{} removed", sup, child);
      break;
    case Kind::hang_detected:
      log_->error("{}/{} hung (no heartbeat reply): {}", sup, child, event.reason);
      break;
    case Kind::gave_up:
      log_->error("supervisor {} gave up: {}", sup, event.reason);
      break;
    case Kind::escalated:
      log_->error("supervisor {} escalated to its parent: {}", sup, event.reason);
      break;
  }
}

}  // namespace autotrader::app
