#pragma once
// The logic of the simulated venue's feed ("sim"), without CAF: which closed candles are due at
// a given time, their path through each symbol's market::SymbolPipeline, the messages for
// subscribers, stale detection, metrics, and resuming after a restart. The sim feed actor
// (sim_feed_actor.hpp) only turns its outputs into messages and its deadlines into timers.
//
// Pacing. Candles come from a CandleSource per symbol (generator or klines file) and are due
// when their close time has passed on a simulated clock:
//   - generator, bar_period 0 (real time): the simulated clock is the wall clock, so a 1m bar
//     closes when the wall-clock minute ends; bars missed while the feed was down are due at
//     once when it comes back (and counted as gap-filled);
//   - otherwise one bar per bar_period of real time (replay with bar_period 0: one bar per
//     interval), starting at the first pending candle. A feed that was down simply resumes:
//     simulated time does not run while nobody watches it.
// When several candles are due (catch-up), they go out in order of their close, symbol order
// breaking ties; each symbol's candles go out in open-time order, exactly once.
//
// Restarts. Each delivered candle records the symbol's cursor (FeedCursorStore) and a checkpoint
// (the source positioned after the candle and the last warm-up candles, SimCheckpointStore). A new
// SimFeed resumes from the checkpoint that matches the cursor: the next candle is the one after
// the last delivered, and the pipeline is warmed with the recent candles, so indicators carry on.
// Without a matching checkpoint it rebuilds the source and skips the delivered candles.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/feed/cursor_store.hpp"
#include "actors/feed/feed_metrics.hpp"
#include "actors/feed/protocol.hpp"
#include "actors/feed/stale_watch.hpp"
#include "market/pipeline.hpp"
#include "venues/sim/candle_source.hpp"
#include "venues/sim/market_generator.hpp"

namespace spdlog {
class logger;
}

namespace autotrader::feed {

struct SimFeedOptions {
  std::string venue = "sim";
  std::vector<sim::SymbolSpec> symbols;
  core::Interval interval = core::Interval::m1;
  std::uint64_t seed = 42;
  sim::RegimeModel model = sim::RegimeModel::defaults();
  // Open time of the generator's first bar; the application sets it once per process (the
  // wall-clock time at start, rounded down to the interval) so restarts agree on it.
  core::TimestampMs origin = 0;
  // Real time per bar; 0 = real time.
  std::chrono::milliseconds bar_period{100};
  // Empty: generate. Otherwise a klines file per symbol ("{symbol}" in the path is replaced).
  std::string replay_file;
  // A symbol with no candle for longer than this is stale. The simulator sends one message per
  // bar, so it never uses less than two bar periods.
  std::chrono::milliseconds stale_after{30'000};
  // Candles kept per symbol to warm the pipeline of a restarted feed.
  std::size_t warmup_candles = 200;
  market::PipelineOptions pipeline;
};

// Real time per bar: the configured period, or the interval itself in real-time mode.
std::chrono::milliseconds effective_bar_period(const SimFeedOptions& options);
// The maximum data age the sim feed applies (see SimFeedOptions::stale_after).
std::chrono::milliseconds effective_stale_after(const SimFeedOptions& options);

// Per-symbol checkpoints of the sim feed, owned by the application so they outlive the actor.
// Thread-safe.
class SimCheckpointStore {
 public:
  struct Checkpoint {
    core::TimestampMs last_delivered = 0;
    std::shared_ptr<const sim::CandleSource> source;  // positioned after last_delivered
    std::deque<core::Candle> recent;                  // oldest first, the last one delivered
  };
  void save(const core::Symbol& symbol, const sim::CandleSource& source,
            const core::Candle& delivered, std::size_t keep);
  std::optional<Checkpoint> load(const core::Symbol& symbol) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Checkpoint> checkpoints_;
};

class SimFeed {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Stores {
    std::shared_ptr<FeedCursorStore> cursors;
    std::shared_ptr<SimCheckpointStore> checkpoints;
    std::shared_ptr<FeedMetrics> metrics;
    std::shared_ptr<spdlog::logger> log;  // may be null
  };

  // Builds the sources (reading replay files) and resumes after any delivered candles. `now` is
  // the actor clock, `wall_now` the matching wall-clock time in ms. The error says which file
  // could not be read.
  static std::variant<std::unique_ptr<SimFeed>, std::string> create(const SimFeedOptions& options,
                                                                    Stores stores, TimePoint now,
                                                                    core::TimestampMs wall_now);

  using Emit = std::function<void(const FeedOutput&)>;

  // Emits every candle due by `now`, each followed by its snapshot and preceded by its symbol's
  // recovery if it was stale; held symbols wait. A candle's cursor and checkpoint are recorded
  // only after `emit` returned for it: if emitting throws, a restarted feed sends that candle
  // again rather than never.
  void advance(TimePoint now, const Emit& emit);
  // Emits a DataStale for each symbol that went quiet for too long (once until it recovers).
  void check_stale(TimePoint now, const Emit& emit);
  // The same, collected (tests, tools).
  std::vector<FeedOutput> advance(TimePoint now);
  std::vector<FeedOutput> check_stale(TimePoint now);

  // When advance() next has something to do; nullopt when every source is exhausted.
  std::optional<TimePoint> next_due() const;
  std::optional<TimePoint> next_stale_deadline() const { return stale_.next_deadline(); }

  // Fault injection: `symbol` sends nothing until `until`, then catches up (its candles
  // queue up meanwhile: none is lost). False for a symbol this feed does not serve.
  bool hold(const core::Symbol& symbol, TimePoint until);

  bool resumed() const { return resumed_; }
  bool exhausted() const;
  const std::string& venue() const { return options_.venue; }

 private:
  struct Series {
    core::Symbol symbol;
    std::unique_ptr<sim::CandleSource> source;
    market::SymbolPipeline pipeline;
    TimePoint hold_until{};
    bool finished_logged = false;
  };

  SimFeed(const SimFeedOptions& options, Stores stores, TimePoint now, core::TimestampMs wall_now);
  void resume(Series& series);
  TimePoint due(const core::Candle& candle) const;
  core::TimestampMs wall(TimePoint now) const;
  void deliver(Series& series, TimePoint now, const Emit& emit);

  SimFeedOptions options_;
  Stores stores_;
  std::vector<Series> series_;
  StaleWatch stale_;
  bool wall_paced_;  // the simulated clock is the wall clock (generator, real time)
  std::chrono::milliseconds bar_period_;
  std::int64_t interval_ms_;
  TimePoint steady_anchor_;
  core::TimestampMs sim_anchor_ = 0;  // simulated time at steady_anchor_
  core::TimestampMs wall_anchor_;     // wall time at steady_anchor_
  TimePoint started_;
  bool resumed_ = false;
};

}  // namespace autotrader::feed
