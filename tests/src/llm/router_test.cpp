#include "llm/router.hpp"

#include <functional>
#include <map>

#include <gtest/gtest.h>

namespace autotrader::llm {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

ProviderSettings provider(std::string name, ProviderKind kind, std::string key = "key-of-test") {
  ProviderSettings settings;
  settings.name = std::move(name);
  settings.kind = kind;
  settings.model = "model-" + settings.name;
  settings.api_key = core::Secret{std::move(key)};
  return settings;
}

std::vector<ProviderSettings> default_pool() {
  return {provider("gemini", ProviderKind::gemini), provider("openai", ProviderKind::openai),
          provider("anthropic", ProviderKind::anthropic),
          provider("together", ProviderKind::together), provider("local", ProviderKind::local, "")};
}

Failure failure(FailureKind kind, std::optional<milliseconds> retry_after = std::nullopt) {
  Failure f;
  f.kind = kind;
  f.retry_after = retry_after;
  return f;
}

class Recorder final : public RouterObserver {
 public:
  void on_request(const RequestEvent& event) override {
    requests[std::string{event.provider} + "/" + std::string{event.outcome}]++;
    input_tokens[std::string{event.provider}] += event.usage.input_tokens;
  }
  void on_breaker_state(std::string_view provider, BreakerState state, OpenReason reason) override {
    states.push_back(std::string{provider} + " " + std::string{to_string(state)} + " " +
                     std::string{to_string(reason)});
  }
  void on_fallback(std::string_view from, std::string_view to) override {
    fallbacks.push_back(std::string{from} + "->" + std::string{to});
  }
  std::map<std::string, int> requests;
  std::map<std::string, std::uint64_t> input_tokens;
  std::vector<std::string> states;
  std::vector<std::string> fallbacks;
};

class LlmRouter : public ::testing::Test {
 protected:
  std::shared_ptr<core::ManualClock> clock = std::make_shared<core::ManualClock>();

  Router make(RouterOptions options = {},
              std::vector<ProviderSettings> providers = default_pool()) {
    return Router{std::move(providers), options, clock};
  }

  // Runs one decision the way the pool actor does. `outcome` answers each call (nullopt:
  // success). Returns the providers called, in order, ending with "technical" when it got there.
  std::vector<std::string> decide(
      Router& router, const std::function<std::optional<Failure>(const std::string&)>& outcome) {
    std::vector<std::string> tried;
    std::vector<std::string> called;
    std::string previous;
    while (true) {
      Candidate candidate = router.next_candidate(tried);
      if (!previous.empty()) router.record_fallback(previous, candidate.name);
      called.push_back(candidate.name);
      if (candidate.technical()) {
        router.record_success(candidate.name, milliseconds{0}, Usage{});
        return called;
      }
      EXPECT_EQ(candidate.settings->name, candidate.name);
      clock->advance(milliseconds{500});
      if (auto failed = outcome(candidate.name)) {
        router.record_failure(candidate.name, *failed, milliseconds{500});
        tried.push_back(candidate.name);
        previous = candidate.name;
        if (tried.size() > 10) {
          ADD_FAILURE() << "the decision does not end";
          return called;
        }
      } else {
        router.record_success(candidate.name, milliseconds{500}, Usage{100, 20});
        return called;
      }
    }
  }
};

using Names = std::vector<std::string>;

auto all_fail(FailureKind kind = FailureKind::server_error) {
  return [kind](const std::string&) -> std::optional<Failure> { return failure(kind); };
}
auto all_succeed() {
  return [](const std::string&) -> std::optional<Failure> { return std::nullopt; };
}

TEST_F(LlmRouter, AsksInConfiguredOrderThenTechnical) {
  Router router = make();
  EXPECT_EQ(router.names(),
            (Names{"gemini", "openai", "anthropic", "together", "local", "technical"}));
  Names tried;
  Names order;
  for (int i = 0; i < 6; ++i) {
    Candidate candidate = router.next_candidate(tried);
    order.push_back(candidate.name);
    EXPECT_FALSE(candidate.probe);
    tried.push_back(candidate.name);
  }
  EXPECT_EQ(order, (Names{"gemini", "openai", "anthropic", "together", "local", "technical"}));
  EXPECT_TRUE(router.next_candidate(tried).technical());  // technical, however often asked
}

TEST_F(LlmRouter, ASuccessfulPrimaryIsTheOnlyCall) {
  Router router = make();
  EXPECT_EQ(decide(router, all_succeed()), (Names{"gemini"}));
}

TEST_F(LlmRouter, EachProviderAtMostOncePerDecisionAndTechnicalLast) {
  Router router = make();
  Recorder recorder;
  router.set_observer(&recorder);
  EXPECT_EQ(decide(router, all_fail()),
            (Names{"gemini", "openai", "anthropic", "together", "local", "technical"}));
  EXPECT_EQ(recorder.fallbacks, (Names{"gemini->openai", "openai->anthropic", "anthropic->together",
                                       "together->local", "local->technical"}));
  EXPECT_EQ(router.fallbacks("local", "technical"), 1u);
  EXPECT_EQ(recorder.requests["gemini/server_error"], 1);
  EXPECT_EQ(recorder.requests["technical/success"], 1);
}

TEST_F(LlmRouter, BackupsDisabledLeaveThePrimaryAndTechnical) {
  RouterOptions options;
  options.enable_backup_apis = false;
  Router router = make(options);
  EXPECT_EQ(decide(router, all_fail()), (Names{"gemini", "technical"}));
  EXPECT_EQ(router.state("openai"), BreakerState::disabled);
  auto status = router.status_json();
  EXPECT_EQ(status["enabled"], false);
  EXPECT_EQ(status["services"][1]["name"], "openai");
  EXPECT_EQ(status["services"][1]["status"], "DISABLED");
  EXPECT_EQ(status["services"][1]["reason"], "backup_apis_disabled");
  EXPECT_EQ(status["active_services"], 2);  // gemini and technical
}

TEST_F(LlmRouter, CloudProvidersWithoutAKeyAreNeverCalled) {
  auto pool = default_pool();
  pool[1].api_key = core::Secret{};  // openai
  Router router = make({}, pool);
  EXPECT_EQ(decide(router, all_fail()),
            (Names{"gemini", "anthropic", "together", "local", "technical"}));
  EXPECT_EQ(router.status_json()["services"][1]["reason"], "no_api_key");
}

TEST_F(LlmRouter, BadNamesAreLeftOut) {
  auto pool = default_pool();
  pool.push_back(provider("gemini", ProviderKind::openai));
  pool.push_back(provider("technical", ProviderKind::openai));
  pool.push_back(provider("", ProviderKind::openai));
  Router router = make({}, pool);
  EXPECT_EQ(router.names().size(), 6u);
  EXPECT_EQ(router.rejected(),
            (Names{"duplicate provider name: gemini", "reserved provider name: technical",
                   "provider without a name"}));
}

TEST_F(LlmRouter, AnOpenBreakerIsSkippedAndCostsNoCall) {
  Router router = make();
  Recorder recorder;
  router.set_observer(&recorder);
  auto gemini_fails = [](const std::string& name) -> std::optional<Failure> {
    if (name == "gemini") return failure(FailureKind::overloaded);
    return std::nullopt;
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(decide(router, gemini_fails), (Names{"gemini", "openai"}));
  EXPECT_EQ(router.state("gemini"), BreakerState::open);
  EXPECT_EQ(recorder.states, (Names{"gemini OPEN consecutive_failures"}));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(decide(router, gemini_fails), (Names{"openai"}));
  EXPECT_EQ(recorder.requests["gemini/overloaded"], 5);

  // After the cooldown one probe goes to gemini; it works and gemini is first again.
  clock->advance(seconds{30});
  Candidate probe = router.next_candidate({});
  EXPECT_EQ(probe.name, "gemini");
  EXPECT_TRUE(probe.probe);
  EXPECT_EQ(router.next_candidate({}).name, "openai");  // nothing else while the probe is out
  router.record_success("gemini", milliseconds{800}, Usage{});
  EXPECT_EQ(router.state("gemini"), BreakerState::active);
  EXPECT_EQ(decide(router, all_succeed()), (Names{"gemini"}));
  EXPECT_EQ(recorder.states, (Names{"gemini OPEN consecutive_failures",
                                    "gemini HALF_OPEN "
                                    "consecutive_failures",
                                    "gemini ACTIVE none"}));
}

TEST_F(LlmRouter, AllBreakersOpenMeansTechnicalAtOnce) {
  Router router = make();
  for (int i = 0; i < 5; ++i) decide(router, all_fail(FailureKind::timeout));
  for (const auto& name : Names{"gemini", "openai", "anthropic", "together", "local"}) {
    EXPECT_EQ(router.state(name), BreakerState::open) << name;
  }
  EXPECT_EQ(decide(router, all_fail()), (Names{"technical"}));
  auto status = router.status_json();
  EXPECT_EQ(status["active_services"], 1);
  EXPECT_EQ(status["services"][5]["status"], "ACTIVE");
  EXPECT_EQ(status["services"][5]["calls"], 6);
}

TEST_F(LlmRouter, AuthFailureDisablesWithAnAlertReason) {
  Router router = make();
  Recorder recorder;
  router.set_observer(&recorder);
  auto bad_key = [](const std::string& name) -> std::optional<Failure> {
    if (name == "openai") return std::nullopt;
    return failure(FailureKind::auth);
  };
  EXPECT_EQ(decide(router, bad_key), (Names{"gemini", "openai"}));
  EXPECT_EQ(router.state("gemini"), BreakerState::disabled);
  EXPECT_EQ(router.open_reason("gemini"), OpenReason::auth);
  EXPECT_TRUE(needs_operator(router.open_reason("gemini")));
  EXPECT_EQ(recorder.states, (Names{"gemini DISABLED auth"}));
  clock->advance(std::chrono::minutes{59});
  EXPECT_EQ(decide(router, bad_key), (Names{"openai"}));
  auto gemini = router.status_json()["services"][0];
  EXPECT_EQ(gemini["status"], "DISABLED");
  EXPECT_EQ(gemini["reason"], "auth");
  EXPECT_EQ(gemini["errors_by_class"]["non_retryable"], 1);
  EXPECT_EQ(gemini["errors_by_kind"]["auth"], 1);
  EXPECT_EQ(gemini["last_error"]["kind"], "auth");
}

TEST_F(LlmRouter, ARetryAfterKeepsTheProviderOutUntilThen) {
  Router router = make();
  int calls = 0;
  auto limited = [&calls](const std::string& name) -> std::optional<Failure> {
    if (name == "gemini" && calls++ == 0) {
      return failure(FailureKind::rate_limited, milliseconds{20'000});
    }
    return std::nullopt;
  };
  EXPECT_EQ(decide(router, limited), (Names{"gemini", "openai"}));
  EXPECT_EQ(router.state("gemini"), BreakerState::active);
  auto status = router.status_json()["services"][0];
  EXPECT_TRUE(status["retry_after_until"].is_string());
  EXPECT_EQ(decide(router, limited), (Names{"openai"}));
  clock->advance(seconds{19});  // 1.5 s went by in the two decisions: the hold ends now
  EXPECT_EQ(decide(router, limited), (Names{"gemini"}));
}

TEST_F(LlmRouter, CancelledCallsDoNotCountAgainstTheProvider) {
  Router router = make();
  for (int i = 0; i < 10; ++i)
    router.record_failure("gemini", failure(FailureKind::cancelled), milliseconds{3});
  EXPECT_EQ(router.state("gemini"), BreakerState::active);
  EXPECT_EQ(router.figures("gemini")->cancelled(), 10u);
  EXPECT_EQ(router.figures("gemini")->error_count(), 0u);
}

TEST_F(LlmRouter, UnknownNamesAreRefused) {
  Router router = make();
  EXPECT_FALSE(router.record_success("mistral", milliseconds{1}, Usage{}));
  EXPECT_FALSE(router.record_failure("mistral", failure(FailureKind::timeout), milliseconds{1}));
  EXPECT_EQ(router.state("mistral"), BreakerState::disabled);
  EXPECT_EQ(router.breaker("mistral"), nullptr);
  EXPECT_EQ(router.breaker("technical"), nullptr);
  EXPECT_NE(router.figures("technical"), nullptr);
  EXPECT_FALSE(router.hedge_delay("mistral").has_value());
}

TEST_F(LlmRouter, ObserverSeesOutcomesAndTokens) {
  Router router = make();
  Recorder recorder;
  router.set_observer(&recorder);
  router.record_success("openai", milliseconds{700}, Usage{321, 12});
  router.record_failure("openai", failure(FailureKind::truncated), milliseconds{900});
  EXPECT_EQ(recorder.requests["openai/success"], 1);
  EXPECT_EQ(recorder.requests["openai/truncated"], 1);
  EXPECT_EQ(recorder.input_tokens["openai"], 321u);
  auto outcomes = request_outcomes();
  EXPECT_EQ(outcomes.front(), "success");
  EXPECT_EQ(outcomes.size(), 1 + failure_kind_count);
  EXPECT_EQ(outcomes.back(), "cancelled");
}

TEST_F(LlmRouter, HedgingIsOffByDefault) {
  Router router = make();
  for (int i = 0; i < 50; ++i) decide(router, all_succeed());
  EXPECT_FALSE(router.hedge_delay("gemini").has_value());
  EXPECT_FALSE(router.may_hedge());
}

TEST_F(LlmRouter, HedgeDelayIsThePrimarysP95OnceThereAreEnoughSamples) {
  RouterOptions options;
  options.hedge.enabled = true;
  Router router = make(options);
  for (int i = 1; i <= 19; ++i) router.record_success("gemini", milliseconds{i * 100}, Usage{});
  EXPECT_FALSE(router.hedge_delay("gemini").has_value());
  router.record_success("gemini", milliseconds{2000}, Usage{});
  // 100..2000 ms in steps of 100: the 19th of 20 is 1900 ms.
  EXPECT_EQ(router.hedge_delay("gemini"), milliseconds{1900});
}

TEST_F(LlmRouter, HedgesStayWithinTheBudgetOverTheDecisionWindow) {
  RouterOptions options;
  options.hedge.enabled = true;
  options.hedge.max_fraction = 0.05;
  options.hedge.decision_window = 100;
  Router router = make(options);
  EXPECT_FALSE(router.may_hedge());  // no decisions yet
  int hedged = 0;
  for (int decision = 0; decision < 300; ++decision) {
    router.next_candidate({});
    if (router.may_hedge()) {
      router.record_hedge();
      router.record_hedge();  // counted once per decision
      ++hedged;
    }
  }
  // Allowed when (hedges in window + 1) <= 5 % of the decisions in it: at 20, 40, 60, 80, 100,
  // then one for each old hedge that leaves the window.
  EXPECT_EQ(hedged, 15);
  EXPECT_EQ(router.hedges_total(), 15u);
  EXPECT_EQ(router.decisions_total(), 300u);
}

TEST_F(LlmRouter, OnlyTheFirstAskStartsADecision) {
  Router router = make();
  decide(router, all_fail());
  EXPECT_EQ(router.decisions_total(), 1u);
}

TEST_F(LlmRouter, StatusJsonShape) {
  Router router = make();
  decide(router, all_succeed());
  for (int i = 0; i < 5; ++i)
    router.record_failure("anthropic", failure(FailureKind::timeout), milliseconds{20'000});
  auto status = router.status_json();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status.size(), 4u);
  EXPECT_EQ(status["enabled"], true);
  EXPECT_EQ(status["total_services"], 6);
  EXPECT_EQ(status["active_services"], 5);
  ASSERT_TRUE(status["services"].is_array());
  ASSERT_EQ(status["services"].size(), 6u);
  for (const auto& service : status["services"]) {
    for (const char* key : {"name",
                            "kind",
                            "model",
                            "priority",
                            "status",
                            "reason",
                            "success_rate",
                            "last_used",
                            "error_count",
                            "consecutive_failures",
                            "calls",
                            "cancelled",
                            "avg_latency_ms",
                            "p95_latency_ms",
                            "errors_by_class",
                            "errors_by_kind",
                            "last_error",
                            "tokens",
                            "next_probe",
                            "retry_after_until",
                            "opens"}) {
      EXPECT_TRUE(service.contains(key)) << service["name"] << " " << key;
    }
  }
  const auto& gemini = status["services"][0];
  EXPECT_EQ(gemini["name"], "gemini");
  EXPECT_EQ(gemini["kind"], "gemini");
  EXPECT_EQ(gemini["model"], "model-gemini");
  EXPECT_EQ(gemini["status"], "ACTIVE");
  EXPECT_TRUE(gemini["reason"].is_null());
  EXPECT_EQ(gemini["success_rate"], 1.0);
  EXPECT_EQ(gemini["last_used"], "2023-11-14T22:13:20.500Z");
  EXPECT_EQ(gemini["avg_latency_ms"], 500);
  EXPECT_TRUE(gemini["p95_latency_ms"].is_null());
  EXPECT_EQ(gemini["tokens"]["input"], 100);
  EXPECT_EQ(gemini["tokens"]["output"], 20);
  EXPECT_TRUE(gemini["next_probe"].is_null());

  const auto& openai = status["services"][1];
  EXPECT_TRUE(openai["success_rate"].is_null());
  EXPECT_TRUE(openai["last_used"].is_null());
  EXPECT_EQ(openai["error_count"], 0);

  const auto& anthropic = status["services"][2];
  EXPECT_EQ(anthropic["status"], "OPEN");
  EXPECT_EQ(anthropic["reason"], "consecutive_failures");
  EXPECT_EQ(anthropic["success_rate"], 0.0);
  EXPECT_EQ(anthropic["error_count"], 5);
  EXPECT_EQ(anthropic["consecutive_failures"], 5);
  EXPECT_EQ(anthropic["errors_by_class"]["retryable"], 5);
  EXPECT_EQ(anthropic["errors_by_kind"]["timeout"], 5);
  EXPECT_EQ(anthropic["next_probe"], "2023-11-14T22:13:50.500Z");
  EXPECT_EQ(anthropic["opens"], 1);

  const auto& technical = status["services"][5];
  EXPECT_EQ(technical["name"], "technical");
  EXPECT_EQ(technical["kind"], "technical");
  EXPECT_EQ(technical["status"], "ACTIVE");
}

TEST_F(LlmRouter, StatusNeverShowsAKey) {
  auto pool = default_pool();
  pool[0].api_key = core::Secret{"AIzaSy-very-secret-gemini-key"};
  Router router = make({}, pool);
  decide(router, all_fail(FailureKind::auth));
  EXPECT_EQ(router.status_json().dump().find("very-secret"), std::string::npos);
}

TEST(LlmIso8601, FormatsUtcWithMilliseconds) {
  using std::chrono::system_clock;
  EXPECT_EQ(iso8601_utc(system_clock::time_point{seconds{1'700'000'000}}),
            "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(iso8601_utc(system_clock::time_point{milliseconds{1'700'000'000'123}}),
            "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(iso8601_utc(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace autotrader::llm
