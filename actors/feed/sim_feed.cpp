#include "actors/feed/sim_feed.hpp"

#include "actors/feed/publish.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace autotrader::feed {
namespace {

using std::chrono::milliseconds;

}  // namespace

milliseconds effective_bar_period(const SimFeedOptions& options) {
  if (options.bar_period > milliseconds{0}) return options.bar_period;
  return core::duration(options.interval);
}

milliseconds effective_stale_after(const SimFeedOptions& options) {
  return std::max(options.stale_after, 2 * effective_bar_period(options));
}

void SimCheckpointStore::save(const core::Symbol& symbol, const sim::CandleSource& source,
                              const core::Candle& delivered, std::size_t keep) {
  std::shared_ptr<const sim::CandleSource> position = source.clone();
  std::lock_guard lock{mutex_};
  auto& checkpoint = checkpoints_[symbol.str()];
  checkpoint.last_delivered = delivered.open_time;
  checkpoint.source = std::move(position);
  checkpoint.recent.push_back(delivered);
  while (checkpoint.recent.size() > keep) checkpoint.recent.pop_front();
}

std::optional<SimCheckpointStore::Checkpoint> SimCheckpointStore::load(
    const core::Symbol& symbol) const {
  std::lock_guard lock{mutex_};
  const auto it = checkpoints_.find(symbol.str());
  if (it == checkpoints_.end()) return std::nullopt;
  return it->second;
}

SimFeed::SimFeed(const SimFeedOptions& options, Stores stores, TimePoint now,
                 core::TimestampMs wall_now)
    : options_{options},
      stores_{std::move(stores)},
      stale_{effective_stale_after(options)},
      wall_paced_{options.replay_file.empty() && options.bar_period <= milliseconds{0}},
      bar_period_{effective_bar_period(options)},
      interval_ms_{core::duration(options.interval).count()},
      steady_anchor_{now},
      wall_anchor_{wall_now},
      started_{now} {}

std::variant<std::unique_ptr<SimFeed>, std::string> SimFeed::create(const SimFeedOptions& options,
                                                                    Stores stores, TimePoint now,
                                                                    core::TimestampMs wall_now) {
  std::unique_ptr<SimFeed> feed{new SimFeed(options, std::move(stores), now, wall_now)};
  sim::GeneratorConfig generator;
  generator.seed = options.seed;
  generator.interval = options.interval;
  generator.origin = options.origin;
  generator.symbols = options.symbols;
  generator.model = options.model;
  for (const auto& spec : options.symbols) {
    Series series{
        spec.symbol, nullptr,
        market::SymbolPipeline{options.venue, spec.symbol, options.interval, options.pipeline}};
    const auto cursor = feed->stores_.cursors->last_delivered(options.venue, spec.symbol);
    std::deque<core::Candle> warm;
    if (cursor) {
      feed->resumed_ = true;
      auto checkpoint = feed->stores_.checkpoints->load(spec.symbol);
      if (checkpoint && checkpoint->last_delivered == *cursor) {
        series.source = checkpoint->source->clone();
        warm = std::move(checkpoint->recent);
      }
    }
    if (!series.source) {
      if (options.replay_file.empty()) {
        series.source = std::make_unique<sim::GeneratorSource>(generator, spec);
      } else {
        auto opened = sim::ReplaySource::open(
            sim::replay_path_for(options.replay_file, spec.symbol), spec.symbol, options.interval);
        if (auto* error = std::get_if<sim::ReplayError>(&opened)) return sim::to_string(*error);
        series.source = std::move(std::get<std::unique_ptr<sim::ReplaySource>>(opened));
      }
      // No checkpoint for a delivered cursor (it should not happen: both are saved together):
      // walk the source past what was delivered, at the cost of the whole history.
      for (const core::Candle* c = series.source->peek();
           cursor && c != nullptr && c->open_time <= *cursor; c = series.source->peek()) {
        warm.push_back(*c);
        if (warm.size() > options.warmup_candles) warm.pop_front();
        series.source->pop();
      }
    }
    // Already delivered (and counted) before the restart: only the indicators need them.
    for (const auto& candle : warm) series.pipeline.push(candle, candle.close_time + 1);
    feed->stale_.watch(spec.symbol, now);
    feed->series_.push_back(std::move(series));
  }
  if (feed->wall_paced_) {
    feed->sim_anchor_ = wall_now;
  } else {
    std::optional<core::TimestampMs> first;
    for (auto& series : feed->series_) {
      if (const auto* c = series.source->peek()) {
        first = first ? std::min(*first, c->open_time) : c->open_time;
      }
    }
    feed->sim_anchor_ = first.value_or(0);
  }
  if (feed->resumed_) feed->stores_.metrics->reconnected("restart");
  return feed;
}

core::TimestampMs SimFeed::wall(TimePoint now) const {
  return wall_anchor_ + std::chrono::duration_cast<milliseconds>(now - steady_anchor_).count();
}

SimFeed::TimePoint SimFeed::due(const core::Candle& candle) const {
  const core::TimestampMs offset = candle.close_time + 1 - sim_anchor_;
  if (wall_paced_) return steady_anchor_ + milliseconds{offset};
  if (offset <= 0) return steady_anchor_;
  // offset * period / interval, rounded up, without overflowing for long runs.
  const std::int64_t period = bar_period_.count();
  const std::int64_t whole = offset / interval_ms_;
  const std::int64_t rest = offset % interval_ms_;
  const std::int64_t real = whole * period + (rest * period + interval_ms_ - 1) / interval_ms_;
  return steady_anchor_ + milliseconds{real};
}

std::vector<FeedOutput> SimFeed::advance(TimePoint now) {
  std::vector<FeedOutput> out;
  advance(now, [&](const FeedOutput& o) { out.push_back(o); });
  return out;
}

std::vector<FeedOutput> SimFeed::check_stale(TimePoint now) {
  std::vector<FeedOutput> out;
  check_stale(now, [&](const FeedOutput& o) { out.push_back(o); });
  return out;
}

void SimFeed::advance(TimePoint now, const Emit& emit) {
  for (;;) {
    Series* next = nullptr;
    TimePoint next_due{};
    for (auto& series : series_) {
      if (now < series.hold_until) continue;
      const auto* candle = series.source->peek();
      if (candle == nullptr) {
        if (!series.finished_logged && stores_.log) {
          stores_.log->info("{} {}: replay finished; no more candles for this symbol",
                            options_.venue, series.symbol.view());
        }
        series.finished_logged = true;
        continue;
      }
      const auto when = due(*candle);
      if (when > now) continue;
      if (next == nullptr || when < next_due) {
        next = &series;
        next_due = when;
      }
    }
    if (next == nullptr) break;
    deliver(*next, now, emit);
  }
}

void SimFeed::deliver(Series& series, TimePoint now, const Emit& emit) {
  const core::Candle candle = *series.source->peek();
  series.source->pop();
  const auto wall_now = wall(now);
  // The snapshot's data age: in real time against the wall clock; when paced or replayed,
  // simulated time has just reached the candle's close.
  const auto snapshot_now = wall_paced_ ? wall_now : candle.close_time + 1;
  auto result = series.pipeline.push(candle, snapshot_now);
  if (!accept_push(options_.venue, series.symbol, candle, result, *stores_.metrics,
                   stores_.log.get())) {
    return;
  }
  if (auto change = stale_.observe(series.symbol, now, wall_now)) {
    stores_.metrics->set_stale(series.symbol, false);
    if (stores_.log) {
      stores_.log->info("{} {}: data flowing again", options_.venue, series.symbol.view());
    }
    emit(DataStale{options_.venue, series.symbol, false, change->last_message});
  }
  publish_accepted(options_.venue, series.symbol, result, *stores_.cursors, emit);
  const auto& delivered = result.verdict.candle;
  stores_.checkpoints->save(series.symbol, *series.source, delivered, options_.warmup_candles);
  stores_.metrics->message_received(series.symbol, wall_now);
  // Closed while the feed was down (real time only: paced simulated time waits for the feed).
  if (wall_paced_ && resumed_ && due(candle) < started_) {
    stores_.metrics->gap_filled(series.symbol, 1);
  }
}

void SimFeed::check_stale(TimePoint now, const Emit& emit) {
  for (const auto& change : stale_.check(now)) {
    stores_.metrics->set_stale(change.symbol, true);
    if (stores_.log) {
      stores_.log->warn("{} {}: stale, no candle for more than {} ms", options_.venue,
                        change.symbol.view(), effective_stale_after(options_).count());
    }
    emit(DataStale{options_.venue, change.symbol, true, change.last_message});
  }
}

std::optional<SimFeed::TimePoint> SimFeed::next_due() const {
  std::optional<TimePoint> earliest;
  for (const auto& series : series_) {
    const auto* candle = series.source->peek();
    if (candle == nullptr) continue;
    const auto when = std::max(due(*candle), series.hold_until);
    if (!earliest || when < *earliest) earliest = when;
  }
  return earliest;
}

bool SimFeed::hold(const core::Symbol& symbol, TimePoint until) {
  for (auto& series : series_) {
    if (series.symbol == symbol) {
      series.hold_until = until;
      return true;
    }
  }
  return false;
}

bool SimFeed::exhausted() const {
  return std::all_of(series_.begin(), series_.end(),
                     [](const Series& series) { return series.source->peek() == nullptr; });
}

}  // namespace autotrader::feed
