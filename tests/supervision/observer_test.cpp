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
