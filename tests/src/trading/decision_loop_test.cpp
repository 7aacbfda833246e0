// The decision loop with scripted AI replies, audit acknowledgements and venue events. The main
// table: one candle, one scripted decision, one audit answer, and what must come out.
#include "trading/decision_loop.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>

#include "loop_fixture.hpp"
#include "store/audit_record.hpp"
#include "trading/audit_json.hpp"
#include "venues/paper/client_order_id.hpp"

namespace autotrader::trading::test {
namespace {

// The store accepts the record (its documented shape) and reads back the decision's time.
void expect_store_accepts(const nlohmann::json& record, TimePoint decided_at) {
  auto valid = store::validate_audit_record(record);
  ASSERT_TRUE(valid) << valid.error().message;
  EXPECT_EQ(*valid, decided_at);
}

struct Fixture {
  risk::RiskEngine risk{risk::RiskOptions{}, risk::RiskState{}};
  DecisionLoopOptions options = loop_options();
  std::optional<DecisionLoop> loop;

  DecisionLoop& make() {
    loop.emplace(options, risk);
    loop->set_account(account(), {});
    return *loop;
  }
};

// One decision through the loop: candle n closes, the AI answers 2 s later, the audit answers.
struct Run {
  Effects asked, replied, acknowledged;
  std::optional<AskAi> ask;
};

Run decide(DecisionLoop& loop, int n, const llm::Decision& d, bool audit_ok = true,
           const std::function<void()>& before_ack = {}) {
  Run run;
  run.asked = loop.on_snapshot(candle(n));
  auto asks = all_of<AskAi>(run.asked);
  if (asks.empty()) return run;
  run.ask = asks.front();
  run.replied = loop.on_ai_reply(run.ask->request_id, d, {}, after_close(n, 2s));
  if (before_ack) before_ack();
  run.acknowledged =
      loop.on_audit_written(run.ask->decision_id, audit_ok,
                            audit_ok ? "" : "No space left on device", after_close(n, 2100ms));
  return run;
}

struct Row {
  const char* name;
  llm::Decision decision;
  std::function<void(Fixture&)> setup;
  bool audit_ok;
  const char* decision_type;
  const char* reason;  // final_decision.reason
  bool executed;
  std::vector<const char*> rejections;  // risk and gate reasons in the record, in order
  bool halted_after;
};

using llm::Action;
void nothing(Fixture&) {}

TEST(TradingDecisionLoop, ScenarioTable) {
  const std::vector<Row> rows = {
      {"BUY executes after the audit ack",
       decision(Action::buy),
       nothing,
       true,
       "BUY",
       "execute",
       true,
       {},
       false},
      {"HOLD does not execute",
       decision(Action::hold),
       nothing,
       true,
       "HOLD",
       "hold",
       false,
       {},
       false},
      {"low confidence is gated",
       decision(Action::buy, 0.55),
       nothing,
       true,
       "BUY",
       "confidence_gate",
       false,
       {"confidence_below_minimum"},
       false},
      {"too few factors are gated",
       decision(Action::buy, 0.8, {"RSI oversold", "rsi oversold "}),
       nothing,
       true,
       "BUY",
       "confidence_gate",
       false,
       {"too_few_factors"},
       false},
      {"confidence exactly at the minimum passes",
       decision(Action::buy, 0.60),
       nothing,
       true,
       "BUY",
       "execute",
       true,
       {},
       false},
      {"risk rejection is audited with its reason",
       decision(Action::sell),
       nothing,
       true,
       "SELL",
       "risk_rejected",
       false,
       {"short_selling_disabled"},
       false},
      {"oversized request is refused by risk",
       [] {
         auto d = decision(Action::buy);
         d.position_size = 0.5;
         return d;
       }(),
       nothing,
       true,
       "BUY",
       "risk_rejected",
       false,
       {"position_size_above_max"},
       false},
      {"risk and gate reasons are both audited",
       decision(Action::buy, 0.3),
       [](Fixture& f) { f.risk.kill_switch(); },
       true,
       "BUY",
       "risk_rejected",
       false,
       {"kill_switch", "confidence_below_minimum"},
       true},
      {"AUTONOMOUS_MODE off pauses execution",
       decision(Action::buy),
       [](Fixture& f) { f.options.autonomous_mode = false; },
       true,
       "BUY",
       "paused",
       false,
       {},
       false},
      {"audit failure halts and sends nothing",
       decision(Action::buy),
       nothing,
       false,
       "BUY",
       "audit_write_failed",
       false,
       {},
       true},
      {"audit failure on a HOLD halts too",
       decision(Action::hold),
       nothing,
       false,
       "HOLD",
       "audit_write_failed",
       false,
       {},
       true},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    Fixture f;
    row.setup(f);
    auto& loop = f.make();
    auto run = decide(loop, 0, row.decision, row.audit_ok);
    ASSERT_TRUE(run.ask);
    // The reply only ever asks for the audit write: never an order before the acknowledgement.
    ASSERT_EQ(run.replied.size(), 1u);
    auto audit = std::get<WriteAudit>(run.replied.front());
    EXPECT_EQ(audit.decision_id, run.ask->decision_id);
    for (const char* key : {"timestamp", "decision_type", "market_data", "ai_analysis",
                            "risk_validation", "final_decision", "execution"})
      EXPECT_TRUE(audit.record.contains(key)) << key;
    EXPECT_EQ(audit.record["decision_type"], row.decision_type);
    expect_store_accepts(audit.record, after_close(0, 2s));

    auto rows_out = all_of<RecordDecision>(run.acknowledged);
    ASSERT_EQ(rows_out.size(), 1u);
    const auto& recorded = rows_out.front();
    EXPECT_EQ(recorded.record["final_decision"]["reason"], row.reason);
    expect_store_accepts(recorded.record, after_close(0, 2s));
    EXPECT_EQ(recorded.timestamp, after_close(0, 2s));
    EXPECT_EQ(recorded.decision_id, run.ask->decision_id);
    EXPECT_EQ(recorded.action, row.decision.action == Action::buy    ? "BUY"
                               : row.decision.action == Action::sell ? "SELL"
                                                                     : "HOLD");
    EXPECT_EQ(recorded.provider, "gemini");
    EXPECT_EQ(recorded.executed, row.executed);
    EXPECT_EQ(count_of<PlaceOrder>(run.acknowledged), row.executed ? 1u : 0u);
    EXPECT_EQ(count_of<RiskHalted>(run.acknowledged), row.audit_ok ? 0u : 1u);
    EXPECT_EQ(recorded.record["execution"].is_null(), !row.executed);
    EXPECT_EQ(loop.status().trades_executed, row.executed ? 1u : 0u);
    EXPECT_EQ(f.risk.trading_state() == risk::TradingState::halted, row.halted_after);

    std::vector<std::string> reasons;
    const auto& validation = audit.record["risk_validation"];
    if (!validation.is_null()) {
      for (const auto& r : validation["rejections"]) reasons.push_back(r["reason"]);
      for (const auto& r : validation["confidence_gate"]["rejections"])
        reasons.push_back(r["reason"]);
      for (const auto& r : validation["rejections"])
        EXPECT_FALSE(r["message"].get<std::string>().empty());
    }
    EXPECT_EQ(reasons, std::vector<std::string>(row.rejections.begin(), row.rejections.end()));
    EXPECT_EQ(loop.status().decisions, 1u);
    EXPECT_FALSE(loop.in_flight(sym("BTCUSDT")));
  }
}

TEST(TradingDecisionLoop, TheBuyOrderIsSizedProtectedAndKeyedByTheDecision) {
  Fixture f;
  auto& loop = f.make();
  auto run = decide(loop, 0, decision(Action::buy));
  EXPECT_EQ(run.ask->decision_id, "BTCUSDT-1m-" + std::to_string(candle(0).open_time));
  // The row is recorded before the order goes out; the order is last.
  ASSERT_EQ(run.acknowledged.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<RecordDecision>(run.acknowledged[0]));
  auto order = std::get<PlaceOrder>(run.acknowledged[1]);
  EXPECT_EQ(order.request.client_order_id,
            paper::make_client_order_id(run.ask->decision_id, paper::OrderPurpose::entry));
  EXPECT_EQ(order.request.decision_id, run.ask->decision_id);
  EXPECT_EQ(order.request.side, paper::Side::buy);
  EXPECT_EQ(order.request.quantity, dec("0.01"));  // 5% of 10 000 at 50 000
  ASSERT_TRUE(order.request.protection);
  EXPECT_EQ(order.request.protection->stop_loss, dec("49000"));
  EXPECT_EQ(order.request.protection->take_profit, dec("52000"));
  auto execution = std::get<WriteAudit>(run.replied.front()).record["execution"];
  EXPECT_EQ(execution["client_order_id"], order.request.client_order_id);
  EXPECT_EQ(execution["quantity"], "0.01");
  EXPECT_EQ(f.risk.orders_in_last_minute(after_close(0, 3s)), 1u);

  loop.on_venue_event(paper::Fill{order.request.client_order_id, sym("BTCUSDT"), paper::Side::buy,
                                  dec("50010"), dec("0.01"), dec("0.5"), dec("0"), dec("0"), 1, 0});
  EXPECT_EQ(loop.history().back().result, "filled at 50010");
}

TEST(TradingDecisionLoop, AReplyAfterTheNextCandleClosedIsStale) {
  Fixture f;
  auto& loop = f.make();
  auto ask = all_of<AskAi>(loop.on_snapshot(candle(0)));
  ASSERT_EQ(ask.size(), 1u);
  // Candle 1 closes while the AI still thinks: no second request for the symbol.
  EXPECT_TRUE(loop.on_snapshot(candle(1)).empty());
  EXPECT_EQ(loop.status().candles_skipped_in_flight, 1u);
  auto replied = loop.on_ai_reply(ask[0].request_id, decision(Action::buy), {}, after_close(1, 1s));
  ASSERT_EQ(replied.size(), 1u);
  auto record = std::get<WriteAudit>(replied[0]).record;
  EXPECT_EQ(record["decision_type"], "stale");
  expect_store_accepts(record, after_close(1, 1s));
  EXPECT_EQ(record["final_decision"]["reason"], "stale");
  EXPECT_TRUE(record["risk_validation"].is_null());
  EXPECT_EQ(record["ai_analysis"]["action"], "BUY");
  auto acked = loop.on_audit_written(ask[0].decision_id, true, "", after_close(1, 2s));
  EXPECT_EQ(count_of<PlaceOrder>(acked), 0u);
  EXPECT_EQ(count_of<RecordDecision>(acked), 1u);
  EXPECT_EQ(loop.status().stale_decisions, 1u);
  EXPECT_EQ(loop.history().back().result, "stale");
  // The next candle decides again.
  EXPECT_EQ(count_of<AskAi>(loop.on_snapshot(candle(2))), 1u);
}

TEST(TradingDecisionLoop, TheClockAloneMakesAReplyStaleWhenTheFeedLags) {
  Fixture f;
  auto& loop = f.make();
  auto ask = all_of<AskAi>(loop.on_snapshot(candle(0)));
  ASSERT_EQ(ask.size(), 1u);
  // Exactly at the next close it is still in time; one millisecond later it is not.
  Fixture g;
  auto& twin = g.make();
  auto twin_ask = all_of<AskAi>(twin.on_snapshot(candle(0)));
  auto on_time =
      twin.on_ai_reply(twin_ask[0].request_id, decision(Action::buy), {}, after_close(1, 0ms));
  EXPECT_EQ(std::get<WriteAudit>(on_time[0]).record["decision_type"], "BUY");
  auto late = loop.on_ai_reply(ask[0].request_id, decision(Action::buy), {}, after_close(1, 1ms));
  EXPECT_EQ(std::get<WriteAudit>(late[0]).record["decision_type"], "stale");
}

TEST(TradingDecisionLoop, OneDecisionInFlightPerSymbolUntilItsAuditIsAnswered) {
  Fixture f;
  auto& loop = f.make();
  auto btc = all_of<AskAi>(loop.on_snapshot(candle(0)));
  auto eth = all_of<AskAi>(loop.on_snapshot(candle(0, "ETHUSDT", 3000)));
  ASSERT_EQ(btc.size(), 1u);
  ASSERT_EQ(eth.size(), 1u);  // symbols are independent
  EXPECT_NE(btc[0].request_id, eth[0].request_id);
  EXPECT_TRUE(loop.in_flight(sym("BTCUSDT")));
  loop.on_ai_reply(btc[0].request_id, decision(Action::hold), {}, after_close(0, 1s));
  // Replied but not yet audited: still in flight, and a replayed reply changes nothing.
  EXPECT_TRUE(loop.in_flight(sym("BTCUSDT")));
  EXPECT_TRUE(
      loop.on_ai_reply(btc[0].request_id, decision(Action::buy), {}, after_close(0, 1s)).empty());
  EXPECT_TRUE(loop.on_snapshot(candle(1)).empty());
  EXPECT_EQ(loop.status().candles_skipped_in_flight, 1u);
  loop.on_audit_written(btc[0].decision_id, true, "", after_close(1, 1s));
  EXPECT_FALSE(loop.in_flight(sym("BTCUSDT")));
  EXPECT_TRUE(loop.on_audit_written(btc[0].decision_id, true, "", after_close(1, 1s)).empty());
  EXPECT_EQ(loop.status().unknown_replies, 2u);
  EXPECT_EQ(count_of<AskAi>(loop.on_snapshot(candle(2))), 1u);
}

TEST(TradingDecisionLoop, TheToggleKeepsDecidingAndAuditingButSendsNothing) {
  Fixture f;
  auto& loop = f.make();
  loop.set_autonomous(false);
  auto paused = decide(loop, 0, decision(Action::buy));
  EXPECT_EQ(count_of<WriteAudit>(paused.replied), 1u);
  EXPECT_EQ(count_of<RecordDecision>(paused.acknowledged), 1u);
  EXPECT_EQ(count_of<PlaceOrder>(paused.acknowledged), 0u);
  EXPECT_EQ(loop.status().paused, 1u);
  EXPECT_EQ(to_json(loop.status(), loop.autonomous())["enabled"], false);
  loop.set_autonomous(true);
  auto resumed = decide(loop, 1, decision(Action::buy));
  EXPECT_EQ(count_of<PlaceOrder>(resumed.acknowledged), 1u);
}

TEST(TradingDecisionLoop, AnAuditFailureHaltsAndLaterEntriesAreRefused) {
  Fixture f;
  auto& loop = f.make();
  auto failed = decide(loop, 0, decision(Action::buy), false);
  auto halted = all_of<RiskHalted>(failed.acknowledged);
  ASSERT_EQ(halted.size(), 1u);
  EXPECT_NE(halted[0].message.find("No space left on device"), std::string::npos);
  EXPECT_EQ(f.risk.trading_state(), risk::TradingState::halted);
  EXPECT_EQ(loop.status().audit_failures, 1u);
  EXPECT_EQ(loop.history().back().result, "not_sent: audit write failed");
  auto next = decide(loop, 1, decision(Action::buy));
  EXPECT_EQ(count_of<PlaceOrder>(next.acknowledged), 0u);
  EXPECT_EQ(
      std::get<WriteAudit>(next.replied[0]).record["risk_validation"]["rejections"][0]["reason"],
      "trading_halted");
}

TEST(TradingDecisionLoop, AHaltBeforeTheAuditAckStillStopsTheEntry) {
  Fixture f;
  auto& loop = f.make();
  auto run = decide(loop, 0, decision(Action::buy), true, [&] { f.risk.kill_switch(); });
  EXPECT_EQ(count_of<PlaceOrder>(run.acknowledged), 0u);
  const auto row = all_of<RecordDecision>(run.acknowledged).front();
  EXPECT_FALSE(row.executed);
  // The row contradicts neither itself nor the orders table: nothing was sent.
  EXPECT_EQ(row.record["final_decision"]["execute"], false);
  EXPECT_EQ(row.record["final_decision"]["reason"], "halted_before_send");
  EXPECT_TRUE(row.record["execution"].is_null());
  EXPECT_EQ(loop.history().back().result, "not_sent: trading halted");
  EXPECT_EQ(loop.status().trades_executed, 0u);
}

TEST(TradingDecisionLoop, AnAiErrorIsAuditedAsNoTrade) {
  Fixture f;
  auto& loop = f.make();
  auto ask = all_of<AskAi>(loop.on_snapshot(candle(0)));
  auto replied = loop.on_ai_error(ask[0].request_id, "pool timed out", after_close(0, 9s));
  auto record = std::get<WriteAudit>(replied.at(0)).record;
  EXPECT_EQ(record["decision_type"], "ai_error");
  expect_store_accepts(record, after_close(0, 9s));
  EXPECT_TRUE(record["ai_analysis"].is_null());
  EXPECT_EQ(record["final_decision"]["message"], "pool timed out");
  auto acked = loop.on_audit_written(ask[0].decision_id, true, "", after_close(0, 10s));
  EXPECT_EQ(all_of<RecordDecision>(acked).front().action, "HOLD");
  EXPECT_EQ(loop.status().ai_errors, 1u);
}

TEST(TradingDecisionLoop, IgnoresWhatIsNotItsToDecide) {
  Fixture f;
  auto& loop = f.make();
  auto other_interval = candle(0);
  other_interval.interval = core::Interval::m5;
  EXPECT_TRUE(loop.on_snapshot(other_interval).empty());
  EXPECT_TRUE(loop.on_snapshot(candle(0, "SOLUSDT", 150)).empty());
  auto cold = candle(0);
  cold.warmed_up = false;
  EXPECT_TRUE(loop.on_snapshot(cold).empty());
  EXPECT_EQ(loop.status().candles_skipped_warm_up, 1u);
  // The same candle again, or an older one, starts nothing.
  EXPECT_TRUE(loop.on_snapshot(candle(0)).empty());
  EXPECT_EQ(loop.status().loop_iterations, 1u);
  EXPECT_TRUE(loop.on_ai_reply(12345, decision(Action::buy), {}, after_close(0)).empty());
  EXPECT_TRUE(loop.on_audit_written("nope", false, "x", after_close(0)).empty());
  EXPECT_EQ(f.risk.trading_state(), risk::TradingState::active);
}

TEST(TradingDecisionLoop, CountersAndTheLastTwentyDecisions) {
  Fixture f;
  auto& loop = f.make();
  for (int n = 0; n < 25; ++n) {
    auto ask = all_of<AskAi>(loop.on_snapshot(candle(n)));
    ASSERT_EQ(ask.size(), 1u);
    AiReplyInfo info;
    info.primary_failed = n % 5 == 0;
    info.backup_used = n % 5 == 0;
    auto d = decision(Action::hold, 0.5 + n / 100.0);
    d.reasoning = "hold " + std::to_string(n);
    loop.on_ai_reply(ask[0].request_id, d, info, after_close(n, 1s));
    loop.on_audit_written(ask[0].decision_id, true, "", after_close(n, 1s));
  }
  ASSERT_EQ(loop.history().size(), 20u);
  EXPECT_EQ(loop.history().front().reasoning, "hold 5");
  EXPECT_EQ(loop.history().back().reasoning, "hold 24");
  auto status = to_json(loop.status(), loop.autonomous());
  EXPECT_EQ(status["loop_iterations"], 25);
  EXPECT_EQ(status["primary_ai_failures"], 5);
  EXPECT_EQ(status["backup_service_used"], 5);
  EXPECT_DOUBLE_EQ(status["current_confidence"].get<double>(), 0.74);
  EXPECT_EQ(status["last_decision_time"], format_timestamp(after_close(24, 1s)));
  auto entry = to_json(loop.history().back());
  EXPECT_EQ(entry["market_conditions"]["trend"], "up");
  EXPECT_EQ(entry["market_conditions"]["rsi"], 31.5);
  EXPECT_EQ(entry["action"], "HOLD");
  EXPECT_EQ(entry["result"], "hold");
}

TEST(TradingAuditJson, TimestampsAreRfc3339UtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(TimePoint{std::chrono::milliseconds{1'700'000'000'123}}),
            "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_timestamp(TimePoint{}), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace autotrader::trading::test
