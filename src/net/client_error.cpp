#include "net/client_error.hpp"

namespace autotrader::net {

const char* to_string(client_errc code) {
  switch (code) {
    case client_errc::invalid_url:
      return "invalid_url";
    case client_errc::resolve_failed:
      return "resolve_failed";
    case client_errc::connect_failed:
      return "connect_failed";
    case client_errc::tls_failed:
      return "tls_failed";
    case client_errc::handshake_failed:
      return "handshake_failed";
    case client_errc::timeout:
      return "timeout";
    case client_errc::too_large:
      return "too_large";
    case client_errc::protocol_error:
      return "protocol_error";
    case client_errc::closed:
      return "closed";
    case client_errc::cancelled:
      return "cancelled";
    case client_errc::io_error:
      return "io_error";
  }
  return "unknown";
}

}  // namespace autotrader::net
