// The control endpoint's JSON: behaviours in and out, and every refusal of a bad control request.
#include "tests/fakes/llm/control_api.hpp"

#include <gtest/gtest.h>

#include "tests/fakes/llm/handler_fixture.hpp"

namespace autotrader::fakes::llm::test {
namespace {

using namespace std::chrono_literals;

Behaviour parse(const json& j) {
  auto parsed = behaviour_from_json(j);
  if (auto* why = std::get_if<std::string>(&parsed)) ADD_FAILURE() << *why << " for " << j;
  return std::get_if<Behaviour>(&parsed) ? std::get<Behaviour>(parsed) : Behaviour{};
}

std::string refusal(const json& j) {
  auto parsed = behaviour_from_json(j);
  auto* why = std::get_if<std::string>(&parsed);
  return why ? *why : std::string{};
}

TEST(FakeLlmBehaviourJson, AnswersWithUsageModelThoughtAndModifiers) {
  auto b = parse({{"answer", sell_decision()},
                  {"usage", {{"input_tokens", 61}, {"output_tokens", 24}}},
                  {"model", "gpt-4o-2024"},
                  {"thought", "hmm"},
                  {"delay_ms", 250},
                  {"trickle", {{"chunk_bytes", 8}, {"interval_ms", 15}}}});
  ASSERT_TRUE(b.as_answer());
  EXPECT_EQ(b.as_answer()->decision, sell_decision());
  EXPECT_EQ(b.as_answer()->usage.input_tokens, 61u);
  EXPECT_EQ(b.as_answer()->usage.output_tokens, 24u);
  EXPECT_EQ(b.as_answer()->model, "gpt-4o-2024");
  EXPECT_EQ(b.as_answer()->thought, "hmm");
  EXPECT_EQ(b.delay, 250ms);
  ASSERT_TRUE(b.trickle);
  EXPECT_EQ(b.trickle->chunk_bytes, 8u);
  EXPECT_EQ(b.trickle->interval, 15ms);
  EXPECT_EQ(parse(to_json(b)).as_answer()->decision, sell_decision());
  EXPECT_EQ(to_json(parse(to_json(b))), to_json(b));
}

TEST(FakeLlmBehaviourJson, NeitherAnswerNorFaultIsTheDefaultDecision) {
  auto b = parse({{"delay_ms", 10}});
  ASSERT_TRUE(b.as_answer());
  EXPECT_EQ(b.as_answer()->decision, default_decision());
  EXPECT_EQ(b.delay, 10ms);
}

TEST(FakeLlmBehaviourJson, EveryFaultByName) {
  for (std::size_t i = 0; i < kFaultKindCount; ++i) {
    auto kind = static_cast<FaultKind>(i);
    if (kind == FaultKind::delay || kind == FaultKind::trickle) continue;
    auto b = parse({{"fault", to_string(kind)}});
    ASSERT_TRUE(b.as_fault()) << to_string(kind);
    EXPECT_EQ(b.as_fault()->kind, kind);
    EXPECT_EQ(parse_fault_kind(to_string(kind)), kind);
  }
  auto limited =
      parse({{"fault", "rate_limited"}, {"retry_after_ms", 2500}, {"should_retry", false}});
  EXPECT_EQ(limited.as_fault()->retry_after, 2500ms);
  EXPECT_EQ(limited.as_fault()->should_retry, false);
  EXPECT_EQ(parse({{"fault", "server_error"}}).as_fault()->status, 500);
  EXPECT_EQ(parse({{"fault", "server_error"}, {"status", 502}}).as_fault()->status, 502);
  EXPECT_EQ(to_json(limited)["retry_after_ms"], 2500);
}

TEST(FakeLlmBehaviourJson, RefusesWhatIsNotABehaviour) {
  EXPECT_NE(refusal(json::array()), "");
  EXPECT_NE(refusal({{"fault", "explode"}}).find("unknown fault"), std::string::npos);
  EXPECT_NE(refusal({{"fault", "delay"}}).find("delay_ms"), std::string::npos);
  EXPECT_NE(refusal({{"fault", "timeout"}, {"answer", 1}}), "");
  EXPECT_NE(refusal({{"fault", "server_error"}, {"status", 404}}), "");
  EXPECT_NE(refusal({{"fault", "rate_limited"}, {"retry_after_ms", -1}}), "");
  EXPECT_NE(refusal({{"fault", "rate_limited"}, {"should_retry", "no"}}), "");
  EXPECT_NE(refusal({{"delay_ms", "soon"}}), "");
  EXPECT_NE(refusal({{"trickle", {{"chunk_bytes", 0}}}}), "");
  EXPECT_NE(refusal({{"usage", {{"input_tokens", 1.5}}}}), "");
}

class FakeLlmControlApi : public FakeLlmHandler {
 protected:
  Reply call(const std::string& method, const std::string& target, const json& body = nullptr) {
    Call c;
    c.method = method;
    c.target = target;
    c.body = body;
    auto reply = handle_control(state, incoming_of(c));
    EXPECT_TRUE(reply) << target;
    return reply ? *reply : Reply{};
  }
};

TEST_F(FakeLlmControlApi, ScriptDefaultConfigAndStats) {
  auto queued = call("POST", "/_fake/script",
                     {{"provider", "gemini"},
                      {"behaviours", {{{"fault", "overloaded"}, {"times", 2}}, {{"answer", 1}}}}});
  EXPECT_EQ(queued.status, 200) << queued.body;
  EXPECT_EQ(json::parse(queued.body)["queued"], 3);
  EXPECT_EQ(state.scripted(Provider::gemini), 3u);

  EXPECT_EQ(call("POST", "/_fake/default",
                 {{"provider", "openai"}, {"behaviour", {{"fault", "server_error"}}}})
                .status,
            200);
  EXPECT_TRUE(state.config(Provider::openai).default_behaviour.as_fault());

  EXPECT_EQ(call("POST", "/_fake/config",
                 {{"provider", "together"},
                  {"stop_finish_reason", "stop"},
                  {"key_required", false},
                  {"response_delay_ms", 30}})
                .status,
            200);
  auto together = state.config(Provider::together);
  EXPECT_EQ(together.stop_finish_reason, "stop");
  EXPECT_FALSE(together.key_required);
  EXPECT_EQ(together.response_delay, std::chrono::milliseconds{30});
  EXPECT_EQ(together.api_key, kKey);  // untouched

  auto config = json::parse(call("GET", "/_fake/config").body);
  EXPECT_EQ(config["gemini"]["api_key_set"], true);
  EXPECT_FALSE(config["gemini"].contains("api_key"));
  EXPECT_EQ(config["openai"]["default"]["fault"], "server_error");

  auto stats = json::parse(call("GET", "/_fake/stats").body);
  EXPECT_EQ(stats["scripted"]["gemini"], 3);
  EXPECT_EQ(stats["requests"]["gemini"], 0);
  EXPECT_EQ(stats["faults_total"], 0);

  EXPECT_EQ(call("POST", "/_fake/clear").status, 200);
  EXPECT_EQ(state.scripted(Provider::gemini), 0u);
  EXPECT_TRUE(state.config(Provider::openai).default_behaviour.as_fault());  // defaults stay
  EXPECT_EQ(call("POST", "/_fake/reset").status, 200);
  EXPECT_TRUE(state.config(Provider::openai).default_behaviour.as_answer());
}

TEST_F(FakeLlmControlApi, RefusesBadControlRequests) {
  EXPECT_EQ(call("POST", "/_fake/script", {{"provider", "mistral"}, {"behaviours", json::array()}})
                .status,
            400);
  EXPECT_EQ(call("POST", "/_fake/script", {{"provider", "gemini"}}).status, 400);
  EXPECT_EQ(
      call("POST", "/_fake/script", {{"provider", "gemini"}, {"behaviours", {{{"fault", "nope"}}}}})
          .status,
      400);
  EXPECT_EQ(call("POST", "/_fake/script",
                 {{"provider", "gemini"}, {"behaviours", {{{"answer", 1}, {"times", 0}}}}})
                .status,
            400);
  EXPECT_EQ(state.scripted(Provider::gemini), 0u);  // all or nothing
  EXPECT_EQ(call("POST", "/_fake/config", {{"provider", "openai"}, {"api_key", 5}}).status, 400);
  EXPECT_EQ(call("POST", "/_fake/config", {{"provider", "openai"}, {"colour", "red"}}).status, 400);
  EXPECT_EQ(call("GET", "/_fake/requests?provider=nobody").status, 400);
  EXPECT_EQ(call("GET", "/_fake/script").status, 405);
  EXPECT_EQ(call("GET", "/_fake/whatever").status, 404);

  Call garbage;
  garbage.target = "/_fake/script";
  auto in = incoming_of(garbage);
  in.body = "{not json";
  EXPECT_EQ(handle_control(state, in)->status, 400);
  EXPECT_FALSE(handle_control(state, incoming_of(valid_call(Provider::openai))));
}

TEST_F(FakeLlmControlApi, RequestsAreListedPerProviderWithTheirJsonBody) {
  serve(Provider::gemini);
  serve(Provider::anthropic);
  auto all = json::parse(call("GET", "/_fake/requests").body)["requests"];
  ASSERT_EQ(all.size(), 2u);
  auto only = json::parse(call("GET", "/_fake/requests?provider=anthropic").body)["requests"];
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0]["provider"], "anthropic");
  EXPECT_EQ(only[0]["headers"]["x-api-key"], "<redacted>");
  EXPECT_EQ(only[0]["body_json"]["max_tokens"], 512);
  EXPECT_EQ(only[0]["auth"], "ok");
  EXPECT_EQ(only[0]["outcome"], "answer");
  EXPECT_EQ(only[0]["status"], 200);
  EXPECT_EQ(only[0]["sequence"], 2);

  auto in = incoming_of(valid_call(Provider::openai));
  in.body = std::string{"\xff\xfe not utf-8"};
  handle_request(state, true, in);
  auto listed = call("GET", "/_fake/requests?provider=openai");  // must not throw
  EXPECT_EQ(listed.status, 200);
}

}  // namespace
}  // namespace autotrader::fakes::llm::test
