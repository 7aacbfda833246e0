#pragma once
// Errors of the net module, as values: start() and probe_bind() never throw, they return what
// went wrong with a message an operator can act on ("127.0.0.1:5000 is already in use").
#include <cstdint>
#include <string>
#include <utility>

namespace autotrader::net {

enum class errc : std::uint8_t {
  address_in_use = 1,
  address_not_available,  // the address is not one of this host's
  permission_denied,      // e.g. a port below 1024 without CAP_NET_BIND_SERVICE
  invalid_address,        // not an IPv4 or IPv6 literal
  already_running,        // start() on a running server
  invalid_options,        // e.g. max_connections == 0
  io_error,               // any other failure of socket(), bind() or listen()
};

// A stable lower-case name for logs and tests, e.g. "address_in_use".
const char* to_string(errc code);

// Success, or an error code with its message. Small and copyable; [[nodiscard]] because a
// server that failed to start must not go unnoticed.
class [[nodiscard]] Result {
 public:
  Result() = default;
  static Result failure(errc code, std::string message) { return Result{code, std::move(message)}; }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  // Only meaningful when !ok().
  errc code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Result(errc code, std::string message)
      : failed_{true}, code_{code}, message_{std::move(message)} {}

  bool failed_ = false;
  errc code_ = errc::io_error;
  std::string message_;
};

}  // namespace autotrader::net
