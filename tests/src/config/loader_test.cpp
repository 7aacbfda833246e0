#include "config/loader.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "config/schema.hpp"
#include "temp_dir.hpp"

namespace autotrader::config {
namespace {

using namespace std::chrono_literals;
using Environment = std::map<std::string, std::string>;

class LoaderTest : public ::testing::Test {
 protected:
  LoadResult load_with(Environment environment = {},
                       std::optional<std::filesystem::path> config_file = std::nullopt) const {
    LoadOptions options;
    options.working_dir = dir_.path();
    options.environment = std::move(environment);
    options.config_file = std::move(config_file);
    return load(options);
  }

  static std::string errors_of(const LoadResult& result) {
    std::string text;
    for (const auto& error : result.errors) text += format_error(error) + "\n";
    return text;
  }

  test::TempDir dir_;
};

TEST_F(LoaderTest, DefaultsWhenNothingIsConfigured) {
  const auto result = load_with();
  EXPECT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(to_json(result.settings), defaults_json());
  EXPECT_FALSE(result.config_file.has_value());
  EXPECT_FALSE(result.dotenv_file.has_value());
  EXPECT_TRUE(result.secrets.values().empty());
  for (const auto& spec : schema()) EXPECT_EQ(result.origins.at(spec.path), "built-in default");
}

TEST_F(LoaderTest, ReadsDefaultConfigFileFromWorkingDirectory) {
  const auto file = dir_.write("config/autotrader.json", R"({"http": {"port": 6000}})");
  const auto result = load_with();
  EXPECT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(result.settings.http.port, 6000);
  ASSERT_TRUE(result.config_file.has_value());
  EXPECT_EQ(*result.config_file, file);
  EXPECT_EQ(result.origins.at("http.port"), file.string() + ":1");
}

TEST_F(LoaderTest, FileOverridesDefaultsWithTypedValues) {
  const auto file = dir_.write("custom.json", R"({
  "data_dir": "/var/lib/autotrader",
  "log": {"level": "debug", "console": false, "file_count": 3},
  "http": {"bind": "::1", "port": 0, "request_timeout_seconds": 2.5},
  "supervision": {"max_restarts": 0, "backoff_min_seconds": 0, "backoff_random_factor": 1},
  "trading": {"autonomous": true},
  "llm": {"enable_backup_apis": false}
})");
  const auto result = load_with({}, std::filesystem::path{"custom.json"});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  const auto& s = result.settings;
  EXPECT_EQ(s.data_dir, "/var/lib/autotrader");
  EXPECT_EQ(s.log.level, core::log::Level::debug);
  EXPECT_FALSE(s.log.console);
  EXPECT_EQ(s.log.file_count, 3u);
  EXPECT_EQ(s.http.bind, "::1");
  EXPECT_EQ(s.http.port, 0);
  EXPECT_EQ(s.http.request_timeout, 2500ms);
  EXPECT_EQ(s.supervision.max_restarts, 0u);
  EXPECT_EQ(s.supervision.backoff_min, 0ns);
  EXPECT_EQ(s.supervision.backoff_random_factor, 1.0);
  EXPECT_TRUE(s.trading.autonomous);
  EXPECT_FALSE(s.llm.enable_backup_apis);
  // Untouched keys keep their defaults.
  EXPECT_EQ(s.http.max_connections, 64u);
  EXPECT_EQ(s.supervision.period, 60s);
  EXPECT_EQ(result.origins.at("log.level"), file.string() + ":3");
  EXPECT_EQ(result.origins.at("http.max_connections"), "built-in default");
}

TEST_F(LoaderTest, ConfigVariableNamesTheFileAndCommandLineBeatsIt) {
  dir_.write("from_env.json", R"({"http": {"port": 6001}})");
  dir_.write("from_cli.json", R"({"http": {"port": 6002}})");
  dir_.write("config/autotrader.json", R"({"http": {"port": 6003}})");
  EXPECT_EQ(load_with({{"AUTOTRADER_CONFIG", "from_env.json"}}).settings.http.port, 6001);
  EXPECT_EQ(
      load_with({{"AUTOTRADER_CONFIG", "from_env.json"}}, std::filesystem::path{"from_cli.json"})
          .settings.http.port,
      6002);
  dir_.write(".env", "AUTOTRADER_CONFIG=from_env.json\n");
  EXPECT_EQ(load_with().settings.http.port, 6001);
}

TEST_F(LoaderTest, EnvironmentOverridesFile) {
  dir_.write("config/autotrader.json", R"({"http": {"port": 6000}, "log": {"level": "warn"}})");
  const auto result = load_with({{"AUTOTRADER_HTTP_PORT", "7000"}});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(result.settings.http.port, 7000);
  EXPECT_EQ(result.settings.log.level, core::log::Level::warn);
  EXPECT_EQ(result.origins.at("http.port"), "environment variable AUTOTRADER_HTTP_PORT");
}

TEST_F(LoaderTest, DotenvSitsBetweenFileAndEnvironment) {
  dir_.write("config/autotrader.json", R"({"http": {"port": 6000, "max_connections": 10}})");
  const auto dotenv = dir_.write(".env",
                                 "# local overrides\n"
                                 "AUTOTRADER_HTTP_PORT=7000\n"
                                 "export AUTOTRADER_HTTP_MAX_CONNECTIONS='20'\n");
  const auto from_dotenv = load_with();
  ASSERT_TRUE(from_dotenv.ok()) << errors_of(from_dotenv);
  EXPECT_EQ(from_dotenv.settings.http.port, 7000);
  EXPECT_EQ(from_dotenv.settings.http.max_connections, 20u);
  EXPECT_EQ(from_dotenv.dotenv_file, dotenv);
  EXPECT_EQ(from_dotenv.origins.at("http.port"),
            "AUTOTRADER_HTTP_PORT in " + dotenv.string() + ":2");

  const auto from_env = load_with({{"AUTOTRADER_HTTP_PORT", "8000"}});
  ASSERT_TRUE(from_env.ok()) << errors_of(from_env);
  EXPECT_EQ(from_env.settings.http.port, 8000);
  EXPECT_EQ(from_env.settings.http.max_connections, 20u);
}

TEST_F(LoaderTest, AliasesSetTheirKeysAndTheFullNameWins) {
  auto result = load_with({{"AUTONOMOUS_MODE", "yes"}, {"ENABLE_BACKUP_APIS", "0"}});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_TRUE(result.settings.trading.autonomous);
  EXPECT_FALSE(result.settings.llm.enable_backup_apis);

  result = load_with({{"AUTONOMOUS_MODE", "true"}, {"AUTOTRADER_TRADING_AUTONOMOUS", "false"}});
  EXPECT_FALSE(result.settings.trading.autonomous);

  // The environment beats .env whichever name each uses.
  dir_.write(".env", "AUTOTRADER_TRADING_AUTONOMOUS=false\n");
  result = load_with({{"AUTONOMOUS_MODE", "true"}});
  EXPECT_TRUE(result.settings.trading.autonomous);
  EXPECT_EQ(result.origins.at("trading.autonomous"), "environment variable AUTONOMOUS_MODE");
}

TEST_F(LoaderTest, ClassicBotVariablesSetTheLoopRiskAndPaperKeys) {
  const auto result = load_with({{"MIN_CONFIDENCE_FOR_TRADE", "0.7"},
                                 {"CONFIDENCE_FACTORS", "2"},
                                 {"STOP_LOSS_PERCENTAGE", "1.5"},
                                 {"TAKE_PROFIT_PERCENTAGE", "4.5"},
                                 {"MAX_POSITION_SIZE", "0.08"},
                                 {"MAX_OPEN_POSITIONS", "3"},
                                 {"MAX_DAILY_LOSS", "0.02"},
                                 {"MAX_DRAWDOWN", "0.15"},
                                 {"PAPER_INITIAL_BALANCE", "2500.50"},
                                 {"AUTONOMOUS_MODE", "false"}});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  const auto& s = result.settings;
  EXPECT_EQ(s.trading.min_confidence, 0.7);
  EXPECT_EQ(s.trading.confidence_factors, 2);
  EXPECT_EQ(s.risk.stop_loss_pct, 1.5);
  EXPECT_EQ(s.risk.take_profit_pct, 4.5);
  EXPECT_EQ(s.risk.max_position_size, 0.08);
  EXPECT_EQ(s.risk.max_open_positions, 3);
  EXPECT_EQ(s.risk.max_daily_loss, 0.02);
  EXPECT_EQ(s.risk.max_drawdown, 0.15);
  EXPECT_EQ(s.paper.initial_balance, "2500.50");
  EXPECT_FALSE(s.trading.autonomous);
  EXPECT_EQ(result.origins.at("risk.stop_loss_pct"), "environment variable STOP_LOSS_PERCENTAGE");
  EXPECT_EQ(result.origins.at("paper.initial_balance"),
            "environment variable PAPER_INITIAL_BALANCE");

  // The AUTOTRADER_ name wins over the alias in the same source.
  const auto both = load_with({{"MAX_DRAWDOWN", "0.15"}, {"AUTOTRADER_RISK_MAX_DRAWDOWN", "0.2"}});
  ASSERT_TRUE(both.ok()) << errors_of(both);
  EXPECT_EQ(both.settings.risk.max_drawdown, 0.2);
}

TEST_F(LoaderTest, AFreshMachineTradesOnThePaperBrokerByItself) {
  const auto result = load_with();
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_TRUE(result.settings.trading.autonomous);
  EXPECT_EQ(result.settings.market.venue, "sim");
  EXPECT_EQ(result.settings.trading.min_confidence, 0.60);
  EXPECT_EQ(result.settings.trading.confidence_factors, 3);
  // The default stop and target satisfy their own 1:2 rule.
  EXPECT_GE(result.settings.risk.take_profit_pct / result.settings.risk.stop_loss_pct,
            result.settings.risk.min_reward_risk);
}

TEST_F(LoaderTest, TradingSectionsFromTheFile) {
  const auto file = dir_.write("custom.json", R"({
  "trading": {"autonomous": false, "min_confidence": 0.75, "confidence_factors": 0,
              "decide_during_warm_up": true},
  "risk": {"max_data_age_seconds": 90, "day_utc_offset_minutes": -300,
           "max_orders_per_minute": 0},
  "paper": {"quote_asset": "EUR", "fee_bps": "7.5", "tick_size": "0.001",
            "min_notional": "0", "partial_fill_fraction": "0.25"},
  "store": {"synchronous_full": true, "busy_timeout_ms": 0}
})");
  const auto result = load_with({}, file);
  ASSERT_TRUE(result.ok()) << errors_of(result);
  const auto& s = result.settings;
  EXPECT_FALSE(s.trading.autonomous);
  EXPECT_EQ(s.trading.min_confidence, 0.75);
  EXPECT_EQ(s.trading.confidence_factors, 0);
  EXPECT_TRUE(s.trading.decide_during_warm_up);
  EXPECT_EQ(s.risk.max_data_age, 90s);
  EXPECT_EQ(s.risk.day_utc_offset_minutes, -300);
  EXPECT_EQ(s.risk.max_orders_per_minute, 0);
  EXPECT_EQ(s.paper.quote_asset, "EUR");
  EXPECT_EQ(s.paper.fee_bps, "7.5");
  EXPECT_EQ(s.paper.tick_size, "0.001");
  EXPECT_EQ(s.paper.min_notional, "0");
  EXPECT_EQ(s.paper.partial_fill_fraction, "0.25");
  EXPECT_TRUE(s.store.synchronous_full);
  EXPECT_EQ(s.store.busy_timeout_ms, 0);
  EXPECT_EQ(to_json(s)["risk"]["max_data_age_seconds"], 90.0);
}

// Equal limits are consistent, and a fallback of 0 (none) is outside the bound and ratio rules.
TEST_F(LoaderTest, RiskLimitsAtTheirEdgesLoad) {
  const auto file = dir_.write("edges.json", R"({
  "risk": {"stop_loss_pct": 0.5, "take_profit_pct": 1, "min_take_profit_pct": 1,
           "base_position_size": 0.1, "low_confidence": 0.9, "low_win_rate": 0.6,
           "win_rate_min_trades": 20},
  "trading": {"min_confidence": 1}
})");
  auto result = load_with({}, file);
  ASSERT_TRUE(result.ok()) << errors_of(result);  // 1 / 0.5 is exactly 2
  EXPECT_EQ(result.settings.risk.stop_loss_pct, 0.5);

  result = load_with({{"STOP_LOSS_PERCENTAGE", "0"}, {"TAKE_PROFIT_PERCENTAGE", "0"}});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(result.settings.risk.stop_loss_pct, 0.0);

  // 0.3 / 0.1 is 2.9999999999999996 in doubles: still a 1:3.
  result = load_with({{"AUTOTRADER_RISK_MIN_STOP_LOSS_PCT", "0.1"},
                      {"STOP_LOSS_PERCENTAGE", "0.1"},
                      {"AUTOTRADER_RISK_MIN_TAKE_PROFIT_PCT", "0.3"},
                      {"TAKE_PROFIT_PERCENTAGE", "0.3"},
                      {"AUTOTRADER_RISK_MIN_REWARD_RISK", "3"}});
  ASSERT_TRUE(result.ok()) << errors_of(result);
}

struct IntervalCase {
  const char* text;
  const char* interval;
};

void PrintTo(const IntervalCase& c, std::ostream* os) {
  *os << c.text;
}

class CheckInterval : public ::testing::TestWithParam<IntervalCase> {};

// The classic bot's CHECK_INTERVAL: an interval name, or seconds equal to one interval's length.
TEST_P(CheckInterval, SetsTheMarketInterval) {
  test::TempDir dir;
  LoadOptions options;
  options.working_dir = dir.path();
  options.environment = {{"CHECK_INTERVAL", GetParam().text}};
  const auto result = load(options);
  ASSERT_TRUE(result.ok()) << GetParam().text;
  EXPECT_EQ(result.settings.market.interval, GetParam().interval);
  EXPECT_EQ(result.origins.at("market.interval"), "environment variable CHECK_INTERVAL");
}

INSTANTIATE_TEST_SUITE_P(Table, CheckInterval,
                         ::testing::Values(IntervalCase{"5m", "5m"}, IntervalCase{" 1h ", "1h"},
                                           IntervalCase{"1M", "1M"}, IntervalCase{"1", "1s"},
                                           IntervalCase{"60", "1m"}, IntervalCase{"300", "5m"},
                                           IntervalCase{"3600", "1h"}, IntervalCase{"86400", "1d"},
                                           IntervalCase{"604800", "1w"}));

TEST_F(LoaderTest, TheFullIntervalNameBeatsCheckInterval) {
  const auto result = load_with({{"CHECK_INTERVAL", "300"}, {"AUTOTRADER_MARKET_INTERVAL", "15m"}});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(result.settings.market.interval, "15m");
}

struct BoolCase {
  const char* text;
  bool expected;
};

// A readable parameter in test names and failure messages.
void PrintTo(const BoolCase& c, std::ostream* os) {
  *os << c.text;
}

class BoolWords : public ::testing::TestWithParam<BoolCase> {};

TEST_P(BoolWords, Parse) {
  test::TempDir dir;
  LoadOptions options;
  options.working_dir = dir.path();
  options.environment = {{"AUTOTRADER_LOG_CONSOLE", GetParam().text}};
  const auto result = load(options);
  ASSERT_TRUE(result.ok()) << GetParam().text;
  EXPECT_EQ(result.settings.log.console, GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Table, BoolWords,
                         ::testing::Values(BoolCase{"true", true}, BoolCase{"TRUE", true},
                                           BoolCase{"1", true}, BoolCase{"yes", true},
                                           BoolCase{"Yes", true}, BoolCase{" true ", true},
                                           BoolCase{"false", false}, BoolCase{"False", false},
                                           BoolCase{"0", false}, BoolCase{"no", false},
                                           BoolCase{"NO", false}));

TEST_F(LoaderTest, EnvironmentTextIsParsedPerType) {
  const auto result = load_with({{"AUTOTRADER_LOG_LEVEL", "DEBUG"},
                                 {"AUTOTRADER_SUPERVISION_BACKOFF_MIN_SECONDS", "0.25"},
                                 {"AUTOTRADER_SUPERVISION_PERIOD_SECONDS", "90"},
                                 {"AUTOTRADER_LOG_FILE_MAX_BYTES", "65536"},
                                 {"AUTOTRADER_DATA_DIR", "/tmp/at data"},
                                 {"AUTOTRADER_HTTP_BIND", "0.0.0.0"}});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(result.settings.log.level, core::log::Level::debug);
  EXPECT_EQ(result.settings.supervision.backoff_min, 250ms);
  EXPECT_EQ(result.settings.supervision.period, 90s);
  EXPECT_EQ(result.settings.log.file_max_bytes, 65536u);
  EXPECT_EQ(result.settings.data_dir, "/tmp/at data");
  EXPECT_EQ(result.settings.http.bind, "0.0.0.0");
}

TEST_F(LoaderTest, MarketAndSimulatorKeysFromFileAndEnvironment) {
  const auto file = dir_.write("custom.json", R"({
  "market": {"symbols": ["btcusdt", "ETHUSDT"], "interval": "5m", "stale_after_seconds": 12.5},
  "sim": {"seed": 7, "bar_period_seconds": 0, "replay_file": "data/{symbol}-5m.csv"}
})");
  auto result = load_with({}, file);
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(result.settings.market.symbols, (std::vector<std::string>{"btcusdt", "ETHUSDT"}));
  EXPECT_EQ(result.settings.market.interval, "5m");
  EXPECT_EQ(result.settings.market.stale_after, 12'500ms);
  EXPECT_EQ(result.settings.sim.seed, 7u);
  EXPECT_EQ(result.settings.sim.bar_period, 0ms);
  EXPECT_EQ(result.settings.sim.replay_file, "data/{symbol}-5m.csv");
  EXPECT_EQ(to_json(result.settings)["market"]["symbols"], (nlohmann::json{"btcusdt", "ETHUSDT"}));

  result = load_with({{"AUTOTRADER_MARKET_SYMBOLS", " SOLUSDT "},
                      {"AUTOTRADER_SIM_REPLAY_FILE", "one-file.json"},
                      {"AUTOTRADER_SIM_BAR_PERIOD_SECONDS", "0.25"}},
                     file);
  ASSERT_TRUE(result.ok()) << errors_of(result);  // one file for one symbol is fine
  EXPECT_EQ(result.settings.market.symbols, (std::vector<std::string>{"SOLUSDT"}));
  EXPECT_EQ(result.settings.sim.bar_period, 250ms);
}

TEST_F(LoaderTest, OtherVariablesAreIgnored) {
  const auto result = load_with({{"PATH", "/usr/bin"}, {"HOME", "/root"}, {"AUTOTRADERX", "1"}});
  EXPECT_TRUE(result.ok()) << errors_of(result);
}

TEST_F(LoaderTest, SecretsComeFromEnvironmentAndDotenv) {
  dir_.write(".env",
             "BINANCE_API_KEY=dotenv-binance-key\n"
             "BINANCE_API_SECRET=\"dotenv-binance-secret\"\n"
             "OPENAI_API_KEY=dotenv-openai-key\n");
  const auto result = load_with({{"BINANCE_API_KEY", "env-binance-key"},
                                 {"OPENAI_API_KEY", ""},
                                 {"GEMINI_API_KEY", "env-gemini-key"},
                                 {"ANTHROPIC_API_KEY", "env-anthropic-key"},
                                 {"TOGETHER_API_KEY", "env-together-key"},
                                 {"AUTOTRADER_API_TOKEN", "env-api-token"}});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  const auto& secrets = result.secrets;
  EXPECT_EQ(secrets.binance_api_key.reveal(), "env-binance-key");
  EXPECT_EQ(secrets.binance_api_secret.reveal(), "dotenv-binance-secret");
  // An empty variable leaves the .env value in place.
  EXPECT_EQ(secrets.openai_api_key.reveal(), "dotenv-openai-key");
  EXPECT_EQ(secrets.gemini_api_key.reveal(), "env-gemini-key");
  EXPECT_EQ(secrets.anthropic_api_key.reveal(), "env-anthropic-key");
  EXPECT_EQ(secrets.together_api_key.reveal(), "env-together-key");
  EXPECT_EQ(secrets.api_token.reveal(), "env-api-token");
  EXPECT_EQ(secrets.values().size(), 7u);
}

TEST_F(LoaderTest, EffectiveConfigNeverHoldsSecrets) {
  Environment environment;
  for (const auto& spec : secret_specs()) {
    environment[std::string{spec.env_name}] = "value-of-" + std::string{spec.env_name};
  }
  const auto result = load_with(environment);
  ASSERT_TRUE(result.ok()) << errors_of(result);
  const auto text = to_json(result.settings).dump();
  for (const auto value : result.secrets.values()) {
    EXPECT_EQ(text.find(value), std::string::npos) << value;
  }
  EXPECT_EQ(text.find("value-of-"), std::string::npos);
}

TEST_F(LoaderTest, ToJsonHasTheFileLayout) {
  Settings settings;
  settings.http.port = 1234;
  settings.supervision.backoff_min = 1500ms;
  settings.log.level = core::log::Level::error;
  const auto json = to_json(settings);
  EXPECT_EQ(json["http"]["port"], 1234);
  EXPECT_EQ(json["supervision"]["backoff_min_seconds"], 1.5);
  EXPECT_EQ(json["log"]["level"], "error");
  EXPECT_EQ(json["data_dir"], "data");
  EXPECT_EQ(json["market"]["symbols"], (nlohmann::json{"BTCUSDT", "ETHUSDT", "SOLUSDT"}));
  EXPECT_EQ(json["sim"]["bar_period_seconds"], 0.1);
  EXPECT_EQ(json["trading"]["autonomous"], true);
  EXPECT_EQ(json["risk"]["max_data_age_seconds"], 120.0);
  EXPECT_EQ(json["paper"]["initial_balance"], "10000");
  EXPECT_EQ(json["health"]["interval_seconds"], 60.0);
  EXPECT_EQ(json["mode"], "sim");
  EXPECT_EQ(json["binance"]["recv_window_ms"], 5000);
  // mode, live_trading, data_dir and the sections log, http, supervision, market, binance, sim,
  // trading, risk, paper, store, health, llm.
  EXPECT_EQ(json.size(), 15u);
}

TEST_F(LoaderTest, InvalidValueLeavesTheLowerSourceInEffect) {
  dir_.write("config/autotrader.json", R"({"http": {"port": 6000}})");
  const auto result = load_with({{"AUTOTRADER_HTTP_PORT", "70000"}});
  EXPECT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.settings.http.port, 6000);
}

TEST(LogOptions, FollowSettings) {
  Settings settings;
  settings.data_dir = "/srv/at";
  settings.log.level = core::log::Level::trace;
  settings.log.console = false;
  settings.log.file_max_bytes = 70000;
  settings.log.file_count = 9;
  const auto options = log_options(settings);
  EXPECT_EQ(options.data_dir, "/srv/at");
  EXPECT_EQ(options.level, core::log::Level::trace);
  EXPECT_FALSE(options.console);
  EXPECT_EQ(options.file_max_bytes, 70000u);
  EXPECT_EQ(options.file_count, 9u);
}

TEST(EnvironmentFrom, SplitsAtTheFirstEquals) {
  const char* entries[] = {"A=1", "B=x=y", "EMPTY=", "NOEQUALS", nullptr};
  const auto environment = environment_from(entries);
  EXPECT_EQ(environment, (Environment{{"A", "1"}, {"B", "x=y"}, {"EMPTY", ""}}));
  EXPECT_TRUE(environment_from(nullptr).empty());
}

}  // namespace
}  // namespace autotrader::config
