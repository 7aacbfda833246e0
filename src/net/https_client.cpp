// HttpsClient's Beast side: one operation object per request, over TCP or TLS. All of an
// operation's work runs on the ClientContext's single I/O thread; public calls post onto it.
#include "net/https_client.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <unordered_map>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "net/client_context_impl.hpp"
#include "net/url.hpp"

namespace autotrader::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

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

class Operation : public std::enable_shared_from_this<Operation> {
 public:
  virtual ~Operation() = default;
  virtual void start() = 0;
  virtual void cancel() = 0;
};

}  // namespace

// The requests in flight, by id; touched only on the I/O thread.
class HttpsClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  std::atomic<RequestId> next_id{1};
  std::unordered_map<RequestId, std::weak_ptr<Operation>> running;
};

namespace {

template <bool Tls>
class OperationImpl final : public Operation {
  using Stream = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

 public:
  OperationImpl(ClientContext::Impl& context, const HttpClientOptions& options, Url url,
                ClientRequest request, HttpCallback callback,
                std::weak_ptr<HttpsClient::Impl> owner, RequestId id)
      : context_{context},
        stream_{make_stream(context)},
        resolver_{context.io},
        deadline_{context.io},
        options_{options},
        url_{std::move(url)},
        callback_{std::move(callback)},
        owner_{std::move(owner)},
        id_{id},
        total_deadline_{Clock::now() + options.total_timeout} {
    request_.method_string(request.method);
    request_.target(url_.target);
    request_.version(11);
    request_.set(http::field::host, url_.host_header());
    request_.set(http::field::user_agent, options_.user_agent);
    for (auto& [name, value] : request.headers) request_.set(name, value);
    request_.body() = std::move(request.body);
    if (!request_.body().empty()) request_.prepare_payload();
    request_.keep_alive(false);
  }

  void start() override {
    if constexpr (Tls) {
      if (context_.tls_error) return finish(*context_.tls_error);
    }
    arm(options_.connect_timeout);
    resolver_.async_resolve(
        url_.host, std::to_string(url_.port),
        [self = shared()](const error_code& ec, tcp::resolver::results_type results) {
          self->on_resolve(ec, std::move(results));
        });
  }

  void cancel() override {
    if (finished_) return;
    cancelled_ = true;
    abort_io();
  }

 private:
  static Stream make_stream(ClientContext::Impl& context) {
    if constexpr (Tls) {
      return Stream{context.io, context.tls_context};
    } else {
      return Stream{context.io};
    }
  }

  std::shared_ptr<OperationImpl> shared() {
    return std::static_pointer_cast<OperationImpl>(shared_from_this());
  }

  std::string peer() const { return url_.host + ":" + std::to_string(url_.port); }

  // Arms the deadline for the next phase: `timeout`, but never past the total deadline.
  void arm(std::chrono::milliseconds timeout) {
    auto end = std::min(Clock::now() + timeout, total_deadline_);
    deadline_.expires_at(end);
    deadline_.async_wait([self = shared()](const error_code& ec) {
      if (ec) return;
      self->timed_out_ = true;
      self->abort_io();
    });
  }

  void abort_io() {
    resolver_.cancel();
    error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  void finish(HttpResult result) {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    abort_io();
    if (auto owner = owner_.lock()) owner->running.erase(id_);
    auto callback = std::move(callback_);
    if (callback) callback(std::move(result));
  }

  void fail(client_errc code, const char* phase, const error_code& ec) {
    if (cancelled_) return finish(ClientError{client_errc::cancelled, "cancelled"});
    if (timed_out_) {
      return finish(
          ClientError{client_errc::timeout, std::string{phase} + " " + peer() + ": timed out"});
    }
    finish(ClientError{code, std::string{phase} + " " + peer() + ": " + ec.message()});
  }

  void on_resolve(const error_code& ec, tcp::resolver::results_type results) {
    if (ec) return fail(client_errc::resolve_failed, "resolve", ec);
    beast::get_lowest_layer(stream_).async_connect(
        results,
        [self = shared()](const error_code& ec, const tcp::endpoint&) { self->on_connect(ec); });
  }

  void on_connect(const error_code& ec) {
    if (ec) return fail(client_errc::connect_failed, "connect to", ec);
    if constexpr (Tls) {
      prepare_tls(stream_.native_handle(), url_.host, context_.verify_peer);
      stream_.async_handshake(ssl::stream_base::client,
                              [self = shared()](const error_code& ec) { self->on_tls(ec); });
    } else {
      write();
    }
  }

  void on_tls(const error_code& ec) {
    if (ec && !cancelled_ && !timed_out_) {
      if constexpr (Tls) {
        return finish(ClientError{client_errc::tls_failed,
                                  "TLS handshake with " + peer() + ": " +
                                      tls_failure_reason(stream_.native_handle(), ec)});
      }
    }
    if (ec) return fail(client_errc::tls_failed, "TLS handshake with", ec);
    write();
  }

  void write() {
    arm(options_.read_timeout);
    http::async_write(stream_, request_,
                      [self = shared()](const error_code& ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(const error_code& ec) {
    if (ec) return fail(client_errc::io_error, "write to", ec);
    parser_.body_limit(options_.max_response_bytes);
    parser_.header_limit(64 * 1024);
    // The header first: Beast 1.74's http::async_read of a whole message does not apply the body
    // limit to a Content-Length body (measured); reading the header alone does.
    http::async_read_header(
        stream_, buffer_, parser_, [self = shared()](const error_code& ec, std::size_t) {
          if (ec) return self->on_read(ec);
          http::async_read(self->stream_, self->buffer_, self->parser_,
                           [self](const error_code& ec, std::size_t) { self->on_read(ec); });
        });
  }

  void on_read(const error_code& ec) {
    if (ec == http::error::body_limit) {
      return finish(ClientError{client_errc::too_large,
                                "response from " + peer() + " over " +
                                    std::to_string(options_.max_response_bytes) + " bytes"});
    }
    if (ec == asio::error::eof || ec == http::error::end_of_stream ||
        ec == asio::error::connection_reset || ec == ssl::error::stream_truncated) {
      if (!cancelled_ && !timed_out_) {
        return finish(ClientError{client_errc::closed,
                                  "connection to " + peer() + " closed before a response"});
      }
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_version).category() &&
        !cancelled_ && !timed_out_) {  // any Beast HTTP parse error
      return finish(ClientError{client_errc::protocol_error,
                                "malformed response from " + peer() + ": " + ec.message()});
    }
    if (ec) return fail(client_errc::io_error, "read from", ec);
    auto message = parser_.release();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    }
    response.body = std::move(message.body());
    finish(std::move(response));
  }

  ClientContext::Impl& context_;
  Stream stream_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  HttpClientOptions options_;
  Url url_;
  HttpCallback callback_;
  std::weak_ptr<HttpsClient::Impl> owner_;
  RequestId id_;
  Clock::time_point total_deadline_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  beast::flat_buffer buffer_;
  bool finished_ = false;
  bool cancelled_ = false;
  bool timed_out_ = false;
};

}  // namespace

HttpsClient::HttpsClient(std::shared_ptr<ClientContext> context, HttpClientOptions options)
    : context_{std::move(context)}, options_{std::move(options)}, impl_{std::make_shared<Impl>()} {}

HttpsClient::~HttpsClient() {
  asio::post(context_->impl().io, [impl = impl_] {
    auto running = std::move(impl->running);
    for (auto& [id, weak] : running) {
      if (auto op = weak.lock()) op->cancel();
    }
  });
}

RequestId HttpsClient::send(ClientRequest request, HttpCallback callback) {
  RequestId id = impl_->next_id++;
  auto& context = context_->impl();
  asio::post(context.io, [&context, options = options_, request = std::move(request),
                          callback = std::move(callback), owner = impl_, id]() mutable {
    auto url = parse_url(request.url);
    if (!url || url->websocket()) {
      if (callback) {
        callback(ClientError{client_errc::invalid_url, "not an http(s) URL: " + request.url});
      }
      return;
    }
    std::shared_ptr<Operation> op;
    std::weak_ptr<Impl> weak_owner = owner;
    if (url->tls()) {
      op = std::make_shared<OperationImpl<true>>(context, options, *url, std::move(request),
                                                 std::move(callback), weak_owner, id);
    } else {
      op = std::make_shared<OperationImpl<false>>(context, options, *url, std::move(request),
                                                  std::move(callback), weak_owner, id);
    }
    owner->running.emplace(id, op);
    op->start();
  });
  return id;
}

void HttpsClient::cancel(RequestId id) {
  asio::post(context_->impl().io, [impl = impl_, id] {
    auto it = impl->running.find(id);
    if (it == impl->running.end()) return;
    if (auto op = it->second.lock()) op->cancel();
  });
}

}  // namespace autotrader::net
