#include "venues/binance/stream_codec.hpp"

#include <gtest/gtest.h>

#include <string>

namespace autotrader::binance {
namespace {

// The documented payloads of reference binance.md §9, verbatim.
constexpr const char* kKline =
    R"({"e":"kline","E":1672515782136,"s":"BNBBTC","k":{"t":1672515780000,"T":1672515839999,)"
    R"("s":"BNBBTC","i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025",)"
    R"("l":"0.0015","v":"1000","n":100,"x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}})";
constexpr const char* kTrade =
    R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100",)"
    R"("T":1672515782136,"m":true,"M":true})";
constexpr const char* kAggTrade =
    R"({"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,)"
    R"("l":105,"T":1672515782136,"m":true,"M":true})";
constexpr const char* kBookTicker =
    R"({"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000",)"
    R"("A":"40.66000000"})";

std::string combined(const std::string& stream, const std::string& data) {
  return R"({"stream":")" + stream + R"(","data":)" + data + "}";
}

template <class T>
T decode_as(const std::string& frame) {
  auto event = decode_stream_frame(frame);
  EXPECT_TRUE(event.ok()) << (event.ok() ? "" : event.error().message);
  if (!event.ok()) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(*event)) << "index " << event->index();
  return std::holds_alternative<T>(*event) ? std::get<T>(*event) : T{};
}

TEST(BinanceStreamCodec, DecodesTheDocumentedRawKline) {
  auto event = decode_as<KlineEvent>(kKline);
  EXPECT_EQ(event.event_time, 1672515782136);
  const core::Candle& c = event.candle;
  EXPECT_EQ(c.symbol.view(), "BNBBTC");
  EXPECT_EQ(c.interval, core::Interval::m1);
  EXPECT_EQ(c.open_time, 1672515780000);
  EXPECT_EQ(c.close_time, 1672515839999);
  EXPECT_DOUBLE_EQ(c.open, 0.0010);
  EXPECT_DOUBLE_EQ(c.close, 0.0020);
  EXPECT_DOUBLE_EQ(c.high, 0.0025);
  EXPECT_DOUBLE_EQ(c.low, 0.0015);
  EXPECT_DOUBLE_EQ(c.volume, 1000);
  EXPECT_DOUBLE_EQ(c.quote_volume, 1.0);
  EXPECT_EQ(c.trades, 100);
  EXPECT_FALSE(c.closed);
}

TEST(BinanceStreamCodec, DecodesAClosedKlineInTheCombinedWrapper) {
  std::string closed{kKline};
  closed.replace(closed.find("\"x\":false"), 9, "\"x\":true");
  auto event = decode_as<KlineEvent>(combined("bnbbtc@kline_1m", closed));
  EXPECT_TRUE(event.candle.closed);
  EXPECT_EQ(event.candle.open_time, 1672515780000);
}

TEST(BinanceStreamCodec, KeyOrderAndWhitespaceDoNotMatter) {
  const std::string reordered =
      "{ \"data\" : "
      "{\"k\":{\"x\":true,\"v\":\"2\",\"l\":\"1\",\"h\":\"3\",\"c\":\"2.5\",\"o\":\"1.5\","
      "\"i\":\"5m\",\"s\":\"ethusdt\",\"T\":299999,\"t\":0},\"s\":\"ethusdt\",\"e\":\"kline\"} ,\n"
      "\"stream\":\"ethusdt@kline_5m\"}\r\n";
  auto event = decode_as<KlineEvent>(reordered);
  EXPECT_EQ(event.candle.symbol.view(), "ETHUSDT");
  EXPECT_EQ(event.candle.interval, core::Interval::m5);
  EXPECT_EQ(event.event_time, 0);  // E is optional
  EXPECT_EQ(event.candle.trades, 0);
  EXPECT_TRUE(event.candle.closed);
}

TEST(BinanceStreamCodec, DecodesTheDocumentedTrade) {
  auto event = decode_as<TradeEvent>(combined("bnbbtc@trade", kTrade));
  EXPECT_EQ(event.event_time, 1672515782136);
  EXPECT_EQ(event.trade.symbol.view(), "BNBBTC");
  EXPECT_EQ(event.trade.id, 12345);
  EXPECT_DOUBLE_EQ(event.trade.price, 0.001);
  EXPECT_DOUBLE_EQ(event.trade.quantity, 100);
  EXPECT_EQ(event.trade.time, 1672515782136);
  EXPECT_TRUE(event.trade.buyer_is_maker);
}

TEST(BinanceStreamCodec, DecodesServerShutdownRawAndCombined) {
  EXPECT_EQ(
      decode_as<ServerShutdownEvent>(R"({"e":"serverShutdown","E":1770123456789})").event_time,
      1770123456789);
  EXPECT_EQ(
      decode_as<ServerShutdownEvent>(combined("!serverShutdown", R"({"e":"serverShutdown","E":5})"))
          .event_time,
      5);
  // The stream name alone identifies it even if the payload lacks "e".
  EXPECT_EQ(decode_as<ServerShutdownEvent>(combined("!serverShutdown", R"({"E":7})")).event_time,
            7);
}

TEST(BinanceStreamCodec, EventsTheFeedDoesNotUseAreOtherEvents) {
  EXPECT_EQ(decode_as<OtherEvent>(kAggTrade).type, "aggTrade");
  EXPECT_EQ(decode_as<OtherEvent>(combined("bnbusdt@bookTicker", kBookTicker)).type,
            "bnbusdt@bookTicker");
}

TEST(BinanceStreamCodec, DecodesControlRepliesAndErrors) {
  EXPECT_EQ(decode_as<ControlReply>(R"({"result":null,"id":1})").id, 1);
  EXPECT_EQ(decode_as<ControlReply>(R"({"result":["btcusdt@aggTrade"],"id":3})").id, 3);
  EXPECT_FALSE(decode_as<ControlReply>(R"({"result":null,"id":"abc"})").id.has_value());
  auto error = decode_as<StreamError>(
      R"({"code":2,"msg":"Invalid request: unknown variant `SUBSCRIBEX`","id":4})");
  EXPECT_EQ(error.code, 2);
  EXPECT_EQ(error.message, "Invalid request: unknown variant `SUBSCRIBEX`");
}

struct BadFrame {
  const char* name;
  std::string frame;
  errc code;
};

class BinanceStreamCodecRejects : public ::testing::TestWithParam<BadFrame> {};

TEST_P(BinanceStreamCodecRejects, WithAnErrorValue) {
  auto event = decode_stream_frame(GetParam().frame);
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.error().code, GetParam().code) << event.error().message;
  EXPECT_FALSE(event.error().message.empty());
}

std::string kline_without(const std::string& field) {
  std::string frame{kKline};
  auto pos = frame.find("\"" + field + "\":");
  auto end = frame.find_first_of(",}", pos);
  frame.erase(pos, end - pos + 1);
  return frame;
}

std::string kline_with(const std::string& field, const std::string& value) {
  std::string frame{kKline};
  auto pos = frame.find("\"" + field + "\":") + field.size() + 3;
  auto end = frame.find_first_of(",}", pos);
  frame.replace(pos, end - pos, value);
  return frame;
}

INSTANTIATE_TEST_SUITE_P(
    Frames, BinanceStreamCodecRejects,
    ::testing::Values(
        BadFrame{"Empty", "", errc::malformed_json},
        BadFrame{"NotJson", "hello", errc::malformed_json},
        BadFrame{"Array", "[1,2]", errc::malformed_json},
        BadFrame{"Truncated", std::string{kKline}.substr(0, 120), errc::malformed_json},
        BadFrame{"TrailingGarbage", std::string{kKline} + "x", errc::malformed_json},
        BadFrame{"TrailingComma", R"({"result":null,"id":1,})", errc::malformed_json},
        BadFrame{"EmptyObject", "{}", errc::unexpected_shape},
        BadFrame{"MissingClosedFlag", kline_without("x"), errc::missing_field},
        BadFrame{"MissingOpen", kline_without("o"), errc::missing_field},
        BadFrame{"MissingKline", R"({"e":"kline","E":1,"s":"BNBBTC"})", errc::missing_field},
        BadFrame{"PriceAsExponent", kline_with("o", "\"1e5\""), errc::invalid_field},
        BadFrame{"PriceAsNaN", kline_with("c", "\"NaN\""), errc::invalid_field},
        BadFrame{"PriceEmpty", kline_with("h", "\"\""), errc::invalid_field},
        BadFrame{"OpenTimeAsString", kline_with("t", "\"1672515780000\""), errc::invalid_field},
        BadFrame{"OpenTimeFraction", kline_with("t", "1.5"), errc::invalid_field},
        BadFrame{"OpenTimeTooBig", kline_with("t", "99999999999999999999"), errc::invalid_field},
        BadFrame{"ClosedAsString", kline_with("x", "\"true\""), errc::invalid_field},
        BadFrame{"BadInterval", kline_with("i", "\"2m\""), errc::invalid_field},
        BadFrame{"BadSymbol", kline_with("s", "\"BNB/BTC\""), errc::invalid_field},
        BadFrame{"CloseBeforeOpen", kline_with("T", "1"), errc::invalid_field},
        BadFrame{"TradeWithoutPrice", R"({"e":"trade","s":"X","t":1,"q":"1","T":1})",
                 errc::missing_field},
        BadFrame{"ErrorWithoutMsg", R"({"code":2})", errc::missing_field},
        BadFrame{"DeepNesting", std::string(5000, '[') + std::string(5000, ']'),
                 errc::malformed_json},
        BadFrame{"DeepNestingInside",
                 "{\"z\":" + std::string(100, '[') + std::string(100, ']') + "}",
                 errc::invalid_field}),
    [](const ::testing::TestParamInfo<BadFrame>& info) { return std::string{info.param.name}; });

TEST(BinanceStreamCodec, IgnoresUnknownKeysOfAnyShape) {
  std::string frame{kKline};
  frame.insert(1, R"("zz":{"a":[1,2,{"b":null}],"c":"\u00e9\n"},"y":-0.5e-3,"w":[],)");
  EXPECT_TRUE(decode_stream_frame(frame).ok());
}

}  // namespace
}  // namespace autotrader::binance
