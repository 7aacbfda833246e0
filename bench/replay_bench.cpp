// Replaying history: reading a klines file (Binance data-dump CSV and REST JSON) and pushing
// every candle through a SymbolPipeline, as backtests and `autotrader indicators` do. The files
// (100,000 one-minute candles, about 70 days) are written to a temporary directory at start.
// Run from a Release build: build/release/bench/replay_bench
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <variant>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "market/klines_file.hpp"
#include "market/pipeline.hpp"

namespace {

using namespace autotrader;

constexpr int kCandles = 100'000;

struct Files {
  std::filesystem::path dir;
  std::filesystem::path csv;
  std::filesystem::path json;

  Files() {
    dir = std::filesystem::temp_directory_path() /
          ("autotrader-replay-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    csv = dir / "BTCUSDT-1m-bench.csv";
    json = dir / "BTCUSDT-1m-bench.json";
    std::ofstream c{csv};
    std::ofstream j{json};
    std::mt19937_64 rng{7};
    std::normal_distribution<double> step{0.0, 20.0};
    double price = 42000;
    char row[512];
    j << "[\n";
    for (int i = 0; i < kCandles; ++i) {
      const std::int64_t open = 1'704'067'200'000 + std::int64_t{i} * 60'000;
      const double close = price + step(rng);
      const double high = std::max(price, close) + 3;
      const double low = std::min(price, close) - 3;
      const double volume = 5 + std::abs(step(rng));
      std::snprintf(row, sizeof row, "%lld,%.8f,%.8f,%.8f,%.8f,%.8f,%lld,%.8f,%d,%.8f,%.8f,0",
                    static_cast<long long>(open), price, high, low, close, volume,
                    static_cast<long long>(open + 59'999), volume * close, 100 + i % 50, volume / 2,
                    volume * close / 2);
      c << row << '\n';
      std::snprintf(row, sizeof row,
                    "[%lld,\"%.8f\",\"%.8f\",\"%.8f\",\"%.8f\",\"%.8f\",%lld,\"%.8f\",%d,"
                    "\"%.8f\",\"%.8f\",\"0\"]%s",
                    static_cast<long long>(open), price, high, low, close, volume,
                    static_cast<long long>(open + 59'999), volume * close, 100 + i % 50, volume / 2,
                    volume * close / 2, i + 1 < kCandles ? ",\n" : "\n");
      j << row;
      price = close;
    }
    j << "]\n";
  }
  ~Files() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const Files& files() {
  static const Files instance;
  return instance;
}

void read(benchmark::State& state, const std::filesystem::path& path) {
  for (auto _ : state) {
    auto result =
        market::read_klines_file(path, *core::Symbol::parse("BTCUSDT"), core::Interval::m1);
    if (!std::holds_alternative<std::vector<core::Candle>>(result)) {
      state.SkipWithError("the generated file did not parse");
      return;
    }
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * kCandles);
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(std::filesystem::file_size(path)));
}

void BM_ReadKlinesCsv(benchmark::State& state) {
  read(state, files().csv);
}
BENCHMARK(BM_ReadKlinesCsv)->Unit(benchmark::kMillisecond);

void BM_ReadKlinesJson(benchmark::State& state) {
  read(state, files().json);
}
BENCHMARK(BM_ReadKlinesJson)->Unit(benchmark::kMillisecond);

// Read the CSV and push every candle through a fresh pipeline: the whole replay.
void BM_ReplayCsvThroughPipeline(benchmark::State& state) {
  for (auto _ : state) {
    auto result = market::read_klines_file(files().csv);
    if (!std::holds_alternative<market::KlinesSeries>(result)) {
      state.SkipWithError("the generated file did not parse");
      return;
    }
    const auto& series = std::get<market::KlinesSeries>(result);
    market::SymbolPipeline pipeline{"replay", series.symbol, series.interval};
    std::size_t accepted = 0;
    for (const auto& candle : series.candles) {
      accepted += pipeline.push(candle, candle.close_time).accepted();
    }
    if (accepted != series.candles.size()) {
      state.SkipWithError("the gate rejected generated candles");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * kCandles);
}
BENCHMARK(BM_ReplayCsvThroughPipeline)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
