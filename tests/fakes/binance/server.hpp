#pragma once
// The fake's network side: an acceptor on 127.0.0.1, HTTP sessions (plain or TLS, told apart by
// the first bytes) and WebSocket sessions, all on one I/O thread. Beast and Asio live in
// server.cpp and the session headers it includes; this header is Boost-free.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/state.hpp"
#include "tests/fakes/binance/ws_streams.hpp"

namespace autotrader::fakes::binance {

// One accepted WebSocket connection, as the I/O thread sees it. Every method runs on the I/O
// thread only.
class WsSessionBase {
 public:
  virtual ~WsSessionBase() = default;
  virtual std::uint64_t id() const = 0;
  virtual const StreamSubscriptions& subscriptions() const = 0;
  virtual void send_text(std::string text) = 0;
  virtual void drop() = 0;              // close TCP abruptly
  virtual void go_silent() = 0;         // stop reading and writing, keep TCP open
  virtual void close_going_away() = 0;  // close frame 1001
  virtual bool is_ws_api() const = 0;   // a /ws-api/v3 connection
  // The connection's active user-data subscription (WebSocket API only).
  virtual std::optional<std::int64_t> user_data_subscription() const = 0;
};

class Server {
 public:
  Server(State& state, FakeBinanceOptions options);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::optional<std::string> start();
  void stop();
  std::uint16_t port() const;

  // Runs `fn` on the I/O thread for every open, non-silent WebSocket session and returns when it
  // has; does nothing while the server is stopped.
  void for_each_ws(const std::function<void(WsSessionBase&)>& fn);

 private:
  struct Running;
  State& state_;
  FakeBinanceOptions options_;
  std::unique_ptr<Running> running_;
};

}  // namespace autotrader::fakes::binance
