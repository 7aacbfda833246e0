// Seeded mutation fuzzing of every Binance decoder: documented messages are mutated (bytes
// flipped, inserted, deleted, duplicated, truncated) and decoded. Nothing may crash, throw or
// read out of bounds (ASan), and an accepted frame must mean what an independent decoder
// (nlohmann::json) reads from the same bytes: the fast scanner may reject more, never accept
// something else.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "venues/binance/rest_codec.hpp"
#include "venues/binance/stream_codec.hpp"

namespace autotrader::binance {
namespace {

const std::vector<std::string>& stream_corpus() {
  static const std::vector<std::string> corpus = {
      R"({"e":"kline","E":1672515782136,"s":"BNBBTC","k":{"t":1672515780000,"T":1672515839999,"s":"BNBBTC","i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,"x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}})",
      R"({"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1,"s":"BTCUSDT","k":{"t":60000,"T":119999,"s":"BTCUSDT","i":"1m","o":"42000.10","c":"42001.00","h":"42010.5","l":"41990","v":"12.5","n":7,"x":true,"q":"525000.1"}}})",
      R"({"stream":"bnbbtc@trade","data":{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}})",
      R"({"e":"serverShutdown","E":1770123456789})",
      R"({"result":null,"id":1})",
      R"({"code":2,"msg":"Invalid request: unknown variant"})",
  };
  return corpus;
}

// Printable ASCII plus the JSON structural characters, so that most mutants stay near-JSON and
// the decoders' deeper paths are reached.
char random_char(std::mt19937_64& rng) {
  static constexpr std::string_view kAlphabet = R"({}[]":,.-+0123456789eEtruefalsnl \x")";
  if (rng() % 4 == 0) return static_cast<char>(0x20 + rng() % 95);
  return kAlphabet[rng() % kAlphabet.size()];
}

std::string mutate(std::string s, std::mt19937_64& rng) {
  int rounds = 1 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rounds; ++r) {
    std::size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 6) {
      case 0:
        if (!s.empty()) s[pos] = random_char(rng);
        break;
      case 1:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), random_char(rng));
        break;
      case 2:
        s.erase(pos, 1 + rng() % 8);
        break;
      case 3:
        s.insert(pos, s.substr(rng() % (s.size() + 1), rng() % 16));
        break;
      case 4:
        s.resize(pos);
        break;
      default:
        if (s.size() > 1) std::swap(s[pos], s[rng() % s.size()]);
    }
  }
  return s;
}

double reference_decimal(const nlohmann::json& v) {
  return v.is_string() ? std::stod(v.get<std::string>()) : v.get<double>();
}

// The checks an accepted kline must pass against nlohmann's reading of the same bytes.
void expect_same_kline(const std::string& frame, const KlineEvent& event) {
  auto doc = nlohmann::json::parse(frame, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << "accepted invalid JSON: " << frame;
  const auto& data = doc.contains("data") ? doc["data"] : doc;
  const auto& k = data.at("k");
  EXPECT_EQ(k.at("t").get<std::int64_t>(), event.candle.open_time) << frame;
  EXPECT_EQ(k.at("T").get<std::int64_t>(), event.candle.close_time) << frame;
  EXPECT_EQ(k.at("x").get<bool>(), event.candle.closed) << frame;
  EXPECT_DOUBLE_EQ(reference_decimal(k.at("o")), event.candle.open) << frame;
  EXPECT_DOUBLE_EQ(reference_decimal(k.at("c")), event.candle.close) << frame;
  EXPECT_DOUBLE_EQ(reference_decimal(k.at("h")), event.candle.high) << frame;
  EXPECT_DOUBLE_EQ(reference_decimal(k.at("l")), event.candle.low) << frame;
  EXPECT_DOUBLE_EQ(reference_decimal(k.at("v")), event.candle.volume) << frame;
}

TEST(BinanceCodecFuzz, StreamFramesNeverCrashAndAcceptOnlyWhatTheyMean) {
  std::mt19937_64 rng{20240601};
  std::size_t accepted = 0, klines = 0, rejected = 0;
  for (int i = 0; i < 40'000; ++i) {
    const auto& seed = stream_corpus()[rng() % stream_corpus().size()];
    std::string frame = mutate(seed, rng);
    auto event = decode_stream_frame(frame);
    if (!event.ok()) {
      ++rejected;
      EXPECT_FALSE(event.error().message.empty());
      continue;
    }
    ++accepted;
    // Whatever was accepted is valid JSON (the mutations are ASCII, so UTF-8 is never at stake).
    ASSERT_FALSE(nlohmann::json::parse(frame, nullptr, false).is_discarded()) << frame;
    if (auto* kline = std::get_if<KlineEvent>(&*event)) {
      ++klines;
      expect_same_kline(frame, *kline);
    }
  }
  // Mutation must reach both outcomes, or the test proves nothing.
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(klines, 200u);
  EXPECT_GT(rejected, 10'000u);
}

TEST(BinanceCodecFuzz, RestBodiesNeverCrash) {
  const std::vector<std::string> corpus = {
      R"({"serverTime": 1499827319559})",
      R"({"code": -1121, "msg": "Invalid symbol."})",
      R"([[1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.11427815",1499644799999,"2434.19055334",308,"1756.87402397","28.46694368","0"]])",
      R"({"timezone":"UTC","serverTime":1565246363776,"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000}],"exchangeFilters":[],"symbols":[{"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","quoteAsset":"BTC","filters":[{"filterType":"PRICE_FILTER","minPrice":"0.00000100","maxPrice":"100000.00000000","tickSize":"0.00000100"},{"filterType":"LOT_SIZE","minQty":"0.00100000","maxQty":"100000.00000000","stepSize":"0.00100000"},{"filterType":"NOTIONAL","minNotional":"10.00000000","applyMinToMarket":false,"maxNotional":"10000.00000000","applyMaxToMarket":false,"avgPriceMins":5}]}]})",
  };
  std::mt19937_64 rng{7};
  auto symbol = *core::Symbol::parse("ETHBTC");
  std::size_t accepted = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string body = mutate(corpus[rng() % corpus.size()], rng);
    accepted += decode_server_time(body).ok();
    accepted += decode_api_error(body).ok();
    accepted += decode_klines(body, symbol, core::Interval::m1, 1).ok();
    accepted += decode_exchange_info(body).ok();
  }
  EXPECT_GT(accepted, 1000u);
}

}  // namespace
}  // namespace autotrader::binance
