// The TreeView and ObserverList on their own, fed by hand-made events.
#include "supervision/tree_view.hpp"

#include <gtest/gtest.h>

namespace autotrader::supervision {
namespace {

using Kind = Event::Kind;

TEST(SupervisionObserverList, ForwardsEveryEventToEveryObserverInOrder) {
  struct Log final : Observer {
    explicit Log(std::vector<std::string>& out, std::string name) : out_{out}, name_{name} {}
    void on_event(const Event& e) override { out_.push_back(name_ + ":" + e.child); }
    std::vector<std::string>& out_;
    std::string name_;
  };
  std::vector<std::string> out;
  ObserverList list{{std::make_shared<Log>(out, "x")}};
  list.add_observer(std::make_shared<Log>(out, "y"));
  Event e;
  e.child = "a";
  list.on_event(e);
  EXPECT_EQ(out, (std::vector<std::string>{"x:a", "y:a"}));
}

Event event(Kind kind, std::string sup, std::string child, std::string reason = {},
            std::uint64_t restarts = 0, std::chrono::steady_clock::time_point at = {}) {
  Event e;
  e.child_is_supervisor = child == "mid" || child == "other";  // the supervisors of these tests
  e.kind = kind;
  e.supervisor = std::move(sup);
  e.child = std::move(child);
  e.reason = std::move(reason);
  e.restart_count = restarts;
  e.at = at;
  return e;
}

TEST(SupervisionTreeView, BuildsTheNestedTreeFromEvents) {
  using std::chrono::seconds;
  const std::chrono::steady_clock::time_point t0{seconds(100)};
  TreeView tree;
  EXPECT_EQ(tree.to_json(t0), nlohmann::json::object());
  tree.on_event(event(Kind::supervisor_started, "root", "", "one_for_all"));
  tree.on_event(event(Kind::child_started, "root", "a", "", 0, t0));
  // The nested supervisor reports before its parent does: the tree must not care.
  tree.on_event(event(Kind::supervisor_started, "mid", "", "rest_for_one"));
  tree.on_event(event(Kind::child_started, "mid", "w", "", 0, t0));
  tree.on_event(event(Kind::child_started, "root", "mid", "", 0, t0));
  tree.on_event(event(Kind::child_exited, "mid", "w", "boom"));
  tree.on_event(event(Kind::restart_scheduled, "mid", "w", "boom", 0));
  const auto expected = nlohmann::json::parse(R"({
    "id": "root", "strategy": "one_for_all", "children": [
      {"id": "a", "state": "running", "restart_count": 0, "last_exit_reason": "",
       "uptime_seconds": 5.0},
      {"id": "mid", "state": "running", "restart_count": 0, "last_exit_reason": "",
       "uptime_seconds": 5.0, "strategy": "rest_for_one", "children": [
         {"id": "w", "state": "restarting", "restart_count": 0, "last_exit_reason": "boom",
          "uptime_seconds": 0.0}]}]})");
  EXPECT_EQ(tree.to_json(t0 + seconds(5)), expected) << tree.to_json(t0 + seconds(5)).dump(2);
  tree.on_event(event(Kind::child_stopped, "root", "mid", "exit_reason(user_shutdown)"));
  auto json = tree.to_json(t0 + seconds(5));
  EXPECT_EQ(json["children"][1]["state"], "stopped");
  EXPECT_EQ(json["children"][1]["children"][0]["state"], "stopped");
  tree.on_event(event(Kind::child_removed, "root", "mid"));
  EXPECT_EQ(tree.to_json(t0)["children"].size(), 1u);
}

// Worker ids need only be unique under their supervisor: a worker named like a nested
// supervisor elsewhere must neither borrow its children nor take its subtree away.
TEST(SupervisionTreeView, AWorkerNamedLikeASupervisorStaysAWorker) {
  const std::chrono::steady_clock::time_point t0{std::chrono::seconds(100)};
  TreeView tree;
  tree.on_event(event(Kind::supervisor_started, "root", "", "one_for_one"));
  tree.on_event(event(Kind::supervisor_started, "mid", "", "one_for_one"));
  tree.on_event(event(Kind::child_started, "root", "mid", "", 0, t0));
  tree.on_event(event(Kind::child_started, "mid", "w", "", 0, t0));
  auto worker = event(Kind::child_started, "root", "w2", "", 0, t0);
  tree.on_event(worker);
  // Supervisor "other" has a worker that happens to be called "mid", like the supervisor.
  auto clash = event(Kind::child_started, "other", "mid", "", 0, t0);
  clash.child_is_supervisor = false;
  tree.on_event(event(Kind::supervisor_started, "other", "", "one_for_one"));
  tree.on_event(event(Kind::child_started, "root", "other", "", 0, t0));
  tree.on_event(clash);

  auto json = tree.to_json(t0);
  ASSERT_EQ(json["children"].size(), 3u) << json.dump(2);
  EXPECT_EQ(json["children"][0]["children"][0]["id"], "w");  // mid keeps its worker
  EXPECT_FALSE(json["children"][1].contains("children"));    // w2 is a worker
  const auto& other = json["children"][2];
  EXPECT_FALSE(other["children"][0].contains("children")) << json.dump(2);

  auto exited = event(Kind::child_exited, "other", "mid", "boom");
  exited.child_is_supervisor = false;
  tree.on_event(exited);
  auto removed = event(Kind::child_removed, "other", "mid");
  removed.child_is_supervisor = false;
  tree.on_event(removed);
  json = tree.to_json(t0);
  EXPECT_EQ(json["children"][0]["state"], "running") << json.dump(2);
  EXPECT_EQ(json["children"][0]["children"][0]["state"], "running");  // subtree untouched
  EXPECT_TRUE(json["children"][2]["children"].empty());
}

}  // namespace
}  // namespace autotrader::supervision
