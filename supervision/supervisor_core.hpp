#pragma once
// The logic of one supervisor, free of actors: OTP strategies and restart types, intensity,
// Akka backoff, ordered stops that wait for each child to go down, heartbeats, dynamic
// children. The supervisor actor owns one SupervisorCore, feeds it messages and executes what
// it asks through the SupervisorDriver interface (spawn, exit signals, timers, requests).
//
// Invariants: at most one stop sequence runs at a time (stops are ordered and each waits for
// the child's down message); failures, additions and removals that arrive meanwhile wait in a
// queue; once terminating, nothing new starts; once done, every entry point is a no-op.
// Owned by the supervisor actor and only used on its thread.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "caf/error.hpp"
#include "supervision/intensity.hpp"
#include "supervision/protocol.hpp"
#include "supervision/spec.hpp"

namespace autotrader::supervision {

// A timer the core asks for. Timers cannot be cancelled in CAF 0.17, so each carries a tag
// (the child's instance number, or a restart ticket) and stale ones are ignored on arrival.
struct Timer {
  enum class Kind : std::uint8_t { restart, stable, shutdown, kill_deadline, heartbeat };
  Kind kind = Kind::restart;
  std::string child;  // empty for restart timers, which name a ticket
  std::uint64_t tag = 0;
};

// What the core needs from the actor that runs it.
class SupervisorDriver {
 public:
  virtual ~SupervisorDriver() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Spawns and monitors the child. An error means it could not be started.
  virtual caf::error start(const ChildSpec& spec) = 0;
  // exit_reason::user_shutdown (orderly) or exit_reason::kill to the running child.
  virtual void signal(const std::string& child, const caf::error& reason) = 0;
  virtual void arm(const Timer& timer, std::chrono::nanoseconds delay) = 0;
  // Asks the child for a heartbeat; the answer comes back through on_heartbeat_*().
  virtual void request_heartbeat(const std::string& child, std::uint64_t instance,
                                 std::chrono::milliseconds timeout) = 0;
  // Ends the supervisor with this exit reason; children still alive are killed.
  virtual void quit(const caf::error& reason) = 0;
};

class SupervisorCore {
 public:
  using Reply = std::function<void(const caf::error&)>;  // none = ok

  SupervisorCore(SupervisorSpec spec, SupervisorDriver& driver);

  // Starts the children in order. A spec that cannot run makes the supervisor quit.
  void start();

  void on_child_down(const std::string& child, const caf::error& reason);
  void on_timer(const Timer& timer);
  void on_heartbeat_reply(const std::string& child, std::uint64_t instance);
  void on_heartbeat_failure(const std::string& child, std::uint64_t instance,
                            const caf::error& error);
  // An exit signal from the parent (or run_root): stop all children, then quit with `reason`.
  void on_exit_request(const caf::error& reason);

  void add_child(ChildSpec spec, Reply reply);
  void remove_child(const std::string& child, Reply reply);

  bool has_child(const std::string& child) const;
  bool is_supervisor(const std::string& child) const;
  std::vector<ChildInfo> children() const;
  const std::string& id() const { return spec_.id; }

 private:
  struct Child {
    ChildSpec spec;
    ChildState state = ChildState::stopped;
    bool alive = false;  // the driver holds a live instance
    std::uint64_t instance = 0;
    std::uint64_t restart_ticket = 0;  // non-zero: waiting for (or being stopped for) a restart
    std::uint64_t restart_count = 0;
    std::uint32_t backoff_exponent = 0;
    std::string last_exit_reason;
    bool last_exit_abnormal = false;
    std::chrono::steady_clock::time_point started_at{};
    std::optional<std::string> hang_reason;  // set while being killed for a missed heartbeat
    bool remove_when_stopped = false;
  };

  // Children stopped one after the other (reverse start order), then one follow-up.
  struct StopSequence {
    enum class Then : std::uint8_t { restart_group, remove_child, terminate };
    Then then = Then::terminate;
    std::deque<std::string> queue;
    std::uint64_t ticket = 0;  // restart_group
    std::chrono::nanoseconds delay{0};
    std::string child;  // remove_child
    Reply reply;
  };

  struct Deferred {
    enum class Kind : std::uint8_t { failure, add, remove };
    Kind kind = Kind::failure;
    std::string child;
    std::optional<ChildSpec> spec;
    Reply reply;
  };

  Child* find(const std::string& child);
  const Child* find(const std::string& child) const;
  std::size_t index_of(const std::string& child) const;
  void erase(const std::string& child);

  void emit(Event::Kind kind, const std::string& child, std::string reason = {},
            bool abnormal = false, std::chrono::nanoseconds delay = {},
            std::uint64_t restart_count = 0);
  void arm(Timer::Kind kind, const std::string& child, std::uint64_t tag,
           std::chrono::nanoseconds delay);
  std::chrono::milliseconds kill_deadline(const Child& child) const;
  ChildSpec spec_for_start(const ChildSpec& spec);

  caf::error try_start(Child& child, bool is_restart);
  void start_group(std::uint64_t ticket, bool is_restart);
  void record_exit(Child& child, Event::Kind kind, std::string reason, bool abnormal);
  void exited(Child& child, std::string reason, bool abnormal);
  void handle_failure(std::string child);  // by value: it may erase the child
  void schedule_restart(std::uint64_t ticket, std::chrono::nanoseconds delay,
                        const std::string& failed);
  void begin_stop(Child& child);
  void kill_for_hang(Child& child, std::string reason);
  void advance();
  void complete(StopSequence sequence);
  void run_deferred();
  void terminate(caf::error reason, bool escalate);
  void escalate_now(const caf::error& reason);
  void do_add(ChildSpec spec, const Reply& reply);
  void do_remove(const std::string& child, const Reply& reply);

  SupervisorSpec spec_;
  SupervisorDriver& driver_;
  std::vector<Child> children_;
  RestartWindow window_;
  std::optional<StopSequence> sequence_;
  std::deque<Deferred> deferred_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t next_instance_ = 0;  // instance numbers of all children, never reused
  bool terminating_ = false;
  bool escalate_ = false;  // the termination is our own decision: report it as escalated
  bool done_ = false;
  caf::error terminate_reason_;
};

}  // namespace autotrader::supervision
