// The sim feed actor in virtual time: delivery order, subscribers, staleness, supervision.
#include "actors/feed/sim_feed_actor.hpp"

#include <prometheus/registry.h>

#include "core/fault.hpp"
#include "feed_test_support.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::feed::testing {
namespace {

using namespace std::chrono_literals;

constexpr core::TimestampMs origin = 1'700'000'040'000;
const core::Symbol btc = *core::Symbol::parse("BTCUSDT");
const core::Symbol eth = *core::Symbol::parse("ETHUSDT");

struct SimFeedActorTest : FeedActorTest {
  SimFeedConfig config() {
    SimFeedConfig c;
    c.options.symbols = {{btc, 60'000}, {eth, 3'000}};
    c.options.origin = origin;
    c.options.bar_period = 100ms;
    c.options.stale_after = 300ms;
    c.stores = {cursors, checkpoints, metrics, nullptr};
    c.clock = wall;
    return c;
  }
  caf::actor feed(SimFeedConfig c) {
    auto a = spawn_sim_feed(sys, std::move(c));
    actors.push_back(a);
    run();
    return a;
  }
  caf::error subscribe(const caf::actor& feed, const caf::actor& subscriber) {
    return call(feed, caf::make_message(subscribe_atom::value, subscriber));
  }
  std::vector<core::Candle> reference(const core::Symbol& symbol, std::size_t n) {
    sim::GeneratorConfig generator;
    generator.origin = origin;
    sim::SymbolGenerator g{generator, {symbol, symbol == btc ? 60'000.0 : 3'000.0}};
    std::vector<core::Candle> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(g.next());
    return out;
  }

  std::shared_ptr<core::ManualClock> wall = std::make_shared<core::ManualClock>(
      std::chrono::system_clock::time_point{std::chrono::milliseconds{origin}});
  prometheus::Registry registry;
  std::shared_ptr<FeedCursorStore> cursors = std::make_shared<FeedCursorStore>();
  std::shared_ptr<SimCheckpointStore> checkpoints = std::make_shared<SimCheckpointStore>();
  std::shared_ptr<FeedMetrics> metrics = std::make_shared<FeedMetrics>(
      registry, "sim", std::vector{btc, eth}, std::vector<std::string>{"restart"});
};

void expect_same(const std::vector<core::Candle>& got, const std::vector<core::Candle>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].open_time, want[i].open_time) << i;
    ASSERT_EQ(got[i].close, want[i].close) << i;
    ASSERT_EQ(got[i].volume, want[i].volume) << i;
  }
}

TEST_F(SimFeedActorTest, EveryClosedCandleInOrderExactlyOnceWithItsSnapshot) {
  auto sim = feed(config());
  auto received = std::make_shared<Received>();
  auto twice = std::make_shared<Received>();
  EXPECT_EQ(subscribe(sim, recorder(received)), caf::none);
  auto second = recorder(twice);
  EXPECT_EQ(subscribe(sim, second), caf::none);
  EXPECT_EQ(subscribe(sim, second), caf::none);  // harmless: still one copy of each
  advance(99ms);
  EXPECT_TRUE(received->empty());
  advance(1ms);
  EXPECT_EQ(received->size(), 4u);  // a candle and a snapshot per symbol
  advance(4900ms);
  expect_same(candles_of(*received, btc), reference(btc, 50));
  expect_same(candles_of(*received, eth), reference(eth, 50));
  for (std::size_t i = 0; i + 1 < received->size(); i += 2) {
    const auto& candle = std::get<CandleClosed>((*received)[i]);
    const auto& snapshot = std::get<SnapshotUpdate>((*received)[i + 1]);
    EXPECT_EQ(candle.venue, "sim");
    EXPECT_EQ(snapshot.venue, "sim");
    EXPECT_EQ(snapshot.snapshot.symbol, candle.candle.symbol);
    EXPECT_EQ(snapshot.snapshot.open_time, candle.candle.open_time);
    EXPECT_EQ(snapshot.snapshot.last_price, candle.candle.close);
  }
  EXPECT_EQ(twice->size(), received->size());
  EXPECT_TRUE(only<DataStale>(*received).empty());
  // Metrics: the wall time of the last delivery (the wall clock read at start + 5 s).
  EXPECT_DOUBLE_EQ(metrics->last_message_seconds(btc), (origin + 5'000) / 1000.0);
  EXPECT_EQ(metrics->stale(btc), 0);
  EXPECT_EQ(cursors->last_delivered("sim", eth), origin + 49 * 60'000);
}

TEST_F(SimFeedActorTest, UnsubscribedAndDeadSubscribersReceiveNothingMore) {
  auto sim = feed(config());
  auto a_got = std::make_shared<Received>();
  auto b_got = std::make_shared<Received>();
  auto c_got = std::make_shared<Received>();
  auto a = recorder(a_got);
  auto b = recorder(b_got);
  auto c = recorder(c_got);
  for (const auto& s : {a, b, c}) EXPECT_EQ(subscribe(sim, s), caf::none);
  advance(1s);
  EXPECT_EQ(call(sim, caf::make_message(unsubscribe_atom::value, a)), caf::none);
  caf::anon_send_exit(b, caf::exit_reason::kill);
  run();
  // The feed saw b die and dropped it, though this test still holds b's handle.
  EXPECT_EQ(cursors->subscribers("sim"), (std::vector<caf::actor>{c}));
  advance(1s);
  EXPECT_EQ(candles_of(*a_got, btc).size(), 10u);
  EXPECT_EQ(candles_of(*b_got, btc).size(), 10u);
  EXPECT_EQ(candles_of(*c_got, btc).size(), 20u);
}

TEST_F(SimFeedActorTest, SubscribingThroughTheStoreNeedsNoHandleAndIsMonitoredToo) {
  auto sim = feed(config());
  auto got = std::make_shared<Received>();
  auto direct = recorder(got);
  cursors->subscribe("sim", direct);  // no message to the feed
  advance(500ms);
  EXPECT_EQ(candles_of(*got, eth).size(), 5u);
  caf::anon_send_exit(direct, caf::exit_reason::kill);
  advance(100ms);
  EXPECT_TRUE(cursors->subscribers("sim").empty());  // the feed monitored it, saw it die
}

TEST_F(SimFeedActorTest, AHeldSymbolTurnsStaleThenRecoversAndCatchesUp) {
  auto sim = feed(config());
  auto received = std::make_shared<Received>();
  EXPECT_EQ(subscribe(sim, recorder(received)), caf::none);
  advance(1s);  // ten bars each; the last one closed at 1 s
  EXPECT_EQ(
      call(sim, caf::make_message(sim_hold_atom::value, std::string{"BTCUSDT"}, caf::timespan{2s})),
      caf::none);
  EXPECT_NE(
      call(sim, caf::make_message(sim_hold_atom::value, std::string{"NOPE"}, caf::timespan{2s})),
      caf::none);
  advance(300ms);  // BTCUSDT's last candle is exactly 300 ms old: not stale yet
  EXPECT_TRUE(only<DataStale>(*received).empty());
  advance(10ms);
  auto stale = only<DataStale>(*received);
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].venue, "sim");
  EXPECT_EQ(stale[0].symbol, btc);
  EXPECT_TRUE(stale[0].stale);
  EXPECT_EQ(stale[0].last_message, origin + 1'000);
  EXPECT_EQ(metrics->stale(btc), 1);
  EXPECT_EQ(metrics->stale(eth), 0);
  const auto before_release = received->size();
  advance(1690ms);  // the hold ends at 3 s
  stale = only<DataStale>(*received);
  ASSERT_EQ(stale.size(), 2u);
  EXPECT_FALSE(stale[1].stale);
  EXPECT_EQ(stale[1].last_message, origin + 3'000);
  EXPECT_EQ(metrics->stale(btc), 0);
  // Recovery first, then the 20 held candles in order; ETHUSDT never stopped.
  std::size_t recovered_at = 0;
  for (std::size_t i = before_release; i < received->size(); ++i) {
    if (std::holds_alternative<DataStale>((*received)[i])) recovered_at = i;
  }
  const auto& next = std::get<CandleClosed>((*received)[recovered_at + 1]);
  EXPECT_EQ(next.candle.symbol, btc);
  EXPECT_EQ(next.candle.open_time, origin + 10 * 60'000);
  expect_same(candles_of(*received, btc), reference(btc, 30));
  expect_same(candles_of(*received, eth), reference(eth, 30));
}

// Under a supervisor: crashes by an injected exit and by an exception, each followed by a
// restart after the backoff. The subscriber keeps its subscription and sees every candle once.
TEST_F(SimFeedActorTest, RestartedFeedResumesAfterTheLastDeliveredCandle) {
  auto handle = std::make_shared<caf::actor>();
  supervision::ChildSpec child;
  child.id = "sim";
  child.start = [c = config(), handle](caf::event_based_actor& parent) {
    *handle = spawn_sim_feed(parent, c);
    return *handle;
  };
  supervision::SupervisorSpec spec;
  spec.id = "market";
  spec.backoff = supervision::Backoff{100ms, 10s, 0.0, 60s};
  spec.intensity = supervision::Intensity{10, 60s};
  spec.children.push_back(child);
  auto market = supervision::spawn_supervisor(sys, spec);
  actors.push_back(market);
  run();
  ASSERT_TRUE(*handle);
  auto received = std::make_shared<Received>();
  EXPECT_EQ(subscribe(*handle, recorder(received)), caf::none);
  advance(3s);
  const auto first = *handle;
  EXPECT_EQ(call(market, caf::make_message(supervision::fault_atom::value, std::string{"sim"},
                                           supervision::Fault::crash("chaos"))),
            caf::none);
  advance(100ms);  // the backoff
  ASSERT_TRUE(*handle);
  EXPECT_NE(*handle, first);
  advance(3s);
  caf::anon_send(*handle, supervision::fault_atom::value,
                 supervision::Fault::throw_exception("kaboom"));
  advance(200ms);  // the second backoff is twice the first
  advance(4s);
  // A named fault point fires once, when a bar timer goes off.
  core::fault::arm("sim_feed.tick", {core::fault::Action::throw_error, "chaos", 1});
  advance(100ms);
  core::fault::disarm_all();
  advance(400ms);  // the third backoff
  advance(1s);
  // 10 bars/s while running: 3 + 3 + 4 + 0.1 + 1 s (the tick that crashed delivered nothing);
  // the restarts added no bar and lost none.
  expect_same(candles_of(*received, btc), reference(btc, 110));
  expect_same(candles_of(*received, eth), reference(eth, 110));
  EXPECT_EQ(only<SnapshotUpdate>(*received).size(), 220u);
  EXPECT_EQ(metrics->reconnects("restart"), 3);
}

TEST_F(SimFeedActorTest, AFeedThatCannotStartExitsWithAnError) {
  auto c = config();
  c.options.replay_file = "/nonexistent/{symbol}.json";
  auto reason = std::make_shared<caf::error>();
  auto sim = spawn_sim_feed(sys, c);
  actors.push_back(sys.spawn(
      [](caf::event_based_actor* self, caf::actor watched, std::shared_ptr<caf::error> out) {
        self->monitor(watched);
        self->set_down_handler([self, out](caf::down_msg& dm) {
          *out = dm.reason;
          self->quit();
        });
        return caf::behavior{[](caf::ok_atom) {}};
      },
      sim, reason));
  run();
  EXPECT_EQ(reason->code(), static_cast<std::uint8_t>(caf::sec::runtime_error));
  EXPECT_NE(supervision::render_reason(*reason).find("/nonexistent/BTCUSDT.json"),
            std::string::npos)
      << supervision::render_reason(*reason);
}

}  // namespace
}  // namespace autotrader::feed::testing
