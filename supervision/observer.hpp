#pragma once
// What a supervisor reports: one Event per thing that happened to it or its children, sent to
// an Observer. Loggers, metrics and the TreeView are observers; ObserverList fans out to several.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace autotrader::supervision {

struct Event {
  enum class Kind : std::uint8_t {
    supervisor_started,  // a supervisor (re)started; child is empty, reason is its strategy
    child_started,       // restart_count is the child's total restarts so far
    child_exited,        // the child died by itself (or failed to start); abnormal per OTP
    restart_scheduled,   // delay is the backoff before the restart attempt
    child_stopped,       // the supervisor stopped the child (shutdown, sibling restart, removal)
    child_removed,       // the child's spec was deleted (removal, temporary child gone)
    hang_detected,       // no heartbeat reply in time; the child is being killed
    gave_up,             // intensity exceeded; the supervisor stops its children and escalates
    escalated,           // the supervisor quits with an error for its parent; child is empty
  };
  Kind kind = Kind::child_started;
  std::string supervisor;
  std::string child;
  std::string reason;  // rendered exit reason or explanation; empty when there is none
  bool abnormal = false;
  std::chrono::nanoseconds delay{0};
  std::uint64_t restart_count = 0;
  std::chrono::steady_clock::time_point at;
  // The child is a nested supervisor (its own events carry its id as `supervisor`). Worker ids
  // need only be unique under their supervisor, so tree views nest only flagged children.
  bool child_is_supervisor = false;  // the supervisor's actor clock (virtual in tests)
};

const char* to_string(Event::Kind kind);

// Receives every event exactly once. Called from CAF scheduler threads, possibly from several
// supervisors at once: implementations must be thread-safe and should return quickly.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_event(const Event& event) = 0;
};

// Forwards each event to every registered observer, in registration order. Thread-safe.
class ObserverList final : public Observer {
 public:
  ObserverList() = default;
  explicit ObserverList(std::vector<std::shared_ptr<Observer>> observers);

  void add_observer(std::shared_ptr<Observer> observer);
  void on_event(const Event& event) override;

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Observer>> observers_;
};

}  // namespace autotrader::supervision
