#include "tests/fakes/binance/ws_test_client.hpp"

#include <deque>
#include <type_traits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace autotrader::fakes::binance::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct WsTestClient::Impl {
  virtual ~Impl() = default;

  // Runs handlers until `done()` or the deadline; false on timeout.
  template <typename Done>
  bool run_until(Done done, std::chrono::milliseconds deadline) {
    auto until = Clock::now() + deadline;
    while (!done()) {
      if (Clock::now() >= until) return false;
      if (ioc.stopped()) ioc.restart();
      ioc.run_one_until(until);
    }
    return true;
  }

  void fail(const std::string& what, beast::error_code ec) {
    if (error.empty()) error = what + ": " + ec.message();
  }

  virtual void open(std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds deadline) = 0;
  virtual void start_read() = 0;
  virtual void start_write() = 0;  // sends `outgoing`, then sets write_done

  asio::io_context ioc;
  std::optional<asio::ssl::context> ssl;
  std::string error;
  bool connected = false;
  bool closed = false;
  bool reading = false;
  std::optional<int> close_code;
  std::deque<std::string> frames;
  std::size_t pings = 0;
  std::string last_ping;
  std::string outgoing;
  bool write_done = true;
};

template <class Stream>
struct WsTestClient::StreamImpl : WsTestClient::Impl {
  explicit StreamImpl(const std::optional<std::string>& ca_pem) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      auto& context = ssl.emplace(asio::ssl::context::tls_client);
      beast::error_code ec;
      context.add_certificate_authority(asio::buffer(*ca_pem), ec);
      if (ec) fail("certificate authority", ec);
      context.set_verify_mode(asio::ssl::verify_peer);
      ws.emplace(ioc, context);
    } else {
      ws.emplace(ioc);
    }
    ws->control_callback([this](websocket::frame_type kind, beast::string_view payload) {
      if (kind == websocket::frame_type::ping) {
        ++pings;
        last_ping = std::string{payload};
      }
    });
  }

  // Runs one asynchronous step; false (with error set) when it fails or times out.
  template <typename Start>
  bool step(const char* what, std::chrono::milliseconds deadline, Start start) {
    bool done = false;
    start([this, &done, what](beast::error_code ec, auto&&...) {
      done = true;
      if (ec) fail(what, ec);
    });
    if (!run_until([&] { return done; }, deadline)) {
      if (error.empty()) error = std::string{what} + ": timed out";
      return false;
    }
    return error.empty();
  }

  void open(std::uint16_t port, const std::string& target,
            std::chrono::milliseconds deadline) override {
    if (!error.empty()) return;
    tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), port};
    auto& lowest = beast::get_lowest_layer(*ws);
    if (!step("connect", deadline, [&](auto h) { lowest.async_connect(endpoint, std::move(h)); })) {
      return;
    }
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      auto& tls = ws->next_layer();
      // Verify the certificate for the address we dialled (the fake's SAN lists 127.0.0.1).
      tls.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
      if (!step("tls handshake", deadline, [&](auto h) {
            tls.async_handshake(asio::ssl::stream_base::client, std::move(h));
          })) {
        return;
      }
    }
    connected = step("websocket handshake", deadline, [&](auto h) {
      ws->async_handshake("127.0.0.1:" + std::to_string(port), target, std::move(h));
    });
  }

  void start_read() override {
    if (reading || closed) return;
    reading = true;
    ws->async_read(buffer, [this](beast::error_code ec, std::size_t) {
      reading = false;
      if (ec) {
        closed = true;
        if (ec == websocket::error::closed) close_code = ws->reason().code;
        return;
      }
      frames.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    });
  }

  void start_write() override {
    write_done = false;
    ws->text(true);
    ws->async_write(asio::buffer(outgoing), [this](beast::error_code ec, std::size_t) {
      write_done = true;
      if (ec) fail("write", ec);
    });
  }

  std::optional<websocket::stream<Stream>> ws;
  beast::flat_buffer buffer;
};

WsTestClient::WsTestClient(std::uint16_t port, const std::string& target,
                           std::optional<std::string> ca_pem, std::chrono::milliseconds deadline) {
  if (ca_pem) {
    impl_ = std::make_unique<StreamImpl<TlsStream>>(ca_pem);
  } else {
    impl_ = std::make_unique<StreamImpl<beast::tcp_stream>>(ca_pem);
  }
  impl_->open(port, target, deadline);
}

WsTestClient::~WsTestClient() = default;

bool WsTestClient::connected() const {
  return impl_->connected;
}
const std::string& WsTestClient::error() const {
  return impl_->error;
}

bool WsTestClient::send(const std::string& text, std::chrono::milliseconds deadline) {
  if (!impl_->connected || impl_->closed || !impl_->write_done) return false;
  impl_->outgoing = text;
  impl_->start_write();
  if (!impl_->run_until([&] { return impl_->write_done; }, deadline)) {
    impl_->fail("write", beast::error::timeout);
    return false;
  }
  return impl_->error.empty();
}

std::optional<std::string> WsTestClient::read(std::chrono::milliseconds deadline) {
  if (!impl_->connected) return std::nullopt;
  if (impl_->frames.empty()) {
    impl_->start_read();
    impl_->run_until([&] { return !impl_->frames.empty() || impl_->closed; }, deadline);
  }
  if (impl_->frames.empty()) return std::nullopt;
  auto frame = std::move(impl_->frames.front());
  impl_->frames.pop_front();
  return frame;
}

std::optional<std::string> WsTestClient::read_until_contains(const std::string& fragment,
                                                             std::chrono::milliseconds deadline) {
  auto until = Clock::now() + deadline;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = read(left);
    if (!frame) return std::nullopt;
    if (frame->find(fragment) != std::string::npos) return frame;
  }
}

bool WsTestClient::wait_closed(std::chrono::milliseconds deadline) {
  auto until = Clock::now() + deadline;
  while (!impl_->closed) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) return false;
    read(left);
  }
  return true;
}

bool WsTestClient::closed() const {
  return impl_->closed;
}
std::optional<int> WsTestClient::close_code() const {
  return impl_->close_code;
}
std::size_t WsTestClient::pings_received() const {
  return impl_->pings;
}
std::string WsTestClient::last_ping_payload() const {
  return impl_->last_ping;
}

}  // namespace autotrader::fakes::binance::test
