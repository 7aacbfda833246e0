// The fake's REST endpoints over real sockets: shapes, Binance semantics, weights, the market
// clock, and what it records.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/fake_binance_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::fakes::binance::test {
namespace {

using autotrader::test::http_get;
using autotrader::test::HttpResult;
using nlohmann::json;

using FakeBinanceRest = FakeBinanceFixture;

json body_of(const HttpResult& result) {
  EXPECT_TRUE(result.ok()) << result.error;
  return json::parse(result.body, nullptr, /*allow_exceptions=*/false);
}

TEST_F(FakeBinanceRest, PingTimeAndExchangeInfo) {
  auto ping = http_get(fake->port(), "/api/v3/ping");
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(body_of(ping), json::object());
  EXPECT_EQ(ping.header("content-type"), "application/json;charset=UTF-8");

  auto time = http_get(fake->port(), "/api/v3/time");
  EXPECT_EQ(body_of(time), (json{{"serverTime", kStart}}));

  auto info = body_of(http_get(fake->port(), "/api/v3/exchangeInfo?symbol=BTCUSDT"));
  ASSERT_EQ(info["symbols"].size(), 1u);
  EXPECT_EQ(info["symbols"][0]["symbol"], "BTCUSDT");
  EXPECT_EQ(info["serverTime"], kStart);
  auto two = body_of(
      http_get(fake->port(), "/api/v3/exchangeInfo?symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D"));
  EXPECT_EQ(two["symbols"].size(), 2u);
}

TEST_F(FakeBinanceRest, EveryReplyCarriesTheUsedWeight) {
  EXPECT_EQ(http_get(fake->port(), "/api/v3/ping").header("x-mbx-used-weight-1m"), "1");
  EXPECT_EQ(http_get(fake->port(), "/api/v3/exchangeInfo").header("x-mbx-used-weight-1m"), "21");
  EXPECT_EQ(http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m")
                .header("x-mbx-used-weight-1m"),
            "23");
  auto error = http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=9m");
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.header("x-mbx-used-weight-1m"), "25");
  EXPECT_EQ(fake->used_weight(), 25);
  fake->set_time(kStart + kMinute);  // a new minute of server time
  EXPECT_EQ(http_get(fake->port(), "/api/v3/ping").header("x-mbx-used-weight-1m"), "1");
}

TEST_F(FakeBinanceRest, WeightLimitAnswers429UntilTheMinuteEnds) {
  fake->set_used_weight(5999);
  auto refused = http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(body_of(refused)["code"], -1003);
  EXPECT_EQ(refused.header("retry-after"), "30");
  EXPECT_EQ(http_get(fake->port(), "/api/v3/ping").status, 200);  // weight 1 still fits
}

TEST_F(FakeBinanceRest, KlinesFollowBinanceSemantics) {
  auto all = body_of(http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m"));
  ASSERT_EQ(all.size(), 101u);  // 100 closed and the forming one; the future ones do not exist
  auto forming = all.back();
  EXPECT_LE(forming[0].get<core::TimestampMs>(), kStart);
  EXPECT_GE(forming[6].get<core::TimestampMs>(), kStart);

  auto first_open = all[0][0].get<core::TimestampMs>();
  auto from =
      body_of(http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=" +
                                         std::to_string(first_open + 10 * kMinute) + "&limit=3"));
  ASSERT_EQ(from.size(), 3u);
  EXPECT_EQ(from[0], all[10]);
  EXPECT_EQ(from[2], all[12]);

  auto until =
      body_of(http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m&endTime=" +
                                         std::to_string(first_open + 10 * kMinute) + "&limit=2"));
  ASSERT_EQ(until.size(), 2u);
  EXPECT_EQ(until[1], all[10]);

  // Time moves: two more candles exist.
  fake->set_time(kStart + 2 * kMinute);
  auto later =
      body_of(http_get(fake->port(), "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000"));
  EXPECT_EQ(later.size(), 103u);
  EXPECT_EQ(later[100][0], forming[0]);
}

TEST_F(FakeBinanceRest, KlinesErrorsAreBinanceErrors) {
  auto code = [&](const std::string& target) {
    auto result = http_get(fake->port(), target);
    EXPECT_EQ(result.status, 400) << target;
    return body_of(result)["code"].get<int>();
  };
  EXPECT_EQ(code("/api/v3/klines?interval=1m"), -1102);
  EXPECT_EQ(code("/api/v3/klines?symbol=DOGEUSDT&interval=1m"), -1121);
  EXPECT_EQ(code("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1001"), -1130);
  EXPECT_EQ(code("/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=abc"), -1100);
  EXPECT_EQ(code("/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=5&endTime=4"), -1023);
  EXPECT_EQ(http_get(fake->port(), "/api/v3/unknown").status, 404);
}

TEST_F(FakeBinanceRest, ClockSkewShiftsServerTime) {
  fake->set_clock_skew(std::chrono::milliseconds{-2500});
  EXPECT_EQ(body_of(http_get(fake->port(), "/api/v3/time"))["serverTime"], kStart - 2500);
  EXPECT_EQ(fake->now(), kStart);  // the market clock itself does not move
}

TEST_F(FakeBinanceRest, RecordsEveryRequest) {
  autotrader::test::http_request(fake->port(), "GET", "/api/v3/time?recvWindow=5000", "",
                                 {{"X-MBX-APIKEY", "key-1"}});
  autotrader::test::http_request(fake->port(), "POST", "/api/v3/order?symbol=BTCUSDT",
                                 "side=BUY&type=MARKET",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(fake->wait_for_requests("/api/v3/order", 1, kWait));
  auto requests = fake->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/api/v3/time");
  EXPECT_EQ(requests[0].query, "recvWindow=5000");
  EXPECT_EQ(requests[0].params.at("recvWindow"), "5000");
  EXPECT_EQ(requests[0].headers.at("x-mbx-apikey"), "key-1");
  EXPECT_EQ(requests[0].server_time, kStart);
  EXPECT_FALSE(requests[0].tls);
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].body, "side=BUY&type=MARKET");
  EXPECT_EQ(fake->requests_to("/api/v3/order").size(), 1u);
  fake->clear_records();
  EXPECT_TRUE(fake->requests().empty());
}

TEST_F(FakeBinanceRest, KeepsConnectionsAlive) {
  autotrader::test::HttpConnection connection{fake->port()};
  ASSERT_TRUE(connection.connected());
  for (int i = 0; i < 3; ++i) {
    auto result = connection.request("GET", "/api/v3/ping");
    EXPECT_EQ(result.status, 200) << result.error;
  }
}

TEST(FakeBinanceStart, MissingExchangeInfoIsAnError) {
  FakeBinanceOptions options;
  options.exchange_info_file = "/nonexistent/exchange_info.json";
  FakeBinance fake{options};
  auto error = fake.start();
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("/nonexistent/exchange_info.json"), std::string::npos);
  EXPECT_EQ(fake.port(), 0);
}

TEST(FakeBinanceStart, StopsAndStartsAgain) {
  FakeBinance fake;
  ASSERT_FALSE(fake.start());
  EXPECT_EQ(http_get(fake.port(), "/api/v3/ping").status, 200);
  fake.stop();
  EXPECT_EQ(fake.port(), 0);
  ASSERT_FALSE(fake.start());
  EXPECT_EQ(http_get(fake.port(), "/api/v3/ping").status, 200);
  EXPECT_EQ(fake.rest_base_url(), "http://127.0.0.1:" + std::to_string(fake.port()));
  EXPECT_EQ(fake.ws_base_url(), "ws://127.0.0.1:" + std::to_string(fake.port()));
}

}  // namespace
}  // namespace autotrader::fakes::binance::test
