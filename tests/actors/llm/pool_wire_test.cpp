// The provider pool as the daemon runs it — llm_tree's provider children and pool under their
// supervisor, real HTTPS clients — against the fake LLM server over real sockets: fallback from a
// primary that is down (Gemini 503, Anthropic 529), the technical provider when every LLM is
// down, the circuit breaker keeping a dead provider off the network (the fake's request count)
// until its half-open probe, a bad key disabling a provider, a 429's retry hint honoured, invalid
// answers falling back (never a HOLD), the analysis deadline cutting a hanging provider and
// closing its connection, hedging, and provider children that crash and come back while the pool
// keeps answering. The pool's logic in virtual time is pool_actor_test.cpp's; this is the wire.
#include <gtest/gtest.h>

#include "core/fault.hpp"
#include "tests/actors/llm/llm_wire_support.hpp"

namespace autotrader::llm_actors {
namespace {

using namespace std::chrono_literals;
using namespace wire_test;
using fl::Behaviour;
using fl::Fault;
using fl::Provider;
using std::chrono::milliseconds;
using Labels = std::map<std::string, std::string>;

std::vector<std::string> outcomes(const PoolReply& reply) {
  std::vector<std::string> out;
  for (const auto& attempt : reply.attempts)
    out.push_back(attempt.provider + ":" + attempt.outcome);
  return out;
}

class PoolWireTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(fake.start(), std::nullopt); }
  void TearDown() override { core::fault::disarm_all(); }

  void down(Provider provider, Fault fault) {
    fake.set_default(provider, Behaviour::fault(std::move(fault)));
  }

  fl::FakeLlm fake;
  std::shared_ptr<core::ManualClock> clock = std::make_shared<core::ManualClock>();
};

// ---------------------------------------------------------------------------------------------
// Fallback

TEST_F(PoolWireTest, GeminiOverloadedOpenAiAnswers) {
  down(Provider::gemini, Fault::overloaded());
  fake.answer(Provider::openai, buy_decision(), {61, 24});
  fake.answer(Provider::openai, sell_decision(), {90, 30});
  LivePool pool{settings_for(fake), test_keys()};

  auto reply = pool.decide();
  EXPECT_EQ(reply.decision.provider, "openai");
  EXPECT_EQ(reply.decision.action, llm::Action::sell);
  EXPECT_EQ(outcomes(reply), (std::vector<std::string>{"gemini:overloaded", "openai:success"}));
  EXPECT_EQ(reply.decision.transcript.size(), 2u);
  EXPECT_FALSE(reply.deadline_passed);
  EXPECT_EQ(fake.request_count(Provider::gemini), 1u);
  EXPECT_EQ(fake.request_count(Provider::openai), 2u);
  EXPECT_EQ(fake.request_count(Provider::anthropic), 0u);

  EXPECT_EQ(pool.metric("autotrader_llm_requests_total",
                        Labels{{"provider", "gemini"}, {"outcome", "overloaded"}}),
            1);
  EXPECT_EQ(pool.metric("autotrader_llm_requests_total",
                        Labels{{"provider", "openai"}, {"outcome", "success"}}),
            1);
  EXPECT_EQ(
      pool.metric("autotrader_llm_tokens_total", Labels{{"provider", "openai"}, {"kind", "input"}}),
      151);
  EXPECT_EQ(
      pool.metric("autotrader_llm_fallbacks_total", Labels{{"from", "gemini"}, {"to", "openai"}}),
      1);
  EXPECT_EQ(pool.metric("autotrader_llm_analyses_total", Labels{{"result", "provider"}}), 1);
  auto gemini = pool.status()["services"][0];
  EXPECT_EQ(gemini["name"], "gemini");
  EXPECT_EQ(gemini["status"], "ACTIVE");  // one failure opens nothing
  EXPECT_EQ(gemini["error_count"], 1);
  EXPECT_EQ(gemini["last_error"]["http_status"], 503);
  EXPECT_EQ(gemini["last_error"]["kind"], "overloaded");
}

TEST_F(PoolWireTest, AnthropicOverloaded529TogetherAnswers) {
  auto settings = settings_for(fake);
  settings.llm.priority = {"anthropic", "together"};
  fake.fail(Provider::anthropic, Fault::overloaded());
  LivePool pool{settings, test_keys()};

  auto reply = pool.decide();
  EXPECT_EQ(reply.decision.provider, "together");
  EXPECT_EQ(outcomes(reply),
            (std::vector<std::string>{"anthropic:overloaded", "together:success"}));
  auto anthropic = pool.status()["services"][0];
  EXPECT_EQ(anthropic["name"], "anthropic");
  EXPECT_EQ(anthropic["last_error"]["http_status"], 529);
  EXPECT_EQ(fake.request_count(Provider::together), 2u);
}

TEST_F(PoolWireTest, EveryLlmDownTheTechnicalProviderAnswers) {
  down(Provider::gemini, Fault::overloaded());
  down(Provider::openai, Fault::server_error(500));
  down(Provider::anthropic, Fault::overloaded());
  down(Provider::together, Fault::reset());
  LivePool pool{settings_for(fake), test_keys()};

  auto reply = pool.decide();
  EXPECT_EQ(reply.decision.provider, "technical");
  EXPECT_EQ(reply.decision.action, llm::Action::buy);  // the snapshot is oversold in an up-trend
  EXPECT_EQ(outcomes(reply), (std::vector<std::string>{
                                 "gemini:overloaded", "openai:server_error", "anthropic:overloaded",
                                 "together:connection", "technical:success"}));
  for (auto route : {Provider::gemini, Provider::openai, Provider::anthropic, Provider::together}) {
    EXPECT_EQ(fake.request_count(route), 1u) << fl::to_string(route);
  }
  EXPECT_EQ(pool.metric("autotrader_llm_analyses_total", Labels{{"result", "technical"}}), 1);
  EXPECT_EQ(pool.metric("autotrader_llm_fallbacks_total",
                        Labels{{"from", "together"}, {"to", "technical"}}),
            1);
}

// ---------------------------------------------------------------------------------------------
// Circuit breaker, retry hints (injected time: the breaker's cooldowns pass at once)

TEST_F(PoolWireTest, TheBreakerOpensAfterTheConfiguredFailuresCostsNoCallAndTheProbeClosesIt) {
  auto settings = settings_for(fake);
  settings.llm.breaker_consecutive_failures = 3;
  down(Provider::gemini, Fault::server_error(500));
  LivePool pool{settings, test_keys(), clock};

  for (int i = 0; i < 3; ++i) EXPECT_EQ(pool.decide().decision.provider, "openai");
  EXPECT_EQ(fake.request_count(Provider::gemini), 3u);
  EXPECT_EQ(pool.state("gemini"), llm::BreakerState::open);
  EXPECT_EQ(pool.open_reason("gemini"), llm::OpenReason::consecutive_failures);
  EXPECT_EQ(pool.metric("autotrader_llm_breaker_state", Labels{{"provider", "gemini"}}), 1);

  for (int i = 0; i < 5; ++i) {
    auto reply = pool.decide();
    EXPECT_EQ(outcomes(reply), (std::vector<std::string>{"openai:success"}));
  }
  EXPECT_EQ(fake.request_count(Provider::gemini), 3u) << "an open breaker cost a network call";

  fake.set_default(Provider::gemini, Behaviour{});  // recovered
  clock->advance(29s);
  EXPECT_EQ(pool.decide().decision.provider, "openai");  // still cooling down
  EXPECT_EQ(fake.request_count(Provider::gemini), 3u);
  clock->advance(1s);  // the first cooldown (llm.breaker_cooldown_seconds) has passed
  auto probe = pool.decide();
  EXPECT_EQ(probe.decision.provider, "gemini");
  EXPECT_EQ(fake.request_count(Provider::gemini), 5u);  // the probe's two turns
  EXPECT_EQ(pool.state("gemini"), llm::BreakerState::active);
  EXPECT_EQ(pool.metric("autotrader_llm_breaker_state", Labels{{"provider", "gemini"}}), 0);
}

TEST_F(PoolWireTest, ABadKeyDisablesTheProviderWithReasonAuthAndNoFurtherRequests) {
  for (auto route : {Provider::gemini, Provider::openai}) {
    auto config = fake.config(route);
    config.api_key = "the-right-key";  // ours is another
    fake.configure(route, config);
  }
  LivePool pool{settings_for(fake), test_keys(), clock};

  auto reply = pool.decide();
  EXPECT_EQ(reply.decision.provider, "anthropic");
  EXPECT_EQ(outcomes(reply),
            (std::vector<std::string>{"gemini:auth", "openai:auth", "anthropic:success"}));
  for (const char* name : {"gemini", "openai"}) {
    EXPECT_EQ(pool.state(name), llm::BreakerState::disabled) << name;
    EXPECT_EQ(pool.open_reason(name), llm::OpenReason::auth) << name;
    EXPECT_EQ(pool.metric("autotrader_llm_provider_needs_operator",
                          Labels{{"provider", name}, {"reason", "auth"}}),
              1)
        << name;
    EXPECT_EQ(pool.metric("autotrader_llm_breaker_state", Labels{{"provider", name}}), 3) << name;
  }
  auto status = pool.status();
  EXPECT_EQ(status["services"][0]["status"], "DISABLED");
  EXPECT_EQ(status["services"][0]["reason"], "auth");
  EXPECT_EQ(status.dump().find(test_key(llm::ProviderKind::gemini)), std::string::npos);

  clock->advance(30min);  // a short cooldown would have passed; a bad key's has not
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pool.decide().decision.provider, "anthropic");
  EXPECT_EQ(fake.request_count(Provider::gemini), 1u);
  EXPECT_EQ(fake.request_count(Provider::openai), 1u);
}

TEST_F(PoolWireTest, A429WithRetryInfoKeepsTheProviderOutUntilTheHintHasPassed) {
  fake.fail(Provider::gemini, Fault::rate_limited(20s));
  LivePool pool{settings_for(fake), test_keys(), clock};

  auto reply = pool.decide();
  EXPECT_EQ(outcomes(reply), (std::vector<std::string>{"gemini:rate_limited", "openai:success"}));
  EXPECT_FALSE(pool.status()["services"][0]["retry_after_until"].is_null());

  EXPECT_EQ(outcomes(pool.decide()), (std::vector<std::string>{"openai:success"}));
  clock->advance(19s);
  EXPECT_EQ(outcomes(pool.decide()), (std::vector<std::string>{"openai:success"}));
  EXPECT_EQ(fake.request_count(Provider::gemini), 1u) << "the retry hint was not honoured";

  clock->advance(1s);
  EXPECT_EQ(outcomes(pool.decide()), (std::vector<std::string>{"gemini:success"}));
  EXPECT_EQ(fake.request_count(Provider::gemini), 3u);
}

// ---------------------------------------------------------------------------------------------
// Invalid answers, the deadline

TEST_F(PoolWireTest, MalformedAndSchemaViolatingAnswersFallBackNeverHold) {
  fake.fail(Provider::gemini, Fault::malformed_body());
  fake.answer(Provider::gemini, buy_decision());
  fake.fail(Provider::gemini, Fault::schema_violation());  // in the refinement turn
  fake.fail(Provider::gemini, Fault::truncated());
  fake.set_default(Provider::openai, Behaviour::answer(buy_decision()));
  LivePool pool{settings_for(fake), test_keys()};

  for (const char* expected : {"unparseable", "schema_violation", "truncated"}) {
    auto reply = pool.decide();
    EXPECT_EQ(reply.decision.provider, "openai") << expected;
    EXPECT_EQ(reply.decision.action, llm::Action::buy) << expected;  // openai's, not a HOLD
    ASSERT_EQ(reply.attempts.size(), 2u) << expected;
    EXPECT_EQ(reply.attempts[0].provider, "gemini");
    EXPECT_EQ(reply.attempts[0].outcome, expected);
  }
  EXPECT_EQ(fake.request_count(Provider::gemini), 4u);
  auto status = pool.status()["services"][0];
  EXPECT_EQ(status["errors_by_class"]["invalid_answer"], 3);
}

TEST_F(PoolWireTest, TheAnalysisDeadlineCutsAHangingProviderAndClosesItsConnection) {
  auto settings = settings_for(fake);
  settings.llm.analysis_timeout = 400ms;  // the provider's own timeout stays 20 s
  down(Provider::gemini, Fault::timeout());
  LivePool pool{settings, test_keys()};

  const auto started = std::chrono::steady_clock::now();
  auto reply = pool.decide();
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(reply.deadline_passed);
  EXPECT_EQ(reply.decision.provider, "technical");
  EXPECT_EQ(outcomes(reply), (std::vector<std::string>{"gemini:timeout", "technical:success"}));
  EXPECT_GE(reply.elapsed, 400ms);
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(fake.request_count(Provider::openai), 0u);
  EXPECT_TRUE(wait_for_open_connections(fake.port(), 0))
      << "the cut call's connection is still open";
  EXPECT_EQ(pool.metric("autotrader_llm_analyses_total", Labels{{"result", "deadline"}}), 1);
  EXPECT_EQ(pool.metric("autotrader_llm_requests_total",
                        Labels{{"provider", "gemini"}, {"outcome", "timeout"}}),
            1);
}

// A provider answers a whole non-streamed completion at once, so its first byte may come late:
// llm.<provider>.timeout_seconds bounds the whole request, first byte included. (The HTTP
// client's own first-byte default, 10 s, used to cut such answers.) Takes 10.5 s of real time.
TEST_F(PoolWireTest, AnAnswerSlowerThanTenSecondsWithinTheProvidersTimeoutIsTaken) {
  auto settings = settings_for(fake);
  settings.llm.gemini.timeout = 15s;
  fake.enqueue(Provider::gemini, Behaviour::answer(buy_decision()).after(10'500ms));
  LivePool pool{settings, test_keys()};
  auto reply = pool.decide();
  EXPECT_EQ(outcomes(reply), (std::vector<std::string>{"gemini:success"}));
}

// ---------------------------------------------------------------------------------------------
// Hedging (real time: the hedge waits for the primary's observed p95)

TEST_F(PoolWireTest, HedgingTakesTheFirstValidAnswerClosesTheLosersConnectionAndKeepsToItsBudget) {
  fl::FakeLlm slow;  // Gemini on a server of its own, so its connections can be told apart
  ASSERT_EQ(slow.start(), std::nullopt);
  auto settings = settings_for(fake);
  settings.llm.gemini.base_url = slow.base_url(Provider::gemini);
  settings.llm.hedging = true;
  settings.llm.hedge_max_fraction = 0.05;  // one hedged analysis in twenty
  LivePool pool{settings, test_keys()};

  for (int i = 0; i < 20; ++i) {  // Gemini's p95 needs 20 samples
    ASSERT_EQ(pool.decide().decision.provider, "gemini");
  }
  slow.set_default(Provider::gemini, Behaviour::fault(Fault::timeout()));  // now it hangs
  fake.set_default(Provider::openai, Behaviour::answer(sell_decision()));

  auto hedged = pool.decide();
  EXPECT_EQ(hedged.decision.provider, "openai");
  EXPECT_EQ(hedged.decision.action, llm::Action::sell);
  ASSERT_EQ(hedged.attempts.size(), 2u);
  EXPECT_EQ(hedged.attempts[0].provider, "openai");
  EXPECT_TRUE(hedged.attempts[0].hedge);
  EXPECT_EQ(hedged.attempts[1].provider, "gemini");
  EXPECT_EQ(hedged.attempts[1].outcome, "cancelled");
  EXPECT_FALSE(hedged.deadline_passed);
  EXPECT_EQ(slow.request_count(Provider::gemini), 41u);
  EXPECT_TRUE(wait_for_open_connections(slow.port(), 0))
      << "the losing call's connection is still open";
  EXPECT_EQ(pool.state("gemini"), llm::BreakerState::active);  // losing a race is no failure
  EXPECT_EQ(pool.metric("autotrader_llm_hedges_total", {}), 1);

  // The budget is spent: a slow Gemini is waited for, and OpenAI is not asked.
  slow.set_default(Provider::gemini, Behaviour::answer(buy_decision()).after(150ms));
  auto waited = pool.decide();
  EXPECT_EQ(waited.decision.provider, "gemini");
  EXPECT_EQ(outcomes(waited), (std::vector<std::string>{"gemini:success"}));
  EXPECT_EQ(fake.request_count(Provider::openai), 2u);
  EXPECT_EQ(pool.metric("autotrader_llm_hedges_total", {}), 1);
}

// ---------------------------------------------------------------------------------------------
// Supervision: provider children crash and come back while the pool keeps answering.

// Asks the pool until Gemini answers again; every answer meanwhile must come from an LLM.
void expect_gemini_back(LivePool& pool) {
  const auto until = std::chrono::steady_clock::now() + kWait;
  int answers = 0;
  for (;;) {
    auto reply = pool.decide();
    ++answers;
    ASSERT_NE(reply.decision.provider, "technical") << "answer " << answers;
    if (reply.decision.provider == "gemini") break;
    EXPECT_EQ(reply.decision.provider, "openai");
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "Gemini did not come back";
  }
  std::optional<supervision::ChildInfo> gemini;
  for (auto& child : pool.children()) {
    if (child.id == "gemini") gemini = child;
  }
  ASSERT_TRUE(gemini);
  EXPECT_EQ(gemini->state, supervision::ChildState::running);
  EXPECT_EQ(gemini->restart_count, 1u);
  EXPECT_FALSE(gemini->last_exit_reason.empty());
  EXPECT_EQ(pool.state("gemini"), llm::BreakerState::active);
}

TEST_F(PoolWireTest, ACrashedProviderChildIsRestartedWhileThePoolKeepsAnswering) {
  LivePool pool{settings_for(fake), test_keys()};
  EXPECT_EQ(pool.decide().decision.provider, "gemini");

  ASSERT_FALSE(pool.inject("gemini", supervision::Fault::crash("injected by the test")));
  auto during = pool.decide();  // Gemini is down for the 200 ms restart backoff
  EXPECT_EQ(during.decision.provider, "openai");
  ASSERT_FALSE(during.attempts.empty());
  EXPECT_EQ(during.attempts[0].provider, "gemini");
  EXPECT_TRUE(during.attempts[0].outcome == "not_running" ||
              during.attempts[0].outcome == "connection")
      << during.attempts[0].outcome;
  expect_gemini_back(pool);
}

TEST_F(PoolWireTest, AProviderThatThrowsOnACallIsRestartedWhileThePoolKeepsAnswering) {
  LivePool pool{settings_for(fake), test_keys()};
  core::fault::arm("llm_provider.call", {core::fault::Action::throw_error, "injected", 1});
  auto during = pool.decide();
  EXPECT_EQ(during.decision.provider, "openai");
  ASSERT_FALSE(during.attempts.empty());
  EXPECT_EQ(during.attempts[0].provider, "gemini");
  EXPECT_EQ(during.attempts[0].outcome, "connection");
  EXPECT_NE(during.attempts[0].message.find("stopped"), std::string::npos)
      << during.attempts[0].message;
  EXPECT_EQ(fake.request_count(Provider::gemini), 0u);  // it died before sending anything
  expect_gemini_back(pool);
}

}  // namespace
}  // namespace autotrader::llm_actors
