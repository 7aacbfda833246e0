#include "actors/feed/market_tree.hpp"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <gtest/gtest.h>

namespace autotrader::feed {
namespace {

using namespace std::chrono_literals;

TEST(MarketTree, SimOptionsFollowTheConfiguration) {
  config::Settings settings;
  settings.market.symbols = {"btcusdt", "ETHUSDT", "AAPL"};
  settings.market.interval = "5m";
  settings.market.stale_after = 12s;
  settings.sim.seed = 7;
  settings.sim.bar_period = 250ms;
  settings.sim.replay_file = "data/{symbol}.csv";
  const core::TimestampMs now = 1'700'000'123'456;
  const auto options = sim_feed_options(settings, now);
  EXPECT_EQ(options.venue, "sim");
  ASSERT_EQ(options.symbols.size(), 3u);
  EXPECT_EQ(options.symbols[0].symbol.view(), "BTCUSDT");
  EXPECT_EQ(options.symbols[0].start_price, 60'000);
  EXPECT_EQ(options.symbols[2].start_price, 100);
  EXPECT_EQ(options.interval, core::Interval::m5);
  EXPECT_EQ(options.origin, 1'700'000'100'000);  // the start of the current 5 minutes
  EXPECT_EQ(options.seed, 7u);
  EXPECT_EQ(options.bar_period, 250ms);
  EXPECT_EQ(options.replay_file, "data/{symbol}.csv");
  EXPECT_EQ(options.stale_after, 12s);
  settings.market.interval = "1M";
  EXPECT_EQ(sim_feed_options(settings, now).origin, 1'699'920'000'000);  // that day, 00:00 UTC
}

TEST(MarketTree, AMarketSupervisorHoldingTheSimFeedWithItsMetricsRegistered) {
  config::Settings settings;
  prometheus::Registry registry;
  const auto tree = market_tree(settings, registry, std::make_shared<core::ManualClock>());
  EXPECT_EQ(tree.spec.id, "market");
  EXPECT_EQ(tree.spec.strategy, supervision::Strategy::one_for_one);
  ASSERT_EQ(tree.spec.children.size(), 1u);
  const auto& sim = tree.spec.children[0];
  EXPECT_EQ(sim.id, "sim");
  EXPECT_TRUE(sim.heartbeat.has_value());
  EXPECT_TRUE(static_cast<bool>(sim.start));
  EXPECT_EQ(supervision::validate(tree.spec), "");
  ASSERT_TRUE(tree.feeds);
  const auto text = prometheus::TextSerializer{}.Serialize(registry.Collect());
  EXPECT_NE(text.find(R"(autotrader_feed_stale{symbol="SOLUSDT",venue="sim"} 0)"),
            std::string::npos)
      << text;
}

TEST(MarketTree, AnotherVenueLeavesTheSimulatorOut) {
  config::Settings settings;
  settings.market.venue = "binance";
  prometheus::Registry registry;
  const auto tree = market_tree(settings, registry, std::make_shared<core::ManualClock>());
  EXPECT_EQ(tree.spec.id, "market");
  EXPECT_TRUE(tree.spec.children.empty());
  EXPECT_FALSE(tree.sim_metrics);
  ASSERT_TRUE(tree.feeds);
  const auto text = prometheus::TextSerializer{}.Serialize(registry.Collect());
  EXPECT_EQ(text.find(R"(venue="sim")"), std::string::npos) << text;
}

}  // namespace
}  // namespace autotrader::feed
