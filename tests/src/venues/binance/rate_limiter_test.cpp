#include "venues/binance/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace autotrader::binance {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class BinanceRateLimiter : public ::testing::Test {
 protected:
  // 10:00:00.000 UTC on some day: minute windows start at whole minutes of wall time.
  std::shared_ptr<core::ManualClock> clock = std::make_shared<core::ManualClock>(
      std::chrono::system_clock::time_point{seconds{1'700'000'400}});

  RateLimiter make(double fraction, std::int64_t limit) {
    RateLimiterOptions options;
    options.budget_fraction = fraction;
    options.weight_limit_per_minute = limit;
    return RateLimiter{options, clock};
  }
};

TEST_F(BinanceRateLimiter, SpendsOnlyTheBudgetFractionPerMinute) {
  auto limiter = make(0.5, 100);
  EXPECT_EQ(limiter.budget(), 50);
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(limiter.try_acquire(2).allowed) << i;
  clock->advance(seconds{20});
  auto refused = limiter.try_acquire(2);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.state, RateLimitState::budget_exhausted);
  EXPECT_EQ(refused.retry_in, seconds{40});  // the next whole minute
  EXPECT_EQ(limiter.state(), RateLimitState::budget_exhausted);
  clock->advance(seconds{40});
  EXPECT_EQ(limiter.state(), RateLimitState::open);
  EXPECT_TRUE(limiter.try_acquire(2).allowed);
  EXPECT_EQ(limiter.used_weight(), 2);
}

TEST_F(BinanceRateLimiter, TheServersUsedWeightCountsWhenItIsHigher) {
  auto limiter = make(0.5, 6000);
  ASSERT_TRUE(limiter.try_acquire(20).allowed);
  limiter.on_response(200, 2990, std::nullopt);  // other clients on our IP used weight too
  EXPECT_EQ(limiter.used_weight(), 2990);
  EXPECT_TRUE(limiter.try_acquire(10).allowed);
  EXPECT_FALSE(limiter.try_acquire(1).allowed);
  limiter.on_response(200, 5, std::nullopt);  // a late, lower report never lowers the count
  EXPECT_EQ(limiter.used_weight(), 3000);
}

TEST_F(BinanceRateLimiter, FollowsTheLimitFromExchangeInfo) {
  auto limiter = make(0.5, 6000);
  limiter.set_weight_limit(1200);
  EXPECT_EQ(limiter.budget(), 600);
  limiter.set_weight_limit(0);  // nonsense is ignored
  EXPECT_EQ(limiter.budget(), 600);
}

TEST_F(BinanceRateLimiter, A429StopsEveryCallUntilRetryAfter) {
  auto limiter = make(0.5, 6000);
  ASSERT_TRUE(limiter.try_acquire(2).allowed);
  limiter.on_response(429, std::nullopt, seconds{7});
  auto refused = limiter.try_acquire(1);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.state, RateLimitState::rate_limited);
  EXPECT_EQ(refused.retry_in, seconds{7});
  EXPECT_EQ(limiter.state(), RateLimitState::rate_limited);
  ASSERT_TRUE(limiter.blocked_until());
  clock->advance(milliseconds{6'999});
  EXPECT_FALSE(limiter.try_acquire(1).allowed);
  clock->advance(milliseconds{1});
  EXPECT_TRUE(limiter.try_acquire(1).allowed);
  EXPECT_FALSE(limiter.blocked_until());
}

TEST_F(BinanceRateLimiter, AfterA429TheReportedWeightStillHoldsUntilTheMinuteEnds) {
  auto limiter = make(0.5, 6000);
  limiter.on_response(429, 6001, seconds{7});
  clock->advance(seconds{7});
  auto refused = limiter.try_acquire(1);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.state, RateLimitState::budget_exhausted);
  EXPECT_EQ(refused.retry_in, seconds{53});
  clock->advance(seconds{53});
  EXPECT_TRUE(limiter.try_acquire(1).allowed);
}

TEST_F(BinanceRateLimiter, A429WithoutRetryAfterWaitsTheDefault) {
  auto limiter = make(0.5, 6000);
  limiter.on_response(429, std::nullopt, std::nullopt);
  EXPECT_EQ(limiter.try_acquire(1).retry_in, seconds{60});
}

TEST_F(BinanceRateLimiter, A418BansAllCallsUntilTheBanEndsAndLaterNewsNeverShortensIt) {
  auto limiter = make(0.5, 6000);
  limiter.on_response(418, std::nullopt, seconds{600});
  EXPECT_EQ(limiter.state(), RateLimitState::banned);
  limiter.on_response(429, std::nullopt, seconds{1});  // a shorter 429 does not lift the ban
  limiter.on_response(418, std::nullopt, seconds{120});
  auto refused = limiter.try_acquire(1);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.state, RateLimitState::banned);
  EXPECT_EQ(refused.retry_in, seconds{600});
  clock->advance(seconds{599});
  EXPECT_EQ(limiter.state(), RateLimitState::banned);
  clock->advance(seconds{1});
  EXPECT_EQ(limiter.state(), RateLimitState::open);
  EXPECT_TRUE(limiter.try_acquire(1).allowed);
}

TEST_F(BinanceRateLimiter, A418WithoutRetryAfterAssumesTheShortestBan) {
  auto limiter = make(0.5, 6000);
  limiter.on_response(418, std::nullopt, std::nullopt);
  EXPECT_EQ(limiter.try_acquire(1).retry_in, seconds{120});
}

TEST_F(BinanceRateLimiter, ARequestHeavierThanTheBudgetGoesOutAloneInAFreshMinute) {
  auto limiter = make(0.01, 1000);  // budget 10
  EXPECT_TRUE(limiter.try_acquire(20).allowed);
  EXPECT_FALSE(limiter.try_acquire(1).allowed);
}

TEST(BinanceRateLimitState, HasStableNames) {
  EXPECT_STREQ(to_string(RateLimitState::open), "open");
  EXPECT_STREQ(to_string(RateLimitState::budget_exhausted), "budget_exhausted");
  EXPECT_STREQ(to_string(RateLimitState::rate_limited), "rate_limited");
  EXPECT_STREQ(to_string(RateLimitState::banned), "banned");
}

}  // namespace
}  // namespace autotrader::binance
