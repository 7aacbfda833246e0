#include "venues/binance/candle_sequencer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace autotrader::binance {
namespace {

constexpr core::TimestampMs kMinute = 60'000;
constexpr core::TimestampMs kT0 = 1'700'000'040'000 - 1'700'000'040'000 % kMinute;

const core::Symbol kSymbol = *core::Symbol::parse("BTCUSDT");

core::Candle bar(std::int64_t index, bool closed = true) {
  core::Candle c;
  c.symbol = kSymbol;
  c.interval = core::Interval::m1;
  c.open_time = kT0 + index * kMinute;
  c.close_time = c.open_time + kMinute - 1;
  c.open = 100.0 + static_cast<double>(index);
  c.high = c.open + 1;
  c.low = c.open - 1;
  c.close = c.open + 0.5;
  c.volume = 10;
  c.closed = closed;
  return c;
}

std::vector<std::int64_t> indices(const std::vector<core::Candle>& candles) {
  std::vector<std::int64_t> out;
  for (const auto& c : candles) out.push_back((c.open_time - kT0) / kMinute);
  return out;
}

using Indices = std::vector<std::int64_t>;

TEST(BinanceCandleSequencer, DeliversInOrderStreamCandlesAtOnceAndDropsDuplicates) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0};
  EXPECT_EQ(indices(seq.on_stream(bar(0))), Indices{0});
  EXPECT_EQ(indices(seq.on_stream(bar(1))), Indices{1});
  EXPECT_TRUE(seq.on_stream(bar(1)).empty());
  EXPECT_TRUE(seq.on_stream(bar(0)).empty());
  EXPECT_TRUE(seq.on_stream(bar(2, /*closed=*/false)).empty());  // forming bars never count
  EXPECT_EQ(seq.stats().duplicates, 2u);
  EXPECT_EQ(seq.stats().from_stream, 2u);
  EXPECT_FALSE(seq.next_fetch());
  EXPECT_TRUE(seq.caught_up());
}

TEST(BinanceCandleSequencer, BuffersAStreamCandleAfterAGapAndFetchesTheGap) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0};
  seq.on_stream(bar(0));
  EXPECT_TRUE(seq.on_stream(bar(4)).empty());  // 1..3 missed during a disconnect
  EXPECT_TRUE(seq.on_stream(bar(5)).empty());
  EXPECT_EQ(seq.buffered(), 2u);
  EXPECT_TRUE(seq.wants_fetch());
  auto range = seq.next_fetch();
  EXPECT_FALSE(seq.wants_fetch());
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start_time, bar(1).open_time);
  EXPECT_EQ(range->end_time, bar(4).open_time - 1);
  EXPECT_EQ(range->limit, 1000);
  EXPECT_FALSE(seq.next_fetch());  // one in flight at a time
  core::TimestampMs now = bar(5).close_time + 500;
  // The page may overlap what was delivered; rows arrive in any order.
  auto out = seq.on_page(*range, {bar(3), bar(1), bar(2)}, now);
  EXPECT_EQ(indices(out), (Indices{1, 2, 3, 4, 5}));
  EXPECT_EQ(seq.stats().from_rest, 3u);
  EXPECT_EQ(seq.stats().gap_filled, 3u);  // the feed had caught up once before the gap
  EXPECT_TRUE(seq.caught_up());
  EXPECT_FALSE(seq.next_fetch());
}

TEST(BinanceCandleSequencer, FillsEverythingClosedAfterAReconnectAndIgnoresTheFormingRow) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0};
  core::TimestampMs now = bar(3).open_time + 30'000;  // bar 3 is forming
  seq.expect_closed_before(now);
  auto range = seq.next_fetch();
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start_time, kT0);
  EXPECT_LT(range->end_time, bar(3).open_time);
  auto out = seq.on_page(*range, {bar(0), bar(1), bar(2), bar(3, false)}, now);
  EXPECT_EQ(indices(out), (Indices{0, 1, 2}));
  EXPECT_EQ(seq.stats().gap_filled, 0u);  // the warm-up is not a gap
  EXPECT_FALSE(seq.next_fetch());
  EXPECT_EQ(indices(seq.on_stream(bar(3))), Indices{3});
}

TEST(BinanceCandleSequencer, ARowClosingWithinTheMarginIsNotYetTrusted) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0};
  seq.on_stream(bar(0));
  seq.on_stream(bar(2));
  auto range = seq.next_fetch();
  ASSERT_TRUE(range);
  // Our estimate of server time says bar 1 closed 1 s ago: within the 2 s margin.
  auto out = seq.on_page(*range, {bar(1)}, bar(1).close_time + 1'000);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(seq.next_fetch());  // no retry storm: wait for more news
  seq.on_stream(bar(3));           // the stream moves on, so ask again
  range = seq.next_fetch();
  ASSERT_TRUE(range);
  EXPECT_EQ(indices(seq.on_page(*range, {bar(1)}, bar(3).close_time + 100)), (Indices{1, 2, 3}));
}

TEST(BinanceCandleSequencer, PagesLongGapsByTheLimit) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0, SequencerOptions{3, 100, {}}};
  core::TimestampMs now = bar(7).open_time + 10'000;
  seq.expect_closed_before(now);
  Indices delivered;
  int pages = 0;
  while (auto range = seq.next_fetch()) {
    ++pages;
    EXPECT_LE(range->end_time - range->start_time + 1, 3 * kMinute);
    std::vector<core::Candle> rows;
    for (std::int64_t i = 0; i <= 7; ++i) {
      if (bar(i).open_time >= range->start_time && bar(i).open_time <= range->end_time &&
          rows.size() < 3) {
        rows.push_back(bar(i, bar(i).close_time < now));
      }
    }
    for (auto i : indices(seq.on_page(*range, rows, now))) delivered.push_back(i);
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(delivered, (Indices{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(pages, 3);
}

TEST(BinanceCandleSequencer, SkipsRangesBinanceHasNoCandlesFor) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0};
  seq.on_stream(bar(0));
  seq.on_stream(bar(6));
  auto range = seq.next_fetch();
  ASSERT_TRUE(range);
  // Maintenance: no bars 1, 2 and 4, 5.
  auto out = seq.on_page(*range, {bar(3)}, bar(6).close_time + 10);
  EXPECT_EQ(indices(out), (Indices{3, 6}));
  EXPECT_EQ(seq.stats().holes, 2u);
  EXPECT_TRUE(seq.caught_up());
}

TEST(BinanceCandleSequencer, ResumesRightAfterTheLastDeliveredCandle) {
  // The cursor says bar 4 was the last delivered: start at its open time + 1.
  CandleSequencer seq{kSymbol, core::Interval::m1, bar(4).open_time + 1};
  EXPECT_TRUE(seq.on_stream(bar(4)).empty());  // delivered before the restart
  EXPECT_TRUE(seq.on_stream(bar(7)).empty());
  auto range = seq.next_fetch();
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start_time, bar(4).open_time + 1);
  auto out = seq.on_page(*range, {bar(5), bar(6)}, bar(7).close_time + 10);
  EXPECT_EQ(indices(out), (Indices{5, 6, 7}));
  EXPECT_EQ(seq.stats().holes, 0u);  // the unaligned start is no hole
}

TEST(BinanceCandleSequencer, AFailedFetchIsOfferedAgain) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0};
  seq.expect_closed_before(bar(2).close_time + 5'000);
  auto range = seq.next_fetch();
  ASSERT_TRUE(range);
  seq.on_fetch_failed(*range);
  auto again = seq.next_fetch();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *range);
}

TEST(BinanceCandleSequencer, WhenTheBufferIsFullLaterCandlesComeFromRest) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0, SequencerOptions{1000, 2, {}}};
  seq.on_stream(bar(0));
  seq.on_stream(bar(2));
  seq.on_stream(bar(3));
  seq.on_stream(bar(4));  // not buffered
  EXPECT_EQ(seq.stats().buffer_dropped, 1u);
  auto range = seq.next_fetch();
  ASSERT_TRUE(range);
  EXPECT_EQ(range->end_time, bar(2).open_time - 1);  // up to the buffered bars
  core::TimestampMs now = bar(4).close_time + 5'000;
  EXPECT_EQ(indices(seq.on_page(*range, {bar(1)}, now)), (Indices{1, 2, 3}));
  range = seq.next_fetch();
  ASSERT_TRUE(range);
  EXPECT_EQ(range->start_time, bar(4).open_time);
  EXPECT_EQ(range->end_time, bar(4).close_time);
  EXPECT_EQ(indices(seq.on_page(*range, {bar(4)}, now)), (Indices{4}));
  EXPECT_TRUE(seq.caught_up());
}

TEST(BinanceCandleSequencer, AFullPageProvesNothingBeyondItsLastRow) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0};
  core::TimestampMs now = bar(9).close_time + 5'000;
  // A range wider than its limit (never asked by next_fetch, but a server may cap pages lower).
  KlineRange wide{kT0, bar(9).close_time, 2};
  EXPECT_EQ(indices(seq.on_page(wide, {bar(0), bar(1)}, now)), (Indices{0, 1}));
  EXPECT_EQ(seq.known_until(), bar(2).open_time);
  EXPECT_EQ(seq.stats().holes, 0u);
}

TEST(BinanceCandleSequencer, IgnoresOtherSymbolsIntervalsAndRowsOutsideTheRange) {
  CandleSequencer seq{kSymbol, core::Interval::m1, kT0};
  core::Candle other = bar(0);
  other.symbol = *core::Symbol::parse("ETHUSDT");
  EXPECT_TRUE(seq.on_stream(other).empty());
  core::Candle five = bar(0);
  five.interval = core::Interval::m5;
  EXPECT_TRUE(seq.on_stream(five).empty());
  seq.on_stream(bar(0));
  seq.on_stream(bar(3));
  auto range = seq.next_fetch();
  ASSERT_TRUE(range);
  auto out = seq.on_page(*range, {bar(1), bar(2), bar(3), bar(9)}, bar(9).close_time + 5'000);
  EXPECT_EQ(indices(out), (Indices{1, 2, 3}));
}

// The property: whatever the interleaving of stream candles (dropped while disconnected,
// duplicated and swapped by overlapping connections), REST pages (late, failed, small, with the
// forming bar) and clock checks, the delivered sequence is exactly the closed candles the
// venue served after the start, once each and in order.
struct Venue {
  std::set<std::int64_t> holes;
  bool has(std::int64_t i) const { return i >= 0 && holes.count(i) == 0; }

  std::vector<core::Candle> page(const KlineRange& range, core::TimestampMs now) const {
    std::vector<core::Candle> rows;
    for (std::int64_t i = std::max<std::int64_t>(0, (range.start_time - kT0) / kMinute);; ++i) {
      core::Candle c = bar(i);
      if (c.open_time > range.end_time || c.open_time > now) break;
      if (c.open_time < range.start_time || !has(i)) continue;
      if (static_cast<int>(rows.size()) == range.limit) break;
      c.closed = c.close_time < now;
      rows.push_back(c);
    }
    return rows;
  }
};

TEST(BinanceCandleSequencerProperty, AnyInterleavingYieldsExactlyTheServedSequence) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng{seed};
    auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    Venue venue;
    for (int i = 0; i < 400; ++i) {
      if (chance(4)) venue.holes.insert(i);
    }
    std::int64_t start_index = static_cast<std::int64_t>(rng() % 5);
    core::TimestampMs start_at = bar(start_index).open_time + (chance(50) ? 1 : 0);
    SequencerOptions options;
    options.page_limit = chance(50) ? 1000 : 1 + static_cast<int>(rng() % 7);
    options.max_buffered = chance(80) ? 10'000 : 1 + rng() % 5;
    CandleSequencer seq{kSymbol, core::Interval::m1, start_at, options};

    core::TimestampMs now = kT0 + static_cast<core::TimestampMs>(rng() % kMinute);
    // Our estimate of the server's clock is off by up to just under the close margin; the venue
    // itself always answers at the true time.
    core::TimestampMs skew = static_cast<core::TimestampMs>(rng() % 3'800) - 1'900;
    auto estimate = [&] { return now + skew; };
    std::int64_t next_to_stream = 0;  // the stream sends each bar when it closes
    bool connected = true;
    std::optional<KlineRange> pending;
    std::vector<core::Candle> delivered;
    std::vector<core::Candle> overlap;  // a second connection replays recent bars
    auto take = [&](std::vector<core::Candle> out) {
      for (auto& c : out) {
        ASSERT_LT(c.close_time, now) << "seed " << seed << ": delivered a forming bar";
        delivered.push_back(c);
      }
    };

    for (int step = 0; step < 400; ++step) {
      now += static_cast<core::TimestampMs>(rng() % 40'000);
      while (bar(next_to_stream).close_time < now) {
        std::int64_t i = next_to_stream++;
        if (!venue.has(i) || !connected) continue;
        if (chance(10) && !overlap.empty()) {  // two connections: swapped order
          take(seq.on_stream(bar(i)));
          take(seq.on_stream(overlap.back()));
        } else {
          take(seq.on_stream(bar(i)));
        }
        if (chance(15)) take(seq.on_stream(bar(i)));  // duplicate
        overlap.push_back(bar(i));
      }
      if (chance(5)) connected = false;
      if (!connected && chance(20)) {
        connected = true;
        seq.expect_closed_before(estimate());
      }
      if (chance(10)) seq.expect_closed_before(estimate() - 10'000);
      if (chance(5)) skew = static_cast<core::TimestampMs>(rng() % 3'800) - 1'900;
      if (!pending) pending = seq.next_fetch();
      if (pending && chance(40)) {
        if (chance(15)) {
          seq.on_fetch_failed(*pending);
        } else {
          take(seq.on_page(*pending, venue.page(*pending, now), estimate()));
        }
        pending.reset();
      }
    }
    // Settle: connected, mid-bar, every fetch answered at once.
    now = bar(next_to_stream).open_time + 30'000;
    seq.expect_closed_before(estimate());
    if (pending) take(seq.on_page(*pending, venue.page(*pending, now), estimate()));
    for (int i = 0; i < 1000; ++i) {
      auto range = seq.next_fetch();
      if (!range) break;
      take(seq.on_page(*range, venue.page(*range, now), estimate()));
    }

    std::vector<std::int64_t> expected;
    for (std::int64_t i = 0; bar(i).close_time < now; ++i) {
      if (venue.has(i) && bar(i).open_time >= start_at) expected.push_back(i);
    }
    ASSERT_EQ(indices(delivered), expected) << "seed " << seed;
    for (const auto& c : delivered) {
      core::Candle served = bar((c.open_time - kT0) / kMinute);
      ASSERT_EQ(c.close, served.close);
      ASSERT_TRUE(c.closed);
    }
    ASSERT_TRUE(seq.caught_up()) << "seed " << seed;
  }
}

}  // namespace
}  // namespace autotrader::binance
