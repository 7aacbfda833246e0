#include "app/cli.hpp"

#include <gtest/gtest.h>

namespace autotrader::app {
namespace {

CliArgs ok(const std::vector<std::string>& args) {
  auto result = parse_cli(args);
  EXPECT_TRUE(std::holds_alternative<CliArgs>(result));
  return std::holds_alternative<CliArgs>(result) ? std::get<CliArgs>(result) : CliArgs{};
}

std::string error(const std::vector<std::string>& args) {
  auto result = parse_cli(args);
  EXPECT_TRUE(std::holds_alternative<CliError>(result));
  return std::holds_alternative<CliError>(result) ? std::get<CliError>(result).message : "";
}

TEST(Cli, NoArgumentsPrintsGlobalHelp) {
  auto args = ok({});
  EXPECT_EQ(args.command, Command::help);
  EXPECT_NE(args.help_text.find("autotrader run"), std::string::npos);
}

TEST(Cli, HelpEverywhere) {
  EXPECT_NE(ok({"--help"}).help_text.find("Usage:"), std::string::npos);
  EXPECT_NE(ok({"help"}).help_text.find("Usage:"), std::string::npos);
  EXPECT_NE(ok({"run", "--help"}).help_text.find("autotrader run"), std::string::npos);
  EXPECT_NE(ok({"run", "--config", "x.json", "-h"}).help_text.find("autotrader run"),
            std::string::npos);
  EXPECT_NE(ok({"config", "--help"}).help_text.find("config check"), std::string::npos);
  EXPECT_NE(ok({"config", "check", "--help"}).help_text.find("config check"), std::string::npos);
  EXPECT_NE(ok({"version", "--help"}).help_text.find("autotrader version"), std::string::npos);
}

TEST(Cli, RunWithAndWithoutConfig) {
  auto plain = ok({"run"});
  EXPECT_EQ(plain.command, Command::run);
  EXPECT_FALSE(plain.config_file.has_value());
  EXPECT_EQ(ok({"run", "--config", "a.json"}).config_file, "a.json");
  EXPECT_EQ(ok({"run", "--config=b.json"}).config_file, "b.json");
}

TEST(Cli, RunTakesAModeAndTheLiveOptIn) {
  auto plain = ok({"run"});
  EXPECT_FALSE(plain.mode.has_value());
  EXPECT_FALSE(plain.live_trading_flag);
  EXPECT_EQ(ok({"run", "--mode", "sim"}).mode, config::Mode::sim);
  EXPECT_EQ(ok({"run", "--mode=binance-paper"}).mode, config::Mode::binance_paper);
  EXPECT_EQ(ok({"run", "--mode", "binance-testnet", "--config", "c.json"}).mode,
            config::Mode::binance_testnet);
  auto live = ok({"run", "--i-understand-live-trading", "--mode", "binance-live"});
  EXPECT_EQ(live.mode, config::Mode::binance_live);
  EXPECT_TRUE(live.live_trading_flag);
  // Accepted with any mode; check_mode warns about it where it changes nothing.
  EXPECT_TRUE(ok({"run", "--i-understand-live-trading"}).live_trading_flag);
  EXPECT_NE(ok({"run", "--help"}).help_text.find("--i-understand-live-trading"), std::string::npos);
  EXPECT_NE(ok({"run", "--help"}).help_text.find("binance-testnet"), std::string::npos);
  EXPECT_NE(ok({}).help_text.find("--mode MODE"), std::string::npos);
}

TEST(Cli, ModeMistakesNameTheValidModes) {
  const std::string valid = "sim, binance-paper, binance-testnet, binance-live";
  EXPECT_EQ(error({"run", "--mode", "live"}),
            "run: unknown mode 'live' for --mode; use one of " + valid);
  EXPECT_EQ(error({"run", "--mode=Binance-Live"}),
            "run: unknown mode 'Binance-Live' for --mode; use one of " + valid);
  EXPECT_EQ(error({"run", "--mode"}), "run: --mode needs a MODE (" + valid + ")");
  EXPECT_EQ(error({"run", "--mode="}), "run: --mode needs a MODE (" + valid + ")");
  EXPECT_EQ(error({"run", "--mode", "sim", "--mode", "binance-live"}),
            "run: --mode given more than once");
  EXPECT_EQ(error({"run", "--i-understand-live-tradin"}),
            "run: unknown option '--i-understand-live-tradin' (see autotrader run --help)");
  EXPECT_EQ(error({"decide", "--dry-run", "--mode", "sim"}),
            "decide: unknown option '--mode' (see autotrader decide --help)");
}

TEST(Cli, ConfigCheckTakesExactlyOneFile) {
  auto args = ok({"config", "check", "c.json"});
  EXPECT_EQ(args.command, Command::config_check);
  EXPECT_EQ(args.check_file, "c.json");
  EXPECT_EQ(error({"config", "check"}), "config check: missing FILE");
  EXPECT_EQ(error({"config", "check", "a", "b"}), "config check: too many arguments");
  EXPECT_NE(error({"config", "lint", "a"}).find("unknown subcommand 'lint'"), std::string::npos);
  EXPECT_NE(error({"config"}).find("missing subcommand"), std::string::npos);
}

TEST(Cli, IndicatorsTakesExactlyOneFile) {
  auto args = ok({"indicators", "k.json"});
  EXPECT_EQ(args.command, Command::indicators);
  EXPECT_EQ(args.check_file, "k.json");
  EXPECT_NE(ok({"indicators", "--help"}).help_text.find("klines"), std::string::npos);
  EXPECT_EQ(error({"indicators"}), "indicators: missing FILE");
  EXPECT_EQ(error({"indicators", "a", "b"}), "indicators: too many arguments");
}

TEST(Cli, DecideNeedsDryRunAndReadsStdinByDefault) {
  auto args = ok({"decide", "--dry-run"});
  EXPECT_EQ(args.command, Command::decide);
  EXPECT_EQ(args.check_file, "-");
  EXPECT_FALSE(args.config_file);
  args = ok({"decide", "snap.json", "--dry-run", "--config", "c.json"});
  EXPECT_EQ(args.check_file, "snap.json");
  EXPECT_EQ(args.config_file, "c.json");
  EXPECT_EQ(ok({"decide", "--dry-run", "-"}).check_file, "-");
  EXPECT_EQ(ok({"decide", "--config=x.json", "--dry-run"}).config_file, "x.json");
  EXPECT_NE(ok({"decide", "--help"}).help_text.find("transcript"), std::string::npos);
  EXPECT_NE(error({"decide", "snap.json"}).find("only --dry-run"), std::string::npos);
  EXPECT_EQ(error({"decide", "--dry-run", "a", "b"}), "decide: too many arguments");
  EXPECT_NE(error({"decide", "--dry-run", "--live"}).find("unknown option '--live'"),
            std::string::npos);
  EXPECT_EQ(error({"decide", "--dry-run", "--config"}), "decide: --config needs a FILE");
}

TEST(Cli, Version) {
  EXPECT_EQ(ok({"version"}).command, Command::version);
  EXPECT_EQ(ok({"--version"}).command, Command::version);
  EXPECT_EQ(error({"version", "extra"}), "version: takes no arguments");
}

TEST(Cli, MistakesNameWhatWasWrong) {
  EXPECT_EQ(error({"trade"}), "unknown command 'trade' (see autotrader --help)");
  EXPECT_EQ(error({"run", "--fast"}), "run: unknown option '--fast' (see autotrader run --help)");
  EXPECT_EQ(error({"run", "--config"}), "run: --config needs a FILE");
  EXPECT_EQ(error({"run", "--config="}), "run: --config needs a FILE");
}

}  // namespace
}  // namespace autotrader::app
