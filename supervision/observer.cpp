#include "supervision/observer.hpp"

namespace autotrader::supervision {

const char* to_string(Event::Kind kind) {
  switch (kind) {
    case Event::Kind::supervisor_started:
      return "supervisor_started";
    case Event::Kind::child_started:
      return "child_started";
    case Event::Kind::child_exited:
      return "child_exited";
    case Event::Kind::restart_scheduled:
      return "restart_scheduled";
    case Event::Kind::child_stopped:
      return "child_stopped";
    case Event::Kind::child_removed:
      return "child_removed";
    case Event::Kind::hang_detected:
      return "hang_detected";
    case Event::Kind::gave_up:
      return "gave_up";
    case Event::Kind::escalated:
      return "escalated";
  }
  return "unknown";
}

ObserverList::ObserverList(std::vector<std::shared_ptr<Observer>> observers)
    : observers_{std::move(observers)} {}

void ObserverList::add_observer(std::shared_ptr<Observer> observer) {
  std::lock_guard<std::mutex> lock{mutex_};
  observers_.push_back(std::move(observer));
}

void ObserverList::on_event(const Event& event) {
  // Copy under the lock and call outside it, so an observer may be added from a callback and a
  // slow observer does not serialise the others' registration.
  std::vector<std::shared_ptr<Observer>> observers;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    observers = observers_;
  }
  for (const auto& observer : observers)
    if (observer) observer->on_event(event);
}

}  // namespace autotrader::supervision
