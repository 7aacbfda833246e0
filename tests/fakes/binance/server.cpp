#include "tests/fakes/binance/server.hpp"

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/beast/core/detect_ssl.hpp>

#include "tests/fakes/binance/http_session.hpp"
#include "tests/fakes/binance/server_core.hpp"
#include "tests/fakes/binance/ws_session.hpp"

namespace autotrader::fakes::binance {
namespace {

using PlainSession = HttpSession<beast::tcp_stream>;
using TlsSession = HttpSession<beast::ssl_stream<beast::tcp_stream>>;

// Tells TLS from plain HTTP by the first bytes of a connection (a TLS ClientHello starts 0x16).
class Detector : public std::enable_shared_from_this<Detector> {
 public:
  Detector(ServerCore& core, tcp::socket socket) : core_(core), stream_(std::move(socket)) {}

  void run() {
    beast::async_detect_ssl(stream_, buffer_,
                            [self = shared_from_this()](beast::error_code ec, bool tls) {
                              if (ec) return;
                              self->start(tls);
                            });
  }

 private:
  void start(bool tls) {
    if (tls) {
      std::make_shared<TlsSession>(
          core_, beast::ssl_stream<beast::tcp_stream>(std::move(stream_), *core_.ssl),
          std::move(buffer_))
          ->run();
    } else {
      std::make_shared<PlainSession>(core_, std::move(stream_), std::move(buffer_))->run();
    }
  }

  ServerCore& core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

}  // namespace

struct Server::Running {
  Running(State& state, const FakeBinanceOptions& options) : core(state, options) {}

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        if (core.ssl) {
          std::make_shared<Detector>(core, std::move(socket))->run();
        } else {
          std::make_shared<PlainSession>(core, beast::tcp_stream(std::move(socket)),
                                         beast::flat_buffer{})
              ->run();
        }
      }
      accept();
    });
  }

  // Runs `fn` on the I/O thread and waits for it.
  void run_on_io(const std::function<void()>& fn) {
    std::promise<void> done;
    asio::post(core.ioc, [&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

  ServerCore core;
  tcp::acceptor acceptor{core.ioc};
  asio::executor_work_guard<asio::io_context::executor_type> work{core.ioc.get_executor()};
  std::thread thread;
  std::uint16_t port = 0;
};

Server::Server(State& state, FakeBinanceOptions options)
    : state_(state), options_(std::move(options)) {}

Server::~Server() {
  stop();
}

std::optional<std::string> Server::start() {
  if (running_) return std::nullopt;
  auto running = std::make_unique<Running>(state_, options_);
  if (options_.tls) {
    auto& ssl = running->core.ssl.emplace(asio::ssl::context::tls_server);
    beast::error_code ec;
    ssl.use_certificate_chain(asio::buffer(options_.tls->certificate_pem), ec);
    if (!ec) {
      ssl.use_private_key(asio::buffer(options_.tls->private_key_pem), asio::ssl::context::pem, ec);
    }
    if (ec) return "TLS identity: " + ec.message();
  }
  beast::error_code ec;
  tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), options_.port};
  auto& acceptor = running->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "bind 127.0.0.1:" + std::to_string(options_.port) + ": " + ec.message();
  running->port = acceptor.local_endpoint().port();
  // User-data events go to the subscribed WebSocket API connections, on the I/O thread, in the
  // order the exchange made them (the sink runs under the state's lock and only posts).
  state_.set_event_sink([core = &running->core](std::vector<nlohmann::json> events) {
    asio::post(core->ioc, [core, events = std::move(events)] {
      auto sessions = core->ws_sessions;
      for (auto& [id, session] : sessions) {
        auto subscription = session->user_data_subscription();
        if (!subscription) continue;
        for (const auto& event : events) session->send_text(user_data_frame(*subscription, event));
      }
    });
  });
  running->accept();
  running->thread = std::thread([r = running.get()] { r->core.ioc.run(); });
  running_ = std::move(running);
  return std::nullopt;
}

void Server::stop() {
  if (!running_) return;
  state_.set_event_sink(nullptr);
  auto& r = *running_;
  r.run_on_io([&r] {
    beast::error_code ec;
    r.acceptor.close(ec);
    auto sessions = r.core.ws_sessions;  // drop() edits the map
    for (auto& [id, session] : sessions) session->drop();
    for (auto& [key, held] : r.core.held) held.socket->close(ec);
  });
  r.work.reset();
  r.core.ioc.stop();
  r.thread.join();
  // Connections still open (idle keep-alive, delayed answers, held sockets) close with their
  // sessions when the I/O context is destroyed along with `running_`.
  for (const auto& info : state_.ws_connections()) state_.ws_closed(info.id);
  r.core.held.clear();
  r.core.ws_sessions.clear();
  running_.reset();
}

std::uint16_t Server::port() const {
  return running_ ? running_->port : 0;
}

void Server::for_each_ws(const std::function<void(WsSessionBase&)>& fn) {
  if (!running_) return;
  auto& r = *running_;
  r.run_on_io([&r, &fn] {
    auto sessions = r.core.ws_sessions;  // fn may drop sessions
    for (auto& [id, session] : sessions) fn(*session);
  });
}

}  // namespace autotrader::fakes::binance
