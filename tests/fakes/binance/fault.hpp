#pragma once
// Faults the fake Binance server injects on request, each one counted (like Envoy's fault filter),
// so a test can assert both that its client coped and that the fault really happened.
#include <chrono>
#include <string>
#include <string_view>

namespace autotrader::fakes::binance {

enum class FaultKind {
  drop_connection,    // close the TCP connection without an answer (HTTP), or abruptly (WS)
  go_silent,          // keep TCP open and send nothing at all
  delay,              // answer normally, late
  too_many_requests,  // 429 + Retry-After, code -1003
  ip_banned,          // 418 + Retry-After, code -1003
  server_error,       // a 5xx with a Binance error body
  malformed_body,     // 200 with a truncated JSON body (HTTP) or a non-JSON text frame (WS)
  invalid_timestamp,  // 400, code -1021
  scripted_reply,     // a reply set by when(path).reply(...)
  // Order faults (fail_next_orders): the order request is executed (or rejected) by the exchange
  // as usual, then the answer goes wrong.
  accept_then_timeout,       // no answer; the connection stays open until the client gives up
  accept_then_server_error,  // a 5xx with an HTML body instead of the answer
  accept_then_drop,          // the TCP connection closes without an answer
  order_rejected,            // refused before the exchange sees it (-2010, -1021, -1013)
  delayed_visibility,        // accepted, but GET /api/v3/order does not find it for a while
};
inline constexpr std::size_t kFaultKindCount = 14;

std::string_view to_string(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::drop_connection;
  int status = 0;                       // too_many_requests, ip_banned, server_error
  std::chrono::seconds retry_after{0};  // too_many_requests, ip_banned
  std::chrono::milliseconds wait{0};    // delay

  static Fault drop_connection() { return {FaultKind::drop_connection}; }
  static Fault go_silent() { return {FaultKind::go_silent}; }
  static Fault delay(std::chrono::milliseconds wait) {
    return {FaultKind::delay, 0, std::chrono::seconds{0}, wait};
  }
  static Fault too_many_requests(std::chrono::seconds retry_after) {
    return {FaultKind::too_many_requests, 429, retry_after};
  }
  static Fault ip_banned(std::chrono::seconds retry_after) {
    return {FaultKind::ip_banned, 418, retry_after};
  }
  static Fault server_error(int status = 503) { return {FaultKind::server_error, status}; }
  static Fault malformed_body() { return {FaultKind::malformed_body, 200}; }
  static Fault invalid_timestamp() { return {FaultKind::invalid_timestamp, 400}; }
};

// A fault for the next order requests (POST /api/v3/order and POST /api/v3/orderList/oco; not
// order/test). Each order request that passes the key, signature, timestamp and parameter checks
// uses up one, whatever the exchange then decides; requests refused before do not.
struct OrderFault {
  FaultKind kind = FaultKind::accept_then_timeout;
  int status = 0;   // accept_then_server_error: the HTTP status
  int code = 0;     // order_rejected: the Binance code
  int queries = 0;  // delayed_visibility: how many GET /api/v3/order answer -2013 first

  static OrderFault accept_then_timeout() { return {FaultKind::accept_then_timeout}; }
  static OrderFault accept_then_server_error(int status = 503) {
    return {FaultKind::accept_then_server_error, status};
  }
  static OrderFault accept_then_drop() { return {FaultKind::accept_then_drop}; }
  // -2010 ("Account has insufficient balance for requested action."), -1021 ("Timestamp for
  // this request is outside of the recvWindow.") or -1013 ("Filter failure: LOT_SIZE").
  static OrderFault reject(int code) { return {FaultKind::order_rejected, 400, code}; }
  // The order is placed and answered normally, but the first `queries` GET /api/v3/order for it
  // answer -2013, as Binance's "Memory => Database" lag can.
  static OrderFault delayed_visibility(int queries) {
    return {FaultKind::delayed_visibility, 0, 0, queries};
  }
};

}  // namespace autotrader::fakes::binance
