#include "net/bind_error.hpp"

#include <cerrno>

namespace autotrader::net {

std::string host_port(const std::string& address, std::uint16_t port) {
  if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
  return address + ":" + std::to_string(port);
}

Result invalid_address(const std::string& address) {
  return Result::failure(errc::invalid_address, "invalid bind address '" + address +
                                                    "': expected an IPv4 or IPv6 address");
}

Result bind_failure(const std::string& address, std::uint16_t port, int error_number,
                    const std::string& system_message) {
  const std::string where = host_port(address, port);
  switch (error_number) {
    case EADDRINUSE:
      return Result::failure(errc::address_in_use, where + " is already in use");
    case EADDRNOTAVAIL:
      return Result::failure(errc::address_not_available,
                             "cannot assign " + where + ": the address is not on this host");
    case EACCES:
    case EPERM:
      return Result::failure(
          errc::permission_denied,
          "permission denied to listen on " + where +
              (port != 0 && port < 1024 ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
                                        : ""));
    default:
      return Result::failure(errc::io_error, "cannot listen on " + where + ": " + system_message);
  }
}

}  // namespace autotrader::net
