#pragma once
// What a feed must remember across its own restarts, owned by the application (created once,
// captured by the feed's start function) so a supervisor's restart of the feed actor loses
// nothing: the open time of the last candle delivered per (venue, symbol), and the subscribers
// per venue. A restarted feed resumes right after the cursor (no duplicate, no gap) and keeps
// delivering to everyone who had subscribed.
//
// Subscribers are kept as weak addresses, so the store never keeps an actor alive; a feed
// monitors its subscribers and unsubscribes one when it dies. Thread-safe: feed actors run on
// any scheduler thread.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include "core/market.hpp"

namespace autotrader::feed {

class FeedCursorStore {
 public:
  // The open time of the last candle delivered for (venue, symbol); nullopt before the first.
  std::optional<core::TimestampMs> last_delivered(const std::string& venue,
                                                  const core::Symbol& symbol) const;
  // Records a delivery. The cursor only moves forward: returns false (and keeps the cursor) for
  // an open time at or before it, which would be a duplicate or a rewind.
  bool record_delivery(const std::string& venue, const core::Symbol& symbol,
                       core::TimestampMs open_time);

  // Adds a subscriber of `venue`; false if it was subscribed already.
  bool subscribe(const std::string& venue, const caf::actor& subscriber);
  // Removes it; false if it was not subscribed.
  bool unsubscribe(const std::string& venue, const caf::actor_addr& subscriber);
  // The subscribers of `venue`, in subscription order. One that no handle refers to any more
  // (so it is gone) is dropped on the way.
  std::vector<caf::actor> subscribers(const std::string& venue);

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, core::TimestampMs> cursors_;
  std::map<std::string, std::vector<caf::actor_addr>> subscribers_;
};

}  // namespace autotrader::feed
