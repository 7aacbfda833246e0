#pragma once
// Errors of the TWS socket protocol codec, as values: the frame reader, the handshake and every
// message decoder return what went wrong (which message, which field) instead of throwing, so the
// connection can count it, log it once and decide whether the socket is still usable.
#include <cstdint>
#include <string>
#include <utility>

#include "core/expected.hpp"

namespace autotrader::ibkr {

enum class errc : std::uint8_t {
  frame_too_large = 1,  // a length prefix above the reader's maximum (the stream is unusable)
  empty_frame,          // a length prefix of 0: no message id (the stream is unusable)
  malformed_frame,      // a payload that is not NUL-terminated fields
  missing_field,        // the message ends before a field its layout requires
  invalid_field,        // a field that is not of its type (integer, decimal, boolean, ...)
  bad_handshake,        // not "API\0", or not "v<min>..<max>"
  unsupported_version,  // a server version outside the range we accept
};

// A stable lower-case name for logs and metric labels, e.g. "missing_field".
const char* to_string(errc code);

struct Error {
  errc code = errc::malformed_frame;
  std::string message;  // what and where, e.g. "orderStatus: field 3 (filled) is not a decimal"
};

// A value or an Error (core/expected.hpp).
template <class T>
using Expected = core::Expected<T, Error>;

inline Error make_error(errc code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace autotrader::ibkr
