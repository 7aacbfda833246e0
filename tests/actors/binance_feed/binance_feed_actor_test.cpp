// The Binance feed actor's wiring in virtual time (CAF's test coordinator): a recording transport
// stands in for the network, the test plays the venue by sending the transport's messages.
// Checks what the logic tests cannot: messages reach subscribers, the timer drives reconnects,
// the transport is created afresh per start, and a supervised crash resumes after the cursor.
#include <gtest/gtest.h>

#include <prometheus/registry.h>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/binance_feed/binance_feed_actor.hpp"
#include "actors/binance_feed/binance_metrics.hpp"
#include "supervision/supervisor.hpp"
#include "tests/actors/binance_feed/venue_model.hpp"

namespace autotrader::binance_feed::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Everything the feed asked of its transports, across restarts.
struct TransportLog {
  std::vector<std::pair<std::uint64_t, std::string>> opens;
  std::vector<std::uint64_t> closes;
  std::vector<std::pair<std::uint64_t, std::string>> gets;
  int instances = 0;
  caf::actor_addr feed;  // the latest feed instance
};

class RecordingTransport final : public Transport {
 public:
  explicit RecordingTransport(std::shared_ptr<TransportLog> log) : log_{std::move(log)} {}
  void open_stream(std::uint64_t id, const std::string& url) override {
    log_->opens.emplace_back(id, url);
  }
  void close_stream(std::uint64_t id) override { log_->closes.push_back(id); }
  void get(std::uint64_t id, const std::string& url) override { log_->gets.emplace_back(id, url); }

 private:
  std::shared_ptr<TransportLog> log_;
};

caf::behavior recorder(caf::event_based_actor*, std::shared_ptr<std::vector<FeedOutput>> into) {
  return {
      [into](const feed::CandleClosed& m) { into->emplace_back(m); },
      [into](const feed::SnapshotUpdate& m) { into->emplace_back(m); },
      [into](const feed::DataStale& m) { into->emplace_back(m); },
  };
}

class BinanceFeedActor : public ::testing::Test {
 protected:
  BinanceFeedActor()
      : sys{cfg.set("scheduler.policy", caf::atom("testing"))},
        sched{dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())} {
    config.options.symbols = {btc()};
    config.options.rest_base_url = "http://venue.test";
    config.options.ws_base_url = "ws://venue.test";
    config.options.warmup_candles = 5;
    config.stores = {cursors,
                     std::make_shared<feed::FeedMetrics>(*registry, "binance", std::vector{btc()},
                                                         binance::reconnect_reason_names()),
                     std::make_shared<BinanceMetrics>(*registry, "binance"), nullptr,
                     std::make_shared<core::FixedRandom>(0.0)};
    config.transport = [log = log](caf::actor_addr feed) {
      ++log->instances;
      log->feed = feed;
      return std::make_unique<RecordingTransport>(log);
    };
    config.clock = clock;
    subscriber = sys.spawn(recorder, received);
  }

  ~BinanceFeedActor() override {
    for (const auto& actor : {root, subscriber}) {
      if (actor) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    }
    sched.run();
  }

  caf::actor feed() const { return caf::actor_cast<caf::actor>(log->feed); }

  // Answers every request not answered yet from the venue, at the wall clock's time.
  void answer_gets() {
    for (bool more = true; more;) {
      more = false;
      while (answered_ < log->gets.size()) {
        const auto [id, url] = log->gets[answered_++];
        caf::anon_send(feed(), http_reply_atom::value, id, venue.answer(url, wall()));
        sched.run();
        more = true;
      }
    }
  }
  void open(std::uint64_t id) {
    caf::anon_send(feed(), stream_open_atom::value, id);
    sched.run();
    answer_gets();
  }
  core::TimestampMs wall() const {
    return std::chrono::duration_cast<milliseconds>(clock->wall_now().time_since_epoch()).count();
  }
  // Virtual time and the wall clock move together.
  void advance(milliseconds d) {
    for (milliseconds done{0}; done < d; done += milliseconds{100}) {
      clock->advance(milliseconds{100});
      sched.advance_time(milliseconds{100});
      sched.run();
      answer_gets();
    }
  }
  void stream_bar(std::uint64_t id, std::int64_t i) {
    caf::anon_send(feed(), stream_frame_atom::value, id, kline_frame(bar(i), true));
    sched.run();
  }
  std::vector<std::int64_t> delivered() const {
    std::vector<std::int64_t> out;
    for (const auto& o : *received) {
      if (auto* c = std::get_if<feed::CandleClosed>(&o)) out.push_back(index_of(c->candle));
    }
    return out;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  // Bar 100 is 30 s old at the start.
  std::shared_ptr<core::ManualClock> clock = std::make_shared<core::ManualClock>(
      std::chrono::system_clock::time_point{milliseconds{kT0 + 100 * kMinute + 30'000}});
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<feed::FeedCursorStore> cursors = std::make_shared<feed::FeedCursorStore>();
  std::shared_ptr<TransportLog> log = std::make_shared<TransportLog>();
  std::shared_ptr<std::vector<FeedOutput>> received = std::make_shared<std::vector<FeedOutput>>();
  BinanceFeedConfig config;
  VenueModel venue;
  caf::actor subscriber;
  caf::actor root;
  std::size_t answered_ = 0;
};

TEST_F(BinanceFeedActor, SubscribersGetCandlesAndSnapshotsInOrder) {
  root = spawn_binance_feed(sys, config);
  sched.run();
  caf::anon_send(root, feed::subscribe_atom::value, subscriber);
  sched.run();
  answer_gets();
  ASSERT_EQ(log->opens.size(), 1u);
  EXPECT_EQ(log->opens[0].second, "ws://venue.test/stream?streams=btcusdt@kline_1m");
  open(log->opens[0].first);
  advance(seconds{31});
  stream_bar(log->opens[0].first, 100);
  ASSERT_EQ(received->size(), 2u);
  EXPECT_TRUE(std::holds_alternative<feed::CandleClosed>((*received)[0]));
  EXPECT_TRUE(std::holds_alternative<feed::SnapshotUpdate>((*received)[1]));
  EXPECT_EQ(delivered(), std::vector<std::int64_t>{100});
  EXPECT_EQ(cursors->subscribers("binance").size(), 1u);
}

TEST_F(BinanceFeedActor, TheTimerReconnectsAfterTheBackoff) {
  cursors->subscribe("binance", subscriber);
  root = spawn_binance_feed(sys, config);
  sched.run();
  answer_gets();
  open(log->opens[0].first);
  caf::anon_send(root, stream_closed_atom::value, log->opens[0].first, std::string{"closed"});
  sched.run();
  advance(milliseconds{1'900});
  EXPECT_EQ(log->opens.size(), 1u);  // still waiting: 2 s backoff
  advance(milliseconds{200});
  ASSERT_EQ(log->opens.size(), 2u);
  open(log->opens[1].first);
  advance(seconds{31});
  stream_bar(log->opens[1].first, 100);
  EXPECT_EQ(delivered(), std::vector<std::int64_t>{100});
}

TEST_F(BinanceFeedActor, ASupervisedCrashRestartsAndResumesAfterTheCursor) {
  cursors->subscribe("binance", subscriber);
  supervision::SupervisorSpec spec;
  spec.id = "market";
  spec.backoff.min = milliseconds{100};
  spec.backoff.random_factor = 0;
  supervision::ChildSpec child;
  child.id = "binance";
  child.start = [c = config](caf::event_based_actor& parent) {
    return spawn_binance_feed(parent, c);
  };
  spec.children.push_back(child);
  root = supervision::spawn_supervisor(sys, spec);
  sched.run();
  answer_gets();
  ASSERT_EQ(log->instances, 1);
  open(log->opens[0].first);
  advance(seconds{31});
  stream_bar(log->opens[0].first, 100);
  ASSERT_EQ(delivered(), std::vector<std::int64_t>{100});

  caf::anon_send(root, supervision::fault_atom::value, std::string{"binance"},
                 supervision::Fault::crash("test"));
  sched.run();
  advance(seconds{61});  // restarted after the backoff; bar 101 closes meanwhile
  ASSERT_EQ(log->instances, 2);
  const auto stream = log->opens.back().first;
  open(stream);             // its stream subscribes: 101 comes from REST
  stream_bar(stream, 100);  // a late duplicate changes nothing
  advance(seconds{30});
  caf::anon_send(feed(), stream_ping_atom::value, stream);  // keeps the connection alive
  advance(seconds{30});
  stream_bar(stream, 102);
  EXPECT_EQ(delivered(), (std::vector<std::int64_t>{100, 101, 102}));
}

TEST_F(BinanceFeedActor, InvalidOptionsStopTheActorWithAnError) {
  config.options.symbols.clear();
  auto feed_actor = spawn_binance_feed(sys, config);
  caf::error reason;
  auto watcher = sys.spawn(
      [&](caf::event_based_actor* self, caf::actor target) -> caf::behavior {
        self->monitor(target);
        self->set_down_handler([&](caf::down_msg& down) { reason = down.reason; });
        return {[](int) {}};  // stays alive to hear of the feed's end
      },
      feed_actor);
  sched.run();
  EXPECT_TRUE(reason);
  EXPECT_EQ(log->instances, 0);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace autotrader::binance_feed::testing
