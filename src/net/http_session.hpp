#pragma once
// Internal to autotrader::net (http_server.cpp and http_session.cpp): what one run of an
// HttpServer shares with its connections. Includes Asio but not Beast, so that only
// http_session.cpp pays for Beast's HTTP parser and serializer.
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/http_metrics.hpp"
#include "net/http_server.hpp"
#include "net/router.hpp"

namespace autotrader::net::detail {

using tcp = boost::asio::ip::tcp;

// What sessions read while the server runs: fixed between start() and stop().
struct ServerContext {
  HttpServerOptions options;
  Router router;
  std::shared_ptr<HttpMetrics> metrics;
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<const core::Clock> clock;
};

// Guards posting to the I/O thread from foreign threads: responders post only while the gate is
// open, and stop() closes it before the io_context goes away.
struct Gate {
  std::mutex mutex;
  bool open = true;
};

class Session;

// Everything one run (start() to stop()) owns. Members are destroyed in reverse order: the
// io_context, and with it any session still referenced by a queued handler, goes before the
// session registry those sessions unregister from.
struct Runtime {
  void unregister(Session* session, bool rejecting) {
    std::lock_guard lock{sessions_mutex};
    sessions.erase(session);
    --(rejecting ? rejecting_count : serving_count);
  }

  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::size_t serving_count = 0;    // sessions counted against max_connections
  std::size_t rejecting_count = 0;  // sessions only sending the 503
  std::shared_ptr<Gate> gate = std::make_shared<Gate>();
  boost::asio::io_context io{1};
  tcp::acceptor acceptor{io};
  boost::asio::steady_timer accept_retry{io};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::thread thread;
};

// Serves an accepted connection (already counted in `runtime`), or when `reject` answers it 503
// and closes it. The session registers itself in `runtime` and runs on the socket's strand.
void start_session(tcp::socket socket, const ServerContext& context, Runtime& runtime, bool reject);

// Closes a session's connection from any thread; its pending operations end and release it.
void close_session(const std::shared_ptr<Session>& session);

}  // namespace autotrader::net::detail
