// How the loader resolves `mode` and `market.venue` (which mode replaced) across the sources,
// and the hosts a mode that places orders may reach. One table: the sources of each case, then
// the mode and venue it must end in, or the one error it must report.
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "config/schema.hpp"
#include "temp_dir.hpp"

namespace autotrader::config {
namespace {

using Environment = std::map<std::string, std::string>;

struct ModeCase {
  std::string name;
  std::optional<std::string> file;  // written to cfg.json and passed as --config
  std::optional<std::string> dotenv;
  Environment environment;
  std::optional<Mode> cli_mode;  // run --mode
  // Expected outcome: the mode and venue, or (when error_key is set) one error.
  Mode mode = Mode::sim;
  std::string venue = "sim";
  std::string error_key;
  std::string error_source;   // {file} and {dotenv} stand for the paths
  std::string error_message;  // a part of it; {file} stands for the path
};

void PrintTo(const ModeCase& c, std::ostream* os) {
  *os << c.name;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

ModeCase resolves(std::string name, Mode mode, std::string venue) {
  ModeCase c;
  c.name = std::move(name);
  c.mode = mode;
  c.venue = std::move(venue);
  return c;
}

ModeCase with_file(ModeCase c, std::string file) {
  c.file = std::move(file);
  return c;
}

ModeCase with_dotenv(ModeCase c, std::string dotenv) {
  c.dotenv = std::move(dotenv);
  return c;
}

ModeCase with_env(ModeCase c, Environment environment) {
  c.environment = std::move(environment);
  return c;
}

ModeCase with_cli(ModeCase c, Mode mode) {
  c.cli_mode = mode;
  return c;
}

ModeCase fails(ModeCase c, std::string key, std::string source, std::string message) {
  c.error_key = std::move(key);
  c.error_source = std::move(source);
  c.error_message = std::move(message);
  return c;
}

class ModeCases : public ::testing::TestWithParam<ModeCase> {};

TEST_P(ModeCases, Resolve) {
  const auto& c = GetParam();
  test::TempDir dir;
  LoadOptions options;
  options.working_dir = dir.path();
  options.environment = c.environment;
  options.mode = c.cli_mode;
  if (c.file) options.config_file = dir.write("cfg.json", *c.file);
  if (c.dotenv) dir.write(".env", *c.dotenv);

  const auto result = load(options);

  std::string all;
  for (const auto& error : result.errors) all += format_error(error) + "\n";
  if (c.error_key.empty()) {
    EXPECT_TRUE(result.ok()) << all;
    EXPECT_EQ(mode_name(result.settings.mode), mode_name(c.mode));
    EXPECT_EQ(result.settings.market.venue, c.venue);
    // The effective configuration agrees with itself.
    EXPECT_EQ(venue_of(result.settings.mode), result.settings.market.venue);
    return;
  }
  ASSERT_EQ(result.errors.size(), 1u) << all;
  const auto& error = result.errors.front();
  const auto file = (dir.path() / "cfg.json").string();
  EXPECT_EQ(error.key, c.error_key);
  EXPECT_EQ(error.source, replace_all(replace_all(c.error_source, "{file}", file), "{dotenv}",
                                      (dir.path() / ".env").string()));
  const auto message = replace_all(c.error_message, "{file}", file);
  EXPECT_NE(error.message.find(message), std::string::npos) << error.message;
}

std::string name_of(const ::testing::TestParamInfo<ModeCase>& info) {
  return info.param.name;
}

const char* const kProductionUrls = R"({"mode": "binance-live", "binance": {
  "rest_base_url": "https://api.binance.com",
  "ws_base_url": "wss://stream.binance.com:9443",
  "ws_api_url": "wss://ws-api.binance.com:443/ws-api/v3"}})";

INSTANTIATE_TEST_SUITE_P(
    Sources, ModeCases,
    ::testing::Values(
        resolves("nothing_set_is_sim", Mode::sim, "sim"),
        with_file(resolves("file_mode", Mode::binance_testnet, "binance"),
                  R"({"mode": "binance-testnet"})"),
        // A configuration from before modes keeps its meaning.
        with_file(resolves("old_file_venue_binance_is_paper", Mode::binance_paper, "binance"),
                  R"({"market": {"venue": "binance"}})"),
        with_env(resolves("old_env_venue_binance_is_paper", Mode::binance_paper, "binance"),
                 {{"AUTOTRADER_MARKET_VENUE", "binance"}}),
        // The shipped file says "mode": "sim"; the README's AUTOTRADER_MARKET_VENUE=binance
        // still gives Binance market data with the paper broker.
        with_env(with_file(resolves("env_venue_beats_file_mode", Mode::binance_paper, "binance"),
                           R"({"mode": "sim"})"),
                 {{"AUTOTRADER_MARKET_VENUE", "binance"}}),
        with_env(with_file(resolves("env_venue_sim_beats_file_live", Mode::sim, "sim"),
                           R"({"mode": "binance-live"})"),
                 {{"AUTOTRADER_MARKET_VENUE", "sim"}}),
        // A venue that agrees with a mode that places orders keeps that mode.
        with_env(with_file(resolves("agreeing_venue_keeps_testnet", Mode::binance_testnet,
                                    "binance"),
                           R"({"mode": "binance-testnet"})"),
                 {{"AUTOTRADER_MARKET_VENUE", "binance"}}),
        with_file(resolves("same_file_agreeing", Mode::binance_testnet, "binance"),
                  R"({"mode": "binance-testnet", "market": {"venue": "binance"}})"),
        with_env(with_dotenv(resolves("env_mode_beats_dotenv_venue", Mode::sim, "sim"),
                             "AUTOTRADER_MARKET_VENUE=binance\n"),
                 {{"AUTOTRADER_MODE", "sim"}}),
        with_env(resolves("env_is_case_insensitive", Mode::binance_testnet, "binance"),
                 {{"AUTOTRADER_MODE", "Binance-Testnet"}}),
        with_cli(with_file(resolves("cli_beats_file_venue", Mode::sim, "sim"),
                           R"({"market": {"venue": "binance"}})"),
                 Mode::sim),
        with_cli(with_env(resolves("cli_beats_env_mode", Mode::binance_paper, "binance"),
                          {{"AUTOTRADER_MODE", "sim"}, {"AUTOTRADER_MARKET_VENUE", "sim"}}),
                 Mode::binance_paper),
        with_file(resolves("live_with_production_urls", Mode::binance_live, "binance"),
                  kProductionUrls),
        with_file(resolves("paper_reads_production_data", Mode::binance_paper, "binance"),
                  R"({"mode": "binance-paper", "binance": {
                      "rest_base_url": "https://api.binance.com",
                      "ws_base_url": "wss://stream.binance.com:9443"}})"),
        with_file(resolves("testnet_on_a_local_server", Mode::binance_testnet, "binance"),
                  R"({"mode": "binance-testnet", "binance": {
                      "rest_base_url": "http://127.0.0.1:1234",
                      "ws_base_url": "ws://127.0.0.1:1235",
                      "ws_api_url": "ws://127.0.0.1:1236/ws-api/v3"}})")),
    name_of);

INSTANTIATE_TEST_SUITE_P(
    Errors, ModeCases,
    ::testing::Values(
        fails(with_file(resolves("same_file_contradicts", Mode::sim, "sim"), R"({
  "mode": "sim",
  "market": {"venue": "binance"}
})"),
              "market.venue", "{file}:3",
              "binance contradicts mode sim (from {file}:2), which reads market data from sim; "
              "remove market.venue: the mode decides it"),
        fails(with_env(resolves("same_environment_contradicts", Mode::sim, "sim"),
                       {{"AUTOTRADER_MODE", "binance-testnet"},
                        {"AUTOTRADER_MARKET_VENUE", "sim"}}),
              "market.venue", "environment variable AUTOTRADER_MARKET_VENUE",
              "sim contradicts mode binance-testnet (from environment variable AUTOTRADER_MODE)"),
        fails(with_file(resolves("unknown_mode", Mode::sim, "sim"), R"({"mode": "live"})"), "mode",
              "{file}:1", "must be one of sim, binance-paper, binance-testnet, binance-live"),
        fails(with_file(resolves("testnet_with_a_production_rest_url", Mode::sim, "sim"), R"({
  "mode": "binance-testnet",
  "binance": {"rest_base_url": "https://API1.binance.com."}
})"),
              "binance.rest_base_url", "{file}:3",
              "points at api1.binance.com, a Binance production host, but mode binance-testnet "
              "(from {file}:2) must only reach the Spot testnet; for it use "
              "https://testnet.binance.vision"),
        fails(
            with_cli(with_file(resolves("cli_testnet_with_production_stream", Mode::sim, "sim"),
                               R"({"binance": {"ws_base_url": "wss://stream.binance.com:9443"}})"),
                     Mode::binance_testnet),
            "binance.ws_base_url", "{file}:1",
            "a Binance production host, but mode binance-testnet (from command line --mode)"),
        fails(with_env(resolves("testnet_with_production_ws_api", Mode::sim, "sim"),
                       {{"AUTOTRADER_MODE", "binance-testnet"},
                        {"AUTOTRADER_BINANCE_WS_API_URL", "wss://ws-api.binance.com/ws-api/v3"}}),
              "binance.ws_api_url", "environment variable AUTOTRADER_BINANCE_WS_API_URL",
              "points at ws-api.binance.com, a Binance production host"),
        fails(with_env(with_file(resolves("live_with_a_testnet_rest_url", Mode::sim, "sim"),
                                 kProductionUrls),
                       {{"AUTOTRADER_BINANCE_REST_BASE_URL", "https://testnet.binance.vision"}}),
              "binance.rest_base_url", "environment variable AUTOTRADER_BINANCE_REST_BASE_URL",
              "points at testnet.binance.vision, a Binance testnet host, but mode binance-live "
              "(from {file}:1) must only reach production; for it use https://api.binance.com")),
    name_of);

// binance-live on the defaults, which are the testnet's: every URL is named.
TEST(ModeHosts, LiveOnTheDefaultUrlsNamesAllThree) {
  test::TempDir dir;
  LoadOptions options;
  options.working_dir = dir.path();
  options.mode = Mode::binance_live;
  const auto result = load(options);
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].key, "binance.rest_base_url");
  EXPECT_EQ(result.errors[1].key, "binance.ws_base_url");
  EXPECT_EQ(result.errors[2].key, "binance.ws_api_url");
  EXPECT_EQ(result.errors[2].source, "built-in default");
  EXPECT_NE(result.errors[2].message.find("for it use wss://ws-api.binance.com:443/ws-api/v3"),
            std::string::npos)
      << result.errors[2].message;
}

TEST(ModeOrigins, TheDerivedKeySaysWhereItCameFrom) {
  test::TempDir dir;
  LoadOptions options;
  options.working_dir = dir.path();
  options.environment = {{"AUTOTRADER_MARKET_VENUE", "binance"}};
  auto result = load(options);
  EXPECT_EQ(result.origins["mode"],
            "market.venue (from environment variable "
            "AUTOTRADER_MARKET_VENUE)");
  options.environment.clear();
  options.mode = Mode::binance_paper;
  result = load(options);
  EXPECT_EQ(result.origins["mode"], "command line --mode");
  EXPECT_EQ(result.origins["market.venue"], "mode (from command line --mode)");
}

TEST(ExecutionKeys, FromTheFileAndTheEnvironment) {
  test::TempDir dir;
  LoadOptions options;
  options.working_dir = dir.path();
  options.config_file = dir.write("cfg.json", R"({"live_trading": true, "binance": {
    "ws_api_url": "ws://127.0.0.1:9000/ws-api/v3", "recv_window_ms": 60000,
    "order_query_attempts": 50, "order_query_delay_ms": 10, "poll_interval_seconds": 600,
    "unknown_orders": "adopt", "use_oco": false, "stop_limit_offset_pct": 0,
    "request_timeout_seconds": 60}})");
  options.environment = {{"AUTOTRADER_BINANCE_ORDER_QUERY_ATTEMPTS", "1"},
                         {"AUTOTRADER_BINANCE_UNKNOWN_ORDERS", "CANCEL"},
                         {"AUTOTRADER_BINANCE_STOP_LIMIT_OFFSET_PCT", "5"}};
  const auto result = load(options);
  for (const auto& error : result.errors) ADD_FAILURE() << format_error(error);
  const auto& b = result.settings.binance;
  EXPECT_TRUE(result.settings.live_trading);
  EXPECT_EQ(b.ws_api_url, "ws://127.0.0.1:9000/ws-api/v3");
  EXPECT_EQ(b.recv_window, std::chrono::milliseconds{60'000});
  EXPECT_EQ(b.order_query_attempts, 1);
  EXPECT_EQ(b.order_query_delay, std::chrono::milliseconds{10});
  EXPECT_EQ(b.poll_interval, std::chrono::seconds{600});
  EXPECT_EQ(b.unknown_orders, UnknownOrders::cancel);
  EXPECT_FALSE(b.use_oco);
  EXPECT_DOUBLE_EQ(b.stop_limit_offset_pct, 5);
  EXPECT_EQ(b.request_timeout, std::chrono::seconds{60});
  EXPECT_EQ(to_json(result.settings)["binance"]["recv_window_ms"], 60'000);
  EXPECT_EQ(to_json(result.settings)["binance"]["unknown_orders"], "cancel");
}

TEST(ExecutionKeys, OutOfRangeAndMalformedValuesAreErrors) {
  test::TempDir dir;
  LoadOptions options;
  options.working_dir = dir.path();
  options.config_file = dir.write("cfg.json", R"({"live_trading": "yes", "binance": {
    "ws_api_url": "https://ws-api.testnet.binance.vision/ws-api/v3", "recv_window_ms": 0,
    "order_query_attempts": 51, "order_query_delay_ms": 9, "poll_interval_seconds": 0.5,
    "unknown_orders": "ignore", "use_oco": 1, "stop_limit_offset_pct": 5.5,
    "request_timeout_seconds": 61}})");
  const auto result = load(options);
  std::map<std::string, std::string> by_key;
  for (const auto& error : result.errors) by_key[error.key] = error.message;
  EXPECT_EQ(by_key.size(), 10u);
  EXPECT_EQ(by_key["live_trading"], "expected a boolean, got a string");
  EXPECT_EQ(by_key["binance.ws_api_url"], "must start with wss:// or ws://");
  EXPECT_EQ(by_key["binance.recv_window_ms"], "0 is out of range [1, 60000]");
  EXPECT_EQ(by_key["binance.order_query_attempts"], "51 is out of range [1, 50]");
  EXPECT_EQ(by_key["binance.order_query_delay_ms"], "9 is out of range [10, 60000]");
  EXPECT_EQ(by_key["binance.poll_interval_seconds"], "0.5 is out of range [1, 600]");
  EXPECT_EQ(by_key["binance.unknown_orders"], "must be one of cancel, adopt");
  EXPECT_EQ(by_key["binance.use_oco"], "expected a boolean, got 1");
  EXPECT_EQ(by_key["binance.stop_limit_offset_pct"], "5.5 is out of range [0, 5]");
  EXPECT_EQ(by_key["binance.request_timeout_seconds"], "61 is out of range [1, 60]");
}

TEST(ExecutionKeys, TheWsApiUrlNeedsAHostAndNoUserInfo) {
  const auto* spec = find_key("binance.ws_api_url");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(validate(*spec, "wss://ws-api.binance.com:443/ws-api/v3"), std::nullopt);
  EXPECT_EQ(validate(*spec, "wss:///ws-api/v3"), "has no host");
  EXPECT_EQ(validate(*spec, "wss://testnet.binance.vision@ws-api.binance.com/ws-api/v3"),
            "must not have a query, fragment, user or space");
}

}  // namespace
}  // namespace autotrader::config
