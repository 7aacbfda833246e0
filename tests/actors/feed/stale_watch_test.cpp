#include "actors/feed/stale_watch.hpp"

#include <gtest/gtest.h>

namespace autotrader::feed {
namespace {

using namespace std::chrono_literals;
using TimePoint = StaleWatch::TimePoint;

const TimePoint t0{std::chrono::seconds{1000}};
const core::Symbol btc = *core::Symbol::parse("BTCUSDT");
const core::Symbol eth = *core::Symbol::parse("ETHUSDT");

TEST(StaleWatch, StaleOnlyAfterMoreThanTheMaximumAgeThenRecoveredOnce) {
  StaleWatch watch{10s};
  watch.watch(btc, t0);
  EXPECT_FALSE(watch.observe(btc, t0 + 1s, 5'000));
  EXPECT_TRUE(watch.check(t0 + 11s).empty());  // exactly 10 s old: not yet
  ASSERT_EQ(watch.next_deadline(), t0 + 11s + TimePoint::duration{1});
  const auto changes = watch.check(t0 + 11s + TimePoint::duration{1});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].symbol, btc);
  EXPECT_TRUE(changes[0].stale);
  EXPECT_EQ(changes[0].last_message, 5'000);
  EXPECT_TRUE(watch.is_stale(btc));
  EXPECT_TRUE(watch.check(t0 + 60s).empty());  // reported once
  EXPECT_EQ(watch.next_deadline(), std::nullopt);
  const auto recovered = watch.observe(btc, t0 + 61s, 66'000);
  ASSERT_TRUE(recovered);
  EXPECT_FALSE(recovered->stale);
  EXPECT_EQ(recovered->last_message, 66'000);
  EXPECT_FALSE(watch.is_stale(btc));
  EXPECT_FALSE(watch.observe(btc, t0 + 62s, 67'000));  // recovered once
}

TEST(StaleWatch, ASymbolThatNeverSendsTurnsStaleFromWhenWatchingBegan) {
  StaleWatch watch{5s};
  watch.watch(btc, t0);
  watch.watch(eth, t0 + 3s);
  auto changes = watch.check(t0 + 6s);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].symbol, btc);
  EXPECT_EQ(changes[0].last_message, 0);
  changes = watch.check(t0 + 9s);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].symbol, eth);
}

TEST(StaleWatch, PerSymbolMaximumAgeAndEarliestDeadline) {
  StaleWatch watch{10s};
  watch.watch(btc, t0);
  watch.watch(eth, t0, 2s);
  EXPECT_EQ(watch.next_deadline(), t0 + 2s + TimePoint::duration{1});
  EXPECT_EQ(watch.check(t0 + 3s).size(), 1u);
  EXPECT_TRUE(watch.is_stale(eth));
  EXPECT_FALSE(watch.is_stale(btc));
  EXPECT_EQ(watch.next_deadline(), t0 + 10s + TimePoint::duration{1});
}

TEST(StaleWatch, AnOlderReportDoesNotMakeASymbolLookOlder) {
  StaleWatch watch{10s};
  watch.observe(btc, t0 + 5s, 5'000);
  watch.observe(btc, t0 + 1s, 1'000);
  EXPECT_TRUE(watch.check(t0 + 14s).empty());
  const auto changes = watch.check(t0 + 16s);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].last_message, 5'000);
}

}  // namespace
}  // namespace autotrader::feed
