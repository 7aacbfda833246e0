// Decision <-> JSON and DecisionInput from a snapshot file: round trips, and every rule from
// decision_json.hpp refusing bad input with a message that names the field.
#include "llm/decision_json.hpp"

#include <gtest/gtest.h>

namespace autotrader::llm {
namespace {

using namespace std::chrono_literals;

Decision sample_decision() {
  Decision d;
  d.action = Action::sell;
  d.confidence = 0.65;
  d.reasoning = "Support at 64800 broke on 1.6x volume.";
  d.factors = {"support broken", "volume 1.6x"};
  d.position_size = 0.2;
  d.stop_loss_pct = 1.5;
  d.take_profit_pct = 3;
  d.provider = "gemini-primary";
  d.model = "gemini-2.5-flash";
  d.transcript = {{"initial", "Initial analysis...", R"({"action":"SELL"})", {61, 24}, 812ms},
                  {"refinement", "Refinement...", R"({"action":"SELL"})", {120, 30}, 640ms}};
  return d;
}

TEST(LlmDecisionJson, RoundTrips) {
  Decision d = sample_decision();
  auto json = decision_to_json(d);
  EXPECT_EQ(json["action"], "SELL");
  EXPECT_EQ(json["transcript"][0]["latency_ms"], 812);
  EXPECT_EQ(json["transcript"][1]["usage"]["input_tokens"], 120);
  auto back = decision_from_json(nlohmann::json::parse(json.dump()));
  ASSERT_TRUE(std::holds_alternative<Decision>(back)) << std::get<JsonError>(back).message;
  const Decision& r = std::get<Decision>(back);
  EXPECT_EQ(r.action, d.action);
  EXPECT_EQ(r.confidence, d.confidence);
  EXPECT_EQ(r.reasoning, d.reasoning);
  EXPECT_EQ(r.factors, d.factors);
  EXPECT_EQ(r.position_size, d.position_size);
  EXPECT_EQ(r.stop_loss_pct, d.stop_loss_pct);
  EXPECT_EQ(r.take_profit_pct, d.take_profit_pct);
  EXPECT_EQ(r.provider, d.provider);
  EXPECT_EQ(r.model, d.model);
  ASSERT_EQ(r.transcript.size(), 2u);
  EXPECT_EQ(r.transcript[1].phase, "refinement");
  EXPECT_EQ(r.transcript[1].prompt, "Refinement...");
  EXPECT_EQ(r.transcript[1].answer, R"({"action":"SELL"})");
  EXPECT_EQ(r.transcript[1].usage.output_tokens, 30u);
  EXPECT_EQ(r.transcript[1].latency, 640ms);
  EXPECT_EQ(decision_to_json(r), json);
}

TEST(LlmDecisionJson, RefusesWhatAModelCouldNotSend) {
  auto base = decision_to_json(sample_decision());
  struct Case {
    const char* what;
    std::function<void(nlohmann::json&)> edit;
    const char* message;
  };
  const Case cases[] = {
      {"unknown field", [](auto& j) { j["extra"] = 1; }, "extra: unknown field"},
      {"bad action", [](auto& j) { j["action"] = "SHORT"; },
       "action: not one of \"BUY\", \"SELL\", \"HOLD\""},
      {"confidence", [](auto& j) { j["confidence"] = 3; }, "confidence: 3.0000 is outside [0, 1]"},
      {"provider", [](auto& j) { j.erase("provider"); }, "provider: missing"},
      {"transcript", [](auto& j) { j["transcript"] = "x"; }, "transcript: expected an array"},
      {"phase", [](auto& j) { j["transcript"][0]["phase"] = "third"; },
       "transcript[0].phase: expected \"initial\" or \"refinement\""},
      {"tokens", [](auto& j) { j["transcript"][1]["usage"]["input_tokens"] = -1; },
       "transcript[1].usage.input_tokens: expected a non-negative integer"},
      {"latency", [](auto& j) { j["transcript"][0].erase("latency_ms"); },
       "transcript[0].latency_ms: missing"},
      {"turn field", [](auto& j) { j["transcript"][0]["secret"] = "x"; },
       "transcript[0].secret: unknown field"},
  };
  for (const Case& c : cases) {
    auto json = base;
    c.edit(json);
    auto result = decision_from_json(json);
    ASSERT_TRUE(std::holds_alternative<JsonError>(result)) << c.what;
    EXPECT_EQ(std::get<JsonError>(result).message, c.message) << c.what;
  }
  EXPECT_TRUE(std::holds_alternative<JsonError>(decision_from_json(nlohmann::json::array())));
}

constexpr const char* kSnapshot = R"({"symbol":"BTCUSDT","interval":"1h","price":65000.5,
  "rsi":71.2,"ma_short":64800,"ma_long":63900,"atr":420.5,"vwap":64950,"macd":120.4,
  "macd_signal":98.1,"macd_histogram":22.3,"trend":"up","volume_ratio":1.3,
  "as_of_ms":1735689600000,
  "position":{"quantity":0.5,"average_entry_price":64000,"unrealized_pnl_pct":1.56}})";

TEST(LlmDecisionInputJson, ReadsASnapshotFile) {
  auto result = decision_input_from_text(kSnapshot);
  ASSERT_TRUE(std::holds_alternative<DecisionInput>(result)) << std::get<JsonError>(result).message;
  const DecisionInput& in = std::get<DecisionInput>(result);
  EXPECT_EQ(in.symbol, "BTCUSDT");
  EXPECT_EQ(in.interval, "1h");
  EXPECT_EQ(in.price, 65000.5);
  EXPECT_EQ(in.rsi, std::optional{71.2});
  EXPECT_EQ(in.ma_long, std::optional{63900.0});
  EXPECT_EQ(in.macd_histogram, std::optional{22.3});
  EXPECT_EQ(in.trend, "up");
  EXPECT_EQ(in.volume_ratio, 1.3);
  EXPECT_EQ(in.as_of_ms, 1735689600000);
  EXPECT_EQ(in.position.quantity, 0.5);
  EXPECT_EQ(in.position.average_entry_price, 64000);
  EXPECT_EQ(in.position.unrealized_pnl_pct, 1.56);
  EXPECT_EQ(decision_input_to_json(in), nlohmann::json::parse(kSnapshot));
}

TEST(LlmDecisionInputJson, OnlySymbolAndPriceAreRequired) {
  auto result = decision_input_from_text(R"({"symbol":"ETHUSDT","price":3000,"rsi":null})");
  ASSERT_TRUE(std::holds_alternative<DecisionInput>(result));
  const DecisionInput& in = std::get<DecisionInput>(result);
  EXPECT_FALSE(in.rsi);
  EXPECT_FALSE(in.atr);
  EXPECT_EQ(in.interval, "1m");
  EXPECT_EQ(in.trend, "unknown");
  EXPECT_EQ(in.volume_ratio, 1.0);
  EXPECT_EQ(in.position.quantity, 0);
  auto json = decision_input_to_json(in);
  EXPECT_TRUE(json["rsi"].is_null());
  auto again = decision_input_from_json(json);
  ASSERT_TRUE(std::holds_alternative<DecisionInput>(again));
  EXPECT_EQ(decision_input_to_json(std::get<DecisionInput>(again)), json);
}

TEST(LlmDecisionInputJson, RefusesBadInputNamingTheField) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {R"({"price":1})", "symbol: missing"},
      {R"({"symbol":"BTC USDT","price":1})",
       "symbol: expected 1 to 20 characters of A-Z, a-z, 0-9, '.', '_', '-'"},
      {R"({"symbol":"","price":1})",
       "symbol: expected 1 to 20 characters of A-Z, a-z, 0-9, '.', '_', '-'"},
      {R"({"symbol":7,"price":1})", "symbol: expected a string"},
      {R"({"symbol":"BTCUSDT"})", "price: missing"},
      {R"({"symbol":"BTCUSDT","price":0})", "price: 0.0000 must be > 0"},
      {R"({"symbol":"BTCUSDT","price":"65000"})", "price: expected a number"},
      {R"({"symbol":"BTCUSDT","price":1,"rsi":140})",
       "rsi: 140.0000 is outside [0, 100] (or null when missing)"},
      {R"({"symbol":"BTCUSDT","price":1,"atr":-1})",
       "atr: -1.0000 must be >= 0 (or null when missing)"},
      {R"({"symbol":"BTCUSDT","price":1,"vwap":true})",
       "vwap: expected a number (or null when missing)"},
      {R"({"symbol":"BTCUSDT","price":1,"rsl":50})", "rsl: unknown field"},
      {R"({"symbol":"BTCUSDT","price":1,"trend":"bullish"})",
       "trend: expected up, down, sideways or unknown"},
      {R"({"symbol":"BTCUSDT","price":1,"interval":"1x"})",
       "interval: expected digits and one of s, m, h, d, w, M (e.g. \"1m\")"},
      {R"({"symbol":"BTCUSDT","price":1,"interval":"0m"})",
       "interval: expected digits and one of s, m, h, d, w, M (e.g. \"1m\")"},
      {R"({"symbol":"BTCUSDT","price":1,"volume_ratio":-0.5})",
       "volume_ratio: -0.5000 must be >= 0"},
      {R"({"symbol":"BTCUSDT","price":1,"as_of_ms":-1})",
       "as_of_ms: expected a non-negative integer (Unix milliseconds)"},
      {R"({"symbol":"BTCUSDT","price":1,"as_of_ms":1.5})",
       "as_of_ms: expected a non-negative integer (Unix milliseconds)"},
      {R"({"symbol":"BTCUSDT","price":1,"position":[]})", "position: expected an object"},
      {R"({"symbol":"BTCUSDT","price":1,"position":{"qty":1}})", "position.qty: unknown field"},
      {R"({"symbol":"BTCUSDT","price":1,"position":{"quantity":-1}})",
       "position.quantity: -1.0000 must be >= 0"},
      {R"({"symbol":"BTCUSDT","price":1,"position":{"quantity":1}})",
       "position.average_entry_price: must be > 0 when a quantity is held"},
      {R"([1,2])", "a snapshot must be a JSON object"},
      {R"({"symbol":"BTCUSDT",)", "not valid JSON at byte 21"},
      {"", "not valid JSON at byte 1"},
      {R"({"symbol":"BTCUSDT","price":1e400})",
       "not valid JSON: [json.exception.out_of_range.406] number overflow parsing '1e400'"},
  };
  for (const Case& c : cases) {
    auto result = decision_input_from_text(c.text);
    ASSERT_TRUE(std::holds_alternative<JsonError>(result)) << c.text;
    EXPECT_EQ(std::get<JsonError>(result).message, c.message) << c.text;
  }
  std::string deep = R"({"symbol":)" + std::string(10000, '[');
  auto result = decision_input_from_text(deep);
  ASSERT_TRUE(std::holds_alternative<JsonError>(result));
  EXPECT_EQ(std::get<JsonError>(result).message, "the snapshot nests too deeply");
}

}  // namespace
}  // namespace autotrader::llm
