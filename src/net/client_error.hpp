#pragma once
// Errors of the outbound clients (HttpsClient, WebSocketClient), as values delivered to their
// callbacks, with a message naming the peer ("connect to api.binance.com:443: timed out").
#include <cstdint>
#include <string>

namespace autotrader::net {

enum class client_errc : std::uint8_t {
  invalid_url = 1,   // not http(s):// or ws(s)://, or no host
  resolve_failed,    // DNS
  connect_failed,    // TCP
  tls_failed,        // TLS handshake, including certificate verification
  handshake_failed,  // the WebSocket upgrade, or a proxy's CONNECT, was refused
  timeout,           // a connect, handshake, read or total deadline passed
  too_large,         // a response or message above the configured cap
  protocol_error,    // malformed HTTP or WebSocket data
  closed,            // the peer closed the connection (or the WebSocket close handshake ran)
  cancelled,         // cancel() / close() by us
  io_error,          // any other socket failure
};

// A stable lower-case name for logs and metric labels, e.g. "tls_failed".
const char* to_string(client_errc code);

struct ClientError {
  client_errc code = client_errc::io_error;
  std::string message;
};

}  // namespace autotrader::net
