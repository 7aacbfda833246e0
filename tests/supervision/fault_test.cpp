// The fault hook, heartbeats and hang detection, unkillable children, in virtual time.
#include "test_support.hpp"

namespace autotrader::supervision::testing {
namespace {

using Names = std::vector<std::string>;
using Kind = Event::Kind;

caf::message fault(const std::string& path, Fault f) {
  return caf::make_message(fault_atom::value, path, std::move(f));
}

TEST_F(SupervisionTest, CrashFaultExitsWithTheInjectedReason) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a")}));
  crash(root, "a", "chaos");
  EXPECT_EQ(info(root, "a").last_exit_reason, "supervisor.injected_fault: root: a: chaos");
  advance(100ms);
  EXPECT_EQ(info(root, "a").state, ChildState::running);
}

TEST_F(SupervisionTest, ThrowingChildIsRestarted) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a")}));
  EXPECT_EQ(call(root, fault("a", Fault::throw_exception("kaboom"))), caf::none);
  run();
  auto exited = recorder->of(Kind::child_exited);
  ASSERT_EQ(exited.size(), 1u);
  EXPECT_TRUE(exited[0].abnormal);
  EXPECT_NE(exited[0].reason.find("kaboom"), std::string::npos) << exited[0].reason;
  advance(100ms);
  EXPECT_EQ(info(root, "a").state, ChildState::running);
  EXPECT_EQ(info(root, "a").restart_count, 1u);
}

ChildSpec with_heartbeat(ChildSpec c) {
  c.heartbeat = Heartbeat{1s, 500ms};
  return c;
}

TEST_F(SupervisionTest, HealthyChildAnswersEveryHeartbeat) {
  auto root = start(spec("root", Strategy::one_for_one, {with_heartbeat(child("a"))}));
  for (int i = 0; i < 100; ++i) advance(100ms);
  EXPECT_TRUE(recorder->of(Kind::hang_detected).empty());
  EXPECT_EQ(info(root, "a").restart_count, 0u);
}

TEST_F(SupervisionTest, SilentChildIsDetectedByHeartbeatAndRestarted) {
  auto root = start(spec("root", Strategy::one_for_one, {with_heartbeat(child("a"))}));
  EXPECT_EQ(call(root, fault("a", Fault::silence())), caf::none);
  advance(1s);     // heartbeat request sent
  advance(499ms);  // still within its timeout
  EXPECT_TRUE(recorder->of(Kind::hang_detected).empty());
  advance(1ms);
  auto hangs = recorder->of(Kind::hang_detected);
  ASSERT_EQ(hangs.size(), 1u);
  EXPECT_EQ(hangs[0].child, "a");
  EXPECT_EQ(*exits, (Names{"a:exit_reason(kill)"}));
  auto exited = recorder->of(Kind::child_exited);
  ASSERT_EQ(exited.size(), 1u);
  EXPECT_EQ(exited[0].reason.rfind("hang: no heartbeat reply within 500ms", 0), 0u)
      << exited[0].reason;
  advance(100ms);
  EXPECT_EQ(info(root, "a").state, ChildState::running);
  for (int i = 0; i < 50; ++i)  // the new instance answers
    advance(100ms);
  EXPECT_EQ(recorder->of(Kind::hang_detected).size(), 1u);
}

TEST_F(SupervisionTest, FaultIsRoutedThroughNestedSupervisors) {
  auto mid = spec("mid", Strategy::one_for_one, {child("w"), child("v")});
  auto root = start(spec("root", Strategy::one_for_one, {child("a"), supervisor_child(mid)}));
  crash(root, "mid/w");
  EXPECT_EQ(recorder->who(Kind::child_exited), (Names{"mid/w"}));
  EXPECT_EQ(info(root, "mid").restart_count, 0u);
  EXPECT_TRUE(is_errc(call(root, fault("nope", Fault::crash("x"))), errc::unknown_child));
  auto deep = call(root, fault("mid/nope", Fault::crash("x")));
  EXPECT_EQ(render_reason(deep), "supervisor.unknown_child: mid: nope");
  auto through_worker = call(root, fault("a/x", Fault::crash("x")));  // a is no supervisor
  EXPECT_EQ(render_reason(through_worker), "supervisor.unknown_child: root: a/x");
}

TEST_F(SupervisionTest, FaultToAChildThatIsNotRunningFails) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a")}));
  crash(root, "a");
  EXPECT_TRUE(is_errc(call(root, fault("a", Fault::crash("x"))), errc::child_not_running));
}

// A blocking actor that never reads its mailbox cannot process exit_reason::kill: in virtual
// time it stands for a child whose handler thread is stuck.
TEST_F(SupervisionTest, HungChildThatCannotBeKilledEscalatesThroughEveryLevel) {
  caf::scoped_actor stuck{sys};
  ChildSpec hung;
  hung.id = "stuck";
  hung.start = [&stuck](caf::event_based_actor&) { return caf::actor_cast<caf::actor>(stuck); };
  hung.shutdown = Shutdown::after(200ms);
  hung.heartbeat = Heartbeat{1s, 500ms};
  auto mid = spec("mid", Strategy::one_for_one, {hung, child("w")});
  auto root = start(spec("root", Strategy::one_for_one, {child("a"), supervisor_child(mid)}));
  advance(1s);
  advance(500ms);  // no heartbeat reply: hang detected, kill sent
  EXPECT_EQ(recorder->who(Kind::hang_detected), (Names{"mid/stuck"}));
  advance(199ms);
  EXPECT_EQ(root_exit(root), caf::sec::request_timeout);
  advance(1ms);  // still alive after the kill: nothing can help
  EXPECT_TRUE(is_errc(root_exit(root), errc::unkillable_child));
  EXPECT_EQ(render_reason(root_exit(root)),
            "supervisor.unkillable_child: mid: stuck: still alive 200ms after exit_reason::kill: "
            "its handler thread is stuck, the process must be restarted");
  EXPECT_EQ(recorder->who(Kind::escalated), (Names{"mid/", "root/"}));
  EXPECT_EQ(recorder->count(Kind::restart_scheduled, "mid"), 0u);  // no restart attempted
  run();
  EXPECT_EQ(names(*exits), (Names{"w", "a"}));  // the survivors are killed
}

TEST_F(SupervisionTest, ChildThatSurvivesTheShutdownKillIsUnkillable) {
  caf::scoped_actor stuck{sys};
  ChildSpec hung;
  hung.id = "stuck";
  hung.start = [&stuck](caf::event_based_actor&) { return caf::actor_cast<caf::actor>(stuck); };
  hung.shutdown = Shutdown::after(200ms);
  auto root = start(spec("root", Strategy::one_for_one, {hung}));
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  advance(200ms);  // user_shutdown ignored: kill
  EXPECT_EQ(root_exit(root), caf::sec::request_timeout);
  advance(200ms);
  EXPECT_TRUE(is_errc(root_exit(root), errc::unkillable_child));
}

}  // namespace
}  // namespace autotrader::supervision::testing
