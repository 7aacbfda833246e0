// The HTTP control endpoint over a real socket, as a daemon end-to-end test or a node test drives
// a fake_llm_server process: script, default, config, requests, stats, clear, reset.
#include <gtest/gtest.h>

#include "tests/fakes/llm/fake_llm_fixture.hpp"

namespace autotrader::fakes::llm::test {
namespace {

using autotrader::test::http_get;
using autotrader::test::http_request;

using FakeLlmControl = FakeLlmFixture;

json post(std::uint16_t port, const std::string& path, const json& body, int want = 200) {
  auto result = http_request(port, "POST", "/_fake/" + path, body.is_null() ? "" : body.dump(),
                             {{"Content-Type", "application/json"}});
  EXPECT_EQ(result.status, want) << path << ": " << result.body;
  return json_of(result);
}

json get(std::uint16_t port, const std::string& path) {
  auto result = http_get(port, "/_fake/" + path);
  EXPECT_EQ(result.status, 200) << path << ": " << result.body;
  return json_of(result);
}

TEST_F(FakeLlmControl, ScriptedOverHttpThenServedInOrder) {
  auto queued = post(fake->port(), "script",
                     {{"provider", "anthropic"},
                      {"behaviours",
                       {{{"fault", "overloaded"}},
                        {{"fault", "rate_limited"}, {"retry_after_ms", 1000}},
                        {{"answer", sell_decision()}, {"usage", {{"input_tokens", 7}}}}}}});
  EXPECT_EQ(queued["queued"], 3);
  EXPECT_EQ(fake->scripted(Provider::anthropic), 3u);
  EXPECT_EQ(send(Provider::anthropic).status, 529);
  auto limited = send(Provider::anthropic);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("retry-after"), "1");
  auto answer = json_of(send(Provider::anthropic));
  EXPECT_EQ(answer["content"][0]["input"], sell_decision());
  EXPECT_EQ(answer["usage"]["input_tokens"], 7);

  auto stats = get(fake->port(), "stats");
  EXPECT_EQ(stats["requests"]["anthropic"], 3);
  EXPECT_EQ(stats["requests"]["gemini"], 0);
  EXPECT_EQ(stats["faults"]["overloaded"], 1);
  EXPECT_EQ(stats["faults"]["rate_limited"], 1);
  EXPECT_EQ(stats["faults_total"], 2);
  EXPECT_EQ(stats["scripted"]["anthropic"], 0);
}

TEST_F(FakeLlmControl, RequestsListEveryRecordWithKeysRedacted) {
  send(Provider::gemini);
  send(Provider::local);
  auto all = get(fake->port(), "requests")["requests"];
  ASSERT_EQ(all.size(), 2u);  // control requests are not recorded
  auto local = get(fake->port(), "requests?provider=local")["requests"];
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0]["path"], "/local/v1/chat/completions");
  EXPECT_EQ(local[0]["headers"]["authorization"], "Bearer <redacted>");
  EXPECT_EQ(local[0]["body_json"]["model"], "llama3.1");
  EXPECT_EQ(local[0]["outcome"], "answer");
  auto listing = http_get(fake->port(), "/_fake/requests").body;
  EXPECT_EQ(listing.find(kKey), std::string::npos);
}

TEST_F(FakeLlmControl, DefaultAndConfigChangeARouteUntilReset) {
  post(fake->port(), "default", {{"provider", "gemini"}, {"behaviour", {{"fault", "overloaded"}}}});
  post(fake->port(), "config", {{"provider", "local"}, {"api_key", ""}, {"key_required", false}});
  EXPECT_EQ(send(Provider::gemini).status, 503);
  EXPECT_EQ(send(Provider::gemini).status, 503);
  auto keyless = valid_call(Provider::local);
  keyless.headers.erase("Authorization");
  EXPECT_EQ(send(keyless).status, 200);
  EXPECT_EQ(send(valid_call(Provider::local, "any-key")).status, 200);  // no key expected now
  auto config = get(fake->port(), "config");
  EXPECT_EQ(config["local"]["api_key_set"], false);
  EXPECT_EQ(config["gemini"]["default"]["fault"], "overloaded");

  post(fake->port(), "reset", nullptr);
  EXPECT_EQ(send(Provider::gemini).status, 200);
  // The start options: the local route still needs no key, but expects kKey when one is sent.
  EXPECT_EQ(send(keyless).status, 200);
  EXPECT_EQ(send(valid_call(Provider::local, "any-key")).status, 401);
  EXPECT_EQ(get(fake->port(), "stats")["requests"]["gemini"], 1);
}

TEST_F(FakeLlmControl, ClearEmptiesTheScriptsOnly) {
  post(fake->port(), "script", {{"provider", "openai"}, {"behaviours", {{{"fault", "timeout"}}}}});
  post(fake->port(), "default",
       {{"provider", "openai"}, {"behaviour", {{"answer", sell_decision()}}}});
  post(fake->port(), "clear", nullptr);
  auto result = json_of(send(Provider::openai));
  EXPECT_EQ(json::parse(result["choices"][0]["message"]["content"].get<std::string>()),
            sell_decision());
}

TEST_F(FakeLlmControl, BadControlRequestsAre4xxAndChangeNothing) {
  post(fake->port(), "script", {{"provider", "gemini"}, {"behaviours", {{{"fault", "boom"}}}}},
       400);
  post(fake->port(), "config", {{"provider", "gemini"}, {"response_delay_ms", -5}}, 400);
  EXPECT_EQ(http_get(fake->port(), "/_fake/nothing").status, 404);
  EXPECT_EQ(fake->scripted(Provider::gemini), 0u);
  EXPECT_EQ(send(Provider::gemini).status, 200);
}

TEST(FakeLlmControlOff, ControlPathsAreNotServedWhenDisabled) {
  FakeLlmOptions options;
  options.control_api = false;
  FakeLlm fake{options};
  ASSERT_FALSE(fake.start());
  auto result = http_request(fake.port(), "POST", "/_fake/reset", "{}");
  EXPECT_EQ(result.status, 404);
  ASSERT_EQ(fake.requests().size(), 1u);
  EXPECT_EQ(fake.requests()[0].outcome, "no_route");
}

}  // namespace
}  // namespace autotrader::fakes::llm::test
