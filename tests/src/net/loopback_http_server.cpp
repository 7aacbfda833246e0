#include "tests/src/net/loopback_http_server.hpp"

#include <openssl/ssl.h>

#include <array>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>
#include <type_traits>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace autotrader::net::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct LoopbackHttpServer::State {
  explicit State(Script s) : script{std::move(s)} {}

  void accept();

  void record(ServedRequest request) {
    std::lock_guard lock{mutex};
    requests.push_back(std::move(request));
    cv.notify_all();
  }

  std::size_t request_count() {
    std::lock_guard lock{mutex};
    return requests.size();
  }

  // Runs the replies held back for a request count that has now been reached (I/O thread).
  void release_deferred() {
    const auto count = request_count();
    std::vector<std::function<void()>> due;
    for (auto it = deferred.begin(); it != deferred.end();) {
      if (it->first <= count) {
        due.push_back(std::move(it->second));
        it = deferred.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& run : due) run();
  }

  void ended() {
    std::lock_guard lock{mutex};
    ++connections_ended;
    cv.notify_all();
  }

  Script script;
  std::optional<asio::ssl::context> tls;  // before io: TLS sessions die with io
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::vector<std::pair<std::size_t, std::function<void()>>> deferred;  // I/O thread only

  mutable std::mutex mutex;
  std::condition_variable cv;
  std::vector<ServedRequest> requests;
  int connections_accepted = 0;
  int connections_ended = 0;
};

namespace {

using State = LoopbackHttpServer::State;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(State& state, Stream stream, int connection)
      : state_{state}, stream_{std::move(stream)}, connection_{connection} {}

  void run() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      stream_.async_handshake(
          asio::ssl::stream_base::server, [self = this->shared_from_this()](const error_code& ec) {
            if (ec) return self->end();
            const char* name =
                SSL_get_servername(self->stream_.native_handle(), TLSEXT_NAMETYPE_host_name);
            if (name != nullptr) self->sni_ = name;
            self->read();
          });
    } else {
      read();
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                       if (ec) return self->end();
                       self->handle(self->parser_->release());
                     });
  }

  void handle(http::request<http::string_body> request) {
    ServedRequest served;
    served.connection = connection_;
    served.index = index_++;
    served.method = std::string{request.method_string()};
    served.target = std::string{request.target()};
    for (const auto& field : request) {
      std::string name{field.name_string()};
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      served.headers[name] = std::string{field.value()};
    }
    served.body = request.body();
    served.sni = sni_;
    auto answer = state_.script(served);
    state_.record(std::move(served));
    if (answer.after_requests > state_.request_count()) {
      state_.deferred.emplace_back(
          answer.after_requests, [self = this->shared_from_this(), answer] { self->act(answer); });
    } else {
      act(answer);
    }
    state_.release_deferred();
  }

  void act(const Answer& answer) {
    switch (answer.kind) {
      case Answer::Kind::hold:
        return discard();
      case Answer::Kind::close:
        return end();
      case Answer::Kind::reply:
        break;
    }
    if (!answer.raw.empty()) {
      out_ = answer.raw;
    } else {
      http::response<http::string_body> response{static_cast<http::status>(answer.status),
                                                 answer.version};
      response.set(http::field::server, "loopback");
      for (const auto& [name, value] : answer.headers) response.set(name, value);
      response.keep_alive(answer.keep_alive);
      response.body() = answer.body;
      response.prepare_payload();
      std::ostringstream text;
      text << response;
      out_ = text.str();
    }
    asio::async_write(stream_, asio::buffer(out_),
                      [self = this->shared_from_this(), answer](const error_code& ec, std::size_t) {
                        if (ec) return self->end();
                        if (answer.hold_after) return self->discard();
                        if (!answer.keep_alive || answer.close_after) return self->end();
                        self->read();
                      });
  }

  // Reads and drops whatever comes until the client closes.
  void discard() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                              if (ec) return self->end();
                              self->discard();
                            });
  }

  // Closes without TLS close_notify, the way a server that drops a connection does.
  void end() {
    if (ended_) return;
    ended_ = true;
    error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    state_.ended();
  }

  State& state_;
  Stream stream_;
  int connection_;
  int index_ = 0;
  std::string sni_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string out_;
  std::array<char, 4096> scratch_{};
  bool ended_ = false;
};

}  // namespace

void LoopbackHttpServer::State::accept() {
  acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
    if (ec) return;
    int id = 0;
    {
      std::lock_guard lock{mutex};
      id = connections_accepted++;
    }
    if (tls) {
      std::make_shared<Session<TlsStream>>(
          *this, TlsStream{beast::tcp_stream{std::move(socket)}, *tls}, id)
          ->run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream{std::move(socket)}, id)
          ->run();
    }
    accept();
  });
}

LoopbackHttpServer::LoopbackHttpServer(Script script,
                                       std::optional<fakes::binance::TlsIdentity> tls)
    : state_{std::make_shared<State>(std::move(script))} {
  if (tls) {
    state_->tls.emplace(asio::ssl::context::tls_server);
    state_->tls->use_certificate_chain(asio::buffer(tls->certificate_pem));
    state_->tls->use_private_key(asio::buffer(tls->private_key_pem), asio::ssl::context::pem);
  }
  tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 0};
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  state_->accept();
  state_->thread = std::thread{[state = state_.get()] { state->io.run(); }};
}

LoopbackHttpServer::~LoopbackHttpServer() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t LoopbackHttpServer::port() const {
  return state_->acceptor.local_endpoint().port();
}

std::string LoopbackHttpServer::url(const std::string& target, const std::string& host) const {
  return std::string{state_->tls ? "https" : "http"} + "://" + host + ":" + std::to_string(port()) +
         target;
}

int LoopbackHttpServer::connections_accepted() const {
  std::lock_guard lock{state_->mutex};
  return state_->connections_accepted;
}

int LoopbackHttpServer::connections_ended() const {
  std::lock_guard lock{state_->mutex};
  return state_->connections_ended;
}

std::vector<ServedRequest> LoopbackHttpServer::requests() const {
  std::lock_guard lock{state_->mutex};
  return state_->requests;
}

bool LoopbackHttpServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock{state_->mutex};
  return state_->cv.wait_for(lock, timeout, [&] { return state_->requests.size() >= n; });
}

bool LoopbackHttpServer::wait_for_ended(int n, std::chrono::milliseconds timeout) {
  std::unique_lock lock{state_->mutex};
  return state_->cv.wait_for(lock, timeout, [&] { return state_->connections_ended >= n; });
}

}  // namespace autotrader::net::test
