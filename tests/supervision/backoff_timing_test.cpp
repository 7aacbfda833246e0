// Backoff between restarts in virtual time: the Akka formula, doubling, cap and reset.
#include "test_support.hpp"

namespace autotrader::supervision::testing {
namespace {

using Kind = Event::Kind;

std::chrono::nanoseconds last_delay(const Recorder& recorder) {
  auto scheduled = recorder.of(Kind::restart_scheduled);
  return scheduled.empty() ? std::chrono::nanoseconds{-1} : scheduled.back().delay;
}

TEST_F(SupervisionTest, RestartFiresExactlyAtTheJitteredDelay) {
  auto s = spec("root", Strategy::one_for_one, {child("a")});
  s.backoff = Backoff{500ms, 30s, 0.2, 60s};
  s.random = std::make_shared<core::FixedRandom>(0.5);
  auto root = start(s);
  crash(root, "a");
  EXPECT_EQ(last_delay(*recorder), 550ms);  // 500 * (1 + 0.5 * 0.2)
  EXPECT_EQ(advance(549ms), 0u);
  EXPECT_EQ(info(root, "a").state, ChildState::restarting);
  EXPECT_EQ(recorder->count(Kind::child_started, "a"), 1u);
  EXPECT_EQ(advance(1ms), 1u);
  EXPECT_EQ(info(root, "a").state, ChildState::running);
  EXPECT_EQ(recorder->count(Kind::child_started, "a"), 2u);
}

TEST_F(SupervisionTest, DelaysDoubleUpToTheCap) {
  auto s = spec("root", Strategy::one_for_one, {child("a")});
  s.backoff = Backoff{100ms, 1s, 0.0, 60s};
  auto root = start(s);
  std::vector<std::chrono::nanoseconds> delays;
  for (int i = 0; i < 6; ++i) {
    crash(root, "a");
    const auto delay = last_delay(*recorder);
    delays.push_back(delay);
    EXPECT_EQ(advance(delay - 1ms), 0u) << i;
    EXPECT_EQ(advance(1ms), 1u) << i;
  }
  EXPECT_EQ(delays, (std::vector<std::chrono::nanoseconds>{100ms, 200ms, 400ms, 800ms, 1s, 1s}));
}

TEST_F(SupervisionTest, ExponentResetsAfterTheChildStayedUp) {
  auto s = spec("root", Strategy::one_for_one, {child("a")});
  s.backoff = Backoff{100ms, 10s, 0.0, 5s};
  auto root = start(s);
  crash(root, "a");
  advance(100ms);
  crash(root, "a");
  EXPECT_EQ(last_delay(*recorder), 200ms);
  advance(200ms);
  advance(4'999ms);  // older instances' stable timers fire here and must be ignored
  crash(root, "a");
  EXPECT_EQ(last_delay(*recorder), 400ms);  // up for 4.999 s only: no reset
  advance(400ms);
  advance(5s);  // this instance's stable timer
  crash(root, "a");
  EXPECT_EQ(last_delay(*recorder), 100ms);
}

TEST_F(SupervisionTest, TheFailingChildsExponentDrivesAGroupRestart) {
  auto root = start(spec("root", Strategy::one_for_all, {child("a"), child("b")}));
  crash(root, "a");
  EXPECT_EQ(last_delay(*recorder), 100ms);
  advance(100ms);
  crash(root, "a");
  EXPECT_EQ(last_delay(*recorder), 200ms);
  auto scheduled = recorder->of(Kind::restart_scheduled);
  EXPECT_EQ(scheduled.back().child, "b");  // the whole group waits for a's delay
  EXPECT_EQ(scheduled.back().delay, 200ms);
  advance(200ms);
  crash(root, "b");
  EXPECT_EQ(last_delay(*recorder), 100ms);  // b's own exponent
}

TEST_F(SupervisionTest, MessagesKeepFlowingDuringABackoff) {
  auto s = spec("root", Strategy::one_for_one, {child("a")});
  s.backoff = Backoff{10s, 10s, 0.0, 60s};
  auto root = start(s);
  crash(root, "a");
  EXPECT_EQ(info(root, "a").state, ChildState::restarting);  // answered while waiting
  EXPECT_EQ(call(root, caf::make_message(add_child_atom::value, child("b"))), caf::none);
  EXPECT_EQ(info(root, "b").state, ChildState::running);
  advance(10s);
  EXPECT_EQ(info(root, "a").state, ChildState::running);
}

}  // namespace
}  // namespace autotrader::supervision::testing
