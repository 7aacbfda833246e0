#pragma once
// Internal to server.cpp: one HTTP connection (plain or TLS). Each request is recorded, then the
// scripts decide (drop, silence, delay, a fault reply, a scripted reply); otherwise a WebSocket
// upgrade to a stream path becomes a WsSession and anything else goes to the REST logic.
#include <cctype>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/fakes/binance/server_core.hpp"
#include "tests/fakes/binance/ws_session.hpp"

namespace autotrader::fakes::binance {

namespace http = beast::http;

template <class Stream>
inline constexpr bool is_tls_stream = std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>;

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  using Request = http::request<http::string_body>;

  HttpSession(ServerCore& core, Stream stream, beast::flat_buffer buffer)
      : core_(core), stream_(std::move(stream)), buffer_(std::move(buffer)), timer_(core.ioc) {}

  void run() {
    if constexpr (is_tls_stream<Stream>) {
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

 private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

  void read() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->handle(self->parser_->release());
                     });
  }

  void handle(Request request) {
    auto target = std::string{request.target()};
    auto mark = target.find('?');
    path_ = target.substr(0, mark);
    query_ = mark == std::string::npos ? std::string{} : target.substr(mark + 1);
    params_ = decode_query(query_);

    RecordedRequest record;
    record.method = std::string{request.method_string()};
    record.path = path_;
    record.query = query_;
    record.params = params_;
    for (const auto& field : request) {
      std::string name{field.name_string()};
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      record.headers[name] = std::string{field.value()};
    }
    record.body = request.body();
    record.tls = is_tls_stream<Stream>;
    record.websocket_upgrade = beast::websocket::is_upgrade(request);
    core_.state.record(std::move(record));

    auto decision = core_.state.decide(path_);
    if (decision.scripted) return write(*decision.scripted, core_.state.used_weight(), request);
    if (!decision.fault) return respond(std::move(request));
    switch (decision.fault->kind) {
      case FaultKind::drop_connection: {
        beast::error_code ec;
        socket().close(ec);
        return;
      }
      case FaultKind::go_silent:
        return core_.hold_silently(this->shared_from_this(), socket(), nullptr);
      case FaultKind::delay:
        request_ = std::move(request);
        timer_.expires_after(decision.fault->wait);
        return timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
          if (!ec) self->respond(std::move(*self->request_));
        });
      default:
        return write(fault_reply(*decision.fault), core_.state.used_weight(), request);
    }
  }

  void respond(Request request) {
    if (beast::websocket::is_upgrade(request)) {
      if (path_ == kWsApiPath) {
        auto ws = std::make_shared<WsSession<Stream>>(core_, std::move(stream_),
                                                      is_tls_stream<Stream>, StreamTarget{}, true);
        return ws->accept(std::move(request));
      }
      if (auto target = parse_stream_target(path_, params_)) {
        auto ws = std::make_shared<WsSession<Stream>>(core_, std::move(stream_),
                                                      is_tls_stream<Stream>, std::move(*target));
        return ws->accept(std::move(request));
      }
    }
    HttpCall call;
    call.method = std::string{request.method_string()};
    call.path = path_;
    call.query = query_;
    call.body = request.body();
    call.params = decode_query(call.body);
    for (const auto& [name, value] : params_) call.params[name] = value;  // the query wins
    if (auto key = request.find("X-MBX-APIKEY"); key != request.end()) {
      call.api_key = std::string{key->value()};
    }
    auto [reply, weight] = core_.state.rest(call);
    switch (reply.delivery) {
      case Delivery::answer:
        return write(reply, weight, request);
      case Delivery::hold_silently:
        return core_.hold_silently(this->shared_from_this(), socket(), nullptr);
      case Delivery::drop_connection: {
        beast::error_code ec;
        socket().close(ec);
        return;
      }
    }
  }

  void write(const Reply& reply, int used_weight, const Request& request) {
    response_.emplace(static_cast<http::status>(reply.status), request.version());
    auto& res = *response_;
    res.set(http::field::server, "fake-binance");
    res.set(http::field::content_type, "application/json;charset=UTF-8");
    res.set("X-MBX-USED-WEIGHT-1M", std::to_string(used_weight));
    for (const auto& [name, value] : reply.headers) res.set(name, value);
    res.keep_alive(request.keep_alive());
    if (request.method() != http::verb::head) res.body() = reply.body;
    res.prepare_payload();
    http::async_write(stream_, res,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_->keep_alive()) return self->close();
                        self->read();
                      });
  }

  // Ends the connection without TLS close_notify: clients read Content-Length, not the close.
  void close() {
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  ServerCore& core_;
  Stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer timer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<Request> request_;
  std::optional<http::response<http::string_body>> response_;
  std::string path_;
  std::string query_;
  Params params_;
};

}  // namespace autotrader::fakes::binance
