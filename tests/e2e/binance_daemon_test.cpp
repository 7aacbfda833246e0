// The daemon with market.venue = binance, end to end: the real process against the fake Binance
// server (plain HTTP and WebSocket on loopback). It subscribes to the configured symbols,
// delivers the candles the venue closes, shows market/binance in the tree, and stops in order.
#include <signal.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_fixture.hpp"
#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/klines.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::test {
namespace {

namespace fb = fakes::binance;

constexpr core::TimestampMs kMinute = 60'000;

// The feed's last-message series of `symbol` is present and not 0.
bool has_recent_message(const std::string& metrics, const std::string& symbol) {
  const std::string series = "autotrader_feed_last_message_timestamp_seconds{symbol=\"" + symbol +
                             "\",venue=\"binance\"} ";
  const auto at = metrics.find(series);
  return at != std::string::npos && metrics.compare(at + series.size(), 2, "0\n") != 0;
}

TEST(BinanceDaemon, StreamsTheVenuesCandlesAndStopsInOrder) {
  // The venue's clock reads the real time, as Binance's does; the daemon judges which candles
  // have closed by it.
  fb::FakeBinanceOptions options;
  options.start_time = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  fb::FakeBinance fake{options};
  const auto start = options.start_time;
  std::uint64_t seed = 1;
  for (const char* name : {"BTCUSDT", "ETHUSDT"}) {
    auto symbol = *core::Symbol::parse(name);
    fake.set_klines(symbol, core::Interval::m1,
                    fb::generate_klines(symbol, core::Interval::m1, start - 300 * kMinute, 320,
                                        100.0 * static_cast<double>(seed), seed));
    ++seed;
  }
  ASSERT_EQ(fake.start(), std::nullopt);

  DaemonFixture daemon;
  daemon.env["AUTOTRADER_HTTP_PORT"] = "0";
  daemon.env["AUTOTRADER_MARKET_VENUE"] = "binance";
  daemon.env["AUTOTRADER_MARKET_SYMBOLS"] = "BTCUSDT,ETHUSDT";
  daemon.env["AUTOTRADER_BINANCE_REST_BASE_URL"] = fake.rest_base_url();
  daemon.env["AUTOTRADER_BINANCE_WS_BASE_URL"] = fake.ws_base_url();
  auto process = daemon.start({"run"});
  auto port = wait_for_http_port(*process);
  ASSERT_TRUE(port.has_value()) << process->output();

  ASSERT_TRUE(fake.ws().wait_until_subscribed("btcusdt@kline_1m", std::chrono::seconds{20}))
      << process->output();
  ASSERT_TRUE(fake.ws().wait_until_subscribed("ethusdt@kline_1m", std::chrono::seconds{20}));
  fake.advance_to(start + 3 * kMinute);  // three candles close on the stream

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  std::string metrics;
  bool delivered = false;
  while (!delivered && std::chrono::steady_clock::now() < deadline) {
    metrics = http_get(*port, "/metrics").body;
    delivered = has_recent_message(metrics, "BTCUSDT") && has_recent_message(metrics, "ETHUSDT");
  }
  EXPECT_TRUE(delivered) << metrics << process->output();
  EXPECT_NE(metrics.find(R"(autotrader_feed_stale{symbol="BTCUSDT",venue="binance"} 0)"),
            std::string::npos);
  EXPECT_NE(
      metrics.find(R"(autotrader_supervisor_child_up{child="binance",supervisor="market"} 1)"),
      std::string::npos);
  EXPECT_EQ(metrics.find(R"(venue="sim")"), std::string::npos);  // the simulator is not running
  EXPECT_EQ(promtool_check_metrics(metrics).exit_code, 0);
  // Warm-up and gap fill come over REST, one rate-limited request at a time.
  EXPECT_TRUE(fake.wait_for_requests("/api/v3/klines", 1, std::chrono::seconds{20})) << [&] {
    std::string paths;
    for (const auto& request : fake.requests()) paths += request.path + " ";
    return "requests: " + paths + "\n" + process->output();
  }();

  auto tree = nlohmann::json::parse(http_get(*port, "/api/supervision").body);
  const auto& market = tree.at("children").at(1);
  EXPECT_EQ(market.at("id"), "market");
  EXPECT_EQ(market.at("children").at(0).at("id"), "binance");
  EXPECT_EQ(market.at("children").at(0).at("state"), "running");

  process->signal(SIGTERM);
  EXPECT_EQ(process->wait(kStopDeadline), 0) << process->output();
  EXPECT_NE(process->output().find("market/binance stopped"), std::string::npos);
}

TEST(BinanceDaemon, AnUnreadableCaFileIsAConfigurationError) {
  DaemonFixture daemon;
  daemon.env["AUTOTRADER_MARKET_VENUE"] = "binance";
  daemon.env["AUTOTRADER_BINANCE_TLS_CA_FILE"] = daemon.path("missing-ca.pem");
  auto result = daemon.run({"run"});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_NE(result.err.find("binance.tls_ca_file"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace autotrader::test
