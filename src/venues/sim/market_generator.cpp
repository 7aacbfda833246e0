#include "venues/sim/market_generator.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "market/series.hpp"

namespace autotrader::sim {
namespace {

constexpr double ms_per_day = 86'400'000.0;
constexpr double volume_noise_sigma = 0.3;

std::uint64_t symbol_seed(std::uint64_t seed, const core::Symbol& symbol) {
  const auto name = symbol.view();
  std::uint64_t state = seed ^ fnv1a64(name.data(), name.size());
  return splitmix64(state);
}

}  // namespace

double default_start_price(const core::Symbol& symbol) {
  struct Known {
    std::string_view name;
    double price;
  };
  static constexpr Known known[] = {{"BTCUSDT", 60'000}, {"ETHUSDT", 3'000}, {"BNBUSDT", 600},
                                    {"SOLUSDT", 150},    {"XRPUSDT", 0.6},   {"ADAUSDT", 0.45},
                                    {"DOGEUSDT", 0.15}};
  for (const auto& k : known) {
    if (symbol.view() == k.name) return k.price;
  }
  return 100;
}

SymbolGenerator::SymbolGenerator(const GeneratorConfig& config, const SymbolSpec& spec)
    : symbol_{spec.symbol},
      interval_{config.interval},
      open_time_{config.origin},
      interval_ms_{core::duration(config.interval).count()},
      model_{config.model},
      substeps_{std::max(1, config.substeps)},
      bar_days_{static_cast<double>(interval_ms_) / ms_per_day},
      base_volume_{config.quote_volume_per_minute * (static_cast<double>(interval_ms_) / 60'000.0) /
                   spec.start_price},
      reference_sigma_{
          std::max(1e-6, config.model[Regime::ranging].volatility_per_day * std::sqrt(bar_days_))},
      average_trade_quote_{std::max(1e-9, config.average_trade_quote)},
      rng_{symbol_seed(config.seed, spec.symbol)},
      log_price_{portable_log(spec.start_price)},
      close_{spec.start_price},
      anchor_{log_price_} {
  regime_ = draw_regime(false);
}

Regime SymbolGenerator::draw_regime(bool exclude_current) {
  double total = 0;
  for (std::size_t i = 0; i < regime_count; ++i) {
    if (exclude_current && i == static_cast<std::size_t>(regime_)) continue;
    total += std::max(0.0, model_.next_weights[i]);
  }
  const double u = rng_.uniform01() * total;
  if (total <= 0) return regime_;
  double cumulative = 0;
  std::size_t last = static_cast<std::size_t>(regime_);
  for (std::size_t i = 0; i < regime_count; ++i) {
    if (exclude_current && i == static_cast<std::size_t>(regime_)) continue;
    const double w = std::max(0.0, model_.next_weights[i]);
    if (w <= 0) continue;
    cumulative += w;
    last = i;
    if (u < cumulative) return static_cast<Regime>(i);
  }
  return static_cast<Regime>(last);  // u rounded up to the total
}

void SymbolGenerator::maybe_switch_regime() {
  // One draw per bar whatever happens, so the stream never depends on the outcome.
  const double u = rng_.uniform01();
  const double leave = static_cast<double>(interval_ms_) /
                       static_cast<double>(std::max<std::int64_t>(1, model_.mean_duration.count()));
  if (u < leave) {
    regime_ = draw_regime(true);
    anchor_ = log_price_;
  }
}

SymbolGenerator::Bar SymbolGenerator::walk() {
  const auto& p = model_[regime_];
  const double dt = bar_days_ / substeps_;
  const double drift = p.drift_per_day * dt;
  const double sd = p.volatility_per_day * std::sqrt(dt);
  // Exact Ornstein-Uhlenbeck decay of the distance to the anchor, stable at any step size.
  const double keep = p.reversion_per_day > 0 ? portable_exp(-p.reversion_per_day * dt) : 1.0;
  const double start = log_price_;
  double x = start;
  double highest = x;
  double lowest = x;
  for (int i = 0; i < substeps_; ++i) {
    x = anchor_ + (x - anchor_) * keep + drift + sd * rng_.normal();
    highest = std::max(highest, x);
    lowest = std::min(lowest, x);
  }
  Bar bar{};
  bar.open = close_;
  bar.close = portable_exp(x);
  // max/min with open and close keep the invariants even where exp rounds non-monotonically.
  bar.high = std::max({bar.open, bar.close, portable_exp(highest)});
  bar.low = std::min({bar.open, bar.close, portable_exp(lowest)});
  bar.log_return = x - start;
  log_price_ = x;
  close_ = bar.close;
  return bar;
}

core::Candle SymbolGenerator::next() {
  maybe_switch_regime();
  const auto bar = walk();
  const auto& p = model_[regime_];
  const double activity = 0.5 + std::fabs(bar.log_return) / reference_sigma_;
  // Log-normal noise with mean 1: e^(sZ - s^2/2).
  const double noise = portable_exp(volume_noise_sigma * rng_.normal() -
                                    0.5 * volume_noise_sigma * volume_noise_sigma);
  core::Candle candle;
  candle.symbol = symbol_;
  candle.interval = interval_;
  candle.open_time = open_time_;
  open_time_ = market::next_open_time(interval_, open_time_);
  candle.close_time = open_time_ - 1;
  candle.open = bar.open;
  candle.high = bar.high;
  candle.low = bar.low;
  candle.close = bar.close;
  candle.volume = base_volume_ * p.volume_factor * activity * noise;
  const double typical = std::clamp((bar.high + bar.low + bar.close) / 3.0, bar.low, bar.high);
  candle.quote_volume = candle.volume * typical;
  candle.trades =
      std::max<std::int64_t>(1, std::llround(candle.quote_volume / average_trade_quote_));
  candle.closed = true;
  ++bars_;
  return candle;
}

void SymbolGenerator::skip(std::uint64_t bars) {
  for (std::uint64_t i = 0; i < bars; ++i) next();
}

MarketGenerator::MarketGenerator(const GeneratorConfig& config) {
  symbols_.reserve(config.symbols.size());
  for (const auto& spec : config.symbols) symbols_.emplace_back(config, spec);
}

std::vector<core::Candle> MarketGenerator::next_bar() {
  std::vector<core::Candle> bar;
  bar.reserve(symbols_.size());
  for (auto& symbol : symbols_) bar.push_back(symbol.next());
  return bar;
}

}  // namespace autotrader::sim
