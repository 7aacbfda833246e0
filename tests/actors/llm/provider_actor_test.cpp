// The provider actor over real sockets against the fake LLM server: each provider kind does both
// turns of the analysis in its own wire format (the fake checks the shape and the key), the
// transcript keeps both turns with their token usage, every failure the fake can inject comes
// back classified (kind, HTTP status, retry hint, the phase it happened in, never the key), and
// cancelling a call or stopping the actor closes the call's connection.
#include "actors/llm/provider_actor.hpp"

#include <gtest/gtest.h>

#include <set>

#include <caf/all.hpp>

#include "actors/llm/protocol.hpp"
#include "net/https_client.hpp"
#include "supervision/errc.hpp"
#include "tests/actors/llm/llm_wire_support.hpp"

namespace autotrader::llm_actors {
namespace {

using namespace std::chrono_literals;
using namespace wire_test;
using llm::ProviderKind;
using nlohmann::json;
using std::chrono::milliseconds;

// How long "no outcome arrives" is watched after a cancel.
constexpr milliseconds kQuiet{300};

class ProviderActorTest : public ::testing::Test {
 protected:
  ProviderActorTest() {
    supervision::register_error_category(config_);
    system_ = std::make_unique<caf::actor_system>(config_);
  }

  ~ProviderActorTest() override {
    for (auto& actor : actors_) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    actors_.clear();
    system_.reset();  // waits for every actor
    context_->stop();
  }

  void SetUp() override { ASSERT_EQ(fake_.start(), std::nullopt); }

  llm::ProviderSettings settings(ProviderKind kind, milliseconds timeout = 10'000ms) const {
    llm::ProviderSettings out;
    out.name = "my-" + std::string{llm::to_string(kind)};
    out.kind = kind;
    out.base_url = fake_.base_url(route_of(kind));
    out.model = model_of(kind);
    out.timeout = timeout;
    if (kind != ProviderKind::local) out.api_key = core::Secret{test_key(kind)};
    return out;
  }

  // A provider actor with its own HTTPS client, as llm_tree makes them.
  caf::actor spawn(const llm::ProviderSettings& provider) {
    net::HttpClientOptions options;
    options.connect_timeout = std::min(provider.timeout, milliseconds{5'000});
    options.first_byte_timeout = provider.timeout;
    options.read_timeout = provider.timeout;
    options.total_timeout = provider.timeout;
    http_ = std::make_shared<net::HttpsClient>(context_, options);
    ProviderActorConfig config;
    config.settings = provider;
    config.http = http_;
    config.clock = std::make_shared<core::SystemClock>();
    auto actor = spawn_provider_actor(*system_, config);
    actors_.push_back(actor);
    return actor;
  }

  // One call, as the pool makes it; the outcome, or nullopt when none came.
  std::optional<ProviderOutcome> call(const caf::actor& provider, std::uint64_t id = 1) {
    caf::scoped_actor self{*system_};
    self->send(provider, llm_call_atom::value, ProviderCall{id, snapshot()});
    return receive_outcome(self, kWait);
  }

  static std::optional<ProviderOutcome> receive_outcome(caf::scoped_actor& self,
                                                        milliseconds deadline) {
    std::optional<ProviderOutcome> out;
    self->receive([&](llm_done_atom, ProviderOutcome& outcome) { out = std::move(outcome); },
                  caf::after(deadline) >> [] {});
    return out;
  }

  std::uint16_t port() const { return fake_.port(); }

  fl::FakeLlm fake_;
  std::shared_ptr<net::ClientContext> context_ = std::make_shared<net::ClientContext>();
  std::shared_ptr<net::HttpsClient> http_;
  caf::actor_system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  std::vector<caf::actor> actors_;
};

// ---------------------------------------------------------------------------------------------
// Both turns, each provider kind.

class EveryKind : public ProviderActorTest, public ::testing::WithParamInterface<ProviderKind> {};

TEST_P(EveryKind, DoesBothTurnsAndKeepsTheTranscriptWithUsage) {
  const auto kind = GetParam();
  const auto route = route_of(kind);
  auto provider = settings(kind);
  if (kind != ProviderKind::local) {
    auto config = fake_.config(route);
    config.api_key = test_key(kind);  // any other key is refused in the provider's format
    fake_.configure(route, config);
  }
  fake_.answer(route, buy_decision(), {61, 24});
  fake_.answer(route, sell_decision(), {93, 31});

  auto outcome = call(spawn(provider), 7);
  ASSERT_TRUE(outcome) << "no outcome";
  EXPECT_EQ(outcome->id, 7u);
  EXPECT_EQ(outcome->provider, provider.name);
  auto* decision = std::get_if<llm::Decision>(&outcome->result);
  ASSERT_TRUE(decision) << std::get<llm::Failure>(outcome->result).message;
  EXPECT_EQ(decision->action, llm::Action::sell);  // the refined answer is the result
  EXPECT_DOUBLE_EQ(decision->confidence, 0.65);
  EXPECT_EQ(decision->reasoning, "refined answer: support broke");
  EXPECT_EQ(decision->provider, provider.name);
  EXPECT_EQ(decision->model, provider.model);
  ASSERT_EQ(decision->transcript.size(), 2u);
  EXPECT_EQ(decision->transcript[0].phase, "initial");
  EXPECT_EQ(decision->transcript[1].phase, "refinement");
  EXPECT_EQ(json::parse(decision->transcript[0].answer)["action"], "BUY");
  EXPECT_EQ(json::parse(decision->transcript[1].answer)["action"], "SELL");
  EXPECT_EQ(decision->transcript[0].usage.input_tokens, 61u);
  EXPECT_EQ(decision->transcript[0].usage.output_tokens, 24u);
  EXPECT_EQ(decision->transcript[1].usage.input_tokens, 93u);
  EXPECT_EQ(decision->transcript[1].usage.output_tokens, 31u);
  EXPECT_EQ(outcome->usage.input_tokens, 61u + 93u);
  EXPECT_EQ(outcome->usage.output_tokens, 24u + 31u);

  // Two requests, both accepted as well-formed; the second carries the first answer back.
  auto requests = fake_.requests(route);
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.outcome, "answer") << request.body;
    EXPECT_EQ(request.status, 200);
    EXPECT_EQ(request.model, provider.model);
    EXPECT_EQ(request.auth,
              kind == ProviderKind::local ? fl::AuthOutcome::missing : fl::AuthOutcome::ok);
    EXPECT_EQ(request.body.find(test_key(kind)), std::string::npos);
  }
  EXPECT_EQ(requests[0].body.find("initial answer: oversold bounce"), std::string::npos);
  EXPECT_NE(requests[1].body.find("initial answer: oversold bounce"), std::string::npos);
  EXPECT_EQ(http_->stats().connections_opened, 1u);  // the second turn reused the connection
}

INSTANTIATE_TEST_SUITE_P(ProviderActor, EveryKind,
                         ::testing::Values(ProviderKind::gemini, ProviderKind::openai,
                                           ProviderKind::anthropic, ProviderKind::together,
                                           ProviderKind::local),
                         [](const auto& info) { return std::string{llm::to_string(info.param)}; });

// ---------------------------------------------------------------------------------------------
// Failures, classified.

struct FailureCase {
  const char* name;
  ProviderKind kind;
  fl::Fault fault;
  llm::FailureKind expected;
  int http_status;
  std::optional<milliseconds> retry_after;
};

std::ostream& operator<<(std::ostream& out, const FailureCase& c) {
  return out << c.name;
}

class FailuresAreClassified : public ProviderActorTest,
                              public ::testing::WithParamInterface<FailureCase> {};

TEST_P(FailuresAreClassified, InTheFirstTurn) {
  const auto& c = GetParam();
  auto provider = settings(c.kind);
  fake_.fail(route_of(c.kind), c.fault);

  auto outcome = call(spawn(provider));
  ASSERT_TRUE(outcome) << "no outcome";
  auto* failure = std::get_if<llm::Failure>(&outcome->result);
  ASSERT_TRUE(failure) << "a decision from a " << c.name;
  EXPECT_EQ(failure->kind, c.expected) << failure->message;
  EXPECT_EQ(failure->http_status, c.http_status) << failure->message;
  EXPECT_EQ(failure->retry_after, c.retry_after) << failure->message;
  EXPECT_EQ(failure->message.rfind("initial: ", 0), 0u) << failure->message;
  EXPECT_EQ(failure->message.find(test_key(c.kind)), std::string::npos);
  EXPECT_EQ(outcome->usage.input_tokens, 0u);
  EXPECT_EQ(fake_.request_count(route_of(c.kind)), 1u);  // no second turn after a failure
}

const FailureCase kFailureCases[] = {
    {"gemini_503", ProviderKind::gemini, fl::Fault::overloaded(), llm::FailureKind::overloaded, 503,
     std::nullopt},
    {"anthropic_529", ProviderKind::anthropic, fl::Fault::overloaded(),
     llm::FailureKind::overloaded, 529, std::nullopt},
    {"openai_500", ProviderKind::openai, fl::Fault::server_error(500),
     llm::FailureKind::server_error, 500, std::nullopt},
    {"gemini_429_retry_info", ProviderKind::gemini, fl::Fault::rate_limited(7'000ms),
     llm::FailureKind::rate_limited, 429, 7'000ms},
    {"openai_429_retry_after_ms", ProviderKind::openai, fl::Fault::rate_limited(2'500ms),
     llm::FailureKind::rate_limited, 429, 2'500ms},
    {"anthropic_429_retry_after", ProviderKind::anthropic, fl::Fault::rate_limited(3'000ms),
     llm::FailureKind::rate_limited, 429, 3'000ms},
    {"openai_insufficient_quota", ProviderKind::openai, fl::Fault::quota_exhausted(),
     llm::FailureKind::quota_exhausted, 429, std::nullopt},
    {"anthropic_spend_limit", ProviderKind::anthropic, fl::Fault::quota_exhausted(),
     llm::FailureKind::quota_exhausted, 429, std::nullopt},
    {"gemini_401", ProviderKind::gemini, fl::Fault::unauthorized(), llm::FailureKind::auth, 401,
     std::nullopt},
    {"together_401", ProviderKind::together, fl::Fault::unauthorized(), llm::FailureKind::auth, 401,
     std::nullopt},
    {"anthropic_400", ProviderKind::anthropic, fl::Fault::bad_request(),
     llm::FailureKind::bad_request, 400, std::nullopt},
    {"gemini_malformed_body", ProviderKind::gemini, fl::Fault::malformed_body(),
     llm::FailureKind::unparseable, 200, std::nullopt},
    {"openai_schema_violation", ProviderKind::openai, fl::Fault::schema_violation(),
     llm::FailureKind::schema_violation, 200, std::nullopt},
    {"anthropic_schema_violation", ProviderKind::anthropic, fl::Fault::schema_violation(),
     llm::FailureKind::schema_violation, 200, std::nullopt},
    {"together_empty_answer", ProviderKind::together, fl::Fault::empty_answer(),
     llm::FailureKind::empty_answer, 200, std::nullopt},
    {"gemini_safety_block", ProviderKind::gemini, fl::Fault::safety_block(),
     llm::FailureKind::safety_block, 200, std::nullopt},
    {"openai_content_filter", ProviderKind::openai, fl::Fault::blocked_prompt(),
     llm::FailureKind::safety_block, 200, std::nullopt},
    {"anthropic_truncated", ProviderKind::anthropic, fl::Fault::truncated(),
     llm::FailureKind::truncated, 200, std::nullopt},
    {"local_prose", ProviderKind::local, fl::Fault::prose(), llm::FailureKind::unparseable, 200,
     std::nullopt},
    {"anthropic_prose", ProviderKind::anthropic, fl::Fault::prose(), llm::FailureKind::empty_answer,
     200, std::nullopt},
    {"gemini_reset", ProviderKind::gemini, fl::Fault::reset(), llm::FailureKind::connection, 0,
     std::nullopt},
};

INSTANTIATE_TEST_SUITE_P(ProviderActor, FailuresAreClassified, ::testing::ValuesIn(kFailureCases),
                         [](const auto& info) { return std::string{info.param.name}; });

TEST_F(ProviderActorTest, AWrongKeyIsAnAuthFailureThatNeverShowsTheKey) {
  auto config = fake_.config(fl::Provider::gemini);
  config.api_key = "the-right-key";
  fake_.configure(fl::Provider::gemini, config);
  auto outcome = call(spawn(settings(ProviderKind::gemini)));
  ASSERT_TRUE(outcome);
  auto* failure = std::get_if<llm::Failure>(&outcome->result);
  ASSERT_TRUE(failure);
  // Gemini answers a wrong key with 400 INVALID_ARGUMENT / API_KEY_INVALID, not a 401.
  EXPECT_EQ(failure->kind, llm::FailureKind::auth) << failure->message;
  EXPECT_EQ(failure->http_status, 400);
  EXPECT_EQ(failure->message.find(test_key(ProviderKind::gemini)), std::string::npos);
  ASSERT_EQ(fake_.requests(fl::Provider::gemini).size(), 1u);
  EXPECT_EQ(fake_.requests(fl::Provider::gemini)[0].auth, fl::AuthOutcome::wrong);
}

TEST_F(ProviderActorTest, AFailureInTheRefinementTurnNamesThePhaseAndKeepsTheFirstTurnsUsage) {
  fake_.answer(fl::Provider::openai, buy_decision(), {50, 20});
  fake_.fail(fl::Provider::openai, fl::Fault::schema_violation());
  auto outcome = call(spawn(settings(ProviderKind::openai)));
  ASSERT_TRUE(outcome);
  auto* failure = std::get_if<llm::Failure>(&outcome->result);
  ASSERT_TRUE(failure) << "the invalid refinement became a decision";
  EXPECT_EQ(failure->kind, llm::FailureKind::schema_violation);
  EXPECT_EQ(failure->message.rfind("refinement: ", 0), 0u) << failure->message;
  EXPECT_EQ(outcome->usage.input_tokens, 50u);
  EXPECT_EQ(outcome->usage.output_tokens, 20u);
  EXPECT_EQ(fake_.request_count(fl::Provider::openai), 2u);
}

TEST_F(ProviderActorTest, AProviderThatNeverAnswersTimesOutAtItsTimeout) {
  fake_.set_default(fl::Provider::gemini, fl::Behaviour::fault(fl::Fault::timeout()));
  const auto started = std::chrono::steady_clock::now();
  auto outcome = call(spawn(settings(ProviderKind::gemini, 300ms)));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(outcome);
  auto* failure = std::get_if<llm::Failure>(&outcome->result);
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->kind, llm::FailureKind::timeout) << failure->message;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5'000ms);
  EXPECT_GE(outcome->latency, 300ms);
  EXPECT_TRUE(wait_for_open_connections(port(), 0)) << "the timed-out connection stayed open";
}

TEST_F(ProviderActorTest, ARefusedConnectionIsAConnectionFailure) {
  auto provider = settings(ProviderKind::openai);
  fake_.stop();  // nothing listens on the port any more
  auto outcome = call(spawn(provider));
  ASSERT_TRUE(outcome);
  auto* failure = std::get_if<llm::Failure>(&outcome->result);
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->kind, llm::FailureKind::connection) << failure->message;
  EXPECT_EQ(failure->http_status, 0);
}

// ---------------------------------------------------------------------------------------------
// Several calls at once, cancel, stop.

TEST_F(ProviderActorTest, ConcurrentCallsAreAnsweredEachWithItsOwnId) {
  auto provider = spawn(settings(ProviderKind::anthropic));
  caf::scoped_actor self{*system_};
  for (std::uint64_t id = 1; id <= 4; ++id) {
    self->send(provider, llm_call_atom::value, ProviderCall{id, snapshot()});
  }
  std::set<std::uint64_t> answered;
  for (int i = 0; i < 4; ++i) {
    auto outcome = receive_outcome(self, kWait);
    ASSERT_TRUE(outcome) << "only " << answered.size() << " outcomes";
    EXPECT_TRUE(std::holds_alternative<llm::Decision>(outcome->result));
    answered.insert(outcome->id);
  }
  EXPECT_EQ(answered, (std::set<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(fake_.request_count(fl::Provider::anthropic), 8u);
}

TEST_F(ProviderActorTest, CancelClosesTheConnectionAndNoOutcomeFollows) {
  fake_.set_default(fl::Provider::gemini, fl::Behaviour::fault(fl::Fault::timeout()));
  auto provider = spawn(settings(ProviderKind::gemini));
  caf::scoped_actor self{*system_};
  self->send(provider, llm_call_atom::value, ProviderCall{42, snapshot()});
  ASSERT_TRUE(fake_.wait_for_requests(fl::Provider::gemini, 1, kWait));
  ASSERT_TRUE(wait_for_open_connections(port(), 1)) << "the call's connection is not open";

  self->send(provider, llm_cancel_atom::value, std::uint64_t{42});
  EXPECT_TRUE(wait_for_open_connections(port(), 0)) << "the cancelled call's socket stayed open";
  EXPECT_FALSE(receive_outcome(self, kQuiet)) << "a cancelled call answered";
  EXPECT_EQ(http_->stats().connections_idle, 0u);  // closed, not parked for reuse

  // The actor carries on: the next call gets a fresh connection and an answer.
  fake_.set_default(fl::Provider::gemini, fl::Behaviour::answer(buy_decision()));
  auto next = call(provider, 43);
  ASSERT_TRUE(next);
  EXPECT_TRUE(std::holds_alternative<llm::Decision>(next->result));
  EXPECT_EQ(http_->stats().connections_opened, 2u);
}

TEST_F(ProviderActorTest, AStoppedActorClosesTheConnectionsOfItsRunningCalls) {
  fake_.set_default(fl::Provider::openai, fl::Behaviour::fault(fl::Fault::timeout()));
  auto provider = spawn(settings(ProviderKind::openai));
  caf::scoped_actor self{*system_};
  self->send(provider, llm_call_atom::value, ProviderCall{1, snapshot()});
  self->send(provider, llm_call_atom::value, ProviderCall{2, snapshot()});
  ASSERT_TRUE(fake_.wait_for_requests(fl::Provider::openai, 2, kWait));
  ASSERT_TRUE(wait_for_open_connections(port(), 2));

  self->monitor(provider);
  self->send_exit(provider, caf::exit_reason::user_shutdown);
  self->receive([](caf::down_msg&) {}, caf::after(kWait) >> [] { ADD_FAILURE() << "no down"; });
  EXPECT_TRUE(wait_for_open_connections(port(), 0)) << "a stopped actor left its sockets open";
}

}  // namespace
}  // namespace autotrader::llm_actors
