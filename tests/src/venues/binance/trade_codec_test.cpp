#include "venues/binance/trade_codec.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace autotrader::binance {
namespace {

using core::Decimal;
using Params = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
constexpr const char* kSecretKey =
    "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
constexpr core::TimestampMs kNow = 1499827319559;

Decimal dec(const char* text) {
  return *Decimal::parse(text);
}

core::Symbol sym(const char* name) {
  return *core::Symbol::parse(name);
}

std::string fixture(const std::string& name) {
  std::ifstream file{std::string{AUTOTRADER_SOURCE_DIR} + "/tests/fixtures/binance/orders/" + name};
  EXPECT_TRUE(file.good()) << name;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The query's parameters in order, signature removed and checked against the published key, as
// the fake server verifies it.
Params verified_params(const RestRequest& request) {
  const std::string marker = "&signature=";
  const auto at = request.query.rfind(marker);
  EXPECT_NE(at, std::string::npos) << request.query;
  const std::string payload = request.query.substr(0, at);
  EXPECT_EQ(request.query.substr(at + marker.size()),
            hmac_sha256_hex(core::Secret{kSecretKey}, payload));
  Params out;
  std::stringstream in{payload};
  std::string pair;
  while (std::getline(in, pair, '&')) {
    const auto eq = pair.find('=');
    out.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
  }
  return out;
}

class BinanceTradeCodec : public ::testing::Test {
 protected:
  RequestSigner signer_ =
      RequestSigner::make(Credentials{core::Secret{kApiKey}, core::Secret{kSecretKey}}).value();
  ServerClock clock_;
  SignContext sign_{signer_, clock_, kNow};
};

TEST_F(BinanceTradeCodec, BuildsMyTradesFromATradeIdOrTheLatest) {
  auto from = my_trades_request(sym("BTCUSDT"), 5001, 1000, sign_);
  ASSERT_TRUE(from.ok()) << from.error().message;
  EXPECT_EQ(from->method, HttpMethod::get);
  EXPECT_EQ(from->path, "/api/v3/myTrades");
  EXPECT_EQ(from->weight, 20);
  EXPECT_TRUE(from->body.empty());
  EXPECT_EQ(verified_params(*from), (Params{{"symbol", "BTCUSDT"},
                                            {"fromId", "5001"},
                                            {"limit", "1000"},
                                            {"recvWindow", "5000"},
                                            {"timestamp", "1499827319559"}}));

  auto latest = my_trades_request(sym("BTCUSDT"), std::nullopt, 1, sign_);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(verified_params(*latest), (Params{{"symbol", "BTCUSDT"},
                                              {"limit", "1"},
                                              {"recvWindow", "5000"},
                                              {"timestamp", "1499827319559"}}));
}

TEST_F(BinanceTradeCodec, RefusesAnInvalidMyTradesRequest) {
  for (auto request : {my_trades_request(core::Symbol{}, std::nullopt, 500, sign_),
                       my_trades_request(sym("BTCUSDT"), -1, 500, sign_),
                       my_trades_request(sym("BTCUSDT"), std::nullopt, 0, sign_),
                       my_trades_request(sym("BTCUSDT"), std::nullopt, 1001, sign_)}) {
    ASSERT_FALSE(request.ok());
    EXPECT_EQ(request.error().code, errc::invalid_field);
  }
}

TEST_F(BinanceTradeCodec, DecodesMyTrades) {
  auto trades = decode_my_trades(fixture("my_trades.json"));
  ASSERT_TRUE(trades.ok()) << trades.error().message;
  ASSERT_EQ(trades->size(), 3u);
  const TradeReport& first = (*trades)[0];
  EXPECT_EQ(first.symbol.view(), "BTCUSDT");
  EXPECT_EQ(first.id, 5001);
  EXPECT_EQ(first.order_id, 1001);
  EXPECT_EQ(first.order_list_id, -1);
  EXPECT_EQ(first.price, dec("42000"));
  EXPECT_EQ(first.quantity, dec("0.001"));
  EXPECT_EQ(first.quote_quantity, dec("42"));
  EXPECT_EQ(first.commission, dec("0.000001"));
  EXPECT_EQ(first.commission_asset, "BTC");
  EXPECT_EQ(first.time, 1700000005199);
  EXPECT_TRUE(first.is_buyer);
  EXPECT_TRUE(first.is_maker);
  const TradeReport& stop = (*trades)[2];
  EXPECT_EQ(stop.order_list_id, 7);
  EXPECT_FALSE(stop.is_buyer);
  EXPECT_FALSE(stop.is_maker);
  EXPECT_EQ(stop.commission_asset, "USDT");

  auto none = decode_my_trades("[]");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(BinanceTradeCodec, MalformedTradesAreErrors) {
  const std::string body = fixture("my_trades.json");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = body;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::vector<std::pair<std::string, errc>> cases = {
      {"", errc::malformed_json},
      {body.substr(0, 100), errc::malformed_json},
      {R"({"code":-1121,"msg":"Invalid symbol."})", errc::unexpected_shape},
      {"[1]", errc::unexpected_shape},
      {with(R"("qty":"0.00100000",)", ""), errc::missing_field},
      {with(R"("price":"42000.00000000")", R"("price":42000)"), errc::invalid_field},
      {with(R"("isBuyer":true)", R"("isBuyer":"true")"), errc::invalid_field},
      {with(R"("id":5001)", R"("id":"5001")"), errc::invalid_field},
      {with(R"("commissionAsset":"BTC")", R"("commissionAsset":null)"), errc::invalid_field},
  };
  for (const auto& [text, code] : cases) {
    auto trades = decode_my_trades(text);
    ASSERT_FALSE(trades.ok()) << text;
    EXPECT_EQ(trades.error().code, code) << text << " -> " << trades.error().message;
  }
}

TEST_F(BinanceTradeCodec, BuildsTheOrderListCancelByItsClientId) {
  auto request = cancel_order_list_request(sym("BTCUSDT"), "at-d42-oc", sign_);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->method, HttpMethod::del);
  EXPECT_EQ(request->path, "/api/v3/orderList");
  EXPECT_EQ(request->weight, 1);
  EXPECT_EQ(verified_params(*request), (Params{{"symbol", "BTCUSDT"},
                                               {"listClientOrderId", "at-d42-oc"},
                                               {"recvWindow", "5000"},
                                               {"timestamp", "1499827319559"}}));
  EXPECT_EQ(oco_list_client_order_id("d42"), "at-d42-oc");

  for (auto bad : {cancel_order_list_request(sym("BTCUSDT"), "", sign_),
                   cancel_order_list_request(sym("BTCUSDT"), "has space", sign_),
                   cancel_order_list_request(core::Symbol{}, "at-d42-oc", sign_)}) {
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, errc::invalid_field);
  }
}

}  // namespace
}  // namespace autotrader::binance
