// The pool actor in virtual time (CAF's test coordinator) with scripted provider actors in
// place of the real ones: the order of fallbacks, the technical provider as the last word, the
// circuit breaker keeping a dead provider off the network, the half-open probe, a server's
// retry delay, the analysis deadline, hedging and its budget, and provider children that die or
// restart under their supervisor while the pool keeps answering.
#include "actors/llm/pool_actor.hpp"

#include <deque>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "actors/llm/protocol.hpp"
#include "caf/all.hpp"
#include "caf/scheduler/test_coordinator.hpp"
#include "supervision/errc.hpp"
#include "supervision/protocol.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::llm_actors {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

using reply_later_atom = caf::atom_constant<caf::atom("t_later")>;

// What a scripted provider does with one call.
struct Step {
  enum Kind { answer, fail, hang, slow, crash } kind = answer;
  llm::FailureKind failure = llm::FailureKind::server_error;
  std::optional<milliseconds> retry_after;
  caf::timespan delay{0};  // slow: answer after this much virtual time

  static Step failing(llm::FailureKind kind, std::optional<milliseconds> retry_after = {}) {
    Step step;
    step.kind = fail;
    step.failure = kind;
    step.retry_after = retry_after;
    return step;
  }
  static Step of(Kind kind, caf::timespan delay = caf::timespan{0}) {
    Step step;
    step.kind = kind;
    step.delay = delay;
    return step;
  }
};

// The script and the record of one provider, shared by every incarnation of its actor.
struct Script {
  std::deque<Step> steps;  // empty: answer
  int calls = 0;
  std::vector<std::uint64_t> cancelled;
  milliseconds latency{100};  // reported with each outcome

  Step next() {
    if (steps.empty()) return {};
    auto step = steps.front();
    steps.pop_front();
    return step;
  }
  void always(Step step) { steps.assign(1000, step); }
};

llm::Decision decision_of(const std::string& provider) {
  llm::Decision decision;
  decision.action = llm::Action::buy;
  decision.confidence = 0.8;
  decision.reasoning = "scripted";
  decision.provider = provider;
  decision.model = "scripted-model";
  return decision;
}

caf::behavior scripted_provider(caf::event_based_actor* self, std::string name,
                                std::shared_ptr<Script> script) {
  auto outcome_of = [name, script](std::uint64_t id, const Step& step) {
    ProviderOutcome outcome;
    outcome.id = id;
    outcome.provider = name;
    outcome.latency = script->latency;
    if (step.kind == Step::fail) {
      outcome.result = llm::Failure{step.failure, 500, step.retry_after, "scripted failure"};
    } else {
      outcome.result = decision_of(name);
      outcome.usage = {100, 20};
    }
    return outcome;
  };
  return supervision::supervised(
      self, caf::behavior{
                [=](llm_call_atom, ProviderCall& call) {
                  ++script->calls;
                  const auto step = script->next();
                  auto reply_to = caf::actor_cast<caf::actor>(self->current_sender());
                  switch (step.kind) {
                    case Step::answer:
                    case Step::fail:
                      self->send(reply_to, llm_done_atom::value, outcome_of(call.id, step));
                      break;
                    case Step::hang:
                      break;
                    case Step::slow:
                      self->delayed_send(self, step.delay, reply_later_atom::value, reply_to,
                                         call.id);
                      break;
                    case Step::crash:
                      throw std::runtime_error("scripted crash");
                  }
                },
                [=](reply_later_atom, const caf::actor& reply_to, std::uint64_t id) {
                  const auto& cancelled = script->cancelled;
                  if (std::find(cancelled.begin(), cancelled.end(), id) != cancelled.end()) return;
                  self->send(reply_to, llm_done_atom::value, outcome_of(id, Step{}));
                },
                [=](llm_cancel_atom, std::uint64_t id) { script->cancelled.push_back(id); },
            });
}

caf::actor_system_config& testing_config(caf::actor_system_config& cfg) {
  supervision::register_error_category(cfg);
  cfg.set("scheduler.policy", caf::atom("testing"));
  return cfg;
}

llm::ProviderSettings provider(const std::string& name, llm::ProviderKind kind) {
  llm::ProviderSettings settings;
  settings.name = name;
  settings.kind = kind;
  settings.base_url = "http://127.0.0.1:1";
  settings.model = name + "-model";
  settings.api_key = core::Secret{"test-key-" + name};
  return settings;
}

llm::DecisionInput snapshot() {
  llm::DecisionInput input;
  input.symbol = "BTCUSDT";
  input.price = 65'000;
  input.rsi = 25;
  input.ma_short = 64'900;
  input.ma_long = 64'000;
  input.trend = "up";
  input.volume_ratio = 1.5;
  return input;
}

// Asks the pool once and keeps the reply; lives until it arrives.
void client(caf::event_based_actor* self, caf::actor pool,
            std::shared_ptr<std::optional<PoolReply>> reply) {
  self->request(pool, caf::infinite, llm_analyze_atom::value, snapshot())
      .then([reply](PoolReply& r) { *reply = std::move(r); },
            [](caf::error&) { ADD_FAILURE() << "the pool answered with an error"; });
}

struct PoolActorTest : ::testing::Test {
  PoolActorTest()
      : sys{testing_config(cfg)},
        sched{dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())} {}

  ~PoolActorTest() override {
    for (auto& a : actors) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
    for (int i = 0; i < 10'000 && sched.has_pending_timeout(); ++i) {
      sched.trigger_timeout();
      sched.run();
    }
  }

  // Builds the pool over scripted gemini, openai and anthropic children.
  void start(llm::RouterOptions options = {}, milliseconds deadline = 30'000ms,
             std::vector<std::string> spawn = {"gemini", "openai", "anthropic"}) {
    std::vector<llm::ProviderSettings> providers{
        provider("gemini", llm::ProviderKind::gemini),
        provider("openai", llm::ProviderKind::openai),
        provider("anthropic", llm::ProviderKind::anthropic)};
    metrics = std::make_shared<LlmMetrics>(registry);
    shared = std::make_shared<PoolShared>(llm::Router{providers, options, clock}, metrics);
    for (const auto& name : spawn) spawn_provider(name);
    PoolConfig config;
    config.shared = shared;
    config.providers = directory;
    config.analysis_timeout = deadline;
    config.clock = clock;
    pool = spawn_pool_actor(sys, config);
    actors.push_back(pool);
    sched.run();
  }

  void spawn_provider(const std::string& name) {
    auto actor = sys.spawn(scripted_provider, name, scripts[name]);
    directory->set(name, actor);
    actors.push_back(actor);
  }

  // Starts an analysis from a client actor that keeps the reply.
  std::shared_ptr<std::optional<PoolReply>> ask() {
    auto reply = std::make_shared<std::optional<PoolReply>>();
    sys.spawn(client, pool, reply);
    sched.run();
    return reply;
  }

  PoolReply decide() {
    auto reply = ask();
    EXPECT_TRUE(reply->has_value()) << "no reply without any time passing";
    return reply->value_or(PoolReply{});
  }

  void advance(caf::timespan d, caf::timespan step = 10ms) {
    sched.run();
    for (caf::timespan done{0}; done < d; done += step) {
      sched.advance_time(std::min(step, d - done));
      sched.run();
    }
  }

  llm::BreakerState state(const std::string& name) {
    return shared->with_router([&](llm::Router& router) { return router.state(name); });
  }
  std::uint64_t fallbacks(const std::string& from, const std::string& to) {
    return shared->with_router([&](llm::Router& router) { return router.fallbacks(from, to); });
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<core::ManualClock> clock = std::make_shared<core::ManualClock>();
  prometheus::Registry registry;
  std::shared_ptr<LlmMetrics> metrics;
  std::shared_ptr<PoolShared> shared;
  std::shared_ptr<ProviderDirectory> directory = std::make_shared<ProviderDirectory>();
  std::map<std::string, std::shared_ptr<Script>> scripts{{"gemini", std::make_shared<Script>()},
                                                         {"openai", std::make_shared<Script>()},
                                                         {"anthropic", std::make_shared<Script>()}};
  caf::actor pool;
  std::vector<caf::actor> actors;
};

std::vector<std::string> providers_of(const PoolReply& reply) {
  std::vector<std::string> out;
  for (const auto& attempt : reply.attempts)
    out.push_back(attempt.provider + ":" + attempt.outcome);
  return out;
}

TEST_F(PoolActorTest, EveryFallbackPairDownTheListExportsZeroFromTheStart) {
  start();
  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto& family : registry.Collect()) {
    if (family.name != "autotrader_llm_fallbacks_total") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      EXPECT_EQ(metric.counter.value, 0);
      pairs.emplace(labels["from"], labels["to"]);
    }
  }
  EXPECT_EQ(pairs.size(), 6u);  // gemini, openai, anthropic, technical: 3 + 2 + 1
  EXPECT_TRUE(pairs.count({"gemini", "openai"}));
  EXPECT_TRUE(pairs.count({"anthropic", "technical"}));
  EXPECT_FALSE(pairs.count({"openai", "gemini"}));
}

TEST_F(PoolActorTest, ThePrimaryAnswersAlone) {
  start();
  auto reply = decide();
  EXPECT_EQ(reply.decision.provider, "gemini");
  EXPECT_EQ(providers_of(reply), (std::vector<std::string>{"gemini:success"}));
  EXPECT_EQ(scripts["gemini"]->calls, 1);
  EXPECT_EQ(scripts["openai"]->calls, 0);
  EXPECT_FALSE(reply.deadline_passed);
}

TEST_F(PoolActorTest, ThePrimaryDownTheNextAnswers) {
  start();
  scripts["gemini"]->steps = {Step::failing(llm::FailureKind::server_error)};
  auto reply = decide();
  EXPECT_EQ(reply.decision.provider, "openai");
  EXPECT_EQ(providers_of(reply),
            (std::vector<std::string>{"gemini:server_error", "openai:success"}));
  EXPECT_EQ(fallbacks("gemini", "openai"), 1u);
}

TEST_F(PoolActorTest, EveryProviderDownTheTechnicalProviderAnswers) {
  start();
  for (auto& [name, script] : scripts) script->always(Step::failing(llm::FailureKind::overloaded));
  auto reply = decide();
  EXPECT_EQ(reply.decision.provider, "technical");
  EXPECT_EQ(reply.decision.action, llm::Action::buy);  // oversold, uptrend, volume: the rules
  EXPECT_EQ(providers_of(reply),
            (std::vector<std::string>{"gemini:overloaded", "openai:overloaded",
                                      "anthropic:overloaded", "technical:success"}));
  EXPECT_EQ(fallbacks("anthropic", "technical"), 1u);
}

TEST_F(PoolActorTest, AnInvalidAnswerIsAFailureNeverAHold) {
  start();
  scripts["gemini"]->steps = {Step::failing(llm::FailureKind::schema_violation)};
  auto reply = decide();
  EXPECT_EQ(reply.decision.provider, "openai");
  EXPECT_EQ(reply.attempts.front().outcome, "schema_violation");
}

TEST_F(PoolActorTest, AnOpenBreakerCostsNoCallAndTheHalfOpenProbeClosesIt) {
  start();
  scripts["gemini"]->always(Step::failing(llm::FailureKind::timeout));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(decide().decision.provider, "openai");
  EXPECT_EQ(scripts["gemini"]->calls, 5);
  EXPECT_EQ(state("gemini"), llm::BreakerState::open);
  for (int i = 0; i < 10; ++i) {
    auto reply = decide();
    EXPECT_EQ(reply.decision.provider, "openai");
    EXPECT_EQ(reply.attempts.size(), 1u);  // gemini is not even tried
  }
  EXPECT_EQ(scripts["gemini"]->calls, 5);  // no network call while open

  scripts["gemini"]->steps.clear();  // recovered
  clock->advance(30s);               // the breaker's first cooldown
  auto probe = decide();
  EXPECT_EQ(probe.decision.provider, "gemini");
  EXPECT_EQ(scripts["gemini"]->calls, 6);
  EXPECT_EQ(state("gemini"), llm::BreakerState::active);
}

TEST_F(PoolActorTest, AServersRetryDelayIsHonoured) {
  start();
  scripts["gemini"]->steps = {Step::failing(llm::FailureKind::rate_limited, 20'000ms)};
  EXPECT_EQ(decide().decision.provider, "openai");
  clock->advance(19s);
  EXPECT_EQ(decide().decision.provider, "openai");
  EXPECT_EQ(scripts["gemini"]->calls, 1);
  clock->advance(1s);
  EXPECT_EQ(decide().decision.provider, "gemini");
  EXPECT_EQ(scripts["gemini"]->calls, 2);
}

TEST_F(PoolActorTest, AuthErrorsDisableTheProviderAndRaiseTheOperatorMetric) {
  start();
  scripts["gemini"]->steps = {Step::failing(llm::FailureKind::auth)};
  EXPECT_EQ(decide().decision.provider, "openai");
  EXPECT_EQ(state("gemini"), llm::BreakerState::disabled);
  auto families = registry.Collect();
  double needs_operator = -1;
  for (const auto& family : families) {
    if (family.name != "autotrader_llm_provider_needs_operator") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels["provider"] == "gemini" && labels["reason"] == "auth") {
        needs_operator = metric.gauge.value;
      }
    }
  }
  EXPECT_EQ(needs_operator, 1);
  for (int i = 0; i < 3; ++i) decide();
  EXPECT_EQ(scripts["gemini"]->calls, 1);
}

TEST_F(PoolActorTest, TheDeadlineCancelsTheCallAndTheTechnicalProviderAnswers) {
  start({}, 2'000ms);
  scripts["gemini"]->steps = {Step::of(Step::hang)};
  auto reply = ask();
  advance(1'990ms);
  EXPECT_FALSE(reply->has_value());
  advance(20ms);
  ASSERT_TRUE(reply->has_value());
  EXPECT_TRUE((*reply)->deadline_passed);
  EXPECT_EQ((*reply)->decision.provider, "technical");
  EXPECT_EQ(providers_of(**reply),
            (std::vector<std::string>{"gemini:timeout", "technical:success"}));
  EXPECT_EQ(scripts["gemini"]->cancelled.size(), 1u);
  EXPECT_EQ(scripts["openai"]->calls, 0);  // the deadline ends the analysis
  EXPECT_EQ(fallbacks("gemini", "technical"), 1u);
}

TEST_F(PoolActorTest, HedgingTakesTheFirstValidAnswerAndKeepsToItsBudget) {
  llm::RouterOptions options;
  options.hedge = {true, 0.05, 20};  // one hedged decision in twenty
  start(options);
  for (int i = 0; i < 20; ++i) decide();  // p95 of gemini: 100 ms
  scripts["gemini"]->steps = {Step::of(Step::slow, 5s), Step::of(Step::slow, 5s)};
  auto hedged = ask();
  advance(100ms);
  ASSERT_TRUE(hedged->has_value());
  EXPECT_EQ((*hedged)->decision.provider, "openai");
  ASSERT_EQ((*hedged)->attempts.size(), 2u);
  EXPECT_TRUE((*hedged)->attempts[0].hedge);
  EXPECT_EQ((*hedged)->attempts[1].provider, "gemini");
  EXPECT_EQ((*hedged)->attempts[1].outcome, "cancelled");
  EXPECT_EQ(scripts["gemini"]->cancelled.size(), 1u);
  EXPECT_EQ(state("gemini"), llm::BreakerState::active);  // a lost hedge is not a failure

  auto unhedged = ask();  // the budget is spent
  advance(4'900ms);
  EXPECT_FALSE(unhedged->has_value());
  EXPECT_EQ(scripts["openai"]->calls, 1);
  advance(200ms);
  ASSERT_TRUE(unhedged->has_value());
  EXPECT_EQ((*unhedged)->decision.provider, "gemini");
}

TEST_F(PoolActorTest, AProviderThatDiesMidCallFailsOverAtOnce) {
  start();
  scripts["gemini"]->steps = {Step::of(Step::crash)};
  auto reply = decide();
  EXPECT_EQ(reply.decision.provider, "openai");
  EXPECT_EQ(reply.attempts.front().outcome, "connection");
  EXPECT_NE(reply.attempts.front().message.find("stopped"), std::string::npos);
}

TEST_F(PoolActorTest, AProviderThatIsNotRunningIsSkipped) {
  start({}, 30'000ms, {"openai"});
  auto reply = decide();
  EXPECT_EQ(reply.decision.provider, "openai");
  EXPECT_EQ(providers_of(reply),
            (std::vector<std::string>{"gemini:not_running", "openai:success"}));
}

TEST_F(PoolActorTest, WithoutBackupsOnlyThePrimaryAndTheTechnicalProviderAnswer) {
  llm::RouterOptions options;
  options.enable_backup_apis = false;
  start(options);
  scripts["gemini"]->steps = {Step::failing(llm::FailureKind::server_error)};
  auto reply = decide();
  EXPECT_EQ(reply.decision.provider, "technical");
  EXPECT_EQ(scripts["openai"]->calls, 0);
  EXPECT_EQ(shared->status_json()["services"][1]["status"], "DISABLED");
}

TEST_F(PoolActorTest, ConcurrentAnalysesAreKeptApart) {
  start();
  scripts["gemini"]->steps = {Step::of(Step::slow, 300ms),
                              Step::failing(llm::FailureKind::server_error)};
  auto first = ask();
  auto second = ask();
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->decision.provider, "openai");
  EXPECT_FALSE(first->has_value());
  advance(310ms);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->decision.provider, "gemini");
}

// A supervised provider child that crashes is restarted while the pool keeps answering, and the
// pool finds the new incarnation through the directory.
TEST_F(PoolActorTest, ACrashedProviderIsRestartedWhileThePoolKeepsAnswering) {
  start({}, 30'000ms, {"openai", "anthropic"});
  supervision::SupervisorSpec spec;
  spec.id = "llm";
  spec.backoff = {500ms, 500ms, 0, 60s};
  supervision::ChildSpec child;
  child.id = "gemini";
  child.start = [directory = directory,
                 script = scripts["gemini"]](caf::event_based_actor& parent) {
    auto actor = parent.spawn(scripted_provider, std::string{"gemini"}, script);
    directory->set("gemini", actor);
    return actor;
  };
  spec.children.push_back(child);
  auto sup = supervision::spawn_supervisor(sys, spec);
  actors.push_back(sup);
  sched.run();
  EXPECT_EQ(decide().decision.provider, "gemini");

  scripts["gemini"]->steps = {Step::of(Step::crash)};
  auto during = decide();
  EXPECT_EQ(during.decision.provider, "openai");
  EXPECT_EQ(decide().decision.provider, "openai");  // restarting: skipped, not waited for
  advance(600ms);                                   // the restart backoff
  EXPECT_EQ(decide().decision.provider, "gemini");
  EXPECT_EQ(scripts["gemini"]->calls, 3);
}

}  // namespace
}  // namespace autotrader::llm_actors
