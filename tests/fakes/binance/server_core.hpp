#pragma once
// Internal to server.cpp: what every session of one running server shares. Touched on the I/O
// thread only (State has its own lock).
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "tests/fakes/binance/server.hpp"

namespace autotrader::fakes::binance {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct ServerCore {
  ServerCore(State& s, const FakeBinanceOptions& o) : state(s), options(o) {}

  State& state;
  const FakeBinanceOptions& options;
  std::optional<asio::ssl::context> ssl;  // before ioc: TLS sessions die with ioc
  asio::io_context ioc{1};
  std::map<std::uint64_t, std::shared_ptr<WsSessionBase>> ws_sessions;
  std::uint64_t next_id = 1;

  struct Held {
    std::shared_ptr<void> owner;
    tcp::socket* socket;
  };
  std::map<std::uint64_t, Held> held;

  // Keeps a connection nobody answers any more alive with its socket open, reading and discarding
  // what the peer sends, until the peer closes it (then `on_closed` runs) or the server stops.
  void hold_silently(std::shared_ptr<void> owner, tcp::socket& socket,
                     std::function<void()> on_closed);
};

// Reads and discards from a held socket; owned only by its pending read, so it disappears with it.
struct SilentReader : std::enable_shared_from_this<SilentReader> {
  SilentReader(ServerCore& c, std::uint64_t k, tcp::socket& s, std::function<void()> f)
      : core(c), key(k), socket(s), on_closed(std::move(f)) {}

  void read() {
    socket.async_read_some(
        asio::buffer(scratch),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }
  void on_read(beast::error_code ec) {
    if (!ec) return read();
    if (core.held.erase(key) && on_closed) on_closed();
  }

  ServerCore& core;
  std::uint64_t key;
  tcp::socket& socket;
  std::function<void()> on_closed;
  std::array<char, 4096> scratch{};
};

inline void ServerCore::hold_silently(std::shared_ptr<void> owner, tcp::socket& socket,
                                      std::function<void()> on_closed) {
  auto key = next_id++;
  held[key] = Held{std::move(owner), &socket};
  std::make_shared<SilentReader>(*this, key, socket, std::move(on_closed))->read();
}

}  // namespace autotrader::fakes::binance
