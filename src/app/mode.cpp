#include "app/mode.hpp"

#include <fmt/format.h>

namespace autotrader::app {
namespace {

using config::Mode;

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// Names the variables, never their values.
std::optional<std::string> missing_keys(const config::Secrets& secrets) {
  std::vector<std::string> missing;
  if (secrets.binance_api_key.empty()) missing.emplace_back("BINANCE_API_KEY");
  if (secrets.binance_api_secret.empty()) missing.emplace_back("BINANCE_API_SECRET");
  if (missing.empty()) return std::nullopt;
  return fmt::format("{} {} not set (signed orders need both; set them in the environment or .env)",
                     join(missing, " and "), missing.size() == 1 ? "is" : "are");
}

}  // namespace

ModeCheckResult check_mode(const config::Settings& settings, const config::Secrets& secrets,
                           bool cli_live_flag) {
  ModeCheck check;
  check.mode = settings.mode;
  check.venue = std::string{config::venue_of(settings.mode)};
  check.real_orders = config::places_real_orders(settings.mode);
  check.live = settings.mode == Mode::binance_live;
  const auto name = config::mode_name(settings.mode);

  std::vector<std::string> problems;
  if (check.live) {
    if (!settings.live_trading) {
      problems.emplace_back("live_trading is not true in the configuration");
    }
    if (!cli_live_flag) {
      problems.emplace_back("the command-line flag --i-understand-live-trading is missing");
    }
  } else {
    if (cli_live_flag) {
      check.warnings.push_back(
          fmt::format("--i-understand-live-trading has no effect in mode {}: no real money is "
                      "traded",
                      name));
    }
    if (settings.live_trading) {
      check.warnings.push_back(fmt::format(
          "live_trading is true but has no effect in mode {}: only binance-live trades real money",
          name));
    }
  }
  if (check.real_orders) {
    if (auto missing = missing_keys(secrets)) problems.push_back(std::move(*missing));
  }
  if (settings.market.venue != check.venue) {
    problems.push_back(fmt::format("market.venue is {} but mode {} reads market data from {}",
                                   settings.market.venue, name, check.venue));
  }
  if (const auto forbidden = config::forbidden_host(settings.mode)) {
    for (const auto& url : config::binance_urls(settings)) {
      if (url.kind == *forbidden) {
        problems.push_back(fmt::format("{} points at {}, a Binance {} host", url.key, url.host,
                                       config::host_kind_name(url.kind)));
      } else if (check.live && url.kind == config::BinanceHost::other) {
        check.warnings.push_back(
            fmt::format("{} points at {}, which is not a Binance production host", url.key,
                        url.host.empty() ? std::string{"no host"} : url.host));
      }
    }
  }
  if (!problems.empty()) {
    return fmt::format("mode {} refused: {}", name, join(problems, "; "));
  }
  return check;
}

}  // namespace autotrader::app
