// Every provider route over a real socket: scripted answers in FIFO order, keep-alive, the
// records and the per-route counts tests use to prove a provider was (not) called.
#include <gtest/gtest.h>

#include <future>

#include "tests/fakes/llm/fake_llm_fixture.hpp"

namespace autotrader::fakes::llm::test {
namespace {

using autotrader::test::HttpConnection;
using namespace std::chrono_literals;

using FakeLlmRoutes = FakeLlmFixture;

// The decision inside a 200 answer, whatever the envelope.
json decision_of(Provider provider, const autotrader::test::HttpResult& result) {
  auto body = json_of(result);
  if (provider == Provider::gemini) {
    return json::parse(body["candidates"][0]["content"]["parts"][0]["text"].get<std::string>());
  }
  if (provider == Provider::anthropic) return body["content"][0]["input"];
  return json::parse(body["choices"][0]["message"]["content"].get<std::string>());
}

TEST_F(FakeLlmRoutes, BaseUrlsNameEachRoute) {
  auto origin = "http://127.0.0.1:" + std::to_string(fake->port());
  EXPECT_FALSE(fake->tls());
  EXPECT_EQ(fake->origin(), origin);
  EXPECT_EQ(fake->base_url(Provider::gemini), origin);
  EXPECT_EQ(fake->base_url(Provider::anthropic), origin);
  EXPECT_EQ(fake->base_url(Provider::openai), origin + "/v1");
  EXPECT_EQ(fake->base_url(Provider::together), origin + "/together/v1");
  EXPECT_EQ(fake->base_url(Provider::local), origin + "/local/v1");
}

TEST_F(FakeLlmRoutes, EachRouteAnswersItsScriptedDecision) {
  for (auto provider : kProviders) {
    SCOPED_TRACE(std::string{to_string(provider)});
    auto decision = sell_decision();
    decision["reasoning"] = std::string{"for "} + std::string{to_string(provider)};
    fake->answer(provider, decision, {100, 20});
    auto result = send(provider);
    ASSERT_TRUE(result.ok()) << result.error;
    ASSERT_EQ(result.status, 200) << result.body;
    EXPECT_NE(result.header("content-type").find("application/json"), std::string::npos);
    EXPECT_EQ(decision_of(provider, result), decision);
    EXPECT_EQ(fake->request_count(provider), 1u);
  }
}

TEST_F(FakeLlmRoutes, ScriptsPlayInOrderThenTheDefault) {
  auto buy = sell_decision();
  buy["action"] = "BUY";
  fake->answer(Provider::openai, buy);
  fake->fail(Provider::openai, Fault::server_error(502));
  fake->answer(Provider::openai, sell_decision());
  EXPECT_EQ(fake->scripted(Provider::openai), 3u);
  EXPECT_EQ(decision_of(Provider::openai, send(Provider::openai)), buy);
  EXPECT_EQ(send(Provider::openai).status, 502);
  EXPECT_EQ(decision_of(Provider::openai, send(Provider::openai)), sell_decision());
  EXPECT_EQ(decision_of(Provider::openai, send(Provider::openai)), default_decision());
  fake->set_default(Provider::openai, Behaviour::answer(buy));
  EXPECT_EQ(decision_of(Provider::openai, send(Provider::openai)), buy);
}

TEST_F(FakeLlmRoutes, OneKeptAliveConnectionServesSeveralRequests) {
  HttpConnection connection{fake->port()};
  ASSERT_TRUE(connection.connected());
  for (auto provider : {Provider::gemini, Provider::anthropic, Provider::local}) {
    auto call = valid_call(provider);
    auto result = connection.request("POST", call.target, call.body.dump(), call.headers);
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(result.status, 200);
  }
  EXPECT_EQ(fake->requests().size(), 3u);
}

TEST_F(FakeLlmRoutes, CountsProveWhichProvidersWereCalled) {
  send(Provider::gemini);
  send(Provider::gemini);
  send(Provider::anthropic);
  EXPECT_EQ(fake->request_count(Provider::gemini), 2u);
  EXPECT_EQ(fake->request_count(Provider::anthropic), 1u);
  EXPECT_EQ(fake->request_count(Provider::openai), 0u);  // e.g. its breaker is open
  EXPECT_EQ(fake->requests(Provider::gemini).size(), 2u);
  fake->clear_records();
  EXPECT_EQ(fake->request_count(Provider::gemini), 0u);
  EXPECT_TRUE(fake->requests().empty());
}

TEST_F(FakeLlmRoutes, WaitForRequestsReturnsOnceTheyArrive) {
  auto later = std::async(std::launch::async, [this] { return send(Provider::together); });
  EXPECT_TRUE(fake->wait_for_requests(Provider::together, 1, kWait));
  EXPECT_EQ(later.get().status, 200);
  EXPECT_FALSE(fake->wait_for_requests(Provider::together, 2, 50ms));
}

TEST_F(FakeLlmRoutes, RecordsHoldTheRequestWithKeysRedacted) {
  send(Provider::anthropic);
  auto records = fake->requests(Provider::anthropic);
  ASSERT_EQ(records.size(), 1u);
  const auto& r = records[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/v1/messages");
  EXPECT_EQ(r.headers.at("x-api-key"), "<redacted>");
  EXPECT_EQ(r.headers.at("anthropic-version"), "2023-06-01");
  EXPECT_EQ(json::parse(r.body), anthropic_body());
  EXPECT_EQ(r.model, "claude-sonnet-4-5");
  EXPECT_EQ(r.auth, AuthOutcome::ok);
  EXPECT_EQ(r.outcome, "answer");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.tls);
}

TEST_F(FakeLlmRoutes, UnknownPathsAnswer404Json) {
  Call call;
  call.target = "/v1/embeddings";
  call.body = json::object();
  auto result = send(call);
  EXPECT_EQ(result.status, 404);
  EXPECT_TRUE(json_of(result).contains("error"));
  auto gemini_get = valid_call(Provider::gemini);
  gemini_get.method = "GET";
  gemini_get.body = nullptr;
  EXPECT_EQ(send(gemini_get).status, 404);
}

TEST_F(FakeLlmRoutes, GarbageIsRefusedAndTheServerCarriesOn) {
  auto garbage = autotrader::test::raw_exchange(fake->port(), "\x16\x03\x01 nonsense\r\n\r\n",
                                                kWait, autotrader::test::AfterWrite::half_close);
  EXPECT_TRUE(garbage.closed);
  auto huge = valid_call(Provider::openai);
  huge.body["messages"][1]["content"] = std::string(9 << 20, 'x');  // above the 8 MiB cap
  EXPECT_NE(send(huge).status, 200);
  EXPECT_EQ(send(Provider::openai).status, 200);
}

TEST_F(FakeLlmRoutes, StopAndStartAgainOnANewPort) {
  fake->stop();
  fake->stop();  // idempotent
  EXPECT_EQ(fake->port(), 0);
  ASSERT_FALSE(fake->start());
  EXPECT_EQ(send(Provider::gemini).status, 200);
}

}  // namespace
}  // namespace autotrader::fakes::llm::test
