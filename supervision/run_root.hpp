#pragma once
// Running a supervision tree as the whole process: signals in, exit code out.
//
//   int main(int argc, char** argv) {
//     supervision::block_termination_signals();   // first: CAF's threads inherit the mask
//     Config cfg;  supervision::register_error_category(cfg);  cfg.parse(argc, argv);
//     auto outcome = [&] { caf::actor_system sys{cfg}; return supervision::run_root(sys, spec, {});
//     };
//     ...
//   }
// If outcome.must_exit_immediately, call std::_Exit(outcome.exit_code) (after flushing logs)
// before the actor_system is destroyed: its destructor waits for every actor, and a stuck one
// never finishes.
#include <chrono>
#include <functional>
#include <string>

#include "caf/fwd.hpp"
#include "supervision/spec.hpp"

namespace autotrader::supervision {

inline constexpr int exit_ok = 0;
inline constexpr int exit_software = 70;  // EX_SOFTWARE: the tree gave up
inline constexpr int exit_forced = 130;   // a second SIGINT/SIGTERM

struct RootOutcome {
  int exit_code = exit_ok;
  bool must_exit_immediately = false;  // a child cannot be killed: _exit, do not clean up
  std::string reason;                  // the root's rendered exit reason
};

struct RunRootOptions {
  // Called on the calling thread with the root's handle once it is spawned (fault injection,
  // the API). Do not keep the handle beyond run_root's return.
  std::function<void(const caf::actor& root)> on_started;
  // Called on the signal thread when the first SIGINT/SIGTERM starts the orderly shutdown.
  std::function<void(int signal)> on_shutdown_signal;
  // Called on the signal thread on a second signal, right before std::_Exit(130): flush logs.
  std::function<void(int signal)> on_forced_exit;
};

// Blocks SIGINT and SIGTERM in the calling thread; threads created afterwards inherit that.
// Call it in main before constructing the actor_system, so that no CAF worker thread can take
// the signal and run_root's helper thread receives it through sigwait.
void block_termination_signals();

// After run_root returns, ~actor_system still waits for every actor alive; one outside the tree
// that never ends (a stuck handler, a leaked handle) would hang the process while SIGINT and
// SIGTERM are blocked. Call this right after run_root: it unblocks the two signals on the
// calling thread (a signal now ends the process by its default action) and starts a detached
// watchdog that calls `on_expiry` and std::_Exit(exit_code) if the process still runs `grace`
// later. Harmless when the exit is quick: the process ends before the watchdog wakes.
void guard_process_exit(std::chrono::milliseconds grace, int exit_code,
                        std::function<void()> on_expiry = {});

// Spawns the root supervisor and blocks until it is down. The first SIGINT/SIGTERM sends it
// user_shutdown (children stop in reverse order, each per its Shutdown): exit_code 0. A second
// signal ends the process at once with 130. The root giving up (any abnormal exit reason):
// exit_code 70 and the reason; an unkillable child: also must_exit_immediately.
RootOutcome run_root(caf::actor_system& sys, SupervisorSpec spec,
                     const RunRootOptions& options = {});

}  // namespace autotrader::supervision
