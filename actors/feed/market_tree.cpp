#include "actors/feed/market_tree.hpp"

#include <caf/event_based_actor.hpp>

#include "actors/feed/sim_feed_actor.hpp"
#include "core/log.hpp"

namespace autotrader::feed {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

}  // namespace

SimFeedOptions sim_feed_options(const config::Settings& settings, core::TimestampMs wall_now) {
  SimFeedOptions options;
  options.venue = "sim";
  // The loader validated every name and the interval; an invalid one cannot get here.
  for (const auto& name : settings.market.symbols) {
    if (auto symbol = core::Symbol::parse(name)) {
      options.symbols.push_back({*symbol, sim::default_start_price(*symbol)});
    }
  }
  options.interval = core::parse_interval(settings.market.interval).value_or(core::Interval::m1);
  const std::int64_t step = options.interval == core::Interval::mo1
                                ? 86'400'000
                                : core::duration(options.interval).count();
  options.origin = wall_now - wall_now % step;
  options.seed = settings.sim.seed;
  options.bar_period = duration_cast<milliseconds>(settings.sim.bar_period);
  options.replay_file = settings.sim.replay_file;
  options.stale_after = duration_cast<milliseconds>(settings.market.stale_after);
  return options;
}

MarketTree market_tree(const config::Settings& settings, prometheus::Registry& registry,
                       std::shared_ptr<const core::Clock> clock) {
  const auto& sup = settings.supervision;
  MarketTree tree;
  tree.feeds = std::make_shared<FeedCursorStore>();
  tree.spec.id = "market";
  tree.spec.strategy = supervision::Strategy::one_for_one;
  tree.spec.intensity = {sup.max_restarts, duration_cast<milliseconds>(sup.period)};
  tree.spec.backoff = {duration_cast<milliseconds>(sup.backoff_min),
                       duration_cast<milliseconds>(sup.backoff_max), sup.backoff_random_factor,
                       duration_cast<milliseconds>(sup.reset_after)};
  if (settings.market.venue != "sim") return tree;

  SimFeedConfig sim;
  sim.options = sim_feed_options(
      settings, duration_cast<milliseconds>(clock->wall_now().time_since_epoch()).count());
  std::vector<core::Symbol> symbols;
  for (const auto& spec : sim.options.symbols) symbols.push_back(spec.symbol);
  tree.sim_metrics =
      std::make_shared<FeedMetrics>(registry, "sim", symbols, std::vector<std::string>{"restart"});
  sim.stores = {tree.feeds, std::make_shared<SimCheckpointStore>(), tree.sim_metrics,
                core::log::get("feed")};
  sim.clock = std::move(clock);

  supervision::ChildSpec sim_child;
  sim_child.id = "sim";
  sim_child.start = [sim](caf::event_based_actor& parent) { return spawn_sim_feed(parent, sim); };
  sim_child.shutdown =
      supervision::Shutdown::after(duration_cast<milliseconds>(sup.shutdown_timeout));
  sim_child.heartbeat = supervision::Heartbeat{duration_cast<milliseconds>(sup.heartbeat_interval),
                                               duration_cast<milliseconds>(sup.heartbeat_timeout)};
  tree.spec.children.push_back(std::move(sim_child));
  return tree;
}

}  // namespace autotrader::feed
