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
  }
  return "unknown";
}

}  // namespace autotrader::fakes::binance
