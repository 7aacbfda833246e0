#pragma once
// Delivers one symbol's closed candles exactly once and in order, from two sources: closed klines
// from the WebSocket stream and klines pages from REST. The stream is the fast path; REST fills
// whatever the stream missed (any disconnect, a restart, a rotation) and the warm-up history.
//
// The sequencer keeps `known_until`: every candle opening before it has been delivered or is
// known not to exist (Binance has holes, e.g. during maintenance). A stream candle opening at
// known_until is delivered at once; one opening later is buffered and the range before it is
// requested from REST; one opening earlier is a duplicate and dropped. A REST page is complete up
// to its end when it holds fewer rows than its limit (Binance returns every kline of the range in
// ascending order), so what it lacks does not exist. REST rows carry no closed flag: a row counts
// as closed only when it closed `close_margin` before the estimated server time, so an error in
// that estimate can never make a forming bar look final.
//
// One fetch is in flight at a time; the owner asks next_fetch() after every call and sends it.
// Plain class, not thread-safe: owned by the feed actor. Time is always an argument.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/market.hpp"

namespace autotrader::binance {

// GET /api/v3/klines?symbol=..&interval=..&startTime=..&endTime=..&limit=.. (open times,
// inclusive).
struct KlineRange {
  core::TimestampMs start_time = 0;
  core::TimestampMs end_time = 0;
  int limit = 1000;

  friend bool operator==(const KlineRange& a, const KlineRange& b) {
    return a.start_time == b.start_time && a.end_time == b.end_time && a.limit == b.limit;
  }
};

struct SequencerOptions {
  int page_limit = 1000;  // Binance's maximum
  // Stream candles held while a fill runs; beyond it new ones are dropped and fetched later.
  std::size_t max_buffered = 10'000;
  std::chrono::milliseconds close_margin{2'000};
};

struct SequencerStats {
  std::uint64_t from_stream = 0;
  std::uint64_t from_rest = 0;
  // Delivered from REST after the first catch-up: candles the stream missed.
  std::uint64_t gap_filled = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t holes = 0;           // ranges Binance has no candles for
  std::uint64_t buffer_dropped = 0;  // stream candles not buffered (fetched from REST instead)
};

class CandleSequencer {
 public:
  // Delivers candles opening at or after `start_at`: the warm-up start for a fresh feed, or the
  // last delivered open time + 1 when resuming.
  CandleSequencer(core::Symbol symbol, core::Interval interval, core::TimestampMs start_at,
                  SequencerOptions options = {});

  // A closed kline from the stream (others are ignored). Returns the candles now deliverable.
  std::vector<core::Candle> on_stream(const core::Candle& candle);

  // Every candle that closed before `server_now` must be delivered: call at start and after
  // every (re)connect, and periodically to catch a candle the stream never sent.
  void expect_closed_before(core::TimestampMs server_now);

  // Whether next_fetch() would return a page (so a caller can ask its rate limiter first).
  bool wants_fetch() const { return !in_flight_ && known_until_ < need_until_; }
  // The next REST page to fetch, if any and none is in flight; marks it in flight.
  std::optional<KlineRange> next_fetch();
  // The rows of a fetched page (decoded; their own closed flags are ignored).
  std::vector<core::Candle> on_page(const KlineRange& range, std::vector<core::Candle> rows,
                                    core::TimestampMs server_now);
  // The fetch failed; next_fetch() will offer it again.
  void on_fetch_failed(const KlineRange& range);

  core::TimestampMs known_until() const { return known_until_; }
  // True when nothing is missing as far as the sequencer knows.
  bool caught_up() const { return known_until_ >= need_until_ && buffer_.empty(); }
  bool fetch_in_flight() const { return in_flight_.has_value(); }
  std::size_t buffered() const { return buffer_.size(); }
  const SequencerStats& stats() const { return stats_; }
  const core::Symbol& symbol() const { return symbol_; }

 private:
  void deliver(const core::Candle& candle, bool from_rest, std::vector<core::Candle>& out);
  // Delivers buffered candles that have become next in line; drops buffered duplicates.
  void drain(std::vector<core::Candle>& out);
  void note_caught_up();

  core::Symbol symbol_;
  core::Interval interval_;
  SequencerOptions options_;
  std::chrono::milliseconds length_;
  core::TimestampMs known_until_;
  core::TimestampMs need_until_;
  std::map<core::TimestampMs, core::Candle> buffer_;  // by open time, all > known_until_
  std::optional<KlineRange> in_flight_;
  bool caught_up_once_ = false;
  SequencerStats stats_;
};

}  // namespace autotrader::binance
