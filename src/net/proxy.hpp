#pragma once
// Forward-proxy settings of the outbound HTTP client: which proxy serves http:// and https://
// targets, the hosts that bypass it (NO_PROXY), and reading all of it from the usual environment
// variables. https:// targets go through a CONNECT tunnel (TLS end to end with the target);
// http:// targets are sent to the proxy in absolute form.
//
// Proxy credentials ("http://user:pass@proxy:3128") are sent only to the proxy, as
// Proxy-Authorization: Basic, and never appear in a log line or an error message: errors name a
// proxy by ProxyServer::name() (host:port) only. Pure functions, no sockets; any thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/secret.hpp"

namespace autotrader::net {

// One HTTP proxy (TLS to the proxy itself, SOCKS and PAC files are not supported).
struct ProxyServer {
  std::string host;  // without brackets
  std::uint16_t port = 80;
  std::string username;   // percent-decoded; empty: no Proxy-Authorization
  core::Secret password;  // percent-decoded

  // "host:port" ("[::1]:3128"), never the credentials: the one way a proxy appears in text.
  std::string name() const;
  // "Basic base64(user:password)" (RFC 7617), or "" without credentials.
  core::Secret authorization() const;
};

// "http://[user[:password]@]host[:port][/]", or the same without "http://" (as HTTPS_PROXY is
// often written). The port defaults to 80. nullopt for anything else, https:// and socks
// included; the reason is deliberately not echoed, as the text may hold a password.
std::optional<ProxyServer> parse_proxy_url(std::string_view text);

struct ProxyOptions {
  std::optional<ProxyServer> https;  // for https:// targets; none: connect directly
  std::optional<ProxyServer> http;   // for http:// targets
  // Hosts reached directly, matched like curl's NO_PROXY: "*" (everything), a domain
  // ("example.com" or ".example.com": that host and every name under it), an IP literal or an
  // IPv4/IPv6 CIDR block ("10.0.0.0/8"), each optionally with ":port" (then only that port).
  // Case-insensitive; host names are compared as written, never resolved.
  std::vector<std::string> no_proxy;
  // "localhost" and loopback addresses are reached directly whatever no_proxy says (as Go's
  // net/http does): a daemon's local model server or a test's fake is never behind the proxy.
  // Off only for tests of the proxy itself, which run it on loopback.
  bool direct_to_loopback = true;

  // The proxy for a request to scheme://host:port, or nullptr to connect directly.
  const ProxyServer* route(std::string_view scheme, std::string_view host,
                           std::uint16_t port) const;
};

// Whether a request to host:port bypasses the proxy under these NO_PROXY entries.
bool bypasses_proxy(const std::vector<std::string>& no_proxy, std::string_view host,
                    std::uint16_t port);

// "a.com, .b.org,10.0.0.0/8" -> entries; empty items dropped.
std::vector<std::string> split_no_proxy(std::string_view text);

struct ProxyEnvironment {
  ProxyOptions options;
  // One line per variable that is set but unusable, naming the variable, never its value
  // ("HTTPS_PROXY: not an http:// proxy URL"). That proxy is then unset.
  std::vector<std::string> errors;
};

// From https_proxy / HTTPS_PROXY, http_proxy / HTTP_PROXY and no_proxy / NO_PROXY, the lower-case
// name first (as curl reads them); empty values count as unset. ALL_PROXY is not read.
ProxyEnvironment proxy_from_environment(const std::map<std::string, std::string>& environment);
// The same from the process environment.
ProxyEnvironment proxy_from_environment();

}  // namespace autotrader::net
