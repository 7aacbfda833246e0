#pragma once
// Resolves the daemon's configuration. Sources, lowest to highest precedence:
//   1. built-in defaults (schema.cpp, equal to the shipped config/autotrader.json),
//   2. the config file: --config FILE, else $AUTOTRADER_CONFIG, else config/autotrader.json in
//      the working directory if it exists,
//   3. a .env file in the working directory,
//   4. the environment,
//   5. the command line (--mode only).
// Secrets come from 3 and 4 only. load() never throws: every problem found in any source is
// collected into LoadResult::errors, and the caller exits with exit_code_bad_config if any.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/error.hpp"
#include "config/secrets.hpp"
#include "config/settings.hpp"
#include "config/trading_mode.hpp"

namespace autotrader::config {

// EX_CONFIG from sysexits.h: what the daemon exits with when its configuration is bad.
inline constexpr int exit_code_bad_config = 78;

struct LoadOptions {
  // From --config. A relative path is relative to working_dir.
  std::optional<std::filesystem::path> config_file;
  // Where .env and the default config/autotrader.json are looked for.
  std::filesystem::path working_dir = ".";
  // The process environment (environment_from(environ) in main; tests pass their own).
  std::map<std::string, std::string> environment;
  // From `run --mode`: beats every other source of `mode` (and of market.venue, which follows).
  std::optional<Mode> mode;
};

struct LoadResult {
  // Defaults overridden by every valid value found; a value with an error is skipped.
  Settings settings;
  Secrets secrets;
  std::vector<ConfigError> errors;
  std::optional<std::filesystem::path> config_file;  // the file read, if any
  std::optional<std::filesystem::path> dotenv_file;  // the .env read, if any
  // Key path -> where its effective value came from ("built-in default", "file:line", ...).
  std::map<std::string, std::string> origins;

  bool ok() const { return errors.empty(); }
};

LoadResult load(const LoadOptions& options);

// NAME=VALUE strings (like `environ`) to a map; entries without '=' are skipped.
std::map<std::string, std::string> environment_from(const char* const* envp);

}  // namespace autotrader::config
