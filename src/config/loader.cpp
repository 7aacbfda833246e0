#include "config/loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <variant>

#include <fmt/format.h>

#include "config/dotenv.hpp"
#include "config/json_document.hpp"
#include "config/schema.hpp"
#include "config/suggest.hpp"

namespace autotrader::config {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view default_config_path = "config/autotrader.json";
constexpr std::string_view default_origin = "built-in default";
constexpr std::string_view command_line_origin = "command line --mode";

// The sources in order of precedence: a later one overrides an earlier one.
enum class Level { defaults, file, dotenv, environment, command_line };

// One variable from the environment or .env, with where it came from.
struct Variable {
  std::string name;
  std::string value;
  std::string source;
};

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string lowercase(std::string_view text) {
  std::string out{text};
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads a whole file; returns the reason on failure.
std::optional<std::string> read_file(const fs::path& path, std::string& text) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return std::string{"is a directory, not a file"};
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::string{"cannot be read: "} + std::strerror(errno);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::string{"cannot be read"};
  text = content.str();
  return std::nullopt;
}

std::vector<std::string> key_candidates() {
  std::vector<std::string> out;
  for (const auto& spec : schema()) {
    out.push_back(spec.path);
    const auto dot = spec.path.find('.');
    if (dot != std::string::npos) out.push_back(spec.path.substr(0, dot));
  }
  return out;
}

std::vector<std::string> variable_candidates() {
  std::vector<std::string> out{std::string{config_file_env}, std::string{faults_env}};
  for (const auto& spec : schema()) {
    out.push_back(env_name(spec.path));
    out.insert(out.end(), spec.env_aliases.begin(), spec.env_aliases.end());
  }
  for (const auto& secret : secret_specs()) out.emplace_back(secret.env_name);
  return out;
}

const SecretSpec* find_secret(std::string_view name) {
  for (const auto& spec : secret_specs()) {
    if (spec.env_name == name) return &spec;
  }
  return nullptr;
}

// The secret variable a config file key stands for: "binance.api_key" -> BINANCE_API_KEY.
std::optional<std::string> secret_variable_for(std::string_view path) {
  std::string upper;
  for (const char c : path) {
    upper += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  for (const auto& spec : secret_specs()) {
    auto short_name = spec.env_name;
    if (starts_with(short_name, env_prefix)) short_name.remove_prefix(env_prefix.size());
    if (upper == spec.env_name || upper == short_name ||
        ends_with(upper, "_" + std::string{short_name})) {
      return std::string{spec.env_name};
    }
  }
  return std::nullopt;
}

bool looks_like_secret(std::string_view name) {
  const auto lower = lowercase(name);
  for (const char* word : {"secret", "token", "password", "passwd", "api_key", "apikey",
                           "private_key", "credential"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string seconds_text(std::chrono::nanoseconds duration) {
  return fmt::format("{}", std::chrono::duration<double>(duration).count());
}

// Applies the sources in order of precedence to one LoadResult.
class Loader {
 public:
  explicit Loader(const LoadOptions& options) : options_{options} {
    for (const auto& spec : schema()) result_.origins[spec.path] = std::string{default_origin};
  }

  LoadResult run() {
    read_dotenv();
    for (const auto& [name, value] : options_.environment) {
      environment_.push_back({name, value, "environment variable " + name});
    }
    level_ = Level::file;
    if (const auto file = choose_config_file()) apply_file(*file);
    level_ = Level::dotenv;
    apply_variables(dotenv_);
    level_ = Level::environment;
    apply_variables(environment_);
    level_ = Level::command_line;
    if (options_.mode) set_mode(*options_.mode, std::string{command_line_origin});
    check_across_keys();
    redact_messages();
    return std::move(result_);
  }

 private:
  fs::path resolve(const fs::path& path) const {
    return (options_.working_dir / path).lexically_normal();
  }

  void error(std::string key, std::string source, std::string message) {
    result_.errors.push_back({std::move(key), std::move(source), std::move(message)});
  }

  void read_dotenv() {
    const auto path = resolve(".env");
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    std::string text;
    if (auto problem = read_file(path, text)) {
      error("", path.string(), ".env " + *problem);
      return;
    }
    result_.dotenv_file = path;
    auto content = parse_dotenv(text);
    for (auto& problem : content.problems) {
      error("", path.string() + ":" + std::to_string(problem.line), std::move(problem.message));
    }
    for (auto& entry : content.entries) {
      auto source = entry.name + " in " + path.string() + ":" + std::to_string(entry.line);
      dotenv_.push_back({std::move(entry.name), std::move(entry.value), std::move(source)});
    }
  }

  // --config, else AUTOTRADER_CONFIG (environment before .env), else the default if present.
  std::optional<fs::path> choose_config_file() {
    if (options_.config_file) return resolve(*options_.config_file);
    for (const auto* variables : {&environment_, &dotenv_}) {
      // The last entry wins, as when the variables are applied.
      for (auto it = variables->rbegin(); it != variables->rend(); ++it) {
        if (it->name == config_file_env && !it->value.empty()) return resolve(it->value);
      }
    }
    const auto fallback = resolve(fs::path{default_config_path});
    std::error_code ec;
    if (fs::exists(fallback, ec)) return fallback;
    return std::nullopt;
  }

  void apply_file(const fs::path& path) {
    std::string text;
    if (auto problem = read_file(path, text)) {
      error("", path.string(), "config file " + *problem);
      return;
    }
    result_.config_file = path;
    const auto document = parse_json_document(text);
    if (document.syntax_error) {
      const auto& syntax = *document.syntax_error;
      error("", path.string() + ":" + std::to_string(syntax.line),
            fmt::format("malformed JSON at line {}, column {}: {}", syntax.line, syntax.column,
                        syntax.message));
      return;
    }
    const auto source_of = [&](const std::string& key) {
      const auto line = document.key_lines.find(key);
      return line == document.key_lines.end() ? path.string()
                                              : path.string() + ":" + std::to_string(line->second);
    };
    for (const auto& key : document.duplicate_keys) {
      error(key, source_of(key), "appears more than once");
    }
    if (!document.value.is_object()) {
      error("", path.string(), "the top level must be a JSON object");
      return;
    }
    walk(document.value, "", source_of);
  }

  template <typename SourceOf>
  void walk(const json& object, const std::string& prefix, const SourceOf& source_of) {
    for (const auto& [name, value] : object.items()) {
      const std::string path = prefix.empty() ? name : prefix + "." + name;
      const auto source = source_of(path);
      if (name.find('.') != std::string::npos) {
        error(path, source, "write sections as nested objects, as in {\"http\": {\"port\": 5000}}");
      } else if (const auto* spec = find_key(path)) {
        if (auto problem = validate(*spec, value)) {
          error(path, source, std::move(*problem));
        } else {
          spec->field.set(result_.settings, value);
          result_.origins[path] = source;
          levels_[path] = level_;
        }
      } else if (is_section(path)) {
        if (value.is_object()) {
          walk(value, path, source_of);
        } else {
          error(path, source, "expected an object holding the " + path + ".* keys");
        }
      } else if (!report_if_secret(path, name, source)) {
        std::string message = "unknown key";
        if (auto suggestion = closest(path, key_candidates())) {
          message += "; did you mean \"" + *suggestion + "\"?";
        }
        error(path, source, std::move(message));
        if (value.is_object()) report_secrets_inside(value, path, source_of);
      }
    }
  }

  // Inside an unknown section, still point out any credential that should not be in the file.
  template <typename SourceOf>
  void report_secrets_inside(const json& object, const std::string& prefix,
                             const SourceOf& source_of) {
    for (const auto& [name, value] : object.items()) {
      const std::string path = prefix + "." + name;
      if (!report_if_secret(path, name, source_of(path)) && value.is_object()) {
        report_secrets_inside(value, path, source_of);
      }
    }
  }

  bool report_if_secret(const std::string& path, std::string_view name, const std::string& source) {
    const std::string rule =
        "secrets are never read from the config file: remove it and set it in the environment or "
        ".env";
    if (auto variable = secret_variable_for(path)) {
      error(path, source, rule + " as " + *variable);
      return true;
    }
    if (looks_like_secret(name)) {
      error(path, source, "looks like a secret; " + rule + " (see config/README.md)");
      return true;
    }
    return false;
  }

  void apply_variables(const std::vector<Variable>& variables) {
    // An alias is applied first so that the AUTOTRADER_ name wins when both are set.
    std::vector<const Variable*> ordered;
    for (const auto& variable : variables) ordered.push_back(&variable);
    std::stable_partition(ordered.begin(), ordered.end(), [](const Variable* variable) {
      const auto* spec = find_key_by_env(variable->name);
      return spec != nullptr && env_name(spec->path) != variable->name;
    });
    for (const auto* variable : ordered) apply_variable(*variable);
  }

  void apply_variable(const Variable& variable) {
    if (const auto* spec = find_key_by_env(variable.name)) {
      auto parsed = parse_variable(*spec, variable.name, variable.value);
      if (auto* problem = std::get_if<std::string>(&parsed)) {
        error(spec->path, variable.source, std::move(*problem));
        return;
      }
      const auto& value = std::get<json>(parsed);
      if (auto problem = validate(*spec, value)) {
        error(spec->path, variable.source, std::move(*problem));
        return;
      }
      spec->field.set(result_.settings, value);
      result_.origins[spec->path] = variable.source;
      levels_[spec->path] = level_;
    } else if (const auto* secret = find_secret(variable.name)) {
      // An empty variable does not clear a value from a lower source.
      if (!variable.value.empty()) result_.secrets.*secret->member = core::Secret{variable.value};
    } else if (variable.name != config_file_env && variable.name != faults_env &&
               starts_with(variable.name, env_prefix)) {
      // Reported by name only: the value may be a secret set under a misspelt name.
      std::string message = "unknown variable " + variable.name;
      if (auto suggestion = closest(variable.name, variable_candidates())) {
        message += "; did you mean " + *suggestion + "?";
      }
      error("", variable.source, std::move(message));
    }
  }

  void set_mode(Mode mode, std::string origin) {
    result_.settings.mode = mode;
    result_.origins["mode"] = std::move(origin);
    levels_["mode"] = level_;
  }

  Level level_of(const std::string& key) const {
    const auto it = levels_.find(key);
    return it == levels_.end() ? Level::defaults : it->second;
  }

  // mode and market.venue, which mode replaced, say the same thing at two grains. The one set
  // by the later source decides, so --mode beats a file's market.venue and
  // AUTOTRADER_MARKET_VENUE=binance beats the shipped file's mode (binance-paper, as before
  // modes existed); set by the same source they must agree. market.venue alone can never
  // choose a mode that places orders.
  void resolve_mode() {
    auto& settings = result_.settings;
    const std::string mode_key = "mode";
    const std::string venue_key = "market.venue";
    const auto mode_level = level_of(mode_key);
    const auto venue_level = level_of(venue_key);
    const auto implied = std::string{venue_of(settings.mode)};
    if (settings.market.venue == implied) return;
    if (venue_level == mode_level && venue_level != Level::defaults) {
      error(venue_key, result_.origins[venue_key],
            fmt::format("{} contradicts mode {} (from {}), which reads market data from {}; "
                        "remove market.venue: the mode decides it",
                        settings.market.venue, mode_name(settings.mode), result_.origins[mode_key],
                        implied));
      return;
    }
    if (venue_level > mode_level) {
      settings.mode = mode_for_venue(settings.market.venue);
      result_.origins[mode_key] = "market.venue (from " + result_.origins[venue_key] + ")";
    } else {
      settings.market.venue = implied;
      result_.origins[venue_key] = "mode (from " + result_.origins[mode_key] + ")";
    }
  }

  // A mode that places orders reaches only its own environment: production hosts in testnet
  // mode (or testnet hosts in live mode) are the costliest typo there is.
  void check_binance_hosts() {
    const auto mode = result_.settings.mode;
    const auto forbidden = forbidden_host(mode);
    if (!forbidden) return;
    for (const auto& url : binance_urls(result_.settings)) {
      if (url.kind != *forbidden) continue;
      const std::string key{url.key};
      error(
          key, result_.origins[key],
          fmt::format("points at {}, a Binance {} host, but mode {} (from {}) must only reach "
                      "{}; for it use {}",
                      url.host, host_kind_name(url.kind), mode_name(mode), result_.origins["mode"],
                      mode == Mode::binance_live ? "production" : "the Spot testnet",
                      mode == Mode::binance_live ? url.production : url.testnet));
    }
  }

  void check_across_keys() {
    resolve_mode();
    check_binance_hosts();
    const auto& supervision = result_.settings.supervision;
    if (supervision.backoff_max < supervision.backoff_min) {
      const std::string max_key = "supervision.backoff_max_seconds";
      const std::string min_key = "supervision.backoff_min_seconds";
      error(max_key, result_.origins[max_key],
            fmt::format("{} is less than {} ({}, from {})", seconds_text(supervision.backoff_max),
                        min_key, seconds_text(supervision.backoff_min), result_.origins[min_key]));
    }
    const auto& settings = result_.settings;
    if (!settings.sim.replay_file.empty() &&
        settings.sim.replay_file.find("{symbol}") == std::string::npos &&
        settings.market.symbols.size() != 1) {
      const std::string key = "sim.replay_file";
      error(key, result_.origins[key],
            fmt::format("names one file for {} symbols of market.symbols (from {}); put {{symbol}} "
                        "in the path for a file per symbol, or name one symbol",
                        settings.market.symbols.size(), result_.origins["market.symbols"]));
    }
    check_risk_limits();
  }

  // The risk limits must agree with each other, or the engine would refuse every decision that
  // relies on them (or size nothing): reported at load, naming both keys and their sources.
  void check_risk_limits() {
    const auto& risk = result_.settings.risk;
    check_fallback_within("risk.stop_loss_pct", risk.stop_loss_pct, "risk.min_stop_loss_pct",
                          risk.min_stop_loss_pct, "risk.max_stop_loss_pct", risk.max_stop_loss_pct);
    check_fallback_within("risk.take_profit_pct", risk.take_profit_pct, "risk.min_take_profit_pct",
                          risk.min_take_profit_pct, "risk.max_take_profit_pct",
                          risk.max_take_profit_pct);
    check_reward_risk(risk);
    check_not_above("risk.base_position_size", risk.base_position_size, "risk.max_position_size",
                    risk.max_position_size);
    check_not_above("risk.low_confidence", risk.low_confidence, "risk.high_confidence",
                    risk.high_confidence);
    check_not_above("risk.low_win_rate", risk.low_win_rate, "risk.high_win_rate",
                    risk.high_win_rate);
    check_not_above("risk.win_rate_min_trades", risk.win_rate_min_trades, "risk.win_rate_window",
                    risk.win_rate_window);
  }

  // Reports `key` when its value exceeds the one of `limit_key`.
  template <typename Number>
  bool check_not_above(const std::string& key, Number value, const std::string& limit_key,
                       Number limit) {
    if (value <= limit) return true;
    error(key, result_.origins[key],
          fmt::format("{} is above {} ({}, from {})", value, limit_key, limit,
                      result_.origins[limit_key]));
    return false;
  }

  // A fallback stop-loss or take-profit must lie within its bounds; 0 (no fallback) has none.
  void check_fallback_within(const std::string& key, double value, const std::string& min_key,
                             double min, const std::string& max_key, double max) {
    if (!check_not_above(min_key, min, max_key, max) || value == 0) return;
    if (value < min) {
      error(key, result_.origins[key],
            fmt::format("{} is below {} ({}, from {})", value, min_key, min,
                        result_.origins[min_key]));
    }
    check_not_above(key, value, max_key, max);
  }

  void check_reward_risk(const RiskSettings& risk) {
    if (risk.stop_loss_pct == 0 || risk.take_profit_pct == 0) return;
    const double ratio = risk.take_profit_pct / risk.stop_loss_pct;
    // The relative slack keeps 0.3 / 0.1 (2.9999999999999996 in doubles) at 3.
    if (ratio >= risk.min_reward_risk * (1 - 1e-9)) return;
    const std::string key = "risk.take_profit_pct";
    error(key, result_.origins[key],
          fmt::format("a {}% target against the {}% stop of risk.stop_loss_pct (from {}) is a "
                      "reward/risk of {:.3g}, below risk.min_reward_risk {} (from {}): the target "
                      "must be at least {} times the stop. With 2, the 1:2 rule, a 2% stop needs "
                      "a 4% target; the classic 5% stop with a 3% target risks 5 to make 3",
                      risk.take_profit_pct, risk.stop_loss_pct,
                      result_.origins["risk.stop_loss_pct"], ratio, risk.min_reward_risk,
                      result_.origins["risk.min_reward_risk"], risk.min_reward_risk));
  }

  // Defence in depth: no message may carry a secret value, whatever produced it.
  void redact_messages() {
    core::Redactor redactor;
    for (const auto value : result_.secrets.values()) redactor.add(value);
    if (redactor.empty()) return;
    for (auto& error : result_.errors) error.message = redactor.apply(error.message);
  }

  const LoadOptions& options_;
  LoadResult result_;
  std::vector<Variable> dotenv_;
  std::vector<Variable> environment_;
  Level level_ = Level::defaults;        // the source being applied
  std::map<std::string, Level> levels_;  // key path -> the source of its value, when not default
};

}  // namespace

LoadResult load(const LoadOptions& options) {
  return Loader{options}.run();
}

std::map<std::string, std::string> environment_from(const char* const* envp) {
  std::map<std::string, std::string> environment;
  for (; envp != nullptr && *envp != nullptr; ++envp) {
    const std::string_view entry{*envp};
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) continue;
    environment[std::string{entry.substr(0, equals)}] = std::string{entry.substr(equals + 1)};
  }
  return environment;
}

}  // namespace autotrader::config
