// check_mode over every combination of mode, live_trading, the command-line flag, the Binance
// keys and the hosts of the binance.* URLs. What each mode requires is the table kModeRules;
// the runner derives every combination's verdict from it and checks the message names exactly
// what is missing. A few rows pin the exact wording an operator reads.
#include "app/mode.hpp"

#include <array>
#include <string>

#include <gtest/gtest.h>

namespace autotrader::app {
namespace {

using config::BinanceHost;
using config::Mode;

// What a mode demands, as config/README.md states it.
struct ModeRule {
  Mode mode;
  std::string venue;
  bool real_orders;
  bool live;
  bool needs_keys;
  bool needs_opt_in;                     // live_trading AND --i-understand-live-trading
  std::optional<BinanceHost> forbidden;  // hosts its URLs must not point at
};

const std::array<ModeRule, 4> kModeRules{{
    {Mode::sim, "sim", false, false, false, false, std::nullopt},
    {Mode::binance_paper, "binance", false, false, false, false, std::nullopt},
    {Mode::binance_testnet, "binance", true, false, true, false, BinanceHost::production},
    {Mode::binance_live, "binance", true, true, true, true, BinanceHost::testnet},
}};

struct Urls {
  std::string name;
  BinanceHost rest_kind;    // of binance.rest_base_url
  BinanceHost stream_kind;  // of binance.ws_base_url and binance.ws_api_url
  std::string rest, ws, ws_api;
};

const std::array<Urls, 5> kUrls{{
    {"testnet", BinanceHost::testnet, BinanceHost::testnet, "https://testnet.binance.vision",
     "wss://stream.testnet.binance.vision", "wss://ws-api.testnet.binance.vision/ws-api/v3"},
    {"production", BinanceHost::production, BinanceHost::production, "https://api.binance.com",
     "wss://stream.binance.com:9443", "wss://ws-api.binance.com:443/ws-api/v3"},
    {"local", BinanceHost::other, BinanceHost::other, "http://127.0.0.1:8080",
     "ws://127.0.0.1:8081", "ws://127.0.0.1:8082/ws-api/v3"},
    // One production URL among testnet ones (the costliest typo), and the reverse.
    {"rest_production", BinanceHost::production, BinanceHost::testnet, "https://api3.binance.com",
     "wss://stream.testnet.binance.vision", "wss://ws-api.testnet.binance.vision/ws-api/v3"},
    {"rest_testnet", BinanceHost::testnet, BinanceHost::production,
     "https://testnet.binance.vision", "wss://stream.binance.com:9443",
     "wss://ws-api.binance.com:443/ws-api/v3"},
}};

constexpr const char* kKey = "key-value-that-must-not-leak";
constexpr const char* kSecret = "secret-value-that-must-not-leak";

config::Settings settings_for(const ModeRule& rule, bool live_trading, const Urls& urls) {
  config::Settings settings;
  settings.mode = rule.mode;
  settings.market.venue = rule.venue;  // as the loader leaves it
  settings.live_trading = live_trading;
  settings.binance.rest_base_url = urls.rest;
  settings.binance.ws_base_url = urls.ws;
  settings.binance.ws_api_url = urls.ws_api;
  return settings;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CheckMode, EveryCombination) {
  int combinations = 0;
  for (const auto& rule : kModeRules) {
    for (const bool live_trading : {false, true}) {
      for (const bool flag : {false, true}) {
        for (const bool have_key : {false, true}) {
          for (const bool have_secret : {false, true}) {
            for (const auto& urls : kUrls) {
              ++combinations;
              config::Secrets secrets;
              if (have_key) secrets.binance_api_key = core::Secret{kKey};
              if (have_secret) secrets.binance_api_secret = core::Secret{kSecret};
              const auto settings = settings_for(rule, live_trading, urls);
              SCOPED_TRACE(::testing::Message()
                           << config::mode_name(rule.mode) << " live_trading=" << live_trading
                           << " flag=" << flag << " key=" << have_key << " secret=" << have_secret
                           << " urls=" << urls.name);

              const bool opt_in_missing = rule.needs_opt_in && !(live_trading && flag);
              const bool keys_missing = rule.needs_keys && !(have_key && have_secret);
              const bool bad_rest = rule.forbidden == urls.rest_kind;
              const bool bad_stream = rule.forbidden == urls.stream_kind;
              const bool bad_host = bad_rest || bad_stream;
              const auto result = check_mode(settings, secrets, flag);

              if (!opt_in_missing && !keys_missing && !bad_host) {
                ASSERT_TRUE(std::holds_alternative<ModeCheck>(result))
                    << std::get<std::string>(result);
                const auto& check = std::get<ModeCheck>(result);
                EXPECT_EQ(check.mode, rule.mode);
                EXPECT_EQ(check.venue, rule.venue);
                EXPECT_EQ(check.real_orders, rule.real_orders);
                EXPECT_EQ(check.live, rule.live);
                std::string warnings;
                for (const auto& warning : check.warnings) warnings += warning + "\n";
                EXPECT_EQ(contains(warnings, "--i-understand-live-trading has no effect"),
                          flag && !rule.live)
                    << warnings;
                EXPECT_EQ(contains(warnings, "live_trading is true but has no effect"),
                          live_trading && !rule.live)
                    << warnings;
                // Live mode on a host that is neither production nor testnet is allowed, noted.
                EXPECT_EQ(contains(warnings, "not a Binance production host"),
                          rule.live && urls.rest_kind == BinanceHost::other)
                    << warnings;
                EXPECT_FALSE(contains(warnings, kKey) || contains(warnings, kSecret));
                continue;
              }
              ASSERT_TRUE(std::holds_alternative<std::string>(result));
              const auto& error = std::get<std::string>(result);
              EXPECT_TRUE(contains(
                  error, "mode " + std::string{config::mode_name(rule.mode)} + " refused: "))
                  << error;
              EXPECT_EQ(contains(error, "live_trading is not true"),
                        rule.needs_opt_in && !live_trading)
                  << error;
              EXPECT_EQ(contains(error, "--i-understand-live-trading is missing"),
                        rule.needs_opt_in && !flag)
                  << error;
              EXPECT_EQ(contains(error, "BINANCE_API_KEY"), rule.needs_keys && !have_key) << error;
              EXPECT_EQ(contains(error, "BINANCE_API_SECRET"), rule.needs_keys && !have_secret)
                  << error;
              EXPECT_EQ(contains(error, "binance.rest_base_url points at"), bad_rest) << error;
              EXPECT_EQ(contains(error, "binance.ws_base_url points at"), bad_stream) << error;
              EXPECT_EQ(contains(error, "binance.ws_api_url points at"), bad_stream) << error;
              EXPECT_FALSE(contains(error, kKey) || contains(error, kSecret)) << error;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(combinations, 4 * 2 * 2 * 2 * 2 * 5);
}

config::Secrets both_keys() {
  config::Secrets secrets;
  secrets.binance_api_key = core::Secret{kKey};
  secrets.binance_api_secret = core::Secret{kSecret};
  return secrets;
}

TEST(CheckMode, LiveWithoutEitherHalfOfTheOptInSaysWhichIsMissing) {
  auto settings = settings_for(kModeRules[3], false, kUrls[1]);
  EXPECT_EQ(std::get<std::string>(check_mode(settings, both_keys(), true)),
            "mode binance-live refused: live_trading is not true in the configuration");
  settings.live_trading = true;
  EXPECT_EQ(std::get<std::string>(check_mode(settings, both_keys(), false)),
            "mode binance-live refused: the command-line flag --i-understand-live-trading is "
            "missing");
  const auto check = std::get<ModeCheck>(check_mode(settings, both_keys(), true));
  EXPECT_TRUE(check.live);
  EXPECT_TRUE(check.warnings.empty());
}

TEST(CheckMode, TestnetNamesTheMissingVariablesAndTheProductionHost) {
  const auto settings = settings_for(kModeRules[2], false, kUrls[3]);
  EXPECT_EQ(std::get<std::string>(check_mode(settings, config::Secrets{}, false)),
            "mode binance-testnet refused: BINANCE_API_KEY and BINANCE_API_SECRET are not set "
            "(signed orders need both; set them in the environment or .env); "
            "binance.rest_base_url points at api3.binance.com, a Binance production host");
  config::Secrets key_only;
  key_only.binance_api_key = core::Secret{kKey};
  EXPECT_EQ(std::get<std::string>(
                check_mode(settings_for(kModeRules[2], false, kUrls[0]), key_only, false)),
            "mode binance-testnet refused: BINANCE_API_SECRET is not set (signed orders need "
            "both; set them in the environment or .env)");
}

TEST(CheckMode, TheFlagOutsideLiveModeIsAWarningNotARefusal) {
  const auto check =
      std::get<ModeCheck>(check_mode(config::Settings{}, config::Secrets{}, /*flag=*/true));
  EXPECT_EQ(check.mode, Mode::sim);
  EXPECT_FALSE(check.real_orders);
  ASSERT_EQ(check.warnings.size(), 1U);
  EXPECT_EQ(check.warnings[0],
            "--i-understand-live-trading has no effect in mode sim: no real money is traded");
}

TEST(CheckMode, AVenueThatContradictsTheModeIsRefused) {
  // The loader never leaves this; a Settings built in code could.
  auto settings = settings_for(kModeRules[2], false, kUrls[0]);
  settings.market.venue = "sim";
  EXPECT_EQ(std::get<std::string>(check_mode(settings, both_keys(), false)),
            "mode binance-testnet refused: market.venue is sim but mode binance-testnet reads "
            "market data from binance");
}

}  // namespace
}  // namespace autotrader::app
