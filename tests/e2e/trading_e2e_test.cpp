// The autonomous loop end to end: the real `autotrader run` (simulated market, paper broker) with
// a fake_llm_server process as Gemini, the primary. Decisions flow into paper trades and the
// operator API answers in its documented shape; after the daemon stops, the audit trail and the
// SQLite decisions, orders, fills and trades agree one to one. Gated, paused, kill-switched and
// stale decisions are audited and never executed; the write endpoints need the token; a file-size
// limit that stops the audit trail halts trading without a crash and without an unaudited order;
// a restart keeps the position, its protection and HALTED.
#include <signal.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/decimal.hpp"
#include "store/audit_record.hpp"
#include "tests/e2e/daemon_fixture.hpp"
#include "tests/e2e/trading_e2e_support.hpp"
#include "tests/support/http_client.hpp"
#include "venues/paper/client_order_id.hpp"

#ifndef FAKE_LLM_SERVER
#error "FAKE_LLM_SERVER must name the fake_llm_server program"
#endif

namespace autotrader::test {
namespace {

using namespace trading_e2e;
using nlohmann::json;
using namespace std::chrono_literals;

class TradingE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(fake_.port(), 0) << "fake_llm_server did not start";
    auto& env = daemon_.env;
    env["AUTOTRADER_HTTP_PORT"] = "0";
    env["AUTOTRADER_MARKET_SYMBOLS"] = kSymbol;
    // A 1m candle every 100 ms: 50 candles of warm-up take 5 s, and an analysis (two turns to
    // the fake) takes far less than a candle, so decisions are not stale.
    env["AUTOTRADER_SIM_BAR_PERIOD_SECONDS"] = "0.1";
    // Many small entries on one symbol within a minute: neither the order rate nor the symbol's
    // exposure may refuse them (those rules have their own scenario tests).
    env["AUTOTRADER_RISK_MAX_ORDERS_PER_MINUTE"] = "0";
    env["AUTOTRADER_RISK_MAX_SYMBOL_EXPOSURE"] = "1";
    env["AUTOTRADER_API_TOKEN"] = kToken;
    fake_.point_at(env);
  }

  void TearDown() override {
    if (process_) Stop();
  }

  // Starts `autotrader run` (behind `prefix`, e.g. prlimit) and waits for its HTTP port.
  void Start(const std::vector<std::string>& prefix = {}) {
    ProcessOptions options;
    options.argv = prefix;
    options.argv.push_back(AUTOTRADER_EXE);
    options.argv.push_back("run");
    options.env = daemon_.env;
    options.cwd = daemon_.dir();
    process_ = std::make_unique<Process>(options);
    auto port = wait_for_http_port(*process_);
    ASSERT_TRUE(port.has_value()) << process_->output();
    port_ = *port;
  }

  // SIGTERM and the exit code (-1 when it did not stop in time); the output stays in output_.
  int Stop() {
    process_->signal(SIGTERM);
    auto code = process_->wait(kStopDeadline);
    output_ += process_->output();
    process_.reset();
    return code.value_or(-1);
  }

  json get_json(const std::string& target) {
    auto result = http_get(port_, target);
    EXPECT_EQ(result.status, 200) << target << ": " << result.body << result.error;
    return json::parse(result.body, nullptr, false);
  }
  json status() { return get_json("/api/autonomous-status"); }
  std::string metrics() { return http_get(port_, "/metrics").body; }

  HttpResult post(const std::string& target, const std::string& body,
                  const std::string& token = kToken) {
    Headers headers{{"Content-Type", "application/json"}};
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return http_request(port_, "POST", target, body, headers);
  }

  // The audit trail's records so far: whole lines only (the daemon may be writing the next);
  // every whole line must parse.
  std::vector<json> audit() const {
    const auto text = daemon_.read_file(kAuditFile);
    std::vector<json> records;
    std::size_t start = 0;
    for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
      auto line = text.substr(start, nl - start);
      auto record = json::parse(line, nullptr, false);
      EXPECT_TRUE(record.is_object()) << "audit line " << records.size() + 1 << ": " << line;
      if (record.is_object() && !record.contains("filler")) records.push_back(std::move(record));
      start = nl + 1;
    }
    return records;
  }

  // Reads `read()` until `ready` holds, the deadline passes or the daemon exits; the last value.
  // Between reads it waits up to 20 ms for the daemon to exit, which also drains its output (a
  // full pipe would block its logging).
  template <typename Read, typename Ready>
  auto poll(Read read, Ready ready, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    for (;;) {
      auto value = read();
      if (ready(value)) return value;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "timed out waiting for " << what;
        return value;
      }
      if (process_->wait(20ms)) {
        ADD_FAILURE() << "the daemon exited while waiting for " << what << "\n"
                      << process_->output();
        return value;
      }
    }
  }
  // Stops the daemon with SIGTERM whenever it comes. A decision between its audit write and
  // the order may be cut off: its row (written with the audit line) then says not executed and
  // no order exists; expect_records_agree allows one such decision per stop.
  int StopBetweenDecisions() { return Stop(); }

  json status_when(const std::function<bool(const json&)>& ready, const std::string& what) {
    return poll([this] { return status(); }, ready, what);
  }
  std::vector<json> audit_when(const std::function<bool(const std::vector<json>&)>& ready,
                               const std::string& what) {
    return poll([this] { return audit(); }, ready, what);
  }

  // The checks every run must pass once the daemon has stopped: each audit line has the
  // documented shape; audit records and `decisions` rows agree one to one; an executed decision
  // has exactly one order of its own (entry or exit) with the derived client order id, and no
  // other decision has one; every order belongs to a recorded decision; fills match their orders
  // and each fill has its trade row.
  // `halt_may_race`: a halt (the kill switch) may land between a decision's audit write and its
  // acknowledgement; the loop then does not send the order (trading/README.md), so the row says
  // not executed while the audit line, written before, says execute. Allowed only then, and only
  // without an order.
  void expect_records_agree(const std::vector<json>& records, const Database& db,
                            bool halt_may_race = false) {
    std::set<std::string> audited;
    int interrupted = 0;
    for (const auto& record : records) {
      auto shape = store::validate_audit_record(record);
      EXPECT_TRUE(static_cast<bool>(shape))
          << (shape ? "" : shape.error().message) << record.dump();
      for (const char* key :
           {"timestamp", "decision_type", "market_data", "ai_analysis", "risk_validation",
            "final_decision", "execution", "decision_id", "symbol"}) {
        EXPECT_TRUE(record.contains(key)) << key << " missing: " << record.dump();
      }
      const auto id = record.value("decision_id", "");
      EXPECT_TRUE(audited.insert(id).second) << "two audit records for " << id;
      EXPECT_EQ(executed(record), !record.at("execution").is_null()) << record.dump();
      auto row = db.decisions.find(id);
      if (row == db.decisions.end()) {
        ADD_FAILURE() << "audited decision " << id << " has no decisions row";
        continue;
      }
      EXPECT_EQ(row->second.action, record.at("final_decision").value("action", "")) << id;
      if (halt_may_race && executed(record) && !row->second.executed) {
        ++halt_races_;
        continue;
      }
      if (executed(record) && !row->second.executed) {
        // Cut off by the stop after its audit line: allowed once, and only without an order
        // (checked below: a decision not executed owns no order).
        ++interrupted;
        continue;
      }
      EXPECT_EQ(row->second.executed, executed(record)) << id;
    }
    EXPECT_LE(interrupted, 1) << "decisions cut off between their audit line and their order";
    for (const auto& [id, row] : db.decisions) {
      // A decision whose audit write failed is recorded (reason audit_write_failed), never
      // audited, never executed.
      if (audited.count(id) != 0) continue;
      EXPECT_EQ(reason_of(row.record), "audit_write_failed") << id << " has no audit record";
      EXPECT_FALSE(row.executed) << id;
    }

    for (const auto& [id, row] : db.decisions) {
      std::size_t own = 0;
      for (auto purpose : {paper::OrderPurpose::entry, paper::OrderPurpose::exit}) {
        auto order = db.orders.find(paper::make_client_order_id(id, purpose));
        if (order == db.orders.end()) continue;
        ++own;
        EXPECT_EQ(order->second.decision_id, id);
        EXPECT_EQ(order->second.type, "MARKET");
      }
      EXPECT_EQ(own, row.executed ? 1u : 0u) << "orders of decision " << id;
    }
    for (const auto& [client_id, order] : db.orders) {
      EXPECT_EQ(db.decisions.count(order.decision_id), 1u)
          << "order " << client_id << " of unknown decision " << order.decision_id;
      bool derived = false;
      for (auto purpose : kPurposes) {
        derived = derived || client_id == paper::make_client_order_id(order.decision_id, purpose);
      }
      EXPECT_TRUE(derived) << client_id << " is not derived from " << order.decision_id;
    }

    std::map<std::string, core::Decimal> filled;
    for (const auto& fill : db.fills) {
      if (db.orders.count(fill.client_order_id) == 0) {
        ADD_FAILURE() << "fill of unknown order " << fill.client_order_id;
        continue;
      }
      auto& sum = filled[fill.client_order_id];
      sum = core::add(sum, decimal(fill.quantity)).value_or(core::Decimal{});
    }
    for (const auto& [client_id, order] : db.orders) {
      auto sum = filled.count(client_id) != 0 ? filled.at(client_id) : core::Decimal{};
      if (order.status == "FILLED") {
        EXPECT_EQ(core::Decimal::compare(sum, decimal(order.quantity)), 0)
            << client_id << " FILLED " << order.quantity << " but fills sum to " << sum.to_string();
      } else {
        EXPECT_LT(core::Decimal::compare(sum, decimal(order.quantity)), 0) << client_id;
      }
    }
    std::multiset<std::string> fill_orders;
    for (const auto& fill : db.fills) fill_orders.insert(fill.client_order_id);
    std::multiset<std::string> trade_orders(db.trade_order_ids.begin(), db.trade_order_ids.end());
    EXPECT_EQ(trade_orders, fill_orders) << "individual_trades and fills differ";
  }

  FakeGemini fake_;
  DaemonFixture daemon_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
  std::string output_;
  std::size_t halt_races_ = 0;  // see expect_records_agree
};

// ---------------------------------------------------------------------------------------------

// Proves: with Gemini (the fake) as primary, BUY decisions become paper trades on their own; the
// status, history, positions and trades endpoints answer with every documented field; the
// decisions metric names gemini; and after SIGTERM the audit trail, the decisions, orders, fills
// and trades tables agree. A HOLD first shows HOLD is audited and not executed.
TEST_F(TradingE2eTest, DecisionsFlowIntoPaperTradesAndEveryRecordAgrees) {
  fake_.answer_with(answer("HOLD", 0.7, {"no_edge"}));
  Start();
  auto records = audit_when(
      [](const std::vector<json>& r) {
        return count_records(r, [](const json& x) { return x.at("decision_type") == "HOLD"; }) > 0;
      },
      "a HOLD decision");
  fake_.answer_with(buy());
  auto s = status_when([](const json& x) { return counter(x, "trades_executed") >= 2; },
                       "two trades executed");
  ASSERT_GE(counter(s, "trades_executed"), 2) << s.dump();
  for (const char* key : {"enabled", "mode", "is_running", "trades_executed", "last_decision_time",
                          "current_confidence", "active_positions", "loop_iterations",
                          "primary_ai_failures", "backup_service_used"}) {
    EXPECT_TRUE(s.contains(key)) << key << " missing: " << s.dump();
  }
  EXPECT_EQ(s.at("enabled"), true);
  EXPECT_EQ(s.at("mode"), "sim");
  EXPECT_EQ(s.at("is_running"), true);
  EXPECT_TRUE(s.at("last_decision_time").is_string()) << s.dump();
  EXPECT_TRUE(s.at("current_confidence").is_number()) << s.dump();
  EXPECT_GE(s.at("loop_iterations").get<long>(), s.at("trades_executed").get<long>());
  EXPECT_EQ(s.at("primary_ai_failures"), 0);
  EXPECT_EQ(s.at("backup_service_used"), 0);
  EXPECT_EQ(risk_text(s, "trading_state"), "ACTIVE") << s.dump();

  s = status_when([](const json& x) { return counter(x, "active_positions") == 1; },
                  "the position in the status");
  EXPECT_EQ(counter(s, "active_positions"), 1) << s.dump();

  auto history = get_json("/api/autonomous-history");
  const auto& decisions = history.at("decisions");
  ASSERT_FALSE(decisions.empty()) << history.dump();
  EXPECT_LE(decisions.size(), 20u);
  bool filled = false;
  for (const auto& entry : decisions) {
    for (const char* key : {"market_conditions", "reasoning", "confidence", "action", "result"}) {
      EXPECT_TRUE(entry.contains(key)) << key << " missing: " << entry.dump();
    }
    filled = filled || (entry.value("action", "") == "BUY" &&
                        entry.value("result", "").find("filled") != std::string::npos);
  }
  EXPECT_TRUE(filled) << "no BUY in the history shows its fill: " << history.dump();

  auto positions =
      poll([this] { return get_json("/api/positions"); },
           [](const json& p) { return p.value("positions", json::array()).size() == 1; },
           "one position");
  ASSERT_EQ(positions.at("positions").size(), 1u) << positions.dump();
  const auto& position = positions.at("positions")[0];
  EXPECT_EQ(position.at("symbol"), kSymbol);
  ASSERT_TRUE(position.at("stop_loss").is_string()) << position.dump();
  ASSERT_TRUE(position.at("take_profit").is_string()) << position.dump();
  const double entry = std::stod(position.at("average_entry_price").get<std::string>());
  EXPECT_LT(std::stod(position.at("stop_loss").get<std::string>()), entry);
  EXPECT_GT(std::stod(position.at("take_profit").get<std::string>()), entry);

  // A market order fills at the next price, a candle after it was sent.
  auto buys = [](const json& trades) {
    std::size_t n = 0;
    for (const auto& trade : trades.value("trades", json::array())) {
      if (trade.value("ticker", "") == kSymbol && trade.value("action", "") == "BUY") ++n;
    }
    return n;
  };
  auto trades = poll([this] { return get_json("/api/trades?limit=100"); },
                     [&](const json& t) { return buys(t) >= 2; }, "two BUY fills in the trades");
  EXPECT_GE(buys(trades), 2u) << trades.dump();
  EXPECT_EQ(http_get(port_, "/api/trades?limit=0").status, 400);

  const auto exposition = metrics();
  EXPECT_GE(metric(exposition, R"(autotrader_decisions_total{action="BUY",provider="gemini"})")
                .value_or(0),
            2)
      << exposition;
  EXPECT_GE(metric(exposition, R"(autotrader_decisions_total{action="HOLD",provider="gemini"})")
                .value_or(0),
            1);
  EXPECT_EQ(metric(exposition, R"(autotrader_trading_state{state="ACTIVE"})"), 1.0);
  EXPECT_GT(fake_.requests(), 0);

  ASSERT_EQ(StopBetweenDecisions(), 0) << output_;
  records = audit();
  auto db = Database::read(daemon_.path("data/autotrader.db"));
  EXPECT_EQ(records.size(), db.decisions.size());
  expect_records_agree(records, db);
  std::size_t holds = 0;
  for (const auto& record : records) {
    if (record.at("decision_type") != "HOLD") continue;
    ++holds;
    EXPECT_EQ(reason_of(record), "hold");
    EXPECT_FALSE(executed(record));
  }
  EXPECT_GE(holds, 1u);
  EXPECT_GE(count_records(records, executed), 2u);
  EXPECT_FALSE(db.fills.empty());
  for (const auto& text : {output_, daemon_.read_file(kAuditFile), s.dump(), history.dump()}) {
    EXPECT_EQ(text.find(kGeminiKey), std::string::npos) << "the Gemini key leaked";
  }
}

// Proves: answers below the minimum confidence or with too few factors are audited as
// confidence_gate and never executed, while a good answer right after executes (so the gate,
// not something else, held them back); with the toggle off, decisions go on (loop_iterations
// grows, "paused" records) and nothing more executes.
TEST_F(TradingE2eTest, TheGateHoldsBackWeakAnswersAndTheTogglePausesExecution) {
  fake_.answer_with(answer("BUY", 0.4, kThreeFactors));
  Start();
  auto gated_for = [](const std::string& reason) {
    return [reason](const std::vector<json>& records) {
      return count_records(records, [&](const json& r) {
               return reason_of(r) == "confidence_gate" && refused_for(r, reason);
             }) > 0;
    };
  };
  audit_when(gated_for("confidence_below_minimum"), "a decision gated for low confidence");
  fake_.answer_with(answer("BUY", 0.85, {"rsi_oversold"}));
  audit_when(gated_for("too_few_factors"), "a decision gated for too few factors");
  EXPECT_EQ(counter(status(), "trades_executed"), 0);

  fake_.answer_with(buy());
  status_when([](const json& s) { return counter(s, "trades_executed") >= 1; }, "a trade");

  auto toggled = post("/api/autonomous-toggle", R"({"enabled":false})");
  ASSERT_EQ(toggled.status, 200) << toggled.body;
  EXPECT_EQ(json::parse(toggled.body), (json{{"enabled", false}, {"previous", true}}));
  EXPECT_EQ(status().at("enabled"), false);
  EXPECT_EQ(metric(metrics(), "autotrader_autonomous_enabled"), 0.0);

  auto is_paused = [](const json& r) { return reason_of(r) == "paused"; };
  audit_when([&](const std::vector<json>& r) { return count_records(r, is_paused) >= 1; },
             "a paused decision");
  // One decision in flight per symbol, and the paused one came after the last executed one:
  // from here the count must stay.
  const auto before = status();
  const auto trades = counter(before, "trades_executed");
  const auto iterations = counter(before, "loop_iterations");
  auto records =
      audit_when([&](const std::vector<json>& r) { return count_records(r, is_paused) >= 4; },
                 "four paused decisions");
  const auto after = status();
  EXPECT_EQ(counter(after, "trades_executed"), trades) << after.dump();
  EXPECT_GT(counter(after, "loop_iterations"), iterations);
  EXPECT_GE(counter(after, "paused"), 4);

  ASSERT_EQ(StopBetweenDecisions(), 0) << output_;
  records = audit();
  auto db = Database::read(daemon_.path("data/autotrader.db"));
  expect_records_agree(records, db);
  bool paused_seen = false;
  for (const auto& record : records) {
    const auto reason = reason_of(record);
    if (reason == "confidence_gate" || reason == "paused") {
      EXPECT_FALSE(executed(record)) << record.dump();
      EXPECT_TRUE(record.at("execution").is_null());
      EXPECT_EQ(record.at("risk_validation").value("approved", false), true)
          << "risk approved; only the " << reason << " held it back: " << record.dump();
    }
    // Nothing executes after the first paused decision.
    paused_seen = paused_seen || reason == "paused";
    if (paused_seen) {
      EXPECT_FALSE(executed(record)) << record.dump();
    }
  }
}

// Proves: the kill switch halts trading at once (status, metric), entries are then refused with
// reason kill_switch in the audit and not executed, and releasing it resumes trading. The write
// endpoints refuse a missing or wrong token (401) and bad JSON (400).
TEST_F(TradingE2eTest, TheKillSwitchHaltsEntriesUntilReleased) {
  fake_.answer_with(buy());
  Start();
  status_when([](const json& s) { return counter(s, "trades_executed") >= 1; }, "a trade");

  auto missing = post("/api/kill-switch", "{}", "");
  EXPECT_EQ(missing.status, 401) << missing.body;
  EXPECT_NE(missing.header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(post("/api/kill-switch", "{}", "not-the-token").status, 401);
  EXPECT_EQ(post("/api/autonomous-toggle", "{}", "not-the-token").status, 401);
  auto bad = post("/api/kill-switch", R"({"engaged":)");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("JSON"), std::string::npos) << bad.body;
  EXPECT_EQ(post("/api/autonomous-toggle", "[true]").status, 400);
  EXPECT_EQ(post("/api/kill-switch", R"({"engaged":"yes"})").status, 400);
  EXPECT_EQ(risk_text(status(), "trading_state"), "ACTIVE")  // nothing was changed
      << status().dump();

  auto engaged = post("/api/kill-switch", R"({"engaged":true,"reason":"e2e drill"})");
  ASSERT_EQ(engaged.status, 200) << engaged.body;
  EXPECT_EQ(json::parse(engaged.body).at("risk").value("trading_state", ""), "HALTED")
      << engaged.body;
  auto s = status();
  EXPECT_EQ(risk_text(s, "trading_state"), "HALTED") << s.dump();
  EXPECT_EQ(risk_flag(s, "kill_switch"), true);
  EXPECT_NE(risk_text(s, "halt_message").find("e2e drill"), std::string::npos) << s.dump();
  const auto exposition = metrics();
  EXPECT_EQ(metric(exposition, R"(autotrader_trading_state{state="HALTED"})"), 1.0) << exposition;
  EXPECT_EQ(metric(exposition, R"(autotrader_trading_state{state="ACTIVE"})"), 0.0);
  EXPECT_EQ(metric(exposition, "autotrader_kill_switch_engaged"), 1.0);

  auto killed = [](const json& r) {
    return reason_of(r) == "risk_rejected" && refused_for(r, "kill_switch");
  };
  audit_when([&](const std::vector<json>& r) { return count_records(r, killed) >= 1; },
             "an entry refused for the kill switch");
  const auto trades = counter(status(), "trades_executed");
  audit_when([&](const std::vector<json>& r) { return count_records(r, killed) >= 3; },
             "three entries refused for the kill switch");
  EXPECT_EQ(counter(status(), "trades_executed"), trades);
  // Counted once the decision is recorded, just after its audit line.
  const std::string rejections = R"(autotrader_risk_rejections_total{reason="kill_switch"})";
  auto counted = poll([&] { return metric(metrics(), rejections).value_or(0); },
                      [](double n) { return n >= 3; }, "three kill_switch rejections counted");
  EXPECT_GE(counted, 3);

  auto released = post("/api/kill-switch", R"({"engaged":false})");
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(json::parse(released.body).at("risk").value("trading_state", ""), "ACTIVE");
  s = status_when([&](const json& x) { return counter(x, "trades_executed") > trades; },
                  "a trade after the release");
  EXPECT_EQ(risk_flag(s, "kill_switch"), false);
  EXPECT_EQ(metric(metrics(), R"(autotrader_trading_state{state="HALTED"})"), 0.0);

  ASSERT_EQ(StopBetweenDecisions(), 0) << output_;
  auto records = audit();
  expect_records_agree(records, Database::read(daemon_.path("data/autotrader.db")), true);
  EXPECT_LE(halt_races_, 1u);  // only the decision in flight when the switch was engaged
  for (const auto& record : records) {
    if (refused_for(record, "kill_switch")) {
      EXPECT_FALSE(executed(record)) << record.dump();
    }
  }
  EXPECT_NE(output_.find("kill switch engaged: e2e drill"), std::string::npos) << output_;
}

// Proves: with no token configured the write endpoints are disabled and say how to enable them
// (403), while the read endpoints answer.
TEST_F(TradingE2eTest, WithoutATokenTheWriteEndpointsAreDisabled) {
  daemon_.env.erase("AUTOTRADER_API_TOKEN");
  Start();
  for (const char* target : {"/api/kill-switch", "/api/autonomous-toggle"}) {
    auto refused = post(target, "{}");
    EXPECT_EQ(refused.status, 403) << target << ": " << refused.body;
    EXPECT_NE(refused.body.find("AUTOTRADER_API_TOKEN"), std::string::npos) << refused.body;
  }
  auto s = status();
  EXPECT_EQ(s.at("enabled"), true);
  EXPECT_NE(risk_text(s, "trading_state"), "HALTED") << s.dump();
}

// Proves: an answer that arrives after the next candle has closed (the fake is slower than a
// candle) is counted in the status, audited as decision_type "stale" and never executed, though
// the answer itself is a BUY that would execute.
TEST_F(TradingE2eTest, AnAnswerSlowerThanACandleIsStaleAndNotExecuted) {
  daemon_.env["AUTOTRADER_SIM_BAR_PERIOD_SECONDS"] = "0.05";
  fake_.answer_with(buy());
  fake_.delay_responses(150ms);  // two turns: 300 ms, six candles
  Start();
  auto s = status_when([](const json& x) { return counter(x, "stale_decisions") >= 2; },
                       "two stale decisions");
  EXPECT_GE(counter(s, "stale_decisions"), 2) << s.dump();
  EXPECT_EQ(counter(s, "trades_executed"), 0);
  EXPECT_GT(counter(s, "candles_skipped_in_flight"), 0);

  ASSERT_EQ(StopBetweenDecisions(), 0) << output_;
  auto records = audit();
  auto db = Database::read(daemon_.path("data/autotrader.db"));
  expect_records_agree(records, db);
  std::size_t stale = 0;
  for (const auto& record : records) {
    if (record.at("decision_type") != "stale") continue;
    ++stale;
    EXPECT_EQ(reason_of(record), "stale");
    EXPECT_EQ(record.at("final_decision").value("action", ""), "BUY");
    EXPECT_FALSE(executed(record));
    EXPECT_TRUE(record.at("risk_validation").is_null()) << record.dump();
    EXPECT_TRUE(record.at("ai_analysis").is_object()) << record.dump();
  }
  EXPECT_GE(stale, 2u);
  EXPECT_TRUE(db.orders.empty()) << db.orders.size() << " orders";
}

// Proves: when the audit trail cannot grow (a file-size limit, as a full disk), the daemon keeps
// running, risk goes HALTED with a message that says so (status and log), the storage failure is
// counted, and no order exists for a decision without its audit line. The limit applies to
// every file of the process; the audit trail is filled up to just below it beforehand (with
// lines dated 2099, so no rotation moves them away), so the audit trail is the file that hits
// it, after a few records.
TEST_F(TradingE2eTest, AFullAuditTrailHaltsTradingWithoutCrashOrUnauditedOrder) {
  constexpr std::size_t kLimit = 8 << 20;
  constexpr std::size_t kRoomForRecords = 12'000;  // a few records of about 2.5 kB
  {
    const json filler{{"timestamp", "2099-01-01T00:00:00.000Z"},
                      {"decision_type", "HOLD"},
                      {"market_data", {{"padding", std::string(4000, 'x')}}},
                      {"ai_analysis", nullptr},
                      {"risk_validation", nullptr},
                      {"final_decision", {{"action", "HOLD"}, {"execute", false}}},
                      {"execution", nullptr},
                      {"filler", true}};
    const auto line = filler.dump() + "\n";
    std::string text;
    while (text.size() + line.size() <= kLimit - kRoomForRecords) text += line;
    std::filesystem::create_directories(daemon_.path("data/logs"));
    daemon_.write_file(kAuditFile, text);
  }
  fake_.answer_with(buy());
  Start({"/usr/bin/prlimit", "--fsize=" + std::to_string(kLimit)});

  auto s = status_when([](const json& x) { return risk_text(x, "trading_state") == "HALTED"; },
                       "HALTED");
  ASSERT_EQ(risk_text(s, "trading_state"), "HALTED") << s.dump();
  const auto message = risk_text(s, "halt_message");
  EXPECT_NE(message.find("audit"), std::string::npos) << message;
  EXPECT_GE(counter(s, "audit_failures"), 1) << s.dump();
  // Still serving, still deciding: a crash would have ended it.
  const auto iterations = counter(s, "loop_iterations");
  s = status_when([&](const json& x) { return counter(x, "loop_iterations") > iterations + 5; },
                  "more candles after the halt");
  EXPECT_EQ(s.at("is_running"), true);
  const auto exposition = metrics();
  EXPECT_GT(metric(exposition, "autotrader_storage_failures_total").value_or(0), 0) << exposition;
  EXPECT_EQ(metric(exposition, R"(autotrader_trading_state{state="HALTED"})"), 1.0);
  EXPECT_GE(
      metric(exposition, R"(autotrader_decision_outcomes_total{outcome="audit_write_failed"})")
          .value_or(0),
      1);

  ASSERT_EQ(StopBetweenDecisions(), 0) << output_;
  EXPECT_NE(output_.find("trading halted: audit write failed"), std::string::npos) << output_;
  EXPECT_EQ(std::filesystem::file_size(daemon_.path(kAuditFile)) <= kLimit, true);
  auto records = audit();  // every line parses: the failed writes left no torn line
  auto db = Database::read(daemon_.path("data/autotrader.db"));
  expect_records_agree(records, db);
  std::set<std::string> audited;
  for (const auto& record : records) audited.insert(record.value("decision_id", ""));
  std::size_t unaudited = 0;
  for (const auto& [id, row] : db.decisions) {
    if (audited.count(id) == 0) ++unaudited;
  }
  EXPECT_GE(unaudited, 1u) << "no decision's audit write failed";
  for (const auto& [client_id, order] : db.orders) {
    EXPECT_EQ(audited.count(order.decision_id), 1u)
        << "order " << client_id << " for a decision without its audit line";
  }
  EXPECT_EQ(risk_text(db.trading_state, "trading_state"), "HALTED") << db.trading_state.dump();
}

// Proves: a position with its protective levels and the kill switch's HALTED are persisted and
// come back after SIGTERM and a start on the same data directory.
TEST_F(TradingE2eTest, ARestartKeepsThePositionItsProtectionAndHalted) {
  fake_.answer_with(buy());
  Start();
  poll([this] { return get_json("/api/positions"); },
       [](const json& p) { return p.value("positions", json::array()).size() == 1; }, "a position");
  auto engaged = post("/api/kill-switch", R"({"reason":"before restart"})");
  ASSERT_EQ(engaged.status, 200) << engaged.body;
  ASSERT_EQ(StopBetweenDecisions(), 0) << output_;
  auto before = Database::read(daemon_.path("data/autotrader.db"));
  ASSERT_EQ(before.positions.size(), 1u);
  const auto held = before.positions[0];
  EXPECT_EQ(held.symbol, kSymbol);
  EXPECT_FALSE(held.stop_loss.empty());
  EXPECT_FALSE(held.take_profit.empty());

  Start();
  auto s = status_when(
      [](const json& x) {
        return x.value("is_running", false) && counter(x, "active_positions") == 1 &&
               !risk_text(x, "trading_state").empty();
      },
      "the restored trader and account");
  EXPECT_EQ(risk_text(s, "trading_state"), "HALTED") << s.dump();
  EXPECT_EQ(risk_flag(s, "kill_switch"), true);
  EXPECT_NE(risk_text(s, "halt_message").find("before restart"), std::string::npos);
  auto positions = get_json("/api/positions").at("positions");
  ASSERT_EQ(positions.size(), 1u) << positions.dump();
  EXPECT_EQ(positions[0].at("symbol"), kSymbol);
  for (const auto& [key, stored] :
       {std::pair{"quantity", held.quantity}, std::pair{"stop_loss", held.stop_loss},
        std::pair{"take_profit", held.take_profit}}) {
    ASSERT_TRUE(positions[0].at(key).is_string()) << key << ": " << positions.dump();
    EXPECT_EQ(
        core::Decimal::compare(decimal(positions[0].at(key).get<std::string>()), decimal(stored)),
        0)
        << key << ": " << positions[0].at(key) << " after the restart, " << stored << " before";
  }
  EXPECT_EQ(metric(metrics(), R"(autotrader_trading_state{state="HALTED"})"), 1.0);
  ASSERT_EQ(Stop(), 0) << output_;
  EXPECT_NE(output_.find("trading state HALTED"), std::string::npos) << output_;
}

}  // namespace
}  // namespace autotrader::test
