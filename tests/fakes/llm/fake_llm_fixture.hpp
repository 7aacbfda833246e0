#pragma once
// Valid requests for each provider route (as our client will send them) and a started FakeLlm,
// for the fake's own tests.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/fakes/llm/fake_llm.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::fakes::llm::test {

using nlohmann::json;

inline constexpr std::chrono::milliseconds kWait{5000};  // deadline for things that happen
inline constexpr std::chrono::milliseconds kQuiet{300};  // how long "nothing arrives" is checked
inline const std::string kKey = "test-key-123";

// The decision schema our client asks for, as a strict JSON Schema.
inline json decision_schema() {
  json string{{"type", "string"}};
  json number{{"type", "number"}};
  return {{"type", "object"},
          {"properties",
           {{"action", {{"type", "string"}, {"enum", {"BUY", "SELL", "HOLD"}}}},
            {"confidence", number},
            {"reasoning", string},
            {"factors", {{"type", "array"}, {"items", string}}},
            {"position_size", number},
            {"stop_loss_pct", number},
            {"take_profit_pct", number}}},
          {"required",
           {"action", "confidence", "reasoning", "factors", "position_size", "stop_loss_pct",
            "take_profit_pct"}},
          {"additionalProperties", false}};
}

inline json sell_decision() {
  return {{"action", "SELL"},           {"confidence", 0.72},   {"reasoning", "support broken"},
          {"factors", {"rsi", "macd"}}, {"position_size", 0.1}, {"stop_loss_pct", 2.0},
          {"take_profit_pct", 4.0}};
}

inline json gemini_body() {
  return {{"systemInstruction", {{"parts", {{{"text", "You are a trading decision engine."}}}}}},
          {"contents",
           {{{"role", "user"}, {"parts", {{{"text", "RSI 71. Decide."}}}}},
            {{"role", "model"}, {"parts", {{{"text", R"({"action":"HOLD"})"}}}}},
            {{"role", "user"}, {"parts", {{{"text", "Support broke. Decide again."}}}}}}},
          {"generationConfig",
           {{"temperature", 0.2},
            {"maxOutputTokens", 512},
            {"responseMimeType", "application/json"},
            {"responseSchema",
             {{"type", "OBJECT"},
              {"properties",
               {{"action", {{"type", "STRING"}, {"enum", {"BUY", "SELL", "HOLD"}}}},
                {"confidence", {{"type", "NUMBER"}}}}},
              {"required", {"action", "confidence"}},
              {"propertyOrdering", {"action", "confidence"}}}}}}};
}

inline json openai_body(const std::string& model = "gpt-4o-mini") {
  return {{"model", model},
          {"messages",
           {{{"role", "system"}, {"content", "You are a trading decision engine."}},
            {{"role", "user"}, {"content", "RSI 71. Decide."}}}},
          {"temperature", 0.2},
          {"max_completion_tokens", 512},
          {"response_format",
           {{"type", "json_schema"},
            {"json_schema",
             {{"name", "trade_decision"}, {"strict", true}, {"schema", decision_schema()}}}}}};
}

inline json anthropic_body() {
  return {{"model", "claude-sonnet-4-5"},
          {"max_tokens", 512},
          {"temperature", 0.2},
          {"system", "You are a trading decision engine."},
          {"messages", {{{"role", "user"}, {"content", "RSI 71. Decide."}}}},
          {"tools",
           {{{"name", "emit_decision"},
             {"description", "Return the trade decision."},
             {"input_schema", decision_schema()}}}},
          {"tool_choice", {{"type", "tool"}, {"name", "emit_decision"}}}};
}

// One request as our client sends it: target, headers (with the key), JSON body.
struct Call {
  std::string method = "POST";
  std::string target;
  std::map<std::string, std::string> headers;
  json body;
};

inline std::string target_of(Provider provider) {
  switch (provider) {
    case Provider::gemini:
      return "/v1beta/models/gemini-2.5-flash:generateContent";
    case Provider::openai:
      return "/v1/chat/completions";
    case Provider::anthropic:
      return "/v1/messages";
    case Provider::together:
      return "/together/v1/chat/completions";
    case Provider::local:
      break;
  }
  return "/local/v1/chat/completions";
}

inline Call valid_call(Provider provider, const std::string& key = kKey) {
  Call call;
  call.target = target_of(provider);
  call.headers["Content-Type"] = "application/json";
  switch (provider) {
    case Provider::gemini:
      call.headers["x-goog-api-key"] = key;
      call.body = gemini_body();
      break;
    case Provider::anthropic:
      call.headers["x-api-key"] = key;
      call.headers["anthropic-version"] = "2023-06-01";
      call.body = anthropic_body();
      break;
    case Provider::together:
      call.headers["Authorization"] = "Bearer " + key;
      call.body = openai_body("meta-llama/Llama-3.3-70B-Instruct-Turbo");
      break;
    case Provider::openai:
    case Provider::local:
      call.headers["Authorization"] = "Bearer " + key;
      call.body = openai_body(provider == Provider::local ? "llama3.1" : "gpt-4o-mini");
      break;
  }
  return call;
}

// The body of a response as JSON (discarded when it does not parse).
inline json json_of(const autotrader::test::HttpResult& result) {
  return json::parse(result.body, nullptr, /*allow_exceptions=*/false);
}

// A started FakeLlm expecting kKey on every route.
class FakeLlmFixture : public ::testing::Test {
 protected:
  void start(FakeLlmOptions options = {}) {
    for (auto p : kProviders) options.provider(p).api_key = kKey;
    fake = std::make_unique<FakeLlm>(std::move(options));
    auto error = fake->start();
    ASSERT_FALSE(error) << *error;
    ASSERT_NE(fake->port(), 0);
  }

  void SetUp() override { start(); }

  // One request on a fresh connection.
  autotrader::test::HttpResult send(const Call& call,
                                    std::chrono::milliseconds deadline = kWait) const {
    return autotrader::test::http_request(fake->port(), call.method, call.target,
                                          call.body.is_null() ? std::string{} : call.body.dump(),
                                          call.headers, deadline);
  }
  autotrader::test::HttpResult send(Provider provider) const { return send(valid_call(provider)); }

  std::unique_ptr<FakeLlm> fake;
};

}  // namespace autotrader::fakes::llm::test
