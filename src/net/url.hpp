#pragma once
// The URLs the outbound clients accept: http, https, ws and wss, with a host name, an IPv4
// literal or a bracketed IPv6 literal, an optional port and a target (path and query, sent as
// given). No user info, no fragments.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace autotrader::net {

struct Url {
  std::string scheme;  // lower case
  std::string host;    // without brackets
  std::uint16_t port = 0;
  std::string target = "/";

  bool tls() const { return scheme == "https" || scheme == "wss"; }
  bool websocket() const { return scheme == "ws" || scheme == "wss"; }
  // The Host header value: the port only when it is not the scheme's default.
  std::string host_header() const;
};

std::optional<Url> parse_url(std::string_view text);

}  // namespace autotrader::net
