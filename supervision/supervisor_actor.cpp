// The supervisor actor: a thin CAF shell around SupervisorCore. It owns the child handles,
// monitors children (never links, ref §5), turns timers into generation-tagged delayed
// messages, and kills any child still alive when it exits, whatever the reason.
#include <memory>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "caf/all.hpp"
#include "supervision/errc.hpp"
#include "supervision/supervisor.hpp"
#include "supervision/supervisor_core.hpp"

namespace autotrader::supervision {

namespace {

using timer_atom = caf::atom_constant<caf::atom("sup_timer")>;

struct SupervisorState;
using SupervisorActor = caf::stateful_actor<SupervisorState>;
using LiveChildren = std::unordered_map<std::string, caf::actor>;

class ActorDriver final : public SupervisorDriver {
 public:
  ActorDriver(SupervisorActor* self, std::string id) : self_{self}, id_{std::move(id)} {}

  std::chrono::steady_clock::time_point now() const override;
  caf::error start(const ChildSpec& spec) override;
  void signal(const std::string& child, const caf::error& reason) override;
  void arm(const Timer& timer, std::chrono::nanoseconds delay) override;
  void request_heartbeat(const std::string& child, std::uint64_t instance,
                         std::chrono::milliseconds timeout) override;
  void quit(const caf::error& reason) override;

  caf::actor handle(const std::string& child) const;
  // The id of the child whose current instance has this address, if any.
  std::optional<std::string> child_of(const caf::actor_addr& source) const;
  void forget(const std::string& child) { live_->erase(child); }
  std::shared_ptr<LiveChildren> live() const { return live_; }

 private:
  SupervisorActor* self_;
  std::string id_;
  // Shared with the exit hook installed in supervisor_behavior, which outlives the state.
  std::shared_ptr<LiveChildren> live_ = std::make_shared<LiveChildren>();
};

struct SupervisorState {
  std::unique_ptr<ActorDriver> driver;
  std::unique_ptr<SupervisorCore> core;
};

caf::behavior supervisor_behavior(SupervisorActor* self, SupervisorSpec spec);

std::chrono::steady_clock::time_point ActorDriver::now() const {
  return self_->clock().now();  // virtual under the test coordinator
}

caf::error ActorDriver::start(const ChildSpec& spec) {
  caf::actor child;
  try {
    child = spec.supervisor ? spawn_supervisor(*self_, *spec.supervisor) : spec.start(*self_);
  } catch (const std::exception& e) {
    return caf::make_error(errc::start_failed, id_, spec.id, std::string{e.what()});
  } catch (...) {
    return caf::make_error(errc::start_failed, id_, spec.id, "unknown exception");
  }
  if (!child) return caf::make_error(errc::start_failed, id_, spec.id, "StartFn returned no actor");
  self_->monitor(child);  // a child that is already dead yields its down_msg at once
  (*live_)[spec.id] = std::move(child);
  return caf::none;
}

void ActorDriver::signal(const std::string& child, const caf::error& reason) {
  if (auto target = handle(child)) self_->send_exit(target, reason);
}

void ActorDriver::arm(const Timer& timer, std::chrono::nanoseconds delay) {
  auto me = caf::actor_cast<caf::actor>(self_);
  const auto kind = static_cast<std::uint8_t>(timer.kind);
  if (delay.count() <= 0)
    self_->send(me, timer_atom::value, kind, timer.child, timer.tag);
  else
    self_->delayed_send(me, delay, timer_atom::value, kind, timer.child, timer.tag);
}

void ActorDriver::request_heartbeat(const std::string& child, std::uint64_t instance,
                                    std::chrono::milliseconds timeout) {
  auto target = handle(child);
  if (!target) return;
  auto self = self_;
  // High priority: we ask whether the handler thread is alive, not whether the mailbox is empty.
  self_->request<caf::message_priority::high>(target, timeout, heartbeat_atom::value)
      .then([self, child,
             instance](caf::ok_atom) { self->state.core->on_heartbeat_reply(child, instance); },
            [self, child, instance](caf::error& err) {
              if (err == caf::sec::request_receiver_down)
                return;  // it died: its down_msg decides what happens
              self->state.core->on_heartbeat_failure(child, instance, err);
            });
}

void ActorDriver::quit(const caf::error& reason) {
  self_->quit(reason);
}

caf::actor ActorDriver::handle(const std::string& child) const {
  auto it = live_->find(child);
  return it == live_->end() ? caf::actor{} : it->second;
}

std::optional<std::string> ActorDriver::child_of(const caf::actor_addr& source) const {
  for (const auto& [id, child] : *live_)
    if (child.address() == source) return id;
  return std::nullopt;
}

SupervisorCore::Reply reply_to(caf::response_promise rp) {
  return [rp](const caf::error& err) mutable {
    err ? rp.deliver(err) : rp.deliver(caf::ok_atom::value);
  };
}

// `path` is "child" or "nested_supervisor/.../child"; each level routes one step down.
caf::response_promise route_fault(SupervisorActor* self, const std::string& path,
                                  const Fault& fault) {
  auto rp = self->make_response_promise();
  auto& st = self->state;
  const auto slash = path.find('/');
  const bool deeper = slash != std::string::npos;
  const auto head = path.substr(0, slash);
  auto child = st.driver->handle(head);
  if (!st.core->has_child(head) || (deeper && !st.core->is_supervisor(head))) {
    rp.deliver(caf::make_error(errc::unknown_child, st.core->id(), path));
  } else if (!child) {
    rp.deliver(caf::make_error(errc::child_not_running, st.core->id(), head));
  } else if (deeper) {
    rp.delegate(child, fault_atom::value, path.substr(slash + 1), fault);  // it replies
  } else {
    if (fault.kind == Fault::Kind::crash)
      self->send_exit(child,
                      caf::make_error(errc::injected_fault, st.core->id(), head, fault.reason));
    else
      self->send(child, fault_atom::value, fault);  // the child protocol acts on it
    rp.deliver(caf::ok_atom::value);
  }
  return rp;
}

caf::behavior supervisor_behavior(SupervisorActor* self, SupervisorSpec spec) {
  auto& st = self->state;
  st.driver = std::make_unique<ActorDriver>(self, spec.id);
  st.core = std::make_unique<SupervisorCore>(std::move(spec), *st.driver);
  // Children are monitored, not linked: without this hook, a supervisor that is killed (or
  // quits while one of its children is stuck) would leave its children running forever.
  self->attach_functor([live = st.driver->live()] {
    for (auto& entry : *live) caf::anon_send_exit(entry.second, caf::exit_reason::kill);
    live->clear();
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& state = self->state;
    if (auto child = state.driver->child_of(dm.source)) {
      state.driver->forget(*child);
      state.core->on_child_down(*child, dm.reason);
    }
  });
  self->set_exit_handler(
      [self](caf::exit_msg& em) { self->state.core->on_exit_request(em.reason); });
  // Errors sent to us asynchronously (e.g. a child that rejects a fault message) must not
  // kill the supervisor, which is what CAF's default error handler does.
  self->set_error_handler([](caf::error&) {});
  st.core->start();
  caf::behavior own{
      [self](timer_atom, std::uint8_t kind, const std::string& child, std::uint64_t tag) {
        self->state.core->on_timer(Timer{static_cast<Timer::Kind>(kind), child, tag});
      },
      [self](add_child_atom, ChildSpec& spec) {
        auto rp = self->make_response_promise();
        self->state.core->add_child(std::move(spec), reply_to(rp));
        return rp;
      },
      [self](remove_child_atom, const std::string& child) {
        auto rp = self->make_response_promise();
        self->state.core->remove_child(child, reply_to(rp));
        return rp;
      },
      [self](which_children_atom) { return self->state.core->children(); },
      [self](fault_atom, const std::string& path, const Fault& fault) {
        return route_fault(self, path, fault);
      },
  };
  return supervised(self, std::move(own));
}

}  // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, SupervisorSpec spec) {
  return sys.spawn(supervisor_behavior, std::move(spec));
}

caf::actor spawn_supervisor(caf::event_based_actor& parent, SupervisorSpec spec) {
  return parent.spawn(supervisor_behavior, std::move(spec));
}

caf::behavior supervised(caf::event_based_actor* self, caf::behavior b) {
  auto silenced = std::make_shared<bool>(false);
  self->set_exception_handler([](std::exception_ptr& ptr) -> caf::error {
    try {
      std::rethrow_exception(ptr);
    } catch (const std::exception& e) {
      return caf::make_error(caf::sec::runtime_error, std::string{e.what()});
    } catch (...) {
      return caf::make_error(caf::sec::runtime_error, "unknown exception");
    }
  });
  caf::message_handler protocol{
      [self, silenced](heartbeat_atom) -> caf::result<caf::ok_atom> {
        if (*silenced)
          return self->make_response_promise();  // never delivered: the request times out
        return caf::ok_atom::value;
      },
      [silenced](fault_atom, const Fault& fault) {
        switch (fault.kind) {
          case Fault::Kind::throw_exception:
            throw std::runtime_error(fault.reason);
          case Fault::Kind::hang:
            std::this_thread::sleep_for(fault.duration);  // deliberately stuck: a real hang
            break;
          case Fault::Kind::silence:
            *silenced = true;
            break;
          case Fault::Kind::crash:
            break;  // a crash is an exit signal from the supervisor, never this message
        }
      },
  };
  return protocol.or_else(std::move(b));
}

}  // namespace autotrader::supervision
