#pragma once
// The harness of the execution engine's tests (execution_engine_test.cpp,
// execution_engine_recovery_test.cpp): the engine driven step by step as the executor actor
// drives it. take_outgoing(), an answer per request shaped like Binance's (reference binance.md
// §3, §5, §6, §8), user-data events decoded from the fixture frames, and a ManualClock moved to
// next_wake() before on_timer(). Every request taken is checked as the fake server would
// (signature over the query, no key in it) and kept, so a test can prove that a place was never
// sent twice.
#include "venues/binance/execution_engine.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "venues/binance/rest_codec.hpp"

namespace autotrader::binance::engine_test {

using core::Decimal;
using nlohmann::json;
using Params = std::map<std::string, std::string>;
using Transport = HttpOutcome::Transport;
using namespace std::chrono_literals;

inline constexpr const char* kApiKey = "engine-test-api-key-4f1cA9";
inline constexpr const char* kSecretKey = "engine-test-secret-key-9b7eQ2";
inline constexpr std::int64_t kOffsetMs = 1'500;  // Binance's clock ahead of ours
inline constexpr core::TimestampMs kVenueTime = 1'700'000'000'000;

inline Decimal dec(const char* text) {
  auto value = Decimal::parse(text);
  EXPECT_TRUE(value.has_value()) << text;
  return value.value_or(Decimal{});
}

inline core::Symbol sym(const char* name) {
  return *core::Symbol::parse(name);
}

inline std::string read_file(const std::string& relative) {
  std::ifstream file{std::string{AUTOTRADER_SOURCE_DIR} + "/" + relative};
  EXPECT_TRUE(file.good()) << relative;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// BTCUSDT and ETHUSDT from the exchangeInfo fixture (the USDT-quoted symbols).
inline std::vector<SymbolInfo> fixture_symbols() {
  auto info = decode_exchange_info(read_file("tests/fixtures/binance/exchange_info.json"));
  EXPECT_TRUE(info.ok());
  std::vector<SymbolInfo> out;
  if (!info) return out;
  for (const auto& s : info->symbols) {
    if (s.symbol == sym("BTCUSDT") || s.symbol == sym("ETHUSDT")) out.push_back(s);
  }
  EXPECT_EQ(out.size(), 2u);
  return out;
}

template <class T>
inline std::vector<T> all(const paper::VenueEvents& events) {
  std::vector<T> out;
  for (const auto& e : events) {
    if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

// --- Binance's bodies ---------------------------------------------------------------------------

inline json fill_json(const char* price, const char* qty, const char* commission, const char* asset,
                      std::int64_t trade_id) {
  return {{"price", price},
          {"qty", qty},
          {"commission", commission},
          {"commissionAsset", asset},
          {"tradeId", trade_id}};
}

// A FULL place answer (with fills) or a GET /api/v3/order answer (fills null: the query shape).
inline std::string order_body(const std::string& client_id, std::int64_t order_id, const char* side,
                              const char* status, const char* orig_qty, const char* executed_qty,
                              const char* quote_qty, const json& fills = nullptr,
                              const char* type = "MARKET") {
  json j = {{"symbol", "BTCUSDT"},
            {"orderId", order_id},
            {"orderListId", -1},
            {"clientOrderId", client_id},
            {"price", "0.00000000"},
            {"origQty", orig_qty},
            {"executedQty", executed_qty},
            {"origQuoteOrderQty", "0.000000"},
            {"cummulativeQuoteQty", quote_qty},
            {"status", status},
            {"timeInForce", "GTC"},
            {"type", type},
            {"side", side},
            {"workingTime", kVenueTime},
            {"selfTradePreventionMode", "NONE"}};
  if (fills.is_null()) {
    j["time"] = kVenueTime;
    j["updateTime"] = kVenueTime;
    j["isWorking"] = true;
    j["stopPrice"] = "0.00000000";
  } else {
    j["transactTime"] = kVenueTime;
    j["fills"] = fills;
  }
  return j.dump();
}

inline json leg_json(const char* client_id, std::int64_t order_id, const char* type,
                     const char* price, const char* stop, const char* qty, const char* status) {
  json j = {{"symbol", "BTCUSDT"},
            {"orderId", order_id},
            {"orderListId", 7},
            {"clientOrderId", client_id},
            {"transactTime", kVenueTime},
            {"price", price},
            {"origQty", qty},
            {"executedQty", "0.00000000"},
            {"origQuoteOrderQty", "0.000000"},
            {"cummulativeQuoteQty", "0.00000000"},
            {"status", status},
            {"timeInForce", "GTC"},
            {"type", type},
            {"side", "SELL"},
            {"workingTime", kVenueTime},
            {"selfTradePreventionMode", "NONE"}};
  if (stop != nullptr) j["stopPrice"] = stop;
  return j;
}

// POST /api/v3/orderList/oco's answer (NEW legs) or DELETE /api/v3/orderList's (CANCELED legs)
// for a decision's list 7: stop-loss leg 1004, take-profit leg 1005.
inline std::string oco_body(const char* qty, bool cancelled = false,
                            const std::string& decision = "d42") {
  const char* status = cancelled ? "CANCELED" : "NEW";
  const std::string sl = "at-" + decision + "-sl";
  const std::string tp = "at-" + decision + "-tp";
  json orders = json::array();
  orders.push_back({{"symbol", "BTCUSDT"}, {"orderId", 1004}, {"clientOrderId", sl}});
  orders.push_back({{"symbol", "BTCUSDT"}, {"orderId", 1005}, {"clientOrderId", tp}});
  json reports = json::array();
  reports.push_back(leg_json(sl.c_str(), 1004, "STOP_LOSS_LIMIT", "40000.00000000",
                             "40000.00000000", qty, status));
  reports.push_back(
      leg_json(tp.c_str(), 1005, "LIMIT_MAKER", "45000.00000000", nullptr, qty, status));
  return json{{"orderListId", 7},
              {"contingencyType", "OCO"},
              {"listStatusType", cancelled ? "ALL_DONE" : "EXEC_STARTED"},
              {"listOrderStatus", cancelled ? "ALL_DONE" : "EXECUTING"},
              {"listClientOrderId", "at-" + decision + "-oc"},
              {"transactionTime", kVenueTime},
              {"symbol", "BTCUSDT"},
              {"orders", orders},
              {"orderReports", reports}}
      .dump();
}

inline json trade_json(std::int64_t id, std::int64_t order_id, const char* price, const char* qty,
                       const char* commission, const char* asset, bool buyer = true) {
  return {{"symbol", "BTCUSDT"},      {"id", id},
          {"orderId", order_id},      {"orderListId", -1},
          {"price", price},           {"qty", qty},
          {"quoteQty", "0"},          {"commission", commission},
          {"commissionAsset", asset}, {"time", kVenueTime},
          {"isBuyer", buyer},         {"isMaker", false},
          {"isBestMatch", true}};
}

inline std::string error_body(int code, const char* msg) {
  return json{{"code", code}, {"msg", msg}}.dump();
}

inline std::string account_body(std::vector<std::pair<const char*, const char*>> free_balances) {
  json balances = json::array();
  for (const auto& [asset, amount] : free_balances) {
    balances.push_back({{"asset", asset}, {"free", amount}, {"locked", "0.00000000"}});
  }
  return json{{"makerCommission", 15}, {"canTrade", true},        {"accountType", "SPOT"},
              {"balances", balances},  {"permissions", {"SPOT"}}, {"uid", 354937868}}
      .dump();
}

// An executionReport decoded from the fixture frame (an order's TRADE), with fields replaced.
inline UserEvent execution(const json& fields) {
  auto frame =
      json::parse(read_file("tests/fixtures/binance/orders/ws_execution_trade_final.json"));
  frame["event"].update(fields);
  auto decoded = decode_ws_api_frame(frame.dump());
  EXPECT_TRUE(decoded.ok()) << (decoded ? "" : decoded.error().message);
  if (!decoded) return OtherEvent{};
  return std::get<UserStreamEvent>(*decoded).event;
}

inline paper::OrderRequest buy_request(const char* decision, const char* quantity,
                                       const char* stop = "40000", const char* take = "45000") {
  paper::OrderRequest r;
  r.decision_id = decision;
  r.client_order_id = paper::make_client_order_id(decision, paper::OrderPurpose::entry);
  r.symbol = sym("BTCUSDT");
  r.side = paper::Side::buy;
  r.quantity = dec(quantity);
  r.protection = paper::Protection{dec(stop), dec(take)};
  return r;
}

inline paper::OrderRequest sell_request(const char* decision, const char* quantity) {
  paper::OrderRequest r;
  r.decision_id = decision;
  r.client_order_id = paper::make_client_order_id(decision, paper::OrderPurpose::exit);
  r.symbol = sym("BTCUSDT");
  r.side = paper::Side::sell;
  r.quantity = dec(quantity);
  return r;
}

// --- the harness --------------------------------------------------------------------------------

struct Answer {
  int status = 200;
  std::string body;
};

class BinanceExecutionEngine : public ::testing::Test {
 protected:
  static ExecutionOptions default_options() {
    ExecutionOptions options;
    options.symbols = fixture_symbols();
    return options;
  }

  void make(ExecutionOptions options = default_options()) {
    options_ = options;
    auto signer = RequestSigner::make(Credentials{core::Secret{kApiKey}, core::Secret{kSecretKey}});
    ASSERT_TRUE(signer.ok());
    engine_ = std::make_unique<ExecutionEngine>(
        std::move(options), std::make_shared<const RequestSigner>(std::move(*signer)), clock_);
  }

  ExecutionEngine& engine() { return *engine_; }

  core::TimestampMs now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               clock_->wall_now().time_since_epoch())
        .count();
  }

  // The requests to send, each checked as the fake server checks it and kept in sent_.
  std::vector<Outgoing> take() {
    auto out = engine_->take_outgoing();
    for (const auto& o : out) {
      const auto& r = o.request;
      for (const std::string& text : {r.path, r.query, r.body}) {
        EXPECT_EQ(text.find(kSecretKey), std::string::npos) << r.target();
        EXPECT_EQ(text.find(kApiKey), std::string::npos) << r.target();
      }
      if (o.time_sync) {
        EXPECT_EQ(r.path, "/api/v3/time");
        EXPECT_EQ(r.method, HttpMethod::get);
        EXPECT_TRUE(r.query.empty()) << r.query;
      } else {
        params(r);  // checks the signature
      }
      sent_.push_back(o);
    }
    return out;
  }

  // The query's parameters, after checking the signature over the rest of it.
 public:
  static Params params(const RestRequest& request) {
    const std::string marker = "&signature=";
    const auto at = request.query.rfind(marker);
    EXPECT_NE(at, std::string::npos) << request.target();
    if (at == std::string::npos) return {};
    const std::string payload = request.query.substr(0, at);
    EXPECT_EQ(request.query.substr(at + marker.size()),
              sign_payload(core::Secret{kSecretKey}, payload, request.body))
        << request.target();
    Params out;
    std::stringstream in{payload};
    std::string pair;
    while (std::getline(in, pair, '&')) {
      const auto eq = pair.find('=');
      EXPECT_TRUE(out.emplace(pair.substr(0, eq), pair.substr(eq + 1)).second) << pair;
    }
    return out;
  }

 protected:
  paper::VenueEvents answer(const Outgoing& request, int status, const std::string& body,
                            std::optional<std::chrono::seconds> retry_after = std::nullopt) {
    HttpOutcome outcome;
    outcome.status = status;
    outcome.body = body;
    outcome.retry_after = retry_after;
    return engine_->on_reply(request.id, ReplyInput{outcome, now_ms(), now_ms()});
  }

  paper::VenueEvents fail(const Outgoing& request, Transport transport) {
    HttpOutcome outcome;
    outcome.transport = transport;
    return engine_->on_reply(request.id, ReplyInput{outcome, now_ms(), now_ms()});
  }

  paper::VenueEvents time_answer(const Outgoing& request, std::int64_t offset_ms = kOffsetMs) {
    return answer(request, 200, json{{"serverTime", now_ms() + offset_ms}}.dump());
  }

  // Moves the clock to the engine's next wake-up and runs its timer, as the actor does.
  paper::VenueEvents wake() {
    const auto when = engine_->next_wake();
    EXPECT_TRUE(when.has_value());
    if (!when) return {};
    if (*when > clock_->steady_now()) clock_->advance(*when - clock_->steady_now());
    return engine_->on_timer();
  }

  std::chrono::nanoseconds until_wake() const {
    const auto when = engine_->next_wake();
    return when ? *when - clock_->steady_now() : std::chrono::nanoseconds::max();
  }

  // The standard answer to a read: server time, account_, open_orders_, trades_ (per symbol).
  std::optional<Answer> read_answer(const Outgoing& o) {
    if (o.time_sync) return Answer{200, json{{"serverTime", now_ms() + kOffsetMs}}.dump()};
    if (o.request.path == "/api/v3/account") return Answer{200, account_};
    if (o.request.path == "/api/v3/openOrders") return Answer{200, open_orders_};
    if (o.request.path == "/api/v3/myTrades") {
      auto it = trades_.find(params(o.request)["symbol"]);
      return Answer{200, it == trades_.end() ? "[]" : it->second};
    }
    return std::nullopt;
  }

  // Answers every request until none is left: reads as read_answer, the others by `other`
  // (a failure when there is none). The events of every answer, in order.
  paper::VenueEvents serve(
      const std::function<std::optional<Answer>(const Outgoing&)>& other = {}) {
    paper::VenueEvents events;
    for (int round = 0; round < 20; ++round) {
      auto out = take();
      if (out.empty()) return events;
      for (const auto& o : out) {
        std::optional<Answer> a = other ? other(o) : std::nullopt;
        if (!a) a = read_answer(o);
        if (!a) {
          ADD_FAILURE() << "no answer for " << to_string(o.request.method) << " "
                        << o.request.target();
          continue;
        }
        auto more = answer(o, a->status, a->body);
        events.insert(events.end(), more.begin(), more.end());
      }
    }
    ADD_FAILURE() << "requests never stop";
    return events;
  }

  // A started engine: reconciled against account_ with no open orders and no trades.
  void start(ExecutionOptions options = default_options()) {
    make(std::move(options));
    engine_->reconcile();
    serve();
    ASSERT_TRUE(engine_->ready());
    ASSERT_TRUE(engine_->take_reconciled());
  }

  std::size_t count(HttpMethod method, const std::string& path) const {
    return std::count_if(sent_.begin(), sent_.end(), [&](const Outgoing& o) {
      return o.request.method == method && o.request.path == path;
    });
  }
  std::size_t places_sent() const { return count(HttpMethod::post, "/api/v3/order"); }

  // Decision d42 bought 0.002 BTC at 42000 (fees: 0.000001 BTC and 0.042 USDT): the position is
  // 0.001999, and the OCO list protecting it (0.00199, rounded down to the step) is the request
  // returned, not yet answered.
  Outgoing open_position() {
    start();
    engine_->place(buy_request("d42", "0.002"));
    auto out = take();
    EXPECT_EQ(out.size(), 1u);
    if (out.empty()) return {};
    answer(out[0], 200,
           order_body("at-d42-en", 28, "BUY", "FILLED", "0.002", "0.002", "84",
                      json::array({fill_json("42000", "0.001", "0.000001", "BTC", 5001),
                                   fill_json("42000", "0.001", "0.042", "USDT", 5002)})));
    auto oco = take();
    EXPECT_EQ(oco.size(), 1u);
    if (oco.empty()) return {};
    EXPECT_EQ(oco[0].request.path, "/api/v3/orderList/oco");
    return oco[0];
  }

  // open_position() with its OCO list on Binance.
  void protected_position() {
    const auto oco = open_position();
    auto events = answer(oco, 200, oco_body("0.00199"));
    // Both legs on record (their orders rows), nothing else.
    auto accepted = all<paper::OrderAccepted>(events);
    EXPECT_EQ(events.size(), 2u);
    EXPECT_EQ(accepted.size(), 2u);
    EXPECT_TRUE(take().empty());
  }

  std::shared_ptr<core::ManualClock> clock_ = std::make_shared<core::ManualClock>();
  ExecutionOptions options_;
  std::unique_ptr<ExecutionEngine> engine_;
  std::vector<Outgoing> sent_;
  std::string account_ = account_body({{"USDT", "10000.00000000"}});
  std::string open_orders_ = "[]";
  std::map<std::string, std::string> trades_;
};

// GET /api/v3/order's answer for a leg of decision d42's list, named by the query.
inline std::string leg_query_body(const Outgoing& query, const char* status, const char* qty) {
  const auto id = BinanceExecutionEngine::params(query.request)["origClientOrderId"];
  const bool stop = id == "at-d42-sl";
  return order_body(id, stop ? 1004 : 1005, "SELL", status, qty, "0", "0", nullptr,
                    stop ? "STOP_LOSS_LIMIT" : "LIMIT_MAKER");
}

// Bodies that are no answer at all, for every kind of request.
inline const std::vector<std::string>& junk_bodies() {
  static const std::vector<std::string> bodies = {
      "",
      "null",
      "[]",
      "{}",
      "{\"code\":",
      "\"FILLED\"",
      "12345",
      "<html><body>502 Bad Gateway</body></html>",
      R"([{"symbol":5}])",
      R"({"orderId":1e400,"symbol":"BTCUSDT"})",
      R"({"symbol":"BTCUSDT","orderId":28,"clientOrderId":"at-d42-en","status":"FILLED"})",
      R"({"serverTime":"soon","balances":{},"orders":null,"fills":7})",
      std::string(2000, '[') + std::string(2000, ']'),
      "\xff\xfe\x00garbage",
  };
  return bodies;
}

}  // namespace autotrader::binance::engine_test
