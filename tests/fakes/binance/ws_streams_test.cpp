// Stream targets, the control messages of one connection and the framing of events.
#include <gtest/gtest.h>

#include "tests/fakes/binance/ws_streams.hpp"

namespace autotrader::fakes::binance {
namespace {

nlohmann::json parse(const std::string& text) {
  return nlohmann::json::parse(text);
}

TEST(FakeBinanceStreams, TargetsOfRawAndCombinedEndpoints) {
  auto raw = parse_stream_target("/ws/btcusdt@kline_1m", {});
  ASSERT_TRUE(raw);
  EXPECT_FALSE(raw->combined);
  EXPECT_EQ(raw->streams, std::vector<std::string>{"btcusdt@kline_1m"});
  EXPECT_EQ(parse_stream_target("/ws/a@trade/b@trade", {})->streams.size(), 2u);
  EXPECT_TRUE(parse_stream_target("/ws", {})->streams.empty());
  auto combined = parse_stream_target("/stream", {{"streams", "a@trade/b@kline_1m"}});
  ASSERT_TRUE(combined);
  EXPECT_TRUE(combined->combined);
  EXPECT_EQ(combined->streams, (std::vector<std::string>{"a@trade", "b@kline_1m"}));
  EXPECT_TRUE(parse_stream_target("/stream", {{"streams", ""}})->streams.empty());
  EXPECT_FALSE(parse_stream_target("/api/v3/time", {}));
  EXPECT_FALSE(parse_stream_target("/wsx", {}));
}

TEST(FakeBinanceStreams, SubscribeUnsubscribeAndList) {
  StreamSubscriptions subs{{true, {"a@trade"}}};
  EXPECT_EQ(
      parse(subs.handle_control(R"({"method":"SUBSCRIBE","params":["b@trade","a@trade"],"id":1})")),
      parse(R"({"result":null,"id":1})"));
  EXPECT_EQ(subs.streams(), (std::vector<std::string>{"a@trade", "b@trade"}));
  EXPECT_EQ(parse(subs.handle_control(R"({"method":"LIST_SUBSCRIPTIONS","id":"x7"})")),
            parse(R"({"result":["a@trade","b@trade"],"id":"x7"})"));
  EXPECT_EQ(
      parse(subs.handle_control(R"({"method":"UNSUBSCRIBE","params":["a@trade"],"id":null})")),
      parse(R"({"result":null,"id":null})"));
  EXPECT_FALSE(subs.contains("a@trade"));
  EXPECT_TRUE(subs.contains("b@trade"));
}

TEST(FakeBinanceStreams, CombinedPropertyChangesTheFraming) {
  StreamSubscriptions subs{{false, {"a@trade"}}};
  nlohmann::json payload = {{"e", "trade"}};
  EXPECT_EQ(subs.frame("a@trade", payload), R"({"e":"trade"})");
  EXPECT_EQ(parse(subs.handle_control(R"({"method":"GET_PROPERTY","params":["combined"],"id":2})")),
            parse(R"({"result":false,"id":2})"));
  EXPECT_EQ(
      parse(subs.handle_control(R"({"method":"SET_PROPERTY","params":["combined",true],"id":3})")),
      parse(R"({"result":null,"id":3})"));
  EXPECT_EQ(subs.frame("a@trade", payload), R"({"data":{"e":"trade"},"stream":"a@trade"})");
}

TEST(FakeBinanceStreams, ErrorsUseBinancesCodes) {
  StreamSubscriptions subs{{false, {}}};
  auto code = [&](const std::string& text) { return parse(subs.handle_control(text))["code"]; };
  EXPECT_EQ(code("{not json"), 3);
  EXPECT_EQ(code(R"({"method":"SUBSCRIBE_ALL","id":1})"), 2);
  EXPECT_EQ(code(R"({"params":[],"id":1})"), 2);
  EXPECT_EQ(code(R"({"method":"SUBSCRIBE","params":"a@trade","id":1})"), 2);
  EXPECT_EQ(code(R"({"method":"SUBSCRIBE","params":[],"id":-1.5})"), 2);
  EXPECT_EQ(code(R"({"method":"SET_PROPERTY","params":["colour",true],"id":1})"), 0);
  EXPECT_EQ(code(R"({"method":"SET_PROPERTY","params":["combined","yes"],"id":1})"), 1);
  EXPECT_EQ(parse(subs.handle_control(R"({"method":"NOPE","id":9})"))["id"], 9);
  EXPECT_TRUE(subs.streams().empty());
}

TEST(FakeBinanceStreams, AtMost1024StreamsPerConnection) {
  StreamSubscriptions subs{{false, {}}};
  nlohmann::json params = nlohmann::json::array();
  for (int i = 0; i < 1025; ++i) params.push_back("s" + std::to_string(i) + "@trade");
  auto reply = parse(subs.handle_control(
      nlohmann::json{{"method", "SUBSCRIBE"}, {"params", params}, {"id", 1}}.dump()));
  EXPECT_EQ(reply["code"], 2);
  EXPECT_EQ(subs.streams().size(), kMaxStreamsPerConnection);
}

TEST(FakeBinanceStreams, ServerShutdownEvent) {
  EXPECT_EQ(server_shutdown_event(1770123456789).dump(),
            R"({"E":1770123456789,"e":"serverShutdown"})");
  StreamSubscriptions combined{{true, {}}};
  EXPECT_EQ(parse(combined.frame(kServerShutdownStream, server_shutdown_event(5)))["stream"],
            "!serverShutdown");
}

}  // namespace
}  // namespace autotrader::fakes::binance
