#pragma once
// The live supervision tree, rebuilt from events, for the API's tree view and for tests.
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "supervision/observer.hpp"

namespace autotrader::supervision {

// Keeps, per supervisor id, its strategy and its children's last known state. A nested
// supervisor is a child node whose own children are the events with supervisor == its id, so
// supervisor ids must be unique in the tree. Events arrive from many scheduler threads: every
// member takes the mutex. The root is the first supervisor seen that is nobody's child.
class TreeView final : public Observer {
 public:
  void on_event(const Event& event) override;

  // {id, strategy, children: [{id, state, restart_count, last_exit_reason, uptime_seconds,
  //  strategy?, children?: [...]}]}; `now` from the same clock as the events (actor clock).
  // An empty object until the first event.
  nlohmann::json to_json(std::chrono::steady_clock::time_point now) const;

 private:
  struct Node {
    std::string id;
    std::string state = "stopped";
    std::uint64_t restart_count = 0;
    std::string last_exit_reason;
    std::chrono::steady_clock::time_point started_at{};
    bool supervisor = false;  // a nested supervisor: its node in supervisors_ holds its children
  };
  struct Supervisor {
    std::string strategy;
    std::vector<Node> children;
  };

  Node& node(const std::string& supervisor, const std::string& child);
  void mark_subtree_stopped(const std::string& supervisor, std::set<std::string>& seen);
  void erase_subtree(const std::string& supervisor);
  nlohmann::json supervisor_json(const std::string& id, std::chrono::steady_clock::time_point now,
                                 std::set<std::string>& visited) const;

  mutable std::mutex mutex_;
  std::map<std::string, Supervisor> supervisors_;
  std::vector<std::string> order_;  // supervisors in the order first seen
};

}  // namespace autotrader::supervision
