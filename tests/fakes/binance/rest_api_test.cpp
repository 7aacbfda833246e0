// The REST rules without sockets: endpoints, Binance error bodies, weights and the weight limit.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/rest_api.hpp"

namespace autotrader::fakes::binance {
namespace {

constexpr core::TimestampMs kNow = 1'700'000'070'000;  // 30 s into a minute
constexpr core::TimestampMs kMinute = 60'000;

class RestApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in{default_exchange_info_file()};
    ASSERT_TRUE(in) << default_exchange_info_file();
    api.set_exchange_info(nlohmann::json::parse(in));
    auto btc = *core::Symbol::parse("BTCUSDT");
    api.set_klines(generate_klines(btc, core::Interval::m1, kNow - 100 * kMinute, 110, 100, 1), btc,
                   core::Interval::m1);
  }

  nlohmann::json get_json(const std::string& path, const Params& params = {}) {
    auto reply = api.handle("GET", path, params, kNow);
    EXPECT_EQ(reply.status, 200) << path << " " << reply.body;
    return nlohmann::json::parse(reply.body);
  }

  std::pair<int, int> error(const std::string& path, const Params& params) {
    auto reply = api.handle("GET", path, params, kNow);
    auto body = nlohmann::json::parse(reply.body, nullptr, false);
    EXPECT_TRUE(body.is_object() && body.contains("msg")) << reply.body;
    return {reply.status, body.value("code", 0)};
  }

  RestApi api;
};

TEST_F(RestApiTest, PingAndTime) {
  EXPECT_EQ(get_json("/api/v3/ping"), nlohmann::json::object());
  EXPECT_EQ(get_json("/api/v3/time"), (nlohmann::json{{"serverTime", kNow}}));
}

TEST_F(RestApiTest, ExchangeInfoHasBinancesShapeAndFilters) {
  auto info = get_json("/api/v3/exchangeInfo");
  EXPECT_EQ(info["timezone"], "UTC");
  EXPECT_EQ(info["serverTime"], kNow);
  ASSERT_TRUE(info["rateLimits"].is_array());
  EXPECT_EQ(info["rateLimits"][0]["rateLimitType"], "REQUEST_WEIGHT");
  EXPECT_EQ(info["rateLimits"][0]["limit"], 6000);
  ASSERT_GE(info["symbols"].size(), 3u);
  for (const auto& symbol : info["symbols"]) {
    std::set<std::string> filters;
    for (const auto& f : symbol["filters"]) filters.insert(f["filterType"].get<std::string>());
    EXPECT_TRUE(filters.count("PRICE_FILTER") && filters.count("LOT_SIZE") &&
                filters.count("NOTIONAL"))
        << symbol["symbol"];
    EXPECT_EQ(symbol["status"], "TRADING");
  }
}

TEST_F(RestApiTest, ExchangeInfoSelectsSymbols) {
  auto one = get_json("/api/v3/exchangeInfo", {{"symbol", "ETHUSDT"}});
  ASSERT_EQ(one["symbols"].size(), 1u);
  EXPECT_EQ(one["symbols"][0]["symbol"], "ETHUSDT");
  auto two = get_json("/api/v3/exchangeInfo", {{"symbols", R"(["BNBBTC","BTCUSDT"])"}});
  ASSERT_EQ(two["symbols"].size(), 2u);
  EXPECT_EQ(two["symbols"][0]["symbol"], "BNBBTC");
  EXPECT_EQ(error("/api/v3/exchangeInfo", {{"symbol", "NOPE"}}), std::make_pair(400, -1121));
  EXPECT_EQ(error("/api/v3/exchangeInfo", {{"symbols", "BTCUSDT"}}), std::make_pair(400, -1100));
  EXPECT_EQ(error("/api/v3/exchangeInfo", {{"symbol", "BTCUSDT"}, {"symbols", R"(["X"])"}}),
            std::make_pair(400, -1128));
}

TEST_F(RestApiTest, KlinesServeTheDataSetUpToNow) {
  auto rows = get_json("/api/v3/klines", {{"symbol", "BTCUSDT"}, {"interval", "1m"}});
  ASSERT_EQ(rows.size(), 101u);  // 100 closed + the one forming at kNow; 9 not opened yet
  EXPECT_LE(rows.back()[0].get<core::TimestampMs>(), kNow);
  EXPECT_GE(rows.back()[6].get<core::TimestampMs>(), kNow);
  auto limited =
      get_json("/api/v3/klines", {{"symbol", "BTCUSDT"}, {"interval", "1m"}, {"limit", "2"}});
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_EQ(limited[1], rows.back());
  // A known symbol without data for the interval answers an empty array.
  EXPECT_EQ(get_json("/api/v3/klines", {{"symbol", "ETHUSDT"}, {"interval", "1m"}}),
            nlohmann::json::array());
}

TEST_F(RestApiTest, KlinesErrors) {
  EXPECT_EQ(error("/api/v3/klines", {{"interval", "1m"}}), std::make_pair(400, -1102));
  EXPECT_EQ(error("/api/v3/klines", {{"symbol", "NOPE"}, {"interval", "1m"}}),
            std::make_pair(400, -1121));
  EXPECT_EQ(error("/api/v3/klines", {{"symbol", "BTCUSDT"}, {"interval", "2m"}}),
            std::make_pair(400, -1120));
  EXPECT_EQ(error("/api/v3/klines", {{"symbol", "BTCUSDT"}, {"interval", "1m"}, {"limit", "5000"}}),
            std::make_pair(400, -1130));
}

TEST_F(RestApiTest, UnknownPathsAndMethods) {
  EXPECT_EQ(api.handle("GET", "/api/v3/nothing", {}, kNow).status, 404);
  EXPECT_EQ(api.handle("POST", "/api/v3/time", {}, kNow).status, 405);
}

TEST_F(RestApiTest, WeightsAccumulatePerMinuteOfServerTime) {
  EXPECT_EQ(RestApi::weight_of("/api/v3/ping", {}), 1);
  EXPECT_EQ(RestApi::weight_of("/api/v3/time", {}), 1);
  EXPECT_EQ(RestApi::weight_of("/api/v3/exchangeInfo", {}), 20);
  EXPECT_EQ(RestApi::weight_of("/api/v3/klines", {}), 2);
  api.handle("GET", "/api/v3/exchangeInfo", {}, kNow);
  api.handle("GET", "/api/v3/time", {}, kNow);
  api.handle("GET", "/api/v3/klines", {{"symbol", "BTCUSDT"}, {"interval", "1m"}}, kNow);
  EXPECT_EQ(api.used_weight(kNow), 23);
  EXPECT_EQ(api.used_weight(kNow + kMinute), 0);  // the next minute starts from zero
}

TEST_F(RestApiTest, AboveTheWeightLimitRequestsGet429WithRetryAfter) {
  api.set_weight_limit(25);
  EXPECT_EQ(api.handle("GET", "/api/v3/exchangeInfo", {}, kNow).status, 200);
  auto refused = api.handle("GET", "/api/v3/exchangeInfo", {}, kNow);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["code"], -1003);
  ASSERT_EQ(refused.headers.size(), 1u);
  EXPECT_EQ(refused.headers[0], std::make_pair(std::string{"Retry-After"}, std::string{"30"}));
  EXPECT_EQ(api.handle("GET", "/api/v3/ping", {}, kNow).status, 200);  // 21 + 1 still fits
  EXPECT_EQ(api.handle("GET", "/api/v3/exchangeInfo", {}, kNow + kMinute).status, 200);
}

TEST_F(RestApiTest, FaultRepliesCarryBinanceCodesAndRetryAfter) {
  auto check = [](const Reply& reply, int status, int code) {
    EXPECT_EQ(reply.status, status);
    EXPECT_EQ(nlohmann::json::parse(reply.body)["code"], code) << reply.body;
  };
  auto too_many = fault_reply(Fault::too_many_requests(std::chrono::seconds{7}));
  check(too_many, 429, -1003);
  EXPECT_EQ(too_many.headers.at(0).second, "7");
  auto banned = fault_reply(Fault::ip_banned(std::chrono::seconds{120}));
  check(banned, 418, -1003);
  EXPECT_EQ(banned.headers.at(0).second, "120");
  check(fault_reply(Fault::server_error(502)), 502, -1001);
  check(fault_reply(Fault::invalid_timestamp()), 400, -1021);
  auto malformed = fault_reply(Fault::malformed_body());
  EXPECT_EQ(malformed.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(malformed.body, nullptr, false).is_discarded());
}

TEST(FakeBinanceQuery, DecodesPercentEncodingAndKeepsTheLastDuplicate) {
  auto params = decode_query("symbols=%5B%22BTCUSDT%22%5D&a=1&a=2&empty=&flag&bad=%zz");
  EXPECT_EQ(params.at("symbols"), R"(["BTCUSDT"])");
  EXPECT_EQ(params.at("a"), "2");
  EXPECT_EQ(params.at("empty"), "");
  EXPECT_EQ(params.at("flag"), "");
  EXPECT_EQ(params.at("bad"), "%zz");
  EXPECT_TRUE(decode_query("").empty());
}

}  // namespace
}  // namespace autotrader::fakes::binance
