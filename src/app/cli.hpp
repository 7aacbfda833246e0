#pragma once
// The command line of the `autotrader` binary: subcommands, their options and help texts.
// Parsing is a pure function so every form (and every mistake) is unit-tested.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/trading_mode.hpp"

namespace autotrader::app {

enum class Command { help, version, run, config_check, indicators, decide };

struct CliArgs {
  Command command = Command::help;
  // run, decide: --config FILE (otherwise config/autotrader.json if present, then built-in
  // defaults).
  std::optional<std::string> config_file;
  // config check FILE, indicators FILE, decide [FILE] ("-", the default, is stdin)
  std::string check_file;
  // For Command::help: the text to print (global or of one subcommand).
  std::string help_text;
  // run: --mode MODE, which beats the mode of every configuration source.
  std::optional<config::Mode> mode;
  // run: --i-understand-live-trading, the command line's half of the opt-in to binance-live
  // (app::check_mode decides what it is worth).
  bool live_trading_flag = false;
};

struct CliError {
  std::string message;  // one line, without the program name
};

using CliResult = std::variant<CliArgs, CliError>;

// `args` excludes argv[0].
CliResult parse_cli(const std::vector<std::string>& args);

std::string global_help();

}  // namespace autotrader::app
