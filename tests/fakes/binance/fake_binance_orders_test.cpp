// The fake's exchange over real sockets: signed REST order endpoints and their headers, matching
// as the market moves, every order fault and its counter, and the WebSocket API user data stream
// (subscribe with signature, the events of a market order and of an OCO leg fill, user-stream
// faults).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/fake_binance_fixture.hpp"
#include "tests/fakes/binance/signed_api.hpp"
#include "tests/fakes/binance/ws_test_client.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::fakes::binance::test {
namespace {

using autotrader::test::http_request;
using autotrader::test::HttpResult;
using nlohmann::json;

core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}

class FakeBinanceOrders : public FakeBinanceFixture {
 protected:
  void SetUp() override {
    FakeBinanceFixture::SetUp();
    fake->set_price(btc(), dec("100"));
  }

  // `params` + timestamp (server time) + signature, in the query string.
  std::string signed_query(std::string params) const {
    if (!params.empty()) params += "&";
    params += "timestamp=" + std::to_string(fake->now());
    return params + "&signature=" + hmac_sha256_hex("fake-api-secret", params);
  }

  HttpResult send(const std::string& method, const std::string& path, const std::string& params,
                  std::chrono::milliseconds deadline = kWait) const {
    return http_request(fake->port(), method, path + "?" + signed_query(params), "",
                        {{"X-MBX-APIKEY", "fake-api-key"}}, deadline);
  }

  // The same with every parameter in an x-www-form-urlencoded body.
  HttpResult send_form(const std::string& method, const std::string& path,
                       const std::string& params) const {
    return http_request(
        fake->port(), method, path, signed_query(params),
        {{"X-MBX-APIKEY", "fake-api-key"}, {"Content-Type", "application/x-www-form-urlencoded"}});
  }

  // The raw bytes of a signed POST /api/v3/order, for faults that leave no HTTP reply.
  std::string raw_order(const std::string& params) const {
    return "POST /api/v3/order?" + signed_query(params) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-MBX-APIKEY: fake-api-key\r\nContent-Length: "
           "0\r\n\r\n";
  }

  static json body(const HttpResult& result) {
    EXPECT_TRUE(result.ok()) << result.error;
    return json::parse(result.body, nullptr, /*allow_exceptions=*/false);
  }

  const std::string market_buy = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1";
};

TEST_F(FakeBinanceOrders, MarketOrderOverHttpWithBinancesHeaders) {
  auto placed = send_form("POST", "/api/v3/order", market_buy + "&newClientOrderId=buy-1");
  ASSERT_EQ(placed.status, 200) << placed.body;
  EXPECT_EQ(placed.header("x-mbx-order-count-10s"), "1");
  EXPECT_EQ(placed.header("x-mbx-order-count-1d"), "1");
  EXPECT_EQ(placed.header("x-mbx-used-weight-1m"), "1");
  auto order = body(placed);
  EXPECT_EQ(order["status"], "FILLED");
  EXPECT_EQ(order["clientOrderId"], "buy-1");
  EXPECT_EQ(order["fills"][0]["price"], "100.00000000");
  EXPECT_EQ(order["fills"][0]["commission"], "0.00010000");

  auto account = body(send("GET", "/api/v3/account", "omitZeroBalances=true"));
  ASSERT_EQ(account["balances"].size(), 2u);
  EXPECT_EQ(account["balances"][0],
            (json{{"asset", "BTC"}, {"free", "0.09990000"}, {"locked", "0.00000000"}}));
  EXPECT_EQ(account["balances"][1]["free"], "9990.00000000");
  EXPECT_EQ(fake->balances()["USDT"]["free"], "9990.00000000");
  ASSERT_EQ(fake->trades().size(), 1u);
  EXPECT_EQ(fake->trades()[0]["orderId"], order["orderId"]);
  EXPECT_EQ(fake->orders().size(), 1u);
}

TEST_F(FakeBinanceOrders, RestingLimitOrderIsQueriedMatchedByThePriceAndCanceled) {
  fake->set_balance("BTC", dec("1"));
  auto sell = body(send("POST", "/api/v3/order",
                        "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.5"
                        "&price=120&newClientOrderId=tp-1"));
  EXPECT_EQ(sell["status"], "NEW");
  auto buy = body(send("POST", "/api/v3/order",
                       "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.5&price=80"
                       "&newClientOrderId=bid-1"));
  EXPECT_EQ(fake->open_orders().size(), 2u);
  EXPECT_EQ(body(send("GET", "/api/v3/openOrders", "symbol=BTCUSDT")).size(), 2u);
  EXPECT_EQ(fake->balances()["BTC"]["locked"], "0.50000000");
  EXPECT_EQ(fake->balances()["USDT"]["locked"], "40.00000000");

  fake->set_price(btc(), dec("121"));
  auto filled = body(send("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=tp-1"));
  EXPECT_EQ(filled["status"], "FILLED");
  EXPECT_EQ(filled["cummulativeQuoteQty"], "60.00000000");
  EXPECT_EQ(fake->balances()["USDT"]["free"], "10019.94000000");  // 10000 - 40 + 60 - 0.06

  auto canceled = body(send("DELETE", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=bid-1"));
  EXPECT_EQ(canceled["status"], "CANCELED");
  EXPECT_EQ(canceled["orderId"], buy["orderId"]);
  EXPECT_EQ(fake->balances()["USDT"]["locked"], "0.00000000");
  EXPECT_TRUE(fake->open_orders().empty());
}

TEST_F(FakeBinanceOrders, TheFormingCandlesCloseIsThePriceWhenTheClockAdvances) {
  auto candles = FakeBinanceFixture::data_set();
  fake->advance_to(kStart + kMinute);
  const auto& forming = candles[101];
  ASSERT_LE(forming.open_time, fake->now());
  auto price = fake->price("BTCUSDT");
  ASSERT_TRUE(price);
  EXPECT_NEAR(price->to_double(), forming.close, 0.005);
  EXPECT_TRUE(price->is_multiple_of(dec("0.01")));
  auto order = body(send("POST", "/api/v3/order", market_buy));
  EXPECT_EQ(order["fills"][0]["price"], price->to_string(8));
}

TEST_F(FakeBinanceOrders, ErrorsOverHttp) {
  auto no_key = http_request(fake->port(), "GET", "/api/v3/account?" + signed_query(""));
  EXPECT_EQ(no_key.status, 401);
  EXPECT_EQ(body(no_key)["code"], -2014);
  auto bad_signature =
      http_request(fake->port(), "GET",
                   "/api/v3/account?timestamp=" + std::to_string(fake->now()) + "&signature=00", "",
                   {{"X-MBX-APIKEY", "fake-api-key"}});
  EXPECT_EQ(body(bad_signature)["code"], -1022);
  fake->set_clock_skew(std::chrono::milliseconds{-6000});  // the client's clock runs ahead
  EXPECT_EQ(body(send("GET", "/api/v3/account", ""))["msg"],
            "Timestamp for this request was 1000ms ahead of the server's time.");
  fake->set_clock_skew(std::chrono::milliseconds{0});
  auto insufficient = send("POST", "/api/v3/order",
                           "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=200"
                           "&price=90");
  EXPECT_EQ(insufficient.status, 400);
  EXPECT_EQ(body(insufficient)["msg"], "Account has insufficient balance for requested action.");
  EXPECT_EQ(insufficient.header("x-mbx-order-count-10s"), "");
  auto lot =
      send("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.1234567");
  EXPECT_EQ(body(lot)["msg"], "Filter failure: LOT_SIZE");
  EXPECT_EQ(body(send("GET", "/api/v3/order", "symbol=BTCUSDT&orderId=42"))["code"], -2013);
  EXPECT_EQ(body(send("DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=42"))["code"], -2011);
}

TEST_F(FakeBinanceOrders, TimestampOutsideTheRecvWindow) {
  auto stale = http_request(fake->port(), "GET",
                            [&] {
                              auto params =
                                  "recvWindow=1000&timestamp=" + std::to_string(fake->now() - 1001);
                              return "/api/v3/account?" + params +
                                     "&signature=" + hmac_sha256_hex("fake-api-secret", params);
                            }(),
                            "", {{"X-MBX-APIKEY", "fake-api-key"}});
  EXPECT_EQ(body(stale)["code"], -1021);
}

TEST_F(FakeBinanceOrders, AcceptThenTimeoutExecutesAndNeverAnswers) {
  fake->fail_next_orders(OrderFault::accept_then_timeout());
  auto exchange = autotrader::test::raw_exchange(fake->port(), raw_order(market_buy), kQuiet);
  EXPECT_TRUE(exchange.timed_out);
  EXPECT_FALSE(exchange.closed);
  EXPECT_TRUE(exchange.received.empty());
  ASSERT_EQ(fake->orders().size(), 1u);
  EXPECT_EQ(fake->orders()[0]["status"], "FILLED");
  EXPECT_EQ(fake->fault_count(FaultKind::accept_then_timeout), 1u);
  EXPECT_EQ(send("POST", "/api/v3/order", market_buy).status, 200);  // one request only
}

TEST_F(FakeBinanceOrders, AcceptThen5xxExecutesAndAnswersAnHtmlError) {
  fake->fail_next_orders(OrderFault::accept_then_server_error(503));
  auto unavailable = send("POST", "/api/v3/order", market_buy);
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_EQ(unavailable.header("content-type"), "text/html");
  EXPECT_TRUE(json::parse(unavailable.body, nullptr, false).is_discarded());
  EXPECT_EQ(fake->trades().size(), 1u);
  EXPECT_EQ(fake->fault_count(FaultKind::accept_then_server_error), 1u);
}

TEST_F(FakeBinanceOrders, AcceptThenDropExecutesAndClosesTheConnection) {
  fake->fail_next_orders(OrderFault::accept_then_drop());
  auto exchange = autotrader::test::raw_exchange(fake->port(), raw_order(market_buy), kWait);
  EXPECT_TRUE(exchange.closed);
  EXPECT_TRUE(exchange.received.empty());
  EXPECT_EQ(fake->orders().size(), 1u);
  EXPECT_EQ(fake->fault_count(FaultKind::accept_then_drop), 1u);
}

TEST_F(FakeBinanceOrders, RejectionsForTheNextOrders) {
  fake->fail_next_orders(OrderFault::reject(-2010), 2);
  fake->fail_next_orders(OrderFault::reject(-1013));
  fake->fail_next_orders(OrderFault::reject(-1021));
  for (int code : {-2010, -2010, -1013, -1021}) {
    auto refused = send("POST", "/api/v3/order", market_buy);
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(body(refused)["code"], code);
  }
  EXPECT_TRUE(fake->orders().empty());
  EXPECT_EQ(fake->fault_count(FaultKind::order_rejected), 4u);
  EXPECT_EQ(send("POST", "/api/v3/order", market_buy).status, 200);
  fake->fail_next_orders(OrderFault::reject(-2010), 5);
  fake->clear_scripts();
  EXPECT_EQ(send("POST", "/api/v3/order", market_buy).status, 200);
}

TEST_F(FakeBinanceOrders, DelayedVisibilityAnswers2013ThenFindsTheOrder) {
  fake->fail_next_orders(OrderFault::delayed_visibility(3));
  auto placed = send("POST", "/api/v3/order", market_buy + "&newClientOrderId=late-1");
  ASSERT_EQ(placed.status, 200);
  for (int i = 0; i < 3; ++i) {
    auto missing = send("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=late-1");
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(body(missing)["code"], -2013);
    EXPECT_EQ(body(missing)["msg"], "Order does not exist.");
  }
  auto found = body(send("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=late-1"));
  EXPECT_EQ(found["status"], "FILLED");
  EXPECT_EQ(fake->fault_count(FaultKind::delayed_visibility), 1u);
}

// A WebSocket API connection with an active user-data subscription.
class FakeBinanceUserStream : public FakeBinanceOrders {
 protected:
  std::unique_ptr<WsTestClient> subscribe(std::int64_t* subscription_id = nullptr) {
    auto client = std::make_unique<WsTestClient>(fake->port(), "/ws-api/v3");
    EXPECT_TRUE(client->connected()) << client->error();
    json params{{"apiKey", "fake-api-key"}, {"timestamp", fake->now()}};
    params["signature"] = hmac_sha256_hex("fake-api-secret", ws_api_signature_payload(params));
    client->send(
        json{{"id", "sub-1"}, {"method", "userDataStream.subscribe.signature"}, {"params", params}}
            .dump());
    auto reply = client->read_until_contains("sub-1");
    EXPECT_TRUE(reply);
    auto answer = json::parse(reply.value_or("{}"));
    EXPECT_EQ(answer["status"], 200) << answer.dump();
    if (subscription_id) *subscription_id = answer["result"].value("subscriptionId", -1);
    EXPECT_TRUE(fake->ws().wait_for_user_data_subscription(kWait));
    return client;
  }

  // The next user-data event whose "e" is `type` (other frames skipped).
  static json next_event(WsTestClient& client, const std::string& type) {
    auto frame = client.read_until_contains("\"e\":\"" + type + "\"");
    EXPECT_TRUE(frame) << "no " << type;
    return frame ? json::parse(*frame) : json{};
  }
};

TEST_F(FakeBinanceUserStream, MarketOrderEvents) {
  std::int64_t id = -1;
  auto client = subscribe(&id);
  EXPECT_EQ(id, 0);
  ASSERT_EQ(send("POST", "/api/v3/order", market_buy + "&newClientOrderId=ev-1").status, 200);
  auto created = next_event(*client, "executionReport");
  EXPECT_EQ(created["subscriptionId"], 0);
  EXPECT_EQ(created["event"]["x"], "NEW");
  EXPECT_EQ(created["event"]["c"], "ev-1");
  auto trade = next_event(*client, "executionReport");
  const auto& e = trade["event"];
  EXPECT_EQ(e["x"], "TRADE");
  EXPECT_EQ(e["X"], "FILLED");
  EXPECT_EQ(e["l"], "0.10000000");
  EXPECT_EQ(e["L"], "100.00000000");
  EXPECT_EQ(e["N"], "BTC");
  EXPECT_EQ(e["t"], fake->trades()[0]["id"]);
  for (const char* field :
       {"e", "E", "s", "c", "S", "o", "f", "q", "p", "P", "F", "g", "C", "x", "X", "r", "i",
        "l", "z", "L", "n", "N", "T", "t", "I", "w", "m", "M", "O", "Z", "Y", "Q", "W", "V"}) {
    EXPECT_TRUE(e.contains(field)) << field;
  }
  auto position = next_event(*client, "outboundAccountPosition");
  EXPECT_EQ(position["event"]["B"].size(), 2u);
}

TEST_F(FakeBinanceUserStream, OcoLegFillEvents) {
  fake->set_balance("BTC", dec("1"));
  auto client = subscribe();
  auto list = send("POST", "/api/v3/orderList/oco",
                   "symbol=BTCUSDT&side=SELL&quantity=1&aboveType=LIMIT_MAKER&abovePrice=110"
                   "&belowType=STOP_LOSS_LIMIT&belowStopPrice=90&belowPrice=89"
                   "&belowTimeInForce=GTC&listClientOrderId=oco-1");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.header("x-mbx-order-count-10s"), "2");
  auto started = next_event(*client, "listStatus");
  EXPECT_EQ(started["event"]["l"], "EXEC_STARTED");
  fake->set_price(btc(), dec("89.5"));  // below the stop: the stop leg triggers and fills at 89
  auto expired = next_event(*client, "executionReport");
  EXPECT_EQ(expired["event"]["x"], "EXPIRED");
  EXPECT_EQ(expired["event"]["o"], "LIMIT_MAKER");
  auto done = next_event(*client, "listStatus");
  EXPECT_EQ(done["event"]["l"], "ALL_DONE");
  EXPECT_EQ(done["event"]["L"], "ALL_DONE");
  EXPECT_EQ(done["event"]["C"], "oco-1");
  auto fill = next_event(*client, "executionReport");
  EXPECT_EQ(fill["event"]["x"], "TRADE");
  EXPECT_EQ(fill["event"]["o"], "STOP_LOSS_LIMIT");
  EXPECT_EQ(fill["event"]["L"], "89.00000000");
  EXPECT_EQ(fill["event"]["g"], body(list)["orderListId"]);
  EXPECT_EQ(fake->balances()["USDT"]["free"], "10088.91100000");
  EXPECT_EQ(fake->balances()["BTC"]["locked"], "0.00000000");
}

TEST_F(FakeBinanceUserStream, UserStreamFaultsSpareMarketStreams) {
  auto client = subscribe();
  WsTestClient market{fake->port(), "/ws/btcusdt@trade"};
  ASSERT_TRUE(market.connected());
  ASSERT_TRUE(fake->ws().wait_for_connections(2, kWait));
  fake->ws().silence_user_streams();
  EXPECT_EQ(fake->fault_count(FaultKind::go_silent), 1u);
  ASSERT_EQ(send("POST", "/api/v3/order", market_buy).status, 200);
  EXPECT_FALSE(client->read(kQuiet));
  EXPECT_FALSE(client->closed());
  fake->set_price(btc(), dec("101"));
  EXPECT_TRUE(market.read_until_contains("\"e\":\"trade\""));

  auto second = subscribe();
  fake->ws().drop_user_streams();
  EXPECT_TRUE(second->wait_closed(kWait));
  EXPECT_EQ(fake->fault_count(FaultKind::drop_connection), 1u);
  fake->set_price(btc(), dec("102"));
  EXPECT_TRUE(market.read_until_contains("\"e\":\"trade\""));
  EXPECT_FALSE(market.closed());
  // ws().drop_all() covers WebSocket API connections too.
  auto third = subscribe();
  fake->ws().drop_all();
  EXPECT_TRUE(third->wait_closed(kWait));
}

TEST_F(FakeBinanceUserStream, WsApiPingTimeAndBadSignature) {
  WsTestClient client{fake->port(), "/ws-api/v3"};
  ASSERT_TRUE(client.connected());
  client.send(R"({"id":1,"method":"time"})");
  auto time = json::parse(client.read().value_or("{}"));
  EXPECT_EQ(time["result"]["serverTime"], fake->now());
  json params{{"apiKey", "fake-api-key"}, {"timestamp", fake->now()}, {"signature", "00"}};
  client.send(
      json{{"id", 2}, {"method", "userDataStream.subscribe.signature"}, {"params", params}}.dump());
  auto refused = json::parse(client.read().value_or("{}"));
  EXPECT_EQ(refused["status"], 400);
  EXPECT_EQ(refused["error"]["code"], -1022);
  ASSERT_FALSE(fake->ws().connections().empty());
  EXPECT_TRUE(fake->ws().connections()[0].ws_api);
  EXPECT_FALSE(fake->ws().connections()[0].user_data_subscription);
}

}  // namespace
}  // namespace autotrader::fakes::binance::test
