// Binance WebSocket frame -> candle event decode cost (ns per frame). Anchor: NautilusTrader
// publishes 852 ns for a WebSocket frame -> quote on its OKX adapter. The frames are the shapes of
// reference binance.md §9 at realistic BTCUSDT magnitudes. nlohmann's DOM parse of the same frame
// is printed beside it: the reason the stream codec has its own scanner.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "venues/binance/stream_codec.hpp"

namespace {

using autotrader::binance::decode_stream_frame;
using autotrader::binance::KlineEvent;

const std::string kCombinedKline =
    R"({"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1700000100123,"s":"BTCUSDT","k":)"
    R"({"t":1700000040000,"T":1700000099999,"s":"BTCUSDT","i":"1m","f":3251234567,)"
    R"("L":3251236789,"o":"37021.45000000","c":"37034.12000000","h":"37040.00000000",)"
    R"("l":"37011.02000000","v":"41.82736000","n":2223,"x":true,"q":"1548523.91452310",)"
    R"("V":"22.19481000","Q":"821703.41256280","B":"0"}}})";

const std::string kRawKline =
    kCombinedKline.substr(kCombinedKline.find("\"data\":") + 7,
                          kCombinedKline.size() - kCombinedKline.find("\"data\":") - 8);

const std::string kTrade =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1700000100123,"s":"BTCUSDT",)"
    R"("t":3251236790,"p":"37034.12000000","q":"0.00150000","T":1700000100122,"m":true,"M":true}})";

void BM_DecodeCombinedKlineFrame(benchmark::State& state) {
  for (auto _ : state) {
    auto event = decode_stream_frame(kCombinedKline);
    benchmark::DoNotOptimize(event);
    if (!event.ok() || !std::holds_alternative<KlineEvent>(*event)) state.SkipWithError("decode");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kCombinedKline.size()));
}
BENCHMARK(BM_DecodeCombinedKlineFrame);

void BM_DecodeRawKlineFrame(benchmark::State& state) {
  for (auto _ : state) {
    auto event = decode_stream_frame(kRawKline);
    benchmark::DoNotOptimize(event);
    if (!event.ok() || !std::holds_alternative<KlineEvent>(*event)) state.SkipWithError("decode");
  }
}
BENCHMARK(BM_DecodeRawKlineFrame);

void BM_DecodeTradeFrame(benchmark::State& state) {
  for (auto _ : state) {
    auto event = decode_stream_frame(kTrade);
    benchmark::DoNotOptimize(event);
  }
}
BENCHMARK(BM_DecodeTradeFrame);

void BM_MalformedFrameRejected(benchmark::State& state) {
  const std::string truncated = kCombinedKline.substr(0, kCombinedKline.size() / 2);
  for (auto _ : state) {
    auto event = decode_stream_frame(truncated);
    benchmark::DoNotOptimize(event);
  }
}
BENCHMARK(BM_MalformedFrameRejected);

// For comparison only: building nlohmann's DOM of the same frame, before any field is read.
void BM_NlohmannDomParseOfKlineFrame(benchmark::State& state) {
  for (auto _ : state) {
    auto doc = nlohmann::json::parse(kCombinedKline);
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_NlohmannDomParseOfKlineFrame);

}  // namespace

BENCHMARK_MAIN();
