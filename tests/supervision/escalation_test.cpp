// Restart intensity and escalation through nested supervisors, in virtual time.
#include "supervision/errc.hpp"
#include "test_support.hpp"

namespace autotrader::supervision::testing {
namespace {

using Names = std::vector<std::string>;
using Kind = Event::Kind;

TEST_F(SupervisionTest, ExactlyMaxRestartsWithinThePeriodAreAllowed) {
  auto s = spec("root", Strategy::one_for_one, {child("a"), child("b")});
  s.intensity = Intensity{3, 60s};
  auto root = start(s);
  for (int i = 0; i < 3; ++i) {
    crash(root, "a");
    advance(1s);  // backoff 100, 200, 400 ms
  }
  EXPECT_EQ(info(root, "a").restart_count, 3u);
  EXPECT_EQ(info(root, "a").state, ChildState::running);
  EXPECT_TRUE(recorder->of(Kind::gave_up).empty());
  crash(root, "a");  // the 4th restart within 60 s
  ASSERT_EQ(recorder->of(Kind::gave_up).size(), 1u);
  EXPECT_EQ(recorder->of(Kind::gave_up)[0].reason, "more than 3 restarts within 60000ms");
  EXPECT_EQ(recorder->count(Kind::child_stopped, "b"), 1u);  // siblings stop before it quits
  EXPECT_EQ(names(*exits), (Names{"a", "a", "a", "a", "b"}));
  ASSERT_EQ(recorder->of(Kind::escalated).size(), 1u);
  EXPECT_TRUE(is_errc(root_exit(root), errc::intensity_exceeded));
  EXPECT_EQ(render_reason(root_exit(root)),
            "supervisor.intensity_exceeded: root: more than 3 restarts within 60000ms");
}

TEST_F(SupervisionTest, RestartsSpreadOverMoreThanThePeriodDoNotEscalate) {
  auto s = spec("root", Strategy::one_for_one, {child("a")});
  s.intensity = Intensity{2, 10s};
  s.backoff.max = 1s;
  auto root = start(s);
  for (int i = 0; i < 20; ++i) {  // one restart every 6 s: never 3 within 10 s
    crash(root, "a");
    advance(6s);
  }
  EXPECT_TRUE(recorder->of(Kind::gave_up).empty());
  EXPECT_EQ(info(root, "a").restart_count, 20u);
  EXPECT_EQ(root_exit(root), caf::sec::request_timeout);  // still alive
}

TEST_F(SupervisionTest, ZeroIntensityGivesUpAtTheFirstFailure) {
  auto s = spec("root", Strategy::one_for_one, {child("a")});
  s.intensity = Intensity{0, 60s};
  auto root = start(s);
  crash(root, "a");
  EXPECT_TRUE(is_errc(root_exit(root), errc::intensity_exceeded));
}

TEST_F(SupervisionTest, EscalationClimbsTwoLevels) {
  auto mid = spec("mid", Strategy::one_for_one, {child("w")});
  mid.intensity = Intensity{1, 60s};
  mid.observer = nullptr;  // inherited from root
  mid.random = nullptr;    // seeded from root's
  auto top = spec("root", Strategy::one_for_one, {child("s"), supervisor_child(mid)});
  top.intensity = Intensity{1, 60s};
  auto root = start(top);
  // mid's own children start when mid first runs, after root has moved on (spawn is async).
  EXPECT_EQ(recorder->who(Kind::child_started), (Names{"root/s", "root/mid", "mid/w"}));

  crash(root, "mid/w");
  advance(1s);           // mid restarts w once: allowed
  crash(root, "mid/w");  // the 2nd: mid gives up, which is an abnormal exit of root's child
  EXPECT_EQ(recorder->who(Kind::gave_up), (Names{"mid/w"}));
  auto mid_exit = recorder->of(Kind::child_exited).back();
  EXPECT_EQ(mid_exit.child, "mid");
  EXPECT_TRUE(mid_exit.abnormal);
  EXPECT_EQ(mid_exit.reason,
            "supervisor.intensity_exceeded: mid: more than 1 restarts within 60000ms");
  EXPECT_EQ(recorder->count(Kind::restart_scheduled, "mid"), 1u);
  advance(1s);  // root restarts mid, which starts w afresh
  EXPECT_EQ(info(root, "mid").restart_count, 1u);
  EXPECT_EQ(info(root, "mid").state, ChildState::running);
  EXPECT_EQ(recorder->count(Kind::supervisor_started, ""), 3u);  // root, mid, mid again

  crash(root, "mid/w");
  advance(1s);
  crash(root, "mid/w");  // mid gives up again: root's 2nd restart within 60 s is one too many
  EXPECT_EQ(recorder->who(Kind::gave_up), (Names{"mid/w", "mid/w", "root/mid"}));
  EXPECT_EQ(recorder->count(Kind::child_stopped, "s"), 1u);
  EXPECT_EQ(names(*exits).back(), "s");
  EXPECT_EQ(render_reason(root_exit(root)),
            "supervisor.intensity_exceeded: root: more than 1 restarts within 60000ms");
  EXPECT_EQ(recorder->of(Kind::escalated).size(), 3u);  // mid twice, then root
}

TEST_F(SupervisionTest, RegisteredCategoryRendersErrcReadably) {
  EXPECT_EQ(sys.render(caf::make_error(errc::intensity_exceeded, "root", "why")),
            "supervisor.intensity_exceeded: root: why");
}

TEST_F(SupervisionTest, InvalidSpecQuitsAtOnce) {
  auto root = start(spec("root", Strategy::one_for_one, {child("a"), child("a")}));
  EXPECT_TRUE(is_errc(root_exit(root), errc::invalid_spec));
  EXPECT_TRUE(exits->empty());
}

}  // namespace
}  // namespace autotrader::supervision::testing
