#include "actors/feed/stale_watch.hpp"

namespace autotrader::feed {

StaleWatch::StaleWatch(std::chrono::milliseconds default_max_age)
    : default_max_age_{default_max_age} {}

void StaleWatch::watch(const core::Symbol& symbol, TimePoint now,
                       std::optional<std::chrono::milliseconds> max_age) {
  auto [it, added] =
      entries_.try_emplace(symbol.str(), Entry{symbol, max_age.value_or(default_max_age_), now});
  if (!added && max_age) it->second.max_age = *max_age;
}

std::optional<StaleChange> StaleWatch::observe(const core::Symbol& symbol, TimePoint now,
                                               core::TimestampMs wall) {
  auto [it, added] = entries_.try_emplace(symbol.str(), Entry{symbol, default_max_age_, now});
  auto& entry = it->second;
  // A late, out-of-order report of an older time must not make the symbol look older.
  if (now > entry.last) entry.last = now;
  entry.last_wall = std::max(entry.last_wall, wall);
  if (!entry.stale) return std::nullopt;
  entry.stale = false;
  return StaleChange{symbol, false, entry.last_wall};
}

std::vector<StaleChange> StaleWatch::check(TimePoint now) {
  std::vector<StaleChange> changes;
  for (auto& [name, entry] : entries_) {
    if (entry.stale || now - entry.last <= entry.max_age) continue;
    entry.stale = true;
    changes.push_back({entry.symbol, true, entry.last_wall});
  }
  return changes;
}

bool StaleWatch::is_stale(const core::Symbol& symbol) const {
  const auto it = entries_.find(symbol.str());
  return it != entries_.end() && it->second.stale;
}

std::optional<StaleWatch::TimePoint> StaleWatch::next_deadline() const {
  std::optional<TimePoint> earliest;
  for (const auto& [name, entry] : entries_) {
    if (entry.stale) continue;
    // check() needs now - last > max_age: the first such instant on the clock's tick.
    const auto deadline = entry.last + entry.max_age + TimePoint::duration{1};
    if (!earliest || deadline < *earliest) earliest = deadline;
  }
  return earliest;
}

}  // namespace autotrader::feed
