// Events, the which_children query, ObserverList and the TreeView.
#include "supervision/tree_view.hpp"
#include "test_support.hpp"

namespace autotrader::supervision::testing {
namespace {

using Kind = Event::Kind;

TEST_F(SupervisionTest, ObserverSeesEachEventOnceWithItsDetails) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a")}));
  const auto t0 = sys.clock().now();
  crash(root, "a");
  advance(100ms);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  auto events = recorder->events();
  std::vector<Kind> kinds;
  for (auto& e : events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds,
            (std::vector<Kind>{Kind::supervisor_started, Kind::child_started, Kind::child_exited,
                               Kind::restart_scheduled, Kind::child_started, Kind::child_stopped}));
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].reason, "one_for_one");
  EXPECT_TRUE(events[2].abnormal);
  EXPECT_EQ(events[2].reason, "supervisor.injected_fault: root: a: boom");
  EXPECT_EQ(events[3].delay, 100ms);
  EXPECT_EQ(events[4].restart_count, 1u);
  EXPECT_EQ(events[4].at - t0, 100ms);  // the actor clock: virtual time
  EXPECT_FALSE(events[5].abnormal);
  EXPECT_EQ(events[5].reason, "exit_reason(user_shutdown)");
  for (auto& e : events) EXPECT_EQ(e.supervisor, "root");
}

TEST_F(SupervisionTest, QueryReportsStateRestartsReasonAndStartTime) {
  auto root = start(spec("root", Strategy::one_for_one,
                         {child("a"), child("b", Restart::permanent, Shutdown::after(1s), true)}));
  const auto t0 = sys.clock().now();
  crash(root, "a");
  auto a = info(root, "a");
  EXPECT_EQ(a.state, ChildState::restarting);
  EXPECT_EQ(a.last_exit_reason, "supervisor.injected_fault: root: a: boom");
  advance(100ms);
  a = info(root, "a");
  EXPECT_EQ(a.state, ChildState::running);
  EXPECT_EQ(a.restart_count, 1u);
  EXPECT_EQ(a.started_at, t0 + 100ms);
  EXPECT_FALSE(a.supervisor);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(info(root, "b").state, ChildState::stopping);
  advance(1s);
}

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

TEST_F(SupervisionTest, TreeViewFollowsALiveTree) {
  auto tree = std::make_shared<TreeView>();
  auto mid = spec("mid", Strategy::rest_for_one, {child("w"), child("v")});
  mid.observer = nullptr;
  auto top = spec("root", Strategy::one_for_one, {child("a"), supervisor_child(mid)});
  top.observer =
      std::make_shared<ObserverList>(std::vector<std::shared_ptr<Observer>>{recorder, tree});
  auto root = start(top);
  crash(root, "mid/w");
  advance(100ms);
  advance(2s);
  auto json = tree->to_json(sys.clock().now());
  EXPECT_EQ(json["id"], "root");
  EXPECT_EQ(json["strategy"], "one_for_one");
  ASSERT_EQ(json["children"].size(), 2u);
  auto& mid_node = json["children"][1];
  EXPECT_EQ(mid_node["id"], "mid");
  EXPECT_EQ(mid_node["strategy"], "rest_for_one");
  ASSERT_EQ(mid_node["children"].size(), 2u);
  auto& w = mid_node["children"][0];
  EXPECT_EQ(w["state"], "running");
  EXPECT_EQ(w["restart_count"], 1);
  EXPECT_EQ(w["last_exit_reason"], "supervisor.injected_fault: mid: w: boom");
  EXPECT_DOUBLE_EQ(w["uptime_seconds"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(json["children"][0]["uptime_seconds"].get<double>(), 2.1);
}

}  // namespace
}  // namespace autotrader::supervision::testing
