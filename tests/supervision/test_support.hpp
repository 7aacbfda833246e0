#pragma once
// Shared fixture for the supervisor actor tests: an actor system on CAF's test coordinator
// (one thread, virtual time, ref §12), an event recorder, and workers that log their exits.
// Only the coordinator is used: CAF's fixture helpers (deref/expect) crash inside GoogleTest.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "caf/all.hpp"
#include "caf/scheduler/test_coordinator.hpp"
#include "core/random.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::supervision::testing {

using namespace std::chrono_literals;

// Worker messages: quit normally / with user_shutdown / with an error.
using exit_normal_atom = caf::atom_constant<caf::atom("t_normal")>;
using exit_shutdown_atom = caf::atom_constant<caf::atom("t_shutdown")>;

class Recorder final : public Observer {
 public:
  void on_event(const Event& event) override;
  std::vector<Event> events() const;
  std::vector<Event> of(Event::Kind kind) const;
  std::size_t count(Event::Kind kind, const std::string& child) const;
  // "supervisor/child" for every event of this kind, in order.
  std::vector<std::string> who(Event::Kind kind) const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<Event> events_;
};

struct SupervisionTest : ::testing::Test {
  SupervisionTest();
  ~SupervisionTest() override;

  // A supervised worker answering ping; records "name:reason" in `exits` when it dies and its
  // latest handle in `handles`. trap_shutdown: it ignores user_shutdown (kill still works).
  StartFn worker(const std::string& name, bool trap_shutdown = false);
  ChildSpec child(const std::string& id, Restart restart = Restart::permanent,
                  Shutdown shutdown = Shutdown::after(1s), bool trap_shutdown = false);
  // Recorder as observer, no jitter, backoff 100 ms doubling up to 10 s, intensity 100 / 60 s.
  SupervisorSpec spec(const std::string& id, Strategy strategy, std::vector<ChildSpec> children);
  // Spawns a root supervisor, monitored by `watcher`, and runs it until idle.
  caf::actor start(SupervisorSpec spec);

  void run() { sched.run(); }
  // Moves virtual time and runs whatever became due. Returns how many timers fired.
  std::size_t advance(caf::timespan d);

  caf::error call(const caf::actor& dest, const caf::message& msg);
  std::vector<ChildInfo> children(const caf::actor& sup);
  ChildInfo info(const caf::actor& sup, const std::string& child);
  // The exit reason of a root started with start(), or request_timeout if it is still alive.
  caf::error root_exit(const caf::actor& root);

  void crash(const caf::actor& sup, const std::string& path, const std::string& why = "boom");
  void send_to(const std::string& worker, const caf::message& msg);

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
  std::shared_ptr<std::vector<std::string>> exits = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<std::map<std::string, caf::actor>> handles =
      std::make_shared<std::map<std::string, caf::actor>>();
  std::vector<caf::actor> roots;
  std::vector<caf::actor> watchers;
  std::map<caf::actor_addr, caf::error> root_exits;
};

// Names of the workers in `exits`, without reasons.
std::vector<std::string> names(const std::vector<std::string>& exits);

}  // namespace autotrader::supervision::testing

namespace caf {
// Readable caf::error values in GoogleTest failure messages.
inline void PrintTo(const error& err, std::ostream* os) {
  *os << autotrader::supervision::render_reason(err);
}
}  // namespace caf
