// OpenAI chat completions and the OpenAI-compatible formats (Together, local servers) against the
// fixtures in tests/fixtures/llm/{openai,together,local}.
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

constexpr const char* kDecision =
    R"({"action":"SELL","confidence":0.72,"reason":"support broken"})";

std::map<std::string, std::string> header_map(const net::ClientRequest& request) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : request.headers) out[name] = value;
  return out;
}

class OpenAiShapedRequest : public ::testing::TestWithParam<ProviderKind> {};

TEST_P(OpenAiShapedRequest, MatchesTheTwoTurnFixture) {
  ProviderKind kind = GetParam();
  auto request = build_request(fixture_settings(kind), testing::reference_conversation(kind));
  auto expected = fixture_json(std::string{to_string(kind)} + "/request_two_turns.json");
  EXPECT_EQ(request.method, expected["method"]);
  EXPECT_EQ(request.url, expected["url"]);
  EXPECT_EQ(nlohmann::json(header_map(request)), expected["headers"]);
  EXPECT_EQ(nlohmann::json::parse(request.body), expected["body"])
      << nlohmann::json::parse(request.body).dump(2);
}

TEST_P(OpenAiShapedRequest, SendsTheNestedStrictSchema) {
  auto request =
      build_request(fixture_settings(GetParam()), testing::reference_conversation(GetParam()));
  auto format = nlohmann::json::parse(request.body).at("response_format");
  EXPECT_EQ(format["type"], "json_schema");
  EXPECT_FALSE(format.contains("schema")) << "the flat form llama.cpp silently ignores";
  EXPECT_EQ(format["json_schema"]["name"], "trade_decision");
  const auto& schema = format["json_schema"]["schema"];
  EXPECT_EQ(schema["additionalProperties"], false);
  std::vector<std::string> properties;
  for (const auto& item : schema["properties"].items()) properties.push_back(item.key());
  std::vector<std::string> required = schema["required"];
  std::sort(required.begin(), required.end());
  EXPECT_EQ(properties, required) << "strict mode: every property required";
}

INSTANTIATE_TEST_SUITE_P(LlmFormats, OpenAiShapedRequest,
                         ::testing::Values(ProviderKind::openai, ProviderKind::together,
                                           ProviderKind::local),
                         [](const auto& info) { return std::string{to_string(info.param)}; });

TEST(OpenAiCodec, TokenLimitFieldAndSamplingPerFormat) {
  Conversation conversation{"s", {{Role::user, "u"}}};
  auto openai = nlohmann::json::parse(
      build_request(fixture_settings(ProviderKind::openai), conversation).body);
  EXPECT_EQ(openai["max_completion_tokens"], 512);
  EXPECT_FALSE(openai.contains("max_tokens"));
  EXPECT_FALSE(openai.contains("top_p"));
  auto local = nlohmann::json::parse(
      build_request(fixture_settings(ProviderKind::local), conversation).body);
  EXPECT_EQ(local["max_tokens"], 512);
  EXPECT_EQ(local["temperature"], 0.2);
  EXPECT_EQ(local["top_p"], 1.0);
}

TEST(OpenAiCodec, LocalServerGetsBearerOnlyWithAKey) {
  auto settings = fixture_settings(ProviderKind::local);
  Conversation conversation{"", {{Role::user, "u"}}};
  EXPECT_EQ(header_map(build_request(settings, conversation)).count("authorization"), 0u);
  settings.api_key = core::Secret{"llama-key"};
  settings.base_url = "http://10.0.0.5:8080/v1/";
  auto request = build_request(settings, conversation);
  EXPECT_EQ(header_map(request)["authorization"], "Bearer llama-key");
  EXPECT_EQ(request.url, "http://10.0.0.5:8080/v1/chat/completions");
  auto messages = nlohmann::json::parse(request.body)["messages"];
  ASSERT_EQ(messages.size(), 1u) << "no empty system message";
}

TEST(OpenAiCodec, ParsesTheDocumentedAnswerWithItsUsage) {
  auto reply = reply_of(parse_response(fixture_settings(ProviderKind::openai),
                                       fixture_response(200, "openai/response_ok.json")));
  EXPECT_EQ(reply.decision, nlohmann::json::parse(kDecision));
  EXPECT_EQ(reply.usage.input_tokens, 61u);
  EXPECT_EQ(reply.usage.output_tokens, 24u);
  EXPECT_EQ(reply.model, "gpt-4o-mini-2024-07-18");
}

TEST(OpenAiCodec, ContentOutcomesAreFailures) {
  auto settings = fixture_settings(ProviderKind::openai);
  auto refusal =
      failure_of(parse_response(settings, fixture_response(200, "openai/response_refusal.json")));
  EXPECT_EQ(refusal.kind, FailureKind::safety_block);
  EXPECT_EQ(refusal.message, "refusal: I'm sorry, I can't help with that request.");
  EXPECT_EQ(
      failure_of(parse_response(settings, fixture_response(200, "openai/response_length.json")))
          .kind,
      FailureKind::truncated);
  EXPECT_EQ(failure_of(parse_response(settings,
                                      fixture_response(200, "openai/response_content_filter.json")))
                .kind,
            FailureKind::safety_block);

  auto choice = [](const std::string& message, const std::string& finish) {
    return response(
        200, R"({"choices":[{"message":)" + message + R"(,"finish_reason":)" + finish + "}]}");
  };
  EXPECT_EQ(
      failure_of(
          parse_response(settings, choice(R"({"role":"assistant","content":null,"tool_calls":[]})",
                                          R"("tool_calls")")))
          .kind,
      FailureKind::empty_answer);
  EXPECT_EQ(failure_of(parse_response(settings, choice(R"({"content":""})", R"("stop")"))).kind,
            FailureKind::empty_answer);
  EXPECT_EQ(
      failure_of(parse_response(settings, choice(R"({"content":"SELL, I think."})", R"("stop")")))
          .kind,
      FailureKind::unparseable);
  EXPECT_EQ(failure_of(parse_response(settings, choice(R"({"content":"{}"})", R"("eos")"))).kind,
            FailureKind::empty_answer)
      << "eos is Together's, not OpenAI's";
  EXPECT_EQ(failure_of(parse_response(settings, response(200, R"({"choices":[]})"))).kind,
            FailureKind::empty_answer);
  EXPECT_EQ(failure_of(parse_response(settings, response(200, R"({"choices":[7]})"))).kind,
            FailureKind::unparseable);
  EXPECT_EQ(failure_of(parse_response(settings, response(200, "[1,2]"))).kind,
            FailureKind::unparseable);
}

TEST(OpenAiCodec, RateLimitIsRetryableWithTheHintFromTheMessage) {
  auto failure =
      failure_of(parse_response(fixture_settings(ProviderKind::openai),
                                fixture_response(429, "openai/error_429_rate_limit.json")));
  EXPECT_EQ(failure.kind, FailureKind::rate_limited);
  EXPECT_EQ(failure.klass(), FailureClass::retryable);
  EXPECT_EQ(failure.retry_after, std::optional{2502ms});
  EXPECT_EQ(failure.message.rfind("HTTP 429 rate_limit_exceeded: Rate limit reached", 0), 0u)
      << failure.message;
  EXPECT_LE(failure.message.size(), 200u);
}

TEST(OpenAiCodec, RetryHintsFromHeadersComeFirst) {
  auto settings = fixture_settings(ProviderKind::openai);
  auto with = [&](net::HeaderFields headers) {
    return failure_of(
               parse_response(settings, fixture_response(429, "openai/error_429_rate_limit.json",
                                                         std::move(headers))))
        .retry_after;
  };
  EXPECT_EQ(with({{"retry-after-ms", "1200"}, {"retry-after", "9"}}), std::optional{1200ms});
  EXPECT_EQ(with({{"retry-after", "7"}}), std::optional{7000ms});
  EXPECT_EQ(with({{"Retry-After", "Wed, 21 Oct 2015 07:28:30 GMT"},
                  {"Date", "Wed, 21 Oct 2015 07:28:00 GMT"}}),
            std::optional{30000ms});
  // A date without the server's Date header cannot be measured: the message's hint is used.
  EXPECT_EQ(with({{"retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"}}), std::optional{2502ms});
  EXPECT_EQ(with({{"retry-after", "soon"}}), std::optional{2502ms});
}

TEST(OpenAiCodec, InsufficientQuotaIsNotRetryable) {
  auto failure =
      failure_of(parse_response(fixture_settings(ProviderKind::openai),
                                fixture_response(429, "openai/error_429_insufficient_quota.json")));
  EXPECT_EQ(failure.kind, FailureKind::quota_exhausted);
  EXPECT_EQ(failure.klass(), FailureClass::non_retryable);
}

TEST(OpenAiCodec, ShouldRetryHeaderOverridesTheStatus) {
  auto settings = fixture_settings(ProviderKind::openai);
  auto kind = [&](int status, const char* value) {
    return failure_of(
               parse_response(settings, response(status, R"({"error":{"message":"x","type":"t"}})",
                                                 {{"x-should-retry", value}})))
        .kind;
  };
  EXPECT_EQ(kind(500, "false"), FailureKind::bad_request);
  EXPECT_EQ(kind(429, "false"), FailureKind::quota_exhausted);
  EXPECT_EQ(kind(400, "true"), FailureKind::server_error);
  EXPECT_EQ(kind(401, "true"), FailureKind::auth) << "a bad key stays a bad key";
  EXPECT_EQ(kind(500, "true"), FailureKind::server_error);
}

TEST(OpenAiCodec, ClassifiesErrorStatusesAndRedactsKeys) {
  auto settings = fixture_settings(ProviderKind::openai);
  auto unauthorized = failure_of(
      parse_response(settings, fixture_response(401, "openai/error_401_invalid_key.json")));
  EXPECT_EQ(unauthorized.kind, FailureKind::auth);
  EXPECT_EQ(unauthorized.message.find("abcdefghijklmnop1234"), std::string::npos)
      << unauthorized.message;
  EXPECT_EQ(unauthorized.message.rfind("HTTP 401 invalid_api_key: Incorrect API key provided: "
                                       "[redacted]",
                                       0),
            0u)
      << unauthorized.message;

  nlohmann::json echo = {{"error", {{"message", "bad key sk-test-key-0123456789 here"}}}};
  auto echoed = failure_of(parse_response(settings, response(403, echo.dump())));
  EXPECT_EQ(echoed.message, "HTTP 403: bad key [redacted] here");

  struct Case {
    int status;
    FailureKind kind;
  };
  for (const Case& c : {Case{400, FailureKind::bad_request}, Case{404, FailureKind::bad_request},
                        Case{408, FailureKind::timeout}, Case{409, FailureKind::server_error},
                        Case{413, FailureKind::bad_request}, Case{500, FailureKind::server_error},
                        Case{502, FailureKind::server_error}, Case{503, FailureKind::overloaded},
                        Case{302, FailureKind::bad_request}}) {
    auto failure = failure_of(parse_response(settings, response(c.status, "")));
    EXPECT_EQ(failure.kind, c.kind) << c.status;
    EXPECT_EQ(failure.http_status, c.status);
  }
}

TEST(TogetherCodec, EosIsAFinishedAnswer) {
  auto reply = reply_of(parse_response(fixture_settings(ProviderKind::together),
                                       fixture_response(200, "together/response_eos.json")));
  EXPECT_EQ(reply.decision, nlohmann::json::parse(kDecision));
  EXPECT_EQ(reply.model, "meta-llama/Llama-3.3-70B-Instruct-Turbo");
  auto limited = failure_of(
      parse_response(fixture_settings(ProviderKind::together),
                     fixture_response(429, "together/error_429.json", {{"retry-after", "2"}})));
  EXPECT_EQ(limited.kind, FailureKind::rate_limited);
  EXPECT_EQ(limited.retry_after, std::optional{2000ms});
}

TEST(LocalCodec, OllamaAnswersAndErrors) {
  auto settings = fixture_settings(ProviderKind::local);
  auto reply =
      reply_of(parse_response(settings, fixture_response(200, "local/response_ollama.json")));
  EXPECT_EQ(reply.decision["action"], "SELL");
  EXPECT_EQ(reply.usage.input_tokens, 0u) << "cached prompt";
  EXPECT_EQ(reply.usage.output_tokens, 24u);
  auto missing =
      failure_of(parse_response(settings, fixture_response(404, "local/error_404_model.json")));
  EXPECT_EQ(missing.kind, FailureKind::bad_request);
  EXPECT_EQ(missing.message,
            "HTTP 404 not_found_error: model \"llama3.1:8b\" not found, try pulling it first");
  // Some local servers leave finish_reason out.
  auto no_finish = reply_of(
      parse_response(settings, response(200, std::string{R"({"choices":[{"message":{"content":)"} +
                                                 nlohmann::json(kDecision).dump() + "}}]}")));
  EXPECT_EQ(no_finish.decision["confidence"], 0.72);
}

}  // namespace
}  // namespace autotrader::llm
