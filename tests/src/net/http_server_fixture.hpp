#pragma once
// Shared set-up of the HttpServer tests: a server on 127.0.0.1 port 0 with its own registry, and
// a reader for single series of its metrics exposition.
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "net/http_server.hpp"
#include "net/metrics_endpoint.hpp"

namespace autotrader::net::testing {

inline HttpServerOptions loopback_options() {
  HttpServerOptions options;
  options.port = 0;
  return options;
}

// The value of one exposed series, e.g.
// `autotrader_http_rejected_requests_total{reason="timeout"}`; -1 when it is not exposed.
inline double metric_value(const prometheus::Registry& registry, const std::string& series) {
  const std::string text = serialize_metrics(registry);
  const std::string prefix = series + " ";
  std::size_t at = 0;
  while ((at = text.find(prefix, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + prefix.size()));
    at += prefix.size();
  }
  return -1;
}

struct TestServer {
  explicit TestServer(HttpServerOptions options = loopback_options(),
                      std::shared_ptr<spdlog::logger> log = nullptr)
      : registry{std::make_shared<prometheus::Registry>()},
        server{std::make_unique<HttpServer>(std::move(options), registry, std::move(log))} {}

  // Starts the server; the test fails (fatally, via the caller's ASSERT) when it cannot.
  ::testing::AssertionResult start() {
    const Result started = server->start();
    if (!started.ok()) return ::testing::AssertionFailure() << started.message();
    return ::testing::AssertionSuccess();
  }
  std::uint16_t port() const { return server->port(); }

  double metric(const std::string& series) const { return metric_value(*registry, series); }
  double rejected(const std::string& reason) const {
    return metric("autotrader_http_rejected_requests_total{reason=\"" + reason + "\"}");
  }
  double requests(const std::string& route, int code) const {
    return metric("autotrader_http_requests_total{code=\"" + std::to_string(code) + "\",route=\"" +
                  route + "\"}");
  }

  std::shared_ptr<prometheus::Registry> registry;
  std::unique_ptr<HttpServer> server;
};

}  // namespace autotrader::net::testing
