// A small daemon for the process-level tests: runs a two-level tree with run_root and prints
// one line per supervision event, so the test can follow it through a pipe. Modes:
//   crashloop      a worker dies at every start: every level gives up, exit code 70
//   sigterm        prints READY; SIGTERM stops the tree in reverse order, exit code 0
//   hang           a worker's handler really blocks; its heartbeat fails, it cannot be
//                  killed, and the process must end at once (non-zero) saying why
//   double_signal  a child ignores the shutdown; a second SIGTERM forces exit 130
//   leaked_actor   an actor outside the tree never ends: after SIGTERM the tree stops, and
//                  the exit watchdog ends the process that ~actor_system would keep waiting
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "caf/all.hpp"
#include "supervision/run_root.hpp"
#include "supervision/supervisor.hpp"

namespace sup = autotrader::supervision;
using namespace std::chrono_literals;

namespace {

std::mutex print_mutex;

void print_line(const std::string& line) {
  std::lock_guard<std::mutex> lock{print_mutex};
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

// Prints every event; prints READY once `expected_starts` children have started.
class Printer final : public sup::Observer {
 public:
  explicit Printer(int expected_starts) : expected_starts_{expected_starts} {}
  void on_event(const sup::Event& e) override {
    print_line(std::string{"EVENT "} + to_string(e.kind) + " " + e.supervisor + "/" + e.child +
               " " + e.reason);
    if (e.kind == sup::Event::Kind::child_started && ++starts_ == expected_starts_)
      print_line("READY");
  }

 private:
  int expected_starts_;
  std::atomic<int> starts_{0};  // events come from several scheduler threads
};

caf::behavior worker(caf::event_based_actor* self, bool trap_shutdown) {
  if (trap_shutdown) self->set_exit_handler([](caf::exit_msg&) {});
  return sup::supervised(self, {[](caf::ping_atom) { return caf::pong_atom::value; }});
}

caf::behavior crashing_worker(caf::event_based_actor* self, std::string name) {
  self->quit(caf::make_error(caf::sec::runtime_error, name + " cannot start"));
  return {};
}

sup::ChildSpec worker_child(const std::string& id, bool trap_shutdown = false) {
  sup::ChildSpec c;
  c.id = id;
  c.start = [trap_shutdown](caf::event_based_actor& parent) {
    return parent.spawn(worker, trap_shutdown);
  };
  return c;
}

caf::behavior idle_actor(caf::event_based_actor*, int) {
  return {[](int) {}};
}

sup::SupervisorSpec tree(const std::string& mode) {
  sup::SupervisorSpec mid;
  mid.id = "mid";
  sup::SupervisorSpec root;
  root.id = "root";
  root.random = std::make_shared<autotrader::core::SeededRandom>(42);
  root.backoff = sup::Backoff{10ms, 100ms, 0.2, 60s};
  mid.backoff = root.backoff;
  if (mode == "crashloop") {
    sup::ChildSpec w;
    w.id = "w";
    w.start = [](caf::event_based_actor& parent) {
      return parent.spawn(crashing_worker, std::string{"w"});
    };
    mid.children = {w};
    mid.intensity = sup::Intensity{1, 60s};
    root.intensity = sup::Intensity{1, 60s};
    root.children = {worker_child("a"), sup::supervisor_child(mid)};
    root.observer = std::make_shared<Printer>(-1);
  } else if (mode == "hang") {
    auto w = worker_child("w");
    w.heartbeat = sup::Heartbeat{100ms, 200ms};
    w.shutdown = sup::Shutdown::after(300ms);
    mid.children = {w};
    root.children = {worker_child("a"), sup::supervisor_child(mid)};
    root.observer = std::make_shared<Printer>(3);
  } else if (mode == "double_signal") {
    auto a = worker_child("a", true);
    a.shutdown = sup::Shutdown::after(60s);
    root.children = {a};
    root.observer = std::make_shared<Printer>(1);
  } else {  // sigterm
    mid.children = {worker_child("x"), worker_child("y")};
    root.children = {worker_child("a"), sup::supervisor_child(mid), worker_child("b")};
    root.observer = std::make_shared<Printer>(5);
  }
  return root;
}

}  // namespace

int main(int argc, char** argv) {
  sup::block_termination_signals();  // before any CAF thread exists
  const std::string mode = argc > 1 ? argv[1] : "sigterm";
  sup::RunRootOptions options;
  options.on_shutdown_signal = [](int signal) {
    print_line("SHUTDOWN signal " + std::to_string(signal));
  };
  options.on_forced_exit = [](int) { print_line("FORCED"); };
  if (mode == "hang")
    options.on_started = [](const caf::actor& root) {
      caf::anon_send(root, sup::fault_atom::value, std::string{"mid/w"},
                     sup::Fault::hang(std::chrono::minutes(10)));
    };
  sup::RootOutcome outcome;
  {
    caf::actor_system_config cfg;
    sup::register_error_category(cfg);
    caf::actor_system sys{cfg};
    // A handle that is never released: ~actor_system waits for this actor forever. (The
    // watchdog's _Exit skips leak checking, so the deliberate leak is not reported.)
    if (mode == "leaked_actor") new caf::actor{sys.spawn(idle_actor, 0)};
    outcome = sup::run_root(sys, tree(mode == "leaked_actor" ? "sigterm" : mode), options);
    sup::guard_process_exit(std::chrono::milliseconds{300}, outcome.exit_code,
                            [] { print_line("WATCHDOG"); });
    if (outcome.must_exit_immediately) {
      // ~actor_system would wait forever for the stuck actor.
      print_line("FATAL " + outcome.reason);
      std::_Exit(outcome.exit_code);
    }
  }
  print_line("EXIT " + std::to_string(outcome.exit_code) + " " + outcome.reason);
  return outcome.exit_code;
}
