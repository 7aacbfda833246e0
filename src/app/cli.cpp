#include "app/cli.hpp"

#include <string_view>

namespace autotrader::app {
namespace {

constexpr std::string_view kGlobalHelp = R"(autotrader - a self-healing autonomous trading daemon

Usage:
  autotrader run [--config FILE] [--mode MODE] [--i-understand-live-trading]
                                     run the supervised daemon until SIGINT/SIGTERM
  autotrader config check FILE       validate a configuration file and print every error
  autotrader indicators FILE         print every indicator for each candle of a klines file (CSV)
  autotrader decide --dry-run [FILE] run one multi-turn AI analysis of a snapshot (JSON) and print
                                     the decision with its transcript; nothing is executed
  autotrader version                 print the version
  autotrader COMMAND --help          help for one command

Configuration: built-in defaults < config file < .env < environment (AUTOTRADER_*).
See config/README.md for every key.

Exit codes: 0 orderly stop, 64 usage error, 69 a resource is unavailable (e.g. port in use),
70 the supervision tree gave up, 73 the data directory cannot be written, 78 bad configuration.
)";

constexpr std::string_view kRunHelp =
    R"(Usage: autotrader run [--config FILE] [--mode MODE] [--i-understand-live-trading]

Runs the daemon: the supervision tree and the HTTP server (127.0.0.1:5000 by default) with
/healthz, /metrics and /api/supervision. With no keys and no network it runs on the built-in
defaults. SIGINT or SIGTERM stops it in order (exit code 0); a second signal exits at once.

Options:
  --config FILE   configuration file (default: config/autotrader.json if it exists)
  --mode MODE     trading mode, overriding the configuration's `mode`:
                    sim              simulated market, paper broker (the default)
                    binance-paper    Binance public market data, paper broker
                    binance-testnet  Binance market data, real signed orders on the Spot
                                     testnet (needs BINANCE_API_KEY and BINANCE_API_SECRET)
                    binance-live     the same on production: REAL MONEY
  --i-understand-live-trading
                  the command line's half of the opt-in to binance-live, which also needs
                  live_trading: true in the configuration; without both it refuses to start.
                  In any other mode it changes nothing and is logged as a warning.
  --help          this help
)";

constexpr std::string_view kConfigHelp = R"(Usage: autotrader config check FILE

Validates FILE together with the environment and .env as `autotrader run` would, prints every
error with its key path, and exits 0 when the configuration is valid, 78 when it is not.
)";

constexpr std::string_view kIndicatorsHelp = R"(Usage: autotrader indicators FILE

Reads a klines file — Binance's /api/v3/klines JSON array, or CSV in the layout of Binance's
data dumps — runs it through the data-quality gate and every indicator, and prints one CSV row
per accepted candle: open_time, close, each indicator (an empty cell while it warms up), trend
and volume ratio. What the gate rejected or found missing goes to stderr. Use it to check our
numbers against your charting tool. Exit code 0 when the file was read, 1 when it could not be.
)";

constexpr std::string_view kDecideHelp =
    R"(Usage: autotrader decide --dry-run [--config FILE] [FILE]

Reads a market snapshot as JSON from FILE (or stdin when FILE is - or missing), runs the whole
multi-turn analysis against the configured AI providers exactly as the daemon's provider pool
does (priority order, circuit breakers, fallbacks, the analysis deadline, the technical-analysis
provider last), and prints the decision with its transcript as JSON. Nothing is executed: no
order is placed and no state is written. --dry-run is required, so that a later live form of
this command can never be reached by accident.

Snapshot fields: symbol and price are required; interval, rsi, ma_short, ma_long, atr, vwap,
macd, macd_signal, macd_histogram, trend, volume_ratio, as_of_ms and position {quantity,
average_entry_price, unrealized_pnl_pct} are optional.

Exit codes: 0 a decision was printed, 65 the snapshot is not valid, 78 bad configuration.
)";

constexpr std::string_view kVersionHelp = R"(Usage: autotrader version

Prints the version of autotrader.
)";

bool is_help(std::string_view arg) {
  return arg == "--help" || arg == "-h";
}

CliArgs version_command() {
  CliArgs args;
  args.command = Command::version;
  return args;
}

CliArgs help(std::string_view text) {
  CliArgs args;
  args.command = Command::help;
  args.help_text = std::string{text};
  return args;
}

std::optional<CliError> set_mode(CliArgs& out, const std::string& name) {
  if (out.mode) return CliError{"run: --mode given more than once"};
  if (name.empty()) return CliError{"run: --mode needs a MODE (" + config::mode_list() + ")"};
  out.mode = config::parse_mode(name);
  if (!out.mode) {
    return CliError{"run: unknown mode '" + name + "' for --mode; use one of " +
                    config::mode_list()};
  }
  return std::nullopt;
}

CliResult parse_run(const std::vector<std::string>& args) {
  CliArgs out;
  out.command = Command::run;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (is_help(arg)) return help(kRunHelp);
    if (arg == "--mode") {
      if (auto error = set_mode(out, i + 1 < args.size() ? args[++i] : "")) return *error;
    } else if (arg.rfind("--mode=", 0) == 0) {
      if (auto error = set_mode(out, arg.substr(7))) return *error;
    } else if (arg == "--i-understand-live-trading") {
      out.live_trading_flag = true;
    } else if (arg == "--config") {
      if (i + 1 >= args.size()) return CliError{"run: --config needs a FILE"};
      out.config_file = args[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      out.config_file = arg.substr(9);
      if (out.config_file->empty()) return CliError{"run: --config needs a FILE"};
    } else {
      return CliError{"run: unknown option '" + arg + "' (see autotrader run --help)"};
    }
  }
  return out;
}

CliResult parse_config(const std::vector<std::string>& args) {
  if (args.size() < 2) return CliError{"config: missing subcommand (see autotrader config --help)"};
  if (is_help(args[1])) return help(kConfigHelp);
  if (args[1] != "check") {
    return CliError{"config: unknown subcommand '" + args[1] + "' (see autotrader config --help)"};
  }
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (is_help(args[i])) return help(kConfigHelp);
  }
  if (args.size() < 3) return CliError{"config check: missing FILE"};
  if (args.size() > 3) return CliError{"config check: too many arguments"};
  CliArgs out;
  out.command = Command::config_check;
  out.check_file = args[2];
  return out;
}

CliResult parse_decide(const std::vector<std::string>& args) {
  CliArgs out;
  out.command = Command::decide;
  out.check_file = "-";
  bool dry_run = false;
  bool have_file = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (is_help(arg)) return help(kDecideHelp);
    if (arg == "--dry-run") {
      dry_run = true;
    } else if (arg == "--config") {
      if (i + 1 >= args.size()) return CliError{"decide: --config needs a FILE"};
      out.config_file = args[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      out.config_file = arg.substr(9);
      if (out.config_file->empty()) return CliError{"decide: --config needs a FILE"};
    } else if (arg.size() > 1 && arg[0] == '-') {
      return CliError{"decide: unknown option '" + arg + "' (see autotrader decide --help)"};
    } else if (have_file) {
      return CliError{"decide: too many arguments"};
    } else {
      out.check_file = arg;
      have_file = true;
    }
  }
  if (!dry_run) {
    return CliError{"decide: only --dry-run is supported (nothing is ever executed by decide)"};
  }
  return out;
}

}  // namespace

std::string global_help() {
  return std::string{kGlobalHelp};
}

CliResult parse_cli(const std::vector<std::string>& args) {
  if (args.empty()) return help(kGlobalHelp);
  const std::string& command = args[0];
  if (is_help(command) || command == "help") return help(kGlobalHelp);
  if (command == "--version") return version_command();
  if (command == "run") return parse_run(args);
  if (command == "config") return parse_config(args);
  if (command == "indicators") {
    if (args.size() > 1 && is_help(args[1])) return help(kIndicatorsHelp);
    if (args.size() < 2) return CliError{"indicators: missing FILE"};
    if (args.size() > 2) return CliError{"indicators: too many arguments"};
    CliArgs out;
    out.command = Command::indicators;
    out.check_file = args[1];
    return out;
  }
  if (command == "decide") return parse_decide(args);
  if (command == "version") {
    if (args.size() > 1 && is_help(args[1])) return help(kVersionHelp);
    if (args.size() > 1) return CliError{"version: takes no arguments"};
    return version_command();
  }
  return CliError{"unknown command '" + command + "' (see autotrader --help)"};
}

}  // namespace autotrader::app
