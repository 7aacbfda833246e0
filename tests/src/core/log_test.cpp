#include "core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "core/secret.hpp"

namespace autotrader::core::log {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("autotrader-log-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    shutdown();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  LogOptions options(Level level = Level::info) const {
    LogOptions o;
    o.level = level;
    o.console = false;
    o.data_dir = dir_;
    return o;
  }

  std::string read_log() const {
    std::ifstream in{log_file_path(dir_)};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

TEST_F(LogTest, RedactAppliesTheRegisteredSecretsToAnyText) {
  register_secret("api-token-5d1e0c7b");
  EXPECT_EQ(redact("exit: auth failed for api-token-5d1e0c7b (x)"),
            "exit: auth failed for [redacted] (x)");
  EXPECT_EQ(redact("nothing secret here"), "nothing secret here");
}

TEST_F(LogTest, RedactsRegisteredSecretInFile) {
  ASSERT_FALSE(init(options()).has_value());
  register_secret("sk-live-0123456789");
  get("http")->info("sending Authorization: Bearer {}", "sk-live-0123456789");
  get("http")->info("secret in the middle:sk-live-0123456789:end");
  shutdown();
  const auto text = read_log();
  EXPECT_EQ(text.find("sk-live-0123456789"), std::string::npos) << text;
  EXPECT_NE(text.find("[http] "), std::string::npos) << text;
  EXPECT_NE(text.find("Bearer [redacted]"), std::string::npos) << text;
  EXPECT_NE(text.find("middle:[redacted]:end"), std::string::npos) << text;
}

TEST_F(LogTest, WarningsReachTheFileAtOnceWithoutShutdown) {
  ASSERT_FALSE(init(options()).has_value());
  get("supervision")->info("routine line");
  get("supervision")->warn("child exited abnormally");
  // No shutdown(): a process killed right now must still have its warning (and what the
  // sink held before it) on disk.
  const auto text = read_log();
  EXPECT_NE(text.find("routine line"), std::string::npos) << text;
  EXPECT_NE(text.find("child exited abnormally"), std::string::npos) << text;
}

TEST_F(LogTest, DefaultSpdlogLoggerIsRedactedToo) {
  register_secret("default-logger-secret");
  ASSERT_FALSE(init(options()).has_value());
  spdlog::info("direct call with default-logger-secret");
  shutdown();
  const auto text = read_log();
  EXPECT_NE(text.find("direct call with [redacted]"), std::string::npos) << text;
  EXPECT_EQ(text.find("default-logger-secret"), std::string::npos) << text;
}

TEST_F(LogTest, ShortSecretValuesAreIgnored) {
  ASSERT_FALSE(init(options()).has_value());
  register_secret("abc");
  get("app")->info("abc stays");
  shutdown();
  EXPECT_NE(read_log().find("abc stays"), std::string::npos);
}

TEST_F(LogTest, SecretTypePrintsRedacted) {
  ASSERT_FALSE(init(options()).has_value());
  get("app")->info("token {}", Secret{"unregistered-value"});
  shutdown();
  const auto text = read_log();
  EXPECT_NE(text.find("token [redacted]"), std::string::npos) << text;
  EXPECT_EQ(text.find("unregistered-value"), std::string::npos) << text;
}

TEST_F(LogTest, NamedLoggersShareSinks) {
  ASSERT_FALSE(init(options()).has_value());
  const auto app = get("app");
  const auto supervision = get("supervision");
  EXPECT_EQ(app, get("app"));
  EXPECT_NE(app, supervision);
  EXPECT_EQ(app->name(), "app");
  EXPECT_EQ(app->sinks(), supervision->sinks());
  app->info("from app");
  supervision->info("from supervision");
  shutdown();
  const auto text = read_log();
  EXPECT_NE(text.find("[app] [t"), std::string::npos) << text;
  EXPECT_NE(text.find("from app"), std::string::npos) << text;
  EXPECT_NE(text.find("[supervision] [t"), std::string::npos) << text;
  EXPECT_NE(text.find("from supervision"), std::string::npos) << text;
}

TEST_F(LogTest, LoggerCreatedBeforeInitFollowsIt) {
  const auto early = get("early");
  ASSERT_FALSE(init(options(Level::debug)).has_value());
  early->debug("debug after init");
  shutdown();
  EXPECT_NE(read_log().find("debug after init"), std::string::npos);
}

TEST_F(LogTest, LevelFiltersLines) {
  ASSERT_FALSE(init(options(Level::warn)).has_value());
  const auto logger = get("app");
  logger->info("dropped info");
  logger->debug("dropped debug");
  logger->warn("kept warn");
  logger->error("kept error");
  shutdown();
  const auto text = read_log();
  EXPECT_EQ(text.find("dropped"), std::string::npos) << text;
  EXPECT_NE(text.find("warning [app]"), std::string::npos) << text;
  EXPECT_NE(text.find("kept warn"), std::string::npos) << text;
  EXPECT_NE(text.find("kept error"), std::string::npos) << text;
}

TEST_F(LogTest, LevelOffWritesNothing) {
  ASSERT_FALSE(init(options(Level::off)).has_value());
  get("app")->critical("not even this");
  shutdown();
  EXPECT_EQ(read_log(), "");
}

TEST_F(LogTest, FileInTheWayOfLogDirectoryIsAnError) {
  std::ofstream{dir_ / "logs"} << "not a directory";
  const auto error = init(options());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->path, dir_ / "logs");
  EXPECT_NE(error->message.find((dir_ / "logs").string()), std::string::npos) << error->message;
}

TEST_F(LogTest, FileInTheWayOfDataDirectoryIsAnError) {
  std::ofstream{dir_ / "data"} << "not a directory";
  auto o = options();
  o.data_dir = dir_ / "data";
  const auto error = init(o);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->message.find((dir_ / "data" / "logs").string()), std::string::npos)
      << error->message;
}

TEST_F(LogTest, DirectoryInTheWayOfLogFileIsAnError) {
  fs::create_directories(log_file_path(dir_));
  const auto error = init(options());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->path, log_file_path(dir_));
  EXPECT_NE(error->message.find(log_file_path(dir_).string()), std::string::npos) << error->message;
}

TEST_F(LogTest, FailedInitKeepsWorkingSinks) {
  ASSERT_FALSE(init(options()).has_value());
  auto broken = options();
  broken.data_dir = dir_ / "blocked";
  std::ofstream{dir_ / "blocked"} << "file";
  ASSERT_TRUE(init(broken).has_value());
  get("app")->info("still logged");
  shutdown();
  EXPECT_NE(read_log().find("still logged"), std::string::npos);
}

TEST_F(LogTest, RotatesAtMaxBytesKeepingFileCount) {
  auto o = options();
  o.file_max_bytes = 1024;
  o.file_count = 2;
  ASSERT_FALSE(init(o).has_value());
  for (int i = 0; i < 100; ++i) get("app")->info("line {} with some padding to fill", i);
  shutdown();
  EXPECT_TRUE(fs::exists(dir_ / "logs" / "autotrader.log"));
  EXPECT_TRUE(fs::exists(dir_ / "logs" / "autotrader.1.log"));
  EXPECT_FALSE(fs::exists(dir_ / "logs" / "autotrader.2.log"));
}

TEST_F(LogTest, GetIsThreadSafe) {
  ASSERT_FALSE(init(options()).has_value());
  std::vector<std::shared_ptr<spdlog::logger>> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      seen[i] = get("shared");
      seen[i]->info("thread {}", i);
      register_secret("thread-secret-" + std::to_string(i));
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& logger : seen) EXPECT_EQ(logger, seen.front());
}

TEST(LogLevel, NamesRoundTrip) {
  for (const auto name : level_names) {
    const auto level = parse_level(name);
    ASSERT_TRUE(level.has_value()) << name;
    EXPECT_EQ(level_name(*level), name);
  }
  EXPECT_FALSE(parse_level("verbose").has_value());
  EXPECT_FALSE(parse_level("INFO").has_value());
}

}  // namespace
}  // namespace autotrader::core::log
