#pragma once
// BinanceFeed's private pieces, shared by binance_feed.cpp and binance_feed_rest.cpp only.
#include <chrono>
#include <optional>

#include "actors/binance_feed/binance_feed.hpp"
#include "core/clock.hpp"

namespace autotrader::binance_feed {

class BinanceFeed::Time final : public core::Clock {
 public:
  void set(TimePoint now, core::TimestampMs wall) {
    steady_ = now;
    wall_ = wall;
  }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds{wall_}};
  }
  std::chrono::steady_clock::time_point steady_now() const override { return steady_; }
  TimePoint steady() const { return steady_; }
  core::TimestampMs wall() const { return wall_; }

 private:
  TimePoint steady_{};
  core::TimestampMs wall_ = 0;
};

struct BinanceFeed::Series {
  Series(const BinanceFeedOptions& options, core::Symbol symbol_, core::TimestampMs start_at,
         std::optional<core::TimestampMs> cursor_, core::TimestampMs live_from_close_)
      : symbol{symbol_},
        sequencer{symbol_, options.interval, start_at, options.sequencer},
        pipeline{options.venue, symbol_, options.interval, options.pipeline},
        cursor{cursor_},
        live_from_close{live_from_close_} {}

  // Live candles go to subscribers; the ones before the resume point only warm the pipeline.
  bool is_live(const core::Candle& candle) const {
    return cursor ? candle.open_time > *cursor : candle.close_time >= live_from_close;
  }

  core::Symbol symbol;
  binance::CandleSequencer sequencer;
  market::SymbolPipeline pipeline;
  std::optional<core::TimestampMs> cursor;
  core::TimestampMs live_from_close;
};

}  // namespace autotrader::binance_feed
