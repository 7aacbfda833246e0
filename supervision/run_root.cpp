#include "supervision/run_root.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "caf/all.hpp"
#include "supervision/errc.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::supervision {

namespace {

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

RootOutcome outcome_of(const caf::error& reason) {
  RootOutcome out;
  out.reason = render_reason(reason);
  if (is_errc(reason, errc::unkillable_child)) {
    out.exit_code = exit_software;
    out.must_exit_immediately = true;
  } else if (is_abnormal(reason)) {
    out.exit_code = exit_software;
  }
  return out;
}

}  // namespace

void block_termination_signals() {
  auto set = termination_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void guard_process_exit(std::chrono::milliseconds grace, int exit_code,
                        std::function<void()> on_expiry) {
  std::thread{[grace, exit_code, on_expiry = std::move(on_expiry)] {
    std::this_thread::sleep_for(grace);
    if (on_expiry) on_expiry();
    std::_Exit(exit_code);
  }}.detach();
  auto set = termination_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

RootOutcome run_root(caf::actor_system& sys, SupervisorSpec spec, const RunRootOptions& options) {
  block_termination_signals();
  RootOutcome outcome;
  {
    caf::scoped_actor self{sys};
    auto root = spawn_supervisor(sys, std::move(spec));
    self->monitor(root);
    std::atomic<bool> finished{false};
    std::thread signals{[&finished, &options, root] {
      auto set = termination_signals();
      int received = 0;
      for (;;) {
        int signal = 0;
        if (sigwait(&set, &signal) != 0 || finished.load()) return;
        if (++received == 1) {
          if (options.on_shutdown_signal) options.on_shutdown_signal(signal);
          caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
        } else {
          if (options.on_forced_exit) options.on_forced_exit(signal);
          std::_Exit(exit_forced);
        }
      }
    }};
    // On every way out: wake the helper with a signal aimed at it alone; `finished` makes it
    // leave without acting on it.
    struct JoinOnExit {
      std::thread& thread;
      std::atomic<bool>& finished;
      ~JoinOnExit() {
        finished.store(true);
        pthread_kill(thread.native_handle(), SIGTERM);
        thread.join();
      }
    } join_on_exit{signals, finished};
    if (options.on_started) options.on_started(root);
    bool down = false;
    self->receive_while([&] { return !down; })([&](caf::down_msg& dm) {
      if (dm.source != root.address()) return;
      down = true;
      outcome = outcome_of(dm.reason);
    });
  }  // the scoped_actor goes before we return (ref §9: a live one blocks the system's shutdown)
  return outcome;
}

}  // namespace autotrader::supervision
