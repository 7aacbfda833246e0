// Adding and removing children at run time (per-symbol feeds use this).
#include <stdexcept>

#include "test_support.hpp"

namespace autotrader::supervision::testing {
namespace {

using Names = std::vector<std::string>;
using Kind = Event::Kind;

caf::message add(ChildSpec c) {
  return caf::make_message(add_child_atom::value, std::move(c));
}

caf::message remove(const std::string& id) {
  return caf::make_message(remove_child_atom::value, id);
}

TEST_F(SupervisionTest, AddedChildIsAppendedStartedAndSupervised) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a")}));
  EXPECT_EQ(call(root, add(child("b"))), caf::none);
  auto rows = children(root);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].id, "b");
  EXPECT_EQ(rows[1].state, ChildState::running);
  crash(root, "b");
  advance(100ms);
  EXPECT_EQ(info(root, "b").restart_count, 1u);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(names(*exits), (Names{"b", "b", "a"}));  // the crash, then reverse order
}

TEST_F(SupervisionTest, AddingADuplicateIdFails) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a")}));
  auto err = call(root, add(child("a")));
  EXPECT_EQ(render_reason(err), "supervisor.duplicate_child: root: a");
  EXPECT_EQ(children(root).size(), 1u);
}

TEST_F(SupervisionTest, AddingAChildThatCannotStartFailsAndAddsNothing) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a")}));
  ChildSpec bad;
  bad.id = "bad";
  bad.start = [](caf::event_based_actor&) -> caf::actor {
    throw std::runtime_error("venue unreachable");
  };
  EXPECT_EQ(render_reason(call(root, add(bad))),
            "supervisor.start_failed: root: bad: venue unreachable");
  EXPECT_EQ(children(root).size(), 1u);
}

TEST_F(SupervisionTest, RemovedChildIsStoppedPerItsShutdownThenDeleted) {
  auto root = start(spec("root", Strategy::one_for_one,
                         {child("a"), child("b", Restart::permanent, Shutdown::after(1s), true)}));
  caf::scoped_actor asker{sys};
  asker->send(root, remove_child_atom::value, std::string{"b"});
  run();
  EXPECT_EQ(info(root, "b").state, ChildState::stopping);
  advance(1s);  // b ignored user_shutdown and is killed
  bool removed = false;
  asker->receive([&](caf::ok_atom) { removed = true; },
                 [&](caf::error& err) { ADD_FAILURE() << render_reason(err); },
                 caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no reply"; });
  EXPECT_TRUE(removed);
  EXPECT_EQ(*exits, (Names{"b:exit_reason(kill)"}));
  EXPECT_EQ(recorder->count(Kind::child_stopped, "b"), 1u);
  EXPECT_EQ(recorder->count(Kind::child_removed, "b"), 1u);
  EXPECT_EQ(recorder->count(Kind::restart_scheduled, "b"), 0u);
  ASSERT_EQ(children(root).size(), 1u);
}

// A child removed and added again under the same id must not inherit its predecessor's timers:
// a stale kill deadline used to declare the new, healthy child unkillable (process exit 70).
TEST_F(SupervisionTest, ChildAddedAgainAfterABrutalRemovalIsNotDeclaredUnkillable) {
  auto root = start(
      spec("root", Strategy::one_for_one, {child("a", Restart::permanent, Shutdown::brutal())}));
  EXPECT_EQ(call(root, remove("a")), caf::none);
  EXPECT_EQ(call(root, add(child("a"))), caf::none);
  EXPECT_EQ(info(root, "a").state, ChildState::running);
  advance(std::chrono::seconds(5));  // the old child's kill deadline
  EXPECT_EQ(root_exit(root), caf::sec::request_timeout) << render_reason(root_exit(root));
  EXPECT_EQ(info(root, "a").state, ChildState::running);
}

TEST_F(SupervisionTest, ChildAddedAgainAfterAKilledRemovalIsNotDeclaredUnkillable) {
  auto root = start(spec("root", Strategy::one_for_one,
                         {child("a", Restart::permanent, Shutdown::after(1s), true)}));
  caf::scoped_actor asker{sys};
  asker->send(root, remove_child_atom::value, std::string{"a"});
  run();
  advance(1s);  // it ignored user_shutdown and is killed; a kill deadline is armed
  EXPECT_EQ(children(root).size(), 0u);
  EXPECT_EQ(call(root, add(child("a"))), caf::none);
  advance(1s);
  EXPECT_EQ(root_exit(root), caf::sec::request_timeout) << render_reason(root_exit(root));
  EXPECT_EQ(recorder->count(Kind::child_started, "a"), 2u);
}

TEST_F(SupervisionTest, RemovingAnUnknownChildFails) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a")}));
  EXPECT_EQ(render_reason(call(root, remove("zz"))), "supervisor.unknown_child: root: zz");
}

TEST_F(SupervisionTest, RemovingARestartingChildCancelsItsRestart) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a"), child("b")}));
  crash(root, "a");
  EXPECT_EQ(call(root, remove("a")), caf::none);
  advance(1s);
  EXPECT_EQ(recorder->count(Kind::child_started, "a"), 1u);
  EXPECT_EQ(recorder->count(Kind::child_removed, "a"), 1u);
  EXPECT_EQ(children(root).size(), 1u);
}

TEST_F(SupervisionTest, ChangesDuringAGroupRestartWaitForIt) {
  auto root = start(
      spec("root", Strategy::one_for_all,
           {child("a"), child("b", Restart::permanent, Shutdown::after(1s), true), child("c")}));
  crash(root, "a");  // stops c, then waits for b
  caf::scoped_actor asker{sys};
  asker->send(root, remove_child_atom::value, std::string{"c"});
  asker->send(root, add_child_atom::value, child("d"));
  run();
  EXPECT_EQ(recorder->count(Kind::child_removed, "c"), 0u);  // deferred
  advance(1s);  // b killed: group restart scheduled, then the deferred changes run
  EXPECT_EQ(recorder->count(Kind::child_removed, "c"), 1u);
  int replies = 0;
  for (int i = 0; i < 2; ++i)
    asker->receive([&](caf::ok_atom) { ++replies; },
                   [&](caf::error& err) { ADD_FAILURE() << render_reason(err); },
                   caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no reply"; });
  EXPECT_EQ(replies, 2);
  advance(100ms);
  auto rows = children(root);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, "a");
  EXPECT_EQ(rows[1].id, "b");
  EXPECT_EQ(rows[2].id, "d");
  for (auto& row : rows) EXPECT_EQ(row.state, ChildState::running) << row.id;
}

}  // namespace
}  // namespace autotrader::supervision::testing
