// Binance order build and sign cost (ns per order). Anchors: NautilusTrader publishes 152 ns for
// building and serializing a limit order and 339 ns for HMAC signing on its OKX adapter.
// BM_BuildLimitOrderQuery is our equivalent of the first (the LIMIT order's parameter string
// with the decision's client id, unsigned); BM_HmacSign is the second over that payload with the
// key's pad states computed once (HmacSha256Key, what RequestSigner uses), BM_HmacSignOneShot the
// same with OpenSSL's one-shot HMAC() (key schedule and digest lookup on every call);
// BM_SignedLimitOrderRequest is the whole new_order_request (build + recvWindow, timestamp and
// signature), the cost the executor pays per order.
#include <benchmark/benchmark.h>

#include "venues/binance/order_codec.hpp"
#include "venues/binance/signing.hpp"

namespace {

namespace binance = autotrader::binance;
namespace core = autotrader::core;
namespace paper = autotrader::paper;

const core::Symbol kSymbol = *core::Symbol::parse("BTCUSDT");
const core::Decimal kQuantity = *core::Decimal::parse("0.00150000");
const core::Decimal kPrice = *core::Decimal::parse("37034.12000000");

void BM_BuildLimitOrderQuery(benchmark::State& state) {
  for (auto _ : state) {
    binance::NewOrder order = binance::limit_order(kSymbol, paper::Side::buy, kQuantity, kPrice,
                                                   "d1700000100123", paper::OrderPurpose::entry);
    binance::QueryBuilder params;
    params.add("symbol", order.symbol.view())
        .add("side", paper::to_string(order.side))
        .add("type", "LIMIT")
        .add("timeInForce", "GTC")
        .add("quantity", *order.quantity)
        .add("price", *order.price)
        .add("newClientOrderId", order.client_order_id)
        .add("newOrderRespType", "FULL");
    benchmark::DoNotOptimize(params.str().data());
  }
}
BENCHMARK(BM_BuildLimitOrderQuery);

void BM_HmacSign(benchmark::State& state) {
  const core::Secret key{"NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"};
  const std::string payload =
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0015&price=37034.12&"
      "newClientOrderId=at-d1700000100123-en&newOrderRespType=FULL&recvWindow=5000&"
      "timestamp=1700000100123";
  const binance::HmacSha256Key prepared{key};
  for (auto _ : state) {
    std::string signature = prepared.hex(payload);
    benchmark::DoNotOptimize(signature.data());
  }
}
BENCHMARK(BM_HmacSign);

void BM_HmacSignOneShot(benchmark::State& state) {
  const core::Secret key{"NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"};
  const std::string payload =
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0015&price=37034.12&"
      "newClientOrderId=at-d1700000100123-en&newOrderRespType=FULL&recvWindow=5000&"
      "timestamp=1700000100123";
  for (auto _ : state) {
    std::string signature = binance::hmac_sha256_hex(key, payload);
    benchmark::DoNotOptimize(signature.data());
  }
}
BENCHMARK(BM_HmacSignOneShot);

void BM_SignedLimitOrderRequest(benchmark::State& state) {
  auto signer = binance::RequestSigner::make(binance::Credentials{
      core::Secret{"vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"},
      core::Secret{"NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"}});
  binance::ServerClock clock;
  const binance::SignContext sign{signer.value(), clock, 1700000100123};
  for (auto _ : state) {
    auto request = binance::new_order_request(
        binance::limit_order(kSymbol, paper::Side::buy, kQuantity, kPrice, "d1700000100123",
                             paper::OrderPurpose::entry),
        sign);
    benchmark::DoNotOptimize(request);
    if (!request.ok()) state.SkipWithError("build");
  }
}
BENCHMARK(BM_SignedLimitOrderRequest);

}  // namespace

BENCHMARK_MAIN();
