#pragma once
// The "market" branch of the daemon's supervision tree, built from the configuration: a
// one_for_one supervisor holding the market-data feeds (today the simulated venue "sim"), and
// the stores that must outlive the feed actors. Call it once per process: the stores and the
// simulated market's origin are fixed here, so restarts of the feeds (or of the whole branch)
// resume where they left off.
#include <memory>

#include "actors/feed/cursor_store.hpp"
#include "actors/feed/feed_metrics.hpp"
#include "actors/feed/sim_feed.hpp"
#include "config/settings.hpp"
#include "core/clock.hpp"
#include "supervision/spec.hpp"

namespace prometheus {
class Registry;
}

namespace autotrader::feed {

struct MarketTree {
  // Id "market". With market.venue "sim" it holds the child "sim"; other venues' feeds live in
  // libraries that depend on this one, so the caller adds them before
  // supervision::supervisor_child(spec).
  supervision::SupervisorSpec spec;
  // Consumers subscribe here, by venue: feeds->subscribe("sim", actor). Subscriptions survive
  // feed restarts and need no feed handle.
  std::shared_ptr<FeedCursorStore> feeds;
  std::shared_ptr<FeedMetrics> sim_metrics;  // null unless market.venue is "sim"
};

MarketTree market_tree(const config::Settings& settings, prometheus::Registry& registry,
                       std::shared_ptr<const core::Clock> clock);

// The sim feed's options from the configuration. `wall_now` (ms) sets the generator's origin:
// the start of the current interval (of the current day for monthly candles).
SimFeedOptions sim_feed_options(const config::Settings& settings, core::TimestampMs wall_now);

}  // namespace autotrader::feed
