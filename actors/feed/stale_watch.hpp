#pragma once
// Stale-data detection for a feed: a symbol is stale when no message arrived for it for longer
// than its maximum age. Reports each change once: stale when it goes quiet, recovered on its
// next message. Time is injected (the feed's actor clock, virtual in tests); the wall time of
// each message is carried along for the DataStale event and the metrics. Plain class; one
// owner (a feed actor), no locking.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/market.hpp"

namespace autotrader::feed {

struct StaleChange {
  core::Symbol symbol;
  bool stale = false;
  core::TimestampMs last_message = 0;  // wall time, ms; 0 if none arrived yet
};

class StaleWatch {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit StaleWatch(std::chrono::milliseconds default_max_age);

  // Starts watching `symbol` as of `now` (a symbol that never receives a message turns stale
  // max_age after this). Watching it again only changes its maximum age.
  void watch(const core::Symbol& symbol, TimePoint now,
             std::optional<std::chrono::milliseconds> max_age = std::nullopt);

  // A message for `symbol` arrived at `now` (wall time `wall`). Returns the recovery if the
  // symbol was stale. An unwatched symbol is watched from here on with the default age.
  std::optional<StaleChange> observe(const core::Symbol& symbol, TimePoint now,
                                     core::TimestampMs wall);

  // Every watched symbol that has been quiet for longer than its maximum age and was not
  // reported yet, in symbol order.
  std::vector<StaleChange> check(TimePoint now);

  bool is_stale(const core::Symbol& symbol) const;
  // The earliest time at which check() could report a symbol (just after its deadline);
  // nullopt when every watched symbol is stale already.
  std::optional<TimePoint> next_deadline() const;

 private:
  struct Entry {
    core::Symbol symbol;
    std::chrono::milliseconds max_age;
    TimePoint last;                   // last message, or when watching began
    core::TimestampMs last_wall = 0;  // 0: no message yet
    bool stale = false;
  };
  std::chrono::milliseconds default_max_age_;
  std::map<std::string, Entry> entries_;
};

}  // namespace autotrader::feed
