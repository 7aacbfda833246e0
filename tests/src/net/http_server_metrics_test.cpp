// The autotrader_http_* metrics of a live server: values, bounded labels, and an exposition that
// passes `promtool check metrics` (promtool is a test dependency: scripts/install-deps --test).
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/metrics_endpoint.hpp"
#include "tests/src/net/http_server_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace autotrader::net {
namespace {

using namespace std::chrono_literals;
using test::http_get;
using testing::TestServer;

struct CommandOutput {
  int exit_code = -1;
  std::string output;
};

// Runs `command` through the shell with `input` on its standard input.
CommandOutput run_with_input(const std::string& command, const std::string& input) {
  const std::string path = ::testing::TempDir() + "metrics_exposition.txt";
  std::ofstream{path} << input;
  CommandOutput result;
  FILE* pipe = ::popen((command + " < '" + path + "' 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char chunk[512];
  while (const std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe))
    result.output.append(chunk, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::remove(path.c_str());
  return result;
}

TEST(HttpServerMetricsTest, KnownSeriesExportZeroBeforeAnyTraffic) {
  TestServer server;
  server.server->route("GET", "/healthz", [](const HttpRequest&, Responder) {});
  ASSERT_TRUE(server.start());
  for (const char* reason : {"bad_request", "header_too_large", "body_too_large", "timeout",
                             "too_many_connections", "handler_error", "internal_error"}) {
    EXPECT_EQ(server.rejected(reason), 0) << reason;
  }
  EXPECT_EQ(server.metric("autotrader_http_request_duration_seconds_count{route=\"/healthz\"}"), 0);
  EXPECT_EQ(server.metric("autotrader_http_request_duration_seconds_count{route=\"unmatched\"}"),
            0);
  EXPECT_EQ(server.requests("unmatched", 404), 0);
  EXPECT_EQ(server.metric("autotrader_http_open_connections"), 0);
  EXPECT_EQ(server.metric("autotrader_http_late_responses_total"), 0);
  EXPECT_EQ(server.metric("autotrader_http_accept_errors_total"), 0);
}

TEST(HttpServerMetricsTest, RouteLabelsStayBounded) {
  TestServer server;
  server.server->route("GET", "/healthz", [](const HttpRequest&, Responder respond) {
    respond(HttpResponse::json(200, {}));
  });
  ASSERT_TRUE(server.start());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(http_get(server.port(), "/probe/" + std::to_string(i)).status, 404);
  }
  EXPECT_EQ(http_get(server.port(), "/healthz").status, 200);

  EXPECT_EQ(server.requests("unmatched", 404), 20);
  EXPECT_EQ(server.requests("/healthz", 200), 1);
  EXPECT_EQ(server.metric("autotrader_http_request_duration_seconds_count{route=\"/healthz\"}"), 1);
  EXPECT_EQ(serialize_metrics(*server.registry).find("/probe/"), std::string::npos);
}

TEST(HttpServerMetricsTest, ExpositionAfterTrafficPassesPromtool) {
  auto options = testing::loopback_options();
  options.max_body_bytes = 16;
  TestServer server{options};
  server.server->route("GET", "/metrics", metrics_handler(server.registry));
  server.server->route("POST", "/api/orders", [](const HttpRequest&, Responder respond) {
    respond(HttpResponse::json(201, {{"id", 1}}));
  });
  server.server->route("GET", "/api/boom",
                       [](const HttpRequest&, Responder) { throw std::logic_error{"bug"}; });
  ASSERT_TRUE(server.start());

  EXPECT_EQ(test::http_request(server.port(), "POST", "/api/orders", "{}").status, 201);
  EXPECT_EQ(test::http_request(server.port(), "POST", "/api/orders", std::string(64, 'x')).status,
            413);
  EXPECT_EQ(http_get(server.port(), "/api/boom").status, 500);
  EXPECT_EQ(http_get(server.port(), "/nope").status, 404);
  EXPECT_EQ(test::http_request(server.port(), "PUT", "/metrics").status, 405);
  test::raw_exchange(server.port(), "BAD\r\n\r\n", 5s);

  const auto scraped = http_get(server.port(), "/metrics");
  ASSERT_EQ(scraped.status, 200);
  EXPECT_NE(
      scraped.body.find("autotrader_http_requests_total{code=\"201\",route=\"/api/orders\"} 1"),
      std::string::npos)
      << scraped.body;
  EXPECT_NE(
      scraped.body.find("autotrader_http_rejected_requests_total{reason=\"body_too_large\"} 1"),
      std::string::npos);

  const auto checked = run_with_input("promtool check metrics", scraped.body);
  EXPECT_EQ(checked.exit_code, 0) << "promtool missing or the exposition has problems:\n"
                                  << checked.output << "\n---\n"
                                  << scraped.body;
}

}  // namespace
}  // namespace autotrader::net
