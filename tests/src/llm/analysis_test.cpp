// The multi-turn driver with every wire format: two turns, the conversation of the second
// request, the final decision and its transcript, and a failure of each class in each phase.
#include "llm/analysis.hpp"

#include <gtest/gtest.h>

#include "llm/prompts.hpp"
#include "llm_test_support.hpp"

namespace autotrader::llm {
namespace {

using namespace std::chrono_literals;
using testing::answer_body;
using testing::expect_alternative;
using testing::fixture_settings;
using testing::request_turns;
using testing::response;

DecisionInput input() {
  DecisionInput in;
  in.symbol = "BTCUSDT";
  in.interval = "1h";
  in.price = 65000.5;
  in.rsi = 71.2;
  in.ma_short = 64800;
  in.vwap = 64950;
  in.volume_ratio = 0.8;
  in.as_of_ms = 1735689600000;
  return in;
}

nlohmann::json first_answer() {
  return nlohmann::json::parse(
      R"({"action":"BUY","confidence":0.7,"reasoning":"MACD up, RSI strong.",)"
      R"("factors":["MACD up"],"position_size":0.1,"stop_loss_pct":2,"take_profit_pct":4})");
}

nlohmann::json refined_answer() {
  return nlohmann::json::parse(
      R"({"action":"HOLD","confidence":0.55,"reasoning":"Volume 0.8x does not confirm.",)"
      R"("factors":["thin volume","RSI 71"],"position_size":0,"stop_loss_pct":0,)"
      R"("take_profit_pct":0})");
}

net::HttpResult ok(ProviderKind kind, const nlohmann::json& decision, Usage usage,
                   const std::string& model = "reported-model-1") {
  return response(200, answer_body(kind, decision, usage, model));
}

class LlmAnalysisTest : public ::testing::TestWithParam<ProviderKind> {
 protected:
  ProviderKind kind() const { return GetParam(); }
  ProviderSettings settings() const { return fixture_settings(kind()); }
};

TEST_P(LlmAnalysisTest, TwoTurnsThenTheRefinedDecisionWithItsTranscript) {
  Analysis analysis{settings(), input()};
  EXPECT_STREQ(analysis.phase_name(), "initial");
  auto first = analysis.first_request();
  EXPECT_EQ(first.url, build_request(settings(), analysis.conversation()).url);
  auto turns = request_turns(kind(), first.body);
  ASSERT_EQ(turns.size(), 1u);
  EXPECT_EQ(turns[0].first, "user");
  EXPECT_EQ(turns[0].second, initial_prompt(input()));

  auto step = analysis.on_result(ok(kind(), first_answer(), {100, 40}), 800ms);
  const auto& second = expect_alternative<net::ClientRequest>(step);
  EXPECT_STREQ(analysis.phase_name(), "refinement");
  EXPECT_EQ(second.url, first.url);
  EXPECT_EQ(second.headers, first.headers);
  turns = request_turns(kind(), second.body);
  ASSERT_EQ(turns.size(), 3u);
  EXPECT_EQ(turns[1], std::make_pair(std::string{"assistant"}, first_answer().dump()));
  EXPECT_EQ(turns[2].first, "user");
  Decision validated_first;
  validated_first.action = Action::buy;
  validated_first.confidence = 0.7;
  validated_first.position_size = 0.1;
  validated_first.stop_loss_pct = 2;
  validated_first.take_profit_pct = 4;
  EXPECT_EQ(turns[2].second, refinement_prompt(input(), validated_first));
  // The first request is still the first request.
  EXPECT_EQ(analysis.first_request().body, first.body);

  step = analysis.on_result(ok(kind(), refined_answer(), {180, 50}), 1200ms);
  const auto& decision = expect_alternative<Decision>(step);
  EXPECT_TRUE(analysis.finished());
  EXPECT_EQ(decision.action, Action::hold);
  EXPECT_DOUBLE_EQ(decision.confidence, 0.55);
  EXPECT_EQ(decision.reasoning, "Volume 0.8x does not confirm.");
  EXPECT_EQ(decision.factors, (std::vector<std::string>{"thin volume", "RSI 71"}));
  EXPECT_EQ(decision.provider, settings().name);
  EXPECT_EQ(decision.model, "reported-model-1");
  ASSERT_EQ(decision.transcript.size(), 2u);
  const TranscriptTurn& t1 = decision.transcript[0];
  EXPECT_EQ(t1.phase, "initial");
  EXPECT_EQ(t1.prompt, initial_prompt(input()));
  EXPECT_EQ(t1.answer, first_answer().dump());
  EXPECT_EQ(t1.usage.input_tokens, 100u);
  EXPECT_EQ(t1.usage.output_tokens, 40u);
  EXPECT_EQ(t1.latency, 800ms);
  const TranscriptTurn& t2 = decision.transcript[1];
  EXPECT_EQ(t2.phase, "refinement");
  EXPECT_EQ(t2.prompt, turns[2].second);
  EXPECT_EQ(t2.answer, refined_answer().dump());
  EXPECT_EQ(t2.usage.input_tokens, 180u);
  EXPECT_EQ(t2.latency, 1200ms);
  EXPECT_EQ(analysis.transcript().size(), 2u);
}

TEST_P(LlmAnalysisTest, WithoutAReportedModelTheConfiguredOneIsNamed) {
  Analysis analysis{settings(), input()};
  (void)analysis.on_result(ok(kind(), first_answer(), {}, ""), 1ms);
  auto step = analysis.on_result(ok(kind(), refined_answer(), {}, ""), 1ms);
  EXPECT_EQ(expect_alternative<Decision>(step).model, settings().model);
}

TEST_P(LlmAnalysisTest, TransportFailureInPhaseOne) {
  Analysis analysis{settings(), input()};
  auto step = analysis.on_result(
      net::ClientError{net::client_errc::timeout, "read from 127.0.0.1:1: timed out"}, 20000ms);
  const auto& failure = expect_alternative<Failure>(step);
  EXPECT_EQ(failure.kind, FailureKind::timeout);
  EXPECT_EQ(failure.message, "initial: timeout: read from 127.0.0.1:1: timed out");
  EXPECT_TRUE(analysis.finished());
  EXPECT_TRUE(analysis.transcript().empty());
}

TEST_P(LlmAnalysisTest, InvalidAnswerInPhaseOneIsAFailureNotAHold) {
  Analysis analysis{settings(), input()};
  auto bad = first_answer();
  bad["action"] = "MAYBE";
  auto step = analysis.on_result(ok(kind(), bad, {}), 1ms);
  const auto& failure = expect_alternative<Failure>(step);
  EXPECT_EQ(failure.kind, FailureKind::schema_violation);
  EXPECT_EQ(failure.klass(), FailureClass::invalid_answer);
  EXPECT_EQ(failure.http_status, 200);
  EXPECT_EQ(failure.message.rfind("initial: action", 0), 0u) << failure.message;
  EXPECT_TRUE(analysis.finished());
}

TEST_P(LlmAnalysisTest, RateLimitInPhaseTwoKeepsTheFirstTurn) {
  Analysis analysis{settings(), input()};
  (void)analysis.on_result(ok(kind(), first_answer(), {10, 5}), 500ms);
  auto step = analysis.on_result(response(429, "{}", {{"retry-after", "4"}}), 30ms);
  const auto& failure = expect_alternative<Failure>(step);
  EXPECT_EQ(failure.kind, FailureKind::rate_limited);
  EXPECT_EQ(failure.retry_after, std::optional{4000ms});
  EXPECT_EQ(failure.message.rfind("refinement: HTTP 429", 0), 0u) << failure.message;
  ASSERT_EQ(analysis.transcript().size(), 1u);
  EXPECT_EQ(analysis.transcript()[0].phase, "initial");
}

TEST_P(LlmAnalysisTest, OutOfRangeAnswerInPhaseTwoIsAFailure) {
  Analysis analysis{settings(), input()};
  (void)analysis.on_result(ok(kind(), first_answer(), {}), 1ms);
  auto bad = refined_answer();
  bad["position_size"] = 40;
  auto step = analysis.on_result(ok(kind(), bad, {}), 1ms);
  const auto& failure = expect_alternative<Failure>(step);
  EXPECT_EQ(failure.kind, FailureKind::out_of_range);
  EXPECT_EQ(failure.message.rfind("refinement: position_size", 0), 0u) << failure.message;
}

TEST_P(LlmAnalysisTest, ServerErrorInPhaseTwo) {
  Analysis analysis{settings(), input()};
  (void)analysis.on_result(ok(kind(), first_answer(), {}), 1ms);
  auto step = analysis.on_result(response(500, "oops"), 1ms);
  EXPECT_EQ(expect_alternative<Failure>(step).kind, FailureKind::server_error);
}

INSTANTIATE_TEST_SUITE_P(LlmFormats, LlmAnalysisTest,
                         ::testing::Values(ProviderKind::gemini, ProviderKind::openai,
                                           ProviderKind::anthropic, ProviderKind::together,
                                           ProviderKind::local),
                         [](const auto& info) { return std::string{to_string(info.param)}; });

TEST(LlmAnalysis, ContentOutcomeFromAFixtureEndsTheAnalysis) {
  Analysis analysis{fixture_settings(ProviderKind::anthropic), input()};
  auto step =
      analysis.on_result(testing::fixture_response(200, "anthropic/response_prose.json"), 1ms);
  EXPECT_EQ(expect_alternative<Failure>(step).kind, FailureKind::empty_answer);
}

}  // namespace
}  // namespace autotrader::llm
