#pragma once
// The daemon's operator endpoint: a small HTTP/1.1 server (plain TCP, loopback by default) for
// /healthz, /metrics and /api/... . It runs on its own I/O thread; handlers get a Responder that
// they may call later from any thread, so that actors can answer asynchronously.
//
// Robustness: malformed requests get 400, oversized headers 431, oversized bodies 413; a request
// that does not arrive, is not answered or is not written within request_timeout is closed (408
// for a partial request, 504 for a handler that never answered); connections beyond
// max_connections get 503. Every such path is counted (see net/http_metrics.hpp).
//
// The Asio/Beast implementation is in http_server.cpp and http_session.cpp: this header pulls in
// no Boost.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/errc.hpp"
#include "net/http_message.hpp"

namespace prometheus {
class Registry;
}
namespace spdlog {
class logger;
}
namespace autotrader::core {
class Clock;
}

namespace autotrader::net {

struct HttpServerOptions {
  std::string bind_address = "127.0.0.1";  // an IPv4 or IPv6 literal
  std::uint16_t port = 5000;               // 0: the OS chooses (see HttpServer::port())
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16384;  // request line and header fields together
  // Bounds each of: receiving one request (from the first byte, or from the end of the previous
  // response on a kept-alive connection), the handler's answer, and writing the response.
  std::chrono::milliseconds request_timeout{10'000};
  std::size_t max_connections = 64;
};

// Thread-safety: start(), stop() and port() may be called from any thread (not from a handler:
// stop() joins the I/O thread). Routes are registered before start().
class HttpServer {
 public:
  // `metrics` receives the autotrader_http_* instruments (a private registry when null); `log`
  // defaults to a clone of spdlog's default logger named "http"; `clock` (the request duration)
  // defaults to the system clock.
  HttpServer(HttpServerOptions options, std::shared_ptr<prometheus::Registry> metrics,
             std::shared_ptr<spdlog::logger> log = nullptr,
             std::shared_ptr<const core::Clock> clock = nullptr);
  ~HttpServer();  // calls stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Exact path match on the decoded path; a GET route also answers HEAD (without the body).
  // Ignored, with an error log, while the server runs.
  void route(std::string method, std::string path, Handler handler);

  // Binds, listens and starts the I/O thread. Never throws: a failure comes back as a value with
  // a message such as "127.0.0.1:5000 is already in use".
  Result start();

  // The bound port (the OS's choice when options.port was 0); 0 when not running.
  std::uint16_t port() const;

  // Closes the listener and every connection (requests in flight get no answer; their
  // responders become no-ops) and joins the I/O thread. Idempotent; start() may follow.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Binds and releases `address:port`, returning the message start() would give on failure, so the
// daemon can fail fast with one line before starting anything. nullopt when the bind works.
std::optional<std::string> probe_bind(const std::string& address, std::uint16_t port);

}  // namespace autotrader::net
