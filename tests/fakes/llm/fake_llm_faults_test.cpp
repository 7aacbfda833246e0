// Every fault over a real socket, in each provider's own format, and its counter.
#include <gtest/gtest.h>

#include <future>

#include "tests/fakes/llm/fake_llm_fixture.hpp"

namespace autotrader::fakes::llm::test {
namespace {

using autotrader::test::HttpResult;
using namespace std::chrono_literals;

using FakeLlmFaults = FakeLlmFixture;

constexpr std::array<Provider, 3> kFormats{Provider::gemini, Provider::openai, Provider::anthropic};

// The error object of each format: Gemini/OpenAI {"error":{...}}, Anthropic {"type":"error",...}.
json error_of(const HttpResult& result) {
  return json_of(result).value("error", json::object());
}

json retry_info(const json& gemini_error) {
  for (const auto& detail : gemini_error.value("details", json::array())) {
    if (detail.value("@type", "") == "type.googleapis.com/google.rpc.RetryInfo") return detail;
  }
  return nullptr;
}

std::string text_of(Provider provider, const json& body) {
  if (provider == Provider::gemini) {
    return body["candidates"][0]["content"]["parts"][0]["text"].get<std::string>();
  }
  return body["choices"][0]["message"]["content"].get<std::string>();
}

TEST_F(FakeLlmFaults, ServerErrorInEachFormat) {
  for (auto p : kFormats) fake->fail(p, Fault::server_error());
  auto gemini = send(Provider::gemini);
  EXPECT_EQ(gemini.status, 500);
  EXPECT_EQ(error_of(gemini)["status"], "INTERNAL");
  EXPECT_EQ(error_of(gemini)["code"], 500);
  auto openai = send(Provider::openai);
  EXPECT_EQ(openai.status, 500);
  EXPECT_EQ(error_of(openai)["type"], "server_error");
  auto anthropic = send(Provider::anthropic);
  EXPECT_EQ(anthropic.status, 500);
  EXPECT_EQ(json_of(anthropic)["type"], "error");
  EXPECT_EQ(error_of(anthropic)["type"], "api_error");
  EXPECT_EQ(fake->fault_count(FaultKind::server_error), 3u);

  fake->fail(Provider::gemini, Fault::server_error(504));
  EXPECT_EQ(error_of(send(Provider::gemini))["status"], "DEADLINE_EXCEEDED");
  fake->fail(Provider::together, Fault::server_error(502));
  EXPECT_EQ(send(Provider::together).status, 502);
}

TEST_F(FakeLlmFaults, OverloadedIsEachProvidersOwnOverload) {
  for (auto p : kFormats) fake->fail(p, Fault::overloaded());
  auto gemini = send(Provider::gemini);
  EXPECT_EQ(gemini.status, 503);
  EXPECT_EQ(error_of(gemini)["status"], "UNAVAILABLE");
  EXPECT_EQ(error_of(gemini)["message"], "The model is overloaded. Please try again later.");
  EXPECT_EQ(send(Provider::openai).status, 503);
  auto anthropic = send(Provider::anthropic);
  EXPECT_EQ(anthropic.status, 529);
  EXPECT_EQ(error_of(anthropic)["type"], "overloaded_error");
  EXPECT_EQ(error_of(anthropic)["message"], "Overloaded");
  EXPECT_EQ(json_of(anthropic)["request_id"], anthropic.header("request-id"));
  EXPECT_EQ(fake->fault_count(FaultKind::overloaded), 3u);
}

TEST_F(FakeLlmFaults, RateLimitedCarriesEachProvidersRetryHint) {
  for (auto p : kFormats) fake->fail(p, Fault::rate_limited(2500ms));
  auto gemini = send(Provider::gemini);
  EXPECT_EQ(gemini.status, 429);
  EXPECT_EQ(error_of(gemini)["status"], "RESOURCE_EXHAUSTED");
  EXPECT_EQ(retry_info(error_of(gemini))["retryDelay"], "2.5s");
  EXPECT_NE(error_of(gemini)["message"].get<std::string>().find("Please retry in 2.5s."),
            std::string::npos);
  auto quota_id = error_of(gemini)["details"][0]["violations"][0]["quotaId"].get<std::string>();
  EXPECT_NE(quota_id.find("PerMinute"), std::string::npos);
  EXPECT_EQ(gemini.header("retry-after"), "");  // Gemini's hint is in the body only

  auto openai = send(Provider::openai);
  EXPECT_EQ(openai.status, 429);
  EXPECT_EQ(openai.header("retry-after"), "3");
  EXPECT_EQ(openai.header("retry-after-ms"), "2500");
  EXPECT_EQ(openai.header("x-ratelimit-reset-tokens"), "2.5s");
  EXPECT_EQ(error_of(openai)["code"], "rate_limit_exceeded");
  EXPECT_NE(error_of(openai)["message"].get<std::string>().find("Please try again in 2.5s."),
            std::string::npos);

  auto anthropic = send(Provider::anthropic);
  EXPECT_EQ(anthropic.status, 429);
  EXPECT_EQ(anthropic.header("retry-after"), "3");
  EXPECT_EQ(anthropic.header("anthropic-ratelimit-requests-remaining"), "0");
  EXPECT_EQ(error_of(anthropic)["type"], "rate_limit_error");
  EXPECT_EQ(fake->fault_count(FaultKind::rate_limited), 3u);
}

TEST_F(FakeLlmFaults, RateLimitedWithoutAHint) {
  for (auto p : kFormats) fake->fail(p, Fault::rate_limited(0ms));
  auto gemini = send(Provider::gemini);
  EXPECT_EQ(gemini.status, 429);
  EXPECT_TRUE(retry_info(error_of(gemini)).is_null());
  auto openai = send(Provider::openai);
  EXPECT_EQ(openai.status, 429);
  EXPECT_EQ(openai.header("retry-after"), "");
  EXPECT_EQ(openai.header("retry-after-ms"), "");
  EXPECT_EQ(error_of(openai)["message"].get<std::string>().find("try again"), std::string::npos);
  auto anthropic = send(Provider::anthropic);
  EXPECT_EQ(anthropic.status, 429);
  EXPECT_EQ(anthropic.header("retry-after"), "");
}

TEST_F(FakeLlmFaults, QuotaExhaustedIsA429ThatDoesNotClear) {
  for (auto p : kFormats) fake->fail(p, Fault::quota_exhausted());
  auto gemini = send(Provider::gemini);
  EXPECT_EQ(gemini.status, 429);
  auto quota_id = error_of(gemini)["details"][0]["violations"][0]["quotaId"].get<std::string>();
  EXPECT_NE(quota_id.find("PerDay"), std::string::npos);
  EXPECT_TRUE(retry_info(error_of(gemini)).is_null());
  auto openai = send(Provider::openai);
  EXPECT_EQ(openai.status, 429);
  EXPECT_EQ(error_of(openai)["code"], "insufficient_quota");
  EXPECT_EQ(error_of(openai)["type"], "insufficient_quota");
  EXPECT_EQ(openai.header("retry-after"), "");
  auto anthropic = send(Provider::anthropic);
  EXPECT_EQ(anthropic.status, 429);
  EXPECT_EQ(error_of(anthropic)["details"]["error_code"], "enforced_spend_limit_reached");
  EXPECT_EQ(fake->fault_count(FaultKind::quota_exhausted), 3u);
}

TEST_F(FakeLlmFaults, UnauthorizedAndBadRequestInEachFormat) {
  for (auto p : kFormats) fake->fail(p, Fault::unauthorized());
  for (auto p : kFormats) fake->fail(p, Fault::bad_request());
  auto gemini = send(Provider::gemini);
  EXPECT_EQ(gemini.status, 401);
  EXPECT_EQ(error_of(gemini)["status"], "UNAUTHENTICATED");
  auto openai = send(Provider::openai);
  EXPECT_EQ(openai.status, 401);
  EXPECT_EQ(error_of(openai)["code"], "invalid_api_key");
  auto anthropic = send(Provider::anthropic);
  EXPECT_EQ(anthropic.status, 401);
  EXPECT_EQ(error_of(anthropic)["type"], "authentication_error");

  EXPECT_EQ(error_of(send(Provider::gemini))["status"], "INVALID_ARGUMENT");
  EXPECT_EQ(error_of(send(Provider::openai))["type"], "invalid_request_error");
  EXPECT_EQ(error_of(send(Provider::anthropic))["type"], "invalid_request_error");
  EXPECT_EQ(fake->fault_count(FaultKind::unauthorized), 3u);
  EXPECT_EQ(fake->fault_count(FaultKind::bad_request), 3u);
}

TEST_F(FakeLlmFaults, ShouldRetryHeaderWhenScripted) {
  auto fault = Fault::server_error();
  fault.should_retry = false;
  fake->fail(Provider::openai, fault);
  fake->fail(Provider::anthropic, fault);
  EXPECT_EQ(send(Provider::openai).header("x-should-retry"), "false");
  EXPECT_EQ(send(Provider::anthropic).header("x-should-retry"), "false");
  EXPECT_EQ(send(Provider::openai).header("x-should-retry"), "");
}

TEST_F(FakeLlmFaults, MalformedBodyIsA200ThatDoesNotParse) {
  for (auto p : kProviders) {
    fake->fail(p, Fault::malformed_body());
    auto result = send(p);
    EXPECT_EQ(result.status, 200) << to_string(p);
    EXPECT_NE(result.header("content-type").find("application/json"), std::string::npos);
    EXPECT_TRUE(json_of(result).is_discarded()) << result.body;
  }
  EXPECT_EQ(fake->fault_count(FaultKind::malformed_body), kProviderCount);
}

TEST_F(FakeLlmFaults, SchemaViolationIsAWellFormedEnvelopeAroundABadDecision) {
  for (auto p : kFormats) fake->fail(p, Fault::schema_violation());
  auto gemini = json_of(send(Provider::gemini));
  EXPECT_EQ(json::parse(text_of(Provider::gemini, gemini))["action"], "MAYBE");
  auto openai = json_of(send(Provider::openai));
  EXPECT_EQ(json::parse(text_of(Provider::openai, openai))["confidence"], 1.7);
  auto anthropic = json_of(send(Provider::anthropic));
  EXPECT_EQ(anthropic["content"][0]["type"], "tool_use");
  EXPECT_TRUE(anthropic["content"][0]["input"]["reasoning"].is_number());
}

TEST_F(FakeLlmFaults, EmptyAnswerHasNothingToParse) {
  for (auto p : kFormats) fake->fail(p, Fault::empty_answer());
  auto gemini = json_of(send(Provider::gemini));
  EXPECT_EQ(gemini["candidates"][0]["finishReason"], "STOP");
  EXPECT_FALSE(gemini["candidates"][0]["content"].contains("parts"));
  auto openai = json_of(send(Provider::openai));
  EXPECT_EQ(openai["choices"][0]["message"]["content"], "");
  auto anthropic = json_of(send(Provider::anthropic));
  EXPECT_TRUE(anthropic["content"].empty());
  EXPECT_EQ(anthropic["stop_reason"], "end_turn");
}

TEST_F(FakeLlmFaults, BlockedPromptAndSafetyBlock) {
  for (auto p : kFormats) fake->fail(p, Fault::blocked_prompt());
  for (auto p : kFormats) fake->fail(p, Fault::safety_block());

  auto gemini_blocked = json_of(send(Provider::gemini));
  EXPECT_FALSE(gemini_blocked.contains("candidates"));
  EXPECT_EQ(gemini_blocked["promptFeedback"]["blockReason"], "SAFETY");
  auto openai_filtered = json_of(send(Provider::openai));
  EXPECT_EQ(openai_filtered["choices"][0]["finish_reason"], "content_filter");
  EXPECT_TRUE(openai_filtered["choices"][0]["message"]["content"].is_null());
  EXPECT_EQ(json_of(send(Provider::anthropic))["stop_reason"], "refusal");

  auto gemini_safety = json_of(send(Provider::gemini));
  EXPECT_EQ(gemini_safety["candidates"][0]["finishReason"], "SAFETY");
  EXPECT_FALSE(gemini_safety["candidates"][0].contains("content"));
  auto openai_refusal = json_of(send(Provider::openai));
  EXPECT_TRUE(openai_refusal["choices"][0]["message"]["content"].is_null());
  EXPECT_TRUE(openai_refusal["choices"][0]["message"]["refusal"].is_string());
  EXPECT_EQ(json_of(send(Provider::anthropic))["stop_reason"], "refusal");
  EXPECT_EQ(fake->fault_count(FaultKind::blocked_prompt), 3u);
  EXPECT_EQ(fake->fault_count(FaultKind::safety_block), 3u);
}

TEST_F(FakeLlmFaults, TruncatedStopsAtTheTokenLimit) {
  for (auto p : kFormats) fake->fail(p, Fault::truncated());
  auto gemini = json_of(send(Provider::gemini));
  EXPECT_EQ(gemini["candidates"][0]["finishReason"], "MAX_TOKENS");
  EXPECT_TRUE(json::parse(text_of(Provider::gemini, gemini), nullptr, false).is_discarded());
  auto openai = json_of(send(Provider::openai));
  EXPECT_EQ(openai["choices"][0]["finish_reason"], "length");
  EXPECT_TRUE(json::parse(text_of(Provider::openai, openai), nullptr, false).is_discarded());
  auto anthropic = json_of(send(Provider::anthropic));
  EXPECT_EQ(anthropic["stop_reason"], "max_tokens");
  EXPECT_EQ(anthropic["content"][0]["input"].size(), 1u);  // only the fields written so far
}

TEST_F(FakeLlmFaults, ProseInsteadOfJsonOrTheToolCall) {
  for (auto p : kFormats) fake->fail(p, Fault::prose());
  auto gemini = json_of(send(Provider::gemini));
  EXPECT_TRUE(json::parse(text_of(Provider::gemini, gemini), nullptr, false).is_discarded());
  auto openai = json_of(send(Provider::openai));
  EXPECT_EQ(openai["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(json::parse(text_of(Provider::openai, openai), nullptr, false).is_discarded());
  auto anthropic = json_of(send(Provider::anthropic));
  EXPECT_EQ(anthropic["stop_reason"], "end_turn");
  ASSERT_EQ(anthropic["content"].size(), 1u);
  EXPECT_EQ(anthropic["content"][0]["type"], "text");
  EXPECT_EQ(fake->fault_count(FaultKind::prose), 3u);
}

TEST_F(FakeLlmFaults, TimeoutSendsNothingAndNeverBlocksTheServer) {
  fake->fail(Provider::openai, Fault::timeout());
  auto call = valid_call(Provider::openai);
  auto hung = std::async(std::launch::async, [&] { return send(call, 3s); });
  ASSERT_TRUE(fake->wait_for_requests(Provider::openai, 1, kWait));
  auto other = send(Provider::gemini);  // served while the first connection hangs
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(hung.wait_for(0s), std::future_status::timeout);
  auto result = hung.get();
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error.find("timeout"), std::string::npos) << result.error;
  EXPECT_EQ(fake->fault_count(FaultKind::timeout), 1u);
  EXPECT_EQ(fake->requests(Provider::openai).at(0).outcome, "timeout");
}

TEST_F(FakeLlmFaults, StopClosesAHungConnection) {
  fake->fail(Provider::anthropic, Fault::timeout());
  auto call = valid_call(Provider::anthropic);
  auto bytes = "POST " + call.target + " HTTP/1.1\r\nHost: x\r\nx-api-key: " + kKey +
               "\r\nanthropic-version: 2023-06-01\r\ncontent-type: application/json\r\n" +
               "content-length: " + std::to_string(call.body.dump().size()) + "\r\n\r\n" +
               call.body.dump();
  auto hung = std::async(std::launch::async,
                         [&] { return autotrader::test::raw_exchange(fake->port(), bytes, 10s); });
  ASSERT_TRUE(fake->wait_for_requests(Provider::anthropic, 1, kWait));
  fake->stop();
  auto result = hung.get();
  EXPECT_TRUE(result.closed);
  EXPECT_FALSE(result.timed_out);
  EXPECT_TRUE(result.received.empty());
}

TEST_F(FakeLlmFaults, ResetAbortsTheConnection) {
  fake->fail(Provider::gemini, Fault::reset());
  auto result = send(Provider::gemini);
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error.find("reset"), std::string::npos) << result.error;
  EXPECT_EQ(fake->fault_count(FaultKind::reset), 1u);
  EXPECT_EQ(send(Provider::gemini).status, 200);
}

TEST_F(FakeLlmFaults, TrickleDeliversTheWholeAnswerSlowly) {
  const std::size_t chunk = 64;
  const auto interval = 10ms;
  fake->enqueue(Provider::openai, Behaviour::answer(sell_decision()).trickled(chunk, interval));
  auto started = std::chrono::steady_clock::now();
  auto result = send(Provider::openai);
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(result.status, 200) << result.error;
  EXPECT_EQ(json::parse(text_of(Provider::openai, json_of(result))), sell_decision());
  // At least one interval between consecutive chunks of the body alone.
  EXPECT_GE(elapsed, interval * static_cast<int>(result.body.size() / chunk));
  EXPECT_EQ(fake->fault_count(FaultKind::trickle), 1u);
}

TEST_F(FakeLlmFaults, DelaysHoldTheFirstByte) {
  fake->enqueue(Provider::anthropic, Behaviour::fault(Fault::overloaded()).after(150ms));
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(send(Provider::anthropic).status, 529);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);
  EXPECT_EQ(fake->fault_count(FaultKind::delay), 1u);

  auto config = fake->config(Provider::gemini);
  config.response_delay = 120ms;
  fake->configure(Provider::gemini, config);
  started = std::chrono::steady_clock::now();
  EXPECT_EQ(send(Provider::gemini).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 120ms);
}

}  // namespace
}  // namespace autotrader::fakes::llm::test
