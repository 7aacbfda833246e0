#pragma once
// A started FakeBinance with one BTCUSDT 1m data set, for the fake's own socket tests.
#include <gtest/gtest.h>

#include <memory>

#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/klines.hpp"

namespace autotrader::fakes::binance::test {

inline constexpr core::TimestampMs kMinute = 60'000;
inline constexpr core::TimestampMs kStart = 1'700'000'070'000;  // 30 s into a minute
inline constexpr std::chrono::milliseconds kWait{5000};         // deadline for things that happen
inline constexpr std::chrono::milliseconds kQuiet{300};  // how long "nothing arrives" is checked

inline core::Symbol btc() {
  return *core::Symbol::parse("BTCUSDT");
}

class FakeBinanceFixture : public ::testing::Test {
 protected:
  // Candles 0..119 from 100 minutes before kStart: 100 closed, #100 forming, 19 in the future.
  static std::vector<core::Candle> data_set() {
    return generate_klines(btc(), core::Interval::m1, kStart - 100 * kMinute, 120, 100.0, 3);
  }

  void start(FakeBinanceOptions options = {}) {
    options.start_time = kStart;
    fake = std::make_unique<FakeBinance>(std::move(options));
    fake->set_klines(btc(), core::Interval::m1, data_set());
    auto error = fake->start();
    ASSERT_FALSE(error) << *error;
    ASSERT_NE(fake->port(), 0);
  }

  void SetUp() override { start(); }

  std::unique_ptr<FakeBinance> fake;
};

}  // namespace autotrader::fakes::binance::test
