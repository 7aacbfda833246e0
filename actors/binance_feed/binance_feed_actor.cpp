#include "actors/binance_feed/binance_feed_actor.hpp"

#include <set>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "core/fault.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::binance_feed {
namespace {

using tick_atom = caf::atom_constant<caf::atom("bn_tick")>;
using TimePoint = BinanceFeed::TimePoint;

struct BinanceFeedState {
  std::unique_ptr<Transport> transport;
  std::unique_ptr<BinanceFeed> feed;
  // One pending timer: CAF 0.17 cannot cancel a delayed message, so it carries a generation
  // and only the latest one acts.
  std::uint64_t generation = 0;
  std::optional<TimePoint> timer_at;
  // Subscribers this instance monitors (anyone may subscribe through the store directly).
  std::set<caf::actor_addr> monitored;
  static inline const char* name = "binance_feed";
};

using Self = caf::stateful_actor<BinanceFeedState>;

void watch(Self* self, const caf::actor& subscriber) {
  if (subscriber && self->state.monitored.insert(subscriber.address()).second) {
    self->monitor(subscriber);
  }
}

core::TimestampMs wall_ms(const core::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.wall_now().time_since_epoch())
      .count();
}

void reschedule(Self* self) {
  auto& st = self->state;
  auto when = st.feed->next_deadline();
  // An earlier timer already pending fires first and re-arms; a later one is superseded.
  if (!when || (st.timer_at && *st.timer_at <= *when)) return;
  st.timer_at = when;
  auto delay = std::max<caf::timespan>(caf::timespan{0}, *when - self->clock().now());
  self->delayed_send(self, delay, tick_atom::value, ++st.generation);
}

caf::behavior binance_feed_actor(Self* self, BinanceFeedConfig config) {
  const auto& log = config.stores.log;
  const auto venue = config.options.venue;
  core::fault::point("binance_feed.start");
  if (auto problem = validate(config.options); !problem.empty()) {
    if (log) log->error("{}: cannot start: {}", venue, problem);
    self->quit(caf::make_error(caf::sec::invalid_argument, venue + " feed: " + problem));
    return {};
  }
  auto& st = self->state;
  st.transport = config.transport(self->address());
  auto store = config.stores.cursors;
  auto io = [self](const IoCommand& command) {
    auto& transport = *self->state.transport;
    if (auto* open = std::get_if<io::OpenStream>(&command)) {
      transport.open_stream(open->id, open->url);
    } else if (auto* close = std::get_if<io::CloseStream>(&command)) {
      transport.close_stream(close->id);
    } else if (auto* get = std::get_if<io::HttpGet>(&command)) {
      transport.get(get->id, get->url);
    }
  };
  auto emit = [self, store, venue](const FeedOutput& output) {
    const auto subscribers = store->subscribers(venue);
    for (const auto& subscriber : subscribers) watch(self, subscriber);
    std::visit(
        [&](const auto& message) {
          for (const auto& subscriber : subscribers) self->send(subscriber, message);
        },
        output);
  };
  st.feed = std::make_unique<BinanceFeed>(config.options, config.stores, io, emit);
  for (const auto& subscriber : store->subscribers(venue)) watch(self, subscriber);
  self->set_down_handler([self, store, venue](caf::down_msg& down) {
    self->state.monitored.erase(down.source);
    store->unsubscribe(venue, down.source);
  });
  auto clock = config.clock;
  auto now = [self] { return self->clock().now(); };
  auto wall = [clock] { return wall_ms(*clock); };
  st.feed->start(now(), wall());
  reschedule(self);
  return supervision::supervised(
      self, caf::behavior{
                [=](feed::subscribe_atom, const caf::actor& subscriber) {
                  store->subscribe(venue, subscriber);
                  watch(self, subscriber);
                  return caf::ok_atom::value;
                },
                [=](feed::unsubscribe_atom, const caf::actor& subscriber) {
                  if (!subscriber) return caf::ok_atom::value;
                  store->unsubscribe(venue, subscriber.address());
                  if (self->state.monitored.erase(subscriber.address()) > 0)
                    self->demonitor(subscriber);
                  return caf::ok_atom::value;
                },
                [=](stream_open_atom, std::uint64_t id) {
                  self->state.feed->on_stream_open(id, now(), wall());
                  reschedule(self);
                },
                [=](stream_frame_atom, std::uint64_t id, const std::string& text) {
                  core::fault::point("binance_feed.frame");
                  self->state.feed->on_stream_frame(id, text, now(), wall());
                  reschedule(self);
                },
                [=](stream_ping_atom, std::uint64_t id) {
                  self->state.feed->on_stream_ping(id, now(), wall());
                  reschedule(self);
                },
                [=](stream_closed_atom, std::uint64_t id, const std::string& reason) {
                  self->state.feed->on_stream_closed(id, reason, now(), wall());
                  reschedule(self);
                },
                [=](http_reply_atom, std::uint64_t id, const HttpReply& reply) {
                  self->state.feed->on_http_reply(id, reply, now(), wall());
                  reschedule(self);
                },
                [=](tick_atom, std::uint64_t generation) {
                  auto& st = self->state;
                  if (generation != st.generation) return;
                  st.timer_at.reset();
                  st.feed->on_tick(now(), wall());
                  reschedule(self);
                },
            });
}

}  // namespace

caf::actor spawn_binance_feed(caf::event_based_actor& parent, BinanceFeedConfig config) {
  return parent.spawn(binance_feed_actor, std::move(config));
}

caf::actor spawn_binance_feed(caf::actor_system& system, BinanceFeedConfig config) {
  return system.spawn(binance_feed_actor, std::move(config));
}

}  // namespace autotrader::binance_feed
