// Gemini generateContent against the fixtures in tests/fixtures/llm/gemini (README there says
// which are literal from the reference and which derived).
#include <gtest/gtest.h>

#include <map>

#include "llm/codec.hpp"
#include "llm/validate.hpp"
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

constexpr const char* kDecision =
    R"({"action":"SELL","confidence":0.72,"reason":"support broken"})";

std::map<std::string, std::string> header_map(const net::ClientRequest& request) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : request.headers) out[name] = value;
  return out;
}

TEST(GeminiCodec, BuildsTheDocumentedTwoTurnRequest) {
  auto settings = fixture_settings(ProviderKind::gemini);
  auto request = build_request(settings, testing::reference_conversation(ProviderKind::gemini));
  auto expected = fixture_json("gemini/request_two_turns.json");
  EXPECT_EQ(request.method, expected["method"]);
  EXPECT_EQ(request.url, expected["url"]);
  EXPECT_EQ(nlohmann::json(header_map(request)), expected["headers"]);
  EXPECT_EQ(nlohmann::json::parse(request.body), expected["body"])
      << nlohmann::json::parse(request.body).dump(2);
}

TEST(GeminiCodec, AsksForJsonWithTheSchemaInTheOpenApiSubset) {
  auto request = build_request(fixture_settings(ProviderKind::gemini),
                               testing::reference_conversation(ProviderKind::gemini));
  auto config = nlohmann::json::parse(request.body).at("generationConfig");
  EXPECT_EQ(config["responseMimeType"], "application/json");
  const auto& schema = config["responseSchema"];
  EXPECT_EQ(schema["type"], "OBJECT");
  EXPECT_EQ(schema["properties"]["action"]["type"], "STRING");
  EXPECT_EQ(schema["properties"]["factors"]["items"]["type"], "STRING");
  EXPECT_EQ(schema["required"].size(), schema["properties"].size());
  EXPECT_EQ(schema["propertyOrdering"], schema["required"]);
  // Not part of Gemini's Schema subset.
  EXPECT_FALSE(schema.contains("additionalProperties"));
  EXPECT_FALSE(config.contains("responseJsonSchema"));
}

TEST(GeminiCodec, UrlHeadersAndSystemFollowTheSettings) {
  auto settings = fixture_settings(ProviderKind::gemini);
  settings.base_url = "http://127.0.0.1:8080/";
  settings.model = "models/gemini 2.5/flash";
  settings.api_key = core::Secret{};
  Conversation conversation{"", {{Role::user, "hi"}}};
  auto request = build_request(settings, conversation);
  EXPECT_EQ(request.url,
            "http://127.0.0.1:8080/v1beta/models/gemini%202.5%2Fflash:generateContent");
  EXPECT_EQ(header_map(request).count("x-goog-api-key"), 0u);
  EXPECT_EQ(request.url.find("key="), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(request.body).contains("systemInstruction"));
}

TEST(GeminiCodec, ParsesTheDocumentedAnswerWithItsUsage) {
  auto reply = reply_of(parse_response(fixture_settings(ProviderKind::gemini),
                                       fixture_response(200, "gemini/response_ok.json")));
  EXPECT_EQ(reply.decision, nlohmann::json::parse(kDecision));
  EXPECT_EQ(reply.text, nlohmann::json::parse(kDecision).dump());
  EXPECT_EQ(reply.usage.input_tokens, 61u);
  EXPECT_EQ(reply.usage.output_tokens, 24u);
  EXPECT_EQ(reply.model, "gemini-2.5-flash");
  // The reference's running example says "reason", our schema "reasoning": the codec does not
  // judge, the validator does.
  auto validated = validate_decision(reply.decision);
  ASSERT_TRUE(std::holds_alternative<Failure>(validated));
  EXPECT_EQ(std::get<Failure>(validated).kind, FailureKind::schema_violation);
}

TEST(GeminiCodec, SkipsThoughtPartsAndJoinsTheTextParts) {
  auto reply =
      reply_of(parse_response(fixture_settings(ProviderKind::gemini),
                              fixture_response(200, "gemini/response_thought_parts.json")));
  EXPECT_EQ(reply.decision, nlohmann::json::parse(kDecision));
  EXPECT_EQ(reply.usage.output_tokens, 24u + 113u) << "thinking tokens are billed as output";
}

TEST(GeminiCodec, ContentOutcomesAreFailures) {
  auto settings = fixture_settings(ProviderKind::gemini);
  auto truncated = failure_of(
      parse_response(settings, fixture_response(200, "gemini/response_max_tokens.json")));
  EXPECT_EQ(truncated.kind, FailureKind::truncated);
  EXPECT_EQ(truncated.klass(), FailureClass::invalid_answer);

  auto safety =
      failure_of(parse_response(settings, fixture_response(200, "gemini/response_safety.json")));
  EXPECT_EQ(safety.kind, FailureKind::safety_block);
  EXPECT_EQ(safety.klass(), FailureClass::non_retryable);

  auto blocked = failure_of(
      parse_response(settings, fixture_response(200, "gemini/response_blocked_prompt.json")));
  EXPECT_EQ(blocked.kind, FailureKind::safety_block);
  EXPECT_EQ(blocked.message, "prompt blocked: SAFETY");

  auto none = failure_of(parse_response(settings, response(200, R"({"candidates":[]})")));
  EXPECT_EQ(none.kind, FailureKind::empty_answer);

  auto recitation = failure_of(
      parse_response(settings, response(200, R"({"candidates":[{"finishReason":"RECITATION"}]})")));
  EXPECT_EQ(recitation.kind, FailureKind::safety_block);

  auto other = failure_of(parse_response(
      settings,
      response(
          200,
          R"({"candidates":[{"content":{"parts":[{"text":"{}"}]},"finishReason":"OTHER"}]})")));
  EXPECT_EQ(other.kind, FailureKind::empty_answer);

  auto only_thoughts = failure_of(parse_response(
      settings,
      response(
          200,
          R"({"candidates":[{"content":{"parts":[{"text":"hmm","thought":true}]},"finishReason":"STOP"}]})")));
  EXPECT_EQ(only_thoughts.kind, FailureKind::empty_answer);
}

TEST(GeminiCodec, TheJsonInsideTheTextIsParsedAgain) {
  auto settings = fixture_settings(ProviderKind::gemini);
  auto with_text = [](const std::string& text) {
    nlohmann::json body = {
        {"candidates", {{{"content", {{"parts", {{{"text", text}}}}}}, {"finishReason", "STOP"}}}}};
    return response(200, body.dump());
  };
  EXPECT_EQ(failure_of(parse_response(settings, with_text("I think you should SELL."))).kind,
            FailureKind::unparseable);
  EXPECT_EQ(failure_of(parse_response(settings, with_text(R"({"action":"SELL")"))).kind,
            FailureKind::unparseable);
  EXPECT_EQ(failure_of(parse_response(settings, with_text("  \n "))).kind,
            FailureKind::empty_answer);
  auto fenced =
      reply_of(parse_response(settings, with_text(std::string{"```json\n"} + kDecision + "\n```")));
  EXPECT_EQ(fenced.decision["action"], "SELL");
  EXPECT_EQ(failure_of(parse_response(settings, response(200, "<html>busy</html>"))).kind,
            FailureKind::unparseable);
}

TEST(GeminiCodec, PerMinuteQuotaIsRetryableWithTheRetryInfoDelay) {
  auto failure =
      failure_of(parse_response(fixture_settings(ProviderKind::gemini),
                                fixture_response(429, "gemini/error_429_per_minute.json")));
  EXPECT_EQ(failure.kind, FailureKind::rate_limited);
  EXPECT_EQ(failure.klass(), FailureClass::retryable);
  EXPECT_EQ(failure.http_status, 429);
  ASSERT_TRUE(failure.retry_after);
  EXPECT_EQ(*failure.retry_after, 26s) << "RetryInfo wins over the message's 26.4s";
  EXPECT_EQ(failure.message.rfind("HTTP 429 RESOURCE_EXHAUSTED: You exceeded", 0), 0u)
      << failure.message;
  EXPECT_LE(failure.message.size(), 200u);
  EXPECT_EQ(failure.message.find("quotaMetric"), std::string::npos) << "never the whole body";
}

TEST(GeminiCodec, PerDayQuotaIsNotRetryable) {
  auto failure = failure_of(parse_response(fixture_settings(ProviderKind::gemini),
                                           fixture_response(429, "gemini/error_429_per_day.json")));
  EXPECT_EQ(failure.kind, FailureKind::quota_exhausted);
  EXPECT_EQ(failure.klass(), FailureClass::non_retryable);
  ASSERT_TRUE(failure.retry_after);
  EXPECT_EQ(*failure.retry_after, 1500ms);
  EXPECT_NE(failure.message.find("daily quota"), std::string::npos);
}

TEST(GeminiCodec, RetryHintsFromHeadersAndTheMessage) {
  auto settings = fixture_settings(ProviderKind::gemini);
  auto from_header = failure_of(parse_response(
      settings, fixture_response(429, "gemini/error_429_per_minute.json", {{"Retry-After", "3"}})));
  EXPECT_EQ(from_header.retry_after, std::optional{3000ms});
  auto from_message = failure_of(parse_response(
      settings,
      response(
          429,
          R"({"error":{"code":429,"message":"Quota exceeded. Please retry in 26.4s.","status":"RESOURCE_EXHAUSTED"}})")));
  EXPECT_EQ(from_message.kind, FailureKind::rate_limited);
  EXPECT_EQ(from_message.retry_after, std::optional{26400ms});
  auto no_hint = failure_of(parse_response(
      settings, response(429, R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}})")));
  EXPECT_EQ(no_hint.kind, FailureKind::rate_limited);
  EXPECT_FALSE(no_hint.retry_after);
}

TEST(GeminiCodec, ClassifiesErrorStatuses) {
  auto settings = fixture_settings(ProviderKind::gemini);
  auto overloaded =
      failure_of(parse_response(settings, fixture_response(503, "gemini/error_503.json")));
  EXPECT_EQ(overloaded.kind, FailureKind::overloaded);
  EXPECT_EQ(overloaded.message,
            "HTTP 503 UNAVAILABLE: The model is overloaded. Please try again later.");

  auto bad_key = failure_of(
      parse_response(settings, fixture_response(400, "gemini/error_400_api_key_invalid.json")));
  EXPECT_EQ(bad_key.kind, FailureKind::auth);

  struct Case {
    int status;
    const char* rpc_status;
    FailureKind kind;
  };
  for (const Case& c : {Case{400, "INVALID_ARGUMENT", FailureKind::bad_request},
                        Case{400, "FAILED_PRECONDITION", FailureKind::bad_request},
                        Case{403, "PERMISSION_DENIED", FailureKind::auth},
                        Case{404, "NOT_FOUND", FailureKind::bad_request},
                        Case{500, "INTERNAL", FailureKind::server_error},
                        Case{504, "DEADLINE_EXCEEDED", FailureKind::server_error}}) {
    nlohmann::json body = {
        {"error", {{"code", c.status}, {"message", "m"}, {"status", c.rpc_status}}}};
    auto failure = failure_of(parse_response(settings, response(c.status, body.dump())));
    EXPECT_EQ(failure.kind, c.kind) << c.status << " " << c.rpc_status;
    EXPECT_EQ(failure.http_status, c.status);
  }
  auto html = failure_of(parse_response(settings, response(502, "<html>Bad gateway</html>")));
  EXPECT_EQ(html.kind, FailureKind::server_error);
  EXPECT_EQ(html.message, "HTTP 502");

  // An error object in a 200 body is classified by its own code.
  auto in_200 = failure_of(parse_response(
      settings, response(200, R"({"error":{"code":503,"message":"x","status":"UNAVAILABLE"}})")));
  EXPECT_EQ(in_200.kind, FailureKind::overloaded);
  EXPECT_EQ(in_200.http_status, 503);
}

TEST(GeminiCodec, TheKeyNeverReachesTheMessage) {
  auto settings = fixture_settings(ProviderKind::gemini);
  nlohmann::json body = {
      {"error",
       {{"code", 400},
        {"message", "API key AIzaSy-test-key-0123456789 not valid; also AIzaSyOTHERKEY12345678"},
        {"status", "INVALID_ARGUMENT"}}}};
  auto failure = failure_of(parse_response(settings, response(400, body.dump())));
  EXPECT_EQ(failure.message.find("0123456789"), std::string::npos) << failure.message;
  EXPECT_EQ(failure.message.find("OTHERKEY"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("[redacted]"), std::string::npos);
}

}  // namespace
}  // namespace autotrader::llm
