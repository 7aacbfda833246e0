// Every kind of configuration error, each reported with the key and where the value came from.
#include <map>
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "temp_dir.hpp"

namespace autotrader::config {
namespace {

using Environment = std::map<std::string, std::string>;

struct ErrorCase {
  std::string name;
  std::optional<std::string> file;        // written to cfg.json and passed as --config
  std::optional<std::string> config_arg;  // --config when no file is written
  Environment environment;
  std::optional<std::string> dotenv;  // written to .env
  std::string key;                    // the expected key
  std::string source;   // the expected source; {file}, {dotenv} and {dir} stand for paths
  std::string message;  // expected part of the message; {file} stands for the path
};

// A readable parameter in test names and failure messages.
void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name;
}

ErrorCase file_case(std::string name, std::string file, std::string key, std::string source,
                    std::string message) {
  ErrorCase c;
  c.name = std::move(name);
  c.file = std::move(file);
  c.key = std::move(key);
  c.source = std::move(source);
  c.message = std::move(message);
  return c;
}

ErrorCase env_case(std::string name, const std::string& variable, std::string value,
                   std::string key, std::string message) {
  ErrorCase c;
  c.name = std::move(name);
  c.environment = {{variable, std::move(value)}};
  c.key = std::move(key);
  c.source = "environment variable " + variable;
  c.message = std::move(message);
  return c;
}

ErrorCase dotenv_case(std::string name, std::string dotenv, std::string key, std::string source,
                      std::string message) {
  ErrorCase c;
  c.name = std::move(name);
  c.dotenv = std::move(dotenv);
  c.key = std::move(key);
  c.source = std::move(source);
  c.message = std::move(message);
  return c;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

class ErrorCases : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorCases, ReportedWithKeyAndSource) {
  const auto& c = GetParam();
  test::TempDir dir;
  LoadOptions options;
  options.working_dir = dir.path();
  options.environment = c.environment;
  if (c.file) options.config_file = dir.write("cfg.json", *c.file);
  if (c.config_arg) options.config_file = std::filesystem::path{*c.config_arg};
  if (c.dotenv) dir.write(".env", *c.dotenv);

  const auto result = load(options);

  ASSERT_EQ(result.errors.size(), 1u) << [&] {
    std::string all;
    for (const auto& error : result.errors) all += format_error(error) + "\n";
    return all;
  }();
  const auto& error = result.errors.front();
  auto source = replace_all(c.source, "{file}", (dir.path() / "cfg.json").string());
  source = replace_all(source, "{dotenv}", (dir.path() / ".env").string());
  source = replace_all(source, "{dir}", dir.path().string());
  EXPECT_EQ(error.key, c.key);
  EXPECT_EQ(error.source, source);
  const auto message = replace_all(c.message, "{file}", (dir.path() / "cfg.json").string());
  EXPECT_NE(error.message.find(message), std::string::npos) << error.message;
}

std::string name_of(const ::testing::TestParamInfo<ErrorCase>& info) {
  return info.param.name;
}

const char* const port_on_line_3 = R"({
  "http": {
    "port": 70000
  }
})";

const char* const trailing_comma_on_line_3 = R"({
  "http": {
    "port": 5000,
  }
})";

ErrorCase missing_file() {
  ErrorCase c;
  c.name = "missing_file";
  c.config_arg = "missing.json";
  c.source = "{dir}/missing.json";
  c.message = "config file cannot be read: No such file or directory";
  return c;
}

ErrorCase directory_as_file() {
  ErrorCase c;
  c.name = "directory_as_file";
  c.environment = {{"AUTOTRADER_CONFIG", "/"}};
  c.source = "/";
  c.message = "config file is a directory, not a file";
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    File, ErrorCases,
    ::testing::Values(
        file_case("unknown_key", R"({"colour": 1})", "colour", "{file}:1", "unknown key"),
        file_case("unknown_nested_key_suggests", R"({"http": {"prot": 1}})", "http.prot",
                  "{file}:1", "unknown key; did you mean \"http.port\"?"),
        file_case("unknown_section_suggests", R"({"htp": {"port": 1}})", "htp", "{file}:1",
                  "did you mean \"http\"?"),
        file_case("string_for_integer", R"({"http": {"port": "5000"}})", "http.port", "{file}:1",
                  "expected an integer, got a string"),
        file_case("fraction_for_integer", R"({"http": {"port": 5000.5}})", "http.port", "{file}:1",
                  "expected an integer, got 5000.5"),
        file_case("string_for_boolean", R"({"log": {"console": "yes"}})", "log.console", "{file}:1",
                  "expected a boolean, got a string"),
        file_case("string_for_number", R"({"supervision": {"period_seconds": "60"}})",
                  "supervision.period_seconds", "{file}:1", "expected a number, got a string"),
        file_case("null_for_string", R"({"http": {"bind": null}})", "http.bind", "{file}:1",
                  "expected a string, got null"),
        file_case("section_not_object", R"({"http": 5})", "http", "{file}:1",
                  "expected an object holding the http.* keys"),
        file_case("out_of_range_with_line", port_on_line_3, "http.port", "{file}:3",
                  "70000 is out of range [0, 65535]"),
        file_case("zero_duration", R"({"http": {"request_timeout_seconds": 0}})",
                  "http.request_timeout_seconds", "{file}:1", "0 is out of range [0.001, 300]"),
        // Below a millisecond a duration would become 0 in the daemon: a crash loop.
        file_case("sub_millisecond_duration",
                  R"({"supervision": {"heartbeat_timeout_seconds": 0.0001}})",
                  "supervision.heartbeat_timeout_seconds", "{file}:1",
                  "0.0001 is out of range [0.001, 3600]"),
        file_case("number_above_range", R"({"supervision": {"backoff_random_factor": 1.5}})",
                  "supervision.backoff_random_factor", "{file}:1", "1.5 is out of range [0, 1]"),
        file_case("negative", R"({"log": {"file_count": -1}})", "log.file_count", "{file}:1",
                  "-1 is out of range [1, 100]"),
        file_case("bad_enum_lists_allowed", R"({"log": {"level": "verbose"}})", "log.level",
                  "{file}:1", "must be one of trace, debug, info, warn, error, critical, off"),
        file_case("enum_is_case_sensitive_in_file", R"({"log": {"level": "INFO"}})", "log.level",
                  "{file}:1", "must be one of"),
        file_case("host_name_for_bind", R"({"http": {"bind": "localhost"}})", "http.bind",
                  "{file}:1", "must be an IPv4 or IPv6 address"),
        file_case("empty_data_dir", R"({"data_dir": ""})", "data_dir", "{file}:1",
                  "must not be empty"),
        file_case("dotted_key", R"({"http.port": 1})", "http.port", "{file}:1",
                  "write sections as nested objects"),
        file_case("duplicate_key", "{\"http\": {\"port\": 1,\n \"port\": 2}}", "http.port",
                  "{file}:2", "appears more than once"),
        file_case("malformed_json", trailing_comma_on_line_3, "", "{file}:4",
                  "malformed JSON at line 4, column 3: syntax error"),
        file_case("empty_file", "", "", "{file}:1", "malformed JSON at line 1, column 1"),
        file_case("top_level_array", "[1]", "", "{file}", "the top level must be a JSON object"),
        missing_file(), directory_as_file(),
        file_case("secret_key_names_its_variable", R"({"openai_api_key": "x"})", "openai_api_key",
                  "{file}:1",
                  "never read from the config file: remove it and set it in the environment or "
                  ".env as OPENAI_API_KEY"),
        file_case("api_token_in_file", R"({"http": {"api_token": "x"}})", "http.api_token",
                  "{file}:1", "as AUTOTRADER_API_TOKEN"),
        file_case("secret_looking_key", R"({"http": {"password": "x"}})", "http.password",
                  "{file}:1", "looks like a secret"),
        file_case("symbols_not_a_list", R"({"market": {"symbols": "BTCUSDT"}})", "market.symbols",
                  "{file}:1", "expected an array of strings, got a string"),
        file_case("symbol_repeated", R"({"market": {"symbols": ["BTCUSDT", "btcusdt"]}})",
                  "market.symbols", "{file}:1", "item 2 repeats a symbol"),
        file_case("bar_period_below_a_millisecond", R"({"sim": {"bar_period_seconds": 0.0001}})",
                  "sim.bar_period_seconds", "{file}:1", "must be 0 or at least 0.001"),
        file_case("one_replay_file_for_three_symbols",
                  R"({"sim": {"replay_file": "data/btc.json"}})", "sim.replay_file", "{file}:1",
                  "names one file for 3 symbols of market.symbols (from built-in default)"),
        file_case("backoff_max_below_min",
                  R"({"supervision": {"backoff_min_seconds": 10, "backoff_max_seconds": 5}})",
                  "supervision.backoff_max_seconds", "{file}:1",
                  "5 is less than supervision.backoff_min_seconds (10, from ")),
    name_of);

// The ranges of the autonomous loop's keys, and the paper broker's exact decimals.
INSTANTIATE_TEST_SUITE_P(
    TradingRanges, ErrorCases,
    ::testing::Values(
        file_case("min_confidence_above_one", R"({"trading": {"min_confidence": 1.2}})",
                  "trading.min_confidence", "{file}:1", "1.2 is out of range [0, 1]"),
        file_case("confidence_factors_above_ten", R"({"trading": {"confidence_factors": 11}})",
                  "trading.confidence_factors", "{file}:1", "11 is out of range [0, 10]"),
        file_case("stop_loss_of_a_hundred_percent", R"({"risk": {"stop_loss_pct": 100}})",
                  "risk.stop_loss_pct", "{file}:1", "100 is out of range [0, 100)"),
        file_case("zero_min_stop_loss", R"({"risk": {"min_stop_loss_pct": 0}})",
                  "risk.min_stop_loss_pct", "{file}:1", "0 is out of range (0, 100)"),
        file_case("zero_position_size", R"({"risk": {"max_position_size": 0}})",
                  "risk.max_position_size", "{file}:1", "0 is out of range (0, 1]"),
        file_case("no_open_positions", R"({"risk": {"max_open_positions": 0}})",
                  "risk.max_open_positions", "{file}:1", "0 is out of range [1, 1000]"),
        file_case("drawdown_as_percent", R"({"risk": {"max_drawdown": 10}})", "risk.max_drawdown",
                  "{file}:1", "10 is out of range (0, 1]"),
        file_case("offset_beyond_utc_plus_14", R"({"risk": {"day_utc_offset_minutes": 841}})",
                  "risk.day_utc_offset_minutes", "{file}:1", "841 is out of range [-720, 840]"),
        file_case("offset_beyond_utc_minus_12", R"({"risk": {"day_utc_offset_minutes": -721}})",
                  "risk.day_utc_offset_minutes", "{file}:1", "-721 is out of range [-720, 840]"),
        file_case("data_age_below_a_second", R"({"risk": {"max_data_age_seconds": 0.5}})",
                  "risk.max_data_age_seconds", "{file}:1", "0.5 is out of range [1, 86400]"),
        file_case("zero_multiplier", R"({"risk": {"low_win_rate_multiplier": 0}})",
                  "risk.low_win_rate_multiplier", "{file}:1", "0 is out of range (0, 10]"),
        file_case("busy_timeout_above_ten_minutes", R"({"store": {"busy_timeout_ms": 600001}})",
                  "store.busy_timeout_ms", "{file}:1", "600001 is out of range [0, 600000]"),
        file_case("balance_as_json_number", R"({"paper": {"initial_balance": 10000}})",
                  "paper.initial_balance", "{file}:1", "expected a string, got 10000"),
        file_case("zero_balance", R"({"paper": {"initial_balance": "0"}})", "paper.initial_balance",
                  "{file}:1", "must be greater than 0"),
        file_case("balance_with_exponent", R"({"paper": {"initial_balance": "1e4"}})",
                  "paper.initial_balance", "{file}:1", "must be an exact decimal number"),
        file_case("fee_of_ten_percent", R"({"paper": {"fee_bps": "1000"}})", "paper.fee_bps",
                  "{file}:1", "must be in [0, 1000)"),
        file_case("fee_with_15_fraction_digits", R"({"paper": {"fee_bps": "0.000000000000001"}})",
                  "paper.fee_bps", "{file}:1", "must have at most 14 fraction digits"),
        file_case("negative_slippage", R"({"paper": {"slippage_bps": "-1"}})", "paper.slippage_bps",
                  "{file}:1", "must be in [0, 10000)"),
        file_case("slippage_of_everything", R"({"paper": {"slippage_bps": "10000"}})",
                  "paper.slippage_bps", "{file}:1", "must be in [0, 10000)"),
        file_case("zero_partial_fill", R"({"paper": {"partial_fill_fraction": "0"}})",
                  "paper.partial_fill_fraction", "{file}:1", "must be in (0, 1]"),
        file_case("partial_fill_above_one", R"({"paper": {"partial_fill_fraction": "1.01"}})",
                  "paper.partial_fill_fraction", "{file}:1", "must be in (0, 1]"),
        file_case("zero_tick", R"({"paper": {"tick_size": "0"}})", "paper.tick_size", "{file}:1",
                  "must be greater than 0"),
        file_case("negative_step", R"({"paper": {"quantity_step": "-0.1"}})", "paper.quantity_step",
                  "{file}:1", "must be greater than 0"),
        file_case("negative_min_notional", R"({"paper": {"min_notional": "-5"}})",
                  "paper.min_notional", "{file}:1", "must be at least 0"),
        file_case("lower_case_quote_asset", R"({"paper": {"quote_asset": "usdt"}})",
                  "paper.quote_asset", "{file}:1", "must be 2 to 10 upper-case letters or digits"),
        file_case("one_letter_quote_asset", R"({"paper": {"quote_asset": "U"}})",
                  "paper.quote_asset", "{file}:1", "must be 2 to 10 upper-case letters or digits"),
        env_case("alias_out_of_range", "MIN_CONFIDENCE_FOR_TRADE", "60", "trading.min_confidence",
                 "60.0 is out of range [0, 1]"),
        env_case("alias_not_a_number", "MAX_DAILY_LOSS", "3%", "risk.max_daily_loss",
                 "not a number"),
        env_case("alias_not_an_integer", "CONFIDENCE_FACTORS", "three",
                 "trading.confidence_factors", "not an integer"),
        env_case("alias_bad_decimal", "PAPER_INITIAL_BALANCE", "10,000", "paper.initial_balance",
                 "must be an exact decimal number"),
        env_case("check_interval_not_an_interval_length", "CHECK_INTERVAL", "90", "market.interval",
                 "must be an interval name (1m, 5m, 1h, ...) or one interval's "
                 "length in whole seconds"),
        env_case("check_interval_fraction_of_seconds", "CHECK_INTERVAL", "60.0", "market.interval",
                 "must be an interval name"),
        // A month has no fixed length, so it has no seconds form.
        env_case("check_interval_month_in_seconds", "CHECK_INTERVAL", "2592000", "market.interval",
                 "must be an interval name"),
        // Only the alias takes seconds; the AUTOTRADER_ name keeps to interval names.
        env_case("seconds_for_the_full_name", "AUTOTRADER_MARKET_INTERVAL", "60", "market.interval",
                 "must be a Binance interval name")),
    name_of);

// Each rule between two keys fails on its own, naming both keys and where each value came from.
INSTANTIATE_TEST_SUITE_P(
    RiskAcrossKeys, ErrorCases,
    ::testing::Values(
        file_case("stop_loss_below_its_minimum",
                  R"({"risk": {"stop_loss_pct": 0.4, "take_profit_pct": 1}})", "risk.stop_loss_pct",
                  "{file}:1", "0.4 is below risk.min_stop_loss_pct (0.5, from built-in default)"),
        file_case("stop_loss_above_its_maximum",
                  R"({"risk": {"stop_loss_pct": 6, "take_profit_pct": 12}})", "risk.stop_loss_pct",
                  "{file}:1", "6 is above risk.max_stop_loss_pct (5, from built-in default)"),
        file_case("stop_loss_bounds_inverted",
                  R"({"risk": {"min_stop_loss_pct": 3, "max_stop_loss_pct": 1}})",
                  "risk.min_stop_loss_pct", "{file}:1",
                  "3 is above risk.max_stop_loss_pct (1, from {file}:1)"),
        file_case(
            "take_profit_below_its_minimum",
            R"({"risk": {"stop_loss_pct": 0.5, "take_profit_pct": 0.9, "min_reward_risk": 1}})",
            "risk.take_profit_pct", "{file}:1",
            "0.9 is below risk.min_take_profit_pct (1, from built-in default)"),
        file_case("take_profit_above_its_maximum", R"({"risk": {"take_profit_pct": 25}})",
                  "risk.take_profit_pct", "{file}:1",
                  "25 is above risk.max_take_profit_pct (20, from built-in default)"),
        file_case("take_profit_bounds_inverted",
                  R"({"risk": {"min_take_profit_pct": 30, "max_take_profit_pct": 20}})",
                  "risk.min_take_profit_pct", "{file}:1", "30 is above risk.max_take_profit_pct"),
        file_case("classic_five_percent_stop_three_percent_target",
                  R"({"risk": {"stop_loss_pct": 5, "take_profit_pct": 3}})", "risk.take_profit_pct",
                  "{file}:1",
                  "is a reward/risk of 0.6, below risk.min_reward_risk 2 (from built-in default): "
                  "the target must be at least 2 times the stop"),
        file_case("reward_risk_just_below", R"({"risk": {"take_profit_pct": 3.9}})",
                  "risk.take_profit_pct", "{file}:1", "below risk.min_reward_risk 2"),
        file_case("base_size_above_max_size", R"({"risk": {"base_position_size": 0.2}})",
                  "risk.base_position_size", "{file}:1",
                  "0.2 is above risk.max_position_size (0.1, from built-in default)"),
        file_case("low_confidence_above_high", R"({"risk": {"low_confidence": 0.95}})",
                  "risk.low_confidence", "{file}:1",
                  "0.95 is above risk.high_confidence (0.9, from built-in default)"),
        file_case("low_win_rate_above_high", R"({"risk": {"high_win_rate": 0.3}})",
                  "risk.low_win_rate", "built-in default",
                  "0.4 is above risk.high_win_rate (0.3, from {file}:1)"),
        file_case("min_trades_above_window", R"({"risk": {"win_rate_window": 5}})",
                  "risk.win_rate_min_trades", "built-in default",
                  "10 is above risk.win_rate_window (5, from {file}:1)")),
    name_of);

// The classic bot's variables, as a user of one would set them: refused, with the reason.
ErrorCase classic_stop_and_target_from_the_environment() {
  ErrorCase c;
  c.name = "classic_stop_and_target_from_the_environment";
  c.environment = {{"STOP_LOSS_PERCENTAGE", "5"}, {"TAKE_PROFIT_PERCENTAGE", "3"}};
  c.key = "risk.take_profit_pct";
  c.source = "environment variable TAKE_PROFIT_PERCENTAGE";
  c.message =
      "a 3% target against the 5% stop of risk.stop_loss_pct (from environment variable "
      "STOP_LOSS_PERCENTAGE) is a reward/risk of 0.6, below risk.min_reward_risk 2 (from "
      "built-in default): the target must be at least 2 times the stop. With 2, the 1:2 rule, a "
      "2% stop needs a 4% target; the classic 5% stop with a 3% target risks 5 to make 3";
  return c;
}

INSTANTIATE_TEST_SUITE_P(RiskAcrossSources, ErrorCases,
                         ::testing::Values(classic_stop_and_target_from_the_environment()),
                         name_of);

ErrorCase backoff_min_above_default_max() {
  auto c = env_case("backoff_min_above_default_max", "AUTOTRADER_SUPERVISION_BACKOFF_MIN_SECONDS",
                    "40", "supervision.backoff_max_seconds",
                    "30 is less than supervision.backoff_min_seconds (40, from environment "
                    "variable AUTOTRADER_SUPERVISION_BACKOFF_MIN_SECONDS)");
  c.source = "built-in default";  // where the smaller maximum came from
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Environment, ErrorCases,
    ::testing::Values(
        env_case("not_an_integer", "AUTOTRADER_HTTP_PORT", "abc", "http.port", "not an integer"),
        env_case("integer_with_junk", "AUTOTRADER_HTTP_PORT", "80x", "http.port", "not an integer"),
        env_case("out_of_range", "AUTOTRADER_HTTP_PORT", "70000", "http.port",
                 "70000 is out of range [0, 65535]"),
        env_case("beyond_int64", "AUTOTRADER_HTTP_PORT", "99999999999999999999", "http.port",
                 "out of range [0, 65535]"),
        env_case("not_a_number", "AUTOTRADER_SUPERVISION_PERIOD_SECONDS", "soon",
                 "supervision.period_seconds", "not a number"),
        env_case("infinite", "AUTOTRADER_SUPERVISION_PERIOD_SECONDS", "inf",
                 "supervision.period_seconds", "not a number"),
        env_case("not_a_boolean", "AUTOTRADER_LOG_CONSOLE", "maybe", "log.console",
                 "not a boolean (use true/false, 1/0 or yes/no)"),
        env_case("alias_not_a_boolean", "AUTONOMOUS_MODE", "sure", "trading.autonomous",
                 "not a boolean"),
        env_case("bad_enum", "AUTOTRADER_LOG_LEVEL", "loud", "log.level",
                 "must be one of trace, debug"),
        env_case("bad_bind", "AUTOTRADER_HTTP_BIND", "example.com", "http.bind",
                 "must be an IPv4 or IPv6 address"),
        env_case("bad_symbol_in_list", "AUTOTRADER_MARKET_SYMBOLS", "BTCUSDT,BTC/USDT",
                 "market.symbols", "item 2 is not a symbol"),
        env_case("empty_symbol_list", "AUTOTRADER_MARKET_SYMBOLS", "", "market.symbols",
                 "must name at least one symbol"),
        env_case("interval_case_matters", "AUTOTRADER_MARKET_INTERVAL", "1H", "market.interval",
                 "must be a Binance interval name"),
        env_case("unknown_suggests", "AUTOTRADER_HTTP_PROT", "1", "",
                 "unknown variable AUTOTRADER_HTTP_PROT; did you mean AUTOTRADER_HTTP_PORT?"),
        env_case("unknown", "AUTOTRADER_FROBNICATE", "1", "",
                 "unknown variable AUTOTRADER_FROBNICATE"),
        backoff_min_above_default_max()),
    name_of);

INSTANTIATE_TEST_SUITE_P(
    Dotenv, ErrorCases,
    ::testing::Values(dotenv_case("malformed_line", "OK_NAME=1\nthis is not an assignment\n", "",
                                  "{dotenv}:2", "expected '=' after this"),
                      dotenv_case("no_name", "=value\n", "", "{dotenv}:1", "expected NAME=VALUE"),
                      dotenv_case("unterminated_quote", "AUTOTRADER_HTTP_PORT=\"5000\n", "",
                                  "{dotenv}:1",
                                  "unterminated double quote in the value of AUTOTRADER_HTTP_PORT"),
                      dotenv_case("bad_value", "\nAUTOTRADER_HTTP_PORT=abc\n", "http.port",
                                  "AUTOTRADER_HTTP_PORT in {dotenv}:2", "not an integer"),
                      dotenv_case("unknown", "AUTOTRADER_NOPE=1\n", "",
                                  "AUTOTRADER_NOPE in {dotenv}:1",
                                  "unknown variable AUTOTRADER_NOPE")),
    name_of);

class LoaderErrorsTest : public ::testing::Test {
 protected:
  LoadResult load_file(const char* content, Environment environment = {}) {
    LoadOptions options;
    options.working_dir = dir_.path();
    options.config_file = dir_.write("cfg.json", content);
    options.environment = std::move(environment);
    return load(options);
  }

  test::TempDir dir_;
};

TEST_F(LoaderErrorsTest, ReportsAllErrorsAtOnce) {
  const auto result =
      load_file(R"({
  "log": {"level": "loud", "file_count": 0},
  "http": {"port": -1, "prot": 5},
  "extra": true
})",
                {{"AUTOTRADER_HTTP_MAX_CONNECTIONS", "many"}, {"AUTOTRADER_TYPO", "x"}});
  std::set<std::string> keys;
  for (const auto& error : result.errors) keys.insert(error.key);
  EXPECT_EQ(result.errors.size(), 7u);
  EXPECT_EQ(keys, (std::set<std::string>{"log.level", "log.file_count", "http.port", "http.prot",
                                         "extra", "http.max_connections", ""}));
}

TEST_F(LoaderErrorsTest, FormatsOneLine) {
  const auto result = load_file(R"({"http": {"port": 70000}})");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(format_error(result.errors.front()),
            "config error: http.port: 70000 is out of range [0, 65535] (from " +
                (dir_.path() / "cfg.json").string() + ":1)");
  EXPECT_EQ(
      format_error({"", "environment variable AUTOTRADER_X", "unknown variable AUTOTRADER_X"}),
      "config error: unknown variable AUTOTRADER_X (from environment variable AUTOTRADER_X)");
}

TEST_F(LoaderErrorsTest, SecretInsideTheBinanceSectionIsCalledOut) {
  const auto result =
      load_file(R"({"binance": {"api_key": "k", "api_secret": "s", "testnet": 1}})");
  std::map<std::string, std::string> messages;
  for (const auto& error : result.errors) messages[error.key] = error.message;
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_NE(messages["binance.api_key"].find("BINANCE_API_KEY"), std::string::npos)
      << messages["binance.api_key"];
  EXPECT_NE(messages["binance.api_secret"].find("BINANCE_API_SECRET"), std::string::npos)
      << messages["binance.api_secret"];
  EXPECT_TRUE(messages.count("binance.testnet"));
}

TEST_F(LoaderErrorsTest, SecretValuesNeverAppearInErrors) {
  const std::string secret = "sk-live-abcdefghijklmnop";
  // An unterminated string makes the JSON parser quote what it read, secret included.
  const auto result = load_file(("{\"http\": {\"bind\": \"" + secret + "\n}}").c_str(),
                                {{"OPENAI_API_KEY", secret},
                                 {"AUTOTRADER_OPENAI_KEY", secret},
                                 {"AUTOTRADER_LOG_LEVEL", secret},
                                 {"AUTOTRADER_HTTP_PORT", secret},
                                 {"AUTOTRADER_HTTP_BIND", secret},
                                 {"AUTOTRADER_LOG_CONSOLE", secret}});
  ASSERT_EQ(result.errors.size(), 6u);
  for (const auto& error : result.errors) {
    const auto text = format_error(error);
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
    EXPECT_EQ(text.find("abcdefghijklmnop"), std::string::npos) << text;
  }
}

TEST_F(LoaderErrorsTest, UnregisteredSecretInMisspeltVariableIsReportedByNameOnly) {
  const auto result = load_file("{}", {{"AUTOTRADER_BINANCE_KEY", "bnb-very-secret-value"}});
  ASSERT_EQ(result.errors.size(), 1u);
  const auto text = format_error(result.errors.front());
  EXPECT_NE(text.find("AUTOTRADER_BINANCE_KEY"), std::string::npos) << text;
  EXPECT_EQ(text.find("bnb-very-secret-value"), std::string::npos) << text;
}

}  // namespace
}  // namespace autotrader::config
