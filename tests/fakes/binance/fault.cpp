#include "tests/fakes/binance/fault.hpp"

namespace autotrader::fakes::binance {

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::drop_connection:
      return "drop_connection";
    case FaultKind::go_silent:
      return "go_silent";
    case FaultKind::delay:
      return "delay";
    case FaultKind::too_many_requests:
      return "too_many_requests";
    case FaultKind::ip_banned:
      return "ip_banned";
    case FaultKind::server_error:
      return "server_error";
    case FaultKind::malformed_body:
      return "malformed_body";
    case FaultKind::invalid_timestamp:
      return "invalid_timestamp";
    case FaultKind::scripted_reply:
      return "scripted_reply";
    case FaultKind::accept_then_timeout:
      return "accept_then_timeout";
    case FaultKind::accept_then_server_error:
      return "accept_then_server_error";
    case FaultKind::accept_then_drop:
      return "accept_then_drop";
    case FaultKind::order_rejected:
      return "order_rejected";
    case FaultKind::delayed_visibility:
      return "delayed_visibility";
  }
  return "unknown";
}

}  // namespace autotrader::fakes::binance
