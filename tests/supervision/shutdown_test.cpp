// Orderly shutdown: reverse order, each child's Shutdown honoured, waiting for every down_msg.
#include "test_support.hpp"

namespace autotrader::supervision::testing {
namespace {

using Names = std::vector<std::string>;
using Kind = Event::Kind;

TEST_F(SupervisionTest, OrderlyShutdownStopsChildrenInReverseOrder) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a"), child("b"), child("c")}));
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(*exits, (Names{"c:exit_reason(user_shutdown)", "b:exit_reason(user_shutdown)",
                           "a:exit_reason(user_shutdown)"}));
  EXPECT_EQ(recorder->who(Kind::child_stopped), (Names{"root/c", "root/b", "root/a"}));
  EXPECT_EQ(root_exit(root), caf::exit_reason::user_shutdown);
  EXPECT_TRUE(recorder->of(Kind::escalated).empty());
}

TEST_F(SupervisionTest, EachStopWaitsForTheChildsDownBeforeTheNext) {
  auto root = start(
      spec("root", Strategy::one_for_one,
           {child("a"), child("b", Restart::permanent, Shutdown::after(1s), true), child("c")}));
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(names(*exits), (Names{"c"}));
  EXPECT_EQ(info(root, "b").state, ChildState::stopping);  // ignores user_shutdown
  EXPECT_EQ(info(root, "a").state, ChildState::running);   // not touched before b is down
  advance(999ms);
  EXPECT_EQ(names(*exits), (Names{"c"}));
  advance(1ms);  // b's shutdown timeout: killed, then a is stopped
  EXPECT_EQ(*exits, (Names{"c:exit_reason(user_shutdown)", "b:exit_reason(kill)",
                           "a:exit_reason(user_shutdown)"}));
  EXPECT_EQ(root_exit(root), caf::exit_reason::user_shutdown);
}

TEST_F(SupervisionTest, BrutalChildIsKilledAtOnce) {
  auto root = start(spec("root", Strategy::one_for_one,
                         {child("a", Restart::permanent, Shutdown::brutal(), true)}));
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();  // no time passes
  EXPECT_EQ(*exits, (Names{"a:exit_reason(kill)"}));
  EXPECT_EQ(root_exit(root), caf::exit_reason::user_shutdown);
}

TEST_F(SupervisionTest, NestedSupervisorStopsItsSubtreeBeforeItsElderSiblings) {
  auto mid = spec("mid", Strategy::one_for_one, {child("x"), child("y")});
  auto root =
      start(spec("root", Strategy::one_for_one, {child("a"), supervisor_child(mid), child("b")}));
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(names(*exits), (Names{"b", "y", "x", "a"}));
  EXPECT_EQ(recorder->who(Kind::child_stopped),
            (Names{"root/b", "mid/y", "mid/x", "root/mid", "root/a"}));
}

TEST_F(SupervisionTest, ShutdownCancelsAPendingRestart) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a"), child("b")}));
  crash(root, "a");
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(root_exit(root), caf::exit_reason::user_shutdown);
  auto stopped = recorder->of(Kind::child_stopped);
  ASSERT_EQ(stopped.size(), 2u);
  EXPECT_EQ(stopped[0].child, "a");  // cancelled at once, b then stops as usual
  EXPECT_EQ(stopped[0].reason, "restart cancelled: supervisor stopping");
  EXPECT_EQ(stopped[1].child, "b");
  advance(1s);
  EXPECT_EQ(recorder->count(Kind::child_started, "a"), 1u);
}

TEST_F(SupervisionTest, ChangesAreRefusedWhileShuttingDown) {
  auto root = start(spec("root", Strategy::one_for_one,
                         {child("a", Restart::permanent, Shutdown::after(1s), true)}));
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  EXPECT_TRUE(is_errc(call(root, caf::make_message(add_child_atom::value, child("b"))),
                      errc::shutting_down));
  EXPECT_TRUE(is_errc(call(root, caf::make_message(remove_child_atom::value, std::string{"a"})),
                      errc::shutting_down));
  advance(1s);
  EXPECT_EQ(root_exit(root), caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace autotrader::supervision::testing
