#pragma once
// Internal to server.cpp: one WebSocket connection, a market stream or the WebSocket API
// (/ws-api/v3). Reads control messages (or WebSocket API requests) and answers them; sends
// events (user-data events once a WebSocket API connection subscribed), ping frames (every
// ping_interval; no pong within pong_timeout -> disconnect, as Binance does) and a close frame at
// max_connection_age. Writes go through one queue because Beast allows a single write at a time.
#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/fakes/binance/server_core.hpp"

namespace autotrader::fakes::binance {

template <class Stream>
class WsSession : public WsSessionBase, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  using Request = beast::http::request<beast::http::string_body>;

  WsSession(ServerCore& core, Stream&& stream, bool tls, StreamTarget target, bool ws_api = false)
      : core_(core),
        ws_(std::move(stream)),
        tls_(tls),
        ws_api_(ws_api),
        subscriptions_(std::move(target)),
        id_(core.next_id++),
        ping_timer_(core.ioc),
        age_timer_(core.ioc) {}

  void accept(Request request) {
    request_ = std::move(request);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(beast::websocket::stream_base::timeout{
        std::chrono::seconds(30), beast::websocket::stream_base::none(), false});
    ws_.control_callback([this](beast::websocket::frame_type kind, beast::string_view) {
      if (kind != beast::websocket::frame_type::pong) return;
      awaiting_pong_since_.reset();
      core_.state.ws_pong(id_);
    });
    ws_.async_accept(
        request_, [self = this->shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  std::uint64_t id() const override { return id_; }
  const StreamSubscriptions& subscriptions() const override { return subscriptions_; }

  void send_text(std::string text) override { enqueue(Item{Item::text, std::move(text)}); }

  void drop() override {
    beast::error_code ec;
    socket().close(ec);
    finish();
  }

  void go_silent() override {
    if (finished_ || silent_) return;
    silent_ = true;
    ping_timer_.cancel();
    age_timer_.cancel();
    // Abort the pending read and write: their handlers see silent_ and leave the socket alone.
    beast::error_code ec;
    socket().cancel(ec);
    core_.ws_sessions.erase(id_);
    core_.state.ws_silenced(id_);
    auto& state = core_.state;
    auto id = id_;
    core_.hold_silently(this->shared_from_this(), socket(), [&state, id] { state.ws_closed(id); });
  }

  void close_going_away() override { enqueue(Item{Item::close, {}}); }
  bool is_ws_api() const override { return ws_api_; }
  std::optional<std::int64_t> user_data_subscription() const override {
    return api_session_.subscription;
  }

 private:
  struct Item {
    enum Kind { text, ping, close } kind;
    std::string payload;
  };

  tcp::socket& socket() { return beast::get_lowest_layer(ws_).socket(); }

  void on_accept(beast::error_code ec) {
    if (ec) return;
    core_.ws_sessions[id_] = this->shared_from_this();
    WsConnectionInfo info;
    info.id = id_;
    info.target = std::string{request_.target()};
    info.tls = tls_;
    info.combined = subscriptions_.combined();
    info.streams = subscriptions_.streams();
    info.ws_api = ws_api_;
    core_.state.ws_opened(std::move(info));
    read();
    schedule_ping();
    age_timer_.expires_after(core_.options.max_connection_age);
    age_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec && !self->silent_) self->close_going_away();
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (silent_) return;
    if (ec) return finish();
    auto text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    core_.state.ws_message(id_, text);
    if (ws_api_) {
      auto reply = core_.state.ws_api(text, api_session_);
      core_.state.ws_user_data(id_, api_session_.subscription);
      send_text(std::move(reply));
      return read();
    }
    auto reply = subscriptions_.handle_control(text);
    core_.state.ws_changed(id_, subscriptions_.combined(), subscriptions_.streams());
    send_text(std::move(reply));
    read();
  }

  void schedule_ping() {
    ping_timer_.expires_after(core_.options.ping_interval);
    ping_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->silent_ || self->finished_) return;
      self->on_ping_due();
    });
  }

  void on_ping_due() {
    auto now = std::chrono::steady_clock::now();
    if (awaiting_pong_since_ && now - *awaiting_pong_since_ > core_.options.pong_timeout) {
      return drop();  // Binance: no pong within a minute -> disconnect
    }
    if (!awaiting_pong_since_) awaiting_pong_since_ = now;
    enqueue(Item{Item::ping, std::to_string(++pings_)});
    core_.state.ws_ping_sent();
    schedule_ping();
  }

  void enqueue(Item item) {
    if (silent_ || finished_) return;
    outbox_.push_back(std::move(item));
    if (!writing_) write_next();
  }

  void write_next() {
    if (outbox_.empty() || silent_ || finished_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    auto done = [self = this->shared_from_this()](beast::error_code ec, auto&&...) {
      self->on_write(ec);
    };
    auto& item = outbox_.front();
    switch (item.kind) {
      case Item::text:
        ws_.text(true);
        return ws_.async_write(asio::buffer(item.payload), std::move(done));
      case Item::ping:
        return ws_.async_ping(beast::websocket::ping_data{item.payload.c_str()}, std::move(done));
      case Item::close:
        return ws_.async_close(beast::websocket::close_code::going_away, std::move(done));
    }
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    if (silent_) return;
    if (!outbox_.empty()) outbox_.pop_front();
    if (ec) return finish();
    write_next();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    ping_timer_.cancel();
    age_timer_.cancel();
    if (!writing_) outbox_.clear();  // a write in flight still reads its payload
    core_.ws_sessions.erase(id_);
    core_.state.ws_closed(id_);
  }

  ServerCore& core_;
  beast::websocket::stream<Stream> ws_;
  bool tls_;
  bool ws_api_;
  WsApiSession api_session_;
  StreamSubscriptions subscriptions_;
  std::uint64_t id_;
  Request request_;
  beast::flat_buffer buffer_;
  asio::steady_timer ping_timer_;
  asio::steady_timer age_timer_;
  std::deque<Item> outbox_;
  bool writing_ = false;
  bool silent_ = false;
  bool finished_ = false;
  std::size_t pings_ = 0;
  std::optional<std::chrono::steady_clock::time_point> awaiting_pong_since_;
};

}  // namespace autotrader::fakes::binance
