#pragma once
// Errors of the Binance module, as values: decoders and the plain state machines never throw on
// bad input; they return what went wrong so the feed can count it, log it once and go on.
#include <cstdint>
#include <string>
#include <utility>

#include "core/expected.hpp"

namespace autotrader::binance {

enum class errc : std::uint8_t {
  malformed_json = 1,  // not JSON at all, or truncated
  missing_field,       // a documented field is absent
  invalid_field,       // a field has the wrong JSON type or an unusable value
  unexpected_shape,    // valid JSON that is none of the documented messages
  api_error,           // Binance answered {"code":..,"msg":..}
};

// A stable lower-case name for logs and metric labels, e.g. "missing_field".
const char* to_string(errc code);

struct Error {
  errc code = errc::malformed_json;
  std::string message;  // what and where, e.g. "kline: field 'k.o' is not a decimal"
};

// A value or an Error (core/expected.hpp).
template <class T>
using Expected = core::Expected<T, Error>;

inline Error make_error(errc code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace autotrader::binance
