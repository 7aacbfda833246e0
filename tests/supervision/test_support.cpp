#include "test_support.hpp"

#include "supervision/errc.hpp"

namespace autotrader::supervision::testing {

namespace {

caf::actor_system_config& testing_config(caf::actor_system_config& cfg) {
  register_error_category(cfg);
  cfg.set("scheduler.policy", caf::atom("testing"));
  return cfg;
}

caf::behavior test_worker(caf::event_based_actor* self, std::string name,
                          std::shared_ptr<std::vector<std::string>> exits, bool trap_shutdown) {
  self->attach_functor([name, exits](const caf::error& reason) {
    exits->push_back(name + ":" + render_reason(reason));
  });
  if (trap_shutdown) self->set_exit_handler([](caf::exit_msg&) {});
  return supervised(self,
                    {
                        [](caf::ping_atom) { return caf::pong_atom::value; },
                        [self](exit_normal_atom) { self->quit(); },
                        [self](exit_shutdown_atom) { self->quit(caf::exit_reason::user_shutdown); },
                    });
}

caf::behavior watch_root(caf::event_based_actor* self, caf::actor root,
                         std::map<caf::actor_addr, caf::error>* exits) {
  self->monitor(root);
  self->set_down_handler([self, exits](caf::down_msg& dm) {
    (*exits)[dm.source] = dm.reason;
    self->quit();
  });
  return {[](caf::ok_atom) {}};
}

}  // namespace

std::vector<std::string> names(const std::vector<std::string>& exits) {
  std::vector<std::string> out;
  for (const auto& e : exits) out.push_back(e.substr(0, e.find(':')));
  return out;
}

void Recorder::on_event(const Event& event) {
  std::lock_guard<std::mutex> lock{mutex_};
  events_.push_back(event);
}

std::vector<Event> Recorder::events() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return events_;
}

std::vector<Event> Recorder::of(Event::Kind kind) const {
  std::vector<Event> out;
  for (auto& e : events())
    if (e.kind == kind) out.push_back(e);
  return out;
}

std::size_t Recorder::count(Event::Kind kind, const std::string& child) const {
  std::size_t n = 0;
  for (auto& e : of(kind)) n += e.child == child ? 1 : 0;
  return n;
}

std::vector<std::string> Recorder::who(Event::Kind kind) const {
  std::vector<std::string> out;
  for (auto& e : of(kind)) out.push_back(e.supervisor + "/" + e.child);
  return out;
}

void Recorder::clear() {
  std::lock_guard<std::mutex> lock{mutex_};
  events_.clear();
}

SupervisionTest::SupervisionTest()
    : sys{testing_config(cfg)},
      sched{dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())} {}

SupervisionTest::~SupervisionTest() {
  for (auto& root : roots) caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  // Drain: stops may wait for shutdown timers; stale timers fire harmlessly.
  sched.run();
  for (int i = 0; i < 10'000 && sched.has_pending_timeout(); ++i) {
    sched.trigger_timeout();
    sched.run();
  }
  handles->clear();
  roots.clear();
  watchers.clear();
}

StartFn SupervisionTest::worker(const std::string& name, bool trap_shutdown) {
  return [name, trap_shutdown, exits = exits, handles = handles](caf::event_based_actor& parent) {
    auto hdl = parent.spawn(test_worker, name, exits, trap_shutdown);
    (*handles)[name] = hdl;
    return hdl;
  };
}

ChildSpec SupervisionTest::child(const std::string& id, Restart restart, Shutdown shutdown,
                                 bool trap_shutdown) {
  ChildSpec c;
  c.id = id;
  c.start = worker(id, trap_shutdown);
  c.restart = restart;
  c.shutdown = shutdown;
  return c;
}

SupervisorSpec SupervisionTest::spec(const std::string& id, Strategy strategy,
                                     std::vector<ChildSpec> children) {
  SupervisorSpec s;
  s.id = id;
  s.strategy = strategy;
  s.intensity = Intensity{100, 60s};
  s.backoff = Backoff{100ms, 10s, 0.0, 60s};
  s.children = std::move(children);
  s.observer = recorder;
  s.random = std::make_shared<core::FixedRandom>(0.0);
  return s;
}

caf::actor SupervisionTest::start(SupervisorSpec s) {
  auto root = spawn_supervisor(sys, std::move(s));
  roots.push_back(root);
  // A tiny watcher records the root's exit reason (a scoped_actor cannot wait here, ref §4).
  // Spawned with arguments: CAF 0.17's init_fun_factory binds a null reference for
  // argument-less functions, which UBSan rejects.
  watchers.push_back(sys.spawn(watch_root, root, &root_exits));  // unreferenced actors die
  sched.run();
  return root;
}

std::size_t SupervisionTest::advance(caf::timespan d) {
  auto fired = sched.advance_time(d);
  sched.run();
  return fired;
}

caf::error SupervisionTest::call(const caf::actor& dest, const caf::message& msg) {
  caf::scoped_actor self{sys};
  self->send(dest, msg);
  sched.run();
  caf::error out = caf::make_error(caf::sec::request_timeout);  // no reply at all
  self->receive([&](caf::ok_atom) { out = caf::none; }, [&](caf::error& err) { out = err; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  return out;
}

std::vector<ChildInfo> SupervisionTest::children(const caf::actor& sup) {
  caf::scoped_actor self{sys};
  self->send(sup, which_children_atom::value);
  sched.run();
  std::vector<ChildInfo> out;
  self->receive([&](std::vector<ChildInfo>& rows) { out = std::move(rows); },
                caf::after(std::chrono::seconds(0)) >> [] { ADD_FAILURE() << "no reply"; });
  return out;
}

ChildInfo SupervisionTest::info(const caf::actor& sup, const std::string& child) {
  for (auto& row : children(sup))
    if (row.id == child) return row;
  ADD_FAILURE() << "no child " << child;
  return {};
}

caf::error SupervisionTest::root_exit(const caf::actor& root) {
  auto it = root_exits.find(root.address());
  return it == root_exits.end() ? caf::make_error(caf::sec::request_timeout) : it->second;
}

void SupervisionTest::crash(const caf::actor& sup, const std::string& path,
                            const std::string& why) {
  EXPECT_EQ(call(sup, caf::make_message(fault_atom::value, path, Fault::crash(why))), caf::none);
  sched.run();
}

void SupervisionTest::send_to(const std::string& worker, const caf::message& msg) {
  caf::anon_send(handles->at(worker), msg);
  sched.run();
}

}  // namespace autotrader::supervision::testing
