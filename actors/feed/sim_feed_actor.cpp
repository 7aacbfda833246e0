#include "actors/feed/sim_feed_actor.hpp"

#include <set>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "core/fault.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::feed {
namespace {

using bar_tick_atom = caf::atom_constant<caf::atom("sim_tick")>;
using stale_tick_atom = caf::atom_constant<caf::atom("sim_stale")>;
using TimePoint = SimFeed::TimePoint;

// One pending timer per purpose. CAF 0.17 cannot cancel a delayed message, so each carries a
// generation and only the latest one acts.
struct Timer {
  std::uint64_t generation = 0;
  std::optional<TimePoint> at;
};

struct SimFeedState {
  std::unique_ptr<SimFeed> feed;
  Timer bar;
  Timer stale;
  // Subscribers this instance monitors. Anyone may subscribe through the store directly (from
  // any thread), so the store's list is checked for newcomers at each message.
  std::set<caf::actor_addr> monitored;
  static inline const char* name = "sim_feed";
};

using Self = caf::stateful_actor<SimFeedState>;

void watch(Self* self, const caf::actor& subscriber) {
  if (subscriber && self->state.monitored.insert(subscriber.address()).second) {
    self->monitor(subscriber);
  }
}

// Sends each output to every subscriber at once (CAF keeps the order per receiver).
SimFeed::Emit publisher(Self* self, std::shared_ptr<FeedCursorStore> store, std::string venue) {
  return [self, store = std::move(store), venue = std::move(venue)](const FeedOutput& output) {
    const auto subscribers = store->subscribers(venue);
    for (const auto& subscriber : subscribers) watch(self, subscriber);
    std::visit(
        [&](const auto& message) {
          for (const auto& subscriber : subscribers) self->send(subscriber, message);
        },
        output);
  };
}

// Arms `timer` for `when` unless it is armed for that time or earlier already (an early tick
// finds nothing to do and re-arms).
template <typename Atom>
void arm(Self* self, Timer& timer, std::optional<TimePoint> when, Atom atom) {
  if (!when || (timer.at && *timer.at <= *when)) return;
  timer.at = when;
  const auto delay = std::max<caf::timespan>(caf::timespan{0}, *when - self->clock().now());
  self->delayed_send(self, delay, atom, ++timer.generation);
}

void reschedule(Self* self) {
  auto& st = self->state;
  arm(self, st.bar, st.feed->next_due(), bar_tick_atom::value);
  arm(self, st.stale, st.feed->next_stale_deadline(), stale_tick_atom::value);
}

std::string describe(const SimFeedOptions& options) {
  std::string symbols;
  for (const auto& spec : options.symbols) {
    symbols += (symbols.empty() ? "" : ",") + spec.symbol.str();
  }
  const std::string pace = options.bar_period.count() > 0
                               ? "one " + std::string{core::to_string(options.interval)} +
                                     " bar per " + std::to_string(options.bar_period.count()) +
                                     " ms"
                               : std::string{"real time"};
  const std::string source = options.replay_file.empty()
                                 ? "generator seed " + std::to_string(options.seed)
                                 : "replay of " + options.replay_file;
  return symbols + ", " + pace + ", " + source;
}

caf::behavior sim_feed_actor(Self* self, SimFeedConfig config) {
  const auto& log = config.stores.log;
  const auto venue = config.options.venue;
  core::fault::point("sim_feed.start");
  const auto now = self->clock().now();
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                        config.clock->wall_now().time_since_epoch())
                        .count();
  auto created = SimFeed::create(config.options, config.stores, now, wall);
  if (auto* error = std::get_if<std::string>(&created)) {
    // A failure exit: the supervisor retries with backoff and gives up if it persists.
    if (log) log->error("{}: cannot start: {}", venue, *error);
    self->quit(caf::make_error(caf::sec::runtime_error, venue + " feed cannot start: " + *error));
    return {};
  }
  self->state.feed = std::move(std::get<std::unique_ptr<SimFeed>>(created));
  auto store = config.stores.cursors;
  if (log) {
    log->info("{}: {} ({})", venue, self->state.feed->resumed() ? "resumed" : "started",
              describe(config.options));
  }
  for (const auto& subscriber : store->subscribers(venue)) watch(self, subscriber);
  self->set_down_handler([self, store, venue](caf::down_msg& down) {
    self->state.monitored.erase(down.source);
    store->unsubscribe(venue, down.source);
  });
  const auto emit = publisher(self, store, venue);
  self->state.feed->advance(now, emit);
  reschedule(self);
  return supervision::supervised(
      self,
      caf::behavior{
          [=](subscribe_atom, const caf::actor& subscriber) {
            store->subscribe(venue, subscriber);
            watch(self, subscriber);
            return caf::ok_atom::value;
          },
          [=](unsubscribe_atom, const caf::actor& subscriber) {
            if (!subscriber) return caf::ok_atom::value;
            store->unsubscribe(venue, subscriber.address());
            if (self->state.monitored.erase(subscriber.address()) > 0) self->demonitor(subscriber);
            return caf::ok_atom::value;
          },
          [=](bar_tick_atom, std::uint64_t generation) {
            auto& st = self->state;
            if (generation != st.bar.generation) return;
            st.bar.at.reset();
            // Before anything is taken from a source: a crash here loses nothing.
            core::fault::point("sim_feed.tick");
            st.feed->advance(self->clock().now(), emit);
            reschedule(self);
          },
          [=](stale_tick_atom, std::uint64_t generation) {
            auto& st = self->state;
            if (generation != st.stale.generation) return;
            st.stale.at.reset();
            st.feed->check_stale(self->clock().now(), emit);
            reschedule(self);
          },
          [=](sim_hold_atom, const std::string& name,
              caf::timespan duration) -> caf::result<caf::ok_atom> {
            const auto symbol = core::Symbol::parse(name);
            const auto until = self->clock().now() + duration;
            if (!symbol || !self->state.feed->hold(*symbol, until)) {
              return caf::make_error(caf::sec::invalid_argument, venue + " serves no " + name);
            }
            if (log) {
              log->warn("{} {}: held back for {} ms (fault injection)", venue, symbol->view(),
                        std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
            }
            reschedule(self);
            return caf::ok_atom::value;
          },
      });
}

}  // namespace

caf::actor spawn_sim_feed(caf::event_based_actor& parent, SimFeedConfig config) {
  return parent.spawn(sim_feed_actor, std::move(config));
}

caf::actor spawn_sim_feed(caf::actor_system& system, SimFeedConfig config) {
  return system.spawn(sim_feed_actor, std::move(config));
}

}  // namespace autotrader::feed
