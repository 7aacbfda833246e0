#include "venues/binance/user_stream.hpp"

#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace autotrader::binance {
namespace {

using core::Decimal;

Decimal dec(const char* text) {
  return *Decimal::parse(text);
}

std::string fixture(const std::string& name) {
  std::ifstream file{std::string{AUTOTRADER_SOURCE_DIR} + "/tests/fixtures/binance/orders/" + name};
  EXPECT_TRUE(file.good()) << name;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The frame's user event of type T, failing the test when it is anything else.
template <class T>
T event_of(const std::string& text) {
  auto frame = decode_ws_api_frame(text);
  if (!frame.ok()) {
    ADD_FAILURE() << frame.error().message;
    return T{};
  }
  const auto* wrapped = std::get_if<UserStreamEvent>(&*frame);
  if (wrapped == nullptr) {
    ADD_FAILURE() << "not a user stream event: " << text;
    return T{};
  }
  EXPECT_EQ(wrapped->subscription_id, 0);
  const auto* event = std::get_if<T>(&wrapped->event);
  if (event == nullptr) {
    ADD_FAILURE() << "another event type: " << text;
    return T{};
  }
  return *event;
}

WsApiResponse response_of(const std::string& text) {
  auto frame = decode_ws_api_frame(text);
  if (!frame.ok()) {
    ADD_FAILURE() << frame.error().message;
    return {};
  }
  const auto* response = std::get_if<WsApiResponse>(&*frame);
  if (response == nullptr) {
    ADD_FAILURE() << "not a response: " << text;
    return {};
  }
  return *response;
}

TEST(BinanceUserStream, DecodesANewOrder) {
  auto r = event_of<ExecutionReport>(fixture("ws_execution_new.json"));
  EXPECT_EQ(r.symbol.view(), "BTCUSDT");
  EXPECT_EQ(r.client_order_id, "at-d42-en");
  EXPECT_EQ(r.orig_client_order_id, "");
  EXPECT_EQ(r.our_client_order_id(), "at-d42-en");
  EXPECT_EQ(r.side, paper::Side::buy);
  EXPECT_EQ(r.order_type, "LIMIT");
  EXPECT_EQ(r.quantity, dec("0.003"));
  EXPECT_EQ(r.price, dec("42000"));
  EXPECT_TRUE(r.stop_price.is_zero());
  EXPECT_EQ(r.order_list_id, -1);
  EXPECT_EQ(r.execution_type, "NEW");
  EXPECT_EQ(r.status, BinanceOrderStatus::new_order);
  EXPECT_EQ(r.reject_reason, "NONE");
  EXPECT_EQ(r.order_id, 1001);
  EXPECT_TRUE(r.last_quantity.is_zero());
  EXPECT_TRUE(r.cumulative_quantity.is_zero());
  EXPECT_TRUE(r.commission.is_zero());
  EXPECT_EQ(r.commission_asset, "");  // "N":null
  EXPECT_EQ(r.transaction_time, 1700000000099);
  EXPECT_EQ(r.event_time, 1700000000100);
  EXPECT_EQ(r.trade_id, -1);
  EXPECT_TRUE(r.cumulative_quote.is_zero());
}

TEST(BinanceUserStream, DecodesAPartialAndAFinalTrade) {
  auto partial = event_of<ExecutionReport>(fixture("ws_execution_trade_partial.json"));
  EXPECT_EQ(partial.execution_type, "TRADE");
  EXPECT_EQ(partial.status, BinanceOrderStatus::partially_filled);
  EXPECT_EQ(partial.last_quantity, dec("0.001"));
  EXPECT_EQ(partial.cumulative_quantity, dec("0.001"));
  EXPECT_EQ(partial.last_price, dec("42000"));
  EXPECT_EQ(partial.commission, dec("0.000001"));
  EXPECT_EQ(partial.commission_asset, "BTC");
  EXPECT_EQ(partial.trade_id, 5001);
  EXPECT_EQ(partial.cumulative_quote, dec("42"));

  auto final_trade = event_of<ExecutionReport>(fixture("ws_execution_trade_final.json"));
  EXPECT_EQ(final_trade.status, BinanceOrderStatus::filled);
  EXPECT_EQ(final_trade.last_quantity, dec("0.002"));
  EXPECT_EQ(final_trade.cumulative_quantity, dec("0.003"));
  EXPECT_EQ(final_trade.last_price, dec("41999.5"));
  EXPECT_EQ(final_trade.commission, dec("0.00012345"));
  EXPECT_EQ(final_trade.commission_asset, "BNB");
  EXPECT_EQ(final_trade.trade_id, 5002);
  EXPECT_EQ(final_trade.transaction_time, 1700000009299);
  // The fills add up: z and Z are the sums of the two executions.
  EXPECT_EQ(add(partial.last_quantity, final_trade.last_quantity), final_trade.cumulative_quantity);
  EXPECT_EQ(final_trade.cumulative_quote, dec("125.999"));
}

TEST(BinanceUserStream, ACancelIsKnownByTheCanceledOrdersId) {
  auto r = event_of<ExecutionReport>(fixture("ws_execution_canceled.json"));
  EXPECT_EQ(r.execution_type, "CANCELED");
  EXPECT_EQ(r.status, BinanceOrderStatus::canceled);
  EXPECT_EQ(r.client_order_id, "x3Ncb0QHCnwNJ0DdIUHoFn");  // the cancel request's own id
  EXPECT_EQ(r.orig_client_order_id, "at-d43-en");
  EXPECT_EQ(r.our_client_order_id(), "at-d43-en");
  EXPECT_EQ(r.order_id, 1002);
}

TEST(BinanceUserStream, DecodesARejectionWithItsReason) {
  auto r = event_of<ExecutionReport>(fixture("ws_execution_rejected.json"));
  EXPECT_EQ(r.execution_type, "REJECTED");
  EXPECT_EQ(r.status, BinanceOrderStatus::rejected);
  EXPECT_EQ(r.reject_reason, "INSUFFICIENT_BALANCES");
  EXPECT_EQ(r.side, paper::Side::sell);
  EXPECT_EQ(r.our_client_order_id(), "at-d44-ex");
}

TEST(BinanceUserStream, DecodesTheExpiredLegOfAnOco) {
  auto r = event_of<ExecutionReport>(fixture("ws_execution_expired_oco_leg.json"));
  EXPECT_EQ(r.execution_type, "EXPIRED");
  EXPECT_EQ(r.status, BinanceOrderStatus::expired);
  EXPECT_EQ(r.order_type, "LIMIT_MAKER");
  EXPECT_EQ(r.order_list_id, 7);
  EXPECT_EQ(r.our_client_order_id(), "at-d42-tp");
}

TEST(BinanceUserStream, DecodesAListStatus) {
  auto s = event_of<ListStatus>(fixture("ws_list_status.json"));
  EXPECT_EQ(s.symbol.view(), "BTCUSDT");
  EXPECT_EQ(s.order_list_id, 7);
  EXPECT_EQ(s.contingency_type, "OCO");
  EXPECT_EQ(s.list_status_type, "ALL_DONE");
  EXPECT_EQ(s.list_order_status, "ALL_DONE");
  EXPECT_EQ(s.reject_reason, "NONE");
  EXPECT_EQ(s.list_client_order_id, "at-d42-oc");
  EXPECT_EQ(s.transaction_time, 1700000090699);
  using Orders = std::vector<std::pair<std::int64_t, std::string>>;
  EXPECT_EQ(s.orders, (Orders{{1004, "at-d42-sl"}, {1005, "at-d42-tp"}}));
}

TEST(BinanceUserStream, DecodesAccountPositionsAndBalanceUpdates) {
  auto p = event_of<AccountPosition>(fixture("ws_account_position.json"));
  EXPECT_EQ(p.event_time, 1700000009301);
  ASSERT_EQ(p.balances.size(), 3u);
  EXPECT_EQ(p.balances[0].asset, "BTC");
  EXPECT_EQ(p.balances[0].free, dec("0.003"));
  EXPECT_TRUE(p.balances[0].locked.is_zero());
  EXPECT_EQ(p.balances[1].asset, "USDT");
  EXPECT_EQ(p.balances[1].free, dec("9874.001"));
  EXPECT_EQ(p.balances[2].free, dec("0.99987655"));

  auto u = event_of<BalanceUpdate>(fixture("ws_balance_update.json"));
  EXPECT_EQ(u.asset, "BTC");
  EXPECT_EQ(u.delta, dec("-100"));
  EXPECT_EQ(u.time, 1573200697068);
}

TEST(BinanceUserStream, DecodesTheEndOfTheStreamAndServerShutdown) {
  auto t = event_of<StreamTerminated>(fixture("ws_stream_terminated.json"));
  EXPECT_EQ(t.event_time, 1728973001334);
  EXPECT_FALSE(t.server_shutdown);

  // serverShutdown belongs to the connection: no subscriptionId, the same answer (reconnect).
  auto frame = decode_ws_api_frame(fixture("ws_server_shutdown.json"));
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  const auto* wrapped = std::get_if<UserStreamEvent>(&*frame);
  ASSERT_NE(wrapped, nullptr);
  EXPECT_EQ(wrapped->subscription_id, kNoSubscription);
  const auto* shutdown = std::get_if<StreamTerminated>(&wrapped->event);
  ASSERT_NE(shutdown, nullptr);
  EXPECT_TRUE(shutdown->server_shutdown);
  EXPECT_EQ(shutdown->event_time, 1770123456789);

  // Wrapped with a subscriptionId, or without E, it is still the shutdown notice.
  frame = decode_ws_api_frame(R"({"subscriptionId":3,"event":{"e":"serverShutdown"}})");
  ASSERT_TRUE(frame.ok()) << frame.error().message;
  wrapped = std::get_if<UserStreamEvent>(&*frame);
  ASSERT_NE(wrapped, nullptr);
  EXPECT_EQ(wrapped->subscription_id, 3);
  shutdown = std::get_if<StreamTerminated>(&wrapped->event);
  ASSERT_NE(shutdown, nullptr);
  EXPECT_TRUE(shutdown->server_shutdown);
  EXPECT_EQ(shutdown->event_time, 0);
}

TEST(BinanceUserStream, UnknownAndIgnoredEventTypesAreOtherEvents) {
  EXPECT_EQ(event_of<OtherEvent>(fixture("ws_external_lock_update.json")).type,
            "externalLockUpdate");
  EXPECT_EQ(
      event_of<OtherEvent>(R"({"subscriptionId":0,"event":{"e":"somethingNew","x":[1,{}]}})").type,
      "somethingNew");
}

TEST(BinanceUserStream, DecodesResponsesWithAResultOrAnError) {
  auto subscribed = response_of(fixture("ws_subscribe_response.json"));
  EXPECT_EQ(subscribed.id, "at-sub-1");
  EXPECT_EQ(subscribed.status, 200);
  EXPECT_TRUE(subscribed.ok());
  EXPECT_EQ(subscribed.subscription_id, std::optional<std::int64_t>{0});
  EXPECT_EQ(subscribed.error_code, 0);

  auto refused = response_of(fixture("ws_error_response.json"));
  EXPECT_EQ(refused.id, "at-sub-2");
  EXPECT_EQ(refused.status, 400);
  EXPECT_FALSE(refused.ok());
  EXPECT_FALSE(refused.subscription_id.has_value());
  EXPECT_EQ(refused.error_code, -1022);
  EXPECT_EQ(refused.error_message, "Signature for this request is not valid.");
  EXPECT_FALSE(refused.retry_after.has_value());

  auto banned = response_of(fixture("ws_banned_response.json"));
  EXPECT_EQ(banned.status, 418);
  EXPECT_EQ(banned.error_code, -1003);
  EXPECT_EQ(banned.retry_after, std::optional<core::TimestampMs>{1659146616412});

  // Another request's result, an integer id, and the null id of a request Binance could not read.
  auto other = response_of(R"({"id":17,"status":200,"result":{"serverTime":1}})");
  EXPECT_EQ(other.id, "17");
  EXPECT_FALSE(other.subscription_id.has_value());
  auto unreadable = response_of(
      R"({"id":null,"status":400,"error":{"code":-1102,"msg":"Mandatory parameter 'id' was not sent."}})");
  EXPECT_EQ(unreadable.id, "");
  EXPECT_EQ(unreadable.error_code, -1102);
}

TEST(BinanceUserStream, MalformedFramesAreErrors) {
  const std::string report = fixture("ws_execution_trade_final.json");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = report;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::vector<std::pair<std::string, errc>> cases = {
      {"", errc::malformed_json},
      {"{", errc::malformed_json},
      {report.substr(0, report.size() / 2), errc::malformed_json},
      {"[]", errc::unexpected_shape},
      {"{}", errc::unexpected_shape},
      {R"({"subscriptionId":0,"event":[]})", errc::invalid_field},
      {R"({"subscriptionId":0,"event":{"E":1}})", errc::missing_field},
      {R"({"subscriptionId":0,"event":{"e":7}})", errc::invalid_field},
      {R"({"event":{"e":"executionReport"}})", errc::missing_field},  // no subscriptionId
      {with(R"("subscriptionId":0)", R"("subscriptionId":"0")"), errc::invalid_field},
      {with(R"("c":"at-d42-en",)", ""), errc::missing_field},
      {with(R"("q":"0.00300000")", R"("q":0.003)"), errc::invalid_field},
      {with(R"("q":"0.00300000")", R"("q":"3e-3")"), errc::invalid_field},
      {with(R"("X":"FILLED")", R"("X":"DONE")"), errc::invalid_field},
      {with(R"("S":"BUY")", R"("S":"buy!")"), errc::invalid_field},
      {with(R"("i":1001)", R"("i":99999999999999999999)"), errc::invalid_field},
      {with(R"("i":1001)", R"("i":1001.5)"), errc::invalid_field},
      {with(R"("n":"0.00012345",)", ""), errc::missing_field},
      {with(R"("N":"BNB")", R"("N":5)"), errc::invalid_field},
      {with(R"("s":"BTCUSDT")", R"("s":"BTC USDT")"), errc::invalid_field},
      {R"({"subscriptionId":0,"event":{"e":"listStatus","E":1,"s":"BTCUSDT","g":7,"c":"OCO","l":"ALL_DONE","L":"ALL_DONE","r":"NONE","C":"x","T":1,"O":{}}})",
       errc::invalid_field},
      {R"({"subscriptionId":0,"event":{"e":"listStatus","E":1,"s":"BTCUSDT","g":7,"c":"OCO","l":"ALL_DONE","L":"ALL_DONE","r":"NONE","C":"x","T":1,"O":[1]}})",
       errc::unexpected_shape},
      {R"({"subscriptionId":0,"event":{"e":"outboundAccountPosition","E":1,"B":[{"a":"BTC","f":"1"}]}})",
       errc::missing_field},
      {R"({"subscriptionId":0,"event":{"e":"balanceUpdate","E":1,"a":"BTC","d":1,"T":1}})",
       errc::invalid_field},
      {R"({"subscriptionId":0,"event":{"e":"eventStreamTerminated"}})", errc::missing_field},
      {R"({"id":"a"})", errc::missing_field},
      {R"({"id":"a","status":"200"})", errc::invalid_field},
      {R"({"id":{},"status":200})", errc::invalid_field},
      {R"({"id":"a","status":4294967296})", errc::invalid_field},
      {R"({"id":"a","status":200,"result":{"subscriptionId":"0"}})", errc::invalid_field},
      {R"({"id":"a","status":400,"error":"bad"})", errc::invalid_field},
      {R"({"id":"a","status":400,"error":{"msg":"no code"}})", errc::missing_field},
  };
  for (const auto& [text, code] : cases) {
    auto frame = decode_ws_api_frame(text);
    ASSERT_FALSE(frame.ok()) << text;
    EXPECT_EQ(frame.error().code, code) << text << " -> " << frame.error().message;
    EXPECT_FALSE(frame.error().message.empty());
  }
}

// Seeded mutation fuzzing (bytes replaced, inserted, deleted, duplicated, truncated) of every
// fixture frame: nothing may crash, throw or read out of bounds (ASan), every rejection has a
// message, and an accepted executionReport says what nlohmann reads from the same bytes.
char random_char(std::mt19937_64& rng) {
  static constexpr std::string_view kAlphabet = R"({}[]":,.-+0123456789eEtruefalsnl \x")";
  if (rng() % 4 == 0) return static_cast<char>(0x20 + rng() % 95);
  return kAlphabet[rng() % kAlphabet.size()];
}

std::string mutate(std::string s, std::mt19937_64& rng) {
  const int rounds = 1 + static_cast<int>(rng() % 3);
  for (int r = 0; r < rounds; ++r) {
    const std::size_t pos = s.empty() ? 0 : rng() % s.size();
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

TEST(BinanceUserStreamFuzz, MutatedFramesNeverCrashAndAcceptOnlyWhatTheyMean) {
  std::vector<std::string> corpus;
  for (const char* name :
       {"ws_execution_new.json", "ws_execution_trade_partial.json", "ws_execution_trade_final.json",
        "ws_execution_canceled.json", "ws_execution_rejected.json",
        "ws_execution_expired_oco_leg.json", "ws_list_status.json", "ws_account_position.json",
        "ws_balance_update.json", "ws_stream_terminated.json", "ws_external_lock_update.json",
        "ws_server_shutdown.json", "ws_subscribe_response.json", "ws_error_response.json",
        "ws_banned_response.json"}) {
    corpus.push_back(fixture(name));
  }
  std::mt19937_64 rng{20260721};
  std::size_t accepted = 0, reports = 0, rejected = 0;
  for (int i = 0; i < 30'000; ++i) {
    const std::string text = mutate(corpus[rng() % corpus.size()], rng);
    auto frame = decode_ws_api_frame(text);
    if (!frame.ok()) {
      ++rejected;
      EXPECT_FALSE(frame.error().message.empty());
      continue;
    }
    ++accepted;
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << "accepted invalid JSON: " << text;
    const auto* wrapped = std::get_if<UserStreamEvent>(&*frame);
    if (wrapped == nullptr) continue;
    const auto* report = std::get_if<ExecutionReport>(&wrapped->event);
    if (report == nullptr) continue;
    ++reports;
    const auto& e = doc.at("event");
    EXPECT_EQ(e.at("e"), "executionReport") << text;
    EXPECT_EQ(e.at("c").get<std::string>(), report->client_order_id) << text;
    EXPECT_EQ(e.at("i").get<std::int64_t>(), report->order_id) << text;
    EXPECT_EQ(*Decimal::parse(e.at("z").get<std::string>()), report->cumulative_quantity) << text;
    EXPECT_EQ(e.at("X").get<std::string>(), std::string{[&] {
                switch (report->status) {
                  case BinanceOrderStatus::new_order:
                    return "NEW";
                  case BinanceOrderStatus::partially_filled:
                    return "PARTIALLY_FILLED";
                  case BinanceOrderStatus::filled:
                    return "FILLED";
                  case BinanceOrderStatus::canceled:
                    return "CANCELED";
                  case BinanceOrderStatus::rejected:
                    return "REJECTED";
                  case BinanceOrderStatus::expired:
                    return "EXPIRED";
                  default:
                    return "other";
                }
              }()})
        << text;
  }
  // Mutation must reach both outcomes, or the test proves nothing.
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(reports, 300u);
  EXPECT_GT(rejected, 10'000u);
}

}  // namespace
}  // namespace autotrader::binance
