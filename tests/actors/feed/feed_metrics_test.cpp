#include "actors/feed/feed_metrics.hpp"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <gtest/gtest.h>

namespace autotrader::feed {
namespace {

const core::Symbol btc = *core::Symbol::parse("BTCUSDT");
const core::Symbol eth = *core::Symbol::parse("ETHUSDT");

std::string exposition(prometheus::Registry& registry) {
  return prometheus::TextSerializer{}.Serialize(registry.Collect());
}

TEST(FeedMetrics, PreregistersEveryLabelSetAtZero) {
  prometheus::Registry registry;
  FeedMetrics metrics{registry, "sim", {btc, eth}, {"restart"}};
  const auto text = exposition(registry);
  for (const char* series : {
           R"(autotrader_feed_last_message_timestamp_seconds{symbol="BTCUSDT",venue="sim"} 0)",
           R"(autotrader_feed_last_message_timestamp_seconds{symbol="ETHUSDT",venue="sim"} 0)",
           R"(autotrader_feed_reconnects_total{reason="restart",venue="sim"} 0)",
           R"(autotrader_feed_gap_filled_candles_total{symbol="ETHUSDT",venue="sim"} 0)",
           R"(autotrader_feed_stale{symbol="BTCUSDT",venue="sim"} 0)",
           R"(autotrader_feed_rejected_total{reason="price_jump",symbol="BTCUSDT",venue="sim"} 0)",
           R"(autotrader_feed_rejected_total{reason="gap",symbol="ETHUSDT",venue="sim"} 0)",
       }) {
    EXPECT_NE(text.find(series), std::string::npos) << series << "\n" << text;
  }
  for (const auto reason : market::kRejectReasons) {
    const auto label =
        "reason=\"" + std::string{market::to_string(reason)} + "\",symbol=\"ETHUSDT\"";
    EXPECT_NE(text.find(label), std::string::npos) << label;
  }
}

TEST(FeedMetrics, RecordsEachKindOfEvent) {
  prometheus::Registry registry;
  FeedMetrics metrics{registry, "sim", {btc}, {"restart"}};
  metrics.message_received(btc, 1'700'000'000'500);
  EXPECT_DOUBLE_EQ(metrics.last_message_seconds(btc), 1'700'000'000.5);
  metrics.reconnected("restart");
  metrics.reconnected("idle_timeout");  // a reason not pre-registered is added
  EXPECT_EQ(metrics.reconnects("restart"), 1);
  EXPECT_EQ(metrics.reconnects("idle_timeout"), 1);
  metrics.gap_filled(btc, 3);
  metrics.gap_filled(btc, 0);
  EXPECT_EQ(metrics.gap_filled_candles(btc), 3);
  metrics.set_stale(btc, true);
  EXPECT_EQ(metrics.stale(btc), 1);
  metrics.set_stale(btc, false);
  EXPECT_EQ(metrics.stale(btc), 0);
  metrics.rejected(eth, market::RejectReason::duplicate);  // a symbol added later
  EXPECT_EQ(metrics.rejected_count(eth, market::RejectReason::duplicate), 1);
  EXPECT_NE(
      exposition(registry).find(
          R"(autotrader_feed_rejected_total{reason="duplicate",symbol="ETHUSDT",venue="sim"} 1)"),
      std::string::npos);
}

TEST(FeedMetrics, CountsWhatThePipelineReported) {
  prometheus::Registry registry;
  FeedMetrics metrics{registry, "sim", {btc}, {}};
  market::PushResult clean;
  metrics.count_push(btc, clean);
  market::PushResult rejected;
  rejected.status = market::PushStatus::rejected;
  rejected.verdict.outcome = market::Outcome::rejected;
  rejected.verdict.reason = market::RejectReason::out_of_order;
  metrics.count_push(btc, rejected);
  market::PushResult repaired;
  repaired.status = market::PushStatus::repaired;
  repaired.verdict.outcome = market::Outcome::repaired;
  repaired.verdict.reason = market::RejectReason::high_below_low;
  metrics.count_push(btc, repaired);
  market::PushResult gap_and_repair = repaired;
  gap_and_repair.status = market::PushStatus::gap;
  gap_and_repair.verdict.gap.count = 4;
  metrics.count_push(btc, gap_and_repair);
  EXPECT_EQ(metrics.rejected_count(btc, market::RejectReason::out_of_order), 1);
  EXPECT_EQ(metrics.rejected_count(btc, market::RejectReason::high_below_low), 2);
  EXPECT_EQ(metrics.rejected_count(btc, market::RejectReason::gap), 4);
  EXPECT_EQ(metrics.rejected_count(btc, market::RejectReason::duplicate), 0);
}

// Two venues share one registry: the families merge, the venue label keeps them apart.
TEST(FeedMetrics, VenuesShareTheRegistry) {
  prometheus::Registry registry;
  FeedMetrics sim{registry, "sim", {btc}, {"restart"}};
  FeedMetrics binance{registry, "binance", {btc}, {"idle_timeout"}};
  sim.set_stale(btc, true);
  EXPECT_EQ(binance.stale(btc), 0);
  const auto text = exposition(registry);
  EXPECT_NE(text.find(R"(autotrader_feed_stale{symbol="BTCUSDT",venue="sim"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(autotrader_feed_stale{symbol="BTCUSDT",venue="binance"} 0)"),
            std::string::npos);
}

}  // namespace
}  // namespace autotrader::feed
