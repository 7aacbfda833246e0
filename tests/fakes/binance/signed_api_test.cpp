// The signed endpoints without sockets: the signature verifier against Binance's published
// vectors (reference binance.md §7), its placements, the key and timing rules, and the endpoints'
// answers and error codes through RestApi (which also counts their weights).
#include "tests/fakes/binance/signed_api.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/rest_api.hpp"
#include "tests/fakes/binance/ws_api.hpp"

namespace autotrader::fakes::binance {
namespace {

using nlohmann::json;

constexpr core::TimestampMs kNow = 1'700'000'000'000;
constexpr const char* kVectorSecret =
    "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
constexpr const char* kVectorKey =
    "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";

TEST(SignatureVectors, RestQueryString) {
  EXPECT_EQ(hmac_sha256_hex(kVectorSecret,
                            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
                            "&recvWindow=5000&timestamp=1499827319559"),
            "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
}

TEST(SignatureVectors, RestNonAscii) {
  EXPECT_EQ(hmac_sha256_hex(kVectorSecret,
                            "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side="
                            "BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
                            "timestamp=1499827319559"),
            "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3");
}

TEST(SignatureVectors, RestMixedQueryAndBody) {
  auto payload =
      rest_signature_payload("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
                             "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559");
  EXPECT_EQ(payload,
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=0.1&recvWindow="
            "5000&timestamp=1499827319559");
  EXPECT_EQ(hmac_sha256_hex(kVectorSecret, payload),
            "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
}

TEST(SignatureVectors, WebSocketApiSortedParams) {
  json params{{"symbol", "BTCUSDT"},      {"side", "SELL"},
              {"type", "LIMIT"},          {"timeInForce", "GTC"},
              {"quantity", "0.01000000"}, {"price", "52000.00"},
              {"recvWindow", 100},        {"timestamp", 1645423376532},
              {"apiKey", kVectorKey},     {"signature", "ignored"}};
  auto payload = ws_api_signature_payload(params);
  EXPECT_EQ(payload, std::string{"apiKey="} + kVectorKey +
                         "&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol="
                         "BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT");
  EXPECT_EQ(hmac_sha256_hex(kVectorSecret, payload),
            "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24");
}

TEST(SignaturePayload, TheSignatureParameterIsLeftOutWhereverItIs) {
  EXPECT_EQ(rest_signature_payload("a=1&signature=ff&b=2", ""), "a=1&b=2");
  EXPECT_EQ(rest_signature_payload("a=1", "b=2&signature=ff"), "a=1b=2");
  EXPECT_EQ(rest_signature_payload("signature=ff", "b=2"), "b=2");
  EXPECT_TRUE(signature_equal("c8db56825ae7", "C8DB56825AE7"));
  EXPECT_FALSE(signature_equal("c8db56825ae7", "c8db56825ae8"));
  EXPECT_FALSE(signature_equal("c8db56825ae7", "c8db56825ae"));
}

TEST(TimingRule, BinancesRecvWindowRule) {
  auto code = [](std::optional<std::string> ts, std::optional<std::string> window) {
    auto error = check_timing(ts, window, kNow);
    return error ? error->code : 0;
  };
  auto at = [](core::TimestampMs t) { return std::optional<std::string>{std::to_string(t)}; };
  EXPECT_EQ(code(at(kNow), std::nullopt), 0);
  EXPECT_EQ(code(at(kNow + 999), std::nullopt), 0);
  EXPECT_EQ(code(at(kNow + 1000), std::nullopt), -1021);
  EXPECT_EQ(code(at(kNow - 5000), std::nullopt), 0);
  EXPECT_EQ(code(at(kNow - 5001), std::nullopt), -1021);
  EXPECT_EQ(code(at(kNow - 5001), "6000"), 0);
  EXPECT_EQ(code(at(kNow - 5001), "5000.5"), -1021);
  EXPECT_EQ(code(at(kNow - 5000), "5000.5"), 0);
  EXPECT_EQ(code(at(kNow), "60001"), -1131);
  EXPECT_EQ(code(at(kNow), "abc"), -1100);
  EXPECT_EQ(code(std::nullopt, std::nullopt), -1102);
  EXPECT_EQ(code("12x", std::nullopt), -1102);
  EXPECT_EQ(check_timing(at(kNow + 1000), std::nullopt, kNow)->msg,
            "Timestamp for this request was 1000ms ahead of the server's time.");
}

// Signed calls through RestApi, signed here with the fake's default account.
class SignedApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in{default_exchange_info_file()};
    ASSERT_TRUE(in);
    api.set_exchange_info(json::parse(in));
    api.signed_api().exchange().set_price("BTCUSDT", *Decimal::parse("100"), kNow);
  }

  enum class Placement { query, body, mixed };

  Reply call(const std::string& method, const std::string& path, std::string params,
             Placement placement = Placement::query, std::string key = "fake-api-key",
             std::string secret = "fake-api-secret") {
    HttpCall c;
    c.method = method;
    c.path = path;
    c.api_key = key;
    if (!params.empty()) params += "&";
    params += "timestamp=" + std::to_string(kNow);
    if (placement == Placement::mixed) {
      auto amp = params.find('&');
      c.query = params.substr(0, amp);
      c.body = params.substr(amp + 1);
    } else {
      (placement == Placement::query ? c.query : c.body) = params;
    }
    auto signature = hmac_sha256_hex(secret, rest_signature_payload(c.query, c.body));
    (placement == Placement::query ? c.query : c.body) += "&signature=" + signature;
    c.params = decode_query(c.body);
    for (const auto& [name, value] : decode_query(c.query)) c.params[name] = value;
    return api.handle(c, kNow);
  }

  json ok(const Reply& reply) {
    EXPECT_EQ(reply.status, 200) << reply.body;
    return json::parse(reply.body, nullptr, false);
  }

  int code(const Reply& reply) {
    EXPECT_NE(reply.status, 200) << reply.body;
    return json::parse(reply.body, nullptr, false).value("code", 0);
  }

  RestApi api;
};

TEST_F(SignedApiTest, SignatureInQueryBodyOrBothIsAccepted) {
  EXPECT_EQ(ok(call("GET", "/api/v3/account", "omitZeroBalances=true"))["balances"].size(), 1u);
  EXPECT_EQ(ok(call("GET", "/api/v3/account", "omitZeroBalances=true", Placement::body))["balances"]
                .size(),
            1u);
  EXPECT_EQ(ok(call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1",
                    Placement::mixed))["status"],
            "FILLED");
}

TEST_F(SignedApiTest, KeySignatureAndTimestampErrors) {
  auto missing_key = call("GET", "/api/v3/account", "", Placement::query, "");
  EXPECT_EQ(missing_key.status, 401);
  EXPECT_EQ(code(missing_key), -2014);
  EXPECT_EQ(code(call("GET", "/api/v3/account", "", Placement::query, "other-key")), -2015);
  auto bad = call("GET", "/api/v3/account", "", Placement::query, "fake-api-key", "wrong");
  EXPECT_EQ(code(bad), -1022);
  EXPECT_EQ(json::parse(bad.body)["msg"], "Signature for this request is not valid.");

  HttpCall unsigned_call;
  unsigned_call.method = "GET";
  unsigned_call.path = "/api/v3/account";
  unsigned_call.api_key = "fake-api-key";
  unsigned_call.params = {{"timestamp", std::to_string(kNow)}};
  EXPECT_EQ(code(api.handle(unsigned_call, kNow)), -1102);

  EXPECT_EQ(code(api.handle(
                [&] {
                  HttpCall c;
                  c.method = "GET";
                  c.path = "/api/v3/account";
                  c.api_key = "fake-api-key";
                  c.query = "timestamp=" + std::to_string(kNow - 10'000);
                  c.query += "&signature=" + hmac_sha256_hex("fake-api-secret", c.query);
                  c.params = decode_query(c.query);
                  return c;
                }(),
                kNow)),
            -1021);
}

TEST_F(SignedApiTest, MandatoryParametersAndEnums) {
  auto missing = call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1");
  EXPECT_EQ(code(missing), -1102);
  EXPECT_EQ(json::parse(missing.body)["msg"],
            "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
  EXPECT_EQ(code(call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET")), -1102);
  EXPECT_EQ(code(call("POST", "/api/v3/order", "symbol=BTCUSDT&side=UP&type=MARKET&quantity=1")),
            -1117);
  EXPECT_EQ(code(call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=FOO&quantity=1")),
            -1116);
  EXPECT_EQ(code(call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1e3")),
            -1100);
  EXPECT_EQ(code(call("POST", "/api/v3/order",
                      "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1&price=100")),
            -1106);
  EXPECT_EQ(code(call("POST", "/api/v3/order", "symbol=DOGEUSDT&side=BUY&type=MARKET&quantity=1")),
            -1121);
  EXPECT_EQ(code(call("GET", "/api/v3/order", "symbol=BTCUSDT")), -1102);
}

TEST_F(SignedApiTest, ResponseTypesFollowBinancesDefaults) {
  auto full = ok(call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1"));
  EXPECT_TRUE(full.contains("fills"));
  EXPECT_EQ(full["fills"][0]["commissionAsset"], "BTC");
  auto result =
      ok(call("POST", "/api/v3/order",
              "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1&newOrderRespType=RESULT"));
  EXPECT_FALSE(result.contains("fills"));
  EXPECT_EQ(result["status"], "FILLED");
  auto ack = ok(call("POST", "/api/v3/order",
                     "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1&newOrderRespType=ACK"));
  EXPECT_EQ(ack.size(), 5u);
  EXPECT_EQ(ack["orderListId"], -1);
  // LIMIT_MAKER defaults to ACK.
  auto maker = ok(call("POST", "/api/v3/order",
                       "symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.1&price=90"));
  EXPECT_FALSE(maker.contains("status"));
  auto test_order =
      ok(call("POST", "/api/v3/order/test", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1"));
  EXPECT_EQ(test_order, json::object());
  EXPECT_EQ(api.signed_api().exchange().orders().size(), 4u);  // order/test placed nothing
}

TEST_F(SignedApiTest, QueryCancelOpenOrdersAndTrades) {
  auto placed = ok(call("POST", "/api/v3/order",
                        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.5&price=90"
                        "&newClientOrderId=my-1"));
  EXPECT_EQ(placed["status"], "NEW");
  auto queried = ok(call("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=my-1"));
  EXPECT_EQ(queried["orderId"], placed["orderId"]);
  EXPECT_EQ(queried["isWorking"], true);
  EXPECT_EQ(ok(call("GET", "/api/v3/openOrders", ""))[0]["clientOrderId"], "my-1");
  EXPECT_EQ(ok(call("GET", "/api/v3/openOrders", "symbol=ETHUSDT")).size(), 0u);
  auto duplicate = call("POST", "/api/v3/order",
                        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.5&price=90"
                        "&newClientOrderId=my-1");
  EXPECT_EQ(code(duplicate), -2010);
  auto canceled = ok(
      call("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=my-1&newClientOrderId=c1"));
  EXPECT_EQ(canceled["status"], "CANCELED");
  EXPECT_EQ(canceled["origClientOrderId"], "my-1");
  EXPECT_EQ(canceled["clientOrderId"], "c1");
  EXPECT_EQ(
      code(call("DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=" + placed["orderId"].dump())),
      -2011);
  EXPECT_EQ(code(call("GET", "/api/v3/order", "symbol=BTCUSDT&orderId=99")), -2013);

  for (int i = 0; i < 3; ++i) {
    ok(call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1"));
  }
  auto trades = ok(call("GET", "/api/v3/myTrades", "symbol=BTCUSDT"));
  ASSERT_EQ(trades.size(), 3u);
  for (const char* field :
       {"symbol", "id", "orderId", "orderListId", "price", "qty", "quoteQty", "commission",
        "commissionAsset", "time", "isBuyer", "isMaker", "isBestMatch"}) {
    EXPECT_TRUE(trades[0].contains(field)) << field;
  }
  EXPECT_EQ(ok(call("GET", "/api/v3/myTrades", "symbol=BTCUSDT&fromId=2&limit=1"))[0]["id"], 2);
  EXPECT_EQ(ok(call("GET", "/api/v3/myTrades", "symbol=BTCUSDT&limit=1"))[0]["id"], 3);
  EXPECT_EQ(
      ok(call("GET", "/api/v3/myTrades", "symbol=BTCUSDT&endTime=" + std::to_string(kNow - 1)))
          .size(),
      0u);
  EXPECT_EQ(code(call("GET", "/api/v3/myTrades", "symbol=BTCUSDT&limit=1001")), -1130);
}

TEST_F(SignedApiTest, OcoPlaceQueryAndCancel) {
  api.signed_api().exchange().set_balance("BTC", *Decimal::parse("1"));
  auto list = ok(call("POST", "/api/v3/orderList/oco",
                      "symbol=BTCUSDT&side=SELL&quantity=1&aboveType=LIMIT_MAKER&abovePrice=110"
                      "&belowType=STOP_LOSS_LIMIT&belowStopPrice=90&belowPrice=89"
                      "&belowTimeInForce=GTC&listClientOrderId=L1&aboveClientOrderId=A1"
                      "&belowClientOrderId=B1"));
  EXPECT_EQ(list["contingencyType"], "OCO");
  EXPECT_EQ(list["listStatusType"], "EXEC_STARTED");
  EXPECT_EQ(list["listOrderStatus"], "EXECUTING");
  EXPECT_EQ(list["listClientOrderId"], "L1");
  ASSERT_EQ(list["orders"].size(), 2u);
  ASSERT_EQ(list["orderReports"].size(), 2u);
  EXPECT_EQ(list["orderReports"][0]["type"], "STOP_LOSS_LIMIT");
  EXPECT_EQ(list["orderReports"][0]["stopPrice"], "90.00000000");
  EXPECT_EQ(list["orderReports"][1]["clientOrderId"], "A1");
  EXPECT_EQ(ok(call("GET", "/api/v3/openOrderList", "")).size(), 1u);
  EXPECT_EQ(code(call("POST", "/api/v3/orderList/oco",
                      "symbol=BTCUSDT&side=SELL&quantity=1&aboveType=LIMIT_MAKER&abovePrice=110"
                      "&belowType=STOP_LOSS_LIMIT&belowStopPrice=90&belowPrice=89")),
            -1102);  // belowTimeInForce
  auto canceled = ok(call("DELETE", "/api/v3/orderList", "symbol=BTCUSDT&listClientOrderId=L1"));
  EXPECT_EQ(canceled["listStatusType"], "ALL_DONE");
  EXPECT_EQ(canceled["orderReports"][0]["status"], "CANCELED");
  EXPECT_EQ(ok(call("GET", "/api/v3/openOrderList", "")).size(), 0u);
  EXPECT_EQ(code(call("DELETE", "/api/v3/orderList", "symbol=BTCUSDT&orderListId=1")), -2011);
  auto bad_prices = call("POST", "/api/v3/orderList/oco",
                         "symbol=BTCUSDT&side=SELL&quantity=1&aboveType=LIMIT_MAKER&abovePrice=95"
                         "&belowType=STOP_LOSS_LIMIT&belowStopPrice=90&belowPrice=89"
                         "&belowTimeInForce=GTC");
  EXPECT_EQ(code(bad_prices), -2010);
  EXPECT_EQ(json::parse(bad_prices.body)["msg"],
            "The relationship of the prices for the orders is not correct.");
}

TEST_F(SignedApiTest, WeightsAndOrderCounts) {
  EXPECT_EQ(RestApi::weight_of("/api/v3/order", {}, "POST"), 1);
  EXPECT_EQ(RestApi::weight_of("/api/v3/order", {}, "GET"), 4);
  EXPECT_EQ(RestApi::weight_of("/api/v3/order", {}, "DELETE"), 1);
  EXPECT_EQ(RestApi::weight_of("/api/v3/openOrders", {{"symbol", "BTCUSDT"}}), 6);
  EXPECT_EQ(RestApi::weight_of("/api/v3/openOrders", {}), 80);
  EXPECT_EQ(RestApi::weight_of("/api/v3/account", {}), 20);
  EXPECT_EQ(RestApi::weight_of("/api/v3/myTrades", {}), 20);
  EXPECT_EQ(RestApi::weight_of("/api/v3/orderList/oco", {}, "POST"), 1);
  EXPECT_EQ(RestApi::weight_of("/api/v3/openOrderList", {}), 6);
  auto first = call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1");
  auto header = [](const Reply& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string{};
  };
  EXPECT_EQ(header(first, "X-MBX-ORDER-COUNT-10S"), "1");
  EXPECT_EQ(header(first, "X-MBX-ORDER-COUNT-1D"), "1");
  auto refused = call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=500");
  EXPECT_EQ(header(refused, "X-MBX-ORDER-COUNT-10S"), "");
  auto second = call("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1");
  EXPECT_EQ(header(second, "X-MBX-ORDER-COUNT-10S"), "2");
  EXPECT_EQ(api.used_weight(kNow), 3);
}

TEST_F(SignedApiTest, OrderFaultsAreUsedUpByAuthenticatedOrderRequests) {
  auto& signed_api = api.signed_api();
  signed_api.fail_next_orders(OrderFault::reject(-1021), 1);
  signed_api.fail_next_orders(OrderFault::accept_then_timeout(), 1);
  signed_api.fail_next_orders(OrderFault::accept_then_server_error(502), 1);
  const std::string market = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1";
  // A request with a bad key uses up nothing.
  EXPECT_EQ(code(call("POST", "/api/v3/order", market, Placement::query, "x")), -2015);
  auto rejected = call("POST", "/api/v3/order", market);
  EXPECT_EQ(code(rejected), -1021);
  EXPECT_EQ(rejected.faults, std::vector<FaultKind>{FaultKind::order_rejected});
  EXPECT_TRUE(signed_api.exchange().orders().empty());
  auto held = call("POST", "/api/v3/order", market);
  EXPECT_EQ(held.delivery, Delivery::hold_silently);
  EXPECT_EQ(signed_api.exchange().orders().size(), 1u);  // executed all the same
  auto unavailable = call("POST", "/api/v3/order", market);
  EXPECT_EQ(unavailable.status, 502);
  EXPECT_EQ(unavailable.body.rfind("<html>", 0), 0u);
  EXPECT_EQ(signed_api.exchange().orders().size(), 2u);
  EXPECT_EQ(call("POST", "/api/v3/order", market).faults.size(), 0u);
}

TEST_F(SignedApiTest, OddValuesAreAnsweredNeverACrash) {
  api.signed_api().exchange().set_balance("BTC", *Decimal::parse("9000"));
  const std::vector<std::string> values{"",
                                        "0",
                                        "-1",
                                        "1e5",
                                        "99999999999999999999",
                                        "0.1",
                                        "%00",
                                        "9000",
                                        "0.0000000000000000001",
                                        "NaN",
                                        "BUY"};
  const std::vector<std::string> names{"quantity", "quoteOrderQty", "price",  "stopPrice",
                                       "orderId",  "limit",         "fromId", "recvWindow"};
  const std::vector<std::pair<std::string, std::string>> endpoints{
      {"POST", "/api/v3/order"},         {"GET", "/api/v3/order"},
      {"DELETE", "/api/v3/order"},       {"GET", "/api/v3/myTrades"},
      {"POST", "/api/v3/orderList/oco"}, {"DELETE", "/api/v3/orderList"}};
  for (const auto& [method, path] : endpoints) {
    for (const auto& name : names) {
      for (const auto& value : values) {
        auto reply = call(method, path,
                          "symbol=BTCUSDT&side=SELL&type=MARKET&aboveType=LIMIT_MAKER&abovePrice="
                          "110&belowType=STOP_LOSS_LIMIT&belowStopPrice=90&belowPrice=89&"
                          "belowTimeInForce=GTC&" +
                              name + "=" + value);
        EXPECT_TRUE(json::parse(reply.body, nullptr, false).is_object() ||
                    json::parse(reply.body, nullptr, false).is_array())
            << method << " " << path << " " << name << "=" << value << ": " << reply.body;
      }
    }
  }
}

TEST(WsApi, SubscribeWithSignature) {
  SignedApi api{AccountOptions{}};
  WsApiSession session;
  auto request = [&](json params) {
    params["apiKey"] = "fake-api-key";
    params["timestamp"] = kNow;
    params["signature"] = hmac_sha256_hex("fake-api-secret", ws_api_signature_payload(params));
    return json{{"id", "s1"}, {"method", "userDataStream.subscribe.signature"}, {"params", params}}
        .dump();
  };
  auto reply = json::parse(handle_ws_api_request(request({}), session, api, kNow, 3));
  EXPECT_EQ(reply["id"], "s1");
  EXPECT_EQ(reply["status"], 200);
  EXPECT_EQ(reply["result"]["subscriptionId"], 0);
  EXPECT_EQ(session.subscription, 0);
  EXPECT_EQ(reply["rateLimits"][0]["count"], 3);
  auto again = json::parse(handle_ws_api_request(request({}), session, api, kNow, 3));
  EXPECT_EQ(again["status"], 400);

  auto unsubscribed = json::parse(handle_ws_api_request(
      R"({"id":2,"method":"userDataStream.unsubscribe"})", session, api, kNow, 3));
  EXPECT_EQ(unsubscribed["status"], 200);
  EXPECT_FALSE(session.subscription);
  auto resubscribed = json::parse(handle_ws_api_request(request({}), session, api, kNow, 3));
  EXPECT_EQ(resubscribed["result"]["subscriptionId"], 1);

  WsApiSession other;
  auto tampered = json::parse(request({}));
  tampered["params"]["timestamp"] = kNow - 1;
  auto bad = json::parse(handle_ws_api_request(tampered.dump(), other, api, kNow, 3));
  EXPECT_EQ(bad["status"], 400);
  EXPECT_EQ(bad["error"]["code"], -1022);
  EXPECT_FALSE(other.subscription);
  auto stale = json::parse(request({{"recvWindow", 1000}}));
  auto late = json::parse(handle_ws_api_request(stale.dump(), other, api, kNow + 2000, 3));
  EXPECT_EQ(late["error"]["code"], -1021);

  EXPECT_EQ(json::parse(handle_ws_api_request(R"({"id":7,"method":"ping"})", other, api, kNow,
                                              3))["result"],
            json::object());
  EXPECT_EQ(json::parse(handle_ws_api_request(R"({"id":8,"method":"time"})", other, api, kNow,
                                              3))["result"]["serverTime"],
            kNow);
  EXPECT_EQ(json::parse(handle_ws_api_request("{not json", other, api, kNow, 3))["status"], 400);
  EXPECT_EQ(json::parse(handle_ws_api_request(R"({"id":9,"method":"nope"})", other, api, kNow,
                                              3))["status"],
            400);
}

}  // namespace
}  // namespace autotrader::fakes::binance
