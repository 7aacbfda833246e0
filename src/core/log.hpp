#pragma once
// Process-wide logging: one named spdlog logger per component ("app", "supervision", "http", ...),
// all writing through one shared set of sinks (stderr and a rotating file under
// <data_dir>/logs/). Every line passes a redacting sink first, so a registered secret value is
// replaced by "[redacted]" before any sink sees it, even if some code formats the raw value.
//
// Warnings and above are flushed as they are logged, so the lines that explain a crash are on
// disk; lower levels are flushed every flush_interval by a thread that init() starts and
// shutdown() stops, which keeps routine lines off the write-syscall path.
//
// Before init() the loggers write to stderr at info level, so early failures are still seen.
// All functions are thread-safe.
#include <array>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

namespace autotrader::core::log {

enum class Level { trace, debug, info, warn, error, critical, off };

// The names used in configuration, in order of increasing severity.
inline constexpr std::array<std::string_view, 7> level_names = {"trace", "debug",    "info", "warn",
                                                                "error", "critical", "off"};

inline constexpr std::chrono::seconds flush_interval{1};

std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

struct LogOptions {
  Level level = Level::info;
  bool console = true;  // stderr
  std::filesystem::path data_dir = "data";
  std::size_t file_max_bytes = 10'485'760;
  // How many files to keep, the current one included.
  std::size_t file_count = 5;
};

// <data_dir>/logs/autotrader.log
std::filesystem::path log_file_path(const std::filesystem::path& data_dir);

struct LogError {
  std::filesystem::path path;  // the directory or file that could not be used
  std::string message;         // a full sentence naming the path
};

// Replaces the sinks of every logger (existing and future) and sets their level. On an error the
// previous sinks stay in place. May be called again, e.g. by tests or after a config reload.
[[nodiscard]] std::optional<LogError> init(const LogOptions& options);

// The logger of a component, created on first use.
std::shared_ptr<spdlog::logger> get(std::string_view component);

// Redacts `value` from every line logged from now on. Values shorter than
// core::Redactor::min_length are ignored.
void register_secret(std::string_view value);

// `text` with every registered secret replaced by "[redacted]": for text that leaves the process
// other than through a logger (API answers built from error messages, exit reasons).
std::string redact(std::string_view text);

// Flushes every logger and closes the log file; later lines go to stderr.
void shutdown();

}  // namespace autotrader::core::log
