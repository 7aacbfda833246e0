// The Binance feed end to end: the supervised actor, the net transport over TLS, and the fake
// Binance server (tests/fakes/binance) scripted with disconnects, silence, rotation, 429/418 and a
// crash. Each scenario ends with exactly the closed candles the fake served: none missing, none
// duplicated, in order. Transport timers run in real time (short timeouts); the market clock is
// the fake's, which the feed also reads as its wall clock, so "which bars have closed" agrees.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include <prometheus/registry.h>
#include <caf/all.hpp>

#include "actors/binance_feed/binance_feed_actor.hpp"
#include "actors/binance_feed/binance_metrics.hpp"
#include "actors/binance_feed/net_transport.hpp"
#include "supervision/supervisor.hpp"
#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/klines.hpp"

namespace autotrader::binance_feed {
namespace {

using fakes::binance::FakeBinance;
using fakes::binance::FakeBinanceOptions;
using fakes::binance::Fault;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr core::TimestampMs kMinute = 60'000;
constexpr core::TimestampMs kStart = 1'700'000'070'000;  // 30 s into bar 100 of the data set
constexpr milliseconds kWait{10'000};

core::Symbol btc() {
  return *core::Symbol::parse("BTCUSDT");
}

// The feed's wall clock is the fake's market clock.
class MarketClock final : public core::Clock {
 public:
  explicit MarketClock(const FakeBinance& fake) : fake_{fake} {}
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point{milliseconds{fake_.now()}};
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }

 private:
  const FakeBinance& fake_;
};

// What the subscriber received, filled from an actor thread.
struct Received {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<core::Candle> candles;
  std::size_t snapshots = 0;

  bool wait_for_candles(std::size_t n) {
    std::unique_lock lock{mutex};
    return changed.wait_for(lock, kWait, [&] { return candles.size() >= n; });
  }
};

caf::behavior subscriber(caf::event_based_actor*, std::shared_ptr<Received> into) {
  return {
      [into](const feed::CandleClosed& message) {
        std::lock_guard lock{into->mutex};
        into->candles.push_back(message.candle);
        into->changed.notify_all();
      },
      [into](const feed::SnapshotUpdate&) {
        std::lock_guard lock{into->mutex};
        ++into->snapshots;
      },
      [](const feed::DataStale&) {},
  };
}

class BinanceFeedAgainstFake : public ::testing::Test {
 protected:
  BinanceFeedAgainstFake() {
    FakeBinanceOptions options;
    options.start_time = kStart;
    options.tls = identity;
    options.ping_interval = milliseconds{100};
    fake = std::make_unique<FakeBinance>(options);
    data = fakes::binance::generate_klines(btc(), core::Interval::m1, kStart - 100 * kMinute, 400,
                                           100.0, 7);
    fake->set_klines(btc(), core::Interval::m1, data);
    auto error = fake->start();
    EXPECT_FALSE(error) << *error;
    context =
        std::make_shared<net::ClientContext>(net::TlsOptions{true, "", identity.certificate_pem});
    metrics = std::make_shared<feed::FeedMetrics>(*registry, "binance", std::vector{btc()},
                                                  binance::reconnect_reason_names());
    binance_metrics = std::make_shared<BinanceMetrics>(*registry, "binance");
    collector = system.spawn(subscriber, received);
    cursors->subscribe("binance", collector);
  }

  ~BinanceFeedAgainstFake() override {
    caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(collector, caf::exit_reason::user_shutdown);
  }

  BinanceFeedConfig config() {
    BinanceFeedConfig c;
    c.options.symbols = {btc()};
    c.options.rest_base_url = fake->rest_base_url();
    c.options.ws_base_url = fake->ws_base_url();
    c.options.warmup_candles = 10;
    c.options.connection.idle_timeout = milliseconds{1'000};
    c.options.connection.backoff = {milliseconds{50}, 1.5, milliseconds{500}, milliseconds{10}};
    c.options.rest_retry_min = milliseconds{50};
    c.options.rest_retry_max = milliseconds{500};
    // Gaps must be healed by the reconnect's fill, not by the periodic safety net.
    c.options.missing_candle_check = std::chrono::hours{1};
    c.options.stale_after = std::chrono::hours{1};
    c.stores = {cursors, metrics, binance_metrics, nullptr,
                std::make_shared<core::SeededRandom>(1)};
    NetTransportOptions transport;
    transport.http.connect_timeout = milliseconds{2'000};
    transport.http.total_timeout = milliseconds{5'000};
    transport.websocket.connect_timeout = milliseconds{2'000};
    transport.websocket.handshake_timeout = milliseconds{2'000};
    c.transport = net_transport(context, transport);
    c.clock = std::make_shared<MarketClock>(*fake);
    return c;
  }

  void start(std::function<void(BinanceFeedConfig&)> adjust = {}) {
    auto c = config();
    if (adjust) adjust(c);
    supervision::SupervisorSpec spec;
    spec.id = "market";
    spec.backoff.min = milliseconds{50};
    spec.backoff.max = milliseconds{200};
    supervision::ChildSpec child;
    child.id = "binance";
    child.start = [c](caf::event_based_actor& parent) { return spawn_binance_feed(parent, c); };
    spec.children.push_back(child);
    root = supervision::spawn_supervisor(system, spec);
    ASSERT_TRUE(fake->ws().wait_until_subscribed("btcusdt@kline_1m", kWait));
    // The server clock is synced before the warm-up page is asked for; moving the market clock
    // earlier would be a clock jump in mid round trip, which no real clock does.
    ASSERT_TRUE(fake->wait_for_requests("/api/v3/klines", 1, kWait));
  }

  // Moves the market to 30 s into bar `i` (bars before it have closed and were published).
  void market_to(std::int64_t i) { fake->advance_to(kStart + (i - 100) * kMinute); }

  // Waits for bars first..last and checks they are exactly the served ones.
  void expect_bars(std::int64_t first, std::int64_t last) {
    const auto n = static_cast<std::size_t>(last - first + 1);
    ASSERT_TRUE(received->wait_for_candles(n)) << "got " << received->candles.size() << " of " << n;
    std::lock_guard lock{received->mutex};
    std::string got;
    for (const auto& c : received->candles) {
      got += std::to_string((c.open_time - data[0].open_time) / kMinute) + " ";
    }
    ASSERT_EQ(received->candles.size(), n) << "bars " << got;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& got = received->candles[k];
      const auto& served = data[static_cast<std::size_t>(first) + k];
      ASSERT_EQ(got.open_time, served.open_time) << "position " << k;
      EXPECT_NEAR(got.close, served.close, 1e-8);  // Binance sends 8 decimals
      EXPECT_NEAR(got.volume, served.volume, 1e-8);
    }
  }

  fakes::binance::TlsIdentity identity = fakes::binance::make_self_signed_identity();
  std::unique_ptr<FakeBinance> fake;
  std::vector<core::Candle> data;
  std::shared_ptr<net::ClientContext> context;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<feed::FeedCursorStore> cursors = std::make_shared<feed::FeedCursorStore>();
  std::shared_ptr<feed::FeedMetrics> metrics;
  std::shared_ptr<BinanceMetrics> binance_metrics;
  std::shared_ptr<Received> received = std::make_shared<Received>();
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  caf::actor collector;
  caf::actor root;
};

TEST_F(BinanceFeedAgainstFake, ADisconnectInTheMiddleOfACandle) {
  start();
  market_to(101);
  expect_bars(100, 100);
  fake->advance_to(kStart + kMinute + 15'000);  // 45 s into bar 101: an update, not a close
  fake->fail_next("/stream", Fault::drop_connection(), 3);  // the next attempts fail too
  fake->ws().drop_all();
  market_to(103);  // bars 101 and 102 close while no stream is open
  expect_bars(100, 102);
  market_to(104);
  expect_bars(100, 103);
  EXPECT_GE(metrics->reconnects("connection_lost"), 1);
  EXPECT_GE(metrics->reconnects("connect_failed"), 3);
  EXPECT_GE(metrics->gap_filled_candles(btc()), 2);
}

TEST_F(BinanceFeedAgainstFake, SilenceLongerThanTheIdleTimeout) {
  start();
  market_to(101);
  expect_bars(100, 100);
  fake->ws().go_silent();  // TCP stays open; no frames, no pings
  market_to(103);
  expect_bars(100, 102);
  market_to(104);
  expect_bars(100, 103);
  EXPECT_GE(metrics->reconnects("idle_timeout"), 1);
}

TEST_F(BinanceFeedAgainstFake, RotationBeforeTheConnectionLimitOverlaps) {
  start([](BinanceFeedConfig& c) { c.options.connection.rotation_period = milliseconds{600}; });
  for (std::int64_t i = 101; i <= 104; ++i) {
    // A new connection has been opened since the last bar: bars close across the switches.
    ASSERT_TRUE(fake->wait_for_requests("/stream", static_cast<std::size_t>(i - 99), kWait));
    market_to(i);
    expect_bars(100, i - 1);
  }
  EXPECT_GE(metrics->reconnects("rotation"), 2);
  EXPECT_EQ(metrics->reconnects("connection_lost"), 0);
}

TEST_F(BinanceFeedAgainstFake, A429IsHonouredAndNothingIsLost) {
  // The warm-up page is refused with Retry-After 1 s.
  fake->fail_next("/api/v3/klines", Fault::too_many_requests(seconds{1}));
  start();
  const auto refused_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(fake->wait_for_requests("/api/v3/klines", 2, kWait));
  EXPECT_GE(std::chrono::steady_clock::now() - refused_at, milliseconds{900});
  market_to(101);
  expect_bars(100, 100);
  EXPECT_EQ(binance_metrics->rest_failures(Endpoint::klines, RestFailure::rate_limited), 1);
  EXPECT_EQ(fake->requests_to("/api/v3/klines").size(), 2u);  // one refused, one retry
}

TEST_F(BinanceFeedAgainstFake, A418BanStopsAllCallsUntilItEnds) {
  start();
  market_to(101);
  expect_bars(100, 100);
  const auto before = fake->requests_to("/api/v3/klines").size();
  fake->fail_next("/api/v3/klines", Fault::ip_banned(seconds{3}));
  fake->fail_next("/stream", Fault::drop_connection(), 2);
  fake->ws().drop_all();
  market_to(103);  // the reconnect's fill of 101..102 is answered 418
  ASSERT_TRUE(fake->wait_for_requests("/api/v3/klines", before + 1, kWait));
  const auto banned_at = std::chrono::steady_clock::now();
  market_to(104);  // the stream delivers 103, which waits for the gap
  // Within the ban no REST call goes out, however much is missing.
  EXPECT_FALSE(fake->wait_for_requests("/api/v3/klines", before + 2, milliseconds{1'500}));
  expect_bars(100, 103);  // the ban ends: the gap is filled, 103 follows
  EXPECT_GE(std::chrono::steady_clock::now() - banned_at, milliseconds{2'900});
  EXPECT_EQ(binance_metrics->rest_failures(Endpoint::klines, RestFailure::banned), 1);
  market_to(105);
  expect_bars(100, 104);
}

TEST_F(BinanceFeedAgainstFake, ACrashOfTheFeedActorResumesAfterTheLastDeliveredCandle) {
  start();
  market_to(102);
  expect_bars(100, 101);
  // The restarted feed's first stream attempts fail, so bars closing meanwhile need REST.
  fake->fail_next("/stream", Fault::drop_connection(), 2);
  caf::anon_send(root, supervision::fault_atom::value, std::string{"binance"},
                 supervision::Fault::crash("test crash"));
  ASSERT_TRUE(fake->ws().wait_for_no_connections(kWait));  // the old feed's stream is gone
  market_to(104);
  expect_bars(100, 103);
  market_to(105);
  expect_bars(100, 104);
  EXPECT_GE(fake->requests_to("/api/v3/time").size(), 2u);  // a second instance started
  EXPECT_EQ(cursors->last_delivered("binance", btc()), data[104].open_time);
}

}  // namespace
}  // namespace autotrader::binance_feed
