#include "supervision/supervisor_core.hpp"

#include <algorithm>
#include <cmath>

#include "caf/exit_reason.hpp"
#include "supervision/backoff.hpp"
#include "supervision/errc.hpp"
#include "supervision/restart_plan.hpp"

namespace autotrader::supervision {

namespace {

std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + "ms";
}

caf::error kill_reason() {
  return caf::make_error(caf::exit_reason::kill);
}

}  // namespace

SupervisorCore::SupervisorCore(SupervisorSpec spec, SupervisorDriver& driver)
    : spec_{std::move(spec)}, driver_{driver}, window_{spec_.intensity} {}

// -- lookup -------------------------------------------------------------------------------------

SupervisorCore::Child* SupervisorCore::find(const std::string& child) {
  auto it = std::find_if(children_.begin(), children_.end(),
                         [&](const Child& c) { return c.spec.id == child; });
  return it == children_.end() ? nullptr : &*it;
}

const SupervisorCore::Child* SupervisorCore::find(const std::string& child) const {
  return const_cast<SupervisorCore*>(this)->find(child);
}

std::size_t SupervisorCore::index_of(const std::string& child) const {
  return static_cast<std::size_t>(std::find_if(children_.begin(), children_.end(),
                                               [&](const Child& c) { return c.spec.id == child; }) -
                                  children_.begin());
}

void SupervisorCore::erase(const std::string& child) {
  children_.erase(std::remove_if(children_.begin(), children_.end(),
                                 [&](const Child& c) { return c.spec.id == child; }),
                  children_.end());
}

bool SupervisorCore::has_child(const std::string& child) const {
  return find(child) != nullptr;
}

bool SupervisorCore::is_supervisor(const std::string& child) const {
  const Child* c = find(child);
  return c && c->spec.supervisor;
}

std::vector<ChildInfo> SupervisorCore::children() const {
  std::vector<ChildInfo> out;
  out.reserve(children_.size());
  for (const auto& c : children_)
    out.push_back(ChildInfo{c.spec.id, c.state, c.restart_count, c.last_exit_reason, c.started_at,
                            c.spec.supervisor != nullptr});
  return out;
}

// -- helpers ------------------------------------------------------------------------------------

void SupervisorCore::emit(Event::Kind kind, const std::string& child, std::string reason,
                          bool abnormal, std::chrono::nanoseconds delay,
                          std::uint64_t restart_count) {
  if (!spec_.observer) return;
  Event event{kind,     spec_.id, child,         std::move(reason),
              abnormal, delay,    restart_count, driver_.now()};
  if (const Child* c = child.empty() ? nullptr : find(child)) {
    event.child_is_supervisor = c->spec.supervisor != nullptr;
  }
  spec_.observer->on_event(event);
}

void SupervisorCore::arm(Timer::Kind kind, const std::string& child, std::uint64_t tag,
                         std::chrono::nanoseconds delay) {
  driver_.arm(Timer{kind, child, tag}, delay);
}

std::chrono::milliseconds SupervisorCore::kill_deadline(const Child& child) const {
  const auto& shutdown = child.spec.shutdown;
  return shutdown.kind == Shutdown::Kind::timeout ? shutdown.timeout : spec_.kill_timeout;
}

ChildSpec SupervisorCore::spec_for_start(const ChildSpec& spec) {
  if (!spec.supervisor || (spec.supervisor->observer && spec.supervisor->random)) return spec;
  // A nested supervisor inherits the observer, and gets its own generator: core::Random is not
  // thread-safe and the child runs on other threads. Seeding from ours keeps runs reproducible.
  auto nested = *spec.supervisor;
  if (!nested.observer) nested.observer = spec_.observer;
  if (!nested.random && spec_.random)
    nested.random = std::make_shared<core::SeededRandom>(
        static_cast<std::uint64_t>(std::ldexp(spec_.random->uniform01(), 53)));
  auto out = spec;
  out.supervisor = std::make_shared<const SupervisorSpec>(std::move(nested));
  return out;
}

// -- starting -----------------------------------------------------------------------------------

void SupervisorCore::start() {
  emit(Event::Kind::supervisor_started, {}, to_string(spec_.strategy));
  if (auto problem = validate(spec_); !problem.empty()) {
    escalate_now(caf::make_error(errc::invalid_spec, spec_.id, problem));
    return;
  }
  const auto ticket = ++next_ticket_;
  for (auto& child_spec : spec_.children) {
    Child child;
    child.spec = std::move(child_spec);
    child.state = ChildState::restarting;
    child.restart_ticket = ticket;
    children_.push_back(std::move(child));
  }
  spec_.children.clear();  // children_ is the truth from now on
  start_group(ticket, false);
}

caf::error SupervisorCore::try_start(Child& child, bool is_restart) {
  child.restart_ticket = 0;
  // Supervisor-wide, so a child removed and added again under the same id never matches the
  // timers and heartbeat replies of its predecessor.
  child.instance = ++next_instance_;
  if (is_restart) ++child.restart_count;
  if (auto err = driver_.start(spec_for_start(child.spec))) return err;
  child.alive = true;
  child.state = ChildState::running;
  child.started_at = driver_.now();
  child.hang_reason.reset();
  child.remove_when_stopped = false;
  const auto& id = child.spec.id;
  emit(Event::Kind::child_started, id, {}, false, {}, child.restart_count);
  if (spec_.backoff.reset_after.count() > 0)
    arm(Timer::Kind::stable, id, child.instance, spec_.backoff.reset_after);
  if (child.spec.heartbeat)
    arm(Timer::Kind::heartbeat, id, child.instance, child.spec.heartbeat->interval);
  return {};
}

void SupervisorCore::start_group(std::uint64_t ticket, bool is_restart) {
  std::vector<std::string> ids;
  for (const auto& c : children_)
    if (c.restart_ticket == ticket && !c.alive) ids.push_back(c.spec.id);
  for (const auto& id : ids) {
    if (done_ || terminating_) return;
    // A start failure below may have re-planned (new tickets) or removed later children.
    Child* c = find(id);
    if (!c || c->restart_ticket != ticket || c->alive) continue;
    if (auto err = try_start(*c, is_restart)) exited(*c, render_reason(err), true);
  }
}

void SupervisorCore::record_exit(Child& child, Event::Kind kind, std::string reason,
                                 bool abnormal) {
  child.state = ChildState::stopped;
  child.last_exit_reason = std::move(reason);
  child.last_exit_abnormal = abnormal;
  emit(kind, child.spec.id, child.last_exit_reason, abnormal, {}, child.restart_count);
}

// A child died by itself or could not be started: report it and decide what happens next.
void SupervisorCore::exited(Child& child, std::string reason, bool abnormal) {
  record_exit(child, Event::Kind::child_exited, std::move(reason), abnormal);
  if (terminating_) return;
  if (sequence_)
    deferred_.push_back(Deferred{Deferred::Kind::failure, child.spec.id, std::nullopt, {}});
  else
    handle_failure(child.spec.id);
}

// -- failures and restarts ----------------------------------------------------------------------

void SupervisorCore::handle_failure(std::string id) {
  Child* c = find(id);
  // Already covered when a group restart picked the child up in the meantime.
  if (done_ || terminating_ || !c || c->alive || c->restart_ticket != 0) return;
  std::vector<Restart> restarts;
  for (const auto& child : children_) restarts.push_back(child.spec.restart);
  const auto plan = plan_restart(spec_.strategy, restarts, index_of(id), c->last_exit_abnormal);
  if (!plan.restart) {
    if (plan.remove_failed) {
      erase(id);
      emit(Event::Kind::child_removed, id);
    }
    return;
  }
  if (!window_.record(driver_.now())) {
    auto why = "more than " + std::to_string(spec_.intensity.max_restarts) + " restarts within " +
               ms_text(spec_.intensity.period);
    emit(Event::Kind::gave_up, id, why, true);
    terminate(caf::make_error(errc::intensity_exceeded, spec_.id, why), true);
    return;
  }
  const double u = spec_.random ? spec_.random->uniform01() : 0.0;
  const auto delay = backoff_delay(spec_.backoff, c->backoff_exponent, u);
  c->backoff_exponent = std::min<std::uint32_t>(c->backoff_exponent + 1, 64);
  StopSequence sequence;
  sequence.then = StopSequence::Then::restart_group;
  sequence.ticket = ++next_ticket_;
  sequence.delay = delay;
  sequence.child = id;
  for (auto i : plan.restart_group) children_[i].restart_ticket = sequence.ticket;
  std::vector<std::string> gone;  // temporary siblings that are already down
  for (auto i : plan.stop) {
    auto& sibling = children_[i];
    const bool temporary =
        std::find(plan.remove.begin(), plan.remove.end(), i) != plan.remove.end();
    sibling.remove_when_stopped = temporary;
    if (sibling.alive)
      sequence.queue.push_back(sibling.spec.id);
    else if (temporary)
      gone.push_back(sibling.spec.id);
  }
  for (const auto& child : gone) {
    erase(child);
    emit(Event::Kind::child_removed, child);
  }
  if (sequence.queue.empty()) {
    schedule_restart(sequence.ticket, delay, id);
    return;
  }
  sequence_ = std::move(sequence);
  advance();
}

void SupervisorCore::schedule_restart(std::uint64_t ticket, std::chrono::nanoseconds delay,
                                      const std::string& failed) {
  bool any = false;
  for (auto& c : children_) {
    if (c.restart_ticket != ticket) continue;
    any = true;
    c.state = ChildState::restarting;
    auto why = c.spec.id == failed ? c.last_exit_reason : "sibling '" + failed + "' failed";
    emit(Event::Kind::restart_scheduled, c.spec.id, std::move(why), false, delay, c.restart_count);
  }
  if (any) arm(Timer::Kind::restart, {}, ticket, delay);
}

// -- stopping -----------------------------------------------------------------------------------

void SupervisorCore::begin_stop(Child& child) {
  child.state = ChildState::stopping;
  const auto& id = child.spec.id;
  switch (child.spec.shutdown.kind) {
    case Shutdown::Kind::brutal:
      driver_.signal(id, kill_reason());
      arm(Timer::Kind::kill_deadline, id, child.instance, spec_.kill_timeout);
      break;
    case Shutdown::Kind::timeout:
      driver_.signal(id, caf::make_error(caf::exit_reason::user_shutdown));
      arm(Timer::Kind::shutdown, id, child.instance, child.spec.shutdown.timeout);
      break;
    case Shutdown::Kind::infinity:
      driver_.signal(id, caf::make_error(caf::exit_reason::user_shutdown));
      break;
  }
}

void SupervisorCore::kill_for_hang(Child& child, std::string reason) {
  child.hang_reason = std::move(reason);
  child.state = ChildState::stopping;
  emit(Event::Kind::hang_detected, child.spec.id, *child.hang_reason, true, {},
       child.restart_count);
  driver_.signal(child.spec.id, kill_reason());
  arm(Timer::Kind::kill_deadline, child.spec.id, child.instance, kill_deadline(child));
}

void SupervisorCore::on_child_down(const std::string& id, const caf::error& reason) {
  Child* c = find(id);
  if (done_ || !c || !c->alive) return;
  c->alive = false;
  if (is_errc(reason, errc::unkillable_child)) {
    // Somewhere below, a thread is stuck: no restart can help, the process must go.
    record_exit(*c, Event::Kind::child_exited, render_reason(reason), true);
    escalate_now(reason);
    return;
  }
  const bool hung = c->hang_reason.has_value();
  const bool stopped_by_us = c->state == ChildState::stopping && !hung;
  const bool queued = sequence_ && std::find(sequence_->queue.begin(), sequence_->queue.end(),
                                             id) != sequence_->queue.end();
  const bool front = queued && sequence_->queue.front() == id;
  auto rendered = hung ? *c->hang_reason : render_reason(reason);
  const bool abnormal = hung || is_abnormal(reason);
  c->hang_reason.reset();
  if (stopped_by_us || queued) {
    // Part of a stop we ordered: a group restart, a removal or our own shutdown decide next.
    record_exit(*c, stopped_by_us ? Event::Kind::child_stopped : Event::Kind::child_exited,
                std::move(rendered), abnormal);
    if (c->remove_when_stopped) {
      erase(id);
      emit(Event::Kind::child_removed, id);
    }
    if (front) advance();
    return;
  }
  exited(*c, std::move(rendered), abnormal);
}

void SupervisorCore::advance() {
  while (sequence_ && !done_) {
    auto& queue = sequence_->queue;
    while (!queue.empty()) {
      Child* c = find(queue.front());
      if (!c || !c->alive) {
        queue.pop_front();
        continue;
      }
      if (c->state != ChildState::stopping) begin_stop(*c);
      return;  // on_child_down continues once this child is down
    }
    auto finished = std::move(*sequence_);
    sequence_.reset();
    complete(std::move(finished));
  }
  run_deferred();
}

void SupervisorCore::complete(StopSequence sequence) {
  switch (sequence.then) {
    case StopSequence::Then::restart_group:
      schedule_restart(sequence.ticket, sequence.delay, sequence.child);
      break;
    case StopSequence::Then::remove_child:
      erase(sequence.child);
      emit(Event::Kind::child_removed, sequence.child);
      sequence.reply(caf::none);
      break;
    case StopSequence::Then::terminate:
      done_ = true;
      if (escalate_) emit(Event::Kind::escalated, {}, render_reason(terminate_reason_), true);
      driver_.quit(terminate_reason_);
      break;
  }
}

void SupervisorCore::run_deferred() {
  while (!sequence_ && !done_ && !terminating_ && !deferred_.empty()) {
    auto next = std::move(deferred_.front());
    deferred_.pop_front();
    switch (next.kind) {
      case Deferred::Kind::failure:
        handle_failure(next.child);
        break;
      case Deferred::Kind::add:
        do_add(std::move(*next.spec), next.reply);
        break;
      case Deferred::Kind::remove:
        do_remove(next.child, next.reply);
        break;
    }
  }
}

void SupervisorCore::terminate(caf::error reason, bool escalate) {
  if (terminating_ || done_) return;
  terminating_ = true;
  escalate_ = escalate;
  terminate_reason_ = std::move(reason);
  const auto refused = caf::make_error(errc::shutting_down, spec_.id);
  if (sequence_ && sequence_->reply) sequence_->reply(refused);
  for (auto& d : deferred_)
    if (d.reply) d.reply(refused);
  deferred_.clear();
  StopSequence sequence;
  sequence.then = StopSequence::Then::terminate;
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    it->restart_ticket = 0;
    if (it->alive) {
      sequence.queue.push_back(it->spec.id);
    } else if (it->state == ChildState::restarting) {
      it->state = ChildState::stopped;
      emit(Event::Kind::child_stopped, it->spec.id, "restart cancelled: supervisor stopping", false,
           {}, it->restart_count);
    }
  }
  sequence_ = std::move(sequence);
  advance();
}

void SupervisorCore::escalate_now(const caf::error& reason) {
  if (done_) return;
  done_ = true;
  const auto refused = caf::make_error(errc::shutting_down, spec_.id);
  if (sequence_ && sequence_->reply) sequence_->reply(refused);
  for (auto& d : deferred_)
    if (d.reply) d.reply(refused);
  deferred_.clear();
  emit(Event::Kind::escalated, {}, render_reason(reason), true);
  driver_.quit(reason);  // the driver kills whatever is still alive
}

// -- inputs -------------------------------------------------------------------------------------

void SupervisorCore::on_timer(const Timer& timer) {
  if (done_) return;
  if (timer.kind == Timer::Kind::restart) {
    if (!terminating_) start_group(timer.tag, true);
    return;
  }
  Child* c = find(timer.child);
  if (!c || !c->alive || c->instance != timer.tag) return;  // stale: that instance is gone
  switch (timer.kind) {
    case Timer::Kind::stable:
      if (c->state == ChildState::running) c->backoff_exponent = 0;
      break;
    case Timer::Kind::shutdown:
      if (c->state == ChildState::stopping && !c->hang_reason) {
        driver_.signal(c->spec.id, kill_reason());
        arm(Timer::Kind::kill_deadline, c->spec.id, c->instance, kill_deadline(*c));
      }
      break;
    case Timer::Kind::kill_deadline:
      if (c->state != ChildState::stopping) break;  // it died and was started again meanwhile
      escalate_now(caf::make_error(
          errc::unkillable_child, spec_.id, c->spec.id,
          "still alive " + ms_text(kill_deadline(*c)) +
              " after exit_reason::kill: its handler thread is stuck, the process must be "
              "restarted"));
      break;
    case Timer::Kind::heartbeat:
      if (!terminating_ && c->state == ChildState::running)
        driver_.request_heartbeat(c->spec.id, c->instance, c->spec.heartbeat->timeout);
      break;
    case Timer::Kind::restart:
      break;
  }
}

void SupervisorCore::on_heartbeat_reply(const std::string& id, std::uint64_t instance) {
  Child* c = find(id);
  if (done_ || terminating_ || !c || !c->alive || c->instance != instance ||
      c->state != ChildState::running)
    return;
  arm(Timer::Kind::heartbeat, id, instance, c->spec.heartbeat->interval);
}

void SupervisorCore::on_heartbeat_failure(const std::string& id, std::uint64_t instance,
                                          const caf::error& error) {
  Child* c = find(id);
  if (done_ || terminating_ || !c || !c->alive || c->instance != instance ||
      c->state != ChildState::running)
    return;
  kill_for_hang(*c, "hang: no heartbeat reply within " + ms_text(c->spec.heartbeat->timeout) +
                        " (" + render_reason(error) + ")");
}

void SupervisorCore::on_exit_request(const caf::error& reason) {
  if (reason)  // like CAF's default, an exit signal with a normal reason is ignored
    terminate(reason, false);
}

void SupervisorCore::add_child(ChildSpec spec, Reply reply) {
  if (done_ || terminating_) return reply(caf::make_error(errc::shutting_down, spec_.id));
  if (sequence_) {
    auto id = spec.id;
    deferred_.push_back(Deferred{Deferred::Kind::add, id, std::move(spec), std::move(reply)});
    return;
  }
  do_add(std::move(spec), reply);
}

void SupervisorCore::remove_child(const std::string& child, Reply reply) {
  if (done_ || terminating_) return reply(caf::make_error(errc::shutting_down, spec_.id));
  if (sequence_) {
    deferred_.push_back(Deferred{Deferred::Kind::remove, child, std::nullopt, std::move(reply)});
    return;
  }
  do_remove(child, reply);
}

void SupervisorCore::do_add(ChildSpec spec, const Reply& reply) {
  if (find(spec.id)) return reply(caf::make_error(errc::duplicate_child, spec_.id, spec.id));
  if (!spec.start && !spec.supervisor)
    return reply(caf::make_error(errc::invalid_spec, spec_.id, spec.id, "no StartFn"));
  auto id = spec.id;
  Child child;
  child.spec = std::move(spec);
  children_.push_back(std::move(child));
  // Like OTP's start_child: a child that cannot start is not added.
  if (auto err = try_start(children_.back(), false)) {
    erase(id);
    return reply(err);
  }
  reply(caf::none);
}

void SupervisorCore::do_remove(const std::string& child, const Reply& reply) {
  Child* c = find(child);
  if (!c) return reply(caf::make_error(errc::unknown_child, spec_.id, child));
  c->restart_ticket = 0;
  if (!c->alive) {
    erase(child);
    emit(Event::Kind::child_removed, child);
    return reply(caf::none);
  }
  StopSequence sequence;
  sequence.then = StopSequence::Then::remove_child;
  sequence.queue.push_back(child);
  sequence.child = child;
  sequence.reply = reply;
  sequence_ = std::move(sequence);
  advance();
}

}  // namespace autotrader::supervision
