// Cost per closed candle of the market-data path: the indicator set alone, the quality gate
// alone, and the whole pipeline (gate -> indicators -> snapshot) that every feed actor runs for
// each candle; plus Decimal's parse-and-round-to-tick that every order price goes through.
// Run from a Release build: build/release/bench/indicators_bench
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/decimal.hpp"
#include "indicators/indicator_set.hpp"
#include "indicators/momentum.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/volatility.hpp"
#include "indicators/volume.hpp"
#include "market/pipeline.hpp"
#include "market/quality_gate.hpp"

namespace {

using namespace autotrader;

constexpr std::size_t kCandles = 1 << 16;

// A random walk of one-minute candles around 42000, seeded so every run sees the same data.
const std::vector<core::Candle>& candles() {
  static const std::vector<core::Candle> series = [] {
    std::mt19937_64 rng{42};
    std::normal_distribution<double> step{0.0, 20.0};
    std::normal_distribution<double> wick{0.0, 8.0};
    std::vector<core::Candle> out(kCandles);
    double price = 42000;
    for (std::size_t i = 0; i < kCandles; ++i) {
      core::Candle& c = out[i];
      c.symbol = *core::Symbol::parse("BTCUSDT");
      c.interval = core::Interval::m1;
      c.open_time = 1'704'067'200'000 + static_cast<std::int64_t>(i) * 60'000;
      c.close_time = c.open_time + 59'999;
      c.open = price;
      c.close = price + step(rng);
      c.high = std::max(c.open, c.close) + std::abs(wick(rng));
      c.low = std::min(c.open, c.close) - std::abs(wick(rng));
      c.volume = 5 + std::abs(step(rng));
      price = c.close;
    }
    return out;
  }();
  return series;
}

// One indicator fed the series bar by bar: its update cost per bar.
template <typename Indicator, typename Update>
void run_indicator(benchmark::State& state, Indicator indicator, Update update) {
  const auto& series = candles();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(update(indicator, series[i]));
    if (++i == series.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Sma20(benchmark::State& state) {
  run_indicator(state, indicators::Sma{20},
                [](auto& x, const core::Candle& c) { return x.update(c.close); });
}
void BM_Ema20(benchmark::State& state) {
  run_indicator(state, indicators::Ema{20},
                [](auto& x, const core::Candle& c) { return x.update(c.close); });
}
void BM_Rsi14(benchmark::State& state) {
  run_indicator(state, indicators::Rsi{14},
                [](auto& x, const core::Candle& c) { return x.update(c.close); });
}
void BM_Atr14(benchmark::State& state) {
  run_indicator(state, indicators::Atr{14},
                [](auto& x, const core::Candle& c) { return x.update(c.high, c.low, c.close); });
}
void BM_SessionVwap(benchmark::State& state) {
  run_indicator(state, indicators::SessionVwap{},
                [](auto& x, const core::Candle& c) { return x.update(c); });
}
void BM_Macd12_26_9(benchmark::State& state) {
  run_indicator(state, indicators::Macd{},
                [](auto& x, const core::Candle& c) { return x.update(c.close).macd; });
}
void BM_Bollinger20_2(benchmark::State& state) {
  run_indicator(state, indicators::Bollinger{},
                [](auto& x, const core::Candle& c) { return x.update(c.close); });
}
void BM_Stochastic14_3_3(benchmark::State& state) {
  run_indicator(state, indicators::Stochastic{},
                [](auto& x, const core::Candle& c) { return x.update(c.high, c.low, c.close).k; });
}
void BM_VolumeAverage20(benchmark::State& state) {
  run_indicator(state, indicators::Sma{20},
                [](auto& x, const core::Candle& c) { return x.update(c.volume); });
}
BENCHMARK(BM_Sma20);
BENCHMARK(BM_Ema20);
BENCHMARK(BM_Rsi14);
BENCHMARK(BM_Atr14);
BENCHMARK(BM_SessionVwap);
BENCHMARK(BM_Macd12_26_9);
BENCHMARK(BM_Bollinger20_2);
BENCHMARK(BM_Stochastic14_3_3);
BENCHMARK(BM_VolumeAverage20);

void BM_IndicatorSetUpdate(benchmark::State& state) {
  const auto& series = candles();
  indicators::IndicatorSet set;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(set.update(series[i]));
    if (++i == series.size()) i = 0;  // the open times repeat, which the set does not check
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IndicatorSetUpdate);

void BM_QualityGateCheck(benchmark::State& state) {
  const auto& series = candles();
  auto gate = std::make_unique<market::QualityGate>(series[0].symbol, core::Interval::m1);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(gate->check(series[i]));
    if (++i == series.size()) {
      // A fresh gate, so the repeated open times are not all rejected as out of order.
      state.PauseTiming();
      gate = std::make_unique<market::QualityGate>(series[0].symbol, core::Interval::m1);
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QualityGateCheck);

void BM_PipelinePush(benchmark::State& state) {
  const auto& series = candles();
  auto pipeline =
      std::make_unique<market::SymbolPipeline>("bench", series[0].symbol, core::Interval::m1);
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = pipeline->push(series[i], series[i].close_time + 50);
    benchmark::DoNotOptimize(result);
    if (++i == series.size()) {
      state.PauseTiming();
      pipeline =
          std::make_unique<market::SymbolPipeline>("bench", series[0].symbol, core::Interval::m1);
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PipelinePush);

void BM_DecimalParseAndRoundToTick(benchmark::State& state) {
  const std::vector<std::string> prices{"42150.37612345", "0.01634790", "1.5", "99999.99999999"};
  const core::Decimal tick = *core::Decimal::parse("0.01000000");
  std::size_t i = 0;
  for (auto _ : state) {
    auto price = core::Decimal::parse(prices[i++ & 3]);
    benchmark::DoNotOptimize(core::round_to_step(*price, tick, core::Rounding::floor));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecimalParseAndRoundToTick);

}  // namespace

BENCHMARK_MAIN();
