// Bad input to the real binary: each case gets one clear message and a non-zero exit code, never
// a crash or a stack trace.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/e2e/daemon_fixture.hpp"

namespace autotrader::test {
namespace {

void expect_no_crash_output(const CommandResult& result) {
  auto all = result.out + result.err;
  for (const char* marker : {"terminate called", "Segmentation", "Aborted", "AddressSanitizer",
                             "runtime error:", "what():", "stack"}) {
    EXPECT_EQ(all.find(marker), std::string::npos) << marker << " in:\n" << all;
  }
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(BadInput, UnknownSubcommandIsAUsageError) {
  DaemonFixture daemon;
  auto result = daemon.run({"trade-everything"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_EQ(result.err, "autotrader: unknown command 'trade-everything' (see autotrader --help)\n");
  expect_no_crash_output(result);
}

TEST(BadInput, HelpAndVersionSucceed) {
  DaemonFixture daemon;
  auto help = daemon.run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("autotrader run"), std::string::npos);
  EXPECT_EQ(daemon.run({"run", "--help"}).exit_code, 0);
  auto version = daemon.run({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "autotrader 0.1.0\n");
}

TEST(BadInput, ConfigCheckAcceptsTheShippedDefaults) {
  DaemonFixture daemon;
  auto result = daemon.run({"config", "check", AUTOTRADER_SOURCE_DIR "/config/autotrader.json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("configuration is valid"), std::string::npos);
}

TEST(BadInput, ConfigCheckPrintsEveryErrorWithItsKeyPath) {
  DaemonFixture daemon;
  daemon.write_file("bad.json", R"({
  "http": {"port": 70000, "bind": "not-an-address"},
  "log": {"level": "loud"},
  "supervison": {}
})");
  auto result = daemon.run({"config", "check", "bad.json"});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_NE(result.err.find("http.port"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("http.bind"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("log.level"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("supervison"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("bad.json: 4 error(s)"), std::string::npos) << result.err;
  expect_no_crash_output(result);
}

TEST(BadInput, DaemonRefusesABadConfigNamingTheKey) {
  DaemonFixture daemon;
  daemon.write_file("bad.json", R"({"supervision": {"backoff_random_factor": 2}})");
  auto result = daemon.run({"run", "--config", "bad.json"});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_NE(result.err.find("supervision.backoff_random_factor"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("not starting"), std::string::npos);
  expect_no_crash_output(result);
}

TEST(BadInput, MalformedJsonNamesTheLine) {
  DaemonFixture daemon;
  daemon.write_file("broken.json", "{\n  \"http\": {\"port\": 5000,,}\n}\n");
  auto result = daemon.run({"run", "--config", "broken.json"});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_NE(result.err.find("broken.json:2"), std::string::npos) << result.err;
  expect_no_crash_output(result);
}

TEST(BadInput, BadEnvironmentValueIsRefusedByName) {
  DaemonFixture daemon;
  daemon.env["AUTOTRADER_HTTP_PORT"] = "eighty";
  daemon.env["AUTOTRADER_NO_SUCH_KEY"] = "secret-looking-value-123";
  auto result = daemon.run({"run"});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_NE(result.err.find("AUTOTRADER_HTTP_PORT"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("AUTOTRADER_NO_SUCH_KEY"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("secret-looking-value-123"), std::string::npos) << result.err;
}

TEST(BadInput, PortAlreadyInUse) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  auto port = std::to_string(ntohs(addr.sin_port));

  DaemonFixture daemon;
  daemon.env["AUTOTRADER_HTTP_PORT"] = port;
  auto result = daemon.run({"run"});
  ::close(fd);
  EXPECT_EQ(result.exit_code, 69);
  EXPECT_NE(result.err.find("127.0.0.1:" + port + " is already in use"), std::string::npos)
      << result.err;
  EXPECT_LE(count_lines(result.err), 3u) << result.err;
  expect_no_crash_output(result);
}

TEST(BadInput, IndicatorsPrintsCsvForAKlinesFileAndRefusesAMissingOne) {
  DaemonFixture daemon;
  auto good = daemon.run(
      {"indicators", AUTOTRADER_SOURCE_DIR "/tests/fixtures/klines/BTCUSDT-1m-sample.json"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(good.out.rfind("open_time,close,", 0), 0u) << good.out.substr(0, 200);
  EXPECT_GT(std::count(good.out.begin(), good.out.end(), '\n'), 50);
  auto missing = daemon.run({"indicators", "no-such-file.json"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no-such-file.json"), std::string::npos) << missing.err;
  expect_no_crash_output(missing);
}

TEST(BadInput, MalformedFaultSpecIsAConfigurationError) {
  DaemonFixture daemon;
  daemon.env["AUTOTRADER_FAULTS"] = "http.start=explode";
  auto result = daemon.run({"run"});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_EQ(result.err,
            "autotrader: AUTOTRADER_FAULTS: 'http.start': unknown action 'explode' (throw or "
            "abort)\n");
  expect_no_crash_output(result);
}

TEST(BadInput, UnwritableDataDirectory) {
  DaemonFixture daemon;
  // Root can write anywhere chmod allows nothing, so block the path with a regular file instead.
  daemon.write_file("blocker", "not a directory\n");
  daemon.env["AUTOTRADER_DATA_DIR"] = daemon.path("blocker") + "/data";
  auto result = daemon.run({"run"});
  EXPECT_EQ(result.exit_code, 73);
  EXPECT_NE(result.err.find("data directory"), std::string::npos) << result.err;
  EXPECT_EQ(count_lines(result.err), 1u) << result.err;
  expect_no_crash_output(result);
}

}  // namespace
}  // namespace autotrader::test
