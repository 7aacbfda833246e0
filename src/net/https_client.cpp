// HttpsClient's Beast side: one Exchange object per send(), over a pooled or a fresh connection,
// directly or through a proxy. All of an exchange's work runs on the ClientContext's single I/O
// thread; public calls post onto it.
#include "net/https_client.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <unordered_map>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "net/https_client_pool.hpp"
#include "net/url.hpp"

namespace autotrader::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using detail::Clock;

std::optional<std::string_view> ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return std::string_view{value};
    }
  }
  return std::nullopt;
}

namespace {

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  virtual ~Exchange() = default;
  virtual void start() = 0;
  virtual void cancel() = 0;
};

}  // namespace

// What the exchanges of one client share; touched only on the I/O thread except the atomics.
class HttpsClient::Impl {
 public:
  Impl(ClientContext::Impl& io_context, HttpClientOptions client_options)
      : context{io_context},
        options{std::move(client_options)},
        pool{std::make_shared<detail::ConnectionPool>(options.max_idle_per_host,
                                                      options.idle_timeout)} {}

  ClientContext::Impl& context;
  const HttpClientOptions options;
  std::shared_ptr<detail::ConnectionPool> pool;
  std::atomic<RequestId> next_id{1};
  std::unordered_map<RequestId, std::weak_ptr<Exchange>> running;
};

namespace {

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" ||
         method == "PUT" || method == "DELETE";
}

// "host:port" with IPv6 literals bracketed: a CONNECT request's target (RFC 9110 §9.3.6).
std::string authority(const Url& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return host + ":" + std::to_string(url.port);
}

// One request from send() to its callback. A connection comes from the pool or is opened
// (resolve, connect, CONNECT tunnel through a proxy, TLS); the request is written, its first
// byte awaited, then the response read piece by piece. Every step is bounded by the deadline
// timer, which always holds the current phase's limit (never past the total deadline).
template <bool Tls>
class ExchangeImpl final : public Exchange {
  using Connection = detail::Connection<Tls>;

 public:
  ExchangeImpl(std::shared_ptr<HttpsClient::Impl> owner, Url url, ClientRequest request,
               HttpCallback callback, RequestId id)
      : owner_{std::move(owner)},
        options_{owner_->options},
        url_{std::move(url)},
        proxy_{options_.proxy.route(url_.scheme, url_.host, url_.port)},
        key_{url_.scheme + "://" + authority(url_) + (proxy_ ? " via " + proxy_->name() : "")},
        resolver_{owner_->context.io},
        deadline_{owner_->context.io},
        total_deadline_{Clock::now() + options_.total_timeout},
        callback_{std::move(callback)},
        id_{id},
        replayable_{request.replayable || idempotent(request.method)} {
    request_.method_string(request.method);
    // Plain HTTP through a proxy names the whole URL; a tunnel carries the origin form.
    request_.target(proxy_ && !Tls ? url_.scheme + "://" + url_.host_header() + url_.target
                                   : url_.target);
    request_.version(11);
    request_.set(http::field::host, url_.host_header());
    request_.set(http::field::user_agent, options_.user_agent);
    for (auto& [name, value] : request.headers) request_.set(name, value);
    request_.body() = std::move(request.body);
    if (!request_.body().empty()) request_.prepare_payload();
    if (!owner_->pool->enabled()) request_.keep_alive(false);
    if (proxy_ && !Tls) {
      if (auto credentials = proxy_->authorization(); !credentials.empty()) {
        request_.set(http::field::proxy_authorization, credentials.reveal());
      }
    }
  }

  void start() override {
    if constexpr (Tls) {
      if (owner_->context.tls_error) return finish(*owner_->context.tls_error);
    }
    if (auto idle = owner_->pool->take(key_)) {
      // The key names the scheme, so a connection parked under it has this exchange's type.
      connection_ = std::static_pointer_cast<Connection>(std::move(idle));
      reused_ = true;
      ++owner_->pool->counters.reused;
      return write_request();
    }
    open();
  }

  void cancel() override {
    if (finished_) return;
    finish(ClientError{client_errc::cancelled, "request to " + peer() + " cancelled"});
  }

 private:
  std::shared_ptr<ExchangeImpl> shared() {
    return std::static_pointer_cast<ExchangeImpl>(shared_from_this());
  }

  std::string peer() const {
    return authority(url_) + (proxy_ ? " via proxy " + proxy_->name() : "");
  }

  // The deadline for the next phase: `timeout`, but never past the total deadline. A handler of
  // an earlier phase that was already queued when re-armed sees a newer phase and does nothing.
  void arm(std::chrono::milliseconds timeout, const char* phase) {
    auto end = Clock::now() + timeout;
    const bool total = end >= total_deadline_;
    phase_name_ = phase;
    auto phase_id = ++phase_id_;
    deadline_.expires_at(std::min(end, total_deadline_));
    deadline_.async_wait([self = shared(), phase_id, total](const error_code& ec) {
      if (ec || self->finished_ || self->phase_id_ != phase_id) return;
      self->finish(ClientError{client_errc::timeout, std::string{self->phase_name_} + " " +
                                                         self->peer() + ": timed out" +
                                                         (total ? " (total timeout)" : "")});
    });
  }

  void finish(HttpResult result) {
    if (finished_) return;
    finished_ = true;
    ++phase_id_;
    deadline_.cancel();
    resolver_.cancel();
    // Closing (not merely abandoning) the connection: a cancelled request must not keep a stream
    // open on the server, and a half-read response makes the connection useless anyway. The
    // object stays until this exchange goes: the aborted operations still refer to its stream.
    if (connection_) connection_->close();
    owner_->running.erase(id_);
    auto callback = std::move(callback_);
    if (callback) callback(std::move(result));
  }

  void fail(client_errc code, const std::string& what, const error_code& ec) {
    finish(ClientError{code, what + " " + peer() + ": " + ec.message()});
  }

  void open() {
    connection_ = std::make_shared<Connection>(owner_->context);
    reused_ = false;
    buffer_.clear();
    arm(options_.connect_timeout, "connect to");
    const std::string& host = proxy_ ? proxy_->host : url_.host;
    const std::uint16_t port = proxy_ ? proxy_->port : url_.port;
    resolver_.async_resolve(
        host, std::to_string(port),
        [self = shared()](const error_code& ec, tcp::resolver::results_type results) {
          self->on_resolve(ec, std::move(results));
        });
  }

  void on_resolve(const error_code& ec, const tcp::resolver::results_type& results) {
    if (finished_) return;
    if (ec) return fail(client_errc::resolve_failed, "resolve", ec);
    asio::async_connect(
        connection_->socket(), results,
        [self = shared()](const error_code& ec, const tcp::endpoint&) { self->on_connect(ec); });
  }

  void on_connect(const error_code& ec) {
    if (finished_) return;
    if (ec) return fail(client_errc::connect_failed, "connect to", ec);
    ++owner_->pool->counters.opened;
    if constexpr (Tls) {
      if (proxy_) return open_tunnel();
      handshake();
    } else {
      write_request();
    }
  }

  // CONNECT host:port to the proxy; only after its 2xx does TLS start, with the target.
  void open_tunnel() {
    tunnel_request_.method(http::verb::connect);
    tunnel_request_.target(authority(url_));
    tunnel_request_.version(11);
    tunnel_request_.set(http::field::host, authority(url_));
    tunnel_request_.set(http::field::user_agent, options_.user_agent);
    if (auto credentials = proxy_->authorization(); !credentials.empty()) {
      tunnel_request_.set(http::field::proxy_authorization, credentials.reveal());
    }
    http::async_write(tcp_layer(), tunnel_request_,
                      [self = shared()](const error_code& ec, std::size_t) {
                        if (self->finished_) return;
                        if (ec) return self->fail(client_errc::connect_failed, "CONNECT to", ec);
                        self->read_tunnel_reply();
                      });
  }

  void read_tunnel_reply() {
    tunnel_parser_.emplace();
    tunnel_parser_->skip(true);  // a 2xx to CONNECT has no body; any other ends the connection
    tunnel_parser_->header_limit(16 * 1024);
    http::async_read(
        tcp_layer(), buffer_, *tunnel_parser_,
        [self = shared()](const error_code& ec, std::size_t) { self->on_tunnel_reply(ec); });
  }

  void on_tunnel_reply(const error_code& ec) {
    if (finished_) return;
    if (ec) return fail(client_errc::handshake_failed, "CONNECT to", ec);
    auto status = tunnel_parser_->get().result_int();
    if (status < 200 || status > 299) {
      // The standard reason phrase, not the proxy's own text: that is untrusted and unbounded.
      return finish(
          ClientError{client_errc::handshake_failed,
                      "proxy " + proxy_->name() + " refused CONNECT to " + authority(url_) + ": " +
                          std::to_string(status) + " " +
                          std::string{http::obsolete_reason(static_cast<http::status>(status))}});
    }
    if (buffer_.size() != 0) {
      return finish(ClientError{client_errc::protocol_error,
                                "proxy " + proxy_->name() + " sent data before the TLS handshake"});
    }
    handshake();
  }

  beast::tcp_stream& tcp_layer() {
    if constexpr (Tls) {
      return connection_->stream.next_layer();
    } else {
      return connection_->stream;
    }
  }

  void handshake() {
    if constexpr (Tls) {
      auto& stream = connection_->stream;
      // SNI and verification name the target, also through a tunnel: TLS runs end to end.
      prepare_tls(stream.native_handle(), url_.host, owner_->context.verify_peer);
      stream.async_handshake(ssl::stream_base::client,
                             [self = shared()](const error_code& ec) { self->on_tls(ec); });
    }
  }

  void on_tls(const error_code& ec) {
    if (finished_) return;
    if constexpr (Tls) {
      if (ec) {
        return finish(ClientError{client_errc::tls_failed,
                                  "TLS handshake with " + peer() + ": " +
                                      tls_failure_reason(connection_->stream.native_handle(), ec)});
      }
    }
    write_request();
  }

  void write_request() {
    arm(options_.first_byte_timeout, "waiting for the first byte from");
    parser_.emplace();
    parser_->body_limit(options_.max_response_bytes);
    parser_->header_limit(64 * 1024);
    if (request_.method() == http::verb::head) parser_->skip(true);
    http::async_write(connection_->stream, request_,
                      [self = shared()](const error_code& ec, std::size_t) {
                        if (self->finished_) return;
                        if (ec) return self->failed_before_response("write to", ec);
                        self->await_first_byte();
                      });
  }

  // A read of whatever comes first, so that the first-byte deadline ends at the first byte and
  // not at the end of the header; the parser takes the bytes from buffer_ afterwards.
  void await_first_byte() {
    connection_->stream.async_read_some(buffer_.prepare(16 * 1024),
                                        [self = shared()](const error_code& ec, std::size_t n) {
                                          if (self->finished_) return;
                                          if (ec)
                                            return self->failed_before_response("read from", ec);
                                          self->buffer_.commit(n);
                                          self->read_header();
                                        });
  }

  // No byte of a response has arrived. A reused connection failing here was almost always closed
  // by the server while idle (its keep-alive timeout crossing our request), so the request is
  // sent once more on a fresh connection; the server cannot have answered it, having sent
  // nothing. It may still have received it (and crashed), which is why only requests that are
  // safe to repeat are resent. A fresh connection failing here is a real failure.
  void failed_before_response(const char* what, const error_code& ec) {
    if (reused_ && !retried_ && replayable_) {
      retried_ = true;
      ++owner_->pool->counters.stale_retries;
      connection_->close();  // nothing is pending on it: its one operation has just failed
      return open();
    }
    if (dropped(ec)) {
      return finish(ClientError{client_errc::closed,
                                "connection to " + peer() + " closed before a response"});
    }
    fail(client_errc::io_error, what, ec);
  }

  static bool dropped(const error_code& ec) {
    return ec == asio::error::eof || ec == http::error::end_of_stream ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == ssl::error::stream_truncated;
  }

  void read_header() {
    arm(options_.read_timeout, "read from");
    http::async_read_header(connection_->stream, buffer_, *parser_,
                            [self = shared()](const error_code& ec, std::size_t) {
                              if (self->finished_) return;
                              if (ec) return self->on_read_error(ec);
                              self->read_body();
                            });
  }

  // Piece by piece, so that the read deadline bounds each wait and not the whole body.
  void read_body() {
    if (parser_->is_done()) return complete();
    arm(options_.read_timeout, "read from");
    http::async_read_some(connection_->stream, buffer_, *parser_,
                          [self = shared()](const error_code& ec, std::size_t) {
                            if (self->finished_) return;
                            if (ec) return self->on_read_error(ec);
                            self->read_body();
                          });
  }

  void on_read_error(const error_code& ec) {
    if (ec == http::error::body_limit) {
      return finish(ClientError{client_errc::too_large,
                                "response from " + peer() + " over " +
                                    std::to_string(options_.max_response_bytes) + " bytes"});
    }
    if (dropped(ec)) {
      return finish(
          ClientError{client_errc::closed,
                      "connection to " + peer() + " closed before the response was complete"});
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
      return finish(ClientError{client_errc::protocol_error,
                                "malformed response from " + peer() + ": " + ec.message()});
    }
    fail(client_errc::io_error, "read from", ec);
  }

  void complete() {
    // Reusable only when both sides meant to keep it (HTTP/1.1 without "Connection: close", or
    // 1.0 with "keep-alive"), the body did not end with the connection, and nothing unread is
    // left over that the next response would be confused with.
    const bool reusable = parser_->keep_alive() && request_.keep_alive() && buffer_.size() == 0;
    auto message = parser_->release();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
    response.body = std::move(message.body());
    if (reusable && response.status != 101) {
      owner_->pool->park(std::move(connection_), key_);  // idle: nothing is pending on it
      connection_.reset();
    }
    // Parked before the callback, so a request the callback sends finds the connection.
    finish(std::move(response));
  }

  std::shared_ptr<HttpsClient::Impl> owner_;
  const HttpClientOptions& options_;
  Url url_;
  const ProxyServer* proxy_;  // into options_; nullptr: direct
  std::string key_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  Clock::time_point total_deadline_;
  HttpCallback callback_;
  RequestId id_;
  bool replayable_;
  std::shared_ptr<Connection> connection_;
  http::request<http::string_body> request_;
  http::request<http::empty_body> tunnel_request_;
  std::optional<http::response_parser<http::empty_body>> tunnel_parser_;
  std::optional<http::response_parser<http::string_body>> parser_;
  beast::flat_buffer buffer_;
  const char* phase_name_ = "";
  std::uint64_t phase_id_ = 0;
  bool reused_ = false;
  bool retried_ = false;
  bool finished_ = false;
};

}  // namespace

HttpsClient::HttpsClient(std::shared_ptr<ClientContext> context, HttpClientOptions options)
    : context_{std::move(context)},
      impl_{std::make_shared<Impl>(context_->impl(), std::move(options))} {}

HttpsClient::~HttpsClient() {
  asio::post(context_->impl().io, [impl = impl_] {
    auto running = std::move(impl->running);
    for (auto& [id, weak] : running) {
      if (auto exchange = weak.lock()) exchange->cancel();
    }
    impl->pool->clear();
  });
}

RequestId HttpsClient::send(ClientRequest request, HttpCallback callback) {
  RequestId id = impl_->next_id++;
  asio::post(impl_->context.io, [impl = impl_, request = std::move(request),
                                 callback = std::move(callback), id]() mutable {
    auto url = parse_url(request.url);
    if (!url || url->websocket()) {
      // The text itself is not echoed: it may carry credentials or a key in its query.
      if (callback) callback(ClientError{client_errc::invalid_url, "not an http(s) URL"});
      return;
    }
    std::shared_ptr<Exchange> exchange;
    if (url->tls()) {
      exchange = std::make_shared<ExchangeImpl<true>>(impl, std::move(*url), std::move(request),
                                                      std::move(callback), id);
    } else {
      exchange = std::make_shared<ExchangeImpl<false>>(impl, std::move(*url), std::move(request),
                                                       std::move(callback), id);
    }
    impl->running.emplace(id, exchange);
    exchange->start();
  });
  return id;
}

void HttpsClient::cancel(RequestId id) {
  asio::post(impl_->context.io, [impl = impl_, id] {
    auto it = impl->running.find(id);
    if (it == impl->running.end()) return;
    if (auto exchange = it->second.lock()) exchange->cancel();
  });
}

HttpClientStats HttpsClient::stats() const {
  const auto& counters = impl_->pool->counters;
  HttpClientStats stats;
  stats.connections_opened = counters.opened.load();
  stats.connections_reused = counters.reused.load();
  stats.stale_retries = counters.stale_retries.load();
  stats.connections_idle = counters.idle.load();
  return stats;
}

}  // namespace autotrader::net
