// HttpServer's lifecycle: listening, accepting (and counting) connections, the I/O thread, and
// stop(). The connections themselves are in http_session.cpp.
#include "net/http_server.hpp"

#include <atomic>
#include <cassert>
#include <vector>

#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "core/clock.hpp"
#include "net/bind_error.hpp"
#include "net/http_session.hpp"

namespace autotrader::net {
namespace {

namespace asio = boost::asio;
using detail::tcp;
using error_code = boost::system::error_code;

// Back-off after accept() fails (e.g. out of descriptors), so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetry{50};

Result listen_on(tcp::acceptor& acceptor, const std::string& address, std::uint16_t port) {
  error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return invalid_address(address);
  const tcp::endpoint endpoint{ip, port};
  acceptor.open(endpoint.protocol(), ec);
  // Lets a restarted daemon bind while old connections sit in TIME_WAIT. On Linux it does not
  // let two listeners share a port (that is SO_REUSEPORT).
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    const bool is_errno = ec.category() == boost::system::system_category() ||
                          ec.category() == boost::system::generic_category();
    return bind_failure(address, port, is_errno ? ec.value() : 0, ec.message());
  }
  return {};
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, std::shared_ptr<prometheus::Registry> registry,
       std::shared_ptr<spdlog::logger> log, std::shared_ptr<const core::Clock> clock) {
    context_.options = std::move(options);
    context_.metrics = std::make_shared<HttpMetrics>(
        registry ? std::move(registry) : std::make_shared<prometheus::Registry>());
    context_.log = log ? std::move(log) : spdlog::default_logger()->clone("http");
    context_.clock = clock ? std::move(clock) : std::make_shared<core::SystemClock>();
  }

  void route(std::string method, std::string path, Handler handler);
  Result start();
  void stop();
  std::uint16_t port() const { return port_.load(); }

 private:
  void accept(detail::Runtime& runtime);
  void on_accept(detail::Runtime& runtime, const error_code& ec, tcp::socket socket);
  void close_all(detail::Runtime& runtime);

  detail::ServerContext context_;  // written only while no run is active
  mutable std::mutex lifecycle_mutex_;
  std::unique_ptr<detail::Runtime> runtime_;
  std::atomic<std::uint16_t> port_{0};
};

void HttpServer::Impl::route(std::string method, std::string path, Handler handler) {
  std::lock_guard lock{lifecycle_mutex_};
  if (runtime_) {
    context_.log->error("route {} {} registered while the server runs: ignored", method, path);
    assert(false && "HttpServer::route() after start()");
    return;
  }
  context_.router.add(std::move(method), std::move(path), std::move(handler));
}

Result HttpServer::Impl::start() {
  std::lock_guard lock{lifecycle_mutex_};
  const HttpServerOptions& options = context_.options;
  if (runtime_) {
    return Result::failure(errc::already_running,
                           "already listening on " + host_port(options.bind_address, port_));
  }
  if (options.max_connections == 0 || options.request_timeout.count() <= 0 ||
      options.max_header_bytes == 0) {
    return Result::failure(errc::invalid_options,
                           "max_connections, request_timeout and max_header_bytes must be > 0");
  }
  auto runtime = std::make_unique<detail::Runtime>();
  if (Result listening = listen_on(runtime->acceptor, options.bind_address, options.port);
      !listening.ok()) {
    context_.log->error("cannot start the HTTP server: {}", listening.message());
    return listening;
  }
  error_code ec;
  port_ = runtime->acceptor.local_endpoint(ec).port();
  for (const auto& path : context_.router.paths()) context_.metrics->preregister_route(path);
  runtime->work.emplace(runtime->io.get_executor());
  accept(*runtime);
  runtime->thread = std::thread{[this, &runtime = *runtime] {
    for (;;) {
      try {
        runtime.io.run();
        return;
      } catch (const std::exception& e) {
        // run() may continue after a handler threw; the connection whose handler threw lost its
        // last reference with the handler and is closed.
        context_.metrics->rejected(RejectReason::internal_error);
        context_.log->error("exception escaped to the HTTP I/O loop: {}", e.what());
      }
    }
  }};
  runtime_ = std::move(runtime);
  context_.log->info("HTTP server listening on {}", host_port(options.bind_address, port_));
  return {};
}

void HttpServer::Impl::accept(detail::Runtime& runtime) {
  runtime.acceptor.async_accept(asio::make_strand(runtime.io),
                                [this, &runtime](const error_code& ec, tcp::socket socket) {
                                  on_accept(runtime, ec, std::move(socket));
                                });
}

void HttpServer::Impl::on_accept(detail::Runtime& runtime, const error_code& ec,
                                 tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !runtime.acceptor.is_open()) return;
  if (ec) {
    context_.metrics->accept_error();
    context_.log->warn("accept failed: {}", ec.message());
    runtime.accept_retry.expires_after(kAcceptRetry);
    runtime.accept_retry.async_wait([this, &runtime](const error_code& wait_ec) {
      if (!wait_ec) accept(runtime);
    });
    return;
  }
  bool reject = false;
  {
    std::lock_guard lock{runtime.sessions_mutex};
    reject = runtime.serving_count >= context_.options.max_connections;
    // Refusals hold memory too: past this many at once, close without a word.
    if (reject && runtime.rejecting_count >= context_.options.max_connections) {
      context_.metrics->rejected(RejectReason::too_many_connections);
      accept(runtime);
      return;  // `socket` closes here
    }
    ++(reject ? runtime.rejecting_count : runtime.serving_count);
  }
  if (!reject) context_.metrics->connection_opened();
  detail::start_session(std::move(socket), context_, runtime, reject);
  accept(runtime);
}

void HttpServer::Impl::close_all(detail::Runtime& runtime) {
  error_code ignored;
  runtime.acceptor.close(ignored);
  runtime.accept_retry.cancel();
  std::vector<std::shared_ptr<detail::Session>> sessions;
  {
    std::lock_guard lock{runtime.sessions_mutex};
    for (const auto& entry : runtime.sessions) {
      if (auto session = entry.second.lock()) sessions.push_back(std::move(session));
    }
  }
  for (const auto& session : sessions) detail::close_session(session);
}

void HttpServer::Impl::stop() {
  std::lock_guard lock{lifecycle_mutex_};
  if (!runtime_) return;
  assert(std::this_thread::get_id() != runtime_->thread.get_id() &&
         "HttpServer::stop() from a handler would join its own thread");
  {
    std::lock_guard gate_lock{runtime_->gate->mutex};
    runtime_->gate->open = false;
  }
  asio::post(runtime_->io, [this, &runtime = *runtime_] { close_all(runtime); });
  runtime_->work.reset();
  runtime_->thread.join();
  runtime_.reset();
  port_ = 0;
  context_.log->info("HTTP server stopped");
}

HttpServer::HttpServer(HttpServerOptions options, std::shared_ptr<prometheus::Registry> metrics,
                       std::shared_ptr<spdlog::logger> log,
                       std::shared_ptr<const core::Clock> clock)
    : impl_{std::make_unique<Impl>(std::move(options), std::move(metrics), std::move(log),
                                   std::move(clock))} {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::route(std::string method, std::string path, Handler handler) {
  impl_->route(std::move(method), std::move(path), std::move(handler));
}

Result HttpServer::start() {
  return impl_->start();
}

std::uint16_t HttpServer::port() const {
  return impl_->port();
}

void HttpServer::stop() {
  impl_->stop();
}

std::optional<std::string> probe_bind(const std::string& address, std::uint16_t port) {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  Result result = listen_on(acceptor, address, port);
  if (result.ok()) return std::nullopt;
  return result.message();
}

}  // namespace autotrader::net
