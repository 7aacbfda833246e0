#pragma once
// The one-line messages an operator sees when the server cannot listen, shared by
// HttpServer::start() and probe_bind() so that both say exactly the same thing.
#include <cstdint>
#include <string>

#include "net/errc.hpp"

namespace autotrader::net {

// "127.0.0.1:5000", or "[::1]:5000" for IPv6.
std::string host_port(const std::string& address, std::uint16_t port);

// The failure for an address that is not an IPv4 or IPv6 literal.
Result invalid_address(const std::string& address);

// The failure for socket()/bind()/listen() failing with `error_number` (an errno value);
// `system_message` is used for errors without a dedicated message.
Result bind_failure(const std::string& address, std::uint16_t port, int error_number,
                    const std::string& system_message);

}  // namespace autotrader::net
