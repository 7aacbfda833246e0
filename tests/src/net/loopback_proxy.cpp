#include "tests/src/net/loopback_proxy.hpp"

#include <array>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace autotrader::net::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct LoopbackProxy::State {
  explicit State(LoopbackProxyOptions o) : options{std::move(o)} {}

  void accept();

  LoopbackProxyOptions options;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;

  mutable std::mutex mutex;
  std::vector<ProxiedRequest> requests;
  int connections_accepted = 0;
};

namespace {

using State = LoopbackProxy::State;

class ProxySession : public std::enable_shared_from_this<ProxySession> {
 public:
  ProxySession(State& state, tcp::socket client)
      : state_{state}, client_{std::move(client)}, target_{state.io}, resolver_{state.io} {}

  void run() {
    parser_.emplace();
    http::async_read_header(client_, buffer_, *parser_,
                            [self = shared_from_this()](const error_code& ec, std::size_t) {
                              if (!ec) self->handle();
                            });
  }

 private:
  void handle() {
    const auto& request = parser_->get();
    ProxiedRequest seen;
    seen.method = std::string{request.method_string()};
    seen.target = std::string{request.target()};
    if (auto it = request.find(http::field::proxy_authorization); it != request.end()) {
      seen.proxy_authorization = std::string{it->value()};
    }
    {
      std::lock_guard lock{state_.mutex};
      state_.requests.push_back(seen);
    }
    const auto& options = state_.options;
    if (options.refuse_with != 0) return respond(options.refuse_with, "refused");
    if (!options.required_authorization.empty() &&
        seen.proxy_authorization != options.required_authorization) {
      return respond(407, "credentials required", "Proxy-Authenticate: Basic realm=\"test\"\r\n");
    }
    if (request.method() != http::verb::connect) return respond(200, "proxied " + seen.target);
    open_tunnel(seen.target);
  }

  void open_tunnel(const std::string& authority) {
    auto colon = authority.rfind(':');
    if (colon == std::string::npos) return respond(400, "no port");
    std::string host = authority.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    resolver_.async_resolve(
        host, authority.substr(colon + 1),
        [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
          if (ec) return self->respond(502, "cannot resolve");
          asio::async_connect(self->target_, results,
                              [self](const error_code& ec, const tcp::endpoint&) {
                                if (ec) return self->respond(502, "cannot connect");
                                self->tunnel_established();
                              });
        });
  }

  void tunnel_established() {
    out_ = "HTTP/1.1 200 Connection established\r\n\r\n";
    asio::async_write(client_, asio::buffer(out_),
                      [self = shared_from_this()](const error_code& ec, std::size_t) {
                        if (ec) return self->close();
                        // Bytes the client sent early belong to the target.
                        auto early = beast::buffers_to_string(self->buffer_.data());
                        self->buffer_.consume(self->buffer_.size());
                        self->early_ = std::move(early);
                        asio::async_write(self->target_, asio::buffer(self->early_),
                                          [self](const error_code& ec, std::size_t) {
                                            if (ec) return self->close();
                                            self->relay(self->client_, self->target_, self->up_);
                                            self->relay(self->target_, self->client_, self->down_);
                                          });
                      });
  }

  void relay(tcp::socket& from, tcp::socket& to, std::array<char, 16 * 1024>& chunk) {
    from.async_read_some(asio::buffer(chunk), [self = shared_from_this(), &from, &to, &chunk](
                                                  const error_code& ec, std::size_t n) {
      if (ec) return self->close();
      asio::async_write(to, asio::buffer(chunk.data(), n),
                        [self, &from, &to, &chunk](const error_code& ec, std::size_t) {
                          if (ec) return self->close();
                          self->relay(from, to, chunk);
                        });
    });
  }

  void respond(int status, const std::string& body, const std::string& extra_headers = {}) {
    out_ = "HTTP/1.1 " + std::to_string(status) + " " +
           std::string{http::obsolete_reason(static_cast<http::status>(status))} + "\r\n" +
           extra_headers + "Content-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
    asio::async_write(
        client_, asio::buffer(out_),
        [self = shared_from_this()](const error_code&, std::size_t) { self->close(); });
  }

  // Either side ending ends both: the relay carries one TLS connection and nothing else.
  void close() {
    error_code ignored;
    for (auto* socket : {&client_, &target_}) {
      socket->shutdown(tcp::socket::shutdown_both, ignored);
      socket->close(ignored);
    }
  }

  State& state_;
  tcp::socket client_;
  tcp::socket target_;
  tcp::resolver resolver_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::string out_;
  std::string early_;
  std::array<char, 16 * 1024> up_{};
  std::array<char, 16 * 1024> down_{};
};

}  // namespace

void LoopbackProxy::State::accept() {
  acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
    if (ec) return;
    {
      std::lock_guard lock{mutex};
      ++connections_accepted;
    }
    std::make_shared<ProxySession>(*this, std::move(socket))->run();
    accept();
  });
}

LoopbackProxy::LoopbackProxy(LoopbackProxyOptions options)
    : state_{std::make_shared<State>(std::move(options))} {
  tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 0};
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  state_->accept();
  state_->thread = std::thread{[state = state_.get()] { state->io.run(); }};
}

LoopbackProxy::~LoopbackProxy() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t LoopbackProxy::port() const {
  return state_->acceptor.local_endpoint().port();
}

std::string LoopbackProxy::url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

std::vector<ProxiedRequest> LoopbackProxy::requests() const {
  std::lock_guard lock{state_->mutex};
  return state_->requests;
}

int LoopbackProxy::connections_accepted() const {
  std::lock_guard lock{state_->mutex};
  return state_->connections_accepted;
}

}  // namespace autotrader::net::test
