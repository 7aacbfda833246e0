#include "config/schema.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "config/secrets.hpp"

namespace autotrader::config {
namespace {

const std::filesystem::path shipped_config =
    std::filesystem::path{AUTOTRADER_SOURCE_DIR} / "config" / "autotrader.json";

TEST(Schema, DefaultsEqualTheSettingsStruct) {
  EXPECT_EQ(to_json(Settings{}), defaults_json());
}

TEST(Schema, ShippedConfigFileEqualsTheDefaults) {
  std::ifstream in{shipped_config};
  ASSERT_TRUE(in) << shipped_config;
  const auto file = nlohmann::json::parse(in);
  EXPECT_EQ(file, shipped_defaults_json()) << "file:     " << file.dump() << "\n"
                                           << "defaults: " << shipped_defaults_json().dump();
}

// market.venue follows mode; a copy of the shipped file that kept it would contradict every
// mode its owner later sets in the same file.
TEST(Schema, OnlyMarketVenueIsLegacyAndLeftOutOfTheShippedFile) {
  std::vector<std::string> legacy;
  for (const auto& spec : schema()) {
    if (spec.legacy) legacy.push_back(spec.path);
  }
  EXPECT_EQ(legacy, std::vector<std::string>{"market.venue"});
  EXPECT_FALSE(shipped_defaults_json()["market"].contains("venue"));
  EXPECT_EQ(shipped_defaults_json()["mode"], "sim");
}

TEST(Schema, ShippedConfigFileLoadsWithoutErrors) {
  LoadOptions options;
  options.working_dir = std::filesystem::temp_directory_path();
  options.config_file = shipped_config;
  const auto result = load(options);
  for (const auto& error : result.errors) ADD_FAILURE() << format_error(error);
  EXPECT_EQ(to_json(result.settings), to_json(Settings{}));
  EXPECT_EQ(result.config_file, shipped_config);
}

TEST(Schema, EveryDefaultIsValid) {
  for (const auto& spec : schema()) {
    EXPECT_EQ(validate(spec, spec.default_value), std::nullopt) << spec.path;
  }
}

TEST(Schema, EveryKeyIsDescribed) {
  for (const auto& spec : schema()) {
    EXPECT_FALSE(spec.description.empty()) << spec.path;
    const bool numeric = spec.type == ValueType::integer || spec.type == ValueType::number;
    EXPECT_EQ(numeric, spec.min.has_value() && spec.max.has_value()) << spec.path;
    EXPECT_EQ(spec.type == ValueType::enumeration, !spec.allowed.empty()) << spec.path;
    EXPECT_EQ(spec.check != nullptr, !spec.rule.empty()) << spec.path;
  }
}

TEST(Schema, EnvironmentNamesAreUniqueAndNeverSecretNames) {
  std::set<std::string> names;
  for (const auto& spec : schema()) {
    EXPECT_TRUE(names.insert(env_name(spec.path)).second) << spec.path;
    for (const auto& alias : spec.env_aliases) EXPECT_TRUE(names.insert(alias).second) << alias;
  }
  EXPECT_TRUE(names.insert(std::string{config_file_env}).second);
  for (const auto& secret : secret_specs()) {
    EXPECT_TRUE(names.insert(std::string{secret.env_name}).second) << secret.env_name;
  }
}

TEST(Schema, Lookups) {
  EXPECT_EQ(env_name("http.port"), "AUTOTRADER_HTTP_PORT");
  EXPECT_EQ(env_name("data_dir"), "AUTOTRADER_DATA_DIR");
  EXPECT_EQ(json_pointer_of("supervision.period_seconds"), "/supervision/period_seconds");
  ASSERT_NE(find_key("http.port"), nullptr);
  EXPECT_EQ(find_key("http"), nullptr);
  EXPECT_EQ(find_key_by_env("AUTOTRADER_HTTP_PORT"), find_key("http.port"));
  EXPECT_EQ(find_key_by_env("AUTONOMOUS_MODE"), find_key("trading.autonomous"));
  EXPECT_EQ(find_key_by_env("ENABLE_BACKUP_APIS"), find_key("llm.enable_backup_apis"));
  EXPECT_EQ(find_key_by_env("CHECK_INTERVAL"), find_key("market.interval"));
  EXPECT_EQ(find_key_by_env("MIN_CONFIDENCE_FOR_TRADE"), find_key("trading.min_confidence"));
  EXPECT_EQ(find_key_by_env("CONFIDENCE_FACTORS"), find_key("trading.confidence_factors"));
  EXPECT_EQ(find_key_by_env("STOP_LOSS_PERCENTAGE"), find_key("risk.stop_loss_pct"));
  EXPECT_EQ(find_key_by_env("TAKE_PROFIT_PERCENTAGE"), find_key("risk.take_profit_pct"));
  EXPECT_EQ(find_key_by_env("MAX_POSITION_SIZE"), find_key("risk.max_position_size"));
  EXPECT_EQ(find_key_by_env("MAX_OPEN_POSITIONS"), find_key("risk.max_open_positions"));
  EXPECT_EQ(find_key_by_env("MAX_DAILY_LOSS"), find_key("risk.max_daily_loss"));
  EXPECT_EQ(find_key_by_env("MAX_DRAWDOWN"), find_key("risk.max_drawdown"));
  EXPECT_EQ(find_key_by_env("PAPER_INITIAL_BALANCE"), find_key("paper.initial_balance"));
  EXPECT_EQ(find_key_by_env("AUTOTRADER_RISK_MAX_DATA_AGE_SECONDS"),
            find_key("risk.max_data_age_seconds"));
  EXPECT_EQ(find_key_by_env("AUTOTRADER_API_TOKEN"), nullptr);
  EXPECT_TRUE(is_section("supervision"));
  EXPECT_FALSE(is_section("http.port"));
  EXPECT_FALSE(is_section("htt"));
}

TEST(Schema, RangeText) {
  EXPECT_EQ(range_text(*find_key("http.port")), "[0, 65535]");
  EXPECT_EQ(range_text(*find_key("http.request_timeout_seconds")), "[0.001, 300]");
  EXPECT_EQ(range_text(*find_key("log.file_max_bytes")), "[65536, 1073741824]");
  EXPECT_EQ(range_text(*find_key("supervision.backoff_min_seconds")), "[0, 3600]");
  EXPECT_EQ(range_text(*find_key("http.bind")), "");
  EXPECT_EQ(range_text(*find_key("risk.max_position_size")), "(0, 1]");
  EXPECT_EQ(range_text(*find_key("risk.stop_loss_pct")), "[0, 100)");
  EXPECT_EQ(range_text(*find_key("risk.min_stop_loss_pct")), "(0, 100)");
  EXPECT_EQ(range_text(*find_key("risk.day_utc_offset_minutes")), "[-720, 840]");
}

TEST(Schema, ListOfSymbols) {
  const auto& spec = *find_key("market.symbols");
  EXPECT_EQ(type_name(spec.type), "list of strings");
  EXPECT_EQ(validate(spec, nlohmann::json{"BTCUSDT", "ethusdt"}), std::nullopt);
  EXPECT_EQ(validate(spec, "BTCUSDT"), "expected an array of strings, got a string");
  EXPECT_EQ(validate(spec, nlohmann::json{"BTCUSDT", 5}),
            "expected an array of strings, item 2 is 5");
  EXPECT_EQ(validate(spec, nlohmann::json::array()), "must name at least one symbol");
  EXPECT_EQ(validate(spec, nlohmann::json{"BTCUSDT", "BTC/USDT"}), "item 2 is not a symbol");
  EXPECT_EQ(validate(spec, nlohmann::json{"BTCUSDT", "btcusdt"}), "item 2 repeats a symbol");
  EXPECT_EQ(validate(spec, nlohmann::json(std::vector<std::string>(101, "X"))),
            "names more than 100 symbols");
}

TEST(Schema, IntervalIsABinanceName) {
  const auto& spec = *find_key("market.interval");
  for (const char* name : {"1s", "1m", "15m", "4h", "1d", "1w", "1M"}) {
    EXPECT_EQ(validate(spec, name), std::nullopt) << name;
  }
  for (const char* name : {"1H", "2m", "", "60s"}) {
    ASSERT_TRUE(validate(spec, name).has_value()) << name;
    EXPECT_NE(validate(spec, name)->find("Binance interval"), std::string::npos);
  }
}

TEST(Schema, PaperAmountsAreExactDecimals) {
  const auto& balance = *find_key("paper.initial_balance");
  for (const char* text : {"10000", "0.01", "2500.50", "1e4", "", " 5", "5 ", "1,000", "0", "-1"}) {
    const auto problem = validate(balance, text);
    const bool valid = std::string{text} == "10000" || std::string{text} == "0.01" ||
                       std::string{text} == "2500.50";
    EXPECT_EQ(!problem.has_value(), valid) << text;
    // A message never repeats the text (it could be a misplaced secret).
    if (problem && std::string_view{text}.size() > 1) {
      EXPECT_EQ(problem->find(text), std::string::npos) << *problem;
    }
  }
  EXPECT_EQ(validate(*find_key("paper.min_notional"), "0"), std::nullopt);
  EXPECT_EQ(validate(*find_key("paper.fee_bps"), "0"), std::nullopt);
  EXPECT_EQ(validate(*find_key("paper.fee_bps"), "999.99"), std::nullopt);
  EXPECT_EQ(validate(*find_key("paper.slippage_bps"), "9999.5"), std::nullopt);
  EXPECT_EQ(validate(*find_key("paper.partial_fill_fraction"), "1"), std::nullopt);
  EXPECT_EQ(validate(*find_key("paper.partial_fill_fraction"), "0.0001"), std::nullopt);
  EXPECT_EQ(validate(*find_key("paper.quote_asset"), "BTC"), std::nullopt);
  EXPECT_EQ(validate(*find_key("paper.quote_asset"), "FDUSD2"), std::nullopt);
  EXPECT_TRUE(validate(*find_key("paper.quote_asset"), "US-D").has_value());
  EXPECT_TRUE(validate(*find_key("paper.quote_asset"), "ABCDEFGHIJK").has_value());
}

TEST(Schema, CheckIntervalTakesNamesAndSecondsOnlyUnderItsAlias) {
  const auto& spec = *find_key("market.interval");
  const auto as_alias = [&](const char* text) {
    return parse_variable(spec, "CHECK_INTERVAL", text);
  };
  EXPECT_EQ(std::get<nlohmann::json>(as_alias("60")), "1m");
  EXPECT_EQ(std::get<nlohmann::json>(as_alias("180")), "3m");
  EXPECT_EQ(std::get<nlohmann::json>(as_alias("43200")), "12h");
  EXPECT_EQ(std::get<nlohmann::json>(as_alias("259200")), "3d");
  EXPECT_EQ(std::get<nlohmann::json>(as_alias("4h")), "4h");
  for (const char* text :
       {"90", "0", "-60", "60s", "1H", "", "abc", "2592000", "99999999999999999999"}) {
    const auto parsed = as_alias(text);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << text;
    EXPECT_NE(std::get<std::string>(parsed).find("must be an interval name"), std::string::npos);
  }
  // The key's own name is parsed as a plain string; validate() then wants an interval name.
  const auto own = parse_variable(spec, "AUTOTRADER_MARKET_INTERVAL", "60");
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(own));
  EXPECT_TRUE(validate(spec, std::get<nlohmann::json>(own)).has_value());
  // Keys without an alias parser read their aliases like their own name.
  EXPECT_EQ(std::get<nlohmann::json>(
                parse_variable(*find_key("risk.max_drawdown"), "MAX_DRAWDOWN", "0.2")),
            0.2);
}

struct TextCase {
  const char* key;
  const char* text;
  nlohmann::json expected;  // null: a parse error is expected
};

// A readable parameter in test names and failure messages.
void PrintTo(const TextCase& c, std::ostream* os) {
  *os << c.key << "=" << c.text;
}

class ParseText : public ::testing::TestWithParam<TextCase> {};

TEST_P(ParseText, PerType) {
  const auto parsed = parse_text(*find_key(GetParam().key), GetParam().text);
  if (GetParam().expected.is_null()) {
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << GetParam().text;
    if (*GetParam().text != '\0') {
      EXPECT_EQ(std::get<std::string>(parsed).find(GetParam().text), std::string::npos);
    }
  } else {
    ASSERT_TRUE(std::holds_alternative<nlohmann::json>(parsed))
        << GetParam().text << ": " << std::get<std::string>(parsed);
    EXPECT_EQ(std::get<nlohmann::json>(parsed), GetParam().expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseText,
    ::testing::Values(TextCase{"http.port", "8080", 8080}, TextCase{"http.port", " 8080 ", 8080},
                      TextCase{"http.port", "-5", -5}, TextCase{"http.port", "8080.0", nullptr},
                      TextCase{"http.port", "+80", nullptr}, TextCase{"http.port", "", nullptr},
                      TextCase{"http.port", "0x50", nullptr},
                      TextCase{"supervision.period_seconds", "1.5", 1.5},
                      TextCase{"supervision.period_seconds", "2e1", 20.0},
                      TextCase{"supervision.period_seconds", "nan", nullptr},
                      TextCase{"supervision.period_seconds", "1.5s", nullptr},
                      TextCase{"log.console", "YES", true}, TextCase{"log.console", "0", false},
                      TextCase{"log.console", "on", nullptr},
                      TextCase{"log.level", " Warn ", "warn"},
                      TextCase{"market.symbols", "BTCUSDT, ethusdt ,SOLUSDT",
                               nlohmann::json{"BTCUSDT", "ethusdt", "SOLUSDT"}},
                      TextCase{"market.symbols", "BTCUSDT", nlohmann::json{"BTCUSDT"}},
                      TextCase{"market.symbols", "  ", nlohmann::json::array()},
                      TextCase{"market.symbols", "A,,B", nlohmann::json{"A", "", "B"}},
                      TextCase{"data_dir", " spaced dir ", " spaced dir "}));

}  // namespace
}  // namespace autotrader::config
