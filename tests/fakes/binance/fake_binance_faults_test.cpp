// Every scriptable fault of the fake, over real sockets, and its counter.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/fake_binance_fixture.hpp"
#include "tests/fakes/binance/ws_test_client.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::fakes::binance::test {
namespace {

using autotrader::test::http_get;
using nlohmann::json;
using namespace std::chrono_literals;

using FakeBinanceFaults = FakeBinanceFixture;

int code_of(const autotrader::test::HttpResult& result) {
  return json::parse(result.body, nullptr, false).value("code", 0);
}

TEST_F(FakeBinanceFaults, TooManyRequestsOnceWithRetryAfter) {
  fake->fail_next("/api/v3/klines", Fault::too_many_requests(7s));
  auto refused = http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("retry-after"), "7");
  EXPECT_EQ(code_of(refused), -1003);
  EXPECT_FALSE(refused.header("x-mbx-used-weight-1m").empty());
  EXPECT_EQ(http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m").status, 200);
  EXPECT_EQ(http_get(fake->port(), "/api/v3/time").status, 200);  // other paths unaffected
  EXPECT_EQ(fake->fault_count(FaultKind::too_many_requests), 1u);
  EXPECT_EQ(fake->faults_total(), 1u);
}

TEST_F(FakeBinanceFaults, IpBanWithRetryAfter) {
  fake->fail_next("/api/v3/time", Fault::ip_banned(120s), 2);
  for (int i = 0; i < 2; ++i) {
    auto banned = http_get(fake->port(), "/api/v3/time");
    EXPECT_EQ(banned.status, 418);
    EXPECT_EQ(banned.header("retry-after"), "120");
    EXPECT_EQ(code_of(banned), -1003);
  }
  EXPECT_EQ(http_get(fake->port(), "/api/v3/time").status, 200);
  EXPECT_EQ(fake->fault_count(FaultKind::ip_banned), 2u);
}

TEST_F(FakeBinanceFaults, ServerErrorMalformedBodyAndInvalidTimestamp) {
  fake->fail_next("/api/v3/time", Fault::server_error(503));
  fake->fail_next("/api/v3/time", Fault::malformed_body());
  fake->fail_next("/api/v3/time", Fault::invalid_timestamp());
  auto unavailable = http_get(fake->port(), "/api/v3/time");
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_EQ(code_of(unavailable), -1001);
  auto malformed = http_get(fake->port(), "/api/v3/time");
  EXPECT_EQ(malformed.status, 200);
  EXPECT_TRUE(json::parse(malformed.body, nullptr, false).is_discarded()) << malformed.body;
  auto skewed = http_get(fake->port(), "/api/v3/time");
  EXPECT_EQ(skewed.status, 400);
  EXPECT_EQ(code_of(skewed), -1021);
  EXPECT_EQ(fake->fault_count(FaultKind::server_error), 1u);
  EXPECT_EQ(fake->fault_count(FaultKind::malformed_body), 1u);
  EXPECT_EQ(fake->fault_count(FaultKind::invalid_timestamp), 1u);
}

TEST_F(FakeBinanceFaults, DropConnectionAnswersNothing) {
  fake->fail_next("/api/v3/exchangeInfo", Fault::drop_connection());
  auto dropped = http_get(fake->port(), "/api/v3/exchangeInfo", kWait);
  EXPECT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.status, 0);
  EXPECT_EQ(fake->fault_count(FaultKind::drop_connection), 1u);
  EXPECT_EQ(http_get(fake->port(), "/api/v3/exchangeInfo").status, 200);
  EXPECT_EQ(fake->requests_to("/api/v3/exchangeInfo").size(), 2u);  // the dropped one is recorded
}

TEST_F(FakeBinanceFaults, GoSilentKeepsTheConnectionOpenAndAnswersNothing) {
  fake->fail_next("/api/v3/klines", Fault::go_silent());
  auto silent = autotrader::test::raw_exchange(
      fake->port(), "GET /api/v3/klines?symbol=BTCUSDT&interval=1m HTTP/1.1\r\nHost: x\r\n\r\n",
      kQuiet);
  EXPECT_TRUE(silent.timed_out);
  EXPECT_FALSE(silent.closed);
  EXPECT_TRUE(silent.received.empty());
  EXPECT_EQ(fake->fault_count(FaultKind::go_silent), 1u);
  EXPECT_EQ(http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m").status, 200);
}

TEST_F(FakeBinanceFaults, DelayAnswersLate) {
  fake->fail_next("/api/v3/ping", Fault::delay(250ms));
  auto started = std::chrono::steady_clock::now();
  auto slow = http_get(fake->port(), "/api/v3/ping");
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(slow.status, 200);
  EXPECT_GE(elapsed, 250ms);
  EXPECT_EQ(fake->fault_count(FaultKind::delay), 1u);
}

TEST_F(FakeBinanceFaults, StandingScriptsUntilCleared) {
  fake->when("/api/v3/time").reply(200, R"({"serverTime":42})", {{"X-Extra", "yes"}});
  for (int i = 0; i < 2; ++i) {
    auto scripted = http_get(fake->port(), "/api/v3/time");
    EXPECT_EQ(scripted.body, R"({"serverTime":42})");
    EXPECT_EQ(scripted.header("x-extra"), "yes");
  }
  EXPECT_EQ(fake->fault_count(FaultKind::scripted_reply), 2u);
  // One-shot faults go before the standing script.
  fake->fail_next("/api/v3/time", Fault::server_error(500));
  EXPECT_EQ(http_get(fake->port(), "/api/v3/time").status, 500);
  fake->when("/api/v3/time").clear();
  EXPECT_EQ(json::parse(http_get(fake->port(), "/api/v3/time").body)["serverTime"], kStart);

  fake->when("/api/v3/*").fault(Fault::server_error(502));
  EXPECT_EQ(http_get(fake->port(), "/api/v3/ping").status, 502);
  EXPECT_EQ(http_get(fake->port(), "/api/v3/exchangeInfo").status, 502);
  fake->clear_scripts();
  EXPECT_EQ(http_get(fake->port(), "/api/v3/ping").status, 200);
}

TEST_F(FakeBinanceFaults, WebSocketHandshakeFaults) {
  fake->fail_next("/stream", Fault::too_many_requests(3s));
  WsTestClient refused{fake->port(), "/stream?streams=btcusdt@kline_1m"};
  EXPECT_FALSE(refused.connected());
  EXPECT_NE(refused.error().find("handshake"), std::string::npos) << refused.error();

  fake->fail_next("/stream", Fault::go_silent());
  WsTestClient hung{fake->port(), "/stream?streams=btcusdt@kline_1m", std::nullopt, kQuiet};
  EXPECT_FALSE(hung.connected());
  EXPECT_NE(hung.error().find("timed out"), std::string::npos) << hung.error();

  WsTestClient accepted{fake->port(), "/stream?streams=btcusdt@kline_1m"};
  EXPECT_TRUE(accepted.connected()) << accepted.error();
  EXPECT_EQ(fake->fault_count(FaultKind::too_many_requests), 1u);
  EXPECT_EQ(fake->fault_count(FaultKind::go_silent), 1u);
}

TEST_F(FakeBinanceFaults, WebSocketDropSilenceMalformedFrames) {
  WsTestClient a{fake->port(), "/stream?streams=btcusdt@kline_1m"};
  WsTestClient b{fake->port(), "/ws/btcusdt@trade"};
  ASSERT_TRUE(a.connected() && b.connected());
  ASSERT_TRUE(fake->ws().wait_for_connections(2, kWait));

  fake->ws().send_malformed();
  auto frame = a.read();
  ASSERT_TRUE(frame);
  EXPECT_TRUE(json::parse(*frame, nullptr, false).is_discarded()) << *frame;
  EXPECT_EQ(fake->fault_count(FaultKind::malformed_body), 2u);

  fake->ws().drop_all();
  EXPECT_TRUE(a.wait_closed(kWait));
  EXPECT_FALSE(a.close_code());  // no close frame: the TCP connection just ends
  EXPECT_TRUE(b.wait_closed(kWait));
  EXPECT_EQ(fake->fault_count(FaultKind::drop_connection), 2u);
  EXPECT_TRUE(fake->ws().wait_for_no_connections(kWait));

  WsTestClient c{fake->port(), "/stream?streams=btcusdt@kline_1m"};
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(fake->ws().wait_for_connections(1, kWait));
  fake->ws().go_silent();
  EXPECT_EQ(fake->fault_count(FaultKind::go_silent), 1u);
  EXPECT_EQ(fake->ws().connection_count(), 0u);
  ASSERT_EQ(fake->ws().connections().size(), 1u);
  EXPECT_TRUE(fake->ws().connections()[0].silent);
  auto candle = FakeBinanceFixture::data_set()[100];
  fake->publish_kline(candle);
  EXPECT_FALSE(c.read(kQuiet));
  EXPECT_FALSE(c.closed());  // silent, not closed

  WsTestClient d{fake->port(), "/stream?streams=btcusdt@kline_1m"};  // a reconnect works
  ASSERT_TRUE(d.connected());
  ASSERT_TRUE(fake->ws().wait_for_connections(1, kWait));
  fake->publish_kline(candle);
  EXPECT_TRUE(d.read());
}

TEST_F(FakeBinanceFaults, ASilentConnectionIsForgottenWhenTheClientLeaves) {
  {
    WsTestClient client{fake->port(), "/ws/btcusdt@kline_1m"};
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(fake->ws().wait_for_connections(1, kWait));
    fake->ws().go_silent();
    ASSERT_EQ(fake->ws().connections().size(), 1u);
  }
  EXPECT_TRUE(fake->ws().wait_for_no_connections(kWait));
}

}  // namespace
}  // namespace autotrader::fakes::binance::test
