#pragma once
// One outbound WebSocket connection (Beast over TCP, or TLS with SNI and peer verification; ws://
// for loopback tests): connect with connect and handshake timeouts, receive messages by callback,
// send text, close. Pings are answered by Beast automatically (the pong copies the payload, as
// Binance requires) and reported, since they prove the connection alive.
//
// Callbacks run on the ClientContext's I/O thread, in order: on_open at most once, then
// on_message/on_ping, then on_close exactly once per connect() (unless the context stops first),
// carrying why it ended (client_errc::cancelled after our close()). They must not capture
// anything that dies with the caller: an actor captures its handle and sends itself a message.
//
// Thread-safety: connect(), send() and close() may be called from any thread. One connection per
// object. The Beast implementation is in websocket_client.cpp.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "net/client_context.hpp"
#include "net/client_error.hpp"

namespace autotrader::net {

struct WebSocketOptions {
  // Resolve, TCP connect and the TLS handshake together.
  std::chrono::milliseconds connect_timeout{10'000};
  // The HTTP upgrade, and later the closing handshake.
  std::chrono::milliseconds handshake_timeout{10'000};
  std::size_t max_message_bytes = 1 << 20;
  std::string user_agent = "autotrader";
};

struct WebSocketHandlers {
  std::function<void()> on_open;
  std::function<void(std::string message)> on_message;
  std::function<void()> on_ping;
  std::function<void(ClientError reason)> on_close;
};

class WebSocketClient {
 public:
  WebSocketClient(std::shared_ptr<ClientContext> context, WebSocketOptions options = {});
  ~WebSocketClient();  // close()
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Starts connecting to a ws:// or wss:// URL. A second call is ignored.
  void connect(const std::string& url, WebSocketHandlers handlers);
  // Queues a text message; dropped unless the connection is open.
  void send(std::string text);
  // Starts the closing handshake (or abandons the connect); on_close follows with cancelled.
  void close();

  class Session;

 private:
  std::shared_ptr<ClientContext> context_;
  WebSocketOptions options_;
  std::shared_ptr<Session> session_;
};

}  // namespace autotrader::net
