#include "config/trading_mode.hpp"

#include <algorithm>
#include <cctype>

#include "config/settings.hpp"

namespace autotrader::config {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// `host` is `domain` or one of its subdomains.
bool within_domain(std::string_view host, std::string_view domain) {
  return host == domain || ends_with(host, "." + std::string{domain});
}

}  // namespace

std::string_view mode_name(Mode mode) {
  return mode_names[static_cast<std::size_t>(mode)];
}

std::optional<Mode> parse_mode(std::string_view name) {
  const auto it = std::find(mode_names.begin(), mode_names.end(), name);
  if (it == mode_names.end()) return std::nullopt;
  return static_cast<Mode>(it - mode_names.begin());
}

std::string mode_list() {
  std::string out;
  for (const auto name : mode_names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string_view venue_of(Mode mode) {
  return mode == Mode::sim ? "sim" : "binance";
}

Mode mode_for_venue(std::string_view venue) {
  return venue == "binance" ? Mode::binance_paper : Mode::sim;
}

bool places_real_orders(Mode mode) {
  return mode == Mode::binance_testnet || mode == Mode::binance_live;
}

std::string url_host(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  // "https://testnet.binance.vision@api.binance.com" connects to api.binance.com.
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host;
  if (!authority.empty() && authority.front() == '[') {
    host = authority.substr(1, authority.find(']') - 1);
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  std::string out{host};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // "api.binance.com." resolves like "api.binance.com".
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

BinanceHost classify_binance_host(std::string_view url) {
  const auto host = url_host(url);
  if (within_domain(host, "testnet.binance.vision")) return BinanceHost::testnet;
  // The .binance.vision mirrors of production market data carry production prices.
  if (within_domain(host, "binance.com") || host == "data-api.binance.vision" ||
      host == "data-stream.binance.vision") {
    return BinanceHost::production;
  }
  return BinanceHost::other;
}

std::array<BinanceUrl, 3> binance_urls(const Settings& settings) {
  const auto& b = settings.binance;
  const auto url = [](std::string_view key, const std::string& value, std::string_view testnet,
                      std::string_view production) {
    return BinanceUrl{key, url_host(value), classify_binance_host(value), testnet, production};
  };
  return {
      url("binance.rest_base_url", b.rest_base_url, "https://testnet.binance.vision",
          "https://api.binance.com"),
      url("binance.ws_base_url", b.ws_base_url, "wss://stream.testnet.binance.vision",
          "wss://stream.binance.com:9443"),
      url("binance.ws_api_url", b.ws_api_url, "wss://ws-api.testnet.binance.vision/ws-api/v3",
          "wss://ws-api.binance.com:443/ws-api/v3"),
  };
}

std::optional<BinanceHost> forbidden_host(Mode mode) {
  switch (mode) {
    case Mode::binance_testnet:
      return BinanceHost::production;
    case Mode::binance_live:
      return BinanceHost::testnet;
    case Mode::sim:
    case Mode::binance_paper:
      break;
  }
  return std::nullopt;
}

std::string_view host_kind_name(BinanceHost kind) {
  switch (kind) {
    case BinanceHost::production:
      return "production";
    case BinanceHost::testnet:
      return "testnet";
    case BinanceHost::other:
      break;
  }
  return "other";
}

std::string_view unknown_orders_name(UnknownOrders policy) {
  return unknown_orders_names[static_cast<std::size_t>(policy)];
}

std::optional<UnknownOrders> parse_unknown_orders(std::string_view name) {
  const auto it = std::find(unknown_orders_names.begin(), unknown_orders_names.end(), name);
  if (it == unknown_orders_names.end()) return std::nullopt;
  return static_cast<UnknownOrders>(it - unknown_orders_names.begin());
}

}  // namespace autotrader::config
