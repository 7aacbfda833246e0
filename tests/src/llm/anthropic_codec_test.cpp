// Anthropic messages with a forced tool against the fixtures in tests/fixtures/llm/anthropic.
#include <gtest/gtest.h>

#include <map>

#include "llm/codec.hpp"
#include "llm_test_support.hpp"

namespace autotrader::llm {
namespace {

using namespace std::chrono_literals;
using testing::failure_of;
using testing::fixture_json;
using testing::fixture_response;
using testing::fixture_settings;
using testing::reply_of;
using testing::response;

std::map<std::string, std::string> header_map(const net::ClientRequest& request) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : request.headers) out[name] = value;
  return out;
}

TEST(AnthropicCodec, BuildsTheDocumentedForcedToolRequest) {
  auto request = build_request(fixture_settings(ProviderKind::anthropic),
                               testing::reference_conversation(ProviderKind::anthropic));
  auto expected = fixture_json("anthropic/request_two_turns.json");
  EXPECT_EQ(request.method, expected["method"]);
  EXPECT_EQ(request.url, expected["url"]);
  EXPECT_EQ(nlohmann::json(header_map(request)), expected["headers"]);
  auto body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body, expected["body"]) << body.dump(2);
  EXPECT_EQ(body["tool_choice"]["type"], "tool");
  EXPECT_EQ(body["tool_choice"]["name"], body["tools"][0]["name"]);
  EXPECT_EQ(body["tools"][0]["input_schema"]["additionalProperties"], false);
  EXPECT_FALSE(body.contains("thinking")) << "incompatible with a forced tool";
}

TEST(AnthropicCodec, NoKeyNoKeyHeaderButAlwaysTheVersion) {
  auto settings = fixture_settings(ProviderKind::anthropic);
  settings.api_key = core::Secret{};
  settings.base_url = "http://127.0.0.1:9000/";
  auto request = build_request(settings, Conversation{"", {{Role::user, "u"}}});
  auto headers = header_map(request);
  EXPECT_EQ(headers.count("x-api-key"), 0u);
  EXPECT_EQ(headers["anthropic-version"], "2023-06-01");
  EXPECT_EQ(request.url, "http://127.0.0.1:9000/v1/messages");
  EXPECT_FALSE(nlohmann::json::parse(request.body).contains("system"));
}

TEST(AnthropicCodec, TheToolInputIsAnObject) {
  auto reply = reply_of(parse_response(fixture_settings(ProviderKind::anthropic),
                                       fixture_response(200, "anthropic/response_tool_use.json")));
  EXPECT_EQ(
      reply.decision,
      nlohmann::json::parse(R"({"action":"SELL","confidence":0.72,"reason":"support broken"})"));
  EXPECT_EQ(reply.text, R"({"action":"SELL","confidence":0.72,"reason":"support broken"})");
  EXPECT_EQ(reply.usage.input_tokens, 412u);
  EXPECT_EQ(reply.usage.output_tokens, 58u);
  EXPECT_EQ(reply.model, "claude-sonnet-4-5");
}

TEST(AnthropicCodec, CachedInputCountsAsInput) {
  auto body = fixture_json("anthropic/response_tool_use.json");
  body["usage"] = {{"input_tokens", 12},
                   {"cache_creation_input_tokens", 100},
                   {"cache_read_input_tokens", 300},
                   {"output_tokens", 58}};
  auto reply = reply_of(
      parse_response(fixture_settings(ProviderKind::anthropic), response(200, body.dump())));
  EXPECT_EQ(reply.usage.input_tokens, 412u);
}

TEST(AnthropicCodec, ContentOutcomesAreFailures) {
  auto settings = fixture_settings(ProviderKind::anthropic);
  auto prose =
      failure_of(parse_response(settings, fixture_response(200, "anthropic/response_prose.json")));
  EXPECT_EQ(prose.kind, FailureKind::empty_answer);
  EXPECT_EQ(prose.message, "prose instead of the emit_decision tool call (stop_reason end_turn)");
  EXPECT_EQ(failure_of(parse_response(settings,
                                      fixture_response(200, "anthropic/response_max_tokens.json")))
                .kind,
            FailureKind::truncated);
  EXPECT_EQ(
      failure_of(parse_response(settings, fixture_response(200, "anthropic/response_refusal.json")))
          .kind,
      FailureKind::safety_block);

  auto body = fixture_json("anthropic/response_tool_use.json");
  body["content"][0]["input"] = R"({"action":"SELL"})";
  EXPECT_EQ(failure_of(parse_response(settings, response(200, body.dump()))).kind,
            FailureKind::schema_violation)
      << "input must be an object, not a string of JSON";
  body["content"][0]["name"] = "other_tool";
  EXPECT_EQ(failure_of(parse_response(settings, response(200, body.dump()))).kind,
            FailureKind::empty_answer);
  body.erase("content");
  EXPECT_EQ(failure_of(parse_response(settings, response(200, body.dump()))).kind,
            FailureKind::unparseable);
}

TEST(AnthropicCodec, OverloadedIsRetryable) {
  auto failure =
      failure_of(parse_response(fixture_settings(ProviderKind::anthropic),
                                fixture_response(529, "anthropic/error_529_overloaded.json")));
  EXPECT_EQ(failure.kind, FailureKind::overloaded);
  EXPECT_EQ(failure.klass(), FailureClass::retryable);
  EXPECT_EQ(failure.message, "HTTP 529 overloaded_error: Overloaded");
  // The same error after a 200 (as it arrives mid-stream) is still an overload.
  auto in_200 =
      failure_of(parse_response(fixture_settings(ProviderKind::anthropic),
                                fixture_response(200, "anthropic/error_529_overloaded.json")));
  EXPECT_EQ(in_200.kind, FailureKind::overloaded);
  EXPECT_EQ(in_200.http_status, 529);
}

TEST(AnthropicCodec, RateLimitWithRetryAfterVersusSpendLimit) {
  auto settings = fixture_settings(ProviderKind::anthropic);
  auto limited = failure_of(parse_response(
      settings,
      fixture_response(429, "anthropic/error_429_rate_limit.json", {{"retry-after", "12"}})));
  EXPECT_EQ(limited.kind, FailureKind::rate_limited);
  EXPECT_EQ(limited.retry_after, std::optional{12000ms});
  auto spent = failure_of(parse_response(
      settings,
      fixture_response(429, "anthropic/error_429_spend_limit.json", {{"retry-after", "12"}})));
  EXPECT_EQ(spent.kind, FailureKind::quota_exhausted);
  EXPECT_EQ(spent.klass(), FailureClass::non_retryable);
}

TEST(AnthropicCodec, ClassifiesErrorStatuses) {
  auto settings = fixture_settings(ProviderKind::anthropic);
  EXPECT_EQ(
      failure_of(parse_response(settings, fixture_response(401, "anthropic/error_401.json"))).kind,
      FailureKind::auth);
  auto body = [](const char* type) {
    return nlohmann::json{{"type", "error"}, {"error", {{"type", type}, {"message", "m"}}}}.dump();
  };
  EXPECT_EQ(failure_of(parse_response(settings, response(500, body("api_error")))).kind,
            FailureKind::server_error);
  EXPECT_EQ(failure_of(parse_response(settings, response(400, body("invalid_request_error")))).kind,
            FailureKind::bad_request);
  EXPECT_EQ(failure_of(parse_response(settings, response(413, body("request_too_large")))).kind,
            FailureKind::bad_request);
  EXPECT_EQ(failure_of(parse_response(settings, response(403, body("permission_error")))).kind,
            FailureKind::auth);
  EXPECT_EQ(failure_of(parse_response(settings, response(200, body("rate_limit_error")))).kind,
            FailureKind::rate_limited);
}

}  // namespace
}  // namespace autotrader::llm
