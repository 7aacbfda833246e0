// One HTTP/1.1 connection of HttpServer: the Beast side (parser limits, deadlines, responses,
// the lingering close). The only translation unit of the module that includes Beast.
#include "net/http_session.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <string_view>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "net/bind_error.hpp"
#include "net/http_target.hpp"

namespace autotrader::net::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;

// After an answer that closes the connection we stop sending and read what the client still
// sends (up to these bounds) before closing: closing with unread input makes the kernel send a
// reset, which can destroy the answer before the client reads it.
constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr std::size_t kMaxLingerBytes = 1 << 20;

bool has_line_break(const std::string& text) {
  return text.find_first_of("\r\n") != std::string::npos;
}

// A header name as RFC 9110 allows it; anything else could forge or split header lines.
bool is_token(const std::string& name) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::string lower(beast::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

// One TCP connection. Reads one request at a time, hands it to its handler, writes the answer,
// then reads the next: pipelined requests wait in the read buffer and are answered in order.
// All of its methods run on its strand (the socket's executor); responders reach it by posting.
// Kept alive by its pending operations: the deadline timer is always armed until close().
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const ServerContext& context, Runtime& runtime, bool reject)
      : socket_{std::move(socket)},
        deadline_{socket_.get_executor()},
        context_{context},
        runtime_{runtime},
        rejecting_{reject} {
    error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    if (!ec) remote_ = host_port(peer.address().to_string(), peer.port());
    socket_.set_option(tcp::no_delay(true), ec);
  }

  ~Session() {
    runtime_.unregister(this, rejecting_);
    if (!rejecting_) context_.metrics->connection_closed();
  }

  asio::any_io_executor executor() { return socket_.get_executor(); }

  void start() {
    if (rejecting_) {
      context_.log->warn("refusing connection from {}: {} connections already open", remote_,
                         context_.options.max_connections);
      reject(503, RejectReason::too_many_connections, "too many connections");
    } else {
      read_header();
    }
  }

  void close() {
    if (phase_ == Phase::closed) return;
    phase_ = Phase::closed;
    ++deadline_generation_;
    deadline_.cancel();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  // Called from any thread through a Responder.
  static void respond(const std::weak_ptr<Session>& weak, const std::shared_ptr<Gate>& gate,
                      const std::shared_ptr<HttpMetrics>& metrics, std::uint64_t sequence,
                      HttpResponse response) {
    std::lock_guard lock{gate->mutex};
    auto self = gate->open ? weak.lock() : nullptr;
    if (!self) {
      metrics->late_response();
      return;
    }
    auto executor = self->socket_.get_executor();
    asio::post(executor,
               [self = std::move(self), sequence, response = std::move(response)]() mutable {
                 self->on_response(sequence, std::move(response));
               });
  }

 private:
  enum class Phase { reading, handling, writing, lingering, closed };

  void read_header() {
    phase_ = Phase::reading;
    read_timed_out_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(context_.options.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(static_cast<std::uint64_t>(context_.options.max_body_bytes));
    arm_deadline(context_.options.request_timeout);
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (phase_ != Phase::reading) return;
    if (!ec && read_timed_out_ && !parser_->is_done()) ec = asio::error::operation_aborted;
    if (ec) return on_read_error(ec);
    if (parser_->is_done()) return dispatch();
    const auto& request = parser_->get();
    const bool expects_continue =
        request.version() >= 11 &&
        beast::iequals(request[http::field::expect], beast::string_view{"100-continue"});
    if (!expects_continue) return read_body();
    // Clients like curl wait for this before sending a body larger than 1 KiB.
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(socket_, asio::buffer(kContinue, sizeof kContinue - 1),
                      [self = shared_from_this()](error_code ec, std::size_t) {
                        if (self->phase_ != Phase::reading) return;
                        if (!ec && self->read_timed_out_) ec = asio::error::operation_aborted;
                        if (ec) return self->on_read_error(ec);
                        self->read_body();
                      });
  }

  void read_body() {
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (self->phase_ != Phase::reading) return;
                       if (ec) return self->on_read_error(ec);
                       self->dispatch();
                     });
  }

  void on_read_error(const error_code& ec) {
    if (ec == http::error::header_limit) {
      return reject(431, RejectReason::header_too_large, "request header too large");
    }
    if (ec == http::error::body_limit) {
      return reject(413, RejectReason::body_too_large, "request body too large");
    }
    if (read_timed_out_) {
      if (parser_->got_some() || buffer_.size() != 0) {
        return reject(408, RejectReason::timeout, "request timeout");
      }
      // An idle kept-alive connection timing out is normal; one that never sent a request is
      // a client holding a connection slot for nothing.
      if (!served_any_) context_.metrics->rejected(RejectReason::timeout);
      return close();
    }
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted) return close();
    if (ec == http::error::partial_message) {
      // The client hung up in the middle of a request: nobody is left to answer.
      context_.metrics->rejected(RejectReason::bad_request);
      context_.log->debug("{} closed the connection inside a request", remote_);
      return close();
    }
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return reject(400, RejectReason::bad_request, "bad request", ec.message());
    }
    close();  // a socket error: the peer is gone
  }

  void dispatch() {
    phase_ = Phase::handling;
    auto& message = parser_->get();
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    head_ = message.method() == http::verb::head;
    started_ = context_.clock->steady_now();

    HttpRequest request;
    request.method = std::string{message.method_string()};
    method_ = request.method;
    request.target = std::string{message.target()};
    auto target = parse_target(request.target);
    if (!target) {
      return reject(400, RejectReason::bad_request, "bad request", "malformed request target");
    }
    request.path = std::move(target->path);
    request.query = std::move(target->query);
    for (const auto& field : message) {
      auto [it, inserted] =
          request.headers.emplace(lower(field.name_string()), std::string{field.value()});
      if (!inserted) it->second.append(", ").append(field.value().data(), field.value().size());
    }
    request.body = std::move(message.body());
    request.remote = remote_;

    const RouteMatch match = context_.router.match(request.method, request.path);
    route_ = match.route;
    switch (match.kind) {
      case RouteMatch::Kind::not_found:
        return send(HttpResponse::json(404, {{"error", "not found"}, {"path", request.path}}),
                    keep_alive_);
      case RouteMatch::Kind::method_not_allowed: {
        auto response = HttpResponse::json(
            405,
            {{"error", "method not allowed"}, {"method", request.method}, {"path", request.path}});
        response.headers.emplace_back("Allow", match.allow);
        return send(std::move(response), keep_alive_);
      }
      case RouteMatch::Kind::found:
        break;
    }

    const std::uint64_t sequence = ++sequence_;
    arm_deadline(context_.options.request_timeout);
    try {
      (*match.handler)(request, make_responder(sequence));
    } catch (const std::exception& e) {
      handler_failed(e.what());
    } catch (...) {
      handler_failed("a non-standard exception");
    }
  }

  Responder make_responder(std::uint64_t sequence) {
    auto answered = std::make_shared<std::atomic<bool>>(false);
    return [weak = weak_from_this(), gate = runtime_.gate, metrics = context_.metrics, sequence,
            answered](HttpResponse response) {
      if (answered->exchange(true)) {
        metrics->late_response();  // a second call: the first one won
        return;
      }
      respond(weak, gate, metrics, sequence, std::move(response));
    };
  }

  // A response the handler posted before throwing arrives later and counts as late.
  void handler_failed(const char* what) {
    context_.metrics->rejected(RejectReason::handler_error);
    context_.log->error("handler of {} {} threw: {}", method_, route_, what);
    send(HttpResponse::error(500, "internal error"), keep_alive_);
  }

  void on_response(std::uint64_t sequence, HttpResponse response) {
    if (phase_ != Phase::handling || sequence != sequence_) {
      context_.metrics->late_response();
      return;
    }
    if (response.status < 200 || response.status > 599) {
      context_.metrics->rejected(RejectReason::handler_error);
      context_.log->error("handler of {} answered the invalid status {}", route_, response.status);
      response = HttpResponse::error(500, "internal error");
    }
    send(std::move(response), keep_alive_);
  }

  void reject(int status, RejectReason reason, const std::string& message,
              const std::string& detail = {}) {
    context_.metrics->rejected(reason);
    context_.log->debug("{} from {}: {} {}", status, remote_, message, detail);
    route_ = kUnmatchedRoute;
    started_.reset();
    head_ = false;
    nlohmann::json body{{"error", message}};
    if (!detail.empty()) body["detail"] = detail;
    send(HttpResponse::json(status, body), false);
  }

  void send(HttpResponse response, bool keep_alive) {
    phase_ = Phase::writing;
    // Counted before the write, so a client that has its answer also sees it counted.
    context_.metrics->response_sent(route_, response.status);
    if (started_) {
      const std::chrono::duration<double> took = context_.clock->steady_now() - *started_;
      context_.metrics->observe_duration(route_, took.count());
    }
    build(std::move(response), keep_alive);
    arm_deadline(context_.options.request_timeout);
    http::async_write(socket_, response_,
                      [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
                        self->on_write(ec, keep_alive);
                      });
  }

  void build(HttpResponse response, bool keep_alive) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "autotrader");
    // Values with line breaks would let a handler's data forge header lines.
    if (has_line_break(response.content_type)) response.content_type = "application/octet-stream";
    response_.set(http::field::content_type, response.content_type);
    if (response.content_type.rfind("application/json", 0) == 0) {
      response_.set(http::field::cache_control, "no-store");
    }
    for (const auto& [name, value] : response.headers) {
      if (!is_token(name) || has_line_break(value)) {
        context_.log->error("dropped the malformed header '{}' of route {}", name, route_);
        continue;
      }
      response_.set(name, value);
    }
    response_.keep_alive(keep_alive);
    const bool no_body = response.status == 204 || response.status == 304;
    if (head_ && !no_body) {
      response_.content_length(response.body.size());
    } else if (!no_body) {
      response_.body() = std::move(response.body);
      response_.prepare_payload();
    }
  }

  void on_write(const error_code& ec, bool keep_alive) {
    if (phase_ != Phase::writing) return;
    if (ec) return close();
    served_any_ = true;
    if (!keep_alive) return linger();
    read_header();
  }

  void linger() {
    phase_ = Phase::lingering;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    arm_deadline(std::min<std::chrono::milliseconds>(context_.options.request_timeout, kMaxLinger));
    drain();
  }

  void drain() {
    socket_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](error_code ec, std::size_t n) {
                              if (self->phase_ != Phase::lingering) return;
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxLingerBytes) return self->close();
                              self->drain();
                            });
  }

  void arm_deadline(std::chrono::steady_clock::duration after) {
    const std::uint64_t generation = ++deadline_generation_;
    deadline_.expires_after(after);
    deadline_.async_wait([self = shared_from_this(), generation](error_code ec) {
      if (ec || generation != self->deadline_generation_) return;
      self->on_deadline();
    });
  }

  void on_deadline() {
    switch (phase_) {
      case Phase::reading: {
        // The read handler sees operation_aborted and decides between 408 and a silent close.
        read_timed_out_ = true;
        error_code ignored;
        socket_.cancel(ignored);
        return;
      }
      case Phase::handling:
        context_.metrics->rejected(RejectReason::timeout);
        context_.log->warn("handler of {} did not answer within {} ms", route_,
                           context_.options.request_timeout.count());
        return send(HttpResponse::error(504, "handler did not answer in time"), false);
      case Phase::writing:
        context_.metrics->rejected(RejectReason::timeout);
        context_.log->debug("{} did not read its response in time", remote_);
        return close();
      case Phase::lingering:
      case Phase::closed:
        return close();
    }
  }

  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::uint64_t deadline_generation_ = 0;
  const ServerContext& context_;
  Runtime& runtime_;
  const bool rejecting_;
  std::string remote_ = "unknown";

  Phase phase_ = Phase::reading;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;  // alive until its async_write completes
  std::array<char, 4096> drain_buffer_{};
  std::size_t drained_ = 0;
  bool read_timed_out_ = false;
  bool served_any_ = false;

  // The request being answered.
  std::uint64_t sequence_ = 0;  // tells a late responder from the current one
  std::string method_;
  std::string route_ = kUnmatchedRoute;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  std::optional<std::chrono::steady_clock::time_point> started_;
};

void start_session(tcp::socket socket, const ServerContext& context, Runtime& runtime,
                   bool reject) {
  auto session = std::make_shared<Session>(std::move(socket), context, runtime, reject);
  {
    std::lock_guard lock{runtime.sessions_mutex};
    runtime.sessions.emplace(session.get(), session);
  }
  asio::dispatch(session->executor(), [session] { session->start(); });
}

void close_session(const std::shared_ptr<Session>& session) {
  asio::dispatch(session->executor(), [session] { session->close(); });
}

}  // namespace autotrader::net::detail
