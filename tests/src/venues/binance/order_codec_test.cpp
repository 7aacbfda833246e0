#include "venues/binance/order_codec.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

namespace autotrader::binance {
namespace {

using core::Decimal;

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

// The query's parameters in order, signature removed, and the signature checked against the
// published key: what the fake server will verify.
std::vector<std::pair<std::string, std::string>> verified_params(const RestRequest& request) {
  const std::string marker = "&signature=";
  const auto at = request.query.rfind(marker);
  EXPECT_NE(at, std::string::npos) << request.query;
  const std::string payload = request.query.substr(0, at);
  EXPECT_EQ(request.query.substr(at + marker.size()),
            hmac_sha256_hex(core::Secret{kSecretKey}, payload));
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream in{payload};
  std::string pair;
  while (std::getline(in, pair, '&')) {
    const auto eq = pair.find('=');
    out.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
  }
  return out;
}

class BinanceOrderCodec : public ::testing::Test {
 protected:
  RequestSigner signer_ =
      RequestSigner::make(Credentials{core::Secret{kApiKey}, core::Secret{kSecretKey}}).value();
  ServerClock clock_;
  SignContext sign_{signer_, clock_, kNow};
};

using Params = std::vector<std::pair<std::string, std::string>>;

TEST_F(BinanceOrderCodec, BuildsAMarketOrderWithTheDecisionsClientId) {
  auto request = new_order_request(market_order(sym("BTCUSDT"), paper::Side::buy, dec("0.00100000"),
                                                "d42", paper::OrderPurpose::entry),
                                   sign_);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->method, HttpMethod::post);
  EXPECT_EQ(request->path, "/api/v3/order");
  EXPECT_TRUE(request->body.empty());
  EXPECT_EQ(request->weight, 1);
  EXPECT_EQ(verified_params(*request), (Params{{"symbol", "BTCUSDT"},
                                               {"side", "BUY"},
                                               {"type", "MARKET"},
                                               {"quantity", "0.001"},
                                               {"newClientOrderId", "at-d42-en"},
                                               {"newOrderRespType", "FULL"},
                                               {"recvWindow", "5000"},
                                               {"timestamp", "1499827319559"}}));
  EXPECT_EQ(request->target().rfind("/api/v3/order?symbol=BTCUSDT&", 0), 0u);
}

TEST_F(BinanceOrderCodec, BuildsAQuoteQuantityMarketOrderAndALimitOrder) {
  auto quote = new_order_request(market_quote_order(sym("BTCUSDT"), paper::Side::buy, dec("25.5"),
                                                    "d42", paper::OrderPurpose::entry),
                                 sign_);
  ASSERT_TRUE(quote.ok());
  auto params = verified_params(*quote);
  EXPECT_EQ(params[3], (std::pair<std::string, std::string>{"quoteOrderQty", "25.5"}));

  auto limit = new_order_request(limit_order(sym("LTCBTC"), paper::Side::sell, dec("1"),
                                             dec("0.10"), "d7", paper::OrderPurpose::exit),
                                 sign_);
  ASSERT_TRUE(limit.ok());
  EXPECT_EQ(verified_params(*limit), (Params{{"symbol", "LTCBTC"},
                                             {"side", "SELL"},
                                             {"type", "LIMIT"},
                                             {"timeInForce", "GTC"},
                                             {"quantity", "1"},
                                             {"price", "0.1"},
                                             {"newClientOrderId", "at-d7-ex"},
                                             {"newOrderRespType", "FULL"},
                                             {"recvWindow", "5000"},
                                             {"timestamp", "1499827319559"}}));
}

TEST_F(BinanceOrderCodec, RefusesIncompleteOrders) {
  NewOrder both =
      market_order(sym("BTCUSDT"), paper::Side::buy, dec("1"), "d", paper::OrderPurpose::entry);
  both.quote_order_qty = dec("10");
  NewOrder neither = both;
  neither.quantity.reset();
  neither.quote_order_qty.reset();
  NewOrder zero =
      market_order(sym("BTCUSDT"), paper::Side::buy, dec("0"), "d", paper::OrderPurpose::entry);
  NewOrder bad_id =
      market_order(sym("BTCUSDT"), paper::Side::buy, dec("1"), "d", paper::OrderPurpose::entry);
  bad_id.client_order_id = "has space";
  NewOrder limit_without_price =
      market_order(sym("BTCUSDT"), paper::Side::buy, dec("1"), "d", paper::OrderPurpose::entry);
  limit_without_price.limit = true;
  NewOrder negative_price = limit_order(sym("BTCUSDT"), paper::Side::buy, dec("1"), dec("-1"), "d",
                                        paper::OrderPurpose::entry);
  for (const NewOrder& order : {both, neither, zero, bad_id, limit_without_price, negative_price}) {
    auto request = new_order_request(order, sign_);
    ASSERT_FALSE(request.ok());
    EXPECT_EQ(request.error().code, errc::invalid_field);
    EXPECT_EQ(request.error().message.find(kSecretKey), std::string::npos);
  }
}

TEST_F(BinanceOrderCodec, BuildsTheProtectiveOcoWithIdsFromTheDecision) {
  ProtectiveOco oco{sym("BTCUSDT"), dec("0.5"),     dec("55000.00"),
                    dec("45000"),   dec("44900.5"), "dec-9"};
  auto request = oco_request(oco, sign_);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->method, HttpMethod::post);
  EXPECT_EQ(request->path, "/api/v3/orderList/oco");
  EXPECT_EQ(verified_params(*request), (Params{{"symbol", "BTCUSDT"},
                                               {"listClientOrderId", "at-dec-9-oc"},
                                               {"side", "SELL"},
                                               {"quantity", "0.5"},
                                               {"aboveType", "LIMIT_MAKER"},
                                               {"aboveClientOrderId", "at-dec-9-tp"},
                                               {"abovePrice", "55000"},
                                               {"belowType", "STOP_LOSS_LIMIT"},
                                               {"belowClientOrderId", "at-dec-9-sl"},
                                               {"belowPrice", "44900.5"},
                                               {"belowStopPrice", "45000"},
                                               {"belowTimeInForce", "GTC"},
                                               {"newOrderRespType", "FULL"},
                                               {"recvWindow", "5000"},
                                               {"timestamp", "1499827319559"}}));
  // A long or odd decision id goes through the hash form; the list id is still distinct and valid.
  const std::string odd(80, '#');
  const std::string list_id = oco_list_client_order_id(odd);
  EXPECT_TRUE(paper::is_valid_client_order_id(list_id));
  EXPECT_NE(list_id, paper::make_client_order_id(odd, paper::OrderPurpose::stop_loss));
  EXPECT_EQ(list_id.substr(list_id.size() - 3), "-oc");

  ProtectiveOco inverted = oco;
  inverted.stop_loss = dec("56000");
  EXPECT_FALSE(oco_request(inverted, sign_).ok());
  ProtectiveOco limit_above_stop = oco;
  limit_above_stop.stop_limit_price = dec("45000.01");
  EXPECT_FALSE(oco_request(limit_above_stop, sign_).ok());
}

TEST_F(BinanceOrderCodec, BuildsQueryCancelOpenOrdersAndAccountRequests) {
  auto query = query_order_request(sym("BTCUSDT"), "at-d42-en", sign_);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->method, HttpMethod::get);
  EXPECT_EQ(query->weight, 4);
  EXPECT_EQ(verified_params(*query)[1],
            (std::pair<std::string, std::string>{"origClientOrderId", "at-d42-en"}));
  auto cancel = cancel_order_request(sym("BTCUSDT"), "at-d42-en", sign_);
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->method, HttpMethod::del);
  EXPECT_EQ(cancel->path, "/api/v3/order");
  EXPECT_EQ(verified_params(*cancel).size(), 4u);
  EXPECT_FALSE(query_order_request(sym("BTCUSDT"), "", sign_).ok());
  EXPECT_FALSE(cancel_order_request(sym("BTCUSDT"), "a&b", sign_).ok());

  RestRequest one = open_orders_request(sym("BTCUSDT"), sign_);
  EXPECT_EQ(one.path, "/api/v3/openOrders");
  EXPECT_EQ(one.weight, 6);
  EXPECT_EQ(verified_params(one)[0], (std::pair<std::string, std::string>{"symbol", "BTCUSDT"}));
  RestRequest all = open_orders_request(std::nullopt, sign_);
  EXPECT_EQ(all.weight, 80);
  EXPECT_EQ(verified_params(all)[0].first, "recvWindow");
  RestRequest account = account_request(sign_);
  EXPECT_EQ(account.path, "/api/v3/account");
  EXPECT_EQ(account.weight, 20);
  EXPECT_EQ(verified_params(account)[0],
            (std::pair<std::string, std::string>{"omitZeroBalances", "true"}));
  EXPECT_STREQ(to_string(HttpMethod::del), "DELETE");
}

TEST_F(BinanceOrderCodec, TheTimestampIsInServerTime) {
  clock_.update(kNow + 2'500, kNow, kNow);
  RestRequest account = account_request(sign_);
  EXPECT_EQ(verified_params(account).back(),
            (std::pair<std::string, std::string>{"timestamp", std::to_string(kNow + 2'500)}));
}

TEST(BinanceOrderDecode, DecodesTheFullPlaceAnswerIntoAnOrderAndFills) {
  auto report = decode_order_report(fixture("order_full.json"));
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->has_result);
  EXPECT_EQ(report->symbol, sym("BTCUSDT"));
  EXPECT_EQ(report->order_id, 28);
  EXPECT_EQ(report->order_list_id, -1);
  EXPECT_EQ(report->client_order_id, "6gCrw2kRUAF9CvJDGP16IP");
  EXPECT_EQ(report->transact_time, 1507725176595);
  EXPECT_EQ(report->status, BinanceOrderStatus::filled);
  EXPECT_EQ(report->side, paper::Side::sell);
  EXPECT_EQ(report->type, "MARKET");
  EXPECT_EQ(report->orig_qty, dec("10"));
  EXPECT_EQ(report->executed_qty, dec("10"));
  EXPECT_EQ(report->cummulative_quote_qty, dec("10"));
  ASSERT_EQ(report->fills.size(), 5u);
  EXPECT_EQ(report->fills[1].price, dec("3999"));
  EXPECT_EQ(report->fills[1].commission, dec("19.995"));
  EXPECT_EQ(report->fills[4].trade_id, 60);

  auto fills = to_fills(*report, "BTC", "USDT");
  ASSERT_TRUE(fills.ok()) << fills.error().message;
  ASSERT_EQ(fills->size(), 5u);
  const paper::Fill& first = (*fills)[0];
  EXPECT_EQ(first.client_order_id, "6gCrw2kRUAF9CvJDGP16IP");
  EXPECT_EQ(first.side, paper::Side::sell);
  EXPECT_EQ(first.price, dec("4000"));
  EXPECT_EQ(first.quantity, dec("1"));
  EXPECT_EQ(first.fee, dec("4"));
  EXPECT_EQ(first.remaining_quantity, dec("9"));
  EXPECT_EQ(first.trade_id, 56);
  EXPECT_EQ(first.time, 1507725176595);
  EXPECT_EQ((*fills)[4].remaining_quantity, dec("0"));

  paper::Order order = to_order(*report, "d42", *fills);
  EXPECT_EQ(order.client_order_id, "6gCrw2kRUAF9CvJDGP16IP");
  EXPECT_EQ(order.decision_id, "d42");
  EXPECT_EQ(order.status, paper::OrderStatus::filled);
  EXPECT_EQ(order.quantity, dec("10"));
  EXPECT_EQ(order.filled_quantity, dec("10"));
  EXPECT_EQ(order.fees, dec("39.983"));  // 4 + 19.995 + 7.996 + 3.997 + 3.995
  EXPECT_EQ(order.created_ms, 1507725176595);
}

TEST(BinanceOrderDecode, ConvertsBaseAndThirdAssetCommissionsToTheQuote) {
  std::string body = fixture("order_full.json");
  auto report = decode_order_report(body);
  ASSERT_TRUE(report.ok());
  report->fills[0].commission = dec("0.001");
  report->fills[0].commission_asset = "BTC";
  report->fills[1].commission = dec("0.5");
  report->fills[1].commission_asset = "BNB";
  EXPECT_FALSE(to_fills(*report, "BTC", "USDT").ok());  // BNB without its price
  auto fills = to_fills(*report, "BTC", "USDT", dec("300"));
  ASSERT_TRUE(fills.ok());
  EXPECT_EQ((*fills)[0].fee, dec("4"));    // 0.001 BTC at 4000
  EXPECT_EQ((*fills)[1].fee, dec("150"));  // 0.5 BNB at 300
  report->fills[2].quantity = dec("9");    // the fills now exceed origQty
  report->fills[0].commission_asset = "USDT";
  report->fills[1].commission_asset = "USDT";
  EXPECT_FALSE(to_fills(*report, "BTC", "USDT").ok());
}

TEST(BinanceOrderDecode, DecodesAckQueryAndCancelAnswers) {
  auto ack = decode_order_report(fixture("order_ack.json"));
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  EXPECT_FALSE(ack->has_result);
  EXPECT_EQ(ack->order_id, 28);
  EXPECT_EQ(ack->transact_time, 1507725176595);

  auto query = decode_order_report(fixture("order_query.json"));
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_EQ(query->client_order_id, "myOrder1");
  EXPECT_EQ(query->status, BinanceOrderStatus::new_order);
  EXPECT_EQ(query->price, dec("0.1"));
  EXPECT_EQ(query->transact_time, 1499827319559);  // updateTime
  EXPECT_EQ(query->time_in_force, "GTC");
  EXPECT_EQ(to_order(*query, "x").status, paper::OrderStatus::open);

  auto cancel = decode_order_report(fixture("order_cancel.json"));
  ASSERT_TRUE(cancel.ok()) << cancel.error().message;
  EXPECT_EQ(cancel->status, BinanceOrderStatus::canceled);
  EXPECT_EQ(cancel->client_order_id, "cancelMyOrder1");
  EXPECT_EQ(cancel->our_client_order_id(), "myOrder1");
  EXPECT_EQ(to_order(*cancel, "x").status, paper::OrderStatus::cancelled);

  auto open = decode_open_orders("[" + fixture("order_query.json") + "]");
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].client_order_id, "myOrder1");
  auto none = decode_open_orders("[]");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(BinanceOrderDecode, DecodesTheOcoAnswer) {
  auto oco = decode_oco_report(fixture("oco_response.json"));
  ASSERT_TRUE(oco.ok()) << oco.error().message;
  EXPECT_EQ(oco->order_list_id, 1);
  EXPECT_EQ(oco->contingency_type, "OCO");
  EXPECT_EQ(oco->list_status_type, "EXEC_STARTED");
  EXPECT_EQ(oco->list_order_status, "EXECUTING");
  EXPECT_EQ(oco->list_client_order_id, "lH1YDkuQKWiXVXHPSKYEIp");
  EXPECT_EQ(oco->symbol, sym("LTCBTC"));
  ASSERT_EQ(oco->orders.size(), 2u);
  EXPECT_FALSE(oco->orders[0].has_result);
  EXPECT_EQ(oco->orders[1].order_id, 11);
  ASSERT_EQ(oco->order_reports.size(), 2u);
  EXPECT_EQ(oco->order_reports[0].type, "STOP_LOSS_LIMIT");
  EXPECT_EQ(oco->order_reports[0].stop_price, dec("1"));
  EXPECT_EQ(oco->order_reports[0].order_list_id, 1);
  EXPECT_EQ(oco->order_reports[1].type, "LIMIT_MAKER");
  EXPECT_EQ(oco->order_reports[1].price, dec("3"));
}

TEST(BinanceOrderDecode, DecodesTheAccount) {
  auto account = decode_account(fixture("account.json"));
  ASSERT_TRUE(account.ok()) << account.error().message;
  EXPECT_TRUE(account->can_trade);
  ASSERT_EQ(account->balances.size(), 2u);
  EXPECT_EQ(account->balances[0].asset, "BTC");
  EXPECT_EQ(account->balances[0].free, dec("4723846.89208129"));
  EXPECT_EQ(account->balances[1].locked, dec("0"));
}

TEST(BinanceOrderDecode, IsStrictOnTypesAndToleratesUnknownKeys) {
  const std::string base = fixture("order_query.json");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string body = base;
    const auto at = body.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    body.replace(at, from.size(), to);
    return decode_order_report(body);
  };
  struct Case {
    const char* from;
    const char* to;
    errc code;
  };
  const Case cases[] = {
      {R"("price":"0.1")", R"("price":0.1)", errc::invalid_field},
      {R"("orderId":1)", R"("orderId":"1")", errc::invalid_field},
      {R"("status":"NEW")", R"("status":"SLEEPING")", errc::invalid_field},
      {R"("side":"BUY")", R"("side":"buy")", errc::invalid_field},
      {R"("executedQty":"0.0")", R"("executedQty":"1e3")", errc::invalid_field},
      {R"("clientOrderId":"myOrder1",)", "", errc::missing_field},
      {R"("origQty":"1.0",)", "", errc::missing_field},
      {R"("symbol":"LTCBTC")", R"("symbol":"")", errc::invalid_field},
  };
  for (const auto& c : cases) {
    auto report = with(c.from, c.to);
    ASSERT_FALSE(report.ok()) << c.to;
    EXPECT_EQ(report.error().code, c.code) << c.to << ": " << report.error().message;
  }
  auto extra = with(R"("isWorking":true)", R"("isWorking":true,"brandNew":{"x":[1,2]})");
  EXPECT_TRUE(extra.ok());
  EXPECT_EQ(decode_order_report("[]").error().code, errc::unexpected_shape);
  EXPECT_EQ(decode_order_report("{").error().code, errc::malformed_json);
  EXPECT_EQ(decode_open_orders("{}").error().code, errc::unexpected_shape);
  EXPECT_EQ(decode_oco_report(R"({"orderListId":1})").error().code, errc::missing_field);
  EXPECT_EQ(decode_account(R"({"balances":[{"asset":"BTC","free":1,"locked":"0"}]})").error().code,
            errc::invalid_field);
  // A fill with a numeric price is rejected, not guessed.
  std::string full = fixture("order_full.json");
  full.replace(full.find(R"("price": "4000.00000000")"), 24, R"("price": 4000.0000000000)");
  EXPECT_EQ(decode_order_report(full).error().code, errc::invalid_field);
}

TEST(BinanceOrderDecode, MapsEveryBinanceStatus) {
  const std::map<std::string, paper::OrderStatus> expected = {
      {"NEW", paper::OrderStatus::open},
      {"PENDING_NEW", paper::OrderStatus::open},
      {"PARTIALLY_FILLED", paper::OrderStatus::partially_filled},
      {"FILLED", paper::OrderStatus::filled},
      {"CANCELED", paper::OrderStatus::cancelled},
      {"PENDING_CANCEL", paper::OrderStatus::cancelled},
      {"REJECTED", paper::OrderStatus::rejected},
      {"EXPIRED", paper::OrderStatus::cancelled},
      {"EXPIRED_IN_MATCH", paper::OrderStatus::cancelled},
  };
  for (const auto& [name, status] : expected) {
    auto parsed = parse_binance_order_status(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(to_paper_status(*parsed), status) << name;
  }
  EXPECT_FALSE(parse_binance_order_status("new").has_value());
}

}  // namespace
}  // namespace autotrader::binance
