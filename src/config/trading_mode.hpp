#pragma once
// The trading mode (the top-level `mode` key): where market data comes from and where orders go.
// Also the two Binance facts every mode check needs: which venue a mode reads and whether a URL
// points at Binance's production or testnet hosts. Pure functions; src/app/mode.hpp decides
// whether the daemon may start in a mode, the loader refuses configurations that contradict one.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace autotrader::config {

enum class Mode {
  sim,              // the built-in simulated market, the paper broker
  binance_paper,    // Binance public market data, the paper broker
  binance_testnet,  // Binance market data and real signed orders on the Spot testnet
  binance_live,     // the same on production: real money
};

// In the order of Mode, as written in the config file and on the command line.
inline constexpr std::array<std::string_view, 4> mode_names{"sim", "binance-paper",
                                                            "binance-testnet", "binance-live"};

std::string_view mode_name(Mode mode);
// Exact, lower case (the schema lower-cases environment text before it gets here).
std::optional<Mode> parse_mode(std::string_view name);
// "sim, binance-paper, binance-testnet, binance-live", for messages.
std::string mode_list();

// The market.venue a mode reads from: "sim" or "binance".
std::string_view venue_of(Mode mode);
// The mode an old configuration meant by market.venue alone: sim -> sim, binance ->
// binance-paper (Binance only ever fed the paper broker before modes existed).
Mode mode_for_venue(std::string_view venue);
// True when orders leave the process signed with the API key (testnet and live).
bool places_real_orders(Mode mode);

enum class BinanceHost {
  production,  // binance.com and its subdomains; data-api / data-stream.binance.vision
  testnet,     // testnet.binance.vision and its subdomains
  other,       // anything else: a local fake server, a proxy, a typo
};

// The host of `url` in lower case, without user info, port or a trailing dot
// ("https://API.binance.com.:443/x" -> "api.binance.com"); empty when there is none.
std::string url_host(std::string_view url);
BinanceHost classify_binance_host(std::string_view url);

struct Settings;

// One of the binance.* URLs through which a mode reaches Binance, with its host classified.
struct BinanceUrl {
  std::string_view key;  // "binance.rest_base_url"
  std::string host;      // "api.binance.com"
  BinanceHost kind;
  std::string_view testnet;     // the key's Spot testnet URL (its default)
  std::string_view production;  // the key's production URL
};

// binance.rest_base_url, binance.ws_base_url and binance.ws_api_url of `settings`. A testnet
// mode must not reach a production host nor live mode a testnet one: orders meant for the
// testnet would otherwise reach the real exchange, the costliest typo there is.
std::array<BinanceUrl, 3> binance_urls(const Settings& settings);
// The kind of host `mode` must never reach: production for binance-testnet, testnet for
// binance-live; nothing (nullopt) for the modes that place no orders.
std::optional<BinanceHost> forbidden_host(Mode mode);
std::string_view host_kind_name(BinanceHost kind);  // "production", "testnet", "other"

// What reconciliation does with an open order on the venue that the database does not know.
enum class UnknownOrders { cancel, adopt };
inline constexpr std::array<std::string_view, 2> unknown_orders_names{"cancel", "adopt"};
std::string_view unknown_orders_name(UnknownOrders policy);
std::optional<UnknownOrders> parse_unknown_orders(std::string_view name);

}  // namespace autotrader::config
