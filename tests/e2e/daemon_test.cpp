// The daemon end to end: the real process serves /healthz, /metrics and /api/supervision, stops
// in order on SIGTERM with exit code 0, and never prints a secret.
#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/daemon_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::test {
namespace {

constexpr const char* kSecret = "gemini-sentinel-7f3a9c1e5d";

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_.env["AUTOTRADER_HTTP_PORT"] = "0";
    daemon_.env["AUTOTRADER_LOG_LEVEL"] = "trace";
    daemon_.env["GEMINI_API_KEY"] = kSecret;
    daemon_.write_file(".env", std::string{"OPENAI_API_KEY=openai-sentinel-0b8d2e4f\n"});
    Start();
  }

  // Subclasses add environment first.
  void Start() {
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

  DaemonFixture daemon_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> process_;
};

TEST_F(DaemonTest, HealthzAnswersOk) {
  auto res = http_get(port_, "/healthz");
  ASSERT_TRUE(res.ok()) << res.error;
  EXPECT_EQ(res.status, 200);
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body.at("status"), "ok");
  EXPECT_EQ(body.at("version"), "0.1.0");
}

TEST_F(DaemonTest, MetricsPassPromtoolAndCarryTheSupervisionSeries) {
  auto res = http_get(port_, "/metrics");
  ASSERT_EQ(res.status, 200) << res.error;
  EXPECT_EQ(res.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  auto check = promtool_check_metrics(res.body);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(res.body.find(R"(autotrader_supervisor_child_up{child="http",supervisor="root"} 1)"),
            std::string::npos)
      << res.body;
  EXPECT_NE(
      res.body.find(R"(autotrader_supervisor_restarts_total{child="http",supervisor="root"} 0)"),
      std::string::npos);
  EXPECT_NE(res.body.find(R"(autotrader_supervisor_escalations_total{supervisor="root"} 0)"),
            std::string::npos);
  EXPECT_NE(res.body.find(R"(autotrader_build_info{version="0.1.0"} 1)"), std::string::npos);
}

// True once the root and both branches report every child running.
bool all_running(const nlohmann::json& node) {
  if (node.contains("state") && node.at("state") != "running") return false;
  if (!node.contains("children")) return true;
  for (const auto& child : node.at("children")) {
    if (!all_running(child)) return false;
  }
  return true;
}

TEST_F(DaemonTest, SupervisionTreeShowsTheLiveChildren) {
  // The HTTP server is the first child, so it answers before the branches after it have
  // started: ask until the whole tree is up (or the deadline passes and the checks below say
  // what is missing).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  nlohmann::json tree;
  for (;;) {
    auto res = http_get(port_, "/api/supervision");
    ASSERT_EQ(res.status, 200) << res.error;
    tree = nlohmann::json::parse(res.body);
    const auto count = [](const nlohmann::json& node) {
      return node.contains("children") ? node.at("children").size() : 0;
    };
    const auto& children = tree.at("children");
    const bool complete = children.size() == 5 && count(children.at(1)) == 1 &&
                          count(children.at(2)) == 3 && count(children.at(3)) == 3 &&
                          all_running(tree);
    if (complete || std::chrono::steady_clock::now() > deadline) break;
  }
  EXPECT_EQ(tree.at("id"), "root");
  EXPECT_EQ(tree.at("strategy"), "one_for_one");
  ASSERT_EQ(tree.at("children").size(), 5u);
  const auto& http = tree.at("children").at(0);
  EXPECT_EQ(http.at("id"), "http");
  EXPECT_EQ(http.at("state"), "running");
  EXPECT_EQ(http.at("restart_count"), 0);
  EXPECT_TRUE(http.at("last_exit_reason").is_string());
  EXPECT_GE(http.at("uptime_seconds").get<double>(), 0.0);
  const auto& market = tree.at("children").at(1);
  EXPECT_EQ(market.at("id"), "market");
  EXPECT_EQ(market.at("state"), "running");
  EXPECT_EQ(market.at("strategy"), "one_for_one");
  ASSERT_EQ(market.at("children").size(), 1u);
  EXPECT_EQ(market.at("children").at(0).at("id"), "sim");
  EXPECT_EQ(market.at("children").at(0).at("state"), "running");
  // The AI-provider branch: a child per provider with a key (this test sets Gemini's and
  // OpenAI's), then the pool.
  const auto& llm = tree.at("children").at(2);
  EXPECT_EQ(llm.at("id"), "llm");
  EXPECT_EQ(llm.at("state"), "running");
  std::vector<std::string> ids;
  for (const auto& child : llm.at("children")) {
    ids.push_back(child.at("id"));
    EXPECT_EQ(child.at("state"), "running") << child.at("id");
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"gemini", "openai", "pool"}));
  // The trading branch: storage before the executor and the trader (rest_for_one), then the
  // health monitor.
  const auto& trading = tree.at("children").at(3);
  EXPECT_EQ(trading.at("id"), "trading");
  EXPECT_EQ(trading.at("strategy"), "rest_for_one");
  ids.clear();
  for (const auto& child : trading.at("children")) {
    ids.push_back(child.at("id"));
    EXPECT_EQ(child.at("state"), "running") << child.at("id");
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"storage", "executor", "trader"}));
  EXPECT_EQ(tree.at("children").at(4).at("id"), "health");
  EXPECT_EQ(tree.at("children").at(4).at("state"), "running");
}

// The built-in simulated market delivers within seconds of start (a 1m candle every 100 ms by
// default): the feed's metrics show recent messages for every configured symbol.
TEST_F(DaemonTest, SimulatedMarketDeliversWithinSeconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  std::string metrics;
  bool all = false;
  while (!all && std::chrono::steady_clock::now() < deadline) {
    metrics = http_get(port_, "/metrics").body;
    all = true;
    for (const char* symbol : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) {
      const std::string series =
          std::string{"autotrader_feed_last_message_timestamp_seconds{symbol=\""} + symbol +
          "\",venue=\"sim\"} ";
      const auto at = metrics.find(series);
      all = all && at != std::string::npos && metrics.compare(at + series.size(), 2, "0\n") != 0;
    }
  }
  EXPECT_TRUE(all) << metrics;
  EXPECT_NE(metrics.find(R"(autotrader_feed_stale{symbol="BTCUSDT",venue="sim"} 0)"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(autotrader_supervisor_child_up{child="sim",supervisor="market"} 1)"),
            std::string::npos);
}

TEST_F(DaemonTest, UnknownPathsAndBadRequestsGetJsonErrorsNotACrash) {
  auto missing = http_get(port_, "/no/such/path");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body).at("error"), "not found");
  auto garbage = raw_exchange(port_, "\x01\x02 not http at all\r\n\r\n", std::chrono::seconds{5});
  EXPECT_NE(garbage.received.find("400"), std::string::npos) << garbage.received;
  auto huge = raw_exchange(
      port_, "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(70'000, 'a') + "\r\n\r\n",
      std::chrono::seconds{5});
  EXPECT_NE(huge.received.find("431"), std::string::npos) << huge.received.substr(0, 200);
  EXPECT_EQ(http_get(port_, "/healthz").status, 200);  // still serving
}

TEST_F(DaemonTest, SigtermStopsInOrderWithExitCodeZero) {
  process_->signal(SIGTERM);
  auto code = process_->wait(kStopDeadline);
  ASSERT_TRUE(code.has_value()) << "daemon did not stop within the deadline";
  EXPECT_EQ(*code, 0) << process_->output();
  EXPECT_NE(process_->output().find("root/http stopped"), std::string::npos) << process_->output();
  EXPECT_NE(process_->output().find("stopped in order"), std::string::npos);
  process_.reset();
}

// A child crashes twice (an armed fault point) with an error text that contains an API key, as
// a venue's or provider's error message might: the daemon restarts it, and the key appears in
// no log line, console line or API answer — where it was, "[redacted]" stands.
class DaemonFaultTest : public DaemonTest {
 protected:
  void SetUp() override {
    daemon_.env["AUTOTRADER_HTTP_PORT"] = "0";
    daemon_.env["GEMINI_API_KEY"] = kSecret;
    daemon_.env["AUTOTRADER_SUPERVISION_BACKOFF_MIN_SECONDS"] = "0.01";
    daemon_.env["AUTOTRADER_FAULTS"] =
        std::string{"http.start=throw:upstream refused key "} + kSecret + "*2";
    Start();
  }
};

TEST_F(DaemonFaultTest, CrashedChildIsRestartedAndSecretsNeverLeave) {
  auto tree = nlohmann::json::parse(http_get(port_, "/api/supervision").body);
  const auto& http = tree.at("children").at(0);
  EXPECT_EQ(http.at("state"), "running");
  EXPECT_EQ(http.at("restart_count"), 2);
  auto reason = http.at("last_exit_reason").get<std::string>();
  EXPECT_NE(reason.find("upstream refused key [redacted]"), std::string::npos) << reason;

  auto metrics = http_get(port_, "/metrics").body;
  EXPECT_NE(
      metrics.find(R"(autotrader_supervisor_restarts_total{child="http",supervisor="root"} 2)"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(autotrader_fault_injections_total{point="http.start"} 2)"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(promtool_check_metrics(metrics).exit_code, 0);

  process_->signal(SIGTERM);
  ASSERT_EQ(process_->wait(kStopDeadline), 0) << process_->output();
  auto log = daemon_.read_file("data/logs/autotrader.log");
  EXPECT_NE(log.find("root/http exited abnormally"), std::string::npos) << log;
  std::string everything = process_->output() + log + tree.dump() + metrics;
  EXPECT_NE(everything.find("upstream refused key [redacted]"), std::string::npos);
  EXPECT_EQ(everything.find(kSecret), std::string::npos) << everything;
  process_.reset();
}

TEST_F(DaemonTest, SecretsFromEnvironmentAndDotenvNeverAppear) {
  std::string api = http_get(port_, "/healthz").body + http_get(port_, "/metrics").body +
                    http_get(port_, "/api/supervision").body;
  process_->signal(SIGTERM);
  ASSERT_EQ(process_->wait(kStopDeadline), 0);
  std::string everything = process_->output() + daemon_.read_file("data/logs/autotrader.log") + api;
  EXPECT_EQ(everything.find(kSecret), std::string::npos);
  EXPECT_EQ(everything.find("openai-sentinel-0b8d2e4f"), std::string::npos);
  process_.reset();
}

}  // namespace
}  // namespace autotrader::test
