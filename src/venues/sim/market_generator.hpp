#pragma once
// The built-in simulated market: seeded, deterministic candles for several symbols.
//
// Each symbol follows geometric Brownian motion of its log price whose drift and volatility
// change with a regime (regime.hpp), switched by a Markov chain. Every bar walks an intrabar path
// of `substeps` steps, so open, high, low and close come from one path (low <= open, close <=
// high by construction); the open is the previous close. Volume grows with the bar's absolute
// return and with the regime's volume factor, with log-normal noise.
//
// Determinism: each symbol draws from its own xoshiro256** stream seeded from (seed, symbol
// name), so the same seed gives the same candles bit for bit on any platform
// (portable_random.hpp), and adding a symbol never changes another symbol's candles. Bars follow
// each other without gaps from `origin`, as market::next_open_time spaces them (calendar months
// for 1M).
#include <chrono>
#include <cstdint>
#include <vector>

#include "core/market.hpp"
#include "venues/sim/portable_random.hpp"
#include "venues/sim/regime.hpp"

namespace autotrader::sim {

struct SymbolSpec {
  core::Symbol symbol;
  double start_price = 100;
};

struct GeneratorConfig {
  std::uint64_t seed = 42;
  core::Interval interval = core::Interval::m1;
  core::TimestampMs origin = 0;  // open time of the first bar
  std::vector<SymbolSpec> symbols;
  RegimeModel model = RegimeModel::defaults();
  int substeps = 8;
  // Quote-asset turnover of an average 1-minute bar, scaled to the interval; sets the volume.
  double quote_volume_per_minute = 250'000;
  double average_trade_quote = 400;  // quote value of one trade, for Candle::trades
};

// A start price that looks like the real market for well-known pairs, 100 for anything else.
double default_start_price(const core::Symbol& symbol);

// One symbol's stream. Not thread-safe: one owner.
class SymbolGenerator {
 public:
  SymbolGenerator(const GeneratorConfig& config, const SymbolSpec& spec);

  // The next closed bar.
  core::Candle next();
  // Advances past `bars` bars exactly as next() would, without building candles.
  void skip(std::uint64_t bars);

  std::uint64_t bars_generated() const { return bars_; }
  core::TimestampMs next_open_time() const { return open_time_; }
  Regime regime() const { return regime_; }
  const core::Symbol& symbol() const { return symbol_; }

 private:
  struct Bar {
    double open, high, low, close, log_return;
  };
  Bar walk();
  void maybe_switch_regime();
  Regime draw_regime(bool exclude_current);

  core::Symbol symbol_;
  core::Interval interval_;
  core::TimestampMs open_time_;  // of the next bar
  std::int64_t interval_ms_;     // a month counts as 30 days here (volatility, volume only)
  RegimeModel model_;
  int substeps_;
  double bar_days_;         // the bar's length in days
  double base_volume_;      // base-asset volume of an average bar in the reference regime
  double reference_sigma_;  // volatility of one bar in the ranging regime, for volume
  double average_trade_quote_;
  Xoshiro256 rng_;
  Regime regime_ = Regime::ranging;
  double log_price_;
  double close_;
  double anchor_;  // log price at which the current regime began (ranging pulls back to it)
  std::uint64_t bars_ = 0;
};

// All configured symbols, one bar each per step, in the configured order.
class MarketGenerator {
 public:
  explicit MarketGenerator(const GeneratorConfig& config);

  // One candle per symbol, all with the same open time.
  std::vector<core::Candle> next_bar();
  std::vector<SymbolGenerator>& symbols() { return symbols_; }

 private:
  std::vector<SymbolGenerator> symbols_;
};

}  // namespace autotrader::sim
