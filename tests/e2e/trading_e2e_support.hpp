#pragma once
// The parts of trading_e2e_test.cpp that are not tests: the fake Gemini process and how the
// daemon is pointed at it, the scripted answers, readers for the metrics, the status and the
// audit records, and the database as the checks read it. Included by that file only.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "tests/e2e/daemon_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "venues/paper/client_order_id.hpp"

#ifndef FAKE_LLM_SERVER
#error "FAKE_LLM_SERVER must name the fake_llm_server program"
#endif

namespace autotrader::test::trading_e2e {

using nlohmann::json;
using namespace std::chrono_literals;

// Distinctive, so that finding one in the output, the data files or the API means a leak.
inline const std::string kGeminiKey = "gemini-trading-e2e-7c2d9f1a";
inline const std::string kToken = "operator-token-e2e-3b8e6a0d";
inline const std::string kSymbol = "BTCUSDT";
inline const std::string kAuditFile = "data/logs/autonomous_trades.jsonl";
// Conditions normally hold within a few seconds; the deadline only bounds a failing test.
inline constexpr auto kWait = 30s;

inline const std::vector<std::string> kThreeFactors{"rsi_oversold", "uptrend", "volume_confirms"};

// A decision as the model returns it. A 1% size, a 4% stop and a 12% target pass every risk rule
// with the limits set in SetUp, and a stop that far is not hit by the simulated market within a
// test.
inline json answer(const std::string& action, double confidence,
                   const std::vector<std::string>& factors) {
  return {{"action", action},       {"confidence", confidence}, {"reasoning", "e2e " + action},
          {"factors", factors},     {"position_size", 0.01},    {"stop_loss_pct", 4.0},
          {"take_profit_pct", 12.0}};
}
inline json buy() {
  return answer("BUY", 0.85, kThreeFactors);
}

// A fake_llm_server process standing in for Gemini (it checks kGeminiKey), stopped at the end.
class FakeGemini {
 public:
  FakeGemini() {
    ProcessOptions options;
    options.argv = {FAKE_LLM_SERVER, "--key", "gemini=" + kGeminiKey};
    options.env = current_environment();
    process_ = std::make_unique<Process>(options);
    auto line = process_->wait_for_line("PORT ", 10s);
    if (line) port_ = static_cast<std::uint16_t>(std::stoi(line->substr(5)));
  }
  ~FakeGemini() {
    process_->signal(SIGTERM);
    process_->wait(10s);
  }

  std::uint16_t port() const { return port_; }

  // Gemini is the only LLM the pool asks (then the technical fallback).
  void point_at(std::map<std::string, std::string>& env) const {
    env["AUTOTRADER_LLM_GEMINI_BASE_URL"] = "http://127.0.0.1:" + std::to_string(port_);
    env["GEMINI_API_KEY"] = kGeminiKey;
    env["AUTOTRADER_LLM_PRIORITY"] = "gemini";
  }

  // What Gemini answers from now on, to both turns of every analysis.
  void answer_with(const json& decision) const {
    control("/_fake/default", {{"provider", "gemini"}, {"behaviour", {{"answer", decision}}}});
  }
  void delay_responses(std::chrono::milliseconds delay) const {
    control("/_fake/config", {{"provider", "gemini"}, {"response_delay_ms", delay.count()}});
  }
  long requests() const {
    auto stats = json::parse(http_get(port_, "/_fake/stats").body, nullptr, false);
    return stats.is_object() ? stats["requests"].value("gemini", 0L) : -1;
  }

 private:
  void control(const std::string& target, const json& body) const {
    auto result = http_request(port_, "POST", target, body.dump());
    EXPECT_EQ(result.status, 200) << target << ": " << result.body << result.error;
  }

  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

// The value of one series in a Prometheus exposition; nullopt when the series is absent.
inline std::optional<double> metric(const std::string& exposition, const std::string& series) {
  std::istringstream in{exposition};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

// A counter of a status answer; -1 when it is not a number yet (the status lists every field
// from the start, null until the trader has published).
inline long counter(const json& status, const std::string& key) {
  const auto value = status.find(key);
  return value != status.end() && value->is_number() ? value->get<long>() : -1;
}

// risk.<key> of a status answer as text; "" before the trader has published its risk state.
inline std::string risk_text(const json& status, const std::string& key) {
  const auto risk = status.find("risk");
  if (risk == status.end() || !risk->is_object()) return "";
  const auto value = risk->find(key);
  return value != risk->end() && value->is_string() ? value->get<std::string>() : "";
}
inline bool risk_flag(const json& status, const std::string& key) {
  const auto risk = status.find("risk");
  return risk != status.end() && risk->is_object() && risk->value(key, false);
}

inline std::string reason_of(const json& record) {
  return record.at("final_decision").value("reason", "");
}

// Whether risk or the confidence gate refused the record's decision for `reason`.
inline bool refused_for(const json& record, const std::string& reason) {
  const auto& validation = record.at("risk_validation");
  if (!validation.is_object()) return false;
  auto listed = [&](const json& rejections) {
    for (const auto& rejection : rejections) {
      if (rejection.value("reason", "") == reason) return true;
    }
    return false;
  };
  return listed(validation.value("rejections", json::array())) ||
         listed(validation.value("confidence_gate", json::object())
                    .value("rejections", json::array()));
}

inline std::size_t count_records(const std::vector<json>& records,
                                 const std::function<bool(const json&)>& predicate) {
  return static_cast<std::size_t>(std::count_if(records.begin(), records.end(), predicate));
}

inline bool executed(const json& record) {
  return record.at("final_decision").value("execute", false);
}

inline core::Decimal decimal(const std::string& text) {
  auto value = core::Decimal::parse(text);
  EXPECT_TRUE(value.has_value()) << "not a decimal: " << text;
  return value.value_or(core::Decimal{});
}

// The purposes an order of the loop or of the broker may carry in its client order id.
inline const std::vector<paper::OrderPurpose> kPurposes{
    paper::OrderPurpose::entry, paper::OrderPurpose::exit, paper::OrderPurpose::stop_loss,
    paper::OrderPurpose::take_profit};

// The rows of the database the daemon left, read after it stopped.
struct Database {
  struct Decision {
    std::string action;
    bool executed = false;
    json record;
  };
  struct Order {
    std::string decision_id;
    std::string side;
    std::string type;
    std::string quantity;
    std::string status;
  };
  struct Fill {
    std::string client_order_id;
    std::string quantity;
  };
  struct Position {
    std::string symbol;
    std::string quantity;
    std::string stop_loss;
    std::string take_profit;
  };
  std::map<std::string, Decision> decisions;  // by decision_id
  std::map<std::string, Order> orders;        // by client_order_id
  std::vector<Fill> fills;
  std::vector<std::string> trade_order_ids;  // individual_trades' indicators.client_order_id
  std::vector<Position> positions;
  json trading_state;

  static Database read(const std::string& path) {
    Database out;
    SQLite::Database db{path, SQLite::OPEN_READWRITE};
    SQLite::Statement decisions{db, "SELECT decision_id, action, executed, record FROM decisions"};
    while (decisions.executeStep()) {
      out.decisions[decisions.getColumn(0).getString()] = {
          decisions.getColumn(1).getString(), decisions.getColumn(2).getInt() != 0,
          json::parse(decisions.getColumn(3).getString(), nullptr, false)};
    }
    SQLite::Statement orders{
        db, "SELECT client_order_id, decision_id, side, type, quantity, status FROM orders"};
    while (orders.executeStep()) {
      out.orders[orders.getColumn(0).getString()] = {
          orders.getColumn(1).getString(), orders.getColumn(2).getString(),
          orders.getColumn(3).getString(), orders.getColumn(4).getString(),
          orders.getColumn(5).getString()};
    }
    SQLite::Statement fills{db, "SELECT client_order_id, quantity FROM fills"};
    while (fills.executeStep()) {
      out.fills.push_back({fills.getColumn(0).getString(), fills.getColumn(1).getString()});
    }
    SQLite::Statement trades{db, "SELECT indicators FROM individual_trades"};
    while (trades.executeStep()) {
      auto indicators = json::parse(trades.getColumn(0).getString(), nullptr, false);
      out.trade_order_ids.push_back(indicators.is_object() ? indicators.value("client_order_id", "")
                                                           : "");
    }
    SQLite::Statement positions{db,
                                "SELECT symbol, quantity, stop_loss, take_profit FROM positions"};
    while (positions.executeStep()) {
      out.positions.push_back(
          {positions.getColumn(0).getString(), positions.getColumn(1).getString(),
           positions.getColumn(2).getString(), positions.getColumn(3).getString()});
    }
    SQLite::Statement state{db, "SELECT state FROM trading_state WHERE id = 1"};
    if (state.executeStep()) {
      out.trading_state = json::parse(state.getColumn(0).getString(), nullptr, false);
    }
    return out;
  }
};

}  // namespace autotrader::test::trading_e2e
