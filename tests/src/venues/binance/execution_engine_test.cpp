#include "venues/binance/execution_engine.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/src/venues/binance/execution_engine_test_support.hpp"

// The engine's paths with the venue up: start, a BUY and its protection, a protective exit,
// unknown outcomes, duplicate fills, refusals and retries.
namespace autotrader::binance {
namespace {

using namespace engine_test;

// --- 1. start
// -------------------------------------------------------------------------------------

TEST_F(BinanceExecutionEngine, RefusesOrdersUntilTheFirstReconciliationCompletes) {
  make();
  auto refused = engine().place(buy_request("d42", "0.002"));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(std::get<paper::OrderRejected>(refused[0]).reason, paper::RejectReason::not_ready);
  EXPECT_FALSE(engine().order("at-d42-en").has_value()) << "a refused order is not in the book";
  EXPECT_TRUE(take().empty());

  engine().reconcile();
  auto time = take();
  ASSERT_EQ(time.size(), 1u);
  EXPECT_TRUE(time[0].time_sync);
  EXPECT_EQ(time[0].kind, RequestKind::read);
  EXPECT_FALSE(time[0].places);
  time_answer(time[0]);

  auto reads = take();
  ASSERT_EQ(reads.size(), 2u);
  std::map<std::string, Params> by_path;
  for (const auto& r : reads) {
    EXPECT_EQ(r.kind, RequestKind::read);
    EXPECT_EQ(r.request.method, HttpMethod::get);
    by_path[r.request.path] = params(r.request);
  }
  ASSERT_EQ(by_path.count("/api/v3/account"), 1u);
  ASSERT_EQ(by_path.count("/api/v3/openOrders"), 1u);
  EXPECT_EQ(by_path["/api/v3/account"]["omitZeroBalances"], "true");
  EXPECT_EQ(by_path["/api/v3/openOrders"].count("symbol"), 0u) << "all symbols at once";
  EXPECT_EQ(by_path["/api/v3/account"]["timestamp"], std::to_string(now_ms() + kOffsetMs))
      << "signed in Binance's time";
  for (const auto& r : reads) answer(r, 200, read_answer(r)->body);
  EXPECT_FALSE(engine().ready()) << "trades still to read";

  auto trades = take();
  ASSERT_EQ(trades.size(), 2u);
  std::set<std::string> symbols;
  for (const auto& r : trades) {
    EXPECT_EQ(r.request.path, "/api/v3/myTrades");
    auto p = params(r.request);
    symbols.insert(p["symbol"]);
    EXPECT_EQ(p.count("fromId"), 0u) << "no trade recorded yet";
    EXPECT_EQ(p["limit"], "1000");
    answer(r, 200, "[]");
  }
  EXPECT_EQ(symbols, (std::set<std::string>{"BTCUSDT", "ETHUSDT"}));

  EXPECT_TRUE(engine().ready());
  EXPECT_TRUE(engine().blocked_reason().empty());
  EXPECT_TRUE(engine().take_reconciled());
  EXPECT_FALSE(engine().take_reconciled()) << "once per reconciliation";
  const auto& report = engine().last_reconcile();
  EXPECT_TRUE(report.complete);
  EXPECT_EQ(report.open_orders_on_venue, 0u);
  EXPECT_EQ(report.orders_resolved, 0u);
  EXPECT_EQ(report.fills_recovered, 0u);
  EXPECT_EQ(report.protections_armed, 0u);
  EXPECT_TRUE(report.discrepancies.empty());
  EXPECT_EQ(to_json(report)["complete"], true);
  EXPECT_EQ(engine().quote_balance(), dec("10000"));
  EXPECT_TRUE(take().empty());

  EXPECT_TRUE(engine().place(buy_request("d42", "0.002")).empty());
  EXPECT_EQ(take().size(), 1u);
}

// --- 2. a MARKET BUY ----------------------------------------------------------------------------

TEST_F(BinanceExecutionEngine, MarketBuyFillsThenProtectsThePositionWithAnOcoList) {
  start();
  EXPECT_TRUE(engine().place(buy_request("d42", "0.0012345", "40000.005", "45000.001")).empty());
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].places) << "persisted before it is sent";
  EXPECT_EQ(out[0].kind, RequestKind::place);
  EXPECT_EQ(out[0].request.method, HttpMethod::post);
  EXPECT_EQ(out[0].request.path, "/api/v3/order");
  auto p = params(out[0].request);
  EXPECT_EQ(p["symbol"], "BTCUSDT");
  EXPECT_EQ(p["side"], "BUY");
  EXPECT_EQ(p["type"], "MARKET");
  EXPECT_EQ(p["quantity"], "0.00123") << "rounded down to LOT_SIZE's step";
  EXPECT_EQ(p["newClientOrderId"], "at-d42-en");
  EXPECT_EQ(p["newOrderRespType"], "FULL");
  EXPECT_EQ(p["timestamp"], std::to_string(now_ms() + kOffsetMs));
  ASSERT_TRUE(engine().order("at-d42-en").has_value()) << "in the book before it leaves";

  auto events = answer(
      out[0], 200,
      order_body(
          "at-d42-en", 28, "BUY", "FILLED", "0.00123", "0.00123", "51.66023",
          json::array({fill_json("42000.00000000", "0.00100000", "0.00000100", "BTC", 5001),
                       fill_json("42001.00000000", "0.00023000", "0.03450000", "USDT", 5002)})));
  ASSERT_EQ(events.size(), 3u);
  const auto& accepted = std::get<paper::OrderAccepted>(events[0]);
  EXPECT_EQ(accepted.order.client_order_id, "at-d42-en");
  auto fills = all<paper::Fill>(events);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].trade_id, 5001);
  EXPECT_EQ(fills[0].side, paper::Side::buy);
  EXPECT_EQ(fills[0].fee, dec("0.042")) << "0.000001 BTC at the fill's price, in USDT";
  EXPECT_EQ(fills[0].remaining_quantity, dec("0.00023"));
  EXPECT_EQ(fills[1].trade_id, 5002);
  EXPECT_EQ(fills[1].fee, dec("0.0345"));
  EXPECT_TRUE(fills[1].remaining_quantity.is_zero());
  EXPECT_TRUE(fills[1].realized_pnl.is_zero());

  auto order = engine().order("at-d42-en");
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->status, paper::OrderStatus::filled);
  EXPECT_EQ(order->filled_quantity, dec("0.00123"));
  EXPECT_EQ(order->fees, dec("0.0765"));

  auto position = engine().position(sym("BTCUSDT"));
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(position->quantity, dec("0.001229")) << "the BTC commission never arrived";
  ASSERT_TRUE(position->protection.has_value());
  EXPECT_EQ(position->protection->stop_loss, dec("40000.005"));
  EXPECT_EQ(position->decision_id, "d42");

  auto oco = take();
  ASSERT_EQ(oco.size(), 1u);
  EXPECT_TRUE(oco[0].places);
  EXPECT_EQ(oco[0].kind, RequestKind::place);
  EXPECT_EQ(oco[0].request.method, HttpMethod::post);
  EXPECT_EQ(oco[0].request.path, "/api/v3/orderList/oco");
  auto q = params(oco[0].request);
  EXPECT_EQ(q["symbol"], "BTCUSDT");
  EXPECT_EQ(q["side"], "SELL");
  EXPECT_EQ(q["quantity"], "0.00122") << "the position rounded down to the step";
  EXPECT_EQ(q["listClientOrderId"], "at-d42-oc");
  EXPECT_EQ(q["aboveType"], "LIMIT_MAKER");
  EXPECT_EQ(q["aboveClientOrderId"], "at-d42-tp");
  EXPECT_EQ(q["abovePrice"], "45000.01") << "take-profit rounded up to the tick";
  EXPECT_EQ(q["belowType"], "STOP_LOSS_LIMIT");
  EXPECT_EQ(q["belowClientOrderId"], "at-d42-sl");
  EXPECT_EQ(q["belowStopPrice"], "40000") << "stop rounded down to the tick";
  EXPECT_EQ(q["belowPrice"], "40000");
  EXPECT_EQ(q["belowTimeInForce"], "GTC");
  EXPECT_EQ(places_sent(), 1u);
}

// --- 3. the OCO list and a protective exit
// ---------------------------------------------------------

TEST_F(BinanceExecutionEngine, StopLegTradeIsAProtectiveExitAndTheOtherLegEndsOnRecordOnce) {
  ASSERT_NO_FATAL_FAILURE(protected_position());
  auto open = engine().open_orders();
  std::set<std::string> ids;
  for (const auto& o : open) ids.insert(o.client_order_id);
  EXPECT_EQ(ids, (std::set<std::string>{"at-d42-sl", "at-d42-tp"}));

  auto events = engine().on_user_event(execution({{"c", "at-d42-sl"},
                                                  {"S", "SELL"},
                                                  {"o", "STOP_LOSS_LIMIT"},
                                                  {"q", "0.00199"},
                                                  {"p", "40000"},
                                                  {"P", "40000"},
                                                  {"g", 7},
                                                  {"x", "TRADE"},
                                                  {"X", "FILLED"},
                                                  {"i", 1004},
                                                  {"l", "0.00199"},
                                                  {"z", "0.00199"},
                                                  {"L", "40000"},
                                                  {"n", "0.0796"},
                                                  {"N", "USDT"},
                                                  {"t", 5107},
                                                  {"Z", "79.6"}}));
  auto exits = all<paper::ProtectiveExit>(events);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].client_order_id, "at-d42-sl");
  EXPECT_EQ(exits[0].kind, paper::ProtectiveKind::stop_loss);
  EXPECT_EQ(exits[0].trigger_price, dec("40000"));
  EXPECT_EQ(exits[0].market_price, dec("40000"));
  auto fills = all<paper::Fill>(events);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].side, paper::Side::sell);
  EXPECT_EQ(fills[0].quantity, dec("0.00199"));
  EXPECT_EQ(fills[0].fee, dec("0.0796"));
  EXPECT_EQ(fills[0].realized_pnl, dec("-4.0596")) << "(40000 - 42000) x 0.00199 - 0.0796";
  EXPECT_TRUE(all<paper::OrderAccepted>(events).empty()) << "the legs were announced with the list";
  // The take-profit leg ends with the list: its row is marked at once.
  auto cancelled = all<paper::OrderCancelled>(events);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0].client_order_id, "at-d42-tp");
  EXPECT_EQ(cancelled[0].reason, paper::CancelReason::position_closed);
  EXPECT_FALSE(engine().position(sym("BTCUSDT")).has_value()) << "0.000009 left is dust";

  auto expired = engine().on_user_event(execution({{"c", "at-d42-tp"},
                                                   {"S", "SELL"},
                                                   {"o", "LIMIT_MAKER"},
                                                   {"q", "0.00199"},
                                                   {"g", 7},
                                                   {"x", "EXPIRED"},
                                                   {"X", "EXPIRED"},
                                                   {"i", 1005},
                                                   {"l", "0"},
                                                   {"z", "0"},
                                                   {"L", "0"},
                                                   {"n", "0"},
                                                   {"N", nullptr},
                                                   {"t", -1}}));
  EXPECT_TRUE(expired.empty()) << "Binance's EXPIRED report repeats what is on record";
  EXPECT_EQ(engine().order("at-d42-tp")->status, paper::OrderStatus::cancelled);
  EXPECT_TRUE(engine().open_orders().empty());
  EXPECT_TRUE(take().empty()) << "no position: nothing to re-arm";
}

// --- 4. unknown outcomes
// --------------------------------------------------------------------------

struct UnknownCase {
  const char* name;
  Transport transport;
  int status;
  const char* body;
  std::optional<std::chrono::seconds> retry_after;
};

class BinanceExecutionUnknownOutcome : public BinanceExecutionEngine,
                                       public ::testing::WithParamInterface<UnknownCase> {
 protected:
  paper::VenueEvents reply(const Outgoing& place) {
    const auto& c = GetParam();
    if (c.transport != Transport::answered) return fail(place, c.transport);
    return answer(place, c.status, c.body, c.retry_after);
  }
};

TEST_P(BinanceExecutionUnknownOutcome, IsQueriedNeverSentAgainAndItsFillsComeOnce) {
  start();
  engine().place(buy_request("d42", "0.002"));
  auto place = take();
  ASSERT_EQ(place.size(), 1u);
  EXPECT_TRUE(reply(place[0]).empty()) << "neither accepted nor rejected";
  EXPECT_TRUE(take().empty()) << "nothing at once";
  ASSERT_TRUE(engine().order("at-d42-en").has_value());
  EXPECT_EQ(engine().order("at-d42-en")->status, paper::OrderStatus::open);
  const auto delay = GetParam().retry_after ? std::chrono::nanoseconds{*GetParam().retry_after}
                                            : std::chrono::nanoseconds{options_.query_delay};
  EXPECT_EQ(until_wake(), delay);

  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_TRUE(wake().empty());
    auto query = take();
    ASSERT_EQ(query.size(), 1u);
    EXPECT_EQ(query[0].kind, RequestKind::query);
    EXPECT_EQ(query[0].request.method, HttpMethod::get);
    EXPECT_EQ(query[0].request.path, "/api/v3/order");
    EXPECT_FALSE(query[0].places);
    auto p = params(query[0].request);
    EXPECT_EQ(p["origClientOrderId"], "at-d42-en");
    EXPECT_EQ(p["symbol"], "BTCUSDT");
    EXPECT_TRUE(answer(query[0], 400, error_body(-2013, "Order does not exist.")).empty());
    EXPECT_TRUE(take().empty());
  }
  EXPECT_TRUE(wake().empty());
  auto query = take();
  ASSERT_EQ(query.size(), 1u);
  auto events =
      answer(query[0], 200, order_body("at-d42-en", 28, "BUY", "FILLED", "0.002", "0.002", "84"));
  EXPECT_EQ(all<paper::OrderAccepted>(events).size(), 1u);
  EXPECT_TRUE(all<paper::Fill>(events).empty()) << "a query lists no fills";

  auto trades = take();
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].request.path, "/api/v3/myTrades");
  events = answer(trades[0], 200,
                  json::array({trade_json(5001, 28, "42000", "0.001", "0.042", "USDT"),
                               trade_json(5002, 28, "42000", "0.001", "0.042", "USDT"),
                               trade_json(4999, 27, "41000", "0.5", "0", "USDT")})
                      .dump());
  auto fills = all<paper::Fill>(events);
  ASSERT_EQ(fills.size(), 2u) << "only the order's own trades";
  EXPECT_EQ(fills[0].trade_id, 5001);
  EXPECT_EQ(fills[1].trade_id, 5002);
  EXPECT_EQ(engine().order("at-d42-en")->status, paper::OrderStatus::filled);
  EXPECT_EQ(engine().position(sym("BTCUSDT"))->quantity, dec("0.002"));
  auto oco = take();
  ASSERT_EQ(oco.size(), 1u);
  EXPECT_EQ(oco[0].request.path, "/api/v3/orderList/oco");
  EXPECT_EQ(places_sent(), 1u) << "a place whose outcome is unknown is never sent again";
}

INSTANTIATE_TEST_SUITE_P(
    Outcomes, BinanceExecutionUnknownOutcome,
    ::testing::Values(
        UnknownCase{"dropped_after_send", Transport::failed_after_send, 0, "", std::nullopt},
        UnknownCase{"http_503", Transport::answered, 503, "<html>Service Unavailable</html>",
                    std::nullopt},
        UnknownCase{
            "code_1007", Transport::answered, 408,
            R"({"code":-1007,"msg":"Timeout waiting for response from backend server. Send status unknown; execution status unknown."})",
            std::nullopt},
        UnknownCase{"http_429", Transport::answered, 429,
                    R"({"code":-1003,"msg":"Too many requests queued."})",
                    std::chrono::seconds{3}}),
    [](const auto& info) { return std::string{info.param.name}; });

TEST_F(BinanceExecutionEngine, OrderNotFoundAfterQueryAttemptsIsRejectedThenRevivedByTheStream) {
  auto options = default_options();
  options.query_attempts = 3;
  start(options);
  engine().place(buy_request("d42", "0.002"));
  auto place = take();
  ASSERT_EQ(place.size(), 1u);
  fail(place[0], Transport::failed_after_send);
  paper::VenueEvents events;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    wake();
    auto query = take();
    ASSERT_EQ(query.size(), 1u) << attempt;
    ASSERT_EQ(query[0].request.path, "/api/v3/order");
    events = answer(query[0], 400, error_body(-2013, "Order does not exist."));
    if (attempt < 3) {
      EXPECT_TRUE(events.empty()) << attempt;
    }
  }
  auto rejected = all<paper::OrderRejected>(events);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].client_order_id, "at-d42-en");
  EXPECT_EQ(rejected[0].reason, paper::RejectReason::venue_refused);
  EXPECT_NE(rejected[0].message.find("never"), std::string::npos) << rejected[0].message;
  EXPECT_EQ(engine().order("at-d42-en")->status, paper::OrderStatus::rejected);
  EXPECT_FALSE(engine().next_wake().has_value()) << "no more queries";
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(places_sent(), 1u);

  // It reached Binance after all.
  events = engine().on_user_event(execution({{"c", "at-d42-en"},
                                             {"S", "BUY"},
                                             {"o", "MARKET"},
                                             {"q", "0.002"},
                                             {"x", "NEW"},
                                             {"X", "NEW"},
                                             {"i", 28},
                                             {"l", "0"},
                                             {"z", "0"},
                                             {"L", "0"},
                                             {"n", "0"},
                                             {"N", nullptr},
                                             {"t", -1},
                                             {"Z", "0"}}));
  EXPECT_EQ(all<paper::OrderAccepted>(events).size(), 1u);
  EXPECT_EQ(engine().order("at-d42-en")->status, paper::OrderStatus::open) << "revived";
  events = engine().on_user_event(execution({{"c", "at-d42-en"},
                                             {"S", "BUY"},
                                             {"o", "MARKET"},
                                             {"q", "0.002"},
                                             {"x", "TRADE"},
                                             {"X", "FILLED"},
                                             {"i", 28},
                                             {"l", "0.002"},
                                             {"z", "0.002"},
                                             {"L", "42000"},
                                             {"n", "0.084"},
                                             {"N", "USDT"},
                                             {"t", 5001},
                                             {"Z", "84"}}));
  auto fills = all<paper::Fill>(events);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].quantity, dec("0.002"));
  EXPECT_EQ(engine().order("at-d42-en")->status, paper::OrderStatus::filled);
  ASSERT_TRUE(engine().position(sym("BTCUSDT")).has_value());
  auto oco = take();
  ASSERT_EQ(oco.size(), 1u);
  EXPECT_EQ(oco[0].request.path, "/api/v3/orderList/oco");
  EXPECT_FALSE(engine().take_notes().empty()) << "a revived order is worth a log line";
}

// --- 5. duplicate fills
// ---------------------------------------------------------------------------

TEST_F(BinanceExecutionEngine, OneTradeIsOneFillWhicheverWayItArrives) {
  start();
  engine().place(buy_request("d42", "0.002"));
  auto place = take();
  ASSERT_EQ(place.size(), 1u);
  // The stream is often faster than the answer.
  auto events = engine().on_user_event(execution({{"c", "at-d42-en"},
                                                  {"S", "BUY"},
                                                  {"o", "MARKET"},
                                                  {"q", "0.002"},
                                                  {"x", "TRADE"},
                                                  {"X", "FILLED"},
                                                  {"i", 28},
                                                  {"l", "0.002"},
                                                  {"z", "0.002"},
                                                  {"L", "42000"},
                                                  {"n", "0.084"},
                                                  {"N", "USDT"},
                                                  {"t", 5001},
                                                  {"Z", "84"}}));
  EXPECT_EQ(all<paper::OrderAccepted>(events).size(), 1u);
  EXPECT_EQ(all<paper::Fill>(events).size(), 1u);

  events = answer(place[0], 200,
                  order_body("at-d42-en", 28, "BUY", "FILLED", "0.002", "0.002", "84",
                             json::array({fill_json("42000", "0.002", "0.084", "USDT", 5001)})));
  EXPECT_TRUE(events.empty()) << "the same trade, the same acceptance";

  events = engine().on_user_event(execution({{"c", "at-d42-en"},
                                             {"S", "BUY"},
                                             {"o", "MARKET"},
                                             {"q", "0.002"},
                                             {"x", "TRADE"},
                                             {"X", "FILLED"},
                                             {"i", 28},
                                             {"l", "0.002"},
                                             {"z", "0.002"},
                                             {"L", "42000"},
                                             {"n", "0.084"},
                                             {"N", "USDT"},
                                             {"t", 5001},
                                             {"Z", "84"}}));
  EXPECT_TRUE(events.empty()) << "a replayed event";

  auto oco = take();
  ASSERT_EQ(oco.size(), 1u) << "one list, however many times the order was seen filled";
  answer(oco[0], 200, oco_body("0.002"));

  trades_["BTCUSDT"] =
      json::array({trade_json(5001, 28, "42000", "0.002", "0.084", "USDT")}).dump();
  account_ = account_body({{"USDT", "9915.916"}, {"BTC", "0.002"}});
  engine().sweep();
  std::optional<std::string> from_id;
  events = serve([&](const Outgoing& o) -> std::optional<Answer> {
    if (o.request.path == "/api/v3/myTrades" && params(o.request)["symbol"] == "BTCUSDT") {
      from_id = params(o.request)["fromId"];
    }
    if (o.kind == RequestKind::query) return Answer{200, leg_query_body(o, "NEW", "0.002")};
    return std::nullopt;
  });
  EXPECT_EQ(from_id, "5002") << "from the trade after the last one seen";
  EXPECT_TRUE(all<paper::Fill>(events).empty()) << "myTrades overlapping the stream";
  EXPECT_EQ(engine().order("at-d42-en")->filled_quantity, dec("0.002"));
  EXPECT_EQ(engine().position(sym("BTCUSDT"))->quantity, dec("0.002"));
  EXPECT_EQ(count(HttpMethod::post, "/api/v3/orderList/oco"), 1u);
}

TEST_F(BinanceExecutionEngine, TradesAreMatchedToOrdersBySymbolAndOrderId) {
  ASSERT_NO_FATAL_FAILURE(protected_position());
  // Binance numbers orders per symbol: ETHUSDT's order 28 is not our BTCUSDT order 28.
  auto eth_trade = trade_json(900, 28, "2500", "0.5", "0.1", "USDT");
  eth_trade["symbol"] = "ETHUSDT";
  trades_["ETHUSDT"] = json::array({eth_trade}).dump();
  account_ = account_body({{"USDT", "9915.958"}, {"BTC", "0.001999"}});
  engine().sweep();
  auto events = serve([](const Outgoing& o) -> std::optional<Answer> {
    if (o.kind == RequestKind::query) return Answer{200, leg_query_body(o, "NEW", "0.00199")};
    return std::nullopt;
  });
  EXPECT_TRUE(all<paper::Fill>(events).empty());
  EXPECT_EQ(engine().order("at-d42-en")->filled_quantity, dec("0.002"));
  EXPECT_EQ(engine().position(sym("BTCUSDT"))->quantity, dec("0.001999"));
}

// --- 6. refusals and retries
// ------------------------------------------------------------------------

TEST_F(BinanceExecutionEngine, InvalidTimestampResyncsTheClockAndResignsTheSameOrder) {
  start();
  engine().place(buy_request("d42", "0.002"));
  auto first = take();
  ASSERT_EQ(first.size(), 1u);
  const auto first_params = params(first[0].request);
  EXPECT_TRUE(answer(first[0], 400,
                     error_body(-1021, "Timestamp for this request is outside of the recvWindow."))
                  .empty());
  auto sync = take();
  ASSERT_EQ(sync.size(), 1u);
  EXPECT_TRUE(sync[0].time_sync);
  clock_->advance(2s);
  time_answer(sync[0], 7'000);
  auto again = take();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].request.path, "/api/v3/order");
  EXPECT_TRUE(again[0].places);
  const auto p = params(again[0].request);
  EXPECT_EQ(p.at("newClientOrderId"), "at-d42-en");
  EXPECT_EQ(p.at("quantity"), first_params.at("quantity"));
  EXPECT_EQ(p.at("timestamp"), std::to_string(now_ms() + 7'000)) << "in the new server time";
  EXPECT_NE(again[0].request.query, first[0].request.query) << "signed again";
  auto events =
      answer(again[0], 200,
             order_body("at-d42-en", 28, "BUY", "FILLED", "0.002", "0.002", "84",
                        json::array({fill_json("42000", "0.002", "0.084", "USDT", 5001)})));
  EXPECT_EQ(all<paper::Fill>(events).size(), 1u);
}

TEST_F(BinanceExecutionEngine, RequestThatNeverLeftIsResentAtMostResendAttemptsTimes) {
  auto options = default_options();
  options.resend_attempts = 2;
  start(options);
  engine().place(buy_request("d42", "0.002"));
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  for (int resend = 1; resend <= 2; ++resend) {
    EXPECT_TRUE(fail(out[0], Transport::failed_before_send).empty());
    EXPECT_TRUE(take().empty()) << "not at once";
    wake();
    out = take();
    ASSERT_EQ(out.size(), 1u) << resend;
    EXPECT_EQ(out[0].request.path, "/api/v3/order");
    EXPECT_EQ(params(out[0].request)["newClientOrderId"], "at-d42-en");
  }
  auto events = fail(out[0], Transport::failed_before_send);
  auto rejected = all<paper::OrderRejected>(events);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].reason, paper::RejectReason::venue_refused);
  EXPECT_FALSE(engine().next_wake().has_value());
  EXPECT_EQ(places_sent(), 3u) << "the first and two resends";
}

TEST_F(BinanceExecutionEngine, NewOrderRejectedIsFinalWithBinancesMessage) {
  start();
  engine().place(buy_request("d42", "0.002"));
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  auto events = answer(out[0], 400,
                       error_body(-2010, "Account has insufficient balance for requested action."));
  auto rejected = all<paper::OrderRejected>(events);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].reason, paper::RejectReason::insufficient_balance);
  EXPECT_NE(rejected[0].message.find("Account has insufficient balance for requested action."),
            std::string::npos)
      << rejected[0].message;
  EXPECT_EQ(engine().order("at-d42-en")->status, paper::OrderStatus::rejected);
  EXPECT_TRUE(take().empty());
  EXPECT_FALSE(engine().next_wake().has_value());
  EXPECT_TRUE(engine().ready()) << "one refused order blocks nothing";
}

TEST_F(BinanceExecutionEngine, InvalidSignatureBlocksTrading) {
  start();
  engine().place(buy_request("d42", "0.002"));
  auto out = take();
  ASSERT_EQ(out.size(), 1u);
  auto events = answer(out[0], 400, error_body(-1022, "Signature for this request is not valid."));
  EXPECT_EQ(all<paper::OrderRejected>(events).size(), 1u);
  EXPECT_TRUE(engine().credentials_refused());
  EXPECT_FALSE(engine().ready());
  const auto reason = engine().blocked_reason();
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(reason.find(kSecretKey), std::string::npos);
  EXPECT_EQ(reason.find(kApiKey), std::string::npos);

  auto refused = engine().place(buy_request("d43", "0.002"));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(std::get<paper::OrderRejected>(refused[0]).reason, paper::RejectReason::not_ready);
  EXPECT_TRUE(take().empty());

  engine().reconcile();
  serve();
  EXPECT_FALSE(engine().ready()) << "a reconciliation does not fix the keys";
}

}  // namespace
}  // namespace autotrader::binance
