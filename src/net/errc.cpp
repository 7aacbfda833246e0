#include "net/errc.hpp"

namespace autotrader::net {

const char* to_string(errc code) {
  switch (code) {
    case errc::address_in_use:
      return "address_in_use";
    case errc::address_not_available:
      return "address_not_available";
    case errc::permission_denied:
      return "permission_denied";
    case errc::invalid_address:
      return "invalid_address";
    case errc::already_running:
      return "already_running";
    case errc::invalid_options:
      return "invalid_options";
    case errc::io_error:
      return "io_error";
  }
  return "unknown";
}

}  // namespace autotrader::net
