#include "tests/fakes/llm/server.hpp"

#include <array>
#include <cctype>
#include <functional>
#include <future>
#include <map>
#include <sstream>
#include <thread>
#include <type_traits>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "tests/fakes/llm/handler.hpp"

namespace autotrader::fakes::llm {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kBodyLimit = 8 << 20;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void abort() = 0;  // close the socket now: the server is stopping
};

// What every session of one running server shares; touched on the I/O thread only.
struct Core {
  Core(State& s, const FakeLlmOptions& o) : state(s), options(o) {}

  State& state;
  const FakeLlmOptions& options;
  // Both before ioc: sessions destroyed along with ioc's pending handlers still use them.
  std::optional<asio::ssl::context> ssl;
  std::map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::uint64_t next_id = 1;
  asio::io_context ioc{1};
};

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// One HTTP/1.1 connection: reads requests in turn (keep-alive) and carries out each one's Plan.
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Core& core, Stream stream, beast::flat_buffer buffer)
      : core_(core), stream_(std::move(stream)), buffer_(std::move(buffer)), timer_(core.ioc) {}

  ~Session() override { core_.sessions.erase(id_); }

  void run() {
    id_ = core_.next_id++;
    core_.sessions[id_] = this->shared_from_this();
    if constexpr (kTls) {
      stream_.async_handshake(
          asio::ssl::stream_base::server, buffer_.data(),
          [self = this->shared_from_this()](beast::error_code ec, std::size_t used) {
            if (ec) return;  // not TLS after all, or the client gave up
            self->buffer_.consume(used);
            self->read();
          });
    } else {
      read();
    }
  }

  void abort() override {
    beast::error_code ec;
    timer_.cancel();
    socket().close(ec);
  }

 private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->on_request(self->parser_->release());
                     });
  }

  void on_request(http::request<http::string_body> request) {
    Incoming incoming;
    incoming.method = std::string{request.method_string()};
    auto target = std::string{request.target()};
    auto mark = target.find('?');
    incoming.path = target.substr(0, mark);
    incoming.query = mark == std::string::npos ? std::string{} : target.substr(mark + 1);
    for (const auto& field : request) {
      incoming.headers[lower(std::string{field.name_string()})] = std::string{field.value()};
    }
    incoming.body = std::move(request.body());
    incoming.tls = kTls;
    keep_alive_ = request.keep_alive();
    version_ = request.version();
    plan_ = handle_request(core_.state, core_.options.control_api, incoming);
    if (plan_.delay.count() <= 0) return carry_out();
    timer_.expires_after(plan_.delay);
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->carry_out();
    });
  }

  void carry_out() {
    switch (plan_.mode) {
      case Plan::Mode::hang:
        return hold();
      case Plan::Mode::reset: {
        beast::error_code ec;
        socket().set_option(asio::socket_base::linger(true, 0), ec);
        socket().close(ec);
        return;
      }
      case Plan::Mode::respond:
        break;
    }
    response_.emplace();
    auto& res = *response_;
    res.version(version_);
    res.result(static_cast<unsigned>(plan_.reply.status));
    if (plan_.reply.status == 529) res.reason("Site Overloaded");
    for (const auto& [name, value] : plan_.reply.headers) res.insert(name, value);
    res.keep_alive(keep_alive_);
    res.body() = std::move(plan_.reply.body);
    res.prepare_payload();
    if (!plan_.trickle) {
      return http::async_write(
          stream_, res, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            self->after_write(ec);
          });
    }
    std::ostringstream wire;
    wire << res;
    wire_ = wire.str();
    written_ = 0;
    write_chunk();
  }

  void write_chunk() {
    auto n = std::min(plan_.trickle->chunk_bytes, wire_.size() - written_);
    asio::async_write(stream_, asio::buffer(wire_.data() + written_, n),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t sent) {
                        if (ec) return self->close();
                        self->written_ += sent;
                        if (self->written_ >= self->wire_.size()) return self->after_write(ec);
                        self->timer_.expires_after(self->plan_.trickle->interval);
                        self->timer_.async_wait([self](beast::error_code wait_ec) {
                          if (!wait_ec) self->write_chunk();
                        });
                      });
  }

  void after_write(beast::error_code ec) {
    if (ec || !keep_alive_) return close();
    read();
  }

  // The "timeout" fault: read and discard whatever the client sends, answer nothing, until it
  // closes (or abort() at stop). Reads the TCP socket directly: TLS records are discarded too.
  void hold() {
    socket().async_read_some(asio::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (!ec) self->hold();
                             });
  }

  // Ends the connection without TLS close_notify: clients read Content-Length, not the close.
  void close() {
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  Core& core_;
  Stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer timer_;
  std::uint64_t id_ = 0;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  Plan plan_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::string wire_;
  std::size_t written_ = 0;
  std::array<char, 4096> scratch_{};
};

// Tells TLS from plain HTTP by the first bytes of a connection (a TLS ClientHello starts 0x16).
class Detector : public std::enable_shared_from_this<Detector> {
 public:
  Detector(Core& core, tcp::socket socket) : core_(core), stream_(std::move(socket)) {}

  void run() {
    beast::async_detect_ssl(stream_, buffer_,
                            [self = shared_from_this()](beast::error_code ec, bool tls) {
                              if (!ec) self->start(tls);
                            });
  }

 private:
  void start(bool tls) {
    if (tls) {
      std::make_shared<Session<TlsStream>>(core_, TlsStream(std::move(stream_), *core_.ssl),
                                           std::move(buffer_))
          ->run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(core_, std::move(stream_), std::move(buffer_))
          ->run();
    }
  }

  Core& core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

}  // namespace

struct Server::Running {
  Running(State& state, const FakeLlmOptions& options) : core(state, options) {}

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        if (core.ssl) {
          std::make_shared<Detector>(core, std::move(socket))->run();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(core, beast::tcp_stream(std::move(socket)),
                                                       beast::flat_buffer{})
              ->run();
        }
      }
      accept();
    });
  }

  void run_on_io(const std::function<void()>& fn) {
    std::promise<void> done;
    asio::post(core.ioc, [&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

  Core core;
  tcp::acceptor acceptor{core.ioc};
  asio::executor_work_guard<asio::io_context::executor_type> work{core.ioc.get_executor()};
  std::thread thread;
  std::uint16_t port = 0;
};

Server::Server(State& state, FakeLlmOptions options)
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
  running->accept();
  running->thread = std::thread([r = running.get()] { r->core.ioc.run(); });
  running_ = std::move(running);
  return std::nullopt;
}

void Server::stop() {
  if (!running_) return;
  auto& r = *running_;
  r.run_on_io([&r] {
    beast::error_code ec;
    r.acceptor.close(ec);
    auto sessions = r.core.sessions;  // a session may go away while others are aborted
    for (auto& [id, weak] : sessions) {
      if (auto session = weak.lock()) session->abort();
    }
  });
  r.work.reset();
  r.core.ioc.stop();
  r.thread.join();
  // Sessions still owned by pending handlers go with the I/O context, inside running_.
  running_.reset();
}

std::uint16_t Server::port() const {
  return running_ ? running_->port : 0;
}

}  // namespace autotrader::fakes::llm
