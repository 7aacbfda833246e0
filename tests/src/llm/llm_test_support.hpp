#pragma once
// Helpers shared by the codec and analysis tests: fixtures from tests/fixtures/llm, canned HTTP
// responses, the settings the request fixtures were written for, and per-format answer bodies.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "llm/codec.hpp"

namespace autotrader::llm::testing {

inline std::string read_fixture(const std::string& relative) {
  std::string path = std::string{AUTOTRADER_SOURCE_DIR} + "/tests/fixtures/llm/" + relative;
  std::ifstream in{path, std::ios::binary};
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json fixture_json(const std::string& relative) {
  return nlohmann::json::parse(read_fixture(relative));
}

inline net::ClientResponse response(int status, std::string body, net::HeaderFields headers = {}) {
  net::ClientResponse out;
  out.status = status;
  out.body = std::move(body);
  out.headers = std::move(headers);
  return out;
}

inline net::ClientResponse fixture_response(int status, const std::string& relative,
                                            net::HeaderFields headers = {}) {
  return response(status, read_fixture(relative), std::move(headers));
}

// The settings the request_two_turns.json fixtures were written for.
inline ProviderSettings fixture_settings(ProviderKind kind) {
  ProviderSettings settings;
  settings.kind = kind;
  settings.name = std::string{to_string(kind)} + "-primary";
  settings.temperature = 0.2;
  settings.max_tokens = 512;
  switch (kind) {
    case ProviderKind::gemini:
      settings.base_url = "https://generativelanguage.googleapis.com";
      settings.model = "gemini-2.5-flash";
      settings.api_key = core::Secret{"AIzaSy-test-key-0123456789"};
      break;
    case ProviderKind::openai:
      settings.base_url = "https://api.openai.com/v1";
      settings.model = "gpt-4o-mini";
      settings.api_key = core::Secret{"sk-test-key-0123456789"};
      break;
    case ProviderKind::anthropic:
      settings.base_url = "https://api.anthropic.com";
      settings.model = "claude-sonnet-4-5";
      settings.api_key = core::Secret{"sk-ant-test-key-0123456789"};
      break;
    case ProviderKind::together:
      settings.base_url = "https://api.together.xyz/v1";
      settings.model = "meta-llama/Llama-3.3-70B-Instruct-Turbo";
      settings.api_key = core::Secret{"together-test-key-0123456789"};
      break;
    case ProviderKind::local:
      settings.base_url = "http://127.0.0.1:11434/v1";
      settings.model = "llama3.1:8b";
      break;
  }
  return settings;
}

// The reference's two-turn example conversation (llm-providers.md §1-§3).
inline Conversation reference_conversation(ProviderKind kind) {
  Conversation conversation;
  conversation.system = kind == ProviderKind::gemini
                            ? "You are a trading decision engine. Reply only with JSON."
                            : "You are a trading decision engine.";
  conversation.messages = {
      {Role::user, "BTCUSDT 1h: RSI 71, MACD cross down. Decide."},
      {Role::assistant, kind == ProviderKind::anthropic
                            ? "HOLD, confidence 0.55 (overbought)."
                            : R"({"action":"HOLD","confidence":0.55,"reason":"overbought"})"},
      {Role::user, "Price broke 65k support. Decide again."}};
  return conversation;
}

// A successful body of the format carrying this decision, usage and model.
inline std::string answer_body(ProviderKind kind, const nlohmann::json& decision, Usage usage,
                               const std::string& model) {
  nlohmann::json body;
  switch (kind) {
    case ProviderKind::gemini:
      body = {{"candidates",
               {{{"content", {{"role", "model"}, {"parts", {{{"text", decision.dump()}}}}}},
                 {"finishReason", "STOP"},
                 {"index", 0}}}},
              {"usageMetadata",
               {{"promptTokenCount", usage.input_tokens},
                {"candidatesTokenCount", usage.output_tokens}}}};
      if (!model.empty()) body["modelVersion"] = model;
      break;
    case ProviderKind::anthropic:
      body = {{"type", "message"},
              {"role", "assistant"},
              {"content",
               {{{"type", "tool_use"},
                 {"id", "toolu_1"},
                 {"name", "emit_decision"},
                 {"input", decision}}}},
              {"stop_reason", "tool_use"},
              {"usage",
               {{"input_tokens", usage.input_tokens}, {"output_tokens", usage.output_tokens}}}};
      if (!model.empty()) body["model"] = model;
      break;
    case ProviderKind::openai:
    case ProviderKind::together:
    case ProviderKind::local:
      body = {
          {"object", "chat.completion"},
          {"choices",
           {{{"index", 0},
             {"message", {{"role", "assistant"}, {"content", decision.dump()}}},
             {"finish_reason", "stop"}}}},
          {"usage",
           {{"prompt_tokens", usage.input_tokens}, {"completion_tokens", usage.output_tokens}}}};
      if (!model.empty()) body["model"] = model;
      break;
  }
  return body.dump();
}

// The user/assistant turns a request body carries, in order, as {role, text} with roles
// normalised to "user"/"assistant" (system turns left out).
inline std::vector<std::pair<std::string, std::string>> request_turns(ProviderKind kind,
                                                                      const std::string& body) {
  std::vector<std::pair<std::string, std::string>> turns;
  auto json = nlohmann::json::parse(body);
  if (kind == ProviderKind::gemini) {
    for (const auto& content : json.at("contents")) {
      std::string role = content.at("role") == "model" ? "assistant" : "user";
      turns.emplace_back(role, content.at("parts").at(0).at("text").get<std::string>());
    }
    return turns;
  }
  for (const auto& message : json.at("messages")) {
    if (message.at("role") == "system") continue;
    turns.emplace_back(message.at("role").get<std::string>(),
                       message.at("content").get<std::string>());
  }
  return turns;
}

template <class T, class Variant>
const T& expect_alternative(const Variant& variant) {
  static const T empty{};
  const T* value = std::get_if<T>(&variant);
  EXPECT_NE(value, nullptr) << "unexpected alternative " << variant.index();
  return value ? *value : empty;
}

inline const Failure& failure_of(const ReplyResult& result) {
  return expect_alternative<Failure>(result);
}

inline const ModelReply& reply_of(const ReplyResult& result) {
  if (const auto* failure = std::get_if<Failure>(&result)) {
    ADD_FAILURE() << "unexpected failure " << to_string(failure->kind) << ": " << failure->message;
  }
  return expect_alternative<ModelReply>(result);
}

}  // namespace autotrader::llm::testing
