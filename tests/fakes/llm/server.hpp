#pragma once
// Internal: the fake's network side. An acceptor on 127.0.0.1 and HTTP/1.1 sessions (plain, or
// TLS told apart by the first bytes) on one I/O thread; each request goes to handle_request()
// and the session carries out the Plan with timers: a delay, a trickle, a hung connection and a
// reset never block the thread. Beast and Asio stay in server.cpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tests/fakes/llm/state.hpp"

namespace autotrader::fakes::llm {

class Server {
 public:
  Server(State& state, FakeLlmOptions options);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::optional<std::string> start();
  void stop();  // closes every connection, joins the thread; idempotent
  std::uint16_t port() const;

 private:
  struct Running;
  State& state_;
  FakeLlmOptions options_;
  std::unique_ptr<Running> running_;
};

}  // namespace autotrader::fakes::llm
