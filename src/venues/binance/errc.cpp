#include "venues/binance/errc.hpp"

namespace autotrader::binance {

const char* to_string(errc code) {
  switch (code) {
    case errc::malformed_json:
      return "malformed_json";
    case errc::missing_field:
      return "missing_field";
    case errc::invalid_field:
      return "invalid_field";
    case errc::unexpected_shape:
      return "unexpected_shape";
    case errc::api_error:
      return "api_error";
  }
  return "unknown";
}

}  // namespace autotrader::binance
