// Strategies x restart types, in virtual time.
#include "supervision/restart_plan.hpp"
#include "test_support.hpp"

namespace autotrader::supervision {
// Readable parameters in test names and failure messages (found by ADL).
void PrintTo(Strategy strategy, std::ostream* os) {
  *os << to_string(strategy);
}
void PrintTo(Restart restart, std::ostream* os) {
  *os << to_string(restart);
}
}  // namespace autotrader::supervision

namespace autotrader::supervision::testing {
namespace {

using Names = std::vector<std::string>;
using Kind = Event::Kind;

TEST_F(SupervisionTest, StartsChildrenInOrder) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a"), child("b"), child("c")}));
  EXPECT_EQ(recorder->who(Kind::child_started), (Names{"root/a", "root/b", "root/c"}));
  auto rows = children(root);
  ASSERT_EQ(rows.size(), 3u);
  for (auto& row : rows) {
    EXPECT_EQ(row.state, ChildState::running);
    EXPECT_EQ(row.restart_count, 0u);
  }
}

// Children a, b, c; b has the restart type under test and exits normally or abnormally.
class SupervisionStrategyMatrix
    : public SupervisionTest,
      public ::testing::WithParamInterface<std::tuple<Strategy, Restart, bool>> {};

TEST_P(SupervisionStrategyMatrix, MiddleChildExits) {
  const auto [strategy, restart, abnormal] = GetParam();
  auto root = start(spec("root", strategy, {child("a"), child("b", restart), child("c")}));
  recorder->clear();
  if (abnormal)
    crash(root, "b");
  else
    send_to("b", caf::make_message(exit_normal_atom::value));
  const bool restarted = should_restart(restart, abnormal);
  Names stopped{"b"};  // in the order they went down
  Names started;       // after the backoff
  if (restarted) {
    if (strategy == Strategy::one_for_all)
      stopped = {"b", "c", "a"};
    else if (strategy == Strategy::rest_for_one)
      stopped = {"b", "c"};
    started = strategy == Strategy::one_for_all    ? Names{"root/a", "root/b", "root/c"}
              : strategy == Strategy::rest_for_one ? Names{"root/b", "root/c"}
                                                   : Names{"root/b"};
  }
  EXPECT_EQ(names(*exits), stopped);
  EXPECT_EQ(recorder->count(Kind::child_exited, "b"), 1u);
  EXPECT_TRUE(recorder->who(Kind::child_started).empty());  // nothing before the backoff
  advance(100ms);
  EXPECT_EQ(recorder->who(Kind::child_started), started);
  auto rows = children(root);
  if (restart == Restart::temporary) {
    EXPECT_EQ(recorder->count(Kind::child_removed, "b"), 1u);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].id, "a");
    EXPECT_EQ(rows[1].id, "c");
  } else {
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1].state, restarted ? ChildState::running : ChildState::stopped);
    EXPECT_EQ(rows[1].restart_count, restarted ? 1u : 0u);
  }
  for (auto& row : rows) {
    if (row.id != "b") {
      EXPECT_EQ(row.state, ChildState::running) << row.id;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllCombinations, SupervisionStrategyMatrix,
    ::testing::Combine(
        ::testing::Values(Strategy::one_for_one, Strategy::one_for_all, Strategy::rest_for_one),
        ::testing::Values(Restart::permanent, Restart::transient, Restart::temporary),
        ::testing::Bool()),
    [](const auto& info) {
      return std::string{to_string(std::get<0>(info.param))} + "_" +
             to_string(std::get<1>(info.param)) +
             (std::get<2>(info.param) ? "_abnormal" : "_normal");
    });

TEST_F(SupervisionTest, TransientUserShutdownExitIsNotAFailure) {
  auto root = start(spec("root", Strategy::one_for_one, {child("t", Restart::transient)}));
  send_to("t", caf::make_message(exit_shutdown_atom::value));
  advance(10s);
  auto exited = recorder->of(Kind::child_exited);
  ASSERT_EQ(exited.size(), 1u);
  EXPECT_FALSE(exited[0].abnormal);
  EXPECT_EQ(info(root, "t").state, ChildState::stopped);
  EXPECT_EQ(recorder->count(Kind::restart_scheduled, "t"), 0u);
}

TEST_F(SupervisionTest, TemporarySiblingIsRemovedUnderOneForAll) {
  auto root = start(spec("root", Strategy::one_for_all,
                         {child("a"), child("t", Restart::temporary), child("c")}));
  crash(root, "a");
  EXPECT_EQ(names(*exits), (Names{"a", "c", "t"}));
  EXPECT_EQ(recorder->count(Kind::child_stopped, "t"), 1u);
  EXPECT_EQ(recorder->count(Kind::child_removed, "t"), 1u);
  advance(100ms);
  auto rows = children(root);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, "a");
  EXPECT_EQ(rows[1].id, "c");
  EXPECT_EQ(rows[1].state, ChildState::running);
  EXPECT_EQ(recorder->count(Kind::child_started, "t"), 1u);  // only the first start
}

TEST_F(SupervisionTest, TemporarySiblingIsRemovedUnderRestForOne) {
  auto root = start(spec("root", Strategy::rest_for_one,
                         {child("a"), child("b"), child("t", Restart::temporary), child("c")}));
  crash(root, "b");
  EXPECT_EQ(names(*exits), (Names{"b", "c", "t"}));
  advance(100ms);
  auto rows = children(root);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].id, "c");
  EXPECT_EQ(recorder->count(Kind::child_started, "a"), 1u);  // a was never touched
  EXPECT_EQ(recorder->count(Kind::child_started, "b"), 2u);
  EXPECT_EQ(recorder->count(Kind::child_started, "c"), 2u);
}

TEST_F(SupervisionTest, GroupRestartStartsSiblingsOnlyAfterAllAreDown) {
  // b ignores user_shutdown: a's restart must wait until b is killed after its 1 s timeout.
  auto root = start(spec("root", Strategy::one_for_all,
                         {child("a"), child("b", Restart::permanent, Shutdown::after(1s), true)}));
  crash(root, "a");
  EXPECT_EQ(info(root, "b").state, ChildState::stopping);
  EXPECT_EQ(info(root, "a").state, ChildState::stopped);
  advance(999ms);
  EXPECT_EQ(recorder->count(Kind::restart_scheduled, "a"), 0u);
  advance(1ms);  // b is killed, then the group restart is scheduled
  EXPECT_EQ(names(*exits), (Names{"a", "b"}));
  EXPECT_EQ(exits->back(), "b:exit_reason(kill)");
  EXPECT_EQ(recorder->count(Kind::restart_scheduled, "a"), 1u);
  advance(100ms);
  EXPECT_EQ(recorder->who(Kind::child_started), (Names{"root/a", "root/b", "root/a", "root/b"}));
}

TEST_F(SupervisionTest, OneForAllRestartsANormallyExitedTransientSibling) {
  auto root =
      start(spec("root", Strategy::one_for_all, {child("a"), child("t", Restart::transient)}));
  send_to("t", caf::make_message(exit_normal_atom::value));
  EXPECT_EQ(info(root, "t").state, ChildState::stopped);
  crash(root, "a");
  advance(100ms);
  EXPECT_EQ(info(root, "t").state, ChildState::running);  // OTP: a group restart starts afresh
}

}  // namespace
}  // namespace autotrader::supervision::testing
