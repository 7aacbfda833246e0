#include "core/log.hpp"

#include <cassert>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "core/secret.hpp"

namespace autotrader::core::log {
namespace {

constexpr const char* line_pattern = "%Y-%m-%dT%H:%M:%S.%e%z %l [%n] [t%t] %v";

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace:
      return spdlog::level::trace;
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
    case Level::critical:
      return spdlog::level::critical;
    case Level::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

spdlog::sink_ptr make_console_sink() {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  sink->set_pattern(line_pattern);
  return sink;
}

// The one sink every logger holds. It redacts registered secrets from the message text and then
// hands the line to the real sinks, which init() and shutdown() swap underneath the loggers.
class RedactingSink final : public spdlog::sinks::sink {
 public:
  void log(const spdlog::details::log_msg& msg) override {
    std::lock_guard lock{mutex_};
    if (redactor_.empty()) {
      forward(msg);
      return;
    }
    const std::string payload = redactor_.apply({msg.payload.data(), msg.payload.size()});
    spdlog::details::log_msg redacted = msg;
    redacted.payload = spdlog::string_view_t{payload.data(), payload.size()};
    forward(redacted);
  }

  void flush() override {
    std::lock_guard lock{mutex_};
    for (const auto& sink : sinks_) sink->flush();
  }

  void set_pattern(const std::string& pattern) override {
    std::lock_guard lock{mutex_};
    for (const auto& sink : sinks_) sink->set_pattern(pattern);
  }

  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    std::lock_guard lock{mutex_};
    for (const auto& sink : sinks_) sink->set_formatter(formatter->clone());
  }

  void set_sinks(std::vector<spdlog::sink_ptr> sinks) {
    std::lock_guard lock{mutex_};
    sinks_ = std::move(sinks);
  }

  void add_secret(std::string_view value) {
    std::lock_guard lock{mutex_};
    redactor_.add(value);
  }

  std::string redact(std::string_view text) {
    std::lock_guard lock{mutex_};
    return redactor_.apply(text);
  }

 private:
  void forward(const spdlog::details::log_msg& msg) {
    for (const auto& sink : sinks_) {
      if (sink->should_log(msg.level)) sink->log(msg);
    }
  }

  std::mutex mutex_;
  std::vector<spdlog::sink_ptr> sinks_{make_console_sink()};
  Redactor redactor_;
};

// Flushes the shared sink every flush_interval, so info lines reach the file within a second
// without a write syscall per line. Warnings and above are flushed as they are logged.
class PeriodicFlusher {
 public:
  explicit PeriodicFlusher(std::shared_ptr<RedactingSink> sink)
      : sink_{std::move(sink)}, thread_{[this] { run(); }} {}
  ~PeriodicFlusher() {
    {
      std::lock_guard lock{mutex_};
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  PeriodicFlusher(const PeriodicFlusher&) = delete;
  PeriodicFlusher& operator=(const PeriodicFlusher&) = delete;

 private:
  void run() {
    std::unique_lock lock{mutex_};
    while (!wake_.wait_for(lock, flush_interval, [this] { return stop_; })) sink_->flush();
  }

  std::shared_ptr<RedactingSink> sink_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the members above exist
};

struct State {
  std::mutex mutex;  // guards level, loggers and flusher
  const std::shared_ptr<RedactingSink> sink = std::make_shared<RedactingSink>();
  Level level = Level::info;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
  std::unique_ptr<PeriodicFlusher> flusher;  // runs while a log file is open
};

State& state() {
  static State instance;
  return instance;
}

std::shared_ptr<spdlog::logger> get_locked(State& s, std::string_view component) {
  const auto found = s.loggers.find(component);
  if (found != s.loggers.end()) return found->second;
  auto logger = std::make_shared<spdlog::logger>(std::string{component}, s.sink);
  logger->set_level(to_spdlog(s.level));
  // A daemon that crashes must not lose the lines that explain why: warnings and above are
  // flushed at once; everything else within flush_interval (PeriodicFlusher).
  logger->flush_on(spdlog::level::warn);
  s.loggers.emplace(std::string{component}, logger);
  return logger;
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
  for (std::size_t i = 0; i < level_names.size(); ++i) {
    if (level_names[i] == name) return static_cast<Level>(i);
  }
  return std::nullopt;
}

std::string_view level_name(Level level) {
  return level_names.at(static_cast<std::size_t>(level));
}

std::filesystem::path log_file_path(const std::filesystem::path& data_dir) {
  return data_dir / "logs" / "autotrader.log";
}

std::optional<LogError> init(const LogOptions& options) {
  const auto file = log_file_path(options.data_dir);
  if (options.file_max_bytes == 0 || options.file_count == 0) {
    return LogError{file, "log file " + file.string() + ": file size and count must be positive"};
  }
  const auto directory = file.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec || !std::filesystem::is_directory(directory)) {
    const std::string reason = ec ? ec.message() : "a file of that name is in the way";
    return LogError{directory, "cannot create log directory " + directory.string() + ": " + reason};
  }
  // Probing first gives a plain reason (errno) and skips spdlog's retries with sleeps.
  if (std::FILE* probe = std::fopen(file.c_str(), "ab")) {
    std::fclose(probe);
  } else {
    return LogError{file, "cannot open log file " + file.string() + ": " + std::strerror(errno)};
  }
  spdlog::sink_ptr file_sink;
  try {
    // spdlog counts the rotated files besides the current one.
    file_sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        file.string(), options.file_max_bytes, options.file_count - 1);
  } catch (const std::exception& e) {
    return LogError{file, "cannot open log file " + file.string() + ": " + e.what()};
  }
  file_sink->set_pattern(line_pattern);

  std::vector<spdlog::sink_ptr> sinks;
  if (options.console) sinks.push_back(make_console_sink());
  sinks.push_back(std::move(file_sink));

  auto& s = state();
  std::lock_guard lock{s.mutex};
  s.sink->set_sinks(std::move(sinks));
  s.level = options.level;
  for (const auto& [name, logger] : s.loggers) logger->set_level(to_spdlog(s.level));
  // Code that calls spdlog::info() directly still goes through the redacting sink.
  spdlog::set_default_logger(get_locked(s, "autotrader"));
  if (!s.flusher) s.flusher = std::make_unique<PeriodicFlusher>(s.sink);
  return std::nullopt;
}

std::shared_ptr<spdlog::logger> get(std::string_view component) {
  assert(!component.empty());
  auto& s = state();
  std::lock_guard lock{s.mutex};
  return get_locked(s, component);
}

void register_secret(std::string_view value) {
  state().sink->add_secret(value);
}

std::string redact(std::string_view text) {
  return state().sink->redact(text);
}

void shutdown() {
  auto& s = state();
  std::lock_guard lock{s.mutex};
  s.flusher.reset();
  s.sink->flush();
  s.sink->set_sinks({make_console_sink()});
}

}  // namespace autotrader::core::log
