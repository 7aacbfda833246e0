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
};
inline constexpr std::size_t kFaultKindCount = 9;

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

}  // namespace autotrader::fakes::binance
