// WebSocketClient's Beast side: one session per connection, over TCP or TLS. All of a session's
// work runs on the ClientContext's single I/O thread, so its state needs no lock; public calls
// post onto that thread.
#include "net/websocket_client.hpp"

#include <deque>
#include <type_traits>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/client_context_impl.hpp"
#include "net/url.hpp"

namespace autotrader::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class WebSocketClient::Session : public std::enable_shared_from_this<Session> {
 public:
  virtual ~Session() = default;
  virtual void start() = 0;
  virtual void send(std::string text) = 0;
  virtual void close() = 0;
};

namespace {

// Bytes per read: a message is read in pieces so its size can be capped before it is complete.
constexpr std::size_t kReadChunk = 64 * 1024;

template <bool Tls>
class SessionImpl final : public WebSocketClient::Session {
  using Layer = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

 public:
  SessionImpl(ClientContext::Impl& context, Url url, WebSocketOptions options,
              WebSocketHandlers handlers)
      : context_{context},
        ws_{make_stream(context)},
        resolver_{context.io},
        deadline_{context.io},
        url_{std::move(url)},
        options_{std::move(options)},
        handlers_{std::move(handlers)} {}

  void start() override {
    if constexpr (Tls) {
      if (context_.tls_error) return finish(context_.tls_error->code, context_.tls_error->message);
    }
    arm(options_.connect_timeout);
    resolver_.async_resolve(
        url_.host, std::to_string(url_.port),
        [self = shared()](const error_code& ec, tcp::resolver::results_type results) {
          self->on_resolve(ec, std::move(results));
        });
  }

  void send(std::string text) override {
    if (!open_ || finished_ || closing_) return;
    outbox_.push_back(std::move(text));
    if (outbox_.size() == 1) write_next();
  }

  void close() override {
    if (finished_ || closing_) return;
    closing_ = true;
    if (!open_) {
      // Still connecting: abandon it; the pending operation completes with an error.
      abort_io();
      return;
    }
    ws_.async_close(websocket::close_code::normal, [self = shared()](const error_code&) {
      // The pending read reports the end; a close that failed leaves only the socket to drop.
      self->abort_io();
    });
  }

 private:
  static websocket::stream<Layer> make_stream(ClientContext::Impl& context) {
    if constexpr (Tls) {
      return websocket::stream<Layer>{context.io, context.tls_context};
    } else {
      return websocket::stream<Layer>{context.io};
    }
  }

  std::shared_ptr<SessionImpl> shared() {
    return std::static_pointer_cast<SessionImpl>(shared_from_this());
  }

  std::string peer() const { return url_.host + ":" + std::to_string(url_.port); }

  void arm(std::chrono::milliseconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([self = shared()](const error_code& ec) {
      if (ec) return;  // cancelled: the phase ended in time
      self->timed_out_ = true;
      self->abort_io();
    });
  }

  void abort_io() {
    resolver_.cancel();
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  // The one way a session ends: report once, release everything.
  void finish(client_errc code, std::string message) {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    abort_io();
    if (closing_ && code != client_errc::timeout) code = client_errc::cancelled;
    if (handlers_.on_close) handlers_.on_close(ClientError{code, std::move(message)});
    handlers_ = WebSocketHandlers{};  // drop whatever the callbacks captured
  }

  // An error of a connect phase: a timeout if our deadline fired, else `code`.
  void fail(client_errc code, const char* phase, const error_code& ec) {
    if (timed_out_)
      return finish(client_errc::timeout, std::string{phase} + " " + peer() + ": timed out");
    finish(code, std::string{phase} + " " + peer() + ": " + ec.message());
  }

  void on_resolve(const error_code& ec, tcp::resolver::results_type results) {
    if (ec) return fail(client_errc::resolve_failed, "resolve", ec);
    beast::get_lowest_layer(ws_).async_connect(
        results,
        [self = shared()](const error_code& ec, const tcp::endpoint&) { self->on_connect(ec); });
  }

  void on_connect(const error_code& ec) {
    if (ec) return fail(client_errc::connect_failed, "connect to", ec);
    if constexpr (Tls) {
      auto& tls = ws_.next_layer();
      prepare_tls(tls.native_handle(), url_.host, context_.verify_peer);
      tls.async_handshake(ssl::stream_base::client,
                          [self = shared()](const error_code& ec) { self->on_tls(ec); });
    } else {
      upgrade();
    }
  }

  void on_tls(const error_code& ec) {
    if (ec) {
      if (timed_out_ || closing_) return fail(client_errc::tls_failed, "TLS handshake with", ec);
      if constexpr (Tls) {
        return finish(client_errc::tls_failed,
                      "TLS handshake with " + peer() + ": " +
                          tls_failure_reason(ws_.next_layer().native_handle(), ec));
      }
    }
    upgrade();
  }

  void upgrade() {
    deadline_.cancel();
    // The WebSocket layer has its own timeouts from here on; the TCP one must be off.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.handshake_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();  // the feed decides about silence
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [agent = options_.user_agent](websocket::request_type& request) {
          request.set(beast::http::field::user_agent, agent);
        }));
    // The cap is enforced in on_read: when Beast's own limit trips it closes the connection
    // itself and, over TLS, may report the teardown's error instead of message_too_big.
    ws_.read_message_max(0);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping && handlers_.on_ping) handlers_.on_ping();
    });
    ws_.async_handshake(url_.host_header(), url_.target,
                        [self = shared()](const error_code& ec) { self->on_upgrade(ec); });
  }

  void on_upgrade(const error_code& ec) {
    if (ec == beast::error::timeout) {
      return finish(client_errc::timeout, "WebSocket handshake with " + peer() + ": timed out");
    }
    if (ec) {
      return finish(client_errc::handshake_failed,
                    "WebSocket handshake with " + peer() + url_.target + ": " + ec.message());
    }
    if (closing_) return finish(client_errc::cancelled, "closed before it opened");
    open_ = true;
    if (handlers_.on_open) handlers_.on_open();
    read_next();
  }

  void read_next() {
    ws_.async_read_some(buffer_, kReadChunk, [self = shared()](const error_code& ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(const error_code& ec) {
    if (ec) {
      if (ec == websocket::error::closed) {
        const auto& reason = ws_.reason();
        return finish(client_errc::closed, "closed by " + peer() + " (code " +
                                               std::to_string(reason.code) + " " +
                                               std::string{reason.reason.c_str()} + ")");
      }
      if (ec == beast::error::timeout) return finish(client_errc::timeout, peer() + ": timed out");
      if (ec == asio::error::eof || ec == asio::error::connection_reset ||
          ec == ssl::error::stream_truncated) {
        return finish(client_errc::closed, "connection to " + peer() + " lost: " + ec.message());
      }
      return finish(closing_ ? client_errc::cancelled : client_errc::io_error,
                    "read from " + peer() + ": " + ec.message());
    }
    if (buffer_.size() > options_.max_message_bytes) {
      return finish(client_errc::too_large, "message from " + peer() + " over " +
                                                std::to_string(options_.max_message_bytes) +
                                                " bytes");
    }
    if (!ws_.is_message_done()) return read_next();
    std::string message = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (handlers_.on_message) handlers_.on_message(std::move(message));
    if (!finished_) read_next();
  }

  void write_next() {
    ws_.text(true);
    ws_.async_write(asio::buffer(outbox_.front()),
                    [self = shared()](const error_code& ec, std::size_t) {
                      self->outbox_.pop_front();
                      // A failed write also fails the pending read, which reports the end.
                      if (!ec && !self->outbox_.empty() && !self->finished_) self->write_next();
                    });
  }

  ClientContext::Impl& context_;
  websocket::stream<Layer> ws_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  Url url_;
  WebSocketOptions options_;
  WebSocketHandlers handlers_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool open_ = false;
  bool closing_ = false;
  bool finished_ = false;
  bool timed_out_ = false;
};

}  // namespace

WebSocketClient::WebSocketClient(std::shared_ptr<ClientContext> context, WebSocketOptions options)
    : context_{std::move(context)}, options_{std::move(options)} {}

WebSocketClient::~WebSocketClient() {
  close();
}

void WebSocketClient::connect(const std::string& url, WebSocketHandlers handlers) {
  if (session_) return;
  auto& impl = context_->impl();
  auto parsed = parse_url(url);
  if (!parsed || !parsed->websocket()) {
    auto on_close = std::move(handlers.on_close);
    asio::post(impl.io, [on_close = std::move(on_close), url] {
      if (on_close) on_close(ClientError{client_errc::invalid_url, "not a ws(s) URL: " + url});
    });
    return;
  }
  if (parsed->tls()) {
    session_ = std::make_shared<SessionImpl<true>>(impl, *parsed, options_, std::move(handlers));
  } else {
    session_ = std::make_shared<SessionImpl<false>>(impl, *parsed, options_, std::move(handlers));
  }
  asio::post(impl.io, [session = session_] { session->start(); });
}

void WebSocketClient::send(std::string text) {
  if (!session_) return;
  asio::post(context_->impl().io, [session = session_, text = std::move(text)]() mutable {
    session->send(std::move(text));
  });
}

void WebSocketClient::close() {
  if (!session_) return;
  asio::post(context_->impl().io, [session = session_] { session->close(); });
}

}  // namespace autotrader::net
