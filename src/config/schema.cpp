#include "config/schema.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>

#include <fmt/format.h>

#include "config/schema_builders.hpp"
#include "config/trading_mode.hpp"
#include "core/market.hpp"

namespace autotrader::config {
namespace {

using nlohmann::json;
using namespace schema_detail;  // the row builders: number_key, field<>, ...

std::string lowercase(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::optional<std::string> check_not_empty(const json& value) {
  if (value.get<std::string>().empty()) return "must not be empty";
  return std::nullopt;
}

std::optional<std::string> check_ip_address(const json& value) {
  const auto text = value.get<std::string>();
  in_addr v4{};
  in6_addr v6{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return std::nullopt;
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) return std::nullopt;
  return "must be an IPv4 or IPv6 address";
}

// Messages name the position of a bad item, never its text (it could be a misplaced secret).
std::optional<std::string> check_symbols(const json& value) {
  if (value.empty()) return "must name at least one symbol";
  if (value.size() > 100) return "names more than 100 symbols";
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto symbol = core::Symbol::parse(value[i].get<std::string>());
    if (!symbol) return fmt::format("item {} is not a symbol", i + 1);
    if (!seen.insert(symbol->str()).second) return fmt::format("item {} repeats a symbol", i + 1);
  }
  return std::nullopt;
}

// 0 switches something off; anything else is a duration, which must be at least 1 ms.
std::optional<std::string> check_zero_or_duration(const json& value) {
  const double seconds = value.get<double>();
  if (seconds == 0 || seconds >= kMinDuration) return std::nullopt;
  return "must be 0 or at least 0.001";
}

// A base URL with one of the given schemes and a host, without a path beyond "/".
std::optional<std::string> check_base_url(const json& value,
                                          std::initializer_list<const char*> schemes) {
  const auto text = value.get<std::string>();
  for (const char* scheme : schemes) {
    const std::string prefix = std::string{scheme} + "://";
    if (text.rfind(prefix, 0) != 0) continue;
    const auto rest = text.substr(prefix.size());
    if (rest.empty() || rest.front() == '/' || rest.front() == ':') return "has no host";
    auto slash = rest.find('/');
    if (slash != std::string::npos && slash + 1 != rest.size()) return "must not have a path";
    return std::nullopt;
  }
  std::string names;
  for (const char* scheme : schemes) names += std::string{names.empty() ? "" : " or "} + scheme;
  return "must start with " + names + "://";
}

std::optional<std::string> check_rest_url(const json& value) {
  return check_base_url(value, {"https", "http"});
}

std::optional<std::string> check_ws_url(const json& value) {
  return check_base_url(value, {"wss", "ws"});
}

// The WebSocket API endpoint: ws(s)://, a host, and a path (/ws-api/v3) as Binance names it.
std::optional<std::string> check_ws_api_url(const json& value) {
  const auto text = value.get<std::string>();
  for (const char* scheme : {"wss://", "ws://"}) {
    const std::string prefix{scheme};
    if (text.rfind(prefix, 0) != 0) continue;
    const auto rest = text.substr(prefix.size());
    if (rest.empty() || rest.front() == '/' || rest.front() == ':') return "has no host";
    if (rest.find_first_of("?#@ ") != std::string::npos) {
      return "must not have a query, fragment, user or space";
    }
    return std::nullopt;
  }
  return "must start with wss:// or ws://";
}

std::optional<std::string> check_interval(const json& value) {
  if (core::parse_interval(value.get<std::string>())) return std::nullopt;
  return "must be a Binance interval name (1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, "
         "3d, 1w, 1M)";
}

// CHECK_INTERVAL, the classic bot's loop period, is a number of seconds; an interval name is
// accepted too. Seconds must equal one interval's length exactly: the loop decides on closed
// candles, so 90 s has no candle to close on. A month has no fixed length and no seconds form.
std::variant<json, std::string> parse_interval_or_seconds(std::string_view text) {
  const auto word = trim(text);
  if (core::parse_interval(word)) return json(std::string{word});
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), seconds);
  if (ec == std::errc{} && end == word.data() + word.size() && !word.empty()) {
    for (auto i = static_cast<int>(core::Interval::s1); i < static_cast<int>(core::Interval::mo1);
         ++i) {
      const auto interval = static_cast<core::Interval>(i);
      if (std::chrono::duration_cast<std::chrono::seconds>(core::duration(interval)).count() ==
          seconds) {
        return json(std::string{core::to_string(interval)});
      }
    }
  }
  return std::string{
      "must be an interval name (1m, 5m, 1h, ...) or one interval's length in whole seconds: 1, "
      "60, 180, 300, 900, 1800, 3600, 7200, 14400, 21600, 28800, 43200, 86400, 259200 or "
      "604800"};
}

// An http(s):// URL with a host; a path is allowed (OpenAI-compatible bases end in /v1).
std::optional<std::string> check_http_base(const json& value) {
  const auto text = value.get<std::string>();
  for (const char* scheme : {"https://", "http://"}) {
    const std::string prefix{scheme};
    if (text.rfind(prefix, 0) != 0) continue;
    const auto rest = text.substr(prefix.size());
    if (rest.empty() || rest.front() == '/' || rest.front() == ':') return "has no host";
    if (rest.find_first_of("?#@ ") != std::string::npos) {
      return "must not have a query, fragment, user or space";
    }
    return std::nullopt;
  }
  return "must start with https:// or http://";
}

constexpr std::array<const char*, 5> kLlmProviders{"gemini", "openai", "anthropic", "together",
                                                   "local"};

std::optional<std::string> check_llm_priority(const json& value) {
  if (value.empty()) return "must name at least one provider";
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto name = value[i].get<std::string>();
    if (std::find(kLlmProviders.begin(), kLlmProviders.end(), name) == kLlmProviders.end()) {
      return fmt::format("item {} is not one of gemini, openai, anthropic, together, local", i + 1);
    }
    if (!seen.insert(name).second) return fmt::format("item {} repeats a provider", i + 1);
  }
  return std::nullopt;
}

// A field of one provider's section inside llm.
template <auto provider, auto member>
Field llm_provider_field() {
  return Field{[](Settings& s, const json& value) { from_value(value, s.llm.*provider.*member); },
               [](const Settings& s) { return to_value(s.llm.*provider.*member); }};
}

template <auto provider>
void add_llm_provider_keys(std::vector<KeySpec>& keys, const std::string& name,
                           const std::string& what, const LlmProviderSettings& defaults) {
  using P = LlmProviderSettings;
  const std::string prefix = "llm." + name + ".";
  keys.push_back(bool_key(prefix + "enabled", defaults.enabled,
                          "Whether the pool may call " + what + " at all." +
                              (name == "local" ? " Off by default: nothing may be listening."
                                               : " Without its key it stays DISABLED anyway."),
                          llm_provider_field<provider, &P::enabled>()));
  keys.push_back(string_key(prefix + "base_url", defaults.base_url, check_http_base,
                            "https:// (or http://) and a host, optionally a path",
                            "Base URL of " + what + "; the request path is appended to it.",
                            llm_provider_field<provider, &P::base_url>()));
  keys.push_back(string_key(prefix + "model", defaults.model, check_not_empty, "a non-empty name",
                            "Model " + what + " is asked for.",
                            llm_provider_field<provider, &P::model>()));
  keys.push_back(number_key(prefix + "temperature", defaults.temperature, closed(0), closed(2),
                            "Sampling temperature sent with every request.",
                            llm_provider_field<provider, &P::temperature>()));
  keys.push_back(integer_key(prefix + "max_tokens", defaults.max_tokens, closed(64), closed(32'768),
                             "Most output tokens one answer may use.",
                             llm_provider_field<provider, &P::max_tokens>()));
  keys.push_back(number_key(
      prefix + "timeout_seconds", 20, closed(kMinDuration), closed(600),
      "Longest time one request to " + what + " may take (connect, first byte and whole answer).",
      llm_provider_field<provider, &P::timeout>()));
}

// The keys of order execution on Binance (modes binance-testnet and binance-live).
void add_binance_order_keys(std::vector<KeySpec>& keys) {
  using S = Settings;
  using B = BinanceSettings;
  keys.push_back(
      string_key("binance.ws_api_url", "wss://ws-api.testnet.binance.vision/ws-api/v3",
                 check_ws_api_url, "wss:// (or ws:// for a local test server), a host and a path",
                 "Binance WebSocket API endpoint of order execution (signed requests over one "
                 "connection). Spot testnet by default; production is "
                 "wss://ws-api.binance.com:443/ws-api/v3.",
                 field<&S::binance, &B::ws_api_url>()));
  keys.push_back(integer_key(
      "binance.recv_window_ms", 5000, closed(1), closed(60'000),
      "recvWindow of every signed request, in milliseconds: Binance rejects a request that "
      "arrives later than this after its timestamp.",
      field<&S::binance, &B::recv_window>()));
  keys.push_back(integer_key(
      "binance.order_query_attempts", 5, closed(1), closed(50),
      "How often an order whose outcome is unknown (a timeout, a dropped connection) is queried "
      "by its client order id while Binance answers -2013 (it may still be propagating), before "
      "it is concluded never placed.",
      field<&S::binance, &B::order_query_attempts>()));
  keys.push_back(integer_key("binance.order_query_delay_ms", 500, closed(10), closed(60'000),
                             "Time between those queries, in milliseconds.",
                             field<&S::binance, &B::order_query_delay>()));
  keys.push_back(number_key(
      "binance.poll_interval_seconds", 10, closed(1), closed(600),
      "How often open orders and the account are polled over REST while the user-data stream is "
      "down.",
      field<&S::binance, &B::poll_interval>()));
  keys.push_back(enum_key(
      "binance.unknown_orders", "cancel",
      {unknown_orders_names.begin(), unknown_orders_names.end()},
      "What reconciliation does with an open order on Binance that the database does not know: "
      "cancel it, or adopt it (record it and manage it like our own).",
      field<&S::binance, &B::unknown_orders>()));
  keys.push_back(bool_key(
      "binance.use_oco", true,
      "Place each position's stop-loss and take-profit on Binance as one OCO order list, so they "
      "hold while the daemon is down; false: the executor watches them and exits with MARKET "
      "orders.",
      field<&S::binance, &B::use_oco>()));
  keys.push_back(number_key(
      "binance.stop_limit_offset_pct", 0.5, closed(0), closed(5),
      "The OCO's STOP_LOSS_LIMIT leg gets its limit price this many percent below its stop price "
      "(for a long position), so the stop still fills when the price gaps through it.",
      field<&S::binance, &B::stop_limit_offset_pct>()));
  keys.push_back(number_key(
      "binance.request_timeout_seconds", 10, closed(1), closed(60),
      "Longest time one REST or WebSocket API request to Binance may take before its outcome "
      "counts as unknown.",
      field<&S::binance, &B::request_timeout>()));
}

std::vector<std::string> level_choices() {
  return {core::log::level_names.begin(), core::log::level_names.end()};
}

std::vector<KeySpec> build_schema() {
  using S = Settings;
  std::vector<KeySpec> keys;
  keys.push_back(enum_key(
      "mode", "sim", {mode_names.begin(), mode_names.end()},
      "What the daemon trades on: sim, the built-in simulated market and the paper broker (no "
      "keys, no network, no money); binance-paper, Binance Spot's public market data and the "
      "paper broker; binance-testnet, Binance market data and real signed orders on the Spot "
      "testnet (needs BINANCE_API_KEY and BINANCE_API_SECRET; production hosts in binance.* URLs "
      "are refused); binance-live, the same on production with real money (also needs "
      "live_trading true and --i-understand-live-trading; testnet hosts are refused). "
      "autotrader run --mode overrides it. It decides market.venue.",
      top_field<&S::mode>()));
  keys.push_back(bool_key(
      "live_trading", false,
      "The configuration's half of the opt-in to real money: mode binance-live starts only when "
      "this is true and the command line has --i-understand-live-trading. Ignored (with a "
      "warning) in the other modes.",
      top_field<&S::live_trading>()));
  keys.push_back(string_key(
      "data_dir", "data", check_not_empty, "a non-empty path",
      "Directory for the daemon's state; logs go to its logs/ folder. A relative path is relative "
      "to the working directory.",
      top_field<&S::data_dir>()));

  keys.push_back(enum_key("log.level", "info", level_choices(),
                          "Lowest severity written to the console and the log file.",
                          field<&S::log, &LogSettings::level>()));
  keys.push_back(bool_key("log.console", true, "Also write log lines to stderr.",
                          field<&S::log, &LogSettings::console>()));
  keys.push_back(integer_key("log.file_max_bytes", 10'485'760, closed(65'536),
                             closed(1'073'741'824), "Size at which the log file is rotated.",
                             field<&S::log, &LogSettings::file_max_bytes>()));
  keys.push_back(integer_key("log.file_count", 5, closed(1), closed(100),
                             "Log files kept, the current one included.",
                             field<&S::log, &LogSettings::file_count>()));

  keys.push_back(string_key("http.bind", "127.0.0.1", check_ip_address, "an IPv4 or IPv6 address",
                            "Address the HTTP API listens on.",
                            field<&S::http, &HttpSettings::bind>()));
  keys.push_back(integer_key("http.port", 5000, closed(0), closed(65'535),
                             "TCP port of the HTTP API; 0 picks any free port.",
                             field<&S::http, &HttpSettings::port>()));
  keys.push_back(integer_key("http.max_body_bytes", 1'048'576, closed(1024), closed(67'108'864),
                             "Largest request body the HTTP API accepts.",
                             field<&S::http, &HttpSettings::max_body_bytes>()));
  keys.push_back(integer_key("http.max_header_bytes", 16'384, closed(1024), closed(1'048'576),
                             "Largest request header block the HTTP API accepts.",
                             field<&S::http, &HttpSettings::max_header_bytes>()));
  keys.push_back(number_key("http.request_timeout_seconds", 10, closed(kMinDuration), closed(300),
                            "Longest time one HTTP request may take.",
                            field<&S::http, &HttpSettings::request_timeout>()));
  keys.push_back(integer_key("http.max_connections", 64, closed(1), closed(10'000),
                             "Most HTTP connections open at once.",
                             field<&S::http, &HttpSettings::max_connections>()));

  keys.push_back(integer_key(
      "supervision.max_restarts", 5, closed(0), closed(1'000'000),
      "Restarts of one child allowed within period_seconds before its supervisor gives up and "
      "escalates.",
      field<&S::supervision, &SupervisionSettings::max_restarts>()));
  keys.push_back(number_key("supervision.period_seconds", 60, closed(kMinDuration), closed(86'400),
                            "Window in which max_restarts is counted.",
                            field<&S::supervision, &SupervisionSettings::period>()));
  keys.push_back(number_key("supervision.backoff_min_seconds", 0.5, closed(0), closed(3600),
                            "Delay before restarting a failed child the first time.",
                            field<&S::supervision, &SupervisionSettings::backoff_min>()));
  keys.push_back(
      number_key("supervision.backoff_max_seconds", 30, closed(0), closed(86'400),
                 "Upper limit of the growing restart delay; must be at least backoff_min_seconds.",
                 field<&S::supervision, &SupervisionSettings::backoff_max>()));
  keys.push_back(number_key(
      "supervision.backoff_random_factor", 0.2, closed(0), closed(1),
      "Share of random jitter in each restart delay, so children do not restart in lockstep.",
      field<&S::supervision, &SupervisionSettings::backoff_random_factor>()));
  keys.push_back(number_key(
      "supervision.reset_after_seconds", 60, closed(kMinDuration), closed(86'400),
      "Time a restarted child must run without failing before its delay starts again from the "
      "minimum.",
      field<&S::supervision, &SupervisionSettings::reset_after>()));
  keys.push_back(number_key("supervision.shutdown_timeout_seconds", 5, closed(kMinDuration),
                            closed(120), "Time children get to stop cleanly at shutdown.",
                            field<&S::supervision, &SupervisionSettings::shutdown_timeout>()));
  keys.push_back(number_key("supervision.heartbeat_interval_seconds", 5, closed(kMinDuration),
                            closed(3600),
                            "How often a supervisor checks that its children are alive.",
                            field<&S::supervision, &SupervisionSettings::heartbeat_interval>()));
  keys.push_back(number_key("supervision.heartbeat_timeout_seconds", 5, closed(kMinDuration),
                            closed(3600),
                            "Time without a heartbeat reply after which a child counts as hung.",
                            field<&S::supervision, &SupervisionSettings::heartbeat_timeout>()));

  keys.push_back(
      list_key("market.symbols", {"BTCUSDT", "ETHUSDT", "SOLUSDT"}, check_symbols,
               "1 to 100 distinct symbols: letters, digits, '.', '-', '_', at most 23 characters",
               "Symbols the market-data feeds deliver, as the venue names them (Binance: BTCUSDT). "
               "Lower case is accepted and upper-cased. In the environment: comma-separated.",
               field<&S::market, &MarketSettings::symbols>()));
  auto interval = string_key(
      "market.interval", "1m", check_interval,
      "a Binance interval name: 1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1M",
      "Candle interval of every feed and of the decision loop, which decides once per closed "
      "candle (case matters: 1m is a minute, 1M a month). CHECK_INTERVAL also takes the length "
      "in whole seconds: 60 is 1m, 300 is 5m, 3600 is 1h.",
      field<&S::market, &MarketSettings::interval>());
  interval.env_aliases = {"CHECK_INTERVAL"};
  interval.parse_alias_text = parse_interval_or_seconds;
  keys.push_back(std::move(interval));
  keys.push_back(number_key(
      "market.stale_after_seconds", 30, closed(kMinDuration), closed(86'400),
      "A symbol without market data for longer than this is stale: subscribers are told (risk "
      "takes no new entries on it) and autotrader_feed_stale is 1. The simulator, which sends "
      "one message per candle, uses at least two of its bar periods.",
      field<&S::market, &MarketSettings::stale_after>()));

  auto venue = enum_key(
      "market.venue", "sim", {"sim", "binance"},
      "Where market data comes from: sim, the built-in simulated market, or binance, Binance "
      "Spot at binance.rest_base_url and binance.ws_base_url. Follows mode, which replaced it; "
      "not in the shipped file. An older configuration that sets only this key keeps its "
      "meaning (binance is mode binance-paper). Set together with mode, the later source wins; "
      "from the same source, the two must agree.",
      field<&S::market, &MarketSettings::venue>());
  venue.legacy = true;
  keys.push_back(std::move(venue));

  keys.push_back(string_key(
      "binance.rest_base_url", "https://testnet.binance.vision", check_rest_url,
      "https:// (or http:// for a local test server) and a host",
      "Binance REST base URL: server time, exchangeInfo, and klines for warm-up and gap fill. "
      "Spot testnet by default; production is https://api.binance.com.",
      field<&S::binance, &BinanceSettings::rest_base_url>()));
  keys.push_back(string_key(
      "binance.ws_base_url", "wss://stream.testnet.binance.vision", check_ws_url,
      "wss:// (or ws:// for a local test server) and a host",
      "Binance market-stream base URL (combined streams at /stream). Spot testnet by default; "
      "production is wss://stream.binance.com:9443.",
      field<&S::binance, &BinanceSettings::ws_base_url>()));
  keys.push_back(
      string_key("binance.tls_ca_file", "", nullptr, "",
                 "A PEM file of extra certificate authorities to trust besides the system store (a "
                 "TLS-inspecting proxy, a test server). Verification is never switched off.",
                 field<&S::binance, &BinanceSettings::tls_ca_file>()));
  keys.push_back(number_key(
      "binance.idle_timeout_seconds", 50, closed(1), closed(600),
      "A stream connection with no frame for this long is replaced (Binance pings every 20 s).",
      field<&S::binance, &BinanceSettings::idle_timeout>()));
  keys.push_back(number_key(
      "binance.rotation_period_seconds", 82'800, closed(60), closed(86'000),
      "Age at which a stream connection is replaced, overlapped so no candle is lost, before "
      "Binance closes it at 24 hours.",
      field<&S::binance, &BinanceSettings::rotation_period>()));
  keys.push_back(number_key(
      "binance.backoff_initial_seconds", 2, closed(kMinDuration), closed(600),
      "First reconnect delay; each further attempt waits 1.5 times longer, plus up to 100 ms of "
      "jitter.",
      field<&S::binance, &BinanceSettings::backoff_initial>()));
  keys.push_back(number_key("binance.backoff_max_seconds", 30, closed(kMinDuration), closed(3600),
                            "Longest reconnect delay.",
                            field<&S::binance, &BinanceSettings::backoff_max>()));
  keys.push_back(number_key(
      "binance.weight_budget_fraction", 0.5, closed(0.05), closed(0.9),
      "Share of Binance's request-weight limit per minute the feed allows itself; the rest is "
      "headroom for other clients on the same IP address.",
      field<&S::binance, &BinanceSettings::weight_budget_fraction>()));
  keys.push_back(
      integer_key("binance.warmup_candles", 200, closed(0), closed(1000),
                  "Closed candles fetched at start to warm the indicators up before live data.",
                  field<&S::binance, &BinanceSettings::warmup_candles>()));
  keys.push_back(
      bool_key("binance.trades", false,
               "Also subscribe to each symbol's trade stream (trades count as market data for "
               "staleness).",
               field<&S::binance, &BinanceSettings::trades>()));
  add_binance_order_keys(keys);

  keys.push_back(integer_key(
      "sim.seed", 42, closed(0), closed(9'007'199'254'740'991),
      "Seed of the built-in simulated market: the same seed gives the same candles, bit for bit.",
      field<&S::sim, &SimSettings::seed>()));
  auto bar_period = number_key(
      "sim.bar_period_seconds", 0.1, closed(0), closed(86'400),
      "Real time per simulated candle: 0.1 plays a 1m candle every 100 ms, so data and "
      "decisions show within seconds; 0 runs in real time (a candle closes when its interval "
      "ends on the wall clock).",
      field<&S::sim, &SimSettings::bar_period>());
  bar_period.check = check_zero_or_duration;
  bar_period.rule = "0, or at least 0.001";
  keys.push_back(std::move(bar_period));
  keys.push_back(string_key(
      "sim.replay_file", "", nullptr, "",
      "A Binance klines file to replay instead of generating candles: the JSON array of "
      "GET /api/v3/klines or the CSV of data.binance.vision. {symbol} in the path stands for "
      "each of market.symbols (data/{symbol}-1m.json); without it, market.symbols must name "
      "exactly one symbol. Empty: generate.",
      field<&S::sim, &SimSettings::replay_file>()));

  add_trading_keys(keys);  // trading, risk, paper, store: schema_trading.cpp
  keys.push_back(
      bool_key("llm.enable_backup_apis", true,
               "Lets the AI-provider pool fall back to the backup providers after the first of "
               "llm.priority. false leaves the primary and the technical-analysis fallback.",
               field<&S::llm, &LlmSettings::enable_backup_apis>(), {"ENABLE_BACKUP_APIS"}));
  keys.push_back(list_key(
      "llm.priority", {"gemini", "openai", "anthropic", "together", "local"}, check_llm_priority,
      "1 to 5 distinct names out of gemini, openai, anthropic, together, local",
      "Order in which the pool asks providers; the first is the primary. The technical-analysis "
      "provider always comes last. In the environment: comma-separated.",
      field<&S::llm, &LlmSettings::priority>()));
  auto analysis_timeout =
      number_key("llm.analysis_timeout_seconds", 30, closed(kMinDuration), closed(600),
                 "Deadline for one whole analysis (both turns, every fallback); when it passes the "
                 "technical-analysis provider answers.",
                 field<&S::llm, &LlmSettings::analysis_timeout>());
  analysis_timeout.env_aliases = {"ANALYSIS_TIMEOUT"};
  keys.push_back(std::move(analysis_timeout));
  keys.push_back(
      string_key("llm.tls_ca_file", "", nullptr, "",
                 "A PEM file of extra certificate authorities to trust for the providers, "
                 "besides the system store. Verification is never switched off.",
                 field<&S::llm, &LlmSettings::tls_ca_file>()));
  keys.push_back(integer_key("llm.breaker_consecutive_failures", 5, closed(1), closed(1000),
                             "Consecutive failures after which a provider's circuit breaker opens.",
                             field<&S::llm, &LlmSettings::breaker_consecutive_failures>()));
  keys.push_back(
      number_key("llm.breaker_failure_rate", 0.5, closed(0.05), closed(1),
                 "Failure rate over the last breaker_window calls above which the breaker opens.",
                 field<&S::llm, &LlmSettings::breaker_failure_rate>()));
  keys.push_back(
      integer_key("llm.breaker_window", 20, closed(2), closed(10'000),
                  "Calls in the failure-rate window; the rate counts once half of them are in.",
                  field<&S::llm, &LlmSettings::breaker_window>()));
  keys.push_back(number_key(
      "llm.breaker_cooldown_seconds", 30, closed(kMinDuration), closed(86'400),
      "How long an opened breaker keeps its provider out before one probe call; it doubles each "
      "time the breaker reopens.",
      field<&S::llm, &LlmSettings::breaker_cooldown>()));
  keys.push_back(number_key("llm.breaker_cooldown_max_seconds", 600, closed(kMinDuration),
                            closed(86'400), "Longest cooldown of a reopened breaker.",
                            field<&S::llm, &LlmSettings::breaker_cooldown_max>()));
  keys.push_back(number_key(
      "llm.breaker_auth_cooldown_seconds", 3600, closed(kMinDuration), closed(604'800),
      "Cooldown after an authentication, permission or quota error (they do not clear by "
      "retrying); autotrader_llm_breaker_state shows it for alerting.",
      field<&S::llm, &LlmSettings::breaker_auth_cooldown>()));
  keys.push_back(bool_key(
      "llm.hedging", false,
      "When the primary has not answered within its observed p95 latency, also ask the next "
      "healthy provider and take the first valid answer (the other call is cancelled).",
      field<&S::llm, &LlmSettings::hedging>()));
  keys.push_back(number_key("llm.hedge_max_fraction", 0.1, closed(0), closed(1),
                            "Largest share of analyses that may be hedged.",
                            field<&S::llm, &LlmSettings::hedge_max_fraction>()));
  const LlmSettings llm_defaults;
  add_llm_provider_keys<&LlmSettings::gemini>(keys, "gemini", "Google Gemini", llm_defaults.gemini);
  add_llm_provider_keys<&LlmSettings::openai>(keys, "openai", "OpenAI", llm_defaults.openai);
  add_llm_provider_keys<&LlmSettings::anthropic>(keys, "anthropic", "Anthropic",
                                                 llm_defaults.anthropic);
  add_llm_provider_keys<&LlmSettings::together>(keys, "together", "Together AI",
                                                llm_defaults.together);
  add_llm_provider_keys<&LlmSettings::local>(
      keys, "local", "the local OpenAI-compatible server (Ollama, llama.cpp, vLLM)",
      llm_defaults.local);
  return keys;
}

std::string number_text(double value) {
  return fmt::format("{}", value);
}

// Describes a JSON value without repeating any text it holds.
std::string kind_of(const json& value) {
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return value.dump();
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  return "null";
}

bool within(double x, const KeySpec& spec) {
  if (spec.min && (spec.min->inclusive ? x < spec.min->value : x <= spec.min->value)) return false;
  if (spec.max && (spec.max->inclusive ? x > spec.max->value : x >= spec.max->value)) return false;
  return true;
}

}  // namespace

const std::vector<KeySpec>& schema() {
  static const std::vector<KeySpec> keys = build_schema();
  return keys;
}

const KeySpec* find_key(std::string_view path) {
  for (const auto& spec : schema()) {
    if (spec.path == path) return &spec;
  }
  return nullptr;
}

const KeySpec* find_key_by_env(std::string_view name) {
  for (const auto& spec : schema()) {
    if (env_name(spec.path) == name) return &spec;
    for (const auto& alias : spec.env_aliases) {
      if (alias == name) return &spec;
    }
  }
  return nullptr;
}

bool is_section(std::string_view path) {
  const std::string prefix = std::string{path} + ".";
  return std::any_of(schema().begin(), schema().end(), [&](const KeySpec& spec) {
    return spec.path.compare(0, prefix.size(), prefix) == 0;
  });
}

std::string env_name(std::string_view path) {
  std::string name{env_prefix};
  for (const char c : path) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string json_pointer_of(std::string_view path) {
  std::string pointer = "/";
  for (const char c : path) pointer += c == '.' ? '/' : c;
  return pointer;
}

std::string type_name(ValueType type) {
  switch (type) {
    case ValueType::string:
      return "string";
    case ValueType::boolean:
      return "boolean";
    case ValueType::integer:
      return "integer";
    case ValueType::number:
      return "number";
    case ValueType::enumeration:
      return "enum";
    case ValueType::string_list:
      return "list of strings";
  }
  return "unknown";
}

std::string range_text(const KeySpec& spec) {
  if (!spec.min && !spec.max) return {};
  std::string text = spec.min ? (spec.min->inclusive ? "[" : "(") + number_text(spec.min->value)
                              : std::string{"(-inf"};
  text += ", ";
  text += spec.max ? number_text(spec.max->value) + (spec.max->inclusive ? "]" : ")")
                   : std::string{"inf)"};
  return text;
}

std::optional<std::string> validate(const KeySpec& spec, const json& value) {
  switch (spec.type) {
    case ValueType::string:
    case ValueType::enumeration:
      if (!value.is_string()) return "expected a string, got " + kind_of(value);
      break;
    case ValueType::boolean:
      if (!value.is_boolean()) return "expected a boolean, got " + kind_of(value);
      break;
    case ValueType::integer:
      if (!value.is_number_integer()) return "expected an integer, got " + kind_of(value);
      break;
    case ValueType::number:
      if (!value.is_number()) return "expected a number, got " + kind_of(value);
      break;
    case ValueType::string_list:
      if (!value.is_array()) return "expected an array of strings, got " + kind_of(value);
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
          return fmt::format("expected an array of strings, item {} is {}", i + 1,
                             kind_of(value[i]));
        }
      }
      break;
  }
  if (value.is_number() && !within(value.get<double>(), spec)) {
    return value.dump() + " is out of range " + range_text(spec);
  }
  if (spec.type == ValueType::enumeration &&
      std::find(spec.allowed.begin(), spec.allowed.end(), value.get<std::string>()) ==
          spec.allowed.end()) {
    return fmt::format("must be one of {}", fmt::join(spec.allowed, ", "));
  }
  if (spec.check != nullptr) return spec.check(value);
  return std::nullopt;
}

std::variant<json, std::string> parse_text(const KeySpec& spec, std::string_view text) {
  switch (spec.type) {
    case ValueType::string:
      return json(std::string{text});
    case ValueType::enumeration:
      return json(lowercase(trim(text)));
    case ValueType::boolean: {
      const auto word = lowercase(trim(text));
      if (word == "true" || word == "1" || word == "yes") return json(true);
      if (word == "false" || word == "0" || word == "no") return json(false);
      return std::string{"not a boolean (use true/false, 1/0 or yes/no)"};
    }
    case ValueType::integer: {
      const auto digits = trim(text);
      std::int64_t value = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec == std::errc::result_out_of_range) return "out of range " + range_text(spec);
      if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty()) {
        return std::string{"not an integer"};
      }
      return json(value);
    }
    case ValueType::number: {
      const auto digits = trim(text);
      double value = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec == std::errc::result_out_of_range) return "out of range " + range_text(spec);
      if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() ||
          !std::isfinite(value)) {
        return std::string{"not a number"};
      }
      return json(value);
    }
    case ValueType::string_list: {
      json items = json::array();
      if (trim(text).empty()) return items;
      std::size_t start = 0;
      for (;;) {
        const auto comma = text.find(',', start);
        items.push_back(std::string{trim(text.substr(start, comma - start))});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return items;
    }
  }
  return std::string{"unsupported type"};
}

std::variant<json, std::string> parse_variable(const KeySpec& spec, std::string_view name,
                                               std::string_view text) {
  if (spec.parse_alias_text != nullptr && name != env_name(spec.path)) {
    return spec.parse_alias_text(text);
  }
  return parse_text(spec, text);
}

json defaults_json() {
  json out = json::object();
  for (const auto& spec : schema())
    out[json::json_pointer{json_pointer_of(spec.path)}] = spec.default_value;
  return out;
}

json shipped_defaults_json() {
  json out = json::object();
  for (const auto& spec : schema()) {
    if (!spec.legacy) out[json::json_pointer{json_pointer_of(spec.path)}] = spec.default_value;
  }
  return out;
}

}  // namespace autotrader::config
