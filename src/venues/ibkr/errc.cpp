#include "venues/ibkr/errc.hpp"

namespace autotrader::ibkr {

const char* to_string(errc code) {
  switch (code) {
    case errc::frame_too_large:
      return "frame_too_large";
    case errc::empty_frame:
      return "empty_frame";
    case errc::malformed_frame:
      return "malformed_frame";
    case errc::missing_field:
      return "missing_field";
    case errc::invalid_field:
      return "invalid_field";
    case errc::bad_handshake:
      return "bad_handshake";
    case errc::unsupported_version:
      return "unsupported_version";
  }
  return "unknown";
}

}  // namespace autotrader::ibkr
