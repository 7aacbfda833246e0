// SimFeed, the sim feed's logic without CAF: pacing, order, resume, holds, staleness, replay.
#include "actors/feed/sim_feed.hpp"

#include <prometheus/registry.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

namespace autotrader::feed {
namespace {

using namespace std::chrono_literals;
using TimePoint = SimFeed::TimePoint;

const TimePoint t0{std::chrono::hours{1}};
constexpr core::TimestampMs origin = 1'700'000'040'000;  // a whole minute
const core::Symbol btc = *core::Symbol::parse("BTCUSDT");
const core::Symbol eth = *core::Symbol::parse("ETHUSDT");

struct SimFeedTest : ::testing::Test {
  SimFeedOptions options() const {
    SimFeedOptions o;
    o.symbols = {{btc, 60'000}, {eth, 3'000}};
    o.origin = origin;
    o.bar_period = 100ms;
    o.stale_after = 300ms;
    return o;
  }
  SimFeed::Stores stores() {
    return {cursors, checkpoints,
            std::make_shared<FeedMetrics>(registry, "sim", std::vector{btc, eth},
                                          std::vector<std::string>{"restart"}),
            nullptr};
  }
  std::unique_ptr<SimFeed> make(const SimFeedOptions& o, TimePoint now = t0,
                                core::TimestampMs wall = origin) {
    last_stores = stores();
    auto created = SimFeed::create(o, last_stores, now, wall);
    if (auto* error = std::get_if<std::string>(&created)) {
      ADD_FAILURE() << *error;
      return nullptr;
    }
    return std::move(std::get<std::unique_ptr<SimFeed>>(created));
  }
  // The generator's own candles for `symbol`, as a feed must deliver them.
  std::vector<core::Candle> reference(const core::Symbol& symbol, std::size_t n) const {
    sim::GeneratorConfig config;
    config.origin = origin;
    const auto o = options();
    for (const auto& spec : o.symbols) {
      if (spec.symbol == symbol) {
        sim::SymbolGenerator generator{config, spec};
        std::vector<core::Candle> candles;
        for (std::size_t i = 0; i < n; ++i) candles.push_back(generator.next());
        return candles;
      }
    }
    return {};
  }

  prometheus::Registry registry;
  std::shared_ptr<FeedCursorStore> cursors = std::make_shared<FeedCursorStore>();
  std::shared_ptr<SimCheckpointStore> checkpoints = std::make_shared<SimCheckpointStore>();
  SimFeed::Stores last_stores;
};

template <typename T>
std::vector<T> only(const std::vector<FeedOutput>& outputs) {
  std::vector<T> out;
  for (const auto& o : outputs) {
    if (const auto* x = std::get_if<T>(&o)) out.push_back(*x);
  }
  return out;
}

std::vector<core::Candle> candles_of(const std::vector<FeedOutput>& outputs,
                                     const core::Symbol& symbol) {
  std::vector<core::Candle> out;
  for (const auto& c : only<CandleClosed>(outputs)) {
    if (c.candle.symbol == symbol) out.push_back(c.candle);
  }
  return out;
}

void expect_same(const std::vector<core::Candle>& got, const std::vector<core::Candle>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].open_time, want[i].open_time) << i;
    EXPECT_EQ(got[i].open, want[i].open) << i;
    EXPECT_EQ(got[i].high, want[i].high) << i;
    EXPECT_EQ(got[i].low, want[i].low) << i;
    EXPECT_EQ(got[i].close, want[i].close) << i;
    EXPECT_EQ(got[i].volume, want[i].volume) << i;
  }
}

TEST_F(SimFeedTest, OneBarPerPeriodEachCandleThenItsSnapshotInSymbolOrder) {
  auto feed = make(options());
  EXPECT_EQ(feed->next_due(), t0 + 100ms);
  EXPECT_TRUE(feed->advance(t0 + 99ms).empty());
  const auto first = feed->advance(t0 + 100ms);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(std::get<CandleClosed>(first[0]).candle.symbol, btc);
  EXPECT_EQ(std::get<CandleClosed>(first[0]).venue, "sim");
  EXPECT_EQ(std::get<SnapshotUpdate>(first[1]).snapshot.symbol, btc);
  EXPECT_EQ(std::get<SnapshotUpdate>(first[1]).snapshot.open_time, origin);
  EXPECT_EQ(std::get<SnapshotUpdate>(first[1]).snapshot.data_age, 1ms);  // simulated time
  EXPECT_EQ(std::get<CandleClosed>(first[2]).candle.symbol, eth);
  EXPECT_EQ(std::get<SnapshotUpdate>(first[3]).snapshot.symbol, eth);
  EXPECT_EQ(feed->next_due(), t0 + 200ms);
  // Late by 0.95 s: the nine due bars come at once, interleaved by close time.
  const auto late = feed->advance(t0 + 1050ms);
  const auto closed = only<CandleClosed>(late);
  ASSERT_EQ(closed.size(), 18u);
  for (std::size_t i = 0; i < closed.size(); ++i) {
    EXPECT_EQ(closed[i].candle.symbol, i % 2 == 0 ? btc : eth);
    EXPECT_EQ(closed[i].candle.open_time,
              origin + static_cast<core::TimestampMs>(i / 2 + 1) * 60'000);
  }
  auto all_btc = candles_of(first, btc);
  for (const auto& c : candles_of(late, btc)) all_btc.push_back(c);
  expect_same(all_btc, reference(btc, 10));
  EXPECT_EQ(cursors->last_delivered("sim", btc), origin + 9 * 60'000);
  EXPECT_EQ(last_stores.metrics->last_message_seconds(btc), (origin + 1050) / 1000.0);
}

TEST_F(SimFeedTest, RealTimeBarsCloseWithTheWallClockMinute) {
  auto o = options();
  o.bar_period = 0ms;
  EXPECT_EQ(effective_stale_after(o), 120s);  // at least two bars
  auto feed = make(o, t0, origin + 30'000);   // started half-way through the first minute
  EXPECT_EQ(feed->next_due(), t0 + 30s);
  EXPECT_TRUE(feed->advance(t0 + 30s - 1ms).empty());
  const auto closed = only<SnapshotUpdate>(feed->advance(t0 + 30s + 250ms));
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(closed[0].snapshot.as_of, origin + 59'999);
  EXPECT_EQ(closed[0].snapshot.data_age, 251ms);  // against the wall clock
  EXPECT_EQ(feed->next_due(), t0 + 90s);
}

TEST_F(SimFeedTest, RestartResumesAfterTheLastDeliveredCandleWithWarmIndicators) {
  auto uninterrupted = make(options());
  const auto whole = uninterrupted->advance(t0 + 8s);  // 80 bars

  cursors = std::make_shared<FeedCursorStore>();
  checkpoints = std::make_shared<SimCheckpointStore>();
  auto before = make(options());
  auto outputs = before->advance(t0 + 5s);  // 50 bars, then the feed dies
  EXPECT_FALSE(before->resumed());
  before.reset();
  auto after = make(options(), t0 + 7s);  // restarted 2 s later
  EXPECT_TRUE(after->resumed());
  EXPECT_EQ(last_stores.metrics->reconnects("restart"), 1);
  EXPECT_EQ(after->next_due(), t0 + 7s + 100ms);  // simulated time waited
  const auto resumed = after->advance(t0 + 10s);
  for (const auto& o : resumed) outputs.push_back(o);
  expect_same(candles_of(outputs, btc), candles_of(whole, btc));
  expect_same(candles_of(outputs, eth), candles_of(whole, eth));
  // The indicators went on as if nothing happened.
  const auto a = only<SnapshotUpdate>(whole).back().snapshot;
  const auto b = only<SnapshotUpdate>(outputs).back().snapshot;
  ASSERT_EQ(a.open_time, b.open_time);
  ASSERT_TRUE(a.indicators.sma_slow.has_value());
  EXPECT_EQ(a.indicators.sma_slow, b.indicators.sma_slow);
  EXPECT_EQ(a.indicators.rsi, b.indicators.rsi);
  EXPECT_EQ(a.indicators.macd_signal, b.indicators.macd_signal);
  EXPECT_EQ(a.warmed_up, b.warmed_up);
  EXPECT_EQ(last_stores.metrics->gap_filled_candles(btc), 0);  // paced: nothing was missed
}

TEST_F(SimFeedTest, RestartWithoutACheckpointRebuildsAndSkipsTheDeliveredCandles) {
  auto before = make(options());
  auto outputs = before->advance(t0 + 3s);
  before.reset();
  checkpoints = std::make_shared<SimCheckpointStore>();  // lost
  auto after = make(options(), t0 + 3s);
  for (const auto& o : after->advance(t0 + 5s)) outputs.push_back(o);
  expect_same(candles_of(outputs, btc), reference(btc, 50));
}

TEST_F(SimFeedTest, RealTimeRestartDeliversTheMissedBarsAtOnceAsGapFill) {
  auto o = options();
  o.bar_period = 0ms;
  auto before = make(o, t0, origin);
  auto outputs = before->advance(t0 + 120s);  // two minutes: two bars each
  before.reset();
  // Down for three minutes (plus a little).
  auto after = make(o, t0 + 300s + 500ms, origin + 300'500);
  const auto caught_up = after->advance(t0 + 300s + 500ms);
  EXPECT_EQ(candles_of(caught_up, btc).size(), 3u);  // closed at 3, 4 and 5 minutes
  EXPECT_EQ(last_stores.metrics->gap_filled_candles(btc), 3);
  for (const auto& x : caught_up) outputs.push_back(x);
  expect_same(candles_of(outputs, btc), reference(btc, 5));
}

TEST_F(SimFeedTest, HeldSymbolGoesStaleThenRecoversAndCatchesUpInOrder) {
  auto feed = make(options());
  ASSERT_TRUE(feed->hold(btc, t0 + 1s));
  EXPECT_FALSE(feed->hold(*core::Symbol::parse("NOPE"), t0 + 1s));
  std::vector<FeedOutput> outputs;
  for (auto t = t0 + 100ms; t < t0 + 1s; t += 100ms) {
    for (const auto& o : feed->advance(t)) outputs.push_back(o);
  }
  EXPECT_TRUE(candles_of(outputs, btc).empty());
  EXPECT_EQ(candles_of(outputs, eth).size(), 9u);
  // Stale 300 ms after watching began, and only BTCUSDT.
  EXPECT_EQ(feed->next_stale_deadline(), t0 + 300ms + TimePoint::duration{1});
  const auto stale = only<DataStale>(feed->check_stale(t0 + 301ms));
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].symbol, btc);
  EXPECT_TRUE(stale[0].stale);
  EXPECT_EQ(stale[0].last_message, 0);
  EXPECT_EQ(last_stores.metrics->stale(btc), 1);
  EXPECT_TRUE(feed->check_stale(t0 + 900ms).empty());
  // The hold ends: recovery first, then every held candle in order.
  EXPECT_EQ(feed->next_due(), t0 + 1s);
  const auto released = feed->advance(t0 + 1s);
  ASSERT_FALSE(released.empty());
  const auto& recovered = std::get<DataStale>(released[0]);
  EXPECT_EQ(recovered.symbol, btc);
  EXPECT_FALSE(recovered.stale);
  EXPECT_EQ(recovered.last_message, origin + 1000);
  EXPECT_EQ(last_stores.metrics->stale(btc), 0);
  expect_same(candles_of(released, btc), reference(btc, 10));
}

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("autotrader-sim-feed-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream{dir / name} << text;
  return dir / name;
}

TEST_F(SimFeedTest, ReplaysAKlinesFilePacedThenRunsOut) {
  auto o = options();
  o.symbols = {{eth, 0}};
  o.replay_file =
      std::string{AUTOTRADER_SOURCE_DIR} + "/tests/src/venues/sim/data/{symbol}-1m.json";
  auto feed = make(o);
  EXPECT_EQ(feed->next_due(), t0 + 100ms);  // simulated time starts at the file's first candle
  const auto outputs = feed->advance(t0 + 1s);
  const auto candles = candles_of(outputs, eth);
  ASSERT_EQ(candles.size(), 6u);
  EXPECT_EQ(candles.front().open_time, 1'704'067'200'000);
  EXPECT_EQ(candles.back().close, 42'040.0);
  EXPECT_TRUE(feed->exhausted());
  EXPECT_EQ(feed->next_due(), std::nullopt);
}

TEST_F(SimFeedTest, ReplayedBadCandlesAreCountedAndNeverDelivered) {
  // Row 3 repeats row 2, row 4 has high below low (repaired), and one minute is missing.
  const auto file = write_temp("BTCUSDT-1m.csv",
                               "1704067200000,100,101,99,100.5,1,1704067259999\n"
                               "1704067260000,100.5,101,100,100.8,1,1704067319999\n"
                               "1704067260000,100.5,101,100,100.8,1,1704067319999\n"
                               "1704067320000,100.8,99,101,100.2,1,1704067379999\n"
                               "1704067440000,100.2,100.4,100,100.1,1,1704067499999\n");
  auto o = options();
  o.symbols = {{btc, 0}};
  o.replay_file = file.string();
  auto feed = make(o);
  const auto outputs = feed->advance(t0 + 1s);
  const auto candles = candles_of(outputs, btc);
  ASSERT_EQ(candles.size(), 4u);
  EXPECT_EQ(candles[2].high, 101);  // repaired
  EXPECT_EQ(candles[2].low, 99);
  EXPECT_EQ(only<SnapshotUpdate>(outputs).size(), 4u);
  auto& m = *last_stores.metrics;
  EXPECT_EQ(m.rejected_count(btc, market::RejectReason::duplicate), 1);
  EXPECT_EQ(m.rejected_count(btc, market::RejectReason::high_below_low), 1);
  EXPECT_EQ(m.rejected_count(btc, market::RejectReason::gap), 1);
  EXPECT_EQ(cursors->last_delivered("sim", btc), 1'704'067'440'000);
}

TEST_F(SimFeedTest, AnUnreadableReplayFileIsAnErrorNamingIt) {
  auto o = options();
  o.replay_file = "/nonexistent/{symbol}.json";
  auto created = SimFeed::create(o, stores(), t0, origin);
  ASSERT_TRUE(std::holds_alternative<std::string>(created));
  EXPECT_NE(std::get<std::string>(created).find("/nonexistent/BTCUSDT.json"), std::string::npos);
}

}  // namespace
}  // namespace autotrader::feed
