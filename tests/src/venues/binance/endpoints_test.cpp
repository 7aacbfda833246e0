#include "venues/binance/endpoints.hpp"

#include <gtest/gtest.h>

namespace autotrader::binance {
namespace {

std::vector<core::Symbol> symbols(std::initializer_list<const char*> names) {
  std::vector<core::Symbol> out;
  for (const char* name : names) out.push_back(*core::Symbol::parse(name));
  return out;
}

TEST(BinanceEndpoints, CombinedStreamUrlAcceptsEveryDocumentedBase) {
  const std::string expected =
      "wss://stream.testnet.binance.vision/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m";
  for (const char* base :
       {"wss://stream.testnet.binance.vision", "wss://stream.testnet.binance.vision/",
        "wss://stream.testnet.binance.vision/ws", "wss://stream.testnet.binance.vision/stream"}) {
    EXPECT_EQ(combined_stream_url(base, symbols({"BTCUSDT", "ETHUSDT"}), core::Interval::m1, false),
              expected)
        << base;
  }
  EXPECT_EQ(
      combined_stream_url("ws://127.0.0.1:9000", symbols({"BNBBTC"}), core::Interval::h4, true),
      "ws://127.0.0.1:9000/stream?streams=bnbbtc@kline_4h/bnbbtc@trade");
}

TEST(BinanceEndpoints, RestTargets) {
  EXPECT_EQ(klines_target(*core::Symbol::parse("BTCUSDT"), core::Interval::mo1,
                          KlineRange{1000, 1999, 500}),
            "/api/v3/klines?symbol=BTCUSDT&interval=1M&startTime=1000&endTime=1999&limit=500");
  EXPECT_EQ(exchange_info_target(symbols({"BTCUSDT", "BNBBTC"})),
            "/api/v3/exchangeInfo?symbols=%5B%22BTCUSDT%22%2C%22BNBBTC%22%5D");
  EXPECT_EQ(exchange_info_target({}), "/api/v3/exchangeInfo");
}

TEST(BinanceServerClock, EstimatesTheOffsetAtTheMiddleOfTheRoundTrip) {
  ServerClock clock;
  EXPECT_FALSE(clock.synced());
  EXPECT_EQ(clock.to_server(5000), 5000);
  clock.update(/*server_time=*/10'150, /*sent=*/10'000, /*received=*/10'100);
  EXPECT_TRUE(clock.synced());
  EXPECT_EQ(clock.offset_ms(), 100);
  EXPECT_EQ(clock.to_server(20'000), 20'100);
  clock.update(9'000, 10'000, 10'000);  // a server behind us
  EXPECT_EQ(clock.offset_ms(), -1000);
}

}  // namespace
}  // namespace autotrader::binance
