#include "venues/binance/execution_engine.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/src/venues/binance/execution_engine_test_support.hpp"

// The engine's paths around the protection and recovery: a SELL of a protected position,
// reconciliation after a restart, the user data stream down, bad input, state and restore.
namespace autotrader::binance {
namespace {

using namespace engine_test;

// --- 7. a SELL while the OCO list is active ------------------------------------------------------

TEST_F(BinanceExecutionEngine, SellCancelsTheOcoListFirstAndDoesNotRearmAClosedPosition) {
  ASSERT_NO_FATAL_FAILURE(protected_position());
  EXPECT_TRUE(engine().place(sell_request("d43", "0.00199")).empty());
  auto cancel = take();
  ASSERT_EQ(cancel.size(), 1u) << "the list first, the SELL waits";
  EXPECT_EQ(cancel[0].request.method, HttpMethod::del);
  EXPECT_EQ(cancel[0].request.path, "/api/v3/orderList");
  EXPECT_EQ(cancel[0].kind, RequestKind::cancel);
  auto p = params(cancel[0].request);
  EXPECT_EQ(p["symbol"], "BTCUSDT");
  EXPECT_EQ(p["listClientOrderId"], "at-d42-oc");
  EXPECT_TRUE(cancel[0].places) << "the book holding the SELL is stored before the cancel leaves";
  EXPECT_EQ(places_sent(), 1u);

  answer(cancel[0], 200, oco_body("0.00199", /*cancelled=*/true));
  auto sell = take();
  ASSERT_EQ(sell.size(), 1u) << "the answer tells the legs' fate: only the SELL";
  EXPECT_EQ(sell[0].request.path, "/api/v3/order");
  EXPECT_TRUE(sell[0].places);
  p = params(sell[0].request);
  EXPECT_EQ(p["side"], "SELL");
  EXPECT_EQ(p["quantity"], "0.00199");
  EXPECT_EQ(p["newClientOrderId"], "at-d43-ex");
  EXPECT_EQ(engine().order("at-d42-sl")->status, paper::OrderStatus::cancelled);

  auto events =
      answer(sell[0], 200,
             order_body("at-d43-ex", 30, "SELL", "FILLED", "0.00199", "0.00199", "85.57",
                        json::array({fill_json("43000", "0.00199", "0.08557", "USDT", 5200)})));
  auto fills = all<paper::Fill>(events);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].realized_pnl, dec("1.90443")) << "(43000 - 42000) x 0.00199 - 0.08557";
  EXPECT_TRUE(all<paper::ProtectiveExit>(events).empty()) << "the trader's own exit";
  EXPECT_FALSE(engine().position(sym("BTCUSDT")).has_value());
  EXPECT_TRUE(take().empty()) << "nothing to protect";
  EXPECT_FALSE(engine().next_wake().has_value());
}

TEST_F(BinanceExecutionEngine, ASellHeldForTheListCancelSurvivesARestart) {
  ASSERT_NO_FATAL_FAILURE(protected_position());
  engine().place(sell_request("d43", "0.00199"));
  auto cancel = take();
  ASSERT_EQ(cancel.size(), 1u);
  const auto stored = engine().state();  // what the executor persisted before the cancel left

  // The process dies before the cancel's answer; Binance did not get it either: the list is
  // still open. The restarted engine cancels it again, and only then sells.
  make();
  ASSERT_FALSE(engine().restore(stored).has_value());
  account_ = account_body({{"USDT", "9916"}, {"BTC", "0"}});
  open_orders_ =
      json::array(
          {leg_json("at-d42-sl", 1004, "STOP_LOSS_LIMIT", "40000", "40000", "0.00199", "NEW"),
           leg_json("at-d42-tp", 1005, "LIMIT_MAKER", "45000", nullptr, "0.00199", "NEW")})
          .dump();
  engine().reconcile();
  std::size_t cancels = 0;
  std::size_t sells = 0;
  serve([&](const Outgoing& o) -> std::optional<Answer> {
    if (o.request.path == "/api/v3/order" && o.request.method == HttpMethod::get) {
      const auto id = params(o.request)["origClientOrderId"];
      const bool sl = id == "at-d42-sl";
      return Answer{200,
                    leg_json(id.c_str(), sl ? 1004 : 1005, sl ? "STOP_LOSS_LIMIT" : "LIMIT_MAKER",
                             sl ? "40000" : "45000", sl ? "40000" : nullptr, "0.00199", "NEW")
                        .dump()};
    }
    if (o.request.path == "/api/v3/orderList") {
      ++cancels;
      EXPECT_EQ(sells, 0u) << "the SELL left before its list was cancelled";
      return Answer{200, oco_body("0.00199", /*cancelled=*/true)};
    }
    if (o.request.path == "/api/v3/order" && o.request.method == HttpMethod::post) {
      ++sells;
      EXPECT_EQ(params(o.request)["newClientOrderId"], "at-d43-ex");
      return Answer{
          200, order_body("at-d43-ex", 31, "SELL", "FILLED", "0.00199", "0.00199", "85.57",
                          json::array({fill_json("43000", "0.00199", "0.08557", "USDT", 5300)}))};
    }
    return std::nullopt;
  });
  EXPECT_EQ(cancels, 1u);
  EXPECT_EQ(sells, 1u);
  EXPECT_FALSE(engine().position(sym("BTCUSDT")).has_value());
}

TEST_F(BinanceExecutionEngine, ListAlreadyGoneReleasesTheSellAndAPartialSellRearms) {
  ASSERT_NO_FATAL_FAILURE(protected_position());
  engine().place(sell_request("d43", "0.001"));
  auto cancel = take();
  ASSERT_EQ(cancel.size(), 1u);
  ASSERT_EQ(cancel[0].request.path, "/api/v3/orderList");
  answer(cancel[0], 400, error_body(-2011, "Unknown order sent."));

  Outgoing sell;
  for (const auto& o : take()) {
    if (o.request.path == "/api/v3/order" && o.request.method == HttpMethod::post) {
      sell = o;
    } else {
      // The legs' fate is unknown: each is asked for, and was cancelled.
      ASSERT_EQ(o.request.method, HttpMethod::get) << o.request.target();
      const auto id = params(o.request)["origClientOrderId"];
      answer(o, 200,
             order_body(id, id == "at-d42-sl" ? 1004 : 1005, "SELL", "CANCELED", "0.00199", "0",
                        "0", nullptr, id == "at-d42-sl" ? "STOP_LOSS_LIMIT" : "LIMIT_MAKER"));
    }
  }
  ASSERT_NE(sell.id, 0u) << "the SELL was released";
  EXPECT_EQ(params(sell.request)["quantity"], "0.001");
  EXPECT_TRUE(take().empty());

  auto events =
      answer(sell, 200,
             order_body("at-d43-ex", 30, "SELL", "FILLED", "0.001", "0.001", "43",
                        json::array({fill_json("43000", "0.001", "0.043", "USDT", 5200)})));
  EXPECT_EQ(all<paper::Fill>(events).size(), 1u);
  ASSERT_TRUE(engine().position(sym("BTCUSDT")).has_value());
  EXPECT_EQ(engine().position(sym("BTCUSDT"))->quantity, dec("0.000999"));
  auto oco = take();
  ASSERT_EQ(oco.size(), 1u) << "what is left is protected again";
  EXPECT_EQ(oco[0].request.path, "/api/v3/orderList/oco");
  EXPECT_EQ(params(oco[0].request)["quantity"], "0.00099");
  EXPECT_EQ(params(oco[0].request)["listClientOrderId"], "at-d42-oc");
}

// --- 8. reconciliation after a restart
// --------------------------------------------------------------

TEST_F(BinanceExecutionEngine, RestartWithAPlaceInFlightQueriesItAndRecoversItsFills) {
  start();
  engine().place(buy_request("d42", "0.002"));
  ASSERT_EQ(take().size(), 1u);  // sent; the process dies before the answer
  const auto state = engine().state();
  sent_.clear();

  make();
  ASSERT_FALSE(engine().restore(state).has_value());
  EXPECT_FALSE(engine().ready());
  ASSERT_TRUE(engine().order("at-d42-en").has_value());
  account_ = account_body({{"USDT", "9915.958"}, {"BTC", "0.001999"}});
  open_orders_ = json::array({json::parse(order_body("web_7Hq2", 77, "BUY", "NEW", "0.01", "0", "0",
                                                     nullptr, "LIMIT"))})
                     .dump();
  trades_["BTCUSDT"] = json::array({trade_json(5001, 28, "42000", "0.001", "0.000001", "BTC"),
                                    trade_json(5002, 28, "42000", "0.001", "0.042", "USDT")})
                           .dump();
  engine().reconcile();
  auto events = serve([](const Outgoing& o) -> std::optional<Answer> {
    if (o.time_sync) return std::nullopt;
    const auto id = params(o.request)["origClientOrderId"];
    if (o.request.path == "/api/v3/order" && o.request.method == HttpMethod::get) {
      EXPECT_EQ(id, "at-d42-en");
      return Answer{200, order_body(id, 28, "BUY", "FILLED", "0.002", "0.002", "84")};
    }
    if (o.request.path == "/api/v3/order" && o.request.method == HttpMethod::del) {
      EXPECT_EQ(id, "web_7Hq2");
      return Answer{200, order_body(id, 77, "BUY", "CANCELED", "0.01", "0", "0", nullptr, "LIMIT")};
    }
    if (o.request.path == "/api/v3/orderList/oco") return Answer{200, oco_body("0.00199")};
    return std::nullopt;
  });
  EXPECT_EQ(places_sent(), 0u) << "an order in flight at the crash is queried, never re-sent";
  EXPECT_EQ(count(HttpMethod::del, "/api/v3/order"), 1u) << "the unknown open order";
  EXPECT_EQ(all<paper::Fill>(events).size(), 2u);
  EXPECT_TRUE(engine().ready());
  const auto& report = engine().last_reconcile();
  EXPECT_TRUE(report.complete);
  EXPECT_EQ(report.open_orders_on_venue, 1u);
  EXPECT_EQ(report.orders_resolved, 1u);
  EXPECT_EQ(report.fills_recovered, 2u);
  EXPECT_EQ(report.unknown_cancelled, 1u);
  EXPECT_EQ(report.unknown_adopted, 0u);
  EXPECT_EQ(report.protections_armed, 1u);
  EXPECT_TRUE(report.discrepancies.empty()) << report.discrepancies.front();
  EXPECT_EQ(engine().position(sym("BTCUSDT"))->quantity, dec("0.001999"));
  EXPECT_FALSE(engine().order("web_7Hq2").has_value());
}

TEST_F(BinanceExecutionEngine, UnknownOpenOrderIsAdoptedUnderTheAdoptPolicy) {
  auto options = default_options();
  options.unknown_orders = UnknownOrderPolicy::adopt;
  make(options);
  open_orders_ = json::array({json::parse(order_body("web_7Hq2", 77, "BUY", "NEW", "0.01", "0", "0",
                                                     nullptr, "LIMIT"))})
                     .dump();
  engine().reconcile();
  auto events = serve();
  EXPECT_TRUE(engine().ready());
  EXPECT_EQ(count(HttpMethod::del, "/api/v3/order"), 0u);
  EXPECT_EQ(engine().last_reconcile().unknown_adopted, 1u);
  // Announced, so the database has its row before any fill of it (fills reference orders).
  auto accepted = all<paper::OrderAccepted>(events);
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].order.client_order_id, "web_7Hq2");
  ASSERT_TRUE(engine().order("web_7Hq2").has_value());
  EXPECT_EQ(engine().order("web_7Hq2")->quantity, dec("0.01"));
  EXPECT_EQ(engine().open_orders().size(), 1u);
}

TEST_F(BinanceExecutionEngine, PositionFollowsASmallerBalanceAndIsRearmed) {
  make();
  const json state = {{"version", 1},
                      {"orders", json::array()},
                      {"positions",
                       {{{"symbol", "BTCUSDT"},
                         {"quantity", "0.003"},
                         {"average_entry_price", "42000"},
                         {"decision_id", "d41"},
                         {"opened_ms", kVenueTime},
                         {"stop_loss", "40000"},
                         {"take_profit", "45000"}}}},
                      {"lists", json::array()},
                      {"trade_ids", {{"BTCUSDT", {4990, 4991}}}}};
  ASSERT_FALSE(engine().restore(state).has_value());
  account_ = account_body({{"USDT", "100"}, {"BTC", "0.0015"}});
  engine().reconcile();
  std::optional<std::string> from_id;
  serve([&](const Outgoing& o) -> std::optional<Answer> {
    if (o.request.path == "/api/v3/myTrades" && params(o.request)["symbol"] == "BTCUSDT") {
      from_id = params(o.request)["fromId"];
    }
    if (o.request.path == "/api/v3/orderList/oco") {
      return Answer{200, oco_body("0.0015", false, "d41")};
    }
    return std::nullopt;
  });
  EXPECT_EQ(from_id, "4992") << "trades after the last recorded";
  EXPECT_TRUE(engine().ready());
  const auto& report = engine().last_reconcile();
  ASSERT_EQ(report.discrepancies.size(), 1u);
  EXPECT_NE(report.discrepancies[0].find("BTCUSDT"), std::string::npos);
  EXPECT_EQ(engine().position(sym("BTCUSDT"))->quantity, dec("0.0015"));
  const auto oco = std::find_if(sent_.begin(), sent_.end(), [](const Outgoing& o) {
    return o.request.path == "/api/v3/orderList/oco";
  });
  ASSERT_NE(oco, sent_.end()) << "a position without its list is protected again";
  EXPECT_EQ(params(oco->request)["quantity"], "0.0015");
  EXPECT_EQ(params(oco->request)["listClientOrderId"], "at-d41-oc");
  EXPECT_EQ(report.protections_armed, 1u);
}

// --- 9. the user data stream down
// -----------------------------------------------------------------

TEST_F(BinanceExecutionEngine, StreamDownSweepsEveryPollIntervalUntilItIsBack) {
  start();
  engine().set_stream_up(true);
  EXPECT_EQ(until_wake(), std::chrono::nanoseconds{options_.sweep_interval})
      << "only the safety sweep while the stream is up";
  engine().set_stream_up(false);
  EXPECT_TRUE(take().empty()) << "not at once";
  for (int sweep = 0; sweep < 2; ++sweep) {
    EXPECT_EQ(until_wake(), std::chrono::nanoseconds{options_.poll_interval});
    wake();
    sent_.clear();
    serve();
    EXPECT_EQ(count(HttpMethod::get, "/api/v3/account"), 1u) << sweep;
    EXPECT_EQ(count(HttpMethod::get, "/api/v3/openOrders"), 1u) << sweep;
    EXPECT_EQ(count(HttpMethod::get, "/api/v3/myTrades"), 2u) << sweep;
    EXPECT_EQ(count(HttpMethod::get, "/api/v3/time"), 0u) << "the clock is synced";
  }
  engine().set_stream_up(true);
  sent_.clear();
  for (int i = 0; i < 3; ++i) {
    clock_->advance(options_.poll_interval);
    engine().on_timer();
    serve();
  }
  EXPECT_TRUE(sent_.empty()) << "no polls while the stream is up";
}

TEST_F(BinanceExecutionEngine, AStreamThatIsUpIsStillSweptEverySweepInterval) {
  // A stream can die without a close or an error: what it would have said is asked for anyway.
  start();
  engine().set_stream_up(true);
  for (int sweep = 0; sweep < 2; ++sweep) {
    sent_.clear();
    clock_->advance(options_.sweep_interval - std::chrono::milliseconds{1});
    engine().on_timer();
    serve();
    EXPECT_TRUE(sent_.empty()) << "not before the interval";
    clock_->advance(std::chrono::milliseconds{1});
    engine().on_timer();
    serve();
    EXPECT_EQ(count(HttpMethod::get, "/api/v3/account"), 1u) << sweep;
    EXPECT_EQ(count(HttpMethod::get, "/api/v3/openOrders"), 1u) << sweep;
  }
  auto options = default_options();
  options.sweep_interval = std::chrono::milliseconds{0};
  start(options);
  engine().set_stream_up(true);
  EXPECT_FALSE(engine().next_wake().has_value()) << "0 turns the safety sweeps off";
}

TEST_F(BinanceExecutionEngine, StreamFlappingKeepsOneSweepPerPollInterval) {
  start();
  engine().set_stream_up(true);
  engine().set_stream_up(false);
  clock_->advance(options_.poll_interval / 2);
  engine().set_stream_up(true);
  engine().set_stream_up(false);
  sent_.clear();
  for (int i = 0; i < 8; ++i) {
    clock_->advance(options_.poll_interval / 2);
    engine().on_timer();
    serve();
  }
  // Four intervals have passed since the first down.
  EXPECT_LE(count(HttpMethod::get, "/api/v3/account"), 4u);
  EXPECT_GE(count(HttpMethod::get, "/api/v3/account"), 3u);
}

TEST_F(BinanceExecutionEngine, StreamThatNeverCameUpIsPolledToo) {
  start();
  engine().set_stream_up(false);
  sent_.clear();
  clock_->advance(options_.poll_interval);
  engine().on_timer();
  serve();
  EXPECT_EQ(count(HttpMethod::get, "/api/v3/account"), 1u);
}

// --- 10. bad input
// ----------------------------------------------------------------------------------

TEST_F(BinanceExecutionEngine, GarbageAnswersDuringReconciliationAreRetriedNeverFatal) {
  for (const auto& junk : junk_bodies()) {
    SCOPED_TRACE(junk.substr(0, 40));
    make();
    engine().reconcile();
    for (int round = 0; round < 4; ++round) {
      for (const auto& o : take()) answer(o, 200, junk);
      if (engine().next_wake()) wake();
    }
    EXPECT_FALSE(engine().ready());
    EXPECT_FALSE(engine().blocked_reason().empty()) << "failing reconciliation is reported";
    serve();
    for (int round = 0; round < 6 && !engine().ready(); ++round) {
      if (engine().next_wake()) wake();
      serve();
    }
    EXPECT_TRUE(engine().ready()) << "good answers complete it";
    EXPECT_TRUE(engine().blocked_reason().empty());
  }
}

TEST_F(BinanceExecutionEngine, GarbageAnswersToOrderRequestsLeadToQueriesNotLostOrders) {
  for (const auto& junk : junk_bodies()) {
    SCOPED_TRACE(junk.substr(0, 40));
    sent_.clear();
    start();
    // A place answered 2xx with junk: Binance took it; its state is asked for.
    engine().place(buy_request("d42", "0.002"));
    auto place = take();
    ASSERT_EQ(place.size(), 1u);
    answer(place[0], 200, junk);
    auto query = take();
    if (query.empty()) {
      wake();
      query = take();
    }
    ASSERT_EQ(query.size(), 1u);
    ASSERT_EQ(query[0].kind, RequestKind::query);
    EXPECT_EQ(params(query[0].request)["origClientOrderId"], "at-d42-en");
    // The query answered with junk: asked again later.
    answer(query[0], 200, junk);
    EXPECT_TRUE(take().empty());
    wake();
    auto again = take();
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].kind, RequestKind::query);
    auto events =
        answer(again[0], 200,
               order_body("at-d42-en", 28, "BUY", "FILLED", "0.002", "0.002", "84",
                          json::array({fill_json("42000", "0.002", "0.084", "USDT", 5001)})));
    EXPECT_EQ(all<paper::Fill>(events).size(), 1u);
    EXPECT_EQ(places_sent(), 1u);

    // The OCO answered with junk: its legs are asked for.
    auto oco = take();
    ASSERT_EQ(oco.size(), 1u);
    answer(oco[0], 200, junk);
    wake();
    std::set<std::string> legs;
    for (const auto& o : take()) {
      EXPECT_EQ(o.kind, RequestKind::query);
      const auto id = params(o.request)["origClientOrderId"];
      legs.insert(id);
      answer(o, 200,
             order_body(id, id == "at-d42-sl" ? 1004 : 1005, "SELL", "NEW", "0.002", "0", "0",
                        nullptr, id == "at-d42-sl" ? "STOP_LOSS_LIMIT" : "LIMIT_MAKER"));
    }
    EXPECT_EQ(legs, (std::set<std::string>{"at-d42-sl", "at-d42-tp"}));

    // A list cancel answered with junk: the list is gone (2xx), the SELL goes.
    engine().place(sell_request("d43", "0.002"));
    auto cancel = take();
    ASSERT_EQ(cancel.size(), 1u);
    answer(cancel[0], 200, junk);
    bool sell_sent = false;
    for (const auto& o : take()) {
      sell_sent =
          sell_sent || (o.request.method == HttpMethod::post && o.request.path == "/api/v3/order");
    }
    EXPECT_TRUE(sell_sent);

    // A cancel of an order answered with junk: the order is asked for.
    const auto before = sent_.size();
    engine().cancel("at-d43-ex");
    auto del = take();
    ASSERT_EQ(del.size(), 1u);
    EXPECT_EQ(del[0].request.method, HttpMethod::del);
    answer(del[0], 200, junk);
    auto after = take();
    if (after.empty() && engine().next_wake()) {
      wake();
      after = take();
    }
    ASSERT_FALSE(after.empty()) << "a cancel with an unreadable answer is followed up";
    EXPECT_EQ(after[0].kind, RequestKind::query);
    EXPECT_GT(sent_.size(), before);
  }
}

TEST_F(BinanceExecutionEngine, OddStreamEventsChangeNothing) {
  ASSERT_NO_FATAL_FAILURE(protected_position());
  const auto before = engine().state();
  // Another symbol, an order we never had, a trade of nothing, an event type we ignore.
  EXPECT_TRUE(
      engine()
          .on_user_event(execution({{"s", "XRPUSDT"}, {"c", "at-d42-en"}, {"t", 7777}, {"i", 9}}))
          .empty())
      << "our id on another symbol is not our order";
  EXPECT_TRUE(engine()
                  .on_user_event(execution({{"c", "someone-else"}, {"x", "NEW"}, {"X", "NEW"}}))
                  .empty());
  EXPECT_TRUE(engine()
                  .on_user_event(execution({{"c", "at-d42-tp"},
                                            {"S", "SELL"},
                                            {"x", "TRADE"},
                                            {"X", "NEW"},
                                            {"l", "0"},
                                            {"z", "0"},
                                            {"t", 6000},
                                            {"i", 1005},
                                            {"g", 7}}))
                  .empty());
  EXPECT_TRUE(engine().on_user_event(OtherEvent{}).empty());
  EXPECT_TRUE(engine().on_user_event(StreamTerminated{}).empty());
  EXPECT_TRUE(engine().on_user_event(BalanceUpdate{"BTC", dec("-5"), 0}).empty());
  EXPECT_EQ(engine().position(sym("BTCUSDT"))->quantity, dec("0.001999"));
  EXPECT_TRUE(take().empty());
  EXPECT_TRUE(engine().on_price(sym("XRPUSDT"), dec("1")).empty());
  EXPECT_EQ(engine().state(), before);
}

// --- state
// ----------------------------------------------------------------------------------------

TEST_F(BinanceExecutionEngine, StateRoundTripsThroughRestore) {
  ASSERT_NO_FATAL_FAILURE(protected_position());
  const auto state = engine().state();
  const auto text = state.dump();
  EXPECT_EQ(text.find(kSecretKey), std::string::npos);
  EXPECT_EQ(text.find(kApiKey), std::string::npos);
  for (const auto& note : engine().take_notes()) {
    EXPECT_EQ(note.find(kSecretKey), std::string::npos);
    EXPECT_EQ(note.find(kApiKey), std::string::npos);
  }

  make();
  ASSERT_FALSE(engine().restore(state).has_value());
  EXPECT_EQ(engine().state(), state);
  EXPECT_EQ(engine().position(sym("BTCUSDT"))->quantity, dec("0.001999"));
  EXPECT_EQ(engine().open_orders().size(), 2u) << "the two legs";
  EXPECT_FALSE(engine().ready()) << "a restored book is proven before it trades";

  // Restored, the list is known: the next fill of its leg is a protective exit.
  engine().reconcile();
  open_orders_ = json::array({json::parse(oco_body("0.00199"))["orderReports"][0],
                              json::parse(oco_body("0.00199"))["orderReports"][1]})
                     .dump();
  account_ = account_body({{"USDT", "9915.958"}, {"BTC", "0.001999"}});
  serve([](const Outgoing& o) -> std::optional<Answer> {
    if (o.kind == RequestKind::query) {
      const auto id = params(o.request)["origClientOrderId"];
      return Answer{200, order_body(id, id == "at-d42-sl" ? 1004 : 1005, "SELL", "NEW", "0.00199",
                                    "0", "0", nullptr, "LIMIT_MAKER")};
    }
    return std::nullopt;
  });
  EXPECT_TRUE(engine().ready());
  EXPECT_EQ(count(HttpMethod::post, "/api/v3/orderList/oco"), 1u) << "not armed twice";
  EXPECT_TRUE(engine().last_reconcile().discrepancies.empty());
}

TEST_F(BinanceExecutionEngine, RestoreOfGarbageIsAnErrorAndLeavesTheBookAsItWas) {
  ASSERT_NO_FATAL_FAILURE(protected_position());
  const auto state = engine().state();
  std::vector<json> garbage = {
      json(),
      json::array(),
      json{{"version", 2}},
      json{{"version", 1}},
      json{{"version", 1}, {"orders", 5}, {"positions", {}}, {"lists", {}}, {"trade_ids", {}}},
      json{{"version", 1}, {"orders", {{{"client_order_id", 5}}}}},
      json{{"version", "1"}},
      json{{"version", 1},
           {"orders", json::array()},
           {"positions", {{{"symbol", "BTCUSDT"}, {"quantity", "lots"}}}},
           {"lists", json::array()},
           {"trade_ids", json::object()}},
      json{{"version", 1},
           {"orders", json::array()},
           {"positions", json::array()},
           {"lists", json::array()},
           {"trade_ids", {{"not a symbol!", {1}}}}},
      json{{"version", 1},
           {"orders", json::array()},
           {"positions", json::array()},
           {"lists", json::array()},
           {"trade_ids", {{"BTCUSDT", {"x"}}}}},
  };
  for (const auto& g : garbage) {
    SCOPED_TRACE(g.dump());
    std::optional<std::string> error;
    EXPECT_NO_THROW(error = engine().restore(g));
    ASSERT_TRUE(error.has_value());
    EXPECT_FALSE(error->empty());
    EXPECT_EQ(engine().state(), state);
  }
}

}  // namespace
}  // namespace autotrader::binance
