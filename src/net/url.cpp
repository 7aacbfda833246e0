#include "net/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace autotrader::net {
namespace {

std::uint16_t default_port(const std::string& scheme) {
  return scheme == "https" || scheme == "wss" ? 443 : 80;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::string Url::host_header() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port == default_port(scheme)) return name;
  return name + ":" + std::to_string(port);
}

std::optional<Url> parse_url(std::string_view text) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  Url url;
  url.scheme = std::string{text.substr(0, sep)};
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (url.scheme != "http" && url.scheme != "https" && url.scheme != "ws" && url.scheme != "wss") {
    return std::nullopt;
  }
  std::string_view rest = text.substr(sep + 3);
  auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    url.target = std::string{rest.substr(slash)};
    if (url.target.front() == '?') url.target.insert(url.target.begin(), '/');
  }
  if (url.target.find_first_of(" \r\n#") != std::string::npos) return std::nullopt;
  if (authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host_text = authority;
  std::optional<std::string_view> port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host_text = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
    if (host_text.empty() ||
        host_text.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return std::nullopt;
    }
  } else {
    auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host_text = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    }
    if (host_text.empty() || !std::all_of(host_text.begin(), host_text.end(), host_char)) {
      return std::nullopt;
    }
  }
  url.host = std::string{host_text};
  url.port = default_port(url.scheme);
  if (port_text) {
    unsigned value = 0;
    const char* end = port_text->data() + port_text->size();
    auto [ptr, ec] = std::from_chars(port_text->data(), end, value);
    if (port_text->empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
      return std::nullopt;
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  return url;
}

}  // namespace autotrader::net
