#include "llm/breaker.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace autotrader::llm {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = CircuitBreaker::TimePoint;

Failure failure(FailureKind kind, std::optional<milliseconds> retry_after = std::nullopt) {
  Failure f;
  f.kind = kind;
  f.retry_after = retry_after;
  return f;
}

class LlmBreaker : public ::testing::Test {
 protected:
  TimePoint now{seconds{1000}};

  void fail(CircuitBreaker& breaker, int times, FailureKind kind = FailureKind::server_error) {
    for (int i = 0; i < times; ++i) {
      ASSERT_TRUE(breaker.allow(now)) << i;
      breaker.on_failure(failure(kind), now);
    }
  }
  void succeed(CircuitBreaker& breaker, int times) {
    for (int i = 0; i < times; ++i) {
      ASSERT_TRUE(breaker.allow(now)) << i;
      breaker.on_success(now);
    }
  }
};

TEST_F(LlmBreaker, OpensAfterFiveConsecutiveFailures) {
  CircuitBreaker breaker;
  fail(breaker, 4);
  EXPECT_EQ(breaker.state(), BreakerState::active);
  EXPECT_EQ(breaker.consecutive_failures(), 4);
  EXPECT_TRUE(breaker.allow(now));
  breaker.on_failure(failure(FailureKind::timeout), now);
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(breaker.open_reason(), OpenReason::consecutive_failures);
  EXPECT_FALSE(breaker.allow(now));
  EXPECT_EQ(breaker.next_probe_at(), now + seconds{30});
  EXPECT_EQ(breaker.total_opens(), 1u);
}

TEST_F(LlmBreaker, ASuccessResetsTheConsecutiveCount) {
  BreakerOptions options;
  options.minimum_calls = 20;  // keep the rate rule out of this test
  CircuitBreaker breaker{options};
  fail(breaker, 4);
  succeed(breaker, 1);
  fail(breaker, 4);
  EXPECT_EQ(breaker.state(), BreakerState::active);
  EXPECT_EQ(breaker.consecutive_failures(), 4);
}

TEST_F(LlmBreaker, TheConsecutiveCountIsConfigurable) {
  BreakerOptions options;
  options.consecutive_failures = 2;
  CircuitBreaker breaker{options};
  fail(breaker, 2);
  EXPECT_EQ(breaker.state(), BreakerState::open);
}

TEST_F(LlmBreaker, OpensWhenTheFailureRateOverTheWindowPassesTheThreshold) {
  // Never two failures in a row, but 6 of the last 10 calls failed: 60 % > 50 %.
  CircuitBreaker breaker;  // window 20, minimum 10 calls, threshold 0.5
  for (int i = 0; i < 4; ++i) {
    fail(breaker, 1);
    succeed(breaker, 1);
  }
  EXPECT_EQ(breaker.state(), BreakerState::active);  // 4 of 8, below the minimum of calls
  fail(breaker, 1);
  EXPECT_EQ(breaker.state(), BreakerState::active);  // 5 of 9, still below the minimum
  succeed(breaker, 1);
  EXPECT_EQ(breaker.state(), BreakerState::active);  // 5 of 10 = 50 %, not above
  EXPECT_DOUBLE_EQ(*breaker.failure_rate(), 0.5);
  fail(breaker, 1);
  EXPECT_EQ(breaker.state(), BreakerState::open);  // 6 of 11
  EXPECT_EQ(breaker.open_reason(), OpenReason::failure_rate);
}

TEST_F(LlmBreaker, TheRateWindowSlides) {
  BreakerOptions options;
  options.window_size = 10;
  options.minimum_calls = 10;
  CircuitBreaker breaker{options};
  fail(breaker, 4);
  succeed(breaker, 10);  // the four failures have left the window
  EXPECT_DOUBLE_EQ(*breaker.failure_rate(), 0.0);
  for (int i = 0; i < 5; ++i) {
    succeed(breaker, 1);
    fail(breaker, 1);
  }
  EXPECT_EQ(breaker.state(), BreakerState::active);  // 5 of 10
  fail(breaker, 1);                                  // pushes out a success
  EXPECT_EQ(breaker.state(), BreakerState::open);    // 6 of 10
  EXPECT_EQ(breaker.open_reason(), OpenReason::failure_rate);
}

TEST_F(LlmBreaker, HalfOpenAdmitsExactlyOneProbeAndSuccessCloses) {
  CircuitBreaker breaker;
  fail(breaker, 5);
  now += seconds{29};
  EXPECT_FALSE(breaker.allow(now));
  now += seconds{1};
  EXPECT_TRUE(breaker.allow(now));
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
  EXPECT_FALSE(breaker.allow(now));  // the probe is out
  now += seconds{5};
  EXPECT_FALSE(breaker.allow(now));
  breaker.on_success(now);
  EXPECT_EQ(breaker.state(), BreakerState::active);
  EXPECT_EQ(breaker.open_reason(), OpenReason::none);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
  EXPECT_FALSE(breaker.failure_rate().has_value());  // a fresh window
  EXPECT_TRUE(breaker.allow(now));
  EXPECT_TRUE(breaker.allow(now));
}

TEST_F(LlmBreaker, AFailedProbeReopensWithALongerCooldownUpToTheCap) {
  CircuitBreaker breaker;  // 30 s, x2, at most 10 min
  fail(breaker, 5);
  std::vector<std::int64_t> cooldowns{30};
  for (int i = 0; i < 7; ++i) {
    now = *breaker.next_probe_at();
    ASSERT_TRUE(breaker.allow(now));
    breaker.on_failure(failure(FailureKind::overloaded), now);
    ASSERT_EQ(breaker.state(), BreakerState::open);
    EXPECT_EQ(breaker.open_reason(), OpenReason::probe_failed);
    cooldowns.push_back(
        std::chrono::duration_cast<seconds>(*breaker.next_probe_at() - now).count());
  }
  EXPECT_EQ(cooldowns, (std::vector<std::int64_t>{30, 60, 120, 240, 480, 600, 600, 600}));
  EXPECT_EQ(breaker.total_opens(), 8u);
}

TEST_F(LlmBreaker, AReopeningSoonAfterClosingStillGrows) {
  CircuitBreaker breaker;
  fail(breaker, 5);
  now = *breaker.next_probe_at();
  ASSERT_TRUE(breaker.allow(now));
  breaker.on_success(now);
  now += minutes{2};
  fail(breaker, 5);
  EXPECT_EQ(*breaker.next_probe_at() - now, seconds{60});
}

TEST_F(LlmBreaker, GrowthResetsOnASuccessAfterTenMinutesClosed) {
  CircuitBreaker breaker;
  fail(breaker, 5);
  now = *breaker.next_probe_at();
  ASSERT_TRUE(breaker.allow(now));
  breaker.on_failure(failure(FailureKind::timeout), now);  // 60 s next
  now = *breaker.next_probe_at();
  ASSERT_TRUE(breaker.allow(now));
  breaker.on_success(now);
  EXPECT_EQ(breaker.next_cooldown(), seconds{120});
  now += minutes{9};
  succeed(breaker, 1);
  EXPECT_EQ(breaker.next_cooldown(), seconds{120});  // not yet sustained
  now += minutes{1};
  succeed(breaker, 1);
  EXPECT_EQ(breaker.consecutive_opens(), 0);
  fail(breaker, 5);
  EXPECT_EQ(*breaker.next_probe_at() - now, seconds{30});
}

TEST_F(LlmBreaker, ALostProbeIsReplacedAfterTheProbeTimeout) {
  CircuitBreaker breaker;
  fail(breaker, 5);
  now = *breaker.next_probe_at();
  ASSERT_TRUE(breaker.allow(now));
  now += seconds{119};
  EXPECT_FALSE(breaker.allow(now));
  now += seconds{1};
  EXPECT_TRUE(breaker.allow(now));
}

TEST_F(LlmBreaker, ACancelledProbeFreesTheSlotWithoutCounting) {
  CircuitBreaker breaker;
  fail(breaker, 5);
  now = *breaker.next_probe_at();
  ASSERT_TRUE(breaker.allow(now));
  breaker.on_failure(failure(FailureKind::cancelled), now);
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
  EXPECT_TRUE(breaker.allow(now));
  breaker.on_success(now);
  EXPECT_EQ(breaker.state(), BreakerState::active);
}

TEST_F(LlmBreaker, CancelledCallsDoNotCount) {
  CircuitBreaker breaker;
  fail(breaker, 4);
  for (int i = 0; i < 20; ++i) breaker.on_failure(failure(FailureKind::cancelled), now);
  EXPECT_EQ(breaker.state(), BreakerState::active);
  EXPECT_EQ(breaker.consecutive_failures(), 4);
  EXPECT_DOUBLE_EQ(*breaker.failure_rate(), 1.0);
  fail(breaker, 1);
  EXPECT_EQ(breaker.state(), BreakerState::open);
}

TEST_F(LlmBreaker, InvalidAnswersCountAsFailures) {
  CircuitBreaker breaker;
  fail(breaker, 1, FailureKind::unparseable);
  fail(breaker, 1, FailureKind::truncated);
  fail(breaker, 1, FailureKind::empty_answer);
  fail(breaker, 1, FailureKind::schema_violation);
  fail(breaker, 1, FailureKind::out_of_range);
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(breaker.open_reason(), OpenReason::consecutive_failures);
}

TEST_F(LlmBreaker, AuthAndQuotaDisableForTheLongCooldownWithTheirReason) {
  struct Case {
    FailureKind kind;
    OpenReason reason;
  };
  for (auto c : {Case{FailureKind::auth, OpenReason::auth},
                 Case{FailureKind::quota_exhausted, OpenReason::quota},
                 Case{FailureKind::bad_request, OpenReason::bad_request}}) {
    CircuitBreaker breaker;
    ASSERT_TRUE(breaker.allow(now));
    breaker.on_failure(failure(c.kind), now);
    EXPECT_EQ(breaker.state(), BreakerState::disabled) << to_string(c.kind);
    EXPECT_EQ(breaker.open_reason(), c.reason);
    EXPECT_TRUE(needs_operator(breaker.open_reason()));
    EXPECT_EQ(breaker.next_probe_at(), now + minutes{60});
    EXPECT_FALSE(breaker.allow(now + minutes{59}));
    // After the long cooldown one probe; the same failure disables it again.
    ASSERT_TRUE(breaker.allow(now + minutes{60}));
    EXPECT_EQ(breaker.state(), BreakerState::half_open);
    breaker.on_failure(failure(c.kind), now + minutes{60});
    EXPECT_EQ(breaker.state(), BreakerState::disabled);
    EXPECT_EQ(breaker.next_probe_at(), now + minutes{120});
    // A new key: the next probe succeeds and the provider is back.
    ASSERT_TRUE(breaker.allow(now + minutes{120}));
    breaker.on_success(now + minutes{120});
    EXPECT_EQ(breaker.state(), BreakerState::active);
  }
  EXPECT_FALSE(needs_operator(OpenReason::consecutive_failures));
  EXPECT_FALSE(needs_operator(OpenReason::probe_failed));
}

TEST_F(LlmBreaker, ASafetyBlockIsAnOrdinaryFailure) {
  CircuitBreaker breaker;
  fail(breaker, 1, FailureKind::safety_block);
  EXPECT_EQ(breaker.state(), BreakerState::active);
  fail(breaker, 4, FailureKind::safety_block);
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(breaker.next_probe_at(), now + seconds{30});
}

TEST_F(LlmBreaker, ARetryAfterHintKeepsTheProviderOutWithoutOpening) {
  CircuitBreaker breaker;
  ASSERT_TRUE(breaker.allow(now));
  breaker.on_failure(failure(FailureKind::rate_limited, milliseconds{45'000}), now);
  EXPECT_EQ(breaker.state(), BreakerState::active);
  EXPECT_EQ(breaker.held_until(now), now + seconds{45});
  EXPECT_EQ(breaker.available_at(now), now + seconds{45});
  EXPECT_FALSE(breaker.allow(now + milliseconds{44'999}));
  EXPECT_TRUE(breaker.allow(now + seconds{45}));
  EXPECT_FALSE(breaker.held_until(now + seconds{45}).has_value());
}

TEST_F(LlmBreaker, ARetryAfterHintLongerThanTheCooldownDelaysTheProbe) {
  CircuitBreaker breaker;
  fail(breaker, 4);
  ASSERT_TRUE(breaker.allow(now));
  breaker.on_failure(failure(FailureKind::rate_limited, milliseconds{90'000}), now);
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(breaker.next_probe_at(), now + seconds{90});
  // A later, longer hint from a call still in flight pushes it further; a shorter one does not.
  breaker.on_failure(failure(FailureKind::rate_limited, milliseconds{120'000}), now);
  EXPECT_EQ(breaker.next_probe_at(), now + seconds{120});
  breaker.on_failure(failure(FailureKind::server_error), now + seconds{10});
  EXPECT_EQ(breaker.next_probe_at(), now + seconds{120});
}

TEST_F(LlmBreaker, ARetryAfterHintIsCapped) {
  CircuitBreaker breaker;
  ASSERT_TRUE(breaker.allow(now));
  breaker.on_failure(failure(FailureKind::rate_limited, std::chrono::hours{48}), now);
  EXPECT_EQ(breaker.held_until(now), now + minutes{15});
}

TEST_F(LlmBreaker, LateOutcomesWhileOpenDoNotMoveTheCooldown) {
  CircuitBreaker breaker;
  fail(breaker, 5);
  auto probe_at = *breaker.next_probe_at();
  breaker.on_success(now + seconds{1});
  EXPECT_EQ(breaker.state(), BreakerState::open);
  breaker.on_failure(failure(FailureKind::timeout), now + seconds{2});
  EXPECT_EQ(breaker.next_probe_at(), probe_at);
  // A late auth failure is new evidence: the provider is disabled.
  breaker.on_failure(failure(FailureKind::auth), now + seconds{3});
  EXPECT_EQ(breaker.state(), BreakerState::disabled);
  EXPECT_EQ(breaker.next_probe_at(), now + seconds{3} + minutes{60});
}

TEST_F(LlmBreaker, BadOptionsAreBroughtIntoRange) {
  BreakerOptions options;
  options.consecutive_failures = 0;
  options.window_size = 0;
  options.minimum_calls = 0;
  options.cooldown_growth = std::nan("");
  options.failure_rate_threshold = std::nan("");
  options.base_cooldown = milliseconds{-5};
  options.max_cooldown = milliseconds{-10};
  CircuitBreaker breaker{options};
  fail(breaker, 1);
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(breaker.next_probe_at(), now);
  EXPECT_TRUE(breaker.allow(now));
}

TEST(LlmBreakerNames, StatesAndReasonsHaveStableNames) {
  EXPECT_EQ(to_string(BreakerState::active), "ACTIVE");
  EXPECT_EQ(to_string(BreakerState::open), "OPEN");
  EXPECT_EQ(to_string(BreakerState::half_open), "HALF_OPEN");
  EXPECT_EQ(to_string(BreakerState::disabled), "DISABLED");
  EXPECT_EQ(to_string(OpenReason::auth), "auth");
  EXPECT_EQ(to_string(OpenReason::quota), "quota");
  EXPECT_EQ(to_string(OpenReason::failure_rate), "failure_rate");
}

}  // namespace
}  // namespace autotrader::llm
