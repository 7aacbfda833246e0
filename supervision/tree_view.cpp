#include "supervision/tree_view.hpp"

#include <algorithm>

namespace autotrader::supervision {

TreeView::Node& TreeView::node(const std::string& supervisor, const std::string& child) {
  if (!supervisors_.count(supervisor)) order_.push_back(supervisor);
  auto& children = supervisors_[supervisor].children;
  auto it =
      std::find_if(children.begin(), children.end(), [&](const Node& n) { return n.id == child; });
  if (it != children.end()) return *it;
  Node fresh;
  fresh.id = child;
  children.push_back(std::move(fresh));
  return children.back();
}

void TreeView::mark_subtree_stopped(const std::string& supervisor, std::set<std::string>& seen) {
  auto it = supervisors_.find(supervisor);
  if (it == supervisors_.end() || !seen.insert(supervisor).second)
    return;  // not a supervisor, or an id cycle from non-unique ids
  for (auto& child : it->second.children) {
    child.state = "stopped";
    if (child.supervisor) mark_subtree_stopped(child.id, seen);
  }
}

void TreeView::erase_subtree(const std::string& supervisor) {
  auto it = supervisors_.find(supervisor);
  if (it == supervisors_.end()) return;
  auto children = std::move(it->second.children);
  supervisors_.erase(it);  // erased before recursing: an id cycle ends here
  order_.erase(std::remove(order_.begin(), order_.end(), supervisor), order_.end());
  for (const auto& child : children) {
    if (child.supervisor) erase_subtree(child.id);
  }
}

void TreeView::on_event(const Event& event) {
  std::lock_guard<std::mutex> lock{mutex_};
  using Kind = Event::Kind;
  switch (event.kind) {
    case Kind::supervisor_started: {
      // A (re)started supervisor starts with no children: the old instance's are gone.
      if (!supervisors_.count(event.supervisor)) order_.push_back(event.supervisor);
      auto& sup = supervisors_[event.supervisor];
      sup.strategy = event.reason;
      sup.children.clear();
      break;
    }
    case Kind::child_started: {
      auto& n = node(event.supervisor, event.child);
      n.state = "running";
      n.restart_count = event.restart_count;
      n.started_at = event.at;
      n.supervisor = event.child_is_supervisor;
      break;
    }
    case Kind::child_exited:
    case Kind::child_stopped: {
      auto& n = node(event.supervisor, event.child);
      n.state = "stopped";
      n.last_exit_reason = event.reason;
      if (n.supervisor) {
        std::set<std::string> seen;
        mark_subtree_stopped(event.child, seen);
      }
      break;
    }
    case Kind::restart_scheduled: {
      auto& n = node(event.supervisor, event.child);
      n.state = "restarting";
      n.restart_count = event.restart_count;
      break;
    }
    case Kind::hang_detected:
      node(event.supervisor, event.child).state = "stopping";
      break;
    case Kind::child_removed: {
      bool was_supervisor = false;
      auto it = supervisors_.find(event.supervisor);
      if (it != supervisors_.end()) {
        auto& children = it->second.children;
        auto removed = std::remove_if(children.begin(), children.end(),
                                      [&](const Node& n) { return n.id == event.child; });
        was_supervisor =
            std::any_of(removed, children.end(), [](const Node& n) { return n.supervisor; });
        children.erase(removed, children.end());
      }
      if (was_supervisor && event.child != event.supervisor) erase_subtree(event.child);
      break;
    }
    case Kind::gave_up:
    case Kind::escalated:
      break;  // the parent reports the supervisor's own exit
  }
}

nlohmann::json TreeView::supervisor_json(const std::string& id,
                                         std::chrono::steady_clock::time_point now,
                                         std::set<std::string>& visited) const {
  nlohmann::json out{{"id", id}, {"children", nlohmann::json::array()}};
  auto it = supervisors_.find(id);
  if (it == supervisors_.end() || !visited.insert(id).second)
    return out;  // unknown, or an id cycle from non-unique supervisor ids
  if (!it->second.strategy.empty()) out["strategy"] = it->second.strategy;
  for (const auto& child : it->second.children) {
    const double uptime = child.state == "running"
                              ? std::chrono::duration<double>(now - child.started_at).count()
                              : 0.0;
    nlohmann::json row{{"id", child.id},
                       {"state", child.state},
                       {"restart_count", child.restart_count},
                       {"last_exit_reason", child.last_exit_reason},
                       {"uptime_seconds", uptime}};
    if (child.supervisor && supervisors_.count(child.id)) {
      auto nested = supervisor_json(child.id, now, visited);
      if (nested.contains("strategy")) row["strategy"] = nested["strategy"];
      row["children"] = nested["children"];
    }
    out["children"].push_back(std::move(row));
  }
  return out;
}

nlohmann::json TreeView::to_json(std::chrono::steady_clock::time_point now) const {
  std::lock_guard<std::mutex> lock{mutex_};
  std::set<std::string> children;
  for (const auto& [id, sup] : supervisors_)
    for (const auto& child : sup.children)
      if (child.supervisor && child.id != id) children.insert(child.id);
  for (const auto& id : order_) {
    if (!children.count(id)) {
      std::set<std::string> visited;
      return supervisor_json(id, now, visited);
    }
  }
  return nlohmann::json::object();
}

}  // namespace autotrader::supervision
