#include "venues/binance/reconnect_backoff.hpp"

#include <gtest/gtest.h>

namespace autotrader::binance {
namespace {

using std::chrono::milliseconds;

TEST(BinanceReconnectBackoff, FollowsNautilusTradersDefaults) {
  ReconnectBackoff backoff{BackoffOptions{}, std::make_shared<core::FixedRandom>(0.0)};
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 10; ++i) waits.push_back(backoff.next().count());
  // 2 s × 1.5^n: 2000, 3000, 4500, 6750, 10125, 15187.5, 22781.25, then the 30 s cap.
  EXPECT_EQ(waits, (std::vector<std::int64_t>{2000, 3000, 4500, 6750, 10125, 15187, 22781, 30000,
                                              30000, 30000}));
}

TEST(BinanceReconnectBackoff, AddsJitterBelowTheConfiguredBound) {
  ReconnectBackoff low{BackoffOptions{}, std::make_shared<core::FixedRandom>(0.0)};
  ReconnectBackoff high{BackoffOptions{}, std::make_shared<core::FixedRandom>(0.999)};
  EXPECT_EQ(low.next(), milliseconds{2000});
  EXPECT_EQ(high.next(), milliseconds{2099});
  ReconnectBackoff seeded{BackoffOptions{}, std::make_shared<core::SeededRandom>(3)};
  for (int i = 0; i < 50; ++i) {
    auto wait = seeded.next();
    EXPECT_GE(wait, milliseconds{2000});
    EXPECT_LT(wait, milliseconds{30'100});
  }
}

TEST(BinanceReconnectBackoff, ResetStartsOverAndTheExponentStopsAtTheCap) {
  ReconnectBackoff backoff{BackoffOptions{}, std::make_shared<core::FixedRandom>(0.0)};
  for (int i = 0; i < 1000; ++i) backoff.next();
  EXPECT_EQ(backoff.next(), milliseconds{30'000});
  EXPECT_LT(backoff.attempts(), 10);
  backoff.reset();
  EXPECT_EQ(backoff.next(), milliseconds{2000});
}

}  // namespace
}  // namespace autotrader::binance
