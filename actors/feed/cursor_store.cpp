#include "actors/feed/cursor_store.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>

namespace autotrader::feed {

std::optional<core::TimestampMs> FeedCursorStore::last_delivered(const std::string& venue,
                                                                 const core::Symbol& symbol) const {
  std::lock_guard lock{mutex_};
  const auto it = cursors_.find({venue, symbol.str()});
  if (it == cursors_.end()) return std::nullopt;
  return it->second;
}

bool FeedCursorStore::record_delivery(const std::string& venue, const core::Symbol& symbol,
                                      core::TimestampMs open_time) {
  std::lock_guard lock{mutex_};
  auto [it, added] = cursors_.try_emplace({venue, symbol.str()}, open_time);
  if (added) return true;
  if (open_time <= it->second) return false;
  it->second = open_time;
  return true;
}

bool FeedCursorStore::subscribe(const std::string& venue, const caf::actor& subscriber) {
  if (!subscriber) return false;
  std::lock_guard lock{mutex_};
  auto& list = subscribers_[venue];
  const auto addr = subscriber.address();
  if (std::find(list.begin(), list.end(), addr) != list.end()) return false;
  list.push_back(addr);
  return true;
}

bool FeedCursorStore::unsubscribe(const std::string& venue, const caf::actor_addr& subscriber) {
  std::lock_guard lock{mutex_};
  auto& list = subscribers_[venue];
  const auto it = std::find(list.begin(), list.end(), subscriber);
  if (it == list.end()) return false;
  list.erase(it);
  return true;
}

std::vector<caf::actor> FeedCursorStore::subscribers(const std::string& venue) {
  std::lock_guard lock{mutex_};
  auto& list = subscribers_[venue];
  std::vector<caf::actor> live;
  live.reserve(list.size());
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const caf::actor_addr& addr) {
                              auto handle = caf::actor_cast<caf::actor>(addr);
                              if (!handle) return true;
                              live.push_back(std::move(handle));
                              return false;
                            }),
             list.end());
  return live;
}

}  // namespace autotrader::feed
