#pragma once
// A small WebSocket client for the fake's tests (Beast, plain or TLS), with a deadline on every
// call and no sleeps. A read that times out stays pending, so the next read() picks up the frame
// that arrives later. Beast answers ping frames while a read is pending; a client that must not
// answer them simply does not read.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace autotrader::fakes::binance::test {

class WsTestClient {
 public:
  // Opens 127.0.0.1:port, then TLS when `ca_pem` is set (verifying the server against it), then
  // the WebSocket handshake for `target` ("/stream?streams=..."). error() says what failed.
  WsTestClient(std::uint16_t port, const std::string& target,
               std::optional<std::string> ca_pem = std::nullopt,
               std::chrono::milliseconds deadline = std::chrono::seconds{5});
  ~WsTestClient();
  WsTestClient(const WsTestClient&) = delete;
  WsTestClient& operator=(const WsTestClient&) = delete;

  bool connected() const;
  const std::string& error() const;  // the first failure; empty while all went well

  bool send(const std::string& text, std::chrono::milliseconds deadline = std::chrono::seconds{5});
  // The next text frame; nullopt when the deadline passes or the connection ends (see closed()).
  std::optional<std::string> read(std::chrono::milliseconds deadline = std::chrono::seconds{5});
  // Reads until a text frame contains `fragment`, dropping the frames before it.
  std::optional<std::string> read_until_contains(
      const std::string& fragment, std::chrono::milliseconds deadline = std::chrono::seconds{5});
  // Reads (and drops frames) until the server ends the connection; false if the deadline passes.
  bool wait_closed(std::chrono::milliseconds deadline);
  bool closed() const;                    // the server closed, reset or sent a close frame
  std::optional<int> close_code() const;  // from the server's close frame, if any
  std::size_t pings_received() const;
  std::string last_ping_payload() const;

 private:
  struct Impl;
  template <class Stream>
  struct StreamImpl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace autotrader::fakes::binance::test
