#pragma once
// Injected time. Logic never reads a clock directly: it takes a Clock, so tests can drive
// time by hand (ManualClock) and never sleep to wait for something.
#include <atomic>
#include <chrono>

namespace autotrader::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Calendar time, for timestamps that leave the process (logs, audit, API).
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  // Monotonic time, for durations, deadlines and uptime.
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

// A clock that moves only when told to. Thread-safe: tests may read it from an I/O thread.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point wall_start =
                           std::chrono::system_clock::time_point{
                               std::chrono::seconds{1'700'000'000}})
      : wall_start_{wall_start} {}

  std::chrono::system_clock::time_point wall_now() const override {
    return wall_start_ + std::chrono::nanoseconds{elapsed_ns_.load()};
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point{std::chrono::nanoseconds{elapsed_ns_.load()}};
  }
  void advance(std::chrono::nanoseconds d) { elapsed_ns_ += d.count(); }

 private:
  std::chrono::system_clock::time_point wall_start_;
  std::atomic<std::int64_t> elapsed_ns_{0};
};

}  // namespace autotrader::core
