// SupervisorCore on its own, driven by a fake driver: interleavings that are awkward to
// produce with real actors (start failures, deaths during a stop sequence, stale timers).
#include "supervision/supervisor_core.hpp"

#include <gtest/gtest.h>

#include <map>

#include "caf/exit_reason.hpp"
#include "caf/sec.hpp"
#include "supervision/errc.hpp"

namespace autotrader::supervision {
namespace {

using namespace std::chrono_literals;
using Names = std::vector<std::string>;

class FakeDriver final : public SupervisorDriver {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  caf::error start(const ChildSpec& spec) override {
    started.push_back(spec.id);
    if (refuse.count(spec.id) && refuse[spec.id]-- > 0)
      return caf::make_error(errc::start_failed, "sup", spec.id, "refused");
    return caf::none;
  }
  void signal(const std::string& child, const caf::error& reason) override {
    signals.push_back(child + ":" + render_reason(reason));
  }
  void arm(const Timer& timer, std::chrono::nanoseconds delay) override {
    timers.push_back({timer, delay});
  }
  void request_heartbeat(const std::string& child, std::uint64_t instance,
                         std::chrono::milliseconds) override {
    heartbeats.push_back(child + "#" + std::to_string(instance));
  }
  void quit(const caf::error& reason) override {
    quit_reason = reason;
    quitted = true;
  }

  // The restart timers armed so far.
  std::vector<std::pair<Timer, std::chrono::nanoseconds>> restarts() const {
    std::vector<std::pair<Timer, std::chrono::nanoseconds>> out;
    for (auto& t : timers)
      if (t.first.kind == Timer::Kind::restart) out.push_back(t);
    return out;
  }

  std::chrono::steady_clock::time_point now_{};
  std::map<std::string, int> refuse;  // id -> how many starts to refuse
  Names started;
  Names signals;
  Names heartbeats;
  std::vector<std::pair<Timer, std::chrono::nanoseconds>> timers;
  caf::error quit_reason;
  bool quitted = false;
};

ChildSpec spec_of(const std::string& id, Shutdown shutdown = Shutdown::after(1s)) {
  ChildSpec c;
  c.id = id;
  c.start = [](caf::event_based_actor&) { return caf::actor{}; };  // the fake never calls it
  c.shutdown = shutdown;
  return c;
}

SupervisorSpec sup(Strategy strategy, std::vector<ChildSpec> children) {
  SupervisorSpec s;
  s.id = "sup";
  s.strategy = strategy;
  s.backoff = Backoff{100ms, 10s, 0.0, 60s};
  s.children = std::move(children);
  return s;
}

ChildState state_of(const SupervisorCore& core, const std::string& id) {
  for (auto& row : core.children())
    if (row.id == id) return row.state;
  return ChildState::stopped;
}

const caf::error crash = caf::make_error(errc::injected_fault, "test");

TEST(SupervisionCore, StartFailureAtInitIsRetriedAfterTheBackoff) {
  FakeDriver driver;
  driver.refuse["a"] = 1;
  SupervisorCore core{sup(Strategy::one_for_one, {spec_of("a"), spec_of("b")}), driver};
  core.start();
  EXPECT_EQ(driver.started, (Names{"a", "b"}));  // b is not held up by a
  ASSERT_EQ(driver.restarts().size(), 1u);
  EXPECT_EQ(driver.restarts()[0].second, 100ms);
  EXPECT_EQ(state_of(core, "a"), ChildState::restarting);
  core.on_timer(driver.restarts()[0].first);
  EXPECT_EQ(driver.started, (Names{"a", "b", "a"}));
  EXPECT_EQ(state_of(core, "a"), ChildState::running);
}

TEST(SupervisionCore, StartFailureUnderOneForAllRestartsTheWholeGroup) {
  FakeDriver driver;
  driver.refuse["b"] = 1;
  SupervisorCore core{sup(Strategy::one_for_all, {spec_of("a"), spec_of("b"), spec_of("c")}),
                      driver};
  core.start();
  EXPECT_EQ(driver.started, (Names{"a", "b"}));  // c waits for the group
  EXPECT_EQ(driver.signals, (Names{"a:exit_reason(user_shutdown)"}));
  EXPECT_TRUE(driver.restarts().empty());  // not before a is down
  core.on_child_down("a", caf::make_error(caf::exit_reason::user_shutdown));
  ASSERT_EQ(driver.restarts().size(), 1u);
  core.on_timer(driver.restarts()[0].first);
  EXPECT_EQ(driver.started, (Names{"a", "b", "a", "b", "c"}));
}

TEST(SupervisionCore, SiblingDyingDuringAGroupStopCausesNoSecondRestart) {
  FakeDriver driver;
  SupervisorCore core{sup(Strategy::one_for_all, {spec_of("a"), spec_of("b"), spec_of("c")}),
                      driver};
  core.start();
  core.on_child_down("a", crash);  // stop c, then b
  EXPECT_EQ(driver.signals, (Names{"c:exit_reason(user_shutdown)"}));
  core.on_child_down("b", crash);  // b dies by itself while queued
  core.on_child_down("c", caf::make_error(caf::exit_reason::user_shutdown));
  EXPECT_EQ(driver.signals.size(), 1u);  // b was already down: nothing to stop
  ASSERT_EQ(driver.restarts().size(), 1u);
  core.on_timer(driver.restarts()[0].first);
  EXPECT_EQ(driver.started, (Names{"a", "b", "c", "a", "b", "c"}));
}

TEST(SupervisionCore, FailureDuringARemovalIsHandledOnceTheRemovalIsDone) {
  FakeDriver driver;
  SupervisorCore core{sup(Strategy::one_for_one, {spec_of("a"), spec_of("b")}), driver};
  core.start();
  caf::error removed = caf::make_error(caf::sec::request_timeout);
  core.remove_child("b", [&](const caf::error& err) { removed = err; });
  core.on_child_down("a", crash);  // waits: the removal's stop sequence is running
  EXPECT_TRUE(driver.restarts().empty());
  core.on_child_down("b", caf::make_error(caf::exit_reason::user_shutdown));
  EXPECT_EQ(removed, caf::none);
  ASSERT_EQ(driver.restarts().size(), 1u);
  core.on_timer(driver.restarts()[0].first);
  EXPECT_EQ(driver.started, (Names{"a", "b", "a"}));
  EXPECT_FALSE(core.has_child("b"));
}

TEST(SupervisionCore, StaleTimersAndHeartbeatRepliesAreIgnored) {
  FakeDriver driver;
  auto a = spec_of("a");
  a.heartbeat = Heartbeat{1s, 500ms};
  SupervisorCore core{sup(Strategy::one_for_one, {a}), driver};
  core.start();  // instance 1
  core.on_child_down("a", crash);
  core.on_timer(driver.restarts()[0].first);  // instance 2
  core.on_timer(Timer{Timer::Kind::heartbeat, "a", 1});
  EXPECT_TRUE(driver.heartbeats.empty());
  core.on_heartbeat_failure("a", 1, caf::make_error(caf::sec::request_timeout));
  core.on_timer(Timer{Timer::Kind::shutdown, "a", 1});
  core.on_timer(Timer{Timer::Kind::kill_deadline, "a", 1});
  core.on_timer(driver.restarts()[0].first);  // the used ticket
  EXPECT_TRUE(driver.signals.empty());
  EXPECT_FALSE(driver.quitted);
  EXPECT_EQ(driver.started, (Names{"a", "a"}));
  core.on_timer(Timer{Timer::Kind::heartbeat, "a", 2});
  EXPECT_EQ(driver.heartbeats, (Names{"a#2"}));
}

TEST(SupervisionCore, ExitSignalWithNormalReasonIsIgnored) {
  FakeDriver driver;
  SupervisorCore core{sup(Strategy::one_for_one, {spec_of("a")}), driver};
  core.start();
  core.on_exit_request(caf::none);
  EXPECT_TRUE(driver.signals.empty());
  core.on_exit_request(caf::make_error(caf::exit_reason::user_shutdown));
  EXPECT_EQ(driver.signals, (Names{"a:exit_reason(user_shutdown)"}));
  core.on_child_down("a", caf::make_error(caf::exit_reason::user_shutdown));
  EXPECT_TRUE(driver.quitted);
  EXPECT_EQ(driver.quit_reason, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace autotrader::supervision
