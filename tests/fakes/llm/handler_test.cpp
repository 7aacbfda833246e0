// The fake's request handling without a socket: routing, the answer envelopes, the script FIFOs,
// the records with keys redacted, the counters, and the plans for timing and transport faults.
#include <gtest/gtest.h>

#include "tests/fakes/llm/handler_fixture.hpp"

namespace autotrader::fakes::llm::test {
namespace {

using namespace std::chrono_literals;

TEST(FakeLlmRouting, EachProviderPathAndTheGeminiModel) {
  auto gemini = match_route("/v1beta/models/gemini-2.5-flash:generateContent");
  ASSERT_TRUE(gemini);
  EXPECT_EQ(gemini->provider, Provider::gemini);
  EXPECT_EQ(gemini->model, "gemini-2.5-flash");
  EXPECT_EQ(match_route("/v1/chat/completions")->provider, Provider::openai);
  EXPECT_EQ(match_route("/v1/messages")->provider, Provider::anthropic);
  EXPECT_EQ(match_route("/together/v1/chat/completions")->provider, Provider::together);
  EXPECT_EQ(match_route("/local/v1/chat/completions")->provider, Provider::local);
  EXPECT_FALSE(match_route("/v1beta/models/:generateContent"));
  EXPECT_FALSE(match_route("/v1beta/models/gemini-2.5-flash:streamGenerateContent"));
  EXPECT_FALSE(match_route("/v1/completions"));
  EXPECT_FALSE(match_route("/"));
}

TEST_F(FakeLlmHandler, TheDefaultAnswerIsAValidDecisionInEveryEnvelope) {
  for (auto provider : kProviders) {
    SCOPED_TRACE(std::string{to_string(provider)});
    auto plan = serve(provider);
    ASSERT_EQ(plan.reply.status, 200) << plan.reply.body;
    EXPECT_EQ(plan.mode, Plan::Mode::respond);
    auto decision = decision_in(provider, plan);
    EXPECT_EQ(decision, default_decision());
    EXPECT_EQ(decision["action"], "HOLD");
    for (const char* field : {"confidence", "reasoning", "factors", "position_size",
                              "stop_loss_pct", "take_profit_pct"}) {
      EXPECT_TRUE(decision.contains(field)) << field;
    }
  }
}

TEST_F(FakeLlmHandler, EnvelopesCarryUsageModelAndTheProvidersStopWord) {
  Answer answer;
  answer.decision = sell_decision();
  answer.usage = {61, 24};
  for (auto p : kProviders) state.enqueue(p, Behaviour::answer(answer), 1);

  auto gemini = json::parse(serve(Provider::gemini).reply.body);
  EXPECT_EQ(gemini["candidates"][0]["finishReason"], "STOP");
  EXPECT_EQ(gemini["candidates"][0]["content"]["role"], "model");
  EXPECT_EQ(gemini["usageMetadata"]["promptTokenCount"], 61);
  EXPECT_EQ(gemini["usageMetadata"]["candidatesTokenCount"], 24);
  EXPECT_EQ(gemini["usageMetadata"]["totalTokenCount"], 85);
  EXPECT_EQ(gemini["modelVersion"], "gemini-2.5-flash");

  auto openai = json::parse(serve(Provider::openai).reply.body);
  EXPECT_EQ(openai["object"], "chat.completion");
  EXPECT_EQ(openai["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(openai["choices"][0]["message"]["refusal"].is_null());
  EXPECT_EQ(openai["usage"]["total_tokens"], 85);
  EXPECT_EQ(openai["model"], "gpt-4o-mini");
  EXPECT_EQ(json::parse(openai["choices"][0]["message"]["content"].get<std::string>()),
            sell_decision());

  auto anthropic = json::parse(serve(Provider::anthropic).reply.body);
  EXPECT_EQ(anthropic["type"], "message");
  EXPECT_EQ(anthropic["stop_reason"], "tool_use");
  ASSERT_EQ(anthropic["content"].size(), 1u);  // no text block before the forced tool
  EXPECT_EQ(anthropic["content"][0]["type"], "tool_use");
  EXPECT_EQ(anthropic["content"][0]["name"], "emit_decision");
  EXPECT_TRUE(anthropic["content"][0]["input"].is_object());
  EXPECT_EQ(anthropic["content"][0]["input"], sell_decision());
  EXPECT_EQ(anthropic["usage"]["input_tokens"], 61);
  EXPECT_EQ(anthropic["usage"]["output_tokens"], 24);

  auto together = json::parse(serve(Provider::together).reply.body);
  EXPECT_EQ(together["choices"][0]["finish_reason"], "eos");
  auto local = json::parse(serve(Provider::local).reply.body);
  EXPECT_EQ(local["choices"][0]["finish_reason"], "stop");
}

TEST_F(FakeLlmHandler, ScriptsAreFifoPerProviderThenTheDefault) {
  auto first = sell_decision();
  auto second = sell_decision();
  second["action"] = "BUY";
  state.enqueue(Provider::gemini, Behaviour::answer(first), 1);
  state.enqueue(Provider::gemini, Behaviour::fault(Fault::server_error()), 1);
  state.enqueue(Provider::gemini, Behaviour::answer(second), 2);
  state.enqueue(Provider::openai, Behaviour::answer(second), 1);
  EXPECT_EQ(state.scripted(Provider::gemini), 4u);

  EXPECT_EQ(decision_in(Provider::openai, serve(Provider::openai)), second);
  EXPECT_EQ(decision_in(Provider::gemini, serve(Provider::gemini)), first);
  EXPECT_EQ(serve(Provider::gemini).reply.status, 500);
  EXPECT_EQ(decision_in(Provider::gemini, serve(Provider::gemini)), second);
  EXPECT_EQ(decision_in(Provider::gemini, serve(Provider::gemini)), second);
  EXPECT_EQ(decision_in(Provider::gemini, serve(Provider::gemini)), default_decision());
  EXPECT_EQ(decision_in(Provider::openai, serve(Provider::openai)), default_decision());
  EXPECT_EQ(state.scripted(Provider::gemini), 0u);
}

TEST_F(FakeLlmHandler, APersistentDefaultFaultMakesAProviderDown) {
  state.set_default(Provider::anthropic, Behaviour::fault(Fault::overloaded()));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(serve(Provider::anthropic).reply.status, 529);
  EXPECT_EQ(state.fault_count(FaultKind::overloaded), 3u);
  EXPECT_EQ(serve(Provider::openai).reply.status, 200);
}

TEST_F(FakeLlmHandler, RecordsRedactEveryKey) {
  auto gemini = valid_call(Provider::gemini);
  gemini.headers.erase("x-goog-api-key");
  gemini.target += "?alt=json&key=" + kKey + "&x=1";
  serve(gemini);
  serve(Provider::openai);
  serve(Provider::anthropic);
  auto records = state.requests();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].query, "alt=json&key=<redacted>&x=1");
  EXPECT_EQ(records[0].auth, AuthOutcome::ok);
  EXPECT_EQ(records[0].model, "gemini-2.5-flash");
  EXPECT_EQ(records[1].headers.at("authorization"), "Bearer <redacted>");
  EXPECT_EQ(records[2].headers.at("x-api-key"), "<redacted>");
  EXPECT_EQ(records[2].headers.at("anthropic-version"), "2023-06-01");
  for (const auto& r : records) {
    EXPECT_EQ(r.query.find(kKey), std::string::npos);
    for (const auto& [name, value] : r.headers) EXPECT_EQ(value.find(kKey), std::string::npos);
    EXPECT_EQ(r.outcome, "answer");
    EXPECT_EQ(r.status, 200);
  }
  EXPECT_EQ(records[0].sequence, 1u);
  EXPECT_EQ(records[2].sequence, 3u);
}

TEST_F(FakeLlmHandler, RefusedRequestsAreCountedButLeaveTheScript) {
  state.enqueue(Provider::openai, Behaviour::answer(sell_decision()), 1);
  auto plan = serve(valid_call(Provider::openai, "wrong-key"));
  EXPECT_EQ(plan.reply.status, 401);
  EXPECT_EQ(state.request_count(Provider::openai), 1u);
  EXPECT_EQ(state.scripted(Provider::openai), 1u);
  auto record = state.requests().back();
  EXPECT_EQ(record.outcome, "rejected");
  EXPECT_EQ(record.auth, AuthOutcome::wrong);
  EXPECT_EQ(decision_in(Provider::openai, serve(Provider::openai)), sell_decision());
  EXPECT_EQ(state.request_count(Provider::openai), 2u);
  EXPECT_EQ(state.request_count(Provider::gemini), 0u);
  EXPECT_EQ(state.faults_total(), 0u);
}

TEST_F(FakeLlmHandler, UnknownPathsAre404AndRecordedWithoutAProvider) {
  Call call;
  call.target = "/v1/embeddings";
  call.body = json::object();
  auto plan = serve(call);
  EXPECT_EQ(plan.reply.status, 404);
  auto record = state.requests().at(0);
  EXPECT_FALSE(record.provider);
  EXPECT_EQ(record.outcome, "no_route");
  for (auto p : kProviders) EXPECT_EQ(state.request_count(p), 0u);
}

TEST_F(FakeLlmHandler, TimingAndTransportFaultsBecomePlans) {
  state.enqueue(Provider::openai, Behaviour::fault(Fault::timeout()), 1);
  state.enqueue(Provider::openai, Behaviour::fault(Fault::reset()).after(50ms), 1);
  state.enqueue(Provider::openai, Behaviour::answer(sell_decision()).after(120ms), 1);
  state.enqueue(Provider::openai, Behaviour::answer(sell_decision()).trickled(7, 5ms), 1);

  auto hang = serve(Provider::openai);
  EXPECT_EQ(hang.mode, Plan::Mode::hang);
  auto reset = serve(Provider::openai);
  EXPECT_EQ(reset.mode, Plan::Mode::reset);
  EXPECT_EQ(reset.delay, 50ms);
  auto late = serve(Provider::openai);
  EXPECT_EQ(late.mode, Plan::Mode::respond);
  EXPECT_EQ(late.delay, 120ms);
  auto slow = serve(Provider::openai);
  ASSERT_TRUE(slow.trickle);
  EXPECT_EQ(slow.trickle->chunk_bytes, 7u);
  EXPECT_EQ(slow.trickle->interval, 5ms);

  auto records = state.requests();
  EXPECT_EQ(records[0].outcome, "timeout");
  EXPECT_EQ(records[0].status, 0);
  EXPECT_EQ(records[1].outcome, "reset");
  EXPECT_EQ(state.fault_count(FaultKind::timeout), 1u);
  EXPECT_EQ(state.fault_count(FaultKind::reset), 1u);
  EXPECT_EQ(state.fault_count(FaultKind::delay), 2u);
  EXPECT_EQ(state.fault_count(FaultKind::trickle), 1u);
  EXPECT_EQ(state.faults_total(), 5u);
}

TEST_F(FakeLlmHandler, TheConfiguredResponseDelayAddsToEveryAnswer) {
  auto config = state.config(Provider::gemini);
  config.response_delay = 40ms;
  state.configure(Provider::gemini, config);
  state.enqueue(Provider::gemini, Behaviour::answer(sell_decision()).after(10ms), 1);
  EXPECT_EQ(serve(Provider::gemini).delay, 50ms);
  EXPECT_EQ(serve(Provider::gemini).delay, 40ms);
  EXPECT_EQ(state.fault_count(FaultKind::delay), 1u);  // only the scripted one is injected
}

TEST_F(FakeLlmHandler, ResetRestoresTheStartOptions) {
  state.enqueue(Provider::gemini, Behaviour::fault(Fault::prose()), 3);
  state.set_default(Provider::gemini, Behaviour::fault(Fault::server_error()));
  auto config = state.config(Provider::gemini);
  config.api_key = "other";
  state.configure(Provider::gemini, config);
  serve(Provider::gemini);
  state.reset();
  EXPECT_EQ(state.scripted(Provider::gemini), 0u);
  EXPECT_EQ(state.request_count(Provider::gemini), 0u);
  EXPECT_TRUE(state.requests().empty());
  EXPECT_EQ(state.config(Provider::gemini).api_key, kKey);
  EXPECT_EQ(decision_in(Provider::gemini, serve(Provider::gemini)), default_decision());
  EXPECT_EQ(state.requests().at(0).sequence, 1u);
}

TEST_F(FakeLlmHandler, AStringDecisionIsRawTextAndAThoughtComesFirst) {
  Answer thinking;
  thinking.decision = sell_decision();
  thinking.thought = "Weighing RSI against MACD";
  state.enqueue(Provider::gemini, Behaviour::answer(thinking), 1);
  state.enqueue(Provider::openai, Behaviour::answer(json("not json at all")), 1);
  state.enqueue(Provider::anthropic, Behaviour::answer(json("I would hold.")), 1);

  auto gemini = json::parse(serve(Provider::gemini).reply.body);
  const auto& parts = gemini["candidates"][0]["content"]["parts"];
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["thought"], true);
  EXPECT_EQ(json::parse(parts[1]["text"].get<std::string>()), sell_decision());
  EXPECT_GT(gemini["usageMetadata"]["thoughtsTokenCount"], 0);

  auto openai = json::parse(serve(Provider::openai).reply.body);
  EXPECT_EQ(openai["choices"][0]["message"]["content"], "not json at all");
  auto anthropic = json::parse(serve(Provider::anthropic).reply.body);
  EXPECT_EQ(anthropic["content"][0]["type"], "text");
  EXPECT_EQ(anthropic["stop_reason"], "end_turn");
}

}  // namespace
}  // namespace autotrader::fakes::llm::test
