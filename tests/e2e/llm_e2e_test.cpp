// The AI-provider pool end to end: the real `autotrader` binary against a fake_llm_server process
// (scripted through its control endpoint). The daemon serves GET /api/backup-services-status in
// its documented shape and the autotrader_llm_* metric families, and shows every LLM DISABLED
// (no_api_key) when it has no keys; `autotrader decide --dry-run FILE` asks Gemini for both turns,
// falls back to OpenAI when Gemini fails, answers technically without keys, refuses a bad
// snapshot with exit 65, and never prints a key.
#include <signal.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

#include "tests/e2e/daemon_fixture.hpp"
#include "tests/support/http_client.hpp"

#ifndef FAKE_LLM_SERVER
#error "FAKE_LLM_SERVER must name the fake_llm_server program"
#endif

namespace autotrader::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Distinctive values, so that finding one anywhere in the output means a leak.
const std::map<std::string, std::string> kKeys{
    {"gemini", "gemini-e2e-key-4c1f9a7d"},
    {"openai", "openai-e2e-key-8b2e6f0a"},
    {"anthropic", "anthropic-e2e-key-3d9c1b5e"},
    {"together", "together-e2e-key-7a4f2c8d"},
};
const std::map<std::string, std::string> kKeyVariables{
    {"gemini", "GEMINI_API_KEY"},
    {"openai", "OPENAI_API_KEY"},
    {"anthropic", "ANTHROPIC_API_KEY"},
    {"together", "TOGETHER_API_KEY"},
};

constexpr const char* kSnapshot =
    R"({"symbol":"BTCUSDT","price":65000,"rsi":28,"ma_short":64900,"ma_long":64000,)"
    R"("trend":"up","volume_ratio":1.4})";

json decision(const char* action, const char* reasoning) {
  return {{"action", action},      {"confidence", 0.7},     {"reasoning", reasoning},
          {"factors", {"rsi"}},    {"position_size", 0.05}, {"stop_loss_pct", 2.0},
          {"take_profit_pct", 4.0}};
}

// A fake_llm_server process that expects kKeys, stopped with SIGTERM at the end.
class FakeLlmServer {
 public:
  FakeLlmServer() {
    ProcessOptions options;
    options.argv = {FAKE_LLM_SERVER};
    for (const auto& [provider, key] : kKeys) {
      options.argv.push_back("--key");
      options.argv.push_back(provider + "=" + key);
    }
    options.env = current_environment();
    process_ = std::make_unique<Process>(options);
    auto line = process_->wait_for_line("PORT ", 10s);
    if (line) port_ = static_cast<std::uint16_t>(std::stoi(line->substr(5)));
  }
  ~FakeLlmServer() {
    process_->signal(SIGTERM);
    process_->wait(10s);
  }

  std::uint16_t port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The daemon's variables for every cloud provider's base URL (and key, when `keys`).
  void point_at(std::map<std::string, std::string>& env, bool keys) const {
    env["AUTOTRADER_LLM_GEMINI_BASE_URL"] = origin();
    env["AUTOTRADER_LLM_OPENAI_BASE_URL"] = origin() + "/v1";
    env["AUTOTRADER_LLM_ANTHROPIC_BASE_URL"] = origin();
    env["AUTOTRADER_LLM_TOGETHER_BASE_URL"] = origin() + "/together/v1";
    if (!keys) return;
    for (const auto& [provider, key] : kKeys) env[kKeyVariables.at(provider)] = key;
  }

  int post(const std::string& target, const json& body) const {
    auto result = http_request(port_, "POST", target, body.dump());
    EXPECT_EQ(result.status, 200) << target << ": " << result.body << result.error;
    return result.status;
  }
  json get(const std::string& target) const {
    return json::parse(http_get(port_, target).body, nullptr, false);
  }
  long requests(const std::string& provider) const {
    return get("/_fake/stats")["requests"].value(provider, 0L);
  }

 private:
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

void expect_no_key_in(const std::string& text) {
  for (const auto& [provider, key] : kKeys) {
    EXPECT_EQ(text.find(key), std::string::npos) << provider << "'s key leaked";
  }
}

// Everything under the daemon's data directory (logs), for the leak check.
std::string data_files(const DaemonFixture& daemon) {
  std::string all;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(daemon.path("data"), ec)) {
    if (entry.is_regular_file()) {
      all += daemon.read_file(std::filesystem::relative(entry.path(), daemon.dir()).string());
    }
  }
  return all;
}

// ---------------------------------------------------------------------------------------------
// The daemon

class LlmDaemonTest : public ::testing::Test {
 protected:
  void Start(bool keys) {
    ASSERT_NE(fake_.port(), 0) << "fake_llm_server did not start";
    daemon_.env["AUTOTRADER_HTTP_PORT"] = "0";
    fake_.point_at(daemon_.env, keys);
    process_ = daemon_.start({"run"});
    auto port = wait_for_http_port(*process_);
    ASSERT_TRUE(port.has_value()) << process_->output();
    port_ = *port;
  }

  void TearDown() override {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait(kStopDeadline);
  }

  json get_json(const std::string& target) {
    auto result = http_get(port_, target);
    EXPECT_EQ(result.status, 200) << target << result.error;
    EXPECT_EQ(result.header("content-type").rfind("application/json", 0), 0u);
    return json::parse(result.body, nullptr, false);
  }

  // /api/supervision once the "llm" branch shows `children` children, all running (the HTTP
  // server answers before the branches after it have started), or as it is at the deadline.
  json tree_when_llm_started(std::size_t children) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    for (;;) {
      auto tree = get_json("/api/supervision");
      if (!tree.is_object() || std::chrono::steady_clock::now() > deadline) return tree;
      for (const auto& child : tree.value("children", json::array())) {
        if (child.value("id", "") != "llm") continue;
        const auto& grandchildren = child.value("children", json::array());
        bool running = grandchildren.size() == children;
        for (const auto& grandchild : grandchildren) {
          running = running && grandchild.value("state", "") == "running";
        }
        if (running) return tree;
      }
    }
  }

  FakeLlmServer fake_;
  DaemonFixture daemon_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

TEST_F(LlmDaemonTest, BackupServicesStatusAndMetricsHaveTheDocumentedShape) {
  Start(true);
  auto status = get_json("/api/backup-services-status");
  ASSERT_TRUE(status.is_object()) << status.dump();
  EXPECT_EQ(status.at("enabled"), true);
  const auto& services = status.at("services");
  ASSERT_TRUE(services.is_array());
  std::vector<std::string> names;
  for (const auto& service : services) {
    names.push_back(service.at("name").get<std::string>());
    EXPECT_TRUE(service.at("status").is_string());
    EXPECT_TRUE(service.at("success_rate").is_null() || service.at("success_rate").is_number());
    EXPECT_TRUE(service.at("last_used").is_null() || service.at("last_used").is_string());
    EXPECT_TRUE(service.at("error_count").is_number_unsigned());
    EXPECT_EQ(service.at("status"), "ACTIVE") << service.dump();
  }
  // local is off by default (llm.local.enabled); technical is always last.
  EXPECT_EQ(names,
            (std::vector<std::string>{"gemini", "openai", "anthropic", "together", "technical"}));
  EXPECT_EQ(status.at("total_services"), services.size());
  EXPECT_EQ(status.at("active_services"), 5);

  // The "llm" branch of the tree: one child per provider with a key, and the pool.
  auto tree = tree_when_llm_started(5);
  std::vector<std::string> llm_children;
  for (const auto& child : tree.at("children")) {
    if (child.value("id", "") != "llm") continue;
    for (const auto& grandchild : child.at("children")) {
      llm_children.push_back(grandchild.at("id").get<std::string>());
      EXPECT_EQ(grandchild.at("state"), "running");
    }
  }
  EXPECT_EQ(llm_children,
            (std::vector<std::string>{"gemini", "openai", "anthropic", "together", "pool"}));

  auto metrics = http_get(port_, "/metrics").body;
  for (const char* series : {
           R"(autotrader_llm_requests_total{outcome="success",provider="gemini"} 0)",
           R"(autotrader_llm_requests_total{outcome="overloaded",provider="anthropic"} 0)",
           R"(autotrader_llm_request_duration_seconds_count{provider="openai"} 0)",
           R"(autotrader_llm_tokens_total{kind="input",provider="together"} 0)",
           R"(autotrader_llm_breaker_state{provider="gemini"} 0)",
           R"(autotrader_llm_provider_needs_operator{provider="gemini",reason="auth"} 0)",
           R"(autotrader_llm_analyses_total{result="technical"} 0)",
           R"(autotrader_llm_hedges_total 0)",
       }) {
    EXPECT_NE(metrics.find(series), std::string::npos) << series << "\n" << metrics;
  }
  auto check = promtool_check_metrics(metrics);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  process_->signal(SIGTERM);
  ASSERT_EQ(process_->wait(kStopDeadline), 0) << process_->output();
  expect_no_key_in(process_->output() + data_files(daemon_) + status.dump() + tree.dump() +
                   metrics);
  process_.reset();
  EXPECT_EQ(fake_.requests("gemini"), 0);  // the daemon decides nothing on its own yet
}

TEST_F(LlmDaemonTest, WithoutKeysEveryLlmIsDisabledForWantOfAKey) {
  Start(false);
  auto status = get_json("/api/backup-services-status");
  const auto& services = status.at("services");
  ASSERT_EQ(services.size(), 5u) << status.dump();
  for (const auto& service : services) {
    if (service.at("name") == "technical") {
      EXPECT_EQ(service.at("status"), "ACTIVE");
      continue;
    }
    EXPECT_EQ(service.at("status"), "DISABLED") << service.dump();
    EXPECT_EQ(service.at("reason"), "no_api_key") << service.dump();
  }
  EXPECT_EQ(status.at("active_services"), 1);

  auto metrics = http_get(port_, "/metrics").body;
  EXPECT_NE(metrics.find(R"(autotrader_llm_breaker_state{provider="gemini"} 3)"), std::string::npos)
      << metrics;
  // Only what the pool may call gets a child.
  auto tree = tree_when_llm_started(1);
  for (const auto& child : tree.at("children")) {
    if (child.value("id", "") != "llm") continue;
    ASSERT_EQ(child.at("children").size(), 1u) << child.dump();
    EXPECT_EQ(child.at("children")[0].at("id"), "pool");
  }
}

// ---------------------------------------------------------------------------------------------
// autotrader decide --dry-run FILE

class DecideCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(fake_.port(), 0) << "fake_llm_server did not start";
    daemon_.env["AUTOTRADER_LLM_ANALYSIS_TIMEOUT_SECONDS"] = "20";
    daemon_.write_file("snapshot.json", kSnapshot);
  }

  // Runs decide; the parsed stdout (null when it is not JSON).
  json decide(bool keys, const std::string& file = "snapshot.json") {
    fake_.point_at(daemon_.env, keys);
    result_ = daemon_.run({"decide", "--dry-run", file}, 60s);
    expect_no_key_in(result_.out + result_.err + data_files(daemon_));
    return json::parse(result_.out, nullptr, false);
  }

  std::vector<std::string> attempts(const json& out) {
    std::vector<std::string> list;
    for (const auto& attempt : out.at("attempts")) {
      list.push_back(attempt.at("provider").get<std::string>() + ":" +
                     attempt.at("outcome").get<std::string>());
    }
    return list;
  }

  FakeLlmServer fake_;
  DaemonFixture daemon_;
  CommandResult result_;
};

TEST_F(DecideCommandTest, GeminiAnswersBothTurns) {
  fake_.post("/_fake/script", {{"provider", "gemini"},
                               {"behaviours",
                                {{{"answer", decision("BUY", "first look")},
                                  {"usage", {{"input_tokens", 61}, {"output_tokens", 24}}}},
                                 {{"answer", decision("SELL", "second look")},
                                  {"usage", {{"input_tokens", 93}, {"output_tokens", 31}}}}}}});
  auto out = decide(true);
  ASSERT_EQ(result_.exit_code, 0) << result_.out << result_.err;
  ASSERT_TRUE(out.is_object()) << result_.out;
  EXPECT_EQ(out.at("dry_run"), true);
  EXPECT_EQ(out.at("input").at("symbol"), "BTCUSDT");
  const auto& chosen = out.at("decision");
  EXPECT_EQ(chosen.at("provider"), "gemini");
  EXPECT_EQ(chosen.at("model"), "gemini-2.5-flash");
  EXPECT_EQ(chosen.at("action"), "SELL");
  EXPECT_EQ(chosen.at("reasoning"), "second look");
  const auto& transcript = chosen.at("transcript");
  ASSERT_EQ(transcript.size(), 2u);
  EXPECT_EQ(transcript[0].at("phase"), "initial");
  EXPECT_EQ(transcript[1].at("phase"), "refinement");
  EXPECT_EQ(transcript[0].at("usage").at("input_tokens"), 61);
  EXPECT_EQ(transcript[1].at("usage").at("output_tokens"), 31);
  EXPECT_NE(transcript[1].at("prompt").get<std::string>(), "");
  EXPECT_EQ(attempts(out), (std::vector<std::string>{"gemini:success"}));
  EXPECT_EQ(out.at("deadline_passed"), false);
  EXPECT_EQ(fake_.requests("gemini"), 2);
  EXPECT_EQ(fake_.requests("openai"), 0);
  // The key reached the provider (the fake checks it) without being recorded.
  auto recorded = fake_.get("/_fake/requests?provider=gemini");
  ASSERT_EQ(recorded.at("requests").size(), 2u) << recorded.dump();
  for (const auto& request : recorded.at("requests")) EXPECT_EQ(request.at("auth"), "ok");
}

TEST_F(DecideCommandTest, GeminiFailingOpenAiAnswers) {
  fake_.post("/_fake/default", {{"provider", "gemini"}, {"behaviour", {{"fault", "overloaded"}}}});
  fake_.post("/_fake/default",
             {{"provider", "openai"}, {"behaviour", {{"answer", decision("BUY", "backup")}}}});
  auto out = decide(true);
  ASSERT_EQ(result_.exit_code, 0) << result_.out << result_.err;
  ASSERT_TRUE(out.is_object()) << result_.out;
  EXPECT_EQ(out.at("decision").at("provider"), "openai");
  EXPECT_EQ(out.at("decision").at("action"), "BUY");
  EXPECT_EQ(out.at("decision").at("transcript").size(), 2u);
  EXPECT_EQ(attempts(out), (std::vector<std::string>{"gemini:overloaded", "openai:success"}));
  EXPECT_EQ(out.at("providers").at("services")[0].at("error_count"), 1);
  EXPECT_EQ(fake_.requests("gemini"), 1);
  EXPECT_EQ(fake_.requests("openai"), 2);
}

TEST_F(DecideCommandTest, WithoutKeysTheTechnicalProviderAnswers) {
  auto out = decide(false);
  ASSERT_EQ(result_.exit_code, 0) << result_.out << result_.err;
  ASSERT_TRUE(out.is_object()) << result_.out;
  EXPECT_EQ(out.at("decision").at("provider"), "technical");
  EXPECT_EQ(out.at("decision").at("action"), "BUY");  // oversold in an up-trend, volume
  EXPECT_EQ(attempts(out), (std::vector<std::string>{"technical:success"}));
  for (const auto& service : out.at("providers").at("services")) {
    if (service.at("name") == "technical") continue;
    EXPECT_EQ(service.at("reason"), "no_api_key") << service.dump();
  }
  for (const char* provider : {"gemini", "openai", "anthropic", "together"}) {
    EXPECT_EQ(fake_.requests(provider), 0) << provider;
  }
}

TEST_F(DecideCommandTest, AnInvalidSnapshotExits65WithAClearMessage) {
  daemon_.write_file("bad-rsi.json", R"({"symbol":"BTCUSDT","price":65000,"rsi":140})");
  decide(true, "bad-rsi.json");
  EXPECT_EQ(result_.exit_code, 65) << result_.out << result_.err;
  EXPECT_NE(result_.err.find("autotrader: decide: snapshot: rsi: 140"), std::string::npos)
      << result_.err;
  EXPECT_NE(result_.err.find("is outside [0, 100]"), std::string::npos) << result_.err;
  EXPECT_EQ(result_.out, "");

  daemon_.write_file("broken.json", R"({"symbol":"BTCUSDT","price":)");
  decide(true, "broken.json");
  EXPECT_EQ(result_.exit_code, 65) << result_.err;
  EXPECT_NE(result_.err.find("snapshot"), std::string::npos) << result_.err;

  decide(true, "missing.json");
  EXPECT_EQ(result_.exit_code, 65) << result_.err;
  EXPECT_NE(result_.err.find("cannot open"), std::string::npos) << result_.err;
  EXPECT_EQ(fake_.requests("gemini"), 0);  // nothing was asked
}

}  // namespace
}  // namespace autotrader::test
