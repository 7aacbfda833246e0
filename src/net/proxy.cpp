#include "net/proxy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <utility>

#include "net/url.hpp"

namespace autotrader::net {
namespace {

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = hex_value(text[i + 1]);
    int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
             static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
             static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
    out += alphabet[n & 63];
  }
  if (i < bytes.size()) {
    auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) {
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += i + 1 < bytes.size() ? alphabet[n >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

// An IPv4 or IPv6 literal as bytes (4 or 16 of them), or nothing for a host name.
struct IpAddress {
  std::array<unsigned char, 16> bytes{};
  std::size_t size = 0;
};

std::optional<IpAddress> parse_ip(const std::string& text) {
  IpAddress ip;
  if (::inet_pton(AF_INET, text.c_str(), ip.bytes.data()) == 1) {
    ip.size = 4;
    return ip;
  }
  if (::inet_pton(AF_INET6, text.c_str(), ip.bytes.data()) == 1) {
    ip.size = 16;
    return ip;
  }
  return std::nullopt;
}

bool in_block(const IpAddress& ip, const IpAddress& block, unsigned prefix) {
  if (ip.size != block.size || prefix > ip.size * 8) return false;
  for (std::size_t i = 0; i < ip.size && prefix > 0; ++i) {
    unsigned bits = std::min(prefix, 8u);
    auto mask = static_cast<unsigned char>(0xFF << (8 - bits));
    if ((ip.bytes[i] & mask) != (block.bytes[i] & mask)) return false;
    prefix -= bits;
  }
  return true;
}

std::string strip_dots(std::string text) {
  while (!text.empty() && text.back() == '.') text.pop_back();
  while (!text.empty() && text.front() == '.') text.erase(text.begin());
  return text;
}

// One NO_PROXY entry against a lower-case host (brackets and trailing dot removed).
bool matches(std::string_view raw_entry, const std::string& host,
             const std::optional<IpAddress>& host_ip, std::uint16_t port) {
  std::string entry = lower(trim(raw_entry));
  if (entry == "*") return true;
  std::string name = entry;
  std::optional<std::string_view> port_text;
  if (!entry.empty() && entry.front() == '[') {
    auto close = entry.find(']');
    if (close == std::string::npos) return false;
    name = entry.substr(1, close - 1);
    std::string_view after = std::string_view{entry}.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port_text = after.substr(1);
    }
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    auto colon = entry.find(':');
    name = entry.substr(0, colon);
    port_text = std::string_view{entry}.substr(colon + 1);
  }
  if (port_text) {
    auto entry_port = parse_port(*port_text);
    if (!entry_port || *entry_port != port) return false;
  }
  if (auto slash = name.find('/'); slash != std::string::npos) {
    auto block = parse_ip(name.substr(0, slash));
    unsigned prefix = 0;
    std::string_view bits = std::string_view{name}.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (!block || !host_ip || bits.empty() || ec != std::errc{} ||
        ptr != bits.data() + bits.size()) {
      return false;
    }
    return in_block(*host_ip, *block, prefix);
  }
  if (auto ip = parse_ip(name)) {
    return host_ip && ip->size == host_ip->size &&
           std::equal(ip->bytes.begin(), ip->bytes.begin() + ip->size, host_ip->bytes.begin());
  }
  name = strip_dots(std::move(name));
  if (name.empty()) return false;
  if (host == name) return true;
  return host.size() > name.size() &&
         host.compare(host.size() - name.size(), name.size(), name) == 0 &&
         host[host.size() - name.size() - 1] == '.';
}

// The first of the two variables that is set and not blank: {name, value}.
std::optional<std::pair<const char*, std::string_view>> lookup(
    const std::map<std::string, std::string>& environment, const char* lower_name,
    const char* upper_name) {
  for (const char* name : {lower_name, upper_name}) {
    auto it = environment.find(name);
    if (it != environment.end() && !trim(it->second).empty()) {
      return std::make_pair(name, std::string_view{it->second});
    }
  }
  return std::nullopt;
}

}  // namespace

std::string ProxyServer::name() const {
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return shown + ":" + std::to_string(port);
}

core::Secret ProxyServer::authorization() const {
  if (username.empty() && password.empty()) return core::Secret{};
  return core::Secret{"Basic " + base64(username + ":" + password.reveal())};
}

std::optional<ProxyServer> parse_proxy_url(std::string_view text) {
  text = trim(text);
  if (auto sep = text.find("://"); sep != std::string_view::npos) {
    if (lower(text.substr(0, sep)) != "http") return std::nullopt;
    text.remove_prefix(sep + 3);
  }
  if (!text.empty() && text.back() == '/') text.remove_suffix(1);
  ProxyServer proxy;
  if (auto at = text.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = text.substr(0, at);
    text.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(colon == std::string_view::npos ? std::string_view{}
                                                                   : userinfo.substr(colon + 1));
    if (!user || !password) return std::nullopt;
    proxy.username = std::move(*user);
    proxy.password = core::Secret{std::move(*password)};
  }
  if (text.empty() || text.find_first_of("/?#@") != std::string_view::npos) return std::nullopt;
  auto url = parse_url("http://" + std::string{text} + "/");
  if (!url) return std::nullopt;
  proxy.host = std::move(url->host);
  proxy.port = url->port;
  return proxy;
}

const ProxyServer* ProxyOptions::route(std::string_view scheme, std::string_view host,
                                       std::uint16_t port) const {
  const std::optional<ProxyServer>* proxy = nullptr;
  if (scheme == "https" || scheme == "wss") proxy = &https;
  if (scheme == "http" || scheme == "ws") proxy = &http;
  if (proxy == nullptr || !*proxy) return nullptr;
  if (direct_to_loopback && bypasses_proxy({"localhost", "127.0.0.0/8", "::1"}, host, port)) {
    return nullptr;
  }
  if (bypasses_proxy(no_proxy, host, port)) return nullptr;
  return &**proxy;
}

bool bypasses_proxy(const std::vector<std::string>& no_proxy, std::string_view host,
                    std::uint16_t port) {
  std::string name = lower(host);
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  while (!name.empty() && name.back() == '.') name.pop_back();
  auto ip = parse_ip(name);
  return std::any_of(no_proxy.begin(), no_proxy.end(),
                     [&](const std::string& entry) { return matches(entry, name, ip, port); });
}

std::vector<std::string> split_no_proxy(std::string_view text) {
  std::vector<std::string> entries;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    if (!item.empty()) entries.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return entries;
}

ProxyEnvironment proxy_from_environment(const std::map<std::string, std::string>& environment) {
  ProxyEnvironment result;
  const auto read = [&](const char* lower_name, const char* upper_name,
                        std::optional<ProxyServer>& into) {
    auto found = lookup(environment, lower_name, upper_name);
    if (!found) return;
    into = parse_proxy_url(found->second);
    if (!into) result.errors.push_back(std::string{found->first} + ": not an http:// proxy URL");
  };
  read("https_proxy", "HTTPS_PROXY", result.options.https);
  read("http_proxy", "HTTP_PROXY", result.options.http);
  if (auto found = lookup(environment, "no_proxy", "NO_PROXY")) {
    result.options.no_proxy = split_no_proxy(found->second);
  }
  return result;
}

ProxyEnvironment proxy_from_environment() {
  std::map<std::string, std::string> environment;
  for (const char* name :
       {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"}) {
    if (const char* value = std::getenv(name)) environment[name] = value;
  }
  return proxy_from_environment(environment);
}

}  // namespace autotrader::net
